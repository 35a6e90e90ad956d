"""Reading TOML files with errors that point at file:line:col.

`tomllib` reports a position only inside its message, and a file that is not UTF-8 raises
`UnicodeDecodeError`; both are turned into one `DataError` whose message names the place. Files are
read with tomli, the same parser compiled; only a file it refuses is read again with tomllib.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sdpolicy.errors import DataError, MissingInputError

UTF8_BOM = b"\xef\xbb\xbf"
_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_AT_END = re.compile(r"\s*\(at end of document\)$")


def read_bytes(path: Path, what: str) -> bytes:
    return read_named(path, f"{what} {path}")


def read_named(path: Path, label: str, limit: int = -1) -> bytes:
    """read_regular, with every reason it fails as one sentence about `label`."""
    try:
        return read_regular(path, limit)
    except FileNotFoundError:
        raise MissingInputError(f"{label} does not exist") from None
    except IsADirectoryError:
        raise MissingInputError(f"{label} is a directory, not a file") from None
    except NotRegularError as exc:
        raise MissingInputError(f"{label} is {exc.what}, not a regular file; refusing to read it") from None
    except OSError as exc:
        raise MissingInputError(f"{label} cannot be read: {exc.strerror or exc}") from None


class NotRegularError(OSError):
    """A path that names a FIFO, a device or a socket: reading it could wait for ever (a FIFO) or
    never end (/dev/zero)."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


def read_regular(path: Path, limit: int = -1) -> bytes:
    """The bytes of a regular file (following links), at most `limit` of them when one is given;
    NotRegularError for anything else, found without blocking: the file is opened non-blocking and
    checked before a byte is read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        if not stat.S_ISREG(mode):
            raise NotRegularError(kind_of(mode))
        with os.fdopen(os.dup(fd), "rb") as stream:
            return stream.read(limit)
    finally:
        os.close(fd)


def kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def decode(data: bytes, path: Path | str) -> str:
    """UTF-8 text of a file, or a DataError naming the first bad byte's line and column."""
    if data.startswith(UTF8_BOM):
        raise DataError(f"{path}:1:1: the file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM")
    if looks_utf16(data):
        # ASCII in UTF-16 is valid UTF-8 with a NUL after (or before) every letter: without this
        # check it would be refused as a TOML syntax error about a NUL character.
        raise DataError(f"{path}:1:1: the file is not UTF-8 text: it looks like UTF-16 (as some Windows editors "
                        "save); save it as UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataError(
            f"{path}:{line}:{column}: the file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        ) from None


def looks_utf16(data: bytes) -> bool:
    """Whether the file starts with a UTF-16 byte-order mark, or NUL bytes stand at every other place
    of its start, as in UTF-16 text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = data[:512]
    return len(head) >= 4 and head.count(0) * 3 >= len(head) and (
        head[1::2].count(0) * 4 >= len(head) or head[0::2].count(0) * 4 >= len(head)
    )


# Deeper nesting than this is no catalogue or store anyone writes; the parser would run out of stack.
MAX_DEPTH = 100


def too_deep(text: str) -> tuple[int, int] | None:
    """The line and column (1-based) where arrays and inline tables first nest more than MAX_DEPTH
    deep, outside quoted text and comments; None if they never do."""
    depth = 0
    line, start = 1, 0
    i, end = 0, len(text)
    while i < end:
        char = text[i]
        if char == "\n":
            line, start = line + 1, i + 1
        elif char == "#":
            i = text.find("\n", i)
            if i < 0:
                break
            continue
        elif char in "\"'":
            triple = text.startswith(char * 3, i)
            close = char * 3 if triple else char
            j = i + len(close)
            while j < end and not text.startswith(close, j) and (triple or text[j] != "\n"):
                j += 2 if char == '"' and text[j] == "\\" else 1
            line += text.count("\n", i, j)
            if text.count("\n", i, j):
                start = text.rfind("\n", i, j) + 1
            i = j + len(close)
            continue
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, i - start + 1
        elif char in "]}":
            depth = max(depth - 1, 0)
        i += 1
    return None


def deep_message(text: str, path: Path | str, line_offset: int = 0) -> str:
    place = too_deep(text) or (1, 1)
    return (f"{path}:{place[0] + line_offset}:{place[1]}: arrays or tables nest more than {MAX_DEPTH} levels deep "
            "here; no catalogue or store needs that")


def parse(text: str, path: Path | str, *, line_offset: int = 0) -> dict[str, Any]:
    """Parse TOML text; a syntax error becomes `path:line:col: message`.

    `line_offset` lets a caller parse a slice of a file and still report the file's own line numbers.
    """
    # Imported here: a run that finds its catalogue and store in the cache parses no TOML at all.
    import tomli

    try:
        return tomli.loads(text)
    except RecursionError:
        raise DataError(deep_message(text, path, line_offset)) from None
    except tomli.TOMLDecodeError:
        # tomli is only the fast reader (see pyproject.toml). What it refuses is read again by tomllib,
        # whose words every message here is made from, so a refusal reads the same with either.
        import tomllib

        try:
            return tomllib.loads(text)
        except RecursionError:
            raise DataError(deep_message(text, path, line_offset)) from None
        except tomllib.TOMLDecodeError as exc:
            raise DataError(position_message(str(exc), path, text, line_offset)) from None


def position_message(message: str, path: Path | str, text: str, line_offset: int = 0) -> str:
    match = _POSITION.search(message)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        reason = explain(message[: match.start()], _token_at(text, line, column))
        return f"{path}:{line + line_offset}:{column}: {reason}"
    match = _AT_END.search(message)
    if match:
        line = text.count("\n") + 1
        return f"{path}:{line + line_offset}:1: {explain(message[: match.start()], '')} at the end of the file"
    return f"{path}: {explain(message, '')}"


def _token_at(text: str, line: int, column: int) -> str:
    """The bare word that starts at line:column (1-based), as far as TOML would read a value."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return ""
    match = re.match(r"[^\s,\]}#]*", lines[line - 1][column - 1 :])
    return match.group(0) if match else ""


def explain(reason: str, token: str) -> str:
    """tomllib's terse reason as a sentence a user can act on; the original words are kept inside it."""
    if reason == "Invalid date or datetime":
        what = f"'{token}' is not a valid date" if token else "this is not a valid date"
        return f"{what}; write a day that exists as YYYY-MM-DD, such as 2006-09-30 (invalid date or datetime)"
    if reason == "Invalid value" and token:
        return f"'{token}' is not a TOML value; text must be in double quotes, such as \"{token}\" (invalid value)"
    if reason == "Illegal character '\\n'":
        return "the line ends inside a quoted text; close the text with its quote mark on the same line"
    if reason == "Cannot overwrite a value":
        return "this key is given a second time; each key may appear only once in a table (cannot overwrite a value)"
    declared = re.fullmatch(r"Cannot declare \((.*)\) twice", reason)
    if declared:
        name = ".".join(part.strip().strip("'\"") for part in declared.group(1).split(",") if part.strip())
        return f"the table [{name}] is declared twice; merge the two into one"
    return f"invalid TOML: {reason[:1].lower()}{reason[1:]}"


def describe(value: Any) -> str:
    """A parsed TOML value as a message names it: 'the number 3', "the text 'x'", 'a table'."""
    if value is None:
        return "nothing (None)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, datetime):
        return f"the date and time {value.isoformat()}"
    if isinstance(value, date):
        return f"the date {value}"
    if isinstance(value, time):
        return f"the time {value.isoformat()}"
    return type(value).__name__


def load(path: Path, what: str) -> tuple[dict[str, Any], str]:
    """The parsed document and its text (kept so that later checks can find an entry's line)."""
    text = decode(read_bytes(path, what), path)
    return parse(text, path), text
