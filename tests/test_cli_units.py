"""sdpolicy units, units add, assign, and unit names given to mark --by."""

from __future__ import annotations

import json

from conftest import assert_refused


def test_units_lists_the_starter_list(cli):
    result = cli("units", "--json")
    assert result.exit_code == 0, result.stderr
    listed = json.loads(result.stdout)["units"]
    # 17 cities and 8 units the plan and the review name (see data/units/starter.toml).
    assert len(listed) == 25
    jinan = listed[0]
    assert jinan == {
        "zh": "济南市", "en": "Jinan", "aliases": ["济南"], "kind": "city",
        "source": {"document": "plan-2006", "quote": "重点培育济南、青岛、临沂3个流通区域信息化基地"},
        "note": "", "starter": True,
    }


def test_units_add_then_list(cli, sdpolicy_home):
    result = cli("units", "add", "省经济贸易委员会", "--en", "Economic and Trade Commission", "--alias", "省经贸委", "--kind", "department")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"added unit 省经济贸易委员会 to {sdpolicy_home / 'units.toml'}\n"
    table = cli("units").stdout
    last = table.strip().split("\n")[-1]
    assert [cell.strip() for cell in last.split("|")] == [
        "省经济贸易委员会", "Economic and Trade Commission", "省经贸委", "department", "added here"
    ]
    zh = cli("units", "add", "省科学技术厅", "--alias", "省科技厅", "--lang", "zh")
    assert zh.stdout == f"已添加单位 省科学技术厅（{sdpolicy_home / 'units.toml'}）\n"


def test_units_add_refuses_a_name_already_taken_and_a_bad_kind(cli):
    message = assert_refused(cli("units", "add", "安监", "--alias", "省安监局"))
    assert message == "the name '省安监局' already belongs to 省安全生产监督管理局; every name and alias must belong to one unit"
    message = assert_refused(cli("units", "add", "某局", "--kind", "bureau"))
    assert message == "unknown kind 'bureau'; use one of department, city, county, other"


def test_a_broken_units_file_is_refused_with_its_place(cli, sdpolicy_home):
    sdpolicy_home.mkdir()
    (sdpolicy_home / "units.toml").write_text('[[unit]]\nzh = "甲"\nkind = 3\n', encoding="utf-8")
    message = assert_refused(cli("units"), 65)
    assert message == (
        "the list of units has 1 problem: "
        f"{sdpolicy_home / 'units.toml'}:3:8: kind must be 'department', 'city', 'county' or 'other', not the number 3"
    )


def test_assign_resolves_aliases_and_stores_canonical_names(cli, sdpolicy_home):
    result = cli("assign", "egov-10", "--lead", "省安监局", "--with", "济南", "--with", "Qingdao", "--date", "2006-03-01", "--note", "分工")
    assert result.exit_code == 0, result.stderr
    entry_id = result.stdout.rsplit("(", 1)[1][:-2]
    assert result.stdout == f"assigned EGOV-10: lead 省安全生产监督管理局, with 济南市, 青岛市, from 2006-03-01 ({entry_id})\n"
    line = (sdpolicy_home / "assignments.toml").read_text(encoding="utf-8").split("\n")[3]
    assert line.startswith(
        f'{entry_id} = {{ task = "EGOV-10", lead = "省安全生产监督管理局", with = ["济南市", "青岛市"], date = 2006-03-01, note = "分工", recorded_at = '
    )
    zh = cli("assign", "EGOV-10", "--lead", "济南", "--date", "2006-04-01", "--lang", "zh")
    assert zh.stdout.startswith("已分工 EGOV-10：牵头单位 济南市，自 2006-04-01 起（a-")


def test_assign_refuses_unknown_units_and_tasks(cli, sdpolicy_home):
    message = assert_refused(cli("assign", "EGOV-10", "--lead", "省安监"))
    assert message == (
        "unknown unit '省安监' for --lead; did you mean 省安全生产监督管理局 (Shandong Provincial Administration of Work Safety)? "
        "See `sdpolicy units`; add it with `sdpolicy units add`"
    )
    message = assert_refused(cli("assign", "EGOV-10", "--lead", "济南", "--with", "Qingdoa"))
    assert message.startswith("unknown unit 'Qingdoa' for --with; did you mean 青岛市 (Qingdao)")
    message = assert_refused(cli("assign", "EGOV-99", "--lead", "济南"))
    assert message.startswith("unknown task 'EGOV-99'")
    assert not (sdpolicy_home / "assignments.toml").exists()


def test_mark_by_stores_the_canonical_name_of_a_known_unit(cli, store_file):
    result = cli("mark", "IND-01", "--value", "10", "--by", "省安监局")
    assert result.exit_code == 0 and result.stderr == ""
    assert 'by = "省安全生产监督管理局"' in store_file.read_text(encoding="utf-8")


def test_mark_by_keeps_an_unknown_name_as_typed_with_a_warning(cli, store_file):
    # Without a list of its own the office does not use units yet: free text, no warning.
    quiet = cli("mark", "IND-01", "--value", "5", "--by", "济南市经委")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert cli("units", "add", "省经济贸易委员会", "--alias", "省经贸委").exit_code == 0
    result = cli("mark", "IND-01", "--value", "10", "--by", "济南市经委")
    assert result.exit_code == 0
    # 济南市 is inside 济南市经委, so it is offered.
    assert result.stderr == (
        "Warning: '济南市经委' is not in the list of units and is kept as typed (did you mean 济南市?); "
        "add it with sdpolicy units add\n"
    )
    assert 'by = "济南市经委"' in store_file.read_text(encoding="utf-8")


def test_check_reports_the_units_and_assignments_files(cli, sdpolicy_home):
    assert cli("assign", "EGOV-10", "--lead", "济南", "--date", "2006-03-01").exit_code == 0
    log = sdpolicy_home / "assignments.toml"
    with log.open("a", encoding="utf-8") as f:
        f.write('a-0000000001 = { task = "EGOV-99", lead = "某局", date = 2006-03-01, recorded_at = 2006-03-01T08:00:00Z }\n')
    result = cli("check")
    assert result.exit_code == 65
    lines = result.stderr.split("\n")
    # Line 5: three header lines, the assign above, then this one.
    assert f"Warning: {log}:5:1: entry 'a-0000000001': unit '某局' is not in the list of units; add it with sdpolicy units add" in lines
    assert any(line.startswith(f"{log}:5:1: entry 'a-0000000001': unknown task 'EGOV-99'") for line in lines)


def test_the_reports_gain_a_table_by_unit(cli, tmp_path):
    import openpyxl

    assert cli("assign", "IND-01", "--lead", "省安监局", "--with", "济南", "--date", "2006-03-01").exit_code == 0
    assert cli("assign", "ENV-05", "--lead", "省安监局", "--date", "2006-03-01").exit_code == 0
    assert cli("mark", "IND-01", "--value", "120", "--date", "2006-06-30", "--by", "省安监局").exit_code == 0
    # IND-01: 120 of 200 enterprises is 60%, 42.1% expected at 06-30: green. ENV-05 has no record.
    units = json.loads(cli("report", "--json", "--as-of", "2006-06-30").stdout)["units"]
    assert [(u["unit_zh"], u["led"], u["cooperating"], u["green"], u["last_report"], u["reported"]) for u in units] == [
        ("济南市", 0, 1, 0, None, False),
        ("省安全生产监督管理局", 2, 0, 1, "2006-06-30", True),
    ]
    md = cli("report", "--md", "--as-of", "2006-06-30").stdout
    assert "## By unit" in md and "| Shandong Provincial Administration of Work Safety | 2 | 0 | 1 |" in md
    html = cli("report", "--html", "--as-of", "2006-06-30", "--lang", "zh").stdout
    assert "<h2>分单位情况</h2>" in html and "省安全生产监督管理局" in html
    out = tmp_path / "r.xlsx"
    assert cli("report", "--xlsx", "-o", str(out), "--as-of", "2006-06-30").exit_code == 0
    sheet = openpyxl.load_workbook(out)["Units"]
    assert [c.value for c in sheet[3]][:3] == ["Shandong Provincial Administration of Work Safety", 2, 0]
    # The CSV carries the assigned lead in each task's row.
    csv_text = cli("report", "--csv", "--as-of", "2006-06-30").stdout
    assert "IND-01," in csv_text and "省安全生产监督管理局,Shandong Provincial Administration of Work Safety" in csv_text


def test_units_add_refuses_c0_and_c1_control_characters_alike(cli, sdpolicy_home):
    # U+009B is a one-byte CSI to some terminals, U+0085 (NEL) a line break to some readers and a
    # space to str.strip(): a C1 character is refused exactly as ESC (C0) is, even at the end of a
    # name where stripping would otherwise have hidden it. Shown as \xNN in the message.
    tail = "; a unit's name is one line of plain text"
    assert assert_refused(cli("units", "add", "省\x1b局")) == "the name '省\\x1b局' holds a control character" + tail
    assert assert_refused(cli("units", "add", "省\x9b局")) == "the name '省\\x9b局' holds a control character" + tail
    assert assert_refused(cli("units", "add", "甲局", "--alias", "甲\x85")) == "the name '甲\\x85' holds a control character" + tail
    assert assert_refused(cli("units", "add", "甲局", "--en", "A\x80B")) == "the name 'A\\x80B' holds a control character" + tail
    zh = cli("units", "add", "省\x9f局", "--lang", "zh")
    assert zh.exit_code == 2 and zh.stderr == "错误: 名称 '省\\x9f局' 含有控制字符；单位名称须为一行普通文字\n"
    assert not (sdpolicy_home / "units.toml").exists()
    # U+00A0 (no-break space) is the first character after C1: an ordinary character, accepted.
    assert cli("units", "add", "乙\u00a0局").exit_code == 0


def test_a_c1_character_in_a_hand_edited_list_or_log_is_a_problem_with_its_place(cli, sdpolicy_home):
    sdpolicy_home.mkdir()
    units = sdpolicy_home / "units.toml"
    # Line 1 [[unit]], line 2 zh: the name's problem is placed at its table's header, column 1.
    units.write_text('[[unit]]\nzh = "丙\\u009b局"\n', encoding="utf-8")
    message = assert_refused(cli("units"), 65)
    assert message == (
        f"the list of units has 1 problem: {units}:1:1: the name '丙\\x9b局' holds a control character; "
        "a unit's name is one line of plain text"
    )
    units.unlink()
    log = sdpolicy_home / "assignments.toml"
    # The problem is placed at `with =`: 'a-0000000001 = { ' is 17 characters, 'task = "IND-01", '
    # 17 more, 'lead = "济南市", ' 14 more (a character is one column), so column 17+17+14+1 = 49.
    line = 'a-0000000001 = { task = "IND-01", lead = "济南市", with = ["青岛\\u0085市"], date = 2006-03-01, recorded_at = 2006-03-01T08:00:00Z }\n'
    log.write_text(line, encoding="utf-8")
    result = cli("list", "--unit", "济南")
    assert result.exit_code == 65
    assert (
        f"{log}:1:49: entry 'a-0000000001': field 'with': the name '青岛\\x85市' holds a control character; "
        "a unit's name is one line of plain text"
    ) in result.stderr


def test_assign_by_refuses_a_control_character(cli, sdpolicy_home):
    message = assert_refused(cli("assign", "IND-01", "--lead", "济南", "--by", "王\x9b"))
    assert message == "--by: the name '王\\x9b' holds a control character; a unit's name is one line of plain text"
    assert not (sdpolicy_home / "assignments.toml").exists()


def _two_units_assigned(cli):
    assert cli("assign", "IND-01", "--lead", "省安监局", "--with", "济南", "--date", "2006-03-01").exit_code == 0
    assert cli("assign", "ENV-05", "--lead", "省安监局", "--date", "2006-03-01").exit_code == 0
    assert cli("mark", "IND-01", "--value", "120", "--date", "2006-06-30", "--by", "省安监局").exit_code == 0


def test_report_csv_by_unit_writes_the_table_by_unit(cli, tmp_path):
    _two_units_assigned(cli)
    # At 2006-06-30. IND-01: 120 of 200 is 60 %, 42.1 % expected: green. ENV-05 has no record and has
    # missed every monthly report since it began, at least red_after = 2 in a row: red. So 省安监局
    # leads 2 (0 done, 1 green, 0 yellow, 1 red, 0 not reported, 0 grey) and reported on 06-30,
    # inside the June period; 济南市 leads none and cooperates on one, with no report. Rows follow
    # the list of units: the starter list has the cities first. In English the JSON's keys, the
    # booleans as JSON writes them; on stdout no BOM and LF.
    result = cli("report", "--csv", "--by", "unit", "--as-of", "2006-06-30")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "unit_zh,unit_en,kind,led,cooperating,done,green,yellow,red,unreported,grey,last_report,reported\n"
        "济南市,Jinan,city,0,1,0,0,0,0,0,0,,false\n"
        "省安全生产监督管理局,Shandong Provincial Administration of Work Safety,department,2,0,0,1,0,1,0,0,2006-06-30,true\n"
    )
    # In Chinese, the xlsx Units sheet as text; into a file (the format from the name) with the BOM
    # and CRLF, as the task CSV. The headings are the Markdown table's, 最近报送 among them.
    out = tmp_path / "分单位.csv"
    assert cli("report", "--by", "unit", "-o", str(out), "--as-of", "2006-06-30", "--lang", "zh").exit_code == 0
    assert out.read_bytes().decode("utf-8") == (
        "\ufeff单位,牵头任务,完成,绿灯,黄灯,红灯,未报送,灰灯,最近报送,本期已报\r\n"
        "济南市,0,0,0,0,0,0,0,,否\r\n"
        "省安全生产监督管理局,2,0,1,0,1,0,0,2006-06-30,是\r\n"
    )
    # The default is unchanged: one row per task (89 in the catalogue) under the header.
    assert len(cli("report", "--csv", "--as-of", "2006-06-30").stdout.splitlines()) == 1 + 89


def test_report_csv_by_unit_before_any_assignment_and_with_a_formula_like_name(cli):
    # No assignment yet: the header alone, so that a script reading the file still finds its columns.
    empty = cli("report", "--csv", "--by", "unit", "--lang", "zh")
    assert empty.exit_code == 0 and empty.stdout == "单位,牵头任务,完成,绿灯,黄灯,红灯,未报送,灰灯,最近报送,本期已报\n"
    # A unit's name is text from data: a leading = gets the quote that keeps it from being a formula.
    assert cli("units", "add", "=HYPERLINK(1)").exit_code == 0
    assert cli("assign", "IND-02", "--lead", "=HYPERLINK(1)", "--date", "2006-03-01").exit_code == 0
    for lang in ("en", "zh"):
        rows = cli("report", "--csv", "--by", "unit", "--lang", lang).stdout.splitlines()
        assert rows[1].startswith("'=HYPERLINK(1),"), (lang, rows)


def test_report_by_unit_is_refused_where_it_has_no_meaning(cli):
    message = assert_refused(cli("report", "--md", "--by", "unit"))
    assert message == "--by unit is for --csv, which holds one table; the other formats already include the table by unit"
    message = assert_refused(cli("report", "--csv", "--by", "unit", "--since", "2006-05-31"))
    assert message == "--since adds columns to the table of tasks; it does not go with --by unit"
    assert assert_refused(cli("report", "--csv", "--by", "area")) == "--by takes task or unit, not 'area'"


def test_status_by_unit_heads_its_date_column_last_report(cli):
    # The words table once had the key last_report twice, and the later one (a sentence with a
    # {date} slot) won: the column read "last report {date}" in every format.
    _two_units_assigned(cli)
    header = cli("status", "--by", "unit", "--as-of", "2006-06-30").stdout.split("\n")[1]
    assert [c.strip() for c in header.split("|")][-2:] == ["Last report", "Reported this period"]
    md = cli("report", "--md", "--as-of", "2006-06-30", "--lang", "zh").stdout
    assert "| 单位 | 牵头任务 | 完成 | 绿灯 | 黄灯 | 红灯 | 未报送 | 灰灯 | 最近报送 | 本期已报 |" in md


def test_the_words_table_holds_each_key_once_and_every_plan_role():
    import ast
    from pathlib import Path

    import sdpolicy.i18n as i18n
    from sdpolicy.catalogue import UNIT_ROLES

    # A dict literal keeps the last of two equal keys without a word: read the source instead.
    tree = ast.parse(Path(i18n.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            assert sorted({k for k in keys if keys.count(k) > 1}) == []
    for role in UNIT_ROLES:
        assert all(i18n.t(f"plan_role.{role}", lang) != f"plan_role.{role}" for lang in ("zh", "en")), role


def test_list_unit_names_the_role_the_plan_gives_a_locality(cli):
    # IND-10 names 济南, 青岛 and 临沂 as the places of its three bases (role 'locality'); listing
    # 济南's tasks once failed on the missing word for that role.
    result = cli("list", "--unit", "济南", "--as-of", "2006-07-01")
    assert result.exit_code == 0, result.stderr
    row = next(line for line in result.stdout.split("\n") if line.startswith("IND-10 "))
    assert row.rstrip().endswith("| named by the plan: locality")
    zh = cli("list", "--unit", "济南", "--as-of", "2006-07-01", "--lang", "zh").stdout
    assert next(line for line in zh.split("\n") if line.startswith("IND-10 ")).rstrip().endswith("| 要点点名：实施地")
