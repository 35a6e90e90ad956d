"""What `report -o` may replace (issue 10): regular files only by rename, devices and FIFOs in place,
the workspace's and the catalogue's own files never; a format the file name implies; clear refusals."""

from __future__ import annotations

import os
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest

from sdpolicy import output
from sdpolicy.catalogue import shipped_catalogue
from sdpolicy.errors import EXIT_CANTCREAT, EXIT_IOERR, EXIT_USAGE

root_only = pytest.mark.skipif(os.geteuid() != 0, reason="mknod needs root")


@pytest.fixture
def seeded(mark, store_file):
    mark("IND-01", "--value", "5")
    return store_file


@pytest.mark.parametrize("name", ["progress.toml", "progress.toml.lock"])
def test_the_workspace_files_are_refused(cli, seeded, sdpolicy_home, name):
    target = sdpolicy_home / name
    before = target.read_bytes()
    result = cli("report", "--md", "-o", str(target))
    assert result.exit_code == EXIT_CANTCREAT
    assert "one of the workspace's or the catalogue's own files" in result.stderr
    assert target.read_bytes() == before


def test_another_spelling_or_a_link_to_the_store_is_refused(cli, seeded, sdpolicy_home, tmp_path, monkeypatch):
    before = seeded.read_bytes()
    link = tmp_path / "innocent.md"
    link.symlink_to(seeded)
    monkeypatch.chdir(sdpolicy_home)
    for spelling in (str(link), "./progress.toml", f"../{sdpolicy_home.name}/progress.toml"):
        result = cli("report", "-o", spelling)
        assert result.exit_code == EXIT_CANTCREAT, spelling
    hard = tmp_path / "hard.md"
    os.link(seeded, hard)
    assert cli("report", "-o", str(hard)).exit_code == EXIT_CANTCREAT
    assert seeded.read_bytes() == before
    assert link.is_symlink()


def test_the_catalogue_files_are_refused(cli, tmp_path):
    folder = tmp_path / "catalogue"
    import shutil

    shutil.copytree(shipped_catalogue(), folder)
    plan = folder / "plan.toml"
    before = plan.read_bytes()
    result = cli("report", "--catalogue", str(folder), "--md", "-o", str(plan))
    assert result.exit_code == EXIT_CANTCREAT
    assert plan.read_bytes() == before
    # A one-file catalogue, too.
    result = cli("report", "--catalogue", str(plan), "--md", "-o", str(plan))
    assert result.exit_code in (EXIT_CANTCREAT, 65, 66)
    assert plan.read_bytes() == before


def test_a_report_beside_the_store_is_still_allowed(cli, seeded, sdpolicy_home):
    # A team keeps the store in git and writes reports beside it: only sdpolicy's own files are kept.
    assert cli("report", "-o", str(sdpolicy_home / "briefing.md")).exit_code == 0
    assert cli("report", "-o", str(sdpolicy_home / "briefing.md")).exit_code == 0


@pytest.mark.parametrize("flag, name, magic", [
    (None, "briefing.xlsx", b"PK"), (None, "b.HTML", b"<!DOCTYPE html>"), (None, "b.csv", "\ufeffid,".encode()),
    (None, "b.json", b"{"), (None, "b.md", b"# "), (None, "b.txt", b"# "), ("--xlsx", "b.xlsx", b"PK"),
])
def test_the_format_follows_the_extension(cli, seeded, tmp_path, flag, name, magic):
    target = tmp_path / name
    result = cli("report", *([flag] if flag else []), "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes().startswith(magic)


def test_a_flag_that_contradicts_the_extension_is_refused(cli, seeded, tmp_path):
    target = tmp_path / "briefing.xlsx"
    result = cli("report", "--md", "-o", str(target))
    assert result.exit_code == EXIT_USAGE
    assert "--md contradicts the extension of briefing.xlsx, which means --xlsx" in result.stderr
    assert not target.exists()


@pytest.mark.parametrize("name, words", [
    ("", "-o needs a file name"),
    (".", "-o '.' names a directory"),
    ("/", "-o '/' names a directory"),
    ("nodir/", "-o 'nodir/' names a directory (it ends with '/')"),
    ("nodir/x.md", "could not write nodir/x.md: the directory nodir does not exist"),
])
def test_names_that_cannot_be_a_file_are_refused_clearly(cli, seeded, tmp_path, monkeypatch, name, words):
    monkeypatch.chdir(tmp_path)
    result = cli("report", "-o", name)
    # A missing directory is a failed write (74), as it always was; the rest cannot name a file (73).
    assert result.exit_code == (EXIT_IOERR if name == "nodir/x.md" else EXIT_CANTCREAT)
    assert words in result.stderr
    assert "busy" not in result.stderr
    # Nothing written: no file named 'nodir', no temporary.
    assert not (tmp_path / "nodir").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_name_of_255_bytes_is_written(cli, seeded, tmp_path):
    # 81 Chinese characters are 243 bytes of UTF-8, plus ".md" 246: within NAME_MAX (255), and the
    # temporary beside it must not push past it.
    name = "报" * 84 + ".md"  # 84 * 3 + 3 = 255 bytes
    assert len(name.encode()) == 255
    result = cli("report", "-o", str(tmp_path / name))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / name).read_bytes().startswith(b"# ")


def test_stale_temporaries_are_cleaned_and_live_ones_kept(cli, seeded, tmp_path):
    gone = subprocess.Popen(["true"])
    gone.wait()
    old = tmp_path / f".sdpolicy-{gone.pid}-deadbeef.tmp"
    old.write_text("left by a killed run")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    ancient = tmp_path / f".sdpolicy-{os.getpid()}-0badf00d.tmp"  # this process runs, but two days old
    ancient.write_text("x")
    os.utime(ancient, (time.time() - 2 * 86400,) * 2)
    fresh = tmp_path / f".sdpolicy-{gone.pid}-0000beef.tmp"  # a writer that may be on another machine
    fresh.write_text("being written")
    live = tmp_path / f".sdpolicy-{os.getpid()}-cafe0000.tmp"
    live.write_text("being written")
    os.utime(live, (an_hour_ago, an_hour_ago))
    other = tmp_path / ".notes.txt.abc.tmp"  # not ours
    other.write_text("x")
    os.utime(other, (time.time() - 5 * 86400,) * 2)
    assert cli("report", "-o", str(tmp_path / "b.md")).exit_code == 0
    assert not old.exists() and not ancient.exists()
    assert fresh.exists() and live.exists() and other.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".sdpolicy-") and p not in (fresh, live)]


@root_only
@pytest.mark.parametrize("minor, code", [(3, 0), (7, EXIT_IOERR)])  # /dev/null, /dev/full
def test_a_character_device_is_written_in_place_never_replaced(cli, seeded, tmp_path, minor, code):
    device = tmp_path / "dev"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    result = cli("report", "--md", "-o", str(device))
    assert result.exit_code == code, result.stderr
    assert stat.S_ISCHR(device.lstat().st_mode)
    assert os.major(device.lstat().st_rdev) == 1 and os.minor(device.lstat().st_rdev) == minor


@root_only
def test_a_block_device_is_refused(cli, seeded, tmp_path):
    device = tmp_path / "disk"
    os.mknod(device, stat.S_IFBLK | 0o600, os.makedev(7, 0))
    result = cli("report", "--md", "-o", str(device))
    assert result.exit_code == EXIT_CANTCREAT
    assert stat.S_ISBLK(device.lstat().st_mode)


def test_a_fifo_is_written_in_place_or_refused_without_a_reader(cli, run, seeded, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # A real process with a time limit: a regression that waits for a reader fails, not hangs.
    result = run("report", "--md", "-o", str(fifo))
    assert result.returncode == EXIT_CANTCREAT
    assert "no process reads" in result.stderr
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    for _ in range(100):
        result = cli("report", "--md", "-o", str(fifo))
        if result.exit_code == 0:
            break
        time.sleep(0.05)  # the reader has not opened its end yet
    reader.join(10)
    assert result.exit_code == 0
    assert got and got[0].startswith(b"# ")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_link_to_a_report_is_kept_and_its_file_replaced(cli, seeded, tmp_path):
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert cli("report", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and real.read_text().startswith("# ")


def test_output_path_rules_directly(tmp_path):
    with pytest.raises(output.RefusedTarget):
        output.output_path(str(tmp_path))
    assert output.output_path(str(tmp_path / "x.md")) == tmp_path / "x.md"
    assert output.report_format([], Path("a.XLSX")) == "xlsx"
    assert output.report_format([], None) == "md"
    assert output.report_format(["--csv"], Path("a.txt")) == "csv"
