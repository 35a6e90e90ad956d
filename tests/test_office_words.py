"""Chinese that an office would write (issue 14): blocked, slightly behind, the light column, sections,
dates in prose and headings, and the Chinese state words a clerk types."""

from __future__ import annotations

import json

import openpyxl
import pytest

from sdpolicy.progress import state_code

JUNE = "2006-06-30"


def show_line(cli, task_id: str, label: str, *args: str) -> str:
    text = cli("show", task_id, *args).stdout
    return next(line for line in text.splitlines() if line.startswith(label)).removeprefix(label).strip()


def test_blocked_reads_as_the_task_being_blocked(cli, mark, tmp_path):
    mark("ENV-05", "--state", "blocked", "--date", JUNE)
    assert show_line(cli, "ENV-05", "亮灯", "--as-of", JUNE, "--lang", "zh") == "● 红灯 — 任务受阻"
    assert show_line(cli, "ENV-05", "Light", "--as-of", JUNE, "--lang", "en") == "● red — blocked"
    red_list = cli("report", "--md", "--as-of", JUNE, "--lang", "zh").stdout.split("## 红灯", 1)[1]
    assert "任务受阻" in red_list and "报告受阻" not in red_list
    target = tmp_path / "zh.xlsx"
    assert cli("report", "--xlsx", "-o", str(target), "--as-of", JUNE, "--lang", "zh").exit_code == 0
    tasks = openpyxl.load_workbook(target)["任务"]
    header = [c.value for c in tasks[1]]
    row = next(r for r in tasks.iter_rows(min_row=2, values_only=True) if r[0] == "ENV-05")
    assert row[header.index("评价依据")] == "任务受阻"


# IND-01: 200 enterprises from 0, 2006-02-16 to 2006-12-31 (318 days). At 2006-06-30, 134 days have
# passed: 42.138 % expected.


def test_slightly_behind_is_basically_on_schedule(cli, mark):
    mark("IND-01", "--value", "80", "--date", JUNE)  # 40 %: 2.138 points behind, under the yellow 10
    assert show_line(cli, "IND-01", "亮灯", "--as-of", JUNE, "--lang", "zh") == "● 绿灯 — 基本符合序时进度（滞后2.1个百分点）"
    assert show_line(cli, "IND-01", "Light", "--as-of", JUNE) == "● green — on schedule (2.1 points behind)"


def test_ahead_is_on_schedule_and_far_behind_is_lagging(cli, mark):
    mark("IND-01", "--value", "90", "--date", JUNE)  # 45 %: 2.9 points ahead
    assert show_line(cli, "IND-01", "亮灯", "--as-of", JUNE, "--lang", "zh") == "● 绿灯 — 符合序时进度（应完成42.1%，实际45.0%）"
    mark("IND-01", "--value", "60", "--date", JUNE)  # 30 %: 12.138 points behind, yellow
    assert show_line(cli, "IND-01", "亮灯", "--as-of", JUNE, "--lang", "zh") == (
        "● 黄灯 — 滞后序时进度12.1个百分点（应完成42.1%，实际30.0%）"
    )


def test_the_light_column_is_called_liangdeng(cli):
    header = cli("list", "--as-of", JUNE, "--lang", "zh").stdout.splitlines()[0]
    assert [c.strip() for c in header.split("|")][5] == "亮灯"


def test_sections_are_named_as_the_plan_names_them(cli):
    # EGOV-10 comes from section 三 of the plan.
    assert show_line(cli, "EGOV-10", "出处", "--lang", "zh").endswith("· 第三部分")
    assert show_line(cli, "EGOV-10", "Source", "--lang", "en").endswith("· Section 3")


def test_dates_in_headings_and_prose_are_chinese_and_iso_in_tables(cli, mark):
    status = cli("status", "--as-of", "2006-07-01", "--lang", "zh").stdout
    assert status.splitlines()[0] == "截至2006年7月1日"
    assert cli("status", "--as-of", "2006-07-01").stdout.splitlines()[0] == "As of 2006-07-01"
    report = cli("report", "--md", "--as-of", "2006-07-01", "--lang", "zh").stdout
    assert "截至2006年7月1日 · " in report
    # IND-04 (the expo) was due 2006-09-30: overdue in October, said in a sentence.
    mark("IND-04", "--state", "in-progress", "--date", JUNE)
    why = show_line(cli, "IND-04", "亮灯", "--as-of", "2006-10-01", "--lang", "zh")
    assert why == "● 红灯 — 已过期限（2006年9月30日）仍未完成"
    listed = cli("list", "--as-of", "2006-10-01", "--lang", "zh").stdout
    row = next(line for line in listed.splitlines() if line.startswith("IND-04 "))
    assert "| 2006-09-30 |" in row  # a table keeps ISO dates
    assert listed.splitlines()[-1].endswith("截至2006年10月1日")


@pytest.mark.parametrize(
    "typed, code",
    [("未开始", "not-started"), ("未启动", "not-started"), ("进行中", "in-progress"), ("推进中", "in-progress"),
     ("已完成", "done"), ("受阻", "blocked"), (" 进 行 中 ", "in-progress"), ("In progress", "in-progress"),
     ("in_progress", "in-progress"), ("BLOCKED", "blocked"), ("中", None), ("wip", None)],
)
def test_state_words_in_both_languages(typed, code):
    assert state_code(typed) == code


@pytest.mark.parametrize("typed, code", [("未开始", "not-started"), ("进行中", "in-progress"), ("已完成", "done"), ("受阻", "blocked")])
def test_mark_takes_chinese_state_names(cli, typed, code):
    result = cli("mark", "ENV-05", "--state", typed, "--date", JUNE)
    assert result.exit_code == 0, result.stderr
    (record,) = json.loads(cli("log", "--json").stdout)["records"]
    assert record["state"] == code


def test_chinese_states_are_shown_as_they_are_typed(cli, mark):
    mark("ENV-05", "--state", "进行中", "--date", JUNE)
    row = cli("list", "--as-of", JUNE, "--lang", "zh").stdout
    assert "| 进行中 " in next(line for line in row.splitlines() if line.startswith("ENV-05 "))


def test_reasons_round_half_up_whatever_view_they_come_from():
    from sdpolicy.render import words

    # format() alone would write 12.2 and 42.2 (half to even on the binary value).
    behind = {"code": "behind", "behind": 12.25, "expected": 42.25, "actual": 30.0}
    assert words.reason(behind, "zh") == "滞后序时进度12.3个百分点（应完成42.3%，实际30.0%）"


def test_every_date_in_a_reason_is_chinese_under_zh():
    from sdpolicy.render import words

    node = {"code": "node-missed", "node_zh": "完成招标", "node_en": "tender", "date": "2006-06-30", "days": 3}
    assert words.reason(node, "zh") == "时间节点“完成招标”（2006年6月30日）已逾期 3 天未完成"
    assert words.reason(node, "en") == "time node 'tender' due 2006-06-30 missed by 3 days"
