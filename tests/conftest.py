"""Fixtures shared by the CLI tests.

Every test runs with SDPOLICY_HOME pointing into its own tmp_path (autouse), so no test can read or
write the real user data directory, and with the environment variables that change output (language,
colour, width, catalogue) cleared, so results do not depend on the machine running them.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

import pytest
from typer.testing import CliRunner

from sdpolicy.cli import app

# Variables that change what sdpolicy prints or where it reads and writes.
_CLEARED = (
    "SDPOLICY_CATALOGUE", "SDPOLICY_LANG", "SDPOLICY_DEBUG", "SDPOLICY_LOCK_TIMEOUT",
    "NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "TTY_COMPATIBLE", "TTY_INTERACTIVE",
    "COLUMNS", "LINES", "LC_MESSAGES", "LANGUAGE",
)

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture(autouse=True)
def sdpolicy_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The workspace for this test (not created: sdpolicy must cope with a missing one)."""
    home = tmp_path / "sdpolicy-home"
    monkeypatch.setenv("SDPOLICY_HOME", str(home))
    # sdpolicy's on-disk cache: one per test, so no test sees entries another made, and never the
    # user's ~/.cache/sdpolicy.
    monkeypatch.setenv("SDPOLICY_CACHE", str(tmp_path / "sdpolicy-cache"))
    # Belt and braces: even a code path that ignored these would land in tmp_path, not in the
    # user's data, cache, config or state directories.
    for kind in ("DATA", "CACHE", "CONFIG", "STATE"):
        monkeypatch.setenv(f"XDG_{kind}_HOME", str(tmp_path / f"xdg-{kind.lower()}"))
    for name in _CLEARED:
        monkeypatch.delenv(name, raising=False)
    # An English, UTF-8 locale: the language falls back to the locale when --lang is not given.
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.setenv("LANG", "C.UTF-8")
    return home


@pytest.fixture
def store_file(sdpolicy_home: Path) -> Path:
    return sdpolicy_home / "progress.toml"


@pytest.fixture
def cli() -> Callable[..., Any]:
    """Run `sdpolicy ARGS…` in-process; result.stdout and result.stderr are captured apart.

    typer.testing.CliRunner (typer 0.29 carries its own click) always gives each stream its own
    buffer: result.stdout, result.stderr, and result.output for the two interleaved.
    """
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str | None] | None = None) -> Any:
        return runner.invoke(app, list(args), env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def mark(cli: Callable[..., Any]) -> Callable[..., str]:
    """Record progress and return the new record id; fails the test if sdpolicy refuses."""

    def record(*args: str) -> str:
        result = cli("mark", *args)
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
        found = re.search(r"\br-[0-9a-z]{10}\b", result.stdout)
        assert found, result.stdout
        return found.group(0)

    return record


def soffice() -> str | None:
    """LibreOffice's command, where it is installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_convert(source: Path, to: str, outdir: Path) -> Path:
    """`source` converted by headless LibreOffice (`to`: xlsx, pdf, a csv filter) into `outdir`, with a
    profile of its own beside it, as an office suite opens and saves a file; the path it wrote."""
    command = soffice()
    if command is None:
        pytest.skip("LibreOffice is not installed")
    profile = outdir.parent / f"{outdir.name}-lo-profile"
    converted = subprocess.run(
        [command, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
         "--convert-to", to, "--outdir", str(outdir), str(source)],
        capture_output=True, text=True, timeout=180,
    )
    assert converted.returncode == 0, converted.stderr
    return outdir / f"{source.stem}.{to.split(':')[0]}"


def sdpolicy_command() -> list[str]:
    """The installed console script, else the module run by this interpreter."""
    found = shutil.which("sdpolicy")
    return [found] if found else [sys.executable, "-m", "sdpolicy"]


@functools.cache
def installed_shipped_catalogue() -> Path:
    """Where the installed program finds its shipped catalogue, as its own `validate` says."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SDPOLICY_")}
    result = subprocess.run(
        sdpolicy_command() + ["validate", "--lang", "en"], capture_output=True, text=True, encoding="utf-8",
        env=environment, cwd=tempfile.gettempdir(), timeout=60, check=True,
    )
    return Path(result.stdout.rsplit(": valid, ", 1)[0])


@pytest.fixture
def run(sdpolicy_home: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed sdpolicy in a subprocess, its stdout a pipe, with SDPOLICY_HOME set."""

    def execute(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "SDPOLICY_HOME": str(sdpolicy_home), **(env or {})}
        return subprocess.run(
            sdpolicy_command() + list(args), capture_output=True, text=True, encoding="utf-8",
            env=environment, timeout=60,
        )

    return execute


def assert_refused(result: Any, code: int = 2) -> str:
    """A refusal: the exit code, nothing on stdout, one line on stderr starting 'Error: '.

    Returns the message (without 'Error: ' and the newline)."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: "), result.stderr
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    return result.stderr[len("Error: "):-1]
