"""Monthly returns: the fill-in workbook a lead unit gets (template) and what it sends back (importer).

The columns, their headers in both languages and the words accepted for a state are defined once,
here, and shared by both directions, so that whatever the template writes the importer reads.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import TYPE_CHECKING, NamedTuple


if TYPE_CHECKING:
    from sdpolicy.catalogue import Plan

TEMPLATE_VERSION = 1
META_SHEET = "sdpolicy"  # the hidden sheet of metadata
KIND_RETURN = "sdpolicy-return"
KIND_ASSIGNMENTS = "sdpolicy-assignments"


class Column(NamedTuple):
    key: str
    en: str
    zh: str
    fill: bool  # filled in by the unit (unlocked); the others are written by sdpolicy and protected


# The header texts of the fill-in columns are fixed by the issue the office agreed on; the importer
# finds them by these words, in either language, wherever they stand in the header row.
RETURN_COLUMNS = (
    Column("id", "ID", "编号", False),
    Column("area", "Area", "领域", False),
    Column("task", "Task", "任务", False),
    Column("target", "Target", "目标", False),
    Column("role", "Role", "分工", False),
    Column("last", "Last reported", "上次报送", False),
    Column("last_date", "Last date", "上次日期", False),
    Column("expected", "Expected by period end", "期末序时进度", False),
    Column("value", "Value", "本期数值", True),
    Column("state", "State", "状态", True),
    Column("date", "Date", "日期", True),
    Column("note", "Note", "进展情况", True),
    Column("problems", "Problems", "存在问题", True),
    Column("next_steps", "Next steps", "下一步措施", True),
)
ASSIGNMENT_COLUMNS = (
    Column("id", "ID", "编号", False),
    Column("area", "Area", "领域", False),
    Column("task", "Task", "任务", False),
    Column("lead", "Lead unit", "牵头单位", True),
    Column("with", "Cooperating units", "配合单位", True),
    Column("note", "Note", "备注", True),
)
READ_RETURN = ("id", "value", "state", "date", "note", "problems", "next_steps")
READ_ASSIGNMENTS = ("id", "lead", "with", "note")

# The drop-down of each language; the importer reads any state word through progress.state_code.
STATE_CHOICES = {
    "zh": ("未开始", "进行中", "已完成", "受阻"),
    "en": ("not-started", "in-progress", "done", "blocked"),
}
# A list of units in one cell of the breakdown sheet: Chinese or Latin separators, or one per line.
UNIT_SEPARATORS = re.compile(r"[、,，;；\n]+")


def header(column: Column, lang: str) -> str:
    return column.zh if lang == "zh" else column.en


def catalogue_digest(plan: Plan) -> str:
    """What a row of a return means: the plan, and each task's id, area and target. A template made
    for another catalogue (a task renamed, a target changed) is warned about when it comes back."""
    meaning = [plan.id, [(t.id, t.area, list(t.target)) for t in plan.tasks]]
    return hashlib.sha256(json.dumps(meaning, ensure_ascii=False, default=str).encode()).hexdigest()[:16]
