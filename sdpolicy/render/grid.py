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

# `printable` is the one rule for control characters; the renderers reach it through this module.
from sdpolicy.sanitise import escape_chars, printable


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
    # Characters a cell may not show as themselves, because they would split a row: shown as \xNN.
    escaped: str = ""


# Piped: the ASCII columns of `a | b` rows that cut -d'|' and spreadsheets split. A `|` or a line
# break inside a cell would add a column or a row, so they are shown as \x7c and \x0a.
PIPE = Rules(between=" | ", under_header="-", crossing="-+-", header_style="", escaped="|\n")
TERMINAL = Rules(between="  ", under_header="─", crossing="  ", header_style="bold")
# Label and value pairs, without a header.
PAIRS = Rules(between="  ", under_header="", crossing="", header_style="")

MIN_FOLDED_WIDTH = 8
_NO_LINE_START = frozenset("、，。．：；？！）》」』】〕〉’”…,.;:?!)]}")
_TOKEN = re.compile(r"\S+\s*|\s+")


def draw(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], rules: Rules, width: int | None = None
) -> list[Line]:
    """The lines of a table: a header (unless `rules` has none), a rule under it, then the rows.

    With a `width`, folding columns are narrowed, widest first, until the table fits or each is
    down to MIN_FOLDED_WIDTH; without one, every cell keeps its whole text on each of its lines.
    """
    body = [[_split(cell, rules.escaped) for cell in row] for row in rows]
    show_header = bool(rules.under_header)
    widths = [text_width(c.header) if show_header else 0 for c in columns]
    for row in body:
        for index, (_, sizes, _) in enumerate(row):
            if sizes[0] > widths[index] or len(sizes) > 1:
                widths[index] = max(widths[index], *sizes)
    if width is not None:
        widths = _fit(columns, widths, width - text_width(rules.between) * (len(columns) - 1))
    out: list[Line] = []
    if show_header:
        out.extend(_row(columns, widths, [([c.header], [text_width(c.header)], rules.header_style) for c in columns], rules))
        out.append([(rules.crossing.join(rules.under_header * w for w in widths), "")])
    for row in body:
        if width is not None:
            row = [_folded(cell, w) if c.fold and max(cell[1]) > w else cell for c, w, cell in zip(columns, widths, row)]
        out.extend(_row(columns, widths, row, rules))
    return out


def plain(lines: list[Line]) -> str:
    """The lines as text without styles, each without the padding that trails its last cell."""
    return "".join("".join(text for text, _ in line).rstrip() + "\n" for line in lines)


def text_width(text: str) -> int:
    """Terminal cells `text` takes: one per character, two for most Chinese ones."""
    # Most cells (ids, dates, figures, English) are ASCII, where Rich's general lookup is not needed.
    return len(text) if text.isascii() else cell_len(text)


# A cell ready to lay out: its lines, the width of each, and its style.
_Laid = tuple[list[str], list[int], str]


def _split(cell: Cell, escaped: str = "") -> _Laid:
    text, style = (cell, "") if isinstance(cell, str) else cell
    if escaped and any(char in text for char in escaped):
        text = escape_chars(text, escaped)
    if text.isprintable():  # the common case, and a fast test: no newline, tab or control character
        return [text], [text_width(text)], style
    lines = printable(text).expandtabs().split("\n")
    return lines, [text_width(line) for line in lines], style


def _folded(cell: _Laid, width: int) -> _Laid:
    lines = _fold(cell[0], width)
    return lines, [text_width(line) for line in lines], cell[2]


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
        # An ASCII line is measured by its length: the common case of English titles, and far faster.
        ascii_only = line.isascii()
        measure = len if ascii_only else text_width
        current, used = "", 0
        for token in _TOKEN.findall(line):
            word = measure(token.rstrip())
            if used and used + word > width:
                folded.append(current.rstrip())
                current, used = "", 0
            if word <= width:
                current += token
                used += measure(token)
                continue
            for char in token:
                size = 1 if ascii_only else cell_len(char)
                if used and used + size > width and not char.isspace():
                    # Chinese typesetting never starts a line with a comma, a full stop or a closing
                    # bracket: the character before it goes down with it.
                    carried = current[-1] if char in _NO_LINE_START and len(current) > 1 else ""
                    folded.append(current[: len(current) - len(carried)].rstrip())
                    current, used = carried, measure(carried)
                current += char
                used += size
        folded.append(current.rstrip())
    return folded


def _row(columns: Sequence[Column], widths: list[int], cells: list[_Laid], rules: Rules) -> list[Line]:
    last = len(cells) - 1
    between = rules.between
    # Each cell's lines padded to its column once; a folded row then costs a join per line. Unstyled
    # text (padding, separators, plain cells) is gathered into one fragment, so that a terminal line
    # of ten cells is a few fragments rather than thirty.
    laid: list[tuple[list, str, str, int]] = []
    for index, (lines, sizes, style) in enumerate(cells):
        width = widths[index]
        right = columns[index].right
        # Nothing trails the last cell: padding there would only be spaces at the end of the line.
        tail = index == last and not right
        if style:
            padded: list = [
                (" " * (width - size), text, "") if right else ("", text, "" if tail else " " * (width - size))
                for text, size in zip(lines, sizes)
            ]
        elif right:
            padded = [" " * (width - size) + text for text, size in zip(lines, sizes)]
        elif tail:
            padded = lines
        else:
            padded = [text + " " * (width - size) for text, size in zip(lines, sizes)]
        laid.append((padded, style, "" if tail else " " * width, len(padded)))
    out: list[Line] = []
    # The lines no styled cell reaches (a folded row's continuation lines, mostly) are one string.
    styled_height = max((height for _, style, _, height in laid if style), default=0)
    for number in range(max(len(lines) for lines, _, _ in cells)):
        if number >= styled_height:
            joined = between.join([padded[number] if number < height else blank for padded, _, blank, height in laid])
            out.append([(joined, "")] if joined else [])
            continue
        line: Line = []
        plain = ""
        for index, (padded, style, blank, height) in enumerate(laid):
            if index:
                plain += between
            if number >= height:
                plain += blank
            elif style:
                before, text, after = padded[number]
                plain += before
                if plain:
                    line.append((plain, ""))
                line.append((text, style))
                plain = after
            else:
                plain += padded[number]
        if plain:
            line.append((plain, ""))
        out.append(line)
    return out
