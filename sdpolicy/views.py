"""Plain data for every output: what `--json` prints and what every renderer draws.

Keys are English and stable (documented in the README under "JSON output"); values are numbers,
strings, booleans, null, lists and objects, never Rich markup. Bilingual fields carry both
languages (`title_zh`, `title_en`) so one view serves every language and format.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Iterable, Mapping, NamedTuple, Sequence

from sdpolicy.catalogue import Area, Document, Indicator, NamedUnit, Plan, Source, Target, Task
from sdpolicy.asof import dated_by
from sdpolicy.envelope import JSON_FORMAT, plan_json
from sdpolicy.numbers import half_up
from sdpolicy.progress import (
    AreaSummary, Comparison, Summary, TaskProgress, area_summary, compare_baselines, log_order, plan_progress,
    progress_series, retracted_by, shared_figures, summarise, superseded_by,
)
from sdpolicy.store import Record
from sdpolicy.trajectory import FORECAST_METHOD, Forecast, forecast, reached_nodes, report_dates

if TYPE_CHECKING:
    from sdpolicy.units import Assignment, Unit, Units



def number(value: float | None) -> float | int | None:
    """Whole numbers as ints, so that JSON and tables show 200, not 200.0."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def target_json(target: Target) -> dict[str, Any]:
    return {
        "kind": target.kind,
        "value": number(target.value),
        "min": number(target.min),
        "max": number(target.max),
        "unit_zh": target.unit_zh or None,
        "unit_en": target.unit_en or None,
        "direction": target.direction if target.numeric else None,
        "event": target.event,
    }


def record_json(record: Record) -> dict[str, Any]:
    return {
        "id": record.id,
        "kind": record.kind,
        "item": record.item,
        "date": record.date.isoformat(),
        "value": number(record.value),
        "state": record.state,
        "node": record.node,
        "retracts": record.retracts,
        "note": record.note,
        "by": record.by,
        "problems": record.problems,
        "next_steps": record.next_steps,
        "source": record.source,
        "recorded_at": record.recorded_at.isoformat(),
    }


def area_json(area: Area) -> dict[str, Any]:
    return {"slug": area.slug, "name_zh": area.name_zh, "name_en": area.name_en, "section": area.section}


def task_row(plan: Plan, progress: TaskProgress) -> dict[str, Any]:
    task = progress.task
    area = plan.areas_by_slug[task.area]
    latest = progress.latest
    return {
        "id": task.id,
        "area": task.area,
        "area_zh": area.name_zh,
        "area_en": area.name_en,
        "title_zh": task.title_zh,
        "title_en": task.title_en,
        # The plan names no lead unit; the office's assignments fill these in.
        "lead_zh": None,
        "lead_en": None,
        "units": [unit_json(u) for u in task.units],
        "hedge": task.hedge,

        "target": target_json(task.target),
        "baseline": task.baseline,
        "baseline_value": number(progress.baseline_value),
        "start": task.start.isoformat(),
        "deadline": task.deadline.isoformat(),
        "actual": number(progress.actual),
        "state": progress.state,
        "percent": _rounded(progress.percent),
        "expected": _rounded(progress.expected),
        "behind": _rounded(progress.behind),
        "light": progress.light,
        "reason": reason_json(progress),
        "latest": record_json(latest) if latest is not None else None,
        "forecast": forecast_json(forecast(progress)),
        "nodes": nodes_json(progress),
    }


def unit_json(unit: NamedUnit) -> dict[str, Any]:
    return {"name_zh": unit.name_zh, "name_en": unit.name_en, "role": unit.role, "quote": unit.quote}


def document_json(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "title_zh": document.title_zh,
        "title_en": document.title_en,
        "date": document.date.isoformat(),
        "date_approximate": document.date_approximate,
        "date_note_zh": document.date_note_zh,
        "date_note_en": document.date_note_en,
    }


def nodes_json(progress: TaskProgress) -> list[dict[str, Any]]:
    """The task's time nodes, each with the day it was reached by the as-of date (or null)."""
    if not progress.task.nodes:
        return []
    reached = reached_nodes(progress.history, progress.as_of)
    return [
        {"date": n.date.isoformat(), "zh": n.zh, "en": n.en or None, "share": number(n.share),
         "reached": reached[n.zh].isoformat() if n.zh in reached else None}
        for n in progress.task.nodes
    ]


def forecast_json(found: Forecast | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "value": number(round(found.value, 1)),
        "status": "on-track" if found.on_track else "at-risk",
        "method": FORECAST_METHOD,
        "from": [{"date": day.isoformat(), "value": number(value)} for day, value in found.points],
    }


def needs_attention(row: dict[str, Any]) -> bool:
    """Red tasks, and green ones whose forecast falls short of the target: green only for now."""
    at_risk = (row.get("forecast") or {}).get("status") == "at-risk"
    return row["light"] == "red" or (row["light"] == "green" and at_risk)


def reason_json(progress: TaskProgress) -> dict[str, Any]:
    """A light's reason: its code and the figures its sentence needs."""
    return {"code": progress.reason, **_plain(progress.reason_data)}


def _rounded(value: float | None) -> float | None:
    # Rounded here, half up, so that JSON, CSV, spreadsheets and screens all carry the figure shown.
    return None if value is None else half_up(value)


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (half_up(v) if isinstance(v, float) else v) for k, v in data.items()}


def indicator_json(indicator: Indicator) -> dict[str, Any]:
    return {
        "id": indicator.id,
        "area": indicator.area,
        "name_zh": indicator.name_zh,
        "name_en": indicator.name_en,
        "value": number(indicator.value),
        "unit_zh": indicator.unit_zh or None,
        "unit_en": indicator.unit_en or None,
        "as_of": indicator.as_of.isoformat(),
        "as_of_label_zh": indicator.as_of_label_zh,
        "as_of_label_en": indicator.as_of_label_en,
        "qualifier": indicator.qualifier,
        "state_zh": indicator.state_zh,
        "state_en": indicator.state_en,
        "note_zh": indicator.note_zh,
        "note_en": indicator.note_en,
        "source": source_json(indicator.source),
    }


def source_json(source: Source) -> dict[str, Any]:
    return {"document": source.document, "section": source.section, "quote": source.quote}


def task_detail(plan: Plan, progress: TaskProgress, records: Sequence[Record], as_of: date) -> dict[str, Any]:
    task = progress.task
    document = next((d for d in plan.documents if d.id == task.source.document), None)
    linked = ([task.baseline] if task.baseline else []) + list(task.links)
    cited = [task.source.document] + [plan.indicators_by_id[i].source.document for i in linked]
    return {
        "format": JSON_FORMAT,
        "as_of": as_of.isoformat(),
        "task": {
            **task_row(plan, progress),
            "note_zh": task.note_zh,
            "note_en": task.note_en,
            "parts": [
                {"value": number(p.value), "unit_zh": p.unit_zh, "unit_en": p.unit_en, "quote": p.quote} for p in task.parts
            ],
            "covers": list(task.covers),
            "source": {
                **source_json(task.source),
                "title_zh": document.title_zh if document else None,
                "title_en": document.title_en if document else None,
            },
            "indicators": [
                {**indicator_json(plan.indicators_by_id[i]), "role": "baseline" if i == task.baseline else "link"}
                for i in linked
            ],
            "documents": [document_json(d) for d in plan.documents if d.id in cited],
            "history": log_rows(records, kind="task", item=task.id, as_of=as_of, plan=plan),
        },
    }


def log_rows(
    records: Sequence[Record],
    *,
    kind: str | None = None,
    item: str | None = None,
    as_of: date | None = None,
    plan: Plan | None = None,
) -> list[dict[str, Any]]:
    """Every record (retractions included), newest first by the date it refers to and then by when it
    was entered, with what retracted or replaced it.

    With as_of, only the records dated on or before it. Given the plan, an item's rows include those
    of the task or indicator it shares its figure with, and replacements are judged across the two.
    """
    standing = retracted_by(records)
    replaced = superseded_by(records, plan)
    wanted = None
    if item is not None:
        wanted = {(kind, item)} if kind is not None else {("task", item), ("indicator", item)}
        partners = shared_figures(plan) if plan is not None else {}
        wanted |= {partners[key] for key in list(wanted) if key in partners}
    chosen = [r for r in records if wanted is None or (r.kind, r.item) in wanted]
    if as_of is not None:
        chosen = dated_by(chosen, as_of)
    return [log_row(r, standing, replaced) for r in reversed(log_order(chosen))]


def log_row(record: Record, standing: Mapping[str, str], replaced: Mapping[str, str]) -> dict[str, Any]:
    """A record's row of the log, given what retracts (progress.retracted_by) and what replaces
    (progress.superseded_by) the records."""
    return {
        **record_json(record), "in_effect": record.id not in standing, "retracted_by": standing.get(record.id),
        "superseded_by": replaced.get(record.id),
    }


def log_view(plan: Plan, records: Sequence[Record], *, kind: str | None, item: str | None) -> dict[str, Any]:
    return {"format": JSON_FORMAT, "item": item, "records": log_rows(records, kind=kind, item=item, plan=plan)}


def summary_json(summary: AreaSummary) -> dict[str, Any]:
    area = summary.area
    return {
        "area": area.slug if area else None,
        "name_zh": area.name_zh if area else None,
        "name_en": area.name_en if area else None,
        "tasks": summary.tasks,
        "done": summary.done,
        "green": summary.green,
        "yellow": summary.yellow,
        "red": summary.red,
        "unreported": summary.unreported,
        "grey": summary.grey,
        "percent": _rounded(summary.percent),
    }


def status_view(
    plan: Plan, summary: Summary, rows: list[dict[str, Any]], as_of: date, area: Area | None
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "format": JSON_FORMAT,
        "as_of": as_of.isoformat(),
        "plan": plan_json(plan),
        "area": area_json(area) if area else None,
        "areas": [summary_json(s) for s in summary.areas],
        "total": summary_json(summary.total),
    }
    if area is not None:
        view["tasks"] = rows
    return view


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    indicator = comparison.indicator
    return {
        **indicator_json(indicator),
        "tasks": [
            {"id": linked.task.id, "title_zh": linked.task.title_zh, "title_en": linked.task.title_en,
             "role": linked.role, "target": target_json(linked.target)}
            for linked in comparison.tasks
        ],
        "actual": number(comparison.actual),
        "actual_date": comparison.latest.date.isoformat() if comparison.latest else None,
        "recorded_state": comparison.recorded_state,
        "change": number(comparison.change),
        "growth": _rounded(comparison.growth),
    }


def report_view(
    plan: Plan, summary: Summary, rows: list[dict[str, Any]], comparisons: list[dict[str, Any]],
    parts: Sequence[tuple[str, list[dict[str, Any]], list[float]]], log: list[dict[str, Any]] | None, as_of: date,
) -> dict[str, Any]:
    """Everything a briefing shows: the rows of list and compare, the summary of status, and for each
    task the parts (report_parts) a report adds; the log only for the formats that show it."""
    return {
        "format": JSON_FORMAT,
        "as_of": as_of.isoformat(),
        "plan": plan_json(plan),
        "areas": [
            {**summary_json(s), "tasks_list": [r for r in rows if r["area"] == s.area.slug]}
            for s in summary.areas if s.area is not None
        ],
        "total": summary_json(summary.total),
        "attention": [r for r in rows if needs_attention(r)],
        "attention_yellow": [r for r in rows if r["light"] == "yellow"],
        "attention_unreported": [r for r in rows if r["light"] == "unreported"],
        "bulletin": bulletin_json(rows, [part[0] for part in parts], summary),
        "indicators": comparisons,
        "log": log,
        "trend": trend_json(plan, parts, as_of),
        # Filled by `report --since`: they depend on the office's assignments as well.
        "since": None,
        "changes": None,
        "not_reported": None,
    }


def whole_report(plan: Plan, records: Sequence[Record], as_of: date) -> dict[str, Any]:
    """report_view made from every record at once, the log included."""
    progress = plan_progress(plan, records, as_of)
    rows = [task_row(plan, p) for p in progress]
    comparisons = [comparison_json(c) for c in compare_baselines(plan, records, as_of)]
    parts = list(report_parts(plan, records, as_of, plan.tasks).values())
    log = log_rows(records, as_of=as_of, plan=plan)
    return report_view(plan, area_summary(plan, progress), rows, comparisons, parts, log, as_of)


def report_parts(
    plan: Plan, records: Sequence[Record], as_of: date, tasks: Sequence[Task]
) -> dict[str, tuple[str, list[dict[str, Any]], list[float]]]:
    """For each of `tasks`, by id: its standing in a bulletin at as_of (bulletin.standing, judged from
    the unrounded figures), and at each of report_dates its trend point and its completion."""
    from sdpolicy.bulletin import standing

    dates = report_dates(plan, as_of)
    series = progress_series(plan, records, dates, tasks)
    parts = {}
    for i, now in enumerate(plan_progress(plan, records, as_of, tasks)):
        points = [
            {"date": day.isoformat(), "actual": number(found[i].actual), "percent": _rounded(found[i].percent),
             "expected": _rounded(found[i].expected), "light": found[i].light}
            for day, found in zip(dates, series)
        ]
        parts[now.task.id] = (standing(now.light, now.reason, now.behind), points, [found[i].completion for found in series])
    return parts


def bulletin_json(rows: list[dict[str, Any]], standings: list[str], summary: Summary) -> dict[str, Any]:
    """The counts a bulletin prints (done, ahead of, on and behind schedule, not reported) and the
    lights its opening sentences name."""
    from sdpolicy.bulletin import STANDINGS

    counts = dict.fromkeys(STANDINGS, 0)
    for found in standings:
        counts[found] += 1
    return {
        "tasks": len(rows),
        **counts,
        "red": sum(1 for r in rows if r["light"] == "red"),
        "yellow": sum(1 for r in rows if r["light"] == "yellow"),
        "overdue": sum(1 for r in rows if r["reason"]["code"] == "overdue"),
        "long_unreported": sum(1 for r in rows if r["reason"]["code"] == "long-unreported"),
        "percent": _rounded(summary.total.percent),
    }


class _Judged(NamedTuple):
    light: str
    completion: float


def trend_json(plan: Plan, parts: Sequence[tuple[str, list[dict[str, Any]], list[float]]], as_of: date) -> dict[str, Any]:
    """Every task and the whole plan at each month end up to as_of: the report's trend charts and
    its Trend sheet. Each point is what `list --as-of` and `status --as-of` give at that date."""
    dates = report_dates(plan, as_of)
    totals = [
        summarise(None, list(map(_Judged, [points[j]["light"] for _, points, _ in parts], [done[j] for *_, done in parts])))
        for j in range(len(dates))
    ]
    return {
        "every": "month",
        "dates": [d.isoformat() for d in dates],
        "lights": [
            {"date": day.isoformat(), **{k: v for k, v in summary_json(total).items() if k not in ("area", "name_zh", "name_en")}}
            for day, total in zip(dates, totals)
        ],
        "tasks": [{"id": task.id, "points": points} for task, (_, points, _) in zip(plan.tasks, parts)],
    }


# Fields of a task row that change from one date to the next: what a trend shows at each date.
_TREND_FIELDS = ("actual", "state", "percent", "expected", "behind", "light", "reason", "nodes")


def task_trend_view(plan: Plan, trend: Sequence[TaskProgress], every: str) -> dict[str, Any]:
    """A task at each date of a trend, each point the same figures as `list --json --as-of DATE`."""
    rows = [task_row(plan, p) for p in trend]
    last = rows[-1]
    return {
        "format": JSON_FORMAT,
        "every": every,
        "from": trend[0].as_of.isoformat(),
        "to": trend[-1].as_of.isoformat(),
        "task": {k: v for k, v in last.items() if k not in _TREND_FIELDS and k not in ("latest", "forecast")},
        "points": [{"date": p.as_of.isoformat(), **{k: r[k] for k in _TREND_FIELDS}} for p, r in zip(trend, rows)],
        "forecast": last["forecast"],
    }


def group_trend_view(
    plan: Plan, dates: Sequence[date], summaries: Sequence[Summary], every: str, *,
    area: Area | None = None, unit: str | None = None,
) -> dict[str, Any]:
    """Counts of each light at each date of a trend, as `status --as-of DATE` counts them."""
    return {
        "format": JSON_FORMAT,
        "every": every,
        "from": dates[0].isoformat(),
        "to": dates[-1].isoformat(),
        "area": area_json(area) if area else None,
        "unit": unit,
        "points": [
            {"date": day.isoformat(), **{k: v for k, v in summary_json(s.total).items() if k not in ("area", "name_zh", "name_en")}}
            for day, s in zip(dates, summaries)
        ],
    }


# ---------------------------------------------------------------------------------------------
# Units: the office's assignments laid over the task rows, and one row per unit


def assignment_json(entry: Assignment, units: Units) -> dict[str, Any]:
    lead = units.get(entry.lead)
    return {
        "id": entry.id,
        "lead_zh": units.canonical(entry.lead),
        "lead_en": lead.en if lead else None,
        "with": [{"zh": units.canonical(u), "en": (units.get(u).en if units.get(u) else None)} for u in entry.cooperating],
        "date": entry.date.isoformat(),
        "note": entry.note,
        "by": entry.by,
        "recorded_at": entry.recorded_at.isoformat(),
    }


def apply_assignments(rows: Iterable[dict[str, Any]], current: Mapping[str, Assignment], units: Units) -> None:
    """Set each task row's lead to the unit the office assigned (in effect at the view's date)."""
    for row in rows:
        entry = current.get(row["id"])
        if entry is not None:
            lead = units.get(entry.lead)
            row["lead_zh"] = units.canonical(entry.lead)
            row["lead_en"] = lead.en if lead else None


def unit_role(row: dict[str, Any], unit: Unit, current: Mapping[str, Assignment], units: Units) -> tuple[str, str | None] | None:
    """A unit's part in a task: ("lead" | "cooperating" | "named", the role the plan gives it or None)."""
    named = next(
        (u.get("role") for u in row.get("units") or () if units.canonical(u.get("name_zh") or "") == unit.zh), None
    )
    entry = current.get(row["id"])
    if entry is not None and units.canonical(entry.lead) == unit.zh:
        return "lead", named
    if entry is not None and unit.zh in (units.canonical(u) for u in entry.cooperating):
        return "cooperating", named
    if named is not None:
        return "named", named
    return None


def unit_rows(
    task_rows: Sequence[dict[str, Any]], current: Mapping[str, Assignment], units: Units,
    reported: Mapping[str, date], period: tuple[date, date],
) -> list[dict[str, Any]]:
    """One row per unit that leads or cooperates on a task, or has reported: the lights of the tasks
    it leads, its last report (from `reported`, the latest date of a record in effect for each name
    given as `by`, up to the as-of date: Workspace.last_reports), and whether it reported within `period`."""
    from sdpolicy.progress import LIGHTS

    last: dict[str, date] = {}
    for by, day in reported.items():
        name = units.canonical(by)
        if name not in last or day > last[name]:
            last[name] = day
    led: dict[str, list[dict[str, Any]]] = {}
    helping: dict[str, int] = {}
    for row in task_rows:
        entry = current.get(row["id"])
        if entry is None:
            continue
        led.setdefault(units.canonical(entry.lead), []).append(row)
        for name in {units.canonical(u) for u in entry.cooperating}:
            helping[name] = helping.get(name, 0) + 1
    known = [u.zh for u in units if u.zh in led or u.zh in helping or u.zh in last]
    # Leads given by hand in assignments.toml and not in the list still get their row, after the list.
    others = sorted(n for n in set(led) | set(helping) if units.get(n) is None)
    rows = []
    for name in known + others:
        unit = units.get(name)
        mine = led.get(name, [])
        rows.append({
            "unit_zh": name,
            "unit_en": (unit.en or None) if unit else None,
            "kind": unit.kind if unit else None,
            "led": len(mine),
            "cooperating": helping.get(name, 0),
            **{light: sum(1 for r in mine if r["light"] == light) for light in LIGHTS},
            "last_report": last[name].isoformat() if name in last else None,
            "reported": name in last and period[0] <= last[name] <= period[1],
        })
    return rows


def unit_status_view(rows: list[dict[str, Any]], as_of: date, period: tuple[date, date]) -> dict[str, Any]:
    return {
        "format": JSON_FORMAT,
        "as_of": as_of.isoformat(),
        "period": {"first": period[0].isoformat(), "last": period[1].isoformat()},
        "units": rows,
    }


# ---------------------------------------------------------------------------------------------
# Reports owed, what changed, and the bulletin (sdpolicy.bulletin)


def period_json(period: Any) -> dict[str, Any]:
    return {"label": period.label, "start": period.start.isoformat(), "end": period.end.isoformat(), "due": period.due.isoformat()}


def chased_json(unit: Any) -> dict[str, Any]:
    """The unit a task's reports are chased from (bulletin.unit_of)."""
    return {"unit_zh": unit.zh, "unit_en": unit.en, "unit_source": unit.source}


def owing_row(plan: Plan, owing: Any) -> dict[str, Any]:
    progress = owing.progress
    task = progress.task
    return {
        "id": task.id,
        "area": task.area,
        "title_zh": task.title_zh,
        "title_en": task.title_en,
        "deadline": task.deadline.isoformat(),
        "light": progress.light,
        "reason": reason_json(progress),
        "last": owing.last.isoformat() if owing.last else None,
        "missed": owing.missed,
        **chased_json(owing.unit),
    }


def group_by_unit(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows gathered under their unit, units by name and the tasks nobody is chased for last."""
    groups: dict[Any, dict[str, Any]] = {}
    for row in rows:
        key = row["unit_zh"]
        if key not in groups:
            groups[key] = {"unit_zh": row["unit_zh"], "unit_en": row["unit_en"], "unit_source": row["unit_source"], "tasks": []}
        groups[key]["tasks"].append(row)
    return [groups[k] for k in sorted(groups, key=lambda k: (k is None, k or ""))]


def due_view(plan: Plan, owing: Sequence[Any], period: Any, as_of: date) -> dict[str, Any]:
    rows = [owing_row(plan, o) for o in owing]
    return {
        "format": JSON_FORMAT,
        "as_of": as_of.isoformat(),
        "period": period_json(period),
        "reporting": plan.reporting._asdict(),
        "count": len(rows),
        "units": group_by_unit(rows),
    }


def _light_json(progress: TaskProgress) -> dict[str, Any]:
    return {"light": progress.light, "reason": reason_json(progress)}


def transition_row(plan: Plan, transition: Any, unit: Any) -> dict[str, Any]:
    task = transition.after.task
    return {
        "id": task.id,
        "area": task.area,
        "title_zh": task.title_zh,
        "title_en": task.title_en,
        "change": transition.kind,
        "before": _light_json(transition.before),
        "after": _light_json(transition.after),
        **chased_json(unit),
    }


def moved_indicator(old: Comparison, new: Comparison) -> dict[str, Any]:
    indicator = new.indicator
    change = new.actual - old.actual if new.actual is not None and old.actual is not None else None
    return {
        "id": indicator.id,
        "area": indicator.area,
        "name_zh": indicator.name_zh,
        "name_en": indicator.name_en,
        "unit_zh": indicator.unit_zh or None,
        "unit_en": indicator.unit_en or None,
        "before": number(old.actual),
        "before_date": old.latest.date.isoformat() if old.latest else None,
        "after": number(new.actual),
        "after_date": new.latest.date.isoformat() if new.latest else None,
        "state_before": old.recorded_state,
        "state_after": new.recorded_state,
        "change": number(change),
    }
