"""Commands of the returns family: `template` (the fill-in workbook out) and `import` (returns in)."""

# As in cli.py: no `from __future__ import annotations`, Typer reads these signatures at each start.
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any, List, Optional

import typer

from sdpolicy.cli import CatalogueOption, DebugOption, HomeOption, LangOption, _open, check_lang, command


@command(
    "template",
    epilog="Examples: sdpolicy template --unit 省经贸委 --period 2006-06 -o 省经贸委-2006-06.xlsx ; "
    "sdpolicy template --csv --lang en -o return.csv ; sdpolicy template --assignments -o 分工.xlsx",
)
def template(
    out: Annotated[str, typer.Option("--output", "-o", help="The file to write (.xlsx, or .csv with --csv).")],
    unit: Annotated[Optional[str], typer.Option("--unit", show_default=False, help="The unit whose return it is: one row per task it leads (default: every task).")] = None,
    period: Annotated[Optional[str], typer.Option("--period", show_default=False, help="The month reported on, YYYY-MM (default: this month).")] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Write CSV (UTF-8 with BOM) instead of a workbook.")] = False,
    assignments: Annotated[bool, typer.Option("--assignments", help="Write the breakdown sheet: every task with its lead and cooperating units and its time nodes.")] = False,
    catalogue: CatalogueOption = None,
    home: HomeOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Write the return a lead unit fills in each month (填报模板), or the breakdown sheet (分工表)."""
    from sdpolicy.errors import UsageError
    from sdpolicy.i18n import t
    from sdpolicy.output import output_path, protected_files, write_bytes, write_text
    from sdpolicy.periods import containing, parse_period
    from sdpolicy.returns import KIND_ASSIGNMENTS, KIND_RETURN
    from sdpolicy.returns import template as made
    from sdpolicy.units import in_effect, load_units, read_assignments

    language = check_lang(lang)
    if assignments and (unit is not None or period is not None):
        raise UsageError("--assignments writes every task's units: give it without --unit and --period",
                         zh="--assignments 输出全部任务的分工，不能与 --unit、--period 同用")
    output = output_path(out)  # the -o rules every report follows, checked before any work
    today = date.today()
    opened = _open(catalogue, home, language)
    reporting = opened.plan.reporting
    chosen = parse_period(reporting, period) if period is not None else containing(reporting, today)
    keep = protected_files([opened.home, opened.plan.path])
    units = load_units(opened.home)
    entries = read_assignments(opened.home)
    if assignments:
        rows = made.assignment_rows(opened.plan, in_effect(entries), language)
        meta = made.metadata(opened.plan, KIND_ASSIGNMENTS, None, None, language, today)
        if as_csv:
            write_text(output, made.render_assignments_csv(rows, meta, language), protect=keep)
        else:
            write_bytes(output, made.render_assignments_workbook(rows, meta, units, language), protect=keep)
        print(t("template_written", language, path=output, rows=len(rows)))
        return
    chosen_unit = units.find(unit, "--unit") if unit is not None else None
    current = in_effect(entries, chosen.end)
    rows = made.return_rows(opened.plan, opened.records, current, units, chosen_unit, chosen, language, today)
    if chosen_unit is not None and not rows:
        raise UsageError(
            f"{chosen_unit.zh} leads no task in {chosen.label}; assign tasks with sdpolicy assign, or write the template for every task without --unit",
            zh=f"{chosen_unit.zh} 在 {chosen.label} 没有牵头任务；请先用 sdpolicy assign 分工，或不带 --unit 生成全部任务的模板",
        )
    meta = made.metadata(opened.plan, KIND_RETURN, chosen_unit, chosen, language, today)
    if as_csv:
        write_text(output, made.render_return_csv(rows, meta, language), protect=keep)
    else:
        write_bytes(output, made.render_return_workbook(rows, meta, chosen_unit, chosen, language), protect=keep)
    print(t("template_written", language, path=output, rows=len(rows)))


@command(
    "import",
    epilog="Examples: sdpolicy import 省经贸委-2006-06.xlsx --dry-run ; sdpolicy import returns/*.xlsx ; sdpolicy import 分工.xlsx",
)
def import_returns(
    files: Annotated[List[Path], typer.Argument(metavar="FILE...", help="Filled returns or breakdown sheets (xlsx or CSV, either language).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and count, but write nothing.")] = False,
    any_unit: Annotated[bool, typer.Option("--any-unit", help="Accept figures for tasks the return's unit does not lead.")] = False,
    unit: Annotated[Optional[str], typer.Option("--unit", show_default=False, help="The reporting unit, for a file that does not say (a hand-made CSV).")] = None,
    period: Annotated[Optional[str], typer.Option("--period", show_default=False, help="The month reported on, YYYY-MM, for a file that does not say.")] = None,
    catalogue: CatalogueOption = None,
    home: HomeOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Check filled returns (or breakdown sheets) and record them all in one write, or nothing."""
    from sdpolicy.errors import DataError
    from sdpolicy.i18n import t
    from sdpolicy.sanitise import message
    from sdpolicy.periods import parse_period
    from sdpolicy.returns import KIND_ASSIGNMENTS
    from sdpolicy.returns.importer import check_tables, classify, classify_assignments, tables_of
    from sdpolicy.store import append_records
    from sdpolicy.units import append_new_assignments, load_units, read_assignments

    language = check_lang(lang)
    opened = _open(catalogue, home, language)
    units = load_units(opened.home)
    chosen_unit = units.find(unit, "--unit") if unit is not None else None
    chosen_period = parse_period(opened.plan.reporting, period) if period is not None else None
    entries = read_assignments(opened.home)
    today = date.today()
    tables, problems = tables_of((path, str(path)) for path in files)
    checked = check_tables(
        opened.plan, tables, units=units, assignments=entries, today=today, any_unit=any_unit,
        unit=chosen_unit, period=chosen_period,
    )
    for warning in checked.warnings:
        sys.stderr.write(f"{t('warning', language)}: {message(warning)}\n")
    problems += checked.problems
    if problems:
        for problem in problems:
            sys.stderr.write(message(problem) + "\n")
        count = len(problems)
        raise DataError(
            t("import_refused", language, count=count, s="s" if count != 1 else ""),
        )
    counts: dict[str, int] = {}
    if tables and tables[0].kind == KIND_ASSIGNMENTS:
        def choose_entries(existing: list[Any]) -> list[Any]:
            # Judged against the log as it is under the lock, as records are against the store: the
            # same sheet imported twice at once sets each lead once.
            found = classify_assignments(checked.assignments, existing, units)
            counts.update(recorded=len(found.new), unchanged=found.unchanged)
            return found.new

        if dry_run:
            choose_entries(entries)  # counted, not written
        else:
            append_new_assignments(opened.home, choose_entries)
    else:
        candidates = [record for record, _ in checked.records]
        if dry_run:
            sorted_out = classify(candidates, opened.records)
            counts = {"recorded": len(sorted_out.new), "unchanged": sorted_out.unchanged}
        else:
            def choose(snapshot: Any) -> list[Any]:
                # Judged again on the store as it is under the lock: a mark made since the check counts.
                found = classify(candidates, snapshot.records())
                counts.update(recorded=len(found.new), unchanged=found.unchanged)
                return found.new

            append_records(opened.home, choose, read=opened.snapshot)
    print(t(
        "import_dry_run" if dry_run else "import_summary", language, recorded=counts["recorded"],
        unchanged=counts["unchanged"], blank=checked.blank, problems=0,
    ))
