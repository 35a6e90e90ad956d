"""The progress store: format, round trips, damage messages, torn tails, failed writes and the lock."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
import tomllib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from filelock import FileLock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sdpolicy
from sdpolicy import store
from sdpolicy.errors import DataError, LockTimeoutError, MissingInputError, UsageError, WriteError
from sdpolicy.store import (
    STATES,
    Record,
    append_record,
    new_record_id,
    parse_records,
    progress_path,
    read_records,
    read_store,
    record_line,
)

DATA = Path(__file__).parent / "data" / "store"
CASES = tomllib.loads((DATA / "cases.toml").read_text(encoding="utf-8"))["case"]
REPO = Path(sdpolicy.__file__).resolve().parent.parent
WHEN = datetime(2026, 11, 22, 7, 37, 15, 123456, tzinfo=timezone.utc)


def make(**fields) -> Record:
    defaults = dict(
        id=new_record_id(), kind="task", item="EGOV-08", date=date(2006, 5, 1), recorded_at=WHEN, value=120
    )
    return Record(**{**defaults, **fields})


def lines_of(home: Path) -> list[bytes]:
    return progress_path(home).read_bytes().splitlines(keepends=True)


# -- the format and round trips


def test_a_record_is_the_same_record_on_any_line_but_not_with_another_field():
    first = make(id="r-0000000001", line=3)
    assert first == first._replace(line=9) and not first != first._replace(line=9)
    assert hash(first) == hash(first._replace(line=9))
    assert first != first._replace(note="x") and not first == first._replace(value=121)


def test_missing_store_reads_as_empty(tmp_path):
    assert read_records(tmp_path / "nowhere") == []
    assert read_store(tmp_path / "nowhere") == store.StoreContents()


def test_new_store_has_header_schema_and_one_line_per_record(tmp_path):
    home = tmp_path / "a" / "b"  # parents are created on the first write
    stored = append_record(home, make(id="r-6fj2k9x0qa", by="省经信委", note="首批"))
    text = progress_path(home).read_text(encoding="utf-8")
    header, rest = text.split("schema = 1\n")
    assert 2 <= header.count("\n") <= 3 and all(line.startswith("# ") for line in header.splitlines())
    assert rest == (
        'r-6fj2k9x0qa = { task = "EGOV-08", value = 120, date = 2006-05-01, by = "省经信委", note = "首批", '
        "recorded_at = 2026-11-22T07:37:15.123456Z }\n"
    )
    assert stored.line == text.count("\n") and read_records(home)[0].line == stored.line


def test_every_field_kind_round_trips(tmp_path):
    awkward = 'quote " backslash \\ newline \n tab \t cr \r nul \x00 emoji 😀 中文 山东省'
    records = [
        make(note=awkward, by="省经信委 \"办公室\""),
        make(kind="indicator", item="internet-users", value=1200.5, date=date(2006, 6, 30)),
        make(item="ENV-04", value=None, state="done", note="全部完成"),
        make(item="ENV-05", value=0, state="in-progress"),
        make(value=None, retracts="r-6fj2k9x0qa", note="wrong figure"),
        # Any offset is accepted and stored as UTC; the instant is what must come back.
        make(recorded_at=datetime(2026, 11, 22, 15, 0, tzinfo=timezone(timedelta(hours=8)))),
        make(recorded_at=datetime(2026, 11, 22, 7, 0, tzinfo=timezone.utc), value=1e-7),
    ]
    for state in STATES:
        records.append(make(value=None, state=state))
    stored = [append_record(tmp_path, record) for record in records]
    assert read_records(tmp_path) == records == stored
    assert [record.line for record in read_records(tmp_path)] == [record.line for record in stored]
    assert all(record.recorded_at.utcoffset() == timedelta(0) for record in read_records(tmp_path))
    assert read_records(tmp_path)[0].note == awkward


def test_values_keep_their_type(tmp_path):
    append_record(tmp_path, make(value=120))
    append_record(tmp_path, make(value=120.0))
    integer, floating = read_records(tmp_path)
    assert type(integer.value) is int and type(floating.value) is float


def test_a_written_record_is_one_line(tmp_path):
    record = make(note="one\ntwo\r\nthree\u2028four", by="a\nb")
    line = record_line(record)
    assert "\n" not in line and "\r" not in line
    append_record(tmp_path, record)
    assert lines_of(tmp_path)[-1] == (line + "\n").encode("utf-8")
    assert len(lines_of(tmp_path)) == 5  # three comment lines, schema, the record


def test_empty_note_and_by_are_left_out():
    assert "note" not in record_line(make()) and "by" not in record_line(make())


def test_appending_keeps_earlier_lines_byte_identical(tmp_path):
    append_record(tmp_path, make(note="first"))
    before = progress_path(tmp_path).read_bytes()
    append_record(tmp_path, make(note="second"))
    append_record(tmp_path, make(note="third"))
    assert progress_path(tmp_path).read_bytes().startswith(before)
    assert [record.note for record in read_records(tmp_path)] == ["first", "second", "third"]


def test_crlf_file_keeps_crlf_and_loads(tmp_path):
    append_record(tmp_path, make(note="first"))
    path = progress_path(tmp_path)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert [record.note for record in read_records(tmp_path)] == ["first"]
    before = path.read_bytes()
    stored = append_record(tmp_path, make(note="second"))
    after = path.read_bytes()
    assert after.startswith(before) and after.endswith(b" }\r\n")
    assert after.count(b"\n") == after.count(b"\r\n")
    assert [(record.note, record.line) for record in read_records(tmp_path)] == [("first", 5), ("second", 6)]
    assert stored.line == 6


def test_hand_edits_load_and_survive_a_write(tmp_path):
    path = progress_path(tmp_path)
    first, second = make(note="first"), make(note="second")
    path.write_text(
        "# kept by hand\n\nschema = 1\n"
        f"{record_line(second)}   # moved up on purpose\n"
        "\n   # an indented comment\n"
        f"  {record_line(first)}\n",
        encoding="utf-8",
    )
    assert [(record.note, record.line) for record in read_records(tmp_path)] == [("second", 4), ("first", 7)]
    before = path.read_bytes()
    append_record(tmp_path, make(note="third"))
    assert path.read_bytes().startswith(before)
    assert [record.note for record in read_records(tmp_path)] == ["second", "first", "third"]


def test_a_last_line_without_newline_that_is_complete_is_a_record(tmp_path):
    path = progress_path(tmp_path)
    first = make(note="first")
    path.write_text(f"schema = 1\n{record_line(first)}", encoding="utf-8")
    contents = read_store(tmp_path)
    assert contents.records == (first,) and contents.torn_tail is None
    append_record(tmp_path, make(note="second"))
    assert path.read_text(encoding="utf-8").startswith(f"schema = 1\n{record_line(first)}\n")
    assert [record.note for record in read_records(tmp_path)] == ["first", "second"]
    assert not store.torn_path(tmp_path).exists()


def test_a_comment_only_file_gets_its_schema_line(tmp_path):
    path = progress_path(tmp_path)
    path.write_text("# started by hand\n", encoding="utf-8")
    assert read_records(tmp_path) == []
    stored = append_record(tmp_path, make())
    assert path.read_text(encoding="utf-8") == f"# started by hand\nschema = 1\n{record_line(stored)}\n"
    assert stored.line == 3


def test_new_record_ids_are_unique_and_well_formed():
    ids = {new_record_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(len(i) == 12 and i.startswith("r-") and set(i[2:]) <= set(store._ID_ALPHABET) for i in ids)


def test_parse_records_is_a_pure_function_of_text_and_path():
    text = f"schema = 1\n{record_line(make(id='r-6fj2k9x0qa'))}\n"
    assert parse_records(text, "x/progress.toml") == parse_records(text, "x/progress.toml")
    assert parse_records(text, "x/progress.toml").records[0].line == 2


# -- what cannot be written


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"id": "R-1"}, "cannot write record 'R-1': its id must be 'r-' and 10 lowercase letters or digits"),
        ({"kind": "area"}, "cannot write record 'r-aaaaaaaaaa': kind must be 'task' or 'indicator', not the text 'area'"),
        ({"item": None}, "cannot write record 'r-aaaaaaaaaa': field 'task' must be text, not nothing (None)"),
        ({"value": float("nan")}, "cannot write record 'r-aaaaaaaaaa': field 'value' must be a finite number, not nan"),
        ({"value": -1}, "cannot write record 'r-aaaaaaaaaa': field 'value' must not be negative, but is -1"),
        ({"value": True}, "cannot write record 'r-aaaaaaaaaa': field 'value' must be a number, not true/false"),
        ({"value": None}, "cannot write record 'r-aaaaaaaaaa': has neither 'value' nor 'state'"),
        ({"state": "finished"}, "cannot write record 'r-aaaaaaaaaa': state 'finished' is not one of"),
        ({"note": None}, "cannot write record 'r-aaaaaaaaaa': field 'note' must be text, not nothing (None)"),
        ({"date": datetime(2006, 5, 1)}, "cannot write record 'r-aaaaaaaaaa': field 'date' must be a date such as"),
        ({"date": None}, "cannot write record 'r-aaaaaaaaaa': field 'date' must be a date such as 2006-05-01, not nothing"),
        ({"recorded_at": datetime(2026, 11, 22)}, "cannot write record 'r-aaaaaaaaaa': field 'recorded_at' has no UTC offset"),
        ({"retracts": "r-bbbbbbbbbb"}, "cannot write record 'r-aaaaaaaaaa': a retraction carries no 'value'"),
        ({"note": "\ud800"}, "cannot write record 'r-aaaaaaaaaa': its text holds characters that UTF-8 cannot encode"),
    ],
)
def test_invalid_records_are_refused_before_anything_is_written(tmp_path, fields, message):
    with pytest.raises(DataError) as caught:
        append_record(tmp_path, make(**{"id": "r-aaaaaaaaaa", **fields}))
    assert caught.value.message.startswith(message)
    assert not tmp_path.joinpath("progress.toml").exists()


def test_an_id_already_in_the_store_is_refused(tmp_path):
    append_record(tmp_path, make(id="r-aaaaaaaaaa"))
    before = progress_path(tmp_path).read_bytes()
    with pytest.raises(DataError) as caught:
        append_record(tmp_path, make(id="r-aaaaaaaaaa", note="again"))
    assert caught.value.message == (
        f"cannot write record 'r-aaaaaaaaaa': {progress_path(tmp_path)}:5 already has a record with that id"
    )
    assert progress_path(tmp_path).read_bytes() == before


# -- damage


@pytest.mark.parametrize("case", CASES, ids=[case["file"] for case in CASES])
def test_damage_is_reported_with_its_place(tmp_path, case):
    path = progress_path(tmp_path)
    path.write_bytes((DATA / case["file"]).read_bytes())
    expected = [problem.replace("{file}", str(path)) for problem in case["problems"]]
    with pytest.raises(DataError) as caught:
        read_records(tmp_path)
    assert caught.value.problems == expected
    count = f"{len(expected)} problem{'s' if len(expected) != 1 else ''}"
    assert caught.value.message == f"progress store {path} is damaged ({count}): {expected[0]}"
    assert caught.value.exit_code == 65


def test_there_are_enough_damage_fixtures():
    files = {path.name for path in DATA.glob("*.toml")} - {"cases.toml"}
    assert files == {case["file"] for case in CASES} and len(files) >= 12


@pytest.mark.parametrize("case", CASES, ids=[case["file"] for case in CASES])
def test_a_damaged_store_refuses_an_append_and_stays_byte_identical(tmp_path, case):
    path = progress_path(tmp_path)
    damaged = (DATA / case["file"]).read_bytes()
    path.write_bytes(damaged)
    with pytest.raises(DataError) as caught:
        append_record(tmp_path, make())
    assert caught.value.problems[0] == case["problems"][0].replace("{file}", str(path))
    assert path.read_bytes() == damaged
    assert not store.torn_path(tmp_path).exists()


def test_a_store_that_is_a_directory_cannot_be_read(tmp_path):
    progress_path(tmp_path).mkdir()
    with pytest.raises(MissingInputError) as caught:
        read_records(tmp_path)
    assert caught.value.message == f"progress store {progress_path(tmp_path)} is a directory, not a file."


# -- torn tails: what an interrupted write leaves


def torn_store(home: Path, cut: int) -> tuple[list[Record], bytes, bytes]:
    """A store of two records followed by the first `cut` bytes of a third record's line."""
    complete = [make(note="first"), make(note="second")]
    for record in complete:
        append_record(home, record)
    third = (record_line(make(note="第三条 unfinished")) + "\n").encode("utf-8")
    path = progress_path(home)
    whole = path.read_bytes()
    path.write_bytes(whole + third[:cut])
    return complete, whole, third[:cut]


@pytest.mark.parametrize("cut", [1, 20, 60, -2])
def test_a_torn_tail_is_ignored_by_readers_and_set_aside_by_the_next_write(tmp_path, cut):
    complete, whole, tail = torn_store(tmp_path, cut)
    contents = read_store(tmp_path)
    assert list(contents.records) == complete == read_records(tmp_path)
    assert contents.torn_tail == tail.decode("utf-8") and contents.torn_line == 7

    fourth = append_record(tmp_path, make(note="fourth"))
    assert store.torn_path(tmp_path).read_bytes() == tail + b"\n"
    assert progress_path(tmp_path).read_bytes() == whole + (record_line(fourth) + "\n").encode("utf-8")
    assert read_records(tmp_path) == [*complete, fourth] and fourth.line == 7
    assert read_store(tmp_path).torn_tail is None


def test_a_torn_tail_cut_inside_a_character_is_still_only_a_torn_tail(tmp_path):
    complete, whole, _ = torn_store(tmp_path, 0)
    line = record_line(make(note="山东")).encode("utf-8")
    tail = line[: line.index("山".encode()) + 1]  # one byte of a three-byte character
    progress_path(tmp_path).write_bytes(whole + tail)
    contents = read_store(tmp_path)
    assert list(contents.records) == complete and contents.torn_tail.endswith("\ufffd")
    append_record(tmp_path, make(note="next"))
    assert store.torn_path(tmp_path).read_bytes() == tail + b"\n"
    assert [record.note for record in read_records(tmp_path)] == ["first", "second", "next"]


def test_a_last_line_that_lacks_only_its_lf_is_complete(tmp_path):
    complete, whole, _ = torn_store(tmp_path, 0)
    last = make(note="last")
    crlf = whole.replace(b"\n", b"\r\n") + record_line(last).encode() + b"\r"
    progress_path(tmp_path).write_bytes(crlf)
    assert read_store(tmp_path) == store.StoreContents((*complete, last), schema_line=4)
    after = append_record(tmp_path, make(note="after"))
    assert progress_path(tmp_path).read_bytes() == crlf + b"\n" + record_line(after).encode() + b"\r\n"
    assert read_records(tmp_path) == [*complete, last, after]


def test_unfinished_lines_before_the_last_are_damage(tmp_path):
    _, whole, tail = torn_store(tmp_path, 30)
    progress_path(tmp_path).write_bytes(whole + tail + b"\n")
    with pytest.raises(DataError) as caught:
        read_records(tmp_path)
    assert caught.value.problems[0].startswith(f"{progress_path(tmp_path)}:7:")


# -- failed writes leave the store as it was


class Failures:
    """Makes the n-th call of an os function fail, as a full disk or a failing device would."""

    def __init__(self, monkeypatch, name: str, nth: int = 1, *, code: int = errno.ENOSPC, partial: bool = False):
        self.real = getattr(os, name)
        self.calls = 0
        self.name, self.nth, self.code, self.partial = name, nth, code, partial
        monkeypatch.setattr(os, name, self)

    def __call__(self, *args):
        self.calls += 1
        if self.calls == self.nth and self.partial:
            fd, data = args
            return self.real(fd, bytes(data)[: len(data) // 2])  # a short write; the next one fails
        if self.calls == self.nth + (1 if self.partial else 0):
            raise OSError(self.code, os.strerror(self.code))
        return self.real(*args)


@pytest.mark.parametrize(
    ("name", "nth", "partial"),
    [("write", 1, False), ("write", 1, True), ("fsync", 1, False)],
)
def test_a_failed_append_leaves_the_store_byte_identical(tmp_path, monkeypatch, name, nth, partial):
    append_record(tmp_path, make(note="first"))
    before = progress_path(tmp_path).read_bytes()
    failures = Failures(monkeypatch, name, nth, partial=partial)
    with pytest.raises(WriteError) as caught:
        append_record(tmp_path, make(note="lost"))
    assert failures.calls >= nth
    assert caught.value.message == (
        f"could not write to {progress_path(tmp_path)}: No space left on device; the store is unchanged"
    )
    assert caught.value.exit_code == 74
    assert progress_path(tmp_path).read_bytes() == before


def test_when_the_undo_fails_too_the_leftover_is_a_torn_tail(tmp_path, monkeypatch):
    append_record(tmp_path, make(note="first"))
    before = progress_path(tmp_path).read_bytes()
    Failures(monkeypatch, "write", 1, partial=True)
    Failures(monkeypatch, "ftruncate", 1, code=errno.EIO)
    with pytest.raises(WriteError) as caught:
        append_record(tmp_path, make(note="lost"))
    assert "cutting off the partial record failed too (Input/output error)" in caught.value.message
    monkeypatch.undo()
    assert read_store(tmp_path).torn_tail is not None
    assert [record.note for record in read_records(tmp_path)] == ["first"]
    append_record(tmp_path, make(note="second"))
    assert progress_path(tmp_path).read_bytes().startswith(before)
    assert [record.note for record in read_records(tmp_path)] == ["first", "second"]


@pytest.mark.parametrize(("name", "nth"), [("write", 1), ("fsync", 1), ("fsync", 2), ("replace", 1)])
def test_a_failed_first_write_leaves_no_store(tmp_path, monkeypatch, name, nth):
    home = tmp_path / "home"
    Failures(monkeypatch, name, nth)
    with pytest.raises(WriteError) as caught:
        append_record(home, make())
    assert caught.value.message == (
        f"could not create {progress_path(home)}: No space left on device; nothing was written"
    )
    monkeypatch.undo()
    assert sorted(path.name for path in home.iterdir()) == ["progress.toml.lock"]


@pytest.mark.parametrize(("name", "nth"), [("write", 1), ("fsync", 1), ("ftruncate", 1)])
def test_a_failed_set_aside_of_a_torn_tail_leaves_the_store_byte_identical(tmp_path, monkeypatch, name, nth):
    complete, whole, tail = torn_store(tmp_path, 25)
    Failures(monkeypatch, name, nth)
    with pytest.raises(WriteError):
        append_record(tmp_path, make(note="lost"))
    monkeypatch.undo()
    assert progress_path(tmp_path).read_bytes() == whole + tail
    assert read_records(tmp_path) == complete


def test_a_failed_fsync_after_cutting_a_torn_tail_keeps_the_records_and_the_copy(tmp_path, monkeypatch):
    complete, whole, tail = torn_store(tmp_path, 25)
    Failures(monkeypatch, "fsync", 2)  # the first fsync is the .torn copy's
    with pytest.raises(WriteError) as caught:
        append_record(tmp_path, make(note="lost"))
    assert f"a copy of the line is in {store.torn_path(tmp_path)}" in caught.value.message
    monkeypatch.undo()
    assert read_records(tmp_path) == complete
    assert store.torn_path(tmp_path).read_bytes() == tail + b"\n"


CHILD = textwrap.dedent(
    """
    import resource, sys
    from datetime import date, datetime, timezone
    from pathlib import Path
    from sdpolicy.errors import SdpolicyError
    from sdpolicy.store import Record, append_record

    home, limit = Path(sys.argv[1]), int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    record = Record(id="r-zzzzzzzzzz", kind="task", item="EGOV-08", date=date(2006, 5, 1),
                    recorded_at=datetime.now(timezone.utc), value=1, note="x" * 200)
    try:
        append_record(home, record)
    except SdpolicyError as exc:
        print(exc.message)
        sys.exit(exc.exit_code)
    """
)


def run_child(home: Path, limit: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(home), str(limit)], capture_output=True, text=True, env=env, timeout=60
    )


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_file_size_limit_hit_mid_write_leaves_the_store_byte_identical(tmp_path):
    append_record(tmp_path, make(note="first"))
    before = progress_path(tmp_path).read_bytes()
    result = run_child(tmp_path, len(before) + 40)  # room for part of the line, not all of it
    assert result.returncode == 74, result.stderr
    assert result.stdout.strip() == f"could not write to {progress_path(tmp_path)}: File too large; the store is unchanged"
    assert progress_path(tmp_path).read_bytes() == before


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_file_size_limit_on_the_first_write_leaves_no_store(tmp_path):
    result = run_child(tmp_path / "home", 100)
    assert result.returncode == 74, result.stderr
    assert not progress_path(tmp_path / "home").exists()
    assert not list((tmp_path / "home").glob(".progress.toml.tmp-*"))


# -- files around the store


def test_leftover_temporary_files_are_removed_by_the_next_write(tmp_path):
    append_record(tmp_path, make())
    leftovers = [tmp_path / ".progress.toml.tmp-123-abcd", tmp_path / ".progress.toml.tmp-456-ef01"]
    for leftover in leftovers:
        leftover.write_text("half a store", encoding="utf-8")
    unrelated = tmp_path / "notes.txt"
    unrelated.write_text("mine", encoding="utf-8")
    append_record(tmp_path, make())
    assert not any(leftover.exists() for leftover in leftovers) and unrelated.exists()


def test_the_file_mode_is_kept(tmp_path):
    append_record(tmp_path, make())
    progress_path(tmp_path).chmod(0o600)
    append_record(tmp_path, make())
    assert stat.S_IMODE(progress_path(tmp_path).stat().st_mode) == 0o600
    assert len(read_records(tmp_path)) == 2


def test_the_file_is_never_replaced_after_creation(tmp_path):
    append_record(tmp_path, make())
    inode = progress_path(tmp_path).stat().st_ino
    append_record(tmp_path, make())
    assert progress_path(tmp_path).stat().st_ino == inode


# -- the lock


def test_a_held_lock_times_out_quickly(tmp_path):
    tmp_path.mkdir(exist_ok=True)
    with FileLock(store.lock_path(tmp_path)):
        started = time.monotonic()
        with pytest.raises(LockTimeoutError) as caught:
            append_record(tmp_path, make(), lock_timeout=0.2)
        assert time.monotonic() - started < 2
    message = caught.value.message
    assert message == (
        f"another sdpolicy process is writing to {progress_path(tmp_path)}: its lock {store.lock_path(tmp_path)} "
        "was still held after waiting 0.2 s; try again when it has finished, or wait longer with "
        "SDPOLICY_LOCK_TIMEOUT=SECONDS. Deleting the lock file would not help: the lock belongs to a running "
        "process and is released when it exits."
    )
    assert caught.value.exit_code == 75
    assert not progress_path(tmp_path).exists()
    append_record(tmp_path, make(), lock_timeout=0.2)  # released: the same call now succeeds


def test_the_lock_timeout_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SDPOLICY_LOCK_TIMEOUT", "0.1")
    with FileLock(store.lock_path(tmp_path)):
        with pytest.raises(LockTimeoutError) as caught:
            append_record(tmp_path, make())
    assert "after waiting 0.1 s" in caught.value.message


@pytest.mark.parametrize("raw", ["soon", "-1", "nan"])
def test_a_bad_lock_timeout_is_a_usage_error(tmp_path, monkeypatch, raw):
    monkeypatch.setenv("SDPOLICY_LOCK_TIMEOUT", raw)
    with pytest.raises(UsageError):
        append_record(tmp_path, make())


def test_a_stale_lock_file_does_not_block(tmp_path):
    store.lock_path(tmp_path).write_text("", encoding="utf-8")  # left behind by a writer that was killed
    append_record(tmp_path, make(), lock_timeout=0)
    assert len(read_records(tmp_path)) == 1


WRITER = textwrap.dedent(
    """
    import sys
    from datetime import date, datetime, timezone
    from pathlib import Path
    from sdpolicy.store import Record, append_record, new_record_id

    home, who = Path(sys.argv[1]), sys.argv[2]
    for n in range(int(sys.argv[3])):
        append_record(home, Record(id=new_record_id(), kind="task", item="EGOV-08", date=date(2006, 5, 1),
                                   recorded_at=datetime.now(timezone.utc), value=n, by=who), lock_timeout=60)
    """
)


def test_concurrent_writers_lose_nothing(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), f"w{n}", "15"], env=env) for n in range(4)
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0, 0, 0]
    records = read_records(tmp_path)
    assert len(records) == 60 and len({record.id for record in records}) == 60
    for n in range(4):
        assert [record.value for record in records if record.by == f"w{n}"] == list(range(15))


# -- any record round-trips


@st.composite
def records(draw) -> Record:
    retraction = draw(st.booleans())
    value = state = retracts = None
    if retraction:
        retracts = draw(st.text(min_size=1).filter(str.strip))
    else:
        value = draw(
            st.none()
            | st.integers(min_value=0, max_value=10**12)
            | st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False)
        )
        state = draw(st.sampled_from(STATES) if value is None else st.none() | st.sampled_from(STATES))
    offset = timezone(timedelta(minutes=draw(st.integers(min_value=-14 * 60, max_value=14 * 60))))
    return Record(
        id="r-" + draw(st.text(alphabet=store._ID_ALPHABET, min_size=10, max_size=10)),
        kind=draw(st.sampled_from(("task", "indicator"))),
        item=draw(st.text(min_size=1).filter(str.strip)),
        date=draw(st.dates()),
        recorded_at=draw(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(9998, 1, 1), timezones=st.just(offset))),
        value=value,
        state=state,
        note=draw(st.text()),
        by=draw(st.text()),
        retracts=retracts,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=records())
def test_any_record_round_trips_through_the_store(record):
    with tempfile.TemporaryDirectory() as home:
        stored = append_record(Path(home), record)
        assert stored == record
        assert read_records(Path(home)) == [stored]
        assert read_records(Path(home))[0].line == stored.line
        assert "\n" not in record_line(record)


@pytest.mark.parametrize("node", [None, "送审稿"], ids=["read back fast", "read back by tomllib"])
def test_a_line_that_would_not_read_back_as_the_record_is_never_written(monkeypatch, node):
    # record_line reads its line back, through the store's fast reader where that reader takes the
    # line and through tomllib where it does not (a record with a node). Either way a line that says
    # another thing than the record is refused. Here the figure 5 is made to come out as 6.
    from sdpolicy import storeformat

    real = storeformat._toml_value
    monkeypatch.setattr(storeformat, "_toml_value", lambda value: "6" if value == 5 else real(value))
    record = Record("r-0123456789", "task", "IND-01", date(2006, 9, 30), datetime(2006, 9, 30, 8, tzinfo=timezone.utc),
                    5, None, "", "", None, node, "", "", "", 0)
    with pytest.raises(DataError, match="cannot write record 'r-0123456789': it would not read back as written"):
        storeformat.record_line(record)
    # Written as it should be, the same record reads back equal (the fast reader declines a node).
    monkeypatch.setattr(storeformat, "_toml_value", real)
    line = storeformat.record_line(record)
    assert (storeformat._canonical(line, 0, {}, {}) is None) == (node is not None)
