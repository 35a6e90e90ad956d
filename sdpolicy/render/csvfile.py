"""The CSV report: one row per task, the columns of `list --json` with nested objects flattened.

The columns are the JSON keys, not words of either language: the CSV is for programs and pivot
tables, and it carries both the zh and en fields. Named csvfile so that `import csv` inside the
package still finds the standard library.
"""

from __future__ import annotations

import csv
import io
from typing import Any

# The flattened schema. It is written out rather than discovered from the rows so that the header
# never depends on the data: `latest` is null until a task has a record, and `reason` carries
# different figures for each reason code. DictWriter raises on a key missing here, so a new key
# in views.task_row fails the tests instead of silently vanishing from the CSV.
TARGET_KEYS = ("kind", "value", "min", "max", "unit_zh", "unit_en", "direction", "event")
REASON_KEYS = ("behind", "expected", "actual", "deadline", "days", "start")
# The two reports a forecast runs through are a list: they stay in the JSON, one row per task here.
FORECAST_KEYS = ("value", "status", "method")
LATEST_KEYS = (
    "id", "kind", "item", "date", "value", "state", "node", "retracts", "note", "by", "problems", "next_steps",
    "source", "recorded_at",
)
COLUMNS = (
    "id", "area", "area_zh", "area_en", "title_zh", "title_en", "lead_zh", "lead_en",
    *(f"target_{k}" for k in TARGET_KEYS),
    "baseline", "baseline_value", "start", "deadline", "actual", "state", "percent", "expected", "behind", "light",
    "reason", *(f"reason_{k}" for k in REASON_KEYS),
    *(f"latest_{k}" for k in LATEST_KEYS),
    *(f"forecast_{k}" for k in FORECAST_KEYS),
)

BOM = "\ufeff"


def flatten(row: dict[str, Any]) -> dict[str, Any]:
    """target.kind → target_kind, latest.note → latest_note, reason.code → reason."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
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


def render_csv(view: dict[str, Any], *, for_file: bool) -> str:
    """The CSV text. A file gets the BOM (without it Excel reads UTF-8 as the local code page and
    garbles Chinese) and CRLF line ends; stdout gets neither, for pipes into Unix tools."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n" if for_file else "\n")
    writer.writeheader()
    for row in tasks(view):
        writer.writerow(flatten(row))
    return (BOM if for_file else "") + buffer.getvalue()
