"""`sdpolicy trend`: a task, an area, a unit or the whole plan at the end of each month or quarter."""

from datetime import date
from typing import Annotated, Any, Optional

import typer

from sdpolicy.cli import (
    AreaOption, CatalogueOption, DebugOption, HomeOption, JsonOption, LangOption, _open, check_lang, command, emit,
)
from sdpolicy.errors import UsageError


@command(
    "trend",
    epilog="Examples: sdpolicy trend IND-01 ; sdpolicy trend --area e-gov --every quarter ; "
    "sdpolicy trend --from 2006-01-01 --to 2006-06-30 --json",
)
def trend(
    task_id: Annotated[Optional[str], typer.Argument(metavar="[ID]", show_default=False, help="One task (IND-01); default: the whole plan.")] = None,
    area: AreaOption = None,
    unit: Annotated[Optional[str], typer.Option("--unit", show_default=False, help="Only the tasks this unit leads or cooperates on (its name or any alias).")] = None,
    every: Annotated[str, typer.Option("--every", help="month or quarter: the period whose ends are the columns.")] = "month",
    since: Annotated[Optional[str], typer.Option("--from", show_default=False, help="First day, YYYY-MM-DD (default: the start of the plan).")] = None,
    until: Annotated[Optional[str], typer.Option("--to", show_default=False, help="Last day, YYYY-MM-DD (default: the end of the plan, or today if earlier).")] = None,
    as_json: JsonOption = False,
    catalogue: CatalogueOption = None,
    home: HomeOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Lights and progress at each month (or quarter) end: a task's actual against expected, or the
    counts of each light of an area, a unit or the whole plan."""
    from sdpolicy.catalogue import find_area, find_task
    from sdpolicy.asof import parse_day
    from sdpolicy.render.terminal import render_trend
    from sdpolicy.trajectory import group_trend, period_ends, task_trend
    from sdpolicy.views import group_trend_view, task_trend_view

    language = check_lang(lang)
    chosen = [name for name, given in (("an ID", task_id), ("--area", area), ("--unit", unit)) if given is not None]
    if len(chosen) > 1:
        raise UsageError(
            f"give only one of an ID, --area and --unit, not {' and '.join(chosen)}",
            zh=f"任务编号、--area 和 --unit 只能给一个，不能同时给 {' 和 '.join(chosen)}",
        )
    every = every.strip().lower()
    opened = _open(catalogue, home, language)
    plan = opened.plan
    first = parse_day(since) if since is not None else plan.start
    last = parse_day(until) if until is not None else min(plan.end, date.today())
    dates = period_ends(first, last, every)
    view: dict[str, Any]
    if task_id is not None:
        task = find_task(plan, task_id)
        view = task_trend_view(plan, task_trend(plan, task, opened.records, dates), every)
    else:
        chosen_area = find_area(plan, area) if area is not None else None
        if chosen_area is not None:
            tasks = plan.tasks_in(chosen_area.slug)
        elif unit is not None:
            tasks, unit = _unit_tasks(plan, opened.home, unit)
        else:
            tasks = plan.tasks
        summaries = group_trend(plan, tasks, opened.records, dates)
        view = group_trend_view(plan, dates, summaries, every, area=chosen_area, unit=unit)
    emit(view, as_json, language, render_trend)


def _unit_tasks(plan: Any, home: Any, name: str) -> tuple[tuple[Any, ...], str]:
    """The tasks a unit leads or cooperates on in the assignments in effect now (`sdpolicy assign`)."""
    from sdpolicy.units import in_effect, load_units, read_assignments, roles_of

    units = load_units(home)
    unit = units.find(name, "--unit")
    roles = roles_of(unit.zh, in_effect(read_assignments(home)), units)
    tasks = tuple(t for t in plan.tasks if t.id in roles)
    if not tasks:
        raise UsageError(
            f"{unit.zh} leads or cooperates on no task yet; assign tasks with sdpolicy assign",
            zh=f"{unit.zh} 尚未牵头或配合任何任务；请先用 sdpolicy assign 分工",
        )
    return tasks, unit.zh
