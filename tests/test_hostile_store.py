"""Hostile and unlucky stores and catalogues (issue 10): two undos at once, records mark would have
refused, deep nesting, files that are not regular, UTF-16. Each test failed before its fix."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import sdpolicy_command
from sdpolicy import store
from sdpolicy.catalogue import shipped_catalogue
from sdpolicy.errors import EXIT_DATAERR, EXIT_NOINPUT

HEADER = "schema = 1\n"


def _write_store(store_file: Path, *lines: str) -> None:
    store_file.parent.mkdir(parents=True, exist_ok=True)
    store_file.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")


def _records(store_file: Path) -> list[store.Record]:
    return store.read_records(store_file.parent)


# ---------------------------------------------------------------------------------------------
# Two undos at once


def _waiting_for_lock(pid: int) -> bool:
    """Whether the process sleeps between tries of the lock: filelock polls it, sleeping in between,
    and nothing else an undo does before it sleeps."""
    try:
        return "nanosleep" in Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="needs /proc to see a process wait for the lock")
@pytest.mark.parametrize("named", [False, True])
def test_concurrent_undos_never_retract_one_record_twice(mark, sdpolicy_home, store_file, named):
    from filelock import FileLock

    first = mark("IND-01", "--value", "5", "--date", "2006-05-01")
    second = mark("IND-01", "--value", "6", "--date", "2006-05-02")
    environment = {**os.environ, "SDPOLICY_HOME": str(sdpolicy_home), "SDPOLICY_LOCK_TIMEOUT": "120"}
    lock = store.lock_path(sdpolicy_home)
    # Every undo reads the store and picks its target, then waits here for the lock: the moment two
    # undos at once race through. Four of them, real processes.
    with FileLock(lock):
        processes = [
            subprocess.Popen(sdpolicy_command() + ["undo", *([second] if named else [])], env=environment,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(4)
        ]
        deadline = time.monotonic() + 120
        while not all(_waiting_for_lock(p.pid) for p in processes):
            assert time.monotonic() < deadline, "the undos never reached the lock"
            assert all(p.poll() is None for p in processes), [p.communicate() for p in processes]
            time.sleep(0.05)
    results = [(p.wait(120), *p.communicate()) for p in processes]
    codes = sorted(code for code, _, _ in results)
    # One retracts the latest record (second); the others find, under the lock, that the target
    # has changed (or, named, that it is already retracted) and write nothing.
    assert codes == [0, 2, 2, 2], results
    retractions = [r for r in _records(store_file) if r.retracts is not None]
    assert [r.retracts for r in retractions] == [second]
    assert first not in {r.retracts for r in retractions}
    refusals = [err for code, _, err in results if code]
    if named:
        assert all(f"record {second} was already retracted" in err for err in refusals), refusals
    else:
        assert all("the latest record changed while undo waited" in err for err in refusals), refusals


def test_check_warns_of_a_record_retracted_twice(cli, mark, store_file):
    target = mark("IND-01", "--value", "5", "--date", "2006-05-01")
    lines = store_file.read_text(encoding="utf-8").splitlines()
    twice = [
        f'r-aaaaaaaaaa = {{ task = "IND-01", retracts = "{target}", date = 2006-05-03, recorded_at = 2026-11-22T07:37:15Z }}',
        f'r-bbbbbbbbbb = {{ task = "IND-01", retracts = "{target}", date = 2006-05-03, recorded_at = 2026-11-22T07:37:16Z }}',
    ]
    store_file.write_text("\n".join(lines + twice) + "\n", encoding="utf-8")
    result = cli("check")
    # Line: the header's 4 lines (3 comments and schema), the record, then the two retractions.
    line = len(lines) + 2
    assert f"{store_file}:{line}:35: record 'r-bbbbbbbbbb' retracts '{target}', which record 'r-aaaaaaaaaa' on line {line - 1} already retracted" in result.stderr
    assert result.exit_code == 0  # a warning: the record is retracted either way


# ---------------------------------------------------------------------------------------------
# check applies mark's rules


def test_check_applies_marks_rules_to_hand_edited_records(cli, store_file):
    _write_store(
        store_file,
        'r-aaaaaaaaaa = { task = "IND-01", value = 1e308, date = 2006-03-01, recorded_at = 2026-11-22T15:37:15+08:00 }',
        'r-bbbbbbbbbb = { task = "IND-01", value = 0x10, date = 2006-01-01, note = "a\\u0000b", recorded_at = 2026-11-22T07:37:15Z }',
        'r-cccccccccc = { task = "IND-01", value = 3, date = 9999-12-31, recorded_at = 2026-11-22T07:37:15Z }',
        'r-dddddddddd = { indicator = "internet-users", value = 3, date = 2005-01-01, recorded_at = 2026-11-22T07:37:15Z }',
    )
    result = cli("check")
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]
    # Columns: `r-aaaaaaaaaa = { task = "IND-01", ` is 34 characters, so value starts at 35.
    expected = [
        f"{store_file}:2:35: record 'r-aaaaaaaaaa': value 1e+308 is above the largest mark accepts (1e+12)",
        f"{store_file}:2:69: record 'r-aaaaaaaaaa': recorded_at 2026-11-22T15:37:15+08:00 is not in UTC",
        f"{store_file}:3:35: record 'r-bbbbbbbbbb': value is written 0x10; mark writes plain decimal numbers (it is read as 16)",
        f"{store_file}:3:49: record 'r-bbbbbbbbbb': date 2006-01-01 is before the plan began on 2006-02-16",
        f"{store_file}:3:68: record 'r-bbbbbbbbbb': field 'note' holds a NUL character",
        f"{store_file}:4:46: record 'r-cccccccccc': date 9999-12-31 is after the day it was recorded (2026-11-22)",
        f"{store_file}:5:",
    ]
    assert len(warnings) == len(expected), warnings
    for warning, start in zip(warnings, expected):
        assert warning.removeprefix("Warning: ").startswith(start), (warning, start)
    assert "before its 2005 figure, as of" in warnings[-1]


# A control character in an id could drive the terminal; a right-to-left override makes it show as
# another id. No command line names either: the same rule as for units' names (sanitise.first_hidden).
@pytest.mark.parametrize(("key", "shown", "raw", "kind"), [
    ("r-\\u001b[2J", "r-\\x1b[2J", "\x1b", "a control character"),
    ("r-\u202eabc", "r-\\u202eabc", "\u202e", "an invisible format character"),
])
def test_check_refuses_an_id_holding_a_hidden_character(cli, store_file, key, shown, raw, kind):
    _write_store(store_file, f'"{key}" = {{ task = "IND-01", value = 3, date = 2006-05-01, recorded_at = 2026-11-22T07:37:15Z }}')
    result = cli("check")
    assert result.exit_code == EXIT_DATAERR
    assert f"{store_file}:2:1: record '{shown}': its id holds {kind}" in result.stderr
    assert raw not in result.stderr


@pytest.mark.parametrize("value", ["1e307", "1e308", "1.7976931348623157e308"])
@pytest.mark.parametrize("args", [["report", "--html"], ["report", "--json"], ["report"], ["compare"], ["list"]])
def test_every_view_shows_a_huge_value_that_check_accepts(cli, store_file, value, args):
    _write_store(
        store_file,
        f'r-aaaaaaaaaa = {{ task = "IND-01", value = {value}, date = 2006-03-01, recorded_at = 2026-11-22T15:37:15Z }}',
        f'r-aaaaaaaaab = {{ indicator = "internet-users", value = {value}, date = 2006-03-01, recorded_at = 2026-11-22T15:37:15Z }}',
    )
    assert cli("check").exit_code == 0
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    if "--json" in args:
        import json

        view = json.loads(result.stdout)  # valid JSON: no Infinity
        (row,) = [r for a in view["areas"] for r in a["tasks_list"] if r["id"] == "IND-01"]
        assert row["percent"] > 1e300


def test_the_progress_chart_axis_stops_growing(cli, store_file):
    # IND-01's target is 200 enterprises: 1e6 of them is 500,000%. The axis stops at 1,000%
    # (ticks every 100, so 11 of them), not 500,000% with 5,001 ticks.
    _write_store(store_file, 'r-aaaaaaaaaa = { task = "IND-01", value = 1000000, date = 2006-03-01, recorded_at = 2026-11-22T15:37:15Z }')
    result = cli("report", "--html", "--as-of", "2006-06-30")
    assert result.exit_code == 0
    import re

    progress = result.stdout[result.stdout.index('class="chart progress"') if 'class="chart progress"' in result.stdout else 0:]
    ticks = re.findall(r">(\d+)%</text>", progress.split("</svg>")[0])
    assert ticks[-1] == "1000"


# ---------------------------------------------------------------------------------------------
# Deep nesting, non-regular files, UTF-16


def test_a_deeply_nested_catalogue_is_a_data_error_with_its_place(cli, tmp_path):
    folder = tmp_path / "catalogue"
    shutil.copytree(shipped_catalogue(), folder)
    plan = folder / "plan.toml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text + "deep = " + "[" * 450 + "]" * 450 + "\n", encoding="utf-8")
    line = text.count("\n") + 1
    result = cli("validate", str(folder))
    assert result.exit_code == EXIT_DATAERR
    # 'deep = ' is 7 characters; the 101st bracket is at column 8 + 100.
    assert f"{plan}:{line}:108: arrays or tables nest more than 100 levels deep" in result.stderr
    assert "internal error" not in result.stderr


def test_a_deeply_nested_store_line_is_a_data_error_with_its_place(cli, store_file):
    _write_store(store_file, 'r-aaaaaaaaaa = { task = "IND-01", value = ' + "[" * 500 + "]" * 500
                 + ", date = 2006-03-01, recorded_at = 2026-11-22T15:37:15Z }")
    for args in (["list"], ["check"], ["mark", "IND-01", "--value", "3"]):
        result = cli(*args)
        assert result.exit_code == EXIT_DATAERR, args
        # `r-aaaaaaaaaa = { task = "IND-01", value = ` is 42 characters and its `{` the first level:
        # the 100th bracket, at column 43 + 99, is the 101st level.
        assert f"{store_file}:2:142: arrays or tables nest more than 100 levels deep" in result.stderr


# Real processes with a time limit (the run fixture's 60 s): before the fix these waited for ever,
# and a regression must fail the suite, not hang it.


def test_a_store_that_is_a_fifo_or_dev_zero_is_refused(run, sdpolicy_home, store_file):
    sdpolicy_home.mkdir()
    os.mkfifo(store_file)
    for args in (["list"], ["mark", "IND-01", "--value", "3"], ["check"]):
        result = run(*args)
        assert result.returncode == EXIT_NOINPUT, (args, result.stderr)
        assert "is a FIFO (named pipe), not a regular file" in result.stderr
    store_file.unlink()
    store_file.symlink_to("/dev/zero")
    for args in (["list"], ["mark", "IND-01", "--value", "3"]):
        result = run(*args)  # before the fix: MemoryError
        assert result.returncode == EXIT_NOINPUT, (args, result.stderr)
        assert "is a character device, not a regular file" in result.stderr


def test_a_catalogue_file_that_is_a_fifo_is_refused(run, tmp_path):
    folder = tmp_path / "catalogue"
    shutil.copytree(shipped_catalogue(), folder)
    os.mkfifo(folder / "more.toml")
    result = run("validate", str(folder))
    assert result.returncode == EXIT_NOINPUT
    assert f"catalogue {folder / 'more.toml'} is a FIFO (named pipe), not a regular file" in result.stderr


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_is_named_as_not_utf8(cli, tmp_path, store_file, encoding):
    folder = tmp_path / "catalogue"
    shutil.copytree(shipped_catalogue(), folder)
    plan = folder / "plan.toml"
    plan.write_bytes(plan.read_text(encoding="utf-8").encode(encoding))
    result = cli("validate", str(folder))
    assert result.exit_code == EXIT_DATAERR
    assert f"{plan}:1:1: the file is not UTF-8 text: it looks like UTF-16" in result.stderr
    store_file.parent.mkdir()
    store_file.write_bytes((HEADER + 'r-aaaaaaaaaa = { task = "IND-01", value = 3, date = 2006-03-01, recorded_at = 2026-11-22T15:37:15Z }\n').encode(encoding))
    result = cli("list")
    assert result.exit_code == EXIT_DATAERR
    assert "it looks like UTF-16" in result.stderr
