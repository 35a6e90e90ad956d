"""The command line: parse, call the core, hand plain data to a renderer.

This is the one place where domain errors become `Error: …` on stderr and an exit code.
Heavy imports (renderers, report formats) happen inside the commands that need them, so that
`sdpolicy --help` and the everyday commands start as fast as Typer allows.
"""

# No `from __future__ import annotations` here: Typer reads every command's signature at each start,
# and string annotations would make it compile and evaluate each one (about 10 ms a run).
import contextlib
import functools
import gc
import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Callable, Iterator, Optional

import typer

from sdpolicy import __version__
from sdpolicy.clickwords import Group
from sdpolicy.errors import EXIT_SOFTWARE, SdpolicyError, UsageError

app = typer.Typer(
    cls=Group,  # Click's help and usage errors in Chinese under --lang zh
    name="sdpolicy",
    help="Track how Shandong's 2006 informatization work plan is carried out, against its 2005 baselines.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

CatalogueOption = Annotated[
    Optional[Path],
    typer.Option(
        "--catalogue", envvar="SDPOLICY_CATALOGUE", show_default=False,
        help="Catalogue file or directory (default: the shipped 2006 plan).",
    ),
]
HomeOption = Annotated[
    Optional[Path],
    typer.Option(
        "--home", envvar="SDPOLICY_HOME", show_default=False,
        help="Workspace directory holding progress.toml (default: your user data directory).",
    ),
]
LangOption = Annotated[
    Optional[str],
    typer.Option("--lang", show_default=False, help="zh or en (default: SDPOLICY_LANG, else the locale, else en)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print stable JSON instead of a table.")]
AsOfOption = Annotated[
    Optional[str], typer.Option("--as-of", show_default=False, help="Judge progress at this date, YYYY-MM-DD (default: today).")
]
AreaOption = Annotated[
    Optional[str], typer.Option("--area", "-a", show_default=False, help="Area slug (e-gov), Chinese name (电子政务) or a prefix.")
]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show the traceback of an unexpected error.")]


def _say_error(error: SdpolicyError | str, lang: str | None = None) -> None:
    from sdpolicy.i18n import pick_lang, t

    language = pick_lang(lang)
    text = error if isinstance(error, str) else error.text(language)
    say(f"{t('error', language)}: {text}")


def say(line: str, stream: Any = None) -> None:
    """One line of a message on stderr (or `stream`), with whatever data or argument it quotes shown
    safely: every message that might quote a note, an id or an argument goes out through here."""
    from sdpolicy.sanitise import message

    (stream or sys.stderr).write(message(line) + "\n")


def guarded(function: Callable[..., Any]) -> Callable[..., Any]:
    """The command with its domain errors turned into one sentence on stderr and an exit code."""

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        debug = kwargs.get("debug") or os.environ.get("SDPOLICY_DEBUG") == "1"
        try:
            return function(*args, **kwargs)
        except SdpolicyError as exc:
            _say_error(exc, kwargs.get("lang"))
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:
            # The reader went away (`sdpolicy list | head`): not an error worth a message.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(0) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if debug:
                raise
            _say_error(
                f"internal error ({type(exc).__name__}: {exc}); this is a bug in sdpolicy, "
                "rerun with --debug to see the traceback",
                kwargs.get("lang"),
            )
            raise typer.Exit(EXIT_SOFTWARE) from None

    return run


def command(*names: str, group: typer.Typer | None = None, **settings: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a command (on `group`, default the main app) whose domain errors become one sentence
    on stderr and an exit code."""

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        (group or app).command(*names, **settings)(guarded(function))
        return function

    return register


def _version(value: bool) -> None:
    if value:
        print(f"sdpolicy {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Track how Shandong's 2006 informatization work plan is carried out, against its 2005 baselines."""


# ---------------------------------------------------------------------------------------------
# Shared steps


def as_of_day(text: str | None) -> date:
    if text is None:
        return date.today()
    from sdpolicy.asof import parse_day

    return parse_day(text)


def check_lang(lang: str | None) -> str:
    from sdpolicy.i18n import LANGS, pick_lang

    if lang is not None and lang.lower() not in LANGS and not lang.lower().startswith("zh"):
        raise UsageError(f"language '{lang}' is not supported; use zh or en", zh=f"不支持语言“{lang}”；请用 zh 或 en")
    return pick_lang(lang)


def workspace(home: Path | None) -> Path:
    if home is not None:
        return home
    import platformdirs

    return Path(platformdirs.user_data_dir("sdpolicy", appauthor=False))


# ---------------------------------------------------------------------------------------------
# Commands


@command(
    "validate",
    epilog="Example: sdpolicy validate data/   (or: sdpolicy validate my-plan.toml)",
)
def validate(
    path: Annotated[Optional[Path], typer.Argument(show_default=False, help="Catalogue file or directory to check.")] = None,
    catalogue: CatalogueOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Check a catalogue and print a one-line summary, or every problem with its file and line."""
    from sdpolicy.catalogue import load_catalogue
    from sdpolicy.errors import DataError
    from sdpolicy.i18n import t

    language = check_lang(lang)
    target = path or catalogue
    try:
        plan = load_catalogue(target)
    except DataError as exc:
        for problem in exc.problems or [exc.message]:
            say(problem)
        count = len(exc.problems) or 1
        raise DataError(
            f"{plan_label(target)} has {count} problem{'s' if count != 1 else ''}",
            zh=f"{plan_label(target)} 有 {count} 处问题",
        ) from None
    say(t("valid", language, path=plan.path, tasks=len(plan.tasks), indicators=len(plan.indicators), areas=len(plan.areas)), sys.stdout)


@command(
    "check",
    epilog="Example: sdpolicy check   (or: sdpolicy check --home ~/team-progress --catalogue my-plan.toml)",
)
def check(
    catalogue: CatalogueOption = None,
    home: HomeOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Verify the catalogue and the progress store together; every problem with its file:line:col."""
    from sdpolicy.catalogue import shipped_catalogue
    from sdpolicy.checking import check_workspace
    from sdpolicy.errors import EXIT_DATAERR, EXIT_NOINPUT
    from sdpolicy.i18n import t

    language = check_lang(lang)
    result = check_workspace(catalogue, workspace(home))
    for warning in result.warnings:
        say(f"{t('warning', language)}: {warning}")
    if not result.ok:
        found = result.missing + result.problems
        for problem in found:
            say(problem)
        # Damage needs a repair (65); a file that is only missing or unreadable is 66, as elsewhere.
        code = EXIT_DATAERR if result.problems else EXIT_NOINPUT
        count = len(found)
        raise SdpolicyError(t("check_failed", language, count=count, s="s" if count != 1 else ""), exit_code=code)
    plan, records = result.plan, result.contents.records
    counts = {
        "records": len(records),
        "retractions": sum(1 for r in records if r.retracts is not None),
        "tasks": len({r.item for r in records if r.kind == "task"}),
        "indicators": len({r.item for r in records if r.kind == "indicator"}),
    }
    plurals = {f"{name}_s": "" if count == 1 else "s" for name, count in counts.items()}
    say(t(
        "checked", language, store=result.store_path,
        catalogue=catalogue if catalogue is not None else t("shipped_catalogue", language, path=shipped_catalogue()),
        plan_tasks=len(plan.tasks), plan_indicators=len(plan.indicators), **counts, **plurals,
    ), sys.stdout)


def _open(catalogue: Path | None, home: Path | None, lang: str, sources: Any = None) -> Any:
    """The workspace, opened from `sources` when the command read them already."""
    from sdpolicy.i18n import t
    from sdpolicy.workspace import read_sources

    opened = (sources or read_sources(catalogue, workspace(home))).open()
    if opened.torn_line is not None:
        place = f"{opened.store_path}:{opened.torn_line}"
        say(f"{t('warning', lang)}: {t('torn_tail', lang, place=place)}")
    if _KEPT is not None:
        _KEPT.append(opened)
    return opened


# The workspaces a run of the installed command opened, kept to its end (see entry); None elsewhere,
# as in the tests, which run many commands in one process.
_KEPT: list[Any] | None = None


def emit(view: dict[str, Any], as_json: bool, lang: str, draw: Callable[..., None]) -> None:
    if as_json:
        from sdpolicy.render.jsonfile import dumps
        from sdpolicy.sanitise import stdout_fits

        sys.stdout.write(dumps(view, ascii_only=not stdout_fits("中")))
        return
    from sdpolicy.render.terminal import Screen

    draw(view, lang, Screen())


def _matches(row: dict[str, Any], needle: str, *fields: str) -> bool:
    folded = needle.casefold()
    return any(folded in (row.get(f) or "").casefold() for f in fields)


@command("list", epilog="Example: sdpolicy list --area e-gov --light red --as-of 2006-06-30")
def list_tasks(
    area: AreaOption = None,
    light: Annotated[Optional[str], typer.Option(show_default=False, help="Only tasks with this light: done, green, yellow, red, unreported or grey.")] = None,
    lead: Annotated[Optional[str], typer.Option(show_default=False, help="Only tasks whose lead unit contains this text.")] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", show_default=False, help="Only the tasks this unit leads or cooperates on, with its role.")] = None,
    search: Annotated[Optional[str], typer.Option(show_default=False, help="Only tasks whose id, title or note contains this text.")] = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    catalogue: CatalogueOption = None,
    home: HomeOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """One row per task: target, latest actual, percent of target, light, deadline and lead unit."""
    from sdpolicy.catalogue import find_area
    from sdpolicy.render.terminal import render_list

    language = check_lang(lang)
    day = as_of_day(as_of)
    if light is not None:
        from sdpolicy.progress import LIGHTS

        if light.lower() not in LIGHTS:
            raise UsageError(
                f"unknown light '{light}'; use one of {', '.join(LIGHTS)}", zh=f"没有“{light}”这种灯；可用 {'、'.join(LIGHTS)}"
            )
    opened = _open(catalogue, home, language)
    plan = opened.plan
    slug = find_area(plan, area).slug if area else None
    from sdpolicy.envelope import list_view

    rows = [r for r in opened.task_rows(day) if slug in (None, r["area"])]
    view = list_view(plan, rows, day)
    if light:
        rows = [r for r in rows if r["light"] == light.lower()]
    from sdpolicy.commands.units import list_rows, render_unit_list

    rows = list_rows(rows, home, day, unit, lead or None)
    if search:
        # As --help says: the id, the titles, the catalogue's remark on the task, or the latest note.
        def remarks(row: dict[str, Any]) -> dict[str, Any]:
            task = plan.tasks_by_id[row["id"]]
            return {"note_zh": task.note_zh, "note_en": task.note_en, "note": (row["latest"] or {}).get("note")}

        fields = ("id", "title_zh", "title_en", "note_zh", "note_en", "note")
        rows = [r for r in rows if _matches({**r, **remarks(r)}, search, *fields)]
    view["tasks"] = rows
    emit(view, as_json, language, render_unit_list if unit is not None else render_list)


@command("show", epilog="Example: sdpolicy show EGOV-10")
def show(
    task_id: Annotated[str, typer.Argument(metavar="ID", help="Task id, such as EGOV-10 (any case).")],
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    catalogue: CatalogueOption = None,
    home: HomeOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Everything about one task: target, lead, 2005 indicators, source, history, light and why."""
    from sdpolicy.catalogue import find_task
    from sdpolicy.progress import task_progress
    from sdpolicy.render.terminal import render_task
    from sdpolicy.views import task_detail

    language = check_lang(lang)
    day = as_of_day(as_of)
    opened = _open(catalogue, home, language)
    task = find_task(opened.plan, task_id)
    progress = task_progress(opened.plan, task, opened.records, day)
    from sdpolicy.commands.units import render_task_units, show_units

    emit(show_units(task_detail(opened.plan, progress, opened.records, day), home, day), as_json, language, render_task_units)


@command("status", epilog="Example: sdpolicy status --area 电子政务 --as-of 2006-06-30")
def status(
    area: AreaOption = None,
    by: Annotated[str, typer.Option("--by", help="area (the default) or unit: one row per unit with the lights of the tasks it leads.")] = "area",
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    catalogue: CatalogueOption = None,
    home: HomeOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Lights per area and in total; with --area, that area's summary and its tasks."""
    from sdpolicy.catalogue import find_area
    from sdpolicy.render.terminal import render_status

    language = check_lang(lang)
    day = as_of_day(as_of)
    if by not in ("area", "unit"):
        raise UsageError(f"--by takes area or unit, not '{by}'", zh=f"--by 只能是 area 或 unit，不能是“{by}”")
    from sdpolicy.workspace import read_sources

    sources = read_sources(catalogue, workspace(home))
    # Shown again from the same bytes without loading the plan or the store's checked part: at a
    # million records those take longer than everything else a warm status does.
    seen = sources.cached_view("status", day, area) if by == "area" else None
    if seen is None and by == "area" and area is None:
        seen = sources.status_view(day)  # right after a mark, from what is kept, without the whole plan
    if seen is not None:
        emit(seen, as_json, language, render_status)
        return
    opened = _open(catalogue, home, language, sources)
    plan = opened.plan
    chosen = find_area(plan, area) if area else None
    if by == "unit":
        from sdpolicy.commands.units import render_unit_status, unit_status

        task_rows = [r for r in opened.task_rows(day) if chosen is None or r["area"] == chosen.slug]
        emit(unit_status(plan, task_rows, opened.last_reports(day), home, day), as_json, language, render_unit_status)
        return

    def compute() -> dict[str, Any]:
        from sdpolicy.views import status_view

        # The lights make the summary and the rows the area's table: both follow a mark or an import
        # from the lines appended, without reading every record.
        shown = [r for r in opened.task_rows(day) if r["area"] == chosen.slug] if chosen else []
        return status_view(plan, opened.lights_summary(day), shown, day, chosen)

    emit(opened.memo("status", compute, day, area), as_json, language, render_status)


@command(
    "mark",
    epilog="Examples: sdpolicy mark IND-01 --value 120 --date 2006-06-30 --by 省经贸委 --note '首批验收' ; "
    "sdpolicy mark ENV-05 --state in-progress ; sdpolicy mark internet-users --value 1200",
)
def mark(
    item: Annotated[Optional[str], typer.Argument(metavar="ID", show_default=False, help="A task id (IND-01) or a 2005 indicator id (internet-users).")] = None,
    value: Annotated[Optional[str], typer.Option(show_default=False, help="Cumulative actual for count, range and percent targets, or an indicator's new figure.")] = None,
    state: Annotated[Optional[str], typer.Option(show_default=False, help="not-started, in-progress, done or blocked, or 未开始, 进行中, 已完成, 受阻 (milestone and qualitative tasks; blocked for any task).")] = None,
    done: Annotated[bool, typer.Option("--done", help="Mark the task done, whatever its target kind.")] = False,
    on: Annotated[Optional[str], typer.Option("--date", show_default=False, help="The date the progress refers to, YYYY-MM-DD (default: today).")] = None,
    note: Annotated[str, typer.Option(help="What was reported (up to 2000 characters).")] = "",
    by: Annotated[str, typer.Option(help="Who reported it: the unit or person.")] = "",
    source: Annotated[Optional[str], typer.Option("--from", metavar="FILE", show_default=False, help="Record every row of a CSV file (- for stdin) with columns id,value,state,date,note,by: all rows or none.")] = None,
    node: Annotated[Optional[str], typer.Option("--node", show_default=False, help="A time node of the task reached on --date (its Chinese or English name).")] = None,
    catalogue: CatalogueOption = None,
    home: HomeOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Record progress on a task, or a later figure for a 2005 indicator."""
    from sdpolicy.progress import make_update
    from sdpolicy.render import notices
    from sdpolicy.store import append_record

    from sdpolicy.commands.units import resolve_by

    language = check_lang(lang)
    if source is not None:
        from sdpolicy.commands.batch import mark_from

        given = {"an ID": item, "--value": value, "--state": state, "--done": done or None, "--date": on, "--note": note or None, "--node": node}
        mark_from(source, [name for name, found in given.items() if found is not None], by, catalogue, home, language)
        return
    if item is None:
        raise UsageError("name the task or indicator to record, or give --from FILE", zh="请给出要记录的任务或指标编号，或用 --from 文件")
    from sdpolicy.workspace import marking

    # The lock is held from the read to the write, so the store is read once (see marking).
    with marking(catalogue, workspace(home), item) as sources:
        opened = _open(catalogue, home, language, sources)
        by = resolve_by(home, by, language)
        record = make_update(
            opened.plan, item, value=value, state=state, done=done, on=on, note=note, by=by, today=date.today(), node=node,
        )
        warnings = notices.slips(opened.plan, record, opened.records_about(record.kind, record.item), language)
        stored = append_record(opened.home, record, read=opened.snapshot, read_held=True)
    notices.tell_recorded(opened.plan, stored, warnings, language)


@command("log", epilog="Examples: sdpolicy log EGOV-10 --json ; sdpolicy log --since 2006-06-01 --until 2006-06-30 --by 济南 --area e-gov")
def log(
    item: Annotated[Optional[str], typer.Argument(metavar="[ID]", show_default=False, help="Only this task or indicator.")] = None,
    since: Annotated[Optional[str], typer.Option("--since", show_default=False, help="Only records dated on or after this day, YYYY-MM-DD.")] = None,
    until: Annotated[Optional[str], typer.Option("--until", show_default=False, help="Only records dated on or before this day, YYYY-MM-DD.")] = None,
    by: Annotated[Optional[str], typer.Option("--by", "--unit", show_default=False, help="Only records reported by this unit (its name, an alias, or part of it).")] = None,
    area: AreaOption = None,
    as_json: JsonOption = False,
    catalogue: CatalogueOption = None,
    home: HomeOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """The progress history, newest first (by the date reported, then the time entered), with record ids and retractions."""
    from sdpolicy.catalogue import Task, find_item
    from sdpolicy.render.terminal import render_log
    from sdpolicy.views import log_view

    language = check_lang(lang)
    opened = _open(catalogue, home, language)
    found = find_item(opened.plan, item) if item else None
    kind = None if found is None else ("task" if isinstance(found, Task) else "indicator")
    view = log_view(opened.plan, opened.records, kind=kind, item=found.id if found else None)
    if (since, until, by, area) != (None, None, None, None):
        from sdpolicy.commands.bulletin import filter_log

        view["records"] = filter_log(opened.plan, view["records"], since, until, by, area, workspace(home))
    emit(view, as_json, language, render_log)


@command("undo", epilog="Examples: sdpolicy undo ; sdpolicy undo r-6fj2 --note 'wrong figure'")
def undo(
    record_id: Annotated[Optional[str], typer.Argument(metavar="[RECORD_ID]", show_default=False, help="The record to retract (a unique prefix is enough); default: the latest.")] = None,
    note: Annotated[str, typer.Option(help="Why it is retracted.")] = "",
    by: Annotated[str, typer.Option(help="Who retracts it.")] = "",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be retracted or restored, and write nothing.")] = False,
    catalogue: CatalogueOption = None,
    home: HomeOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Retract the latest record, or the one named. The retraction is itself a record: nothing is erased."""
    from sdpolicy.progress import make_retraction, undo_target, undo_target_unchanged
    from sdpolicy.render import notices
    from sdpolicy.store import append_records

    from sdpolicy.commands.units import resolve_by

    language = check_lang(lang)
    opened = _open(catalogue, home, language)
    if dry_run:
        say(notices.retracted(opened.plan, opened.records, undo_target(opened.records, record_id), language), sys.stdout)
        return
    retraction = make_retraction(opened.records, record_id, note, resolve_by(home, by, language), date.today())
    # The target was chosen from the store as read before the lock; another undo may have retracted
    # it (or a newer record come in) since. It is chosen again under the lock, and must be the same.
    (stored,) = append_records(
        opened.home, [retraction], read=opened.snapshot,
        check=lambda now: undo_target_unchanged(now.records(), record_id, retraction),
    )
    target = next(r for r in opened.records if r.id == stored.retracts)
    say(notices.retracted(opened.plan, opened.records, target, language, retraction=stored.id), sys.stdout)


@command("compare", epilog="Example: sdpolicy compare --area e-gov")
def compare(
    area: AreaOption = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    catalogue: CatalogueOption = None,
    home: HomeOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Every 2005 indicator beside its linked 2006 tasks, the latest recorded figure and the change."""
    from sdpolicy.catalogue import find_area
    from sdpolicy.render.terminal import render_compare

    language = check_lang(lang)
    day = as_of_day(as_of)
    opened = _open(catalogue, home, language)
    chosen = find_area(opened.plan, area).slug if area else None

    from sdpolicy.envelope import compare_view

    rows = [r for r in opened.indicator_rows(day) if chosen in (None, r["area"])]
    emit(compare_view(rows, day), as_json, language, render_compare)


@command(
    "report",
    epilog="Examples: sdpolicy report --html -o briefing.html ; sdpolicy report --xlsx -o briefing.xlsx --lang zh ; "
    "sdpolicy report --csv -o tasks.csv ; sdpolicy report --csv --by unit -o units.csv ; sdpolicy report --md --as-of 2006-06-30 --since 2006-05-31",
)
def report(
    markdown: Annotated[bool, typer.Option("--md", help="A Markdown briefing (the default).")] = False,
    html: Annotated[bool, typer.Option("--html", help="One self-contained HTML file with charts; opens offline.")] = False,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="A spreadsheet (sheets Summary, Tasks, Baselines, Log, Trend); needs -o.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="One row per task with the columns of list --json, flattened.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="The whole report as one stable JSON document.")] = False,
    by: Annotated[str, typer.Option("--by", help="With --csv: task (the default, one row per task) or unit (one row per unit, as status --by unit).")] = "task",
    # A string, not a Path: Path('') is '.', and Path('nodir/') forgets the slash that says 'a directory'.
    out: Annotated[Optional[str], typer.Option("--output", "-o", show_default=False, help="Write to this file (whole or not at all) instead of stdout; .md .html .xlsx .csv .json imply the format.")] = None,
    since: Annotated[Optional[str], typer.Option("--since", show_default=False, help="Add the bulletin (通报): what changed since this date, who has not reported, the counts by schedule.")] = None,
    as_of: AsOfOption = None,
    catalogue: CatalogueOption = None,
    home: HomeOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """A briefing for leaders: summary, each area's tasks, red and overdue tasks, and the 2005 comparison."""
    from sdpolicy.output import output_path, protected_files, report_format, write_bytes, write_text

    language = check_lang(lang)
    day = as_of_day(as_of)
    chosen = [flag for flag, on in (("--md", markdown), ("--html", html), ("--xlsx", xlsx), ("--csv", as_csv), ("--json", as_json)) if on]
    if len(chosen) > 1:
        raise UsageError(
            f"choose one report format, not {' and '.join(chosen)}",
            zh=f"只能选择一种报告格式，不能同时用 {' 和 '.join(chosen)}",
        )
    output = output_path(out) if out is not None else None
    form = report_format(chosen, output)
    markdown, html, xlsx, as_csv, as_json = (form == name for name in ("md", "html", "xlsx", "csv", "json"))
    _check_report_by(by, form, since)
    if xlsx and output is None:
        # Checked before any work: a spreadsheet is binary and would garble a terminal.
        raise UsageError(
            "--xlsx writes a binary file: name it with -o, e.g. -o report.xlsx",
            zh="--xlsx 生成二进制文件，请用 -o 指定文件名，例如 -o report.xlsx",
        )
    opened = _open(catalogue, home, language)
    plan = opened.plan

    # Only a workbook's Log sheet and JSON show the log, the one part that needs every record.
    with_log = xlsx or as_json

    def compute() -> dict[str, Any]:
        from sdpolicy.views import report_view

        # Each part follows a mark or an import from the lines appended, as list and status do.
        log = opened.log_rows(day) if with_log else None
        summary = opened.lights_summary(day)
        return report_view(plan, summary, opened.task_rows(day), opened.indicator_rows(day), opened.report_parts(day), log, day)

    from sdpolicy.commands.units import report_units

    view = report_units(opened.memo("report", compute, day, with_log), opened, home, day)
    if since is not None:
        from sdpolicy.commands.bulletin import bulletin_sections

        view = {**view, **bulletin_sections(opened, since, day, home)}
    keep = protected_files([opened.home, plan.path]) if output is not None else []
    if xlsx:
        from sdpolicy.render.xlsx import render_workbook

        write_bytes(output, render_workbook(view, language), protect=keep)
        return
    if as_json:
        from sdpolicy.render.jsonfile import dumps
        from sdpolicy.sanitise import stdout_fits

        # Into a file always UTF-8; to a stdout that cannot show Chinese, as \u escapes (still JSON).
        text = dumps(view, ascii_only=output is None and not stdout_fits("中"))
    elif as_csv:
        from sdpolicy.render.csvfile import render_csv, render_units_csv

        text = (render_units_csv if by == "unit" else render_csv)(view, for_file=output is not None, lang=language)
    elif html:
        from sdpolicy.render.html import render_report

        text = render_report(view, language)
    else:
        from sdpolicy.render.markdown import render_report

        text = render_report(view, language)
    if output is None:
        sys.stdout.write(text)
    else:
        write_text(output, text, protect=keep)


def _check_report_by(by: str, form: str, since: Optional[str]) -> None:
    """A CSV holds one table: --by unit chooses the table by unit instead of the tasks. The other
    formats hold both tables already, and --since adds columns that only the tasks' table has."""
    if by not in ("task", "unit"):
        raise UsageError(f"--by takes task or unit, not '{by}'", zh=f"--by 只能是 task 或 unit，不能是“{by}”")
    if by == "unit" and form != "csv":
        raise UsageError(
            "--by unit is for --csv, which holds one table; the other formats already include the table by unit",
            zh="--by unit 只用于 --csv（一个 CSV 文件只有一张表）；其他格式已包含分单位情况表",
        )
    if by == "unit" and since is not None:
        raise UsageError(
            "--since adds columns to the table of tasks; it does not go with --by unit",
            zh="--since 为任务表增加列，不能与 --by unit 同用",
        )


def plan_label(path: Path | None) -> str:
    from sdpolicy.catalogue import shipped_catalogue

    return str(path) if path is not None else f"the shipped catalogue ({shipped_catalogue()})"


def entry() -> None:
    """The installed command: main(), then out of the process without taking apart what the command
    built. Freeing a million records and a 100,000-task plan object by object took 0.3 s after the
    answer was printed; the system takes the memory back at once. Output is flushed first, and
    nothing else waits for the interpreter's end: every file a command writes is closed by then."""
    global _KEPT
    _KEPT = []
    try:
        main()
    except SystemExit as exc:
        if exc.code is not None and not isinstance(exc.code, int):
            raise
        code = exc.code or 0
    else:
        code = 0
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def main() -> None:
    # A command on a large workspace builds some hundreds of thousands of objects and is gone in
    # seconds. The cyclic collector would walk them again and again to find no cycles (the catalogue,
    # the records and the views form none): 0.3 s of a 2.3 s first status on 100,000 records.
    # Reference counting still frees everything as it goes; peak memory is the same.
    gc.disable()
    _lenient_stdout()
    with _only_the_command_named(sys.argv[1:2]):
        app()


@contextlib.contextmanager
def _only_the_command_named(first: list[str]) -> Iterator[None]:
    """Typer makes the Click parameters of every registered command at each start, a tenth of what
    `list` on the shipped plan costs; a run whose first argument names a command needs only that one.
    Anything else (no command, an option first, a mistyped name that Click should suggest a
    correction for) sees them all. The registrations are put back, so a second run in the same
    process (the tests) sees every command again."""
    commands, groups = app.registered_commands, app.registered_groups
    named = [c for c in commands if c.name == first[0]] if first else []
    # A group added without a name of its own (`units`) carries the name its Typer was made with.
    named_groups = [g for g in groups if g.typer_instance and g.typer_instance.info.name == first[0]] if first else []
    if named or named_groups:
        app.registered_commands, app.registered_groups = named, named_groups
    try:
        yield
    finally:
        app.registered_commands, app.registered_groups = commands, groups


def _lenient_stdout() -> None:
    """Under an encoding that cannot show the lights or Chinese (PYTHONIOENCODING=ascii, a latin-1
    terminal), print what can be shown and a '?' for the rest rather than fail with an internal
    error: the light symbols fall back to their words (render.terminal) and JSON to \\u escapes."""
    from sdpolicy.sanitise import stdout_fits

    if not stdout_fits("●✔○中") and getattr(sys.stdout, "errors", "strict") == "strict":
        sys.stdout.reconfigure(errors="replace")  # type: ignore[union-attr]


# Command families that live in their own modules register themselves on import.
from sdpolicy.commands import units as _units  # noqa: E402,F401  (after everything they import from here)
from sdpolicy.commands import returns as _returns  # noqa: E402,F401
from sdpolicy.commands import trend as _trend  # noqa: E402,F401
from sdpolicy.commands import bulletin as _bulletin  # noqa: E402,F401
