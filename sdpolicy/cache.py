"""An on-disk cache of work already done: validated catalogues, parsed store prefixes, computed views.

Nothing here is ever trusted more than the files it stands for. Every entry carries the key it was
made for, a digest of the bytes those files held (never their mtime), and the caller checks the key
before using the entry, so a catalogue or store edited by hand is seen at once. Entries are written
to a temporary file and renamed into place, so a reader sees a whole entry or none; an entry that is
torn or corrupt anyway (a full disk, a crash before the data reached it) fails its own checksum and
is ignored. A cache directory that is missing, read-only or full never breaks a command: reading
then finds nothing and writing does nothing, and the command parses its files as it would without
a cache.

The directory is $SDPOLICY_CACHE, else the user cache directory (~/.cache/sdpolicy on Linux).
Entries are pickles, so nothing another user could have written is read (see _Folder), and what is
read may build only sdpolicy's value types and dates (see _Unpickler).
"""

from __future__ import annotations

import io
import os
import pickle
import stat
import sys
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

from sdpolicy import __version__

try:
    # CPython's built-in BLAKE2. hashlib would load OpenSSL first (about 5 ms at every start of every
    # command) to offer the same; it is the fallback for an interpreter built without the module.
    from _blake2 import blake2b
except ImportError:  # an interpreter built without it
    from hashlib import blake2b

CACHE_ENV = "SDPOLICY_CACHE"
# Bumped whenever the layout of an entry changes; old entries then fail their key and are replaced.
_FORMAT = b"sdpolicy-cache-3\n"
_DIGEST_SIZE = 32
_CHECKSUM_SIZE = 12
# Entries are named after what they stand for (a store's path, a command and its arguments), so the
# directory would grow with every workspace ever opened; past this many, the oldest are removed.
MAX_ENTRIES = 64

_code_key: bytes | None = None


def hasher(data: bytes | memoryview = b"", size: int | None = None) -> Any:
    """A fresh 32-byte digest object, fed `data`: the one digest of content that keys use.

    `size` is the length of everything it will be fed (len(data) unless more follows by update):
    from LARGE bytes up the digest is BLAKE3, below it the built-in BLAKE2b. A file hashed whole or
    in parts gets one kind of digest as long as its size stays on one side of LARGE; a digest of the
    other kind compares unequal, so crossing it costs one rebuild, never a stale answer.
    """
    if (len(data) if size is None else size) >= LARGE:
        from blake3 import blake3

        return blake3(data)
    return blake2b(data, digest_size=_DIGEST_SIZE)


# BLAKE3 hashes 16 MB in 3.6 ms where OpenSSL's SHA-256 takes 9 ms (with the processor's SHA
# extensions) and BLAKE2b 17 ms; a mark on 10,000 tasks hashes its store and catalogue, 23 MB, at
# every run. Loading the module costs under a millisecond, so it pays from a megabyte or so up: the
# catalogue and the store of 10,000 tasks, never the shipped plan's.
LARGE = 4 << 20


def checksum(payload: bytes | memoryview) -> bytes:
    """What an entry carries to show it was written whole: its payload's length and CRC-32.

    It guards against a torn or corrupted file, not against a forger (the directory checks do that),
    so a CRC will do, and it reads the plan's 4 MB entry in a third of the time BLAKE2b takes.
    """
    import zlib

    return len(payload).to_bytes(8, "little") + zlib.crc32(payload).to_bytes(4, "little")


def directory() -> Path:
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("sdpolicy", appauthor=False))


def code_key() -> bytes:
    """A digest of the sdpolicy source that turns files into data, and of the Python that pickled it.

    The version number alone would not do: a checkout changes its code without changing its version,
    and an entry made by older code must not outlive it.
    """
    global _code_key
    if _code_key is None:
        digest = hasher(f"{__version__}\0{sys.version}\0{pickle.HIGHEST_PROTOCOL}".encode())
        package = Path(__file__).resolve().parent
        for source in sorted(package.glob("*.py")):
            with suppress(OSError):
                digest.update(source.name.encode() + b"\0" + source.read_bytes())
        _code_key = digest.digest()
    return _code_key


def key(*parts: Any) -> bytes:
    """A digest of the code and of the given parts (bytes, or anything with a stable repr)."""
    digest = hasher(code_key())
    for part in parts:
        data = part if isinstance(part, (bytes, bytearray, memoryview)) else repr(part).encode("utf-8", "surrogatepass")
        if len(data) >= LARGE:
            # A large part (a catalogue's file) goes in as its own digest, taken the faster way; the
            # top bit of its length says so, which no length of a part fed whole has.
            digest.update((len(data) | 1 << 63).to_bytes(8, "little"))
            digest.update(hasher(data).digest())
            continue
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.digest()


def name(kind: str, *parts: Any) -> str:
    """A file name for an entry: its kind and a short digest of what it stands for."""
    return f"{kind}-{key(*parts)[:10].hex()}"


def read(entry: str, expected: bytes) -> Any | None:
    """The value stored under `entry` for `expected` (a key), or None when there is none that fits."""
    folder = _Folder.open(create=False)
    if folder is None:
        return None
    try:
        data = folder.read(entry)
        if data is None:
            return None
        declared = _declared(data, expected)
        if declared is None or declared != checksum(memoryview(data)[_HEAD:]):
            return None
        # Read in place: a stream over the entry's own bytes, not over a copy of them.
        stream = io.BytesIO(data)
        stream.seek(_HEAD)
        value = _loaded(stream)
        if value is not _UNREADABLE:
            # Pruning removes the entries least recently written; an entry in use counts as written now.
            folder.touch(entry)
            return value
        return None
    finally:
        folder.close()


# An entry: _FORMAT, the key it was made for, the checksum of what follows (see checksum), then that.
_HEAD = len(_FORMAT) + _DIGEST_SIZE + _CHECKSUM_SIZE


def _declared(data: bytes, expected: bytes) -> bytes | None:
    """The checksum an entry beginning with `data` declares, when it is an entry made for `expected`."""
    if len(data) < _HEAD or not data.startswith(_FORMAT) or data[len(_FORMAT) : _HEAD - _CHECKSUM_SIZE] != expected:
        return None
    return data[_HEAD - _CHECKSUM_SIZE : _HEAD]


def _loaded(stream: io.BytesIO) -> Any:
    try:
        return _Unpickler(stream).load()
    except Exception:
        # The checksum matched, so this is an entry some other version of the classes cannot read
        # back, or one naming something that is not a value type.
        return _UNREADABLE


_UNREADABLE = object()


def write_parts(entry: str, key_: bytes, value: Any, parts: list[bytes]) -> None:
    """Store `value` under `entry` for `key_`, followed by `parts` (bytes), each with a checksum of its
    own: read_parts then reads and checks the value and only the parts asked for. A mark on 10,000
    tasks needs one of the 150 parts of the item index; reading and checking all 5 MB of them cost
    more than the rest of what it reads of the cache."""
    try:
        pickled = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return
    # The value's checksum covers the table of the parts' checksums, which come first.
    described = len(parts).to_bytes(8, "little") + b"".join(map(checksum, parts)) + pickled
    folder = _Folder.open(create=True)
    if folder is None:
        return
    try:
        folder.write(entry, b"".join([_FORMAT, key_, checksum(described), described, *parts]))
        folder.prune()
    finally:
        folder.close()


class Parts:
    """The parts of an entry written by write_parts, read one at a time from the entry as opened."""

    __slots__ = ("_fd", "_places")

    def __init__(self, fd: int, places: list[tuple[int, bytes]]):
        self._fd = fd
        self._places = places  # each part's offset in the entry, and its checksum (which holds its length)

    def __len__(self) -> int:
        return len(self._places)

    def __getitem__(self, number: int) -> bytes | None:
        """Part `number`, or None when it cannot be read or fails its checksum."""
        offset, expected = self._places[number]
        try:
            data = _read_at(self._fd, int.from_bytes(expected[:8], "little"), offset)
        except OSError:
            return None
        return data if checksum(data) == expected else None

    def __del__(self) -> None:
        with suppress(OSError):
            os.close(self._fd)


def _read_at(fd: int, size: int, offset: int) -> bytes:
    """Up to `size` bytes from `offset` (os.pread, which Windows lacks, in two calls)."""
    os.lseek(fd, offset, os.SEEK_SET)
    chunks = []
    while size > 0 and (chunk := os.read(fd, size)):
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_parts(entry: str, expected: bytes) -> tuple[Any, Parts] | None:
    """The value and the parts stored under `entry` by write_parts for `expected` (a key), or None
    when there is none that fits. The entry stays open while the Parts are in use: entries are
    replaced by renaming, never written in place, so it reads as it was when opened."""
    folder = _Folder.open(create=False)
    if folder is None:
        return None
    try:
        fd = folder.opened(entry)
        if fd is None:
            return None
        parts = None
        try:
            # Most values are a few hundred kilobytes at most: one read, and a second for a larger one.
            data = _read_at(fd, _HEAD + (1 << 18), 0)
            declared = _declared(data, expected)
            if declared is None:
                return None
            length = int.from_bytes(declared[:8], "little")
            described = data[_HEAD : _HEAD + length] if len(data) >= _HEAD + length else _read_at(fd, length, _HEAD)
            if len(described) < 8 or checksum(described) != declared:
                return None
            count = int.from_bytes(described[:8], "little")
            table = described[8 : 8 + count * _CHECKSUM_SIZE]
            if len(table) != count * _CHECKSUM_SIZE:
                return None
            value = _loaded(io.BytesIO(memoryview(described)[8 + len(table) :]))
            if value is _UNREADABLE:
                return None
            places, offset = [], _HEAD + length
            for number in range(count):
                one = table[number * _CHECKSUM_SIZE : (number + 1) * _CHECKSUM_SIZE]
                places.append((offset, one))
                offset += int.from_bytes(one[:8], "little")
            parts = Parts(fd, places)
        except OSError:
            return None
        finally:
            if parts is None:
                os.close(fd)
        folder.touch(entry)
        return value, parts
    finally:
        folder.close()


def loads(data: bytes | memoryview) -> Any:
    """A pickle held inside an entry (read through read() or read_parts(), so checked with it), loaded
    as entries are: building sdpolicy's value types and dates only."""
    return _Unpickler(io.BytesIO(data)).load()


def write(entry: str, key_: bytes, value: Any) -> None:
    """Store `value` under `entry` for `key_`; a failure to write is silent, as a cache's must be."""
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return
    write_pickled(entry, key_, payload)


def write_pickled(entry: str, key_: bytes, payload: bytes) -> None:
    """write() of a value already pickled, for a caller that needs the pickle's bytes as well."""
    # The same checks as a read: an entry is never written where it would not be read back.
    folder = _Folder.open(create=True)
    if folder is None:
        return
    try:
        folder.write(entry, _FORMAT + key_ + checksum(payload) + payload)
        folder.prune()
    finally:
        folder.close()


# What an entry may name: the value types of sdpolicy (named tuples and dataclasses, whose constructors
# only store their fields) and dates. Anything else, os.system included, makes the entry unreadable.
_DATETIME_TYPES = frozenset({"date", "datetime", "time", "timedelta", "timezone"})
_EXTRA_TYPES = frozenset({("sdpolicy.store", "_Ids")})


class _Unpickler(pickle.Unpickler):
    """An unpickler that builds data and calls nothing else.

    The directory checks already keep out every entry that another user could have written; this is
    the second wall, for an entry that was planted some other way (a copied cache, a restored backup).
    """

    def find_class(self, module: str, name: str) -> Any:
        if module == "datetime" and name in _DATETIME_TYPES:
            return super().find_class(module, name)
        if module.startswith("sdpolicy.") and "." not in name:
            found = super().find_class(module, name)
            if isinstance(found, type) and (
                (issubclass(found, tuple) and hasattr(found, "_fields"))
                or "__dataclass_fields__" in found.__dict__
                or (module, name) in _EXTRA_TYPES
            ):
                return found
        raise pickle.UnpicklingError(f"a cache entry may not name {module}.{name}")


class _Folder:
    """The cache directory, opened once; entries are opened relative to that descriptor.

    Entries are pickles, so nothing that another user could have written may be read: the directory
    must be this user's and writable by nobody else (group included), and each entry a regular file of
    this user's that nobody else may write to, as the opened descriptors say (fstat). A name is never
    resolved twice, so swapping the directory or an entry between a check and a read changes nothing.
    """

    __slots__ = ("fd", "path")

    def __init__(self, fd: int | None, path: Path):
        self.fd = fd  # None where the system has no descriptor-relative calls (Windows)
        self.path = path

    @classmethod
    def open(cls, create: bool) -> _Folder | None:
        path = directory()
        try:
            if create:
                path.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not _RELATIVE:
                return cls(None, path) if path.is_dir() else None
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except (OSError, ValueError):
            return None
        try:
            info = os.fstat(fd)
        except OSError:
            info = None
        if info is None or not stat.S_ISDIR(info.st_mode) or not _owned_and_closed(info):
            os.close(fd)
            return None
        return cls(fd, path)

    def close(self) -> None:
        if self.fd is not None:
            with suppress(OSError):
                os.close(self.fd)

    def read(self, entry: str) -> bytes | None:
        fd = self.opened(entry)
        if fd is None:
            return None
        try:
            chunks = []
            while chunk := os.read(fd, max(os.fstat(fd).st_size + 1, 1 << 16)):
                chunks.append(chunk)
            return b"".join(chunks)
        except OSError:
            return None
        finally:
            os.close(fd)

    def opened(self, entry: str) -> int | None:
        """A descriptor of `entry` when it is a regular file that only this user may have written."""
        try:
            if self.fd is None:
                fd = os.open(self.path / entry, os.O_RDONLY | getattr(os, "O_BINARY", 0))
            else:
                # O_NONBLOCK: a FIFO in place of an entry must not hang the command.
                fd = os.open(entry, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=self.fd)
        except (OSError, ValueError):
            return None
        try:
            info = os.fstat(fd)
            if stat.S_ISREG(info.st_mode) and (self.fd is None or _owned_and_closed(info)):
                return fd
        except OSError:
            pass
        os.close(fd)
        return None

    def touch(self, entry: str) -> None:
        with suppress(OSError, ValueError, NotImplementedError):
            if self.fd is None:
                os.utime(self.path / entry)
            else:
                os.utime(entry, dir_fd=self.fd, follow_symlinks=False)

    def write(self, entry: str, data: bytes) -> None:
        temporary = f".{entry}.tmp-{os.getpid()}-{os.urandom(4).hex()}"
        if self.fd is None:
            try:
                with open(self.path / temporary, "wb") as out:
                    out.write(data)
                os.replace(self.path / temporary, self.path / entry)
            except OSError:
                with suppress(OSError):
                    (self.path / temporary).unlink()
            return
        try:
            fd = os.open(
                temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=self.fd
            )
        except OSError:
            return
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
            os.replace(temporary, entry, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except OSError:
            with suppress(OSError):
                os.unlink(temporary, dir_fd=self.fd)

    def prune(self) -> None:
        try:
            if self.fd is None:
                listed = [(p.name, p.lstat().st_mtime) for p in self.path.iterdir()]
            else:
                listed = [(e.name, e.stat(follow_symlinks=False).st_mtime) for e in os.scandir(self.fd)]
        except OSError:
            return
        # A temporary file outlives only a writer killed before its rename; an hour is long past any write.
        stale = time.time() - 3600
        doomed = [name for name, mtime in listed if name.startswith(".") and mtime < stale]
        kept = sorted((mtime, name) for name, mtime in listed if not name.startswith("."))
        doomed += [name for _, name in kept[: max(len(kept) - MAX_ENTRIES, 0)]]
        for name in doomed:
            with suppress(OSError):
                if self.fd is None:
                    (self.path / name).unlink()
                else:
                    os.unlink(name, dir_fd=self.fd)


_RELATIVE = hasattr(os, "getuid") and os.open in os.supports_dir_fd and hasattr(os, "O_NOFOLLOW")


def _owned_and_closed(info: os.stat_result) -> bool:
    """Whether what `info` describes is this user's and no one else may write to it."""
    return info.st_uid == os.getuid() and not info.st_mode & 0o022
