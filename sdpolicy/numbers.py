"""Rounding as offices and spreadsheets do it: half up (四舍五入), on the figure as written.

Python's round() and format() round the binary value half to even, so 6.25 (5 of 80) shows as 6.2
where Excel and a clerk with a pencil write 6.3. Every figure a reader sees is rounded here.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def half_up(value: float, places: int = 1) -> float:
    """`value` rounded half up to `places` decimals, reading it as its shortest decimal form (2.05, not
    2.04999…), so that the result is what a person rounding the printed figure would get."""
    if not math.isfinite(value) or abs(value) >= 1e15:
        # Infinite, or so large a float has no decimals to round (and a hand-edited 1e308 would
        # overflow the Decimal context): it stands as it is.
        return float(value)
    exact = Decimal(repr(float(value)))
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def fraction(percent: float) -> float:
    """A percentage in points as the fraction a spreadsheet stores (5.6 → 0.056), without the float
    noise of dividing by 100 (0.055999999999999994)."""
    return float(Decimal(repr(float(percent))) / 100)
