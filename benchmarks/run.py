"""Time sdpolicy as whole processes, on the shipped plan and on generated large workspaces.

    python benchmarks/run.py                     # 1,000/10,000 and 10,000/100,000, 5 runs each
    python benchmarks/run.py --runs 3 --json results.json

Every figure is the wall time of one `sdpolicy …` process, from start to exit, with its output
going to /dev/null; the median, min and max over --runs runs are printed, with the median CPU time
(user + system) of the same runs. "cold" runs start with an empty cache directory (as after the
files changed: the cache is keyed on their bytes), "warm" runs follow a run that filled it. The
floor is a Python that only imports Typer and Rich. The reference for a cold run is a process that
parses the catalogue and the store once with the fastest TOML parser installed: tomli (a dependency
of sdpolicy, compiled where its wheels exist), else tomllib. Peak memory is each process's own
ru_maxrss.

The runs are interleaved: each round runs every measurement once, so that a burst of other work on
the machine slows all of them alike and the ratios, taken from one run, stay fair.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pty
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = "2006-09-30"
FLOOR = "import typer, rich.console, rich.table"
PARSE = (
    "import sys\n"
    "try:\n    import tomli as toml\nexcept ImportError:\n    import tomllib as toml\n"
    "for name in sys.argv[1:]:\n    toml.loads(open(name, encoding='utf-8').read())\n"
)


@dataclass
class Measurement:
    name: str
    argv: list[str]
    env: dict[str, str]
    cold: bool = False  # empty the cache directory before every run
    fresh_home: Path | None = None  # copy this directory (or make an empty one) as the home before every run
    terminal: bool = False  # output to a pseudo-terminal (colour, folded table) instead of /dev/null
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)  # user + system time of the process
    max_rss_mb: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_seconds)

    def prepare(self) -> None:
        if self.cold:
            shutil.rmtree(self.env["SDPOLICY_CACHE"], ignore_errors=True)
        if self.fresh_home is not None:
            home = Path(self.env["SDPOLICY_HOME"])
            shutil.rmtree(home, ignore_errors=True)
            if self.fresh_home.exists():
                shutil.copytree(self.fresh_home, home)
            else:
                home.mkdir(parents=True)

    def run(self) -> None:
        self.prepare()
        seconds, rss, cpu = run_once(self.argv, self.env, self.terminal)
        self.seconds.append(seconds)
        self.cpu_seconds.append(cpu)
        self.max_rss_mb = max(self.max_rss_mb, rss)

    def row(self) -> str:
        low, high = min(self.seconds), max(self.seconds)
        return f"{self.name:<44} {self.median:8.3f} {low:8.3f} {high:8.3f} {self.cpu_median:8.3f} {self.max_rss_mb:8.1f}"


def sdpolicy_command() -> list[str]:
    script = Path(sys.executable).parent / "sdpolicy"
    return [str(script)] if script.exists() else [sys.executable, "-m", "sdpolicy"]


def run_once(argv: list[str], env: dict[str, str], terminal: bool = False) -> tuple[float, float, float]:
    """Wall seconds, peak resident megabytes and CPU seconds of one process; a failure stops the benchmark."""
    start = time.perf_counter()
    if terminal:
        leader, follower = pty.openpty()
        process = subprocess.Popen(argv, env=env, stdout=follower, stderr=subprocess.PIPE)
        os.close(follower)
        with suppress(OSError):  # EIO once the process has closed the terminal
            while os.read(leader, 1 << 16):
                pass
        os.close(leader)
    else:
        process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    error = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(argv)} exited {code}: {error}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # Linux reports kilobytes


def environment(cache: Path, home: Path, catalogue: Path | None = None) -> dict[str, str]:
    # As installed: bytecode is written (and so read) as usual, whatever this shell says.
    env = {k: v for k, v in os.environ.items() if not k.startswith("SDPOLICY_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(SDPOLICY_CACHE=str(cache), SDPOLICY_HOME=str(home), NO_COLOR="1", SDPOLICY_LANG="en")
    if catalogue is not None:
        env["SDPOLICY_CATALOGUE"] = str(catalogue)
    return env


def generate(tasks: int, updates: int, out: Path) -> tuple[Path, Path]:
    if not (out / "home" / "progress.toml").exists():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--tasks", str(tasks), "--updates", str(updates), "--out", str(out)],
            check=True,
        )
    return out / "catalogue.toml", out / "home"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement (default 5)")
    parser.add_argument("--json", type=Path, help="also write the figures and ratios to this file")
    parser.add_argument("--workdir", type=Path, help="keep generated workspaces here and reuse them (default: a temporary directory)")
    parser.add_argument("--small", default="1000x10000", help="tasks x records of the smaller workspace")
    parser.add_argument("--large", default="10000x100000", help="tasks x records of the large workspace")
    args = parser.parse_args(argv)
    scratch = args.workdir or Path(tempfile.mkdtemp(prefix="sdpolicy-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        report = measure(args, scratch)
    finally:
        if args.workdir is None:
            shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def measurements_for(args: argparse.Namespace, scratch: Path) -> tuple[list[Measurement], dict]:
    """Every measurement, in the order each round runs them, and the two generated sizes."""
    sizes = {}
    for label in ("small", "large"):
        tasks, updates = (int(n) for n in getattr(args, label).lower().split("x"))
        sizes[label] = (tasks, updates, *generate(tasks, updates, scratch / f"{tasks}x{updates}"))
    sd = sdpolicy_command()
    empty = scratch / "empty"  # never created: a workspace with no store yet
    shipped = environment(scratch / "cache-shipped", empty)
    items = [
        Measurement("floor: import typer, rich", [sys.executable, "-c", FLOOR], shipped),
        Measurement("shipped: list", [*sd, "list", "--as-of", AS_OF], shipped),
        Measurement(
            "shipped: list, on a terminal", [*sd, "list", "--as-of", AS_OF],
            {**{k: v for k, v in shipped.items() if k != "NO_COLOR"}, "TERM": "xterm-256color", "COLUMNS": "160"},
            terminal=True,
        ),
        Measurement("shipped: status", [*sd, "status", "--as-of", AS_OF], shipped),
        Measurement(
            "shipped: mark", [*sd, "mark", "IND-01", "--value", "5", "--date", AS_OF],
            environment(scratch / "cache-shipped", scratch / "mark-empty"), fresh_home=empty,
        ),
    ]
    commands = {
        "list": ["list", "--as-of", AS_OF],
        "status": ["status", "--as-of", AS_OF],
        "status --area": ["status", "--area", "e-gov", "--as-of", AS_OF],
        "report --md": ["report", "--md", "--as-of", AS_OF],
        "compare": ["compare", "--as-of", AS_OF],
    }
    for tasks, updates, catalogue, home in sizes.values():
        prefix = f"{tasks}/{updates}"
        cache = scratch / f"cache-{tasks}x{updates}"
        env = environment(cache, home, catalogue)
        parse = [sys.executable, "-c", PARSE, str(catalogue), str(home / "progress.toml")]
        items.append(Measurement(f"{prefix}: parse once ({parser_name()})", parse, env))
        for name, rest in commands.items():
            # The cold run fills the cache for the warm run that follows it.
            items.append(Measurement(f"{prefix}: {name}, cold", [*sd, *rest], env, cold=True))
            items.append(Measurement(f"{prefix}: {name}, warm", [*sd, *rest], env))
        # Each mark appends a line, so every run gets its own copy of the workspace.
        mark = [*sd, "mark", "IND-01-C001", "--value", "5", "--date", AS_OF]
        mark_env = environment(cache, scratch / f"mark-{tasks}x{updates}", catalogue)
        items.append(Measurement(f"{prefix}: mark, cold", mark, mark_env, cold=True, fresh_home=home))
        items.append(Measurement(f"{prefix}: mark, warm", mark, mark_env, fresh_home=home))
    return items, sizes


def measure(args: argparse.Namespace, scratch: Path) -> dict:
    measurements, sizes = measurements_for(args, scratch)
    # One untimed round compiles an editable checkout's bytecode and fills the caches of warm runs.
    for item in measurements:
        item.prepare()
        run_once(item.argv, item.env)
    for round_ in range(args.runs):
        for item in measurements:
            item.run()
        print(f"round {round_ + 1} of {args.runs} done", file=sys.stderr, flush=True)
    print(f"{'':<44} {'median':>8} {'min':>8} {'max':>8} {'CPU':>8} {'peak MB':>8}")
    for item in measurements:
        print(item.row())
    return summarise({m.name: m for m in measurements}, sizes, args.runs)


def parser_name() -> str:
    """Which parser the yardstick uses, and whether tomli is its compiled (mypyc) build."""
    probe = subprocess.run(
        [sys.executable, "-c", "import tomli._parser as p; print(p.__file__.endswith('.py'))"],
        capture_output=True, text=True,
    )
    if probe.returncode != 0:
        return "tomllib"
    return "tomli, pure Python" if probe.stdout.strip() == "True" else "tomli, compiled"


def summarise(results: dict[str, Measurement], sizes: dict, runs: int) -> dict:
    r = {name: m.median for name, m in results.items()}
    floor = r["floor: import typer, rich"]
    small, large = (f"{t}/{u}" for t, u, *_ in (sizes["small"], sizes["large"]))
    parse = next(name for name in r if name.startswith(f"{large}: parse once"))
    goals = [
        ("list (shipped) / floor", r["shipped: list"] / floor, 1.5),
        (f"status warm ({large}) / list (shipped)", r[f"{large}: status, warm"] / r["shipped: list"], 3.0),
        (f"mark warm ({large}) / mark (shipped, empty)", r[f"{large}: mark, warm"] / r["shipped: mark"], 2.0),
        (f"status cold ({large}) / {parse.split(': ', 1)[1]}", r[f"{large}: status, cold"] / r[parse], 1.0),
        (f"peak MB, status cold ({large})", results[f"{large}: status, cold"].max_rss_mb, 300.0),
    ]
    print("\nGoals (measured side by side in this run)")
    for name, value, limit in goals:
        print(f"  {name:<62} {value:8.2f}  (goal <= {limit:g})  {'met' if value <= limit else 'NOT MET'}")
    # The goal is timed piped, as every figure here is; a person at a terminal gets colour and folding.
    on_terminal = r["shipped: list, on a terminal"] / floor
    print(f"  {'list on a terminal (shipped) / floor, for comparison':<62} {on_terminal:8.2f}")

    size_ratio = sizes["large"][1] / sizes["small"][1]
    # CPU seconds do not count the time a busy shared machine keeps a process waiting, so they show
    # how the work grows more steadily than wall time does.
    cpu = {name: m.cpu_median for name, m in results.items()}
    cpu_floor = cpu["floor: import typer, rich"]
    print(
        f"\nGrowth from {small} to {large} (sizes x{size_ratio:g}): wall time, and CPU time above the floor's"
    )
    growth = {}
    for name in ("list", "status", "status --area", "report --md", "compare", "mark"):
        for state in ("cold", "warm"):
            key_small, key_large = f"{small}: {name}, {state}", f"{large}: {name}, {state}"
            wall = r[key_large] / r[key_small]
            above = (cpu[key_large] - cpu_floor) / max(cpu[key_small] - cpu_floor, 1e-3)
            growth[f"{name}, {state}"] = {"time_ratio": wall, "cpu_above_floor_ratio": above}
            print(f"  {name + ', ' + state:<24} wall x{wall:6.2f}   CPU above floor x{above:6.2f}")

    return {
        "machine": {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count()},
        "runs": runs,
        "as_of": AS_OF,
        "timings": {
            name: {"seconds": m.seconds, "median": m.median, "cpu_seconds": m.cpu_seconds, "cpu_median": m.cpu_median,
                   "max_rss_mb": m.max_rss_mb}
            for name, m in results.items()
        },
        "goals": [{"name": n, "value": v, "limit": lim, "met": v <= lim} for n, v, lim in goals],
        "list_on_a_terminal_over_floor": on_terminal,
        "growth": {"size_ratio": size_ratio, "commands": growth},
    }


if __name__ == "__main__":
    main()
