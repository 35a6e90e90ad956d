"""`sdpolicy status`: lights per area and in total, or one area and its tasks."""

from __future__ import annotations

import json

import pytest

from conftest import ANSI, assert_refused
from sdpolicy.catalogue import load_catalogue

PLAN = load_catalogue()


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("|")]


def summary_rows(stdout: str) -> dict[str, list[str]]:
    """Area name → its cells, from the piped summary table (title, header, rule, rows…)."""
    rows = {}
    for line in stdout.splitlines()[3:]:
        if "|" not in line or line.startswith("-"):
            break
        parts = cells(line)
        if parts[0] == "ID":  # the header of the task table that follows
            break
        rows[parts[0]] = parts[1:]
    return rows


@pytest.fixture
def recorded(mark):
    mark("IND-01", "--value", "120", "--date", "2006-06-30")  # yellow at 2006-10-15 (see test_cli_list)
    mark("IND-02", "--done", "--date", "2006-05-10")
    mark("EGOV-10", "--value", "90", "--date", "2006-06-30")  # 60 %, expected 75.8 %: yellow
    # The September reports (due 09-30) repeat the figures; without them both would have missed July,
    # August and September at 2006-10-15, and red_after is 2.
    mark("IND-01", "--value", "120", "--date", "2006-09-30")
    mark("EGOV-10", "--value", "90", "--date", "2006-09-30")


def test_status_counts_every_area_and_the_total(cli, recorded):
    result = cli("status", "--as-of", "2006-10-15")
    assert result.exit_code == 0 and result.stderr == ""
    assert not ANSI.search(result.stdout)
    assert result.stdout.splitlines()[0].strip() == "As of 2006-10-15"
    rows = summary_rows(result.stdout)
    assert list(rows) == [a.name_en for a in PLAN.areas] + ["Total"]
    # columns: tasks, done, green, yellow, red, not reported, grey, overall %
    # industry: IND-01 yellow (60 %), IND-02 done (100 %), IND-04 (the September expo) overdue, and
    # the other 10 red: no report from February to September (2 missed in a row turn a task red).
    # Overall = mean completion = (60 + 100) / 13 = 12.3 %.
    assert rows["IT transformation of traditional industries"] == ["13", "1", "0", "1", "11", "0", "0", "12.3%"]
    # e-gov: EGOV-10 at 60 % of the way, the other 13 never reported; 60 / 14 = 4.3 %.
    assert rows["E-government"] == ["14", "0", "0", "1", "13", "0", "0", "4.3%"]
    # total: 81 tasks; (60 + 100 + 60) / 81 = 2.7 %.
    assert rows["Total"] == ["81", "1", "0", "2", "78", "0", "0", "2.7%"]
    # 2006-10-31: October's report is due and IND-01 and EGOV-10 last reported in September (one
    # missed month): both not reported, hiding their yellow (20.8 points behind).
    rows = summary_rows(cli("status", "--as-of", "2006-10-31").stdout)
    assert rows["Total"] == ["81", "1", "0", "0", "78", "2", "0", "2.7%"]


def test_status_json_totals_add_up(cli, recorded):
    view = json.loads(cli("status", "--json", "--as-of", "2006-10-15").stdout)
    assert view["area"] is None and "tasks" not in view
    assert [a["area"] for a in view["areas"]] == [a.slug for a in PLAN.areas]
    total = view["total"]
    for key in ("tasks", "done", "green", "yellow", "red", "unreported", "grey"):
        assert total[key] == sum(a[key] for a in view["areas"])
    assert total["tasks"] == 81
    assert total["done"] + total["green"] + total["yellow"] + total["red"] + total["unreported"] + total["grey"] == 81
    assert total["percent"] == 2.7


@pytest.mark.parametrize("spelling", ["电子政务", "e-gov", "E-government", "电子"])
def test_status_area_spellings_are_identical(cli, recorded, spelling):
    by_slug = cli("status", "--area", "e-gov", "--as-of", "2006-10-15")
    other = cli("status", "--area", spelling, "--as-of", "2006-10-15")
    assert other.exit_code == 0
    assert other.stdout == by_slug.stdout


def test_status_with_area_shows_its_summary_and_tasks(cli, recorded):
    out = cli("status", "--area", "e-gov", "--as-of", "2006-10-15").stdout
    rows = summary_rows(out)
    assert list(rows) == ["E-government"]  # no other area, no total
    assert rows["E-government"] == ["14", "0", "0", "1", "13", "0", "0", "4.3%"]
    egov = [t.id for t in PLAN.tasks if t.area == "e-gov"]
    listed = [cells(line)[0] for line in out.splitlines() if cells(line)[0] in egov]
    assert listed == egov
    assert "IND-01" not in out


def test_status_with_area_json(cli, recorded):
    view = json.loads(cli("status", "--area", "电子政务", "--json", "--as-of", "2006-10-15").stdout)
    assert view["area"]["slug"] == "e-gov"
    assert [t["id"] for t in view["tasks"]] == [t.id for t in PLAN.tasks if t.area == "e-gov"]
    (egov10,) = [t for t in view["tasks"] if t["id"] == "EGOV-10"]
    assert (egov10["light"], egov10["percent"]) == ("yellow", 60.0)


def test_status_without_records_is_all_grey_until_the_first_report_is_due(cli):
    view = json.loads(cli("status", "--json", "--as-of", "2006-02-27").stdout)
    assert view["total"]["grey"] == 81 and view["total"]["percent"] == 0.0
    # February's report was due 02-28: on 03-01 every task has missed one.
    view = json.loads(cli("status", "--json", "--as-of", "2006-03-01").stdout)
    assert (view["total"]["grey"], view["total"]["unreported"]) == (0, 81)


def test_status_unknown_area_is_refused(cli):
    message = assert_refused(cli("status", "--area", "space"))
    assert message.startswith("unknown area 'space'") and "e-gov (电子政务)" in message
