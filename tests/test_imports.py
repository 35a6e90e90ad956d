"""What a command imports: the everyday commands must not pay for report formats, locks or views.

Each run is a fresh interpreter, as the installed command is; the modules it loaded are read from
sys.modules when the command has finished.
"""

from __future__ import annotations

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
def test_rows_kept_from_before_need_neither_the_arithmetic_nor_the_views(imported, command):
    imported(command)
    modules = imported(command)
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
