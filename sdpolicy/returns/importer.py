"""Checking filled returns and breakdown sheets, and turning them into records and assignments.

Every row of every file is checked before anything is written, and every problem is reported at
once with its place (FILE:Sheet!C5, FILE:line:col). Whether a row is new is decided by its content
against the records in effect (`classify`), which the command runs again under the store's lock, so
that a re-import, or a mark made meanwhile, is judged on the store as it is when the write happens.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

from sdpolicy.catalogue import Node, Plan, Task, suggest_en
from sdpolicy.errors import UsageError
from sdpolicy.periods import Period, parse_period
from sdpolicy.progress import MAX_NOTE, effective, make_update, state_code
from sdpolicy.returns import (
    ASSIGNMENT_LAYOUT, CLEAR_NODES, KIND_ASSIGNMENTS, KIND_RETURN, RETURN_COLUMNS, STATE_CHOICES, UNIT_SEPARATORS,
    catalogue_digest,
)
from sdpolicy.returns.reader import Cell, Table, as_day
from sdpolicy.store import Record
from sdpolicy.units import Assignment, Unit, Units, in_effect, make_assignment

LAYOUTS = {KIND_RETURN: RETURN_COLUMNS, KIND_ASSIGNMENTS: ASSIGNMENT_LAYOUT}


class Checked(NamedTuple):
    """What the files say, checked: records and assignments to consider, and what was wrong."""

    records: list[tuple[Record, str]]  # each with the place of its row, for a clash found later
    assignments: list[Assignment]
    blank: int
    problems: list[str]
    warnings: list[str]


class Classified(NamedTuple):
    new: list[Any]  # the records (or assignments) to write
    unchanged: int


def _same(a: Record, b: Record) -> bool:
    """Same content for the same item and date: what a re-import must not record again."""
    return (a.kind, a.item, a.date, a.value, a.state, a.note, a.by, a.problems, a.next_steps) == (
        b.kind, b.item, b.date, b.value, b.state, b.note, b.by, b.problems, b.next_steps
    )


def classify(candidates: Sequence[Record], records: Sequence[Record]) -> Classified:
    """New records, and how many repeat the record in effect for their item and date.

    Within one item and date the record written last is the one in effect, as for every view, so a
    changed row (a correction) is new and wins, and a row identical to it is unchanged."""
    in_effect_now: dict[tuple[str, str, date], Record] = {}
    for record in effective(records):
        in_effect_now[(record.kind, record.item, record.date)] = record
    new: list[Record] = []
    unchanged = 0
    for record in candidates:
        held = in_effect_now.get((record.kind, record.item, record.date))
        if held is not None and _same(held, record):
            unchanged += 1
        else:
            new.append(record)
    return Classified(new, unchanged)


def classify_assignments(candidates: Sequence[Assignment], entries: Sequence[Assignment], units: Units) -> Classified:
    """The entries of a breakdown sheet that change what `entries` (the log, read under the lock) sets."""
    from sdpolicy.trajectory import nodes_in_effect, nodes_of_field

    current = in_effect(entries)
    nodes = nodes_in_effect(entries)
    new: list[Assignment] = []
    unchanged = 0
    for entry in candidates:
        held = current.get(entry.task)
        # The template fills in the note in effect: one typed over it is a change like any other.
        same_units = (
            held is not None and units.canonical(held.lead) == entry.lead
            and {units.canonical(u) for u in held.cooperating} == set(entry.cooperating) and held.note == entry.note
        )
        # An entry carries nodes only when they differed from those in effect when the sheet was
        # checked (see _row_nodes); another run may have recorded the same ones since.
        extra = dict(entry.extra)
        if same_units and ("nodes" not in extra or nodes.get(entry.task) == nodes_of_field(extra["nodes"])):
            unchanged += 1
        else:
            new.append(entry)
    return Classified(new, unchanged)


def check_tables(
    plan: Plan, tables: Sequence[Table], *, units: Units, assignments: Sequence[Assignment], today: date,
    any_unit: bool = False, unit: Unit | None = None, period: Period | None = None,
) -> Checked:
    problems: list[str] = []
    warnings: list[str] = []
    records: list[tuple[Record, str]] = []
    entries: list[Assignment] = []
    blank = 0
    seen: dict[tuple[str, date], tuple[Record, str]] = {}
    seen_tasks: dict[str, str] = {}
    digest = catalogue_digest(plan)
    now = datetime.now(timezone.utc)
    kinds = {t.kind for t in tables}
    if len(kinds) > 1:
        raise UsageError(
            "returns and breakdown sheets go in separate imports: import the breakdown sheet first, then the returns",
            zh="月度报表与分工表须分别导入：先导入分工表，再导入报表",
        )
    for table in tables:
        problems.extend(table.problems)
        if table.kind is None:
            problems.append(f"{table.path}: neither a return nor a breakdown sheet (its header row lacks Value or Lead unit)")
            continue
        if table.meta.get("catalogue") and table.meta["catalogue"] != digest:
            warnings.append(
                f"{table.path} was made for another catalogue ({table.meta['catalogue']}, this one is {digest}); "
                "its rows are checked against this catalogue"
            )
        if table.kind == KIND_ASSIGNMENTS:
            found, empty = _assignment_rows(plan, table, units, in_effect(assignments), today, now, problems, seen_tasks)
            entries.extend(found)
            blank += empty
            continue
        file_unit, file_period = _return_context(plan, table, units, unit, period, problems)
        for row in table.rows:
            made = _return_row(plan, table, row.cells, row.where, file_unit, file_period, units, assignments, today, now, any_unit, problems)
            if made is None:
                continue
            if made == "blank":
                blank += 1
                continue
            record, where = made
            key = (record.item, record.date)
            if key in seen:
                first, first_where = seen[key]
                if not _same(first, record):
                    problems.append(
                        f"{where}: task {record.item} on {record.date} is already given, differently, at {first_where}; "
                        "keep one of the two rows"
                    )
                continue
            seen[key] = (record, where)
            records.append((record, where))
    return Checked(records, entries, blank, problems, warnings)


def _return_context(
    plan: Plan, table: Table, units: Units, unit: Unit | None, period: Period | None, problems: list[str],
) -> tuple[Unit | None, Period | None]:
    named = table.meta.get("unit", "")
    file_unit = unit
    if named:
        found = units.get(named)
        if found is None:
            problems.append(f"{table.path}: the return is for unit '{named}', which is not in the list of units; add it with sdpolicy units add")
        elif unit is not None and unit.zh != found.zh:
            problems.append(f"{table.path}: the return is for {found.zh}, not {unit.zh} (--unit)")
        else:
            file_unit = found
    file_period = period
    if table.meta.get("period"):
        try:
            file_period = parse_period(plan.reporting, table.meta["period"])
        except UsageError:
            problems.append(f"{table.path}: its period '{table.meta['period']}' is not a month such as 2006-06 or a quarter such as 2006-Q2")
    return file_unit, file_period


def _text(cell: Cell | None) -> str:
    if cell is None or cell.value is None:
        return ""
    value = cell.value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _return_row(
    plan: Plan, table: Table, cells: Mapping[str, Cell], where: str, unit: Unit | None, period: Period | None,
    units: Units, assignments: Sequence[Assignment], today: date, now: datetime, any_unit: bool, problems: list[str],
) -> tuple[Record, str] | str | None:
    ids = cells.get("id")
    fill = [cells[k] for k in ("value", "state", "date", "note", "problems", "next_steps") if k in cells]
    for cell in [ids, *fill]:
        if cell is not None and cell.problem:
            problems.append(f"{cell.where}: {cell.problem}")
    if any(c.problem for c in [ids, *fill] if c is not None):
        return None
    if ids is None or ids.value is None:
        if any(c.value is not None for c in fill):
            problems.append(f"{where}: this row has figures but no task ID")
        return None
    if not any(c.value is not None for c in fill if c.where):
        return "blank"
    task_text = _text(ids)
    task = plan.tasks_by_id.get(task_text.strip().upper())
    if task is None:
        problems.append(f"{ids.where}: unknown task '{task_text}'{suggest_en(task_text, list(plan.tasks_by_id))}")
        return None
    before = len(problems)
    value_cell, state_cell, date_cell = cells.get("value"), cells.get("state"), cells.get("date")
    value = _value(value_cell, problems)
    state = None
    if state_cell is not None and state_cell.value is not None:
        state = state_code(_text(state_cell))
        if state is None:
            words = "、".join(STATE_CHOICES["zh"]) + " (" + ", ".join(STATE_CHOICES["en"]) + ")"
            problems.append(f"{state_cell.where}: '{_text(state_cell)}' is not a state; use one of {words}")
    if value is not None and state is not None:
        problems.append(
            f"{state_cell.where}: both a Value and a State are given; a task with a numeric target takes the Value "  # type: ignore[union-attr]
            "(leave State blank), a milestone or qualitative task the State"
        )
    day = _day(date_cell, period, today, problems, where)
    texts = {}
    for key in ("note", "problems", "next_steps"):
        cell = cells.get(key)
        text = _text(cell)
        if len(text) > MAX_NOTE:
            problems.append(f"{cell.where}: the text is {len(text):,} characters; the limit is {MAX_NOTE:,}")  # type: ignore[union-attr]
        texts[key] = text
    if unit is not None and not any_unit:
        entry = in_effect(assignments, day or today).get(task.id)
        if entry is None or units.canonical(entry.lead) != unit.zh:
            led = f"is led by {units.canonical(entry.lead)}" if entry else "has no lead unit assigned"
            problems.append(
                f"{ids.where}: task {task.id} {led}, not by {unit.zh}; import with --any-unit to accept its figures from this return"
            )
    if value is None and state is None and len(problems) == before:
        if any(texts.values()) or (date_cell is not None and date_cell.value is not None):
            # Words without a figure or state: what was reported cannot be judged, so it is refused
            # rather than silently dropped.
            problems.append(f"{where}: task {task.id} has words but no Value or State; give one, or clear the row")
        return None
    if len(problems) > before or day is None:
        return None
    try:
        record = make_update(
            plan, task.id, value=None if value is None else str(value), state=state, done=False, on=day.isoformat(),
            note=texts["note"], by=unit.zh if unit else "", today=today, now=now,
        )
    except UsageError as exc:
        place = value_cell if value is not None else state_cell
        problems.append(f"{place.where if place else where}: {_as_cell_words(exc.message)}")
        return None
    record = record._replace(problems=texts["problems"], next_steps=texts["next_steps"], source=Path(table.path).name)
    return record, where


def _as_cell_words(message: str) -> str:
    """make_update speaks of the command line's options; a workbook has columns instead."""
    for option, column in (("a --value or --done", "a Value"), ("a --state or --done", "a State"), ("a --value", "a Value"),
                           ("--value", "Value"), ("--state", "State"), ("--done", "State done")):
        message = message.replace(option, column)
    return message


def _value(cell: Cell | None, problems: list[str]) -> int | float | None:
    if cell is None or cell.value is None:
        return None
    value = cell.value
    if isinstance(value, bool) or isinstance(value, (date, datetime)):
        problems.append(f"{cell.where}: {_text(cell)!r} is not a number; type the figure, such as 120")
        return None
    if isinstance(value, (int, float)):
        number = value
    else:
        text = str(value).strip()
        try:
            number = float(text)
        except ValueError:
            problems.append(f"{cell.where}: '{text}' is not a number; type the figure alone, such as 120 (no units, no thousands separators)")
            return None
    if number != number or number in (float("inf"), float("-inf")):
        problems.append(f"{cell.where}: the value must be a finite number")
        return None
    if number < 0:
        problems.append(f"{cell.where}: the value {_text(cell)} is negative; a figure is 0 or more")
        return None
    return int(number) if float(number).is_integer() else number


def _day(cell: Cell | None, period: Period | None, today: date, problems: list[str], where: str) -> date | None:
    if cell is None or cell.value is None:
        if period is None:
            problems.append(f"{where}: no date, and the file names no period to take it from; fill in the Date")
            return None
        # The period's last day, or today while the period is still running (a report cannot be dated ahead).
        return min(period.end, today)
    day = as_day(cell.value)
    if day is None:
        problems.append(f"{cell.where}: '{_text(cell)}' is not a date; write it as YYYY-MM-DD, such as 2006-06-30")
        return None
    if period is not None and not period.start <= day <= period.end:
        problems.append(f"{cell.where}: the date {day} is outside the period {period.label} ({period.start} to {period.end})")
        return None
    if day > today:
        problems.append(f"{cell.where}: the date {day} is after today ({today})")
        return None
    return day


def _assignment_rows(
    plan: Plan, table: Table, units: Units, current: Mapping[str, Assignment], today: date, now: datetime,
    problems: list[str], seen: dict[str, str],
) -> tuple[list[Assignment], int]:
    from sdpolicy.trajectory import node_field

    found: list[Assignment] = []
    blank = 0
    for row in table.rows:
        cells = row.cells
        ids, lead, cooperating, note = (cells.get(k) for k in ("id", "lead", "with", "note"))
        # The node cells in the order of their numbers, wherever the columns stand.
        node_cells = [cells[key] for key in sorted((k for k in cells if k.startswith("node")), key=lambda k: int(k[4:]))]
        bad = [c for c in (ids, lead, cooperating, note, *node_cells) if c is not None and c.problem]
        for cell in bad:
            problems.append(f"{cell.where}: {cell.problem}")
        if bad or ids is None or ids.value is None:
            continue
        task_text = _text(ids)
        task = plan.tasks_by_id.get(task_text.strip().upper())
        if task is None:
            problems.append(f"{ids.where}: unknown task '{task_text}'{suggest_en(task_text, list(plan.tasks_by_id))}")
            continue
        nodes = _row_nodes(task, [c for c in node_cells if c.value is not None], problems)
        if nodes is False:
            continue
        held = current.get(task.id)
        if lead is None or lead.value is None:
            if cooperating is not None and cooperating.value is not None:
                problems.append(f"{row.where}: task {task.id} has cooperating units but no lead unit")
                continue
            if held is not None and any(c.value is not None for c in node_cells):
                # As `assign TASK --node` alone: the lead and cooperating units in effect stay (and
                # nodes as they are make the row unchanged, not blank).
                lead_name, others_names = held.lead, list(held.cooperating)
            elif nodes is None:
                blank += 1
                continue
            else:
                # An assignment entry names its lead; as with assign --node, nodes need one.
                problems.append(f"{(lead or ids).where}: task {task.id} has new time nodes but no lead unit; fill in its Lead unit too")
                continue
        else:
            lead_name, others_names = _text(lead), None
        if task.id in seen:
            problems.append(f"{ids.where}: task {task.id} is already assigned at {seen[task.id]}; keep one of the two rows")
            continue
        seen[task.id] = ids.where
        unit = _unit(units, lead_name, (lead or ids).where, problems)
        if others_names is not None:
            others = [units.get(name) or Unit(name) for name in others_names]
        else:
            others = [_unit(units, name, cooperating.where, problems) for name in UNIT_SEPARATORS.split(_text(cooperating)) if name.strip()] if cooperating else []
        text = _text(note)
        if len(text) > MAX_NOTE:
            problems.append(f"{note.where}: the note is {len(text):,} characters; the limit is {MAX_NOTE:,}")  # type: ignore[union-attr]
            continue
        if unit is None or any(o is None for o in others):
            continue
        entry = make_assignment(task.id, unit.zh, [o.zh for o in others if o], on=today, note=text, by="", now=now)
        if nodes is not None:
            entry = entry._replace(extra=(("nodes", node_field(nodes)),))
        found.append(entry)
    return found, blank


def _row_nodes(task: Task, cells: Sequence[Cell], problems: list[str]) -> tuple[Node, ...] | None | bool:
    """The time nodes a row of the breakdown sheet sets: None when they are those in effect (or the
    row's node cells are blank, which keeps them), () to clear them (无 or none), False on a problem.

    Each cell is read by the parser and checked by the rules of `assign --node`, so a node is
    refused here exactly when it would be there, and the message names the node's own cell."""
    from sdpolicy.trajectory import node_fault, node_text, parse_node

    if not cells:
        return None
    texts = [_text(cell).strip() for cell in cells]
    if texts == [node_text(node) for node in task.nodes]:
        return None  # as the template wrote them: unchanged, even for a name the syntax could not spell
    clearing = [(cell, text) for cell, text in zip(cells, texts) if text.casefold() in CLEAR_NODES]
    if clearing:
        if len(texts) > 1:
            cell, text = clearing[0]
            problems.append(f"{cell.where}: '{text}' removes the task's time nodes; clear the row's other node cells too, or remove '{text}'")
            return False
        return () if task.nodes else None
    nodes: list[Node] = []
    before = len(problems)
    for cell, text in zip(cells, texts):
        if isinstance(cell.value, (date, datetime)):
            problems.append(f"{cell.where}: a time node needs its name after the date, written DATE:NAME, such as 2006-06-30:送审稿")
            continue
        try:
            nodes.append(parse_node(text))
        except UsageError as exc:
            problems.append(f"{cell.where}: {exc.message}")
    if len(problems) > before:
        return False
    fault = node_fault(nodes, task)
    if fault is not None:
        index, exc = fault
        problems.append(f"{cells[index].where}: {exc.message}")
        return False
    return None if tuple(nodes) == task.nodes else tuple(nodes)


def _unit(units: Units, name: str, where: str, problems: list[str]) -> Unit | None:
    found = units.get(name)
    if found is None:
        close = units.closest(name)
        hint = f"; did you mean {' or '.join(u.zh for u in close)}?" if close else ""
        problems.append(f"{where}: unknown unit '{name.strip()}'{hint} (add it with sdpolicy units add)")
    return found


def tables_of(paths: Iterable[tuple[Path, str]]) -> tuple[list[Table], list[str]]:
    """Read every file; a file that cannot be read at all is one problem, and the others are still read."""
    from sdpolicy.errors import SdpolicyError
    from sdpolicy.returns.reader import read_table

    tables: list[Table] = []
    problems: list[str] = []
    for path, label in paths:
        try:
            tables.append(read_table(path, label, LAYOUTS))
        except SdpolicyError as exc:
            problems.append(exc.message)
    return tables, problems
