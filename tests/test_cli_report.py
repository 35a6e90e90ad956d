"""`sdpolicy report`: choosing one format, -o, and the CSV, JSON and spreadsheet reports.

The HTML report has its own file (test_render_html.py); the Markdown report's structure is in
test_cli_report_md.py. Here the spreadsheet is opened with openpyxl and the CSV read back with the
csv module, so what is checked is what Excel or a script would see.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import assert_refused, libreoffice_convert, soffice
from sdpolicy.catalogue import load_catalogue
from sdpolicy.i18n import t
from sdpolicy.render import words
from sdpolicy.render.csvfile import COLUMNS

PLAN = load_catalogue()
AS_OF = "2006-07-01"

# Marks a supervision office might have made by July 2006: every light shows at AS_OF.
MARKS = [
    ("IND-01", "--value", "120", "--date", "2006-06-30", "--by", "省经贸委", "--note", "首批验收完成"),  # 60 %: green
    ("IND-11", "--value", "20", "--date", "2006-06-25", "--by", "省商务厅"),  # 25 % of 80: yellow
    ("PUB-04", "--value", "0", "--date", "2006-06-20", "--by", "省卫生厅", "--note", "医院信息系统招标中"),  # red
    ("EGOV-01", "--done", "--date", "2006-05-10", "--note", "指导意见已印发"),  # done
    ("EGOV-10", "--value", "88", "--date", "2006-06-30"),  # (88 - 75) / 25 = 52 %: green
    ("ENV-05", "--state", "blocked", "--date", "2006-06-15", "--note", "立法计划调整"),  # red
    ("SEC-01", "--state", "in-progress", "--date", "2006-05-31"),  # May's report, none for June: not reported
    ("county-portal-share", "--value", "88", "--date", "2006-06-30"),
    ("internet-users", "--value", "1180", "--date", "2006-06-30", "--by", "省通信管理局"),
]
FLAGS = ["--md", "--html", "--xlsx", "--csv", "--json"]


@pytest.fixture
def marked(mark) -> None:
    for args in MARKS:
        mark(*args)


def ok(result) -> str:
    assert result.exit_code == 0, (result.exit_code, result.stderr)
    assert result.stderr == ""
    return result.stdout


def list_rows(cli, as_of: str = AS_OF) -> list[dict]:
    return json.loads(ok(cli("list", "--json", "--as-of", as_of)))["tasks"]


# ---------------------------------------------------------------------------------------------
# One format, and where it goes


@pytest.mark.parametrize("first,second", [(a, b) for i, a in enumerate(FLAGS) for b in FLAGS[i + 1:]])
def test_two_format_flags_are_refused(cli, tmp_path, first, second):
    target = tmp_path / "out"
    message = assert_refused(cli("report", first, second, "-o", str(target)))
    assert first in message and second in message
    assert not target.exists()


def refused_in_chinese(result) -> str:
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("错误: ") and result.stderr.count("\n") == 1, result.stderr
    return result.stderr


def test_format_refusal_follows_the_language(cli):
    assert "只能选择一种报告格式" in refused_in_chinese(cli("report", "--md", "--csv", "--lang", "zh"))


def test_xlsx_to_the_terminal_is_refused_before_any_work(cli, sdpolicy_home):
    message = assert_refused(cli("report", "--xlsx"))
    assert "-o" in message and "binary" in message
    assert not sdpolicy_home.exists()  # refused before the workspace was even looked at
    assert "请用 -o 指定文件名" in refused_in_chinese(cli("report", "--xlsx", "--lang", "zh"))


def test_markdown_is_the_default(cli, marked):
    plain = ok(cli("report", "--as-of", AS_OF))
    assert plain == ok(cli("report", "--md", "--as-of", AS_OF))
    assert plain.startswith("# ")


@pytest.mark.parametrize("flag", ["--md", "--html", "--csv", "--json", "--xlsx"])
def test_output_file_is_written_whole_and_nothing_else(cli, marked, tmp_path, flag):
    directory = tmp_path / "reports"
    directory.mkdir()
    target = directory / "briefing"
    assert ok(cli("report", flag, "-o", str(target), "--as-of", AS_OF)) == ""
    # Written through a temporary file renamed over the target: none is left behind.
    assert [p.name for p in directory.iterdir()] == ["briefing"]
    data = target.read_bytes()
    if flag == "--xlsx":
        assert data[:2] == b"PK"  # a zip container
    elif flag != "--csv":
        assert data.decode("utf-8") == ok(cli("report", flag, "--as-of", AS_OF))


def test_unwritable_output_is_an_io_error(cli, tmp_path):
    message = assert_refused(cli("report", "--html", "-o", str(tmp_path / "missing" / "r.html")), code=74)
    assert "could not write" in message


def test_json_is_the_whole_report_view(cli, marked):
    view = json.loads(ok(cli("report", "--json", "--as-of", AS_OF)))
    assert set(view) >= {"format", "as_of", "plan", "areas", "total", "attention", "indicators", "log"}
    assert view["as_of"] == AS_OF
    assert sum(len(a["tasks_list"]) for a in view["areas"]) == len(PLAN.tasks)
    # Red: PUB-04 (behind), ENV-05 (blocked) and every task that never reported (five monthly
    # reports missed by 07-01); not the green, yellow, done and not-reported ones.
    assert {r["id"] for r in view["attention"]} == {t.id for t in PLAN.tasks} - {"IND-01", "IND-11", "EGOV-01", "EGOV-10", "SEC-01"}
    assert len(view["log"]) == len(MARKS)


# ---------------------------------------------------------------------------------------------
# CSV


def flat(row: dict) -> dict[str, str]:
    """A list --json row flattened by hand, each value as the csv module reads it back."""
    out = {}
    for key, value in row.items():
        if key == "units":  # the plan's units: names and roles, each list joined by "; "
            out["units_zh"] = "; ".join(u["name_zh"] for u in value)
            out["units_en"] = "; ".join(u["name_en"] for u in value)
            out["units_role"] = "; ".join(u["role"] for u in value)
        elif isinstance(value, dict):
            for sub, item in value.items():
                if not isinstance(item, list):  # a forecast's two reports stay in the JSON
                    out["reason" if (key, sub) == ("reason", "code") else f"{key}_{sub}"] = item
        elif key not in ("latest", "forecast", "nodes"):  # a task's nodes stay in the JSON too
            out[key] = value
    return {k: "" if v is None else str(v) for k, v in out.items()}


def test_csv_on_stdout_has_no_bom_and_one_row_per_task(cli, marked):
    text = ok(cli("report", "--csv", "--as-of", AS_OF))
    assert not text.startswith("\ufeff")
    assert "\r\n" not in text
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    assert tuple(reader.fieldnames) == COLUMNS
    expected = list_rows(cli)
    assert [r["id"] for r in rows] == [r["id"] for r in expected]
    assert len(rows) == len(PLAN.tasks) == 89
    for got, want in zip(rows, expected):
        for key, value in flat(want).items():
            assert got[key] == value, (want["id"], key)
    ind01 = next(r for r in rows if r["id"] == "IND-01")
    assert (ind01["target_kind"], ind01["target_value"], ind01["latest_note"], ind01["reason"]) == (
        "count", "200", "首批验收完成", "on-track"
    )
    assert ind01["latest_by"] == "省经贸委" and ind01["latest_date"] == "2006-06-30"
    pub10 = next(r for r in rows if r["id"] == "PUB-10")
    assert (pub10["lead_zh"], pub10["units_zh"], pub10["units_role"]) == ("", "省安全生产监督管理局", "co-organiser")


def test_csv_file_starts_with_the_bom_that_excel_needs(cli, marked, tmp_path):
    target = tmp_path / "tasks.csv"
    ok(cli("report", "--csv", "-o", str(target), "--as-of", AS_OF))
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == len(PLAN.tasks) + 1  # CRLF rows, as RFC 4180 and Excel expect
    with target.open(encoding="utf-8-sig", newline="") as stream:
        from_file = list(csv.DictReader(stream))
    with target.open(encoding="utf-8", newline="") as stream:
        assert next(csv.reader(stream))[0] == "\ufeffid"  # read without -sig, the BOM is there
    from_stdout = list(csv.DictReader(io.StringIO(ok(cli("report", "--csv", "--as-of", AS_OF)))))
    assert from_file == from_stdout
    assert any(r["title_zh"] == "继续推进200家重点企业的信息技术改造" for r in from_file)


def test_csv_columns_are_exactly_the_flattened_list_json_keys(cli, mark, marked):
    # Every reason code carries its own figures; these dates between them show all of them:
    # not begun (start), no record / on track (behind, expected, actual), overdue (deadline, days).
    # A second report on IND-01 gives it a forecast, whose columns must be there too.
    mark("IND-01", "--value", "60", "--date", "2006-03-31")
    keys: set[str] = set()
    for as_of in ("2006-01-01", AS_OF, "2006-10-15"):
        for row in list_rows(cli, as_of):
            keys |= set(flat(row))
            if row["latest"] is not None:
                keys |= {f"latest_{k}" for k in row["latest"]}
    assert keys == set(COLUMNS)
    assert len(COLUMNS) == len(set(COLUMNS))


def test_csv_refuses_a_row_key_it_has_no_column_for(cli):
    # A key added to views.task_row without a CSV column must fail loudly, not vanish.
    from sdpolicy.render.csvfile import render_csv

    view = json.loads(ok(cli("report", "--json", "--as-of", AS_OF)))
    view["areas"][0]["tasks_list"][0]["new_key"] = 1
    with pytest.raises(ValueError, match="new_key"):
        render_csv(view, for_file=False)


def test_chinese_csv_has_chinese_headers_and_words(cli, marked, tmp_path):
    # Issue 14: the Chinese CSV was byte-identical to the English one. Now --lang zh writes the
    # Tasks sheet as text, in Chinese; --lang en keeps the JSON keys (checked above).
    target = tmp_path / "tasks.csv"
    ok(cli("report", "--csv", "-o", str(target), "--as-of", AS_OF, "--lang", "zh"))
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == len(PLAN.tasks) + 1
    with target.open(encoding="utf-8-sig", newline="") as stream:
        header, *rows = list(csv.reader(stream))
    assert header[:10] == ["编号", "领域", "任务", "目标", "实际", "完成率", "亮灯", "评价依据", "期限", "牵头单位"]
    by_id = {row[0]: dict(zip(header, row)) for row in rows}
    assert len(by_id) == len(PLAN.tasks)
    # IND-01: 120 of 200 enterprises is 60.0%, green; EGOV-10: 88% of a 75% → 100% way is 52.0%.
    ind01 = by_id["IND-01"]
    assert (ind01["领域"], ind01["目标"], ind01["实际"], ind01["完成率"], ind01["亮灯"]) == (
        "传统产业信息技术改造", "200 家", "120", "60.0%", "绿灯")
    assert (ind01["最新说明"], ind01["报送单位"], ind01["最新记录日期"]) == ("首批验收完成", "省经贸委", "2006-06-30")
    egov10 = by_id["EGOV-10"]
    assert (egov10["实际"], egov10["完成率"], egov10["亮灯"], egov10["单位"]) == ("88.0%", "52.0%", "绿灯", "%")
    # IND-02 has never reported: five monthly reports missed by 07-01, red (grey before the reporting rule).
    assert (by_id["EGOV-01"]["亮灯"], by_id["IND-02"]["亮灯"], by_id["PUB-04"]["亮灯"]) == ("完成", "红灯", "红灯")
    assert by_id["IND-02"]["类型"] == "里程碑" and by_id["IND-02"]["目标"] == "会议召开"
    # No English words but ids and what the catalogue's Chinese itself holds (CMM, IT, …).
    ids = sorted([t.id for t in PLAN.tasks] + [i.id for i in PLAN.indicators], key=len, reverse=True)
    allowed = set(re.findall(r"[A-Za-z]+", " ".join(t.title_zh for t in PLAN.tasks)))
    text = re.sub("|".join(map(re.escape, ids)), " ", data.decode("utf-8-sig"))
    assert [w for w in re.findall(r"[A-Za-z]+", text) if w not in allowed] == []
    # English keys stay behind --lang en, which is what a C locale gives without --lang.
    english = ok(cli("report", "--csv", "--as-of", AS_OF, "--lang", "en"))
    assert english == ok(cli("report", "--csv", "--as-of", AS_OF))
    assert next(csv.reader(io.StringIO(english)))[:3] == ["id", "area", "area_zh"]
    assert english != ok(cli("report", "--csv", "--as-of", AS_OF, "--lang", "zh"))


# ---------------------------------------------------------------------------------------------
# XLSX


def workbook(cli, tmp_path: Path, lang: str):
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / f"report-{lang}.xlsx"
    ok(cli("report", "--xlsx", "-o", str(target), "--as-of", AS_OF, "--lang", lang))
    return openpyxl.load_workbook(target)


SHEETS = ["sheet.summary", "sheet.tasks", "sheet.baselines", "sheet.log", "sheet.trend"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_xlsx_sheets_and_headers_follow_the_language(cli, marked, tmp_path, lang):
    book = workbook(cli, tmp_path, lang)
    assert book.sheetnames == [t(s, lang) for s in SHEETS]
    summary, tasks, baselines, log, trend = book.worksheets
    header = [c.value for c in tasks[1]]
    # The printed columns come first (issue 14: twenty columns printed at about 4 pt).
    assert header[:5] == [t(k, lang) for k in ("id", "area", "title", "target", "actual")]
    assert t("light", lang) in header and t("percent", lang) in header
    assert [c.value for c in summary[4]][:2] == [t("area", lang), t("tasks", lang)]  # under title and date
    assert [c.value for c in baselines[1]][:4] == [t(k, lang) for k in ("id", "indicator", "area", "baseline")]
    assert [c.value for c in log[1]][:3] == [t(k, lang) for k in ("record", "date", "item")]
    for sheet, head in zip(book.worksheets, (4, 1, 1, 1, 1)):
        # The header row and the first column (in Trend, the id and the title) stay in view; the
        # Summary's header is in row 4, under its title and date.
        assert sheet.freeze_panes == ("C2" if sheet is trend else f"B{head + 1}")
        first_row = [c.value for c in sheet[head] if c.value]
        if lang == "zh":
            # Chinese headers carry no English words (UTC is the name of the time scale).
            assert not [w for c in first_row for w in re.findall(r"[A-Za-z]+", c) if w != "UTC"], first_row
        else:
            assert not [c for c in first_row if re.search(r"[\u3400-\u9fff]", c)], first_row


def test_xlsx_cells_follow_the_language(cli, marked, tmp_path):
    cjk = re.compile(r"[\u2e80-\u9fff\uff00-\uffef]+")
    # Chinese in the English workbook only where users typed it (notes, units that reported) or
    # where the catalogue's English quotes a Chinese name (校校通).
    allowed = {run for args in MARKS for a in args for run in cjk.findall(a)}
    allowed |= {run for task in PLAN.tasks for run in cjk.findall(task.title_en)}
    english = [str(c.value) for sheet in workbook(cli, tmp_path, "en") for row in sheet.iter_rows() for c in row if c.value]
    assert [run for text in english for run in cjk.findall(text) if run not in allowed] == []
    # Latin words in the Chinese workbook: only ids and what the catalogue's Chinese itself contains
    # (CMM, the unit G of bandwidth).
    ids = sorted([t.id for t in PLAN.tasks] + [i.id for i in PLAN.indicators], key=len, reverse=True)
    catalogue_zh = " ".join(
        [t.title_zh for t in PLAN.tasks] + [f"{i.name_zh} {i.unit_zh or ''}" for i in PLAN.indicators]
    )
    allowed_words = set(re.findall(r"[A-Za-z]+", catalogue_zh)) | {"UTC"}
    chinese = [str(c.value) for sheet in workbook(cli, tmp_path, "zh") for row in sheet.iter_rows() for c in row
               if isinstance(c.value, str) and not re.fullmatch(r"r-[0-9a-z]{10}", c.value)]
    text = re.sub("|".join(map(re.escape, ids)), " ", "\n".join(chinese))
    assert [w for w in re.findall(r"[A-Za-z]+", text) if w not in allowed_words] == []


def test_xlsx_row_counts(cli, marked, tmp_path):
    summary, tasks, baselines, log, _ = workbook(cli, tmp_path, "en").worksheets
    assert tasks.max_row == 1 + len(PLAN.tasks)
    assert baselines.max_row == 1 + len(PLAN.indicators)
    assert log.max_row == 1 + len(MARKS)
    # Above the table (issue 14: they stood below it), the title in A1 and the date in row 2, so
    # that a sheet passed on alone, or printed, says what it is and when before its figures.
    assert summary.cell(1, 1).value == "Key points of Shandong's 2006 informatization work: progress report"
    assert [summary.cell(2, c).value for c in (1, 2)] == ["As of", datetime(2006, 7, 1)]
    names = [summary.cell(r, 1).value for r in range(5, 5 + len(PLAN.areas) + 1)]
    assert names == [a.name_en for a in PLAN.areas] + ["Total"]
    assert summary.cell(5 + len(PLAN.areas), 2).value == len(PLAN.tasks)
    assert summary.max_row == 5 + len(PLAN.areas)  # nothing below the total
    # Between the date and the table, the report's opening sentences (the same as the Markdown report's).
    assert summary.cell(3, 1).value.startswith("As of 2006-07-01, the 89 tasks stand at ")
    assert summary.cell(3, 1).value in ok(cli("report", "--md", "--as-of", AS_OF))
    assert summary.column_dimensions["B"].width >= len("2006-07-01")  # a narrower column shows ###
    assert summary.cell(4, 2).alignment.horizontal == "right"  # over figures
    assert summary.cell(4, 1).alignment.horizontal is None
    assert summary.print_title_rows == "$4:$4"


def column(sheet, header: str) -> dict[str, object]:
    """The cells of one column keyed by the first column (the id)."""
    index = [c.value for c in sheet[1]].index(header) + 1
    return {sheet.cell(r, 1).value: sheet.cell(r, index) for r in range(2, sheet.max_row + 1)}


def test_xlsx_figures_are_numbers_with_formats(cli, marked, tmp_path):
    summary, tasks, baselines, log, _ = workbook(cli, tmp_path, "en").worksheets
    actual = column(tasks, "Actual")
    assert actual["IND-01"].value == 120 and isinstance(actual["IND-01"].value, int)
    assert actual["IND-01"].number_format == "#,##0"
    # A target in % is stored as a fraction, as Excel expects: 88 % is 0.88 shown as 88.0%.
    assert actual["EGOV-10"].value == pytest.approx(0.88) and actual["EGOV-10"].number_format == "0.0%"
    assert column(tasks, "Unit")["IND-01"].value == "enterprises"
    done = column(tasks, "Done %")
    assert done["IND-01"].value == pytest.approx(0.6) and done["IND-01"].number_format == "0.0%"
    assert done["IND-02"].value is None
    deadline = column(tasks, "Deadline")["IND-04"]
    assert deadline.value == datetime(2006, 9, 30) and deadline.number_format == "yyyy-mm-dd"
    value = column(baselines, "Baseline")
    assert value["phone-users"].value == pytest.approx(5139.8) and value["phone-users"].number_format == "#,##0.0#"
    assert column(baselines, "Unit")["phone-users"].value == "10k subscribers"
    assert value["county-portal-share"].value == pytest.approx(0.75)
    assert column(baselines, "Actual")["internet-users"].value == 1180
    # Growth is a fraction too: internet users 1,000 → 1,180 (10k) is +18.0 %, stored 0.18. A share
    # (75 % → 88 %) has no growth since issue 14: its change is in percentage points.
    assert column(baselines, "Growth")["internet-users"].value == 0.18
    assert column(baselines, "Growth")["county-portal-share"].value is None
    # No figure anywhere is text that merely looks like a number (the Target column is the target
    # as words, "100%" or "80–100 enterprises", beside its figures in Target value and Range high end).
    for sheet in (summary, tasks, baselines, log):
        headers = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and headers[cell.column - 1] != "Target":
                    assert not re.fullmatch(r"-?[\d,]+(\.\d+)?%?", cell.value), (sheet.title, cell.coordinate)
    assert column(log, "Value")  # the log's values are numbers too (checked by the loop above)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_xlsx_lights_are_filled_cells_with_a_word(cli, marked, tmp_path, lang):
    tasks = workbook(cli, tmp_path, lang).worksheets[1]
    lights = column(tasks, t("light", lang))
    # At 07-01 no task is grey: the first monthly report was due 02-28.
    for task_id, code in {"IND-01": "green", "IND-11": "yellow", "PUB-04": "red", "EGOV-01": "done", "SEC-01": "unreported"}.items():
        cell = lights[task_id]
        assert cell.value == words.light(code, lang)
        assert cell.fill.fill_type == "solid"
        assert cell.fill.fgColor.rgb[-6:] == words.LIGHT_COLOUR[code][1:].upper()
    assert len({c.fill.fgColor.rgb for c in lights.values()}) == 5
    summary = workbook(cli, tmp_path, lang).worksheets[0]
    for index, code in enumerate(words.LIGHTS, start=3):
        assert summary.cell(4, index).value == words.heading(words.light(code, lang), lang)
        assert summary.cell(4, index).fill.fgColor.rgb[-6:] == words.LIGHT_COLOUR[code][1:].upper()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_xlsx_trend_sheet_has_a_row_per_task_and_a_column_per_month_end(cli, marked, tmp_path, lang):
    trend = workbook(cli, tmp_path, lang).worksheets[4]
    # The plan starts 2006-02-16; the report is as of 2006-07-01: five month ends, then the day itself.
    dates = ["2006-02-28", "2006-03-31", "2006-04-30", "2006-05-31", "2006-06-30", "2006-07-01"]
    assert [c.value for c in trend[1]] == [t("id", lang), t("title", lang), *dates]
    assert trend.max_row == 1 + len(PLAN.tasks)
    ind01 = {trend.cell(1, c).value: trend.cell(2, c) for c in range(1, trend.max_column + 1)}
    assert trend.cell(2, 1).value == "IND-01"
    # IND-01: 120 of 200 on 06-30 is 60 %, ahead of 42.1 % expected: green there; before, nothing
    # reported since February: four monthly reports missed at 05-31, red (it was grey before the
    # reporting rule).
    assert ind01["2006-06-30"].value == f"60.0% {words.light('green', lang)}"
    assert ind01["2006-06-30"].fill.fgColor.rgb[-6:] == words.LIGHT_COLOUR["green"][1:].upper()
    assert ind01["2006-05-31"].value == words.light("red", lang)
    # EGOV-01 was done on 05-10: red at the end of April (February to April missed), done from May.
    egov01 = next(r for r in trend.iter_rows(min_row=2) if r[0].value == "EGOV-01")
    assert [c.value for c in egov01[4:7]] == [words.light("red", lang)] + [f"100.0% {words.light('done', lang)}"] * 2


def test_xlsx_column_widths_count_chinese_characters_twice(cli, marked, tmp_path):
    tasks = workbook(cli, tmp_path, "zh").worksheets[1]
    widths = {tasks.cell(1, c).value: tasks.column_dimensions[tasks.cell(1, c).column_letter].width
              for c in range(1, tasks.max_column + 1)}
    # 编号 (2 characters, 4 wide) sits over ids of 7 characters: the column fits EGOV-10, not more.
    assert widths["编号"] == max(len(t.id) for t in PLAN.tasks) + 2
    # 领域: the longest area name in Chinese, 10 characters, needs 20 columns.
    assert widths["领域"] == max(words.display_width(a.name_zh) for a in PLAN.areas) + 2
    assert widths["任务"] == 36  # long titles are capped at their printed width and wrap
    assert tasks.cell(2, 3).alignment.wrap_text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_xlsx_tasks_sheet_prints_readably_by_area(cli, marked, tmp_path, lang):
    # Issue 14: the Tasks sheet printed its twenty-odd columns on one landscape page at about 4 pt.
    tasks = workbook(cli, tmp_path, lang).worksheets[1]
    printed = ("id", "area", "title", "target", "actual", "percent", "light", "why", "deadline", "lead")
    assert [c.value for c in tasks[1]][:10] == [t(k, lang) for k in printed]
    assert tasks.print_area == f"'{tasks.title}'!$A$1:$J${1 + len(PLAN.tasks)}"
    assert tasks.print_title_rows == "$1:$1"  # the header on every page
    # A page break after each area but the last: the areas hold 15, 14, 14, 10, 13, 11 and 12
    # tasks (issue 11's count), so after rows 1 + 15 = 16, 30, 44, 54, 67 and 78.
    assert [b.id for b in tasks.row_breaks.brk] == [16, 30, 44, 54, 67, 78]
    assert [len(PLAN.tasks_in(a.slug)) for a in PLAN.areas] == [15, 14, 14, 10, 13, 11, 12]
    # Excel ignores manual breaks under "fit to page": a fixed scale instead, which fits the ten
    # columns (about 8 px a character and 5 px of padding each) into landscape A4 less 0.5-inch
    # margins, 271.6 mm = 1026 px at 96 dpi, and stays readable (11 pt at 70 % is 7.7 pt).
    assert not tasks.sheet_properties.pageSetUpPr.fitToPage
    assert tasks.page_setup.orientation == "landscape" and int(tasks.page_setup.paperSize) == 9  # A4
    scale = int(tasks.page_setup.scale)
    widths = [tasks.column_dimensions[letter].width for letter in "ABCDEFGHIJ"]
    assert sum(8 * w + 5 for w in widths) * scale / 100 <= 1026.5
    assert scale >= 70
    # Long text wraps within its printed width, and its row is tall enough for the lines.
    title = column(tasks, t("title", lang))["IND-05"]
    assert title.alignment.wrap_text and tasks.column_dimensions["C"].width == 36
    from sdpolicy.render.xlsx import wrapped_lines  # counted as test_wrapped_lines… checks

    lines = wrapped_lines(title.value, 35)
    assert tasks.row_dimensions[title.row].height == 16 * lines and lines >= 2


@pytest.mark.parametrize("text,width,lines", [
    ("Urban informatization", 21, 1),  # 21 letters at about 0.9 of a digit each: 18.9
    ("IT transformation of traditional industries", 21, 2),  # breaks before "traditional"
    ("传统产业信息技术改造", 21, 1),  # ten CJK characters, two digits each: 20
    ("传统产业信息技术改造", 19, 2),
    ("", 10, 1),
])
def test_wrapped_lines_counts_the_lines_a_cell_needs(text, width, lines):
    from sdpolicy.render.xlsx import wrapped_lines

    assert wrapped_lines(text, width) == lines


def calibri_metrics() -> bool:
    """Whether the workbook's font, Calibri, is drawn with its own widths (Calibri, or Carlito,
    its metric twin: Debian's fonts-crosextra-carlito); another face breaks lines elsewhere."""
    if shutil.which("fc-match") is None:
        return False
    found = subprocess.run(["fc-match", "Calibri"], capture_output=True, text=True).stdout
    return "Carlito" in found or "Calibri" in found


@pytest.mark.skipif(soffice() is None or shutil.which("pdftotext") is None or not calibri_metrics(),
                    reason="needs LibreOffice (soffice), poppler-utils (pdftotext) and Calibri or Carlito")
def test_xlsx_prints_in_libreoffice_as_intended(cli, marked, tmp_path):
    # The workbook converted to PDF by LibreOffice, read back page by page.
    ok(cli("report", "--xlsx", "-o", str(tmp_path / "report.xlsx"), "--as-of", AS_OF, "--lang", "en"))
    pdf = libreoffice_convert(tmp_path / "report.xlsx", "pdf", tmp_path / "pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    # The Summary's first page: its title and date, then the table.
    first = pages[0]
    assert first.index("progress report") < first.index("As of") < first.index("Tasks") < first.index("Total")
    # The Tasks sheet: the pages whose header has Why; each starts with its header, holds one
    # area's tasks only, and none shows the columns after the printed ten.
    ids = {task.id: task.area for task in PLAN.tasks}
    task_pages = [p for p in pages if re.search(r"^\s*ID\s+Area\s+Task\s+Target.*Why", p, flags=re.M)]
    assert len(task_pages) >= len(PLAN.areas)
    seen = []
    for page_text in task_pages:
        areas = {ids[i] for i in re.findall(r"^\s*([A-Z]+-\d\d)\b", page_text, flags=re.M) if i in ids}
        assert len(areas) == 1, areas
        seen += areas
        assert "Range high end" not in page_text and "Forecast" not in page_text
    assert sorted(set(seen)) == sorted(a.slug for a in PLAN.areas)


# ---------------------------------------------------------------------------------------------
# The installed command


def test_installed_command_writes_html_and_pipes_csv(run, tmp_path, sdpolicy_home):
    sdpolicy_home.mkdir()
    result = run("mark", "IND-01", "--value", "150", "--date", "2006-06-30")
    assert result.returncode == 0, result.stderr
    target = tmp_path / "r.html"
    result = run("report", "--html", "-o", str(target), "--as-of", AS_OF, "--lang", "zh")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert target.read_text(encoding="utf-8").startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    piped = run("report", "--csv", "--as-of", AS_OF)
    assert (piped.returncode, piped.stderr) == (0, "")
    rows = list(csv.DictReader(io.StringIO(piped.stdout)))
    assert len(rows) == len(PLAN.tasks)
    assert next(r for r in rows if r["id"] == "IND-01")["percent"] == "75.0"


def test_a_long_sheet_is_written_without_measuring_the_sheet_for_each_row(monkeypatch):
    # A 100,000-row log sheet took minutes when each row with wrapped text looked up its cells by
    # ws[row], which measures the whole sheet for its last column: the sheet must be measured a
    # number of times that does not grow with its rows.
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from sdpolicy.render.xlsx import LINE_HEIGHT, MAX_WIDTH, _write_sheet

    measured = []
    real = Worksheet.max_column
    monkeypatch.setattr(Worksheet, "max_column", property(lambda ws: measured.append(1) or real.fget(ws)))
    note = "word " * (MAX_WIDTH // 2)  # wider than any column may be: it wraps onto several lines

    def measures(rows: int) -> int:
        measured.clear()
        ws = Workbook().active
        _write_sheet(ws, ["id", "note"], [[f"T-{n}", note] for n in range(rows)], "A2")
        assert ws.cell(rows + 1, 1).alignment.vertical == "top"  # the tall row reads from its top
        # The note is 5 x MAX_WIDTH/2 characters of about 0.9 each, over twice the widest column.
        assert ws.row_dimensions[rows + 1].height >= 2 * LINE_HEIGHT
        return len(measured)

    assert measures(3) == measures(60)


@given(st.text(max_size=30))
def test_display_width_counts_wide_characters_twice_ascii_or_not(text):
    import unicodedata

    # The rule as written before its shortcut for ASCII text (Python's table calls an unassigned
    # code point 'F', full width, and so does display_width).
    assert words.display_width(text) == sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
