"""The one as-of filter: what a reader at a date may see of anything dated.

Everything shown "as of" a date goes through dated_by: lights, latest figures, notes and reporting
units, histories, log sheets and the assignment of units in effect. So a June briefing never carries
a December figure, and no command has its own idea of "by then". The date itself, when a person
types it, is read by parse_day.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Iterable, Protocol, TypeVar

from sdpolicy.errors import UsageError


class Dated(Protocol):
    @property
    def date(self) -> date: ...


D = TypeVar("D", bound=Dated)


def dated_by(items: Iterable[D], as_of: date) -> list[D]:
    """The items dated on or before as_of, in the order given."""
    return [item for item in items if item.date <= as_of]


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date from the command line; other ISO forms are refused to keep files uniform."""
    text = text.strip()
    if not _ISO_DAY.fullmatch(text):
        raise UsageError(f"date '{text}' is not in the form YYYY-MM-DD", zh=f"日期“{text}”格式不对；请用 YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"date '{text}' is not a real date; use YYYY-MM-DD", zh=f"日期“{text}”不存在；请用 YYYY-MM-DD 写一个真实的日期"
        ) from None
