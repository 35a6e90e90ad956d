"""The fill-in workbook (填报模板) a lead unit gets each period, its CSV twin, and the breakdown sheet.

Rows are built as plain data first (`return_rows`, `assignment_rows`), then written as xlsx or CSV.
openpyxl is imported only here and only when a workbook is written.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any, Mapping, Sequence

from sdpolicy.catalogue import Plan, Task
from sdpolicy.i18n import pair, t
from sdpolicy.periods import Period
from sdpolicy.progress import expected_percent, latest
from sdpolicy.render import words
from sdpolicy.returns import (
    META_SHEET, NODE_CELLS, RETURN_COLUMNS, STATE_CHOICES, TEMPLATE_VERSION, Column, assignment_columns,
    catalogue_digest, header,
)
from sdpolicy.store import Record
from sdpolicy.units import Assignment, Unit, Units


def value_hint(task: Task, lang: str) -> str:
    """What the Value cell of a numeric task expects, in words (also the cell's input prompt)."""
    target = task.target
    unit_text = (target.unit_zh if lang == "zh" else target.unit_en) or ""
    if not target.numeric:
        return t("hint.state", lang)
    if target.kind == "percent" or unit_text == "%":
        return t("hint.percent", lang)
    return t("hint.count", lang, unit=unit_text or t("hint.number", lang))


def _with_hint(target: str, task: Task, lang: str) -> str:
    if not task.target.numeric:
        return target
    return f"{target}（{value_hint(task, lang)}）" if lang == "zh" else f"{target} ({value_hint(task, lang)})"


def _role(task: Task, unit: Unit | None, current: Mapping[str, Assignment], units: Units, lang: str) -> str:
    entry = current.get(task.id)
    if unit is None:
        return entry.lead if entry else ""
    if entry is not None and units.canonical(entry.lead) == unit.zh:
        return t("role.lead", lang)
    return t("role.cooperating", lang)


def return_rows(
    plan: Plan, records: Sequence[Record], current: Mapping[str, Assignment], units: Units, unit: Unit | None,
    period: Period, lang: str, today: date,
) -> list[dict[str, Any]]:
    """One row per task the unit leads (every task without a unit), with the pre-filled columns."""
    from sdpolicy.views import target_json

    if unit is None:
        tasks = list(plan.tasks)
    else:
        tasks = [task for task in plan.tasks if task.id in current and units.canonical(current[task.id].lead) == unit.zh]
    rows = []
    for task in tasks:
        area = plan.areas_by_slug[task.area]
        found = latest(records, "task", task.id, today)
        if found is None:
            last = ""
        elif found.value is not None:
            last = words.amount(found.value, target_json(task.target), lang)
        else:
            last = words.state(found.state, lang)
        rows.append({
            "id": task.id,
            "area": area.name_zh if lang == "zh" else area.name_en,
            "task": pair(task, "title", lang),
            # A numeric task's row says in words what its Value means (also the cell's input prompt).
            "target": _with_hint(words.target(target_json(task.target), lang), task, lang),
            "role": _role(task, unit, current, units, lang),
            "last": last,
            "last_date": found.date if found else None,
            "expected": round(expected_percent(task, period.end), 1),
            "numeric": task.target.numeric,
            "hint": value_hint(task, lang),
        })
    return rows


def assignment_rows(plan: Plan, current: Mapping[str, Assignment], lang: str) -> list[dict[str, Any]]:
    """One row per task with its units and the time nodes in effect (`plan` carries the office's
    nodes over the catalogue's, as every view does), one node per cell in the syntax of --node."""
    from sdpolicy.trajectory import node_text

    rows = []
    separator = "、" if lang == "zh" else ", "
    for task in plan.tasks:
        entry = current.get(task.id)
        area = plan.areas_by_slug[task.area]
        row = {
            "id": task.id,
            "area": area.name_zh if lang == "zh" else area.name_en,
            "task": pair(task, "title", lang),
            "lead": entry.lead if entry else "",
            "with": separator.join(entry.cooperating) if entry else "",
            "note": entry.note if entry else "",
            "numeric": task.target.numeric,
            "nodes": len(task.nodes),
        }
        row.update({f"node{n}": node_text(node) for n, node in enumerate(task.nodes, start=1)})
        rows.append(row)
    return rows


def assignment_layout(rows: list[dict[str, Any]]) -> tuple[Column, ...]:
    """The breakdown sheet's columns: room for NODE_CELLS nodes, or for the most any task has."""
    return assignment_columns(max([NODE_CELLS, *(row["nodes"] for row in rows)]))


def metadata(plan: Plan, kind: str, unit: Unit | None, period: Period | None, lang: str, today: date) -> list[tuple[str, str]]:
    return [
        ("kind", kind),
        ("version", str(TEMPLATE_VERSION)),
        ("unit", unit.zh if unit else ""),
        ("period", period.label if period else ""),
        ("lang", lang),
        ("plan", plan.id),
        ("catalogue", catalogue_digest(plan)),
        ("made", today.isoformat()),
    ]


# -- CSV


def render_return_csv(rows: list[dict[str, Any]], meta: list[tuple[str, str]], lang: str) -> str:
    return _csv(RETURN_COLUMNS, rows, meta, lang)


def render_assignments_csv(rows: list[dict[str, Any]], meta: list[tuple[str, str]], lang: str) -> str:
    return _csv(assignment_layout(rows), rows, meta, lang)


def _csv(columns: Sequence[Column], rows: list[dict[str, Any]], meta: list[tuple[str, str]], lang: str) -> str:
    """UTF-8 with BOM and CRLF, as Excel and WPS open CSV without garbling Chinese. The first line
    carries the metadata as key=value fields; the header row is the first that holds the ID header."""
    from sdpolicy.render.csvfile import BOM, field

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([field(f"{key}={value}") for key, value in meta])
    writer.writerow([header(c, lang) for c in columns])
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column.key, "")
            if column.key == "expected":
                value = f"{value:.1f}%"
            elif isinstance(value, date):
                value = value.isoformat()
            cells.append(field(value) if not column.fill or column.key in row else "")
        writer.writerow(cells)
    return BOM + buffer.getvalue()


# -- xlsx

HEADER_FILL = "E9ECEF"
FILL_FILL = "FFF9DB"  # the cells a unit fills in: pale yellow, as offices mark input cells
# The pre-filled, protected cells: grey, as the instructions sheet and the README say. Opened by
# hand in LibreOffice they had shown white, so only the header row looked grey.
LOCKED_FILL = "F2F2F2"
TITLE_ROWS = 2  # a title and a one-line instruction above the header row


def render_return_workbook(
    rows: list[dict[str, Any]], meta: list[tuple[str, str]], unit: Unit | None, period: Period, lang: str,
) -> bytes:
    from openpyxl.worksheet.datavalidation import DataValidation

    wb, ws = _book(t("sheet.return", lang))
    title = t("return_title", lang, unit=(unit.zh if lang == "zh" else (unit.en or unit.zh)) if unit else t("all_tasks", lang), period=period.label)
    header_row = _table(ws, RETURN_COLUMNS, rows, title, t("return_subtitle", lang, first=period.start.isoformat(), last=period.end.isoformat()), lang)
    first, last_row = header_row + 1, header_row + max(len(rows), 1)
    letter = {c.key: _letter(i) for i, c in enumerate(RETURN_COLUMNS, start=1)}

    # Two drop-downs of the same four states, told apart by their prompt: a numeric task's State is
    # left blank (the importer refuses a Value and a State together, as mark does). A list rule
    # cannot look at the Value cell beside it, so the prompt says so where the choice is made;
    # filled by hand in LibreOffice, a state picked beside a value was otherwise only caught on import.
    words = "、".join(STATE_CHOICES[lang]) if lang == "zh" else ", ".join(STATE_CHOICES[lang])
    state_rules = {
        numeric: DataValidation(
            type="list", formula1='"' + ",".join(STATE_CHOICES[lang]) + '"', allow_blank=True,
            showErrorMessage=True, errorTitle=t("state", lang), error=t("dv.state", lang, states=words),
            showInputMessage=True, promptTitle=t("state", lang),
            prompt=t("dv.state_numeric" if numeric else "dv.state_choose", lang, states=words),
        )
        for numeric in (True, False)
    }
    for offset, row in enumerate(rows or [{"numeric": False}]):
        state_rules[row["numeric"]].add(f"{letter['state']}{first + offset}")
    days = DataValidation(
        type="date", operator="between", allow_blank=True, showErrorMessage=True, showInputMessage=True,
        formula1=_excel_date(period.start), formula2=_excel_date(period.end),
        errorTitle=t("date", lang), error=t("dv.date", lang, first=period.start.isoformat(), last=period.end.isoformat()),
        promptTitle=t("date", lang), prompt=t("dv.date", lang, first=period.start.isoformat(), last=period.end.isoformat()),
    )
    days.add(f"{letter['date']}{first}:{letter['date']}{last_row}")
    validations = [rule for rule in state_rules.values() if rule.sqref] + [days]
    for offset, row in enumerate(rows):
        cell = f"{letter['value']}{first + offset}"
        if row["numeric"]:
            check = DataValidation(
                type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                showErrorMessage=True, showInputMessage=True, errorTitle=t("value", lang), error=t("dv.value", lang),
                promptTitle=t("value", lang), prompt=row["hint"],
            )
        else:
            # A milestone or qualitative task reports a state: its Value cell accepts nothing.
            check = DataValidation(
                type="textLength", operator="equal", formula1="0", allow_blank=True, showErrorMessage=True,
                showInputMessage=True, errorTitle=t("value", lang), error=row["hint"],
                promptTitle=t("value", lang), prompt=row["hint"],
            )
        check.add(cell)
        validations.append(check)
    _add_rules(ws, validations)
    _instructions(wb, lang, t("instructions.return", lang, first=period.start.isoformat(), last=period.end.isoformat(), states="、".join(STATE_CHOICES[lang]) if lang == "zh" else ", ".join(STATE_CHOICES[lang])))
    _meta(wb, meta, [])
    return _save(wb)


def render_assignments_workbook(rows: list[dict[str, Any]], meta: list[tuple[str, str]], units: Units, lang: str) -> bytes:
    from openpyxl.styles import PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = assignment_layout(rows)
    wb, ws = _book(t("sheet.assignments", lang))
    header_row = _table(ws, columns, rows, t("assignments_title", lang), t("assignments_subtitle", lang), lang)
    first, last_row = header_row + 1, header_row + max(len(rows), 1)
    letter = {c.key: _letter(i) for i, c in enumerate(columns, start=1)}
    names = [u.zh for u in units]
    # The drop-down lists the canonical names from the hidden sheet; a warning, not a refusal, so that
    # an alias typed by hand is still accepted (the importer resolves it).
    lead = DataValidation(
        type="list", formula1=f"{META_SHEET}!$D$1:$D${len(names)}", allow_blank=True, showErrorMessage=True,
        errorStyle="warning", errorTitle=t("lead", lang), error=t("dv.unit", lang),
    )
    lead.add(f"{letter['lead']}{first}:{letter['lead']}{last_row}")
    node_keys = [c.key for c in columns if c.key.startswith("node")]
    # The syntax of a node is shown as the cell's input message: the clerk sees it on selecting a cell.
    prompt = DataValidation(allow_blank=True, showInputMessage=True, promptTitle=t("nodes", lang), prompt=t("dv.node", lang))
    # A task with a numeric target is judged by its figures: its node cells are locked, grey as the
    # pre-filled cells are, and take nothing.
    numeric = DataValidation(
        type="textLength", operator="equal", formula1="0", allow_blank=True, showErrorMessage=True,
        showInputMessage=True, errorTitle=t("nodes", lang), error=t("dv.no_nodes", lang),
        promptTitle=t("nodes", lang), prompt=t("dv.no_nodes", lang),
    )
    locked, plain = Protection(locked=True), PatternFill("solid", fgColor=LOCKED_FILL)
    for offset, row in enumerate(rows):
        span = f"{letter[node_keys[0]]}{first + offset}:{letter[node_keys[-1]]}{first + offset}"
        if row["numeric"]:
            numeric.add(span)
            for key in node_keys:
                cell = ws[f"{letter[key]}{first + offset}"]
                cell.protection, cell.fill = locked, plain
        else:
            prompt.add(span)
    for key in node_keys:
        ws.column_dimensions[letter[key]].width = 26
    _add_rules(ws, [lead, *(rule for rule in (prompt, numeric) if rule.sqref)])
    _instructions(wb, lang, t("instructions.assignments", lang))
    _meta(wb, meta, names)
    return _save(wb)


# Excel's limits on the words of a validation rule (MS-XLS 2.5.37 DValStrings: titles 32 characters,
# the error message 225, the input prompt 255). The file format sets none, so openpyxl and
# LibreOffice take longer text, but Excel reports such a file as damaged. A Value prompt carries
# the catalogue's unit words, which a catalogue of one's own can make long.
DV_LIMITS = {"errorTitle": 32, "promptTitle": 32, "error": 225, "prompt": 255}


def _add_rules(ws: Any, rules: list[Any]) -> None:
    """Add validation rules to a sheet, each text cut to what Excel accepts (ending in …)."""
    for rule in rules:
        for name, limit in DV_LIMITS.items():
            text = getattr(rule, name)
            if text and len(text) > limit:
                setattr(rule, name, text[: limit - 1] + "…")
        ws.add_data_validation(rule)


def _book(title: str) -> tuple[Any, Any]:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    return wb, ws


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _excel_date(day: date) -> str:
    return f"DATE({day.year},{day.month},{day.day})"


def _text(cell: Any, value: Any, lang: str) -> None:
    from sdpolicy.render.xlsx import put

    put(cell, value, lang)


def _table(ws: Any, columns: Sequence[Column], rows: list[dict[str, Any]], title: str, subtitle: str, lang: str) -> int:
    """Title, subtitle, header and rows; pre-filled cells locked, fill-in cells unlocked. Returns the header row."""
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    _text(ws.cell(1, 1), title, lang)
    ws.cell(1, 1).font = Font(bold=True, size=13)
    _text(ws.cell(2, 1), subtitle, lang)
    ws.cell(2, 1).font = Font(italic=True, color="555555")
    header_row = TITLE_ROWS + 1
    bold, grey, yellow = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL), PatternFill("solid", fgColor=FILL_FILL)
    locked = PatternFill("solid", fgColor=LOCKED_FILL)
    widths = []
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(header_row, index)
        _text(cell, header(column, lang), lang)
        cell.font, cell.fill = bold, grey
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        widths.append(max(words.display_width(header(column, lang)), 8))
    unlocked = Protection(locked=False)
    for offset, row in enumerate(rows, start=1):
        for index, column in enumerate(columns, start=1):
            cell = ws.cell(header_row + offset, index)
            value = row.get(column.key)
            if column.key == "expected":
                cell.value = value / 100
                cell.number_format = "0.0%"
            elif isinstance(value, date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            elif value not in (None, ""):
                _text(cell, value, lang)
                widths[index - 1] = min(max(widths[index - 1], words.display_width(str(value)) + 2), 50)
            if not column.fill:
                cell.fill = locked
            else:
                cell.protection = unlocked
                cell.fill = yellow
                if column.key == "date":
                    cell.number_format = "yyyy-mm-dd"
                elif column.key in ("value",):
                    cell.number_format = "General"
                else:
                    cell.number_format = "@"  # text: a note such as '=以上' stays a note
            cell.alignment = Alignment(wrap_text=column.key in ("task", "note", "problems", "next_steps"), vertical="top")
    for index, width in enumerate(widths, start=1):
        fill = columns[index - 1]
        ws.column_dimensions[_letter(index)].width = 30 if fill.key in ("note", "problems", "next_steps") else max(width, 10)
    ws.freeze_panes = ws.cell(header_row + 1, 2)
    # Protected without a password: it guards against slips, not against a unit that wants to change
    # a pre-filled cell (the importer reads only the ID and the fill-in columns anyway).
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False
    return header_row


def _instructions(wb: Any, lang: str, text: str) -> None:
    from openpyxl.styles import Alignment

    ws = wb.create_sheet(t("sheet.instructions", lang))
    for number, line in enumerate(text.split("\n"), start=1):
        _text(ws.cell(number, 1), line, lang)
        ws.cell(number, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 100


def _meta(wb: Any, meta: list[tuple[str, str]], names: list[str]) -> None:
    from sdpolicy.render.xlsx import stored_text

    # Exact, for the importer, which reads them as Excel shows them: only `_xHHHH_` escaped.
    ws = wb.create_sheet(META_SHEET)
    for number, (key, value) in enumerate(meta, start=1):
        ws.cell(number, 1).value = key
        ws.cell(number, 2).value = stored_text(value)
        ws.cell(number, 2).data_type = "s"
    for number, name in enumerate(names, start=1):
        ws.cell(number, 4).value = stored_text(name)
        ws.cell(number, 4).data_type = "s"
    # Hidden from the sheet tabs and from Excel's Unhide dialog; the importer reads it by name.
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


def _save(wb: Any) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
