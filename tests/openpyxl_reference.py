"""The reader of returns as it was before sdpolicy.returns.sheets (openpyxl's streaming reader), kept
here only as the reference the differential tests compare the lean reader with. Not part of the
package; copied from sdpolicy/returns/reader.py at d690c5e, its xlsx half, with the guards of the
archive left out (the tests give it only workbooks openpyxl wrote)."""

from __future__ import annotations

import io
import zipfile
from typing import Any, Sequence

from openpyxl import load_workbook
from openpyxl.cell.text import Text
from openpyxl.utils import get_column_letter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse
from xml.etree.ElementTree import fromstring

from sdpolicy.returns import META_SHEET, Column
from sdpolicy.returns.reader import HEADER_SEARCH, MAX_CELL, MAX_COLUMNS, Cell, Row, Table, _find_header, _take

_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}


def read_xlsx(data: bytes, label: str, layouts: dict[str, Sequence[Column]]) -> Table | None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        has_formulas = any(
            b"<f>" in (text := archive.read(m)) or b"<f " in text
            for m in archive.infolist() if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")
        )
    values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False) if has_formulas else values
    try:
        _stored_strings(values, data)
        meta = _xlsx_meta(values)
        for name in values.sheetnames:
            if name == META_SHEET:
                continue
            table = _xlsx_sheet(values[name], formulas[name], name, label, meta, layouts)
            if table is not None:
                return table
    finally:
        values.close()
        if formulas is not values:
            formulas.close()
    return None


def _xlsx_meta(workbook: Any) -> dict[str, str]:
    if META_SHEET not in workbook.sheetnames:
        return {}
    meta: dict[str, str] = {}
    for row in workbook[META_SHEET].iter_rows(min_row=1, max_row=40, max_col=2, values_only=True):
        if len(row) >= 2 and isinstance(row[0], str) and row[1] is not None:
            meta[_shown(row[0])] = _shown(str(row[1]))[:200]
    return meta


def _xlsx_sheet(values: Any, formulas: Any, name: str, label: str, meta: dict[str, str], layouts: Any) -> Table | None:
    rows: list[Row] = []
    found: dict[int, str] | None = None
    kind: str | None = None
    number = 0
    for value_row, formula_row in zip(values.iter_rows(max_col=MAX_COLUMNS), formulas.iter_rows(max_col=MAX_COLUMNS)):
        number = _row_number(value_row, number + 1)
        if found is None:
            if number > HEADER_SEARCH:
                return None
            kind, found = _find_header([_shown(c.value) for c in value_row], meta, layouts)
            continue
        cells: dict[str, Cell] = {}
        for index, key in found.items():
            where = f"{label}:{name}!{get_column_letter(index + 1)}{number}"
            value = value_row[index].value if index < len(value_row) else None
            formula = formula_row[index] if index < len(formula_row) else None
            cells[key] = _xlsx_cell(value, formula, where)
        _take(rows, Row(f"{label}:{name}!A{number}", cells), f"{label}:{name}")
    if found is None:
        return None
    return Table(label, meta, kind, rows, [], frozenset(found.values()))


def _stored_strings(workbook: Any, data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = fromstring(archive.read("[Content_Types].xml"))
        part = next((e.get("PartName", "") for e in types if e.get("ContentType") == _SHARED_STRINGS), None)
        if not part:
            return
        with archive.open(part.lstrip("/")) as source:
            tag = f"{{{SHEET_MAIN_NS}}}si"
            strings = []
            for _, node in iterparse(source):
                if node.tag == tag:
                    strings.append(Text.from_tree(node).content)
                    node.clear()
    for sheet in workbook.worksheets:
        table = getattr(sheet, "_shared_strings", None)
        if isinstance(table, list) and len(table) == len(strings):
            table[:] = strings


def _shown(value: Any) -> Any:
    if not isinstance(value, str) or "_x" not in value:
        return value
    from sdpolicy.render.xlsx import shown_text

    return shown_text(value)


def _row_number(row: Sequence[Any], fallback: int) -> int:
    for cell in row:
        number = getattr(cell, "row", None)
        if isinstance(number, int):
            return number
    return fallback


def _xlsx_cell(value: Any, formula_cell: Any, where: str) -> Cell:
    data_type = getattr(formula_cell, "data_type", None)
    if data_type == "f" or (isinstance(getattr(formula_cell, "value", None), str) and str(formula_cell.value).startswith("=") and data_type != "s"):
        if value is None:
            return Cell(None, where, "a formula with no saved result; type the figure itself, or open the file in "
                        "Excel, WPS or LibreOffice and save it so that the result is kept")
    if isinstance(value, str):
        value = _shown(value)
        if len(value) > MAX_CELL:
            return Cell(None, where, f"the cell holds {len(value):,} characters, more than a cell may ({MAX_CELL:,})")
        if getattr(formula_cell, "data_type", None) == "e" or value.startswith("#") and value.endswith(("!", "?", "A")) and value in _ERRORS:
            return Cell(None, where, f"the cell holds the error {value}; type the figure itself")
        value = value.strip() or None
    return Cell(value, where)
