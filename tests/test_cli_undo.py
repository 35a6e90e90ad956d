"""`sdpolicy undo`: retract the latest record or one named by a prefix; nothing is erased."""

from __future__ import annotations

import json
import re

from conftest import assert_refused
from sdpolicy.store import read_records

# Since issue 14 undo also says what it retracted: item, figure or state with its unit, and date.
RETRACTED = re.compile(r"retracted (r-[0-9a-z]{10}): \S+ .+ on \d{4}-\d{2}-\d{2} \(retraction (r-[0-9a-z]{10})\)\n")


def retracted(result) -> tuple[str, str]:
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    found = RETRACTED.fullmatch(result.stdout)
    assert found, result.stdout
    return found.groups()


def task_row(cli, task_id: str, as_of: str) -> dict:
    return json.loads(cli("show", task_id, "--json", "--as-of", as_of).stdout)["task"]


def test_undo_latest(cli, mark, sdpolicy_home):
    first = mark("IND-01", "--value", "120", "--date", "2006-06-30")
    second = mark("IND-01", "--value", "150", "--date", "2006-08-31")
    assert task_row(cli, "IND-01", "2006-09-01")["actual"] == 150
    target, retraction = retracted(cli("undo", "--note", "typo", "--by", "省经贸委"))
    assert target == second
    # The retraction is a new record; the retracted one is still in the file.
    records = read_records(sdpolicy_home)
    assert [r.id for r in records] == [first, second, retraction]
    assert (records[2].retracts, records[2].item, records[2].note, records[2].by) == (second, "IND-01", "typo", "省经贸委")
    # The retracted figure no longer counts: list is back to 120.
    row = task_row(cli, "IND-01", "2006-09-01")
    assert row["actual"] == 120 and row["latest"]["id"] == first
    listed = json.loads(cli("list", "--json", "--search", "IND-01", "--as-of", "2006-09-01").stdout)["tasks"]
    assert listed[0]["actual"] == 120


def test_undo_by_prefix_and_log_shows_both(cli, mark):
    first = mark("IND-01", "--value", "120", "--date", "2006-06-30")
    mark("EGOV-10", "--value", "90", "--date", "2006-06-30")
    target, retraction = retracted(cli("undo", first[:6]))  # "r-" and four characters
    assert target == first
    rows = json.loads(cli("log", "--json").stdout)["records"]
    by_id = {r["id"]: r for r in rows}
    assert rows[0]["id"] == retraction
    assert by_id[retraction]["retracts"] == first
    assert by_id[first]["in_effect"] is False and by_id[first]["retracted_by"] == retraction
    text = cli("log", "IND-01").stdout
    assert f"retracts {first}" in text and f"(retracted by {retraction})" in text
    # IND-01 has nothing in effect any more: at 07-01 it has never reported, February to June (red;
    # it was grey before the monthly reports of the reporting rule).
    row = task_row(cli, "IND-01", "2006-07-01")
    assert (row["light"], row["reason"]["code"], row["actual"]) == ("red", "long-unreported", None)
    assert task_row(cli, "EGOV-10", "2006-07-01")["actual"] == 90


def test_undo_prefix_without_the_r(cli, mark):
    first = mark("IND-01", "--value", "120", "--date", "2006-06-30")
    mark("IND-01", "--value", "130", "--date", "2006-07-30")
    assert retracted(cli("undo", first[2:]))[0] == first


def test_undo_skips_what_is_already_retracted(cli, mark):
    first = mark("IND-01", "--value", "120", "--date", "2006-06-30")
    second = mark("IND-01", "--value", "150", "--date", "2006-08-31")
    assert retracted(cli("undo"))[0] == second
    assert retracted(cli("undo"))[0] == first
    assert assert_refused(cli("undo")) == "there is nothing to undo"


def test_undo_with_nothing_recorded_is_refused(cli, store_file):
    assert assert_refused(cli("undo")) == "there is nothing to undo"
    assert not store_file.exists()


def test_undo_refusals_leave_the_store_unchanged(cli, mark, store_file):
    first = mark("IND-01", "--value", "120", "--date", "2006-06-30")
    retracted(cli("undo", first))
    before = store_file.read_bytes()
    assert assert_refused(cli("undo", "r-zzzzzzzzzz")).startswith("unknown record 'r-zzzzzzzzzz'")
    assert assert_refused(cli("undo", first)).startswith(f"record {first} was already retracted by r-")
    assert assert_refused(cli("undo", "r-")).startswith("record id 'r-' is ambiguous: it matches ")
    assert store_file.read_bytes() == before
