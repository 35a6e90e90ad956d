"""Reporting periods: the calendar, the due day, and how many reports in a row a task has missed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sdpolicy.catalogue import Reporting, load_catalogue
from sdpolicy.errors import DataError, UsageError
from sdpolicy.periods import containing, last_due, missed_through, owed, parse_period, period, previous

MONTHLY = Reporting()
QUARTERLY = Reporting(cadence="quarterly")
ON_28TH = Reporting(due_day=28)


def test_a_month_is_due_on_its_last_day_by_default():
    june = containing(MONTHLY, date(2006, 6, 14))
    assert (june.start, june.end, june.due, june.label) == (date(2006, 6, 1), date(2006, 6, 30), date(2006, 6, 30), "2006-06")


def test_a_due_day_past_the_end_of_a_short_month_is_its_last_day():
    assert containing(Reporting(due_day=30), date(2006, 2, 3)).due == date(2006, 2, 28)
    assert containing(ON_28TH, date(2006, 7, 1)).due == date(2006, 7, 28)


def test_a_quarter_is_due_in_its_last_month():
    q2 = containing(QUARTERLY, date(2006, 4, 1))
    assert (q2.start, q2.end, q2.due, q2.label) == (date(2006, 4, 1), date(2006, 6, 30), date(2006, 6, 30), "2006-Q2")
    assert containing(Reporting(cadence="quarterly", due_day=25), date(2006, 5, 5)).due == date(2006, 6, 25)


def test_periods_run_on_across_the_year_end():
    january = containing(MONTHLY, date(2007, 1, 9))
    assert previous(MONTHLY, january).label == "2006-12"
    assert previous(QUARTERLY, containing(QUARTERLY, date(2007, 2, 1))).label == "2006-Q4"
    assert period(MONTHLY, january.index + 1).label == "2007-02"


def test_the_last_due_period_turns_over_on_the_due_day():
    assert last_due(MONTHLY, date(2006, 6, 29)).label == "2006-05"
    assert last_due(MONTHLY, date(2006, 6, 30)).label == "2006-06"
    assert last_due(ON_28TH, date(2006, 6, 28)).label == "2006-06"
    assert last_due(QUARTERLY, date(2006, 6, 29)).label == "2006-Q1"


@pytest.mark.parametrize(
    ("reporting", "text", "label"),
    [
        (MONTHLY, "2006-06", "2006-06"),
        (MONTHLY, " 2006-12 ", "2006-12"),
        (QUARTERLY, "2006-Q3", "2006-Q3"),
        (QUARTERLY, "2006-08", "2006-Q3"),  # the quarter holding August
        (Reporting(cadence="yearly"), "2006", "2006"),
    ],
)
def test_parse_period(reporting, text, label):
    assert parse_period(reporting, text).label == label


@pytest.mark.parametrize("text", ["2006-13", "2006-00", "2006/06", "June", "2006-Q5", "0000-01", ""])
def test_a_period_that_is_not_one_is_refused(text):
    with pytest.raises(UsageError, match="is not a month such as 2006-06 or a quarter such as 2006-Q2"):
        parse_period(MONTHLY, text)


def test_owed_counts_missed_periods_back_from_the_last_due():
    start = date(2006, 2, 16)
    # Nothing is owed before the first report (February's, due 02-28).
    assert owed(MONTHLY, start, [], date(2006, 2, 27)) is None
    # 06-30: February to June due, the last record in April: May and June missed.
    found = owed(MONTHLY, start, [date(2006, 3, 3), date(2006, 4, 20)], date(2006, 6, 30))
    assert (found.period.label, found.missed, found.first_due) == ("2006-06", 2, date(2006, 2, 28))
    # A record dated in June: nothing missed.
    assert owed(MONTHLY, start, [date(2006, 6, 1)], date(2006, 6, 30)).missed == 0
    # Never reported: every month from February.
    assert owed(MONTHLY, start, [], date(2006, 6, 30)).missed == 5


def test_a_task_begun_after_its_first_months_due_day_first_reports_the_next_month():
    # Due on the 28th; begun 2006-02-16 (before the 28th) it owes February, begun 03-29 it owes April first.
    assert owed(ON_28TH, date(2006, 2, 16), [], date(2006, 2, 28)).missed == 1
    assert owed(ON_28TH, date(2006, 3, 29), [], date(2006, 3, 31)) is None
    assert owed(ON_28TH, date(2006, 3, 29), [], date(2006, 4, 28)).first_due == date(2006, 4, 28)


def test_periods_worked_out_once_are_kept_apart_by_cadence_and_due_day():
    # period() and owed() keep what they worked out (the calendar of a status of 10,000 tasks is a
    # handful of periods); rules that differ only in their due day or cadence must not share it.
    june = containing(MONTHLY, date(2006, 6, 14))
    for _ in range(2):  # the second time from what was kept
        assert period(MONTHLY, june.index) == (june.index, date(2006, 6, 1), date(2006, 6, 30), date(2006, 6, 30))
        # The same index under a due day of the 28th: due 06-28.
        assert period(ON_28TH, june.index).due == date(2006, 6, 28)
        # Month index 24077 (2006-06) is quarter 8025 (24077 // 3): April to June 2006.
        assert period(QUARTERLY, june.index // 3)[1:] == (date(2006, 4, 1), date(2006, 6, 30), date(2006, 6, 30))
    start = date(2006, 2, 16)
    for _ in range(2):
        # Monthly at 06-29: May (due 05-31) is the last due, February to May missed: 4.
        late = owed(MONTHLY, start, [], date(2006, 6, 29))
        assert (late.period.label, late.missed) == ("2006-05", 4)
        # Due on the 28th, at the same day: June is due (06-28), February to June missed: 5.
        assert owed(ON_28TH, start, [], date(2006, 6, 29)).missed == 5
        # Quarterly: Q1 (due 03-31) is the last due; a record dated in March covers it.
        assert owed(QUARTERLY, start, [date(2006, 3, 1)], date(2006, 6, 29)).missed == 0
        assert owed(QUARTERLY, start, [date(2006, 4, 1)], date(2006, 6, 29)).missed == 1


def test_missed_through_counts_the_same_whatever_the_order_of_the_dates():
    # It stops at the first date in the latest period (histories come newest first); any order of
    # the same dates must give the same count. Month indexes: 2006-02 is 2006 * 12 + 1 = 24073.
    february, june = 24073, 24077
    march, june_1st = date(2006, 3, 3), date(2006, 6, 1)
    assert missed_through(MONTHLY, february, [march, june_1st], june) == 0
    assert missed_through(MONTHLY, february, [june_1st, march], june) == 0
    # The last report in March: April, May and June missed.
    assert missed_through(MONTHLY, february, [date(2006, 2, 20), march], june) == 3
    assert missed_through(MONTHLY, february, [march, date(2006, 2, 20)], june) == 3
    # A report for July does not cover June: February to June, 5 missed.
    assert missed_through(MONTHLY, february, [date(2006, 7, 1)], june) == 5
    # Dates given once, as a generator: a May report leaves June missed.
    assert missed_through(MONTHLY, february, (d for d in [date(2006, 5, 2)]), june) == 1


# ---------------------------------------------------------------------------------------------
# [plan.reporting] in a catalogue

MINIMAL = Path(__file__).resolve().parent / "data" / "catalogue" / "valid" / "minimal.toml"


def with_reporting(tmp_path: Path, table: str) -> Path:
    text = MINIMAL.read_text(encoding="utf-8").replace("[plan.lights]", table + "\n[plan.lights]", 1)
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_catalogue_without_a_reporting_rule_gets_the_defaults():
    # The shipped plan states none: monthly reports due on the month's last day, red after 2 missed.
    assert load_catalogue().reporting == Reporting("monthly", None, 2)
    assert load_catalogue(MINIMAL).reporting == Reporting("monthly", None, 2)


def test_a_catalogue_sets_its_reporting_rule(tmp_path):
    path = with_reporting(tmp_path, '[plan.reporting]\ncadence = "quarterly"\ndue_day = 25\nred_after = 1\n')
    assert load_catalogue(path).reporting == Reporting("quarterly", 25, 1)
    # Each key may be left out.
    path = with_reporting(tmp_path, "[plan.reporting]\ndue_day = 28\n")
    assert load_catalogue(path).reporting == Reporting("monthly", 28, 2)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('cadence = "weekly"', "field 'reporting.cadence' must be \"monthly\", \"quarterly\" or \"yearly\", not the text 'weekly'"),
        ("due_day = 32", "field 'reporting.due_day' must be a day of the month from 1 to 31, not the number 32"),
        ("due_day = 0", "field 'reporting.due_day' must be a day of the month from 1 to 31, not the number 0"),
        ("red_after = 0", "field 'reporting.red_after' must be a whole number of periods, 1 or more, not the number 0"),
        ("red_after = 1.5", "field 'reporting.red_after' must be a whole number of periods, 1 or more, not the number 1.5"),
        ("red_afer = 3", "unknown field 'reporting.red_afer'; did you mean 'reporting.red_after'?"),
    ],
)
def test_a_bad_reporting_rule_is_refused_with_its_place(tmp_path, table, message):
    path = with_reporting(tmp_path, f"[plan.reporting]\n{table}\n")
    with pytest.raises(DataError) as caught:
        load_catalogue(path)
    # The [plan] table starts at line 6; the problem is placed in the file, and named.
    assert any(p.startswith(f"{path}:") and p.endswith(message) for p in caught.value.problems), caught.value.problems
