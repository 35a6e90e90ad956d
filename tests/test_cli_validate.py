"""`sdpolicy validate`: the summary of a valid catalogue, every problem of an invalid one, exit codes.

The invalid catalogues are a data-driven corpus: `data/catalogue/invalid/<name>.toml` (or a directory
`<name>/`) is `valid/minimal.toml` (or `valid/split/`) with one fault, and `<name>.expected` holds the
exact stderr `sdpolicy validate <name>.toml` must print, run from that directory.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sdpolicy.catalogue import shipped_catalogue
from sdpolicy.cli import app
from sdpolicy.errors import EXIT_DATAERR, EXIT_NOINPUT

HERE = Path(__file__).resolve().parent
CATALOGUES = HERE / "data" / "catalogue"
VALID = CATALOGUES / "valid"
INVALID = CATALOGUES / "invalid"
MINIMAL = VALID / "minimal.toml"

CASES = sorted(p for p in INVALID.iterdir() if p.suffix == ".toml" or p.is_dir())
VALID_CATALOGUES = sorted(p for p in VALID.iterdir() if p.suffix == ".toml" or p.is_dir())

# The kinds of mistake the corpus must cover (issue 2); more cases are welcome, none may go missing.
REQUIRED_CASES = {
    "syntax-error", "not-utf8", "bom", "missing-field", "wrong-type", "duplicate-task-id",
    "duplicate-indicator-id", "unknown-area", "link-to-missing-indicator", "baseline-to-missing-indicator",
    "baseline-unit-mismatch", "range-min-above-max", "impossible-date", "date-as-string",
    "unknown-target-kind", "unknown-field", "deadline-before-start", "unknown-source-document",
    "quote-too-long", "missing-plan",
}
# Cases whose only possible position is in the file's bytes: they must say line and column.
POSITIONED_CASES = {"syntax-error", "not-utf8", "bom", "impossible-date", "unclosed-string"}
# How many separate edits each case makes to its valid base (one fault each, unless named here).
FAULTS = {"several-problems": 3, "dir-two-bad-files": 2}

EN = {"SDPOLICY_LANG": "en", "SDPOLICY_CATALOGUE": None, "NO_COLOR": "1"}


def run(*args: str, env: dict[str, str | None] | None = None):
    return CliRunner().invoke(app, list(args), env={**EN, **(env or {})})


def expected(case: Path) -> str:
    return (INVALID / f"{case.stem if case.is_file() else case.name}.expected").read_text(encoding="utf-8")


def name(case: Path) -> str:
    return case.stem if case.is_file() else case.name


# ---------------------------------------------------------------------------------------------
# The corpus itself


def test_the_corpus_covers_every_required_kind_of_mistake():
    assert REQUIRED_CASES <= {name(c) for c in CASES}


def test_every_case_has_its_expected_stderr_and_every_expected_file_has_its_case():
    cases = {name(c) for c in CASES}
    expectations = {p.stem for p in INVALID.glob("*.expected")}
    assert cases == expectations


def _differences(old: str, new: str) -> int:
    """The number of separate edits (hunks) that turn `old` into `new`, line by line."""
    matcher = difflib.SequenceMatcher(a=old.splitlines(), b=new.splitlines(), autojunk=False)
    return sum(1 for tag, *_ in matcher.get_opcodes() if tag != "equal")


@pytest.mark.parametrize("case", CASES, ids=name)
def test_each_invalid_catalogue_is_its_valid_base_with_one_fault(case: Path):
    if case.is_dir():
        pairs = [(VALID / "split" / f.name, f) for f in sorted(case.glob("*.toml"))]
        assert sorted(f.name for _, f in pairs) == sorted(f.name for f in (VALID / "split").glob("*.toml"))
    else:
        pairs = [(MINIMAL, case)]
    edits = 0
    for base, faulty in pairs:
        data = faulty.read_bytes()
        if data.startswith(b"\xef\xbb\xbf"):  # a byte-order mark is the fault: the rest is the base
            assert data[3:] == base.read_bytes()
            edits += 1
            continue
        edits += _differences(base.read_text(encoding="utf-8"), data.decode("utf-8", errors="replace"))
    assert edits == FAULTS.get(name(case), 1)


# ---------------------------------------------------------------------------------------------
# Invalid catalogues: every problem, exactly as expected, on stderr; nothing on stdout; exit 65


@pytest.mark.parametrize("case", CASES, ids=name)
def test_an_invalid_catalogue_prints_every_problem_exactly(case: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(INVALID)
    result = run("validate", case.name)
    assert result.stderr == expected(case)
    assert result.stdout == ""
    assert result.exit_code == EXIT_DATAERR


@pytest.mark.parametrize("case", CASES, ids=name)
def test_each_problem_line_starts_with_its_place(case: Path):
    *problems, summary = expected(case).splitlines()
    count = len(problems)
    assert summary == f"Error: {case.name} has {count} problem{'s' if count != 1 else ''}"
    position = r"(:\d+:\d+)" if name(case) in POSITIONED_CASES else r"(:\d+(:\d+)?)?"
    for line in problems:
        assert re.match(re.escape(case.name) + r"(/[\w.-]+\.toml)?" + position + r": \S", line), line
        assert "Traceback" not in line


def test_a_problem_in_a_task_names_the_task_and_the_line_of_the_faulty_field(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(INVALID)
    stderr = run("validate", "date-as-string.toml").stderr
    line = int(stderr.split(":")[1])
    assert Path("date-as-string.toml").read_text(encoding="utf-8").splitlines()[line - 1] == 'deadline = "2006-09-30"'
    assert "task 'IND-03'" in stderr


def test_problems_are_listed_in_file_order_not_in_the_order_they_were_found(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(INVALID)
    *problems, _ = run("validate", "several-problems.toml").stderr.splitlines()
    lines = [int(p.split(":")[1]) for p in problems]
    assert len(lines) == 3 and lines == sorted(lines)


def test_an_absolute_path_is_reported_as_given(tmp_path: Path):
    faulty = tmp_path / "plan.toml"
    faulty.write_bytes((INVALID / "wrong-type.toml").read_bytes())
    result = run("validate", str(faulty))
    assert result.stderr == (
        f"{faulty}:49: task 'IND-01': field 'target.value' must be a number, not the text '200'\n"
        f"Error: {faulty} has 1 problem\n"
    )
    assert result.exit_code == EXIT_DATAERR


# ---------------------------------------------------------------------------------------------
# Valid catalogues: one line on stdout, nothing on stderr, exit 0


@pytest.mark.parametrize("path", VALID_CATALOGUES, ids=lambda p: p.name)
def test_every_valid_catalogue_validates(path: Path):
    result = run("validate", str(path))
    assert result.stderr == ""
    assert result.stdout == f"{path}: valid, 5 tasks, 4 indicators, 2 areas\n"
    assert result.exit_code == 0


def test_the_valid_corpus_has_a_file_and_a_directory():
    assert MINIMAL in VALID_CATALOGUES
    assert any(p.is_dir() for p in VALID_CATALOGUES)


def test_without_a_path_the_shipped_catalogue_is_validated():
    result = run("validate")
    assert result.stdout == f"{shipped_catalogue()}: valid, 89 tasks, 95 indicators, 7 areas\n"
    assert result.stderr == ""
    assert result.exit_code == 0


def test_the_catalogue_option_chooses_the_catalogue():
    result = run("validate", "--catalogue", str(MINIMAL))
    assert result.stdout == f"{MINIMAL}: valid, 5 tasks, 4 indicators, 2 areas\n"
    assert result.exit_code == 0


def test_the_environment_variable_chooses_the_catalogue():
    result = run("validate", env={"SDPOLICY_CATALOGUE": str(INVALID / "wrong-type.toml")})
    assert result.exit_code == EXIT_DATAERR
    assert result.stderr.endswith(f"Error: {INVALID / 'wrong-type.toml'} has 1 problem\n")
    assert result.stdout == ""


def test_the_option_wins_over_the_environment_variable():
    result = run(
        "validate", "--catalogue", str(MINIMAL), env={"SDPOLICY_CATALOGUE": str(INVALID / "wrong-type.toml")}
    )
    assert result.stdout == f"{MINIMAL}: valid, 5 tasks, 4 indicators, 2 areas\n"
    assert result.exit_code == 0


def test_the_path_argument_wins_over_the_option():
    result = run("validate", str(MINIMAL), "--catalogue", str(INVALID / "wrong-type.toml"))
    assert result.stdout == f"{MINIMAL}: valid, 5 tasks, 4 indicators, 2 areas\n"
    assert result.exit_code == 0


# ---------------------------------------------------------------------------------------------
# Missing input: exit 66 and one sentence


def test_a_missing_catalogue_exits_66(tmp_path: Path):
    missing = tmp_path / "nowhere.toml"
    result = run("validate", str(missing))
    assert result.stderr == f"Error: catalogue {missing} does not exist\n"
    assert result.stdout == ""
    assert result.exit_code == EXIT_NOINPUT


def test_a_directory_without_toml_files_exits_66(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("not a catalogue\n", encoding="utf-8")
    result = run("validate", str(tmp_path))
    assert result.stderr == f"Error: catalogue directory {tmp_path} holds no .toml files\n"
    assert result.exit_code == EXIT_NOINPUT


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a user that file modes can stop")
def test_an_unreadable_catalogue_exits_66(tmp_path: Path):
    locked = tmp_path / "plan.toml"
    locked.write_bytes(MINIMAL.read_bytes())
    locked.chmod(0)
    try:
        result = run("validate", str(locked))
    finally:
        locked.chmod(0o644)
    assert result.stderr == f"Error: catalogue {locked} cannot be read: Permission denied\n"
    assert result.exit_code == EXIT_NOINPUT


# ---------------------------------------------------------------------------------------------
# The installed command, run from somewhere else


def _installed_command() -> list[str]:
    beside = Path(sys.executable).with_name("sdpolicy")
    found = str(beside) if beside.exists() else shutil.which("sdpolicy")
    if found is None:
        pytest.skip("the sdpolicy command is not installed")
    return [found]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SDPOLICY_") and k != "PYTHONPATH"}
    return {**env, "SDPOLICY_LANG": "en", **extra}


def _shipped_catalogue_of_the_installed_package(cwd: Path) -> Path:
    code = "from sdpolicy.catalogue import shipped_catalogue; print(shipped_catalogue())"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=_clean_env(), capture_output=True, text=True, check=True
    )
    return Path(out.stdout.strip())


@pytest.mark.parametrize("how", ["command", "module"])
def test_the_installed_program_finds_the_shipped_catalogue_from_another_directory(tmp_path: Path, how: str):
    command = _installed_command() if how == "command" else [sys.executable, "-m", "sdpolicy"]
    result = subprocess.run(
        [*command, "validate"], cwd=tmp_path, env=_clean_env(), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    shipped = _shipped_catalogue_of_the_installed_package(tmp_path)
    assert result.stdout == f"{shipped}: valid, 89 tasks, 95 indicators, 7 areas\n"
    assert {p.name for p in shipped.glob("*.toml")} == {"plan.toml", "baselines.toml"}
    repository = HERE.parent
    if not shipped.is_relative_to(repository):
        # A non-editable install (as CI does it): the data travels inside the package.
        assert shipped.parts[-2:] == ("sdpolicy", "data")


def test_the_installed_program_honours_the_environment_variable(tmp_path: Path):
    faulty = INVALID / "unknown-area.toml"
    result = subprocess.run(
        [*_installed_command(), "validate"], cwd=tmp_path, env=_clean_env(SDPOLICY_CATALOGUE=str(faulty)),
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == EXIT_DATAERR
    assert result.stdout == ""
    assert result.stderr == (
        f"{faulty}:84: task 'EGOV-02': unknown area 'egov'; did you mean e-gov?\n"
        f"Error: {faulty} has 1 problem\n"
    )


def test_the_installed_program_reports_a_syntax_error_without_a_traceback(tmp_path: Path):
    (tmp_path / "plan.toml").write_bytes((INVALID / "impossible-date.toml").read_bytes())
    result = subprocess.run(
        [sys.executable, "-m", "sdpolicy", "validate", "plan.toml"], cwd=tmp_path, env=_clean_env(),
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == EXIT_DATAERR
    assert result.stderr == (
        "plan.toml:66:12: '2006-02-30' is not a valid date; write a day that exists as YYYY-MM-DD, "
        "such as 2006-09-30 (invalid date or datetime)\n"
        "Error: plan.toml has 1 problem\n"
    )


def test_a_directory_named_like_a_toml_file_inside_a_catalogue_exits_66(tmp_path: Path):
    shutil.copytree(CATALOGUES / "valid" / "split", tmp_path / "catalogue")
    (tmp_path / "catalogue" / "30-more.toml").mkdir()
    result = run("validate", str(tmp_path / "catalogue"))
    assert result.stderr == f"Error: catalogue {tmp_path / 'catalogue' / '30-more.toml'} is a directory, not a file\n"
    assert result.exit_code == EXIT_NOINPUT
