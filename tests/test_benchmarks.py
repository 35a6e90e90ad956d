"""The benchmark scripts run from a checkout and produce what docs/performance.md says. Nothing is timed here:
the figures they print are not checked, only that every measurement, goal and growth ratio is there."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from sdpolicy.catalogue import load_catalogue
from sdpolicy.store import read_records

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_generate_writes_a_valid_catalogue_and_a_store_of_the_asked_size(tmp_path):
    out = tmp_path / "ws"
    subprocess.run(
        [sys.executable, str(BENCHMARKS / "generate.py"), "--tasks", "200", "--updates", "120", "--out", str(out)],
        check=True, capture_output=True, timeout=300,
    )
    plan = load_catalogue(out / "catalogue.toml")
    assert len(plan.tasks) == 200
    # Past the 89 tasks of the shipped plan, every area and every kind of target is there.
    assert {task.area for task in plan.tasks} == {area.slug for area in plan.areas}
    assert {task.target.kind for task in plan.tasks} == {"count", "range", "percent", "milestone", "qualitative"}
    records = read_records(out / "home")
    assert len(records) == 120
    assert {r.item for r in records if r.kind == "task"} <= set(plan.tasks_by_id)


def test_run_measures_everything_and_writes_the_goals_as_json(tmp_path):
    result = subprocess.run(
        [
            sys.executable, str(BENCHMARKS / "run.py"), "--runs", "1", "--small", "14x20", "--large", "28x40",
            "--huge", "30x45", "--batch", "12", "--others", "3,6",
            "--workdir", str(tmp_path / "work"), "--json", str(tmp_path / "bench.json"),
        ],
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    names = set(report["timings"])
    for size in ("14/20", "28/40"):
        for command in ("list", "status", "status --area", "report --md", "compare", "mark"):
            assert {f"{size}: {command}, cold", f"{size}: {command}, warm"} <= names
        assert {f"{size}: list, warm, on a terminal"} | {
            f"{size}: {command} right after a mark" for command in ("status", "list", "status --area", "compare", "report --md")
        } <= names
    assert {
        "floor: import typer, rich", "shipped: list", "shipped: list, on a terminal", "shipped: status", "shipped: mark",
        "shipped: mark --from, 12 rows", "30/45: status, cold", "30/45: status, warm",
        "14/20: import of a 14-row return, empty",
    } <= names
    assert report["list_on_a_terminal_over_floor"] > 0
    assert all(len(t["seconds"]) == 1 and len(t["cpu_seconds"]) == 1 for t in report["timings"].values())
    # The goals of issue 16, in its order (mark --from beside the import, which it stood in for before),
    # and the three the huge workspace adds (a cold status within 10 s and 1,000 MB, a warm one within 1 s).
    assert [goal["limit"] for goal in report["goals"]] == [1.2, 1.5, 1.5, 3.0, 3.0, 1.5, 0.75, 10.0, 1000.0, 1.0]
    assert len(report["growth"]["commands"]) == 12
    assert "Goals (measured side by side in this run)" in result.stdout
    # Taskwarrior and hledger are timed where installed, and said to be left out where not.
    if shutil.which("task"):
        assert {f"taskwarrior {n}: task {c}" for n in (3, 6) for c in ("list", "summary", "add")} <= names
        assert "28/40: list, warm / taskwarrior 6: task list" in report["other_tools"]
    else:
        assert "Taskwarrior is not installed" in result.stderr
    if shutil.which("hledger"):
        assert "hledger 60 postings: hledger bal" in names
    else:
        assert "hledger is not installed" in result.stderr


def test_run_leaves_out_the_huge_workspace_and_the_other_tools_when_asked(tmp_path):
    result = subprocess.run(
        [
            sys.executable, str(BENCHMARKS / "run.py"), "--runs", "1", "--small", "14x20", "--large", "28x40",
            "--huge", "none", "--batch", "5", "--others", "none",
            "--workdir", str(tmp_path / "work"), "--json", str(tmp_path / "bench.json"),
        ],
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    assert [goal["limit"] for goal in report["goals"]] == [1.2, 1.5, 1.5, 3.0, 3.0, 1.5, 0.75]
    assert not any(name.startswith(("taskwarrior", "hledger")) for name in report["timings"])


def test_peak_memory_counts_a_child_working_beside_the_command(monkeypatch):
    # A command that reads the catalogue in a child while it reads the store needs both at once;
    # ru_maxrss gives only the larger. Here a parent touching 120 MB waits on a child touching 200 MB:
    # the peak is at least their sum, 320 MB (the interpreters add some 10 MB each), where ru_maxrss
    # alone would say about 210.
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import run

    child = "b = bytearray(200 << 20); b[::4096] = b'x' * (len(b) // 4096); import time; time.sleep(0.5)"
    parent = (
        "import subprocess, sys; c = subprocess.Popen([sys.executable, '-c', sys.argv[1]]); "
        "a = bytearray(120 << 20); a[::4096] = b'y' * (len(a) // 4096); c.wait()"
    )
    _, peak_mb, _ = run.run_once([sys.executable, "-c", parent, child], dict(__import__("os").environ), sampled=True)
    assert peak_mb >= 320


def test_a_timed_run_is_not_sampled(monkeypatch):
    # Sampling reads /proc/PID/smaps_rollup, which walks the page tables of the process being timed.
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import run

    def sampler(pid):
        raise AssertionError("a timed run was sampled")

    monkeypatch.setattr(run, "_TreeMemory", sampler)
    seconds, peak_mb, _ = run.run_once([sys.executable, "-c", "pass"], dict(__import__("os").environ))
    assert seconds > 0 and peak_mb > 0  # ru_maxrss still


def test_a_fresh_copy_of_a_workspace_is_written_out_before_it_is_timed(tmp_path, monkeypatch):
    # Every file of the copy, in subfolders too, is fsynced; a folder is not opened as a file.
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import run

    (tmp_path / "home" / "sub").mkdir(parents=True)
    for name in ("progress.toml", "assignments.toml", "sub/units.toml"):
        (tmp_path / "home" / name).write_text("x\n", encoding="utf-8")
    synced: list[str] = []
    real_open, real_fsync = run.os.open, run.os.fsync
    names: dict[int, str] = {}

    def opened(path, flags, *args):
        descriptor = real_open(path, flags, *args)
        names[descriptor] = Path(path).relative_to(tmp_path / "home").as_posix()
        return descriptor

    def fsync(descriptor):
        synced.append(names[descriptor])
        real_fsync(descriptor)

    monkeypatch.setattr(run.os, "open", opened)
    monkeypatch.setattr(run.os, "fsync", fsync)
    run.written_out(tmp_path / "home")
    assert sorted(synced) == ["assignments.toml", "progress.toml", "sub/units.toml"]
