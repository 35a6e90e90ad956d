"""Reporting periods: the calendar of reports a task owes, and how many in a row it has missed.

Units report every period (a calendar month, quarter or year); a report is due on the
catalogue's `due_day` of the period's last month, else on the period's last day. A task owes a
report for every period from the one holding its start until it is done; any record of the task
dated inside a period is its report for that period. Pure date arithmetic on the catalogue's
`[plan.reporting]`: nothing here reads the store or knows about lights.
"""

from __future__ import annotations

import calendar
import functools
import re
from datetime import date
from typing import Iterable, NamedTuple

from sdpolicy.catalogue import Reporting
from sdpolicy.errors import UsageError


class Period(NamedTuple):
    index: int  # months (or quarters) since year 0: consecutive periods have consecutive indexes
    start: date
    end: date
    due: date  # the day the report for this period is due

    @property
    def label(self) -> str:
        """2006-06 for a month, 2006-Q2 for a quarter: what `due --period` accepts back."""
        if self.end.month - self.start.month == 11:
            return str(self.start.year)
        if self.end.month - self.start.month == 2:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"


_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}


def _months(reporting: Reporting) -> int:
    return _MONTHS[reporting.cadence]


def index_of(reporting: Reporting, day: date) -> int:
    """The index of the period holding `day`."""
    return (day.year * 12 + day.month - 1) // _months(reporting)


def period(reporting: Reporting, index: int) -> Period:
    return _period(_months(reporting), reporting.due_day, index)


# A status judges every task against the same few periods, tens of thousands of times at province
# scale; the calendar arithmetic (monthrange above all) is done once per period instead.
@functools.lru_cache(maxsize=1024)
def _period(months: int, due_day: int | None, index: int) -> Period:
    first = index * months
    start = date(first // 12, first % 12 + 1, 1)
    last = first + months - 1
    year, month = last // 12, last % 12 + 1
    length = calendar.monthrange(year, month)[1]
    end = date(year, month, length)
    # A due day past the end of a short month falls on its last day (the 30th of February is the 28th).
    due = end if due_day is None else date(year, month, min(due_day, length))
    return Period(index, start, end, due)


def containing(reporting: Reporting, day: date) -> Period:
    return period(reporting, index_of(reporting, day))


def previous(reporting: Reporting, current: Period) -> Period:
    return period(reporting, current.index - 1)


def last_due(reporting: Reporting, as_of: date) -> Period:
    """The latest period whose report was due on or before as_of."""
    here = containing(reporting, as_of)
    return here if here.due <= as_of else previous(reporting, here)


_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_QUARTER = re.compile(r"([0-9]{4})-[Qq]([1-4])")
_YEAR = re.compile(r"[0-9]{4}")


def parse_period(reporting: Reporting, text: str) -> Period:
    """A period named on the command line: YYYY-MM, YYYY-Qn or YYYY, meaning the period holding it."""
    raw = text.strip()
    if _YEAR.fullmatch(raw) and int(raw) >= 1:
        return containing(reporting, date(int(raw), 12, 1))
    month = _MONTH.fullmatch(raw)
    quarter = _QUARTER.fullmatch(raw)
    if month and 1 <= int(month.group(2)) <= 12 and int(month.group(1)) >= 1:
        return containing(reporting, date(int(month.group(1)), int(month.group(2)), 1))
    if quarter and int(quarter.group(1)) >= 1:
        return containing(reporting, date(int(quarter.group(1)), (int(quarter.group(2)) - 1) * 3 + 1, 1))
    raise UsageError(
        f"period '{text}' is not a month such as 2006-06 or a quarter such as 2006-Q2",
        zh=f"报送期“{text}”格式不对；请写月份（如 2006-06）或季度（如 2006-Q2）",
    )


class Owed(NamedTuple):
    """Where a task stands with its reports at a date."""

    period: Period  # the latest period whose report was due
    missed: int  # periods in a row, up to and including `period`, with no record dated in them
    first_due: date  # the due day of the task's first report


def first_index(reporting: Reporting, start: date) -> int:
    """The index of the first period a task begun on `start` reports for: the one holding its start,
    or the next when that period's report was due before the task began."""
    first = index_of(reporting, start)
    return first + 1 if period(reporting, first).due < start else first


def missed_through(reporting: Reporting, first: int, dates: Iterable[date], index: int, newest_first: bool = False) -> int:
    """Periods in a row without a record among `dates`, counting back from `index` to `first`.

    `newest_first`: the dates come in order, the latest first (as a history's do).
    """
    # index_of for each date, spelled out: this runs for every record of every task a status judges.
    # Histories come newest first and most tasks have reported for the latest period, so that is
    # usually settled by the first date, without looking at the rest.
    months = _months(reporting)
    reported = set()
    for day in dates:
        period_index = (day.year * 12 + day.month - 1) // months
        if period_index == index:
            return 0
        if newest_first and period_index < index:
            # The dates after this one lie in its period or before it: the periods missed are those
            # after it, back to the first.
            return max(index - max(period_index, first - 1), 0)
        reported.add(period_index)
    missed = 0
    while index >= first and index not in reported:
        missed += 1
        index -= 1
    return missed


def owed(reporting: Reporting, start: date, dates: Iterable[date], as_of: date, newest_first: bool = False) -> Owed | None:
    """The reports a task that began on `start` owes at as_of, given the dates of its records.

    None while its first report is not yet due. Whether the task is done (and so owes nothing) is
    for the caller to decide. Only records dated on or before as_of should be given.
    """
    first, latest, first_due = _owing_span(reporting, start, as_of)
    if latest.index < first:
        return None
    return Owed(latest, missed_through(reporting, first, dates, latest.index, newest_first), first_due)


# Tasks share a handful of start days and are all judged at one as_of: the span is worked out once per pair.
@functools.lru_cache(maxsize=1024)
def _owing_span(reporting: Reporting, start: date, as_of: date) -> tuple[int, Period, date]:
    """The index of a task's first period, the latest period due at as_of and the first report's due day."""
    first = first_index(reporting, start)
    return first, last_due(reporting, as_of), period(reporting, first).due
