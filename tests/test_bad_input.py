"""Bad input is refused plainly: one sentence on stderr, a named exit code, no traceback, the store untouched.

Every refusal below runs against a store that already holds records, and checks that its bytes are
exactly what they were. Most run in-process (CliRunner) for speed; a few run the installed program,
where the claim is about what a real process prints (no traceback, undecodable argv bytes).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import assert_refused, sdpolicy_command
from sdpolicy import store
from sdpolicy.catalogue import shipped_catalogue
from sdpolicy.cli import app
from sdpolicy.errors import EXIT_DATAERR, EXIT_NOINPUT, EXIT_SOFTWARE, EXIT_USAGE

AREAS = (
    "industry (传统产业信息技术改造), public-service (社会公共服务信息化), e-gov (电子政务), city (城市信息化), "
    "resources (信息资源开发利用), security (网络与信息安全保障), environment (信息化发展环境)"
)


@pytest.fixture
def seeded(mark, store_file: Path) -> bytes:
    """A store with three records; the bytes every refusal must leave exactly as they are."""
    mark("IND-01", "--value", "5", "--date", "2006-05-01", "--by", "省经贸委")
    mark("internet-users", "--value", "1200", "--date", "2006-06-30")
    mark("IND-02", "--state", "in-progress", "--date", "2006-04-01", "--note", "第一批 ✓")
    return store_file.read_bytes()


# (command line, exit code, the sentence after "Error: "). {today} is filled in at run time.
REFUSALS = [
    # unknown ids, with the closest valid choices
    (["mark", "IND-99", "--value", "3"], EXIT_USAGE,
     "unknown task or indicator 'IND-99'; did you mean IND-09, IND-17 or IND-16?"),
    (["mark", "internet-user", "--value", "3"], EXIT_USAGE,
     "unknown task or indicator 'internet-user'; did you mean internet-users or fixed-phone-users?"),
    (["show", "XYZ-01"], EXIT_USAGE, "unknown task 'XYZ-01'; did you mean CITY-01?"),
    (["log", "IND-99"], EXIT_USAGE, "unknown task or indicator 'IND-99'; did you mean IND-09, IND-17 or IND-16?"),
    (["undo", "r-zzzzzzzzzz"], EXIT_USAGE, "unknown record 'r-zzzzzzzzzz'"),
    (["list", "--area", "egov"], EXIT_USAGE, f"unknown area 'egov'; did you mean e-gov? The areas are {AREAS}"),
    (["status", "--area", "xyz"], EXIT_USAGE, f"unknown area 'xyz'; the areas are {AREAS}"),
    # values
    (["mark", "IND-01", "--value", "abc"], EXIT_USAGE,
     "value 'abc' for task IND-01 is not a number; give a plain number such as 12.5"),
    (["mark", "IND-01", "--value", "1,000"], EXIT_USAGE,
     "value '1,000' for task IND-01 is not a number; give a plain number such as 12.5"),
    (["mark", "IND-01", "--value", "-3"], EXIT_USAGE, "value -3 for task IND-01 is negative; give 0 or more"),
    (["mark", "IND-01", "--value", "nan"], EXIT_USAGE,
     "value 'nan' for task IND-01 is not a finite number; give a plain number such as 12.5"),
    (["mark", "IND-01", "--value", "inf"], EXIT_USAGE,
     "value 'inf' for task IND-01 is not a finite number; give a plain number such as 12.5"),
    (["mark", "IND-01", "--value", "-inf"], EXIT_USAGE,
     "value '-inf' for task IND-01 is not a finite number; give a plain number such as 12.5"),
    (["mark", "IND-01", "--value", "1e400"], EXIT_USAGE,
     "value '1e400' for task IND-01 is not a finite number; give a plain number such as 12.5"),
    (["mark", "IND-01", "--value", "1e13"], EXIT_USAGE,
     "value 1e13 for task IND-01 is absurdly large; the largest accepted is 1e12"),
    (["mark", "EGOV-10", "--value", "101"], EXIT_USAGE,
     "value 101 for task EGOV-10 is above 100%; give a percentage from 0 to 100"),
    # a value where a state belongs, and a state where a value belongs
    (["mark", "IND-02", "--value", "3"], EXIT_USAGE,
     "task IND-02 has a milestone target; record a --state or --done, not a --value"),
    (["mark", "EGOV-08", "--value", "3"], EXIT_USAGE,
     "task EGOV-08 has a qualitative target; record a --state or --done, not a --value"),
    (["mark", "IND-01", "--state", "in-progress"], EXIT_USAGE,
     "task IND-01 has a count target; record a --value or --done, not a --state"),
    (["mark", "internet-users", "--done"], EXIT_USAGE,
     "indicator internet-users is a figure in 10k subscribers; record a --value, not --done"),
    (["mark", "IND-02", "--state", "inprogress"], EXIT_USAGE,
     "unknown state 'inprogress' for task IND-02; did you mean in-progress?"),
    (["mark", "IND-01"], EXIT_USAGE, "nothing to record for task IND-01; give a --value or --done"),
    (["mark", "IND-01", "--value", "3", "--done"], EXIT_USAGE,
     "give only one of --value, --state and --done for task IND-01; it takes a --value or --done"),
    # dates
    (["mark", "IND-01", "--value", "3", "--date", "2006-02-30"], EXIT_USAGE,
     "date '2006-02-30' is not a real date; use YYYY-MM-DD"),
    (["mark", "IND-01", "--value", "3", "--date", "2006-13-01"], EXIT_USAGE,
     "date '2006-13-01' is not a real date; use YYYY-MM-DD"),
    (["mark", "IND-01", "--value", "3", "--date", "2006/05/01"], EXIT_USAGE,
     "date '2006/05/01' is not in the form YYYY-MM-DD"),
    (["mark", "IND-01", "--value", "3", "--date", "2006-5-1"], EXIT_USAGE,
     "date '2006-5-1' is not in the form YYYY-MM-DD"),
    (["mark", "IND-01", "--value", "3", "--date", "2005-12-01"], EXIT_USAGE,
     "date 2005-12-01 for task IND-01 is before the plan began on 2006-02-16; give 2006-02-16 or later"),
    (["mark", "internet-users", "--value", "3", "--date", "2005-01-01"], EXIT_USAGE,
     "date 2005-01-01 for indicator internet-users is before its 2005 figure, which is as of 2005-11-30; "
     "give 2005-11-30 or later"),
    (["mark", "IND-01", "--value", "3", "--date", "2999-01-01"], EXIT_USAGE,
     "date 2999-01-01 for task IND-01 is in the future (today is {today}); give today or earlier"),
    (["list", "--as-of", "yesterday"], EXIT_USAGE, "date 'yesterday' is not in the form YYYY-MM-DD"),
    # over-long text
    (["mark", "IND-01", "--value", "3", "--note", "记" * 2001], EXIT_USAGE,
     "the note for task IND-01 is 2001 characters; keep it to 2000"),
    (["mark", "IND-01", "--value", "3", "--by", "x" * 201], EXIT_USAGE,
     "the name given with --by is 201 characters; keep it to 200"),
    (["undo", "--note", "n" * 2001], EXIT_USAGE, "the note for record {last} is 2001 characters; keep it to 2000"),
    # other options
    (["list", "--light", "purple"], EXIT_USAGE, "unknown light 'purple'; use one of done, green, yellow, red, unreported, grey"),
    (["mark", "IND-01", "--value", "3", "--lang", "fr"], EXIT_USAGE, "language 'fr' is not supported; use zh or en"),
]


def _id(case) -> str:
    return " ".join(arg if len(arg) < 20 else arg[:8] + "…" for arg in case[0])


@pytest.mark.parametrize(("args", "code", "message"), REFUSALS, ids=[_id(c) for c in REFUSALS])
def test_bad_command_lines_are_refused_with_one_sentence_and_the_store_untouched(
    cli, seeded, store_file, args, code, message
):
    last = store.read_records(store_file.parent)[-1].id
    # Today is read before and after: a run that crosses midnight words either.
    before = date.today().isoformat()
    result = cli(*args)
    refused = assert_refused(result, code)
    assert refused in {message.format(today=day, last=last) for day in (before, date.today().isoformat())}
    assert store_file.read_bytes() == seeded


def test_there_are_at_least_fifteen_pinned_refusals_and_every_code_is_a_named_constant():
    assert len(REFUSALS) >= 15
    assert {code for _, code, _ in REFUSALS} <= {EXIT_USAGE, EXIT_DATAERR, EXIT_NOINPUT}


def test_undo_on_an_empty_store_is_refused_and_creates_nothing(cli, store_file):
    assert assert_refused(cli("undo")) == "there is nothing to undo"
    assert not store_file.exists()


def test_a_refused_first_record_creates_no_store(cli, store_file):
    assert_refused(cli("mark", "IND-01", "--value", "-1"))
    assert not store_file.parent.exists() or not any(store_file.parent.iterdir())


# -- the installed program: no traceback, and bytes that are not UTF-8 on the command line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["mark", "IND-01", "--value", "nan"], "value 'nan' for task IND-01 is not a finite number; give a plain number such as 12.5"),
        (["mark", "ENV-05", "--value", "1"], "task ENV-05 has a milestone target; record a --state or --done, not a --value"),
        (["mark", "IND-01", "--value", "3", "--date", "2006-02-29"], "date '2006-02-29' is not a real date; use YYYY-MM-DD"),
    ],
)
def test_the_installed_program_refuses_without_a_traceback(run, seeded, store_file, args, message):
    result = run(*args)
    assert (result.returncode, result.stdout, result.stderr) == (EXIT_USAGE, "", f"Error: {message}\n")
    assert store_file.read_bytes() == seeded


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX argv are bytes")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([b"mark", b"IND-01", b"--value", b"3", b"--note", b"caf\xe9"],
         "the note holds bytes that are not valid UTF-8 text; retype it"),
        ([b"mark", b"IND-01", b"--value", b"3", b"--by", b"\xff\xfe"],
         "the name given with --by holds bytes that are not valid UTF-8 text; retype it"),
        ([b"mark", b"IND-\xff", b"--value", b"3"],
         "the task or indicator id holds bytes that are not valid UTF-8 text; retype it"),
    ],
)
def test_command_line_bytes_that_are_not_utf8_are_refused(seeded, sdpolicy_home, store_file, args, message):
    env = {**os.environ, "SDPOLICY_HOME": str(sdpolicy_home)}
    command = [os.fsencode(part) for part in sdpolicy_command()] + args
    result = subprocess.run(command, capture_output=True, env=env, timeout=60)
    assert result.returncode == EXIT_USAGE
    assert result.stdout == b""
    assert result.stderr.decode("utf-8") == f"Error: {message}\n"
    assert store_file.read_bytes() == seeded


# -- catalogues that cannot be used


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> Path:
    """A copy of the shipped catalogue (plan.toml and baselines.toml) to damage."""
    target = tmp_path / "catalogue"
    shutil.copytree(shipped_catalogue(), target)
    assert sorted(p.name for p in target.glob("*.toml")) == ["baselines.toml", "plan.toml"]
    return target


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def _damage(folder: Path, how: str) -> tuple[Path, str]:
    """Damage the copy one way; the catalogue path to give and the exact message expected."""
    plan = folder / "plan.toml"
    text = plan.read_text(encoding="utf-8")
    if how == "missing":
        gone = folder / "nowhere.toml"
        return gone, f"catalogue {gone} does not exist"
    if how == "empty-directory":
        empty = folder / "empty"
        empty.mkdir()
        return empty, f"catalogue directory {empty} holds no .toml files"
    if how == "not-utf8":
        needle = "电子政务"
        line = _line_of(text, needle)
        column = text.splitlines()[line - 1].encode("utf-8").index(needle.encode("utf-8")) + 1
        plan.write_bytes(text.encode("utf-8").replace(needle.encode("utf-8"), needle.encode("gbk"), 1))
        byte = needle.encode("gbk")[0]
        return folder, (
            f"catalogue {folder} is invalid (1 problem): {plan}:{line}:{column}: the file is not valid UTF-8 "
            f"(byte 0x{byte:02x}); save it as UTF-8"
        )
    if how == "bom":
        plan.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
        return folder, (
            f"catalogue {folder} is invalid (1 problem): {plan}:1:1: the file starts with a UTF-8 byte-order mark; "
            "save it as UTF-8 without BOM"
        )
    if how == "syntax":
        needle = 'id = "IND-01"'
        line = _line_of(text, needle)
        plan.write_text(text.replace(needle, "id = IND-01", 1), encoding="utf-8")
        return folder, (
            f"catalogue {folder} is invalid (1 problem): {plan}:{line}:6: 'IND-01' is not a TOML value; text must "
            "be in double quotes, such as \"IND-01\" (invalid value)"
        )
    if how == "duplicate-id":
        # IND-04, not IND-02: IND-02 stands for the renamed IND-03, and taking it away would be a second fault.
        first, second = _line_of(text, 'id = "IND-01"'), _line_of(text, 'id = "IND-04"')
        plan.write_text(text.replace('id = "IND-04"', 'id = "IND-01"', 1), encoding="utf-8")
        return folder, (
            f"catalogue {folder} is invalid (1 problem): {plan}:{second}: task 'IND-01': duplicate task id 'IND-01' "
            f"(already used at {plan}:{first})"
        )
    if how == "dangling-link":
        baselines = folder / "baselines.toml"
        source = baselines.read_text(encoding="utf-8")
        baselines.write_text(source.replace('id = "credit-sharing-cities"', 'id = "credit-sharing-city"', 1), encoding="utf-8")
        line = _line_of(text, 'links = ["credit-sharing-cities"]')
        return folder, (
            f"catalogue {folder} is invalid (1 problem): {plan}:{line}: task 'EGOV-09': link 'credit-sharing-cities' "
            "is not a known indicator; did you mean credit-sharing-city or leader-training-cities?"
        )
    raise AssertionError(how)


CATALOGUE_FAULTS = [
    ("missing", EXIT_NOINPUT),
    ("empty-directory", EXIT_NOINPUT),
    ("not-utf8", EXIT_DATAERR),
    ("bom", EXIT_DATAERR),
    ("syntax", EXIT_DATAERR),
    ("duplicate-id", EXIT_DATAERR),
    ("dangling-link", EXIT_DATAERR),
]


@pytest.mark.parametrize(("how", "code"), CATALOGUE_FAULTS)
@pytest.mark.parametrize("command", [["mark", "IND-01", "--value", "7", "--date", "2006-05-01"], ["list"]])
def test_a_catalogue_that_cannot_be_used_is_refused_and_the_store_untouched(
    cli, seeded, store_file, catalogue_copy, how, code, command
):
    path, message = _damage(catalogue_copy, how)
    result = cli(*command, "--catalogue", str(path))
    assert assert_refused(result, code) == message
    assert store_file.read_bytes() == seeded


def test_the_dangling_link_fixture_really_names_a_linked_indicator(catalogue_copy):
    # Guards the fixture: the renamed indicator must be one that a task links to.
    assert 'links = ["credit-sharing-cities"]' in (catalogue_copy / "plan.toml").read_text(encoding="utf-8")


def test_an_unreadable_catalogue_is_refused_with_exit_66(cli, seeded, store_file, catalogue_copy, monkeypatch):
    # chmod cannot stop root from reading, so the refusal of the operating system is simulated at the
    # one place a file is read; the translation of the OSError into a sentence is the real code.
    # That place is tomlfile.read_regular, which opens a file without blocking to refuse a FIFO (issue 10).
    from sdpolicy import tomlfile

    plan = catalogue_copy / "plan.toml"
    real = tomlfile.read_regular

    def read_bytes(path: Path, limit: int = -1) -> bytes:
        if Path(path) == plan:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, limit)

    monkeypatch.setattr(tomlfile, "read_regular", read_bytes)
    result = cli("mark", "IND-01", "--value", "7", "--catalogue", str(catalogue_copy))
    assert assert_refused(result, EXIT_NOINPUT) == f"catalogue {plan} cannot be read: Permission denied"
    monkeypatch.undo()
    assert store_file.read_bytes() == seeded


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_catalogue_file_is_refused_by_the_installed_program(run, seeded, store_file, catalogue_copy):
    plan = catalogue_copy / "plan.toml"
    plan.chmod(0)
    try:
        result = run("list", "--catalogue", str(catalogue_copy))
    finally:
        plan.chmod(0o644)
    assert (result.returncode, result.stderr) == (EXIT_NOINPUT, f"Error: catalogue {plan} cannot be read: Permission denied\n")
    assert store_file.read_bytes() == seeded


# -- text round-trips exactly


TEXTS = [
    "省经贸委：首批10家企业通过验收",
    "emoji 🎉👍🏽 and a flag 🇨🇳",
    'quotes "double" and \'single\' and ”curly“',
    "back\\slash \\n is not a newline, \\\\ two",
    "line one\nline two\n\nline four",
    "tab\tseparated\tcolumns",
    "CR\r\nLF and a lone CR\r in the middle",
    "TOML look-alikes: } , value = 3 # not a comment [x] '''",
    "zero width\u200bjoiner\u200d, RTL \u202eabc, NBSP\u00a0here",
    "控制字符 \x01\x1f\x7f 也保留",
]


@pytest.mark.parametrize("text", TEXTS, ids=[f"text{i}" for i in range(len(TEXTS))])
def test_notes_and_names_round_trip_exactly(cli, mark, text):
    import json

    record_id = mark("IND-01", "--value", "4", "--date", "2006-05-02", "--note", text, "--by", text)
    result = cli("log", "IND-01", "--json")
    assert result.exit_code == 0, result.stderr
    (row,) = [r for r in json.loads(result.stdout)["records"] if r["id"] == record_id]
    assert (row["note"], row["by"]) == (text, text)
    (stored,) = [r for r in store.read_records(Path(os.environ["SDPOLICY_HOME"])) if r.id == record_id]
    assert (stored.note, stored.by) == (text, text)
    check = cli("check")
    assert check.exit_code == 0, check.stderr


def test_text_round_trips_through_the_installed_program(run, sdpolicy_home):
    import json

    text = "第二批：\"重点\"企业\t20家\n备注 \\ 完 🎉"
    recorded = run("mark", "IND-01", "--value", "20", "--date", "2006-06-01", "--note", text, "--by", "王 \"小\" 明")
    assert recorded.returncode == 0, recorded.stderr
    shown = run("log", "--json")
    assert shown.returncode == 0, shown.stderr
    (row,) = json.loads(shown.stdout)["records"]
    assert (row["note"], row["by"]) == (text, "王 \"小\" 明")
    # One record, one line: the newline is escaped in the file (a tab may stand as it is).
    lines = [l for l in store.progress_path(sdpolicy_home).read_text(encoding="utf-8").splitlines() if l.startswith("r-")]
    assert len(lines) == 1 and "20家\\n备注" in lines[0]


def test_a_note_and_name_keep_every_whitespace_character(cli, mark):
    import json

    record_id = mark("IND-01", "--value", "4", "--note", "  \n inner\n\ttext \n", "--by", " 省经贸委 ")
    (row,) = [r for r in json.loads(cli("log", "--json").stdout)["records"] if r["id"] == record_id]
    assert (row["note"], row["by"]) == ("  \n inner\n\ttext \n", " 省经贸委 ")


# -- --debug: a real bug shows its traceback only when asked


def _boom(*args, **kwargs):
    raise RuntimeError("boom")


@pytest.mark.parametrize(
    ("target", "args"),
    [
        ("sdpolicy.workspace.read_sources", ["list"]),
        ("sdpolicy.progress.make_update", ["mark", "IND-01", "--value", "3"]),
        ("sdpolicy.checking.check_workspace", ["check"]),
    ],
)
def test_an_internal_error_is_one_line_and_exit_70_without_debug(monkeypatch, seeded, store_file, target, args):
    monkeypatch.setattr(target, _boom)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == EXIT_SOFTWARE
    assert result.stdout == ""
    assert result.stderr == (
        "Error: internal error (RuntimeError: boom); this is a bug in sdpolicy, rerun with --debug to see the traceback\n"
    )
    assert "Traceback" not in result.stderr
    assert store_file.read_bytes() == seeded


@pytest.mark.parametrize("how", ["option", "environment"])
def test_with_debug_the_internal_error_propagates(monkeypatch, seeded, how):
    monkeypatch.setattr("sdpolicy.workspace.read_sources", _boom)
    args, env = (["list", "--debug"], {}) if how == "option" else (["list"], {"SDPOLICY_DEBUG": "1"})
    result = CliRunner().invoke(app, args, env=env)
    assert isinstance(result.exception, RuntimeError) and str(result.exception) == "boom"
    assert result.exit_code != EXIT_SOFTWARE
    assert "internal error" not in result.stderr


BOOM = textwrap.dedent(
    """
    import sys
    import sdpolicy.workspace
    def boom(*args, **kwargs):
        raise RuntimeError("boom")
    sdpolicy.workspace.read_sources = boom
    from sdpolicy.cli import main
    sys.argv = ["sdpolicy", *sys.argv[1:]]
    main()
    """
)


@pytest.mark.parametrize("debug", [False, True])
def test_a_real_process_shows_the_traceback_only_with_debug(sdpolicy_home, debug):
    env = {**os.environ, "SDPOLICY_HOME": str(sdpolicy_home)}
    args = ["list"] + (["--debug"] if debug else [])
    result = subprocess.run([sys.executable, "-c", BOOM, *args], capture_output=True, text=True, env=env, timeout=60)
    if debug:
        assert result.returncode == 1
        assert result.stderr.startswith("Traceback (most recent call last):")
        assert result.stderr.rstrip().endswith("RuntimeError: boom")
    else:
        assert result.returncode == EXIT_SOFTWARE
        assert result.stderr == (
            "Error: internal error (RuntimeError: boom); this is a bug in sdpolicy, rerun with --debug to see the traceback\n"
        )
