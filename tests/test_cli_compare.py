"""`sdpolicy compare`: each 2005 indicator beside its linked tasks, the latest figure and the change."""

from __future__ import annotations

import json

from conftest import ANSI, assert_refused
from sdpolicy.catalogue import load_catalogue

PLAN = load_catalogue()


def row_of(stdout: str, indicator_id: str) -> list[str]:
    (line,) = [line for line in stdout.splitlines() if line.startswith(indicator_id + " ")]
    return [c.strip() for c in line.split("|")]


def comparison(cli, indicator_id: str, *args: str) -> dict:
    view = json.loads(cli("compare", "--json", *args).stdout)
    (row,) = [r for r in view["indicators"] if r["id"] == indicator_id]
    return row


def test_compare_lists_every_indicator(cli):
    result = cli("compare")
    assert result.exit_code == 0 and result.stderr == ""
    assert not ANSI.search(result.stdout)
    view = json.loads(cli("compare", "--json").stdout)
    assert [r["id"] for r in view["indicators"]] == [i.id for i in PLAN.indicators]
    assert len(view["indicators"]) == 83


def test_compare_change_and_growth_after_a_new_figure(cli, mark):
    mark("internet-users", "--value", "1200", "--date", "2006-06-30")
    # The 2005 figure is over 1000 (万户); 1200 is a change of +200, and 200 / 1000 = +20.0 %.
    row = comparison(cli, "internet-users", "--as-of", "2006-07-01")
    assert (row["value"], row["actual"], row["actual_date"]) == (1000, 1200, "2006-06-30")
    assert (row["change"], row["growth"]) == (200, 20.0)
    assert row["qualifier"] == "over"
    zh = row_of(cli("compare", "--area", "city", "--as-of", "2006-07-01", "--lang", "zh").stdout, "internet-users")
    assert "+200 万户" in zh and "+20.0%" in zh
    en = row_of(cli("compare", "--area", "city", "--as-of", "2006-07-01").stdout, "internet-users")
    assert en[-1] == "+20.0%"


def test_compare_before_the_figure_is_dated_shows_nothing(cli, mark):
    mark("internet-users", "--value", "1200", "--date", "2006-06-30")
    row = comparison(cli, "internet-users", "--as-of", "2006-06-29")
    assert (row["actual"], row["change"], row["growth"]) == (None, None, None)


def test_compare_a_fall_is_negative(cli):
    # A figure below the 2005 baseline is recorded with a warning (issue 14), not refused.
    marked = cli("mark", "internet-users", "--value", "900", "--date", "2006-06-30")
    assert marked.exit_code == 0 and "below the 2005 baseline" in marked.stderr
    row = comparison(cli, "internet-users", "--as-of", "2006-07-01")
    assert (row["change"], row["growth"]) == (-100, -10.0)


def test_compare_links_tasks_to_their_baseline(cli):
    row = comparison(cli, "county-portal-share")
    assert ("EGOV-10", "baseline") in [(t["id"], t["role"]) for t in row["tasks"]]


def test_compare_area_filter(cli):
    view = json.loads(cli("compare", "--json", "--area", "电子政务").stdout)
    assert [r["id"] for r in view["indicators"]] == [i.id for i in PLAN.indicators if i.area == "e-gov"]
    assert cli("compare", "--area", "e-gov").stdout == cli("compare", "--area", "电子政务").stdout


def test_compare_unknown_area_is_refused(cli):
    assert assert_refused(cli("compare", "--area", "moon")).startswith("unknown area 'moon'")


def test_compare_retracted_figure_no_longer_counts(cli, mark):
    mark("internet-users", "--value", "1200", "--date", "2006-06-30")
    assert cli("undo").exit_code == 0
    row = comparison(cli, "internet-users", "--as-of", "2006-07-01")
    assert row["actual"] is None and row["change"] is None
