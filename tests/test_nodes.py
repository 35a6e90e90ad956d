"""Time nodes (时间节点): the light of a milestone judged by the nodes it has met, worked out by hand.

The task runs 2006-02-16 to 2006-12-31: 318 days. The yellow threshold is 10 points, so a node
missed by up to 31.8 days is yellow, and by 32 days or more red.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from conftest import assert_refused
from sdpolicy.catalogue import Area, Lights, Node, Plan, Reporting, Source, Target, Task
from sdpolicy.errors import UsageError
from sdpolicy.progress import task_progress
from sdpolicy.store import Record
from sdpolicy.trajectory import check_nodes, parse_node

SRC = Source("plan-2006", "七", "quote")
START, DEADLINE = date(2006, 2, 16), date(2006, 12, 31)
DRAFT = Node(date(2006, 6, 30), "送审稿", "draft", 40)
ISSUED = Node(date(2006, 10, 31), "印发", "issued", 100)
T0 = datetime(2006, 7, 1, 8, 0, tzinfo=timezone.utc)


def make_plan(nodes=(DRAFT, ISSUED)) -> Plan:
    task = Task(id="ENV-05", area="environment", title_zh="条例", title_en="regulation", start=START, deadline=DEADLINE,
                target=Target("milestone", event="document"), source=SRC, nodes=tuple(nodes))
    return Plan(
        id="t", name_zh="计划", name_en="plan", issuer_zh="办", issuer_en="office", year=2006, start=START, end=DEADLINE,
        lights=Lights(yellow_behind=10, red_behind=30), documents=(),
        areas=(Area("environment", "信息化发展环境", "Environment", "七"),), tasks=(task,), indicators=(),
        # A yearly report, due on the deadline: these tests judge the nodes, which a missed monthly
        # report would hide (the reporting rule has its own tests: test_periods, test_year).
        reporting=Reporting(cadence="yearly"),
    )


def reached(name: str, on: date, n: int = 0) -> Record:
    return Record(id=f"r-node{n:06d}", kind="task", item="ENV-05", date=on, recorded_at=T0 + timedelta(seconds=n), node=name)


def judge(records, as_of: date, plan=None):
    plan = plan or make_plan()
    return task_progress(plan, plan.tasks[0], records, as_of)


def test_a_node_met_on_time_is_green():
    # The draft on 06-28, two days early; on 07-05 the only node due is reached.
    found = judge([reached("送审稿", date(2006, 6, 28))], date(2006, 7, 5))
    assert (found.light, found.reason) == ("green", "nodes-met")
    assert found.reason_data == {"reached": 1, "nodes": 2}
    assert found.percent == 40  # the share of the draft


def test_a_node_missed_by_a_few_days_is_yellow():
    # Due 06-30, nothing by 07-05: 5 days, 5/318 = 1.6 % of the period, within 10: yellow.
    found = judge([], date(2006, 7, 5))
    assert (found.light, found.reason) == ("yellow", "node-missed")
    assert found.reason_data == {"node_zh": "送审稿", "node_en": "draft", "date": "2006-06-30", "days": 5}
    assert found.percent == 0


def test_a_node_missed_by_months_is_red():
    # Due 06-30, nothing by 09-30: 92 days, 28.9 % of the period: red.
    found = judge([], date(2006, 9, 30))
    assert (found.light, found.reason) == ("red", "node-missed")
    assert found.reason_data["days"] == 92


def test_the_edge_of_yellow():
    # 31 days (9.7 %) is yellow, 32 days (10.06 %) red: 06-30 + 31 = 07-31, + 32 = 08-01.
    assert judge([], date(2006, 7, 31)).light == "yellow"
    assert judge([], date(2006, 8, 1)).light == "red"


def test_a_node_reached_late_stops_counting_against_the_task():
    # Draft reached 07-20 (20 days late); on 08-15 nothing due is missing: green.
    found = judge([reached("送审稿", date(2006, 7, 20))], date(2006, 8, 15))
    assert found.light == "green"
    # Before that report, on 07-19, it was missed by 19 days: yellow.
    assert judge([reached("送审稿", date(2006, 7, 20))], date(2006, 7, 19)).light == "yellow"


def test_the_second_node_then_decides():
    # Draft on time; issue due 10-31 and still missing on 11-30: 30 days = 9.4 %: yellow, naming the issue.
    found = judge([reached("送审稿", date(2006, 6, 28))], date(2006, 11, 30))
    assert (found.light, found.reason_data["node_zh"], found.reason_data["days"]) == ("yellow", "印发", 30)


def test_done_blocked_and_not_begun_come_first():
    done = Record(id="r-done000000", kind="task", item="ENV-05", date=date(2006, 5, 1), recorded_at=T0, state="done")
    assert judge([done], date(2006, 9, 30)).light == "done"
    blocked = done._replace(state="blocked")
    assert judge([blocked], date(2006, 7, 5)).reason == "blocked"
    assert judge([], date(2006, 2, 1)).reason == "not-begun"


def test_without_shares_there_is_no_percentage_and_before_any_node_today_rule_holds():
    plan = make_plan((DRAFT._replace(share=None), ISSUED._replace(share=None)))
    found = judge([reached("送审稿", date(2006, 6, 28))], date(2006, 7, 5), plan)
    assert found.light == "green" and found.percent is None
    # 03-01: no node due, nothing recorded: grey as before.
    assert judge([], date(2006, 3, 1), plan).reason == "no-record"


def test_parse_node():
    assert parse_node("2006-06-30:送审稿") == Node(date(2006, 6, 30), "送审稿", "", None)
    assert parse_node("2006-06-30:送审稿/draft for review:30") == Node(date(2006, 6, 30), "送审稿", "draft for review", 30)
    assert parse_node("2006-06-30:送审稿:30%").share == 30
    with pytest.raises(UsageError, match="DATE:NAME"):
        parse_node("送审稿")
    with pytest.raises(UsageError, match="not a real date"):
        parse_node("2006-02-30:送审稿")


@pytest.mark.parametrize(
    ("nodes", "words"),
    [
        ([ISSUED, DRAFT], "date order"),
        ([DRAFT, DRAFT._replace(date=date(2006, 7, 1))], "used twice"),
        ([DRAFT._replace(date=date(2007, 1, 5))], "outside task"),
        ([DRAFT._replace(share=140)], "from 0 to 100"),
        ([DRAFT._replace(share=60), ISSUED._replace(share=50)], "below"),
        # Control and invisible characters, by sanitise's one rule: ESC, a C1 CSI, a bidi override.
        ([DRAFT._replace(zh="送审\x1b稿")], "without control or invisible characters"),
        ([DRAFT._replace(en="draft\x9b")], "without control or invisible characters"),
        ([DRAFT._replace(zh="送审\u202e稿")], "without control or invisible characters"),
    ],
)
def test_nodes_that_cannot_be_judged_are_refused(nodes, words):
    with pytest.raises(UsageError, match=words):
        check_nodes(nodes, make_plan().tasks[0])


# ---------------------------------------------------------------------------------------------
# The commands


def test_assign_node_then_mark_node(cli):
    result = cli("assign", "ENV-05", "--lead", "省信息产业厅", "--node", "2006-06-30:送审稿/draft:40",
                 "--node", "2006-10-31:印发/issued:100", "--date", "2006-03-01")
    assert result.exit_code == 0, result.stderr
    assert "set 2 time nodes on ENV-05" in result.stdout
    # June's report (in progress): without it, five monthly reports missed by 07-05 would make the
    # task red for not reporting, whatever its nodes.
    assert cli("mark", "ENV-05", "--state", "in-progress", "--date", "2006-06-15").exit_code == 0
    row = json.loads(cli("show", "ENV-05", "--as-of", "2006-07-05", "--json").stdout)["task"]
    assert (row["light"], row["reason"]["code"], row["percent"]) == ("yellow", "node-missed", 0)
    assert [n["zh"] for n in row["nodes"]] == ["送审稿", "印发"]
    marked = cli("mark", "ENV-05", "--node", "draft", "--date", "2006-06-28")
    assert marked.exit_code == 0, marked.stderr
    assert "reached node '送审稿'" in marked.stdout  # stored under its Chinese name
    row = json.loads(cli("show", "ENV-05", "--as-of", "2006-07-05", "--json").stdout)["task"]
    assert (row["light"], row["percent"]) == ("green", 40)
    assert row["nodes"][0]["reached"] == "2006-06-28"
    # The trend sees the same nodes: at 06-30 the draft is reached, green. At 07-31 July's report is
    # due and none was made: not reported (the draft reached would keep it green; without the mark
    # it would be 31 days late: yellow).
    trend = json.loads(cli("trend", "ENV-05", "--from", "2006-06-01", "--to", "2006-07-31", "--json").stdout)
    assert [(p["date"], p["light"]) for p in trend["points"]] == [("2006-06-30", "green"), ("2006-07-31", "unreported")]
    # A later reassignment of the lead keeps the nodes; `assign --node` alone keeps the lead.
    assert cli("assign", "ENV-05", "--lead", "济南", "--date", "2006-04-01").exit_code == 0
    assert json.loads(cli("show", "ENV-05", "--as-of", "2006-07-05", "--json").stdout)["task"]["nodes"]
    again = cli("assign", "ENV-05", "--node", "2006-08-31:送审稿", "--date", "2006-05-01")
    assert again.exit_code == 0, again.stderr
    assert "lead 济南市" in again.stdout
    row = json.loads(cli("show", "ENV-05", "--as-of", "2006-07-05", "--json").stdout)["task"]
    assert [n["date"] for n in row["nodes"]] == ["2006-08-31"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("mark", "ENV-05", "--node", "送审稿"), "has no time nodes"),
        (("assign", "IND-01", "--lead", "省信息产业厅", "--node", "2006-06-30:首批"), "milestone and qualitative"),
        (("assign", "ENV-05", "--node", "2006-06-30:送审稿"), "no lead unit yet"),
        (("assign", "ENV-05"), "give --lead"),
        (("mark", "internet-users", "--node", "x"), "indicator"),
    ],
)
def test_bad_node_commands_are_refused(cli, args, words):
    assert words in assert_refused(cli(*args))


def test_an_unknown_node_name_is_refused_with_the_names(cli):
    assert cli("assign", "ENV-05", "--lead", "省信息产业厅", "--node", "2006-06-30:送审稿/draft").exit_code == 0
    message = assert_refused(cli("mark", "ENV-05", "--node", "drat", "--date", "2006-06-30"))
    assert "送审稿" in message and "draft" in message
    assert "--value" in assert_refused(cli("mark", "ENV-05", "--node", "draft", "--done"))


def _catalogue_with_nodes(tmp_path, nodes: str):
    from pathlib import Path

    source = (Path(__file__).parent / "data" / "catalogue" / "valid" / "minimal.toml").read_text(encoding="utf-8")
    marker = 'target = { kind = "milestone", event = "event" }\n'
    assert marker in source
    path = tmp_path / "plan.toml"
    path.write_text(source.replace(marker, marker + f"nodes = {nodes}\n"), encoding="utf-8")
    return path


def test_a_catalogue_may_carry_nodes(tmp_path, cli):
    from sdpolicy.catalogue import load_catalogue

    # IND-03 runs 2006-03-01 to 2006-09-30 (213 days): a venue booked by 05-31, the expo itself.
    path = _catalogue_with_nodes(tmp_path, '[{ date = 2006-05-31, zh = "落实场馆", en = "venue booked" }, '
                                           '{ date = 2006-09-20, zh = "开幕", en = "opening" }]')
    task = load_catalogue(path).tasks_by_id["IND-03"]
    assert task.nodes == (Node(date(2006, 5, 31), "落实场馆", "venue booked"), Node(date(2006, 9, 20), "开幕", "opening"))
    # On 06-30 the venue is 30 days late: 30/213 = 14 % of the period, past 10: red, naming the node.
    # (June's report is made, so that the nodes judge it rather than the months it did not report.)
    assert cli("mark", "IND-03", "--state", "in-progress", "--date", "2006-06-20", "--catalogue", str(path)).exit_code == 0
    row = json.loads(cli("show", "IND-03", "--catalogue", str(path), "--as-of", "2006-06-30", "--json").stdout)["task"]
    assert (row["light"], row["reason"]["node_en"], row["reason"]["days"]) == ("red", "venue booked", 30)


def test_bad_catalogue_nodes_are_reported_with_their_line(tmp_path, cli):
    path = _catalogue_with_nodes(tmp_path, '[{ date = 2006-10-31, zh = "开幕" }]')  # after the 09-30 deadline
    result = cli("validate", str(path))
    assert result.exit_code == 65
    assert "nodes" in result.stderr and "outside task IND-03's period" in result.stderr
    assert f"{path}:" in result.stderr
