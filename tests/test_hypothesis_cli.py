"""Properties, checked with hypothesis.

- Whatever text `sdpolicy mark` accepts as a note or a name reads back equal through `sdpolicy log --json`
  and from the store; whatever it refuses, it refuses in one sentence with exit 2 and the store untouched.
- Any value, date and state typed on the command line is either recorded exactly or refused that way.
- Any byte-level damage to a valid store (a flipped bit, inserted bytes, deleted bytes) makes the loader
  return records or raise the store's own errors, never anything else; and `sdpolicy check` and
  `sdpolicy list` answer it with exit 0 or 65 and a message, never a traceback or "internal error".
"""

from __future__ import annotations

import json
import math
import tempfile
import tomllib
from datetime import date, datetime, timezone
from pathlib import Path

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sdpolicy import store
from sdpolicy.catalogue import load_catalogue
from sdpolicy.errors import EXIT_DATAERR, EXIT_OK, EXIT_USAGE, DataError, MissingInputError
from sdpolicy.progress import MAX_BY, MAX_NOTE, MAX_VALUE, make_retraction, make_update
from sdpolicy.sanitise import message as shown
from sdpolicy.store import STATES

PLAN = load_catalogue()
RUNNER = CliRunner()


def examples(count: int) -> settings:
    return settings(max_examples=count, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def invoke(home: Path, *args: str):
    return RUNNER.invoke(app(), list(args), env={"SDPOLICY_HOME": str(home), "SDPOLICY_LANG": "en"})


def app():
    from sdpolicy.cli import app as the_app

    return the_app


def logged(home: Path) -> list[dict]:
    result = invoke(home, "log", "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["records"]


def assert_plain_refusal(result, code: int = EXIT_USAGE) -> str:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr, result.exception)
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    # One line to any reader, not only to one that splits at "\n": U+2028, NEL, VT and FF end a line
    # too (str.splitlines), and a value holding one was echoed raw.
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    return result.stderr[len("Error: "):-1]


# -- notes and names

# Whole Unicode, with the characters that trouble TOML, shells and terminals made likely.
TRICKY = st.sampled_from(list('"\'\\\n\r\t\x00\x1b\x7f\u2028\u2029\ufeff\u202e{}[]#=,') + ["'''", '"""', "中文", "🎉", "\r\n"])
TEXT = st.lists(st.one_of(st.text(max_size=8), TRICKY), max_size=12).map("".join)


@examples(120)
@given(note=TEXT, by=TEXT)
@example(note="a\nb\tc \\ \"d\" '''e''' 🎉 中文", by="王 \"小\" 明")
@example(note="x" * MAX_NOTE, by="y" * MAX_BY)
@example(note="x" * (MAX_NOTE + 1), by="")
def test_any_note_and_name_the_cli_accepts_read_back_equal(note, by):
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        invoke(home, "mark", "IND-02", "--state", "in-progress", "--date", "2006-03-01")
        before = store.progress_path(home).read_bytes()
        # --note=TEXT: a text that starts with "-" is still the note, not an option.
        result = invoke(home, "mark", "IND-01", "--value", "5", "--date", "2006-05-01", f"--note={note}", f"--by={by}")
        if len(note) > MAX_NOTE or len(by) > MAX_BY:
            message = assert_plain_refusal(result)
            assert "characters; keep it to" in message
            assert store.progress_path(home).read_bytes() == before
            return
        assert result.exit_code == EXIT_OK, (result.stderr, result.exception)
        (row,) = [r for r in logged(home) if r["item"] == "IND-01"]
        # What the CLI keeps is every character as typed, white space around it included.
        assert (row["note"], row["by"]) == (note, by)
        stored = store.read_records(home)[-1]
        assert (stored.note, stored.by, stored.value, stored.date) == (note, by, 5, date(2006, 5, 1))
        assert store.progress_path(home).read_bytes().startswith(before)
        # Still one line per record, and still a store that check passes.
        assert store.progress_path(home).read_bytes()[len(before):].count(b"\n") == 1
        assert invoke(home, "check").exit_code == EXIT_OK


# -- values, dates and states

NUMERIC_TASKS = [t.id for t in PLAN.tasks if t.target.numeric]
STATE_TASKS = [t.id for t in PLAN.tasks if not t.target.numeric]
FIGURES = [i.id for i in PLAN.indicators if i.value is not None]
VALUE_TEXT = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**15), max_value=10**15).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.sampled_from(["nan", "NaN", "-inf", "1e12", "1e12.5", "85%", " 12 ", "0x10", "1_000", "١٢", "-0", "", "1e-400",
                     "1\n2", "1\u20282", "\u2029", "1\x852", "1\x0b2", "1\x1c2", "1\u202e2"]),
    st.text(max_size=6),
)
DAY_TEXT = st.one_of(
    st.dates(min_value=date(2005, 1, 1), max_value=date(2008, 12, 31)).map(date.isoformat),
    st.sampled_from(["2006-02-29", "2006-13-01", "2006-00-10", "2006-5-1", "20060501", "2006/05/01", "", "tomorrow"]),
)


ANY_STATE = st.sampled_from(list(STATES) + ["In Progress", "in_progress", "finished", "DONE", ""])
PLAUSIBLE_DAY = st.dates(min_value=PLAN.start, max_value=date(2006, 12, 31)).map(date.isoformat)
PLAUSIBLE_NUMBER = st.one_of(
    st.integers(min_value=0, max_value=10**12).map(str),
    st.floats(min_value=0, max_value=100, allow_nan=False).map(repr),
    st.floats(min_value=0, max_value=1e12, allow_nan=False).map(str),
)
# Half the inputs are the kind a user means to give (mostly accepted), half anything at all (mostly refused).
INPUTS = st.one_of(
    st.tuples(st.sampled_from(NUMERIC_TASKS + FIGURES), PLAUSIBLE_NUMBER, st.none(), PLAUSIBLE_DAY),
    st.tuples(st.sampled_from(STATE_TASKS), st.none(), ANY_STATE, PLAUSIBLE_DAY),
    st.tuples(
        st.sampled_from(NUMERIC_TASKS + STATE_TASKS + FIGURES), st.none() | VALUE_TEXT, st.none() | ANY_STATE, DAY_TEXT
    ),
)


@examples(200)
@given(INPUTS)
# An indicator's record dated after its 2005 figure but before the plan began: accepted.
@example(given_input=("phone-users", "0.0", None, "2005-12-01"))
# A value holding a line separator: refused in a message of one line (U+2028 was echoed raw).
@example(given_input=("IND-01", "1\u20282", None, "2006-05-01"))
def test_any_value_date_and_state_is_recorded_exactly_or_refused_plainly(given_input):
    item, value, state, day = given_input
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        args = ["mark", item, "--date", day]
        if value is not None:
            args.append(f"--value={value}")
        if state is not None:
            args.append(f"--state={state}")
        try:
            expected = make_update(
                PLAN, item, value=value, state=state, done=False, on=day, note="", by="", today=date.today(),
                now=datetime.now(timezone.utc),
            )
        except Exception as exc:  # noqa: BLE001 - the property is about which exceptions there are
            expected = exc
        result = invoke(home, *args)
        event("refused" if result.exit_code else "recorded")
        if result.exit_code != EXIT_OK:
            message = assert_plain_refusal(result)
            # As printed: control characters in the quoted argument shown as \xNN (issue 10).
            assert isinstance(expected, Exception) and message == shown(str(expected))
            assert not store.progress_path(home).exists()
            return
        assert not isinstance(expected, Exception), expected
        (stored,) = store.read_records(home)
        assert (stored.item, stored.value, stored.state, stored.date) == (
            expected.item, expected.value, expected.state, expected.date
        )
        if stored.value is not None:
            assert math.isfinite(stored.value) and 0 <= stored.value <= MAX_VALUE
            number = float(value.strip().rstrip("%"))
            assert stored.value == number
        # A task's record may be dated from the plan's start, an indicator's from the date its 2005
        # figure is as of (docs/store.md), which is before the plan began.
        earliest = PLAN.start if stored.kind == "task" else next(i.as_of for i in PLAN.indicators if i.id == stored.item)
        assert earliest <= stored.date <= date.today()
        assert logged(home)[0]["id"] == stored.id


# -- damaged bytes


def _valid_store() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        when = datetime(2026, 11, 22, 7, 37, 15, 123456, tzinfo=timezone.utc)
        notes = ["首批验收 🎉", 'quote " and \\ backslash', "line\nbreak\ttab", "", "}{ = # [x]"]
        records = []
        for n, note in enumerate(notes):
            record = make_update(
                PLAN, "IND-01" if n % 2 == 0 else "internet-users", value=str(100 + n * 37.5), state=None, done=False,
                on="2006-07-01", note=note, by="省经贸委", today=date(2026, 11, 22), now=when,
            )
            records.append(store.append_record(home, record))
        milestone = make_update(
            PLAN, "ENV-05", value=None, state="in-progress", done=False, on="2006-07-02", note="", by="",
            today=date(2026, 11, 22), now=when,
        )
        records.append(store.append_record(home, milestone))
        retraction = make_retraction(records, records[1].id, "wrong figure", "", date(2026, 11, 22), now=when)
        store.append_record(home, retraction)
        data = store.progress_path(home).read_bytes()
    assert data.count(b"\n") == 4 + 7
    return data


VALID = _valid_store()


@st.composite
def damaged(draw) -> bytes:
    data = bytearray(VALID)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        how = draw(st.sampled_from(["flip", "insert", "delete", "replace", "truncate"]))
        at = draw(st.integers(min_value=0, max_value=len(data)))
        if how == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(min_value=0, max_value=7))
        elif how == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8) | st.sampled_from(
                [b"\n", b"\r", b"\x00", b"\xef\xbb\xbf", b'"', b"=", b"{", b"}", b"#", b"[", b"\xe4\xb8", b"<<<<<<< HEAD\n"]
            ))
        elif how == "delete":
            del data[at : at + draw(st.integers(min_value=1, max_value=40))]
        elif how == "replace" and at < len(data):
            data[at] = draw(st.integers(min_value=0, max_value=255))
        elif how == "truncate":
            del data[at:]
    return bytes(data)


@examples(2000)
@given(data=damaged())
@example(data=b"")
@example(data=b"\xef\xbb\xbf")
@example(data=VALID[:-1])
@example(data=VALID + b"\xe4\xb8")
@example(data=VALID.replace(b"\n", b"\r", 3))
def test_any_damage_to_the_bytes_is_read_or_refused_with_the_stores_own_error(data):
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        store.progress_path(home).write_bytes(data)
        try:
            contents = store.read_store(home)
        except DataError as exc:
            event("DataError")
            assert exc.message and exc.problems and all(p.startswith(str(store.progress_path(home))) for p in exc.problems)
            return
        except MissingInputError as exc:
            assert exc.message
            return
        event("read, with a torn tail" if contents.torn_tail is not None else "read")
        assert all(isinstance(r, store.Record) for r in contents.records)
        lines = data.split(b"\n")
        for record in contents.records:
            # Each record is what tomllib itself reads on its line (whatever faster reader the store
            # uses for lines it wrote), ...
            raw = lines[record.line - 1].decode("utf-8")
            ((key, fields),) = tomllib.loads(raw + "\n").items()
            kind = "task" if "task" in fields else "indicator"
            assert (record.id, record.kind, record.item, record.date, record.value, record.state,
                    record.retracts, record.note, record.by) == (
                key, kind, fields[kind], fields["date"], fields.get("value"), fields.get("state"),
                fields.get("retracts"), fields.get("note", ""), fields.get("by", ""))
            assert type(record.value) is type(fields.get("value"))
            assert record.recorded_at == fields["recorded_at"] and record.recorded_at.utcoffset() is not None
            # ... and what reads as valid writes back as valid.
            if store._WRITABLE_ID.fullmatch(record.id):
                assert store.record_line(record)


@examples(150)
@given(data=damaged())
def test_check_and_list_answer_any_damage_with_a_message_and_65_or_a_result(data):
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        path = store.progress_path(home)
        path.write_bytes(data)
        check = invoke(home, "check")
        event(f"check exit {check.exit_code}")
        assert check.exit_code in (EXIT_OK, EXIT_DATAERR), (check.exit_code, check.stderr, check.exception)
        assert "Traceback" not in check.stderr and "internal error" not in check.stderr
        listing = invoke(home, "list", "--json")
        assert listing.exit_code in (EXIT_OK, EXIT_DATAERR), (listing.stderr, listing.exception)
        assert "internal error" not in listing.stderr
        if check.exit_code == EXIT_OK:
            assert check.stdout.startswith("all is well: ")
            # check passes only stores every reading command accepts
            assert listing.exit_code == EXIT_OK
        else:
            assert check.stdout == ""
            assert check.stderr.splitlines()[-1].startswith("Error: found ")
            if listing.exit_code == EXIT_OK:
                # Reading commands accept a store whose only faults are retractions of no earlier record
                # (such a retraction retracts nothing); anything else check finds, they must refuse too.
                problems = [l for l in check.stderr.splitlines()[:-1] if not l.startswith("Warning: ")]
                assert all(" retracts " in problem for problem in problems), problems
            assert all(line.startswith((str(path), "Warning: ", "Error: ")) for line in check.stderr.splitlines())
        assert path.read_bytes() == data
