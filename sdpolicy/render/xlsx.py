"""The spreadsheet report: sheets Summary, Tasks, Baselines and Log, for people who filter and sum.

Figures are stored as numbers, never as text, so that they sort and add up. Units stay in a
column of their own rather than in number formats: a format such as `0.0" 万户"` would have to be
built for each of the catalogue's units (some of them long English phrases) and would vanish in
any program that drops formats; a unit column survives copying, filtering and CSV export.
Percentages are the exception: they are stored as fractions with a 0.0% format, as Excel expects.
Headers, sheet names, lights and states follow the chosen language.

openpyxl is imported inside render_workbook, so that only `report --xlsx` pays for it.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timezone
from typing import Any

from sdpolicy.i18n import pair, t
from sdpolicy.numbers import fraction
from sdpolicy.render import briefing, words
from sdpolicy.sanitise import message, printable


class Percent(float):
    """A percentage in points (42.5), written as the fraction 0.425 with a 0.0% format."""


class Points(float):
    """A change of a percentage, in percentage points: 23 shown as +23.0 points / +23.0个百分点, not as
    23.0 %, which would read as a growth."""

    unit = ""

    @classmethod
    def of(cls, value: float, lang: str) -> "Points":
        points = cls(value)
        points.unit = t("points", lang, value="").strip()
        return points

    @property
    def number_format(self) -> str:
        spaced = f' {self.unit}' if self.unit.isascii() else self.unit
        return f'+0.0"{spaced}";-0.0"{spaced}";0.0"{spaced}"'


INT_FORMAT = "#,##0"
FLOAT_FORMAT = "#,##0.0#"
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_FILL = "E9ECEF"
# A font named in full: a Font with only bold=True leaves the name empty, and LibreOffice then
# falls back to a serif face for those cells alone.
FONT = {"name": "Calibri", "size": 11}
MAX_WIDTH = 60  # wider text wraps inside the cell
MAX_CELL = 32_767  # Excel's limit on the characters (UTF-16 units) of one cell
LINE_HEIGHT = 16  # points: a line of 11-point text with its leading, CJK fonts being the tallest


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _utc(text: str | None) -> datetime | None:
    # Excel has no time zones: store UTC wall-clock time and say so in the header.
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def _figure(value: float | int | None, unit_zh: str | None) -> float | int | None:
    """A figure in its unit: a Percent when the unit is %, so it shows as 42.0% and sums as 0.42."""
    if value is None:
        return None
    return Percent(value) if unit_zh == "%" else value


def _unit(obj: dict[str, Any], lang: str) -> str | None:
    return words.unit(obj, lang) or None


# ---------------------------------------------------------------------------------------------
# The sheets as header lists and rows of Python values; _write_sheet turns them into cells.


def summary_sheet(view: dict[str, Any], lang: str) -> tuple[list[str], list[list[Any]]]:
    headers = briefing.summary(view, lang).headers
    rows = [
        [
            words.name(s, lang) if s["area"] else t("total", lang),
            *(s[k] for k in ("tasks", *words.LIGHTS)),
            Percent(s["percent"]) if s["percent"] is not None else None,
        ]
        for s in [*view["areas"], view["total"]]
    ]
    return headers, rows


def units_sheet(view: dict[str, Any], lang: str) -> tuple[list[str], list[list[Any]]]:
    """One row per unit, as the briefing's unit table, with counts as numbers and dates as dates."""
    table = briefing.units(view, lang)
    rows = [
        [pair(u, "unit", lang) or u["unit_zh"], u["led"], *(u[k] for k in words.LIGHTS), _day(u["last_report"]),
         t("yes" if u["reported"] else "no", lang)]
        for u in view.get("units") or ()
    ]
    return (table.headers if table else []), rows


# The Tasks sheet's columns. Twenty-odd columns fitted to one landscape A4 page came out at about
# 4 pt, so the ones a printed page needs come first and the print area stops after PRINTED of
# them; the figures behind them (kind, target figures, unit, forecast, dates, latest record)
# follow, for filtering and sums on screen. In the printed columns long text wraps at PRINT_WIDTH.
TASK_COLUMNS = (
    "id", "area", "title", "target", "actual", "percent", "light", "why", "deadline", "lead",
    "kind", "target_value", "target_max", "unit", "state", "expected", "forecast", "forecast_status",
    "start", "latest_date", "latest_note", "by",
)
PRINTED = 10
PRINT_WIDTH = {"area": 22, "title": 36, "target": 14, "why": 28, "lead": 14}


def tasks_sheet(view: dict[str, Any], lang: str) -> tuple[list[str], list[list[Any]]]:
    headers = [t(k, lang) for k in TASK_COLUMNS]
    rows = []
    for area in view["areas"]:
        for r in area["tasks_list"]:
            target = r["target"]
            kind = target["kind"]
            unit_zh = target["unit_zh"]
            latest = r["latest"] or {}
            forecast = r["forecast"]
            cells = {
                "id": r["id"], "area": words.name(area, lang), "title": words.title(r, lang),
                "target": words.target(target, lang),
                "actual": _figure(r["actual"], unit_zh),
                "percent": Percent(r["percent"]) if r["percent"] is not None else None,
                "light": briefing.light(r["light"], lang),
                "why": words.reason(r["reason"], lang),
                "deadline": _day(r["deadline"]),
                "lead": pair(r, "lead", lang) or None,
                "kind": t(f"kind.{kind}", lang),
                "target_value": _figure(target["min"] if kind == "range" else target["value"], unit_zh),
                "target_max": _figure(target["max"], unit_zh),
                "unit": _unit(target, lang),
                "state": words.state(r["state"], lang) if r["state"] else None,
                "expected": Percent(r["expected"]) if r["expected"] is not None else None,
                "forecast": _figure(forecast["value"], unit_zh) if forecast else None,
                "forecast_status": t(f"forecast.{forecast['status']}", lang) if forecast else None,
                "start": _day(r["start"]),
                "latest_date": _day(latest.get("date")),
                "latest_note": latest.get("note") or None,
                "by": latest.get("by") or None,
            }
            rows.append([cells[k] for k in TASK_COLUMNS])
    return headers, rows


def baselines_sheet(view: dict[str, Any], lang: str) -> tuple[list[str], list[list[Any]]]:
    area_names = {a["area"]: words.name(a, lang) for a in view["areas"]}
    headers = [t(k, lang) for k in (
        "id", "indicator", "area", "baseline", "unit", "qualifier", "as_of", "state", "linked_tasks",
        "actual", "actual_date", "change", "growth",
    )]
    rows = []
    for i in view["indicators"]:
        linked = ", ".join(f"{x['id']} ({words.target(x['target'], lang)})" for x in i["tasks"])
        rows.append([
            i["id"], words.name(i, lang), area_names.get(i["area"], i["area"]),
            _figure(i["value"], i["unit_zh"]), _unit(i, lang),
            words.qualifier(i["qualifier"], lang) or None,
            _day(i["as_of"]),
            # Figures stay in number columns; the state column holds the words: the state recorded
            # since, else how the 2005 review described an indicator that has no figure.
            words.state(i["recorded_state"], lang) if i["recorded_state"]
            else (pair(i, "state", lang) or None) if i["value"] is None else None,
            linked or None,
            _figure(i["actual"], i["unit_zh"]),
            _day(i["actual_date"]),
            Points.of(i["change"], lang) if i["change"] is not None and i["unit_zh"] == "%"
            else _figure(i["change"], i["unit_zh"]),
            Percent(i["growth"]) if i["growth"] is not None else None,
        ])
    return headers, rows


def log_sheet(view: dict[str, Any], lang: str) -> tuple[list[str], list[list[Any]]]:
    units: dict[tuple[str, str], dict[str, Any]] = {
        ("task", r["id"]): r["target"] for a in view["areas"] for r in a["tasks_list"]
    }
    units.update({("indicator", i["id"]): i for i in view["indicators"]})
    headers = [t(k, lang) for k in (
        "record", "date", "item", "kind", "value", "unit", "state", "note", "by", "recorded_at_utc",
        "in_effect", "retracts", "replaced_by",
    )]
    rows = []
    for r in view["log"]:
        unit_of = units.get((r["kind"], r["item"]), {})
        rows.append([
            r["id"], _day(r["date"]), r["item"], t(f"record_kind.{r['kind']}", lang),
            _figure(r["value"], unit_of.get("unit_zh")),
            _unit(unit_of, lang) if r["value"] is not None else None,
            words.state(r["state"], lang) if r["state"] else (t("node_reached", lang, node=r["node"]) if r.get("node") else None),
            r["note"] or None, r["by"] or None, _utc(r["recorded_at"]),
            _standing(r, lang), r["retracts"], r["retracted_by"] or r.get("superseded_by"),
        ])
    return headers, rows


def bulletin_sheet(view: dict[str, Any], lang: str) -> tuple[list[str], list[list[Any]]]:
    """The counts a bulletin prints (report --since), each with its share of the tasks."""
    table = briefing.standings(view, lang)
    counts = view["bulletin"]
    total = counts["tasks"]
    from sdpolicy.bulletin import STANDINGS

    rows = [[row[0], counts[k], Percent(100 * counts[k] / total) if total else None] for row, k in zip(table.rows, STANDINGS)]
    rows.append([t("total", lang), total, Percent(100.0) if total else None])
    return table.headers, rows


def changes_sheet(view: dict[str, Any], lang: str) -> tuple[list[str], list[list[Any]]]:
    headers = [t(k, lang) for k in ("id", "title", "change_col", "before", "after", "why")]
    rows = [
        [r["id"], words.title(r, lang), t(f"change.{r['change']}", lang), briefing.light(r["before"]["light"], lang),
         briefing.light(r["after"]["light"], lang), words.reason(r["after"]["reason"], lang)]
        for r in view["changes"]["transitions"]
    ]
    return headers, rows


def unreported_sheet(view: dict[str, Any], lang: str) -> tuple[list[str], list[list[Any]]]:
    from sdpolicy.render.terminal import unit_name

    headers = [t(k, lang) for k in ("unit_col", "id", "title", "deadline", "last_report_col", "missed_col")]
    rows = [
        [unit_name(group, lang), r["id"], words.title(r, lang), _day(r["deadline"]), _day(r["last"]), r["missed"]]
        for group in view["not_reported"]["units"] for r in group["tasks"]
    ]
    return headers, rows


def _standing(row: dict[str, Any], lang: str) -> str:
    """Whether a record counts: yes; no (retracted); or superseded by a later one for its date."""
    if not row["in_effect"]:
        return t("no", lang)
    return t("superseded", lang) if row.get("superseded_by") else t("yes", lang)


def trend_sheet(view: dict[str, Any], lang: str) -> tuple[list[str], list[list[Any]]]:
    """One row per task, one column per month end: the light there (its fill and its word, so that
    a black-and-white print still reads) and the done % where the task has one."""
    rows_by_id = {r["id"]: r for a in view["areas"] for r in a["tasks_list"]}
    headers = [t("id", lang), t("title", lang), *view["trend"]["dates"]]
    rows = []
    for task in view["trend"]["tasks"]:
        row = rows_by_id[task["id"]]
        cells: list[Any] = [task["id"], words.title(row, lang)]
        for point in task["points"]:
            word = words.light(point["light"], lang)
            shown = f"{words.pct(point['percent'])} {word}" if point["percent"] is not None else word
            cells.append(briefing.Light(point["light"], shown))
        rows.append(cells)
    return headers, rows


# ---------------------------------------------------------------------------------------------
# Cells


def _shown(value: Any) -> str:
    """Roughly what a cell displays, to size its column."""
    if isinstance(value, briefing.Light):
        return value.word
    if isinstance(value, Percent):
        return f"{value:.1f}%"
    if isinstance(value, Points):
        return f"+{value:.1f} {value.unit}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return words.num(value)
    return "" if value is None else str(value)


# ECMA-376's escape of a character in a cell's text (ST_Xstring): Excel reads `_x0041_` as "A" and
# `_x0007_` as a BEL. openpyxl writes text as it is, so a note holding such text literally would show
# otherwise than typed. The underscore that opens one is escaped as `_x005F_` (an underscore), as
# Excel and LibreOffice do when they save such text: every such underscore, the one a sequence
# shares with the next (`_x0041_x0042_`) included, since a reader decodes from the left. `_X` too,
# as LibreOffice does: harmless where a reader takes it literally.
_XSTRING_OPENER = re.compile(r"_(?=[xX][0-9A-Fa-f]{4}_)")
_XSTRING = re.compile(r"_x([0-9A-Fa-f]{4})_")


def text_cell(text: str, lang: str) -> str:
    """Text from data as it is stored for a workbook cell to show it: control and invisible format
    characters as \\xNN or \\uNNNN (a workbook cannot hold most controls at all), a text longer than
    a cell may hold cut with a visible marker, and `_xHHHH_` escaped so that it shows as typed."""
    text = printable(text)
    if len(text) * 2 > MAX_CELL and _units(text) > MAX_CELL:
        kept = text[: MAX_CELL - 120]
        while _units(kept) > MAX_CELL - 120:
            kept = kept[: -(_units(kept) - (MAX_CELL - 120))]
        text = kept + t("cell_cut", lang, count=f"{len(text) - len(kept):,}")
    return stored_text(text)


def stored_text(text: str) -> str:
    """`text` with each `_xHHHH_` it holds escaped, so that Excel shows it as written; for text that
    text_cell has made cell-ready, or that a program reads back (the returns' hidden metadata)."""
    return _XSTRING_OPENER.sub("_x005F_", text) if "_" in text else text


def shown_text(stored: str) -> str:
    """What Excel shows for the text stored in a cell (the inverse of stored_text): each
    `_xHHHH_`, read from the left, is the UTF-16 unit HHHH; a surrogate pair is one character, a lone
    surrogate (no character at all) U+FFFD. openpyxl reads stored text as it is."""
    if "_x" not in stored:
        return stored
    units = _XSTRING.sub(lambda found: chr(int(found.group(1), 16)), stored)
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _units(text: str) -> int:
    """Length in UTF-16 units, as Excel counts: a character beyond the BMP is two."""
    return len(text.encode("utf-16-le")) // 2


def put(cell: Any, value: Any, lang: str) -> None:
    """Set a cell from a value of the view. Text is always a string cell: openpyxl would store text
    starting with '=' as a formula, so a note could be a live HYPERLINK or a clerk's '=以上…' #NAME?."""
    if isinstance(value, str):
        cell.value = text_cell(value, lang)
        cell.data_type = "s"
    else:
        cell.value = value


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes in a column `width` characters wide. Column widths count digits
    of Calibri 11; a CJK character takes about two, an average letter about 0.9. English breaks
    between words, Chinese between any two characters."""
    def size(token: str) -> float:
        # No ASCII character is wide: only the rest needs Unicode's table.
        return sum(2 if c > "\x7f" and words.display_width(c) == 2 else 0.9 for c in token)

    lines, used = 1, 0.0
    for token in re.findall(r"[\u2e80-\uffef]|[^\s\u2e80-\uffef]+\s*|\s+", text):
        if used and used + size(token.rstrip()) > width:
            lines, used = lines + 1, 0.0
        used += size(token)
        while used > width:  # a word longer than the column is cut where it meets the edge
            lines, used = lines + 1, used - width
    return lines


def _write_sheet(ws: Any, headers: list[str], rows: list[list[Any]], freeze: str, *, head: int = 1,
                 caps: dict[int, int] | None = None, total: bool = False, lang: str = "en") -> None:
    """The table with its header in row `head` (the rows above hold a title). `caps` gives columns
    (0-based) a width beyond which their text wraps, narrower than the general MAX_WIDTH. `total`:
    the last row sums the others and stays out of the filter, so sorting never moves it among them.
    Every cell is set through put()."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    caps = caps or {}
    for column, text in enumerate(headers, start=1):
        cell = ws.cell(head, column, text)
        cell.font = Font(bold=True, **FONT)
        cell.fill = PatternFill(fill_type="solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    fills = {
        code: (PatternFill(fill_type="solid", fgColor=colour.lstrip("#").upper()),
               Font(color=words.LIGHT_INK[code].lstrip("#").upper(), bold=True, **FONT))
        for code, colour in words.LIGHT_COLOUR.items()
    }
    widths = [words.display_width(h) for h in headers]
    for number, values in enumerate(rows, start=head + 1):
        for column, value in enumerate(values):
            shown = (value.word if isinstance(value, briefing.Light) else fraction(value) if isinstance(value, Percent)
                     else float(value) if isinstance(value, Points) else value)
            cell = ws.cell(number, column + 1)
            put(cell, shown, lang)
            if isinstance(value, briefing.Light):
                cell.fill, cell.font = fills[value.code]
            elif isinstance(value, Percent):
                cell.number_format = PERCENT_FORMAT
            elif isinstance(value, Points):
                cell.number_format = value.number_format
            elif isinstance(value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
            elif isinstance(value, int):
                cell.number_format = INT_FORMAT
            elif isinstance(value, float):
                cell.number_format = FLOAT_FORMAT
            widths[column] = max(widths[column], words.display_width(_shown(value)))
    numeric = [
        all(isinstance(v, (int, float, date)) for v in column if v is not None) and any(v is not None for v in column)
        for column in zip(*rows)
    ] if rows else []
    wrapped: dict[int, float] = {}  # the columns whose text wraps (1-based), with the width it wraps at
    for column, width in enumerate(widths, start=1):
        letter = get_column_letter(column)
        if numeric and numeric[column - 1]:
            # Over figures, which Excel aligns right, the header goes right too.
            ws.cell(head, column).alignment = Alignment(horizontal="right", vertical="center", wrap_text=True)
        cap = caps.get(column - 1, MAX_WIDTH)
        ws.column_dimensions[letter].width = min(width + 2, cap)
        if width + 2 > cap:
            wrapped[column] = cap - 1
            for number in range(head + 1, head + len(rows) + 1):
                ws.cell(number, column).alignment = Alignment(wrap_text=True, vertical="top")
    # Neither Excel nor LibreOffice grows a row for wrapped text written by a program: without a
    # height the second line is hidden under the next row. Count the lines each wrapped cell needs
    # and size the row. Cells are reached by their column numbers: openpyxl's ws[row] measures the
    # whole sheet for its last column each time, which made a 100,000-row log take minutes.
    for number, values in enumerate(rows, start=head + 1):
        lines = max([wrapped_lines(_shown(values[c - 1]), width) for c, width in wrapped.items()] + [1])
        if lines > 1:
            ws.row_dimensions[number].height = LINE_HEIGHT * lines
            # A row of several lines reads from its top line, every cell of it.
            for column in range(1, len(headers) + 1):
                cell = ws.cell(number, column)
                cell.alignment = Alignment(horizontal=cell.alignment.horizontal, wrap_text=cell.alignment.wrap_text,
                                           vertical="top")
    ws.freeze_panes = freeze
    if rows:
        ws.auto_filter.ref = f"A{head}:{get_column_letter(len(headers))}{head + len(rows) - (1 if total else 0)}"
    # Printed, a sheet fits the page's width, landscape, its header row repeated on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{head}:{head}"


# Landscape A4 less 0.5-inch side margins, in pixels at 96 dpi. A column of width w (in characters
# of Calibri 11) is about 7w + 5 pixels wide in Excel; LibreOffice draws it a little wider, so the
# scale is worked out at 8w + 5.
PAGE_PIXELS = (297 - 25.4) / 25.4 * 96


def _print_tasks(ws: Any, view: dict[str, Any]) -> None:
    """The Tasks sheet on paper: the first PRINTED columns at a fixed scale that fits them to the
    page's width, and a page break after each area, so that an area's tasks can be handed to the
    unit that carries them. Excel ignores manual page breaks under "fit to page", hence the scale."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    last = 1 + sum(len(a["tasks_list"]) for a in view["areas"])
    ws.print_area = f"A1:{get_column_letter(PRINTED)}{last}"
    pixels = sum(8 * ws.column_dimensions[get_column_letter(c)].width + 5 for c in range(1, PRINTED + 1))
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = None  # LibreOffice reads these over the scale
    ws.page_setup.scale = max(10, min(100, int(100 * PAGE_PIXELS / pixels)))
    ws.page_margins.left = ws.page_margins.right = 0.5
    row = 1
    for area in view["areas"][:-1]:
        row += len(area["tasks_list"])
        if area["tasks_list"]:
            ws.row_breaks.append(Break(id=row))


def _finish_summary(summary: Any, view: dict[str, Any], lang: str) -> None:
    from openpyxl.styles import Font, PatternFill

    # The light columns' headers in their colours: the sheet reads like the lights chart.
    for offset, code in enumerate(words.LIGHTS):
        cell = summary.cell(SUMMARY_HEAD, 3 + offset)
        cell.fill = PatternFill(fill_type="solid", fgColor=words.LIGHT_COLOUR[code].lstrip("#").upper())
        cell.font = Font(bold=True, color=words.LIGHT_INK[code].lstrip("#").upper(), **FONT)
    for cell in summary[summary.max_row]:  # the total row
        cell.font = Font(bold=True, **FONT)
    # Above the table, what it is and when, as a page begins: a sheet passed on alone keeps its date.
    title = summary.cell(1, 1)
    put(title, briefing.title(view, lang), lang)  # it names the plan: catalogue text
    title.font = Font(bold=True, **{**FONT, "size": 14})
    summary.cell(2, 1, t("as_of", lang)).font = Font(bold=True, **FONT)
    summary.cell(2, 2, _day(view["as_of"])).number_format = DATE_FORMAT
    width = summary.column_dimensions["B"].width or 0
    summary.column_dimensions["B"].width = max(width, len(view["as_of"]) + 2)  # else Calc shows ###
    # Between the date and the table, the report's opening sentences: the text runs on over the
    # empty cells beside it.
    summary.cell(3, 1, ("" if lang == "zh" else " ").join(briefing.opening(view, lang)))


# The Summary sheet's table starts in row 4, under its title (row 1) and date (row 2).
SUMMARY_HEAD = 4


def render_workbook(view: dict[str, Any], lang: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.properties.title = message(briefing.title(view, lang))
    book.properties.creator = "sdpolicy"
    sheets = [
        # Each sheet's header row, and the first cell of the table that does not scroll away.
        ("sheet.summary", summary_sheet, SUMMARY_HEAD, f"B{SUMMARY_HEAD + 1}"),
        ("sheet.tasks", tasks_sheet, 1, "B2"),
        ("sheet.baselines", baselines_sheet, 1, "B2"),
        ("sheet.log", log_sheet, 1, "B2"),
        ("sheet.trend", trend_sheet, 1, "C2"),
    ]
    if view.get("units"):
        sheets.insert(2, ("sheet.units", units_sheet, 1, "B2"))
    if view.get("changes") is not None:
        sheets[1:1] = [
            ("sheet.bulletin", bulletin_sheet, 1, "B2"), ("sheet.changes", changes_sheet, 1, "B2"),
            ("sheet.unreported", unreported_sheet, 1, "C2"),
        ]
    for index, (name, build, head, freeze) in enumerate(sheets):
        ws = book.active if index == 0 else book.create_sheet()
        ws.title = t(name, lang)
        headers, rows = build(view, lang)
        caps = {TASK_COLUMNS.index(k): w for k, w in PRINT_WIDTH.items()} if build is tasks_sheet else None
        _write_sheet(ws, headers, rows, freeze, head=head, caps=caps, total=build in (summary_sheet, bulletin_sheet), lang=lang)
    _finish_summary(book.worksheets[0], view, lang)
    _print_tasks(book[t("sheet.tasks", lang)], view)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
