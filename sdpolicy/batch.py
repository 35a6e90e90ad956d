"""Many records from one CSV file: the rows of `mark --from`, checked all before any is written.

One row is one `mark`: the same checks (make_update), the same words, and a place in the file for
each problem (file:line:column). The store then appends every record under one lock with one write
(store.append_records), so a batch is recorded whole or not at all.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, datetime, timezone
from typing import Callable, NamedTuple, Sequence

from sdpolicy.catalogue import Plan, find_item
from sdpolicy.errors import DataError, SdpolicyError
from sdpolicy.asof import parse_day
from sdpolicy.progress import make_update, shared_figures
from sdpolicy.store import Record
from sdpolicy.tomlfile import UTF8_BOM, decode

# Column names, and the Chinese an office's spreadsheet may use for them.
COLUMNS = {
    "id": "id", "item": "id", "编号": "id", "任务": "id",
    "value": "value", "数值": "value", "实际": "value",
    "state": "state", "状态": "state",
    "date": "date", "日期": "date",
    "note": "note", "备注": "note", "说明": "note",
    "by": "by", "填报单位": "by", "单位": "by",
}


class Row(NamedTuple):
    line: int
    fields: dict[str, str]  # column name → text, for the columns the file has
    columns: dict[str, int]  # column name → 1-based character column of the field on its line


def read_rows(data: bytes, label: str) -> list[Row]:
    """The rows of a CSV file whose first line names its columns; DataError at the first problem.

    UTF-8 with or without the byte-order mark that spreadsheets write. Each row is one line: a
    quoted field may hold commas and quotes but not a line break, so that every problem has a line.
    """
    text = decode(data[len(UTF8_BOM):] if data.startswith(UTF8_BOM) else data, label)
    lines = text.splitlines()
    header_at = next((n for n, line in enumerate(lines) if line.strip()), None)
    if header_at is None:
        raise DataError(f"{label}: the file is empty; its first line names the columns: id,value,state,date,note,by")
    names: list[str] = []
    header, starts = _fields(lines[header_at], label, header_at + 1)
    for name, start in zip(header, starts):
        key = COLUMNS.get(name.strip().lower())
        if key is None:
            raise DataError(
                f"{label}:{header_at + 1}:{start}: unknown column '{name.strip()}'; "
                "the columns are id, value, state, date, note and by"
            )
        if key in names:
            raise DataError(f"{label}:{header_at + 1}:{start}: the column '{key}' is named twice")
        names.append(key)
    if "id" not in names:
        raise DataError(f"{label}:{header_at + 1}:1: no 'id' column: each row names the task or indicator it reports on")
    rows: list[Row] = []
    for index in range(header_at + 1, len(lines)):
        if not lines[index].strip():
            continue
        values, starts = _fields(lines[index], label, index + 1)
        if len(values) > len(names):
            raise DataError(
                f"{label}:{index + 1}:{starts[len(names)]}: this row has {len(values)} fields but the first line names {len(names)} columns"
            )
        values += [""] * (len(names) - len(values))
        starts += [len(lines[index]) + 1] * (len(names) - len(starts))
        rows.append(Row(index + 1, dict(zip(names, values)), dict(zip(names, starts))))
    return rows


def _fields(line: str, label: str, number: int) -> tuple[list[str], list[int]]:
    """A line's fields and the column each starts at."""
    try:
        (values,) = list(csv.reader([line], strict=True))
    except (csv.Error, ValueError):
        raise DataError(f"{label}:{number}:1: this line is not a CSV row (a quote is not closed, or stray text follows one)") from None
    starts, column, quoted = [1], 1, False
    for char in line:
        column += 1
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            starts.append(column)
    return values, starts[: len(values)] or [1]


def records_of(
    plan: Plan,
    rows: Sequence[Row],
    label: str,
    *,
    by: str,
    resolve_by: Callable[[str], str],
    today: date,
    now: datetime | None = None,
) -> list[Record]:
    """One record per row, made as `mark` makes one; the first problem raises, placed in the file.

    `by` is for rows without one; `resolve_by` turns a unit's name as typed into the name stored.
    Every record of a batch is recorded at the same moment; the order of the rows breaks ties.
    """
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    records = []
    for row in rows:
        fields, columns = row.fields, row.columns

        def place(column: str) -> str:
            return f"{label}:{row.line}:{columns.get(column, 1)}"

        def checked(column: str, check: Callable[[], object]) -> None:
            try:
                check()
            except SdpolicyError as exc:
                raise _placed(exc, place(column)) from None

        item = fields.get("id", "").strip()
        if not item:
            raise DataError(f"{place('id')}: the id is empty; name a task (IND-01) or an indicator (internet-users)")
        checked("id", lambda: find_item(plan, item))
        if fields.get("date", "").strip():
            checked("date", lambda: parse_day(fields["date"]))
        value = fields.get("value", "").strip() or None
        state = fields.get("state", "").strip() or None
        who = fields.get("by", "").strip() or by
        made: list[Record] = []
        checked("value" if value is not None else "state" if state is not None else "id", lambda: made.append(make_update(
            plan, item, value=value, state=state, done=False, on=fields.get("date", "").strip() or None,
            note=fields.get("note", ""), by=resolve_by(who) if who.strip() else who, today=today, now=moment,
        )))
        records.append(made[0])
    if not records:
        raise DataError(f"{label}: no rows below the line of column names; nothing was recorded")
    return records


def _placed(exc: SdpolicyError, where: str) -> SdpolicyError:
    """The same refusal, led by its place in the file."""
    return type(exc)(f"{where}: {exc.message}", zh=f"{where}：{exc.zh}" if exc.zh else None, problems=exc.problems)


class Earlier:
    """The records a new record's plausibility is judged against (progress.implausible): those of its
    item and of its partner (shared_figures), and every retraction, in log order, the rows of a batch
    after the store's. The log is grouped once, so that a batch of a thousand rows does not walk it a
    thousand times."""

    def __init__(self, plan: Plan, records: Sequence[Record]):
        self._partners = shared_figures(plan)
        self._groups: dict[tuple[str, str], list[tuple[int, Record]]] = defaultdict(list)
        self._retractions: list[tuple[int, Record]] = []
        self._added = 0
        for record in records:
            self.add(record)

    def add(self, record: Record) -> None:
        # Numbered as added, in log order: a row not yet written has no line to sort by.
        self._added += 1
        entry = (self._added, record)
        if record.retracts is not None:
            self._retractions.append(entry)
        else:
            self._groups[(record.kind, record.item)].append(entry)

    def of(self, record: Record) -> list[Record]:
        key = (record.kind, record.item)
        found = self._groups.get(key, []) + self._retractions
        partner = self._partners.get(key)
        if partner is not None:
            found += self._groups.get(partner, [])
        return [r for _, r in sorted(found, key=lambda entry: entry[0])]
