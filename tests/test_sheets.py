"""The lean sheet reader (sdpolicy.returns.sheets) reads what openpyxl's streaming reader read, and
refuses hostile workbooks with one sentence each. Expected messages are written out by hand."""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

import openpyxl_reference
from conftest import libreoffice_convert, soffice
from sdpolicy.errors import DataError
from sdpolicy.returns.importer import LAYOUTS
from sdpolicy.returns.reader import _read_xlsx
from sdpolicy.returns.sheets import letter

# -- the same cells as openpyxl read them

# Text a unit may type or paste: Chinese, escapes Excel would decode (and the escaped underscore it
# writes for a typed one), a leading '=' (openpyxl stores it as a formula without a result), error
# words, padding, line breaks. openpyxl refuses most control characters outright; Excel stores them
# as _xHHHH_, which the samples carry.
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037\ud800-\udfff\ufffe\uffff]")
_SAMPLES = [
    "按计划推进", "_x000D_", "a_x0041_b", "_x005F_x0041_", "_x0007_警报", "=1+1", "=SUM(1,2)", "#DIV/0!",
    "#N/A", "  留白  ", "第一行\n第二行", "ID", "Value", "编号", "进行中", "done", "", " ", "_x", "x005F_",
]
texts = st.one_of(
    st.sampled_from(_SAMPLES),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12).map(lambda s: _ILLEGAL.sub("", s)),
    st.lists(st.sampled_from(_SAMPLES), min_size=1, max_size=3).map("".join),
)
cells = st.one_of(
    st.none(), texts,
    st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.dates(date(1900, 1, 1), date(2100, 12, 31)),
    st.datetimes(datetime(1900, 3, 1), datetime(2100, 1, 1)).map(lambda d: d.replace(microsecond=0)),
    st.times().map(lambda t: t.replace(microsecond=0)),
    st.builds(lambda t: CellRichText(t[:1], TextBlock(InlineFont(b=True), t[1:] or "x")), texts.filter(bool)),
)
HEADERS = {"en": ["ID", "Value", "State", "Date", "Note", "Problems", "Next steps"],
           "zh": ["编号", "本期数值", "状态", "日期", "进展情况", "存在问题", "下一步措施"]}


@st.composite
def workbooks(draw) -> tuple[bytes, bool]:
    wb = openpyxl.Workbook()
    if draw(st.booleans()):
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = draw(st.sampled_from(["Return", "填报", "Sheet 1"]))
    lang = draw(st.sampled_from(["en", "zh"]))
    top = draw(st.integers(1, 4))
    for row in range(1, top):  # a title or two above the header row
        ws.cell(row, 1).value = draw(st.sampled_from(["月度报表", "Fill in the yellow cells", None]))
    headers = HEADERS[lang][:]
    if draw(st.booleans()):
        headers.insert(draw(st.integers(1, len(headers))), draw(st.sampled_from(["任务", "Task", "extra"])))
    for column, header in enumerate(headers, 1):
        ws.cell(top, column).value = header
    row = top
    for _ in range(draw(st.integers(0, 8))):
        row += draw(st.sampled_from([1, 1, 1, 2, 5]))  # a row left out now and then
        for column in range(1, len(headers) + 2):
            value = draw(cells)
            if value is not None:
                ws.cell(row, column).value = value
    if draw(st.booleans()):
        meta = wb.create_sheet("sdpolicy")
        meta.sheet_state = draw(st.sampled_from(["hidden", "veryHidden"]))
        for n, key in enumerate(["kind", "unit", "period", draw(texts)], 1):
            meta.cell(n, 1).value = key
            meta.cell(n, 2).value = draw(st.one_of(texts, st.integers(0, 9), st.just("sdpolicy-return")))
    buffer = io.BytesIO()
    wb.save(buffer)
    shared = draw(st.booleans())
    return (_to_shared_strings(buffer.getvalue()) if shared else buffer.getvalue()), shared


def _to_shared_strings(data: bytes) -> bytes:
    """The workbook with its inline strings moved to a shared-strings part, as Excel and LibreOffice
    save text, each with a phonetic guide that is no part of the text (as Japanese Excel adds)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    items: list[str] = []

    def share(found: re.Match) -> str:
        items.append(found.group(2))
        return f'{found.group(1)}t="s"><v>{len(items) - 1}</v></c>'

    for name in [n for n in members if n.startswith("xl/worksheets/sheet")]:
        text = members[name].decode("utf-8")
        members[name] = re.sub(r'(<c [^>]*?)t="inlineStr"><is>(.*?)</is></c>', share, text).encode("utf-8")
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    members["xl/sharedStrings.xml"] = (
        f'<sst xmlns="{main}" count="{len(items)}" uniqueCount="{len(items)}">'
        + "".join(f'<si>{item}<rPh sb="0" eb="1"><t>ルビ</t></rPh></si>' for item in items) + "</sst>"
    ).encode("utf-8")
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>',
    )
    rels = "xl/_rels/workbook.xml.rels"
    members[rels] = members[rels].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workbooks())
def test_the_lean_reader_reads_what_openpyxl_read(book):
    data, _ = book
    assert _read_xlsx(data, "r.xlsx", LAYOUTS) == openpyxl_reference.read_xlsx(data, "r.xlsx", LAYOUTS)


def test_the_differential_workbooks_hold_what_they_are_meant_to():
    """The strategy above does make shared strings with runs, formulas without results, dates of both
    systems and error cells, and the two readers agree on one of each, worked out by hand."""
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append(["ID", "Value", "Date", "Note"])
    ws.append(["A", "=1+1", date(2006, 6, 30), CellRichText("按", TextBlock(InlineFont(b=True), "计划"))])
    ws.append(["B", "#DIV/0!", 38898, "_x0041_"])
    buffer = io.BytesIO()
    wb.save(buffer)
    data = _to_shared_strings(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<rPh" in archive.read("xl/sharedStrings.xml") and b"<r>" in archive.read("xl/sharedStrings.xml")
        assert b'date1904="1"' in archive.read("xl/workbook.xml")
    table = _read_xlsx(data, "r.xlsx", LAYOUTS)
    assert table == openpyxl_reference.read_xlsx(data, "r.xlsx", LAYOUTS)
    first, second = ([(c.value, c.problem) for c in row.cells.values()] for row in table.rows)
    formula = ("a formula with no saved result; type the figure itself, or open the file in Excel, WPS or "
               "LibreOffice and save it so that the result is kept")
    # Row 2: the formula has no result; the date is a date in the 1904 system too; the runs join.
    assert first == [("A", None), (None, formula), (datetime(2006, 6, 30), None), ("按计划", None)]
    # Row 3: an error cell; a plain number; "_x0041_" as stored is an "A".
    assert second == [("B", None), (None, "the cell holds the error #DIV/0!; type the figure itself"), (38898, None), ("A", None)]


def test_column_letters():
    # 1 = A, 26 = Z, 27 = AA, 52 = AZ, 53 = BA, 702 = ZZ, 703 = AAA, 16384 = XFD (Excel's last).
    assert [letter(n) for n in (1, 26, 27, 52, 53, 702, 703, 16384)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"]


def test_builtin_chinese_date_formats_and_a_custom_one_are_dates():
    """Chinese Excel writes its 2006年6月30日 format by id alone (31); a custom code counts by its
    letters, ignoring quoted text and colours. 38898 is 2006-06-30 in the 1900 system (38,898 days
    from 1899-12-30)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ID", "Value", "Date", "Note"])
    ws.append(["A", 1, 38898, 38898])
    ws["D2"].number_format = '[Red]"截至"0'  # quoted and bracketed: no date letter is left
    ws["C2"].number_format = 'yyyy"年"m"月"d"日"'
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    styles = members["xl/styles.xml"].decode()
    code = re.search(r'<numFmt numFmtId="(\d+)" formatCode="yyyy&quot;', styles).group(1)
    members["xl/styles.xml"] = styles.replace(f'numFmtId="{code}" formatCode', 'numFmtId="999" formatCode').replace(
        f'<xf numFmtId="{code}"', '<xf numFmtId="31"').encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    row = _read_xlsx(out.getvalue(), "r.xlsx", LAYOUTS).rows[0]
    assert row.cells["date"].value == datetime(2006, 6, 30)
    assert row.cells["note"].value == 38898


# -- hostile workbooks: one sentence naming the file and the place, nothing recorded

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _workbook(path: Path, sheet_data: str, extra: dict[str, bytes] | None = None, title: str = "Return") -> Path:
    """A workbook openpyxl writes (one sheet, `title`), with the cells of its sheet replaced by `sheet_data`."""
    wb = openpyxl.Workbook()
    wb.active.title = title
    wb.save(path)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["xl/worksheets/sheet1.xml"] = f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_data}</sheetData></worksheet>'.encode()
    members.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if content is not None:
                archive.writestr(name, content)
    return path


# The installed command, as a user runs it (the module where no script was installed).
_SCRIPT = Path(sys.executable).parent / "sdpolicy"
SDPOLICY = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "sdpolicy"]
HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c><c r="B1" t="inlineStr"><is><t>Value</t></is></c></row>'


def _refusal(path: Path) -> str:
    """The message reading `path` in-process ends with (its label is its bare name)."""
    with pytest.raises(DataError) as refused:
        _read_xlsx(path.read_bytes(), path.name, LAYOUTS)
    return refused.value.message


def _refused(path: Path, home: Path) -> str:
    """Import `path` through the installed sdpolicy; the one line it prints, having recorded nothing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SDPOLICY_")}
    env.update(SDPOLICY_HOME=str(home), SDPOLICY_CACHE=str(home.parent / "cache"), NO_COLOR="1")
    result = subprocess.run(
        [*SDPOLICY, "import", str(path), "--unit", "省安监局", "--period", "2006-06"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert result.returncode == 65, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not (home / "progress.toml").exists()
    lines = result.stderr.splitlines()
    assert lines[-1] == "Error: 1 problem found; nothing was recorded", lines
    return "\n".join(lines[:-1])


def test_a_billion_laughs_is_refused_without_expanding_an_entity(tmp_path, sdpolicy_home):
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY l0 "ha">{laughs}]>'
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData></worksheet>'
    )
    path = _workbook(tmp_path / "laughs.xlsx", "", {"xl/worksheets/sheet1.xml": sheet.encode()})
    assert _refused(path, sdpolicy_home) == (
        f"{path} cannot be read as an xlsx workbook: xl/worksheets/sheet1.xml declares a DOCTYPE, which no "
        "workbook needs; refused, so that no entity in it is expanded or fetched"
    )


def test_an_external_entity_in_the_shared_strings_is_refused(tmp_path):
    strings = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f'<sst xmlns="{MAIN}"><si><t>&x;</t></si></sst>'
    )
    path = _workbook(tmp_path / "xxe.xlsx", HEADER, {"xl/sharedStrings.xml": strings.encode()})
    with zipfile.ZipFile(path) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                          b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    _workbook(path, HEADER, {"xl/sharedStrings.xml": strings.encode(), "[Content_Types].xml": types})
    assert _refusal(path) == (
        "xxe.xlsx cannot be read as an xlsx workbook: xl/sharedStrings.xml declares a DOCTYPE, which no "
        "workbook needs; refused, so that no entity in it is expanded or fetched"
    )


def test_a_missing_sheet_part_is_refused(tmp_path, sdpolicy_home):
    path = _workbook(tmp_path / "gone.xlsx", HEADER, {"xl/worksheets/sheet1.xml": None})
    assert _refused(path, sdpolicy_home) == (
        f"{path} is a damaged xlsx workbook: its sheet 'Return' has no part in the archive (xl/worksheets/sheet1.xml is missing)"
    )


def test_a_shared_string_out_of_range_is_refused_with_its_cell(tmp_path, sdpolicy_home):
    # No shared-strings part at all: the workbook holds 0 strings, and B2 asks for the fourth (3).
    path = _workbook(tmp_path / "index.xlsx", HEADER + '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>3</v></c></row>')
    assert _refused(path, sdpolicy_home) == (
        f"{path}:Return!B2: the cell refers to shared string 3, but the workbook holds 0 (numbered from 0); the workbook is damaged"
    )
    # The Chinese template's sheet names the place the same way; -1 is out of range too (openpyxl
    # took it for the last string).
    _workbook(path, HEADER + '<row r="2"><c r="C2" t="s"><v>-1</v></c></row>', title="填报")
    assert _refused(path, sdpolicy_home) == (
        f"{path}:填报!C2: the cell refers to shared string -1, but the workbook holds 0 (numbered from 0); the workbook is damaged"
    )


def test_a_malformed_cell_reference_is_refused_with_its_row(tmp_path, sdpolicy_home):
    path = _workbook(tmp_path / "ref.xlsx", HEADER + '<row r="2"><c r="2B"><v>1</v></c></row>')
    assert _refused(path, sdpolicy_home) == (
        f"{path}:Return, row 2: a cell is marked '2B', which is no cell reference of that row (such as C2); the workbook is damaged"
    )
    # A reference to another row than the one the cell stands in is as damaged.
    _workbook(path, HEADER + '<row r="2"><c r="B7"><v>1</v></c></row>')
    assert _refused(path, sdpolicy_home) == (
        f"{path}:Return, row 2: a cell is marked 'B7', which is no cell reference of that row (such as C2); the workbook is damaged"
    )


def test_rows_out_of_order_and_xml_that_is_not_well_formed_are_refused(tmp_path):
    path = _workbook(tmp_path / "order.xlsx", HEADER + '<row r="5"/><row r="3"/>')
    assert _refusal(path) == "order.xlsx:Return, after row 5: a row is numbered 3, out of order; the workbook is damaged"
    # '<row r="2">' is never closed. The worksheet's opening tag is 77 characters, <sheetData> 11,
    # the header row 112 and <row r="2"> 11, so '</sheetData>' starts at offset 211 of the line;
    # expat points at the name after '</', offset 213, which is column 214 counted from 1.
    path = _workbook(tmp_path / "broken.xlsx", HEADER + '<row r="2">')
    assert _refusal(path) == (
        "broken.xlsx cannot be read as an xlsx workbook: xl/worksheets/sheet1.xml is not well-formed XML "
        "(line 1, column 214: mismatched tag)"
    )


def test_a_member_that_unpacks_to_more_than_it_declares_is_refused(tmp_path, sdpolicy_home):
    """The declared sizes say 1 kilobyte; the deflated data holds 64 megabytes of a sheet's XML.
    zipfile stops at the declared size and finds the checksum wrong; nothing near 64 MB is unpacked."""
    path = _workbook(tmp_path / "liar.xlsx", HEADER)
    body = b"<row/>" * (64 * 1024 * 1024 // 6)
    real = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = real.compress(body) + real.flush()
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["xl/worksheets/sheet1.xml"] = f'<worksheet xmlns="{MAIN}"><sheetData>'.encode() + body
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, content)
    # Append the lying member by hand: local header, data, then a central directory naming it.
    data = bytearray(out.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        infos = archive.infolist()
        start = archive.start_dir
    name = b"xl/worksheets/sheet1.xml"
    crc, declared = zlib.crc32(body) & 0xFFFFFFFF, 1024
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(packed), declared, len(name), 0) + name
    offset = start
    blob = bytes(data[:start]) + local + packed
    central = b""
    for info in infos:
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, info.compress_type, 0, 0, info.CRC, info.compress_size,
            info.file_size, len(info.filename.encode()), 0, 0, 0, 0, 0, info.header_offset,
        ) + info.filename.encode()
    central += struct.pack(
        "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(packed), declared, len(name), 0, 0, 0, 0, 0, offset,
    ) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(infos) + 1, len(infos) + 1, len(central), len(blob), 0)
    path.write_bytes(blob + central + end)
    assert path.stat().st_size < 1024 * 1024  # a small file
    assert _refused(path, sdpolicy_home) == (
        f"{path} is not an xlsx workbook: its archive is damaged (Bad CRC-32 for file 'xl/worksheets/sheet1.xml')"
    )


# -- end to end: the template, filled as a unit would, and saved again by LibreOffice


def _sdpolicy(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SDPOLICY_")}
    env.update(SDPOLICY_HOME=str(home), SDPOLICY_CACHE=str(home.parent / f"cache-{home.name}"), NO_COLOR="1")
    return subprocess.run([*SDPOLICY, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
def test_a_filled_template_and_its_libreoffice_copy_record_the_same(tmp_path):
    home = tmp_path / "office"
    for args in (
        ("units", "add", "省经济贸易委员会", "--alias", "省经贸委", "--kind", "department"),
        ("assign", "IND-01", "--lead", "省经贸委", "--date", "2006-03-01"),
        ("assign", "EGOV-10", "--lead", "省经贸委", "--date", "2006-03-01"),
        ("assign", "ENV-05", "--lead", "省经贸委", "--date", "2006-03-01"),
    ):
        assert _sdpolicy(home, *args).returncode == 0
    blank = tmp_path / "blank.xlsx"
    assert _sdpolicy(home, "template", "--unit", "省经贸委", "--period", "2006-06", "--lang", "zh", "-o", str(blank)).returncode == 0
    wb = openpyxl.load_workbook(blank)
    ws = wb["填报"]
    ws["I4"], ws["K4"], ws["L4"] = 150, date(2006, 6, 20), "完成_x005F_x000D_改造\n共150家"
    ws["I5"], ws["M5"] = 62.5, "#N/A 不是错误"
    ws["J6"], ws["N6"] = "已完成", "=以上" # '=以上' typed as text by a unit: a string cell
    ws["N6"].data_type = "s"
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    resaved = libreoffice_convert(filled, "xlsx", tmp_path / "lo")
    with zipfile.ZipFile(resaved) as archive:
        assert "xl/sharedStrings.xml" in archive.namelist()  # LibreOffice shares its strings
        assert b'state="hidden"' in archive.read("xl/workbook.xml")  # and keeps the metadata sheet hidden
    lines = {}
    for name, path in (("openpyxl", filled), ("libreoffice", resaved)):
        workspace = tmp_path / name
        shutil.copytree(home, workspace)
        result = _sdpolicy(workspace, "import", str(path))
        assert (result.returncode, result.stdout, result.stderr) == (0, "3 recorded, 0 unchanged, 0 left blank, 0 problems\n", "")
        text = (workspace / "progress.toml").read_text(encoding="utf-8")
        lines[name] = [re.sub(r"^\S+ = |, recorded_at = \S+", "", line) for line in text.splitlines() if "source =" in line]
    assert lines["openpyxl"] == lines["libreoffice"]
    recorded = "\n".join(lines["openpyxl"])
    # The note as typed: `_x000D_` typed by a unit is stored escaped (`_x005F_x000D_`, as Excel does)
    # and read back as typed, from openpyxl's inline string and from LibreOffice's shared one.
    assert 'value = 150, date = 2006-06-20' in recorded and "完成_x000D_改造\\n共150家" in recorded
    assert "value = 62.5" in recorded and 'problems = "#N/A 不是错误"' in recorded
    assert 'state = "done"' in recorded and 'next_steps = "=以上"' in recorded


def test_reading_a_return_does_not_import_openpyxl(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["ID", "Value"])
    wb.active.append(["IND-01", 5])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    probe = (
        "import sys\nfrom pathlib import Path\nfrom sdpolicy.returns.importer import tables_of\n"
        f"tables, problems = tables_of([(Path({str(path)!r}), 'r.xlsx')])\n"
        "assert tables[0].rows[0].cells['value'].value == 5, (tables, problems)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'openpyxl'))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (0, "[]\n"), result.stderr


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")  # openpyxl's, of the short styles part
def test_cells_that_openpyxl_never_writes_read_as_excel_and_libreoffice_save_them(tmp_path):
    """Written by hand as Excel and LibreOffice write them: a formula's text result (t="str"), a
    formula whose result is empty, a shared formula's result, a boolean result, an ISO date cell
    (t="d"), a number in a style whose custom format is a date, and a cell without a reference."""
    styles = (
        f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="170" formatCode="yyyy/mm/dd"/></numFmts>'
        '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="170"/></cellXfs></styleSheet>'
    )
    rows = HEADER.replace('</row>', '<c r="C1" t="inlineStr"><is><t>Date</t></is></c><c r="D1" t="inlineStr"><is><t>Note</t></is></c></row>') + (
        '<row r="2"><c r="A2" t="str"><f>"IND"&amp;"-01"</f><v>IND-01</v></c><c r="B2"><f t="shared" ref="B2:B3" si="0">1+1</f><v>2</v></c>'
        '<c r="C2" s="1"><v>38898.5</v></c><c r="D2" t="str"><f>""</f><v></v></c></row>'
        '<row r="3"><c r="A3" t="b"><f>TRUE()</f><v>1</v></c><c r="B3"><f t="shared" si="0"/><v>3</v></c>'
        '<c r="C3" t="d"><v>2006-06-30</v></c><c t="inlineStr"><is><t>no reference: column D</t></is></c></row>'
    )
    path = _workbook(tmp_path / "excel.xlsx", rows, {"xl/styles.xml": styles.encode()})
    table = _read_xlsx(path.read_bytes(), "excel.xlsx", LAYOUTS)
    assert table == openpyxl_reference.read_xlsx(path.read_bytes(), "excel.xlsx", LAYOUTS)
    got = [[(key, cell.value, cell.problem) for key, cell in row.cells.items()] for row in table.rows]
    formula = ("a formula with no saved result; type the figure itself, or open the file in Excel, WPS or "
               "LibreOffice and save it so that the result is kept")
    assert got == [
        # 38898.5 is noon on 2006-06-30 (38,898 days after 1899-12-30, and half a day).
        [("id", "IND-01", None), ("value", 2, None), ("date", datetime(2006, 6, 30, 12), None), ("note", None, formula)],
        [("id", True, None), ("value", 3, None), ("date", date(2006, 6, 30), None), ("note", "no reference: column D", None)],
    ]


def test_an_error_cell_is_an_error_also_where_the_workbook_holds_formulas(tmp_path):
    """Excel 365 saves a spilled array's blocked result as t="e" #SPILL!; openpyxl's reader took it
    for text when the workbook also held a formula (its formula pass hid the cell's type). An error
    cell is an error, whatever else the workbook holds."""
    path = _workbook(tmp_path / "spill.xlsx", HEADER + '<row r="2"><c r="A2"><f>1</f><v>1</v></c><c r="B2" t="e"><v>#SPILL!</v></c></row>')
    cell = _read_xlsx(path.read_bytes(), "spill.xlsx", LAYOUTS).rows[0].cells["value"]
    assert (cell.value, cell.problem, cell.where) == (None, "the cell holds the error #SPILL!; type the figure itself", "spill.xlsx:Return!B2")
