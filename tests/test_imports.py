"""What a command imports: the everyday commands must not pay for report formats, locks or views.

Each run is a fresh interpreter, as the installed command is; the modules it loaded are read from
sys.modules when the command has finished.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

RUN = textwrap.dedent(
    """
    import json, sys
    out = sys.argv[1]
    sys.argv = ["sdpolicy", *sys.argv[2:]]
    try:
        from sdpolicy.cli import main
        main()
    except SystemExit:
        pass
    finally:
        with open(out, "w") as f:
            json.dump(sorted(sys.modules), f)
    """
)

REPORT_FORMATS = {
    "openpyxl", "sdpolicy.render.xlsx", "sdpolicy.render.html", "sdpolicy.render.svg",
    "sdpolicy.render.csvfile", "sdpolicy.render.markdown", "sdpolicy.render.briefing",
}


@pytest.fixture
def imported(tmp_path: Path):
    env = {**os.environ, "SDPOLICY_HOME": str(tmp_path / "home"), "SDPOLICY_CACHE": str(tmp_path / "cache")}
    env.pop("SDPOLICY_CATALOGUE", None)

    def run(*args: str) -> set[str]:
        out = tmp_path / "modules.json"
        subprocess.run([sys.executable, "-c", RUN, str(out), *args], env=env, check=True, capture_output=True, timeout=120)
        return set(json.loads(out.read_text()))

    return run


def test_help_imports_no_core_module_and_no_report_format(imported):
    modules = imported("--help")
    assert not modules & REPORT_FORMATS
    assert not modules & {"sdpolicy.catalogue", "sdpolicy.store", "sdpolicy.progress", "filelock", "pickle"}


def test_list_imports_neither_report_formats_nor_the_lock(imported):
    modules = imported("list")
    assert "sdpolicy.catalogue" in modules  # it did run
    assert not modules & REPORT_FORMATS
    assert not modules & {"filelock", "hypothesis", "tomli_w", "secrets"}
    # Tables are laid out by sdpolicy.render.grid; piped, nothing needs Rich's console either.
    assert not modules & {"rich.table", "rich.console"}


def test_a_view_from_the_cache_needs_neither_the_arithmetic_nor_the_views(imported):
    imported("status")
    modules = imported("status")
    assert "sdpolicy.workspace" in modules
    assert not modules & {"sdpolicy.progress", "sdpolicy.views", "filelock"}
    # Nothing to parse, and digests from the built-in BLAKE2 rather than OpenSSL's.
    assert not modules & {"tomllib", "tomli", "_hashlib", "hashlib"}


@pytest.mark.parametrize("command", ["list", "compare"])
@pytest.mark.parametrize("as_of", [[], ["--as-of", "2006-09-30"]], ids=["today", "as-of"])
def test_rows_kept_from_before_need_neither_the_arithmetic_nor_the_views(imported, command, as_of):
    # A typed date is read by sdpolicy.asof.parse_day; it once pulled in the whole of sdpolicy.progress.
    imported(command, *as_of)
    modules = imported(command, *as_of)
    assert "sdpolicy.workspace" in modules
    assert not modules & {"sdpolicy.progress", "sdpolicy.views", "sdpolicy.trajectory", "filelock"}


def test_mark_imports_the_lock_but_no_report_format_and_no_views(imported):
    modules = imported("mark", "IND-01", "--value", "5", "--date", "2006-05-01")
    assert "filelock" in modules
    assert not modules & REPORT_FORMATS
    assert "sdpolicy.views" not in modules


def test_a_markdown_report_does_not_import_the_spreadsheet_writer(imported):
    modules = imported("report", "--md")
    assert "sdpolicy.render.markdown" in modules
    assert not modules & {"openpyxl", "sdpolicy.render.xlsx", "filelock"}


def test_a_report_from_the_cache_needs_neither_the_arithmetic_nor_the_views(imported):
    imported("report", "--md")
    modules = imported("report", "--md")
    assert "sdpolicy.render.markdown" in modules
    assert not modules & {"sdpolicy.progress", "sdpolicy.views"}


def test_a_run_that_names_its_command_builds_only_that_one(monkeypatch, tmp_path, capsys):
    import typer.main

    from sdpolicy import cli

    monkeypatch.setenv("SDPOLICY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SDPOLICY_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("SDPOLICY_CATALOGUE", raising=False)
    built: list[str] = []
    real = typer.main.get_command_from_info

    def counted(command_info, **settings):
        built.append(command_info.name)
        return real(command_info, **settings)

    monkeypatch.setattr(typer.main, "get_command_from_info", counted)
    # main() turns the cyclic collector off for the rest of its short process; not for pytest's.
    monkeypatch.setattr(gc, "disable", lambda: None)

    def run(*args: str) -> None:
        monkeypatch.setattr(sys, "argv", ["sdpolicy", *args])
        with pytest.raises(SystemExit):
            cli.main()

    run("list", "--as-of", "2006-09-30")
    assert built == ["list"]
    # The same process afterwards: help lists every command again, and a mistyped name is still
    # matched against all of them (Click's suggestion needs the whole group).
    built.clear()
    run("--help")
    assert {"list", "status", "mark", "import"} <= set(built) and "units" in capsys.readouterr().out
    built.clear()
    run("stauts")
    assert len(built) > 10
    assert "Did you mean 'status'?" in capsys.readouterr().err
    # `units` is a group of its own: named, it is built with its subcommands and nothing else.
    built.clear()
    run("units", "add", "--help")
    assert built == ["add"]
