"""`sdpolicy check`: the catalogue and the progress store verified together.

Every problem found is reported, each as `file:line:col: message`, rather than stopping at the
first: a user repairing a store by hand wants the whole list. Problems are kept apart from warnings
(an unfinished last line, lines set aside earlier), which lose nothing and need no repair.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sdpolicy import store
from sdpolicy.catalogue import Plan, load_catalogue, suggest_en
from sdpolicy.errors import DataError, MissingInputError
from sdpolicy.sanitise import first_hidden, is_format
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
        problems, warnings = record_findings(result.plan, contents.records, path)
        result.problems.extend(problems)
        result.warnings.extend(warnings)
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


# A figure as mark writes it: plain decimal digits, perhaps a fraction and an exponent.
_PLAIN_VALUE = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_ID = re.compile(r"r-[0-9a-z]{10}")
_TOKEN_END = re.compile(r"\s*[,}]")


def record_findings(plan: Plan, records: tuple[Record, ...], path: Path) -> tuple[list[str], list[str]]:
    """What `mark` would have refused in records written by hand or by another program.

    A problem where a record cannot be used as it stands (an id holding control characters, which
    no command line can name); a warning where a hand edit is plausible and the record is still
    shown (a date before the plan, a figure beyond what mark accepts, a time in another zone, a
    record retracted twice). Each as file:line:col, in file order.
    """
    from sdpolicy.progress import MAX_NOTE, MAX_VALUE

    problems: list[tuple[int, int, str]] = []
    warnings: list[tuple[int, int, str]] = []
    text: list[str] | None = None

    def line_of(record: Record) -> str:
        nonlocal text
        if text is None:
            text = path.read_bytes().decode("utf-8", errors="replace").split("\n")
        return text[record.line - 1].rstrip("\r") if 0 < record.line <= len(text) else ""

    def place(record: Record, key: str | None) -> tuple[int, int]:
        value_column, keys = store.line_columns(line_of(record))
        return record.line, keys.get(key, value_column) if key else 1

    def token(record: Record, key: str) -> str:
        """The value of `key` as the line spells it."""
        line = line_of(record)
        _, keys = store.line_columns(line)
        if key not in keys:
            return ""
        start = line.index("=", keys[key] - 1) + 1
        rest = line[start:].lstrip()
        end = _TOKEN_END.search(rest)
        return rest[: end.start()] if end else rest

    retracted: dict[str, Record] = {}
    for record in records:
        what = f"record '{record.id}'"
        hidden = first_hidden(record.id)
        if hidden is not None:
            kind = "an invisible format character" if is_format(hidden) else "a control character"
            problems.append((record.line, 1, f"{what}: its id holds {kind}, which no command line can name; "
                             "give it an id such as sdpolicy writes (r- and 10 letters or digits)"))
        elif not _ID.fullmatch(record.id):
            warnings.append((record.line, 1, f"{what}: its id is not of the form sdpolicy writes (r- and 10 "
                             "lowercase letters or digits); it works, but check it was meant"))
        for name in ("note", "by"):
            value = getattr(record, name)
            if "\x00" in value:
                warnings.append((*place(record, name), f"{what}: field '{name}' holds a NUL character, which "
                                 "no command line can give; it is shown as \\x00"))
            if len(value) > MAX_NOTE:
                warnings.append((*place(record, name), f"{what}: field '{name}' is {len(value)} characters; "
                                 f"mark accepts up to {MAX_NOTE}"))
        if record.date > record.recorded_at.date() + timedelta(days=1):
            warnings.append((*place(record, "date"), f"{what}: date {record.date} is after the day it was "
                             f"recorded ({record.recorded_at.date()}); mark refuses a date in the future"))
        stamp = token(record, "recorded_at")
        if stamp and not stamp.endswith(("Z", "z")):
            warnings.append((*place(record, "recorded_at"), f"{what}: recorded_at {stamp} is not in UTC; mark "
                             "writes UTC times ending in Z (it is read as the same moment)"))
        if record.retracts is not None:
            first = retracted.get(record.retracts)
            if first is not None:
                warnings.append((*place(record, "retracts"), f"{what} retracts '{record.retracts}', which "
                                 f"record '{first.id}' on line {first.line} already retracted; one of the two "
                                 "retractions is enough (two undos at once, or a merge, can leave both)"))
            else:
                retracted[record.retracts] = record
            continue
        item = (plan.tasks_by_id if record.kind == "task" else plan.indicators_by_id).get(record.item)
        if item is None:
            continue  # reference_problems names it
        start = plan.start if record.kind == "task" else item.as_of
        if record.date < start:
            begins = "the plan began on" if record.kind == "task" else "its 2005 figure, as of"
            warnings.append((*place(record, "date"), f"{what}: date {record.date} is before {begins} {start}; "
                             "mark refuses such a date"))
        if record.value is not None:
            spelt = token(record, "value")
            if spelt and not _PLAIN_VALUE.fullmatch(spelt.replace("+", "", 1) if spelt.startswith("+") else spelt):
                warnings.append((*place(record, "value"), f"{what}: value is written {spelt}; mark writes plain "
                                 f"decimal numbers (it is read as {record.value:g})"))
            if record.value > MAX_VALUE:
                warnings.append((*place(record, "value"), f"{what}: value {record.value:g} is above the "
                                 f"largest mark accepts ({MAX_VALUE:g})"))
            percent = item.target.kind == "percent" if record.kind == "task" else item.unit_zh == "%"
            if percent and record.value > 100:
                warnings.append((*place(record, "value"), f"{what}: value {record.value:g} is above 100%"))

    def lines(found: list[tuple[int, int, str]]) -> list[str]:
        return [f"{path}:{line}:{column}: {message}" for line, column, message in sorted(found, key=lambda f: f[:2])]

    return lines(problems), lines(warnings)
