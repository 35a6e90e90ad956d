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
Entries are pickles, so a directory that someone else owns or may write to is not read from.
"""

from __future__ import annotations

import os
import pickle
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
_FORMAT = b"sdpolicy-cache-2\n"
_DIGEST_SIZE = 32
# Entries are named after what they stand for (a store's path, a command and its arguments), so the
# directory would grow with every workspace ever opened; past this many, the oldest are removed.
MAX_ENTRIES = 64

_code_key: bytes | None = None


def hasher(data: bytes | memoryview = b"") -> Any:
    """A fresh 32-byte BLAKE2b digest object, fed `data`: the one digest of content that keys use."""
    return blake2b(data, digest_size=_DIGEST_SIZE)


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
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.digest()


def name(kind: str, *parts: Any) -> str:
    """A file name for an entry: its kind and a short digest of what it stands for."""
    return f"{kind}-{key(*parts)[:10].hex()}"


def read(entry: str, expected: bytes) -> Any | None:
    """The value stored under `entry` for `expected` (a key), or None when there is none that fits."""
    folder = directory()
    path = folder / entry
    try:
        if not _private(folder):
            return None
        data = path.read_bytes()
    except (OSError, ValueError):
        return None
    head = len(_FORMAT) + 2 * _DIGEST_SIZE
    if len(data) < head or not data.startswith(_FORMAT):
        return None
    stored_key = data[len(_FORMAT) : len(_FORMAT) + _DIGEST_SIZE]
    checksum = data[len(_FORMAT) + _DIGEST_SIZE : head]
    payload = memoryview(data)[head:]
    if stored_key != expected or hasher(payload).digest() != checksum:
        return None
    try:
        value = pickle.loads(payload)
    except Exception:
        # The checksum matched, so this is an entry some other version of the classes cannot read back.
        return None
    # Pruning removes the entries least recently written; an entry in use counts as written now.
    with suppress(OSError):
        os.utime(path)
    return value


def _private(folder: Path) -> bool:
    """Whether `folder` is this user's and not open to everyone: an entry is unpickled, which runs code.

    A group may write to it: with a group per user, the usual umask 002 makes every new directory so.
    """
    if not hasattr(os, "getuid"):
        return True  # Windows: the user's cache directory is private by its place
    info = folder.stat()
    return info.st_uid == os.getuid() and not info.st_mode & 0o002


def write(entry: str, key_: bytes, value: Any) -> None:
    """Store `value` under `entry` for `key_`; a failure to write is silent, as a cache's must be."""
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return
    folder = directory()
    temporary = folder / f".{entry}.tmp-{os.getpid()}-{os.urandom(4).hex()}"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(temporary, "wb") as out:
            out.write(_FORMAT + key_ + hasher(payload).digest())
            out.write(payload)
        os.replace(temporary, folder / entry)
    except OSError:
        with suppress(OSError):
            temporary.unlink()
        return
    _prune(folder)


def _prune(folder: Path) -> None:
    try:
        entries = [(p.stat().st_mtime, p) for p in folder.iterdir()]
    except OSError:
        return
    # A temporary file outlives only a writer killed before its rename; an hour is long past any write.
    stale = time.time() - 3600
    for mtime, path in entries:
        if path.name.startswith(".") and mtime < stale:
            with suppress(OSError):
                path.unlink()
    entries = [(mtime, path) for mtime, path in entries if not path.name.startswith(".")]
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort()
    for _, old in entries[: len(entries) - MAX_ENTRIES]:
        with suppress(OSError):
            old.unlink()
