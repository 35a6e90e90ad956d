"""A year in a supervision office, worked out by hand: who owes a report at three month ends, what
changed between two of them, and the lights of tasks that do not report, before and after their
deadline. The shipped plan, its default reporting rule (monthly, due on the month's last day, red
after 2 missed in a row), and the marks and assignments below.

Every task starts on 2006-02-16, so its first report (February's) is due 2006-02-28. All tasks end
on 2006-12-31 but IND-04 (the September expo, 2006-09-30). IND-01 needs 200 enterprises over 318
days; on day d its expected progress is d/318.
"""

from __future__ import annotations

import pytest

from sdpolicy.catalogue import load_catalogue
from test_json_contract import run_json

PLAN = load_catalogue()
TASKS = [t.id for t in PLAN.tasks]
# Units the plan itself names as co-organiser or platform of a task: who is chased without an assignment.
PLAN_LEADS = {"PUB-10": "省安全生产监督管理局", "SEC-05": "省数字证书认证管理中心"}
ASSIGNED = {"IND-01": "山东省信息产业厅", "EGOV-10": "山东省信息化工作领导小组办公室", "CITY-03": "威海市", "CITY-06": "济南市"}

MARKS = [
    ("IND-01", "--value", "40", "--date", "2006-03-31"),
    ("CITY-03", "--state", "in-progress", "--date", "2006-03-10"),
    ("EGOV-10", "--value", "85", "--date", "2006-04-15"),
    ("IND-01", "--value", "80", "--date", "2006-04-28"),
    ("EGOV-10", "--value", "100", "--date", "2006-05-20"),  # every county: done
    ("CITY-06", "--value", "1", "--date", "2006-05-31"),  # 1 of 2 pilot cities: 50 %
    ("internet-users", "--value", "1100", "--date", "2006-05-31"),
    ("PUB-10", "--state", "in-progress", "--date", "2006-06-15"),
    ("IND-01", "--value", "120", "--date", "2006-06-30"),
    ("internet-users", "--value", "1200", "--date", "2006-06-30"),
    ("IND-04", "--state", "in-progress", "--date", "2006-08-31"),
]


@pytest.fixture
def year(cli, mark) -> None:
    for task, lead in ASSIGNED.items():
        result = cli("assign", task, "--lead", lead, "--date", "2006-02-16")
        assert result.exit_code == 0, result.stderr
    for args in MARKS:
        mark(*args)


def owed(view: dict) -> dict:
    """Unit (None for no unit) → [(task, last report, periods missed)]."""
    return {g["unit_zh"]: [(r["id"], r["last"], r["missed"]) for r in g["tasks"]] for g in view["units"]}


# The 74 tasks that have no unit to chase (assigned or named by the plan) and never report: 81 less
# the 4 assigned, the 2 the plan names a co-organiser or platform for, and IND-04 (no unit either,
# but it reports in August).
NOBODY = [t for t in TASKS if t not in ASSIGNED and t not in PLAN_LEADS and t != "IND-04"]


# ---------------------------------------------------------------------------------------------
# due at three month ends


def test_due_at_the_end_of_april(cli, year):
    view = run_json(cli, "due", "--as-of", "2006-04-30")
    assert view["period"] == {"label": "2006-04", "start": "2006-04-01", "end": "2006-04-30", "due": "2006-04-30"}
    units = owed(view)
    # IND-01 (04-28) and EGOV-10 (04-15) reported in April: not owed.
    # CITY-03 reported 03-10, so only April is missing: 1. CITY-06 never reported: February, March,
    # April: 3. So do the plan's two named units, the 74 tasks nobody leads, and IND-04.
    assert units["威海市"] == [("CITY-03", "2006-03-10", 1)]
    assert units["济南市"] == [("CITY-06", None, 3)]
    for task, lead in PLAN_LEADS.items():
        assert units[lead] == [(task, None, 3)]
    assert units[None] == [(t, None, 3) for t in TASKS if t in NOBODY or t == "IND-04"]
    assert view["count"] == 81 - 2
    # Units by name; the tasks nobody is chased for come last.
    assert list(units)[-1] is None
    assert [g["unit_source"] for g in view["units"] if g["unit_zh"] == "威海市"] == ["assigned"]
    assert [g["unit_source"] for g in view["units"] if g["unit_zh"] == "省安全生产监督管理局"] == ["plan"]


def test_due_at_the_end_of_may(cli, year):
    units = owed(run_json(cli, "due", "--period", "2006-05", "--as-of", "2006-06-15"))
    # Judged at the end of May even when asked later: PUB-10's June record does not count.
    # IND-01 last reported 04-28: May missing, 1. EGOV-10 is done (05-20), CITY-06 reported 05-31.
    # CITY-03: April and May, 2. The never-reported: February to May, 4.
    assert units["山东省信息产业厅"] == [("IND-01", "2006-04-28", 1)]
    assert units["威海市"] == [("CITY-03", "2006-03-10", 2)]
    assert "济南市" not in units and "山东省信息化工作领导小组办公室" not in units
    assert units["省安全生产监督管理局"] == [("PUB-10", None, 4)]
    assert sum(len(v) for v in units.values()) == 81 - 2


def test_due_at_the_end_of_june(cli, year):
    view = run_json(cli, "due", "--as-of", "2006-06-30")
    units = owed(view)
    # IND-01 (06-30) and PUB-10 (06-15) reported; EGOV-10 done. CITY-06 last reported 05-31: 1.
    # CITY-03: April to June, 3. The others never reported: February to June, 5.
    assert "山东省信息产业厅" not in units and "省安全生产监督管理局" not in units
    assert units["济南市"] == [("CITY-06", "2006-05-31", 1)]
    assert units["威海市"] == [("CITY-03", "2006-03-10", 3)]
    assert units["省数字证书认证管理中心"] == [("SEC-05", None, 5)]
    assert units[None] == [(t, None, 5) for t in TASKS if t in NOBODY or t == "IND-04"]
    assert view["count"] == 81 - 3
    # --unit by any of the unit's names.
    assert owed(run_json(cli, "due", "--as-of", "2006-06-30", "--unit", "Jinan")) == {"济南市": [("CITY-06", "2006-05-31", 1)]}


def test_the_chasing_list_reads_as_one_table_per_unit(cli, year):
    out = cli("due", "--as-of", "2006-06-30").stdout
    lines = out.splitlines()
    assert lines[0] == "Reports owed for 2006-06 (due 2006-06-30), as of 2006-06-30: 78 tasks"
    assert "Jinan · 1" in lines
    at = lines.index("Jinan · 1")
    assert lines[at + 1].split("|")[0].strip() == "ID"
    assert [c.strip() for c in lines[at + 3].split("|")] == [
        "CITY-06", PLAN.tasks_by_id["CITY-06"].title_en, "2006-12-31", "2006-05-31", "1", "◌ not reported"]
    # Under no unit, last: the 74 that never report and IND-04 (no June report, and no unit); the
    # group's title, its table's header and rule, and 75 rows.
    assert len(NOBODY) == 74
    assert lines[-78] == "no lead unit assigned · 75"


# ---------------------------------------------------------------------------------------------
# changes between the ends of May and June


def test_changes_from_the_end_of_may_to_the_end_of_june(cli, year):
    view = run_json(cli, "changes", "--since", "2006-05-31", "--as-of", "2006-06-30")
    # 05-31: IND-01 last reported in April (40 % of the way against 104/318 = 32.7 %: green, but May
    # missing): not reported. CITY-06 reported 05-31: green. PUB-10 never reported, four months:
    # red. 06-30: IND-01 at 120 (60 % against 134/318 = 42.1 %): green, reported again. PUB-10
    # reported 06-15 (in progress): green; it was red for its missed reports, so it too is "reported"
    # rather than recovered. CITY-06 has no June report: not reported. Nothing else moved (CITY-03
    # red, EGOV-10 done, the rest red, both times).
    moved = [(r["id"], r["change"], r["before"]["light"], r["after"]["light"]) for r in view["transitions"]]
    assert moved == [
        ("IND-01", "reported", "unreported", "green"),
        ("PUB-10", "reported", "red", "green"),
        ("CITY-06", "unreported", "green", "unreported"),
    ]
    assert view["counts"] == {"done": 0, "red": 0, "recovered": 0, "reported": 2, "yellow": 0, "unreported": 1, "other": 0}
    # Records dated after 05-31 up to 06-30, by date and then entry: not CITY-06's of 05-31.
    assert [(r["item"], r["date"]) for r in view["records"]] == [
        ("PUB-10", "2006-06-15"), ("IND-01", "2006-06-30"), ("internet-users", "2006-06-30"),
    ]
    # internet-users: 1,100 at 05-31, 1,200 at 06-30.
    (users,) = view["indicators"]
    assert (users["id"], users["before"], users["after"], users["change"]) == ("internet-users", 1100, 1200, 100)
    # The default --since is the end of the previous period: 05-31 for 06-30.
    assert run_json(cli, "changes", "--as-of", "2006-06-30") == view
    # Narrowed to an area and a unit.
    city = run_json(cli, "changes", "--since", "2006-05-31", "--as-of", "2006-06-30", "--area", "city")
    assert [r["id"] for r in city["transitions"]] == ["CITY-06"]
    assert [r["item"] for r in city["records"]] == ["internet-users"]
    jinan = run_json(cli, "changes", "--since", "2006-05-31", "--as-of", "2006-06-30", "--unit", "济南")
    assert [r["id"] for r in jinan["transitions"]] == ["CITY-06"] and jinan["records"] == [] and jinan["indicators"] == []


# ---------------------------------------------------------------------------------------------
# Tasks that do not report, before and after their deadline


def light(cli, task: str, as_of: str) -> tuple[str, str]:
    row = run_json(cli, "show", task, "--as-of", as_of)["task"]
    return row["light"], row["reason"]["code"]


def test_a_task_that_stops_reporting_before_and_after_its_deadline(cli, year):
    # IND-04 reported in August (in progress); its deadline is 09-30, September's report too.
    assert light(cli, "IND-04", "2006-09-29") == ("green", "in-progress")  # August in, September not yet due
    assert light(cli, "IND-04", "2006-09-30") == ("unreported", "unreported")  # due today, none: not reported
    assert light(cli, "IND-04", "2006-10-01") == ("red", "overdue")  # past the deadline, not done


def test_a_task_that_never_reports_before_and_on_its_deadline(cli, year):
    # ENV-05 never reports: grey until February's report is due, not reported on 02-28, red from
    # March (two missed), and on its deadline red for being overdue rather than for the reports.
    assert light(cli, "ENV-05", "2006-02-27") == ("grey", "no-record")
    assert light(cli, "ENV-05", "2006-02-28") == ("unreported", "unreported")
    assert light(cli, "ENV-05", "2006-03-31") == ("red", "long-unreported")
    assert light(cli, "ENV-05", "2006-12-30") == ("red", "long-unreported")
    assert light(cli, "ENV-05", "2006-12-31") == ("red", "overdue")


def test_at_the_year_end_nothing_unreported_is_grey(cli, year):
    # The year end: on 2006-12-31 every task with no record is red and overdue, never grey.
    view = run_json(cli, "list", "--as-of", "2006-12-31")
    rows = {r["id"]: r for r in view["tasks"]}
    assert {r["light"] for r in view["tasks"]} == {"done", "red"}
    assert rows["EGOV-10"]["light"] == "done"
    never = [t for t in TASKS if t not in {m[0] for m in MARKS}]
    assert {rows[t]["reason"]["code"] for t in never} == {"overdue"}
    # CITY-03 reported in March only: on its deadline day it is judged by its reports (red, nine months
    # missed); a day later it is overdue.
    assert rows["CITY-03"]["reason"] == {
        "code": "long-unreported", "period": "2006-12", "due": "2006-12-31", "periods": 9, "last": "2006-03-10"}
    assert light(cli, "CITY-03", "2007-01-01") == ("red", "overdue")
