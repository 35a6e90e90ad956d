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
    from sdpolicy.units import KINDS, MAX_NAME, Unit, add_unit

    language = check_lang(lang)
    if kind not in KINDS:
        raise UsageError(f"unknown kind '{kind}'; use one of {', '.join(KINDS)}", zh=f"没有“{kind}”这种单位类型；可用 {'、'.join(KINDS)}")
    names = [name_zh, *([en] if en else []), *(alias or [])]
    for name in names:
        if not name.strip() or len(name) > MAX_NAME or any(ord(c) < 32 or ord(c) == 127 for c in name):
            raise UsageError(
                f"a unit's name must be 1 to {MAX_NAME} characters without control characters, not {name!r}",
                zh=f"单位名称须为 1 至 {MAX_NAME} 个字符，且不含控制字符：{name!r}",
            )
    unit = Unit(name_zh.strip(), en.strip(), tuple(a.strip() for a in alias or ()), kind, note=note)
    add_unit(workspace(home), unit)
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
    from sdpolicy.progress import parse_day
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
