"""The outer dicts of --json around a command's rows: the format's number, the date, the plan.

Apart from views so that a command showing rows already kept (list, compare) imports none of the
arithmetic that made them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sdpolicy.catalogue import Plan

JSON_FORMAT = 1  # bumped only when a key changes meaning or disappears


def plan_json(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "name_zh": plan.name_zh,
        "name_en": plan.name_en,
        "issuer_zh": plan.issuer_zh,
        "issuer_en": plan.issuer_en,
        "year": plan.year,
        "start": plan.start.isoformat(),
        "end": plan.end.isoformat(),
        "lights": {"yellow_behind": plan.lights.yellow_behind, "red_behind": plan.lights.red_behind},
        "reporting": plan.reporting._asdict(),
    }


def list_view(plan: Plan, rows: list[dict[str, Any]], as_of: date) -> dict[str, Any]:
    """What `list --json` prints: the plan and the rows of task_row."""
    return {"format": JSON_FORMAT, "as_of": as_of.isoformat(), "plan": plan_json(plan), "tasks": rows}


def compare_view(rows: list[dict[str, Any]], as_of: date) -> dict[str, Any]:
    """What `compare --json` prints: the rows of comparison_json."""
    return {"format": JSON_FORMAT, "as_of": as_of.isoformat(), "indicators": rows}
