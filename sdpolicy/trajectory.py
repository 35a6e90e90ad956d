"""Trajectories: progress evaluated at a series of dates, and a forecast of where a task will stand at
its deadline.

A trend is not a second implementation of the lights: every column is `progress.plan_progress` at
that date, exactly what `status --as-of DATE` computes. The forecast is a straight line through the
two newest reported figures, carried to the deadline; it is shown beside the light and never counts
as progress.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
from datetime import date
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

from sdpolicy.asof import dated_by, parse_day
from sdpolicy import periods
from sdpolicy.catalogue import Lights, Node, Plan, Reporting, Task
from sdpolicy.errors import UsageError
from sdpolicy.progress import (
    LIGHTS, TaskProgress, Summary, area_summary, progress_series, reached,
)
from sdpolicy.sanitise import first_hidden
from sdpolicy.store import Record

EVERY = ("month", "quarter")
FORECAST_METHOD = "last-two-reports"


# ---------------------------------------------------------------------------------------------
# Dates


def period_ends(first: date, last: date, every: str = "month") -> list[date]:
    """The ends of the months (or quarters) from `first` to `last`, and `last` itself when it falls
    inside a period: a trend drawn up mid-month still shows where things stand on that day."""
    if every not in EVERY:
        raise UsageError(f"unknown period '{every}'; use month or quarter", zh=f"没有“{every}”这种周期；请用 month 或 quarter")
    if last < first:
        raise UsageError(
            f"the trend would end on {last}, before it starts on {first}; give a --to after --from",
            zh=f"走势的截止日期 {last} 早于起始日期 {first}；请让 --to 晚于 --from",
        )
    # The calendar of reporting periods (periods.py) knows where months and quarters end.
    reporting = Reporting(cadence={"month": "monthly", "quarter": "quarterly"}[every])
    index = periods.index_of(reporting, first)
    ends: list[date] = []
    while (end := periods.period(reporting, index).end) <= last:
        ends.append(end)
        index += 1
    if not ends or ends[-1] != last:
        ends.append(last)
    return ends


# ---------------------------------------------------------------------------------------------
# Trends


def task_trend(plan: Plan, task: Task, records: Sequence[Record], dates: Sequence[date]) -> list[TaskProgress]:
    """The task's progress at each date, as `show --as-of` would judge it there."""
    return [found[0] for found in progress_series(plan, records, dates, [task])]


def group_trend(
    plan: Plan, tasks: Sequence[Task], records: Sequence[Record], dates: Sequence[date]
) -> list[Summary]:
    """The lights of `tasks` summed at each date, as `status --as-of` would count them there."""
    return [area_summary(plan, found) for found in progress_series(plan, records, dates, tasks)]


def report_dates(plan: Plan, as_of: date) -> list[date]:
    """The dates a report's trend shows: the month ends from the plan's start to as_of, and as_of."""
    if as_of < plan.start:
        return []
    return period_ends(plan.start, min(as_of, plan.end), "month")


# ---------------------------------------------------------------------------------------------
# Forecast


class Forecast(NamedTuple):
    value: float  # the projected figure at the deadline
    on_track: bool  # whether that figure reaches the target
    points: tuple[tuple[date, float], tuple[date, float]]  # the two reports the line runs through


def reports(history: Sequence[Record]) -> list[tuple[date, float]]:
    """The reported figures of a task, one per date (the one in force that day), oldest first.

    `history` is newest first, so the first figure met for a date is the correction that wins.
    """
    found: dict[date, float] = {}
    for record in history:
        if record.value is not None and record.date not in found:
            found[record.date] = record.value
    return sorted(found.items())


def forecast(progress: TaskProgress) -> Forecast | None:
    """Where the task's figure will stand at its deadline if it keeps the pace of its two newest
    reports, or None: for milestone and qualitative targets, fewer than two reported dates, a task
    already done, or a deadline that has passed (then the light already says what happened)."""
    task = progress.task
    if not task.target.numeric or progress.light == "done" or progress.as_of > task.deadline:
        return None
    figures = reports(progress.history)
    if len(figures) < 2:
        return None
    (day0, value0), (day1, value1) = figures[-2], figures[-1]
    if day1 >= task.deadline:
        projected = value1
    else:
        pace = (value1 - value0) / (day1 - day0).days
        projected = value1 + pace * (task.deadline - day1).days
    # A figure cannot go below zero, nor a share past 100%: the line stops there.
    projected = max(projected, 0.0)
    if task.target.kind == "percent":
        projected = min(projected, 100.0)
    return Forecast(value=projected, on_track=reached(task.target, projected), points=(figures[-2], figures[-1]))


def light_counts(summary: Summary) -> dict[str, int]:
    return {light: getattr(summary.total, light) for light in LIGHTS}


# ---------------------------------------------------------------------------------------------
# Time nodes (时间节点)

# Nodes are compared with the as-of date in whole days, so a share of the period needs the same
# slack as the lights of figures.
_SLACK = 1e-9
MAX_NODES = 24
MAX_NODE_NAME = 60
# A sign is read too, so that a negative share is refused as a share rather than kept in the name.
_SHARE = re.compile(r"(-?[0-9]+(?:\.[0-9]+)?)%?")
# What a Chinese input method types in place of : / %: a clerk filling in the breakdown sheet, or
# typing --node, should not have to switch to half-width for the separators.
_FULL_WIDTH = str.maketrans({"：": ":", "／": "/", "％": "%"})


def parse_node(text: str) -> Node:
    """A node as typed after --node or in a Node cell of the breakdown sheet: DATE:NAME, where NAME is
    中文 or 中文/English, and an optional :SHARE (the percent of the work done at that node):
    2006-06-30:送审稿/draft for review:30. Full-width ： ／ ％ count as their half-width forms."""
    text = text.translate(_FULL_WIDTH)
    day, sep, rest = text.strip().partition(":")
    if not sep or not rest.strip():
        raise UsageError(
            f"time node '{text}' is not DATE:NAME, such as 2006-06-30:送审稿",
            zh=f"时间节点“{text}”应写成 日期:名称，例如 2006-06-30:送审稿",
        )
    share: float | None = None
    name, sep, tail = rest.rpartition(":")
    if sep and _SHARE.fullmatch(tail.strip()):
        share = float(_SHARE.fullmatch(tail.strip()).group(1))  # type: ignore[union-attr]
    else:
        name = rest
    zh, _, en = name.partition("/")
    return Node(parse_day(day), zh.strip(), en.strip(), share)


def check_nodes(nodes: Sequence[Node], task: Task) -> None:
    """Refuse a list of nodes that could not be judged: UsageError naming the node at fault."""
    if len(nodes) > MAX_NODES:
        raise UsageError(f"task {task.id} is given {len(nodes)} time nodes; keep it to {MAX_NODES}",
                         zh=f"任务 {task.id} 给了 {len(nodes)} 个时间节点；请不超过 {MAX_NODES} 个")
    if task.target.numeric:
        raise UsageError(
            f"task {task.id} has a {task.target.kind} target: its figures are judged against time already; "
            "time nodes are for milestone and qualitative tasks",
            zh=f"任务 {task.id} 是数量型目标，已按序时进度评价；时间节点只用于里程碑和定性任务",
        )
    names: set[str] = set()
    for index, node in enumerate(nodes):
        what = f"time node '{node.zh}'"
        for name in (node.zh, node.en):
            # What counts as a control or invisible character is sanitise's rule, as for units' names.
            if len(name) > MAX_NODE_NAME or first_hidden(name) is not None:
                raise UsageError(
                    f"{what}: a name must be up to {MAX_NODE_NAME} characters without control or invisible characters",
                    zh=f"时间节点“{node.zh}”：名称须不超过 {MAX_NODE_NAME} 个字符，且不含控制字符或不可见字符",
                )
        if not node.zh:
            raise UsageError(f"time node on {node.date} has no Chinese name", zh=f"{node.date} 的时间节点没有中文名称")
        for name in filter(None, (node.zh, node.en)):
            if name.casefold() in names:
                raise UsageError(f"{what}: the name '{name}' is used twice", zh=f"时间节点名称“{name}”重复")
            names.add(name.casefold())
        if not task.start <= node.date <= task.deadline:
            raise UsageError(
                f"{what} falls on {node.date}, outside task {task.id}'s period {task.start} to {task.deadline}",
                zh=f"时间节点“{node.zh}”的日期 {node.date} 不在任务 {task.id} 的期限 {task.start} 至 {task.deadline} 之内",
            )
        if node.share is not None and not (0 <= node.share <= 100 and math.isfinite(node.share)):
            raise UsageError(f"{what}: its share must be a percent from 0 to 100", zh=f"时间节点“{node.zh}”的完成比例须在 0 到 100 之间")
        if index:
            before = nodes[index - 1]
            if node.date <= before.date:
                raise UsageError(f"{what} on {node.date} is not after '{before.zh}' on {before.date}; give the nodes in date order",
                                 zh=f"时间节点“{node.zh}”（{node.date}）不晚于“{before.zh}”（{before.date}）；请按日期先后给出")
            if node.share is not None and before.share is not None and node.share < before.share:
                raise UsageError(f"{what}: its share {node.share:g}% is below the {before.share:g}% of the node before it",
                                 zh=f"时间节点“{node.zh}”的完成比例 {node.share:g}% 低于前一节点的 {before.share:g}%")


def node_fault(nodes: Sequence[Node], task: Task) -> tuple[int, UsageError] | None:
    """Which node `check_nodes` refuses first (its index) and why, or None: a workbook names the cell
    of the node at fault. Every rule at index i looks only at the nodes up to i (the count limit
    and the kind of target fail at the first node past them), so the first prefix refused is it."""
    for index in range(len(nodes)):
        try:
            check_nodes(nodes[: index + 1], task)
        except UsageError as exc:
            return index, exc
    return None


def node_text(node: Node) -> str:
    """A node written back in the syntax parse_node reads: 2006-06-30:送审稿/draft:40."""
    text = f"{node.date.isoformat()}:{node.zh}"
    if node.en:
        text += f"/{node.en}"
    if node.share is not None:
        text += f":{node.share:g}"
    return text


def node_field(nodes: Sequence[Node]) -> list[dict[str, Any]]:
    """The nodes as an assignment entry stores them."""
    out = []
    for node in nodes:
        item: dict[str, Any] = {"date": node.date, "zh": node.zh}
        if node.en:
            item["en"] = node.en
        if node.share is not None:
            item["share"] = int(node.share) if float(node.share).is_integer() else node.share
        out.append(item)
    return out


def nodes_of_field(value: Any) -> tuple[Node, ...]:
    return tuple(Node(item["date"], item["zh"], item.get("en", ""), item.get("share")) for item in value)


def node_field_problem(value: Any) -> str | None:
    """What is wrong with a `nodes` field read from the assignments log, or None."""
    shape = "nodes must be a list of { date = 2006-06-30, zh = \"送审稿\", en = \"…\", share = 30 }"
    if not isinstance(value, list):
        return shape
    for item in value:
        if not isinstance(item, dict) or set(item) - {"date", "zh", "en", "share"}:
            return shape
        if not isinstance(item.get("date"), date) or not isinstance(item.get("zh"), str) or not item["zh"].strip():
            return shape
        if not isinstance(item.get("en", ""), str):
            return shape
        share = item.get("share")
        if share is not None and (isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 100):
            return "a node's share must be a percent from 0 to 100"
    dates = [item["date"] for item in value]
    if dates != sorted(set(dates)):
        return "nodes must be in date order, one per date"
    return None


def nodes_in_effect(entries: Iterable[Any]) -> dict[str, tuple[Node, ...]]:
    """Each task's nodes from the assignments log: those of its latest entry that sets nodes, so that a
    reassignment of the lead keeps the nodes, and `assign --node` replaces the whole list."""
    found: dict[str, tuple[tuple[Any, ...], tuple[Node, ...]]] = {}
    for entry in entries:
        extra = dict(entry.extra)
        if "nodes" not in extra:
            continue
        rank = (entry.date, entry.recorded_at, entry.id)
        if entry.task not in found or rank > found[entry.task][0]:
            found[entry.task] = (rank, nodes_of_field(extra["nodes"]))
    return {task: nodes for task, (_, nodes) in found.items()}


def with_nodes(plan: Plan, nodes: Mapping[str, tuple[Node, ...]]) -> Plan:
    """The plan with the office's nodes on its tasks (they replace any the catalogue gives)."""
    if not nodes:
        return plan
    tasks = tuple(t._replace(nodes=nodes[t.id]) if t.id in nodes else t for t in plan.tasks)
    return dataclasses.replace(plan, tasks=tasks)


def find_node(task: Task, name: str) -> Node:
    """The node of a task named (Chinese or English, any case), or UsageError with the closest names."""
    key = name.strip().casefold()
    for node in task.nodes:
        if key in (node.zh.casefold(), node.en.casefold()):
            return node
    if not task.nodes:
        raise UsageError(
            f"task {task.id} has no time nodes; set them with sdpolicy assign {task.id} --node DATE:NAME",
            zh=f"任务 {task.id} 没有时间节点；请先用 sdpolicy assign {task.id} --node 日期:名称 设定",
        )
    names = [n for node in task.nodes for n in (node.zh, node.en) if n]
    close = difflib.get_close_matches(name.strip(), names, n=3, cutoff=0.3)
    listed = "、".join(node.zh for node in task.nodes)
    raise UsageError(
        f"task {task.id} has no time node '{name}'; its nodes are {', '.join(names)}"
        + (f"; did you mean {' or '.join(close)}?" if close else ""),
        zh=f"任务 {task.id} 没有时间节点“{name}”；它的节点有 {listed}",
    )


def reached_nodes(found: Iterable[Record], as_of: date) -> dict[str, date]:
    """Each node reported reached by as_of, with the first day it was (a later report changes nothing)."""
    reached: dict[str, date] = {}
    for record in dated_by(found, as_of):
        if record.node is not None:
            if record.node not in reached or record.date < reached[record.node]:
                reached[record.node] = record.date
    return reached


class NodeJudgement(NamedTuple):
    light: str | None  # None: no node has anything to say yet, today's rule applies
    reason: str
    data: dict[str, Any]
    percent: float | None  # the share of the latest node reached, when the nodes carry shares
    reached: dict[str, date]  # node (Chinese name) -> the first day it was reported reached


def judge_nodes(task: Task, found: Sequence[Record], as_of: date, lights: Lights) -> NodeJudgement:
    """A milestone or qualitative task judged by its nodes at as_of.

    A node is missed once its day has passed without a record that reaches it. The earliest missed
    node decides: missed by up to the yellow threshold (as a share of the task's period) is yellow,
    beyond it red. With every node due so far reached (or one reached early), the task is green.
    """
    reached = reached_nodes(found, as_of)
    shares = [n.share for n in task.nodes if n.share is not None]
    percent = max((n.share for n in task.nodes if n.share is not None and n.zh in reached), default=0.0) if shares else None
    period = max((task.deadline - task.start).days, 1)
    missed = [n for n in task.nodes if n.date < as_of and n.zh not in reached]
    if missed:
        node = missed[0]
        days = (as_of - node.date).days
        late = 100 * days / period
        light = "yellow" if late <= lights.yellow_behind + _SLACK else "red"
        data = {"node_zh": node.zh, "node_en": node.en or node.zh, "date": node.date.isoformat(), "days": days}
        return NodeJudgement(light, "node-missed", data, percent, reached)
    if reached or any(n.date <= as_of for n in task.nodes):
        data = {"reached": sum(1 for n in task.nodes if n.zh in reached), "nodes": len(task.nodes)}
        return NodeJudgement("green", "nodes-met", data, percent, reached)
    return NodeJudgement(None, "", {}, percent, reached)
