"""Trajectories: progress evaluated at a series of dates, and a forecast of where a task will stand at
its deadline.

A trend is not a second implementation of the lights: every column is `progress.plan_progress` at
that date, exactly what `status --as-of DATE` computes. The forecast is a straight line through the
two newest reported figures, carried to the deadline; it is shown beside the light and never counts
as progress.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Sequence

from sdpolicy.catalogue import Plan, Task
from sdpolicy.errors import UsageError
from sdpolicy.progress import (
    LIGHTS, TaskProgress, Summary, area_summary, effective, plan_progress, reached,
)
from sdpolicy.store import Record

EVERY = ("month", "quarter")
FORECAST_METHOD = "last-two-reports"


# ---------------------------------------------------------------------------------------------
# Dates


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


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
    step = 1 if every == "month" else 3
    ends: list[date] = []
    year, month = first.year, first.month
    # Quarters end in March, June, September and December, whichever month the trend starts in.
    if step == 3:
        month += (3 - month % 3) % 3
    while True:
        end = _month_end(year, month)
        if end > last:
            break
        if end >= first:
            ends.append(end)
        month += step
        if month > 12:
            year, month = year + 1, month - 12
    if not ends or ends[-1] != last:
        ends.append(last)
    return ends


# ---------------------------------------------------------------------------------------------
# Trends


def task_trend(plan: Plan, task: Task, records: Sequence[Record], dates: Iterable[date]) -> list[TaskProgress]:
    """The task's progress at each date, as `show --as-of` would judge it there."""
    standing = effective(records)  # resolved once; plan_progress accepts the effective records
    return [plan_progress(plan, standing, day, [task])[0] for day in dates]


def group_trend(
    plan: Plan, tasks: Sequence[Task], records: Sequence[Record], dates: Iterable[date]
) -> list[Summary]:
    """The lights of `tasks` summed at each date, as `status --as-of` would count them there."""
    standing = effective(records)
    return [area_summary(plan, plan_progress(plan, standing, day, tasks)) for day in dates]


# ---------------------------------------------------------------------------------------------
# Forecast


@dataclass(frozen=True)
class Forecast:
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
