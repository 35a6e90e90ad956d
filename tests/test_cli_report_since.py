"""`sdpolicy report --since`: the bulletin (通报) in every format, on the hand-worked year of test_year.

At 2006-06-30 (see test_year for each light): EGOV-10 done; IND-01 at 60 % against 42.1 % expected,
ahead; PUB-10 in progress (reported 06-15), on schedule; CITY-06 last reported 05-31, not reported
for June; CITY-03 (silent since March), IND-04 (nothing before August) and the 75 other tasks that never
report are red for missed reports (77). So: done 1, ahead 1, on schedule 1, behind 0, not reported
78, of 81. Since 2006-05-31: IND-01 and PUB-10 reported again, CITY-06 newly not reported; three
records dated in between; internet-users has a new figure.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from markdown_it import MarkdownIt

from test_render_html import chromium, page, screenshot
from test_year import year  # noqa: F401  (the fixture)

AS_OF, SINCE = "2006-06-30", "2006-05-31"

OPENING = {
    "en": (
        "As of 2006-06-30, the 81 tasks stand at 1 done, 1 ahead of schedule, 1 on schedule and 0 behind schedule, "
        "with 78 not reported for the period. Red: 77 (0 past their deadline and not done, 77 without a report for "
        "2 periods or more); yellow: 0. Since 2006-05-31: 0 newly done, 0 newly red, 0 recovered, 2 reported again, "
        "and 3 reports recorded."
    ),
    "zh": (
        "截至2006年6月30日，81项任务中已完成1项、超序时推进1项、符合序时推进1项、滞后序时0项，另有78项本期未报送。"
        "红灯77项（其中逾期未完成0项、连续2期以上未报送77项），黄灯0项。"
        "2006年5月31日以来，新完成0项、新增红灯0项、好转0项、恢复报送2项，期间共录入进展3条。"
    ),
}


def report(cli, *args: str) -> str:
    result = cli("report", "--as-of", AS_OF, "--since", SINCE, *args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def sections(tokens) -> dict[str, list]:
    """h2 heading text → the tokens up to the next h2."""
    found, current = {}, None
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            current = tokens[i + 1].content
            found[current] = []
        elif current is not None:
            found[current].append(token)
    return found


def table_rows(tokens) -> list[list[str]]:
    rows, row = [], None
    for i, token in enumerate(tokens):
        if token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            row.append(tokens[i + 1].content)
        elif token.type == "tr_close":
            rows.append(row)
    return rows


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markdown_opens_with_the_sentences_and_adds_the_bulletin(cli, year, lang):
    text = report(cli, "--md", "--lang", lang)
    tokens = MarkdownIt().enable("table").parse(text)
    paragraphs = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "paragraph_open"]
    assert paragraphs[1] == OPENING[lang]  # after the by-line
    found = sections(tokens)
    names = {
        "en": ["Summary", "Where the tasks stand", "What changed since 2006-05-31", "Not reported for 2006-06, by unit",
               "By area", "Red, overdue and at-risk tasks", "Yellow tasks", "Tasks not reported for the period",
               "Against the 2005 baselines"],
        "zh": ["总体情况", "通报口径", "2006年5月31日以来的变化", "2006年6月未报送情况（按单位）", "分领域情况",
               "红灯、逾期及难以按期完成的任务", "黄灯任务", "本期未报送的任务", "与2005年基数对比"],
    }[lang]
    assert [n for n in found if n in names] == names
    standings = table_rows(found[names[1]])
    # Shares of 81: 1/81 = 1.2 %, 78/81 = 96.3 %.
    expected = {
        "en": [["Standing", "Tasks", "Share"], ["Done", "1", "1.2%"], ["Ahead of schedule", "1", "1.2%"],
               ["On schedule", "1", "1.2%"], ["Behind schedule", "0", "0.0%"], ["Not reported", "78", "96.3%"],
               ["Nothing to judge yet", "0", "0.0%"], ["**Total**", "81", "100.0%"]],
        "zh": [["进度", "任务数", "占比"], ["已完成", "1", "1.2%"], ["超序时", "1", "1.2%"], ["符合序时", "1", "1.2%"],
               ["滞后序时", "0", "0.0%"], ["未报送", "78", "96.3%"], ["尚无可评", "0", "0.0%"], ["**合计**", "81", "100.0%"]],
    }[lang]
    assert standings == expected
    changed = table_rows(found[names[2]])
    assert [r[0] for r in changed if r[0].startswith(("IND", "PUB", "CITY"))] == ["IND-01", "PUB-10", "CITY-06"]
    # Not reported, by unit: a heading per unit, the tasks nobody is chased for last.
    units = [found[names[3]][i + 1].content for i, t in enumerate(found[names[3]]) if t.type == "heading_open"]
    # CITY-06 (济南市), CITY-03 (威海市), SEC-05 (the platform the plan names), and the 74 tasks with
    # no unit and IND-04 last.
    nobody = "no lead unit assigned · 75" if lang == "en" else "未明确牵头单位 · 75"
    assert units[-1] == nobody and len(units) == 4
    assert ("Jinan · 1" if lang == "en" else "济南市 · 1") in units
    # The yellow list is empty; the not-reported list holds CITY-06.
    assert [r[0] for r in table_rows(found[names[7]])] == ["ID" if lang == "en" else "编号", "CITY-06"]


def test_without_since_there_is_no_bulletin_but_the_sentences_and_lists_are_there(cli, year):
    text = cli("report", "--md", "--as-of", AS_OF).stdout
    tokens = MarkdownIt().enable("table").parse(text)
    found = sections(tokens)
    assert "Where the tasks stand" not in found and "Yellow tasks" in found
    paragraphs = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "paragraph_open"]
    # The third sentence is the overall completion: (60 + 100 + 50 + 0 …) / 81 tasks = 210/81 = 2.6 %.
    assert paragraphs[1].endswith("yellow: 0. Overall completion: 2.6%.")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_html_has_the_markdown_reports_tables_and_sentences(cli, year, lang):
    from test_cli_report_md import tables as markdown_tables
    from test_render_html import _markdown_cell

    html = report(cli, "--html", "--lang", lang)
    shown = page(html)
    assert OPENING[lang] in "".join(shown.text)
    expected = [[header, *rows] for header, rows in markdown_tables(report(cli, "--md", "--lang", lang))]
    expected = [[[_markdown_cell(c) for c in row] for row in table] for table in expected]
    assert shown.tables == expected


@pytest.mark.skipif(chromium() is None, reason="chromium is not installed")
def test_chromium_draws_the_bulletin_without_console_errors(cli, year, tmp_path):
    source = tmp_path / "bulletin.html"
    source.write_text(report(cli, "--html", "--lang", "zh"), encoding="utf-8")
    assert screenshot(source, tmp_path / "bulletin.png", tmp_path / "profile") == []


def test_spreadsheet_has_the_bulletin_sheets(cli, year, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "b.xlsx"
    report(cli, "--xlsx", "-o", str(target), "--lang", "en")
    book = openpyxl.load_workbook(target)
    # The year assigns units, so the workbook has its table by unit too (issue 12), after Tasks.
    assert book.sheetnames == ["Summary", "Bulletin", "Changes", "Not reported", "Tasks", "Units", "Baselines", "Log", "Trend"]
    bulletin = [[c.value for c in row] for row in book["Bulletin"].iter_rows()]
    assert bulletin[0] == ["Standing", "Tasks", "Share"]
    assert [r[:2] for r in bulletin[1:]] == [
        ["Done", 1], ["Ahead of schedule", 1], ["On schedule", 1], ["Behind schedule", 0], ["Not reported", 78],
        ["Nothing to judge yet", 0], ["Total", 81]]
    assert bulletin[5][2] == pytest.approx(78 / 81)
    assert [r[0].value for r in book["Changes"].iter_rows(min_row=2)] == ["IND-01", "PUB-10", "CITY-06"]
    owed = list(book["Not reported"].iter_rows(min_row=2, values_only=True))
    assert len(owed) == 78 and ("Jinan", "CITY-06") in {r[:2] for r in owed}
    assert book["Summary"].cell(3, 1).value == OPENING["en"]


def test_csv_gains_the_light_at_since_and_the_change(cli, year):
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(report(cli, "--csv")))}
    assert (rows["IND-01"]["light_since"], rows["IND-01"]["light"], rows["IND-01"]["change"]) == ("unreported", "green", "reported")
    assert (rows["CITY-06"]["light_since"], rows["CITY-06"]["change"]) == ("green", "unreported")
    assert (rows["EGOV-10"]["light_since"], rows["EGOV-10"]["change"]) == ("done", "")


def test_json_carries_the_same_bulletin(cli, year):
    view = json.loads(report(cli, "--json"))
    assert {k: view["bulletin"][k] for k in ("done", "ahead", "on_schedule", "behind", "unreported", "grey")} == {
        "done": 1, "ahead": 1, "on_schedule": 1, "behind": 0, "unreported": 78, "grey": 0}
    assert view["not_reported"]["count"] == 78
    assert view["changes"]["counts"]["reported"] == 2
