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

from sdpolicy.trajectory import MAX_NODES


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

# The time nodes (时间节点) of a task on the breakdown sheet: one cell per node, in the syntax of
# `assign --node` (DATE:名称[/English][:SHARE]), numbered so that the order of the cells is the order
# of the nodes. The template writes as many as it needs (at least NODE_CELLS); the importer reads
# any column headed "Node N" or "时间节点N" up to the most nodes a task may carry.
NODE_CELLS = 5


def node_columns(count: int) -> tuple[Column, ...]:
    return tuple(Column(f"node{n}", f"Node {n}", f"时间节点{n}", True) for n in range(1, count + 1))


def assignment_columns(nodes: int) -> tuple[Column, ...]:
    """The breakdown sheet's columns with `nodes` node cells, placed before the note, which Chinese
    office forms keep last (备注)."""
    *units, note = ASSIGNMENT_COLUMNS
    return (*units, *node_columns(nodes), note)


# Read: every node column the sheet may have.
ASSIGNMENT_LAYOUT = assignment_columns(MAX_NODES)
# A node cell holding one of these words (and the others blank) clears the task's nodes; a row whose
# node cells are all blank keeps the nodes in effect.
CLEAR_NODES = ("无", "none")
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
