"""`mark` on a large workspace: the plan of the one item it records (workspace._ItemIndex) and one read
of the store under the lock. What it prints and writes must be what a mark with the whole plan and a
second read prints and writes.

Nothing here times anything: timings live in benchmarks/.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sdpolicy import progress, store  # store before storelog, which it loads
import sdpolicy.storelog
import sdpolicy.workspace
from sdpolicy.catalogue import load_catalogue, shipped_catalogue
from sdpolicy.cli import app
from sdpolicy.errors import DataError
from sdpolicy.store import Record, append_record, new_record_id
from sdpolicy.workspace import item_groups, read_sources

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
SHIPPED = load_catalogue(shipped_catalogue())


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A catalogue of 300 tasks from the benchmark's generator: three tasks share the figure of one
    indicator (county-portal-share), which the shipped plan never has."""
    out = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, str(BENCHMARKS / "generate.py"), "--tasks", "300", "--updates", "10", "--out", str(out)],
                   check=True, capture_output=True)
    return out / "catalogue.toml"


def narrowed(plan, kind: str, item: str):
    tasks, indicators = item_groups(plan)[(kind, item)]
    return dataclasses.replace(plan, tasks=tasks, indicators=indicators)


def every_item(plan) -> list[tuple[str, str]]:
    return [("task", t.id) for t in plan.tasks] + [("indicator", i.id) for i in plan.indicators]


def test_three_tasks_share_one_indicator_in_the_generated_plan(generated):
    # What the groups must get right: the indicator's figures join each task's history, and the
    # last task's figures join the indicator's (shared_figures maps the indicator to the last).
    plan = load_catalogue(generated)
    sharing = [k[1] for k, v in progress.shared_figures(plan).items() if v == ("indicator", "county-portal-share")]
    assert len(sharing) == 3
    tasks, indicators = item_groups(plan)[("indicator", "county-portal-share")]
    assert [t.id for t in tasks] == sharing[-1:] and [i.id for i in indicators] == ["county-portal-share"]
    # The first of the three: itself, the indicator, and the last of the three, in catalogue order;
    # without the last, the group would pair the indicator with the first.
    tasks, indicators = item_groups(plan)[("task", sharing[0])]
    assert [t.id for t in tasks] == [sharing[0], sharing[-1]] and [i.id for i in indicators] == ["county-portal-share"]


@pytest.mark.parametrize("which", ["shipped", "generated"])
def test_each_group_pairs_its_item_as_the_whole_plan_does(which, generated):
    plan = SHIPPED if which == "shipped" else load_catalogue(generated)
    whole = progress.shared_figures(plan)
    for kind, item in every_item(plan):
        sub = narrowed(plan, kind, item)
        assert progress.shared_figures(sub).get((kind, item)) == whole.get((kind, item)), item
        # Every pair the group makes is one the whole plan makes (an indicator's figures join the
        # history of the same task).
        assert all(whole.get(key) == other for key, other in progress.shared_figures(sub).items()), item
        assert progress.with_partners(sub, kind, [item]) == progress.with_partners(plan, kind, [item])


DAYS = [date(2006, 3, 1), date(2006, 6, 30), date(2006, 9, 1)]
AT = datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_warnings_and_history_of_an_item_are_those_the_whole_plan_gives(data, generated):
    plan = load_catalogue(generated)
    sharing = [k for k, v in progress.shared_figures(plan).items() if v == ("indicator", "county-portal-share")]
    # The items whose records bear on each other, and two that share nothing.
    items = [*sharing, ("indicator", "county-portal-share"), ("task", plan.tasks[0].id), ("task", plan.tasks[1].id)]
    records = [
        Record(new_record_id(), kind, item, data.draw(st.sampled_from(DAYS)), AT,
               value=data.draw(st.sampled_from([0.0, 5.0, 40.0, 90.0, 300.0])), line=n + 2)
        for n, (kind, item) in enumerate(data.draw(st.lists(st.sampled_from(items), max_size=8)))
    ]
    value = data.draw(st.sampled_from([1.0, 50.0, 95.5, 1000.0]))
    for kind, item in items:
        new = Record(new_record_id(), kind, item, data.draw(st.sampled_from(DAYS)), AT, value=value)
        sub = narrowed(plan, kind, item)
        assert progress.implausible(sub, new, records) == progress.implausible(plan, new, records)
        for day in DAYS:
            assert progress.history(records, kind, item, day, sub) == progress.history(records, kind, item, day, plan)


def _boom(*args, **kwargs):
    raise RuntimeError("not to be called")


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_a_second_mark_uses_the_index_and_says_what_the_whole_plan_says(sdpolicy_home, generated, monkeypatch, tmp_path):
    monkeypatch.setenv("SDPOLICY_CATALOGUE", str(generated))
    plan = load_catalogue(generated)
    task = next(k[1] for k, v in progress.shared_figures(plan).items() if v == ("indicator", "county-portal-share"))
    first = run("mark", task, "--value", "80", "--date", "2006-06-30")
    assert first.exit_code == 0, first.stderr
    # The index is cached now: the plan is not built again, and the warning (20 % is below the
    # indicator's 2005 share) is the one a mark without a cache gives.
    with monkeypatch.context() as patched:
        patched.setattr(sdpolicy.workspace, "plan_beside", _boom)
        second = run("mark", task.lower(), "--value", "20", "--date", "2006-07-01")
    assert second.exit_code == 0, second.stderr
    monkeypatch.setenv("SDPOLICY_CACHE", str(tmp_path / "no-cache-yet"))
    store.progress_path(sdpolicy_home).write_text(
        store.progress_path(sdpolicy_home).read_text(encoding="utf-8").rsplit("\n", 2)[0] + "\n", encoding="utf-8"
    )
    whole = run("mark", task.lower(), "--value", "20", "--date", "2006-07-01")
    assert whole.exit_code == 0
    # Everything but the new record's id.
    def without_id(result):
        new = result.stdout.split()[1].rstrip(":")
        return result.stdout.replace(new, "ID"), result.stderr.replace(new, "ID")

    assert without_id(second) == without_id(whole)
    assert second.stderr.startswith("Warning")


def test_an_id_the_catalogue_lacks_is_refused_in_the_words_of_the_whole_plan(sdpolicy_home):
    assert run("mark", "IND-01", "--value", "1", "--date", "2006-06-30").exit_code == 0  # caches the index
    refused = run("mark", "IND-99", "--value", "1", "--date", "2006-06-30")
    assert refused.exit_code != 0 and "unknown task or indicator 'IND-99'" in refused.stderr


def test_a_store_naming_an_item_the_catalogue_lacks_still_refuses_the_mark(sdpolicy_home):
    assert run("mark", "IND-01", "--value", "1", "--date", "2006-06-30").exit_code == 0
    path = store.progress_path(sdpolicy_home)
    with path.open("a", encoding="utf-8") as out:
        out.write('r-zzzzzzzzz9 = { task = "GONE-01", value = 1, date = 2006-03-01, recorded_at = 2026-11-01T08:00:00Z }\n')
    before = path.read_bytes()
    refused = run("mark", "IND-01", "--value", "2", "--date", "2006-06-30")
    assert refused.exit_code != 0 and "GONE-01" in refused.stderr
    assert path.read_bytes() == before


def test_a_renamed_id_is_marked_as_the_id_standing_for_it(sdpolicy_home):
    assert SHIPPED.renamed.get("IND-03") == "IND-02"
    assert run("mark", "IND-01", "--value", "1", "--date", "2006-06-30").exit_code == 0
    result = run("mark", "ind-03", "--state", "in-progress", "--date", "2006-06-30")
    assert result.exit_code == 0, result.stderr
    assert store.read_records(sdpolicy_home)[-1].item == "IND-02"


def test_mark_reads_the_store_once_under_the_lock(sdpolicy_home, monkeypatch):
    assert run("mark", "IND-01", "--value", "1", "--date", "2006-06-30").exit_code == 0
    reads = []
    real = sdpolicy.storelog._read_all
    monkeypatch.setattr(sdpolicy.storelog, "_read_all", lambda fd: reads.append(fd) or real(fd))
    assert run("mark", "IND-01", "--value", "2", "--date", "2006-06-30").exit_code == 0
    assert reads == []
    assert [r.value for r in store.read_records(sdpolicy_home)] == [1, 2]


def test_a_store_changed_under_the_lock_by_hand_is_read_again(sdpolicy_home):
    # Something other than sdpolicy (an editor ignores the lock) appends a line between the read and
    # the write: the size differs, so the write reads the file again and checks that line, which
    # here is broken, so nothing is written.
    append_record(sdpolicy_home, Record(new_record_id(), "task", "IND-01", date(2006, 3, 1), AT, value=1))
    path = store.progress_path(sdpolicy_home)
    with store.workspace_lock(sdpolicy_home):
        read = read_sources(None, sdpolicy_home)._replace(about="IND-01").open()
        with path.open("a", encoding="utf-8") as out:
            out.write("this is not a record\n")
        before = path.read_bytes()
        with pytest.raises(DataError, match="damaged"):
            append_record(sdpolicy_home, Record(new_record_id(), "task", "IND-01", date(2006, 3, 2), AT, value=2),
                          read=read.snapshot, read_held=True)
    assert path.read_bytes() == before


def test_a_snapshot_read_outside_the_lock_is_read_again(sdpolicy_home, monkeypatch):
    append_record(sdpolicy_home, Record(new_record_id(), "task", "IND-01", date(2006, 3, 1), AT, value=1))
    read = store.read_snapshot(sdpolicy_home)
    reads = []
    real = sdpolicy.storelog._read_all
    monkeypatch.setattr(sdpolicy.storelog, "_read_all", lambda fd: reads.append(fd) or real(fd))
    # read_held is a claim the lock can check: not held now, so the store is read under it.
    append_record(sdpolicy_home, Record(new_record_id(), "task", "IND-01", date(2006, 3, 2), AT, value=2),
                  read=read, read_held=True)
    assert len(reads) == 1


def test_a_workspace_for_one_item_makes_nothing_about_the_whole_plan(sdpolicy_home):
    assert run("mark", "IND-01", "--value", "1", "--date", "2006-06-30").exit_code == 0
    opened = read_sources(None, sdpolicy_home)._replace(about="IND-01").open()
    assert [t.id for t in opened.plan.tasks] == ["IND-01"]
    with pytest.raises(RuntimeError):
        opened.task_lights(date(2006, 6, 30))


def test_an_entry_of_parts_gives_back_its_value_and_checks_each_part_on_its_own(sdpolicy_home):
    from sdpolicy import cache

    key = cache.key("test-parts")
    parts = [b"first", b"", b"\x80third part, longer"]
    cache.write_parts("test-parts", key, (1, "two"), parts)
    value, found = cache.read_parts("test-parts", key)
    assert value == (1, "two") and len(found) == 3 and [found[n] for n in range(3)] == parts
    assert cache.read_parts("test-parts", cache.key("another key")) is None
    path = cache.directory() / "test-parts"
    data = path.read_bytes()
    # One byte of the last part changed: that part fails its own checksum, the others still read.
    path.write_bytes(data[:-1] + b"X")
    value, found = cache.read_parts("test-parts", key)
    assert [found[0], found[1], found[2]] == [b"first", b"", None]
    # A byte of the value changed: nothing is read.
    at = data.index(b"two")
    path.write_bytes(data[:at] + b"tw0" + data[at + 3 :])
    assert cache.read_parts("test-parts", key) is None
    # Cut short inside the first part: it cannot be read whole, and the last finds nothing to read.
    path.write_bytes(data[: data.index(b"first") + 3])
    value, found = cache.read_parts("test-parts", key)
    assert [found[0], found[1], found[2]] == [None, b"", None]


def test_an_index_with_a_damaged_bucket_is_not_used_for_its_items(sdpolicy_home):
    from sdpolicy import cache
    from sdpolicy.catalogue import read_catalogue
    from sdpolicy.workspace import _bucket, _index_entry, _ItemIndex, _read_index, read_sources

    assert run("mark", "IND-01", "--value", "1", "--date", "2006-06-30").exit_code == 0
    catalogue = read_catalogue(None)
    index = _read_index(catalogue)
    assert isinstance(index, _ItemIndex) and index.group("task", "IND-01")[0][0].id == "IND-01"
    # The bucket holding IND-01 damaged where it lies in the entry (its last byte, a pickle's STOP):
    # the index does not give IND-01's group, and mark builds the whole plan (and a sound index) again.
    number = _bucket(("task", "IND-01"), len(index.buckets))
    offset, expected = index.buckets._places[number]
    path = cache.directory() / _index_entry(catalogue)[0]
    data = bytearray(path.read_bytes())
    data[offset + int.from_bytes(expected[:8], "little") - 1] ^= 0xFF
    path.write_bytes(bytes(data))
    assert _read_index(catalogue).group("task", "IND-01") is None
    assert read_sources(None, sdpolicy_home)._replace(about="IND-01")._narrowed() is None
    assert run("mark", "IND-01", "--value", "2", "--date", "2006-06-30").exit_code == 0
    assert _read_index(catalogue).group("task", "IND-01")[0][0].id == "IND-01"
