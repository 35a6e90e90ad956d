"""Every command is documented: help text, an example in its epilog that parses, and a README mention."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer

from sdpolicy import __version__
from sdpolicy.cli import app

README = Path(__file__).resolve().parent.parent / "README.md"
GROUP = typer.main.get_command(app)
# click's UsageError, whether typer depends on click or (0.29+) carries its own copy of it.
ClickUsageError = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")
COMMANDS = sorted(GROUP.commands)  # type: ignore[attr-defined]


def examples(epilog: str) -> list[list[str]]:
    """The command lines in an epilog such as 'Examples: sdpolicy undo ; sdpolicy undo r-6fj2 --note …'."""
    return [shlex.split(found) for found in re.findall(r"sdpolicy [^;()]+", epilog)]


def test_the_commands_are_there():
    assert {"list", "show", "status", "mark", "log", "undo", "compare", "report"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_and_an_example(cli, name):
    command = GROUP.commands[name]  # type: ignore[attr-defined]
    assert (command.help or "").strip(), f"{name} has no help text"
    assert re.match(r"Examples?: sdpolicy ", command.epilog or ""), f"{name} has no example in its epilog"
    result = cli(name, "--help")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert f"Usage: root {name}" in result.stdout or f"Usage: sdpolicy {name}" in result.stdout
    assert "Example" in result.stdout
    assert command.help.split("\n")[0].split(".")[0][:40] in " ".join(result.stdout.split())


@pytest.mark.parametrize("name", COMMANDS)
def test_examples_name_their_command_and_parse(name):
    command = GROUP.commands[name]  # type: ignore[attr-defined]
    found = examples(command.epilog or "")
    assert found, f"no example in {command.epilog!r}"
    for argv in found:
        assert argv[:2] == ["sdpolicy", name], argv
        try:
            command.make_context(name, argv[2:])
        except ClickUsageError as exc:  # an unknown option, a missing argument, …
            pytest.fail(f"example {shlex.join(argv)!r} does not parse: {exc.format_message()}")


def test_every_option_has_help():
    missing = [
        f"{name} {param.opts[0]}"
        for name, command in GROUP.commands.items()  # type: ignore[attr-defined]
        for param in command.params
        if param.param_type_name == "option" and not (param.help or "").strip()
    ]
    assert missing == []


def test_top_level_help_lists_every_command(cli):
    result = cli("--help")
    assert result.exit_code == 0
    listed = re.findall(r"^  (\w+)\s", result.stdout.split("Commands:")[1], flags=re.M)
    assert sorted(listed) == COMMANDS


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(cli, flag):
    result = cli(flag)
    assert result.exit_code == 0
    assert result.stdout == f"sdpolicy {__version__}\n"
    assert result.stderr == ""


def test_every_command_is_in_the_readme():
    text = README.read_text(encoding="utf-8")
    missing = [name for name in COMMANDS if not re.search(rf"\bsdpolicy {re.escape(name)}\b", text)]
    assert missing == []


@pytest.mark.parametrize(
    "command",
    [
        "sdpolicy list --light green --as-of 2006-07-01",
        "sdpolicy status --as-of 2006-07-01 --lang zh",
        "sdpolicy show EGOV-10 --as-of 2006-07-01",
        "sdpolicy trend IND-01 --every quarter --to 2006-07-01",
    ],
)
def test_readme_examples_are_what_the_program_prints(run, command):
    """The README's table examples, after the progress its mark examples record (a block ending in
    '...' is the start of the output)."""
    for mark in (
        ("IND-01", "--value", "120"), ("IND-04", "--state", "in-progress"), ("PUB-04", "--value", "1"),
        ("EGOV-10", "--value", "90"),
    ):
        assert run("mark", *mark, "--date", "2006-06-30").returncode == 0
    shown = README.read_text(encoding="utf-8").split(f"$ {command}\n", 1)[1].split("```", 1)[0]
    printed = run(*shlex.split(command)[1:]).stdout
    if shown.endswith("...\n"):
        shown, printed = shown[: -len("...\n")], printed[: len(shown) - len("...\n")]
    assert printed == shown
