"""The plan built in a child process beside the reading of the store (catalogue.plan_beside) is the
plan built in turn, reaches the cache, and every failure reads as it does without the child.

The child is forced here (a threshold of 0 bytes, two processors); which path a real run takes
depends on the sizes and the processors, never on what it answers. Nothing here times anything.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sdpolicy import catalogue, store
from sdpolicy.catalogue import plan_beside, plan_of, read_catalogue, shipped_catalogue
from sdpolicy.errors import DataError
from sdpolicy.store import Record, append_record, new_record_id


@pytest.fixture
def child(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """plan_beside always forks; the list gets the id of each child forked."""
    forked: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(catalogue, "_BESIDE", 0)
    monkeypatch.setattr(catalogue, "_processors", lambda: 2)
    monkeypatch.setattr(catalogue.os, "fork", fork)
    return forked


def _boom(*args: object) -> None:
    raise AssertionError("not to be called")


def test_the_plan_from_the_child_is_the_plan_built_in_turn_and_is_cached(sdpolicy_home, child, monkeypatch):
    read = read_catalogue(shipped_catalogue())
    plan, result = plan_beside(read, lambda: "worked", 1)
    assert len(child) == 1 and result == "worked"
    assert plan == catalogue._built(read)
    # The child wrote the cache entry: the next plan_of builds nothing.
    monkeypatch.setattr(catalogue, "_built", _boom)
    assert plan_of(read) == plan
    # And with the plan cached, no child is forked.
    assert plan_beside(read, lambda: 1, 1) == (plan, 1) and len(child) == 1


def test_one_processor_or_small_files_build_the_plan_here(sdpolicy_home, monkeypatch):
    read = read_catalogue(shipped_catalogue())
    monkeypatch.setattr(catalogue.os, "fork", _boom)
    monkeypatch.setattr(catalogue, "_BESIDE", 0)
    monkeypatch.setattr(catalogue, "_processors", lambda: 1)
    assert plan_beside(read, lambda: 2, 10**9)[1] == 2
    # Two processors, but the work's input (1 byte) is under the threshold.
    monkeypatch.setattr(catalogue, "_BESIDE", 1 << 20)
    monkeypatch.setattr(catalogue, "_processors", lambda: 2)
    monkeypatch.setenv("SDPOLICY_CACHE", os.environ["SDPOLICY_CACHE"] + "-other")  # empty: the plan is built
    assert plan_beside(read, lambda: 3, 1)[1] == 3
    # Two processors, a large catalogue (the threshold lowered to 0), but inputs over the most that
    # two processes may hold at once: 256 MiB of work input alone, with the catalogue, passes it.
    monkeypatch.setattr(catalogue, "_BESIDE", 0)
    monkeypatch.setenv("SDPOLICY_CACHE", os.environ["SDPOLICY_CACHE"] + "-third")
    assert plan_beside(read, lambda: 4, 256 << 20)[1] == 4


def test_a_child_that_fails_leaves_the_plan_to_be_built_here(sdpolicy_home, child, monkeypatch):
    # The child exits at once with status 1 (as on any exception): the plan is built in this process.
    monkeypatch.setattr(catalogue, "_build_for_parent", lambda read, spool: os._exit(1))
    read = read_catalogue(shipped_catalogue())
    plan, _ = plan_beside(read, lambda: None, 1)
    assert len(child) == 1 and plan == catalogue._built(read)


def _bad_catalogue(tmp_path: Path) -> Path:
    # The shipped catalogue with the plan's year written as text: one problem, in the catalogue's words.
    bad = tmp_path / "bad"
    shutil.copytree(shipped_catalogue(), bad)
    plan = bad / "plan.toml"
    text = plan.read_text(encoding="utf-8")
    assert text.count("\nyear = 2006\n") == 1
    plan.write_text(text.replace("\nyear = 2006\n", '\nyear = "2006"\n'), encoding="utf-8")
    return bad


def test_an_invalid_catalogue_is_reported_as_without_the_child_and_before_the_work(sdpolicy_home, tmp_path, child):
    read = read_catalogue(_bad_catalogue(tmp_path))
    with pytest.raises(DataError) as serial:
        plan_of(read)
    assert "field 'year' must be a whole number" in serial.value.message

    def damaged_store() -> None:
        raise DataError("progress store is damaged")

    # The work fails too: the catalogue's problem is the one reported, as when the plan comes first.
    with pytest.raises(DataError) as beside:
        plan_beside(read, damaged_store, 1)
    assert (beside.value.message, beside.value.problems) == (serial.value.message, serial.value.problems)
    assert len(child) == 1


def test_a_damaged_store_is_reported_after_a_valid_plan_is_built(sdpolicy_home, child, cli):
    home = sdpolicy_home
    home.mkdir(parents=True)
    store.progress_path(home).write_text("schema = 1\n[table]\n", encoding="utf-8")
    result = cli("status", "--as-of", "2006-06-30")
    assert result.exit_code != 0 and len(child) == 1
    # Line 2 column 1 holds the table header.
    assert f"{store.progress_path(home)}:2:1: a table header has no place in the progress store" in result.stderr


def test_a_status_with_the_plan_built_beside_prints_what_it_prints_without(sdpolicy_home, child, cli, tmp_path, monkeypatch):
    from datetime import date, datetime, timezone

    for value in (3, 5):
        append_record(sdpolicy_home, Record(new_record_id(), "task", "IND-01", date(2006, 5, value), datetime.now(timezone.utc), value=value))
    beside = cli("status", "--as-of", "2006-06-30")
    assert beside.exit_code == 0 and len(child) == 1
    monkeypatch.setenv("SDPOLICY_CACHE", str(tmp_path / "another-cache"))
    monkeypatch.setattr(catalogue, "_processors", lambda: 1)
    alone = cli("status", "--as-of", "2006-06-30")
    assert len(child) == 1 and (alone.exit_code, alone.stdout, alone.stderr) == (0, beside.stdout, beside.stderr)


def test_the_store_prefix_is_cached_once_the_plan_is_back(sdpolicy_home, child, monkeypatch):
    # Sources.open examines the store beside the child without caching its prefix (the two
    # processes' peak), then caches it once plan_beside returns, so that the next read parses only
    # what follows it.
    from datetime import date, datetime, timezone

    from sdpolicy import cache
    from sdpolicy.workspace import read_sources

    for value in (3, 5):
        append_record(sdpolicy_home, Record(new_record_id(), "task", "IND-01", date(2006, 5, value), datetime.now(timezone.utc), value=value))
    entry = cache.directory() / store._prefix_entry(store.progress_path(sdpolicy_home))
    held = store.examined(store.unexamined_snapshot(sdpolicy_home), keep=False)
    assert not entry.exists()
    held.keep_prefix()
    assert entry.exists()
    entry.unlink()
    seen: list[bool] = []
    real_beside = catalogue.plan_beside

    def beside(*args, **kwargs):
        found = real_beside(*args, **kwargs)
        seen.append(entry.exists())  # when the plan is back: not yet cached
        return found

    monkeypatch.setattr("sdpolicy.workspace.plan_beside", beside)
    read_sources(None, sdpolicy_home).open()
    assert seen == [False] and len(child) == 1
    assert entry.exists() and store.read_snapshot(sdpolicy_home).prefix is not None
