"""The line format of the progress log: what one record looks like on its line, written and read.

A record is one top-level key, its id, holding an inline table on one line. record_line writes it
and checks that it reads back equal; read_lines reads lines exactly as record_line writes them, far
faster than a TOML parser; _check_fields is the one check of a record's fields that the writer and
the reader share, so that what is written is what reads back.
"""

from __future__ import annotations

import difflib
import math
import random
import re
from datetime import date, datetime, timezone
from typing import Any, NamedTuple

from sdpolicy import tomlfile
from sdpolicy.errors import DataError

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


SCHEMA_VERSION = 1
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



# Possessive (*+): a string's characters exclude its closing quote, so giving some back could never
# lead to a match, and the regular expression engine saves a tenth of its time by not keeping the way back.
_STRING = r'"([^"\\\x00-\x08\x0a-\x1f\x7f]*+)"'
# A state or a retracted id is never empty (the checks refuse it), so its absence and an empty one
# cannot be confused where findall gives '' for both.
_FILLED = r'"([^"\\\x00-\x08\x0a-\x1f\x7f]++)"'
_DAY = r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_RECORD = (
    r"([A-Za-z0-9_-]+) = \{ (task|indicator) = " + _STRING
    + r"(?:, value = ((?:0|[1-9][0-9]{0,14})(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?))?"
    + r"(?:, state = " + _FILLED + ")?"
    + r"(?:, retracts = " + _FILLED + ")?"
    + r", date = (" + _DAY + ")"
    + r"(?:, by = " + _STRING + ")?"
    + r"(?:, note = " + _STRING + ")?"
    + r"(?:, problems = " + _STRING + ")?"
    + r"(?:, next_steps = " + _STRING + ")?"
    + r"(?:, source = " + _STRING + ")?"
    + r", recorded_at = (" + _DAY + r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{6})?Z) \}"
)
# Every line of a text matches, one result per line: a line as record_line writes it with its fields
# in the groups, any other (the schema, a comment, a CR before the LF) in the last group alone.
_LINES = re.compile(r"(?:" + _RECORD + r"|(.*))\n")


def _canonical(
    line: str, number: int, strings: dict[str, str], days: dict[str, date], named: dict[str, dict[str, str]] | None = None
) -> Record | None:
    """The record on one line (without its line feed) as record_line writes it, if it passes every
    check; else None. read_lines for a single line."""
    found: list[Record] = []
    if "\n" in line or read_lines(line + "\n", number, strings, days, found, named or _named()):
        return None
    return found[0]


def _named() -> dict[str, dict[str, str]]:
    return {"task": {}, "indicator": {}}


def read_lines(
    text: str, number: int, strings: dict[str, str], days: dict[str, date], records: list[Record], named: dict[str, dict[str, str]]
) -> list[int]:
    """Append to `records` the record of each line of `text` written as record_line writes it and
    passing every check, and return the indexes (in `text`, from 0) of the other lines. The item each
    record names goes into named[its kind] as well (the store's items, without a pass over the
    records that took half a second at a million of them).

    `text` is whole lines, each ending with a line feed, the first of them line `number` of the file.
    Nearly every line of a store was written by record_line, and one regular expression over many
    lines at once reads them several times faster than tomllib, the loop over the lines running in
    C. It matches only text that tomllib reads to the same values, and a record with any problem is
    declined too, so every other line goes through tomllib and _check_fields and gets exactly the
    message it always had. Equal strings and dates are shared through `strings` and `days`, which
    keeps a large store small in memory and in the cache.
    """
    declined: list[int] = []
    get = strings.setdefault
    append = records.append
    when_of = datetime.fromisoformat
    tasks, indicators = named["task"].setdefault, named["indicator"].setdefault
    for index, (key, kind, item, number_text, state, retracts, day, by, note, problems, next_steps, source, stamp, _) in enumerate(
        _LINES.findall(text)
    ):
        if not kind or key == "schema" or not item.strip():
            declined.append(index)
            continue
        if retracts:
            if number_text or state or not retracts.strip():
                declined.append(index)
                continue
        elif not number_text and not state:
            declined.append(index)
            continue
        value: float | None = None
        if number_text:
            # Digits alone are a TOML integer; a fraction or an exponent makes a float (which may overflow).
            if number_text.isdigit():
                value = int(number_text)
            else:
                value = float(number_text)
                if not math.isfinite(value):
                    declined.append(index)
                    continue
        if state:
            # One look-up both checks the state and gives the one copy of it every record shares.
            state = _STATE.get(state)
            if state is None:
                declined.append(index)
                continue
        else:
            state = None
        on = days.get(day)
        try:
            if on is None:
                on = days[day] = date.fromisoformat(day)
            when = when_of(stamp)
        except ValueError:
            declined.append(index)
            continue
        # tuple.__new__ with the fields in order is what Record(...) does, without the call of the
        # generated __new__ in Python: a tenth of the time of reading a line.
        if kind == "task":
            kind, item = "task", tasks(item, item)
        else:
            kind, item = "indicator", indicators(item, item)
        append(_new_tuple(Record, (
            key, kind, item, on, when, value, state,
            get(note, note) if note else "", get(by, by) if by else "", retracts or None, None,
            problems, next_steps, get(source, source) if source else "", number + index,
        )))
    return declined


_STATE = {state: state for state in STATES}
_new_tuple = tuple.__new__


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
    # Read back as the store's reader will: the fast reader takes a line only where tomllib reads the
    # same values (see read_lines), and tomllib, at half the cost of writing a record, takes the rest.
    reread = _canonical(line, 0, {}, {})
    if reread is None:
        import tomllib

        try:
            ((_, table),) = tomllib.loads(line).items()
        except tomllib.TOMLDecodeError as exc:
            raise DataError(f"{prefix}: its line would not parse ({exc})") from None
        reread = _build(record.id, table, 0)
    if reread != _normalized(record):
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
