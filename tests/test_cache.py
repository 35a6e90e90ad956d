"""The cache never gives a stale answer, ignores what is corrupt, and is never needed; the fast reader
of store lines reads exactly what tomllib reads.

Nothing here times anything: timings live in benchmarks/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sdpolicy import cache, store
from sdpolicy.catalogue import load_catalogue, shipped_catalogue
from sdpolicy.cli import app
from sdpolicy.errors import DataError
from sdpolicy.store import Record, append_record, new_record_id, parse_records, progress_path, read_records, record_line

WHEN = datetime(2026, 11, 22, 7, 37, 15, 123456, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SDPOLICY_CACHE", str(folder))
    return folder


def make(**fields) -> Record:
    defaults = dict(id=new_record_id(), kind="task", item="IND-01", date=date(2006, 5, 1), recorded_at=WHEN, value=120)
    return Record(**{**defaults, **fields})


def write_store(home: Path, records: list[Record], extra: str = "") -> Path:
    """A store written in one go, as the benchmark generator does."""
    home.mkdir(parents=True, exist_ok=True)
    path = progress_path(home)
    lines = "".join(record_line(r) + "\n" for r in records)
    path.write_text(store.HEADER + "schema = 1\n" + lines + extra, encoding="utf-8")
    return path


def edit_in_place(path: Path, old: str, new: str) -> None:
    """Replace text by text of the same length and put the mtime back: only the content tells."""
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1 and len(old.encode()) == len(new.encode())
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns


def entries(folder: Path, kind: str) -> list[Path]:
    return sorted(p for p in folder.glob(f"{kind}-*"))


def uncached(function, *args):
    """What `function` gives with an empty cache directory: the answer a cache must never contradict."""
    saved = os.environ["SDPOLICY_CACHE"]
    os.environ["SDPOLICY_CACHE"] = saved + "-empty-" + new_record_id()
    try:
        return function(*args)
    finally:
        os.environ["SDPOLICY_CACHE"] = saved


def error_of(function, *args) -> tuple[str, list[str]]:
    with pytest.raises(DataError) as caught:
        function(*args)
    return caught.value.message, caught.value.problems


# -- the catalogue


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    folder = tmp_path / "catalogue"
    shutil.copytree(shipped_catalogue(), folder)
    return folder


def test_a_cached_plan_equals_a_parsed_one(catalogue, cache_dir):
    first = load_catalogue(catalogue)
    assert len(entries(cache_dir, "catalogue")) == 1
    again = load_catalogue(catalogue)
    assert again == first == uncached(load_catalogue, catalogue)
    assert again.tasks_by_id["IND-01"] == first.tasks_by_id["IND-01"] and again.path == str(catalogue)


def test_a_hand_edited_catalogue_is_seen_at_once(catalogue):
    load_catalogue(catalogue)
    plan_file = catalogue / "plan.toml"
    edit_in_place(plan_file, 'title_zh = "继续推进200家', 'title_zh = "继续推进300家')
    assert load_catalogue(catalogue).tasks_by_id["IND-01"].title_zh.startswith("继续推进300家")


def test_a_catalogue_made_invalid_by_hand_is_refused_although_its_plan_is_cached(catalogue):
    load_catalogue(catalogue)
    edit_in_place(catalogue / "plan.toml", 'id = "IND-02"\narea = "industry"', 'id = "IND-02"\narea = "industri"')
    assert error_of(load_catalogue, catalogue) == uncached(error_of, load_catalogue, catalogue)


def test_the_same_catalogue_under_another_name_keeps_its_own_name(catalogue, tmp_path):
    load_catalogue(catalogue)
    other = tmp_path / "other"
    shutil.copytree(catalogue, other)
    assert load_catalogue(other).path == str(other)


# -- the store


def test_a_hand_edit_inside_the_cached_part_of_the_store_is_seen_at_once(tmp_path):
    home = tmp_path / "home"
    records = [make(value=100 + n) for n in range(5)]
    path = write_store(home, records)
    assert [r.value for r in read_records(home)] == [100, 101, 102, 103, 104]
    edit_in_place(path, "value = 102", "value = 109")
    assert [r.value for r in read_records(home)] == [100, 101, 109, 103, 104]


def test_lines_added_by_hand_after_the_cached_part_are_read(tmp_path):
    home = tmp_path / "home"
    path = write_store(home, [make(value=1), make(value=2)])
    read_records(home)
    with path.open("a", encoding="utf-8") as out:
        out.write(record_line(make(value=3)) + "\n")
    assert [r.value for r in read_records(home)] == [1, 2, 3]
    assert read_records(home) == uncached(read_records, home)


def test_a_store_cut_short_by_hand_is_read_as_it_now_is(tmp_path):
    home = tmp_path / "home"
    path = write_store(home, [make(value=n) for n in range(4)])
    read_records(home)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.rindex("\n", 0, text.index("value = 2")) + 1], encoding="utf-8")
    assert [r.value for r in read_records(home)] == [0, 1]


@pytest.mark.parametrize(
    "damage",
    [
        "duplicate",
        'r-zzzzzzzzzz = { task = "IND-01", value = -1, date = 2006-05-01, recorded_at = 2026-11-22T07:37:15Z }',
        'r-zzzzzzzzzz = { task = "IND-01", value = 1, date = 2006-05-01 }',
        "r-zzzzzzzzzz = { task = ",
        "schema = 1",
        "[records]",
        "<<<<<<< HEAD",
    ],
)
def test_damage_after_the_cached_part_reads_as_an_uncached_parse_words_it(tmp_path, damage):
    home = tmp_path / "home"
    records = [make(value=n) for n in range(3)]
    path = write_store(home, records)
    read_records(home)
    line = record_line(records[1]) if damage == "duplicate" else damage
    with path.open("a", encoding="utf-8") as out:
        out.write(line + "\n" + record_line(make(value=9)) + "\n")
    assert error_of(read_records, home) == uncached(error_of, read_records, home)


def test_a_long_run_of_lines_after_the_cached_part_still_finds_a_duplicate(tmp_path):
    home = tmp_path / "home"
    records = [make(value=n) for n in range(3)]
    path = write_store(home, records)
    read_records(home)
    with path.open("a", encoding="utf-8") as out:
        out.write("".join(record_line(make(value=n)) + "\n" for n in range(40)) + record_line(records[0]) + "\n")
    message, problems = error_of(read_records, home)
    assert "is already used on line 5" in message or "identical on line 5" in message
    assert (message, problems) == uncached(error_of, read_records, home)


def test_an_id_holding_a_line_feed_is_read_though_its_store_is_not_cached(tmp_path, cache_dir):
    home = tmp_path / "home"
    odd = record_line(make(id="r-aaaaaaaaaa", value=2)).replace("r-aaaaaaaaaa", '"r-odd\\nodd"', 1)
    write_store(home, [make(value=1)], extra=odd + "\n")
    assert [r.id for r in read_records(home)][1] == "r-odd\nodd"
    assert not entries(cache_dir, "store-prefix")
    assert [r.value for r in read_records(home)] == [1, 2]


def test_a_write_refuses_an_id_already_in_the_cached_part(tmp_path):
    home = tmp_path / "home"
    taken = make(value=1)
    write_store(home, [make(value=0), taken, make(value=2)])
    read_records(home)
    message, _ = error_of(append_record, home, make(id=taken.id, value=5))
    assert message == f"cannot write record '{taken.id}': {progress_path(home)}:6 already has a record with that id"


def test_a_write_trusts_an_earlier_read_only_while_the_file_still_begins_as_it_read(tmp_path):
    home = tmp_path / "home"
    first, second = make(value=1), make(value=2)
    path = write_store(home, [first, second])
    read_records(home)
    seen = store.read_snapshot(home)
    assert seen.prefix is not None  # it began with the cached prefix, whose digest it has computed
    # Another writer appends: the earlier read still describes the start of the file.
    append_record(home, make(value=3))
    assert append_record(home, make(value=4), read=seen).line == 8
    # A hand edit inside what was read: the earlier read must not vouch for the new bytes.
    late = make(value=5)
    edit_in_place(path, second.id, late.id)
    message, _ = error_of(lambda: append_record(home, late, read=seen))
    assert message == f"cannot write record '{late.id}': {path}:6 already has a record with that id"
    assert [r.value for r in read_records(home)] == [1, 2, 3, 4]


def test_a_write_parses_only_what_follows_the_cached_part(tmp_path, monkeypatch):
    home = tmp_path / "home"
    write_store(home, [make(value=n) for n in range(50)])
    read_records(home)
    parsed: list[str] = []
    real = store._parse

    def spy(text, path, prefix=None):
        parsed.append(text)
        return real(text, path, prefix)

    monkeypatch.setattr(store, "_parse", spy)
    stored = append_record(home, make(value=50))
    assert parsed == [""]  # the file ends with a line feed: nothing follows the cached part
    assert stored.line == 55
    monkeypatch.undo()
    assert [r.value for r in read_records(home)] == list(range(51))


def test_a_cached_part_is_extended_as_the_store_grows(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "_REFRESH", 2)
    home = tmp_path / "home"
    path = write_store(home, [make(value=n) for n in range(3)])
    read_records(home)
    for n in range(3, 8):
        append_record(home, make(value=n))
    assert [r.value for r in read_records(home)] == list(range(8))
    assert [r.value for r in store.read_snapshot(home).records()] == list(range(8))
    edit_in_place(path, "value = 1,", "value = 7,")
    assert [r.value for r in read_records(home)] == [0, 7, *range(2, 8)]


def test_a_torn_tail_after_the_cached_part_is_still_only_a_torn_tail(tmp_path):
    home = tmp_path / "home"
    path = write_store(home, [make(value=1)])
    read_records(home)
    unfinished = (record_line(make(note="第三条")) + "\n").encode("utf-8")
    with path.open("ab") as out:
        out.write(unfinished[: unfinished.index("第".encode()) + 1])  # inside a character
    contents = store.read_store(home)
    assert [r.value for r in contents.records] == [1] and contents.torn_line == 6
    assert contents == uncached(store.read_store, home)


# -- corrupt, missing and unusable caches


def corrupt_ways(entry: Path) -> list[bytes]:
    data = entry.read_bytes()
    flipped = bytearray(data)
    flipped[-5] ^= 0xFF
    return [b"", data[: len(data) // 2], bytes(flipped), b"not a cache entry at all", data[:-1] + b"\x00"]


@pytest.mark.parametrize("way", range(5))
def test_a_corrupt_cache_entry_is_ignored_and_rebuilt(tmp_path, cache_dir, catalogue, way):
    home = tmp_path / "home"
    write_store(home, [make(value=n) for n in range(3)])
    expected_records, expected_plan = read_records(home), load_catalogue(catalogue)
    for entry in sorted(cache_dir.iterdir()):
        entry.write_bytes(corrupt_ways(entry)[way])
    assert read_records(home) == expected_records
    assert load_catalogue(catalogue) == expected_plan
    for entry in sorted(cache_dir.iterdir()):
        assert entry.read_bytes().startswith(b"sdpolicy-cache-"), f"{entry.name} was not rebuilt"


def test_an_entry_made_for_other_bytes_is_not_used(tmp_path, cache_dir):
    one, two = tmp_path / "one", tmp_path / "two"
    write_store(one, [make(value=1)])
    write_store(two, [make(value=2)])
    read_records(one)
    read_records(two)
    first, second = entries(cache_dir, "store-prefix")
    shutil.copyfile(first, second)  # the second store now has the first one's entry
    assert [r.value for r in read_records(one)] + [r.value for r in read_records(two)] == [1, 2]


def test_a_cache_directory_that_cannot_be_made_changes_nothing(tmp_path, monkeypatch, catalogue):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    home = tmp_path / "home"
    write_store(home, [make(value=n) for n in range(3)])
    expected = read_records(home), load_catalogue(catalogue)
    monkeypatch.setenv("SDPOLICY_CACHE", str(blocker / "cache"))
    assert (read_records(home), load_catalogue(catalogue)) == expected
    append_record(home, make(value=3))
    assert [r.value for r in read_records(home)] == [0, 1, 2, 3]


def test_the_commands_work_without_a_usable_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("SDPOLICY_CACHE", str(blocker / "cache"))
    monkeypatch.setenv("SDPOLICY_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    assert runner.invoke(app, ["mark", "IND-01", "--value", "50", "--date", "2006-05-01"]).exit_code == 0
    result = runner.invoke(app, ["status", "--json", "--as-of", "2006-06-30"])
    assert result.exit_code == 0 and json.loads(result.stdout)["total"]["tasks"] == 89


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
@pytest.mark.parametrize("mode", [0o777, 0o775, 0o770, 0o730])
def test_a_cache_directory_others_may_write_to_is_neither_read_nor_written(tmp_path, cache_dir, catalogue, monkeypatch, mode):
    # Group-writable directories used to be read (umask 002 makes them); a member of the group could
    # then plant an entry, so now only a directory no one else may write to is used at all.
    expected = load_catalogue(catalogue)
    unpickled = []
    real = cache._Unpickler.load
    monkeypatch.setattr(cache._Unpickler, "load", lambda self: unpickled.append(1) or real(self))
    cache_dir.chmod(mode)
    before = sorted(cache_dir.iterdir())
    assert load_catalogue(catalogue) == expected and unpickled == []
    assert sorted(cache_dir.iterdir()) == before  # nothing written there either
    write_store(tmp_path / "home", [make(value=1)])
    read_records(tmp_path / "home")
    assert sorted(cache_dir.iterdir()) == before and unpickled == []
    cache_dir.chmod(0o755)  # others may read, not write: used
    assert load_catalogue(catalogue) == expected and unpickled == [1]


def test_no_temporary_file_is_left_behind(tmp_path, cache_dir, monkeypatch):
    monkeypatch.setenv("SDPOLICY_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    runner.invoke(app, ["mark", "IND-01", "--value", "50", "--date", "2006-05-01"])
    runner.invoke(app, ["status", "--as-of", "2006-06-30"])
    assert cache_dir.is_dir() and not [p.name for p in cache_dir.iterdir() if p.name.startswith(".")]


def test_the_cache_directory_keeps_a_bounded_number_of_entries(tmp_path, cache_dir, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 5)
    for n in range(12):
        write_store(tmp_path / f"home{n}", [make(value=n)])
        read_records(tmp_path / f"home{n}")
    assert len(list(cache_dir.iterdir())) <= 5


# -- computed views


def status_json(runner: CliRunner, *args: str) -> dict:
    result = runner.invoke(app, ["status", "--json", "--as-of", "2006-06-30", *args])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_view_follows_a_hand_edit_of_the_store(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("SDPOLICY_HOME", str(home))
    path = write_store(home, [make(item="IND-01", value=20, date=date(2006, 5, 1))])
    runner = CliRunner()
    before = status_json(runner, "--area", "industry")
    assert status_json(runner, "--area", "industry") == before  # from the cache
    edit_in_place(path, "value = 20,", "value = 99,")
    after = status_json(runner, "--area", "industry")
    row = next(r for r in after["tasks"] if r["id"] == "IND-01")
    assert row["actual"] == 99 and after != before


def test_a_view_follows_a_mark_and_an_edited_catalogue(tmp_path, monkeypatch, catalogue):
    monkeypatch.setenv("SDPOLICY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SDPOLICY_CATALOGUE", str(catalogue))
    runner = CliRunner()
    assert status_json(runner)["total"]["done"] == 0
    assert runner.invoke(app, ["mark", "IND-04", "--done", "--date", "2006-05-01"]).exit_code == 0
    assert status_json(runner)["total"]["done"] == 1
    edit_in_place(catalogue / "plan.toml", "[plan.lights]\nyellow_behind = 10", "[plan.lights]\nyellow_behind = 20")
    assert status_json(runner)["plan"]["lights"]["yellow_behind"] == 20


def test_a_report_follows_a_hand_edit_of_the_store_and_an_undo(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("SDPOLICY_HOME", str(home))
    path = write_store(home, [make(item="IND-01", value=20, date=date(2006, 5, 1))])
    runner = CliRunner()

    def report() -> dict:
        result = runner.invoke(app, ["report", "--json", "--as-of", "2006-06-30"])
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    def actual(view: dict) -> object:
        rows = [r for area in view["areas"] for r in area["tasks_list"] if r["id"] == "IND-01"]
        return rows[0]["actual"]

    assert actual(report()) == 20
    assert actual(report()) == 20  # from the cache
    edit_in_place(path, "value = 20,", "value = 99,")
    edited = report()
    assert actual(edited) == 99 and [r["value"] for r in edited["log"]] == [99]
    assert runner.invoke(app, ["undo"]).exit_code == 0
    undone = report()
    # The retraction is dated today, after the as-of date, so a June report lists only the May record
    # (issue 14: a report shows the records dated on or before its date), shown as retracted.
    assert actual(undone) is None and len(undone["log"]) == 1
    assert undone["log"][0]["in_effect"] is False and undone["log"][0]["retracted_by"]


def test_each_set_of_arguments_has_its_own_view(tmp_path, monkeypatch):
    monkeypatch.setenv("SDPOLICY_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    assert status_json(runner)["area"] is None
    assert status_json(runner, "--area", "e-gov")["area"]["slug"] == "e-gov"
    assert status_json(runner)["area"] is None
    early = runner.invoke(app, ["status", "--json", "--as-of", "2006-03-01"])
    assert json.loads(early.stdout)["as_of"] == "2006-03-01"


# -- processes: a write by one is seen by the next read of another


WRITER = textwrap.dedent(
    """
    import sys
    from datetime import date, datetime, timezone
    from pathlib import Path
    from sdpolicy.store import Record, append_record, new_record_id
    home, first, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    for n in range(first, first + count):
        append_record(home, Record(new_record_id(), "task", "IND-01", date(2006, 5, 1),
                                   datetime.now(timezone.utc), value=n))
    """
)


def test_a_write_by_another_process_is_seen_by_the_next_read(tmp_path):
    home = tmp_path / "home"
    write_store(home, [make(value=0)])
    assert [r.value for r in read_records(home)] == [0]
    subprocess.run([sys.executable, "-c", WRITER, str(home), "1", "1"], check=True, env=os.environ)
    assert [r.value for r in read_records(home)] == [0, 1]


def test_reads_during_concurrent_writes_always_see_a_prefix_of_the_log(tmp_path):
    home = tmp_path / "home"
    write_store(home, [make(value=n) for n in range(200)])
    read_records(home)
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(home), str(1000 * (w + 1)), "15"], env=os.environ)
        for w in range(3)
    ]
    seen: list[list[str]] = []
    while any(w.poll() is None for w in writers):
        seen.append([r.id for r in store.read_snapshot(home).records()])
    assert all(w.wait() == 0 for w in writers)
    final = [r.id for r in read_records(home)]
    assert len(final) == 245 and len(set(final)) == 245
    assert final == uncached(lambda: [r.id for r in read_records(home)])
    assert all(final[: len(ids)] == ids for ids in seen)


# -- the fast reader of canonical lines agrees with tomllib


def parse_without_fast_path(text: str, monkeypatch: pytest.MonkeyPatch):
    with monkeypatch.context() as patch:
        patch.setattr(store, "_canonical", lambda *args: None)
        # read_lines declines every line: each goes through tomllib and the field checks.
        patch.setattr(store, "_read_lines", lambda text, *args: list(range(text.count("\n"))))
        return parse_records(text, "p")


def outcome(function):
    try:
        contents = function()
    except DataError as exc:
        return ("error", exc.message, exc.problems)
    return (contents, [(r.line, type(r.value), r.recorded_at.tzinfo) for r in contents.records])


text_st = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
record_st = st.builds(
    Record,
    id=st.text("0123456789abcdefghjkmnpqrstvwxyz", min_size=10, max_size=10).map(lambda s: "r-" + s),
    kind=st.sampled_from(["task", "indicator"]),
    item=st.sampled_from(["IND-01", "EGOV-08", "internet-users", " x ", "中文"]),
    date=st.dates(date(2006, 1, 1), date(2007, 12, 31)),
    recorded_at=st.datetimes(datetime(2006, 1, 1), datetime(2030, 1, 1), timezones=st.just(timezone.utc)),
    value=st.one_of(st.none(), st.integers(0, 10**12), st.floats(0, 1e12, allow_nan=False)),
    state=st.one_of(st.none(), st.sampled_from(store.STATES)),
    note=text_st,
    by=text_st,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(record_st, max_size=6))
def test_written_lines_read_the_same_by_both_readers(monkeypatch, records):
    lines = []
    for record in records:
        try:
            lines.append(record_line(record))
        except DataError:
            continue
    text = "schema = 1\n" + "".join(line + "\n" for line in lines)
    assert outcome(lambda: parse_records(text, "p")) == outcome(lambda: parse_without_fast_path(text, monkeypatch))


NEAR_MISSES = [
    # valid TOML that record_line would not write: read by tomllib, to the same records
    'r-aaaaaaaaaa = { task = "IND-01", value = 1_000, date = 2006-05-01, recorded_at = 2026-11-22T07:37:15Z }',
    'r-aaaaaaaaaa = { task = "IND-01", value = +5, date = 2006-05-01, recorded_at = 2026-11-22T07:37:15Z }',
    'r-aaaaaaaaaa = { task = "IND-01", value = 1e3, date = 2006-05-01, recorded_at = 2026-11-22T07:37:15Z }',
    'r-aaaaaaaaaa = { task = "IND-01", value = 0.5, date = 2006-05-01, recorded_at = 2026-11-22T07:37:15.5Z }',
    'r-aaaaaaaaaa = { task = "IND\\u002d01", value = 5, date = 2006-05-01, recorded_at = 2026-11-22T07:37:15Z }',
    "r-aaaaaaaaaa = { task = 'IND-01', value = 5, date = 2006-05-01, recorded_at = 2026-11-22T07:37:15Z }",
    'r-aaaaaaaaaa = { date = 2006-05-01, task = "IND-01", value = 5, recorded_at = 2026-11-22T07:37:15Z }',
    'r-aaaaaaaaaa = { task = "IND-01", value = 5, date = 2006-05-01, recorded_at = 2026-11-22T15:37:15+08:00 }',
    'r-aaaaaaaaaa = { task = "IND-01", value = 5, date = 2006-05-01, recorded_at = 2026-11-22 07:37:15Z }',
    'r-aaaaaaaaaa = { task = "IND-01", value = 5, date = 2006-05-01, recorded_at = 2026-11-22T07:37:15Z } # checked',
    '"r-aaaaaaaaaa" = { task = "IND-01", value = 5, date = 2006-05-01, recorded_at = 2026-11-22T07:37:15Z }',
    '  r-aaaaaaaaaa  =  {task="IND-01",value=5,date=2006-05-01,recorded_at=2026-11-22T07:37:15Z}',
    'r-aaaaaaaaaa = { task = "IND-01", value = 5, date = 2006-05-01, note = "tab\there", recorded_at = 2026-11-22T07:37:15Z }',
    # problems: every one must get the message it gets from tomllib and the field checks
    'r-aaaaaaaaaa = { task = "IND-01", value = 1e999, date = 2006-05-01, recorded_at = 2026-11-22T07:37:15Z }',
    'r-aaaaaaaaaa = { task = "IND-01", value = -5, date = 2006-05-01, recorded_at = 2026-11-22T07:37:15Z }',
    'r-aaaaaaaaaa = { task = "IND-01", value = 05, date = 2006-05-01, recorded_at = 2026-11-22T07:37:15Z }',
    'r-aaaaaaaaaa = { task = "IND-01", state = "finished", date = 2006-05-01, recorded_at = 2026-11-22T07:37:15Z }',
    'r-aaaaaaaaaa = { task = " ", value = 5, date = 2006-05-01, recorded_at = 2026-11-22T07:37:15Z }',
    'r-aaaaaaaaaa = { task = "IND-01", date = 2006-05-01, recorded_at = 2026-11-22T07:37:15Z }',
    'r-aaaaaaaaaa = { task = "IND-01", value = 5, retracts = "r-b", date = 2006-05-01, recorded_at = 2026-11-22T07:37:15Z }',
    'r-aaaaaaaaaa = { task = "IND-01", retracts = " ", date = 2006-05-01, recorded_at = 2026-11-22T07:37:15Z }',
    'r-aaaaaaaaaa = { task = "IND-01", value = 5, date = 2006-02-30, recorded_at = 2026-11-22T07:37:15Z }',
    'r-aaaaaaaaaa = { task = "IND-01", value = 5, date = 2006-05-01, recorded_at = 2026-02-30T07:37:15Z }',
    'r-aaaaaaaaaa = { task = "IND-01", value = 5, date = 2006-05-01, recorded_at = 2026-11-22T24:37:15Z }',
    'r-aaaaaaaaaa = { task = "IND-01", value = 5, date = 2006-05-01, recorded_at = 2026-11-22T07:37:15.1234567Z }',
    'r-aaaaaaaaaa = { task = "IND-01", value = 123456789012345678, date = 2006-05-01, recorded_at = 2026-11-22T07:37:15Z }',
    'r-aaaaaaaaaa = { task = "IND-01", value = 5, date = 2006-05-01, note = "bell\x07", recorded_at = 2026-11-22T07:37:15Z }',
    'r-aaaaaaaaaa = { task = "IND-01", value = 5, date = 2006-05-01, note = "del\x7f", recorded_at = 2026-11-22T07:37:15Z }',
    'schema = { task = "IND-01", value = 5, date = 2006-05-01, recorded_at = 2026-11-22T07:37:15Z }',
]


@pytest.mark.parametrize("line", NEAR_MISSES)
@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_lines_near_the_canonical_form_read_as_tomllib_reads_them(monkeypatch, line, ending):
    canonical = record_line(make(id="r-bbbbbbbbbb", value=7))
    text = ending.join(["schema = 1", canonical, line, canonical.replace("r-bbbbbbbbbb", "r-cccccccccc"), ""])
    assert outcome(lambda: parse_records(text, "p")) == outcome(lambda: parse_without_fast_path(text, monkeypatch))


def test_a_duplicate_of_a_canonical_line_is_worded_as_before(monkeypatch):
    line = record_line(make(id="r-bbbbbbbbbb", value=7))
    text = f"schema = 1\n{line}\n{line}\n"
    found = outcome(lambda: parse_records(text, "p"))
    assert found == outcome(lambda: parse_without_fast_path(text, monkeypatch))
    assert "appears twice, identical on line 2" in found[1]


# Lines a store may hold: canonical records, records only tomllib reads, comments, blank lines,
# CR line ends, Chinese, a schema line; and damage: a duplicate id, a table header.
_STORE_LINES = st.lists(st.sampled_from([
    "schema = 1",
    record_line(Record("r-aaaaaaaaa1", "task", "IND-01", date(2006, 3, 1), datetime(2026, 1, 1, tzinfo=timezone.utc), value=5)),
    record_line(Record("r-aaaaaaaaa2", "task", "IND-05", date(2006, 3, 1), datetime(2026, 1, 1, tzinfo=timezone.utc), state="blocked", note="资金未到位")),
    'r-aaaaaaaaa3 = { task = "IND-01", value = 1_000, date = 2006-04-01, recorded_at = 2026-01-01T00:00:00Z }',
    "# 说明",
    "",
    "[table]",
    'r-aaaaaaaaa4 = { task = "IND-01", va',
]), max_size=8)


@settings(max_examples=200, deadline=None)
@given(lines=_STORE_LINES, crlf=st.booleans(), final=st.booleans())
def test_a_store_read_line_by_line_from_its_bytes_reads_as_its_decoded_text_does(lines, crlf, final):
    # The reader decodes a large store a line at a time (store._Lines) rather than keeping a decoded
    # copy; whatever the lines, it must find the same records, torn tail and problems, in the same words.
    text = ("\r\n" if crlf else "\n").join(lines) + ("\n" if final and lines else "")
    def outcome(source):
        try:
            return store._parse(source, "progress.toml")
        except DataError as exc:
            return exc.problems
    assert outcome(store._Lines(text.encode("utf-8"))) == outcome(text)


# -- the reader of many lines at once (store.read_lines over stretches of the file)


def _numbered(lines: list[str]) -> list[str]:
    """The lines with every id made unique (r-aaaaaaaaa1 on the third line becomes r-aaaaaaa021), so
    that records follow one another without the duplicate that would have the file read again."""
    return [line.replace("r-aaaaaaaaa", f"r-aaaaaaa{n:02}", 1) for n, line in enumerate(lines)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=_STORE_LINES, crlf=st.booleans(), final=st.booleans(), stretch=st.integers(1, 400), unique=st.booleans())
def test_stretches_of_any_length_read_as_the_line_by_line_reader(monkeypatch, lines, crlf, final, stretch, unique):
    # A stretch ends at the first line feed after `stretch` characters, so lines that only tomllib reads
    # (and duplicates, damage, the torn tail) fall at every place in a stretch and across stretches.
    lines = _numbered(lines) if unique else lines
    text = ("\r\n" if crlf else "\n").join(lines) + ("\n" if final and lines else "")
    with monkeypatch.context() as patch:
        patch.setattr(store, "_STRETCH", stretch)
        fast = outcome(lambda: parse_records(text, "p"))
        from_bytes = outcome(lambda: store._parse(store._Lines(text.encode("utf-8")), "p"))
    assert fast == outcome(lambda: parse_without_fast_path(text, monkeypatch)) == from_bytes


def test_a_line_only_tomllib_reads_keeps_its_place_among_the_others(monkeypatch):
    # One stretch of five lines: the record of line 3 (value 1_000) is found after those of lines 2, 4
    # and 5 have been read many at once, and must still come second.
    lines = [
        "schema = 1",
        record_line(make(id="r-aaaaaaaaa1", value=1)),
        'r-aaaaaaaaa2 = { task = "IND-01", value = 1_000, date = 2006-04-01, recorded_at = 2026-01-01T00:00:00Z }',
        record_line(make(id="r-aaaaaaaaa3", value=3)),
        record_line(make(id="r-aaaaaaaaa4", value=4)),
    ]
    contents = parse_records("\n".join(lines) + "\n", "p")
    assert [(r.line, r.value) for r in contents.records] == [(2, 1), (3, 1000), (4, 3), (5, 4)]


def test_the_items_named_are_worked_out_while_reading(monkeypatch):
    # Three canonical lines (two tasks, one indicator), one only tomllib reads (a task, value 1_000 with
    # an underscore) and a retraction naming IND-05: the pairs are the distinct (kind, item) of all five.
    lines = [
        record_line(make(id="r-aaaaaaaaa1", item="IND-01")),
        record_line(make(id="r-aaaaaaaaa2", item="IND-01", value=3)),
        record_line(make(id="r-aaaaaaaaa3", kind="indicator", item="internet-users", value=9)),
        'r-aaaaaaaaa4 = { task = "EGOV-08", value = 1_000, date = 2006-04-01, recorded_at = 2026-01-01T00:00:00Z }',
        record_line(make(id="r-aaaaaaaaa5", item="IND-05", value=None, retracts="r-aaaaaaaaa1")),
    ]
    contents = parse_records("schema = 1\n" + "\n".join(lines) + "\n", "p")
    assert [r.id[-1] for r in contents.records] == ["1", "2", "3", "4", "5"]
    assert contents.items == ({"IND-01", "EGOV-08", "IND-05"}, {"internet-users"})
    assert contents == parse_without_fast_path("schema = 1\n" + "\n".join(lines) + "\n", monkeypatch)


def test_the_offsets_of_retractions_are_those_of_their_lines():
    # Line 1 "schema = 1\n" is 11 bytes. A retraction written by record_line is found by its id; one
    # with a quoted key (tomllib reads it) is not, and is reached by counting lines; the text of an id
    # inside another line (as `retracts`) must not be taken for its line.
    first = record_line(make(id="r-aaaaaaaaa1", value=1))
    second = record_line(make(id="r-aaaaaaaaa2", value=None, retracts="r-aaaaaaaaa1"))
    third = '"r-aaaaaaaaa3" = { task = "IND-01", retracts = "r-aaaaaaaaa2", date = 2006-05-01, recorded_at = 2026-11-22T07:37:15Z }'
    fourth = record_line(make(id="r-aaaaaaaaa4", value=None, retracts="r-aaaaaaaaa3"))
    data = ("schema = 1\n" + "\n".join([first, second, third, fourth]) + "\n").encode("utf-8")
    records = parse_records(data.decode(), "p").records
    retracting = [r for r in records if r.retracts]
    assert [r.line for r in retracting] == [3, 4, 5]
    starts = [11 + len(first) + 1, 11 + len(first) + 1 + len(second) + 1]
    starts.append(starts[1] + len(third.encode()) + 1)
    assert store._line_offsets(data, 0, 0, retracting) == {3: starts[0], 4: starts[1], 5: starts[2]}
    # Counting from a prefix: the first two lines (schema and first) are known, 11 + len(first) + 1 bytes.
    assert store._line_offsets(data, starts[0], 2, retracting) == {3: starts[0], 4: starts[1], 5: starts[2]}
    assert all(data[at:].startswith((b"r-", b'"r-')) for at in starts)


def test_the_line_feeds_counted_while_reading_are_those_of_the_file(tmp_path):
    # Header (3 lines), schema, two records and a torn tail: six line feeds, the complete lines end
    # just before the tail; the same after a cached prefix (a second read) and with nothing torn.
    home = tmp_path / "home"
    path = write_store(home, [make(value=1), make(value=2)], extra='r-aaaaaaaaaa = { task = "IND-01", va')
    data = path.read_bytes()
    for _ in range(2):
        snapshot = store.read_snapshot(home)
        assert snapshot.complete_lines() == (data.rindex(b"\n") + 1, 6)
    assert store.parse_records(data.decode(), "p").line_feeds == 6
    path.write_bytes(data[: data.rindex(b"\n") + 1])
    assert store.read_snapshot(home).complete_lines() == (len(data[: data.rindex(b"\n") + 1]), 6)
