"""Right at every date (issue 14): what a command shows as of a date, one figure for a task and the
indicator it counts from, the spreadsheet's Log and Summary, and rounding half up."""

from __future__ import annotations

import json

import openpyxl
import pytest

from sdpolicy.numbers import fraction, half_up
from sdpolicy.render import words

JUNE, DECEMBER = "2006-06-30", "2006-12-15"


@pytest.fixture
def june_and_december(mark):
    """IND-01 at 120 in June and 180 in December; the June briefing must know only the first."""
    return {
        "june": mark("IND-01", "--value", "120", "--date", JUNE, "--note", "六月", "--by", "省经贸委"),
        "december": mark("IND-01", "--value", "180", "--date", DECEMBER, "--note", "十二月", "--by", "济南市"),
    }


def test_report_json_log_holds_only_records_dated_by_its_date(cli, june_and_december):
    view = json.loads(cli("report", "--json", "--as-of", JUNE).stdout)
    assert [r["id"] for r in view["log"]] == [june_and_december["june"]]
    # The latest record's note and reporting unit are June's too.
    row = next(r for a in view["areas"] for r in a["tasks_list"] if r["id"] == "IND-01")
    assert (row["actual"], row["latest"]["note"], row["latest"]["by"]) == (120, "六月", "省经贸委")
    later = json.loads(cli("report", "--json", "--as-of", DECEMBER).stdout)
    assert [r["id"] for r in later["log"]] == [june_and_december["december"], june_and_december["june"]]


def test_show_history_holds_only_records_dated_by_its_date(cli, june_and_december):
    shown = cli("show", "IND-01", "--as-of", JUNE)
    assert june_and_december["june"] in shown.stdout and june_and_december["december"] not in shown.stdout
    detail = json.loads(cli("show", "IND-01", "--as-of", JUNE, "--json").stdout)
    assert [r["id"] for r in detail["task"]["history"]] == [june_and_december["june"]]


def test_xlsx_log_sheet_holds_only_records_dated_by_its_date(cli, june_and_december, tmp_path):
    target = tmp_path / "june.xlsx"
    assert cli("report", "--xlsx", "-o", str(target), "--as-of", JUNE).exit_code == 0
    log = openpyxl.load_workbook(target)["Log"]
    ids = [row[0] for row in log.iter_rows(min_row=2, values_only=True)]
    assert ids == [june_and_december["june"]]


def test_a_retraction_made_later_still_withdraws_an_earlier_figure(cli, mark):
    # The undo is dated today, after June; the June figure is a mistake all the same, and a June
    # briefing made now must not count it.
    wrong = mark("IND-01", "--value", "150", "--date", JUNE)
    assert cli("undo").exit_code == 0
    view = json.loads(cli("report", "--json", "--as-of", JUNE).stdout)
    row = next(r for a in view["areas"] for r in a["tasks_list"] if r["id"] == "IND-01")
    assert row["actual"] is None
    assert [(r["id"], r["in_effect"]) for r in view["log"]] == [(wrong, False)]


# ---------------------------------------------------------------------------------------------
# One figure for a task and the indicator it counts from


def _indicator(view, indicator_id):
    return next(i for i in view["indicators"] if i["id"] == indicator_id)


def test_a_figure_for_the_task_is_the_indicators_figure(cli, mark):
    # EGOV-10 (a portal in every county, 100 %) counts from county-portal-share (75 % in 2005):
    # both are the share of counties with a portal.
    mark("EGOV-10", "--value", "90", "--date", JUNE)
    compared = json.loads(cli("compare", "--json", "--as-of", JUNE).stdout)
    share = _indicator(compared, "county-portal-share")
    assert (share["actual"], share["actual_date"], share["change"]) == (90, JUNE, 15)  # 90 − 75
    table = cli("compare", "--area", "e-gov", "--as-of", JUNE).stdout
    line = next(x for x in table.splitlines() if x.startswith("county-portal-share"))
    assert "90% (2006-06-30)" in line
    report = json.loads(cli("report", "--json", "--as-of", JUNE).stdout)
    assert _indicator(report, "county-portal-share")["actual"] == 90
    markdown = cli("report", "--md", "--as-of", JUNE).stdout
    baselines = markdown.split("## Against the 2005 baselines", 1)[1]
    row = next(x for x in baselines.splitlines() if x.startswith("| County governments with a portal"))
    assert "| 90% |" in row


def test_a_figure_for_the_indicator_is_the_tasks_figure(cli, mark):
    mark("county-portal-share", "--value", "95", "--date", JUNE)
    listed = json.loads(cli("list", "--json", "--as-of", JUNE).stdout)
    row = next(r for r in listed["tasks"] if r["id"] == "EGOV-10")
    # (95 − 75) / (100 − 75) = 80 % of the way.
    assert (row["actual"], row["percent"]) == (95, 80.0)
    history = json.loads(cli("show", "EGOV-10", "--json", "--as-of", JUNE).stdout)["task"]["history"]
    assert [(r["kind"], r["item"], r["value"]) for r in history] == [("indicator", "county-portal-share", 95)]


def test_the_later_of_the_two_is_the_figure_of_both(cli, mark):
    mark("EGOV-10", "--value", "90", "--date", "2006-05-31")
    mark("county-portal-share", "--value", "95", "--date", JUNE)
    report = json.loads(cli("report", "--json", "--as-of", JUNE).stdout)
    row = next(r for a in report["areas"] for r in a["tasks_list"] if r["id"] == "EGOV-10")
    assert row["actual"] == 95 and _indicator(report, "county-portal-share")["actual"] == 95
    html = cli("report", "--html", "--as-of", JUNE).stdout
    assert "95% (2006-06-30)" in html and "90% (2006-05-31)" not in html


def test_a_state_of_the_task_is_not_the_indicators(cli, mark):
    mark("EGOV-10", "--value", "90", "--date", "2006-05-31")
    mark("EGOV-10", "--state", "blocked", "--date", JUNE)
    share = _indicator(json.loads(cli("compare", "--json", "--as-of", JUNE).stdout), "county-portal-share")
    assert (share["actual"], share["recorded_state"]) == (90, None)


def test_an_unrelated_task_lends_no_figure(cli, mark):
    mark("IND-01", "--value", "120", "--date", JUNE)
    compared = json.loads(cli("compare", "--json", "--as-of", JUNE).stdout)
    assert all(i["actual"] is None for i in compared["indicators"])


# ---------------------------------------------------------------------------------------------
# The spreadsheet


def test_xlsx_log_calls_a_superseded_record_superseded(cli, mark, tmp_path):
    first = mark("IND-01", "--value", "100", "--date", JUNE)
    second = mark("IND-01", "--value", "120", "--date", JUNE)  # a correction for the same date
    target = tmp_path / "r.xlsx"
    assert cli("report", "--xlsx", "-o", str(target), "--as-of", JUNE).exit_code == 0
    log = openpyxl.load_workbook(target)["Log"]
    header = [c.value for c in log[1]]
    rows = {row[0]: dict(zip(header, row)) for row in log.iter_rows(min_row=2, values_only=True)}
    assert rows[first]["In effect"] == "superseded" and rows[first]["Retracted or superseded by"] == second
    assert rows[second]["In effect"] == "yes" and rows[second]["Retracted or superseded by"] is None
    zh = tmp_path / "zh.xlsx"
    assert cli("report", "--xlsx", "-o", str(zh), "--as-of", JUNE, "--lang", "zh").exit_code == 0
    values = [row[10] for row in openpyxl.load_workbook(zh)["记录"].iter_rows(min_row=2, values_only=True)]
    assert sorted(values) == ["已被更正", "是"]
    logged = json.loads(cli("log", "IND-01", "--json").stdout)["records"]
    assert {r["id"]: r["superseded_by"] for r in logged} == {first: second, second: None}


def test_xlsx_summary_filter_leaves_out_the_total_row(cli, mark, tmp_path):
    target = tmp_path / "r.xlsx"
    assert cli("report", "--xlsx", "-o", str(target), "--as-of", JUNE).exit_code == 0
    summary = openpyxl.load_workbook(target)["Summary"]
    # Under the title (row 1) and the date (row 2), a header and seven areas in rows 4-11, the
    # total in row 12: the filter stops at row 11.
    assert summary.cell(12, 1).value == "Total"
    assert summary.auto_filter.ref == "A4:I11"  # nine columns: area, tasks, six lights (not reported among them), overall


def test_xlsx_percentages_are_stored_as_shown(cli, mark, tmp_path):
    # IND-11: 80 to 100 enterprises, met at 80. 5 of 80 is 6.25 %, shown 6.3 % and stored 0.063
    # exactly, not 0.0625 nor 0.06300000000000001.
    mark("IND-11", "--value", "5", "--date", JUNE)
    target = tmp_path / "r.xlsx"
    assert cli("report", "--xlsx", "-o", str(target), "--as-of", JUNE).exit_code == 0
    tasks = openpyxl.load_workbook(target)["Tasks"]
    header = [c.value for c in tasks[1]]
    row = next(r for r in tasks.iter_rows(min_row=2, values_only=True) if r[0] == "IND-11")
    assert repr(row[header.index("Done %")]) == "0.063"
    # Expected at 2006-06-30: 134 of 318 days = 42.138… %, shown 42.1 %, stored 0.421.
    assert repr(row[header.index("Expected %")]) == "0.421"


# ---------------------------------------------------------------------------------------------
# Rounding half up


def test_half_up_rounds_as_offices_do():
    assert half_up(100 * 5 / 80) == 6.3  # round() gives 6.2
    assert half_up(2.05) == 2.1  # the float is 2.04999…; the figure as written is 2.05
    assert half_up(0.125, 2) == 0.13
    assert fraction(5.6) == 0.056 and repr(fraction(5.6)) == "0.056"


def test_every_format_shows_5_of_80_as_6_3_percent(cli, mark):
    mark("IND-11", "--value", "5", "--date", JUNE)
    listed = cli("list", "--as-of", JUNE).stdout
    line = next(x for x in listed.splitlines() if x.startswith("IND-11 "))
    assert "| 6.3%" in line
    row = next(r for r in json.loads(cli("list", "--json", "--as-of", JUNE).stdout)["tasks"] if r["id"] == "IND-11")
    assert row["percent"] == 6.3
    assert words.pct(6.25) == "6.3%" and words.num(0.125) == "0.13"


def test_a_change_of_a_percentage_is_in_percentage_points(cli, mark):
    # County portals: 75 % in 2005, 98 % now: +23 points. Its growth (+30.7 %) is left out.
    mark("county-portal-share", "--value", "98", "--date", JUNE)
    for lang, change in (("en", "+23 percentage points"), ("zh", "+23 个百分点")):
        table = cli("compare", "--area", "e-gov", "--as-of", JUNE, "--lang", lang).stdout
        cells = [c.strip() for c in next(x for x in table.splitlines() if x.startswith("county-portal-share")).split("|")]
        assert cells[-2:] == [change, "—"]
    share = _indicator(json.loads(cli("compare", "--json", "--as-of", JUNE).stdout), "county-portal-share")
    assert (share["change"], share["growth"]) == (23, None)


def test_xlsx_change_of_a_percentage_is_in_points(cli, mark, tmp_path):
    # 75 % → 98 %: the Change cell holds 23 with a points format, not 0.23 shown as 23.0 %.
    mark("county-portal-share", "--value", "98", "--date", JUNE)
    mark("internet-users", "--value", "1200", "--date", JUNE)
    for lang, sheet, unit in (("en", "Baselines", " percentage points"), ("zh", "基数", "个百分点")):
        target = tmp_path / f"{lang}.xlsx"
        assert cli("report", "--xlsx", "-o", str(target), "--as-of", JUNE, "--lang", lang).exit_code == 0
        ws = openpyxl.load_workbook(target)[sheet]
        header = [c.value for c in ws[1]]
        change = header.index("Change" if lang == "en" else "变化") + 1
        rows = {ws.cell(r, 1).value: ws.cell(r, change) for r in range(2, ws.max_row + 1)}
        share = rows["county-portal-share"]
        assert share.value == 23 and share.number_format == f'+0.0"{unit}";-0.0"{unit}";0.0"{unit}"'
        assert rows["internet-users"].value == 200 and rows["internet-users"].number_format == "#,##0"
