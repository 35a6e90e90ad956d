"""Damaged stores through the command line, and `sdpolicy check`.

`data/damaged/` is a corpus of progress.toml files, each with one kind of damage (two torn tails and
a CRLF file are there as the cases that are *not* damage). `data/damaged/cases.toml` pins what
`sdpolicy check` prints for each (exit code, stdout, every stderr line) and what `sdpolicy list` and
`sdpolicy mark` print; a damaged store must come out of all three byte-identical.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from conftest import installed_shipped_catalogue, sdpolicy_command
from sdpolicy import store
from sdpolicy.catalogue import load_catalogue, shipped_catalogue
from sdpolicy.errors import EXIT_DATAERR, EXIT_NOINPUT, EXIT_OK

DAMAGED = Path(__file__).parent / "data" / "damaged"
CASES = tomllib.loads((DAMAGED / "cases.toml").read_text(encoding="utf-8"))["case"]
PLAN = load_catalogue()
SUMMARY = (
    "all is well: {file} holds {records} ({retractions}) on {tasks_used} and {indicators_used}; "
    "the shipped catalogue ({catalogue}) has {tasks} tasks and {indicators} indicators"
)


def fill(lines: list[str], path: Path, catalogue: Path | None = None) -> str:
    """The expected lines with their placeholders filled; `catalogue` is where the program that ran
    finds its shipped catalogue (this process's by default)."""
    text = "".join(line + "\n" for line in lines)
    # Messages hold braces of their own ("id = { … }"), so the placeholders are replaced, not formatted.
    for name, value in (
        ("file", path), ("catalogue", catalogue or shipped_catalogue()), ("tasks", len(PLAN.tasks)),
        ("indicators", len(PLAN.indicators)),
    ):
        text = text.replace("{" + name + "}", str(value))
    return text


def install(case: dict, home: Path) -> tuple[Path, bytes]:
    home.mkdir(parents=True, exist_ok=True)
    path = store.progress_path(home)
    shutil.copyfile(DAMAGED / case["file"], path)
    return path, path.read_bytes()


def test_the_corpus_has_at_least_twelve_damaged_stores():
    assert len([c for c in CASES if c["check_code"] != EXIT_OK]) >= 12


def test_every_corpus_file_has_its_case_and_every_case_its_file():
    files = sorted(p.name for p in DAMAGED.iterdir() if p.name != "cases.toml")
    assert sorted(c["file"] for c in CASES) == files


def test_every_failing_check_lists_each_problem_with_file_line_and_column():
    for case in CASES:
        if case["check_code"] == EXIT_OK:
            continue
        *problems, last = case["check_stderr"]
        assert problems and last.startswith("Error: found ")
        for problem in problems:
            place = problem.split(": ", 1)[0]
            assert place.startswith("{file}:") and len(place.split(":")) == 3 and all(
                part.isdigit() for part in place.split(":")[1:]
            ), problem


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_check_reports_the_damaged_store_exactly(case, sdpolicy_home, run):
    path, before = install(case, sdpolicy_home)
    result = run("check")  # the installed program, in its own process
    # After `pip install .` the installed program's catalogue is in site-packages, not in this checkout.
    catalogue = installed_shipped_catalogue()
    assert (result.returncode, result.stdout, result.stderr) == (
        case["check_code"], fill(case["check_stdout"], path, catalogue), fill(case["check_stderr"], path, catalogue)
    )
    assert "Traceback" not in result.stderr
    # check only reads: not a byte changes, and it neither takes the lock nor sets a torn tail aside.
    assert path.read_bytes() == before
    assert sorted(p.name for p in sdpolicy_home.iterdir()) == ["progress.toml"]


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_list_reports_the_damaged_store_exactly(case, sdpolicy_home, cli):
    path, before = install(case, sdpolicy_home)
    result = cli("list", "--json")
    assert (result.exit_code, result.stderr) == (case["list_code"], fill(case["list_stderr"], path))
    if case["list_code"] == EXIT_OK:
        assert len(json.loads(result.stdout)["tasks"]) == len(PLAN.tasks)
    else:
        assert result.stdout == ""
    assert path.read_bytes() == before


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_mark_refuses_a_damaged_store_and_leaves_it_byte_identical(case, sdpolicy_home, cli):
    path, before = install(case, sdpolicy_home)
    result = cli("mark", "IND-01", "--value", "9", "--date", "2006-05-03")
    assert result.exit_code == case["list_code"]
    if case["list_code"] != EXIT_OK:
        assert result.stdout == ""
        assert result.stderr == fill(case["list_stderr"], path)
        assert path.read_bytes() == before
        return
    # A store that is not damaged takes the record; a torn tail is moved to progress.toml.torn.
    assert result.stdout.startswith("recorded r-")
    after = path.read_bytes()
    torn = store.torn_path(sdpolicy_home)
    if before.endswith(b"\n"):
        assert after.startswith(before) and not torn.exists()
    else:
        cut = before.rfind(b"\n") + 1
        assert after.startswith(before[:cut])
        assert torn.read_bytes() == before[cut:] + b"\n"
    assert after.count(b"\n") == before[: before.rfind(b"\n") + 1].count(b"\n") + 1
    assert store.read_records(sdpolicy_home)[-1].value == 9
    # The new line adds no problem and hides none (a bad retraction is still reported, at the same place).
    checked = cli("check")
    assert checked.exit_code == case["check_code"]
    problems = [line for line in checked.stderr.splitlines() if not line.startswith("Warning: ")]
    expected = [line for line in fill(case["check_stderr"], path).splitlines() if not line.startswith("Warning: ")]
    assert problems == expected


# -- check beyond the corpus


def test_check_without_a_store_is_well(cli, sdpolicy_home):
    result = cli("check")
    path = store.progress_path(sdpolicy_home)
    assert (result.exit_code, result.stderr) == (EXIT_OK, "")
    assert result.stdout == SUMMARY.format(
        file=path, records="0 records", retractions="0 retractions", tasks_used="0 tasks",
        indicators_used="0 indicators", catalogue=shipped_catalogue(), tasks=len(PLAN.tasks),
        indicators=len(PLAN.indicators),
    ) + "\n"
    assert not sdpolicy_home.exists()


def test_check_counts_records_retractions_tasks_and_indicators(cli, mark, sdpolicy_home):
    mark("IND-01", "--value", "5", "--date", "2006-05-01")
    mark("IND-01", "--value", "6", "--date", "2006-05-02")
    mark("ENV-05", "--state", "in-progress", "--date", "2006-05-02")
    mark("internet-users", "--value", "1300", "--date", "2006-06-30")
    assert cli("undo").exit_code == 0
    result = cli("check")
    assert (result.exit_code, result.stderr) == (EXIT_OK, "")
    assert result.stdout == SUMMARY.format(
        file=store.progress_path(sdpolicy_home), records="5 records", retractions="1 retraction",
        tasks_used="2 tasks", indicators_used="1 indicator", catalogue=shipped_catalogue(),
        tasks=len(PLAN.tasks), indicators=len(PLAN.indicators),
    ) + "\n"


def test_check_speaks_chinese_when_asked(cli, mark, sdpolicy_home):
    mark("IND-01", "--value", "5", "--date", "2006-05-01")
    result = cli("check", "--lang", "zh")
    assert result.exit_code == EXIT_OK
    assert result.stdout == (
        f"检查通过：{store.progress_path(sdpolicy_home)} 共 1 条记录（其中撤回 0 条），涉及 1 项任务、0 个指标；"
        f"随附目录（{shipped_catalogue()}） 有 {len(PLAN.tasks)} 项任务、{len(PLAN.indicators)} 个指标\n"
    )


def test_check_names_the_catalogue_it_was_given(cli, tmp_path):
    catalogue = tmp_path / "plan-copy"
    shutil.copytree(shipped_catalogue(), catalogue)
    result = cli("check", "--catalogue", str(catalogue))
    assert result.exit_code == EXIT_OK
    assert result.stdout.endswith(f"; {catalogue} has {len(PLAN.tasks)} tasks and {len(PLAN.indicators)} indicators\n")


def test_check_reports_lines_set_aside_earlier(cli, sdpolicy_home):
    torn = next(c for c in CASES if c["file"] == "torn-tail.toml")
    install(torn, sdpolicy_home)
    assert cli("mark", "IND-01", "--value", "9", "--date", "2006-05-03").exit_code == EXIT_OK
    result = cli("check")
    assert result.exit_code == EXIT_OK
    assert result.stderr == (
        f"Warning: {store.torn_path(sdpolicy_home)}: holds 1 unfinished line set aside from interrupted writes; "
        "none was a record. Look at them and delete the file when done\n"
    )
    assert result.stdout.startswith(f"all is well: {store.progress_path(sdpolicy_home)} holds 3 records ")


def test_check_lists_the_problems_of_both_the_catalogue_and_the_store(cli, sdpolicy_home, tmp_path):
    case = next(c for c in CASES if c["file"] == "duplicate-id.toml")
    path, before = install(case, sdpolicy_home)
    catalogue = tmp_path / "bom.toml"
    catalogue.write_bytes(b"\xef\xbb\xbf" + (shipped_catalogue() / "plan.toml").read_bytes())
    result = cli("check", "--catalogue", str(catalogue))
    assert result.exit_code == EXIT_DATAERR
    assert result.stdout == ""
    assert result.stderr == (
        f"{catalogue}:1:1: the file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM\n"
        + fill(case["check_stderr"][:-1], path)
        + "Error: found 2 problems in the catalogue and the progress store; nothing was changed\n"
    )
    assert path.read_bytes() == before


def test_check_with_a_missing_catalogue_exits_66(cli, tmp_path):
    gone = tmp_path / "gone.toml"
    result = cli("check", "--catalogue", str(gone))
    assert (result.exit_code, result.stdout) == (EXIT_NOINPUT, "")
    assert result.stderr == (
        f"catalogue {gone} does not exist\n"
        "Error: found 1 problem in the catalogue and the progress store; nothing was changed\n"
    )


def test_check_with_a_store_that_is_a_directory_exits_66(cli, sdpolicy_home):
    store.progress_path(sdpolicy_home).mkdir(parents=True)
    result = cli("check")
    assert result.exit_code == EXIT_NOINPUT
    assert result.stderr == (
        f"progress store {store.progress_path(sdpolicy_home)} is a directory, not a file.\n"
        "Error: found 1 problem in the catalogue and the progress store; nothing was changed\n"
    )


def test_check_finds_every_reference_problem_in_a_long_store(cli, mark, sdpolicy_home):
    # Problems are listed in file order whatever order they are found in, and none is dropped.
    for n in range(30):
        mark("IND-01", "--value", str(n), "--date", "2006-05-01")
    path = store.progress_path(sdpolicy_home)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    bad = {10: "IND-98", 20: "IND-99"}
    for number, item in bad.items():
        lines[number - 1] = lines[number - 1].replace('task = "IND-01"', f'task = "{item}"')
    lines.insert(5, 'r-aaaaaaaaaa = { task = "IND-01", retracts = "r-bbbbbbbbbb", date = 2006-05-01, recorded_at = 2026-01-01T00:00:00Z }\n')
    path.write_text("".join(lines), encoding="utf-8")
    result = cli("check")
    assert result.exit_code == EXIT_DATAERR
    problems = result.stderr.splitlines()[:-1]
    assert [p.split(":")[1] for p in problems] == ["6", "11", "21"]
    assert "retracts 'r-bbbbbbbbbb', but the store has no record with that id" in problems[0]
    assert "names task 'IND-98'" in problems[1] and "names task 'IND-99'" in problems[2]
    assert result.stderr.splitlines()[-1] == "Error: found 3 problems in the catalogue and the progress store; nothing was changed"


def test_the_installed_program_is_the_one_tested():
    # The subprocess tests above must run sdpolicy, not something else on PATH.
    result = subprocess.run(sdpolicy_command() + ["check", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "Verify the catalogue and the progress store together" in result.stdout
