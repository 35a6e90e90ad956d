"""The cache runs no code that someone else put there.

Entries are pickles. The attacks below are those of issue 16: a member of the user's group plants an
entry that runs `id` as the user, and the cache directory is swapped for another between the check of
the directory and the read of the entry. Each planted entry carries the right key (keys are digests of
public things: the source and the files read) and a valid checksum, so only the checks on who wrote
it, or on what it may build, stand between it and `os.system`.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sdpolicy import cache
from sdpolicy.catalogue import load_catalogue, shipped_catalogue

pytestmark = pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and permissions")

IS_ROOT = hasattr(os, "getuid") and os.getuid() == 0
OTHER_UID = 4242  # a user who is not us: only root can give a file to them


class _Run:
    """Unpickling this calls os.system(command): what a planted entry would do."""

    def __init__(self, command: str):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command,)


def forged(genuine: bytes, command: str) -> bytes:
    """An entry with the genuine entry's key and a valid checksum whose payload runs `command`."""
    key = genuine[len(cache._FORMAT) : len(cache._FORMAT) + 32]
    payload = pickle.dumps(_Run(command))
    return cache._FORMAT + key + cache.checksum(payload) + payload


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SDPOLICY_CACHE", str(folder))
    return folder


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    folder = tmp_path / "catalogue"
    shutil.copytree(shipped_catalogue(), folder)
    return folder


def primed(cache_dir: Path, catalogue: Path) -> tuple[object, Path]:
    """The plan as parsed, and its cache entry."""
    plan = load_catalogue(catalogue)
    (entry,) = cache_dir.glob("catalogue-*")
    return plan, entry


def test_an_entry_planted_by_a_group_member_runs_nothing(tmp_path, cache_dir, catalogue):
    plan, entry = primed(cache_dir, catalogue)
    genuine = entry.read_bytes()
    marker = tmp_path / "ran"
    # The directory as umask 002 leaves it, and an entry that a member of the group wrote into it.
    cache_dir.chmod(0o770)
    entry.unlink()
    entry.write_bytes(forged(genuine, f"id > {marker}"))
    if IS_ROOT:
        os.chown(entry, OTHER_UID, -1)
    assert load_catalogue(catalogue) == plan
    assert not marker.exists(), "the planted entry ran `id`"


@pytest.mark.skipif(not IS_ROOT, reason="only root can make a file another user's")
def test_an_entry_another_user_owns_is_not_read_even_in_a_private_directory(tmp_path, cache_dir, catalogue, monkeypatch):
    plan, entry = primed(cache_dir, catalogue)
    marker = tmp_path / "ran"
    entry.write_bytes(forged(entry.read_bytes(), f"id > {marker}"))
    os.chown(entry, OTHER_UID, -1)
    loads = []
    real = cache._Unpickler.load
    monkeypatch.setattr(cache._Unpickler, "load", lambda self: loads.append(1) or real(self))
    assert load_catalogue(catalogue) == plan
    assert not marker.exists() and loads == [], "an entry someone else owns was unpickled"


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666])
def test_an_entry_others_may_write_to_is_not_read(tmp_path, cache_dir, catalogue, monkeypatch, mode):
    plan, entry = primed(cache_dir, catalogue)
    entry.chmod(mode)
    loads = []
    real = cache._Unpickler.load
    monkeypatch.setattr(cache._Unpickler, "load", lambda self: loads.append(1) or real(self))
    assert load_catalogue(catalogue) == plan and loads == []


def test_an_entry_that_is_a_symbolic_link_is_not_followed(tmp_path, cache_dir, catalogue):
    plan, entry = primed(cache_dir, catalogue)
    marker = tmp_path / "ran"
    elsewhere = tmp_path / "planted"
    elsewhere.write_bytes(forged(entry.read_bytes(), f"id > {marker}"))
    elsewhere.chmod(0o600)
    entry.unlink()
    entry.symlink_to(elsewhere)
    assert load_catalogue(catalogue) == plan
    assert not marker.exists()


def test_even_our_own_entry_may_build_nothing_but_data(tmp_path, cache_dir, catalogue):
    # A cache copied from elsewhere or restored from a backup passes the owner checks; what it may build
    # is limited to sdpolicy's value types and dates.
    plan, entry = primed(cache_dir, catalogue)
    genuine = entry.read_bytes()
    marker = tmp_path / "ran"
    entry.write_bytes(forged(genuine, f"id > {marker}"))
    assert load_catalogue(catalogue) == plan
    assert not marker.exists()
    assert entry.read_bytes() == genuine  # refused, and replaced by the parse's own entry


SWAP = textwrap.dedent(
    """
    import os, sys
    from sdpolicy import cache

    good, evil, entry, key = sys.argv[1:5]
    swapped = []

    def swap(event, args):
        # The moment the entry itself is opened, after every check of the directory, the directory
        # is replaced by one holding a planted entry: the window a racing attacker aims for.
        if event == "open" and not swapped and isinstance(args[0], str) and args[0].endswith(entry):
            swapped.append(True)
            os.rename(good, good + "-away")
            os.rename(evil, good)

    sys.addaudithook(swap)
    print(repr(cache.read(entry, bytes.fromhex(key))), "swapped" if swapped else "not swapped")
    """
)


def test_swapping_the_directory_between_check_and_read_runs_nothing(tmp_path, cache_dir):
    entry = cache.name("test", "swap")
    key = cache.key("swap")
    cache.write(entry, key, "genuine")
    assert cache.read(entry, key) == "genuine"
    marker = tmp_path / "ran"
    evil = tmp_path / "evil"
    evil.mkdir()
    (evil / entry).write_bytes(forged((cache_dir / entry).read_bytes(), f"id > {marker}"))
    evil.chmod(0o777)
    result = subprocess.run(
        [sys.executable, "-c", SWAP, str(cache_dir), str(evil), entry, key.hex()],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "swapped", result.stdout  # the attack did happen
    assert not marker.exists(), "the swapped-in entry ran `id`"
    # The read went on in the directory it had checked, which was only renamed: the genuine value.
    assert result.stdout.startswith("'genuine'"), result.stdout


def test_nothing_is_written_into_a_directory_that_would_not_be_read(tmp_path, cache_dir):
    cache_dir.mkdir(mode=0o700)
    cache_dir.chmod(0o775)
    cache.write(cache.name("test", "w"), cache.key("w"), "value")
    assert list(cache_dir.iterdir()) == []
    cache_dir.chmod(0o700)
    cache.write(cache.name("test", "w"), cache.key("w"), "value")
    (written,) = cache_dir.iterdir()
    assert written.stat().st_mode & 0o777 == 0o600
