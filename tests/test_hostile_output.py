"""Hostile text in every output: data is shown as typed, never obeyed as a formula, markup or a
terminal escape (issue 10). Each test here failed on the code before the escaping it pins."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import sdpolicy_command
from sdpolicy.catalogue import shipped_catalogue
from sdpolicy.render import csvfile, markdown, xlsx
from sdpolicy.sanitise import message, printable

HYPERLINK = '=HYPERLINK("http://x","click")'
DDE = "=cmd|' /C calc'!A0"
CLERK = "=以上数据为初步统计"


def _records(store_file: Path) -> list[str]:
    return [line for line in store_file.read_text(encoding="utf-8").splitlines() if line.startswith("r-")]


def _edit_store(store_file: Path, old: str, new: str) -> None:
    text = store_file.read_text(encoding="utf-8")
    assert old in text
    store_file.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# The one sanitiser


def test_printable_and_message_show_control_characters_as_hex():
    # ESC is 0x1b, BEL 0x07, NUL 0x00, the one-byte CSI 0x9b; newline and tab stay in a table cell
    # but not in a one-line message.
    assert printable("a\x1b]0;X\x07b\x00\x9b") == "a\\x1b]0;X\\x07b\\x00\\x9b"
    assert printable("one\ntwo\tthree") == "one\ntwo\tthree"
    assert message("one\ntwo\tthree\r") == "one\\x0atwo\\x09three\\x0d"
    assert message("山东 · ok") == "山东 · ok"


# ---------------------------------------------------------------------------------------------
# Spreadsheets


def _cells(path: Path):
    from openpyxl import load_workbook

    book = load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield sheet.title, cell


def test_xlsx_text_from_data_is_never_a_formula(cli, mark, tmp_path, sdpolicy_home):
    # Through cli, not the mark fixture: an unknown --by earns a warning about the list of units.
    assert cli("mark", "IND-01", "--value", "5", "--note", HYPERLINK, "--by", DDE).exit_code == 0
    mark("IND-02", "--done", "--note", CLERK)
    target = tmp_path / "f.xlsx"
    result = cli("report", "--xlsx", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    cells = list(_cells(target))
    assert [c.coordinate for _, c in cells if c.data_type == "f"] == []
    values = {c.value for _, c in cells}
    # Stored as the very text typed, as string cells.
    assert {HYPERLINK, DDE, CLERK} <= values
    assert all(c.data_type == "s" for _, c in cells if c.value in (HYPERLINK, DDE, CLERK))


def test_xlsx_catalogue_title_starting_with_equals_is_text(cli, tmp_path):
    folder = tmp_path / "catalogue"
    shutil.copytree(shipped_catalogue(), folder)
    plan = folder / "plan.toml"
    text = plan.read_text(encoding="utf-8")
    title = re.search(r'^title_en = "(.*)"$', text[text.index('id = "IND-01"'):], re.M).group(1)
    plan.write_text(text.replace(f'title_en = "{title}"', 'title_en = "=1+1"', 1), encoding="utf-8")
    target = tmp_path / "f.xlsx"
    result = cli("report", "--xlsx", "-o", str(target), "--catalogue", str(folder), "--lang", "en")
    assert result.exit_code == 0, result.stderr
    found = [c for _, c in _cells(target) if c.value == "=1+1"]
    assert found and all(c.data_type == "s" for c in found)


def test_xlsx_control_characters_are_shown_and_never_break_the_export(cli, mark, tmp_path):
    record = mark("IND-01", "--value", "5", "--note", "a\x0bb\x1b[31mred\x00")
    # Retracted, the record still stands in the Log sheet: the export must cope with it for ever.
    assert cli("undo", record).exit_code == 0
    target = tmp_path / "f.xlsx"
    result = cli("report", "--xlsx", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert "a\\x0bb\\x1b[31mred\\x00" in {c.value for _, c in _cells(target)}


def test_xlsx_cell_over_the_limit_is_cut_visibly(cli, mark, store_file, tmp_path):
    mark("IND-01", "--value", "5", "--note", "marker-note")
    # A hand edit: 40,000 characters, more than the 32,767 an Excel cell holds.
    _edit_store(store_file, '"marker-note"', '"' + "长" * 40_000 + '"')
    target = tmp_path / "f.xlsx"
    result = cli("report", "--xlsx", "-o", str(target), "--lang", "en")
    assert result.exit_code == 0, result.stderr
    long = [c.value for _, c in _cells(target) if isinstance(c.value, str) and c.value.startswith("长长长")]
    assert len(long) == 2  # the Tasks sheet's latest note and the Log sheet's note
    for value in long:
        assert len(value) <= 32_767
        # 32,767 - 120 characters kept, so 40,000 - 32,647 = 7,353 cut, and the marker says so.
        assert value.endswith("… (7,353 more characters cut: a cell holds at most 32,767)")


def test_xlsx_cut_counts_characters_beyond_the_bmp_twice():
    text = "😀" * 20_000  # 40,000 UTF-16 units
    shown = xlsx.text_cell(text, "en")
    assert len(shown.encode("utf-16-le")) // 2 <= 32_767
    assert "more characters cut" in shown


# ---------------------------------------------------------------------------------------------
# CSV


@pytest.mark.parametrize("text", ["=1+2", "+1", "-x", "@SUM(A1)", "\tfoo", "\rfoo"])
def test_csv_neutralises_text_that_starts_a_formula(cli, mark, tmp_path, text):
    mark("IND-01", "--value", "5", "--note", text)
    target = tmp_path / "f.csv"
    assert cli("report", "--csv", "-o", str(target)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    note = next(r for r in rows if r["id"] == "IND-01")["latest_note"]
    # A single quote in front; a CR inside text is shown as \x0d, like any control character.
    assert note == "'" + text.replace("\r", "\\x0d")


def test_csv_numbers_stay_numbers():
    assert csvfile.field(-5) == -5
    assert csvfile.field(-2.5) == -2.5
    assert csvfile.field("-5") == "'-5"  # text that merely looks like a number is still text
    assert csvfile.field("plain") == "plain"
    assert csvfile.field("a\x1bb") == "a\\x1bb"


# ---------------------------------------------------------------------------------------------
# Markdown, rendered by markdown-it-py and inspected


def _tokens(text: str):
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    for token in parser.parse(text):
        yield token
        yield from token.children or []


HOSTILE_NOTE = "[ok](http://evil/p) ![i](http://evil/b.png) **b** _i_ `c` ~~s~~ <b>x</b> <http://evil/a> &amp; a|b"


def test_markdown_notes_are_shown_never_obeyed(cli, mark):
    mark("IND-01", "--value", "5", "--note", HOSTILE_NOTE)
    result = cli("report", "--md", "--lang", "en")
    assert result.exit_code == 0
    tokens = list(_tokens(result.stdout))
    kinds = {t.type for t in tokens}
    assert not kinds & {"link_open", "image", "code_inline", "s_open", "html_inline", "html_block"}
    # The only bold is the total row of the summary, the only italics the closing line: both ours.
    strong = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "strong_open"]
    assert strong == ["Total"]
    emphasis = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "em_open"]
    assert len(emphasis) == 1 and emphasis[0].startswith("Generated")
    # And the note reads as typed, in one cell.
    assert HOSTILE_NOTE in [t.content for t in tokens if t.type == "text"] or any(
        HOSTILE_NOTE == "".join(c.content for c in t.children or []) for t in tokens if t.type == "inline"
    )


def test_markdown_escape_keeps_text_readable():
    assert markdown.escape("2006-06-30 IND-01 12.5%") == "2006-06-30 IND-01 12.5%"
    assert markdown.cell("a\nb") == "a<br>b"
    assert markdown.line("a\n# b") == "a\\x0a\\# b"


def test_markdown_headings_and_byline_escape_catalogue_text(cli):
    # validate refuses such names (below); the renderer escapes them all the same, for a view that
    # reaches it some other way.
    import json

    view = json.loads(cli("report", "--json").stdout)
    area = next(a for a in view["areas"] if a["area"] == "e-gov")
    area["name_en"] = "E-gov\n# Injected\n<script>alert(1)</script>"
    view["plan"]["issuer_en"] = "**x**\n# Byline injected"
    text = markdown.render_report(view, "en")
    tokens = list(_tokens(text))
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert not [h for h in headings if "Injected" in h and not h.startswith("E-gov")]
    assert not [h for h in headings if "Byline" in h]
    assert "strong_open" not in {t.type for t in tokens[:12]}  # the byline's **x** is not bold
    # The one piece of HTML is ours: the <br> that keeps a line break inside a table cell.
    assert "html_block" not in {t.type for t in tokens}
    assert {t.content for t in tokens if t.type == "html_inline"} <= {"<br>"}
    from markdown_it import MarkdownIt

    shown = MarkdownIt("commonmark").enable("table").render(text)
    # The name, shown whole in its own heading, its line breaks as \x0a and its tag as text.
    assert "<h3>E-gov\\x0a# Injected\\x0a&lt;script&gt;alert(1)&lt;/script&gt;</h3>" in shown
    assert "<script>" not in shown


# ---------------------------------------------------------------------------------------------
# The terminal


def _clean(stream: str) -> None:
    assert "\x1b" not in stream and "\x07" not in stream, repr(stream)


ESC = "\x1b]0;PWNED\x07"


@pytest.mark.parametrize("args", [
    ["show", ESC], ["list", "--area", ESC], ["list", "--light", ESC], ["list", "--as-of", ESC],
    ["list", "--lang", ESC], ["mark", "IND-01", "--value", ESC], ["undo", ESC], ["log", ESC],
    ["validate", ESC],
])
def test_messages_never_echo_control_characters(cli, mark, args):
    mark("IND-01", "--value", "5")
    result = cli(*args)
    assert result.exit_code != 0
    _clean(result.stderr)
    assert "\\x1b" in result.stderr


def test_store_problems_and_the_undo_line_show_escapes(cli, mark, store_file):
    record = mark("ENV-05", "--state", "in-progress")
    _edit_store(store_file, f"{record} =", '"r-\\u001b]0;X\\u0007" =')
    _edit_store(store_file, '"in-progress"', '"in-\\u001b[2Jprogress"')
    result = cli("list")
    assert result.exit_code == 65
    _clean(result.stderr)
    result = cli("check")
    _clean(result.stderr + result.stdout)
    # A store whose only odd thing is the record id: undo names it, escaped.
    store_file.write_text(store_file.read_text(encoding="utf-8").replace("in-\\u001b[2Jprogress", "in-progress"), encoding="utf-8")
    result = cli("undo")
    assert result.exit_code == 0, result.stderr
    _clean(result.stdout + result.stderr)
    assert "retracted r-\\x1b]0;X\\x07:" in result.stdout


def test_validate_names_an_unknown_area_escaped(cli, tmp_path):
    folder = tmp_path / "catalogue"
    shutil.copytree(shipped_catalogue(), folder)
    plan = folder / "plan.toml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace('area = "e-gov"', 'area = "e-gov\\u001b]0;X\\u0007"', 1), encoding="utf-8")
    result = cli("validate", str(folder))
    assert result.exit_code == 65
    _clean(result.stderr)
    assert "\\x1b" in result.stderr


def test_piped_tables_keep_one_row_per_line(cli, mark):
    mark("IND-01", "--value", "5", "--note", "left | right\nsecond line")
    result = cli("log")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    header = lines[0].count(" | ")
    # Header, rule, one record: three lines, each with the same number of separators.
    assert len(lines) == 3
    assert all(line.count("|") == header for line in lines[2:])
    assert "left \\x7c right\\x0asecond line" in lines[2]


@pytest.mark.parametrize("encoding, args", [
    ("ascii", ["list"]), ("latin-1", ["status", "--lang", "zh"]), ("ascii", ["show", "IND-01"]),
    ("ascii", ["status", "--json"]),
])
def test_an_output_encoding_without_the_light_symbols_is_no_internal_error(sdpolicy_home, encoding, args):
    environment = {**os.environ, "SDPOLICY_HOME": str(sdpolicy_home), "PYTHONIOENCODING": encoding}
    result = subprocess.run(sdpolicy_command() + args, capture_output=True, env=environment, timeout=60)
    assert result.returncode == 0, result.stderr
    assert b"internal error" not in result.stderr
    result.stdout.decode(encoding)  # all of it in the encoding asked for
    if "--json" in args:
        import json

        # Lossless all the same: Chinese as \u escapes.
        assert json.loads(result.stdout)["plan"]["name_zh"] == "2006年全省信息化工作要点"


@pytest.mark.parametrize("field, value, shown", [
    ("name_en", "E-gov\\n# Injected", "a line break (\\x0a); names and titles are one line of plain text"),
    ("issuer_en", "Office\\u001b]0;X\\u0007", "a control character (\\x1b); names and titles are one line of plain text"),
])
def test_validate_refuses_line_breaks_and_control_characters_in_names(cli, tmp_path, field, value, shown):
    folder = tmp_path / "catalogue"
    shutil.copytree(shipped_catalogue(), folder)
    plan = folder / "plan.toml"
    text = plan.read_text(encoding="utf-8")
    start = text.index(f'{field} = "')
    end = text.index("\n", start)
    plan.write_text(text[:start] + f'{field} = "{value}"' + text[end:], encoding="utf-8")
    # The field's line, counted from the file: the line holding `field =`.
    line = text[:start].count("\n") + 1
    result = cli("validate", str(folder))
    assert result.exit_code == 65
    _clean(result.stderr)
    assert f"plan.toml:{line}: " in result.stderr
    assert shown in result.stderr


def test_notes_in_the_catalogue_may_hold_line_breaks_but_no_control_characters(cli, tmp_path):
    folder = tmp_path / "catalogue"
    shutil.copytree(shipped_catalogue(), folder)
    plan = folder / "plan.toml"
    text = plan.read_text(encoding="utf-8")
    marker = 'id = "IND-01"\n'
    # note_zh and note_en go together.
    plan.write_text(text.replace(marker, marker + 'note_zh = "一\\n二"\nnote_en = "one\\ntwo"\n', 1), encoding="utf-8")
    assert cli("validate", str(folder)).exit_code == 0
    plan.write_text(text.replace(marker, marker + 'note_zh = "一"\nnote_en = "one\\u0007"\n', 1), encoding="utf-8")
    result = cli("validate", str(folder))
    assert result.exit_code == 65
    assert "field 'note_en' holds a control character (\\x07)" in result.stderr


def test_an_unknown_reporting_unit_is_quoted_escaped(cli, sdpolicy_home):
    # A workspace that keeps units warns of a --by outside the list, quoting it through the one
    # message sanitiser: a line break in it shows as \x0a, not as a line of its own.
    assert cli("units", "add", "测试单位", "--kind", "department").exit_code == 0
    result = cli("mark", "IND-01", "--value", "5", "--by", "x\n\x1b]0;X\x07y")
    assert result.exit_code == 0
    _clean(result.stderr)
    assert "'x\\x0a\\x1b]0;X\\x07y'" in result.stderr
