"""`sdpolicy report --md`: the structure of the Markdown briefing, its tables parsed cell by cell."""

from __future__ import annotations

import re

import pytest

from conftest import ANSI
from sdpolicy.catalogue import load_catalogue

PLAN = load_catalogue()
AS_OF = "2006-12-15"


def split_row(line: str) -> list[str]:
    """The cells of a GFM table row; a backslash escapes the next character (so `\\|` is no border)."""
    assert line.startswith("|") and line.endswith("|"), line
    cells, current, escaped = [], "", False
    for char in line[1:]:
        if escaped:
            current += "\\" + char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            cells.append(current.strip())
            current = ""
        else:
            current += char
    assert not escaped and current == "", line
    return cells


def tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every table in the text as (header cells, body rows), checking the rule row and cell counts."""
    found, block = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            block.append(line)
            continue
        if block:
            header = split_row(block[0])
            rule = split_row(block[1])
            assert all(re.fullmatch(r":?-{3,}:?", c) for c in rule), block[1]
            assert len(rule) == len(header)
            body = [split_row(row) for row in block[2:]]
            for row in body:
                assert len(row) == len(header), (header, row)
            found.append((header, body))
            block = []
    return found


def sections(text: str, level: str) -> dict[str, str]:
    """Heading → the text under it, for headings of one level ('##' or '###')."""
    parts = re.split(rf"^{level} (.+)$", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


@pytest.fixture
def report(cli, mark) -> str:
    mark("IND-01", "--value", "120", "--date", "2006-06-30", "--note", "批次 a|b [red]x[/red]")  # red: 35 points behind
    mark("IND-02", "--done", "--date", "2006-05-10")
    mark("EGOV-10", "--value", "90", "--date", "2006-06-30")  # 60 % vs 95 % expected: red
    mark("internet-users", "--value", "1200", "--date", "2006-06-30")
    result = cli("report", "--md", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def test_title_and_as_of_lines(report):
    lines = report.splitlines()
    assert lines[0] == f"# {PLAN.name_en}: progress report"
    assert f"As of {AS_OF}" in report.split("\n## ")[0]
    assert not ANSI.search(report)


def test_every_table_is_well_formed(report):
    # tables() asserts the rule row and that each row has as many cells as its header.
    assert len(tables(report)) >= 1 + len(PLAN.areas) + 2


def test_summary_table_has_seven_areas_and_the_total(report):
    summary = sections(report, "##")["Summary"]
    ((header, rows),) = tables(summary)
    assert header[:2] == ["Area", "Tasks"]
    assert [r[0] for r in rows] == [a.name_en for a in PLAN.areas] + ["**Total**"]
    assert len(rows) == 8
    counts = {r[0]: r[1] for r in rows}
    assert counts["**Total**"] == "81"
    assert sum(int(r[1]) for r in rows[:-1]) == 81


def test_one_section_per_area_with_one_row_per_task(report):
    by_area = sections(sections(report, "##")["By area"], "###")
    assert list(by_area) == [a.name_en for a in PLAN.areas]
    for area in PLAN.areas:
        ((header, rows),) = tables(by_area[area.name_en])
        assert header[0] == "ID"
        assert [r[0] for r in rows] == [t.id for t in PLAN.tasks if t.area == area.slug]


def test_pipes_in_notes_are_escaped_and_markup_kept(report):
    by_area = sections(sections(report, "##")["By area"], "###")
    (header, rows), = tables(by_area["IT transformation of traditional industries"])
    (ind01,) = [r for r in rows if r[0] == "IND-01"]
    # Markdown's inline syntax escaped (issue 10): the brackets too, so no link can be made.
    assert r"批次 a\|b \[red\]x\[/red\]" in ind01
    assert "60.0%" in ind01


def test_red_and_overdue_section(report):
    attention = sections(report, "##")["Red, overdue and at-risk tasks"]
    ((header, rows),) = tables(attention)
    # At 2006-12-15 every task but IND-02 (done) is red: IND-04, the September expo, is overdue;
    # IND-01 and EGOV-10 last reported in June, and July to November are five missed monthly reports
    # (two in a row turn a task red); the others never reported at all.
    ids = [r[0] for r in rows]
    assert set(ids) == {t.id for t in PLAN.tasks} - {"IND-02"}
    assert len(ids) == len(set(ids))
    why = {r[0]: r[-1] for r in rows}
    assert why["IND-04"] == "past its deadline 2006-09-30 and not done"
    assert why["IND-01"] == "no report for 5 periods in a row (to 2006-11; last report 2006-06-30)"


def test_baseline_comparison_table(report):
    comparison = sections(report, "##")["Against the 2005 baselines"]
    ((header, rows),) = tables(comparison)
    assert len(rows) == len(PLAN.indicators) == 83
    assert header[-2:] == ["Change", "Growth"]
    (internet,) = [r for r in rows if r[0].startswith("Internet users")]
    assert internet[-1] == "+20.0%"
    untouched = [r for r in rows if r[0].startswith("Cable TV subscribers")]
    assert untouched and untouched[0][-1] == "—"


def test_nothing_red_says_none(cli):
    # Before any deadline and with nothing recorded, every task is grey.
    text = cli("report", "--md", "--as-of", "2006-03-01").stdout
    assert sections(text, "##")["Red, overdue and at-risk tasks"].strip().startswith("none")


def test_report_in_chinese(cli):
    text = cli("report", "--md", "--as-of", AS_OF, "--lang", "zh").stdout
    assert text.splitlines()[0] == f"# {PLAN.name_zh}执行情况报告"
    # A heading in Chinese writes its date in Chinese (issue 14); AS_OF is 2006-12-15.
    assert "截至2006年12月15日" in text
    assert list(sections(sections(text, "##")["分领域情况"], "###")) == [a.name_zh for a in PLAN.areas]


def test_report_output_file(cli, mark, tmp_path):
    mark("IND-01", "--value", "120", "--date", "2006-06-30")
    target = tmp_path / "out" / "briefing.md"
    target.parent.mkdir()
    result = cli("report", "--md", "-o", str(target), "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == cli("report", "--md", "--as-of", AS_OF).stdout
    assert [p.name for p in target.parent.iterdir()] == ["briefing.md"]  # no temporary left behind


def test_report_into_a_missing_directory_is_refused(cli, tmp_path):
    result = cli("report", "--md", "-o", str(tmp_path / "missing" / "briefing.md"))
    assert result.exit_code == 74
    assert result.stdout == ""
    assert result.stderr.startswith("Error: could not write ")


def test_control_characters_in_notes_are_not_written_raw(cli, mark):
    mark("IND-01", "--value", "120", "--date", "2006-06-30", "--note", "\x1b[31mRED\x1b[0m\a")
    text = cli("report", "--md", "--as-of", AS_OF).stdout
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    by_area = sections(sections(text, "##")["By area"], "###")
    ((header, rows),) = tables(by_area["IT transformation of traditional industries"])
    (ind01,) = [r for r in rows if r[0] == "IND-01"]
    assert r"\x1b\[31mRED\x1b\[0m\x07" in ind01  # shown, as a viewer renders "\x", literally (and "\[" as "[")


def test_html_in_notes_is_shown_not_obeyed(cli, mark):
    mark("IND-01", "--value", "120", "--date", "2006-06-30", "--note", "<img src=x onerror=alert(1)> & co")
    text = cli("report", "--md", "--as-of", AS_OF).stdout
    assert "<img" not in text
    by_area = sections(sections(text, "##")["By area"], "###")
    ((header, rows),) = tables(by_area["IT transformation of traditional industries"])
    (ind01,) = [r for r in rows if r[0] == "IND-01"]
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; co" in ind01
