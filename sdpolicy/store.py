"""The progress log: one line per record, appended under a lock, never rewritten. This module reads it.

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

import io
from bisect import bisect_right
from datetime import date
from itertools import compress
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple

from sdpolicy import cache, tomlfile
from sdpolicy.errors import DataError, MissingInputError

# The line format (storeformat) and the writing (storelog) live in modules of their own; the names
# are here too, so that the store stays one place to import from.
from sdpolicy.storeformat import (  # noqa: F401
    _BARE_KEY, _CONFLICT_MARKER, _ID_ALPHABET, _ID_LENGTH, _RANDOM, _WRITABLE_ID, FIELDS, HEADER, KINDS, SCHEMA_VERSION,
    STATES, Record, _build, _canonical, _check_fields, _fields_of, _normalized, _read_key, _skip_string,
    _toml_value, line_columns, new_record_id, read_lines, record_line,
)

STORE_NAME = "progress.toml"
LOCK_TIMEOUT_ENV = "SDPOLICY_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0


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
    items: Named | None = None  # the tasks and indicators some record names, when worked out
    line_feeds: int | None = None  # the line feeds of the text read, when counted


class Named(NamedTuple):
    """The ids of the tasks and of the indicators that records name. Two sets of text load from the
    cache and compare with a catalogue's ids in a fraction of the time of one set of (kind, id) pairs."""

    task: frozenset[str] = frozenset()
    indicator: frozenset[str] = frozenset()

    def union(self, other: Named) -> Named:
        return Named(self.task | other.task, self.indicator | other.indicator)


def _named_of(records: Iterable[Record]) -> Named:
    tasks, indicators = set(), set()
    for record in records:
        (tasks if record.kind == "task" else indicators).add(record.item)
    return Named(frozenset(tasks), frozenset(indicators))


class _Prefix(NamedTuple):
    """What is known of the first `size` bytes of a store file, read once and found without a problem."""

    size: int  # it ends just after a line feed
    digest: bytes  # cache.hasher digest of those bytes: the prefix is used only for a file that still starts with them
    lines: int  # the line feeds in it, so that the lines after it keep their numbers
    schema_line: int | None
    ids: _Ids
    items: Named  # what its records name, to check against a catalogue
    # "\n" and then, for each retraction, "the id it retracts\tthe byte offset of its line\n": what
    # bears on one item's records is found without reading every retraction (see records_naming).
    retractions: str
    # (byte offset of a line's start, line feeds before it) about every _CHECKPOINT bytes: a line found
    # by its offset is numbered by counting from the checkpoint before it, not from the file's start.
    checkpoints: tuple[tuple[int, int], ...] = ()


class _Ids:
    """Record ids kept as one string, one per line: it loads from the cache in a tenth of the time a
    set of 100,000 strings takes, and the lines added after a prefix need only a few lookups."""

    __slots__ = ("text", "_set", "_lookups")

    def __init__(self, text: str):
        self.text = text
        self._set: frozenset[str] | None = None
        self._lookups = 0

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

    __slots__ = (
        "path", "torn_tail", "torn_line", "schema_line", "items", "prefix", "_data", "_records", "_hashes", "_appended",
        "_covered", "_line_feeds", "_unkept",
    )

    def __init__(self, path: Path, data: bytes):
        self.path = path
        self._data = data
        self._records: tuple[Record, ...] | None = None
        self._hashes: dict[int, Any] = {}  # digest objects of prefixes of the data, by size
        self.torn_tail: str | None = None
        self.torn_line: int | None = None
        self.schema_line: int | None = None
        self.items = Named()  # what some record names
        self.prefix: _Prefix | None = None  # the cached prefix this file was found to begin with
        self._appended: tuple[Record, ...] = ()  # the records after that prefix
        self._covered: tuple[int, ...] | None = None  # the sizes cached entries cover, once read
        self._line_feeds: int | None = None  # how many the file holds, once counted (a pass over it)
        self._unkept: tuple[int | None, tuple[Record, ...], _Prefix | None] | None = None  # see keep_prefix

    @property
    def size(self) -> int:
        """The file's size in bytes, as read."""
        return len(self._data)

    @property
    def digest(self) -> bytes:
        """A digest of the whole file as read: what anything computed from its records is keyed on."""
        if not self._hashes:
            # The digests of the parts of this file that cached entries cover are asked for next, when
            # the file has grown since: taken on the way, they cost no second pass over those bytes.
            for size in sorted(covered for covered in self._covered_sizes() if 0 < covered < len(self._data)):
                self._hash(size)
        return self._hash(len(self._data)).digest()

    def note_covered(self, size: int) -> None:
        """Remember that a cached entry covers the file's first `size` bytes (see digest)."""
        sizes = self._covered_sizes()
        if size not in sizes:
            self._covered = (size, *sizes[:7])
            cache.write(_sizes_entry(self.path), _SIZES_KEY, self._covered)

    def _covered_sizes(self) -> tuple[int, ...]:
        # Read once a run: a cold run keeps several entries, each noting the size it covers.
        if self._covered is None:
            self._covered = _sizes(self.path)
        return self._covered

    def records(self) -> tuple[Record, ...]:
        """Every complete record in file order, each with `line` set."""
        if self._records is None:
            self._records = _examine(self._data, self.path)[0].records
        return self._records

    def keep_prefix(self) -> None:
        """Cache what examined(keep=False) learnt of the file's prefix, if it has not been."""
        if self._unkept is not None:
            schema_line, records, base = self._unkept
            self._unkept = None
            self._remember(schema_line, records, base)

    def ends_with_a_whole_line(self) -> bool:
        """Whether the file is empty or ends with a line feed: no write was cut short at its end."""
        return not self._data or self._data.endswith(b"\n")

    def complete_lines(self) -> tuple[int, int]:
        """The size of the file's complete lines (up to its last line feed) and how many there are."""
        return self._data.rfind(b"\n") + 1, self._feeds()

    def _feeds(self) -> int:
        if self._line_feeds is None:
            self._line_feeds = self._data.count(b"\n")
        return self._line_feeds

    def digest_of(self, size: int) -> bytes:
        """The digest of the file's first `size` bytes."""
        return self._hash(size).digest()

    def records_after(self, size: int, digest: bytes, lines: int) -> tuple[Record, ...] | None:
        """The records after the first `size` bytes (which hold `lines` line feeds), if the file still
        begins with the bytes whose digest is `digest`; else None. The file was checked as a whole
        when it was read, so these lines need no check of their own."""
        if not 0 <= size <= len(self._data) or self.digest_of(size) != digest:
            return None
        known = _Prefix(size, digest, lines, 1, _Ids(""), frozenset(), "")
        try:
            return _parse(self._data[size:].decode("utf-8"), self.path, known).records
        except (UnicodeDecodeError, DataError):
            return None

    def records_naming(self, items: Iterable[str]) -> tuple[Record, ...]:
        """The records whose item is one of `items`, and the retractions bearing on them (of one of
        them, or of such a retraction), in file order.

        Enough for what concerns those items alone (their history, with retractions settled), without
        building every record: only the lines that hold an item's text are parsed, and the
        retractions are found through the cached prefix's list of them (or, without one, among the
        lines holding the word 'retracts'). A file with \\u escapes, which could spell an id without
        its text, is read whole.
        """
        wanted = set(items)
        # A one-byte search first: it runs at memchr's speed, where a two-byte one takes 15 ms on 16 MB.
        if self._records is None and b"\\" in self._data and (b"\\u" in self._data or b"\\U" in self._data):
            self.records()
        if self._records is not None:
            return _bearing(self._records, wanted)
        data, prefix = self._data, self.prefix
        texts = [item.encode("utf-8") for item in wanted]
        if prefix is None:
            found = self._records_at(_starts_of(data, [*texts, b"retracts"], 0, len(data)))
            return _bearing(found, wanted) if found is not None else _bearing(self.records(), wanted)
        found = self._records_at(_starts_of(data, texts, 0, prefix.size), prefix.checkpoints)
        if found is None:
            return _bearing(self.records(), wanted)
        after = self._appended
        # The retractions of the prefix that bear on these records, and on those retractions in turn.
        frontier = {r.id for r in found if r.item in wanted} | {r.id for r in after if r.item in wanted}
        seen = set(frontier)
        while frontier:
            # The offset is the line's last field: an id may hold a tab itself.
            found_lines = [line for target in frontier for line in _lines_after(prefix.retractions, f"\n{target}\t")]
            starts = {int(line.rpartition("\t")[2]) for line in found_lines}
            more = self._records_at(starts, prefix.checkpoints) if starts else []
            if more is None:
                return _bearing(self.records(), wanted)
            found.extend(more)
            frontier = {r.id for r in more} - seen
            seen |= frontier
        unique = {r.line: r for r in [*found, *after]}
        return _bearing([unique[line] for line in sorted(unique)], wanted)

    def _records_at(self, starts: Iterable[int], checkpoints: tuple[tuple[int, int], ...] = ()) -> list[Record] | None:
        """The records of the lines starting at these byte offsets, in file order; None when one of
        them does not parse on its own. Lines are numbered from `checkpoints` (see _Prefix), which
        must be of this file."""
        data = self._data
        found: list[Record] = []
        number, counted = 1, 0
        for start in sorted(starts):
            # Counting line feeds runs at a gigabyte and a half a second: from the file's start to a
            # line near the end of 16 MB, that was most of what finding one item's lines cost.
            mark = bisect_right(checkpoints, (start, _BEYOND)) - 1
            if mark >= 0 and checkpoints[mark][0] > counted:
                counted, number = checkpoints[mark][0], checkpoints[mark][1] + 1
            number += data.count(b"\n", counted, start)
            counted = start
            end = data.find(b"\n", start)
            line = data[start : end if end >= 0 else len(data)]
            known = _Prefix(start, b"", number - 1, 1, _Ids(""), frozenset(), "")
            try:
                found.extend(_parse(line.decode("utf-8"), self.path, known).records)
            except (UnicodeDecodeError, DataError):
                return None
        return found

    def _hash(self, size: int) -> Any:
        found = self._hashes.get(size)
        if found is None:
            below = max((n for n in self._hashes if n < size), default=0)
            found = self._hashes[below].copy() if below else cache.hasher(size=len(self._data))
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
        checkpoints, lines = _checkpoints(self._data, cut, base)
        self._line_feeds = lines  # every line feed is before the cut
        # A last line without its line feed belongs to the part that is parsed afresh.
        kept = [r for r in records if r.line <= lines] if records and records[-1].line > lines else records
        added = "\n".join(map(_id_of, kept))
        if kept and added.count("\n") != len(kept) - 1:
            return  # a quoted key may hold a line feed, which the one-per-line list of ids cannot
        ids = _Ids((base.ids.text if base else "\n") + added + "\n") if kept else base.ids if base else _Ids("\n")
        # When every record is kept, examined() has worked out what they name already.
        items = self.items if kept is records else _named_of(kept).union(base.items) if base else _named_of(kept)
        schema = schema_line if schema_line is not None and schema_line <= lines else None
        since = base.size if base else 0
        # A retracted id is never empty, so the records whose `retracts` is true are the retractions.
        retracting = list(compress(kept, map(_retracts_of, kept)))
        offsets = _line_offsets(self._data, since, base.lines if base else 0, retracting)
        retractions = (base.retractions if base else "\n") + "".join(
            [f"{r.retracts}\t{offsets[r.line]}\n" for r in retracting]
        )
        prefix = _Prefix(cut, self._hash(cut).digest(), lines, schema, ids, items, retractions, checkpoints)
        cache.write(_prefix_entry(self.path), _CACHE_KEY, prefix)
        self.note_covered(cut)


_CACHE_KEY = cache.key("store-prefix")
_SIZES_KEY = cache.key("store-sizes")


def _sizes_entry(path: Path) -> str:
    return cache.name("store-sizes", str(path.absolute()))


def _sizes(path: Path) -> tuple[int, ...]:
    """The sizes of the file's parts that cached entries were made from, the latest first."""
    found = cache.read(_sizes_entry(path), _SIZES_KEY)
    return found if isinstance(found, tuple) and all(isinstance(size, int) for size in found) else ()


def _bearing(records: Iterable[Record], wanted: set[str]) -> tuple[Record, ...]:
    """Of `records` (in file order), those of an item in `wanted` and the retractions bearing on them."""
    records = tuple(records)
    chosen = {r.id for r in records if r.item in wanted}
    grown = True
    while grown:
        more = {r.id for r in records if r.retracts in chosen and r.id not in chosen}
        chosen |= more
        grown = bool(more)
    return tuple(r for r in records if r.id in chosen)


def _starts_of(data: bytes, texts: Iterable[bytes], begin: int, end: int) -> set[int]:
    """The byte offsets of the lines within data[begin:end] that hold one of `texts`."""
    starts: set[int] = set()
    for text in texts:
        at = data.find(text, begin, end)
        while at >= 0:
            starts.add(data.rfind(b"\n", 0, at) + 1)
            at = data.find(text, at + 1, end)
    return starts


def _checkpoints(data: bytes, cut: int, base: _Prefix | None) -> tuple[tuple[tuple[int, int], ...], int]:
    """The checkpoints (see _Prefix) of data[:cut], which ends with a line feed, and its line feeds:
    those of `base`, a prefix of it, and then new ones every _CHECKPOINT bytes. Counting a part at a
    time costs no more than counting the whole at once."""
    checkpoints = list(base.checkpoints) if base else []
    at, feeds = (base.size, base.lines) if base else (0, 0)
    while at < cut:
        if at - (checkpoints[-1][0] if checkpoints else 0) >= _CHECKPOINT:
            checkpoints.append((at, feeds))
        end = data.find(b"\n", min(at + _CHECKPOINT, cut - 1)) + 1
        feeds += data.count(b"\n", at, end)
        at = end
    return tuple(checkpoints), feeds


# An item's lines lie anywhere in the file, each numbered by counting from the checkpoint before it:
# 64 KB apart, that is under a twentieth of a millisecond a line, and 2,400 checkpoints at 150 MB.
_CHECKPOINT = 1 << 16
# Sorts after any line feed count at the same offset, for bisect.
_BEYOND = float("inf")


def _lines_after(text: str, needle: str) -> list[str]:
    """The rest of each line of `text` that `needle` (which starts with a line feed) begins."""
    found = []
    at = text.find(needle)
    while at >= 0:
        end = text.find("\n", at + 1)
        found.append(text[at + 1 : end])
        at = text.find(needle, end)
    return found


def _line_offsets(data: bytes, begin: int, lines_before: int, records: list[Record]) -> dict[int, int]:
    """The byte offset of each of these records' lines (in file order), by line number, counting from
    `begin`, which starts line lines_before + 1."""
    offsets: dict[int, int] = {}
    at, line = begin, lines_before + 1
    for record in records:
        number = record.line
        # A line as record_line writes it starts with its id: found at memchr's speed, and taken once
        # the line feeds before it show it to be the record's own line. Else counted a line at a time
        # (the search goes no further than lines far longer than record_line writes, so that one
        # written otherwise does not cost a search to the end of the file).
        end = at + (number - line + 1) * 8192
        found = data.find(b"\n" + record.id.encode("utf-8") + b" = {", at - 1, end) + 1 if at else 0
        if found > at and line + data.count(b"\n", at, found) == number:
            at, line = found, number
        while line < number:
            at = data.index(b"\n", at) + 1
            line += 1
        offsets[number] = at
    return offsets


_retracts_of = itemgetter(9)


def _prefix_entry(path: Path) -> str:
    return cache.name("store-prefix", str(path.absolute()))


def read_snapshot(home: Path) -> Snapshot:
    """Read and check the store (DataError if it is damaged); records are built when asked for."""
    return examined(unexamined_snapshot(home))


def unexamined_snapshot(home: Path) -> Snapshot:
    """The store's bytes, not yet checked: enough for its digest. Pass it to examined() before
    using anything else of it."""
    path = progress_path(home)
    try:
        return Snapshot(path, tomlfile.read_regular(path))
    except FileNotFoundError:
        snapshot = Snapshot(path, b"")
        snapshot._records = ()
        return snapshot
    except OSError as exc:
        raise _unreadable(path, exc) from None


def examined(snapshot: Snapshot, keep: bool = True) -> Snapshot:
    """The snapshot checked (DataError if the store is damaged), with what it holds worked out.

    What it learns of the file's prefix goes to the cache at once, or with `keep` false when
    keep_prefix() is called: a cold run that builds the plan in a child meanwhile keeps it once the
    child is done, rather than add what that takes to the two processes' peak."""
    if snapshot._records is not None:
        return snapshot  # there is no store
    path, data = snapshot.path, snapshot._data
    prefix = cache.read(_prefix_entry(path), _CACHE_KEY)
    after = _examine_after(data, path, prefix) if snapshot._holds(prefix) else None
    if after is None:
        contents = _examine(data, path)[0]
        snapshot._records = contents.records
        snapshot._line_feeds = contents.line_feeds
        snapshot.items = contents.items
        snapshot._unkept = (contents.schema_line, contents.records, None)
    else:
        contents = after[0]
        snapshot.prefix = prefix
        if contents.line_feeds is not None:
            snapshot._line_feeds = prefix.lines + contents.line_feeds
        snapshot._appended = contents.records
        snapshot.items = prefix.items.union(contents.items)
        if len(contents.records) > _REFRESH:
            snapshot._unkept = (contents.schema_line, contents.records, prefix)
    if keep:
        snapshot.keep_prefix()
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


class _Lines:
    """The lines of a store's bytes, decoded a stretch at a time: a whole decoded copy of a file of a
    million records, and the list of its lines, would take 400 MB beside the records."""

    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data = data

    def __len__(self) -> int:
        return self.data.count(b"\n") + 1  # as str.split counts them, an empty one after a final line feed

    def __iter__(self) -> Iterator[str]:
        # Without the empty line after a final line feed, which split gives and which holds nothing.
        for raw in io.BytesIO(self.data):
            yield raw.decode("utf-8").removesuffix("\n")

    def __getitem__(self, index: int) -> str:
        # Only a message about a duplicate id asks for an earlier line.
        return self.data.split(b"\n")[index].decode("utf-8")

    def stretches(self) -> Iterator[str]:
        """The file's complete lines, decoded about a megabyte at a time, each stretch ending with a
        line feed; the part after the last line feed is the last of the lines, not among them."""
        data, start, cut = self.data, 0, self.data.rfind(b"\n") + 1
        while start < cut:
            end = data.find(b"\n", min(start + _STRETCH, cut - 1)) + 1
            yield data[start:end].decode("utf-8")
            start = end

    def last(self) -> str:
        return self.data[self.data.rfind(b"\n") + 1 :].decode("utf-8")


_STRETCH = 1 << 20


def _stretches(text: str) -> Iterator[str]:
    """_Lines.stretches of a decoded text."""
    start, cut = 0, text.rfind("\n") + 1
    while start < cut:
        end = text.find("\n", min(start + _STRETCH, cut - 1)) + 1
        yield text[start:end]
        start = end


def _parse(text: str | _Lines, path: Path | str, prefix: _Prefix | None = None) -> StoreContents:
    """parse_records, or with `prefix` the parse of what follows a known-good prefix of the file.

    Lines are parsed on their own, so the lines after a prefix read the same whether or not the prefix
    is parsed again: only its ids (for duplicates) and its schema line carry over. After a prefix, the
    records returned are those of `text` alone; a clash with a prefix id is a problem without words,
    as every problem is then worded by a parse of the whole file (see _examine_after). `text` may be
    the file's bytes as _Lines, valid UTF-8, to be decoded a stretch at a time.

    The lines written as record_line writes them are read many at once (read_lines), the others one
    by one as below. Ids are compared only once all is read: should two records share one, the file
    is read again a line at a time, so that the duplicate is worded with the line it repeats.
    """
    lines = text.split("\n") if isinstance(text, str) else text
    parse = _LineParser(path, prefix, lines)
    offset = prefix.lines if prefix else 0
    stretches = _stretches(text) if isinstance(text, str) else text.stretches()
    index = 0
    records = parse.records
    for stretch in stretches:
        start = len(records)
        declined = _read_lines(stretch, index + 1 + offset, parse.strings, parse.days, records, parse.named)
        if declined:
            parts = stretch.split("\n")
            slow = parse.slow
            for at in declined:
                parse.line(index + at, parts[at])
            if parse.slow > slow:
                # Those lines' records came after the stretch's others: put them in file order.
                records[start:] = sorted(records[start:], key=_line_of)
        index += stretch.count("\n")
    # The text's last line, after its last line feed: the only one that may be a torn tail.
    parse.last = index
    parse.line(index, lines[-1] if isinstance(lines, list) else lines.last())
    # Every id read, of a record or of a line with a problem (those line() met are in `seen`): one
    # read twice, or one of the prefix's, makes the reading again.
    ids = set(map(_id_of, parse.records))
    clash = len(ids) != len(parse.records) or bool(parse.known) and any(record_id in parse.known for record_id in ids)
    if parse.seen and not clash:
        clash = len(ids.union(parse.seen)) != len(parse.records) - parse.slow + len(parse.seen)
    if clash:
        parse = _LineParser(path, prefix, lines)
        parse.last = len(lines) - 1
        for index, raw in enumerate(lines):
            parse.line(index, raw)
    return parse.contents()


_id_of = itemgetter(0)
_read_lines = read_lines


class _LineParser:
    """The reading of a store's lines one at a time, with what it found so far."""

    def __init__(self, path: Path | str, prefix: _Prefix | None, lines: list[str] | _Lines):
        self.path, self.lines = path, lines
        self.last: int | None = None  # the index of the text's last line, once the reading reaches it
        self.offset = prefix.lines if prefix else 0
        self.known: _Ids | frozenset[str] = prefix.ids if prefix else frozenset()
        self.problems: list[str] = []
        self.records: list[Record] = []
        self.slow = 0  # the records found by line()
        self.seen: dict[str, int] = {}  # the line of each record id read here
        self.schema_line: int | None = prefix.schema_line if prefix else None
        self.torn: tuple[str, int] | None = None
        self.strings: dict[str, str] = {}
        self.days: dict[str, date] = {}
        self.named: dict[str, dict[str, str]] = {"task": {}, "indicator": {}}  # the items of each kind

    def line(self, index: int, raw: str) -> None:
        """Read the line `raw` (without its line feed), the index-th of the text."""
        path, problems, seen, known = self.path, self.problems, self.seen, self.known
        number = index + 1 + self.offset
        line = raw[:-1] if raw.endswith("\r") else raw
        record = _canonical(line, number, self.strings, self.days, self.named)
        if record is not None and record.id not in seen and record.id not in known:
            seen[record.id] = number
            self.records.append(record)
            self.slow += 1
            return
        stripped = line.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            return
        column = len(line) - len(stripped) + 1
        if stripped.startswith("["):
            problems.append(
                f"{path}:{number}:{column}: a table header has no place in the progress store; "
                "each record is one line: id = { … }"
            )
            return
        if _CONFLICT_MARKER.match(line):
            problems.append(
                f"{path}:{number}:1: a git merge conflict marker ({line[:7]}); keep the record lines of both "
                "sides and delete the marker lines. With 'progress.toml merge=union' in .gitattributes git keeps "
                "both sides itself"
            )
            return
        if line == _SCHEMA_LINE:
            # What tomllib would read from it, without loading tomllib for the one line every store has.
            key, value = "schema", SCHEMA_VERSION
        else:
            # Imported by the runs that meet a line read_lines does not read.
            import tomllib

            try:
                # The line as the file has it, CR included, and with its LF: tomllib then judges exactly the
                # file's bytes and reports a position rather than "end of document". A last line that lacks
                # only its LF is complete.
                parsed = tomllib.loads(raw + "\n")
            except RecursionError:
                problems.append(tomlfile.deep_message(line, path, number - 1))
                return
            except tomllib.TOMLDecodeError as exc:
                if index == self.last:
                    self.torn = (line, number)
                else:
                    # On one line "end of document" is the end of this line; say where that is.
                    reason = str(exc).replace("(at end of document)", f"(at line 1, column {len(line) + 1})")
                    problems.append(tomlfile.position_message(reason, path, line, number - 1))
                return
            # One line holds one key/value pair: TOML allows no more, and blank lines were skipped.
            ((key, value),) = parsed.items()
        if key == "schema":
            if self.schema_line is not None:
                problems.append(
                    f"{path}:{number}:{column}: 'schema' is set twice (first on line {self.schema_line}); "
                    "TOML does not allow the same key twice: delete this line"
                )
                return
            self.schema_line = number
            if isinstance(value, bool) or value != SCHEMA_VERSION:
                where = f"{path}:{number}:{line_columns(line)[0]}"
                if isinstance(value, int) and not isinstance(value, bool):
                    problems.append(f"{where}: schema {value} is not supported: this sdpolicy reads schema {SCHEMA_VERSION}")
                else:
                    problems.append(f"{where}: schema must be the number {SCHEMA_VERSION}, not {tomlfile.describe(value)}")
            return
        if key in known:
            problems.append(key)
            return
        if key in seen:
            first = seen[key]
            first_line = self.lines[first - 1 - self.offset].removesuffix("\r")
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
            return
        seen[key] = number
        if not isinstance(value, dict):
            problems.append(
                f"{path}:{number}:{line_columns(line)[0]}: '{key}' is not a record: apart from 'schema = 1', "
                f"every line is a record written as an inline table, id = {{ … }}, but this is {tomlfile.describe(value)}"
            )
            return
        found = _check_fields(value)
        if found:
            # Columns are worked out only for a line with problems: a valid store never pays for the scan.
            value_column, keys = line_columns(line)
            placed = sorted((keys.get(name, value_column) if name else value_column, text) for name, text in found)
            problems.extend(f"{path}:{number}:{column}: record '{key}': {text}" for column, text in placed)
        else:
            record = _build(key, value, number)
            self.records.append(record)
            self.named[record.kind].setdefault(record.item, record.item)
            self.slow += 1

    def contents(self) -> StoreContents:
        """What was read, or DataError with every problem found."""
        path, problems, records = self.path, self.problems, self.records
        if (records or self.known) and self.schema_line is None:
            problems.append(f"{path}:1:1: the line 'schema = {SCHEMA_VERSION}' is missing; put it above the first record")
        if problems:
            raise _damaged(path, problems)
        items = Named(frozenset(self.named["task"]), frozenset(self.named["indicator"]))
        torn_tail, torn_line = self.torn or (None, None)
        return StoreContents(tuple(records), torn_tail, torn_line, self.schema_line, items, self.last)


_line_of = attrgetter("line")
_SCHEMA_LINE = f"schema = {SCHEMA_VERSION}"


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
    if not tomlfile.looks_utf16(data):
        try:
            contents = _parse(_Lines(data), path)
        except UnicodeDecodeError:
            pass  # the decoding of the whole file below words it, or finds it the torn tail
        else:
            return contents, (cut if contents.torn_tail is not None else None)
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


def _damaged(path: Path | str, problems: list[str]) -> DataError:
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    return DataError(f"progress store {path} is damaged ({count}): {problems[0]}", problems=problems)


def _unreadable(path: Path, exc: OSError) -> MissingInputError:
    if isinstance(exc, IsADirectoryError):
        return MissingInputError(f"progress store {path} is a directory, not a file.")
    if isinstance(exc, tomlfile.NotRegularError):
        return MissingInputError(f"progress store {path} is {exc.what}, not a regular file; refusing to read it.")
    return MissingInputError(f"progress store {path} cannot be read: {_reason(exc)}.")


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


from sdpolicy.storelog import (  # noqa: E402,F401  (it builds on the reader above)
    append_lines, append_record, append_records, workspace_lock,
)
