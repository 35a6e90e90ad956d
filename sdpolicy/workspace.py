"""A catalogue and the progress store read together, checked against each other."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sdpolicy import store
from sdpolicy.catalogue import Plan, load_catalogue
from sdpolicy.errors import DataError
from sdpolicy.store import Record


@dataclass(frozen=True)
class Workspace:
    plan: Plan
    home: Path
    records: tuple[Record, ...]
    torn_line: int | None  # the line an interrupted write left unfinished, if any

    @property
    def store_path(self) -> Path:
        return store.progress_path(self.home)


def unknown_items(plan: Plan, records: tuple[Record, ...], path: Path) -> list[str]:
    """Records naming a task or indicator the catalogue does not have, as file:line messages."""
    known = {"task": plan.tasks_by_id, "indicator": plan.indicators_by_id}
    return [
        f"{path}:{r.line}: record {r.id} names {r.kind} '{r.item}', which the catalogue {plan.path} does not have"
        for r in records
        if r.item not in known[r.kind]
    ]


def open_workspace(catalogue: Path | None, home: Path) -> Workspace:
    plan = load_catalogue(catalogue)
    contents = store.read_store(home)
    path = store.progress_path(home)
    problems = unknown_items(plan, contents.records, path)
    if problems:
        more = f" (and {len(problems) - 1} more; run sdpolicy check)" if len(problems) > 1 else ""
        raise DataError(f"{problems[0]}{more}", problems=problems)
    return Workspace(plan=plan, home=home, records=contents.records, torn_line=contents.torn_line)
