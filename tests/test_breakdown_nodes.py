"""Time nodes on the breakdown sheet (issue 15): written by `template --assignments`, read back by
`import` with the parser and the rules of `assign --node`. Expected messages are written out by hand.

The sheet's layout, from returns/__init__.py: a title, a subtitle, the header in row 3, then one row
per task in catalogue order, so IND-01 is row 4, IND-02 row 5, IND-04 row 6 and so on (pinned below).
Columns: A ID, B area, C task, D lead unit, E cooperating units, F to J the five node cells, K note.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from conftest import libreoffice_convert, soffice
from sdpolicy.catalogue import Node, load_catalogue
from sdpolicy.returns import ASSIGNMENT_LAYOUT, node_columns
from sdpolicy.trajectory import node_fault, node_text, parse_node

ROWS = {"IND-01": 4, "IND-02": 5, "IND-04": 6, "IND-05": 7, "IND-07": 8, "IND-08": 9, "IND-09": 10,
        "IND-12": 13, "IND-13": 14, "IND-14": 15, "IND-15": 16, "IND-16": 17}
DRAFT = "2006-06-30:送审稿/draft:40"
ISSUED = "2006-10-31:印发/issued:100"


def template(cli, tmp_path: Path, *args: str, name: str = "a.xlsx") -> Path:
    out = tmp_path / name
    result = cli("template", "--assignments", *args, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    return out


def fill(path: Path, cells: dict[str, object]) -> Path:
    """What a clerk does in Excel: type into cells, save."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(path)
    return path


def entries(home: Path) -> list[str]:
    path = home / "assignments.toml"
    return path.read_text(encoding="utf-8").splitlines()[3:] if path.exists() else []  # after the 3 header lines


def nodes_of(cli, task: str) -> list[tuple[str, str, str | None, float | None]]:
    shown = json.loads(cli("show", task, "--json").stdout)
    return [(n["date"], n["zh"], n["en"], n["share"]) for n in shown["task"]["nodes"]]


@pytest.fixture
def env05(cli):
    """ENV-05 (a milestone, 2006-02-16 to 2006-12-31) led by 省信息产业厅 with two nodes."""
    result = cli("assign", "ENV-05", "--lead", "省信息产业厅", "--date", "2006-03-01", "--node", DRAFT, "--node", ISSUED)
    assert result.exit_code == 0, result.stderr


# -- the parser and the rules, one place


def test_the_sheet_reads_as_many_node_columns_as_a_task_may_carry():
    # trajectory.MAX_NODES is 24: the importer finds Node 1 to Node 24, between the units and the note.
    keys = [c.key for c in ASSIGNMENT_LAYOUT]
    assert keys[:5] == ["id", "area", "task", "lead", "with"] and keys[-1] == "note"
    assert keys[5:-1] == [f"node{n}" for n in range(1, 25)]
    assert [(c.key, c.en, c.zh) for c in node_columns(2)] == [("node1", "Node 1", "时间节点1"), ("node2", "Node 2", "时间节点2")]


def test_a_node_is_written_back_in_the_syntax_it_is_read_in():
    for node in (Node(date(2006, 6, 30), "送审稿", "draft", 40), Node(date(2006, 9, 1), "审议", "", None),
                 Node(date(2006, 9, 2), "验收", "", 12.5)):
        assert parse_node(node_text(node)) == node
    assert node_text(Node(date(2006, 6, 30), "送审稿", "draft", 40.0)) == "2006-06-30:送审稿/draft:40"


def test_full_width_separators_are_read_as_a_chinese_input_method_types_them():
    assert parse_node("2006-06-30：送审稿／draft：40％") == Node(date(2006, 6, 30), "送审稿", "draft", 40)


def test_a_negative_share_is_read_as_a_share_and_refused_not_kept_in_the_name():
    # Before, '-5' did not look like a share and became part of the name '送审稿:-5'.
    assert parse_node("2006-06-30:送审稿:-5") == Node(date(2006, 6, 30), "送审稿", "", -5)


def test_node_fault_names_the_first_node_the_rules_refuse():
    task = load_catalogue().tasks_by_id["ENV-05"]
    good, early = Node(date(2006, 6, 30), "a", "", 40), Node(date(2006, 5, 1), "b", "", 50)
    assert node_fault([good], task) is None
    index, exc = node_fault([good, early], task)
    # The second node is not after the first: index 1.
    assert (index, exc.message) == (1, "time node 'b' on 2006-05-01 is not after 'a' on 2006-06-30; give the nodes in date order")


# -- the template


def test_the_breakdown_sheet_is_prefilled_with_the_nodes_in_effect(cli, tmp_path, env05):
    ws = openpyxl.load_workbook(template(cli, tmp_path))["Assignments"]
    assert [c.value for c in ws[3]][3:] == ["Lead unit", "Cooperating units", "Node 1", "Node 2", "Node 3", "Node 4", "Node 5", "Note"]
    row = 3 + [t.id for t in load_catalogue().tasks].index("ENV-05") + 1
    assert [ws.cell(row, c).value for c in range(1, 12) if c not in (2, 3)] == [
        "ENV-05", "山东省信息产业厅", None, DRAFT, ISSUED, None, None, None, None]
    # Node cells are text (a clerk's 2006-06-30 stays as typed), unlocked and yellow on a milestone;
    # locked and grey (as the pre-filled cells, and as the instructions say) on IND-01, a count,
    # which takes no nodes.
    assert ws.cell(row, 6).number_format == "@" and not ws.cell(row, 6).protection.locked
    assert ws.cell(row, 6).fill.fgColor.rgb.endswith("FFF9DB")
    assert ws["F4"].protection.locked and ws["F4"].fill.fgColor.rgb.endswith("F2F2F2")
    rules = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert "F4:J4" in str(rules["textLength"].sqref).split()
    assert rules["textLength"].error == "A task with a numeric target is judged by its figures: it takes no time nodes"
    assert f"F{row}:J{row}" in str(rules[None].sqref).split() and "F4:J4" not in str(rules[None].sqref).split()
    assert rules[None].prompt.startswith("One node per cell: DATE:name[/English][:SHARE]")


def test_a_task_with_more_nodes_than_five_widens_the_sheet(cli, tmp_path):
    nodes = [f"2006-0{m}-15:第{m}步" for m in range(3, 9)]  # six nodes, March to August
    assert cli("assign", "IND-02", "--lead", "济南", *[a for n in nodes for a in ("--node", n)]).exit_code == 0
    wb = openpyxl.load_workbook(template(cli, tmp_path, "--lang", "zh"))
    ws = wb["分工"]
    assert [c.value for c in ws[3]][5:] == [f"时间节点{n}" for n in range(1, 7)] + ["备注"]
    assert [ws.cell(5, c).value for c in range(6, 12)] == nodes
    # The instructions say, in the sheet's language, that blank keeps the nodes and 无 clears them.
    assert wb["填报说明"]["A6"].value.startswith("5. 时间节点1、时间节点2……：")
    assert "一行的节点格全部留空也表示不变；要取消全部节点，在时间节点1填“无”" in wb["填报说明"]["A6"].value
    english = openpyxl.load_workbook(template(cli, tmp_path, name="en.xlsx"))["Instructions"]["A6"].value
    assert english.startswith("5. Node 1, Node 2, ...:") and "a row whose node cells are all blank keeps its nodes too" in english


def test_the_csv_breakdown_sheet_carries_the_nodes_and_reads_back_unchanged(cli, tmp_path, env05):
    path = template(cli, tmp_path, "--csv", name="a.csv")
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    assert lines[1] == "ID,Area,Task,Lead unit,Cooperating units,Node 1,Node 2,Node 3,Node 4,Node 5,Note"
    (line,) = [x for x in lines if x.startswith("ENV-05,")]
    assert line.endswith(f",山东省信息产业厅,,{DRAFT},{ISSUED},,,,")
    # Sent back as written: ENV-05's lead and nodes are those in effect; every other row is blank.
    blank = len(load_catalogue().tasks) - 1
    assert cli("import", str(path)).stdout == f"0 recorded, 1 unchanged, {blank} left blank, 0 problems\n"


# -- import: the good path


def imported_while_another_run_writes(cli, path: Path, home: Path, monkeypatch) -> str:
    """Two clerks import the same breakdown sheet at once: the other run writes the sheet's entries
    after this run's check and before its lock. What this run prints."""
    import sdpolicy.returns.importer as importer
    from sdpolicy.units import append_assignments, new_assignment_id

    real = importer.check_tables

    def check_then_the_other_run_writes(*args, **kwargs):
        checked = real(*args, **kwargs)
        if not entries(home):
            append_assignments(home, [e._replace(id=new_assignment_id()) for e in checked.assignments])
        return checked

    monkeypatch.setattr(importer, "check_tables", check_then_the_other_run_writes)
    result = cli("import", str(path))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_a_sheet_imported_by_another_run_during_the_check_is_recorded_once(cli, tmp_path, sdpolicy_home, monkeypatch):
    # Under the lock this run must find the lead already set by the other.
    path = fill(template(cli, tmp_path), {"D5": "济南"})
    blank = len(load_catalogue().tasks) - 1
    printed = imported_while_another_run_writes(cli, path, sdpolicy_home, monkeypatch)
    assert printed == f"0 recorded, 1 unchanged, {blank} left blank, 0 problems\n"
    assert len(entries(sdpolicy_home)) == 1  # the other run's entry, once


def test_nodes_imported_by_another_run_during_the_check_are_recorded_once(cli, tmp_path, sdpolicy_home, monkeypatch):
    # With new time nodes on the row: this run's check finds them new (none were in effect), but
    # under the lock the other run's entry holds the same lead and nodes, so the row is unchanged.
    path = fill(template(cli, tmp_path), {"D5": "济南", "F5": DRAFT, "G5": ISSUED})
    blank = len(load_catalogue().tasks) - 1
    printed = imported_while_another_run_writes(cli, path, sdpolicy_home, monkeypatch)
    assert printed == f"0 recorded, 1 unchanged, {blank} left blank, 0 problems\n"
    (line,) = entries(sdpolicy_home)  # the other run's entry, once
    assert 'zh = "送审稿"' in line and 'zh = "印发"' in line


def test_a_note_changed_on_its_own_is_recorded_and_sent_back_as_it_is_is_not(cli, tmp_path, sdpolicy_home):
    # Row 5 is IND-02, column K its note (see the module's docstring).
    blank = len(load_catalogue().tasks) - 1
    first = fill(template(cli, tmp_path), {"D5": "济南", "K5": "按月报送"})
    assert cli("import", str(first)).stdout == f"1 recorded, 0 unchanged, {blank} left blank, 0 problems\n"
    # The next template carries the note in effect; typed over, with the lead as it is, it is a change.
    second = template(cli, tmp_path, name="b.xlsx")
    assert openpyxl.load_workbook(second).worksheets[0]["K5"].value == "按月报送"
    fill(second, {"K5": "按季度报送"})
    assert cli("import", str(second)).stdout == f"1 recorded, 0 unchanged, {blank} left blank, 0 problems\n"
    assert 'note = "按季度报送"' in entries(sdpolicy_home)[-1]
    # Sent back again as it is: nothing new.
    assert cli("import", str(second)).stdout == f"0 recorded, 1 unchanged, {blank} left blank, 0 problems\n"
    assert len(entries(sdpolicy_home)) == 2


def test_nodes_typed_in_the_sheet_are_set_and_reimport_records_nothing(cli, tmp_path, sdpolicy_home):
    path = template(cli, tmp_path)
    fill(path, {"D5": "济南", "F5": "2006-05-31:方案/plan:30", "G5": "2006-09-30:会议/conference:100"})
    first = cli("import", str(path))
    blank = len(load_catalogue().tasks) - 1
    assert first.stdout == f"1 recorded, 0 unchanged, {blank} left blank, 0 problems\n", first.stderr
    (line,) = entries(sdpolicy_home)
    assert line.startswith('a-') and (
        'task = "IND-02", lead = "济南市", date = ' in line
        and 'nodes = [{ date = 2006-05-31, zh = "方案", en = "plan", share = 30 }, '
            '{ date = 2006-09-30, zh = "会议", en = "conference", share = 100 }]' in line
    )
    assert nodes_of(cli, "IND-02") == [("2006-05-31", "方案", "plan", 30), ("2006-09-30", "会议", "conference", 100)]
    again = cli("import", str(path))
    assert again.stdout == f"0 recorded, 1 unchanged, {blank} left blank, 0 problems\n"
    # A fresh sheet carries the nodes now in effect; imported untouched, it changes nothing either.
    fresh = template(cli, tmp_path, name="b.xlsx")
    assert cli("import", str(fresh)).stdout == f"0 recorded, 1 unchanged, {blank} left blank, 0 problems\n"
    assert len(entries(sdpolicy_home)) == 1


def test_a_changed_node_is_a_new_entry_and_the_old_one_stays(cli, tmp_path, sdpolicy_home, env05):
    path = template(cli, tmp_path, "--lang", "zh")
    row = 3 + [t.id for t in load_catalogue().tasks].index("ENV-05") + 1
    # A Chinese input method types full-width colons; the issue moves to November.
    fill(path, {f"G{row}": "2006-11-30：印发：100"})
    result = cli("import", str(path))
    assert result.stdout.startswith("1 recorded, 0 unchanged, "), result.stderr
    first, second = entries(sdpolicy_home)
    assert 'share = 100 }]' in first and '{ date = 2006-10-31, zh = "印发", en = "issued"' in first
    # The lead stays; the new list replaces the old one (its English name was not retyped, so none).
    assert 'task = "ENV-05", lead = "山东省信息产业厅"' in second
    assert 'nodes = [{ date = 2006-06-30, zh = "送审稿", en = "draft", share = 40 }, { date = 2006-11-30, zh = "印发", share = 100 }]' in second
    assert nodes_of(cli, "ENV-05") == [("2006-06-30", "送审稿", "draft", 40), ("2006-11-30", "印发", None, 100)]


def test_blank_node_cells_keep_the_nodes_and_none_clears_them(cli, tmp_path, sdpolicy_home, env05):
    row = 3 + [t.id for t in load_catalogue().tasks].index("ENV-05") + 1
    # The clerk empties the node cells and changes the lead: the nodes stay (blank is no change).
    path = fill(template(cli, tmp_path), {f"D{row}": "省经贸委", f"F{row}": None, f"G{row}": None})
    assert cli("units", "add", "省经济贸易委员会", "--alias", "省经贸委").exit_code == 0
    assert cli("import", str(path)).stdout.startswith("1 recorded, 0 unchanged, ")
    assert "nodes" not in entries(sdpolicy_home)[-1] and 'lead = "省经济贸易委员会"' in entries(sdpolicy_home)[-1]
    assert [n[1] for n in nodes_of(cli, "ENV-05")] == ["送审稿", "印发"]
    # 无 in Node 1, alone: the nodes are removed, by an entry with an empty list.
    clear = fill(template(cli, tmp_path, "--lang", "zh", name="c.xlsx"), {f"F{row}": "无", f"G{row}": None})
    assert cli("import", str(clear)).stdout.startswith("1 recorded, 0 unchanged, ")
    assert entries(sdpolicy_home)[-1].count("nodes = []") == 1
    assert nodes_of(cli, "ENV-05") == []
    # Again: there is nothing left to clear.
    assert cli("import", str(clear)).stdout.startswith("0 recorded, 1 unchanged, ")
    assert len(entries(sdpolicy_home)) == 3  # the fixture's, the lead's, the clearing, and nothing more


def test_nodes_without_a_lead_cell_keep_the_lead_in_effect(cli, tmp_path, sdpolicy_home, env05):
    row = 3 + [t.id for t in load_catalogue().tasks].index("ENV-05") + 1
    path = fill(template(cli, tmp_path), {f"D{row}": None, f"H{row}": "2006-12-20:实施/in force:100", f"G{row}": "2006-10-31:印发/issued:90"})
    assert cli("import", str(path)).stdout.startswith("1 recorded, 0 unchanged, ")
    last = entries(sdpolicy_home)[-1]
    assert 'lead = "山东省信息产业厅"' in last and 'zh = "实施", en = "in force", share = 100' in last
    # The lead cell still blank and the nodes as now in effect: unchanged, not blank.
    again = fill(template(cli, tmp_path, name="b.xlsx"), {f"D{row}": None})
    blank = len(load_catalogue().tasks) - 1
    assert cli("import", str(again)).stdout == f"0 recorded, 1 unchanged, {blank} left blank, 0 problems\n"


# -- import: refusals, every one with its cell, all at once, nothing written


def test_every_node_refusal_names_its_cell_and_nothing_is_recorded(cli, tmp_path, sdpolicy_home):
    path = template(cli, tmp_path)
    ws = openpyxl.load_workbook(path)["Assignments"]
    assert {ws.cell(r, 1).value: r for r in ROWS.values()} == {t: r for t, r in ROWS.items()}
    row = 3 + [t.id for t in load_catalogue().tasks].index("ENV-05") + 1
    fill(path, {
        f"D{row}": "省信息产业厅", f"F{row}": DRAFT,  # a good row: it must not be recorded either
        "D4": "济南", "F4": "2006-05-31:培训",  # IND-01 is a count
        "F5": "2006-05-31:方案",  # IND-02: good nodes, but no lead unit and none in effect
        "D6": "济南", "F6": "2006-05-31:筹备", "G6": "2006-10-15:展会",  # IND-04 ends 2006-09-30
        "D7": "济南", "F7": "2006-05-31:方案:50", "G7": "2006-08-31:验收:30",  # share going down
        "D8": "济南", "F8": "2006-05-31:推进:120",
        "D9": "济南", "F9": "2006-05-31:推进:-10",
        "D10": "济南", "F10": "2006-05-31:/draft",  # no Chinese name
        "D13": "济南", "F13": "2006-05-31", "G13": "2006-6-30:会议", "H13": "2006-02-30:会议",
        "D14": "济南", "F14": "2006-08-31:b", "G14": "2006-05-31:a",
        "D15": "济南", "F15": "无", "G15": "2006-05-31:a",
        "D16": "济南", "F16": datetime(2006, 5, 31),  # a date cell, with no name
        "D17": "济南", "F17": "2007-01-15:总结",  # after the plan's year, and the task's end
    })
    result = cli("import", str(path))
    assert result.exit_code == 65 and result.stdout == ""
    sheet = f"{path}:Assignments!"
    assert result.stderr.split("\n") == [
        f"{sheet}F4: task IND-01 has a count target: its figures are judged against time already; time nodes are for milestone and qualitative tasks",
        f"{sheet}D5: task IND-02 has new time nodes but no lead unit; fill in its Lead unit too",
        f"{sheet}G6: time node '展会' falls on 2006-10-15, outside task IND-04's period 2006-02-16 to 2006-09-30",
        f"{sheet}G7: time node '验收': its share 30% is below the 50% of the node before it",
        f"{sheet}F8: time node '推进': its share must be a percent from 0 to 100",
        f"{sheet}F9: time node '推进': its share must be a percent from 0 to 100",
        f"{sheet}F10: time node on 2006-05-31 has no Chinese name",
        # Every cell of a row is parsed: three problems in IND-12's row, each in its own cell.
        f"{sheet}F13: time node '2006-05-31' is not DATE:NAME, such as 2006-06-30:送审稿",
        f"{sheet}G13: date '2006-6-30' is not in the form YYYY-MM-DD",
        f"{sheet}H13: date '2006-02-30' is not a real date; use YYYY-MM-DD",
        f"{sheet}G14: time node 'a' on 2006-05-31 is not after 'b' on 2006-08-31; give the nodes in date order",
        f"{sheet}F15: '无' removes the task's time nodes; clear the row's other node cells too, or remove '无'",
        f"{sheet}F16: a time node needs its name after the date, written DATE:NAME, such as 2006-06-30:送审稿",
        f"{sheet}F17: time node '总结' falls on 2007-01-15, outside task IND-16's period 2006-02-16 to 2006-12-31",
        "Error: 14 problems found; nothing was recorded",
        "",
    ]
    assert not (sdpolicy_home / "assignments.toml").exists()


def test_a_refusal_in_a_chinese_sheet_names_the_chinese_sheet(cli, tmp_path, sdpolicy_home, env05):
    before = (sdpolicy_home / "assignments.toml").read_bytes()
    row = 3 + [t.id for t in load_catalogue().tasks].index("ENV-05") + 1
    path = fill(template(cli, tmp_path, "--lang", "zh"), {f"G{row}": "2006-10-31：印发：30"})
    result = cli("import", str(path), "--lang", "zh")
    # 30% after the draft's 40%.
    assert result.exit_code == 65
    assert result.stderr.split("\n")[0] == f"{path}:分工!G{row}: time node '印发': its share 30% is below the 40% of the node before it"
    assert (sdpolicy_home / "assignments.toml").read_bytes() == before


def test_a_hand_made_csv_names_line_and_column(cli, tmp_path, sdpolicy_home):
    path = tmp_path / "分工.csv"
    path.write_text(
        "ID,Lead unit,Node 1,Node 2\n"
        f"ENV-05,省信息产业厅,{DRAFT},{ISSUED}\n"
        "IND-04,济南,2006-05-31:筹备,2006-10-15:展会\n",
        encoding="utf-8",
    )
    result = cli("import", str(path))
    # Line 3: 'IND-04,' is 7 characters and '济南,' 3, so Node 1 starts in column 11; '2006-05-31:筹备,'
    # is 14, so Node 2 starts in column 25.
    assert result.exit_code == 65
    assert result.stderr == (
        f"{path}:3:25: time node '展会' falls on 2006-10-15, outside task IND-04's period 2006-02-16 to 2006-09-30\n"
        "Error: 1 problem found; nothing was recorded\n"
    )
    assert not (sdpolicy_home / "assignments.toml").exists()
    path.write_text(path.read_text(encoding="utf-8").replace("2006-10-15", "2006-09-15"), encoding="utf-8")
    assert cli("import", str(path)).stdout == "2 recorded, 0 unchanged, 0 left blank, 0 problems\n"
    assert nodes_of(cli, "IND-04") == [("2006-05-31", "筹备", None, None), ("2006-09-15", "展会", None, None)]
    assert cli("import", str(path)).stdout == "0 recorded, 2 unchanged, 0 left blank, 0 problems\n"


def test_the_installed_program_imports_nodes_from_a_csv(run, tmp_path, sdpolicy_home):
    path = tmp_path / "nodes.csv"
    # The Chinese headers, and a share of 150, refused.
    path.write_text(f"编号,牵头单位,时间节点1,时间节点2\nENV-05,省信息产业厅,{DRAFT},2006-10-31:印发:150\n", encoding="utf-8-sig")
    bad = run("import", str(path), "--lang", "en")
    # Line 2 (the BOM is not a character of the text): 'ENV-05,' is 7 characters, '省信息产业厅,' 7 and
    # DRAFT with its comma 24, so Node 2 starts in column 1 + 7 + 7 + 24 = 39.
    assert (bad.returncode, bad.stdout) == (65, "")
    assert bad.stderr == (
        f"{path}:2:39: time node '印发': its share must be a percent from 0 to 100\n"
        "Error: 1 problem found; nothing was recorded\n"
    )
    path.write_text(path.read_text(encoding="utf-8-sig").replace(":150", ":100"), encoding="utf-8-sig")
    good = run("import", str(path), "--lang", "en")
    assert (good.returncode, good.stdout, good.stderr) == (0, "1 recorded, 0 unchanged, 0 left blank, 0 problems\n", "")
    again = run("import", str(path), "--lang", "en")
    assert again.stdout == "0 recorded, 1 unchanged, 0 left blank, 0 problems\n"
    (line,) = entries(sdpolicy_home)
    assert '{ date = 2006-10-31, zh = "印发", share = 100 }' in line


def test_a_breakdown_sheet_saved_again_by_libreoffice_keeps_its_nodes(run, tmp_path, sdpolicy_home):
    """Compatibility: LibreOffice (headless, as an office suite would) opens the sheet a clerk filled in
    and saves it back; the node cells stay text, the cell's input message stays, and the import reads
    the nodes as typed."""
    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    assert run("assign", "ENV-05", "--lead", "省信息产业厅", "--date", "2006-03-01", "--node", DRAFT, "--node", ISSUED).returncode == 0
    book = tmp_path / "分工.xlsx"
    assert run("template", "--assignments", "--lang", "zh", "-o", str(book)).returncode == 0
    row = 3 + [t.id for t in load_catalogue().tasks].index("ENV-05") + 1
    fill(book, {f"H{row}": "2006-12-20：实施：100", f"G{row}": "2006-10-31:印发/issued:90"})
    out = libreoffice_convert(book, "xlsx", tmp_path / "saved")
    saved = openpyxl.load_workbook(out)["分工"]
    assert [saved.cell(row, c).value for c in (6, 7, 8)] == [DRAFT, "2006-10-31:印发/issued:90", "2006-12-20：实施：100"]
    assert any((dv.prompt or "").startswith("一格一个节点") for dv in saved.data_validations.dataValidation)
    result = run("import", str(out), "--lang", "en")
    assert result.stdout.startswith("1 recorded, 0 unchanged, "), result.stderr
    shown = json.loads(run("show", "ENV-05", "--json").stdout)["task"]["nodes"]
    # The three nodes as typed, the full-width colons read as colons.
    assert [(n["date"], n["zh"], n["share"]) for n in shown] == [
        ("2006-06-30", "送审稿", 40), ("2006-10-31", "印发", 90), ("2006-12-20", "实施", 100)]
