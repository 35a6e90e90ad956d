"""The installed command (cli.entry) leaves its process without taking apart what it built: what it
prints, and its exit code, are those of main() run in-process; only the installed run keeps the
workspaces it opened to the end."""

from __future__ import annotations

import subprocess
import sys

from sdpolicy import cli as module


def test_the_installed_command_prints_and_exits_as_main_does(sdpolicy_home, cli, run, mark):
    mark("IND-01", "--value", "120", "--date", "2006-06-30", "--note", "首批验收")
    for args in (["list", "--as-of", "2006-06-30"], ["report", "--md", "--as-of", "2006-06-30"], ["log", "--json"]):
        installed, in_process = run(*args), cli(*args)
        # Every byte of a long output reaches the pipe before the process leaves.
        assert (installed.returncode, installed.stdout) == (0, in_process.stdout)
    refused = run("mark", "IND-01", "--value", "abc")
    assert refused.returncode == 2 and refused.stderr.startswith("Error: ")


def test_python_dash_m_runs_the_installed_entry(sdpolicy_home):
    found = subprocess.run([sys.executable, "-m", "sdpolicy", "--version"], capture_output=True, text=True, timeout=60)
    assert found.returncode == 0 and found.stdout.startswith("sdpolicy ")


def test_only_the_installed_run_keeps_the_workspaces_it_opened(sdpolicy_home, cli, monkeypatch):
    # In-process (the tests' CliRunner) nothing is kept; with the list entry() sets, the workspace
    # a command opens is. (`status --area` opens it; a plain status may answer without.)
    assert module._KEPT is None
    assert cli("status", "--as-of", "2006-06-30").exit_code == 0
    assert module._KEPT is None
    kept: list = []
    monkeypatch.setattr(module, "_KEPT", kept)
    assert cli("status", "--as-of", "2006-06-30", "--area", "e-gov").exit_code == 0
    assert len(kept) == 1 and kept[0].plan.tasks
