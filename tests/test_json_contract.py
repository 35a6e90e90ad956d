"""The `--json` contract: the top-level and per-row keys of every JSON output, pinned.

Scripts read these keys. Adding, renaming or dropping one must be a deliberate change: update the
docs/json.md (the README's "JSON output" points there), this file, and (when a key changes meaning or disappears) bump
`format` (views.JSON_FORMAT).
"""

from __future__ import annotations

import json
import re

import pytest

from sdpolicy.progress import LIGHTS as LIGHT_NAMES

FORMAT = 1

PLAN = {"id", "name_zh", "name_en", "issuer_zh", "issuer_en", "year", "start", "end", "lights", "reporting"}
LIGHTS = {"yellow_behind", "red_behind"}
REPORTING = {"cadence", "due_day", "red_after"}
TARGET = {"kind", "value", "min", "max", "unit_zh", "unit_en", "direction", "event"}
# problems, next_steps and source: what an imported monthly return adds to a record (issue 12).
RECORD = {
    "id", "kind", "item", "date", "value", "state", "node", "retracts", "note", "by", "problems", "next_steps",
    "source", "recorded_at",
}
LOG_ROW = RECORD | {"in_effect", "retracted_by", "superseded_by"}
TASK_ROW = {
    "id", "area", "area_zh", "area_en", "title_zh", "title_en", "lead_zh", "lead_en", "units", "hedge", "target", "baseline",
    "baseline_value", "start", "deadline", "actual", "state", "percent", "expected", "behind", "light",
    "reason", "latest", "forecast", "nodes",
}
NODE = {"date", "zh", "en", "share", "reached"}
FORECAST = {"value", "status", "method", "from"}
# `reason` is {"code": …} plus the numbers its sentence needs, by code.
REASON = {
    "met": set(), "blocked": set(), "no-record": set(), "not-begun": {"start"}, "in-progress": {"expected"},
    "overdue": {"deadline", "days"}, "on-track": {"behind", "expected", "actual"}, "behind": {"behind", "expected", "actual"},
    "unreported": {"period", "due", "periods", "last"}, "long-unreported": {"period", "due", "periods", "last"},
    "node-missed": {"node_zh", "node_en", "date", "days"}, "nodes-met": {"reached", "nodes"},
}
SOURCE = {"document", "section", "quote"}
INDICATOR = {
    "id", "area", "name_zh", "name_en", "value", "unit_zh", "unit_en", "as_of", "as_of_label_zh",
    "as_of_label_en", "qualifier", "state_zh", "state_en", "note_zh", "note_en", "source",
}
UNIT = {"name_zh", "name_en", "role", "quote"}
DOCUMENT = {"id", "title_zh", "title_en", "date", "date_approximate", "date_note_zh", "date_note_en"}
COMPARISON = INDICATOR | {"tasks", "actual", "actual_date", "recorded_state", "change", "growth"}
LINKED_TASK = {"id", "title_zh", "title_en", "role", "target"}
AREA = {"slug", "name_zh", "name_en", "section"}
SUMMARY = {"area", "name_zh", "name_en", "tasks", "done", "green", "yellow", "red", "unreported", "grey", "percent"}

TOP = {
    "list": {"format", "as_of", "plan", "tasks"},
    "show": {"format", "as_of", "task"},
    "status": {"format", "as_of", "plan", "area", "areas", "total"},
    "status --area": {"format", "as_of", "plan", "area", "areas", "total", "tasks"},
    "log": {"format", "item", "records"},
    "compare": {"format", "as_of", "indicators"},
    "report": {
        "format", "as_of", "plan", "areas", "total", "attention", "attention_yellow", "attention_unreported", "bulletin",
        "indicators", "log", "trend", "since", "changes", "not_reported", "units",
    },
    "status --by unit": {"format", "as_of", "period", "units"},
    "due": {"format", "as_of", "period", "reporting", "count", "units"},
    "changes": {"format", "since", "as_of", "area", "unit", "counts", "transitions", "records", "indicators"},
    "trend ID": {"format", "every", "from", "to", "task", "points", "forecast"},
    "trend": {"format", "every", "from", "to", "area", "unit", "points"},
}
TREND_POINT = {"date", "actual", "state", "percent", "expected", "behind", "light", "reason", "nodes"}
TREND_COUNTS = {"date", "tasks", "done", "green", "yellow", "red", "unreported", "grey", "percent"}
REPORT_TREND = {"every", "dates", "lights", "tasks"}
REPORT_TREND_POINT = {"date", "actual", "percent", "expected", "light"}
SHOW_TASK = TASK_ROW | {"note_zh", "note_en", "source", "indicators", "documents", "parts", "covers", "history", "assignments"}
# The office's units (issue 12): a row of status --by unit and the report's units table, an entry of
# show's assignment history, and what list --unit adds to a task row.
UNIT_ROW = {"unit_zh", "unit_en", "kind", "led", "cooperating", *LIGHT_NAMES, "last_report", "reported"}
ASSIGNMENT = {"id", "lead_zh", "lead_en", "with", "date", "note", "by", "recorded_at"}
UNIT_ROLE = {"role", "plan_role"}


@pytest.fixture
def records(mark) -> None:
    """One record of each kind, so that `latest`, history and log rows are not empty."""
    mark("IND-01", "--value", "60", "--date", "2006-03-31")  # with the next, a forecast
    mark("IND-01", "--value", "120", "--date", "2006-06-30", "--note", "n")  # on-track at 2006-07-01
    mark("IND-02", "--done", "--date", "2006-05-10")  # met
    mark("EGOV-10", "--value", "80", "--date", "2006-06-30")
    mark("EGOV-10", "--value", "90", "--date", "2006-06-30")
    mark("internet-users", "--value", "1200", "--date", "2006-06-30")
    mark("IND-04", "--state", "blocked", "--date", "2006-06-30")  # blocked
    mark("IND-05", "--state", "in-progress", "--date", "2006-06-30")  # in-progress
    mark("PUB-04", "--value", "0", "--date", "2006-06-30")  # 0 of 3 hospitals: 42.5 points behind at 07-01


def run_json(cli, *args: str) -> dict:
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    view = json.loads(result.stdout)
    assert view["format"] == FORMAT
    return view


def check_plan(plan: dict) -> None:
    assert set(plan) == PLAN
    assert set(plan["lights"]) == LIGHTS
    assert set(plan["reporting"]) == REPORTING


def check_task_row(row: dict) -> None:
    assert set(row) == TASK_ROW, set(row) ^ TASK_ROW
    assert set(row["target"]) == TARGET
    for unit in row["units"]:
        assert set(unit) == UNIT
    code = row["reason"]["code"]
    assert set(row["reason"]) == {"code"} | REASON[code], (code, row["reason"])
    if row["latest"] is not None:
        assert set(row["latest"]) == RECORD
    assert all(set(node) == NODE for node in row["nodes"])
    if row["forecast"] is not None:
        assert set(row["forecast"]) == FORECAST
        assert row["forecast"]["status"] in ("on-track", "at-risk")
        assert [set(point) for point in row["forecast"]["from"]] == [{"date", "value"}] * 2


def check_indicator(row: dict, keys: set[str]) -> None:
    assert set(row) == keys, set(row) ^ keys
    assert set(row["source"]) == SOURCE


def check_comparison(row: dict) -> None:
    check_indicator(row, COMPARISON)
    for linked in row["tasks"]:
        assert set(linked) == LINKED_TASK
        assert set(linked["target"]) == TARGET


def test_list(cli, records):
    view = run_json(cli, "list", "--as-of", "2006-07-01")
    assert set(view) == TOP["list"]
    check_plan(view["plan"])
    for row in view["tasks"]:
        check_task_row(row)
    assert any(r["units"] for r in view["tasks"])  # PUB-10, SEC-03, SEC-05, ENV-02
    # The rows exercise every reason whose keys differ, and a row with a latest record. At 07-01 the
    # tasks never reported have missed five monthly reports: none is left with "no-record".
    codes = {r["reason"]["code"] for r in view["tasks"]}
    assert {"met", "blocked", "in-progress", "on-track", "behind", "long-unreported"} <= codes
    assert any(r["latest"] for r in view["tasks"])


def test_reasons_with_dates(cli, records):
    codes = {r["reason"]["code"] for r in run_json(cli, "list", "--as-of", "2007-01-15")["tasks"]}
    assert "overdue" in codes
    # 07-31: July's report is due; IND-01 last reported in June, one month missed.
    rows = run_json(cli, "list", "--as-of", "2006-07-31")["tasks"]
    assert "unreported" in {r["reason"]["code"] for r in rows}
    for row in rows:
        check_task_row(row)
    # Before the first report is due (2006-02-28), a task with nothing recorded has no record.
    for row in run_json(cli, "list", "--as-of", "2006-02-20")["tasks"]:
        check_task_row(row)
        assert row["reason"]["code"] == "no-record"
    for row in run_json(cli, "list", "--as-of", "2006-01-01")["tasks"]:
        check_task_row(row)
        assert row["reason"]["code"] == "not-begun"


def test_show(cli, records):
    view = run_json(cli, "show", "EGOV-10", "--as-of", "2006-07-01")
    assert set(view) == TOP["show"]
    task = view["task"]
    assert set(task) == SHOW_TASK, set(task) ^ SHOW_TASK
    check_task_row({k: v for k, v in task.items() if k in TASK_ROW})
    assert set(task["source"]) == SOURCE | {"title_zh", "title_en"}
    assert task["indicators"]
    for indicator in task["indicators"]:
        check_indicator(indicator, INDICATOR | {"role"})
    # The plan's own document and the review the 2005 figures come from.
    assert [d["id"] for d in task["documents"]] == ["plan-2006", "review-2005"]
    for document in task["documents"]:
        assert set(document) == DOCUMENT
    assert len(task["history"]) == 2
    for row in task["history"]:
        assert set(row) == LOG_ROW


def test_status(cli, records):
    view = run_json(cli, "status", "--as-of", "2006-07-01")
    assert set(view) == TOP["status"]
    check_plan(view["plan"])
    assert view["area"] is None
    for summary in view["areas"] + [view["total"]]:
        assert set(summary) == SUMMARY


def test_status_with_area(cli, records):
    view = run_json(cli, "status", "--area", "industry", "--as-of", "2006-07-01")
    assert set(view) == TOP["status --area"]
    assert set(view["area"]) == AREA
    for row in view["tasks"]:
        check_task_row(row)


def test_log(cli, records):
    assert cli("undo").exit_code == 0  # a retraction and a retracted record among the rows
    for args in ((), ("IND-05",)):
        view = run_json(cli, "log", *args)
        assert set(view) == TOP["log"]
        assert view["records"]
        for row in view["records"]:
            assert set(row) == LOG_ROW
    assert run_json(cli, "log")["item"] is None


def test_compare(cli, records):
    view = run_json(cli, "compare", "--as-of", "2006-07-01")
    assert set(view) == TOP["compare"]
    for row in view["indicators"]:
        check_comparison(row)


# The bulletin: report's counts, the chasing list (due) and what changed (changes, report --since).
BULLETIN = {
    "tasks", "done", "ahead", "on_schedule", "behind", "unreported", "grey", "red", "yellow", "overdue",
    "long_unreported", "percent",
}
PERIOD = {"label", "start", "end", "due"}
UNIT_GROUP = {"unit_zh", "unit_en", "unit_source", "tasks"}
OWED_ROW = {"id", "area", "title_zh", "title_en", "deadline", "light", "reason", "last", "missed", "unit_zh", "unit_en", "unit_source"}
TRANSITION = {"id", "area", "title_zh", "title_en", "change", "before", "after", "unit_zh", "unit_en", "unit_source"}
MOVED_INDICATOR = {
    "id", "area", "name_zh", "name_en", "unit_zh", "unit_en", "before", "before_date", "after", "after_date",
    "state_before", "state_after", "change",
}
CHANGE_COUNTS = {"done", "red", "recovered", "reported", "yellow", "unreported", "other"}


def check_due(view: dict) -> None:
    assert set(view["period"]) == PERIOD
    assert view["units"]
    for group in view["units"]:
        assert set(group) == UNIT_GROUP
        for row in group["tasks"]:
            assert set(row) == OWED_ROW
            assert set(row["reason"]) == {"code"} | REASON[row["reason"]["code"]]


def check_changes(view: dict) -> None:
    assert set(view["counts"]) == CHANGE_COUNTS
    assert view["transitions"] and view["records"] and view["indicators"]
    for row in view["transitions"]:
        assert set(row) == TRANSITION
        for side in ("before", "after"):
            assert set(row[side]) == {"light", "reason"}
            assert set(row[side]["reason"]) == {"code"} | REASON[row[side]["reason"]["code"]]
    for row in view["records"]:
        assert set(row) == RECORD
    for row in view["indicators"]:
        assert set(row) == MOVED_INDICATOR


def test_due_and_changes(cli, records):
    view = run_json(cli, "due", "--as-of", "2006-07-31")
    assert set(view) == TOP["due"]
    assert set(view["reporting"]) == REPORTING
    check_due(view)
    view = run_json(cli, "changes", "--since", "2006-05-31", "--as-of", "2006-06-30")
    assert set(view) == TOP["changes"]
    check_changes(view)


def test_report_since(cli, records):
    view = run_json(cli, "report", "--as-of", "2006-06-30", "--since", "2006-05-31")
    assert set(view) == TOP["report"]
    assert set(view["bulletin"]) == BULLETIN
    assert view["since"] == "2006-05-31"
    assert set(view["changes"]) == {"counts", "transitions", "records", "indicators"}
    check_changes(view["changes"])
    assert set(view["not_reported"]) == {"period", "count", "units"}
    check_due(view["not_reported"])


def test_report(cli, records):
    view = run_json(cli, "report", "--as-of", "2006-07-01")
    assert set(view) == TOP["report"]
    assert (view["since"], view["changes"], view["not_reported"]) == (None, None, None)  # only with --since
    assert set(view["bulletin"]) == BULLETIN
    for row in view["attention_yellow"] + view["attention_unreported"]:
        check_task_row(row)
    check_plan(view["plan"])
    for area in view["areas"]:
        assert set(area) == SUMMARY | {"tasks_list"}
        for row in area["tasks_list"]:
            check_task_row(row)
    assert set(view["total"]) == SUMMARY
    for row in view["attention"]:
        check_task_row(row)
    assert view["attention"]  # IND-04 is blocked
    for row in view["indicators"]:
        check_comparison(row)
    assert view["log"]
    for row in view["log"]:
        assert set(row) == LOG_ROW
    assert set(view["trend"]) == REPORT_TREND
    assert view["trend"]["dates"] and all(set(p) == TREND_COUNTS for p in view["trend"]["lights"])
    for task in view["trend"]["tasks"]:
        assert set(task) == {"id", "points"}
        assert all(set(p) == REPORT_TREND_POINT for p in task["points"])


def test_trend(cli, records):
    view = run_json(cli, "trend", "IND-01", "--to", "2006-07-01")
    assert set(view) == TOP["trend ID"]
    assert set(view["task"]) == TASK_ROW - TREND_POINT - {"latest", "forecast"}
    assert view["points"] and all(set(p) == TREND_POINT for p in view["points"])
    assert set(view["forecast"]) == FORECAST
    assert cli("assign", "IND-01", "--lead", "济南").exit_code == 0
    for scope in ((), ("--area", "e-gov"), ("--unit", "济南")):
        view = run_json(cli, "trend", *scope, "--every", "quarter")
        assert set(view) == TOP["trend"]
        assert view["points"] and all(set(p) == TREND_COUNTS for p in view["points"])


def test_json_is_free_of_markup_and_ansi(cli, mark):
    mark("IND-01", "--value", "120", "--date", "2006-06-30", "--note", "[red]x[/red]")
    text = cli("show", "IND-01", "--json", "--as-of", "2006-07-01").stdout
    assert "\x1b" not in text
    assert json.loads(text)["task"]["latest"]["note"] == "[red]x[/red]"


def test_every_pinned_key_is_documented_in_docs_json():
    """docs/json.md, where the README's "JSON output" points, names every key pinned here (nested ones
    as it groups them: a task row's, a target's, a summary's, a log record's, a comparison's own)."""
    from pathlib import Path

    section = (Path(__file__).resolve().parent.parent / "docs" / "json.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"[a-z_]+", " ".join(re.findall(r"`([^`]+)`", section))))
    pinned = set().union(
        *TOP.values(), TASK_ROW, TARGET, SUMMARY, LOG_ROW, COMPARISON - INDICATOR, SHOW_TASK, FORECAST, TREND_POINT, NODE, REPORT_TREND, REPORT_TREND_POINT,
        TREND_COUNTS, BULLETIN, PERIOD, UNIT_GROUP, OWED_ROW, TRANSITION, MOVED_INDICATOR, CHANGE_COUNTS, UNIT_ROW, ASSIGNMENT, UNIT_ROLE,
    )
    assert sorted(pinned - documented) == []


def test_units(cli, records):
    assert cli("assign", "EGOV-10", "--lead", "省安监局", "--with", "济南", "--date", "2006-03-01").exit_code == 0
    view = run_json(cli, "status", "--by", "unit", "--as-of", "2006-07-01")
    assert set(view) == TOP["status --by unit"]
    assert set(view["period"]) == {"first", "last"}
    assert view["units"] and all(set(u) == UNIT_ROW for u in view["units"])
    listed = run_json(cli, "list", "--unit", "济南", "--as-of", "2006-07-01")
    assert set(listed) == TOP["list"]
    # EGOV-10 (cooperating), and IND-10 and CITY-06, whose text names 济南 (issue 11's units).
    assert [r["id"] for r in listed["tasks"]] == ["IND-10", "EGOV-10", "CITY-06"]
    for row in listed["tasks"]:
        assert set(row) == TASK_ROW | UNIT_ROLE
    task = run_json(cli, "show", "EGOV-10", "--as-of", "2006-07-01")["task"]
    (entry,) = task["assignments"]
    assert set(entry) == ASSIGNMENT and set(entry["with"][0]) == {"zh", "en"}
    report = run_json(cli, "report", "--as-of", "2006-07-01")
    assert report["units"] and all(set(u) == UNIT_ROW for u in report["units"])
