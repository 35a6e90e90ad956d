"""Text tables with fixed columns, laid out in one pass over the cells.

Rich's Table measures and renders every cell through its general layout engine: about 75 ms for
the 81 tasks of the shipped plan, more than the start-up of Python, Typer and Rich together. The
tables here are simple (a known list of columns, one style per cell), so their layout is a width
per column and, on a narrow terminal, folding the wide text columns. Colour stays Rich's job: the
terminal renderer turns these fragments into Rich Text.
"""

from __future__ import annotations

import re
from typing import NamedTuple, Sequence, Union

from rich.cells import cell_len


class Column(NamedTuple):
    header: str
    right: bool = False  # figures line up on their last digit
    fold: bool = True  # may be folded over several lines when the terminal is too narrow


# A cell is its text, or its text and a Rich style name for a terminal ("bold red").
Cell = Union[str, tuple[str, str]]
Fragment = tuple[str, str]
Line = list[Fragment]


class Rules(NamedTuple):
    between: str  # between two cells of a row
    under_header: str  # the character drawn under each header
    crossing: str  # the rule's own separator, under `between`
    header_style: str


# Piped: the ASCII columns of `a | b` rows that cut -d'|' and spreadsheets split.
PIPE = Rules(between=" | ", under_header="-", crossing="-+-", header_style="")
TERMINAL = Rules(between="  ", under_header="─", crossing="  ", header_style="bold")
# Label and value pairs, without a header.
PAIRS = Rules(between="  ", under_header="", crossing="", header_style="")

MIN_FOLDED_WIDTH = 8
_TOKEN = re.compile(r"\S+\s*|\s+")


def draw(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], rules: Rules, width: int | None = None
) -> list[Line]:
    """The lines of a table: a header (unless `rules` has none), a rule under it, then the rows.

    With a `width`, folding columns are narrowed, widest first, until the table fits or each is
    down to MIN_FOLDED_WIDTH; without one, every cell keeps its whole text on each of its lines.
    """
    body = [[_split(cell) for cell in row] for row in rows]
    show_header = bool(rules.under_header)
    widths = [cell_len(c.header) if show_header else 0 for c in columns]
    for row in body:
        for index, (lines, _) in enumerate(row):
            widths[index] = max(widths[index], *(cell_len(line) for line in lines))
    if width is not None:
        widths = _fit(columns, widths, width - cell_len(rules.between) * (len(columns) - 1))
    out: list[Line] = []
    if show_header:
        out.extend(_row(columns, widths, [([c.header], rules.header_style) for c in columns], rules))
        out.append([(rules.crossing.join(rules.under_header * w for w in widths), "")])
    for row in body:
        if width is not None:
            row = [(_fold(lines, w) if c.fold else lines, style) for c, w, (lines, style) in zip(columns, widths, row)]
        out.extend(_row(columns, widths, row, rules))
    return out


def plain(lines: list[Line]) -> str:
    """The lines as text without styles, each without the padding that trails its last cell."""
    return "".join("".join(text for text, _ in line).rstrip() + "\n" for line in lines)


def _split(cell: Cell) -> tuple[list[str], str]:
    text, style = (cell, "") if isinstance(cell, str) else cell
    return text.expandtabs().split("\n"), style


def _fit(columns: Sequence[Column], widths: list[int], room: int) -> list[int]:
    widths = list(widths)
    excess = sum(widths) - room
    while excess > 0:
        narrowable = [i for i, c in enumerate(columns) if c.fold and widths[i] > MIN_FOLDED_WIDTH]
        if not narrowable:
            break
        widest = max(narrowable, key=lambda i: widths[i])
        others = [widths[i] for i in narrowable if i != widest]
        # Down to the next widest at once (or as far as needed), so that wide columns shrink together.
        step = min(excess, widths[widest] - max(others + [MIN_FOLDED_WIDTH]) or 1)
        widths[widest] -= step
        excess -= step
    return widths


def _fold(lines: list[str], width: int) -> list[str]:
    """Each line broken into lines of at most `width` cells: between words where it can be, and
    anywhere in a word longer than a line or a run without spaces (Chinese has none)."""
    folded: list[str] = []
    for line in lines:
        current, used = "", 0
        for token in _TOKEN.findall(line):
            word = cell_len(token.rstrip())
            if used and used + word > width:
                folded.append(current.rstrip())
                current, used = "", 0
            if word <= width:
                current += token
                used += cell_len(token)
                continue
            for char in token:
                size = cell_len(char)
                if used and used + size > width and not char.isspace():
                    folded.append(current.rstrip())
                    current, used = "", 0
                current += char
                used += size
        folded.append(current.rstrip())
    return folded


def _row(columns: Sequence[Column], widths: list[int], cells: list[tuple[list[str], str]], rules: Rules) -> list[Line]:
    height = max(len(lines) for lines, _ in cells)
    out: list[Line] = []
    for number in range(height):
        line: Line = []
        for index, (column, width, (lines, style)) in enumerate(zip(columns, widths, cells)):
            text = lines[number] if number < len(lines) else ""
            last = index == len(cells) - 1
            # Nothing trails the last cell: padding there would only be spaces at the end of the line.
            pad = "" if last and not column.right else " " * max(width - cell_len(text), 0)
            if index:
                line.append((rules.between, ""))
            if column.right:
                line.extend([(pad, ""), (text, style)])
            else:
                line.extend([(text, style), (pad, "")])
        out.append(line)
    return out
