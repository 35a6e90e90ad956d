"""The progress log: one line per record, appended under a lock, never rewritten."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

STATES = ("not-started", "in-progress", "done", "blocked")


@dataclass(frozen=True, slots=True)
class Record:
    """One reported update, or the retraction of one (then `retracts` names it)."""

    id: str
    kind: str  # "task" or "indicator": which catalogue list `item` belongs to
    item: str
    date: date  # the day the reported progress refers to
    recorded_at: datetime  # when it was written, timezone-aware UTC
    value: float | None = None
    state: str | None = None
    note: str = ""
    by: str = ""
    retracts: str | None = None
    line: int = field(default=0, compare=False)  # where it stands in the store file, for messages
