"""Writing an output file whole or not at all, and deciding what `-o` may replace.

The one place for the rules of `-o`: a regular file is replaced by renaming a complete temporary
over it; a character device or a FIFO (/dev/null, /dev/stdout into a pipe) is written in place,
never renamed over; anything else that is not a regular file, a directory, and the workspace's or
the catalogue's own files are refused before anything is written.
"""

from __future__ import annotations

import errno
import fcntl
import os
import secrets
import stat
import time
from pathlib import Path
from typing import Iterable

from sdpolicy.errors import EXIT_CANTCREAT, UsageError, WriteError

# The report formats a file name's extension implies; `report -o x.xlsx` needs no --xlsx.
FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".xlsx": "xlsx", ".csv": "csv", ".json": "json"}

# Temporaries are named for this program, not for the target: a target name of up to NAME_MAX
# bytes then still leaves room, and a temporary left by a killed run is recognisable as ours.
TEMP_PREFIX = ".sdpolicy-"
TEMP_SUFFIX = ".tmp"
# A temporary older than this, or whose process is gone, is a leftover of a killed run.
STALE_AFTER = 24 * 3600
STALE_ORPHAN_AFTER = 60


class RefusedTarget(WriteError):
    """A target `-o` may not write: a directory, a block device, one of the workspace's files."""

    exit_code = EXIT_CANTCREAT


def output_path(text: str | os.PathLike[str]) -> Path:
    """The path `-o TEXT` names, refused when it cannot name a file: empty, a directory, `name/`."""
    raw = os.fspath(text)
    if raw == "":
        raise RefusedTarget("-o needs a file name, not an empty string", zh="-o 需要文件名，不能为空")
    path = Path(raw)
    if raw.endswith(("/", os.sep)) or path.is_dir():
        slash = "" if path.is_dir() else " (it ends with '/')"
        raise RefusedTarget(
            f"-o '{raw}' names a directory{slash}; give a file name such as {path / 'report.md'}",
            zh=f"-o “{raw}”是目录；请给出文件名，例如 {path / 'report.md'}",
        )
    if not path.parent.is_dir():
        # Exit 74 as for any write that fails, but said before any work and in plain words.
        raise WriteError(
            f"could not write {raw}: the directory {path.parent} does not exist",
            zh=f"无法写入 {raw}：目录 {path.parent} 不存在",
        )
    return path


def report_format(flags: list[str], output: Path | None) -> str:
    """The report format: the one flag given, else the one the file name's extension implies, else
    Markdown. A flag that contradicts a known extension is refused: it would write, say, Markdown
    into a file every program will try to open as a spreadsheet."""
    implied = FORMATS.get(output.suffix.lower()) if output is not None else None
    chosen = flags[0].lstrip("-") if flags else None
    if chosen and implied and chosen != implied:
        raise UsageError(
            f"--{chosen} contradicts the extension of {output.name}, which means --{implied}; "
            f"drop the flag or name the file .{'md' if chosen == 'md' else chosen}",
            zh=f"--{chosen} 与文件名 {output.name} 的扩展名（对应 --{implied}）不符；请去掉该选项或改用 .{chosen} 文件名",
        )
    return chosen or implied or "md"


def protected_files(places: Iterable[Path]) -> list[Path]:
    """What `-o` must never replace: each of `places` that is a file (a one-file catalogue), and in
    each that is a directory (the workspace, a catalogue directory) and its subfolders (units/) the
    TOML files and locks, which is what sdpolicy keeps there. Other files there (a report written
    beside a store kept in git) may be replaced as usual."""
    found: list[Path] = []
    for place in map(Path, places):
        if place.is_dir():
            for pattern in ("*.toml", "*.lock", "*/*.toml", "*/*.lock"):
                found += place.glob(pattern)
        else:
            found.append(place)
    return found


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def write_bytes(path: Path, data: bytes, *, protect: Iterable[Path] = ()) -> None:
    """Write `data` to `path` whole or not at all (see the module's docstring for what is refused)."""
    path = Path(path)
    target = _identity(path)
    if target is not None and target in {_identity(p) for p in protect}:
        raise RefusedTarget(
            f"refusing to write over {path}: it is one of the workspace's or the catalogue's own files",
            zh=f"拒绝覆盖 {path}：它是工作区或目录自身的文件",
        )
    try:
        mode = path.stat().st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
            _write_in_place(path, data)
            return
        what = "a directory" if stat.S_ISDIR(mode) else "a block device" if stat.S_ISBLK(mode) else "not a regular file"
        raise RefusedTarget(f"refusing to write {path}: it is {what}", zh=f"拒绝写入 {path}：它不是普通文件")
    if path.is_symlink():
        # Replace the file the link points to, as a shell's `>` would, and keep the link.
        path = Path(os.path.realpath(path))
    _replace(path, data)


def _write_in_place(path: Path, data: bytes) -> None:
    """A device or a FIFO: written as a shell's `>` writes it, never replaced by a regular file. A FIFO
    nobody reads is refused rather than waited on for ever."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise RefusedTarget(f"refusing to write {path}: it is a FIFO that no process reads", zh=f"拒绝写入 {path}：没有进程读取这个 FIFO") from None
        raise WriteError(f"could not write {path}: {exc.strerror or exc}") from None
    try:
        fcntl.fcntl(handle, fcntl.F_SETFL, fcntl.fcntl(handle, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
    except OSError as exc:
        raise WriteError(f"could not write {path}: {exc.strerror or exc}") from None
    finally:
        os.close(handle)


def _replace(path: Path, data: bytes) -> None:
    """Write beside the target and rename over it, so a reader never sees half a report."""
    directory = path.parent if str(path.parent) else Path(".")
    _clean_stale(directory)
    temporary = directory / f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}"
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise WriteError(f"could not write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise WriteError(f"could not write {path}: {exc.strerror or exc}") from None


def _clean_stale(directory: Path) -> None:
    """Remove this program's temporaries left in `directory` by a run that was killed: those whose
    process no longer runs (after a minute) or that are older than a day."""
    now = time.time()
    try:
        entries = [e for e in os.scandir(directory) if e.name.startswith(TEMP_PREFIX) and e.name.endswith(TEMP_SUFFIX)]
    except OSError:
        return
    for entry in entries:
        try:
            pid = int(entry.name[len(TEMP_PREFIX):].split("-", 1)[0])
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except (ValueError, OSError):
            continue
        if age > STALE_AFTER or (age > STALE_ORPHAN_AFTER and not _running(pid)):
            try:
                os.unlink(entry.path)
            except OSError:
                pass


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, under another user
    return True


def _mode_for(path: Path) -> int:
    """Keep the mode of the file being replaced; a new file gets what the umask allows, as open() would."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_text(path: Path, text: str, *, protect: Iterable[Path] = ()) -> None:
    write_bytes(path, text.encode("utf-8"), protect=protect)
