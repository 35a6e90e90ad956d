"""Invisible format characters ("Trojan Source"): a bidi override, an isolate, a zero-width space
in a note, a unit name or any text from a file can reorder or hide what a reader sees. Every
output for people shows them as visible escapes, as it shows control characters; Chinese text is
never touched; JSON keeps the data exact (as \\u escapes, which any JSON reader decodes back)."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest

from sdpolicy.render import csvfile, markdown, xlsx
from sdpolicy.sanitise import message, printable

# The bidi embeddings and overrides, the isolates, LRM/RLM and the Arabic letter mark ...
BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)]
# ... and other characters that show nothing: zero-width space, non-joiner and joiner, the BOM
# (zero-width no-break space), the line and paragraph separators, the soft hyphen, a tag character.
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2028", "\u2029", "\u00ad", "\U000e0041"]
HIDDEN = BIDI + INVISIBLE
RAW = re.compile("[" + "".join(HIDDEN) + "]")

# A note that reads "ok.txt" to the eye where a terminal applies the override: RLO turns "txt.exe"
# round, and the isolate and the zero-width space hide in between.
TROJAN = "ok\u202etxt.exe\u2066\u200b\u2069 省经贸委"
TROJAN_SHOWN = "ok\\u202etxt.exe\\u2066\\u200b\\u2069 省经贸委"


def _escaped(char: str) -> str:
    # As Python writes an escape: \xNN up to U+00FF, \uNNNN in the BMP, \UNNNNNNNN beyond.
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


@pytest.mark.parametrize("char", HIDDEN, ids=[f"U+{ord(c):04X}" for c in HIDDEN])
def test_the_sanitiser_shows_each_invisible_character_escaped(char):
    assert printable(f"a{char}b") == f"a{_escaped(char)}b"
    assert message(f"a{char}b") == f"a{_escaped(char)}b"


def test_the_escapes_read_as_python_writes_them():
    assert printable("\u202e") == "\\u202e"  # RIGHT-TO-LEFT OVERRIDE
    assert printable("\u00ad") == "\\xad"  # SOFT HYPHEN, below U+0100: two digits, as \x1b is
    assert printable("\U000e0041") == "\\U000e0041"  # TAG LATIN CAPITAL LETTER A, beyond the BMP
    assert message(TROJAN) == TROJAN_SHOWN


def test_every_format_character_unicode_knows_is_shown_escaped():
    # Category Cf (format) and the separators Zl and Zp, as this Python's Unicode database lists them.
    # A zero-width joiner inside an emoji sequence is the one kept (below).
    for code in range(0x110000):
        char = chr(code)
        if unicodedata.category(char) in ("Cf", "Zl", "Zp"):
            assert printable(f"x{char}y") == f"x{_escaped(char)}y", f"U+{code:04X}"


def test_a_joiner_inside_an_emoji_sequence_is_kept_and_any_other_is_shown():
    # 👩‍💻 is WOMAN, ZWJ, LAPTOP; ❤️‍🔥 is HEART, VS16, ZWJ, FIRE: shown as one picture each.
    for emoji in ("👩\u200d💻", "❤\ufe0f\u200d🔥", "👨\U0001f3fd\u200d🦰"):
        assert printable(emoji) == emoji and message(emoji) == emoji
    # Between Chinese characters it hides: "省经‍贸委" looks like the unit 省经贸委.
    assert printable("省经\u200d贸委") == "省经\\u200d贸委"
    assert printable("👩\u200d") == "👩\\u200d"
    assert printable("\u200d💻") == "\\u200d💻"


def test_chinese_text_is_never_touched():
    # Every assigned character of the CJK blocks a note may hold: the unified ideographs and their
    # extensions A and B, the compatibility ideographs, CJK symbols and punctuation (the ideographic
    # space U+3000 among them, which str.isprintable calls unprintable), the full-width forms.
    blocks = [(0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF),
              (0x20000, 0x2A6DF)]
    text = "".join(chr(c) for a, b in blocks for c in range(a, b + 1) if unicodedata.category(chr(c)) != "Cn")
    assert "\u3000" in text and "。" in text and "，" in text and "山" in text and "\U00020000" in text
    assert printable(text) == text
    assert message(text) == text


# ---------------------------------------------------------------------------------------------
# Through the program


def test_the_terminal_tables_show_a_note_with_an_override_escaped(cli, mark):
    mark("IND-01", "--value", "5", "--note", TROJAN)
    for args in (["log"], ["show", "IND-01"]):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
        assert not RAW.search(result.stdout), args
        assert "\\u202e" in result.stdout, args


def test_messages_show_an_override_in_an_argument_or_a_unit_name_escaped(cli, mark):
    result = cli("show", "IND-01\u202e")
    assert result.exit_code != 0
    assert not RAW.search(result.stderr) and "IND-01\\u202e" in result.stderr
    # Where there is a list of units, an unknown reporting unit earns a warning that quotes it.
    assert cli("units", "add", "省经济贸易委员会", "--alias", "省经贸委").exit_code == 0
    result = cli("mark", "IND-01", "--value", "5", "--by", "省\u202e经贸委")
    assert result.exit_code == 0, result.stderr
    assert "省\\u202e经贸委" in result.stderr and not RAW.search(result.stderr + result.stdout)


def _workbook_text(path: Path) -> list[str]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    return [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]


def test_the_report_in_every_format_for_people_shows_the_override_escaped(cli, mark, tmp_path):
    mark("IND-01", "--value", "5", "--note", TROJAN)
    for flag in ("--md", "--html"):
        result = cli("report", flag, "--lang", "en")
        assert result.exit_code == 0, result.stderr
        assert not RAW.search(result.stdout), flag
        assert TROJAN_SHOWN in result.stdout.replace("\\\\", "\\"), flag  # Markdown doubles a backslash
    target = tmp_path / "f.xlsx"
    assert cli("report", "--xlsx", "-o", str(target)).exit_code == 0
    cells = _workbook_text(target)
    assert not [c for c in cells if RAW.search(c)]
    assert TROJAN_SHOWN in cells
    target = tmp_path / "f.csv"
    assert cli("report", "--csv", "-o", str(target)).exit_code == 0
    text = target.read_text(encoding="utf-8-sig")
    assert not RAW.search(text)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert next(r for r in rows if r["id"] == "IND-01")["latest_note"] == TROJAN_SHOWN


def test_the_one_escaping_function_of_each_format_shows_it():
    assert xlsx.text_cell("a\u202eb", "en") == "a\\u202eb"
    assert csvfile.field("a\u202eb") == "a\\u202eb"
    assert markdown.cell("a\u202eb") == "a\\u202eb"
    assert markdown.line("a\u2028b") == "a\\u2028b"
    from sdpolicy.render import html, svg

    assert html.escape("<a\u202eb>") == "&lt;a\\u202eb&gt;"
    assert svg.escape("a\u2066b") == "a\\u2066b"


def test_json_keeps_the_text_exact_but_never_prints_an_override_raw(cli, mark):
    mark("IND-01", "--value", "5", "--note", TROJAN + "\x85\x9b")
    for args in (["log", "--json"], ["report", "--json"]):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
        # No raw override, nor a raw C1 control (0x9b is a one-byte CSI to some terminals) ...
        assert not RAW.search(result.stdout) and not re.search("[\x80-\x9f]", result.stdout), args
        assert "\\u202e" in result.stdout
        # ... and JSON's own \u escapes bring the note back exactly.
        assert TROJAN + "\x85\x9b" in _strings(json.loads(result.stdout)), args


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


# ---------------------------------------------------------------------------------------------
# The catalogue


@pytest.mark.parametrize("field, value, shown", [
    ("name_en", "E-gov\\u202e", "field 'name_en' holds an invisible format character (\\u202e); names and titles are one line of plain text"),
    ("note_en", "one\\u2066two", "field 'note_en' holds an invisible format character (\\u2066)"),
])
def test_validate_refuses_an_invisible_format_character_in_catalogue_text(cli, tmp_path, field, value, shown):
    import shutil

    from sdpolicy.catalogue import shipped_catalogue

    folder = tmp_path / "catalogue"
    shutil.copytree(shipped_catalogue(), folder)
    plan = folder / "plan.toml"
    text = plan.read_text(encoding="utf-8")
    marker = 'id = "IND-04"\n'
    if field == "note_en":  # IND-04 has no notes; note_zh and note_en go together
        text = text.replace(marker, marker + 'note_zh = "一"\nnote_en = "one"\n', 1)
    start = text.index(f'{field} = "', text.index(marker) if field == "note_en" else 0)
    end = text.index("\n", start)
    plan.write_text(text[:start] + f'{field} = "{value}"' + text[end:], encoding="utf-8")
    line = text[:start].count("\n") + 1
    result = cli("validate", str(folder))
    assert result.exit_code == 65
    assert not RAW.search(result.stderr)
    assert f"plan.toml:{line}: " in result.stderr and shown in result.stderr


# ---------------------------------------------------------------------------------------------
# Unit names


def test_a_unit_name_with_an_invisible_character_is_refused_and_named_so(cli, sdpolicy_home):
    # A zero-width space would make a second 省经贸委 that looks like the first.
    result = cli("units", "add", "省经\u200b贸委")
    assert result.exit_code == 2
    assert result.stderr == ("Error: the name '省经\\u200b贸委' holds an invisible format character; "
                             "a unit's name is one line of plain text\n")
    result = cli("units", "add", "省经\u200b贸委", "--lang", "zh")
    assert result.stderr == "错误: 名称 '省经\\u200b贸委' 含有不可见的格式字符；单位名称须为一行普通文字\n"
    assert not (sdpolicy_home / "units.toml").exists()
