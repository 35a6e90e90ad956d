"""Workbooks built to cost the reader memory or time: each is refused with one sentence, or read
within a bounded memory. Expected messages are written out by hand; memory is checked by what
tracemalloc sees kept at the peak, never by timing."""

from __future__ import annotations

import tracemalloc
from datetime import datetime
import zipfile
from pathlib import Path

import pytest

from sdpolicy.returns.importer import LAYOUTS
from sdpolicy.returns.reader import _read_xlsx
from test_sheets import HEADER, MAIN, _refusal, _workbook

PART = "xl/worksheets/sheet1.xml"
ROW = '<row r="2"><c r="A2" t="inlineStr"><is><t>IND-01</t></is></c><c r="B2"><v>5</v></c></row>'
HELD = "holds over 250,000 XML elements in one place, which no workbook needs; refused"
QUIET = "holds over 1,048,576 bytes of XML in which no element ends, which no workbook needs; refused"


def _repack(path: Path, compression: int = zipfile.ZIP_STORED, part_only: bool = False) -> Path:
    """`path` with its members stored (so that a flood is not refused by its compression ratio
    first), or with only the sheet's part compressed by `compression`."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            method = compression if (name == PART or not part_only) else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=method)
    return path


def _peak(path: Path) -> tuple[int, int]:
    """The rows read from `path` and the most memory held at once while reading them, in bytes."""
    data = path.read_bytes()
    tracemalloc.start()
    try:
        rows = len(_read_xlsx(data, path.name, LAYOUTS).rows)
        return rows, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_a_part_compressed_by_bzip2_or_lzma_is_refused_before_it_is_unpacked(tmp_path, method):
    # zipfile unpacks such a part a whole chunk at a time: 5 KB of bzip2 filled 1.7 GB before the
    # count of what was unpacked could stop it. Method 12 is bzip2, 14 LZMA (APPNOTE 4.4.5).
    path = _repack(_workbook(tmp_path / "packed.xlsx", HEADER + ROW), method, part_only=True)
    assert _refusal(path) == (
        f"packed.xlsx: {PART} is compressed by method {method}, which no spreadsheet program uses "
        "(an xlsx file's parts are deflated or stored); refused"
    )


@pytest.mark.parametrize("where", ["before the cells", "between the rows"])
def test_empty_elements_outside_the_rows_are_let_go_as_they_are_read(tmp_path, where):
    # 400,000 empty elements (1.6 MB stored) were all kept until the sheet's end, some 100 bytes
    # each: over 40 MB held. Let go as each ends, the peak is the file and its unpacked part
    # (under 4 MB) and what reading a row costs.
    flood = "<a/>" * 400_000
    rows = f"{HEADER}{flood}{ROW}" if where == "between the rows" else HEADER + ROW
    path = _workbook(tmp_path / "flood.xlsx", rows)
    if where == "before the cells":
        _replace(path, b"<sheetData>", flood.encode() + b"<sheetData>")
    rows, peak = _peak(_repack(path))
    assert rows == 1 and peak < 12_000_000, peak


def test_empty_shared_strings_are_let_go_as_they_are_read(tmp_path):
    # 400,000 <si/> (2 MB stored): each was cleared but stayed in the tree, 100 bytes or so, over
    # 40 MB. Now what is kept is the list of 400,000 references to "" (3.2 MB).
    types = _member(_workbook(tmp_path / "t.xlsx", HEADER), "[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    strings = f'<sst xmlns="{MAIN}">{"<si/>" * 400_000}<si><t>IND-01</t></si></sst>'.encode()
    shared = '<row r="2"><c r="A2" t="s"><v>400000</v></c><c r="B2"><v>5</v></c></row>'
    path = _workbook(tmp_path / "strings.xlsx", HEADER + shared,
                     {"[Content_Types].xml": types, "xl/sharedStrings.xml": strings})
    rows, peak = _peak(_repack(path))
    assert rows == 1 and peak < 16_000_000, peak


def test_elements_nested_or_packed_in_one_cell_are_refused(tmp_path):
    # 260,000 elements inside one cell, nested one in the next (a stack ElementTree keeps whole)
    # or side by side: over the 250,000 a part may hold below the level it is read at.
    nested = HEADER + '<row r="2"><c r="A2">' + "<a>" * 260_000 + "</a>" * 260_000 + "</c></row>"
    side = HEADER + '<row r="2"><c r="A2">' + "<a/>" * 260_000 + "</c></row>"
    for name, rows in (("nested.xlsx", nested), ("side.xlsx", side)):
        path = _repack(_workbook(tmp_path / name, rows))
        assert _refusal(path) == f"{name} cannot be read as an xlsx workbook: {PART} {HELD}"


def test_a_start_tag_of_a_megabyte_is_refused(tmp_path):
    # 150,000 attributes (1.6 MB) on one cell: expat holds the tag until it ends, and ElementTree
    # made a dictionary of them (1.3 million cost 400 MB); a long text without markup is the same.
    attributes = " ".join(f"a{i}=''" for i in range(150_000))
    path = _repack(_workbook(tmp_path / "tag.xlsx", HEADER + f'<row r="2"><c r="A2" {attributes}/></row>'))
    assert _refusal(path) == f"tag.xlsx cannot be read as an xlsx workbook: {PART} {QUIET}"
    # On the root itself the check that no DOCTYPE comes first meets it before any element starts.
    path = _workbook(tmp_path / "root.xlsx", HEADER)
    _replace(path, b"<worksheet ", b'<worksheet x="' + b"y" * 1_100_000 + b'" ')
    assert _refusal(_repack(path)) == (
        f"root.xlsx cannot be read as an xlsx workbook: {PART} holds over 1,048,576 bytes of XML before its "
        "first element, which no workbook needs; refused"
    )


def test_two_sheets_on_one_part_are_refused(tmp_path):
    # Read once per sheet, the part would count twice against the budget, and a list of a few
    # hundred thousand such sheets cost seconds.
    path = _workbook(tmp_path / "twice.xlsx", HEADER + ROW)
    book = _member(path, "xl/workbook.xml")
    _replace(path, b"</sheets>", b'<sheet name="Again" sheetId="2" r:id="' + _first_rid(book) + b'"/></sheets>', "xl/workbook.xml")
    assert _refusal(path) == f"twice.xlsx is a damaged xlsx workbook: its sheets 'Return' and 'Again' are the same part ({PART})"


def _member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def _first_rid(book: bytes) -> bytes:
    start = book.index(b'r:id="') + 6
    return book[start:book.index(b'"', start)]


def _replace(path: Path, old: bytes, new: bytes, name: str = PART) -> None:
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    assert old in members[name]
    members[name] = members[name].replace(old, new, 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, content in members.items():
            archive.writestr(n, content)


@pytest.mark.filterwarnings("ignore:Duplicate name")  # zipfile's, as it writes the second member
@pytest.mark.parametrize("second", [PART, "xl/worksheets/Sheet1.xml"])
def test_an_archive_holding_a_part_twice_is_refused(tmp_path, second):
    # zipfile reads the last of two members of one name, where another program may read the first:
    # the figures imported would not be the ones the unit saw. Part names ignore case, so
    # Sheet1.xml beside sheet1.xml is the same part twice; the message names the later member.
    path = _workbook(tmp_path / "twice.xlsx", HEADER + ROW)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(second, b"<worksheet/>")
    assert _refusal(path) == f"twice.xlsx is a damaged xlsx workbook: its archive holds {second} twice"


def test_styles_bloated_to_excels_limit_are_read(tmp_path):
    # 64,000 cell formats and as many cell style formats, each with an alignment and a protection:
    # 384,000 elements in styles.xml, over the 250,000 held at once, but 192,000 in each section,
    # which is read and let go one at a time. The last cell format is a date (built-in 14, m/d/yyyy),
    # so B2 (style 63999), 38898, is 38,898 days after 1899-12-30: 2006-06-30.
    xf = '<xf numFmtId="0"><alignment/><protection/></xf>'
    styles = (
        f'<styleSheet xmlns="{MAIN}"><cellStyleXfs count="64000">{xf * 64_000}</cellStyleXfs>'
        f'<cellXfs count="64000">{xf * 63_999}<xf numFmtId="14"/></cellXfs></styleSheet>'
    )
    rows = HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>IND-01</t></is></c><c r="B2" s="63999"><v>38898</v></c></row>'
    path = _repack(_workbook(tmp_path / "bloat.xlsx", rows, {"xl/styles.xml": styles.encode()}))
    assert _read_xlsx(path.read_bytes(), "bloat.xlsx", LAYOUTS).rows[0].cells["value"].value == datetime(2006, 6, 30)
