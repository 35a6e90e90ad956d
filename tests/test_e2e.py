"""End to end: the installed `sdpolicy` run in a subprocess, as a user or a script runs it.

The main flow (mark, list, status, undo, report) with the lights worked out by hand at chosen
--as-of dates, a few refusals, and what reaches a pipe or a terminal (no escape codes when piped,
NO_COLOR honoured on a terminal).
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys

import pytest

from conftest import ANSI, sdpolicy_command
from sdpolicy import __version__

RECORD_ID = re.compile(r"r-[0-9a-z]{10}")


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, (result.returncode, result.stderr)
    assert result.stderr == ""
    assert not ANSI.search(result.stdout)
    return result.stdout


def row(stdout: str, task_id: str) -> list[str]:
    (line,) = [line for line in stdout.splitlines() if line.startswith(task_id + " ")]
    return [cell.strip() for cell in line.split("|")]


def test_main_flow(run, sdpolicy_home, tmp_path):
    # Nothing recorded yet: grey until the first monthly report is due (2006-02-28), and no store
    # written by reading. By 07-01 five reports (February to June) are missed: red.
    assert row(ok(run("list", "--as-of", "2006-02-27")), "IND-01")[5] == "○ grey"
    assert row(ok(run("list", "--as-of", "2006-07-01")), "IND-01")[5] == "● red"
    assert not (sdpolicy_home / "progress.toml").exists()

    out = ok(run("mark", "IND-01", "--value", "120", "--date", "2006-06-30", "--by", "省经贸委", "--note", "[red]x[/red]"))
    (first,) = RECORD_ID.findall(out)
    assert out == f"recorded {first}: IND-01 120 enterprises on 2006-06-30\n"
    assert (sdpolicy_home / "progress.toml").is_file()

    # IND-01: 200 enterprises from the plan start 2006-02-16 to 2006-12-31, 318 days; 120 is 60 %.
    # 2006-07-01: 135/318 days = 42.5 % expected, 17.5 points ahead: green.
    cells = row(ok(run("list", "--as-of", "2006-07-01")), "IND-01")
    assert cells[3:7] == ["120 enterprises", "60.0%", "● green", "2006-12-31"]
    # 2006-07-31: July's report is due and there is none: not reported (it would be green: 60 % at
    # 165/318 = 51.9 % expected).
    assert row(ok(run("list", "--as-of", "2006-07-31")), "IND-01")[5] == "◌ not reported"
    # 2006-08-31: July and August missed, two in a row: red.
    assert row(ok(run("list", "--as-of", "2006-08-31")), "IND-01")[5] == "● red"
    assert "no report for 2 periods in a row (to 2006-08; last report 2006-06-30)" in ok(
        run("show", "IND-01", "--as-of", "2006-08-31"))
    # 2006-12-15: 302/318 = 95.0 % expected, 35.0 points behind: red (and months missed).
    assert row(ok(run("list", "--as-of", "2006-12-15")), "IND-01")[5] == "● red"
    # 2007-01-15: past the deadline and short of 200: red, overdue.
    assert row(ok(run("list", "--as-of", "2007-01-15")), "IND-01")[5] == "● red"
    shown = ok(run("show", "IND-01", "--as-of", "2007-01-15"))
    assert "past its deadline 2006-12-31 and not done" in shown
    assert "[red]x[/red]" in shown  # the note, literally

    # EGOV-10: every county (100 %) from 75 % in 2005; 90 % is (90-75)/(100-75) = 60 % of the way.
    out = ok(run("mark", "egov-10", "--value", "90", "--date", "2006-06-30"))
    (second,) = RECORD_ID.findall(out)
    tasks = json.loads(ok(run("list", "--json", "--area", "电子政务", "--as-of", "2006-07-01")))["tasks"]
    (egov10,) = [t for t in tasks if t["id"] == "EGOV-10"]
    assert (egov10["percent"], egov10["light"]) == (60.0, "green")

    # status: industry has one green of 13 tasks and 12 that never reported (red), mean completion
    # 60/13 = 4.6 %.
    status = ok(run("status", "--as-of", "2006-07-01"))
    industry = [c.strip() for c in next(l for l in status.splitlines() if l.startswith("IT transformation")).split("|")]
    assert industry[1:] == ["13", "0", "1", "0", "12", "0", "0", "4.6%"]

    # undo retracts the latest (EGOV-10); the log keeps both; EGOV-10 has never reported again: red.
    out = ok(run("undo", "--note", "wrong county count"))
    (target, retraction) = RECORD_ID.findall(out)
    assert target == second
    log = json.loads(ok(run("log", "--json")))["records"]
    assert [r["id"] for r in log] == [retraction, second, first]
    assert log[1]["retracted_by"] == retraction
    assert json.loads(ok(run("show", "EGOV-10", "--json", "--as-of", "2006-07-01")))["task"]["light"] == "red"

    # report --md -o FILE: the file, nothing on stdout.
    briefing = tmp_path / "briefing.md"
    assert ok(run("report", "--md", "-o", str(briefing), "--as-of", "2006-12-15")) == ""
    text = briefing.read_text(encoding="utf-8")
    assert text.startswith("# Key points of Shandong's 2006 informatization work: progress report\n")
    assert "As of 2006-12-15" in text
    assert text == ok(run("report", "--md", "--as-of", "2006-12-15"))

    # Done when the target is met, even after the deadline.
    ok(run("mark", "IND-01", "--value", "200", "--date", "2006-12-20"))
    assert row(ok(run("list", "--as-of", "2007-01-15")), "IND-01")[5] == "✔ done"


def test_refusals(run, sdpolicy_home):
    result = run("show", "EGOV-99")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "Error: unknown task 'EGOV-99'; did you mean EGOV-09, EGOV-14 or EGOV-13?\n"

    ok(run("mark", "IND-01", "--value", "120", "--date", "2006-06-30"))
    store = sdpolicy_home / "progress.toml"
    before = store.read_bytes()
    for args in (["--value", "nan"], ["--value", "1", "--date", "2006-02-30"]):
        result = run("mark", "IND-01", *args)
        assert result.returncode == 2, args
        assert result.stdout == ""
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
        assert "Traceback" not in result.stderr
    assert store.read_bytes() == before

    result = run("list", "--light", "purple")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("Error: unknown light 'purple'")


def test_click_usage_errors_go_to_stderr(run):
    result = run("list", "--no-such-option")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "No such option" in result.stderr


def test_version(run):
    assert ok(run("--version")) == f"sdpolicy {__version__}\n"


def test_module_entry_point(sdpolicy_home):
    result = subprocess.run(
        [sys.executable, "-m", "sdpolicy", "--version"], capture_output=True, text=True, timeout=60,
    )
    assert (result.returncode, result.stdout) == (0, f"sdpolicy {__version__}\n")


def test_piped_output_has_no_escape_codes(run):
    # ok() checks every output of the main flow too; these are the commands it does not run.
    ok(run("mark", "IND-01", "--value", "120", "--date", "2006-06-30"))
    for args, expected in ((["status", "--area", "industry"], "IND-01"), (["compare", "--area", "city"], "internet-users")):
        out = ok(run(*args, "--as-of", "2006-07-01"))
        assert expected in out
        assert "\x1b" not in out, args


# ---------------------------------------------------------------------------------------------
# On a terminal

SGR = re.compile(r"\x1b\[([0-9;]*)m")


def colour_codes(text: str) -> set[str]:
    """SGR parameters that set a colour (foreground or background, 8, 16, 256 or true colour)."""
    found = set()
    for params in SGR.findall(text):
        for p in params.split(";"):
            if p.isdigit() and (30 <= int(p) <= 49 or 90 <= int(p) <= 107):
                found.add(p)
    return found


def run_on_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run sdpolicy with its stdout on a pseudo-terminal and return what it wrote there."""
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            sdpolicy_command() + args, stdout=follower, stderr=subprocess.PIPE, env={**os.environ, **env},
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
        assert process.returncode == 0, process.stderr.read() if process.stderr else ""
        process.stderr.close()
    finally:
        os.close(leader)
    return b"".join(chunks).decode("utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_terminal_gets_colour_and_no_color_turns_it_off(run):
    ok(run("mark", "IND-01", "--value", "120", "--date", "2006-06-30"))
    args = ["list", "--search", "IND-01", "--as-of", "2006-07-01"]
    terminal = {"TERM": "xterm-256color", "COLUMNS": "250"}
    coloured = run_on_terminal(args, terminal)
    assert "IND-01" in coloured
    assert colour_codes(coloured), "a terminal should get coloured lights"
    plain = run_on_terminal(args, {**terminal, "NO_COLOR": "1"})
    assert "IND-01" in plain and "green" in plain
    assert colour_codes(plain) == set()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_a_narrow_terminal_gets_every_row_folded_to_its_width(run):
    from rich.cells import cell_len

    out = run_on_terminal(["list", "--area", "e-gov", "--lang", "zh"], {"TERM": "xterm-256color", "COLUMNS": "72"})
    lines = ANSI.sub("", out).replace("\r\n", "\n").splitlines()
    assert max(cell_len(line) for line in lines) <= 72
    # EGOV-01's title is folded over several lines, not cut: read down its column, all of it is there.
    title = "制定下发《山东省电子政务建设指导意见》"
    assert title not in out
    start = next(i for i, line in enumerate(lines) if line.startswith("EGOV-01 "))
    end = next(i for i, line in enumerate(lines) if line.startswith("EGOV-02 "))
    column = [re.split(r" {2,}", line.strip())[0 if i else 1] for i, line in enumerate(lines[start:end])]
    assert "".join(column).startswith(title)
