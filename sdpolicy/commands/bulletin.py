"""`sdpolicy due` (who owes a report: the chasing list and its notices) and `sdpolicy changes`."""

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from sdpolicy.cli import (
    AreaOption, AsOfOption, CatalogueOption, DebugOption, HomeOption, JsonOption, LangOption, _open, as_of_day,
    check_lang, command, emit, workspace,
)
from sdpolicy.errors import UsageError

UnitOption = Annotated[
    Optional[str],
    typer.Option("--unit", show_default=False, help="Only the tasks chased from this unit (its name, an alias, or part of it)."),
]


def unit_maps(home: Path, as_of: date) -> tuple[dict[str, str], dict[str, str]]:
    """The lead in effect at as_of for every assigned task, and each known unit's English name."""
    from sdpolicy.units import in_effect, load_units, read_assignments

    units = load_units(home)
    assigned = {task: units.canonical(entry.lead) for task, entry in in_effect(read_assignments(home), as_of).items()}
    return assigned, {unit.zh: unit.en for unit in units}


def unit_matcher(home: Path, text: str | None) -> Any:
    """A test of a row's unit against --unit: the unit a known name stands for, else part of a name."""
    if text is None:
        return lambda row: True
    from sdpolicy.units import load_units

    known = load_units(home).get(text.strip())
    if known is not None:
        return lambda row: row.get("unit_zh") == known.zh
    needle = text.strip().casefold()
    if not needle:
        raise UsageError("--unit is empty; give a unit's name", zh="--unit 为空；请给出单位名称")
    return lambda row: any(needle in (row.get(k) or "").casefold() for k in ("unit_zh", "unit_en"))


@command(
    "due",
    epilog="Examples: sdpolicy due ; sdpolicy due --period 2006-06 --unit 济南 ; "
    "sdpolicy due --letters -o notices/ --lang zh",
)
def due(
    period: Annotated[Optional[str], typer.Option("--period", show_default=False, help="YYYY-MM (or YYYY-Qn for quarterly reports); default: the period holding the as-of date.")] = None,
    unit: UnitOption = None,
    letters: Annotated[bool, typer.Option("--letters", help="Write one Markdown notice (催办通知) per unit into the directory given with -o.")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", show_default=False, help="With --letters: the directory to write the notices into.")] = None,
    template: Annotated[Optional[Path], typer.Option("--template", show_default=False, help="The notice template (default: notice.toml in the workspace, else the shipped one).")] = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    catalogue: CatalogueOption = None,
    home: HomeOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Every task that still owes a report for the period, grouped by unit: a chasing list (催办清单)."""
    from sdpolicy import periods
    from sdpolicy.bulletin import owing
    from sdpolicy.views import due_view

    language = check_lang(lang)
    if letters and output is None:
        raise UsageError(
            "--letters writes one file per unit: name the directory with -o, e.g. -o notices/",
            zh="--letters 为每个单位写一个文件：请用 -o 指定目录，例如 -o notices/",
        )
    if output is not None and not letters:
        raise UsageError("-o is for --letters; the list itself goes to stdout", zh="-o 只用于 --letters；清单本身输出到标准输出")
    day = as_of_day(as_of)
    opened = _open(catalogue, home, language)
    plan = opened.plan
    chosen = periods.parse_period(plan.reporting, period) if period else periods.containing(plan.reporting, day)
    if chosen.start > day:
        raise UsageError(
            f"period {chosen.label} has not begun on {day}; give an earlier --period or a later --as-of",
            zh=f"截至 {day}，报送期 {chosen.label} 尚未开始；请给出更早的 --period 或更晚的 --as-of",
        )
    assigned, english = unit_maps(workspace(home), day)
    view = due_view(plan, owing(plan, opened.records, chosen, day, assigned, english), chosen, day)
    keep = unit_matcher(workspace(home), unit)
    view["units"] = [group for group in view["units"] if keep(group)]
    view["count"] = sum(len(group["tasks"]) for group in view["units"])
    if letters:
        from sdpolicy.render.notice import write_notices

        written = write_notices(view, plan, language, output, template, workspace(home))
        from sdpolicy.i18n import t

        print(t("notices_written", language, count=len(written), directory=output))
        nobody = sum(len(group["tasks"]) for group in view["units"] if group["unit_zh"] is None)
        if nobody:
            print(t("notices_nobody", language, count=nobody))
        return
    from sdpolicy.render.terminal import render_due

    emit(view, as_json, language, render_due)


@command(
    "changes",
    epilog="Examples: sdpolicy changes ; sdpolicy changes --since 2006-05-31 --as-of 2006-06-30 --area e-gov ; "
    "sdpolicy changes --since 2006-05-31 --json",
)
def changes(
    since: Annotated[Optional[str], typer.Option("--since", show_default=False, help="From this date, YYYY-MM-DD (default: the end of the previous period).")] = None,
    as_of: AsOfOption = None,
    area: AreaOption = None,
    unit: UnitOption = None,
    as_json: JsonOption = False,
    catalogue: CatalogueOption = None,
    home: HomeOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """What moved between two dates: lights that changed, the records dated in between, new indicator figures."""
    from sdpolicy.render.terminal import render_changes

    language = check_lang(lang)
    day = as_of_day(as_of)
    opened = _open(catalogue, home, language)
    view = changes_view_for(opened, since, day, area, unit, home)
    emit(view, as_json, language, render_changes)


def since_day(plan: Any, since: str | None, day: date) -> date:
    from sdpolicy.bulletin import default_since
    from sdpolicy.asof import parse_day

    first = parse_day(since) if since is not None else default_since(plan, day)
    if first >= day:
        raise UsageError(
            f"--since {first} is not before the as-of date {day}; give an earlier date",
            zh=f"--since {first} 不早于截至日期 {day}；请给出更早的日期",
        )
    return first


def changes_view_for(opened: Any, since: str | None, day: date, area: str | None, unit: str | None, home: Path | None) -> dict[str, Any]:
    """The changes view, filtered to an area and a unit: shared by `changes` and `report --since`."""
    from sdpolicy.bulletin import changes as compute_changes, unit_of
    from sdpolicy.catalogue import find_area
    from sdpolicy.views import JSON_FORMAT, moved_indicator, record_json, transition_row

    plan = opened.plan
    first = since_day(plan, since, day)
    slug = find_area(plan, area).slug if area else None
    assigned, english = unit_maps(workspace(home), day)
    keep = unit_matcher(workspace(home), unit)
    found = compute_changes(plan, opened.records, first, day)
    units = {p.task.id: unit_of(p.task, p.history, assigned, english) for p in found.progress}
    transitions = [transition_row(plan, tr, units[tr.after.task.id]) for tr in found.transitions]
    transitions = [row for row in transitions if slug in (None, row["area"]) and keep(row)]

    def record_kept(record: Any) -> bool:
        # A task's record goes with the task's unit; an indicator's with whoever reported it.
        if record.kind == "task":
            task = plan.tasks_by_id[record.item]
            return slug in (None, task.area) and keep({"unit_zh": units[task.id].zh, "unit_en": units[task.id].en})
        indicator = plan.indicators_by_id[record.item]
        return slug in (None, indicator.area) and (unit is None or keep({"unit_zh": record.by}))

    records = [record_json(r) for r in found.records if record_kept(r)]
    indicators = [
        moved_indicator(old, new) for old, new in found.indicators
        if slug in (None, new.indicator.area) and (unit is None or keep({"unit_zh": new.history[0].by}))
    ]
    from sdpolicy.bulletin import CHANGE_KINDS

    return {
        "format": JSON_FORMAT,
        "since": first.isoformat(),
        "as_of": day.isoformat(),
        "area": slug,
        "unit": unit,
        "counts": {kind: sum(1 for row in transitions if row["change"] == kind) for kind in CHANGE_KINDS},
        "transitions": transitions,
        "records": records,
        "indicators": indicators,
    }


def filter_log(
    plan: Any, rows: list[dict[str, Any]], since: str | None, until: str | None, by: str | None, area: str | None, home: Path,
) -> list[dict[str, Any]]:
    """The log rows dated from --since to --until (both included), reported by --by, in --area."""
    from sdpolicy.catalogue import find_area
    from sdpolicy.asof import parse_day

    first = parse_day(since) if since is not None else None
    last = parse_day(until) if until is not None else None
    if first is not None and last is not None and last < first:
        raise UsageError(
            f"--until {last} is before --since {first}; give an --until on or after it",
            zh=f"--until {last} 早于 --since {first}；请给出不早于它的 --until",
        )
    slug = find_area(plan, area).slug if area is not None else None
    reporter = unit_matcher(home, by)

    def area_of(row: dict[str, Any]) -> str | None:
        item = (plan.tasks_by_id if row["kind"] == "task" else plan.indicators_by_id).get(row["item"])
        return item.area if item is not None else None

    return [
        row for row in rows
        if (first is None or row["date"] >= first.isoformat())
        and (last is None or row["date"] <= last.isoformat())
        and (by is None or reporter({"unit_zh": row["by"], "unit_en": None}))
        and (slug is None or area_of(row) == slug)
    ]


def bulletin_sections(opened: Any, since: str, day: date, home: Path | None) -> dict[str, Any]:
    """What `report --since` adds to the report view: the changes since the date and the chasing
    list of the period holding the as-of date (the same views as `changes` and `due`)."""
    from sdpolicy import periods
    from sdpolicy.bulletin import owing
    from sdpolicy.views import due_view

    plan = opened.plan
    changed = changes_view_for(opened, since, day, None, None, home)
    period = periods.containing(plan.reporting, day)
    assigned, english = unit_maps(workspace(home), day)
    due = due_view(plan, owing(plan, opened.records, period, day, assigned, english), period, day)
    drop = ("format", "as_of")
    return {
        "since": changed["since"],
        "changes": {k: v for k, v in changed.items() if k not in drop + ("since", "area", "unit")},
        "not_reported": {k: v for k, v in due.items() if k not in drop + ("reporting",)},
    }
