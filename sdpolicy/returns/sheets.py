"""The cells of an xlsx workbook's sheets, read with the standard library alone.

A return of a thousand rows holds some fourteen thousand cells; openpyxl builds an object per cell
and per piece of text, and importing it alone costs about as much as a whole `mark`. This reads only
what an import looks at: the sheets' names and parts (workbook.xml and its relationships), the
shared strings, which styles are dates (styles.xml) and the cells of the rows asked for, giving each
cell the value openpyxl's streaming reader gives with data_only=True, and saying besides whether it
is a formula saved without a result or an error cell.

Nothing here trusts the archive: every part is unpacked through a running count that stops at the
limit it is given, whatever the archive declares, no part may declare a DOCTYPE (see _refuse_doctype),
and what the parser builds is let go as it is read (see Workbook._elements).
A damaged workbook is one DataError naming the file and the place.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from datetime import datetime, time, timedelta
from typing import Any, Iterator, NamedTuple
from xml.etree.ElementTree import ParseError, XMLPullParser, fromstring
from xml.parsers import expat

from sdpolicy.errors import DataError

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATION_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_WORKBOOK_TYPES = {
    f"application/vnd.{kind}.main+xml"
    for kind in (
        "openxmlformats-officedocument.spreadsheetml.sheet", "openxmlformats-officedocument.spreadsheetml.template",
        "ms-excel.sheet.macroEnabled", "ms-excel.template.macroEnabled",
    )
}
_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"

_ROW, _CELL, _VALUE, _FORMULA, _INLINE = (MAIN + tag for tag in ("row", "c", "v", "f", "is"))
_TEXT, _RUN, _SHEET_DATA = MAIN + "t", MAIN + "r", MAIN + "sheetData"
_FORMATS, _CELL_FORMATS = MAIN + "numFmts", MAIN + "cellXfs"
_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)")
# Elements a part may hold at once below the level it is read at (inside one row, one shared
# string, one section of styles.xml, or anywhere in a small part such as workbook.xml): tens of
# megabytes at most. Excel's most formats (64,000 in a section, each with a child or two) stay below it.
_HELD = 250_000
# XML a part may hold without an element ending: a cell's text at its longest, each character
# escaped (32,767 times `_xHHHH_`), is under a quarter of it. Without this bound, one start tag of
# millions of attributes costs hundreds of megabytes, and expat reparses a token that does not end
# at every piece fed to it, so one long token costs seconds.
_QUIET = 1 << 20
# The usual reference (C5) is read by a look-up, which keeps the cost of parsing start events.
_COLUMNS = {chr(65 + a) * (a >= 0) + chr(65 + b): 27 + a * 26 + b if a >= 0 else b + 1
            for a in range(-1, 26) for b in range(26)}

# Excel's built-in number formats that show a date or a time (ECMA-376 18.8.30): 14-22 and 45-47
# everywhere, 27-36 and 50-58 in the Chinese, Japanese and Korean editions, which write them by id
# alone. A custom format (id 164 up, or any id the file defines) is judged by its code.
_BUILTIN_DATES = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
_BUILTIN_DURATIONS = {46}  # [h]:mm:ss
# In a format code, quoted literals and bracketed colours or locales say nothing of dates;
# [h], [m], [s] (elapsed time) do.
_NOT_DATE = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_DURATION = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)
_EPOCH_1900 = datetime(1899, 12, 30)  # day 0 of Excel's 1900 system, which counts 29 February 1900
_EPOCH_1904 = datetime(1904, 1, 1)
_ISO_DAY = re.compile(
    r"(?P<date>(\d{4})-(\d{2})-(\d{2}))?T?(?P<time>(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?)?Z?"
)

FORMULA = "formula"  # a formula saved without a result
ERROR = "error"  # an error cell (t="e"): what Excel shows as #DIV/0! and the like


class Value(NamedTuple):
    value: Any  # None, str (as stored: `_xHHHH_` not decoded), int, float, bool, date, datetime, time, timedelta
    kind: str | None = None  # FORMULA, ERROR or None


_BLANK = Value(None)
_NO_RESULT = Value(None, FORMULA)


class Sheet(NamedTuple):
    name: str
    part: str


class Workbook:
    """The sheets of the xlsx workbook `archive`, opened once; `label` names it in messages, and
    `budget` is how many bytes its parts may unpack to in all."""

    def __init__(self, archive: zipfile.ZipFile, label: str, budget: int) -> None:
        self.archive, self.label, self.budget = archive, label, budget
        self.names = set(archive.namelist())
        types = self._xml("[Content_Types].xml")
        part = next(
            (e.get("PartName", "") for e in types if e.tag == _TYPES + "Override" and e.get("ContentType") in _WORKBOOK_TYPES),
            None,
        )
        if part is None and any(e.get("ContentType") in _WORKBOOK_TYPES for e in types if e.tag == _TYPES + "Default"):
            part = "/xl/workbook.xml"  # some programs give the workbook's type as the default for .xml
        if part is None:
            raise DataError(f"{label} is a zip archive but not an xlsx workbook (its [Content_Types].xml names no workbook)")
        strings = next(
            (e.get("PartName", "") for e in types if e.tag == _TYPES + "Override" and e.get("ContentType") == _SHARED_STRINGS),
            None,
        )
        book = self._xml(part.lstrip("/"))
        properties = book.find(MAIN + "workbookPr")
        flag = properties.get("date1904", "") if properties is not None else ""
        self.epoch = _EPOCH_1904 if flag not in ("", "0", "f", "false") else _EPOCH_1900
        targets = self._relations(part.lstrip("/"))
        self.sheets: list[Sheet] = []
        for sheet in book.iter(MAIN + "sheet"):
            name = sheet.get("name", "")
            target = targets.get(sheet.get(_RELATION_ID, ""))
            if target is None or target[1] not in self.names:
                raise DataError(
                    f"{label} is a damaged xlsx workbook: its sheet '{name}' has no part in the archive"
                    + (f" ({target[1]} is missing)" if target else "")
                )
            twin = next((s.name for s in self.sheets if s.part == target[1]), None)
            if twin is not None:  # read twice, a part would count twice, and a list of them would cost as much again
                raise DataError(
                    f"{label} is a damaged xlsx workbook: its sheets '{twin}' and '{name}' are the same part ({target[1]})"
                )
            if target[0].endswith("/worksheet"):  # a chart sheet holds no cells
                self.sheets.append(Sheet(name, target[1]))
        self.strings = self._strings(strings.lstrip("/")) if strings else []
        self.dates, self.durations = self._styles()

    # -- parts

    def _read(self, part: str) -> bytes:
        """The part unpacked, counted against the budget as it comes rather than by its declared size."""
        if part not in self.names:
            raise DataError(f"{self.label} is a zip archive but not an xlsx workbook (it has no {part})")
        try:
            with self.archive.open(part) as source:
                data = source.read(self.budget + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, EOFError, ValueError, NotImplementedError) as exc:
            raise DataError(f"{self.label} is not an xlsx workbook: its archive is damaged ({exc})") from None
        if len(data) > self.budget:
            raise DataError(f"{self.label}: {part} unpacks to more than the archive declares; refused as a zip bomb")
        self.budget -= len(data)
        return data

    def _xml(self, part: str) -> Any:
        """A small part (content types, workbook, relationships, styles) as a tree."""
        root = None
        for root in self._elements(part, 1):
            pass
        return root

    def _elements(self, part: str, depth: int) -> Iterator[Any]:
        """The elements of `part` down to `depth` (its root is at 1), each as it ends, streamed.

        What ElementTree has built stays in memory until it is let go, and a hostile part can be
        16 MB of empty elements (some hundred bytes each once built) or one element nested in the
        next. So each element down to `depth` is detached once yielded (the caller has read it),
        and those below it, held until it ends, are counted: past _HELD of them the part is refused."""
        data = self._read(part)
        _refuse_doctype(data, self.label, part)
        parser = XMLPullParser(events=("start", "end"))
        parents: list[Any] = []  # the open elements down to `depth`
        level = held = quiet = 0
        step = 1 << 16
        try:
            for start in range(0, len(data) + step, step):
                if start < len(data):
                    parser.feed(data[start:start + step])
                else:
                    parser.close()
                quiet += step
                if quiet > _QUIET:
                    raise DataError(
                        f"{self.label} cannot be read as an xlsx workbook: {part} holds over {_QUIET:,} bytes of XML "
                        "in which no element ends, which no workbook needs; refused"
                    )
                for event, element in parser.read_events():
                    if event == "start":
                        level += 1
                        if level <= depth:
                            parents.append(element)
                        elif (held := held + 1) > _HELD:
                            raise DataError(
                                f"{self.label} cannot be read as an xlsx workbook: {part} holds over {_HELD:,} "
                                "XML elements in one place, which no workbook needs; refused"
                            )
                        continue
                    level -= 1
                    quiet = 0
                    if level < depth:
                        parents.pop()
                        yield element
                        if parents:
                            parents[-1].remove(element)  # its earlier siblings are gone: it is the only child
                        held = 0
        except ParseError as exc:
            raise _malformed(self.label, part, *exc.position, exc.code) from None

    def _relations(self, part: str) -> dict[str, tuple[str, str]]:
        """Each relationship of `part` by its id: its type and the archive path it points to."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        found: dict[str, tuple[str, str]] = {}
        if rels not in self.names:
            return found
        for relation in self._xml(rels).iter(_PACKAGE_RELS + "Relationship"):
            if relation.get("TargetMode") == "External":
                continue
            target = relation.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found[relation.get("Id", "")] = (relation.get("Type", ""), path)
        return found

    def _strings(self, part: str) -> list[str]:
        strings = []
        for element in self._elements(part, 2):
            if element.tag == MAIN + "si":
                strings.append(_text(element))
                element.clear()
        return strings

    def _styles(self) -> tuple[set[int], set[int]]:
        """The styles (cellXfs by index) whose number format shows a date, and those showing a duration."""
        dates: set[int] = set()
        durations: set[int] = set()
        if "xl/styles.xml" not in self.names:
            return dates, durations
        # Read a section at a time: a workbook whose styles have bloated to Excel's 64,000 formats
        # holds more elements in all than _HELD, though not in one section. Only the first number
        # formats and cell formats are kept (not the numFmt of a dxf, which conditional formats use).
        sections: dict[str, Any] = {}
        for section in self._elements("xl/styles.xml", 2):
            if section.tag in (_FORMATS, _CELL_FORMATS):
                sections.setdefault(section.tag, section)
        codes = {}
        custom = sections.get(_FORMATS)
        for number in custom.iter(MAIN + "numFmt") if custom is not None else ():
            try:
                codes[int(number.get("numFmtId", ""))] = number.get("formatCode", "")
            except ValueError:
                continue
        formats = sections.get(_CELL_FORMATS)
        for index, style in enumerate(formats.iter(MAIN + "xf") if formats is not None else ()):
            try:
                number = int(style.get("numFmtId", "0"))
            except ValueError:
                continue
            if number in codes:
                code = _NOT_DATE.sub("", codes[number].split(";")[0])
                if _DATE_LETTER.search(code):
                    dates.add(index)
                if _DURATION.search(codes[number].split(";")[0]):
                    durations.add(index)
            elif number in _BUILTIN_DATES:
                dates.add(index)
                if number in _BUILTIN_DURATIONS:
                    durations.add(index)
        return dates, durations

    # -- cells

    def rows(self, sheet: Sheet, columns: int) -> Iterator[tuple[int, dict[int, Value]]]:
        """Each row of `sheet` that is in the file, by number, with its cells in the first `columns`
        columns by 0-based index; rows come in order, and a row the file skips holds nothing."""
        previous = 0
        for element in self._elements(sheet.part, 3):
            tag = element.tag
            if tag == _ROW:
                marked = element.get("r")
                if marked is None:  # a row may leave its number to its cells, or to its place
                    first = next((c.get("r") for c in element if c.tag == _CELL and c.get("r")), None)
                    found = _REFERENCE.fullmatch(first) if first else None
                    marked = found.group(2) if found else None
                number = _row_number(marked, previous, self.label, sheet.name)
                cells: dict[int, Value] = {}
                column = 0
                digits = str(number)
                for cell in element:
                    if cell.tag != _CELL:
                        continue
                    reference = cell.get("r")
                    if reference is None:
                        column += 1
                    elif not (reference.endswith(digits) and (column := _COLUMNS.get(reference[:-len(digits)], 0))):
                        column = self._reference(reference, number, sheet)
                    if column <= columns:
                        cells[column - 1] = self._value(cell, sheet, number, column)
                element.clear()
                previous = number
                yield number, cells
            elif tag == _SHEET_DATA:
                return  # what follows the cells (validations, formatting) is not read

    def _reference(self, reference: str, row: int, sheet: Sheet) -> int:
        """The column of a cell `reference` (C5, $C$5), checked to be one of `row`."""
        found = _REFERENCE.fullmatch(reference)
        if found is None or int(found.group(2)) != row:
            raise DataError(
                f"{self.label}:{sheet.name}, row {row}: a cell is marked '{reference[:40]}', "
                f"which is no cell reference of that row (such as C{row}); the workbook is damaged"
            )
        return _column(found.group(1))

    def _value(self, cell: Any, sheet: Sheet, row: int, column: int) -> Value:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(_INLINE)
            value = None if inline is None else _text(inline)
        else:
            value = cell.findtext(_VALUE) or None  # an empty <v/> is no value, as for openpyxl
        if value is None:
            return _BLANK if cell.find(_FORMULA) is None else _NO_RESULT
        if kind == "n":
            try:
                number: Any = float(value) if "." in value or "E" in value or "e" in value else int(value)
            except ValueError:
                raise self._damaged(sheet, row, column, f"'{value[:40]}' is marked as a number but is none") from None
            style = cell.get("s")
            try:
                index = int(style) if style else 0  # no style is style 0, which may show a date too
            except ValueError:
                raise self._damaged(sheet, row, column, f"its style '{style[:40]}' is no style number") from None
            if index in self.dates:
                return _serial_date(number, self.epoch, index in self.durations)
            return Value(number)
        if kind == "s":
            try:
                index = int(value)
                if index < 0:
                    raise IndexError
                return Value(self.strings[index])
            except (ValueError, IndexError):
                raise self._damaged(
                    sheet, row, column,
                    f"the cell refers to shared string {value[:40]}, but the workbook holds {len(self.strings):,} (numbered from 0)",
                ) from None
        if kind == "b":
            try:
                return Value(bool(int(value)))
            except ValueError:
                raise self._damaged(sheet, row, column, f"'{value[:40]}' is marked as true or false but is neither") from None
        if kind == "e":
            return Value(value, ERROR)
        if kind == "d":
            return Value(_iso_day(value, lambda: self._damaged(sheet, row, column, f"'{value[:40]}' is marked as a date but is none")))
        return Value(value)  # t="str" (a formula's text result) and any other type: the text as stored

    def _damaged(self, sheet: Sheet, row: int, column: int, what: str) -> DataError:
        return DataError(f"{self.label}:{sheet.name}!{letter(column)}{row}: {what}; the workbook is damaged")


def _refuse_doctype(data: bytes, label: str, part: str) -> None:
    """Refuse a part that declares a DOCTYPE. No part of a workbook needs one, and a DOCTYPE is what
    entity tricks need: a billion laughs (entities that expand to gigabytes) or an external entity
    that would read a local file or a URL. Only the prolog, before the first element, can hold one,
    so this reads no further than that; expat decodes the part's encoding, whatever it is."""
    class Prolog(Exception):
        pass

    def doctype(*_: Any) -> None:
        raise DataError(
            f"{label} cannot be read as an xlsx workbook: {part} declares a DOCTYPE, which no workbook "
            "needs; refused, so that no entity in it is expanded or fetched"
        )

    def element(*_: Any) -> None:
        raise Prolog

    checker = expat.ParserCreate()
    checker.StartDoctypeDeclHandler = doctype
    checker.StartElementHandler = element
    try:
        step = 1 << 16
        for start in range(0, len(data), step):
            if start >= _QUIET:  # as for any stretch without an element (Workbook._elements)
                raise DataError(
                    f"{label} cannot be read as an xlsx workbook: {part} holds over {_QUIET:,} bytes of XML "
                    "before its first element, which no workbook needs; refused"
                )
            checker.Parse(data[start:start + step], False)
        checker.Parse(b"", True)
    except Prolog:
        return
    except expat.ExpatError as exc:
        raise _malformed(label, part, exc.lineno, exc.offset, exc.code) from None


def _malformed(label: str, part: str, line: int, column: int, code: int) -> DataError:
    return DataError(
        f"{label} cannot be read as an xlsx workbook: {part} is not well-formed XML "
        f"(line {line}, column {column + 1}: {expat.ErrorString(code)})"
    )


def _text(element: Any) -> str:
    """The text of a string item (<si> or <is>): its own <t>, then the <t> of each rich-text run;
    phonetic guides (<rPh>) are not part of it. As stored: `_xHHHH_` is left for the caller."""
    if len(element) == 1 and element[0].tag == _TEXT:  # the usual: one piece of plain text
        return element[0].text or ""
    plain = None
    runs = []
    for child in element:
        if child.tag == _TEXT:
            plain = child.text
        elif child.tag == _RUN:
            for piece in child:
                if piece.tag == _TEXT and piece.text is not None:
                    runs.append(piece.text)
    return (plain or "") + "".join(runs)


def _row_number(text: str | None, previous: int, label: str, sheet: str) -> int:
    if text is None:
        return previous + 1
    try:
        number = int(text)
    except ValueError:
        try:
            number = float(text)
            if not number.is_integer():
                raise ValueError
            number = int(number)
        except (ValueError, OverflowError):
            raise DataError(
                f"{label}:{sheet}, after row {previous}: a row is numbered '{text[:40]}', which is no row number; the workbook is damaged"
            ) from None
    if number <= previous:
        raise DataError(
            f"{label}:{sheet}, after row {previous}: a row is numbered {number}, out of order; the workbook is damaged"
        )
    return number


def _column(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def letter(column: int) -> str:
    """The letters of a 1-based column number: 1 is A, 27 is AA."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _serial_date(number: float, epoch: datetime, duration: bool) -> Value:
    """A number in a date-formatted cell as openpyxl's from_excel reads it; a serial no date can have
    is the error #VALUE!, as openpyxl makes it."""
    try:
        if duration:
            span = timedelta(days=number)
            if span.microseconds:
                span = timedelta(seconds=span.total_seconds() // 1, microseconds=round(span.microseconds, -3))
            return Value(span)
        day, fraction = divmod(number, 1)
        clock = timedelta(milliseconds=round(fraction * 86_400_000))
        if 0 <= number < 1 and clock.days == 0:
            minutes, seconds = divmod(clock.seconds, 60)
            return Value(time(minutes // 60, minutes % 60, seconds, clock.microseconds))
        if 0 < number < 60 and epoch == _EPOCH_1900:
            day += 1  # before 1 March 1900, Excel's serials count a 29 February that never was
        return Value(epoch + timedelta(days=day) + clock)
    except (OverflowError, ValueError):
        return Value("#VALUE!", ERROR)


def _iso_day(text: str, damaged: Any) -> Any:
    """A t="d" cell (ISO 8601, as Excel's strict files write dates): a date, a time or both."""
    found = _ISO_DAY.match(text)
    if not found or not any(found.groups()):
        raise damaged()
    parts = [int(p) if p else 0 for p in found.groups()[1:4] + found.groups()[5:8]]
    fraction = found.group(9)
    micro = int(float(fraction) * 1_000_000) if fraction else 0
    try:
        if not found.group("date"):
            return time(parts[3], parts[4], parts[5], micro)
        if not found.group("time"):
            return datetime(parts[0], parts[1], parts[2]).date()
        return datetime(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], micro)
    except ValueError:
        raise damaged() from None
