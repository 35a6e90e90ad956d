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
import threading
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
    cache_from: Path | None = None  # copy this directory as the cache before every run
    before: list[str] | None = None  # run this, untimed, before every timed run (after the copies)
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
        if self.cold or self.cache_from is not None:
            shutil.rmtree(self.env["SDPOLICY_CACHE"], ignore_errors=True)
        if self.cache_from is not None:
            shutil.copytree(self.cache_from, self.env["SDPOLICY_CACHE"])
        if self.fresh_home is not None:
            # Taskwarrior's measurements keep their data directory here too.
            home = Path(self.env["SDPOLICY_HOME"])
            shutil.rmtree(home, ignore_errors=True)
            if self.fresh_home.exists():
                shutil.copytree(self.fresh_home, home)
                written_out(home)
            else:
                home.mkdir(parents=True)
        if self.before is not None:
            run_once(self.before, self.env)

    def run(self) -> None:
        self.prepare()
        seconds, rss, cpu = run_once(self.argv, self.env, self.terminal)
        self.seconds.append(seconds)
        self.cpu_seconds.append(cpu)
        self.max_rss_mb = max(self.max_rss_mb, rss)

    def sample(self) -> None:
        """One untimed run whose memory, children included, is sampled as it goes."""
        self.prepare()
        self.max_rss_mb = max(self.max_rss_mb, run_once(self.argv, self.env, self.terminal, sampled=True)[1])

    def row(self) -> str:
        low, high = min(self.seconds), max(self.seconds)
        return f"{self.name:<44} {self.median:8.3f} {low:8.3f} {high:8.3f} {self.cpu_median:8.3f} {self.max_rss_mb:8.1f}"


def written_out(folder: Path) -> None:
    """Wait until the files of a fresh copy are on disk: a store an office uses was written out long
    ago, and a `mark` on a copy made a moment before would flush the whole copy with its own fsync
    (about 10 ms for 16 MB here), which no real mark pays."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            descriptor = os.open(path, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)


def sdpolicy_command() -> list[str]:
    script = Path(sys.executable).parent / "sdpolicy"
    return [str(script)] if script.exists() else [sys.executable, "-m", "sdpolicy"]


def run_once(
    argv: list[str], env: dict[str, str], terminal: bool = False, sampled: bool = False
) -> tuple[float, float, float]:
    """Wall seconds, peak resident megabytes and CPU seconds of one process; a failure stops the benchmark.

    `sampled`: the memory of the process and its children is sampled too (see _TreeMemory). Not in
    a timed run: reading a 900 MB process's PSS walks its page tables, 10 ms a sample, and slowed a
    cold status at 1,000,000 records by about a second."""
    start = time.perf_counter()
    leader = None
    if terminal:
        leader, follower = pty.openpty()
        process = subprocess.Popen(argv, env=env, stdout=follower, stderr=subprocess.PIPE)
        os.close(follower)
    else:
        process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tree = _TreeMemory(process.pid) if sampled else None
    if leader is not None:
        with suppress(OSError):  # EIO once the process has closed the terminal
            while os.read(leader, 1 << 16):
                pass
        os.close(leader)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if tree is not None:
        tree.stop()
    error = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(argv)} exited {code}: {error}")
    # ru_maxrss (Linux: kilobytes) is the larger of the process's own peak and its largest child's;
    # a child working beside it adds to what the machine needs, which only the samples see.
    return elapsed, max(usage.ru_maxrss / 1024, tree.peak_mb if tree else 0.0), usage.ru_utime + usage.ru_stime


class _TreeMemory:
    """The peak of the summed memory of a process and its descendants, sampled every 50 ms from /proc
    (where the kernel lists children; elsewhere nothing is sampled)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_mb, self._done = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._done.wait(0.05):
            self.peak_mb = max(self.peak_mb, sum(_rss_kb(pid) for pid in _tree(self.pid)) / 1024)


def _tree(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        with suppress(OSError, ValueError):
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as children:
                    pending.extend(int(child) for child in children.read().split())
    return found


def _rss_kb(pid: int) -> int:
    """The process's proportional share of memory (PSS: a page shared with a forked parent counts
    half to each, not whole to both), else its resident size where the kernel does not give it."""
    for name, field in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        with suppress(OSError, ValueError):
            with open(f"/proc/{pid}/{name}", encoding="ascii", errors="replace") as lines:
                for line in lines:
                    if line.startswith(field):
                        return int(line.split()[1])
    return 0


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
    parser.add_argument(
        "--huge", default="100000x1000000",
        help="tasks x records of the workspace whose cold status is held to 1,000 MB, or 'none' to leave it out",
    )
    parser.add_argument("--batch", type=int, default=1000, help="rows of the mark --from batch (default 1000)")
    parser.add_argument(
        "--others", default="1000,10000", help="task counts for Taskwarrior, or 'none' (hledger gets 10x the larger as postings)"
    )
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
    for label in ("small", "large", "huge"):
        if getattr(args, label).lower() == "none":
            continue
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
    batch = write_batch(scratch / "batch.csv", args.batch)
    items.append(Measurement(
        f"shipped: mark --from, {args.batch:,} rows", [*sd, "mark", "--from", str(batch)],
        environment(scratch / "cache-shipped", scratch / "batch-empty"), fresh_home=empty,
    ))
    # A unit's monthly return of one row per task of the smaller workspace (1,000 by default), filled
    # in as a unit would, imported into an empty workspace of that catalogue.
    tasks, updates, small_catalogue, _ = sizes["small"]
    filled = write_return(sd, scratch / "return", small_catalogue)
    items.append(Measurement(
        f"{tasks}/{updates}: import of a {tasks:,}-row return, empty", [*sd, "import", str(filled)],
        environment(scratch / "cache-return", scratch / "return-empty", small_catalogue), fresh_home=empty,
    ))
    if "huge" in sizes:
        # Only what the goals ask of it: a cold status within 1,000 MB and warm commands under a second.
        tasks, updates, catalogue, home = sizes["huge"]
        env = environment(scratch / f"cache-{tasks}x{updates}", home, catalogue)
        items.append(Measurement(f"{tasks}/{updates}: status, cold", [*sd, *commands["status"]], env, cold=True))
        items.append(Measurement(f"{tasks}/{updates}: status, warm", [*sd, *commands["status"]], env))
    items.extend(others(args, scratch))
    for tasks, updates, catalogue, home in (sizes["small"], sizes["large"]):
        prefix = f"{tasks}/{updates}"
        cache = scratch / f"cache-{tasks}x{updates}"
        env = environment(cache, home, catalogue)
        parse = [sys.executable, "-c", PARSE, str(catalogue), str(home / "progress.toml")]
        items.append(Measurement(f"{prefix}: parse once ({parser_name()})", parse, env))
        for name, rest in commands.items():
            # The cold run fills the cache for the warm run that follows it.
            items.append(Measurement(f"{prefix}: {name}, cold", [*sd, *rest], env, cold=True))
            items.append(Measurement(f"{prefix}: {name}, warm", [*sd, *rest], env))
            if name == "list":
                # Right after the piped warm list, before anything empties the cache they share.
                items.append(Measurement(
                    f"{prefix}: list, warm, on a terminal", [*sd, *rest], terminal_env(env), terminal=True,
                ))
        # Each mark appends a line, so every run gets its own copy of the workspace.
        mark = [*sd, "mark", "IND-01-C001", "--value", "5", "--date", AS_OF]
        mark_env = environment(cache, scratch / f"mark-{tasks}x{updates}", catalogue)
        items.append(Measurement(f"{prefix}: mark, cold", mark, mark_env, cold=True, fresh_home=home))
        items.append(Measurement(f"{prefix}: mark, warm", mark, mark_env, fresh_home=home))
        # The first look after a mark: every run starts from the same store and the cache a warm status
        # left for it, records one mark (untimed), then looks.
        after_env = environment(scratch / f"cache-after-{tasks}x{updates}", scratch / f"after-{tasks}x{updates}", catalogue)
        looks = ("status", "list", "status --area", "compare", "report --md")
        kept = kept_cache(sd, home, after_env, scratch / f"cache-kept-{tasks}x{updates}", [commands[name] for name in looks])
        for name in looks:
            items.append(Measurement(
                f"{prefix}: {name} right after a mark", [*sd, *commands[name]], after_env,
                cache_from=kept, fresh_home=home, before=mark,
            ))
    return items, sizes


def terminal_env(env: dict[str, str]) -> dict[str, str]:
    return {**{k: v for k, v in env.items() if k != "NO_COLOR"}, "TERM": "xterm-256color", "COLUMNS": "160"}


def kept_cache(sd: list[str], home: Path, env: dict[str, str], out: Path, looks: list[list[str]]) -> Path:
    """A copy of the cache as `looks` (each run once, from an empty cache, on `home` copied to env's
    home) leave it: the office, recording all month, has looked at its workspace before each mark.
    Made again at every run, even in a kept --workdir: entries are keyed on the code that made them,
    so a copy left by other code would make every look after a mark a cold one."""
    work_home, cache = Path(env["SDPOLICY_HOME"]), Path(env["SDPOLICY_CACHE"])
    for folder in (work_home, cache, out):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(home, work_home)
    for look in looks:
        run_once([*sd, *look], env)
    shutil.copytree(cache, out)
    return out


def write_batch(path: Path, rows: int) -> Path:
    """A CSV for mark --from: `rows` rows over the shipped tasks, a figure or a state as each takes.

    Written by a child process: a benchmark that imported sdpolicy itself would be 40 MB, and every
    process it forks starts its peak memory (ru_maxrss) from there."""
    script = (
        "import sys\n"
        "from sdpolicy.catalogue import load_catalogue, shipped_catalogue\n"
        "tasks = load_catalogue(shipped_catalogue()).tasks\n"
        "lines = ['id,value,state,date']\n"
        "for n in range(int(sys.argv[2])):\n"
        "    task = tasks[n % len(tasks)]\n"
        "    day = f'2006-{3 + n // len(tasks) % 10:02d}-28'\n"
        "    if task.target.numeric:\n"
        "        lines.append(f'{task.id},{(task.target.goal or 0) * (n % 7 + 1) / 8:g},,{day}')\n"
        "    else:\n"
        "        lines.append(f'{task.id},,in-progress,{day}')\n"
        "open(sys.argv[1], 'w', encoding='utf-8').write('\\n'.join(lines) + '\\n')\n"
    )
    subprocess.run([sys.executable, "-c", script, str(path), str(rows)], check=True)
    return path


def write_return(sd: list[str], folder: Path, catalogue: Path) -> Path:
    """The return `template` writes for every task of `catalogue` (September 2006), filled in with
    openpyxl by a child process: a figure for a task with a number as its target, else a state."""
    filled = folder / "filled.xlsx"
    if filled.exists():
        return filled
    folder.mkdir(parents=True, exist_ok=True)
    blank = folder / "blank.xlsx"
    env = environment(folder / "cache", folder / "home", catalogue)
    subprocess.run([*sd, "template", "--period", "2006-09", "--lang", "en", "-o", str(blank)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "import openpyxl\n"
        "from sdpolicy.catalogue import load_catalogue\n"
        "tasks = load_catalogue(Path(sys.argv[1])).tasks_by_id\n"
        "book = openpyxl.load_workbook(sys.argv[2])\n"
        "sheet = book.worksheets[0]\n"
        "header = next(r for r in range(1, 10) if sheet.cell(r, 1).value == 'ID')\n"
        "columns = {sheet.cell(header, c).value: c for c in range(1, sheet.max_column + 1)}\n"
        "for row in range(header + 1, sheet.max_row + 1):\n"
        "    task = tasks[sheet.cell(row, 1).value]\n"
        "    if task.target.numeric:\n"
        "        sheet.cell(row, columns['Value']).value = 10\n"
        "    else:\n"
        "        sheet.cell(row, columns['State']).value = 'in-progress'\n"
        "    sheet.cell(row, columns['Note']).value = '按计划推进'\n"
        "book.save(sys.argv[3])\n"
    )
    subprocess.run([sys.executable, "-c", script, str(catalogue), str(blank), str(filled)], check=True)
    return filled


def others(args: argparse.Namespace, scratch: Path) -> list[Measurement]:
    """Taskwarrior and hledger on comparable data, where they are installed (Debian: taskwarrior,
    hledger); each is left out, saying so, where it is not."""
    items: list[Measurement] = []
    counts = [] if args.others.lower() == "none" else [int(n) for n in args.others.split(",")]
    task = shutil.which("task")
    if not counts:
        pass
    elif task is None:
        print("Taskwarrior is not installed (Debian: apt install taskwarrior): its rows are left out", file=sys.stderr)
    else:
        for count in counts:
            data = scratch / f"task-{count}"
            if not (data / "pending.data").exists():
                data.mkdir(parents=True, exist_ok=True)
                tasks = [
                    {"description": f"Task {n} of the plan", "project": f"area{n % 7}", "status": "pending",
                     "entry": "20060101T000000Z", "due": "20061231T000000Z", "uuid": f"00000000-0000-4000-8000-{n:012d}"}
                    for n in range(count)
                ]
                (scratch / f"task-{count}.json").write_text(json.dumps(tasks), encoding="utf-8")
                subprocess.run([task, "rc.confirmation=off", "import", str(scratch / f"task-{count}.json")],
                               env=task_env(scratch, data), check=True, capture_output=True)
            env = task_env(scratch, scratch / f"task-{count}-work")
            for name, rest in (("list", ["list"]), ("summary", ["summary"])):
                items.append(Measurement(f"taskwarrior {count}: task {name}", [task, *rest], env, fresh_home=data))
            items.append(Measurement(
                f"taskwarrior {count}: task add", [task, "add", "Report the county figures"], env, fresh_home=data,
            ))
    hledger = shutil.which("hledger")
    if not counts:
        pass
    elif hledger is None:
        print("hledger is not installed (Debian: apt install hledger): its row is left out", file=sys.stderr)
    else:
        postings = 10 * max(counts)
        journal = scratch / f"ledger-{postings}.journal"
        if not journal.exists():
            entries = []
            for n in range(postings // 2):
                entries.append(
                    f"2006-{1 + n % 12:02d}-{1 + n % 28:02d} county {n % 157} return\n"
                    f"    expenses:area{n % 7}:county{n % 157}  {n % 1000 + 1} CNY\n    assets:budget\n"
                )
            journal.write_text("\n".join(entries), encoding="utf-8")
        env = {**os.environ, "LEDGER_FILE": str(journal)}
        items.append(Measurement(f"hledger {postings:,} postings: hledger bal", [hledger, "-f", str(journal), "bal"], env))
    return items


def task_env(scratch: Path, data: Path) -> dict[str, str]:
    rc = scratch / "taskrc"
    rc.write_text("confirmation=off\nverbose=nothing\nnews.version=99\n", encoding="utf-8")
    return {**os.environ, "TASKRC": str(rc), "TASKDATA": str(data), "SDPOLICY_HOME": str(data), "SDPOLICY_CACHE": str(scratch / "unused")}


def measure(args: argparse.Namespace, scratch: Path) -> dict:
    measurements, sizes = measurements_for(args, scratch)
    # One untimed round compiles an editable checkout's bytecode, fills the caches of warm runs and
    # samples each measurement's memory, children included; the timed rounds add ru_maxrss.
    for item in measurements:
        item.sample()
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
    batch = next(name for name in r if name.startswith("shipped: mark --from"))
    imported = next(name for name in r if ": import of a " in name)
    goals = [
        ("list (shipped) / floor", r["shipped: list"] / floor, 1.2),
        (f"status right after a mark ({large}) / status warm ({large})",
         r[f"{large}: status right after a mark"] / r[f"{large}: status, warm"], 1.5),
        (f"list on a terminal, warm ({large}) / list warm ({large})",
         r[f"{large}: list, warm, on a terminal"] / r[f"{large}: list, warm"], 1.5),
        (f"{imported.split(': ', 1)[1]} / mark (shipped, empty)", r[imported] / r["shipped: mark"], 3.0),
        (f"{batch.split(': ', 1)[1]} (empty) / mark (shipped, empty)", r[batch] / r["shipped: mark"], 3.0),
        (f"mark warm ({large}) / mark (shipped, empty)", r[f"{large}: mark, warm"] / r["shipped: mark"], 1.5),
        (f"status cold ({large}) / {parse.split(': ', 1)[1]}", r[f"{large}: status, cold"] / r[parse], 0.75),
    ]
    if "huge" in sizes:
        huge = f"{sizes['huge'][0]}/{sizes['huge'][1]}"
        goals.append((f"status cold ({huge}), seconds", r[f"{huge}: status, cold"], 10.0))
        goals.append((f"peak MB, status cold ({huge})", results[f"{huge}: status, cold"].max_rss_mb, 1000.0))
        goals.append((f"status warm ({huge}), seconds", r[f"{huge}: status, warm"], 1.0))
    print("\nGoals (measured side by side in this run)")
    for name, value, limit in goals:
        print(f"  {name:<62} {value:8.2f}  (goal <= {limit:g})  {'met' if value <= limit else 'NOT MET'}")
    # The goal is timed piped, as every figure here is; a person at a terminal gets colour and folding.
    on_terminal = r["shipped: list, on a terminal"] / floor
    print(f"  {'list on a terminal (shipped) / floor, for comparison':<62} {on_terminal:8.2f}")
    # Other tools on comparable data: a ratio above 1 means sdpolicy takes longer.
    comparisons = {}
    counts = sorted({int(name.split()[1].rstrip(":")) for name in r if name.startswith("taskwarrior ")})
    pairs = []
    for count, size in zip(counts, (small, large)):
        for theirs, ours in (("task list", "list, warm"), ("task summary", "status, warm"), ("task add", "mark, warm")):
            pairs.append((f"taskwarrior {count}: {theirs}", f"{size}: {ours}"))
    for name in r:
        if name.startswith("hledger"):
            # hledger reads its whole journal every time: beside a first look and a full read.
            pairs += [(name, f"{large}: status right after a mark"), (name, f"{large}: status, cold")]
    for other, ours in pairs:
        comparisons[f"{ours} / {other}"] = r[ours] / r[other]
    if comparisons:
        print("\nBeside other tools (sdpolicy / the other; same run)")
        for name, value in comparisons.items():
            print(f"  {name:<62} {value:8.2f}")

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
        "other_tools": comparisons,
        "growth": {"size_ratio": size_ratio, "commands": growth},
    }


if __name__ == "__main__":
    main()
