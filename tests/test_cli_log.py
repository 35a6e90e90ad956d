"""`sdpolicy log`: the history newest first, with record ids; filtered by task or indicator."""

from __future__ import annotations

import json
import re

from conftest import ANSI, assert_refused


def first_column(stdout: str) -> list[str]:
    return [line.split("|")[0].strip() for line in stdout.splitlines()[2:]]


def test_empty_log(cli):
    result = cli("log")
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout == "No records yet.\n"
    assert json.loads(cli("log", "--json").stdout)["records"] == []


def test_log_is_newest_first_by_the_date_reported_then_the_time_entered(cli, mark):
    # Recorded in this order; the dates the progress refers to deliberately run the other way. The
    # log reads by the date reported (it used to read by entry time: c, b, a).
    a = mark("IND-01", "--value", "150", "--date", "2006-08-31")
    b = mark("EGOV-10", "--value", "90", "--date", "2006-06-30")
    c = mark("IND-01", "--value", "100", "--date", "2006-05-31", "--note", "[red]x[/red] late report")
    d = mark("IND-11", "--value", "10", "--date", "2006-06-30")  # same day as b, entered after it
    result = cli("log")
    assert result.exit_code == 0 and result.stderr == ""
    assert not ANSI.search(result.stdout)
    assert first_column(result.stdout) == [a, d, b, c]
    assert "[red]x[/red] late report" in result.stdout
    rows = json.loads(cli("log", "--json").stdout)["records"]
    assert [r["id"] for r in rows] == [a, d, b, c]
    assert [(r["item"], r["value"], r["date"]) for r in rows] == [
        ("IND-01", 150, "2006-08-31"), ("IND-11", 10, "2006-06-30"), ("EGOV-10", 90, "2006-06-30"),
        ("IND-01", 100, "2006-05-31"),
    ]
    assert all(r["in_effect"] and r["retracted_by"] is None for r in rows)


def test_log_filtered_by_task(cli, mark):
    a = mark("IND-01", "--value", "100", "--date", "2006-05-31")
    mark("EGOV-10", "--value", "90", "--date", "2006-06-30")
    c = mark("IND-01", "--value", "120", "--date", "2006-06-30")
    result = cli("log", "ind-01")
    assert first_column(result.stdout) == [c, a]
    view = json.loads(cli("log", "IND-01", "--json").stdout)
    assert view["item"] == "IND-01"
    assert [r["id"] for r in view["records"]] == [c, a]


def test_log_filtered_by_indicator(cli, mark):
    mark("IND-01", "--value", "100", "--date", "2006-05-31")
    b = mark("internet-users", "--value", "1200", "--date", "2006-06-30")
    view = json.loads(cli("log", "internet-users", "--json").stdout)
    assert [r["id"] for r in view["records"]] == [b]
    assert view["records"][0]["kind"] == "indicator"


def test_log_of_task_without_records(cli, mark):
    mark("IND-01", "--value", "100", "--date", "2006-05-31")
    assert cli("log", "IND-02").stdout == "No records yet.\n"


def test_log_unknown_item_is_refused(cli):
    message = assert_refused(cli("log", "EGOV-99"))
    assert message.startswith("unknown task or indicator 'EGOV-99'; did you mean EGOV-09")


def test_control_characters_in_notes_cannot_reach_the_terminal(cli, mark):
    # A note (typed, merged from a colleague's store or edited by hand) holding ESC sequences, BEL,
    # CR and a C1 CSI must not recolour or rewrite the reader's terminal: each shows as \xNN.
    note = "\x1b[31mRED\x1b[0m bell\a cr\r csi\x9b2J"
    record_id = mark("IND-01", "--value", "120", "--date", "2006-06-30", "--note", note)
    for args in (["log"], ["log", "IND-01"], ["show", "IND-01", "--as-of", "2006-07-01"]):
        out = cli(*args).stdout
        assert record_id in out
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", out), args
        assert r"\x1b[31mRED\x1b[0m bell\x07 cr\x0d csi\x9b2J" in out, args
    # JSON keeps the note exactly (json escapes the controls itself).
    assert json.loads(cli("log", "--json").stdout)["records"][0]["note"] == note


def test_log_filters_by_dates_reporter_and_area(cli, mark, sdpolicy_home):
    a = mark("IND-01", "--value", "100", "--date", "2006-05-31", "--by", "济南市")
    b = mark("EGOV-10", "--value", "90", "--date", "2006-06-01", "--by", "青岛市")
    c = mark("IND-01", "--value", "120", "--date", "2006-06-30", "--by", "济南")  # an alias of 济南市
    d = mark("internet-users", "--value", "1200", "--date", "2006-07-01")

    def ids(*args: str) -> list[str]:
        result = cli("log", "--json", *args)
        assert result.exit_code == 0, result.stderr
        return [r["id"] for r in json.loads(result.stdout)["records"]]

    # Both ends included.
    assert ids("--since", "2006-06-01", "--until", "2006-06-30") == [c, b]
    assert ids("--since", "2006-06-30") == [d, c]
    assert ids("--until", "2006-05-31") == [a]
    # A unit by any of its names: 济南 is stored as 济南市, and --unit is the same filter as --by.
    assert ids("--by", "济南") == [c, a]
    assert ids("--unit", "Jinan") == [c, a]
    # An area takes its tasks' and its indicators' records (internet-users belongs to city).
    assert ids("--area", "e-gov") == [b]
    assert ids("--area", "city") == [d]
    assert ids("IND-01", "--since", "2006-06-01") == [c]
    assert_refused(cli("log", "--since", "2006-07-01", "--until", "2006-06-01"))
    assert_refused(cli("log", "--since", "June"))
