"""The monthly return: template out, import in (issue 12). Expected messages are written out by hand."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from conftest import assert_refused
from sdpolicy.catalogue import load_catalogue
from sdpolicy.returns import catalogue_digest


@pytest.fixture
def office(cli):
    """省经贸委 leads IND-01 (count, 200 enterprises), EGOV-10 (percent) and ENV-05 (milestone)."""
    assert cli("units", "add", "省经济贸易委员会", "--alias", "省经贸委", "--kind", "department").exit_code == 0
    for task in ("IND-01", "EGOV-10", "ENV-05"):
        assert cli("assign", task, "--lead", "省经贸委", "--date", "2006-03-01").exit_code == 0
    assert cli("assign", "IND-04", "--lead", "济南", "--date", "2006-03-01").exit_code == 0


def template(cli, tmp_path: Path, *args: str, name: str = "r.xlsx") -> Path:
    out = tmp_path / name
    result = cli("template", *args, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    return out


def fill(path: Path, cells: dict[str, object], sheet: int = 0) -> Path:
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[sheet]
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(path)
    return path


def patch(path: Path, member: str | None, old: str, new: str) -> None:
    """Replace text inside one member of an xlsx archive (for what openpyxl will not write); None:
    whichever member holds it."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    member = member or next(name for name, data in members.items() if old.encode() in data)
    text = members[member].decode("utf-8")
    assert old in text
    members[member] = text.replace(old, new).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


# -- the template


def test_the_zh_template_has_the_agreed_headers_protection_validation_and_metadata(cli, tmp_path, office):
    path = template(cli, tmp_path, "--unit", "省经贸委", "--period", "2006-06", "--lang", "zh")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["填报", "填报说明", "sdpolicy"]
    ws = wb["填报"]
    headers = [c.value for c in ws[3]]
    assert headers == ["编号", "领域", "任务", "目标", "分工", "上次报送", "上次日期", "期末序时进度",
                       "本期数值", "状态", "日期", "进展情况", "存在问题", "下一步措施"]
    # Rows in catalogue order, only the tasks 省经贸委 leads (IND-04 is 济南's).
    assert [ws.cell(r, 1).value for r in range(4, 7)] == ["IND-01", "EGOV-10", "ENV-05"]
    assert ws.cell(7, 1).value is None
    # Expected at 2006-06-30 of a task running 2006-02-16..2006-12-31: 134 of 318 days = 42.1%.
    assert ws["H4"].value == 0.421
    assert ws["E4"].value == "牵头"
    assert ws["D4"].value == "200 家（截至日期的累计数（家），不是本月新增数；0 或以上）"
    assert ws["D6"].value == "文件出台"
    assert ws.protection.sheet
    assert ws["A4"].protection.locked and ws["H4"].protection.locked
    assert not ws["I4"].protection.locked and not ws["N6"].protection.locked
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    # The same four states on every row, in two rules told apart by their prompt (a numeric task's
    # State is left blank; filled by hand in LibreOffice, the state picked beside a value was caught
    # only on import): IND-01 and EGOV-10 are numeric, ENV-05 a milestone.
    for cells in ("J4 J5", "J6"):
        assert rules[cells].type == "list" and rules[cells].formula1 == '"未开始,进行中,已完成,受阻"'
        assert rules[cells].showInputMessage and rules[cells].promptTitle == "状态"
    assert rules["J4 J5"].prompt == "本任务为量化任务：请在“本期数值”列填写，本列留空（两者同填，导入时会被拒绝）"
    assert rules["J6"].prompt == "本任务报状态：请从下拉列表选择（未开始、进行中、已完成、受阻）"
    # Grey where sdpolicy fills in and protects, yellow where the unit types (the instructions say so).
    assert ws["A4"].fill.fgColor.rgb == ws["H6"].fill.fgColor.rgb == "00F2F2F2"
    assert ws["I4"].fill.fgColor.rgb == ws["N6"].fill.fgColor.rgb == "00FFF9DB"
    assert (rules["K4:K6"].type, rules["K4:K6"].formula1, rules["K4:K6"].formula2) == ("date", "DATE(2006,6,1)", "DATE(2006,6,30)")
    assert (rules["I4"].type, rules["I4"].operator, rules["I4"].formula1) == ("decimal", "greaterThanOrEqual", "0")
    assert rules["I4"].prompt == "截至日期的累计数（家），不是本月新增数；0 或以上"
    # ENV-05 is a milestone: its Value cell takes nothing.
    assert rules["I6"].type == "textLength"
    meta = wb["sdpolicy"]
    assert meta.sheet_state == "veryHidden"
    found = {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, 9)}
    assert found["kind"] == "sdpolicy-return" and found["unit"] == "省经济贸易委员会" and found["period"] == "2006-06"
    assert found["version"] == "1" and found["catalogue"] == catalogue_digest(load_catalogue())
    assert wb["填报说明"]["A1"].value == "填报说明"


def test_the_en_template_for_every_task(cli, tmp_path):
    path = template(cli, tmp_path, "--period", "2006-06", "--lang", "en")
    ws = openpyxl.load_workbook(path)["Return"]
    assert [c.value for c in ws[3]][8:] == ["Value", "State", "Date", "Note", "Problems", "Next steps"]
    assert ws.max_row == 3 + len(load_catalogue().tasks)
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert any(dv.formula1 == '"not-started,in-progress,done,blocked"' for dv in rules.values())


# -- what Excel accepts (Excel is not on this machine: its limits are checked in the XML itself)

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def excel_limits_broken(path: Path) -> list[str]:
    """What in the workbook's XML Excel would refuse or 'repair', as read with zipfile (not openpyxl,
    which would hand back what it understood rather than what was written)."""
    from xml.etree import ElementTree

    found = []
    with zipfile.ZipFile(path) as z:
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        names = [sheet.get("name") for sheet in book.iter(f"{_MAIN}sheet")]
        for name in names:
            # Excel: 1 to 31 characters, none of []:*?/\, not starting or ending with an apostrophe.
            if not 1 <= len(name) <= 31 or any(c in name for c in "[]:*?/\\") or name[0] == "'" or name[-1] == "'":
                found.append(f"sheet name {name!r}")
        if len({n.casefold() for n in names}) != len(names):
            found.append(f"sheet names equal but for case: {names}")
        scoped = [(d.get("name"), d.get("localSheetId")) for d in book.iter(f"{_MAIN}definedName")]
        found += [f"defined name {n} twice in one scope" for n in {k for k in scoped if scoped.count(k) > 1}]
        found += [f"built-in name {n} without its sheet" for n, sheet in scoped if n.startswith("_xlnm.") and sheet is None]
        for part in (n for n in z.namelist() if n.startswith("xl/worksheets/")):
            for rule in ElementTree.fromstring(z.read(part)).iter(f"{_MAIN}dataValidation"):
                for attribute, limit in (("errorTitle", 32), ("promptTitle", 32), ("error", 225), ("prompt", 255)):
                    if len(rule.get(attribute) or "") > limit:
                        found.append(f"{part} {rule.get('sqref')}: {attribute} of {len(rule.get(attribute))} characters")
                formula = rule.find(f"{_MAIN}formula1")
                # A list typed into the rule ("a,b,c", quotes included) holds at most 255 characters.
                if formula is not None and formula.text.startswith('"') and len(formula.text) - 2 > 255:
                    found.append(f"{part} {rule.get('sqref')}: a list of {len(formula.text) - 2} characters")
    return found


def test_every_template_keeps_within_what_excel_accepts(cli, tmp_path, office):
    for lang in ("zh", "en"):
        for args in (["--unit", "省经贸委", "--period", "2006-06"], ["--period", "2006-06"], ["--assignments"]):
            path = template(cli, tmp_path, *args, "--lang", lang, name=f"{lang}-{len(args)}.xlsx")
            assert excel_limits_broken(path) == [], (lang, args)


def test_the_report_workbook_with_its_units_sheet_keeps_within_what_excel_accepts(cli, tmp_path, office):
    # Six sheets, each with its filter and print titles: built-in names scoped to their sheet.
    for lang in ("zh", "en"):
        path = tmp_path / f"report-{lang}.xlsx"
        assert cli("report", "--xlsx", "-o", str(path), "--as-of", "2006-06-30", "--lang", lang).exit_code == 0
        assert excel_limits_broken(path) == [], lang


def test_a_prompt_longer_than_excel_takes_is_cut(cli, tmp_path, office, monkeypatch):
    import sdpolicy.returns.template as template_module

    # A catalogue of one's own may name a long unit; the words of the Value cell carry it. 300
    # characters: the prompt is cut to 254 and an ellipsis (255), the error (the milestone row's
    # Value cell shows the same words as its error) to 224 and an ellipsis (225).
    monkeypatch.setattr(template_module, "value_hint", lambda task, lang: "数" * 300)
    path = template(cli, tmp_path, "--unit", "省经贸委", "--period", "2006-06", "--lang", "zh")
    assert excel_limits_broken(path) == []
    rules = {str(dv.sqref): dv for dv in openpyxl.load_workbook(path)["填报"].data_validations.dataValidation}
    assert rules["I4"].prompt == "数" * 254 + "…"
    assert rules["I6"].error == "数" * 224 + "…" and rules["I6"].type == "textLength"


def test_the_check_of_excels_limits_finds_what_it_looks_for(tmp_path):
    # The checker above, shown to catch each rule on a workbook that breaks it.
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    with pytest.warns(UserWarning, match="more than 31 characters"):
        wb.active.title = "x" * 32
    rule = DataValidation(type="list", formula1='"' + "a," * 128 + '"', error="e" * 226, prompt="p" * 256, errorTitle="t" * 33)
    rule.add("A1")
    wb.active.add_data_validation(rule)
    wb.create_sheet("ok")
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    # openpyxl refuses a ':' in a title itself; another program's file may still hold one.
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'name="ok"', b'name="a:b"')
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    found = excel_limits_broken(path)
    assert found == [
        f"sheet name {'x' * 32!r}", "sheet name 'a:b'",
        "xl/worksheets/sheet1.xml A1: errorTitle of 33 characters",
        "xl/worksheets/sheet1.xml A1: error of 226 characters",
        "xl/worksheets/sheet1.xml A1: prompt of 256 characters",
        "xl/worksheets/sheet1.xml A1: a list of 256 characters",
    ]


def test_the_csv_template_has_a_bom_metadata_and_the_headers(cli, tmp_path, office):
    # The day it was made is read before and after: a run that crosses midnight has either.
    before = date.today()
    path = template(cli, tmp_path, "--unit", "省经贸委", "--period", "2006-06", "--csv", "--lang", "en", name="r.csv")
    days = {before, date.today()}
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    digest = catalogue_digest(load_catalogue())
    head = f"kind=sdpolicy-return,version=1,unit=省经济贸易委员会,period=2006-06,lang=en,plan=shandong-2006,catalogue={digest},made="
    assert lines[0] in {head + day.isoformat() for day in days}
    assert lines[1] == "ID,Area,Task,Target,Role,Last reported,Last date,Expected by period end,Value,State,Date,Note,Problems,Next steps"
    assert lines[2].startswith("IND-01,IT transformation of traditional industries,")
    assert lines[2].endswith(
        # quoted: the words hold a comma
        ',"200 enterprises (the cumulative figure in enterprises by the date, not this month\'s increase; 0 or more)",'
        "lead,,,42.1%,,,,,,"
    )


def test_a_unit_that_leads_nothing_gets_no_template(cli, tmp_path, office):
    message = assert_refused(cli("template", "--unit", "青岛", "-o", str(tmp_path / "x.xlsx")))
    assert message.startswith("青岛市 leads no task in ")


def test_the_breakdown_sheet_lists_every_task_with_its_units(cli, tmp_path, office):
    path = template(cli, tmp_path, "--assignments", "--lang", "zh")
    ws = openpyxl.load_workbook(path)["分工"]
    # Five node cells (no task has nodes yet, so the least the sheet offers), then the note, last as
    # on Chinese office forms.
    assert [c.value for c in ws[3]] == ["编号", "领域", "任务", "牵头单位", "配合单位",
                                        "时间节点1", "时间节点2", "时间节点3", "时间节点4", "时间节点5", "备注"]
    rows = {ws.cell(r, 1).value: (ws.cell(r, 4).value, ws.cell(r, 5).value) for r in range(4, ws.max_row + 1)}
    assert len(rows) == len(load_catalogue().tasks)
    assert rows["IND-01"] == ("省经济贸易委员会", None)
    assert rows["IND-04"] == ("济南市", None)
    assert rows["PUB-01"] == (None, None)


# -- import: the good path


def filled_return(cli, tmp_path, lang="zh") -> Path:
    path = template(cli, tmp_path, "--unit", "省经贸委", "--period", "2006-06", "--lang", lang)
    return fill(path, {
        "I4": 120, "L4": "首批120家通过验收", "M4": "资金不足", "N4": "争取专项资金",
        "I5": 80, "K5": "2006-06-20",
        "J6": "进行中" if lang == "zh" else "in-progress",
    })


def test_import_records_each_row_with_its_provenance(cli, tmp_path, office, store_file):
    path = filled_return(cli, tmp_path)
    result = cli("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "3 recorded, 0 unchanged, 0 left blank, 0 problems\n"
    lines = store_file.read_text(encoding="utf-8").splitlines()[-3:]
    # A blank Date is the period's last day; the unit is `by`; the file's name is kept.
    assert 'task = "IND-01", value = 120, date = 2006-06-30, by = "省经济贸易委员会", note = "首批120家通过验收", problems = "资金不足", next_steps = "争取专项资金", source = "r.xlsx"' in lines[0]
    assert 'task = "EGOV-10", value = 80, date = 2006-06-20, by = "省经济贸易委员会", source = "r.xlsx"' in lines[1]
    assert 'task = "ENV-05", state = "in-progress", date = 2006-06-30' in lines[2]
    log = cli("log", "IND-01", "--json")
    (row,) = __import__("json").loads(log.stdout)["records"]
    assert (row["problems"], row["next_steps"], row["source"]) == ("资金不足", "争取专项资金", "r.xlsx")


def test_reimporting_records_nothing_and_a_changed_row_is_a_correction(cli, tmp_path, office, store_file):
    path = filled_return(cli, tmp_path)
    assert cli("import", str(path)).exit_code == 0
    size = store_file.stat().st_size
    again = cli("import", str(path))
    assert again.stdout == "0 recorded, 3 unchanged, 0 left blank, 0 problems\n"
    assert store_file.stat().st_size == size
    fill(path, {"I4": 130})
    third = cli("import", str(path))
    assert third.stdout == "1 recorded, 2 unchanged, 0 left blank, 0 problems\n"
    shown = __import__("json").loads(cli("list", "--json", "--as-of", "2006-07-01").stdout)
    assert next(r for r in shown["tasks"] if r["id"] == "IND-01")["actual"] == 130


def test_dry_run_counts_and_writes_nothing(cli, tmp_path, office, store_file):
    path = filled_return(cli, tmp_path)
    result = cli("import", str(path), "--dry-run")
    assert result.stdout == "dry run, nothing written: 3 to record, 0 unchanged, 0 left blank, 0 problems\n"
    assert not store_file.exists()


def test_blank_rows_are_counted_not_recorded(cli, tmp_path, office, store_file):
    path = template(cli, tmp_path, "--unit", "省经贸委", "--period", "2006-06")
    fill(path, {"I4": 10})
    result = cli("import", str(path), "--lang", "zh")
    assert result.stdout == "已记录 1 条，未变 0 条，空白 2 行，问题 0 个\n"


def test_the_en_csv_return_imports(cli, tmp_path, office, store_file):
    path = template(cli, tmp_path, "--unit", "省经贸委", "--period", "2006-06", "--csv", "--lang", "en", name="r.csv")
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    lines[2] = lines[2][: -len(",,,,,,")] + ",150,,2006-06-15,done by June,,"
    lines[4] = lines[4][: -len(",,,,,,")] + ",,done,,,,"
    path.write_bytes(("\ufeff" + "\r\n".join(lines)).encode("utf-8"))
    result = cli("import", str(path))
    assert result.stdout == "2 recorded, 0 unchanged, 1 left blank, 0 problems\n", result.stderr
    text = store_file.read_text(encoding="utf-8")
    assert 'task = "IND-01", value = 150, date = 2006-06-15, by = "省经济贸易委员会", note = "done by June", source = "r.csv"' in text
    assert 'task = "ENV-05", state = "done", date = 2006-06-30' in text


# -- import: every refusal, all at once


def test_every_problem_of_a_return_is_listed_with_its_cell_and_nothing_is_recorded(cli, tmp_path, office, store_file):
    path = template(cli, tmp_path, "--unit", "省经贸委", "--period", "2006-06")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ws["I4"] = "一百二十"          # not a number
    ws["I5"] = -3                   # negative
    ws["J6"] = "完成了"             # not a state
    ws["A7"], ws["I7"] = "IND-4", 3  # IND-04 is 济南's, and the id is written short
    ws["A8"], ws["J8"] = "QQQ", "受阻"  # close to no id
    ws["A9"], ws["I9"], ws["K9"] = "PUB-01", 1, "2006-07-01"  # outside the period, and not this unit's
    ws["A10"], ws["J10"], ws["L10"] = "PUB-02", "进行中", "长" * 2001
    ws["A11"], ws["I11"] = "PUB-03", "=1+1"  # a formula openpyxl saves without a result
    wb.save(path)
    result = cli("import", str(path))
    assert result.exit_code == 65
    assert result.stdout == ""
    name = f"{path}:Return!"
    assert result.stderr.split("\n") == [
        f"{name}I4: '一百二十' is not a number; type the figure alone, such as 120 (no units, no thousands separators)",
        f"{name}I5: the value -3 is negative; a figure is 0 or more",
        f"{name}J6: '完成了' is not a state; use one of 未开始、进行中、已完成、受阻 (not-started, in-progress, done, blocked)",
        # IND-4 is IND-04 with its zero left out, put first; IND-14 (issue 11) shares "IND-" and "4"
        # with it (2*5/11 = 0.91); every other IND-nn shares "IND-" (2*4/11 = 0.73), and difflib breaks
        # that tie by the later id first: IND-17.
        f"{name}A7: unknown task 'IND-4'; did you mean IND-04, IND-14 or IND-17?",
        f"{name}A8: unknown task 'QQQ'",
        f"{name}K9: the date 2006-07-01 is outside the period 2006-06 (2006-06-01 to 2006-06-30)",
        f"{name}A9: task PUB-01 has no lead unit assigned, not by 省经济贸易委员会; import with --any-unit to accept its figures from this return",
        f"{name}L10: the text is 2,001 characters; the limit is 2,000",
        f"{name}A10: task PUB-02 has no lead unit assigned, not by 省经济贸易委员会; import with --any-unit to accept its figures from this return",
        f"{name}I11: a formula with no saved result; type the figure itself, or open the file in Excel, WPS or LibreOffice and save it so that the result is kept",
        "Error: 10 problems found; nothing was recorded",
        "",
    ]
    assert not store_file.exists()


def test_a_task_of_another_unit_is_accepted_with_any_unit(cli, tmp_path, office, store_file):
    path = template(cli, tmp_path, "--unit", "省经贸委", "--period", "2006-06")
    fill(path, {"A7": "IND-04", "J7": "进行中"})
    message = cli("import", str(path)).stderr.split("\n")[0]
    assert message == f"{path}:Return!A7: task IND-04 is led by 济南市, not by 省经济贸易委员会; import with --any-unit to accept its figures from this return"
    result = cli("import", str(path), "--any-unit")
    assert result.stdout == "1 recorded, 0 unchanged, 3 left blank, 0 problems\n"


def test_a_date_after_today_is_refused(cli, tmp_path, office):
    today = date.today()
    period = f"{today.year:04d}-{today.month:02d}"
    later = today + timedelta(days=1)
    if later.month != today.month:
        pytest.skip("no later day of this month to try: the last day of a month")
    path = template(cli, tmp_path, "--period", period)
    fill(path, {"I4": 5, "K4": later.isoformat()})
    lines = cli("import", str(path)).stderr.split("\n")
    if date.today() != today:
        pytest.skip("the run crossed midnight: tomorrow became today")
    assert lines[0] == f"{path}:Return!K4: the date {later} is after today ({today})"


def test_a_formula_with_a_saved_result_is_read_as_its_result(cli, tmp_path, office, store_file):
    path = template(cli, tmp_path, "--unit", "省经贸委", "--period", "2006-06")
    fill(path, {"I4": "=100+20"})
    # openpyxl saves no result for a formula; write the one Excel would have saved beside it.
    patch(path, "xl/worksheets/sheet1.xml", "<f>100+20</f><v />", "<f>100+20</f><v>120</v>")
    result = cli("import", str(path))
    assert result.stdout == "1 recorded, 0 unchanged, 2 left blank, 0 problems\n", result.stderr
    assert 'task = "IND-01", value = 120,' in store_file.read_text(encoding="utf-8")


def test_a_template_for_another_catalogue_is_warned_about(cli, tmp_path, office, store_file):
    path = template(cli, tmp_path, "--unit", "省经贸委", "--period", "2006-06")
    wb = openpyxl.load_workbook(path)
    meta = wb["sdpolicy"]
    row = next(r for r in range(1, 10) if meta.cell(r, 1).value == "catalogue")
    meta.cell(row, 2).value = "0000000000000000"
    wb.worksheets[0]["I4"] = 5
    wb.save(path)
    result = cli("import", str(path))
    assert result.exit_code == 0
    digest = catalogue_digest(load_catalogue())
    assert result.stderr == (
        f"Warning: {path} was made for another catalogue (0000000000000000, this one is {digest}); "
        "its rows are checked against this catalogue\n"
    )


def test_the_same_task_and_date_twice_with_different_figures_is_refused(cli, tmp_path, office):
    path = tmp_path / "twice.csv"
    path.write_text("ID,Value,Date\nIND-01,5,2006-06-30\nIND-01,6,2006-06-30\n", encoding="utf-8")
    lines = cli("import", str(path), "--unit", "省经贸委").stderr.split("\n")
    assert lines[0] == f"{path}:3:1: task IND-01 on 2006-06-30 is already given, differently, at {path}:2:1; keep one of the two rows"


def test_a_csv_without_a_date_or_period_says_so(cli, tmp_path, office):
    path = tmp_path / "nodate.csv"
    path.write_text("编号,本期数值\nIND-01,5\n", encoding="utf-8")
    lines = cli("import", str(path), "--unit", "省经贸委").stderr.split("\n")
    assert lines[0] == f"{path}:2:1: no date, and the file names no period to take it from; fill in the Date"


# -- hostile files


def test_a_text_file_named_xlsx_is_not_a_workbook(cli, tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_text("ID,Value\n", encoding="utf-8")
    result = cli("import", str(path))
    assert result.exit_code == 65
    assert result.stderr.split("\n")[0] == f"{path} is not an xlsx workbook: it is not a zip archive, as every .xlsx file is"


def test_a_zip_that_is_no_workbook_and_an_old_xls_are_refused(cli, tmp_path):
    path = tmp_path / "r.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert cli("import", str(path)).stderr.split("\n")[0] == f"{path} is a zip archive but not an xlsx workbook (it has no xl/workbook.xml)"
    old = tmp_path / "r.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert cli("import", str(old)).stderr.split("\n")[0] == f"{old} is an old-style .xls workbook (or another OLE file); save it as .xlsx or CSV UTF-8"


def test_a_zip_bomb_is_refused_before_it_is_unpacked(cli, tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    packed = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").compress_size
    ratio = 8 * 1024 * 1024 / packed  # zeros deflate about a thousandfold
    assert cli("import", str(path)).stderr.split("\n")[0] == (
        f"{path}: xl/worksheets/sheet1.xml would unpack {ratio:,.0f} times its size (8,388,608 bytes); refused as a zip bomb"
    )


def sheet_of(path: Path, rows: range) -> None:
    """A workbook whose first sheet is an ID/Value header and one row per number in `rows`, written
    by hand rather than by openpyxl, which would take minutes for a million rows."""
    body = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in rows)
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c><c r="B1" t="inlineStr"><is><t>Value</t></is></c></row>'
        + body + "</sheetData></worksheet>"
    )
    openpyxl.Workbook().save(path)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_a_sheet_with_a_million_rows_is_refused_before_it_is_read(cli, tmp_path):
    path = tmp_path / "big.xlsx"
    sheet_of(path, range(2, 1_000_002))
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(m.file_size for m in archive.infolist())
    assert unpacked > 16 * 1024 * 1024
    lines = cli("import", str(path), "--unit", "省安监局", "--period", "2006-06").stderr.split("\n")
    assert lines[0] == f"{path} would unpack to {unpacked:,} bytes; refused above 16,777,216"


def test_a_sheet_of_more_rows_than_a_return_has_is_refused(cli, tmp_path):
    path = tmp_path / "long.xlsx"
    sheet_of(path, range(2, 6_002))
    lines = cli("import", str(path), "--unit", "省安监局", "--period", "2006-06").stderr.split("\n")
    # Rows 2..5001 are the first 5,000 filled rows; row 5002 is one too many.
    assert lines[0] == f"{path}:Sheet has more than 5,000 filled rows; a return has one row per task"


def test_a_cell_over_32767_characters_is_refused(cli, tmp_path, office):
    path = template(cli, tmp_path, "--unit", "省经贸委", "--period", "2006-06")
    fill(path, {"I4": 1, "L4": "MARKER"})
    # openpyxl cuts a longer text to 32,767 characters; a hostile file need not.
    patch(path, None, "MARKER", "x" * 40_000)
    lines = cli("import", str(path)).stderr.split("\n")
    assert lines[0] == f"{path}:Return!L4: the cell holds 40,000 characters, more than a cell may (32,767)"


def test_a_csv_that_is_not_utf8_is_refused_with_its_place(cli, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("编号,本期数值\nIND-01,5\n".encode("gbk"))
    assert cli("import", str(path)).stderr.split("\n")[0] == (
        f"{path}:1:1: the file is not UTF-8 text (byte 0xb1); save it as CSV UTF-8, or send the xlsx workbook"
    )


def test_a_missing_file_is_named(cli, tmp_path):
    result = cli("import", str(tmp_path / "nowhere.xlsx"))
    assert result.exit_code == 65
    assert result.stderr.split("\n")[0] == f"{tmp_path / 'nowhere.xlsx'} does not exist"


def test_cell_text_never_reaches_the_terminal_raw(cli, tmp_path, office):
    path = tmp_path / "esc.csv"
    path.write_text("ID,Value,Date\nIND-01,\x1b[31mred,2006-06-30\n", encoding="utf-8")
    stderr = cli("import", str(path), "--unit", "省经贸委").stderr
    assert "\x1b" not in stderr
    assert "\\x1b[31mred" in stderr


# -- the breakdown sheet


def test_a_breakdown_sheet_assigns_every_task_at_once_and_again_changes_nothing(cli, tmp_path, sdpolicy_home):
    path = template(cli, tmp_path, "--assignments", "--lang", "zh", name="分工.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["分工"]
    row = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    ws.cell(row["IND-01"], 4).value = "省安监局"  # an alias
    ws.cell(row["IND-01"], 5).value = "济南、青岛"
    ws.cell(row["EGOV-10"], 4).value = "Weihai"
    ws.cell(row["EGOV-10"], 11).value = "2006年分工"  # the note, after the five node cells
    wb.save(path)
    first = cli("import", str(path))
    blank = len(load_catalogue().tasks) - 2
    assert first.stdout == f"2 recorded, 0 unchanged, {blank} left blank, 0 problems\n", first.stderr
    listed = __import__("json").loads(cli("list", "--unit", "青岛", "--json").stdout)["tasks"]
    # And IND-10, whose text names 青岛 as one of its three bases (a unit the plan names, issue 11).
    assert [(r["id"], r["role"], r["lead_zh"]) for r in listed] == [
        ("IND-01", "cooperating", "省安全生产监督管理局"), ("IND-10", "named", None),
    ]
    again = cli("import", str(path))
    assert again.stdout == f"0 recorded, 2 unchanged, {blank} left blank, 0 problems\n"
    entries = (sdpolicy_home / "assignments.toml").read_text(encoding="utf-8").splitlines()[3:]
    assert len(entries) == 2 and '"EGOV-10", lead = "威海市"' in entries[1] and 'note = "2006年分工"' in entries[1]


def test_a_breakdown_sheet_with_an_unknown_unit_names_its_cell(cli, tmp_path, sdpolicy_home):
    path = template(cli, tmp_path, "--assignments", name="a.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Assignments"]
    ws["D4"], ws["E4"] = "省安监局", "济南；Qingdoa"
    ws["D5"] = "省经委"
    wb.save(path)
    result = cli("import", str(path))
    assert result.exit_code == 65
    assert result.stderr.split("\n")[:2] == [
        f"{path}:Assignments!E4: unknown unit 'Qingdoa'; did you mean 青岛市? (add it with sdpolicy units add)",
        f"{path}:Assignments!D5: unknown unit '省经委' (add it with sdpolicy units add)",
    ]
    assert not (sdpolicy_home / "assignments.toml").exists()


def test_returns_and_breakdown_sheets_go_in_separate_imports(cli, tmp_path):
    sheet = template(cli, tmp_path, "--assignments", name="a.xlsx")
    ret = template(cli, tmp_path, "--period", "2006-06", name="r.xlsx")
    message = assert_refused(cli("import", str(sheet), str(ret)))
    assert message == "returns and breakdown sheets go in separate imports: import the breakdown sheet first, then the returns"


def test_a_cell_that_would_fake_a_line_of_its_own_stays_on_its_line(cli, tmp_path, office):
    path = tmp_path / "nl.csv"
    path.write_text('ID,Value,Date\nIND-01,"1\nError: forged",2006-06-30\n', encoding="utf-8")
    lines = cli("import", str(path), "--unit", "省经贸委").stderr.split("\n")
    assert lines[0] == f"{path}:2:8: '1\\x0aError: forged' is not a number; type the figure alone, such as 120 (no units, no thousands separators)"
    assert lines[1] == "Error: 1 problem found; nothing was recorded"


def test_text_that_looks_like_a_formula_stays_text_in_both_templates(cli, tmp_path, sdpolicy_home):
    assert cli("units", "add", "=HYPERLINK(\"x\")单位", "--alias", "公式局").exit_code == 0
    assert cli("assign", "IND-01", "--lead", "公式局", "--date", "2006-03-01").exit_code == 0
    book = template(cli, tmp_path, "--period", "2006-06")
    cell = openpyxl.load_workbook(book)["Return"]["E4"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("x")单位', "s")
    text = template(cli, tmp_path, "--period", "2006-06", "--csv", name="r.csv").read_bytes().decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_the_template_never_overwrites_the_workspace(cli, sdpolicy_home, office):
    target = sdpolicy_home / "assignments.toml"
    before = target.read_bytes()
    result = cli("template", "--assignments", "-o", str(target))
    assert result.exit_code != 0 and "Traceback" not in result.stderr
    assert target.read_bytes() == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_fifo_in_place_of_a_return_is_refused_without_waiting_on_it(tmp_path):
    # Run as a process with a time limit: a reader that opened the FIFO blocking would wait for a
    # writer for ever, and the limit turns that into a failure instead of a hung suite.
    fifo = tmp_path / "r.xlsx"
    os.mkfifo(fifo)
    env = {**os.environ, "SDPOLICY_HOME": str(tmp_path / "home"), "SDPOLICY_CACHE": str(tmp_path / "cache"),
           "SDPOLICY_LANG": "en"}
    result = subprocess.run([sys.executable, "-m", "sdpolicy", "import", str(fifo)], capture_output=True,
                            text=True, timeout=60, env=env)
    # The importer lists each file's problem, then says that nothing was recorded (exit 65).
    assert (result.returncode, result.stderr) == (
        65, f"{fifo} is a FIFO (named pipe), not a regular file; refusing to read it\n"
            "Error: 1 problem found; nothing was recorded\n")


def test_a_return_over_the_size_limit_is_refused_unread(cli, tmp_path):
    # A sparse file one byte over the 20 MiB limit (20 * 1024 * 1024 = 20,971,520 bytes).
    path = tmp_path / "r.csv"
    with path.open("wb") as out:
        out.truncate(20 * 1024 * 1024 + 1)
    result = cli("import", str(path))
    assert result.exit_code == 65
    assert result.stderr.split("\n")[0] == f"{path} is over 20,971,520 bytes; a return is refused above that"
