"""A team shares its progress store through git: two people record at once, then merge.

With `progress.toml merge=union` in .gitattributes, git keeps the lines both sides added, and because
every record is one line that is exactly what is wanted. Without it, the two sides' additions at the
end of the file conflict, and `sdpolicy check` names the conflict markers.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import sdpolicy_command
from sdpolicy import store
from sdpolicy.errors import EXIT_DATAERR, EXIT_OK

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

GITATTRIBUTES = "progress.toml merge=union\n"
GITIGNORE = "progress.toml.lock\n.progress.toml.tmp-*\n"
RECORDED = re.compile(r"^recorded (r-[0-9a-z]{10}): ", re.MULTILINE)


def git_env(tmp_path: Path) -> dict[str, str]:
    # No user or system configuration (a merge.conflictStyle, a default branch name) may change the result.
    return {
        **os.environ, "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org", "LC_ALL": "C",
    }


class Repo:
    def __init__(self, path: Path, env: dict[str, str]):
        self.path, self.env = path, env

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(["git", *args], cwd=self.path, env=self.env, capture_output=True, text=True, timeout=60)
        if check:
            assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result

    def sdpolicy(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**self.env, "SDPOLICY_HOME": str(self.path), "LC_ALL": "C.UTF-8"}
        return subprocess.run(
            sdpolicy_command() + list(args), cwd=self.path, env=env, capture_output=True, text=True,
            encoding="utf-8", timeout=60,
        )

    def mark(self, *args: str) -> str:
        result = self.sdpolicy("mark", *args)
        assert result.returncode == 0, result.stderr
        return RECORDED.search(result.stdout).group(1)

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    @property
    def store(self) -> Path:
        return store.progress_path(self.path)


def two_clones(tmp_path: Path, *, union: bool) -> tuple[Repo, Repo, list[str]]:
    env = git_env(tmp_path)
    origin = Repo(tmp_path / "origin", env)
    origin.path.mkdir()
    origin.git("init", "-q", "-b", "main")
    (origin.path / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    if union:
        (origin.path / ".gitattributes").write_text(GITATTRIBUTES, encoding="utf-8")
    base = [
        origin.mark("IND-01", "--value", "50", "--date", "2006-04-30", "--by", "省经贸委"),
        origin.mark("internet-users", "--value", "1100", "--date", "2006-03-31"),
        origin.mark("ENV-05", "--state", "in-progress", "--date", "2006-04-01", "--note", "起草中"),
    ]
    origin.commit("base records")
    clones = []
    for name in ("alice", "bob"):
        subprocess.run(["git", "clone", "-q", str(origin.path), str(tmp_path / name)], env=env, check=True, timeout=60)
        clones.append(Repo(tmp_path / name, env))
    return clones[0], clones[1], base


def test_a_union_merge_keeps_every_record_of_both_sides(tmp_path):
    alice, bob, base = two_clones(tmp_path, union=True)
    theirs = [
        bob.mark("IND-01", "--value", "80", "--date", "2006-06-30", "--note", "第二批 \"重点\" 企业"),
        bob.mark("PUB-04", "--value", "2", "--date", "2006-06-30"),
    ]
    undone = bob.sdpolicy("undo", base[1], "--note", "wrong figure")
    assert undone.returncode == 0, undone.stderr
    theirs.append(re.search(r"\(retraction (r-[0-9a-z]{10})\)", undone.stdout).group(1))
    bob.commit("bob's records")
    ours = [
        alice.mark("IND-01", "--value", "90", "--date", "2006-07-31"),
        alice.mark("ENV-05", "--done", "--date", "2006-07-15", "--note", "已印发"),
    ]
    alice.commit("alice's records")
    # No lock file or temporary file was committed: .gitignore keeps them out.
    assert alice.git("ls-files").stdout.split() == [".gitattributes", ".gitignore", "progress.toml"]

    alice.git("pull", "-q", "--no-rebase", "--no-edit", str(bob.path), "main")

    text = alice.store.read_text(encoding="utf-8")
    assert not re.search(r"^(<{7}|={7}|>{7})", text, re.MULTILINE)
    records = store.read_records(alice.path)
    assert sorted(r.id for r in records) == sorted(base + ours + theirs)
    assert len(records) == len(set(r.id for r in records)) == 8
    # The merge keeps each side's lines in the order they were written.
    ids = [r.id for r in records]
    assert ids[:3] == base
    assert [i for i in ids if i in ours] == ours and [i for i in ids if i in theirs] == theirs
    check = alice.sdpolicy("check")
    assert (check.returncode, check.stderr) == (EXIT_OK, "")
    assert check.stdout.startswith(f"all is well: {alice.store} holds 8 records (1 retraction) on 3 tasks and 1 indicator;")
    # The retraction made on the other side still retracts its record after the merge.
    log = alice.sdpolicy("log", "internet-users", "--json")
    assert '"in_effect": false' in log.stdout
    # And the merged store takes new records.
    alice.mark("IND-01", "--value", "95", "--date", "2006-08-31")
    assert len(store.read_records(alice.path)) == 9
    assert alice.git("status", "--porcelain").stdout == " M progress.toml\n"


def test_merging_both_ways_gives_the_same_records(tmp_path):
    alice, bob, base = two_clones(tmp_path, union=True)
    a = alice.mark("IND-01", "--value", "60", "--date", "2006-05-31")
    alice.commit("alice")
    b = bob.mark("IND-01", "--value", "70", "--date", "2006-05-31")
    bob.commit("bob")
    alice.git("pull", "-q", "--no-rebase", "--no-edit", str(bob.path), "main")
    bob.git("pull", "-q", "--no-rebase", "--no-edit", str(alice.path), "main")
    for repo in (alice, bob):
        assert sorted(r.id for r in store.read_records(repo.path)) == sorted(base + [a, b])
        assert repo.sdpolicy("check").returncode == EXIT_OK


def test_without_union_the_merge_conflicts_and_check_names_the_markers(tmp_path):
    alice, bob, base = two_clones(tmp_path, union=False)
    bob.mark("IND-01", "--value", "80", "--date", "2006-06-30")
    bob.commit("bob")
    alice.mark("IND-01", "--value", "90", "--date", "2006-07-31")
    alice.commit("alice")
    merge = alice.git("pull", "--no-rebase", "--no-edit", str(bob.path), "main", check=False)
    assert merge.returncode != 0
    assert "CONFLICT (content): Merge conflict in progress.toml" in merge.stdout
    lines = alice.store.read_text(encoding="utf-8").splitlines()
    markers = [n for n, line in enumerate(lines, 1) if re.match(r"(<{7}|={7}|>{7})", line)]
    assert len(markers) == 3
    check = alice.sdpolicy("check")
    assert check.returncode == EXIT_DATAERR
    problems = check.stderr.splitlines()
    assert [p.split(":")[1] for p in problems[:-1]] == [str(n) for n in markers]
    assert all("a git merge conflict marker" in p and "merge=union" in p for p in problems[:-1])
    # The conflicted store is refused, not misread, by the commands that read it.
    listing = alice.sdpolicy("list")
    assert listing.returncode == EXIT_DATAERR and "a git merge conflict marker" in listing.stderr
