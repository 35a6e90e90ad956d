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
from datetime import date, datetime, timezone
from typing import Any

from sdpolicy.i18n import pair, t
from sdpolicy.numbers import fraction
from sdpolicy.render import briefing, words


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


def tasks_sheet(view: dict[str, Any], lang: str) -> tuple[list[str], list[list[Any]]]:
    headers = [t(k, lang) for k in (
        "id", "area", "title", "kind", "target", "target_value", "target_max", "unit", "actual", "state",
        "percent", "expected", "light", "why", "forecast", "forecast_status", "start", "deadline", "lead", "latest_date", "latest_note", "by",
    )]
    rows = []
    for area in view["areas"]:
        for r in area["tasks_list"]:
            target = r["target"]
            kind = target["kind"]
            unit_zh = target["unit_zh"]
            latest = r["latest"] or {}
            forecast = r["forecast"]
            rows.append([
                r["id"], words.name(area, lang), words.title(r, lang), t(f"kind.{kind}", lang),
                words.target(target, lang),
                _figure(target["min"] if kind == "range" else target["value"], unit_zh),
                _figure(target["max"], unit_zh),
                _unit(target, lang),
                _figure(r["actual"], unit_zh),
                words.state(r["state"], lang) if r["state"] else None,
                Percent(r["percent"]) if r["percent"] is not None else None,
                Percent(r["expected"]) if r["expected"] is not None else None,
                briefing.light(r["light"], lang),
                words.reason(r["reason"], lang),
                _figure(forecast["value"], unit_zh) if forecast else None,
                t(f"forecast.{forecast['status']}", lang) if forecast else None,
                _day(r["start"]), _day(r["deadline"]),
                pair(r, "lead", lang) or None,
                _day(latest.get("date")), latest.get("note") or None, latest.get("by") or None,
            ])
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


def _write_sheet(ws: Any, headers: list[str], rows: list[list[Any]], freeze: str, total: bool = False) -> None:
    """The sheet with its header, cells, widths and print setup; `total`: the last row sums the others
    and stays out of the filter, so sorting never moves it among them."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True, **FONT)
        cell.fill = PatternFill(fill_type="solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    fills = {
        code: (PatternFill(fill_type="solid", fgColor=colour.lstrip("#").upper()),
               Font(color=words.LIGHT_INK[code].lstrip("#").upper(), bold=True, **FONT))
        for code, colour in words.LIGHT_COLOUR.items()
    }
    widths = [words.display_width(h) for h in headers]
    for values in rows:
        ws.append([
            v.word if isinstance(v, briefing.Light) else fraction(v) if isinstance(v, Percent)
            else float(v) if isinstance(v, Points) else v
            for v in values
        ])
        for column, (cell, value) in enumerate(zip(ws[ws.max_row], values)):
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
    for column, width in enumerate(widths, start=1):
        letter = get_column_letter(column)
        if numeric and numeric[column - 1]:
            # Over figures, which Excel aligns right, the header goes right too.
            ws.cell(1, column).alignment = Alignment(horizontal="right", vertical="center", wrap_text=True)
        ws.column_dimensions[letter].width = min(width + 2, MAX_WIDTH)
        if width + 2 > MAX_WIDTH:
            for cell in ws[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = freeze
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + (0 if total else 1)}"
    # Printed, a sheet fits the page's width, landscape, its header row repeated on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def _finish_summary(summary: Any, view: dict[str, Any], lang: str) -> None:
    from openpyxl.styles import Font, PatternFill

    # The light columns' headers in their colours: the sheet reads like the lights chart.
    for offset, code in enumerate(words.LIGHTS):
        cell = summary.cell(1, 3 + offset)
        cell.fill = PatternFill(fill_type="solid", fgColor=words.LIGHT_COLOUR[code].lstrip("#").upper())
        cell.font = Font(bold=True, color=words.LIGHT_INK[code].lstrip("#").upper(), **FONT)
    for cell in summary[summary.max_row]:  # the total row
        cell.font = Font(bold=True, **FONT)
    # Below the table, what it is and when: a sheet passed on alone keeps its date.
    summary.append([])
    summary.append([t("plan", lang), pair(view["plan"], "name", lang)])
    summary.append([t("as_of", lang), _day(view["as_of"])])
    summary.cell(summary.max_row, 2).number_format = DATE_FORMAT
    width = summary.column_dimensions["B"].width or 0
    summary.column_dimensions["B"].width = max(width, len(view["as_of"]) + 2)  # else Calc shows ###


def render_workbook(view: dict[str, Any], lang: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.properties.title = briefing.title(view, lang)
    book.properties.creator = "sdpolicy"
    sheets = [
        ("sheet.summary", summary_sheet, "B2"),
        ("sheet.tasks", tasks_sheet, "B2"),
        ("sheet.baselines", baselines_sheet, "B2"),
        ("sheet.log", log_sheet, "B2"),
        ("sheet.trend", trend_sheet, "C2"),
    ]
    if view.get("units"):
        sheets.insert(2, ("sheet.units", units_sheet, "B2"))
    for index, (name, build, freeze) in enumerate(sheets):
        ws = book.active if index == 0 else book.create_sheet()
        ws.title = t(name, lang)
        headers, rows = build(view, lang)
        _write_sheet(ws, headers, rows, freeze, total=build is summary_sheet)
    _finish_summary(book.worksheets[0], view, lang)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
