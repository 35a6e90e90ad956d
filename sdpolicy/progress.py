"""Progress arithmetic: which records are in effect, the latest actuals, lights, summaries and the
comparison with the 2005 baselines; and the checks a new record must pass before it is written.

Everything here is a pure function of the frozen catalogue and the records read from the store, so
every output format shows the same numbers. Lights carry a reason code and its numbers rather than
a sentence: the CLI words them in Chinese or English.
"""

from __future__ import annotations

import difflib
import math
import re
import sys
from collections import Counter, defaultdict
from itertools import compress, count, repeat
from operator import attrgetter, is_not
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable, NamedTuple, Sequence

from sdpolicy import periods, store
from sdpolicy.asof import dated_by, parse_day
from sdpolicy.catalogue import Area, Indicator, Plan, Target, Task, find_item, suggest_zh
from sdpolicy.errors import UsageError
from sdpolicy.store import STATES, Record

MAX_NOTE = 2000
MAX_BY = 200
MAX_VALUE = 1e12
LIGHTS = ("done", "green", "yellow", "red", "unreported", "grey")
REASONS = (
    "met", "blocked", "overdue", "not-begun", "no-record", "in-progress", "on-track", "behind", "node-missed", "nodes-met",
    "unreported", "long-unreported",
)

# Expected and actual percentages are floats; without a little slack a task exactly 30 points behind
# could turn red because of the last bit of a division.
_SLACK = 1e-9


# ---------------------------------------------------------------------------------------------
# Retractions


def _resolved(records: Sequence[Record]) -> tuple[list[bool], dict[int, list[int]], list[int]]:
    """Whether each record stands (is not retracted), which retractions name each record, and where
    the retractions stand.

    A retraction only counts against a record that precedes it in the log: the log is append-only,
    so a genuine retraction always follows its target. That rules out cycles, and it means that
    walking the log backwards settles every retraction before the record it names, so a chain of
    undo and redo of any length resolves in one pass (a memo over a DAG, without recursion depth).
    """
    stands = [True] * len(records)
    # Retractions are few beside the records: only they and the records they name are looked at one
    # by one. The two passes over the whole log are made in C (map and compress): at a million records,
    # a quarter less time than comprehensions took.
    retractions = list(compress(count(), map(is_not, map(_RETRACTS, records), repeat(None))))
    if not retractions:
        return stands, {}, retractions
    named = {records[index].retracts for index in retractions}
    positions: dict[str, list[int]] = defaultdict(list)
    for index in compress(count(), map(named.__contains__, map(_ID, records))):
        positions[records[index].id].append(index)
    retractors: dict[int, list[int]] = defaultdict(list)
    for index in retractions:
        for target in positions.get(records[index].retracts, ()):
            if target < index:
                retractors[target].append(index)
    for index in sorted(retractors, reverse=True):
        stands[index] = not any(stands[j] for j in retractors[index])
    return stands, retractors, retractions


_RETRACTS, _ID = attrgetter("retracts"), attrgetter("id")


def effective(records: Sequence[Record]) -> list[Record]:
    """The records in effect, in log order: not retracted, and not retractions themselves.

    `records` must be in log order (as the store reads them). Applying it twice changes nothing,
    so the functions below accept either the raw log or its effective records.
    """
    stands, _, retractions = _resolved(records)
    if not retractions:
        return list(records)
    for index in retractions:
        stands[index] = False
    return list(compress(records, stands))


def retracted_by(records: Sequence[Record]) -> dict[str, str]:
    """For every record that is retracted, the id of the standing retraction that retracts it."""
    stands, retractors, _ = _resolved(records)
    return {
        records[index].id: next(records[j].id for j in found if stands[j])
        for index, found in retractors.items()
        if not stands[index]
    }


def superseded_by(records: Sequence[Record], plan: Plan | None = None) -> dict[str, str]:
    """For every record in effect that a later one for the same item and date replaces, that one's id.

    A figure replaces a figure, a state a state and a node a node (a task marked blocked keeps its figure). Given the
    plan, a task and the indicator it shares its figure with count as one item (see shared_figures).
    """
    shared = shared_figures(plan) if plan is not None else {}
    days: dict[tuple[Any, ...], list[tuple[datetime, int, Record]]] = defaultdict(list)
    for position, record in enumerate(effective(records)):
        key = (record.kind, record.item)
        if record.value is not None and key in shared:
            key = min(key, shared[key])
        # A time node reached replaces only a report of the same node, never a state or a figure.
        days[(key, record.date, record.value is None, record.node)].append((_utc(record.recorded_at), position, record))
    found: dict[str, str] = {}
    for entries in days.values():
        if len(entries) > 1:
            entries.sort(key=lambda e: e[:2])
            winner = entries[-1][2].id
            found.update((entry[2].id, winner) for entry in entries[:-1])
    return found


def _utc(moment: datetime) -> datetime:
    # A hand-edited store might hold a naive time; comparing it with an aware one would raise.
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def undo_target(records: Sequence[Record], record_id: str | None) -> Record:
    """The record an undo retracts: the last one recorded that is in effect, or the one named.

    A unique prefix of an id is enough. Naming a retraction that stands is allowed: retracting it
    restores what it retracted.
    """
    stands, retractors, _ = _resolved(records)
    if record_id is None:
        candidates = [
            (_utc(r.recorded_at), index)
            for index, r in enumerate(records)
            if stands[index] and r.retracts is None
        ]
        if not candidates:
            raise UsageError("there is nothing to undo", zh="没有可以撤回的记录")
        return records[max(candidates)[1]]

    _check_encodable("record id", record_id)
    key = record_id.strip()
    if not key:
        raise UsageError("the record id is empty; give the id of the record to retract", zh="记录编号为空；请给出要撤回的记录编号")
    matches = [i for i, r in enumerate(records) if r.id == key]
    folded = key.casefold()
    if not matches:
        matches = [i for i, r in enumerate(records) if r.id.casefold().startswith(folded)]
    if not matches and not folded.startswith("r-"):
        # Every id starts with "r-"; people copying one often leave it off.
        matches = [i for i, r in enumerate(records) if r.id.casefold().startswith("r-" + folded)]
    ids = list(dict.fromkeys(records[i].id for i in matches))
    if not ids:
        near = key if folded.startswith("r-") else "r-" + key
        close = _close_ids(near, [r.id for r in records])
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise UsageError(f"unknown record '{record_id}'{hint}", zh=f"没有记录“{record_id}”{suggest_zh(close)}")
    if len(ids) > 1:
        shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        raise UsageError(
            f"record id '{record_id}' is ambiguous: it matches {shown}; give more of the id",
            zh=f"记录编号“{record_id}”不唯一，匹配 {shown}；请多输入几位",
        )
    index = matches[0]
    if not stands[index]:
        by = next(records[j].id for j in retractors[index] if stands[j])
        raise UsageError(
            f"record {records[index].id} was already retracted by {by}",
            zh=f"记录 {records[index].id} 已被 {by} 撤回",
        )
    return records[index]


def undo_target_unchanged(records: Sequence[Record], record_id: str | None, retraction: Record) -> None:
    """Refuse `retraction` unless `records` (the store as it is under the lock) still give it the same
    target: two undos at once would otherwise both retract the same record."""
    target = undo_target(records, record_id)  # refuses a record retracted meanwhile
    if target.id != retraction.retracts:
        raise UsageError(
            f"the latest record changed while undo waited for the store (it is now {target.id}, not "
            f"{retraction.retracts}); nothing was retracted: look at `sdpolicy log` and run undo again",
            zh=f"撤回等待期间最新记录已变化（现在是 {target.id}，而不是 {retraction.retracts}）；未撤回任何记录："
            "请查看 sdpolicy log 后重新撤回",
        )


def _close_ids(key: str, ids: list[str]) -> list[str]:
    # People type the start of an id, so an id's opening counts as much as the whole of it.
    def likeness(candidate: str) -> float:
        whole = difflib.SequenceMatcher(None, key, candidate).ratio()
        start = difflib.SequenceMatcher(None, key, candidate[: len(key)]).ratio()
        return max(whole, start)

    scored = sorted(((likeness(i), i) for i in dict.fromkeys(ids)), reverse=True)
    return [i for score, i in scored if score >= 0.8][:3]


# ---------------------------------------------------------------------------------------------
# Latest actuals


def shared_figures(plan: Plan) -> dict[tuple[str, str], tuple[str, str]]:
    """Task and indicator that measure one quantity, each mapped to the other.

    A task counting from an indicator (its baseline) in the same unit reports the very figure the
    indicator tracks (the share of counties with a portal): a figure recorded for either is the
    figure of both, so the clerk enters it once and every table and chart gives one answer.
    """
    pairs: dict[tuple[str, str], tuple[str, str]] = {}
    for task in plan.tasks:
        indicator = plan.indicators_by_id.get(task.baseline) if task.baseline else None
        if indicator is None or indicator.value is None or not task.target.numeric:
            continue
        if (task.target.unit_zh, task.target.unit_en) != (indicator.unit_zh, indicator.unit_en):
            continue
        pairs[("task", task.id)] = ("indicator", indicator.id)
        pairs[("indicator", indicator.id)] = ("task", task.id)
    return pairs


def _histories(
    records: Sequence[Record], as_of: date, plan: Plan | None = None, kind: str | None = None
) -> dict[tuple[str, str], tuple[Record, ...]]:
    """Effective records up to as_of, grouped by (kind, item), newest first; given `kind`, the groups
    of the items of that kind only (the others are not put in order).

    Newest is by the date the progress refers to, then by when it was recorded: a second record for
    the same day is a correction and wins; log order breaks the last tie. Given the plan, the group of
    a task and of the indicator it shares its figure with also holds the other's figures.
    """
    # Retractions are settled on the whole log before the as-of filter: a figure withdrawn later as a
    # mistake stays withdrawn in an earlier briefing, which is made with what is known now.
    standing = dated_by(effective(records), as_of)
    # Whose history each item's figures also join: the items that share their figure with it. (An
    # indicator that is the baseline of several tasks feeds each of them; it takes the figures of one.)
    joins: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    if plan is not None:
        for key, other in shared_figures(plan).items():
            joins[other].append(key)
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    # The histories whose figures others join pass them on as they are appended (see _Joining), so
    # that the loop over every record asks nothing of a record but its item: asking each one whether
    # its item shares its figures took a fifth of the loop's time at a million records.
    joining = {key: _Joining() for key in joins}
    groups.update(joining)
    for key, history in joining.items():
        history.others = tuple(groups[other] for other in joins[key])
    for key, record in zip(map(_KIND_AND_ITEM, standing), standing):
        groups[key].append(record)
    # Each list is in log order: a stable sort by date and time, reversed, is newest first with the
    # later line first among ties. Sorting each item's few records costs a fraction of sorting the
    # whole log, and a key made in C (attrgetter) a fraction of a key made in Python. (A history
    # made ready for figures that none brought is left out, as it would be without the plan.)
    wanted = [(key, found) for key, found in groups.items() if found and (kind is None or key[0] == kind)]
    try:
        return {key: tuple(sorted(found, key=_DATE_AND_TIME)[::-1]) for key, found in wanted}
    except TypeError:
        # A time without a zone beside one with a zone cannot be compared: records read from a store
        # are always in UTC, but those made in code may not be; read as UTC (see _utc), they can.
        return {key: tuple(sorted(found, key=_when_reported)[::-1]) for key, found in wanted}


class _Joining(list):
    """The history of an item whose figures also join the histories of `others` (see _histories)."""

    __slots__ = ("others",)

    def __init__(self) -> None:
        super().__init__()
        self.others: tuple[list[Record], ...] = ()

    def append(self, record: Record) -> None:
        list.append(self, record)
        # Only figures cross over: a task's state (done, blocked) is not the indicator's. Passed on as
        # plain appends: a figure joins the histories of the items sharing it, not theirs in turn.
        if record.value is not None:
            for other in self.others:
                list.append(other, record)


_DATE_AND_TIME = attrgetter("date", "recorded_at")
_KIND_AND_ITEM = attrgetter("kind", "item")


def _when_reported(record: Record) -> tuple[date, datetime]:
    return record.date, _utc(record.recorded_at)


def log_place(record: Record) -> tuple[date, datetime, int]:
    """Where a record read from the store stands in log_order: its date, when it was entered, its line."""
    return (record.date, _utc(record.recorded_at), record.line)


def log_order(records: Sequence[Record]) -> list[Record]:
    """The records by the date they refer to, then by when they were entered, then by file order:
    how a log of reports reads (the oldest first; reverse it for the newest first)."""
    keyed = sorted(((r.date, _utc(r.recorded_at), position) for position, r in enumerate(records)))
    return [records[entry[2]] for entry in keyed]


def history(
    records: Sequence[Record], kind: str, item: str, as_of: date, plan: Plan | None = None
) -> tuple[Record, ...]:
    """The effective records for one task or indicator dated on or before as_of, newest first
    (with the figures of its partner, given the plan: see shared_figures)."""
    return _histories(records, as_of, plan, kind).get((kind, item), ())


def latest(records: Sequence[Record], kind: str, item: str, as_of: date, plan: Plan | None = None) -> Record | None:
    """The record in force for an item at as_of, or None when nothing had been recorded by then."""
    found = history(records, kind, item, as_of, plan)
    return found[0] if found else None


# ---------------------------------------------------------------------------------------------
# Lights


class TaskProgress(NamedTuple):
    task: Task
    latest: Record | None  # the record in force at as_of
    actual: float | None  # the latest reported figure (numeric targets only)
    state: str | None  # the state of the latest record, if it is a state
    percent: float | None  # share of the way from baseline to goal; not clamped
    expected: float  # time-proportional progress (序时进度), 0..100
    behind: float | None  # expected - percent, in points; negative when ahead
    light: str  # one of LIGHTS
    reason: str  # one of REASONS
    reason_data: dict[str, Any]
    baseline_value: float | None
    history: tuple[Record, ...]  # effective records for the task up to as_of, newest first
    as_of: date  # the date the task was judged at

    @property
    def completion(self) -> float:
        """The task's share in an area's overall percentage: 0..100."""
        return _completion(self.light, self.percent)


def _completion(light: str, percent: float | None) -> float:
    if light == "done":
        return 100.0
    # A milestone has a percentage only when its time nodes carry shares (or it is not started).
    if percent is None:
        return 0.0
    return min(max(percent, 0.0), 100.0)


def expected_percent(task: Task, as_of: date) -> float:
    """The share of the task's period (start to deadline, in days) elapsed at as_of, 0..100."""
    if as_of >= task.deadline:
        return 100.0
    if as_of <= task.start:
        return 0.0
    return 100 * (as_of - task.start).days / (task.deadline - task.start).days


def reached(target: Target, actual: float) -> bool:
    goal = target.goal
    return actual <= goal if target.direction == "decrease" else actual >= goal


def actual_percent(target: Target, base: float, actual: float) -> float:
    """How far actual has come from base towards the goal, in percent (below 0 or above 100 allowed).

    When the base does not lie short of the goal in the target's direction (equal to it, or already
    beyond it) there is no way to measure, so reaching the goal counts as 100 and anything else as 0.
    """
    span = target.goal - base
    if (span < 0) if target.direction == "decrease" else (span > 0):
        return _finite(100 * ((actual - base) / span))
    return 100.0 if reached(target, actual) else 0.0


def _finite(value: float) -> float:
    """A figure that overflowed (a hand-edited 1e308 against a small target) held at the largest float,
    so that views, JSON and charts get a number rather than inf or nan."""
    return value if math.isfinite(value) else math.copysign(sys.float_info.max, value)


def _judge(plan: Plan, task: Task, found: tuple[Record, ...], as_of: date) -> TaskProgress:
    current, actual, state, percent, expected, behind, light, reason, data, baseline_value = _weigh(plan, task, found, as_of)
    return TaskProgress(
        task=task, latest=current, actual=actual, state=state, percent=percent, expected=expected,
        behind=behind, light=light, reason=reason, reason_data=data, baseline_value=baseline_value,
        history=found, as_of=as_of,
    )


# The percentage a state gives a task that has no figure.
_STATE_PERCENT = {"done": 100.0, "not-started": 0.0}


def _weigh(plan: Plan, task: Task, found: tuple[Record, ...], as_of: date) -> tuple[Any, ...]:
    """A task's TaskProgress as a tuple, from its latest record (current) to baseline_value: the one
    judgement of a task, which _judge and plan_lights both make."""
    target = task.target
    expected = expected_percent(task, as_of)
    indicator = plan.indicators_by_id.get(task.baseline) if task.baseline else None
    baseline_value = indicator.value if indicator is not None else None
    actual: float | None = None
    if target.numeric:
        # The latest record decides the state; the figure is the latest one reported, so a task
        # declared done or blocked still shows how far it had got.
        current = found[0] if found else None
        figure = next((r for r in found if r.value is not None), None)
        actual = figure.value if figure is not None else None
    else:
        # A value on a state-based task can only come from an earlier version of the catalogue.
        current = next((r for r in found if r.state is not None), None)
    state = current.state if current is not None else None
    if actual is not None:
        percent: float | None = actual_percent(target, baseline_value or 0.0, actual)
    else:
        percent = _STATE_PERCENT.get(state or "")
    nodes = None
    if task.nodes and not target.numeric:
        # Imported here: only tasks with time nodes need the rule, and trajectory imports this module.
        from sdpolicy.trajectory import judge_nodes

        nodes = judge_nodes(task, found, as_of, plan.lights)
        if nodes.percent is not None and state != "done":
            percent = nodes.percent
    behind = expected - percent if percent is not None else None
    met = state == "done" or (actual is not None and reached(target, actual))
    lights = plan.lights
    data: dict[str, Any] = {}
    owed = None if met else periods.owed(plan.reporting, task.start, (r.date for r in found), as_of, newest_first=True)
    if met:
        light, reason = "done", "met"
    elif state == "blocked":
        light, reason = "red", "blocked"
    elif as_of > task.deadline or (as_of == task.deadline and not found):
        # On the deadline day itself a task that has reported may still finish; one that never
        # reported cannot be shown as "nothing to judge yet" any longer.
        light, reason = "red", "overdue"
        data = {"deadline": task.deadline.isoformat(), "days": (as_of - task.deadline).days}
    elif as_of < task.start:
        light, reason = "grey", "not-begun"
        data = {"start": task.start.isoformat()}
    elif owed is not None and owed.missed >= plan.reporting.red_after:
        light, reason = "red", "long-unreported"
        data = _unreported(owed, found)
    else:
        if nodes is not None and nodes.light is not None:
            light, reason, data = nodes.light, nodes.reason, nodes.data
        elif current is None:
            light, reason = "grey", "no-record"
        elif behind is None:
            light, reason = "green", "in-progress"
            data = {"expected": expected}
        else:
            data = {"behind": behind, "expected": expected, "actual": percent}
            if behind > lights.red_behind + _SLACK:
                light, reason = "red", "behind"
            elif behind >= lights.yellow_behind - _SLACK:
                light, reason = "yellow", "behind"
            else:
                light, reason = "green", "on-track"
        # A missed report hides a green, a yellow or "nothing recorded yet" (the office cannot know
        # where the task stands), but never a red already earned by falling behind.
        if owed is not None and owed.missed and light != "red":
            light, reason = "unreported", "unreported"
            data = _unreported(owed, found)
    return current, actual, state, percent, expected, behind, light, reason, data, baseline_value


def _unreported(owed: periods.Owed, found: tuple[Record, ...]) -> dict[str, Any]:
    return {
        "period": owed.period.label,
        "due": owed.period.due.isoformat(),
        "periods": owed.missed,
        "last": found[0].date.isoformat() if found else None,
    }


def task_progress(plan: Plan, task: Task, records: Sequence[Record], as_of: date) -> TaskProgress:
    """One task's progress and light at as_of; `records` is the log (or its effective records)."""
    return _judge(plan, task, _histories(records, as_of, plan, "task").get(("task", task.id), ()), as_of)


def plan_progress(
    plan: Plan, records: Sequence[Record], as_of: date, tasks: Iterable[Task] | None = None
) -> list[TaskProgress]:
    """Progress of every task (or of `tasks`), in catalogue order, resolving the log once."""
    histories = _histories(records, as_of, plan, "task")
    chosen = plan.tasks if tasks is None else tasks
    return [_judge(plan, t, histories.get(("task", t.id), ()), as_of) for t in chosen]


def plan_lights(plan: Plan, records: Sequence[Record], as_of: date) -> list[TaskLight]:
    """[task_light(p) for p in plan_progress(plan, records, as_of)], without making each task's
    TaskProgress on the way: a cold status at province scale judges 100,000 tasks to keep only this."""
    histories = _histories(records, as_of, plan, "task")
    get, light = histories.get, _light
    return [light(plan, t, get(("task", t.id), ()), as_of) for t in plan.tasks]


def progress_series(
    plan: Plan, records: Sequence[Record], dates: Sequence[date], tasks: Iterable[Task] | None = None
) -> list[list[TaskProgress]]:
    """plan_progress at each of `dates`, resolving the log once: each task's history up to the last
    date, cut at each date (retractions do not depend on the date, so the cut is what
    _histories gives at that date)."""
    if not dates:
        return []
    histories = _histories(records, max(dates), plan, "task")
    chosen = list(plan.tasks if tasks is None else tasks)
    return [
        [_judge(plan, t, tuple(dated_by(histories.get(("task", t.id), ()), day)), day) for t in chosen]
        for day in dates
    ]


# ---------------------------------------------------------------------------------------------
# Summaries


class AreaSummary(NamedTuple):
    area: Area | None  # None for the total
    tasks: int
    done: int
    green: int
    yellow: int
    red: int
    unreported: int
    grey: int
    percent: float | None  # mean completion of the tasks, 0..100; None when there are none


class Summary(NamedTuple):
    areas: tuple[AreaSummary, ...]  # areas that have tasks in the list, in catalogue order
    total: AreaSummary


def summarise(area: Area | None, items: Sequence[TaskLight]) -> AreaSummary:
    """Counts of each light and the mean completion of `items` (anything with a light and a completion)."""
    return _summarised(area, [p.light for p in items], [p.completion for p in items])


def _summarised(area: Area | None, lights: Sequence[str], completions: Sequence[float]) -> AreaSummary:
    # One pass for the counts: a report's trend summarises every task at every month end.
    found = Counter(lights)
    counts = {light: found[light] for light in LIGHTS}
    percent = sum(completions) / len(completions) if completions else None
    return AreaSummary(area=area, tasks=len(lights), percent=percent, **counts)


def area_summary(plan: Plan, progress_list: Sequence[TaskProgress | TaskLight]) -> Summary:
    """Counts of each light and the mean completion per area and over all the tasks given."""
    items = list(progress_list)
    return summary_of(plan.areas, [p.task.area for p in items], [p.light for p in items], [p.completion for p in items])


def summary_of(areas: Sequence[Area], area_of: Sequence[str], lights: Sequence[str], completions: Sequence[float]) -> Summary:
    """area_summary of tasks given as columns: each one's area slug, light and completion, in
    catalogue order (the kept lights hold them so, without the tasks themselves)."""
    by_area: dict[str, list[int]] = defaultdict(list)
    for index, slug in enumerate(area_of):
        by_area[slug].append(index)
    # Summed in catalogue order within each area, as area_summary sums them: the same mean to the bit.
    parts = tuple(
        _summarised(a, [lights[i] for i in by_area[a.slug]], [completions[i] for i in by_area[a.slug]])
        for a in areas if a.slug in by_area
    )
    return Summary(areas=parts, total=_summarised(None, lights, completions))


# ---------------------------------------------------------------------------------------------
# Lights kept up to date from appended records


class TaskLight(NamedTuple):
    """A task's light at one date, with the few records it was judged from.

    _judge looks at three records of a task's history: the latest, the latest with a figure and the
    latest with a state. Records appended later, none of them a retraction, can only replace each of
    them by a newer one, so the light follows from these three and the new records alone.
    """

    task: Task
    light: str
    completion: float
    latest: Record | None
    figure: Record | None
    stated: Record | None


def task_light(progress: TaskProgress) -> TaskLight:
    found = progress.history
    figure, stated = _figure_and_state(found)
    return TaskLight(progress.task, progress.light, progress.completion, found[0] if found else None, figure, stated)


def _light(plan: Plan, task: Task, found: tuple[Record, ...], as_of: date) -> TaskLight:
    """task_light(_judge(plan, task, found, as_of))."""
    verdict = _weigh(plan, task, found, as_of)
    figure, stated = _figure_and_state(found)
    return TaskLight(task, verdict[6], _completion(verdict[6], verdict[3]), found[0] if found else None, figure, stated)


def _figure_and_state(found: tuple[Record, ...]) -> tuple[Record | None, Record | None]:
    # The latest record with a figure and the latest with a state, in one pass that stops once both
    # are found: a cold status makes 100,000 of these at province scale.
    figure = stated = None
    for record in found:
        if figure is None and record.value is not None:
            figure = record
        if stated is None and record.state is not None:
            stated = record
        if figure is not None and stated is not None:
            break
    return figure, stated


def _newest_first(record: Record) -> tuple[date, datetime, int]:
    # The order of _histories: log order (the line) breaks the last tie.
    return record.date, _utc(record.recorded_at), record.line


def touched(plan: Plan, appended: Sequence[Record], as_of: date) -> dict[str, dict[str, list[Record]]]:
    """The records of `appended` dated by as_of, by kind and item of each history they join: their
    own item's and, for a figure, that of the item it shares its figure with (see shared_figures)."""
    partners = shared_figures(plan)
    news: dict[str, dict[str, list[Record]]] = {"task": defaultdict(list), "indicator": defaultdict(list)}
    for record in dated_by(appended, as_of):
        news[record.kind][record.item].append(record)
        partner = partners.get((record.kind, record.item)) if record.value is not None else None
        if partner is not None:
            news[partner[0]][partner[1]].append(record)
    return news


def with_partners(plan: Plan, kind: str, items: Iterable[str]) -> set[str]:
    """`items` of `kind` and the items they share their figures with: all whose records their histories hold."""
    partners = shared_figures(plan)
    return {name for item in items for name in (item, partners.get((kind, item), (None, item))[1])}


def advance_light(plan: Plan, old: TaskLight, added: Sequence[Record], as_of: date) -> TaskLight:
    """`old` brought up to date with `added`, the records that join its history (see touched).

    They follow, in the log, every record the light was judged from, and none is a retraction (a
    retraction can change any earlier record: then judge from the whole log). A record judged before
    may be among them again; it changes nothing.
    """
    known = {r.line: r for r in (old.latest, old.figure, old.stated, *added) if r is not None}
    found = tuple(sorted(known.values(), key=_newest_first, reverse=True))
    return task_light(_judge(plan, old.task, found, as_of))


# ---------------------------------------------------------------------------------------------
# Comparison with the baselines


class LinkedTask(NamedTuple):
    task: Task
    target: Target
    role: str  # "baseline" (progress is counted from the indicator) or "link"


class Comparison(NamedTuple):
    indicator: Indicator
    value: float | None  # the 2005 figure; None for an indicator that is a state
    unit_zh: str
    unit_en: str
    as_of: date  # the date the 2005 figure is as of
    qualifier: str | None
    state_zh: str | None
    state_en: str | None
    tasks: tuple[LinkedTask, ...]
    latest: Record | None  # the newest record with a figure, up to the comparison date
    actual: float | None
    recorded_state: str | None  # the newest recorded state, for indicators that are states
    change: float | None  # actual - value
    growth: float | None  # change / value * 100
    history: tuple[Record, ...]  # effective indicator records up to the comparison date, newest first


def compare_baselines(
    plan: Plan, records: Sequence[Record], as_of: date, only: set[str] | None = None
) -> list[Comparison]:
    """Every indicator (or those whose ids are in `only`) beside its latest recorded figure at as_of,
    in catalogue order."""
    histories = _histories(records, as_of, plan, "indicator")
    result = []
    for indicator in plan.indicators:
        if only is not None and indicator.id not in only:
            continue
        found = histories.get(("indicator", indicator.id), ())
        figure = next((r for r in found if r.value is not None), None)
        stated = next((r for r in found if r.state is not None), None)
        actual = figure.value if figure is not None else None
        change = actual - indicator.value if actual is not None and indicator.value is not None else None
        # The change of a percentage is in points; its growth (75 % → 90 % is "+20 %") misleads more
        # than it tells, so it is left out.
        relative = change is not None and indicator.value != 0 and indicator.unit_zh != "%"
        growth = _finite(change / indicator.value * 100) if relative else None
        linked = tuple(
            LinkedTask(t, t.target, "baseline" if t.baseline == indicator.id else "link")
            for t in plan.tasks_linking(indicator.id)
        )
        result.append(Comparison(
            indicator=indicator, value=indicator.value, unit_zh=indicator.unit_zh, unit_en=indicator.unit_en,
            as_of=indicator.as_of, qualifier=indicator.qualifier, state_zh=indicator.state_zh,
            state_en=indicator.state_en, tasks=linked, latest=figure, actual=actual,
            recorded_state=stated.state if stated is not None else None, change=change, growth=growth,
            history=found,
        ))
    return result


# ---------------------------------------------------------------------------------------------
# New records


# Chinese for the words the English messages are built from.
_ZH_LABELS = {
    "task or indicator id": "任务或指标编号", "value": "数值", "state": "状态", "date": "日期", "note": "说明",
    "name given with --by": "--by 给出的名称", "record id": "记录编号", "node": "时间节点",
}
_ZH_CHOICES = {
    "a --value or --done": " --value 或 --done", "a --state or --done": " --state 或 --done", "a --value": " --value",
}
_ZH_KINDS = {"count": "数量", "range": "区间", "percent": "百分比", "milestone": "里程碑", "qualitative": "定性目标"}


def _zh(what: str) -> str:
    """'task IND-01' → '任务 IND-01 '."""
    kind, _, ident = what.partition(" ")
    # The trailing space keeps the Latin id apart from the Chinese that follows it.
    return f"{ {'task': '任务', 'indicator': '指标', 'record': '记录'}.get(kind, kind)} {ident} "


def _check_encodable(label: str, text: str | None) -> None:
    # Undecodable command-line bytes arrive as lone surrogates, which no file or terminal can hold;
    # quoting them back in the message would fail too, so the message names only the field.
    if text is None:
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(
            f"the {label} holds bytes that are not valid UTF-8 text; retype it",
            zh=f"{_ZH_LABELS.get(label, label)}含有不是 UTF-8 文本的字节；请重新输入",
        ) from None


def _check_note_and_by(note: str, by: str, what: str) -> tuple[str, str]:
    _check_encodable("note", note)
    _check_encodable("name given with --by", by)
    if len(note) > MAX_NOTE:
        raise UsageError(
            f"the note for {what} is {len(note)} characters; keep it to {MAX_NOTE}",
            zh=f"{_zh(what)}的说明有 {len(note)} 个字符；请控制在 {MAX_NOTE} 个以内",
        )
    if len(by) > MAX_BY:
        raise UsageError(
            f"the name given with --by is {len(by)} characters; keep it to {MAX_BY}",
            zh=f"--by 给出的名称有 {len(by)} 个字符；请控制在 {MAX_BY} 个以内",
        )
    return note, by


_PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
def _parse_value(text: str, what: str, in_percent: bool) -> float | int:
    raw = text.strip()
    # "85%" is what people type for a share; accept it only where the unit is % anyway.
    number = raw[:-1].rstrip() if in_percent and raw.endswith("%") else raw
    try:
        value = float(number)
        # float() also takes "1_000" and full-width digits; a figure in a shared log should be plain.
        if math.isfinite(value) and not _PLAIN_NUMBER.fullmatch(number):
            raise ValueError(number)
    except ValueError:
        raise UsageError(
            f"value '{raw}' for {what} is not a number; give a plain number such as 12.5",
            zh=f"{_zh(what)}的数值“{raw}”不是数字；请给出如 12.5 这样的数",
        ) from None
    if not math.isfinite(value):
        raise UsageError(
            f"value '{raw}' for {what} is not a finite number; give a plain number such as 12.5",
            zh=f"{_zh(what)}的数值“{raw}”不是有限的数；请给出如 12.5 这样的数",
        )
    if value < 0:
        raise UsageError(f"value {raw} for {what} is negative; give 0 or more", zh=f"{_zh(what)}的数值 {raw} 是负数；请给出 0 或更大的数")
    if in_percent and value > 100:
        raise UsageError(
            f"value {raw} for {what} is above 100%; give a percentage from 0 to 100",
            zh=f"{_zh(what)}的数值 {raw} 超过 100%；请给出 0 到 100 之间的百分数",
        )
    if value > MAX_VALUE:
        raise UsageError(
            f"value {raw} for {what} is absurdly large; the largest accepted is 1e12",
            zh=f"{_zh(what)}的数值 {raw} 大得不合理；最大接受 1e12",
        )
    # Whole numbers are stored as integers: the log reads "value = 120", as people write it.
    return int(value) if value.is_integer() else value


# Chinese words for the states, as a clerk types them or copies them from a table: the words the
# program shows (i18n state.*) and the usual alternatives.
STATE_WORDS = {
    "未开始": "not-started", "未启动": "not-started", "尚未开始": "not-started",
    "进行中": "in-progress", "推进中": "in-progress", "正在推进": "in-progress", "在建": "in-progress",
    "已完成": "done", "完成": "done",
    "受阻": "blocked", "任务受阻": "blocked", "工作受阻": "blocked",
}


def state_code(text: str) -> str | None:
    """The state a word names (`in-progress`, `In progress`, `in_progress`, 进行中 …), or None.

    The one reading of state words: the command line and the returns importer both call it."""
    folded = re.sub(r"[\s_]+", "-", text.strip().lower())
    if folded in STATES:
        return folded
    return STATE_WORDS.get(re.sub(r"\s+", "", text))


def _fold_state(text: str) -> str:
    return re.sub(r"[\s_]+", "-", text.strip().lower())


def make_update(
    plan: Plan,
    item_text: str,
    *,
    value: str | None,
    state: str | None,
    done: bool,
    on: str | None,
    note: str,
    by: str,
    today: date,
    now: datetime | None = None,
    node: str | None = None,
) -> Record:
    """A checked record of progress on a task or indicator, ready for the store to append.

    `done` is the same as state "done". `on` is the date the progress refers to (default today);
    `now` (default the current UTC time) is when it is recorded. `node` names a time node of the
    task reached on that date (and is then the only thing recorded).
    """
    for label, text in (
        ("task or indicator id", item_text), ("value", value), ("state", state), ("date", on), ("node", node),
    ):
        _check_encodable(label, text)
    item = find_item(plan, item_text)
    if node is not None:
        return _node_update(plan, item, node, given=(value, state, done), on=on, note=note, by=by, today=today, now=now)
    is_task = isinstance(item, Task)
    what = f"task {item.id}" if is_task else f"indicator {item.id}"
    numeric = item.target.numeric if is_task else item.value is not None
    choice = (
        ("a --value or --done" if numeric else "a --state or --done") if is_task
        else ("a --value" if numeric else "a --state or --done")
    )

    choice_zh = _ZH_CHOICES[choice]
    given = (value is not None) + (state is not None) + bool(done)
    if given == 0:
        raise UsageError(f"nothing to record for {what}; give {choice}", zh=f"{_zh(what)}没有可记录的内容；请给出{choice_zh}")
    if given > 1:
        raise UsageError(
            f"give only one of --value, --state and --done for {what}; it takes {choice}",
            zh=f"--value、--state 和 --done 只能给一个；{_zh(what)}应给{choice_zh}",
        )

    if done:
        state = "done"
    if state is not None:
        state = state_code(state) or _fold_state(state)
    if is_task:
        kind_words = f"task {item.id} has a {item.target.kind} target"
        kind_zh = f"任务 {item.id} 的目标是{_ZH_KINDS[item.target.kind]}"
        if value is not None and not numeric:
            raise UsageError(f"{kind_words}; record {choice}, not a --value", zh=f"{kind_zh}；请记录{choice_zh}，不能用 --value")
        # A quantified task can be done or blocked whatever its figure (which it keeps); its other
        # states follow from the figure.
        if state is not None and numeric and state not in ("done", "blocked"):
            raise UsageError(f"{kind_words}; record {choice}, not a --state", zh=f"{kind_zh}；请记录{choice_zh}，不能用 --state")
    elif numeric and state is not None:
        flag = "--done" if done else "a --state"
        raise UsageError(
            f"indicator {item.id} is a figure in {item.unit_en}; record a --value, not {flag}",
            zh=f"指标 {item.id} 是以{item.unit_zh}计的数字；请记录 --value，不能用 {flag.removeprefix('a ')}",
        )
    elif not numeric and value is not None:
        raise UsageError(
            f"indicator {item.id} is a state, not a figure; record {choice}, not a --value",
            zh=f"指标 {item.id} 是状态而不是数字；请记录{choice_zh}，不能用 --value",
        )

    number: float | None = None
    if value is not None:
        in_percent = (item.target.kind == "percent") if is_task else "%" in (item.unit_zh, item.unit_en)
        number = _parse_value(value, what, in_percent)
    if state is not None and state not in STATES:
        close = difflib.get_close_matches(state, STATES, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]}?" if close else f"use one of {', '.join(STATES)} (or 未开始, 进行中, 已完成, 受阻)"
        hint_zh = f"是否要找 {close[0]}？" if close else f"可用的状态有 {'、'.join(STATES)}（或 未开始、进行中、已完成、受阻）"
        raise UsageError(f"unknown state '{state}' for {what}; {hint}", zh=f"{_zh(what)}没有状态“{state}”；{hint_zh}")

    day = _report_day(on, today, what)
    if is_task and day < plan.start:
        raise UsageError(
            f"date {day} for {what} is before the plan began on {plan.start}; give {plan.start} or later",
            zh=f"{_zh(what)}的日期 {day} 早于计划开始的 {plan.start}；请给出 {plan.start} 或之后的日期",
        )
    if not is_task and day < item.as_of:
        raise UsageError(
            f"date {day} for {what} is before its 2005 figure, which is as of {item.as_of}; give {item.as_of} or later",
            zh=f"{_zh(what)}的日期 {day} 早于其2005年数据的截至日期 {item.as_of}；请给出 {item.as_of} 或之后的日期",
        )

    note, by = _check_note_and_by(note, by, what)
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return Record(
        id=store.new_record_id(), kind="task" if is_task else "indicator", item=item.id, date=day,
        recorded_at=moment, value=number, state=state, note=note, by=by,
    )


def _report_day(on: str | None, today: date, what: str) -> date:
    """The date a report refers to: --date, else today; never in the future."""
    day = today if on is None else parse_day(on)
    if day > today:
        raise UsageError(
            f"date {day} for {what} is in the future (today is {today}); give today or earlier",
            zh=f"{_zh(what)}的日期 {day} 在未来（今天是 {today}）；请给出今天或更早的日期",
        )
    return day


def _node_update(
    plan: Plan, item: Task | Indicator, name: str, *, given: tuple[Any, ...], on: str | None, note: str, by: str,
    today: date, now: datetime | None,
) -> Record:
    from sdpolicy.trajectory import find_node

    if not isinstance(item, Task):
        raise UsageError(f"indicator {item.id} has no time nodes; --node is for tasks", zh=f"指标 {item.id} 没有时间节点；--node 只用于任务")
    if given[0] is not None or given[1] is not None or given[2]:
        raise UsageError(
            f"--node records only that a time node of task {item.id} was reached; record a --value, --state or --done separately",
            zh=f"--node 只记录任务 {item.id} 的某个时间节点已完成；--value、--state 或 --done 请另行记录",
        )
    found = find_node(item, name)
    day = _report_day(on, today, f"task {item.id}")
    if day < item.start:
        raise UsageError(
            f"date {day} for task {item.id} is before its period began on {item.start}",
            zh=f"任务 {item.id} 的日期 {day} 早于任务期开始的 {item.start}",
        )
    note, by = _check_note_and_by(note, by, f"task {item.id}")
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return Record(
        id=store.new_record_id(), kind="task", item=item.id, date=day, recorded_at=moment, note=note, by=by,
        node=found.zh,
    )


def make_retraction(
    records: Sequence[Record],
    record_id: str | None,
    note: str,
    by: str,
    today: date,
    *,
    now: datetime | None = None,
) -> Record:
    """A record that retracts the undo target (see undo_target), dated today."""
    target = undo_target(records, record_id)
    note, by = _check_note_and_by(note, by, f"record {target.id}")
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return Record(
        id=store.new_record_id(), kind=target.kind, item=target.item, date=today, recorded_at=moment,
        note=note, by=by, retracts=target.id,
    )


# ---------------------------------------------------------------------------------------------
# Figures that are probably typing mistakes

# A figure this many times its 2005 value (or this fraction of it) was most likely typed in the
# wrong unit: 12000000 for 1,200 万户.
SCALE_SLIP = 1000


def implausible(plan: Plan, record: Record, records: Sequence[Record]) -> list[tuple[str, dict[str, Any]]]:
    """Why a new record (not yet in `records`) looks like a slip, as (code, figures) pairs.

    The record is kept all the same: a figure can be surprising and right. Codes: above-twice-target,
    below-baseline, count-falling, not-whole, scale, done-below-target.
    """
    found: list[tuple[str, dict[str, Any]]] = []
    before = history(records, record.kind, record.item, record.date - timedelta(days=1), plan)
    earlier = next((r for r in before if r.value is not None), None)
    value = record.value
    if record.kind == "indicator":
        indicator = plan.indicators_by_id.get(record.item)
        base = indicator.value if indicator is not None else None
        if value is None or not base:
            return found
        if value < base:
            found.append(("below-baseline", {"value": value, "baseline": base}))
        ratio = value / base if value else 0.0
        if value and (ratio >= SCALE_SLIP or ratio <= 1 / SCALE_SLIP):
            found.append(("scale", {"value": value, "baseline": base, "ratio": ratio}))
        return found
    task = plan.tasks_by_id.get(record.item)
    if task is None or not task.target.numeric:
        return found
    target = task.target
    rising = target.direction == "increase"
    if value is None:
        if record.state == "done":
            latest_figure = next((r for r in history(records, "task", task.id, record.date, plan) if r.value is not None), None)
            if latest_figure is not None and not reached(target, latest_figure.value or 0.0):
                found.append(("done-below-target", {"value": latest_figure.value, "date": latest_figure.date.isoformat()}))
        return found
    top = target.max if target.kind == "range" else target.value
    if rising and top and value > 2 * top:
        found.append(("above-twice-target", {"value": value, "target": top}))
    indicator = plan.indicators_by_id.get(task.baseline) if task.baseline else None
    if rising and indicator is not None and indicator.value is not None and value < indicator.value:
        found.append(("below-baseline", {"value": value, "baseline": indicator.value}))
    if target.kind in ("count", "range"):
        if rising and earlier is not None and earlier.value is not None and value < earlier.value:
            found.append(("count-falling", {"value": value, "earlier": earlier.value, "date": earlier.date.isoformat()}))
        if not float(value).is_integer():
            found.append(("not-whole", {"value": value}))
    return found
