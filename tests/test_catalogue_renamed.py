"""Renamed ids: a catalogue that merges or renumbers a task keeps old records readable (issue 11).

The fixture valid/renamed.toml is the minimal catalogue with `[renamed] IND-09 = "IND-01"` and
`web-users = "internet-users"`; the store below was written when those old ids existed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sdpolicy.catalogue import find_item, find_task, load_catalogue

HERE = Path(__file__).resolve().parent
RENAMED = HERE / "data" / "catalogue" / "valid" / "renamed.toml"

STORE = """\
schema = 1
r-aaaaaaaaa1 = { task = "IND-09", value = 50, date = 2006-04-30, recorded_at = 2026-11-22T07:00:00Z }
r-aaaaaaaaa2 = { task = "IND-01", value = 120, date = 2006-06-30, recorded_at = 2026-11-22T08:00:00Z }
r-aaaaaaaaa3 = { indicator = "web-users", value = 1200, date = 2006-06-30, recorded_at = 2026-11-22T09:00:00Z }
"""


@pytest.fixture
def home(sdpolicy_home: Path) -> Path:
    sdpolicy_home.mkdir(parents=True, exist_ok=True)
    (sdpolicy_home / "progress.toml").write_text(STORE, encoding="utf-8")
    return sdpolicy_home


def test_the_catalogue_keeps_the_mapping_and_lookups_follow_it():
    plan = load_catalogue(RENAMED)
    assert dict(plan.renamed) == {"IND-09": "IND-01", "web-users": "internet-users"}
    assert find_task(plan, "ind-09").id == "IND-01"
    assert find_item(plan, "IND-09").id == "IND-01"
    assert find_item(plan, "WEB-USERS").id == "internet-users"
    assert plan.current_id("IND-02") == "IND-02"


def test_records_under_an_old_id_read_as_the_new_one(cli, home):
    result = cli("show", "IND-09", "--json", "--as-of", "2006-07-01", "--catalogue", str(RENAMED))
    assert result.exit_code == 0, result.stderr
    task = json.loads(result.stdout)["task"]
    # Both records count for IND-01: the one written as IND-09 (50) and the later one (120).
    assert task["id"] == "IND-01" and task["actual"] == 120
    assert sorted(h["id"] for h in task["history"]) == ["r-aaaaaaaaa1", "r-aaaaaaaaa2"]
    assert {h["item"] for h in task["history"]} == {"IND-01"}
    compared = json.loads(cli("compare", "--json", "--as-of", "2006-07-01", "--catalogue", str(RENAMED)).stdout)
    users = next(i for i in compared["indicators"] if i["id"] == "internet-users")
    assert users["actual"] == 1200


def test_check_accepts_records_under_an_old_id(cli, home):
    result = cli("check", "--catalogue", str(RENAMED))
    assert result.exit_code == 0, result.stderr


def test_without_the_mapping_the_old_record_is_an_unknown_task(cli, home):
    # The same store against the catalogue without [renamed]: the record naming IND-09 is refused.
    minimal = RENAMED.parent / "minimal.toml"
    result = cli("list", "--catalogue", str(minimal))
    assert result.exit_code != 0
    assert "names task 'IND-09'" in result.stderr
