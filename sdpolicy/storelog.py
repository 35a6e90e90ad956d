"""Writing the progress log: records appended under the workspace's lock, in one write, or not at all.

Writers take `HOME/progress.toml.lock`, check what is already there (only what follows the part an
earlier run found sound, see store._Prefix), and append with one `write` on an `O_APPEND` descriptor
followed by one fsync; a failed write is cut back off, and an unfinished last line left by a writer
that was killed is set aside to `progress.toml.torn` first.
"""

from __future__ import annotations

import math
import os
import stat
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

if TYPE_CHECKING:
    from filelock import FileLock

from sdpolicy import cache, tomlfile
from sdpolicy.errors import DataError, LockTimeoutError, UsageError, WriteError
from sdpolicy.store import (
    _CACHE_KEY, _RANDOM, DEFAULT_LOCK_TIMEOUT, HEADER, LOCK_TIMEOUT_ENV, SCHEMA_VERSION, STORE_NAME, Record, Snapshot,
    StoreContents,
    _examine, _examine_after, _normalized, _prefix_entry, _Prefix, _reason, _unreadable, lock_path, progress_path,
    read_snapshot, record_line,
)

def append_record(
    home: Path, record: Record, *, lock_timeout: float | None = None, read: Snapshot | None = None,
    read_held: bool = False,
) -> Record:
    """Append one record under the store's lock and return it as stored (UTC time, `line` set).

    The lock wait is `lock_timeout` seconds, else $SDPOLICY_LOCK_TIMEOUT, else 10. A damaged store
    refuses the write (DataError) and is left as it is; a failed write leaves the file as it was.
    `read` is a snapshot this process took of the store before: the file is read again under the
    lock all the same, but what it still has in common with `read` is not hashed a second time.
    `read_held` says that `read` was taken while this process held the lock, which it still holds
    (see workspace_lock): no writer can have changed the file since, so it is not read again.
    """
    return append_records(home, [record], lock_timeout=lock_timeout, read=read, read_held=read_held)[0]


def append_records(
    home: Path,
    records: Iterable[Record] | Callable[[Snapshot], Iterable[Record]],
    *,
    lock_timeout: float | None = None,
    read: Snapshot | None = None,
    check: Callable[[Snapshot], None] | None = None,
    read_held: bool = False,
) -> list[Record]:
    """Append many records at once: one lock, one write, one fsync; all of them or none.

    `records` is the records, or a function that chooses them from the store as it is under the
    lock (an importer leaves out what is already recorded, a mark made meanwhile included). `check`,
    if given, is called under the lock with the store as it is then (undo makes sure its target is
    still the one to retract). What either raises aborts the write. Every line is made and checked
    before anything is written, so one record that cannot be written refuses the whole batch. The
    records come back as stored, in order, each with its line.
    """
    path = progress_path(home)
    # Trusted only while this process still holds the lock it read under; it is not taken twice.
    read_held = read_held and read is not None and _holds_lock(home)
    with nullcontext() if read_held else workspace_lock(home, lock_timeout):
        _remove_leftover_temporaries(Path(home))
        if (callable(records) or check is not None) and not read_held:
            read = read_snapshot(home)
        if check is not None:
            check(read)
        if callable(records):
            records = records(read)
        records = list(records)
        lines = [record_line(record) for record in records]
        seen: set[str] = set()
        for record in records:
            if record.id in seen:
                raise DataError(f"cannot write record '{record.id}': the same id is given twice in one write")
            seen.add(record.id)
        if not records:
            return []
        first = _append_locked(path, records, lines, read, read_held)
    return [_normalized(record)._replace(line=first + index) for index, record in enumerate(records)]


@contextmanager
def workspace_lock(home: Path, lock_timeout: float | None = None) -> Iterator[None]:
    """Hold the workspace's one writing lock (progress.toml.lock): every writer of HOME takes it.

    The wait is `lock_timeout` seconds, else $SDPOLICY_LOCK_TIMEOUT, else 10.
    """
    # Only writers need the lock, and importing filelock costs every reader a noticeable part of its start.
    from filelock import FileLock, Timeout

    timeout = _lock_timeout(lock_timeout)
    home = Path(home)
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"could not create the directory {home}: {_reason(exc)}") from None
    lock = FileLock(lock_path(home), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise LockTimeoutError(_lock_message(progress_path(home), lock, timeout)) from None
    except OSError as exc:
        raise WriteError(f"could not lock {lock_path(home)}: {_reason(exc)}; nothing was written") from None
    held = str(home.absolute())
    _HELD.add(held)
    try:
        yield
    finally:
        _HELD.discard(held)
        lock.release()


# The homes whose lock this process holds now.
_HELD: set[str] = set()


def _holds_lock(home: Path) -> bool:
    return str(Path(home).absolute()) in _HELD


def append_lines(path: Path, lines: list[str], header: str) -> int:
    """Append whole lines to a one-entry-per-line log other than the store; the caller holds the lock.

    One write and one fsync; a failed write is cut back off. A new file starts with `header`. An
    unfinished last line (an interrupted write) is set aside in PATH.torn first, as the store does.
    Returns the line number of the first line written.
    """
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND)
    except FileNotFoundError:
        return _create(path, (header + "".join(f"{line}\n" for line in lines)).encode("utf-8")) - len(lines) + 1
    except OSError as exc:
        raise WriteError(f"could not open {path} for writing: {_reason(exc)}; nothing was written") from None
    try:
        data = _read_all(fd)
        cut = data.rfind(b"\n") + 1
        if cut < len(data):
            _set_aside_torn_tail(fd, path, data, cut)
            data = data[:cut]
        newline = b"\r\n" if _uses_crlf(data) else b"\n"
        _write_or_undo(fd, path, b"".join(line.encode("utf-8") + newline for line in lines), len(data))
        return data.count(b"\n") + 1
    except OSError as exc:
        raise WriteError(f"could not write to {path}: {_reason(exc)}; nothing was written") from None
    finally:
        with suppress(OSError):
            os.close(fd)


def _lock_timeout(value: float | None) -> float:
    source = "lock_timeout"
    if value is None:
        raw = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
        if not raw:
            return DEFAULT_LOCK_TIMEOUT
        source = LOCK_TIMEOUT_ENV
        try:
            value = float(raw)
        except ValueError:
            raise UsageError(f"{LOCK_TIMEOUT_ENV} must be a number of seconds, not {raw!r}") from None
    if isinstance(value, bool) or not math.isfinite(value) or value < 0:
        raise UsageError(f"{source} must be a number of seconds, 0 or more, not {value!r}")
    return float(value)


def _lock_message(path: Path, lock: FileLock, timeout: float) -> str:
    from filelock import SoftFileLock

    held = (
        f"another sdpolicy process is writing to {path}: its lock {lock.lock_file} "
        f"was still held after waiting {timeout:g} s"
    )
    if isinstance(lock, SoftFileLock):
        # filelock falls back to a plain lock file where the filesystem has no flock; such a file outlives a killed writer.
        return (
            f"{held}; try again when it has finished. If no sdpolicy process is running, the lock file "
            "was left by one that was killed: delete it and try again."
        )
    return (
        f"{held}; try again when it has finished, or wait longer with {LOCK_TIMEOUT_ENV}=SECONDS. Deleting the lock "
        "file would not help: the lock belongs to a running process and is released when it exits."
    )


def _remove_leftover_temporaries(home: Path) -> None:
    # Only a writer killed between creating and renaming its temporary file leaves one, and no other
    # writer can be at that step while we hold the lock.
    for leftover in (*home.glob(f".{STORE_NAME}.tmp-*"), *home.glob(".assignments.toml.tmp-*")):
        with suppress(OSError):
            leftover.unlink()


def _append_locked(path: Path, records: list[Record], lines: list[str], read: Snapshot | None, read_held: bool = False) -> int:
    """Append the lines to the store (creating it if need be); the line number the first one got."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_NONBLOCK | os.O_NOCTTY)
        _refuse_unless_regular(fd, path)
    except FileNotFoundError:
        return _create(path, (HEADER + f"schema = {SCHEMA_VERSION}\n" + "".join(f"{line}\n" for line in lines)).encode("utf-8")) - len(lines) + 1
    except OSError as exc:
        raise WriteError(f"could not open {path} for writing: {_reason(exc)}; nothing was written") from None
    try:
        try:
            known = _as_read(read, os.fstat(fd).st_size) if read_held and read is not None else None
        except OSError as exc:
            raise _unreadable(path, exc) from None
        if known is not None:
            data, prefix, examined = read._data, read.prefix, known
        else:
            try:
                data = _read_all(fd)
            except OSError as exc:
                raise _unreadable(path, exc) from None
            # Only what follows the cached prefix is parsed: a write checks the records it has not seen.
            # The prefix `read` began with will do if the file still begins with it (checked below).
            prefix = read.prefix if read is not None and read.prefix is not None else cache.read(_prefix_entry(path), _CACHE_KEY)
            held = isinstance(prefix, _Prefix) and 0 < prefix.size <= len(data) and (
                _digest_of_start(data, prefix.size, read) == prefix.digest
            )
            examined = _examine_after(data, path, prefix) if held else None
        contents, torn_at = examined or _examine(data, path)
        wanted = {record.id for record in records}
        clash = next((old for old in contents.records if old.id in wanted), None)
        if clash is None and examined is not None and prefix is not None and any(record_id in prefix.ids for record_id in wanted):
            clash = next(old for old in _examine(data, path)[0].records if old.id in wanted)
        if clash is not None:
            raise DataError(
                f"cannot write record '{clash.id}': {path}:{clash.line} already has a record with that id"
            )
        if torn_at is not None:
            _set_aside_torn_tail(fd, path, data, torn_at)
            data = data[:torn_at]
        newline = b"\r\n" if _uses_crlf(data) else b"\n"
        if not data or data.endswith(b"\n"):
            before = b""
        else:
            # A last line cut between its CR and LF only needs the LF.
            before = b"\n" if data.endswith(b"\r") else newline
        if contents.schema_line is None:
            # A file made by hand with nothing but comments: it gets the schema line a new store starts with.
            before += f"schema = {SCHEMA_VERSION}".encode() + newline
        payload = before + b"".join(line.encode("utf-8") + newline for line in lines)
        _write_or_undo(fd, path, payload, len(data))
        lines = prefix.lines + data.count(b"\n", prefix.size) if examined and prefix is not None else data.count(b"\n")
        return lines + before.count(b"\n") + 1
    finally:
        # The descriptor is released even when close reports an error, and by then the line is either
        # durable (fsync succeeded) or cut off again: a close error must neither turn a good write into
        # a failure nor hide the error of a failed one.
        with suppress(OSError):
            os.close(fd)


def _as_read(read: Snapshot, size: int) -> tuple[StoreContents, int | None] | None:
    """What `read`, taken under the lock this process still holds, found in the file: its records
    after the cached prefix (all of them without one), and where its torn tail starts. None when the
    file's size is not the size read (something other than sdpolicy wrote to it): then it is read again."""
    data = read._data
    if size != len(data) or (read.prefix is None and read._records is None):
        return None
    after = read._appended if read.prefix is not None else read._records
    contents = StoreContents(after, read.torn_tail, read.torn_line, read.schema_line)
    return contents, (data.rfind(b"\n") + 1 if read.torn_tail is not None else None)


def _refuse_unless_regular(fd: int, path: Path) -> None:
    """A store that is a FIFO or a device (a link to /dev/zero) would be read for ever: refused."""
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise _unreadable(path, tomlfile.NotRegularError(tomlfile.kind_of(mode)))
    os.set_blocking(fd, True)


def _digest_of_start(data: bytes, size: int, read: Snapshot | None) -> bytes:
    """The digest of data[:size], taken from `read` when the file still begins as it did then."""
    # Comparing the bytes is a memcmp, several times faster than hashing them again (16 MB: ~3 ms
    # against ~20 ms), and the snapshot has usually hashed this very prefix already.
    if read is not None and size <= len(read._data) and data.startswith(memoryview(read._data)[:size]):
        return read._hash(size).digest()
    return cache.hasher(memoryview(data)[:size], size=len(data)).digest()


def _uses_crlf(data: bytes) -> bool:
    first = data.find(b"\n")
    return first > 0 and data[first - 1 : first] == b"\r"


def _read_all(fd: int) -> bytes:
    # Asking for the whole size at once reads a regular file in one call, and one chunk is joined
    # without a copy; the loop is for a file that grows meanwhile or a read cut short.
    chunks = []
    while chunk := os.read(fd, max(os.fstat(fd).st_size + 1, 1 << 16)):
        chunks.append(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(0, "the system accepted no more data")
        view = view[written:]


def _write_or_undo(fd: int, path: Path, payload: bytes, size: int) -> None:
    """Append `payload` and make it durable; on failure, cut the file back to `size`."""
    try:
        _write_all(fd, payload)
        os.fsync(fd)
    except OSError as exc:
        reason = _reason(exc)
        try:
            os.ftruncate(fd, size)
        except OSError as undo:
            raise WriteError(
                f"could not write to {path}: {reason}; cutting off the partial record failed too "
                f"({_reason(undo)}), so the file may end in an unfinished line, which readers ignore "
                "and the next write sets aside"
            ) from None
        # The truncation is what restores the content readers see; if making it durable fails as well
        # there is nothing more to try, and the original error is the one worth reporting.
        with suppress(OSError):
            os.fsync(fd)
        raise WriteError(f"could not write to {path}: {reason}; the store is unchanged") from None


def _set_aside_torn_tail(fd: int, path: Path, data: bytes, cut: int) -> None:
    """Move the unfinished last line to progress.toml.torn, so that nothing is lost and the next line starts clean."""
    keep = path.with_name(path.name + ".torn")
    try:
        torn_fd = os.open(keep, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            _write_all(torn_fd, data[cut:] + b"\n")
            os.fsync(torn_fd)
        finally:
            os.close(torn_fd)
    except OSError as exc:
        raise WriteError(
            f"could not save the unfinished last line of {path} to {keep}: {_reason(exc)}; the store is unchanged"
        ) from None
    try:
        os.ftruncate(fd, cut)
        os.fsync(fd)
    except OSError as exc:
        raise WriteError(
            f"could not cut the unfinished last line off {path}: {_reason(exc)}; its records are unchanged "
            f"and a copy of the line is in {keep}"
        ) from None


def _create(path: Path, content: bytes) -> int:
    """Write a new file whole beside its place and rename it there, so that it never exists half-written.

    Returns the number of lines written."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}-{_RANDOM.getrandbits(32):08x}")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            _write_all(fd, content)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except OSError as exc:
        with suppress(OSError):
            os.unlink(temporary)
        raise WriteError(f"could not create {path}: {_reason(exc)}; nothing was written") from None
    try:
        _fsync_directory(path.parent)
    except OSError as exc:
        # Without the directory's fsync the new name may not survive a crash; a store that might
        # vanish is worse than none, so the write is undone and reported as failed.
        with suppress(OSError):
            os.unlink(path)
        raise WriteError(f"could not create {path}: {_reason(exc)}; nothing was written") from None
    return content.count(b"\n")


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
