"""`sdpolicy mark --from FILE`: every row of a CSV file recorded in one write, or none of them."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Optional

from sdpolicy.errors import UsageError


def mark_from(source: str, also: list[str], by: str, catalogue: Optional[Path], home: Optional[Path], language: str) -> None:
    """Record the rows of `source` (a path, or - for stdin); `also` names the options given besides."""
    from sdpolicy import batch
    from sdpolicy.cli import _open
    from sdpolicy.commands.units import resolve_by
    from sdpolicy.render import notices
    from sdpolicy.store import append_records
    from sdpolicy.tomlfile import read_bytes

    if also:
        raise UsageError(
            f"--from takes every record from the file; leave out {' and '.join(also)}",
            zh=f"--from 从文件读取全部记录；请去掉 {' 和 '.join(also)}",
        )
    if source == "-":
        label, data = "<stdin>", sys.stdin.buffer.read()
    else:
        label, data = source, read_bytes(Path(source), "file")
    rows = batch.read_rows(data, label)
    opened = _open(catalogue, home, language)
    names: dict[str, str] = {}

    def resolved(name: str) -> str:
        # Each name once: an unknown unit is warned about once, not at every row that names it.
        if name not in names:
            names[name] = resolve_by(home, name, language)
        return names[name]

    records = batch.records_of(opened.plan, rows, label, by=by, resolve_by=resolved, today=date.today())
    # Worded before the write, as for one mark: each row weighed against the store and the rows above it.
    earlier = batch.Earlier(opened.plan, opened.records)
    warnings = []
    for record in records:
        warnings.append(notices.slips(opened.plan, record, earlier.of(record), language))
        earlier.add(record)
    stored = append_records(opened.home, records, read=opened.snapshot)
    for record, said in zip(stored, warnings):
        notices.tell_recorded(opened.plan, record, said, language)
