"""The three questions a supervision office asks before its monthly bulletin (督查通报).

Who has not reported (the chasing list, 催办清单), what changed between two dates, and where the
tasks stand in the words bulletins use (done, ahead of, on and behind schedule). Every answer is
the arithmetic of progress.py evaluated at one or two dates, never a second implementation of it.
Pure: no Typer, no Rich, no files.
"""

from __future__ import annotations

from datetime import date
from typing import Mapping, NamedTuple, Sequence

from sdpolicy import periods
from sdpolicy.catalogue import Plan, Task
from sdpolicy.progress import Comparison, TaskProgress, compare_baselines, effective, log_order, plan_progress
from sdpolicy.store import Record


# ---------------------------------------------------------------------------------------------
# Whom to chase


class Unit(NamedTuple):
    zh: str | None  # None: nobody to chase yet
    en: str | None
    source: str | None  # "assigned" (the office's assignment), "plan" (named by the plan), "reported" (the last --by)


NO_UNIT = Unit(None, None, None)


def unit_of(task: Task, history: Sequence[Record], assigned: Mapping[str, str], english: Mapping[str, str]) -> Unit:
    """The unit a task's reports are chased from: the one place that decides it.

    The lead the office assigned (units and assignments), else the first unit the plan itself names
    in the task (it names no lead, but a co-organiser or a platform is who the office would ask),
    else whoever reported the task last (`mark --by`), else nobody. `assigned` maps task ids to the
    canonical name of the lead in effect; `english` maps a canonical name to its English one.
    `history` is the task's records, newest first.
    """
    lead = assigned.get(task.id)
    if lead:
        return Unit(lead, english.get(lead) or lead, "assigned")
    named = next((u for u in task.units if u.role in ("co-organiser", "platform")), None)
    if named is not None:
        return Unit(named.name_zh, named.name_en or named.name_zh, "plan")
    reporter = next((r.by.strip() for r in history if r.by and r.by.strip()), None)
    if reporter:
        return Unit(reporter, english.get(reporter) or reporter, "reported")
    return NO_UNIT


class Owing(NamedTuple):
    progress: TaskProgress
    unit: Unit
    last: date | None  # the date of its last record up to the period's end (or the as-of date)
    missed: int  # periods in a row without a record, up to and including the period asked about


def owing(
    plan: Plan, records: Sequence[Record], period: periods.Period, as_of: date,
    assigned: Mapping[str, str], english: Mapping[str, str],
) -> list[Owing]:
    """Every task that owes a report for `period`, judged at its end or at as_of if that is earlier.

    A task owes one when it has begun, its first report falls in or before the period, it is not
    done, and no record of it is dated inside the period.
    """
    reporting = plan.reporting
    judge = min(as_of, period.end)
    found = []
    for progress in plan_progress(plan, records, judge):
        task = progress.task
        if progress.light == "done" or judge < task.start:
            continue
        first = periods.first_index(reporting, task.start)
        if period.index < first:
            continue
        dates = [r.date for r in progress.history]
        if any(period.start <= d <= period.end for d in dates):
            continue
        missed = periods.missed_through(reporting, first, dates, period.index)
        last = progress.history[0].date if progress.history else None
        found.append(Owing(progress, unit_of(task, progress.history, assigned, english), last, missed))
    return found


# ---------------------------------------------------------------------------------------------
# What changed


# How a light moved, in the order a reader looks for them. A task is put under the first that fits.
CHANGE_KINDS = ("done", "red", "recovered", "reported", "yellow", "unreported", "other")
_RANK = {"green": 0, "yellow": 1, "red": 2}


def change_kind(before: TaskProgress, after: TaskProgress) -> str:
    """done, red (newly), recovered (from red or yellow by its figures), reported (judged again after
    missing reports or having none), yellow or unreported (newly), or other."""
    old, new = before.light, after.light
    if new == "done":
        return "done"
    if new == "red":
        return "red"
    silent = old in ("unreported", "grey") or before.reason == "long-unreported"
    if silent and new in ("green", "yellow"):
        return "reported"
    if old in ("red", "yellow") and new in _RANK and _RANK[new] < _RANK[old]:
        return "recovered"
    if new in ("yellow", "unreported"):
        return new
    return "other"


class Transition(NamedTuple):
    before: TaskProgress
    after: TaskProgress
    kind: str  # one of CHANGE_KINDS


class Changes(NamedTuple):
    since: date
    as_of: date
    transitions: list[Transition]  # catalogue order
    records: list[Record]  # in effect, dated after `since` and on or before `as_of`, by date then entry
    indicators: list[tuple[Comparison, Comparison]]  # (at since, at as_of) for those with a new figure
    progress: list[TaskProgress]  # every task at as_of


def default_since(plan: Plan, as_of: date) -> date:
    """The end of the period before the one holding as_of: "since last month's bulletin"."""
    return periods.previous(plan.reporting, periods.containing(plan.reporting, as_of)).end


def changes(plan: Plan, records: Sequence[Record], since: date, as_of: date) -> Changes:
    before = plan_progress(plan, records, since)
    after = plan_progress(plan, records, as_of)
    transitions = [
        Transition(b, a, change_kind(b, a)) for b, a in zip(before, after) if b.light != a.light
    ]
    between = [r for r in log_order(effective(records)) if since < r.date <= as_of]
    moved = [
        (old, new)
        for old, new in zip(compare_baselines(plan, records, since), compare_baselines(plan, records, as_of))
        if new.history and (not old.history or old.history[0].id != new.history[0].id)
    ]
    return Changes(since, as_of, transitions, between, moved, after)


# ---------------------------------------------------------------------------------------------
# Where the tasks stand, in the words of a bulletin


STANDINGS = ("done", "ahead", "on_schedule", "behind", "unreported", "grey")


def standing(light: str, reason: str, behind: float | None) -> str:
    """已完成, 超序时, 符合序时, 滞后序时, 未报送, or not yet judged (grey).

    Behind schedule is every yellow and red task that has reported (behind by the thresholds,
    overdue or blocked); a task red for missed reports counts as not reported. Ahead means its
    actual progress is past the time-proportional share; green without a figure is on schedule.
    """
    if light == "done":
        return "done"
    if light == "unreported" or reason == "long-unreported":
        return "unreported"
    if light == "grey":
        return "grey"
    if light in ("red", "yellow"):
        return "behind"
    if behind is not None and behind < -1e-9:
        return "ahead"
    return "on_schedule"
