"""`sdpolicy trend`: the same lights as `status --as-of` and `list --as-of` at every period end."""

from __future__ import annotations

import json

import pytest

from conftest import assert_refused

MARKS = [
    ("IND-01", "--value", "40", "--date", "2006-03-31"),
    ("IND-01", "--value", "90", "--date", "2006-06-30"),
    ("IND-01", "--value", "95", "--date", "2006-08-15"),
    ("IND-11", "--value", "20", "--date", "2006-06-25"),
    ("PUB-04", "--value", "0", "--date", "2006-04-20"),
    ("EGOV-01", "--done", "--date", "2006-05-10"),
    ("EGOV-10", "--value", "88", "--date", "2006-06-30"),
    ("ENV-05", "--state", "blocked", "--date", "2006-06-15"),
    ("IND-04", "--state", "in-progress", "--date", "2006-03-01"),
]


@pytest.fixture
def marked(mark) -> None:
    for args in MARKS:
        mark(*args)


def as_json(cli, *args: str) -> dict:
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


MONTH_ENDS = ["2006-02-28", "2006-03-31", "2006-04-30", "2006-05-31", "2006-06-30", "2006-07-31",
              "2006-08-31", "2006-09-30", "2006-10-31", "2006-11-30", "2006-12-31"]


@pytest.mark.parametrize("task_id", ["IND-01", "PUB-04", "ENV-05", "IND-04", "EGOV-01"])
def test_a_task_trend_agrees_with_list_as_of_at_every_month_end(cli, marked, task_id):
    view = as_json(cli, "trend", task_id)
    # The plan runs from 2006-02-16 to the end of 2006: the month ends from February on.
    assert [p["date"] for p in view["points"]] == MONTH_ENDS
    for point in view["points"]:
        row = next(r for r in as_json(cli, "list", "--as-of", point["date"])["tasks"] if r["id"] == task_id)
        for key in ("actual", "state", "percent", "expected", "behind", "light", "reason"):
            assert point[key] == row[key], (point["date"], key)


@pytest.mark.parametrize("scope", [(), ("--area", "e-gov"), ("--area", "industry")])
def test_counts_agree_with_status_as_of_at_every_period_end(cli, marked, scope):
    view = as_json(cli, "trend", *scope, "--every", "quarter")
    assert [p["date"] for p in view["points"]] == ["2006-03-31", "2006-06-30", "2006-09-30", "2006-12-31"]
    for point in view["points"]:
        status = as_json(cli, "status", *scope, "--as-of", point["date"])
        summary = status["total"] if not scope else next(a for a in status["areas"] if a["area"] == scope[1])
        for key in ("tasks", "done", "green", "yellow", "red", "grey", "percent"):
            assert point[key] == summary[key], (point["date"], key)


def test_the_counts_by_hand(cli, marked):
    # At 2006-06-30 in industry (13 tasks): IND-01 at 90 of 200 is 45 % against 42.1 % expected:
    # green; IND-11 at 20 of 80 is 25 %, 42.1 - 25 = 17 behind: yellow. IND-04 reported "in progress"
    # on 03-01 and nothing since (April to June missed): red. The other ten have no record: five
    # monthly reports missed (February to June), red.
    view = as_json(cli, "trend", "--area", "industry", "--from", "2006-06-01", "--to", "2006-06-30")
    assert view["points"] == [{"date": "2006-06-30", "tasks": 13, "done": 0, "green": 1, "yellow": 1, "red": 11,
                               "unreported": 0, "grey": 0, "percent": pytest.approx(view["points"][0]["percent"])}]
    assert view["area"]["slug"] == "industry"


def test_the_task_trend_carries_the_forecast(cli, marked):
    # At 2006-08-15: 90 on 06-30, 95 on 08-15 is 5 in 46 days; 138 days to 12-31 add 15, so 110 of 200.
    view = as_json(cli, "trend", "IND-01", "--to", "2006-08-15")
    assert view["points"][-1]["date"] == "2006-08-15"
    assert view["forecast"]["value"] == 110
    assert view["forecast"]["status"] == "at-risk"
    assert view["task"]["id"] == "IND-01"


def test_terminal_and_pipe(cli, marked):
    piped = cli("trend", "IND-01", "--to", "2006-04-30")
    assert piped.exit_code == 0
    lines = piped.stdout.splitlines()
    assert [cell.strip() for cell in lines[1].split("|")] == ["", "02-28", "03-31", "04-30"]
    assert "▁" not in piped.stdout and "█" not in piped.stdout  # sparklines only on a terminal
    assert "Done %" in piped.stdout and "Expected %" in piped.stdout


def test_sparkline():
    from sdpolicy.render.terminal import sparkline

    # Shares of 100: 0 → the lowest block, 100 → the highest, 50 → round(3.5) = 4, the fifth.
    assert sparkline([0, 50, 100, None], 100) == "▁▅█ "


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("IND-01", "--area", "e-gov"), "only one of"),
        (("--every", "week"), "month or quarter"),
        (("--from", "2006-06-01", "--to", "2006-05-01"), "before it starts"),
        (("--from", "2006-13-01"), "not a real date"),
        (("IND-99",), "IND-09"),
        (("--unit", "no such unit"), "unknown unit"),
        (("--unit", "济南"), "no task yet"),
    ],
)
def test_bad_input_is_refused(cli, args, words):
    assert words in assert_refused(cli("trend", *args))


def test_a_unit_trend_counts_the_tasks_it_leads_or_cooperates_on(cli, marked):
    # 济南 leads IND-01 (green at 06-30: 45 % against 42.1 %) and cooperates on IND-11 (yellow:
    # 25 %, 17 behind); PUB-04, assigned to another unit, is not counted.
    assert cli("assign", "IND-01", "--lead", "济南", "--date", "2006-03-01").exit_code == 0
    assert cli("assign", "IND-11", "--lead", "青岛", "--with", "济南市", "--date", "2006-03-01").exit_code == 0
    assert cli("assign", "PUB-04", "--lead", "青岛", "--date", "2006-03-01").exit_code == 0
    view = as_json(cli, "trend", "--unit", "Jinan", "--from", "2006-06-01", "--to", "2006-06-30")
    assert view["unit"] == "济南市"  # the canonical name, whatever name was typed
    (point,) = view["points"]
    assert (point["tasks"], point["green"], point["yellow"], point["red"]) == (2, 1, 1, 0)
