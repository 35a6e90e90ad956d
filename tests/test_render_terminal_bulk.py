"""Rows written in bulk on a terminal are byte for byte what Rich writes for the same fragments.

The terminal renderer asks Rich once per style for its codes and joins the rows around them; the
reference is the way it was drawn before, which a recording console still takes: every fragment
appended to one Rich Text, printed.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from sdpolicy.render import grid
from sdpolicy.render.grid import Column
from sdpolicy.render.terminal import LIGHT_STYLE, Screen

COLUMNS = [
    Column("ID", fold=False), Column("标题 Title"), Column("Count", right=True, fold=False),
    Column("Light", fold=False), Column("Lead"),
]
CONSOLES = {
    "truecolor": dict(color_system="truecolor"),
    "16 colours": dict(color_system="standard"),
    "NO_COLOR": dict(color_system="truecolor", no_color=True),
    "no colour system": dict(color_system=None),
}


def console(kind: str, width: int, **more) -> Console:
    return Console(file=io.StringIO(), force_terminal=True, width=width, highlight=False, emoji=False, **CONSOLES[kind], **more)


def shown(lines: list[grid.Line], kind: str, width: int, **more) -> str:
    screen = Screen()
    screen.is_terminal = True
    screen._console = console(kind, width, **more)
    screen._show(lines)
    return screen._console.file.getvalue()


def by_rich(lines: list[grid.Line], kind: str, width: int) -> str:
    # A recording console (as for an export) is drawn the old way, by Rich from one Text.
    return shown(lines, kind, width, record=True)


def in_bulk(lines: list[grid.Line], kind: str, width: int) -> str:
    return shown(lines, kind, width)


cell = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
row = st.tuples(
    st.from_regex(r"[A-Z]{2,4}-[0-9]{2}", fullmatch=True), cell, st.integers(0, 10**6).map(str),
    st.sampled_from(sorted(LIGHT_STYLE)), cell,
)


@pytest.mark.parametrize("kind", sorted(CONSOLES))
@settings(max_examples=40, deadline=None)
@given(rows=st.lists(row, max_size=6), width=st.integers(20, 120))
def test_bulk_rows_equal_rich_rows(kind, rows, width):
    cells = [[ident, title, count, (light, LIGHT_STYLE[light]), (lead, "dim" if lead else "")] for ident, title, count, light, lead in rows]
    lines = grid.draw(COLUMNS, cells, grid.TERMINAL, width)
    assert in_bulk(lines, kind, width) == by_rich(lines, kind, width)


def test_the_codes_are_rich_s_own():
    # Worked out from the ANSI standard: bold is 1, green foreground 32; Rich resets with 0.
    lines = [[("a ", ""), ("ok", "bold green"), (" b", "")]]
    assert in_bulk(lines, "16 colours", 40) == "a \x1b[1;32mok\x1b[0m b\n"
    assert in_bulk(lines, "no colour system", 40) == "a ok b\n"
