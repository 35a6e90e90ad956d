"""The one as-of filter: what a reader at a date may see of anything dated.

Everything shown "as of" a date goes through dated_by: lights, latest figures, notes and reporting
units, histories, log sheets and the assignment of units in effect. So a June briefing never carries
a December figure, and no command has its own idea of "by then".
"""

from __future__ import annotations

from datetime import date
from typing import Iterable, Protocol, TypeVar


class Dated(Protocol):
    @property
    def date(self) -> date: ...


D = TypeVar("D", bound=Dated)


def dated_by(items: Iterable[D], as_of: date) -> list[D]:
    """The items dated on or before as_of, in the order given."""
    return [item for item in items if item.date <= as_of]
