"""`sdpolicy mark`: what it records, and every refusal leaving the store exactly as it was."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from conftest import assert_refused
from sdpolicy.store import read_records

RECORDED = re.compile(r"recorded (r-[0-9a-z]{10}): (\S+) (.+) on (\d{4}-\d{2}-\d{2})\n")


def recorded(result) -> tuple[str, str, str, str]:
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    found = RECORDED.fullmatch(result.stdout)
    assert found, result.stdout
    return found.groups()


def test_mark_value(cli, sdpolicy_home):
    record_id, item, what, day = recorded(
        cli("mark", "ind-01", "--value", "120", "--date", "2006-06-30", "--by", "省经贸委", "--note", "首批验收")
    )
    assert (item, what, day) == ("IND-01", "120 enterprises", "2006-06-30")  # the unit since issue 14
    (stored,) = read_records(sdpolicy_home)
    assert stored.id == record_id
    assert (stored.kind, stored.item, stored.value, stored.state) == ("task", "IND-01", 120, None)
    assert (stored.date, stored.note, stored.by) == (date(2006, 6, 30), "首批验收", "省经贸委")


def test_mark_value_with_decimals_and_percent_sign(cli, sdpolicy_home):
    assert recorded(cli("mark", "EGOV-10", "--value", "87.5%", "--date", "2006-06-30"))[2] == "87.5%"
    assert read_records(sdpolicy_home)[0].value == 87.5


@pytest.mark.parametrize(("typed", "state", "shown"), [
    ("in-progress", "in-progress", "in progress"),
    ("In Progress", "in-progress", "in progress"),
    ("not_started", "not-started", "not started"),
    ("blocked", "blocked", "blocked"),
])
def test_mark_state(cli, sdpolicy_home, typed, state, shown):
    assert recorded(cli("mark", "IND-02", "--state", typed, "--date", "2006-03-01"))[1:] == ("IND-02", shown, "2006-03-01")
    assert read_records(sdpolicy_home)[0].state == state


@pytest.mark.parametrize("task_id", ["IND-01", "IND-02", "EGOV-11"])  # count, milestone, qualitative
def test_mark_done_on_any_kind_of_task(cli, sdpolicy_home, task_id):
    recorded(cli("mark", task_id, "--done", "--date", "2006-09-01"))
    assert read_records(sdpolicy_home)[0].state == "done"
    row = json.loads(cli("show", task_id, "--json", "--as-of", "2006-09-02").stdout)["task"]
    assert row["light"] == "done"


def test_mark_indicator(cli, sdpolicy_home):
    record_id, item, what, day = recorded(cli("mark", "Internet-Users", "--value", "1200", "--date", "2006-06-30"))
    assert (item, what, day) == ("internet-users", "12 million subscribers", "2006-06-30")  # 1,200 万户
    (stored,) = read_records(sdpolicy_home)
    assert (stored.kind, stored.item, stored.value) == ("indicator", "internet-users", 1200)


def test_mark_indicator_that_is_a_state(cli, sdpolicy_home):
    recorded(cli("mark", "informatization-regulation", "--done", "--date", "2006-09-01"))
    assert read_records(sdpolicy_home)[0].state == "done"


def test_mark_date_defaults_to_today(cli, sdpolicy_home):
    before = date.today()
    _, _, _, day = recorded(cli("mark", "IND-01", "--value", "5"))
    assert before <= date.fromisoformat(day) <= date.today()
    assert read_records(sdpolicy_home)[0].date.isoformat() == day


def test_mark_note_is_kept_literally(cli, sdpolicy_home):
    note = '[red]x[/red] a|b "quoted" \\ back'
    recorded(cli("mark", "IND-01", "--value", "5", "--date", "2006-06-30", "--note", note))
    assert read_records(sdpolicy_home)[0].note == note
    assert json.loads(cli("log", "--json").stdout)["records"][0]["note"] == note


def test_mark_in_chinese(cli):
    result = cli("mark", "IND-01", "--value", "120", "--date", "2006-06-30", "--lang", "zh")
    assert result.exit_code == 0
    assert re.fullmatch(r"已记录 r-[0-9a-z]{10}：IND-01 120 家（2006-06-30）\n", result.stdout), result.stdout


def test_second_mark_appends(cli, sdpolicy_home, mark):
    first = mark("IND-01", "--value", "100", "--date", "2006-05-31")
    second = mark("IND-01", "--value", "120", "--date", "2006-06-30")
    assert [r.id for r in read_records(sdpolicy_home)] == [first, second]


# ---------------------------------------------------------------------------------------------
# Refusals: exit 2, one line on stderr, nothing on stdout, the store untouched.

FUTURE = (date.today() + timedelta(days=2)).isoformat()

REFUSALS = [
    pytest.param(["EGOV-99", "--value", "1"],
                 "unknown task or indicator 'EGOV-99'; did you mean EGOV-09, EGOV-14 or EGOV-13?", id="unknown-task"),
    pytest.param(["no-such-indicator", "--value", "1"], "unknown task or indicator 'no-such-indicator'", id="unknown-item"),
    pytest.param(["IND-01", "--state", "in-progress"],
                 "task IND-01 has a count target; record a --value or --done, not a --state", id="state-for-count"),
    pytest.param(["IND-02", "--value", "3"],
                 "task IND-02 has a milestone target; record a --state or --done, not a --value", id="value-for-milestone"),
    pytest.param(["EGOV-11", "--value", "3"],
                 "task EGOV-11 has a qualitative target; record a --state or --done, not a --value", id="value-for-qualitative"),
    pytest.param(["IND-01", "--value", "abc"],
                 "value 'abc' for task IND-01 is not a number; give a plain number such as 12.5", id="non-numeric"),
    pytest.param(["IND-01", "--value", "12,5"],
                 "value '12,5' for task IND-01 is not a number; give a plain number such as 12.5", id="decimal-comma"),
    pytest.param(["IND-01", "--value", "-5"], "value -5 for task IND-01 is negative; give 0 or more", id="negative"),
    pytest.param(["IND-01", "--value", "nan"],
                 "value 'nan' for task IND-01 is not a finite number; give a plain number such as 12.5", id="nan"),
    pytest.param(["IND-01", "--value", "NaN"],
                 "value 'NaN' for task IND-01 is not a finite number; give a plain number such as 12.5", id="NaN"),
    pytest.param(["IND-01", "--value", "inf"],
                 "value 'inf' for task IND-01 is not a finite number; give a plain number such as 12.5", id="inf"),
    pytest.param(["IND-01", "--value", "-inf"],
                 "value '-inf' for task IND-01 is not a finite number; give a plain number such as 12.5", id="minus-inf"),
    pytest.param(["EGOV-10", "--value", "120"],
                 "value 120 for task EGOV-10 is above 100%; give a percentage from 0 to 100", id="percent-above-100"),
    pytest.param(["IND-01", "--value", "1", "--date", "2006-02-30"],
                 "date '2006-02-30' is not a real date; use YYYY-MM-DD", id="impossible-date"),
    pytest.param(["IND-01", "--value", "1", "--date", "30/06/2006"],
                 "date '30/06/2006' is not in the form YYYY-MM-DD", id="not-iso-date"),
    pytest.param(["IND-01", "--value", "1", "--date", "2006-02-15"],
                 "date 2006-02-15 for task IND-01 is before the plan began on 2006-02-16; give 2006-02-16 or later",
                 id="before-plan-start"),
    pytest.param(["internet-users", "--value", "1", "--date", "2005-11-29"],
                 "date 2005-11-29 for indicator internet-users is before its 2005 figure, which is as of 2005-11-30; "
                 "give 2005-11-30 or later", id="before-indicator-date"),
    pytest.param(["IND-01", "--value", "1", "--date", FUTURE],
                 f"date {FUTURE} for task IND-01 is in the future (today is ", id="future-date"),
    pytest.param(["IND-01"], "nothing to record for task IND-01; give a --value or --done", id="nothing"),
    pytest.param(["IND-01", "--value", "1", "--done"],
                 "give only one of --value, --state and --done for task IND-01; it takes a --value or --done",
                 id="value-and-done"),
    pytest.param(["IND-02", "--state", "started"], "unknown state 'started' for task IND-02; did you mean not-started?",
                 id="unknown-state"),
    pytest.param(["internet-users", "--done"],
                 "indicator internet-users is a figure in 10k subscribers; record a --value, not --done",
                 id="done-for-figure"),
    pytest.param(["informatization-regulation", "--value", "1"],
                 "indicator informatization-regulation is a state, not a figure; record a --state or --done, not a --value",
                 id="value-for-state-indicator"),
    pytest.param(["IND-01", "--value", "1", "--note", "x" * 2001],
                 "the note for task IND-01 is 2001 characters; keep it to 2000", id="note-too-long"),
]


@pytest.mark.parametrize(("args", "expected"), REFUSALS)
def test_refusal_leaves_no_store(cli, store_file, sdpolicy_home, args, expected):
    message = assert_refused(cli("mark", *args))
    if expected.endswith("(today is "):
        assert message.startswith(expected) and message.endswith("); give today or earlier")
    else:
        assert message == expected
    assert not store_file.exists()


@pytest.mark.parametrize(("args", "expected"), REFUSALS)
def test_refusal_leaves_the_store_byte_identical(cli, store_file, mark, args, expected):
    mark("IND-01", "--value", "100", "--date", "2006-05-31", "--note", "before")
    before = store_file.read_bytes()
    assert_refused(cli("mark", *args))
    assert store_file.read_bytes() == before


def test_refusal_in_chinese_starts_with_the_chinese_word(cli, store_file):
    result = cli("mark", "IND-01", "--value", "abc", "--lang", "zh")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("错误: ") and result.stderr.count("\n") == 1
    assert not store_file.exists()


def test_missing_id_is_a_usage_error(cli, store_file):
    # The ID is optional since mark --from takes the records from a file; without either, the usage
    # error says both ways.
    result = cli("mark")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "Error: name the task or indicator to record, or give --from FILE\n"
    assert not store_file.exists()


def test_home_option_overrides_the_environment(cli, store_file, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    recorded(cli("mark", "IND-01", "--value", "5", "--date", "2006-06-30", "--home", str(elsewhere)))
    assert (elsewhere / "progress.toml").is_file()
    assert not store_file.exists()
    assert json.loads(cli("log", "--json", "--home", str(elsewhere)).stdout)["records"][0]["item"] == "IND-01"
    assert json.loads(cli("log", "--json").stdout)["records"] == []
