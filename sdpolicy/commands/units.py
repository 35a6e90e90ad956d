"""Commands of the units family: `units`, `units add`, `assign`.

Registered from cli.py; each command loads, calls the core (sdpolicy.units) and renders.
"""

# As in cli.py: no `from __future__ import annotations`, Typer reads these signatures at each start.
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any, List, Optional

import typer

from sdpolicy.cli import (
    CatalogueOption, DebugOption, HomeOption, JsonOption, LangOption, app, check_lang, command, emit, guarded, say,
    workspace,
)

units_app = typer.Typer(
    name="units",
    help="The office's units: list them, or add one (units add).",
    epilog="Examples: sdpolicy units --json ; sdpolicy units add 省经济贸易委员会 --alias 省经贸委 --kind department",
    invoke_without_command=True,
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(units_app)


def units_view(units: Any) -> dict[str, Any]:
    """The list as plain data: what --json prints and the table shows."""
    return {
        "units": [
            {
                "zh": u.zh, "en": u.en, "aliases": list(u.aliases), "kind": u.kind,
                "source": {"document": u.source_document, "quote": u.source_quote} if u.source_quote else None,
                "note": u.note, "starter": u.starter,
            }
            for u in units
        ]
    }


def render_units(view: dict[str, Any], lang: str, out: Any) -> None:
    from sdpolicy.i18n import t
    from sdpolicy.render.grid import Column

    columns = [Column(t(name, lang), fold=name in ("unit_en", "aliases")) for name in ("unit_zh", "unit_en", "aliases", "unit_kind", "unit_origin")]
    rows = [
        [u["zh"], u["en"], "、".join(u["aliases"]) if lang == "zh" else ", ".join(u["aliases"]),
         t(f"unit_kind.{u['kind']}", lang), t("unit_origin.starter" if u["starter"] else "unit_origin.office", lang)]
        for u in view["units"]
    ]
    out.table(columns, rows)


@units_app.callback()
@guarded
def units_list(
    ctx: typer.Context,
    as_json: JsonOption = False,
    home: HomeOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """List the units: the starter list (the 17 cities, the units the plan and review name) and the office's own."""
    if ctx.invoked_subcommand is not None:
        return
    from sdpolicy.units import load_units

    language = check_lang(lang)
    emit(units_view(load_units(workspace(home))), as_json, language, render_units)


@command("add", group=units_app, epilog="Example: sdpolicy units add 省经济贸易委员会 --en 'Provincial Economic and Trade Commission' --alias 省经贸委 --kind department")
def units_add(
    name_zh: Annotated[str, typer.Argument(metavar="NAME_ZH", help="The unit's full Chinese name: the name records will store.")],
    en: Annotated[str, typer.Option("--en", help="Its English name.")] = "",
    alias: Annotated[Optional[List[str]], typer.Option("--alias", show_default=False, help="A short name or other spelling (repeatable).")] = None,
    kind: Annotated[str, typer.Option("--kind", help="department, city, county or other.")] = "other",
    note: Annotated[str, typer.Option("--note", help="A remark kept with the unit.")] = "",
    home: HomeOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Add a unit to the workspace's list (HOME/units.toml)."""
    from sdpolicy.errors import UsageError
    from sdpolicy.i18n import t
    from sdpolicy.units import KINDS, Unit, add_unit

    language = check_lang(lang)
    if kind not in KINDS:
        raise UsageError(f"unknown kind '{kind}'; use one of {', '.join(KINDS)}", zh=f"没有“{kind}”这种单位类型；可用 {'、'.join(KINDS)}")
    unit = add_unit(workspace(home), Unit(name_zh, en, tuple(alias or ()), kind, note=note))
    say(t("unit_added", language, name=unit.zh, path=workspace(home) / "units.toml"), sys.stdout)


@command(
    "assign",
    epilog="Examples: sdpolicy assign EGOV-10 --lead 省信息产业厅 --with 济南 --with 青岛 --note '2006年分工' ; "
    "sdpolicy assign ENV-05 --node 2006-06-30:送审稿/draft:40 --node 2006-10-31:印发/issued:100",
)
def assign(
    task_id: Annotated[str, typer.Argument(metavar="TASK", help="The task id, such as EGOV-10 (any case).")],
    lead: Annotated[Optional[str], typer.Option("--lead", show_default=False, help="The lead unit (牵头单位): its name or any alias (default with --node: the lead in effect).")] = None,
    node: Annotated[Optional[List[str]], typer.Option("--node", show_default=False, help="A time node DATE:名称[/English][:SHARE%]; repeatable, in date order; replaces the task's nodes.")] = None,
    with_: Annotated[Optional[List[str]], typer.Option("--with", show_default=False, help="A cooperating unit (配合单位); repeatable.")] = None,
    note: Annotated[str, typer.Option("--note", help="Why, or the document that made the assignment.")] = "",
    on: Annotated[Optional[str], typer.Option("--date", show_default=False, help="From when it holds, YYYY-MM-DD (default: today).")] = None,
    by: Annotated[str, typer.Option("--by", help="Who made the assignment.")] = "",
    catalogue: CatalogueOption = None,
    home: HomeOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Set a task's lead unit and cooperating units. A reassignment is a new entry; nothing is erased."""
    from sdpolicy.catalogue import find_task, load_catalogue
    from sdpolicy.i18n import t
    from sdpolicy.asof import parse_day
    from sdpolicy.units import append_assignments, load_units, make_assignment

    language = check_lang(lang)
    plan = load_catalogue(catalogue)
    task = find_task(plan, task_id)
    units = load_units(workspace(home))
    nodes = _nodes(task, node)
    if lead is None:
        lead, with_ = _lead_in_effect(task.id, home, with_, nodes)
    lead_unit = units.find(lead, "--lead")
    cooperating = [units.find(name, "--with").zh for name in with_ or ()]
    day = parse_day(on) if on is not None else date.today()
    entry = make_assignment(task.id, lead_unit.zh, cooperating, on=day, note=note, by=units.canonical(by.strip()))
    if nodes is not None:
        from sdpolicy.trajectory import node_field

        entry = entry._replace(extra=(("nodes", node_field(nodes)),))
    (stored,) = append_assignments(workspace(home), [entry])
    sep = "、" if language == "zh" else ", "
    say(t(
        "assigned" if stored.cooperating else "assigned_alone", language,
        task=stored.task, lead=stored.lead, cooperating=sep.join(stored.cooperating), id=stored.id, date=stored.date.isoformat(),
    ), sys.stdout)
    if nodes is not None:
        say(t("nodes_set", language, task=stored.task, count=len(nodes), id=stored.id), sys.stdout)


def _nodes(task: Any, given: Optional[List[str]]) -> Any:
    """The nodes typed after --node, checked against the task; None when none were given."""
    if not given:
        return None
    from sdpolicy.trajectory import check_nodes, parse_node

    nodes = [parse_node(text) for text in given]
    check_nodes(nodes, task)
    return nodes


def _lead_in_effect(task_id: str, home: Optional[Path], with_: Optional[List[str]], nodes: Any) -> Any:
    """`assign TASK --node …` alone keeps the lead and cooperating units already in effect."""
    from sdpolicy.errors import UsageError
    from sdpolicy.units import in_effect, read_assignments

    if nodes is None:
        raise UsageError(f"give --lead (or --node) for task {task_id}", zh=f"请为任务 {task_id} 给出 --lead（或 --node）")
    current = in_effect(read_assignments(workspace(home))).get(task_id)
    if current is None:
        raise UsageError(
            f"task {task_id} has no lead unit yet; give --lead with --node",
            zh=f"任务 {task_id} 还没有牵头单位；请与 --node 一起给出 --lead",
        )
    return current.lead, (with_ if with_ else list(current.cooperating))


def resolve_by(home: Optional[Path], by: str, lang: str) -> str:
    """`mark --by` keeps free text, but a known name or alias is stored as the unit's canonical name.

    An unknown name is kept as typed. It is warned about only in a workspace that keeps units (it has
    units.toml or assignments.toml): there a name outside the list is likely a slip, while an office
    that has not set up its units would be warned at every mark for names it never meant to list.
    """
    text = by.strip()
    if not text:
        return by
    from sdpolicy.i18n import t
    from sdpolicy.units import assignments_path, load_units, units_path

    folder = workspace(home)
    units = load_units(folder)
    unit = units.get(text)
    if unit is not None:
        return unit.zh
    if not (units_path(folder).exists() or assignments_path(folder).exists()):
        return by
    close = "、".join(u.zh for u in units.closest(text))
    hint = t("by_unknown_hint", lang, close=close) if close else ""
    say(f"{t('warning', lang)}: {t('by_unknown', lang, by=text, hint=hint)}")
    return by


# ---------------------------------------------------------------------------------------------
# Per-unit views: list --unit, status --by unit, show's units, the reports' unit table.
# cli.py calls these with one line each; the arithmetic is in sdpolicy.views.


def keeps_units(home: Optional[Path]) -> bool:
    """Whether the office has set up units here (a units.toml or an assignments.toml). Until it has,
    views show no assignments and need not read (or import the reader of) either file."""
    from sdpolicy.units import assignments_path, units_path

    folder = workspace(home)
    return units_path(folder).exists() or assignments_path(folder).exists()


def office(home: Optional[Path], day: date) -> Any:
    """The units, every assignment entry, and the assignments in effect at `day`."""
    from sdpolicy.units import in_effect, load_units, read_assignments

    folder = workspace(home)
    units = load_units(folder)
    entries = read_assignments(folder)
    return units, entries, in_effect(entries, day)


def period_of(plan: Any, day: date) -> tuple:
    """The reporting period that holds `day`, by the catalogue's [plan.reporting] (monthly by default)."""
    from sdpolicy.periods import containing

    found = containing(plan.reporting, day)
    return found.start, found.end


def list_rows(rows: list, home: Optional[Path], day: date, unit: Optional[str], lead: Optional[str]) -> list:
    """list's rows with the assigned leads; with --unit only the unit's tasks, each with its role;
    with --lead a known unit's tasks (by any of its names), else leads containing the text."""
    if unit is None and lead is None and not keeps_units(home):
        return rows
    from sdpolicy.views import apply_assignments, unit_role

    units, _, current = office(home, day)
    apply_assignments(rows, current, units)
    if lead is not None:
        known = units.get(lead)
        if known is not None:
            rows = [r for r in rows if r.get("lead_zh") == known.zh]
        else:
            needle = lead.casefold()
            rows = [r for r in rows if any(needle in (r.get(k) or "").casefold() for k in ("lead_zh", "lead_en"))]
    if unit is None:
        return rows
    chosen = units.find(unit, "--unit")
    found = []
    for row in rows:
        role = unit_role(row, chosen, current, units)
        if role is not None:
            found.append({**row, "role": role[0], "plan_role": role[1]})
    return found


def role_words(row: dict, lang: str) -> str:
    from sdpolicy.i18n import t

    words = [t(f"unit_role.{row['role']}", lang)] if row["role"] != "named" else []
    if row.get("plan_role"):
        words.append(t("named_by_plan", lang, role=t(f"plan_role.{row['plan_role']}", lang)))
    return "；".join(words) if lang == "zh" else "; ".join(words)


def render_unit_list(view: dict, lang: str, out: Any) -> None:
    from sdpolicy.i18n import t
    from sdpolicy.render import words
    from sdpolicy.render.grid import Column
    from sdpolicy.render.terminal import light_cell

    columns = [Column(t(name, lang), fold=name in ("title", "target", "role")) for name in
               ("id", "title", "target", "actual", "percent", "light", "deadline", "role")]
    cells = [
        [r["id"], words.title(r, lang), words.target(r["target"], lang), words.actual(r, lang), words.pct(r["percent"]),
         light_cell(r["light"], lang), r["deadline"], role_words(r, lang)]
        for r in view["tasks"]
    ]
    out.table(columns, cells)
    out.line(f"{len(view['tasks'])} · {words.as_of(view['as_of'], lang)}", "dim")


def unit_status(plan: Any, task_rows: list, reported: Any, home: Optional[Path], day: date) -> dict:
    from sdpolicy.views import apply_assignments, unit_rows, unit_status_view

    units, _, current = office(home, day)
    apply_assignments(task_rows, current, units)
    period = period_of(plan, day)
    return unit_status_view(unit_rows(task_rows, current, units, reported, period), day, period)


def render_unit_status(view: dict, lang: str, out: Any) -> None:
    from sdpolicy.i18n import pair, t
    from sdpolicy.render import words
    from sdpolicy.render.grid import Column

    columns = [Column(t("unit", lang))] + [
        Column(heading, right=True, fold=False)
        for heading in (t("led", lang), *(words.heading(words.light(k, lang), lang) for k in words.LIGHTS))
    ] + [Column(t("last_report_col", lang), fold=False), Column(t("reported_this_period", lang), fold=False)]
    rows = [
        [pair(u, "unit", lang) or u["unit_zh"], str(u["led"]), *(str(u[k]) for k in words.LIGHTS),
         u["last_report"] or "—", t("yes" if u["reported"] else "no", lang)]
        for u in view["units"]
    ]
    period = view["period"]
    out.table(columns, rows, title=t("unit_status_title", lang, first=period["first"], last=period["last"], date=view["as_of"]))
    if not rows:
        out.line(t("no_units_yet", lang), "dim")


def show_units(view: dict, home: Optional[Path], day: date) -> dict:
    """show's view with the assigned lead, the units with their roles and the assignment history."""
    task = view["task"]
    task["assignments"] = []
    if not keeps_units(home):
        return view
    from sdpolicy.units import history
    from sdpolicy.views import apply_assignments, assignment_json

    units, entries, current = office(home, day)
    apply_assignments([task], current, units)
    task["assignments"] = [assignment_json(e, units) for e in history(entries, task["id"])]
    return view


def render_task_units(view: dict, lang: str, out: Any) -> None:
    """Below show's table: the task's units and roles, then its assignment history."""
    from sdpolicy.i18n import t
    from sdpolicy.render.grid import Column
    from sdpolicy.render.terminal import render_task

    render_task(view, lang, out)
    task = view["task"]
    current = task["assignments"][-1] if task["assignments"] else None
    rows = []
    if current is not None:
        rows.append([current["lead_zh"], t("unit_role.lead", lang), current["date"]])
        rows += [[u["zh"], t("unit_role.cooperating", lang), current["date"]] for u in current["with"]]
    for named in task.get("units") or ():
        role = t("named_by_plan", lang, role=t(f"plan_role.{named['role']}", lang))
        rows.append([named.get("name_zh") or "", role, ""])
    if rows:
        out.table([Column(t("unit", lang)), Column(t("role", lang)), Column(t("since", lang), fold=False)], rows, title=t("units_of_task", lang))
    if len(task["assignments"]) > 1 or (task["assignments"] and task["assignments"][0]["note"]):
        history = [
            [a["date"], a["lead_zh"], "、".join(u["zh"] for u in a["with"]) if lang == "zh" else ", ".join(u["zh"] for u in a["with"]), a["note"], a["id"]]
            for a in task["assignments"]
        ]
        out.table(
            [Column(t(k, lang), fold=k in ("with_units", "note")) for k in ("since", "lead", "with_units", "note", "record")],
            history, title=t("assignment_history", lang),
        )


def report_units(view: dict, opened: Any, home: Optional[Path], day: date) -> dict:
    """The report view with assigned leads in every task row and a `units` table."""
    view["units"] = []
    if not keeps_units(home):
        return view
    from sdpolicy.views import apply_assignments, unit_rows

    units, _, current = office(home, day)
    rows = [r for area in view["areas"] for r in area["tasks_list"]]
    apply_assignments(rows + view["attention"], current, units)
    view["units"] = unit_rows(rows, current, units, opened.last_reports(day), period_of(opened.plan, day))
    return view
