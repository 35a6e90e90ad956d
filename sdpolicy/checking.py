"""`sdpolicy check`: the catalogue and the progress store verified together.

Every problem found is reported, each as `file:line:col: message`, rather than stopping at the
first: a user repairing a store by hand wants the whole list. Problems are kept apart from warnings
(an unfinished last line, lines set aside earlier), which lose nothing and need no repair.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sdpolicy import store
from sdpolicy.catalogue import Plan, load_catalogue, suggest_en
from sdpolicy.errors import DataError, MissingInputError
from sdpolicy.store import Record, StoreContents


@dataclass
class CheckResult:
    catalogue: Path | None  # as given; None for the shipped catalogue
    store_path: Path
    plan: Plan | None = None
    contents: StoreContents | None = None
    problems: list[str] = field(default_factory=list)  # damage: each one needs a repair
    missing: list[str] = field(default_factory=list)  # files that do not exist or cannot be read
    warnings: list[str] = field(default_factory=list)  # worth knowing, nothing to repair

    @property
    def ok(self) -> bool:
        return not self.problems and not self.missing


def check_workspace(catalogue: Path | None, home: Path) -> CheckResult:
    """Load the catalogue and the store, and check every record against the catalogue and the log."""
    path = store.progress_path(home)
    result = CheckResult(catalogue=catalogue, store_path=path)
    try:
        result.plan = load_catalogue(catalogue)
    except DataError as exc:
        result.problems.extend(exc.problems or [exc.message])
    except MissingInputError as exc:
        result.missing.append(exc.message)
    try:
        result.contents = store.read_store(home)
    except DataError as exc:
        result.problems.extend(exc.problems or [exc.message])
    except MissingInputError as exc:
        result.missing.append(exc.message)
    from sdpolicy.units import check_office

    found, warned = check_office(home, result.plan.tasks_by_id if result.plan is not None else None)
    result.problems.extend(found)
    result.warnings.extend(warned)
    contents = result.contents
    if contents is None:
        return result
    if result.plan is not None and contents.records:
        result.problems.extend(reference_problems(result.plan, contents.records, path))
    if contents.torn_line is not None:
        result.warnings.append(
            f"{path}:{contents.torn_line}:1: the last line is unfinished, left by a write that was interrupted; "
            "it was never reported as recorded, so it is not a record and nothing is lost. The next write moves "
            f"it to {store.torn_path(home)}"
        )
    torn = store.torn_path(home)
    if torn.is_file():
        try:
            count = torn.read_bytes().count(b"\n")
        except OSError:
            count = 0
        lines = f"{count} unfinished line{'s' if count != 1 else ''}" if count else "unfinished lines"
        result.warnings.append(
            f"{torn}: holds {lines} set aside from interrupted writes; none was a record. "
            "Look at them and delete the file when done"
        )
    return result


def reference_problems(plan: Plan, records: tuple[Record, ...], path: Path) -> list[str]:
    """Records naming an unknown task or indicator, and retractions of no earlier record, in file order."""
    known = {"task": plan.tasks_by_id, "indicator": plan.indicators_by_id}
    lines: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        lines[record.id].append(record)
    text: list[str] | None = None
    found: list[tuple[int, int, str]] = []

    def where(record: Record, key: str) -> tuple[int, int]:
        nonlocal text
        if text is None:
            # Only read again when there is something to place: a valid store never pays for it.
            text = path.read_bytes().decode("utf-8", errors="replace").split("\n")
        line = text[record.line - 1] if 0 < record.line <= len(text) else ""
        value_column, keys = store.line_columns(line.rstrip("\r"))
        return record.line, keys.get(key, value_column)

    for index, record in enumerate(records):
        if plan.current_id(record.item) not in known[record.kind]:
            line, column = where(record, record.kind)
            hint = suggest_en(record.item, list(known[record.kind]))
            found.append((line, column, (
                f"record '{record.id}' names {record.kind} '{record.item}', which the catalogue "
                f"{plan.path} does not have{hint}"
            )))
        if record.retracts is None:
            continue
        targets = lines.get(record.retracts, [])
        earlier = [t for t in targets if t.line < record.line]
        if not targets:
            line, column = where(record, "retracts")
            hint = suggest_en(record.retracts, [r.id for r in records if r.line < record.line])
            found.append((line, column, (
                f"record '{record.id}' retracts '{record.retracts}', but the store has no record with that id{hint}"
            )))
        elif not earlier:
            line, column = where(record, "retracts")
            target = targets[0]
            place = "itself" if target.line == record.line else f"record '{target.id}' on line {target.line}, which comes after it"
            found.append((line, column, (
                f"record '{record.id}' retracts {place}; a retraction must come after the record it retracts"
            )))
        else:
            target = earlier[-1]
            if (target.kind, plan.current_id(target.item)) != (record.kind, plan.current_id(record.item)):
                line, column = where(record, record.kind)
                found.append((line, column, (
                    f"record '{record.id}' retracts '{target.id}' (line {target.line}), which is about "
                    f"{target.kind} '{target.item}', but names {record.kind} '{record.item}'; a retraction "
                    "names the same task or indicator as the record it retracts"
                )))
    return [f"{path}:{line}:{column}: {message}" for line, column, message in sorted(found, key=lambda f: f[:2])]
