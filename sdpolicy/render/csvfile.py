"""The CSV report: one row per task (or, with --by unit, one row per unit).

In English (`--lang en`), the columns of `list --json` with nested objects flattened: the JSON
keys, for programs, carrying both the zh and en fields. In Chinese, the spreadsheet's Tasks sheet
as text: Chinese headers and words (area names, lights, states, reasons), for the clerk who opens
it in Excel or WPS. Named csvfile so that `import csv` inside the package still finds the
standard library.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from sdpolicy.i18n import t
from sdpolicy.render import briefing, words
from sdpolicy.sanitise import printable

# The flattened schema. It is written out rather than discovered from the rows so that the header
# never depends on the data: `latest` is null until a task has a record, and `reason` carries
# different figures for each reason code. keyed() raises on a key missing here, so a new key
# in views.task_row fails the tests instead of silently vanishing from the CSV.
TARGET_KEYS = ("kind", "value", "min", "max", "unit_zh", "unit_en", "direction", "event")
REASON_KEYS = ("behind", "expected", "actual", "deadline", "days", "start", "period", "due", "periods", "last")
# The two reports a forecast runs through are a list: they stay in the JSON, one row per task here.
FORECAST_KEYS = ("value", "status", "method")
LATEST_KEYS = (
    "id", "kind", "item", "date", "value", "state", "node", "retracts", "note", "by", "problems", "next_steps",
    "source", "recorded_at",
)
COLUMNS = (
    "id", "area", "area_zh", "area_en", "title_zh", "title_en", "lead_zh", "lead_en",
    "units_zh", "units_en", "units_role", "hedge",
    *(f"target_{k}" for k in TARGET_KEYS),
    "baseline", "baseline_value", "start", "deadline", "actual", "state", "percent", "expected", "behind", "light",
    "reason", *(f"reason_{k}" for k in REASON_KEYS),
    *(f"latest_{k}" for k in LATEST_KEYS),
    *(f"forecast_{k}" for k in FORECAST_KEYS),
)

# report --csv --by unit: the keys of the report's `units` rows (views.unit_rows), in that order.
UNIT_COLUMNS = (
    "unit_zh", "unit_en", "kind", "led", "cooperating", "done", "green", "yellow", "red", "unreported", "grey",
    "last_report", "reported",
)

# With report --since, each task's light at that date and how it changed (empty when it did not).
SINCE_COLUMNS = ("light_since", "change")

BOM = "\ufeff"

# A spreadsheet takes a field starting with one of these for a formula (or, for tab and CR, strips
# them and looks again). OWASP's guidance on CSV injection: put a single quote before such a text
# field, which Excel and LibreOffice then show as text (the quote itself is hidden by Excel, shown
# by some other readers). Numbers are written by the csv module from ints and floats, never from
# text, so a negative figure stays a number.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def field(value: Any) -> Any:
    """A value as a CSV field: text neutralised against formulas, control characters shown as \\xNN
    (line breaks stay: the csv module quotes them), numbers untouched."""
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START):
        value = "'" + value
    return printable(value)


def flatten(row: dict[str, Any]) -> dict[str, Any]:
    """target.kind → target_kind, latest.note → latest_note, reason.code → reason; the units the
    plan names become three cells, their names and roles in the same order, joined by '; '."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if key == "units":
            for sub in ("name_zh", "name_en", "role"):
                flat[f"units_{sub.removeprefix('name_')}"] = "; ".join(u[sub] for u in value)
        elif isinstance(value, dict):
            for sub, item in value.items():
                if isinstance(item, list):
                    continue
                flat[key if (key, sub) == ("reason", "code") else f"{key}_{sub}"] = item
        elif isinstance(value, list):
            continue  # a task's time nodes are in the JSON; the CSV keeps one row per task
        elif value is None and key in ("latest", "forecast"):
            continue  # no record (or no forecast) yet: those cells stay empty
        else:
            flat[key] = value
    return flat


def tasks(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for area in view["areas"] for r in area["tasks_list"]]


def _text(value: Any) -> str:
    """A workbook cell's value as text a spreadsheet reads back: lights as words, percentages as
    42.5%, dates ISO, figures without separators, text from data neutralised."""
    from sdpolicy.render.xlsx import Percent

    if value is None:
        return ""
    if isinstance(value, briefing.Light):
        return value.word
    if isinstance(value, Percent):
        return words.pct(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(round(value, 6))
    if isinstance(value, int):
        return str(value)
    return field(str(value))  # text from data: neutralised; figures above stay figures


def localised(view: dict[str, Any], lang: str) -> tuple[list[str], list[list[str]]]:
    """The Tasks sheet's headers and rows in `lang`, each value as text a spreadsheet reads back."""
    from sdpolicy.render.xlsx import tasks_sheet

    headers, rows = tasks_sheet(view, lang)
    return headers, [[_text(v) for v in row] for row in rows]


def keyed(view: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The English CSV: the flattened JSON rows under their keys. A key that COLUMNS lacks is an
    error, so that a new key in views.task_row fails the tests instead of vanishing."""
    rows = []
    for row in tasks(view):
        flat = flatten(row)
        unknown = sorted(set(flat) - set(COLUMNS))
        if unknown:
            raise ValueError(f"the CSV has no column for {', '.join(unknown)}")
        rows.append([field(flat.get(key)) for key in COLUMNS])
    return list(COLUMNS), rows


def render_csv(view: dict[str, Any], *, for_file: bool, lang: str = "en") -> str:
    """The CSV text, in either language through one writer. A file gets the BOM (without it Excel
    reads UTF-8 as the local code page and garbles Chinese) and CRLF line ends; stdout gets
    neither, for pipes into Unix tools."""
    headers, rows = localised(view, lang) if lang == "zh" else keyed(view)
    changes = view.get("changes")
    if changes is not None:
        # report --since: each task's light at that date and how it moved (empty when it did not).
        moved = {r["id"]: r for r in changes["transitions"]}
        extra = []
        for row in tasks(view):
            found = moved.get(row["id"])
            light, change = (found["before"]["light"], found["change"]) if found else (row["light"], "")
            extra.append(
                [words.light(light, lang), t(f"change.{change}", lang) if change else ""] if lang == "zh" else [light, change]
            )
        headers = headers + ([t("light_since", lang), t("change_col", lang)] if lang == "zh" else list(SINCE_COLUMNS))
        rows = [row + more for row, more in zip(rows, extra)]
    return _written(headers, rows, for_file)


def render_units_csv(view: dict[str, Any], *, for_file: bool, lang: str = "en") -> str:
    """`report --csv --by unit`: the report's table by unit (the rows of `status --by unit`), one
    row per unit. In Chinese the spreadsheet's Units sheet as text; in English the keys of the
    JSON `units` rows. Only the header row while the office has assigned no task."""
    if lang == "zh":
        from sdpolicy.render.xlsx import units_sheet

        headers, rows = briefing.unit_headers(lang), [[_text(v) for v in row] for row in units_sheet(view, lang)[1]]
    else:
        headers, rows = list(UNIT_COLUMNS), []
        for unit in view.get("units") or ():
            unknown = sorted(set(unit) - set(UNIT_COLUMNS))
            if unknown:
                raise ValueError(f"the CSV by unit has no column for {', '.join(unknown)}")
            # true/false as the JSON writes them: the English CSV is for programs.
            rows.append([field(str(v).lower() if isinstance(v, bool) else v) for v in (unit.get(k) for k in UNIT_COLUMNS)])
    return _written(headers, rows, for_file)


def _written(headers: list[str], rows: list[list[Any]], for_file: bool) -> str:
    """One writer for every CSV: a file gets the BOM and CRLF, stdout neither."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if for_file else "\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return (BOM if for_file else "") + buffer.getvalue()
