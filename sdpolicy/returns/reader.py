"""Reading a filled return or breakdown sheet, xlsx or CSV, into rows of cells that know their place.

Hostile files are refused before they can cost much: the file's size, an xlsx's archive (members,
their compression method, unpacked size and ratio, as a zip bomb gives itself away), the rows and columns
read, and every cell's length are bounded, and a workbook's sheet is streamed (sdpolicy.returns.sheets,
the standard library's XML parser, which is told to refuse any DOCTYPE), never loaded whole. Nothing
here writes anything or prints anything.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterator, NamedTuple, Sequence

from sdpolicy.errors import DataError
from sdpolicy.returns import META_SHEET, Column
from sdpolicy.returns.sheets import ERROR, FORMULA, Sheet, Value, Workbook, letter
from sdpolicy.tomlfile import read_named

MAX_FILE = 20 * 1024 * 1024  # a return of a few hundred rows is some tens of kilobytes
# All the members of an xlsx together, unpacked (as declared, and as really unpacked). A return of a
# thousand rows is about a megabyte; this bound is also what bounds the time a hostile sheet can cost.
MAX_UNPACKED = 16 * 1024 * 1024
MAX_RATIO = 200  # unpacked/packed of one member; XML compresses well, but not a thousandfold
MAX_MEMBERS = 1000
MAX_ROWS = 5000  # rows that hold anything; a return has one per task
MAX_SCANNED = 100_000  # rows looked at at all, empty ones included
MAX_COLUMNS = 60
MAX_CELL = 32_767  # what Excel allows in one cell
HEADER_SEARCH = 30  # the header row is the first row holding the ID header, within these rows

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and other OLE files)


class Cell(NamedTuple):
    value: Any  # None when blank; str, int, float, date or datetime otherwise
    where: str  # FILE:Sheet!C5 or FILE:line:col, ready for a message
    problem: str | None = None  # something already wrong with the cell itself (a formula without a value)


class Row(NamedTuple):
    where: str  # the row's first cell, for problems of the row as a whole
    cells: dict[str, Cell]  # by column key; only the columns the file has


class Table(NamedTuple):
    path: str
    meta: dict[str, str]
    kind: str | None  # the meta kind, else guessed from the headers; None if neither fits
    rows: list[Row]
    problems: list[str]
    columns: frozenset[str]  # the column keys found in the header row


def _header_keys(columns: Sequence[Column]) -> dict[str, str]:
    found: dict[str, str] = {}
    for column in columns:
        for text in (column.en, column.zh):
            found[_norm(text)] = column.key
    return found


def _norm(text: Any) -> str:
    return "".join(str(text).split()).casefold() if text is not None else ""


def _take(rows: list[Row], row: Row, sheet: str) -> None:
    """Keep a row that holds anything (a blank one is no report), refusing past MAX_ROWS of them."""
    if all(c.value is None and c.problem is None for c in row.cells.values()):
        return
    if len(rows) >= MAX_ROWS:
        raise DataError(f"{sheet} has more than {MAX_ROWS:,} filled rows; a return has one row per task")
    rows.append(row)


def read_table(path: Path, label: str, layouts: dict[str, Sequence[Column]]) -> Table:
    """Read FILE into a Table; `layouts` maps a kind to its columns (the header words looked for)."""
    # The same reading as a catalogue's or a store's: checked on the open descriptor, so a FIFO or a
    # device put in a return's place is refused without waiting on it.
    data = read_named(path, label, MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise DataError(f"{label} is over {MAX_FILE:,} bytes; a return is refused above that")
    if data.startswith(_ZIP):
        return _read_xlsx(data, label, layouts)
    if data.startswith(_OLE):
        raise DataError(f"{label} is an old-style .xls workbook (or another OLE file); save it as .xlsx or CSV UTF-8")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise DataError(f"{label} is not an xlsx workbook: it is not a zip archive, as every .xlsx file is")
    return _read_csv(data, label, layouts)


# -- xlsx


def _open_archive(data: bytes, label: str) -> zipfile.ZipFile:
    """The workbook's archive, once what is no workbook, or a bomb by what it declares, is refused.
    The declared sizes are checked first, as they cost nothing; the parts are then unpacked against
    a running count of what they really hold (sheets.Workbook), which no declaration can fool."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DataError(f"{label} is not an xlsx workbook: its zip archive cannot be read") from None
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise DataError(f"{label} holds {len(members):,} files in its archive; an xlsx return holds a few dozen")
    names = {m.filename for m in members}
    if len(names) < len(members) or len({n.casefold() for n in names}) < len(names):
        # Part names are compared without case (ECMA-376 part 2, 6.2.2.3); an archive with a name
        # twice shows one part to Excel and maybe the other to zipfile, which keeps the last.
        seen: set[str] = set()
        twice = next(m.filename for m in members if m.filename.casefold() in seen or seen.add(m.filename.casefold()))
        raise DataError(f"{label} is a damaged xlsx workbook: its archive holds {twice} twice")
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/workbook") for n in names):
        raise DataError(f"{label} is a zip archive but not an xlsx workbook (it has no xl/workbook.xml)")
    total = 0
    for member in members:
        # Excel, WPS and LibreOffice deflate their parts or store them. zipfile's bzip2 and LZMA
        # decoders unpack a whole chunk at once, with no bound: a few kilobytes of them can fill
        # gigabytes before any count sees them.
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise DataError(
                f"{label}: {member.filename} is compressed by method {member.compress_type}, which no spreadsheet "
                "program uses (an xlsx file's parts are deflated or stored); refused"
            )
        total += member.file_size
        packed = max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and member.file_size / packed > MAX_RATIO:
            raise DataError(
                f"{label}: {member.filename} would unpack {member.file_size / packed:,.0f} times its size "
                f"({member.file_size:,} bytes); refused as a zip bomb"
            )
    if total > MAX_UNPACKED:
        raise DataError(f"{label} would unpack to {total:,} bytes; refused above {MAX_UNPACKED:,}")
    return archive


def _read_xlsx(data: bytes, label: str, layouts: dict[str, Sequence[Column]]) -> Table:
    with _open_archive(data, label) as archive:
        workbook = Workbook(archive, label, MAX_UNPACKED)
        meta = _xlsx_meta(workbook)
        for sheet in workbook.sheets:
            if sheet.name == META_SHEET:
                continue
            table = _xlsx_sheet(workbook, sheet, label, meta, layouts)
            if table is not None:
                return table
    raise DataError(f"{label} has no sheet with a header row: no row among the first {HEADER_SEARCH} of any sheet holds ID (编号)")


def _xlsx_meta(workbook: Workbook) -> dict[str, str]:
    """The hidden sheet's key and value pairs (columns A and B of its first 40 rows), found by its
    name, hidden or very hidden: LibreOffice saves the template's very hidden sheet as hidden."""
    sheet = next((s for s in workbook.sheets if s.name == META_SHEET), None)
    if sheet is None:
        return {}
    meta: dict[str, str] = {}
    for number, cells in workbook.rows(sheet, 2):
        if number > 40:
            break
        key, value = cells.get(0, _BLANK).value, cells.get(1, _BLANK).value
        if isinstance(key, str) and value is not None:
            meta[_shown(key)] = _shown(str(value))[:200]
    return meta


_BLANK = Value(None)


def _xlsx_sheet(
    workbook: Workbook, sheet: Sheet, label: str, meta: dict[str, str], layouts: dict[str, Sequence[Column]]
) -> Table | None:
    problems: list[str] = []
    rows: list[Row] = []
    found: dict[int, str] | None = None
    kind: str | None = None
    name = sheet.name
    for number, values in workbook.rows(sheet, MAX_COLUMNS):
        # A row the file leaves out holds nothing, so only the rows it has are looked at; their
        # numbers still count towards the limit, as a row a million down costs the same to reach.
        if number > MAX_SCANNED:
            raise DataError(f"{label}:{name} has more than {MAX_SCANNED:,} rows; a return has one row per task")
        if found is None:
            if number > HEADER_SEARCH:
                return None
            kind, found = _find_header([_shown(values.get(i, _BLANK).value) for i in range(MAX_COLUMNS)], meta, layouts)
            places = {index: f"{label}:{name}!{letter(index + 1)}" for index in found or ()}
            continue
        cells: dict[str, Cell] = {}
        for index, key in found.items():
            cells[key] = _xlsx_cell(values.get(index, _BLANK), f"{places[index]}{number}")
        _take(rows, Row(f"{label}:{name}!A{number}", cells), f"{label}:{name}")
    if found is None:
        return None
    return Table(label, meta, kind, rows, problems, frozenset(found.values()))


def _shown(value: Any) -> Any:
    """A cell's text as Excel shows it: the file stores "A" as `_x0041_` if it likes, and a clerk who
    typed `_x0041_` is stored as `_x005F_x0041_` (see sdpolicy.render.xlsx.shown_text). Decoded here,
    once: the sheet reader gives text as stored."""
    if not isinstance(value, str) or "_x" not in value:
        return value
    from sdpolicy.render.xlsx import shown_text

    return shown_text(value)


def _xlsx_cell(cell: Value, where: str) -> Cell:
    value = cell.value
    if cell.kind == FORMULA:
        return Cell(None, where, "a formula with no saved result; type the figure itself, or open the file in "
                    "Excel, WPS or LibreOffice and save it so that the result is kept")
    if isinstance(value, str):
        value = _shown(value)
        if len(value) > MAX_CELL:
            return Cell(None, where, f"the cell holds {len(value):,} characters, more than a cell may ({MAX_CELL:,})")
        if cell.kind == ERROR or value.startswith("#") and value in _ERRORS:
            return Cell(None, where, f"the cell holds the error {value}; type the figure itself")
        value = value.strip() or None
    return Cell(value, where)


_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}


def _find_header(row: Sequence[Any], meta: dict[str, str], layouts: dict[str, Sequence[Column]]) -> tuple[str | None, dict[int, str] | None]:
    texts = [_norm(getattr(c, "value", c)) for c in row]
    chosen = [meta["kind"]] if meta.get("kind") in layouts else list(layouts)
    best: tuple[int, str | None, dict[int, str] | None] = (0, None, None)
    for kind in chosen:
        keys = _header_keys(layouts[kind])
        found = {i: keys[text] for i, text in enumerate(texts) if text in keys}
        if "id" in found.values() and len(found) > best[0]:
            # A column named twice keeps its first place.
            unique: dict[int, str] = {}
            for index, key in found.items():
                if key not in unique.values():
                    unique[index] = key
            best = (len(found), kind, unique)
    return best[1], best[2]


# -- CSV


def _read_csv(data: bytes, label: str, layouts: dict[str, Sequence[Column]]) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataError(
            f"{label}:{line}:{column}: the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); "
            "save it as CSV UTF-8, or send the xlsx workbook"
        ) from None
    if "\x00" in text:
        raise DataError(f"{label} holds NUL characters: it is not a CSV text file")
    lines = text.splitlines(keepends=True)
    reader = csv.reader(io.StringIO(text, newline=""))
    meta: dict[str, str] = {}
    found: dict[int, str] | None = None
    kind: str | None = None
    rows: list[Row] = []
    problems: list[str] = []
    start = 1
    records = _records(reader, label)
    for fields, start in records:
        if found is None:
            if start == 1 and fields and fields[0].startswith("kind="):
                meta = dict(f.split("=", 1) for f in fields if "=" in f)
                continue
            if start > HEADER_SEARCH:
                break
            kind, found = _find_header(fields, meta, layouts)
            continue
        columns = _field_columns(lines[start - 1] if start <= len(lines) else "")
        cells: dict[str, Cell] = {}
        for index, key in found.items():
            where = f"{label}:{start}:{columns[index] if index < len(columns) else 1}"
            value: Any = fields[index] if index < len(fields) else ""
            if len(value) > MAX_CELL:
                cells[key] = Cell(None, where, f"the field holds {len(value):,} characters, more than a cell may ({MAX_CELL:,})")
                continue
            cells[key] = Cell(value.strip() or None, where)
        _take(rows, Row(f"{label}:{start}:1", cells), label)
    if found is None:
        raise DataError(f"{label} has no header row: none of its first {HEADER_SEARCH} lines holds ID (编号)")
    return Table(label, meta, kind, rows, problems, frozenset(found.values()))


def _records(reader: Any, label: str) -> Iterator[tuple[list[str], int]]:
    """Each CSV record with the line it starts on; a malformed one is a DataError with its line."""
    previous = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataError(f"{label}:{reader.line_num}:1: this line is not valid CSV ({exc})") from None
        if previous > MAX_SCANNED:
            raise DataError(f"{label} has more than {MAX_SCANNED:,} lines; a return has one row per task")
        if len(fields) > MAX_COLUMNS * 4:
            fields = fields[: MAX_COLUMNS * 4]
        yield fields, previous + 1
        previous = reader.line_num


def _field_columns(line: str) -> list[int]:
    """The 1-based column where each field of a CSV line begins (quotes taken into account)."""
    starts = [1]
    quoted = False
    i = 0
    while i < len(line):
        char = line[i]
        if char == '"':
            if quoted and i + 1 < len(line) and line[i + 1] == '"':
                i += 2
                continue
            quoted = not quoted
        elif char == "," and not quoted:
            starts.append(i + 2)
        i += 1
    return starts


def as_day(value: Any) -> date | None:
    """A cell's value as a date: a date cell, or text written YYYY-MM-DD (also with / or .)."""
    import re

    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        found = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", value.strip())
        if found:
            try:
                return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
            except ValueError:
                return None
    return None
