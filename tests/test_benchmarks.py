"""The benchmark scripts run from a checkout and produce what docs/performance.md says. Nothing is timed here:
the figures they print are not checked, only that every measurement, goal and growth ratio is there."""

from __future__ import annotations

import json
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
    assert {
        "floor: import typer, rich", "shipped: list", "shipped: list, on a terminal", "shipped: status", "shipped: mark",
    } <= names
    assert report["list_on_a_terminal_over_floor"] > 0
    assert all(len(t["seconds"]) == 1 and len(t["cpu_seconds"]) == 1 for t in report["timings"].values())
    assert [goal["limit"] for goal in report["goals"]] == [1.5, 3.0, 2.0, 1.0, 300.0]
    assert len(report["growth"]["commands"]) == 12
    assert "Goals (measured side by side in this run)" in result.stdout
