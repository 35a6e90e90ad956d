"""append_records: many records under one lock with one write, all of them or none."""

from __future__ import annotations

import os
from datetime import date, datetime, timezone
from pathlib import Path
from unittest import mock

import pytest

from sdpolicy import store, storelog
from sdpolicy.errors import DataError, WriteError
from sdpolicy.store import Record, append_record, append_records, new_record_id, progress_path, read_records

WHEN = datetime(2006, 6, 30, 8, 0, tzinfo=timezone.utc)


def make(**fields) -> Record:
    defaults = dict(id=new_record_id(), kind="task", item="EGOV-08", date=date(2006, 5, 1), recorded_at=WHEN, value=120)
    return Record(**{**defaults, **fields})


def test_a_batch_on_a_new_store_gets_consecutive_lines(tmp_path):
    batch = [make(item="IND-01"), make(item="IND-02", value=None, state="done"), make(item="IND-03", note="一")]
    stored = append_records(tmp_path, batch)
    # The header is three comment lines and the schema line; the records follow from line 5.
    assert [r.line for r in stored] == [5, 6, 7]
    assert read_records(tmp_path) == stored


def test_a_batch_after_existing_records_continues_their_numbering(tmp_path):
    append_record(tmp_path, make())
    stored = append_records(tmp_path, [make(), make()])
    assert [r.line for r in stored] == [6, 7]
    assert len(read_records(tmp_path)) == 3


def test_one_bad_record_refuses_the_whole_batch(tmp_path):
    append_record(tmp_path, make())
    before = progress_path(tmp_path).read_bytes()
    with pytest.raises(DataError) as caught:
        append_records(tmp_path, [make(), make(item=" ")])
    assert "field 'task' is empty" in caught.value.message
    assert progress_path(tmp_path).read_bytes() == before


def test_an_id_already_in_the_store_refuses_the_whole_batch(tmp_path):
    (old,) = [append_record(tmp_path, make())]
    before = progress_path(tmp_path).read_bytes()
    with pytest.raises(DataError) as caught:
        append_records(tmp_path, [make(), make(id=old.id)])
    assert caught.value.message == (
        f"cannot write record '{old.id}': {progress_path(tmp_path)}:5 already has a record with that id"
    )
    assert progress_path(tmp_path).read_bytes() == before


def test_the_same_id_twice_in_a_batch_is_refused(tmp_path):
    twin = make()
    with pytest.raises(DataError):
        append_records(tmp_path, [twin, twin])
    assert not progress_path(tmp_path).exists()


def test_records_chosen_under_the_lock_see_the_store_as_it_is_then(tmp_path):
    append_record(tmp_path, make())
    seen = []

    def choose(snapshot: store.Snapshot) -> list[Record]:
        seen.append(len(snapshot.records()))
        # A second writer must wait: the lock is held while the records are chosen.
        with pytest.raises(Exception) as waited:
            append_record(tmp_path, make(), lock_timeout=0)
        assert type(waited.value).__name__ == "LockTimeoutError"
        return [make(note="chosen")]

    (stored,) = append_records(tmp_path, choose)
    assert seen == [1]
    assert stored.note == "chosen" and len(read_records(tmp_path)) == 2


def test_what_the_choice_raises_aborts_the_write(tmp_path):
    def choose(snapshot: store.Snapshot) -> list[Record]:
        raise DataError("changed meanwhile")

    with pytest.raises(DataError, match="changed meanwhile"):
        append_records(tmp_path, choose)
    assert not progress_path(tmp_path).exists()


def test_a_batch_is_one_write_and_one_fsync(tmp_path):
    append_record(tmp_path, make())
    writes, syncs = [], []
    real_write, real_fsync = os.write, os.fsync
    with mock.patch.object(storelog.os, "write", side_effect=lambda fd, data: writes.append(len(data)) or real_write(fd, data)), \
         mock.patch.object(storelog.os, "fsync", side_effect=lambda fd: syncs.append(fd) or real_fsync(fd)):
        append_records(tmp_path, [make() for _ in range(200)])
    assert len(writes) == 1 and len(syncs) == 1
    assert len(read_records(tmp_path)) == 201


def test_a_failed_write_leaves_none_of_the_batch(tmp_path):
    append_record(tmp_path, make())
    before = progress_path(tmp_path).read_bytes()
    real_write = os.write

    def half(fd: int, data: bytes) -> int:
        # Half the batch reaches the file, then the disk is full.
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(28, "No space left on device")

    with mock.patch.object(storelog.os, "write", side_effect=half), pytest.raises(WriteError):
        append_records(tmp_path, [make() for _ in range(50)])
    assert progress_path(tmp_path).read_bytes() == before


def test_the_check_runs_under_the_lock_and_can_abort(tmp_path):
    append_record(tmp_path, make())
    seen = []

    def check(snapshot: store.Snapshot) -> None:
        seen.append(len(snapshot.records()))
        raise DataError("changed meanwhile")

    with pytest.raises(DataError, match="changed meanwhile"):
        append_records(tmp_path, [make()], check=check)
    assert seen == [1]
    assert len(read_records(tmp_path)) == 1
