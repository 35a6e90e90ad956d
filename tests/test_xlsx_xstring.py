"""Excel's `_xHHHH_` escape in workbook text (ECMA-376 ST_Xstring): Excel reads `_x0041_` in a
cell's text as the character U+0041, "A", so a note holding that text literally would show
otherwise than typed. The one xlsx escaping function writes the underscore that starts such a
sequence as `_x005F_`, as Excel and LibreOffice do when they save it; the importer reads a
return's cells as Excel shows them, decoding every `_xHHHH_`."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import openpyxl
import pytest

from conftest import libreoffice_convert, soffice
from sdpolicy.render import xlsx
from test_returns import fill, office, template  # noqa: F401 - office is a fixture

# Typed by a clerk, literally: a BEL's escape, an A's, two sharing an underscore, the escape of the
# underscore itself, one in capitals, and one with lower-case digits.
LITERAL = "_x0007_ bell, _x0041_ A, _x0041_x0042_, _x005F_, _X0041_, _x00e9_ 省经贸委"


def _decoded(text: str) -> str:
    # ECMA-376 §22.9.2.19, as Excel reads it: each _xHHHH_ from the left, not overlapping, is the
    # UTF-16 unit HHHH.
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def test_the_xlsx_escape_writes_the_leading_underscore_as_x005f():
    assert xlsx.text_cell("_x0041_", "en") == "_x005F_x0041_"
    # Worked by hand: each underscore followed by x, four hex digits and an underscore is escaped,
    # the one at 6 too, though it also ends the first sequence.
    assert xlsx.text_cell("_x0041_x0042_", "en") == "_x005F_x0041_x005F_x0042_"
    assert xlsx.text_cell("a_x004_ b_xZZZZ_ c_x0041", "en") == "a_x004_ b_xZZZZ_ c_x0041"  # no sequence: untouched
    assert _decoded(xlsx.text_cell(LITERAL, "en")) == LITERAL


def test_a_note_holding_an_escape_reads_back_literally_from_the_report(cli, mark, tmp_path):
    mark("IND-01", "--value", "5", "--note", LITERAL)
    target = tmp_path / "f.xlsx"
    assert cli("report", "--xlsx", "-o", str(target)).exit_code == 0, "report"
    stored = [c.value for sheet in openpyxl.load_workbook(target).worksheets for row in sheet.iter_rows()
              for c in row if isinstance(c.value, str) and "省经贸委" in c.value]
    # openpyxl reads the stored text (it decodes nothing); decoded as Excel decodes it, it is the note.
    assert len(stored) == 2  # the Tasks sheet's latest note and the Log sheet's
    assert all(_decoded(value) == LITERAL for value in stored)
    assert all("_x005F_x0041_" in value for value in stored)


@pytest.mark.skipif(soffice() is None, reason="needs LibreOffice (soffice)")
def test_libreoffice_shows_the_text_as_typed(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    xlsx.put(book.active.cell(1, 1), LITERAL, "en")
    xlsx.put(book.active.cell(2, 1), "_x005F_x0041_ _xD83C__xDF89_", "en")
    path = tmp_path / "n.xlsx"
    book.save(path)
    converted = libreoffice_convert(path, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path / "csv")
    rows = list(csv.reader(converted.open(encoding="utf-8", newline="")))
    assert rows == [[LITERAL], ["_x005F_x0041_ _xD83C__xDF89_"]]


# -- the importer: a return's cell reads as Excel shows it


def _imported_note(cli, tmp_path, note_cell: str, resave: bool = False) -> str:
    path = template(cli, tmp_path, "--unit", "省经贸委", "--period", "2006-06", "--lang", "en")
    fill(path, {"I4": 120, "L4": note_cell})
    if resave:  # saved again by LibreOffice, as a unit that fills the return in Calc does
        path = libreoffice_convert(path, "xlsx", tmp_path / "saved")
    result = cli("import", str(path))
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(cli("log", "IND-01", "--json").stdout)["records"]
    return row["note"]


def test_a_return_cell_reads_as_excel_shows_it(cli, tmp_path, office):
    # Stored as Excel stores each: a typed "_x0041_" (its underscore escaped), an "A" a program
    # wrote as _x0041_, a line break, a pair of surrogates (🎉, U+1F389), a lone surrogate.
    stored = "_x005F_x0041_ typed, _x0041_ written, a_x000A_b, _xD83C__xDF89_, _xD800_."
    assert _imported_note(cli, tmp_path, stored) == "_x0041_ typed, A written, a\nb, 🎉, \ufffd."


@pytest.mark.skipif(soffice() is None, reason="needs LibreOffice (soffice)")
def test_a_return_saved_by_libreoffice_keeps_what_its_cell_shows(cli, tmp_path, office):
    # openpyxl writes the stored form of a typed "_x0041_ and _x0007_" and of a BEL; LibreOffice shows
    # that text, saves it again as a shared string in its own way (openpyxl reads those otherwise than
    # inline ones), and the importer reads what the cell showed.
    note = _imported_note(cli, tmp_path, "_x005F_x0041_ and _x005F_x0007_, a_x0007_b", resave=True)
    assert note == "_x0041_ and _x0007_, a\x07b"


def test_a_unit_whose_name_holds_an_escape_gets_its_return_back(cli, tmp_path):
    # The return's hidden metadata names the unit; it is stored escaped like any cell, so that the
    # importer, which reads every cell as Excel shows it, finds the unit it was made for.
    assert cli("units", "add", "试点单位_x0041_", "--kind", "department").exit_code == 0
    assert cli("assign", "IND-01", "--lead", "试点单位_x0041_", "--date", "2006-03-01").exit_code == 0
    path = template(cli, tmp_path, "--unit", "试点单位_x0041_", "--period", "2006-06", "--lang", "en")
    fill(path, {"I4": 120})
    result = cli("import", str(path))
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(cli("log", "IND-01", "--json").stdout)["records"]
    assert row["by"] == "试点单位_x0041_"
