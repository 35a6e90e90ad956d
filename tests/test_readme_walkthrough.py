"""The README's first five minutes: the Quick start and "A month in the office", run as written.

Each `sdpolicy …` line of their shell blocks runs through the installed command, in order, in a
scratch workspace (the blocks' own `export SDPOLICY_HOME=…` lines are what the fixture does), so
a README that drifts from the program fails here.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import openpyxl
import pytest

from conftest import sdpolicy_command

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture
def run(sdpolicy_home: Path, tmp_path: Path):
    """The installed sdpolicy in the scratch workspace, run from a scratch directory (where -o
    writes), as a reader who follows the README would."""

    def execute(*args: str, cwd: Path = tmp_path) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "SDPOLICY_HOME": str(sdpolicy_home)}
        return subprocess.run(sdpolicy_command() + list(args), capture_output=True, text=True,
                              encoding="utf-8", env=environment, cwd=cwd, timeout=60)

    return execute


def section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def blocks(text: str, kind: str = "sh") -> list[str]:
    return re.findall(rf"^```{kind}\n(.*?)^```$", text, flags=re.S | re.M)


def commands(block: str) -> list[list[str]]:
    """The sdpolicy command lines of a shell block, without their comments."""
    found = []
    for line in block.splitlines():
        if line.startswith("sdpolicy "):
            found.append(shlex.split(line, comments=True)[1:])
    return found


def run_all(run, block: str, cwd: Path) -> list:
    results = []
    for argv in commands(block):
        result = run(*argv, cwd=cwd)
        assert result.returncode == 0, (argv, result.stderr)
        assert "Error" not in result.stderr, (argv, result.stderr)
        results.append(result)
    return results


def status(run, cwd: Path) -> dict:
    return json.loads(run("status", "--json", "--as-of", "2006-07-01", cwd=cwd).stdout)


def test_quick_start_ends_on_a_screen_that_is_true(run, tmp_path):
    text = section("Quick start")
    first, second, tests = blocks(text)
    assert "mktemp" in first and "SDPOLICY_HOME" in first  # tried in a scratch directory
    assert commands(first) == [["status", "--as-of", "2006-02-20"]]
    # Nothing recorded, four days into the plan: every one of the 81 tasks is grey, none red (issue
    # 14: the old Quick start judged them today, 20 years after their deadlines, and showed 81 red
    # tasks). On 1 July it would be 81 red: five monthly reports missed (issue 13's reporting rule).
    shown = json.loads(run("status", "--json", "--as-of", "2006-02-20", cwd=tmp_path).stdout)
    assert (shown["total"]["tasks"], shown["total"]["grey"], shown["total"]["red"]) == (81, 81, 0)
    assert status(run, tmp_path)["total"]["red"] == 81
    results = run_all(run, second, tmp_path)
    # The screen the README shows is the one the program prints, byte for byte.
    (screen,) = [b for b in blocks(text, "") if b.startswith("As of")]
    assert results[-1].stdout == screen
    # What the text says of it, worked by hand: IND-01 120 of 200 is 60 % against 42.5 % due,
    # green; PUB-04 0 of 3 to 5 hospitals, red; the other 79 red for five missed monthly reports.
    after = status(run, tmp_path)["total"]
    assert (after["green"], after["red"], after["grey"]) == (1, 80, 0)
    assert "progress.toml" in text and "~/.local/share/sdpolicy" in text and "--home DIR" in text
    assert commands(tests) == []  # the test command is pytest, not sdpolicy


def test_a_month_in_the_office_runs_as_written(run, tmp_path):
    text = section("A month in the office")
    (block,) = blocks(text)
    steps = commands(block)
    verbs = [argv[0] for argv in steps]
    for verb in ("mark", "undo", "log", "status", "list", "show", "report"):
        assert verb in verbs, verb
    results = run_all(run, block, tmp_path)
    # The correction: IND-11's 200 was retracted and 20 recorded, and the log keeps all three, by
    # the date each refers to: the retraction (dated the day it was made) first, then the two of
    # 06-25, the later entered first.
    log = json.loads(run("log", "IND-11", "--json", cwd=tmp_path).stdout)["records"]
    assert [(r["value"], r["in_effect"]) for r in log] == [(None, True), (20, True), (200, False)]
    assert "输错，应为20" in results[verbs.index("undo")].stdout + json.dumps(log, ensure_ascii=False)
    # The lights the closing paragraph names, worked by hand at 1 July (42.5 % of the year due):
    # IND-01 120/200 = 60 % green; EGOV-10 (88-75)/(100-75) = 52 % green; IND-11 20/80 = 25 %,
    # 17.5 points behind, yellow; ENV-05 blocked, red.
    rows = json.loads(run("list", "--json", "--as-of", "2006-07-01", cwd=tmp_path).stdout)["tasks"]
    lights = {r["id"]: r["light"] for r in rows}
    assert (lights["IND-01"], lights["EGOV-10"], lights["IND-11"], lights["ENV-05"]) == (
        "green", "green", "yellow", "red")
    red = results[verbs.index("list")].stdout
    assert "ENV-05" in red and "IND-11" not in red
    # The briefings were written: a Chinese web page and a workbook with its four sheets and more.
    html = (tmp_path / "2006-06.html").read_text(encoding="utf-8")
    assert html.startswith('<!DOCTYPE html>\n<html lang="zh-CN">') and "互联网用户数" in html
    book = openpyxl.load_workbook(tmp_path / "2006-06.xlsx")
    assert book.sheetnames[:2] == ["汇总", "任务"]
    assert "11.8 million" in text and "over 10 million" in text
