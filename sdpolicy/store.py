"""The progress log: one line per record, appended under a lock, never rewritten.

The store is `HOME/progress.toml`. Each record is one top-level key, its id, holding an inline table on
a single line, so that an append never rewrites history and a git union merge of two copies keeps
every record of both (a record spread over several lines would have its lines interleaved).

Writers take `HOME/progress.toml.lock`, validate what is already there, and append one line with one
`write` on an `O_APPEND` descriptor; a failed write is cut back off. Readers take no lock: the worst
they can see is the unfinished last line of a write in progress, which they ignore.

Reading and validating 100,000 records takes a while, so what a run found sound is remembered in the
cache by the digest of those bytes (see _Prefix): a later reader or writer whose file still starts
with them parses only the lines after them.
"""

from __future__ import annotations

import difflib
import math
import os
import random
import re
import stat
from contextlib import contextmanager, suppress
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, NamedTuple

if TYPE_CHECKING:
    from filelock import FileLock

from sdpolicy import cache, tomlfile
from sdpolicy.errors import DataError, LockTimeoutError, MissingInputError, UsageError, WriteError

STATES = ("not-started", "in-progress", "done", "blocked")


class Record(NamedTuple):
    """One reported update, or the retraction of one (then `retracts` names it).

    A named tuple rather than a frozen dataclass: a store of 100,000 records builds them three times
    as fast, and the class itself, defined at every start, costs a sixth as much.
    """

    id: str
    kind: str  # "task" or "indicator": which catalogue list `item` belongs to
    item: str
    date: date  # the day the reported progress refers to
    recorded_at: datetime  # when it was written, timezone-aware UTC
    value: float | None = None
    state: str | None = None
    note: str = ""
    by: str = ""
    retracts: str | None = None
    node: str | None = None  # a time node of the task reached on `date` (trajectory.py)
    # Where an imported monthly return puts what it says besides the figure: the unit's problems
    # (存在问题), its next steps (下一步措施) and the file the row came from. Empty for a `mark`.
    problems: str = ""
    next_steps: str = ""
    source: str = ""
    line: int = 0  # where it stands in the store file, for messages; not part of what it says

    # The same record read from another line is the same record: equality and hashing leave `line` out.
    def __eq__(self, other: object) -> bool:
        return self[:-1] == other[:-1] if isinstance(other, Record) else NotImplemented

    def __ne__(self, other: object) -> bool:
        return self[:-1] != other[:-1] if isinstance(other, Record) else NotImplemented

    def __hash__(self) -> int:
        return hash(self[:-1])


STORE_NAME = "progress.toml"
SCHEMA_VERSION = 1
LOCK_TIMEOUT_ENV = "SDPOLICY_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0
KINDS = ("task", "indicator")
FIELDS = (
    "task", "indicator", "value", "state", "node", "retracts", "date", "by", "note", "problems", "next_steps",
    "source", "recorded_at",
)
TEXT_FIELDS = ("note", "by", "problems", "next_steps", "source")

HEADER = (
    "# sdpolicy progress log for Shandong's 2006 informatization plan. Each line below is one record.\n"
    "# A correction or retraction is a new line; nothing is ever erased or rewritten.\n"
    "# It may be edited by hand, with care: keep every record on one line and every id unique.\n"
)

# Crockford's base32 leaves out i, l, o and u, so an id read aloud or copied by hand stays unambiguous.
_ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_ID_LENGTH = 10
# Writing accepts any lowercase letter or digit so that ids made elsewhere (tests, imports) are not
# refused for a letter Crockford happens to avoid; reading accepts whatever key a hand edit used.
_WRITABLE_ID = re.compile(r"r-[0-9a-z]{10}")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# The lines git writes around the two sides of a conflict (and the base, in diff3 style).
_CONFLICT_MARKER = re.compile(r"(<{7}|={7}|>{7}|\|{7})(?: |$)")


# What secrets.choice uses; the secrets module itself would load OpenSSL (through hmac) at every start.
_RANDOM = random.SystemRandom()


def new_record_id() -> str:
    return "r-" + "".join(_RANDOM.choices(_ID_ALPHABET, k=_ID_LENGTH))


def progress_path(home: Path) -> Path:
    return Path(home) / STORE_NAME


def lock_path(home: Path) -> Path:
    return Path(home) / (STORE_NAME + ".lock")


def torn_path(home: Path) -> Path:
    """Where unfinished last lines are kept once a writer has set them aside."""
    return Path(home) / (STORE_NAME + ".torn")


class StoreContents(NamedTuple):
    """Everything a reader learns from the store file.

    `torn_tail` is the unfinished last line an interrupted write left behind (no final newline, and it
    does not parse): it was never reported as written, so it is not a record. It is exposed so that the
    CLI can warn; the next write moves it to `progress.toml.torn`.
    """

    records: tuple[Record, ...] = ()
    torn_tail: str | None = None
    torn_line: int | None = None
    schema_line: int | None = None  # None when the file has no `schema = 1` line (only allowed if it has no records)


class _Prefix(NamedTuple):
    """What is known of the first `size` bytes of a store file, read once and found without a problem."""

    size: int  # it ends just after a line feed
    digest: bytes  # cache.hasher digest of those bytes: the prefix is used only for a file that still starts with them
    lines: int  # the line feeds in it, so that the lines after it keep their numbers
    schema_line: int | None
    ids: _Ids
    items: frozenset[tuple[str, str]]  # (kind, item) of its records, to check them against a catalogue


class _Ids:
    """Record ids kept as one string, one per line: it loads from the cache in a tenth of the time a
    set of 100,000 strings takes, and the lines added after a prefix need only a few lookups."""

    __slots__ = ("text", "_set", "_lookups")

    def __init__(self, text: str):
        self.text = text
        self._set: frozenset[str] | None = None
        self._lookups = 0

    @classmethod
    def of(cls, ids: Iterable[str]) -> _Ids:
        return cls("\n" + "".join(i + "\n" for i in ids))

    def extended(self, ids: Iterable[str]) -> _Ids:
        return _Ids(self.text + "".join(i + "\n" for i in ids))

    def __contains__(self, record_id: object) -> bool:
        if self._set is None:
            self._lookups += 1
            if self._lookups <= 32:
                return f"\n{record_id}\n" in self.text
            self._set = frozenset(self.text.split("\n"))
        return record_id in self._set

    def __bool__(self) -> bool:
        return len(self.text) > 1

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return _Ids, (self.text,)


# -- reading


def read_records(home: Path) -> list[Record]:
    """Every complete record in file order, each with `line` set; [] when there is no store yet."""
    return list(read_store(home).records)


def read_store(home: Path) -> StoreContents:
    snapshot = read_snapshot(home)
    return StoreContents(snapshot.records(), snapshot.torn_tail, snapshot.torn_line, snapshot.schema_line)


# A cached prefix is extended once this many records follow it, so that the part parsed afresh by every
# run stays small while the cache is rewritten rarely.
_REFRESH = 1000


class Snapshot:
    """The store file as read at one moment: checked whole at once, its records built when asked for.

    The part of the file an earlier run found sound is known from the cache (see _Prefix) once the
    file still starts with those bytes: a command that needs only to know that the store is sound and
    which tasks and indicators it names (mark, a view already computed) then parses only what was
    added since, and never builds 100,000 records.

    The records themselves are not cached: building the Record objects is most of the cost of reading
    them, from a cache as from the file, so a cache of them would save little and cost every first run.
    """

    __slots__ = ("path", "torn_tail", "torn_line", "schema_line", "items", "prefix", "_data", "_records", "_hashes")

    def __init__(self, path: Path, data: bytes):
        self.path = path
        self._data = data
        self._records: tuple[Record, ...] | None = None
        self._hashes: dict[int, Any] = {}  # digest objects of prefixes of the data, by size
        self.torn_tail: str | None = None
        self.torn_line: int | None = None
        self.schema_line: int | None = None
        self.items: frozenset[tuple[str, str]] = frozenset()  # (kind, item) named by some record
        self.prefix: _Prefix | None = None  # the cached prefix this file was found to begin with

    @property
    def digest(self) -> bytes:
        """A digest of the whole file as read: what anything computed from its records is keyed on."""
        return self._hash(len(self._data)).digest()

    def records(self) -> tuple[Record, ...]:
        """Every complete record in file order, each with `line` set."""
        if self._records is None:
            self._records = _examine(self._data, self.path)[0].records
        return self._records

    def complete_lines(self) -> tuple[int, int]:
        """The size of the file's complete lines (up to its last line feed) and how many there are."""
        cut = self._data.rfind(b"\n") + 1
        return cut, self._data.count(b"\n", 0, cut)

    def digest_of(self, size: int) -> bytes:
        """The digest of the file's first `size` bytes."""
        return self._hash(size).digest()

    def records_after(self, size: int, digest: bytes, lines: int) -> tuple[Record, ...] | None:
        """The records after the first `size` bytes (which hold `lines` line feeds), if the file still
        begins with the bytes whose digest is `digest`; else None. The file was checked as a whole
        when it was read, so these lines need no check of their own."""
        if not 0 <= size <= len(self._data) or self.digest_of(size) != digest:
            return None
        known = _Prefix(size, digest, lines, 1, _Ids(""), frozenset())
        try:
            return _parse(self._data[size:].decode("utf-8"), self.path, known).records
        except (UnicodeDecodeError, DataError):
            return None

    def records_naming(self, items: Iterable[str]) -> tuple[Record, ...]:
        """The records whose item is one of `items`, and every retraction, in file order.

        Enough for what concerns those items alone (their history, with retractions settled), without
        building every record: only the lines that hold an item's text or the word 'retracts' are
        parsed. A file with \\u escapes, which could spell an id without its text, is read whole.
        """
        wanted = set(items)
        if self._records is None and (b"\\u" in self._data or b"\\U" in self._data):
            self.records()
        if self._records is not None:
            return tuple(r for r in self._records if r.item in wanted or r.retracts is not None)
        data = self._data
        starts: set[int] = set()
        for text in [*(item.encode("utf-8") for item in wanted), b"retracts"]:
            at = data.find(text)
            while at >= 0:
                starts.add(data.rfind(b"\n", 0, at) + 1)
                at = data.find(text, at + 1)
        found: list[Record] = []
        number, counted = 1, 0
        for start in sorted(starts):
            number += data.count(b"\n", counted, start)
            counted = start
            end = data.find(b"\n", start)
            line = data[start : end if end >= 0 else len(data)]
            known = _Prefix(start, b"", number - 1, 1, _Ids(""), frozenset())
            try:
                found.extend(_parse(line.decode("utf-8"), self.path, known).records)
            except (UnicodeDecodeError, DataError):
                return tuple(r for r in self.records() if r.item in wanted or r.retracts is not None)
        return tuple(r for r in found if r.item in wanted or r.retracts is not None)

    def _hash(self, size: int) -> Any:
        found = self._hashes.get(size)
        if found is None:
            below = max((n for n in self._hashes if n < size), default=0)
            found = self._hashes[below].copy() if below else cache.hasher()
            found.update(memoryview(self._data)[below:size])
            self._hashes[size] = found
        return found

    def _holds(self, prefix: Any) -> bool:
        """Whether `prefix` is a cached prefix of this very file."""
        return (
            isinstance(prefix, _Prefix)
            and 0 < prefix.size <= len(self._data)
            and self._hash(prefix.size).digest() == prefix.digest
        )

    def _remember(self, schema_line: int | None, records: tuple[Record, ...], base: _Prefix | None = None) -> None:
        """Cache what is known of the file's complete lines: `base` (if any) and then `records`."""
        cut = self._data.rfind(b"\n") + 1
        if not cut:
            return
        lines = self._data.count(b"\n", 0, cut)
        # A last line without its line feed belongs to the part that is parsed afresh.
        kept = [r for r in records if r.line <= lines] if records and records[-1].line > lines else records
        if any("\n" in r.id for r in kept):
            return  # a quoted key may hold a line feed, which the one-per-line list of ids cannot
        ids = base.ids.extended(r.id for r in kept) if base else _Ids.of(r.id for r in kept)
        items = frozenset((r.kind, r.item) for r in kept)
        if base is not None:
            items |= base.items
        schema = schema_line if schema_line is not None and schema_line <= lines else None
        prefix = _Prefix(cut, self._hash(cut).digest(), lines, schema, ids, items)
        cache.write(_prefix_entry(self.path), _CACHE_KEY, prefix)


_CACHE_KEY = cache.key("store-prefix")


def _prefix_entry(path: Path) -> str:
    return cache.name("store-prefix", str(path.absolute()))


def read_snapshot(home: Path) -> Snapshot:
    """Read and check the store (DataError if it is damaged); records are built when asked for."""
    path = progress_path(home)
    try:
        data = tomlfile.read_regular(path)
    except FileNotFoundError:
        snapshot = Snapshot(path, b"")
        snapshot._records = ()
        return snapshot
    except OSError as exc:
        raise _unreadable(path, exc) from None
    snapshot = Snapshot(path, data)
    prefix = cache.read(_prefix_entry(path), _CACHE_KEY)
    examined = _examine_after(data, path, prefix) if snapshot._holds(prefix) else None
    if examined is None:
        contents = _examine(data, path)[0]
        snapshot._records = contents.records
        snapshot.items = frozenset((r.kind, r.item) for r in contents.records)
        snapshot._remember(contents.schema_line, contents.records)
    else:
        contents = examined[0]
        snapshot.prefix = prefix
        snapshot.items = prefix.items.union((r.kind, r.item) for r in contents.records)
        if len(contents.records) > _REFRESH:
            snapshot._remember(contents.schema_line, contents.records, base=prefix)
    snapshot.torn_tail, snapshot.torn_line, snapshot.schema_line = (
        contents.torn_tail, contents.torn_line, contents.schema_line
    )
    return snapshot


def parse_records(text: str, path: Path | str) -> StoreContents:
    """Parse the decoded text of a store; damage raises DataError listing every problem.

    A pure function of its arguments, so that a cache keyed on (text, path) can sit in front of it.
    Each line is parsed on its own: that gives every problem its own line, lets one run report all of
    them, and makes a duplicate id a finding of ours that can be explained in plain words rather than
    tomllib's "Cannot overwrite a value".
    """
    return _parse(text, path)


def _parse(text: str, path: Path | str, prefix: _Prefix | None = None) -> StoreContents:
    """parse_records, or with `prefix` the parse of what follows a known-good prefix of the file.

    Lines are parsed on their own, so the lines after a prefix read the same whether or not the prefix
    is parsed again: only its ids (for duplicates) and its schema line carry over. After a prefix, the
    records returned are those of `text` alone; a clash with a prefix id is a problem without words,
    as every problem is then worded by a parse of the whole file (see _examine_after).
    """
    # Imported by the runs that parse, not by those that find every record in the cache.
    import tomllib

    lines = text.split("\n")
    last = len(lines) - 1
    offset = prefix.lines if prefix else 0
    known: _Ids | frozenset[str] = prefix.ids if prefix else frozenset()
    problems: list[str] = []
    records: list[Record] = []
    seen: dict[str, int] = {}  # the line of each record id
    schema_line: int | None = prefix.schema_line if prefix else None
    torn: tuple[str, int] | None = None
    strings: dict[str, str] = {}
    days: dict[str, date] = {}
    for index, raw in enumerate(lines):
        number = index + 1 + offset
        line = raw[:-1] if raw.endswith("\r") else raw
        record = _canonical(line, number, strings, days)
        if record is not None and record.id not in seen and record.id not in known:
            seen[record.id] = number
            records.append(record)
            continue
        stripped = line.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        column = len(line) - len(stripped) + 1
        if stripped.startswith("["):
            problems.append(
                f"{path}:{number}:{column}: a table header has no place in the progress store; "
                "each record is one line: id = { … }"
            )
            continue
        if _CONFLICT_MARKER.match(line):
            problems.append(
                f"{path}:{number}:1: a git merge conflict marker ({line[:7]}); keep the record lines of both "
                "sides and delete the marker lines. With 'progress.toml merge=union' in .gitattributes git keeps "
                "both sides itself"
            )
            continue
        try:
            # The line as the file has it, CR included, and with its LF: tomllib then judges exactly the
            # file's bytes and reports a position rather than "end of document". A last line that lacks
            # only its LF is complete.
            parsed = tomllib.loads(raw + "\n")
        except RecursionError:
            problems.append(tomlfile.deep_message(line, path, number - 1))
            continue
        except tomllib.TOMLDecodeError as exc:
            if index == last:
                torn = (line, number)
            else:
                # On one line "end of document" is the end of this line; say where that is.
                reason = str(exc).replace("(at end of document)", f"(at line 1, column {len(line) + 1})")
                problems.append(tomlfile.position_message(reason, path, line, number - 1))
            continue
        # One line holds one key/value pair: TOML allows no more, and blank lines were skipped.
        ((key, value),) = parsed.items()
        if key == "schema":
            if schema_line is not None:
                problems.append(
                    f"{path}:{number}:{column}: 'schema' is set twice (first on line {schema_line}); "
                    "TOML does not allow the same key twice: delete this line"
                )
                continue
            schema_line = number
            if isinstance(value, bool) or value != SCHEMA_VERSION:
                where = f"{path}:{number}:{line_columns(line)[0]}"
                if isinstance(value, int) and not isinstance(value, bool):
                    problems.append(f"{where}: schema {value} is not supported: this sdpolicy reads schema {SCHEMA_VERSION}")
                else:
                    problems.append(f"{where}: schema must be the number {SCHEMA_VERSION}, not {tomlfile.describe(value)}")
            continue
        if key in known:
            problems.append(key)
            continue
        if key in seen:
            first = seen[key]
            first_line = lines[first - 1 - offset].removesuffix("\r")
            if first_line == line:
                problems.append(
                    f"{path}:{number}:{column}: record '{key}' appears twice, identical on line {first}; "
                    "TOML does not allow the same key twice: delete one of the two lines"
                )
            else:
                problems.append(
                    f"{path}:{number}:{column}: record id '{key}' is already used on line {first}; "
                    "TOML does not allow the same key twice: give one of the two records a new id"
                )
            continue
        seen[key] = number
        if not isinstance(value, dict):
            problems.append(
                f"{path}:{number}:{line_columns(line)[0]}: '{key}' is not a record: apart from 'schema = 1', "
                f"every line is a record written as an inline table, id = {{ … }}, but this is {tomlfile.describe(value)}"
            )
            continue
        found = _check_fields(value)
        if found:
            # Columns are worked out only for a line with problems: a valid store never pays for the scan.
            value_column, keys = line_columns(line)
            placed = sorted((keys.get(name, value_column) if name else value_column, text) for name, text in found)
            problems.extend(f"{path}:{number}:{column}: record '{key}': {text}" for column, text in placed)
        else:
            records.append(_build(key, value, number))
    if (records or known) and schema_line is None:
        problems.append(f"{path}:1:1: the line 'schema = {SCHEMA_VERSION}' is missing; put it above the first record")
    if problems:
        raise _damaged(path, problems)
    if torn is None:
        return StoreContents(tuple(records), schema_line=schema_line)
    return StoreContents(tuple(records), torn_tail=torn[0], torn_line=torn[1], schema_line=schema_line)


def _examine_after(data: bytes, path: Path, prefix: _Prefix) -> tuple[StoreContents, int | None] | None:
    """_examine for the part of the file after a cached prefix (whose records are not returned).

    None when only a parse of the whole file can settle it: a problem, to be worded with the file's
    own lines, or a character that an interrupted write cut in two.
    """
    try:
        contents = _parse(data[prefix.size :].decode("utf-8"), path, prefix)
    except (UnicodeDecodeError, DataError):
        return None
    return contents, (data.rfind(b"\n") + 1 if contents.torn_tail is not None else None)


def _examine(data: bytes, path: Path) -> tuple[StoreContents, int | None]:
    """The contents of a store file, and the byte offset of its torn tail (None when there is none)."""
    if data.startswith(tomlfile.UTF8_BOM):
        with_bom = f"{path}:1:1: the file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM"
        raise _damaged(path, [with_bom])
    cut = data.rfind(b"\n") + 1
    try:
        text = tomlfile.decode(data, path)
    except DataError as exc:
        # A write cut short can stop inside a multi-byte character; only an unfinished last line may.
        if cut == len(data):
            raise _damaged(path, [exc.message]) from None
        try:
            head = tomlfile.decode(data[:cut], path)
        except DataError as head_exc:
            raise _damaged(path, [head_exc.message]) from None
        contents = parse_records(head, path)
        torn_text = data[cut:].decode("utf-8", errors="replace")
        return contents._replace(torn_tail=torn_text, torn_line=head.count("\n") + 1), cut
    contents = parse_records(text, path)
    return contents, (cut if contents.torn_tail is not None else None)


# A line exactly as record_line writes it: strings without escapes or control characters, numbers
# without sign, underscores or base prefixes, real dates in the form tomllib accepts, UTC times.
_STRING = r'"([^"\\\x00-\x08\x0a-\x1f\x7f]*)"'
_DAY = r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_CANONICAL = re.compile(
    r"([A-Za-z0-9_-]+) = \{ (task|indicator) = " + _STRING
    + r"(?:, value = ((?:0|[1-9][0-9]{0,14})(\.[0-9]+)?([eE][+-]?[0-9]+)?))?"
    + r"(?:, state = " + _STRING + ")?"
    + r"(?:, retracts = " + _STRING + ")?"
    + r", date = (" + _DAY + ")"
    + r"(?:, by = " + _STRING + ")?"
    + r"(?:, note = " + _STRING + ")?"
    + r"(?:, problems = " + _STRING + ")?"
    + r"(?:, next_steps = " + _STRING + ")?"
    + r"(?:, source = " + _STRING + ")?"
    + r", recorded_at = (" + _DAY + r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{6})?Z) \}"
)


def _canonical(line: str, number: int, strings: dict[str, str], days: dict[str, date]) -> Record | None:
    """The record on a line as record_line writes it, if it passes every check; else None.

    Nearly every line of a store was written by record_line, and one regular expression reads such a
    line several times faster than tomllib. It matches only text that tomllib reads to the same
    values, and a record with any problem is declined too, so every other line goes through tomllib
    and _check_fields and gets exactly the message it always had. Equal strings and dates are shared
    through `strings` and `days`, which keeps a large store small in memory and in the cache.
    """
    match = _CANONICAL.fullmatch(line)
    if match is None:
        return None
    key, kind, item, digits, fraction, exponent, state, retracts, day, by, note, problems, next_steps, source, stamp = (
        match.groups()
    )
    if key == "schema" or not item.strip():
        return None
    if retracts is not None:
        if digits is not None or state is not None or not retracts.strip():
            return None
    elif digits is None and state is None:
        return None
    value: float | None = None
    if digits is not None:
        value = float(digits) if fraction or exponent else int(digits)
        if not math.isfinite(value):
            return None
    if state is not None and state not in STATES:
        return None
    on = days.get(day)
    try:
        if on is None:
            on = days[day] = date.fromisoformat(day)
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    get = strings.setdefault
    return Record(
        key, get(kind, kind), get(item, item), on, when, value, state and get(state, state),
        get(note, note) if note else "", get(by, by) if by else "", retracts, None,
        problems or "", next_steps or "", get(source, source) if source else "", number,
    )


def _damaged(path: Path | str, problems: list[str]) -> DataError:
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    return DataError(f"progress store {path} is damaged ({count}): {problems[0]}", problems=problems)


def _unreadable(path: Path, exc: OSError) -> MissingInputError:
    if isinstance(exc, IsADirectoryError):
        return MissingInputError(f"progress store {path} is a directory, not a file.")
    if isinstance(exc, tomlfile.NotRegularError):
        return MissingInputError(f"progress store {path} is {exc.what}, not a regular file; refusing to read it.")
    return MissingInputError(f"progress store {path} cannot be read: {_reason(exc)}.")


# -- checking one record (shared by the reader and the writer, so what is written is what reads back)


def _check_fields(data: dict[str, Any]) -> list[tuple[str | None, str]]:
    """Every problem of one record's fields, each with the field it concerns (None: the record as a whole)."""
    found: list[tuple[str | None, str]] = []

    def bad(name: str | None, message: str) -> None:
        found.append((name, message))

    for key in data:
        if key not in FIELDS:
            hint = difflib.get_close_matches(key, FIELDS, n=1)
            bad(key, f"unknown field '{key}'" + (f"; did you mean '{hint[0]}'?" if hint else ""))

    kinds = [kind for kind in KINDS if kind in data]
    if len(kinds) == 2:
        bad("indicator", "has both 'task' and 'indicator'; a record is about exactly one of them")
    elif not kinds:
        bad(None, "has neither 'task' nor 'indicator'; a record is about exactly one of them")
    for name in kinds + ["retracts", "node", *TEXT_FIELDS]:
        if name in data and not isinstance(data[name], str):
            bad(name, f"field '{name}' must be text, not {tomlfile.describe(data[name])}")
        elif name in kinds + ["retracts", "node"] and name in data and not data[name].strip():
            bad(name, f"field '{name}' is empty")
    if "node" in data and "indicator" in data:
        bad("node", "an indicator has no time nodes; 'node' belongs on a task's record")

    if "value" in data:
        value = data["value"]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            bad("value", f"field 'value' must be a number, not {tomlfile.describe(value)}")
        elif not math.isfinite(value):
            bad("value", f"field 'value' must be a finite number, not {value}")
        elif value < 0:
            bad("value", f"field 'value' must not be negative, but is {value}")
    if "state" in data:
        state = data["state"]
        if not isinstance(state, str):
            bad("state", f"field 'state' must be text, not {tomlfile.describe(state)}")
        elif state not in STATES:
            bad("state", f"state '{state}' is not one of {', '.join(STATES)}")
    if "retracts" in data:
        for name in ("value", "state", "node"):
            if name in data:
                bad(name, f"a retraction carries no '{name}'; report the corrected figure as a record of its own")
    elif "value" not in data and "state" not in data and "node" not in data:
        bad(None, "has neither 'value' nor 'state'; a record reports at least one of them (or 'retracts' another record)")

    if "date" not in data:
        bad(None, "missing field 'date'")
    else:
        day = data["date"]
        if isinstance(day, str):
            bad("date", f"field 'date' must be a TOML date such as 2006-05-01 (no quotes), not the text {day!r}")
        elif not isinstance(day, date) or isinstance(day, datetime):
            bad("date", f"field 'date' must be a date such as 2006-05-01, not {tomlfile.describe(day)}")
    if "recorded_at" not in data:
        bad(None, "missing field 'recorded_at'")
    else:
        stamp = data["recorded_at"]
        if not isinstance(stamp, datetime):
            bad("recorded_at", f"field 'recorded_at' must be a UTC date and time such as 2026-11-22T07:37:15Z, not {tomlfile.describe(stamp)}")
        elif stamp.utcoffset() is None:
            bad("recorded_at", "field 'recorded_at' has no UTC offset; end it with Z, such as 2026-11-22T07:37:15Z")
    return found


def _build(record_id: str, data: dict[str, Any], line: int) -> Record:
    kind = "task" if "task" in data else "indicator"
    return Record(
        id=record_id,
        kind=kind,
        item=data[kind],
        date=data["date"],
        recorded_at=data["recorded_at"].astimezone(timezone.utc),
        value=data.get("value"),
        state=data.get("state"),
        note=data.get("note", ""),
        by=data.get("by", ""),
        retracts=data.get("retracts"),
        node=data.get("node"),
        problems=data.get("problems", ""),
        next_steps=data.get("next_steps", ""),
        source=data.get("source", ""),
        line=line,
    )


def line_columns(line: str) -> tuple[int, dict[str, int]]:
    """1-based columns of the value after the top-level '=' and of each key of its inline table.

    The line is known to be valid TOML, so a scan that only tells strings, brackets and keys apart is
    enough; it exists because tomllib reports no positions for what it accepted.
    """
    value_column = 0
    keys: dict[str, int] = {}
    stack: list[str] = []
    expect_key = False
    i, end = 0, len(line)
    while i < end:
        char = line[i]
        if expect_key and char not in " \t":
            expect_key = False
            if char != "}":
                name, i_next = _read_key(line, i)
                keys.setdefault(name, i + 1)
                i = i_next
                continue
        if char in "\"'":
            i = _skip_string(line, i)
            continue
        if char == "#":
            break
        if char == "=" and not stack and not value_column:
            j = i + 1
            while j < end and line[j] in " \t":
                j += 1
            value_column = j + 1
        elif char in "{[":
            stack.append(char)
            expect_key = char == "{" and len(stack) == 1
        elif char in "}]":
            if stack:
                stack.pop()
        elif char == "," and stack == ["{"]:
            expect_key = True
        i += 1
    return value_column or 1, keys


def _read_key(line: str, start: int) -> tuple[str, int]:
    if line[start] in "\"'":
        stop = _skip_string(line, start)
        return line[start + 1 : stop - 1], stop
    match = _BARE_KEY.match(line, start)
    return (match.group(), match.end()) if match else ("", start + 1)


def _skip_string(line: str, start: int) -> int:
    """The index just past the string that starts at `start`."""
    quote = line[start]
    if line.startswith(quote * 3, start):
        i = start + 3
        while i < len(line):
            if quote == '"' and line[i] == "\\":
                i += 2
                continue
            if line.startswith(quote * 3, i):
                i += 3
                # Up to two quotes may directly precede the closing delimiter and belong to the string.
                for _ in range(2):
                    if i < len(line) and line[i] == quote:
                        i += 1
                return i
            i += 1
        return len(line)
    i = start + 1
    while i < len(line):
        if quote == '"' and line[i] == "\\":
            i += 2
            continue
        if line[i] == quote:
            return i + 1
        i += 1
    return len(line)


# -- writing


def record_line(record: Record) -> str:
    """The record as its one line in the store (without the line ending); DataError if it cannot be written.

    The line is parsed back and compared with the record, so whatever is written reads back equal.
    """
    import tomllib

    problems: list[str] = []
    prefix = f"cannot write record '{record.id}'"
    if not isinstance(record.id, str) or not _WRITABLE_ID.fullmatch(record.id):
        problems.append(f"{prefix}: its id must be 'r-' and 10 lowercase letters or digits, such as {new_record_id()}")
    if record.kind not in KINDS:
        problems.append(f"{prefix}: kind must be 'task' or 'indicator', not {tomlfile.describe(record.kind)}")
    if problems:
        raise DataError(problems[0], problems=problems)
    data = _fields_of(record)
    problems = [f"{prefix}: {message}" for _, message in _check_fields(data)]
    if problems:
        raise DataError(problems[0], problems=problems)
    try:
        parts = [f"{name} = {_toml_value(value)}" for name, value in data.items()]
    except (TypeError, ValueError) as exc:
        raise DataError(f"{prefix}: {exc}") from None
    line = f"{record.id} = {{ {', '.join(parts)} }}"
    if "\n" in line or "\r" in line:
        raise DataError(f"{prefix}: its line would break in two, which the one-line format cannot hold")
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        raise DataError(f"{prefix}: its text holds characters that UTF-8 cannot encode (lone surrogates)") from None
    try:
        ((_, reread),) = tomllib.loads(line).items()
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{prefix}: its line would not parse ({exc})") from None
    if _build(record.id, reread, 0) != _normalized(record):
        raise DataError(f"{prefix}: it would not read back as written")
    return line


def _fields_of(record: Record) -> dict[str, Any]:
    data: dict[str, Any] = {record.kind: record.item}
    if record.value is not None:
        data["value"] = record.value
    if record.state is not None:
        data["state"] = record.state
    if record.node is not None:
        data["node"] = record.node
    if record.retracts is not None:
        data["retracts"] = record.retracts
    data["date"] = record.date
    # Left out when empty, but a None that slipped in is kept so that the check reports it.
    if record.by != "":
        data["by"] = record.by
    if record.note != "":
        data["note"] = record.note
    for name in ("problems", "next_steps", "source"):
        if getattr(record, name) != "":
            data[name] = getattr(record, name)
    data["recorded_at"] = record.recorded_at
    return data


def _toml_value(value: Any) -> str:
    if isinstance(value, datetime):
        # tomli_w writes "+00:00" with a space before the time; "T…Z" is what people and other tools expect.
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    # tomli_w does the escaping (quotes, backslashes, control characters, newlines) so that we do not.
    # It is imported here, by the commands that write, not by every command that reads.
    import tomli_w

    dumped = tomli_w.dumps({"v": value})
    return dumped[len("v = ") : -1]


def _normalized(record: Record) -> Record:
    return record._replace(recorded_at=record.recorded_at.astimezone(timezone.utc))


def append_record(
    home: Path, record: Record, *, lock_timeout: float | None = None, read: Snapshot | None = None
) -> Record:
    """Append one record under the store's lock and return it as stored (UTC time, `line` set).

    The lock wait is `lock_timeout` seconds, else $SDPOLICY_LOCK_TIMEOUT, else 10. A damaged store
    refuses the write (DataError) and is left as it is; a failed write leaves the file as it was.
    `read` is a snapshot this process took of the store before: the file is read again under the
    lock all the same, but what it still has in common with `read` is not hashed a second time.
    """
    return append_records(home, [record], lock_timeout=lock_timeout, read=read)[0]


def append_records(
    home: Path,
    records: Iterable[Record] | Callable[[Snapshot], Iterable[Record]],
    *,
    lock_timeout: float | None = None,
    read: Snapshot | None = None,
    check: Callable[[Snapshot], None] | None = None,
) -> list[Record]:
    """Append many records at once: one lock, one write, one fsync; all of them or none.

    `records` is the records, or a function that chooses them from the store as it is under the
    lock (an importer leaves out what is already recorded, a mark made meanwhile included). `check`,
    if given, is called under the lock with the store as it is then (undo makes sure its target is
    still the one to retract). What either raises aborts the write. Every line is made and checked before anything is written, so one
    record that cannot be written refuses the whole batch. The records come back as stored, in
    order, each with its line.
    """
    path = progress_path(home)
    with workspace_lock(home, lock_timeout):
        _remove_leftover_temporaries(Path(home))
        if callable(records) or check is not None:
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
        first = _append_locked(path, records, lines, read)
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
    try:
        yield
    finally:
        lock.release()


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


def _append_locked(path: Path, records: list[Record], lines: list[str], read: Snapshot | None) -> int:
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
        if clash is None and examined is not None and any(record_id in prefix.ids for record_id in wanted):
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
        lines = prefix.lines + data.count(b"\n", prefix.size) if examined else data.count(b"\n")
        return lines + before.count(b"\n") + 1
    finally:
        # The descriptor is released even when close reports an error, and by then the line is either
        # durable (fsync succeeded) or cut off again: a close error must neither turn a good write into
        # a failure nor hide the error of a failed one.
        with suppress(OSError):
            os.close(fd)


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
    return cache.hasher(memoryview(data)[:size]).digest()


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


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
