"""A catalogue and the progress store read together, checked against each other."""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from datetime import date
from itertools import chain, repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, NamedTuple, TypeVar

from sdpolicy import cache, store
from sdpolicy.asof import dated_by
from sdpolicy.catalogue import CatalogueFiles, Plan, plan_beside, read_catalogue
from sdpolicy.errors import DataError
from sdpolicy.store import Record

if TYPE_CHECKING:
    from sdpolicy.progress import TaskLight

T = TypeVar("T")


class Sources(NamedTuple):
    """The files a workspace is made from, read and keyed, nothing built from them yet: enough to
    find a view computed before from the same bytes without loading the plan or reading a record."""

    catalogue: CatalogueFiles
    home: Path
    office: bytes | None  # the assignments log, whose time nodes change lights; None when there is none
    snapshot: store.Snapshot  # not yet examined
    # The one item a command will work on (mark's ID, as typed): open() may then build the plan of
    # that item and the items sharing its figure alone (see _ItemIndex). "" in a workspace whose plan
    # is the index's skeleton (status_view). None: the whole plan.
    about: str | None = None

    @property
    def plan_key(self) -> bytes:
        """The catalogue's key, and the assignments log's bytes when there is one, so that a cached
        view is never one from before the office's time nodes changed."""
        return self.catalogue.key if self.office is None else cache.hasher(self.catalogue.key + self.office).digest()

    def view_entry(self, name: str, *args: Any) -> tuple[str, bytes]:
        """Where a view computed from these files is cached, and the key it is kept under."""
        entry = cache.name(f"view-{name}", str(self.catalogue.path), str(self.home.absolute()), *args)
        return entry, cache.key(name, self.plan_key, self.snapshot.digest, *args)

    def cached_view(self, name: str, *args: Any) -> Any:
        """The view `name` computed before from these very bytes, or None. None too when the store
        ends in an unfinished line: the command then opens the workspace, which warns of it."""
        if not self.snapshot.ends_with_a_whole_line():
            return None
        return cache.read(*self.view_entry(name, *args))

    def open(self) -> Workspace:
        """The workspace: the plan built (or taken from the cache), the store checked, and every item
        it names found in the plan (DataError with the findings of `sdpolicy check` otherwise).

        With `about`, the plan may hold only that item and those sharing its figure (see _ItemIndex):
        enough to record it and word its warnings, a tenth of the time of loading 10,000 tasks.
        """
        narrowed = self._narrowed() if self.about is not None and (self.office is None or b"nodes" not in self.office) else None
        if narrowed is not None:
            plan, index = narrowed
            snapshot = store.examined(self.snapshot)
            # A record of an item the catalogue lacks: the whole plan words the problem, as below.
            known = {"task": index.tasks, "indicator": index.indicators}
            if not _unknown(known, plan.renamed, snapshot.items):
                return Workspace(plan=plan, home=self.home, snapshot=snapshot, plan_key=self.plan_key, sources=self)
        # Built beside the reading of the store where both are large (see plan_beside); a damaged
        # store is reported after the catalogue's and the assignments' problems, as before.
        plan, examined = plan_beside(self.catalogue, self._examined, self.snapshot.size)
        if isinstance(examined, store.Snapshot):
            examined.keep_prefix()
        if self.about is not None and narrowed is None:
            _keep_index(self.catalogue, plan)
        if self.office is not None and b"nodes" in self.office:
            from sdpolicy.trajectory import nodes_in_effect, with_nodes
            from sdpolicy.units import assignments_path, parse_assignments

            plan = with_nodes(plan, nodes_in_effect(parse_assignments(self.office, assignments_path(self.home))))
        if isinstance(examined, DataError):
            raise examined
        snapshot = examined
        known = {"task": plan.tasks_by_id.keys(), "indicator": plan.indicators_by_id.keys()}
        if _unknown(known, plan.renamed, snapshot.items):
            # The same findings, in the same words, as `sdpolicy check` gives.
            from sdpolicy.checking import reference_problems

            problems = reference_problems(plan, snapshot.records(), store.progress_path(self.home))
            more = f" (and {len(problems) - 1} more; run sdpolicy check)" if len(problems) > 1 else ""
            raise DataError(f"{problems[0]}{more}", problems=problems)
        return Workspace(plan=plan, home=self.home, snapshot=snapshot, plan_key=self.plan_key, sources=self._replace(about=None))

    def _examined(self) -> store.Snapshot | DataError:
        try:
            return store.examined(self.snapshot, keep=False)
        except DataError as exc:
            return exc

    def status_view(self, day: date) -> dict[str, Any] | None:
        """What `status` (no area) shows at `day`, made from the kept lights brought up to date with the
        lines appended since, through the item index, without loading the whole plan (and cached as
        the view memo would cache it); None when only the whole plan can make it: no index or kept
        lights for these bytes, a retraction or a hand edit since, an unfinished last line (the
        workspace warns of it), an office with time nodes, or a store naming an item the catalogue lacks."""
        if not self.snapshot.ends_with_a_whole_line() or (self.office is not None and b"nodes" in self.office):
            return None
        index = _read_index(self.catalogue)
        if not isinstance(index, _ItemIndex):
            return None
        snapshot = store.examined(self.snapshot)
        if _unknown({"task": index.tasks, "indicator": index.indicators}, index.skeleton.renamed, snapshot.items):
            return None
        opened = Workspace(plan=index.skeleton, home=self.home, snapshot=snapshot, plan_key=self.plan_key, sources=self._replace(about=""))
        try:
            kept = opened.kept_lights(day, index)
        except _NeedsWhole:
            return None
        from sdpolicy import progress
        from sdpolicy.views import status_view

        summary = progress.summary_of(index.skeleton.areas, kept.areas, kept.lights, kept.completions)
        view = status_view(index.skeleton, summary, [], day, None)
        cache.write(*self.view_entry("status", day, None), view)
        return view

    def _narrowed(self) -> tuple[Plan, _ItemIndex] | None:
        """The plan of `about` and the items sharing its figure, and the index it came from; None
        when the index is not cached or lacks the item, whose message (with its suggestions) needs
        the whole plan."""
        index = _read_index(self.catalogue)
        if not isinstance(index, _ItemIndex) or self.about is None:
            return None
        skeleton = index.skeleton
        text = self.about.strip()
        text = skeleton.renamed.get(text.upper(), skeleton.renamed.get(text.lower(), text))
        # As find_item looks an id up: a task's in upper case, else an indicator's in lower case.
        ids = ("task", text.upper()) if text.upper() in index.tasks else ("indicator", text.lower())
        if ids[1] not in (index.tasks if ids[0] == "task" else index.indicators):
            return None
        group = index.group(*ids)
        if group is None:
            return None
        tasks, indicators = group
        return dataclasses.replace(skeleton, tasks=tasks, indicators=indicators), index


def _unknown(known: dict[str, Any], renamed: Any, named: store.Named) -> bool:
    """Whether the store names (see store.Named) an id that `known` (each kind's ids) lacks, under its
    own id and under the id the catalogue renamed it to."""
    # The distinct items named are few beside the records; only when one is unknown are the records
    # needed, to name each record that names it. A set difference sifts 10,000 of them in well under
    # a millisecond; only what it leaves (a renamed id, or an unknown one) is looked at one by one.
    return any(renamed.get(item, item) not in known[kind] for kind in known for item in getattr(named, kind) - known[kind])


class _ItemIndex(NamedTuple):
    """What `mark` needs of a plan to record one item, cached beside the whole plan: loading 10,000
    tasks to check one took longer than everything else a mark does.

    For each task and indicator, its group, in catalogue order: itself, the indicator a task counts
    from, and the task an indicator shares its figure with (of several tasks counting from it, the
    last: see shared_figures). Every pair of items sharing a figure that shared_figures finds in a
    group it finds in the whole plan, so history and the warnings find for the item exactly what they
    find there. Groups are pickled in buckets, the parts of the index's entry (cache.write_parts),
    and a mark reads and unpickles one bucket.
    """

    skeleton: Plan  # the plan without its tasks and indicators (areas, dates, renames)
    tasks: frozenset[str]
    indicators: frozenset[str]
    buckets: Any = None  # cache.Parts, each a pickle of {(kind, id): (tasks, indicators)}; set once read

    def group(self, kind: str, item: str) -> tuple[tuple[Any, ...], tuple[Any, ...]] | None:
        pickled = self.buckets[_bucket((kind, item), len(self.buckets))]
        return None if pickled is None else cache.loads(pickled).get((kind, item))

    def plan_of(self, items: set[tuple[str, str]], order: tuple[str, ...]) -> Plan:
        """The plan of the groups of `items` together (tasks in catalogue order, as given by `order`,
        every task id); _NeedsWhole when one is not in the index."""
        tasks: dict[str, Any] = {}
        indicators: dict[str, Any] = {}
        for kind, item in items:
            group = self.group(kind, item)
            if group is None:
                raise _NeedsWhole
            tasks.update((task.id, task) for task in group[0])
            indicators.update((indicator.id, indicator) for indicator in group[1])
        ordered = tuple(sorted(tasks.values(), key=lambda task: order.index(task.id)))
        return dataclasses.replace(self.skeleton, tasks=ordered, indicators=tuple(indicators.values()))


class _NeedsWhole(Exception):
    """Raised where only the whole plan and every record can make what is asked."""


class _Lights(NamedTuple):
    """Every task's light at one date, kept without the tasks or the records: in columns, in
    catalogue order. Unpickling 10,000 tasks' three records each took longer than the rest of a
    status after a mark; a task judged again has its records read back from their lines."""

    ids: tuple[str, ...]
    areas: tuple[str, ...]  # each task's area slug
    lights: tuple[str, ...]
    completions: tuple[float, ...]
    # For each task, (byte offset, line number) of the latest record, of the latest with a figure
    # and of the latest with a state (progress.TaskLight), (-1, 0) for none: six numbers a task.
    refs: tuple[int, ...]

    @classmethod
    def of(cls, lights: list[TaskLight], snapshot: store.Snapshot) -> _Lights:
        # In passes made in C: a cold status at province scale keeps 100,000 lights. None (no record)
        # has no line: getattr's default gives it line 0, which no line of a store is, and start -1.
        lines = list(map(getattr, chain.from_iterable(map(_JUDGED_FROM, lights)), repeat("line"), repeat(0)))
        starts = _line_starts(snapshot, set(lines) - {0})
        starts[0] = -1
        tasks = list(map(_TASK, lights))
        return cls(
            tuple(map(_ID, tasks)), tuple(map(_AREA, tasks)), tuple(map(_LIGHT, lights)), tuple(map(_COMPLETION, lights)),
            tuple(chain.from_iterable(zip(map(starts.__getitem__, lines), lines))),
        )

    def advanced(self, plan: Plan, news: dict[str, list[Record]], day: date, snapshot: store.Snapshot) -> _Lights:
        """These lights with the tasks in `news` judged again (progress.advance_light) from their kept
        records and the new ones (records after the part these lights were made from)."""
        from sdpolicy import progress

        lights, completions, refs = list(self.lights), list(self.completions), list(self.refs)
        places = {task_id: self.ids.index(task_id) for task_id in news}
        old = _records_at(snapshot, [(refs[6 * i + 2 * k], refs[6 * i + 2 * k + 1]) for i in places.values() for k in range(3)],
                          plan.renamed)
        added_starts = _line_starts(snapshot, {r.line for added in news.values() for r in added})
        for task_id, place in places.items():
            before = [old.get(refs[6 * place + 2 * k]) for k in range(3)]
            light = progress.advance_light(plan, progress.TaskLight(plan.tasks_by_id[task_id], lights[place], completions[place], *before),
                                           news[task_id], day)
            lights[place], completions[place] = light.light, light.completion
            starts = {r.line: offset for r, offset in zip(before, refs[6 * place : 6 * place + 6 : 2]) if r is not None}
            starts.update(added_starts)
            refs[6 * place : 6 * place + 6] = [
                n for r in (light.latest, light.figure, light.stated) for n in ((starts[r.line], r.line) if r is not None else (-1, 0))
            ]
        return self._replace(lights=tuple(lights), completions=tuple(completions), refs=tuple(refs))


# The fields _Lights.of reads: of a progress.TaskLight (task, light, completion, and the three records
# it was judged from) and of a task.
_TASK, _LIGHT, _COMPLETION, _JUDGED_FROM = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3, 4, 5)
_ID, _AREA = attrgetter("id"), attrgetter("area")


def _named(records: Iterable[Record]) -> set[tuple[str, str]]:
    return {(r.kind, r.item) for r in records}


# The bytes of lines _line_starts splits at a time.
_STRETCH = 1 << 20


def _line_starts(snapshot: store.Snapshot, lines: Iterable[int]) -> dict[int, int]:
    """The byte offset where each of `lines` (line numbers of the snapshot's file) starts."""
    from itertools import accumulate

    wanted = sorted(lines)
    if not wanted:
        return {}
    data = snapshot._data
    # Lines near the end (those appended since a kept entry) are found walking back from it; many
    # lines throughout the file, from the lengths of all its lines (one split, sums in C).
    cut = data.rfind(b"\n") + 1
    # The lines before the checked prefix are counted already.
    prefix = snapshot.prefix
    total = prefix.lines + data.count(b"\n", prefix.size, cut) if prefix is not None and prefix.size <= cut else data.count(b"\n", 0, cut)
    if total - wanted[0] < 64:
        starts: dict[int, int] = {}
        at, line = cut, total + 1
        for number in reversed(wanted):
            while line > number:
                at = data.rfind(b"\n", 0, at - 1) + 1
                line -= 1
            starts[number] = at
        return starts
    # A megabyte of lines at a time: split whole, a store of a million lines became a million
    # bytes objects at once (190 MB beside the records, the peak of a cold status at that size).
    starts, line, at, pending = {}, 1, 0, iter(wanted)
    number = next(pending, None)
    while number is not None and at < cut:
        end = data.find(b"\n", min(at + _STRETCH, cut) - 1) + 1 or cut
        first = line
        chunk = list(accumulate(map((1).__add__, map(len, data[at:end].split(b"\n")[:-1])), initial=at))
        line += len(chunk) - 1
        while number is not None and number < line:
            starts[number] = chunk[number - first]
            number = next(pending, None)
        at = end
    return starts


def _records_at(snapshot: store.Snapshot, refs: Iterable[tuple[int, int]], renamed: Any) -> dict[int, Record]:
    """The records on the lines at these (byte offset, line number) pairs, by offset, renamed ids
    read as today's; (-1, 0) stands for none."""
    data, path = snapshot._data, snapshot.path
    found: dict[int, Record] = {}
    for offset, line in refs:
        if offset < 0 or offset in found:
            continue
        end = data.find(b"\n", offset)
        known = store._Prefix(offset, b"", line - 1, 1, store._Ids(""), frozenset(), "")
        (record,) = store._parse(data[offset : end if end >= 0 else len(data)].decode("utf-8"), path, known).records
        found[offset] = record._replace(item=renamed[record.item]) if record.item in renamed else record
    return found


def _index_entry(catalogue: CatalogueFiles) -> tuple[str, bytes]:
    return cache.name("item-index", str(catalogue.path.absolute())), cache.key("item-index", catalogue.key)


def _bucket(ids: tuple[str, str], count: int) -> int:
    return int.from_bytes(cache.hasher(f"{ids[0]}\0{ids[1]}".encode("utf-8", "surrogatepass")).digest()[:4], "little") % count


def item_groups(plan: Plan) -> dict[tuple[str, str], tuple[tuple[Any, ...], tuple[Any, ...]]]:
    """Every task's and indicator's group (see _ItemIndex): (tasks, indicators) in catalogue order."""
    from sdpolicy.progress import shared_figures

    partners = shared_figures(plan)
    tasks = plan.tasks_by_id
    groups: dict[tuple[str, str], tuple[tuple[Any, ...], tuple[Any, ...]]] = {}
    for indicator in plan.indicators:
        partner = partners.get(("indicator", indicator.id))
        groups[("indicator", indicator.id)] = ((tasks[partner[1]],) if partner else (), (indicator,))
    for task in plan.tasks:
        # A task's indicator counts in its warnings even where the two do not share a figure.
        base = plan.indicators_by_id.get(task.baseline) if task.baseline else None
        indicators = () if base is None else (base,)
        partner = partners.get(("task", task.id))
        # The task the indicator's figures go to (the last of those sharing it) comes after this one.
        last = tasks[partners[partner][1]] if partner else task
        groups[("task", task.id)] = ((task,) if last is task else (task, last), indicators)
    return groups


def _keep_index(catalogue: CatalogueFiles, plan: Plan) -> None:
    """Cache the item index of `plan` (see _ItemIndex)."""
    import pickle

    groups = item_groups(plan)
    count = max(1, len(groups) // 64)
    buckets: list[dict[tuple[str, str], Any]] = [{} for _ in range(count)]
    for ids, group in groups.items():
        buckets[_bucket(ids, count)][ids] = group
    skeleton = dataclasses.replace(plan, tasks=(), indicators=())
    pickled = [pickle.dumps(bucket, protocol=pickle.HIGHEST_PROTOCOL) for bucket in buckets]
    cache.write_parts(*_index_entry(catalogue), _ItemIndex(skeleton, frozenset(plan.tasks_by_id), frozenset(plan.indicators_by_id)), pickled)


def _read_index(catalogue: CatalogueFiles) -> _ItemIndex | None:
    found = cache.read_parts(*_index_entry(catalogue))
    if found is None or not isinstance(found[0], _ItemIndex) or not found[1]:
        return None
    return found[0]._replace(buckets=found[1])


def read_sources(catalogue: Path | None, home: Path) -> Sources:
    from sdpolicy.units import assignments_path

    try:
        office: bytes | None = assignments_path(home).read_bytes()
    except FileNotFoundError:
        office = None
    except OSError as exc:
        # The lights of tasks with nodes depend on it: judging them without it would mislead.
        from sdpolicy.errors import MissingInputError

        raise MissingInputError(f"assignments log {assignments_path(home)} cannot be read: {exc.strerror or exc}") from None
    return Sources(read_catalogue(catalogue), home, office, store.unexamined_snapshot(home))


@contextmanager
def marking(catalogue: Path | None, home: Path, item: str) -> Iterator[Sources]:
    """The sources of a mark of `item`, read under the workspace's lock, held until the block ends.

    The record is checked against the store as read here and appended before anyone else may write,
    so the write need not read the store again (append_record's read_held). A home without a store
    is not locked before the write: a mark refused for a typing slip then leaves no lock file behind.
    """
    if not store.progress_path(home).exists():
        yield read_sources(catalogue, home)._replace(about=item)
        return
    with store.workspace_lock(home):
        yield read_sources(catalogue, home)._replace(about=item)


def open_workspace(catalogue: Path | None, home: Path) -> Workspace:
    return read_sources(catalogue, home).open()


class Workspace(NamedTuple):
    plan: Plan
    home: Path
    snapshot: store.Snapshot
    plan_key: bytes  # a digest of the catalogue's files and the code that read them
    sources: Sources

    @property
    def records(self) -> tuple[Record, ...]:
        """Every record of the store in file order, built on first use: many commands never need them.

        A record naming an id the catalogue has renamed reads as naming the id that stands for it now.
        """
        records = self.snapshot.records()
        renamed = self.plan.renamed
        if renamed and any(not renamed.keys().isdisjoint(named) for named in self.snapshot.items):
            return tuple(r._replace(item=renamed[r.item]) if r.item in renamed else r for r in records)
        return records

    @property
    def torn_line(self) -> int | None:
        """The line an interrupted write left unfinished, if any."""
        return self.snapshot.torn_line

    @property
    def store_path(self) -> Path:
        return store.progress_path(self.home)

    def memo(self, name: str, compute: Callable[[], T], *args: Any) -> T:
        """compute(), or what it gave before for the same catalogue bytes, store bytes, code and args.

        `compute` must be a function of the plan, the records and `args` alone, and what it returns
        must pickle. On a large store this turns a command run again on unchanged files from a parse
        and a pass over every record into reading one small file.
        """
        self._whole()
        entry, key = self.sources.view_entry(name, *args)
        found = cache.read(entry, key)
        if found is not None:
            return found
        value = compute()
        cache.write(entry, key, value)
        return value

    def records_about(self, kind: str, item: str) -> tuple[Record, ...]:
        """The records of one item and of the item it shares its figure with, and the retractions
        bearing on them, in log order: all that the item's history needs, without building the whole log."""
        from sdpolicy.progress import shared_figures

        partner = shared_figures(self.plan).get((kind, item))
        return self.records_of({item} | ({partner[1]} if partner else set()))

    def records_of(self, items: set[str]) -> tuple[Record, ...]:
        """The records naming any of `items` (under its own id or one the catalogue renamed to it), and
        the retractions bearing on them, in log order, renamed ids read as the ids standing for them now."""
        renamed = self.plan.renamed
        wanted = items | {old for old, new in renamed.items() if new in items}
        found = self.snapshot.records_naming(wanted)
        return tuple(r._replace(item=renamed[r.item]) if r.item in renamed else r for r in found)

    def appended_since(self, size: int, digest: bytes, lines: int) -> tuple[Record, ...] | None:
        """The records after the first `size` bytes, renamed ids read as today's; None when the store no
        longer begins with those bytes or when a retraction is among them (it may change any record
        before it, so only the whole log can say what follows from it)."""
        appended = self.snapshot.records_after(size, digest, lines)
        if appended is None or any(r.retracts is not None for r in appended):
            return None
        renamed = self.plan.renamed
        return tuple(r._replace(item=renamed[r.item]) if r.item in renamed else r for r in appended)

    def task_rows(self, day: date) -> list[dict[str, Any]]:
        """Every task's row at `day` as `list --json` gives it, in catalogue order (see _kept_rows)."""
        return self._kept_rows("task", day)

    def indicator_rows(self, day: date) -> list[dict[str, Any]]:
        """Every indicator beside its latest figure at `day` as `compare --json` gives it, in catalogue order."""
        return self._kept_rows("indicator", day)

    def report_parts(self, day: date) -> list[tuple[str, list[dict[str, Any]], list[float]]]:
        """For every task, in catalogue order, what a report adds to its row: its standing in the
        bulletin (bulletin.standing) and its trend, the points and completions at report_dates."""
        return self._kept_rows("report", day)

    def _kept_rows(self, kind: str, day: date) -> list[Any]:
        """The rows of every task or indicator, kept in the cache with the part of the store they were
        made from (see _kept): after records are appended, only the rows of the items they name (and
        of the items sharing a figure with those) are made again, from those items' own lines. A row
        depends on its item's history alone, so the others stay true."""
        items = self.plan.indicators if kind == "indicator" else self.plan.tasks
        kind_of_item = "indicator" if kind == "indicator" else "task"

        def advance(rows: tuple[Any, ...], appended: tuple[Record, ...]) -> tuple[Any, ...]:
            # Imported here: rows shown again unchanged need none of the arithmetic.
            from sdpolicy import progress

            changed = set(progress.touched(self.plan, appended, day)[kind_of_item])
            if not changed:
                return rows
            named = self.records_of(progress.with_partners(self.plan, kind_of_item, changed))
            made = _make_rows(self.plan, kind, named, day, changed)
            return tuple(made.get(item.id, row) for item, row in zip(items, rows))

        def whole() -> tuple[Any, ...]:
            return tuple(_make_rows(self.plan, kind, self.records, day, None).values())

        rows = self._kept(f"{kind}-rows", day, lambda rows: len(rows) == len(items), whole, advance)
        return list(rows)

    def task_lights(self, day: date) -> list[TaskLight]:
        """Every task's light at `day`, in catalogue order, with the records it was judged from: the
        kept lights (see kept_lights) with those records read back from their lines."""
        from sdpolicy import progress

        kept = self.kept_lights(day)
        found = _records_at(self.snapshot, zip(kept.refs[::2], kept.refs[1::2]), self.plan.renamed)
        refs = [found.get(offset) for offset in kept.refs[::2]]
        return [
            progress.TaskLight(task, light, completion, *refs[3 * n : 3 * n + 3])
            for n, (task, light, completion) in enumerate(zip(self.plan.tasks, kept.lights, kept.completions))
        ]

    def lights_summary(self, day: date) -> Any:
        """progress.area_summary of every task's light at `day`, from the kept lights."""
        from sdpolicy import progress

        kept = self.kept_lights(day)
        return progress.summary_of(self.plan.areas, kept.areas, kept.lights, kept.completions)

    def kept_lights(self, day: date, index: _ItemIndex | None = None) -> _Lights:
        """Every task's light at `day`, judged from the whole log or brought up to date from the lines
        appended since (see _kept): only the tasks they name are judged again, from the three records
        each light was judged from (read back from their lines) and the new ones.

        With `index` (a workspace whose plan is the skeleton of _ItemIndex), the tasks to judge again
        come from the index, and what only the whole plan can make raises _NeedsWhole."""
        from sdpolicy import progress

        plan = self.plan
        count = len(plan.tasks) if index is None else len(index.tasks)

        def whole() -> _Lights:
            if index is not None:
                raise _NeedsWhole
            lights = progress.plan_lights(plan, self.records, day)
            return _Lights.of(lights, self.snapshot)

        def advance(kept: _Lights, appended: tuple[Record, ...]) -> _Lights:
            judged = plan if index is None else index.plan_of(_named(appended), kept.ids)
            news = progress.touched(judged, appended, day)["task"]
            return kept.advanced(judged, news, day, self.snapshot) if news else kept

        return self._kept("lights", day, lambda kept: isinstance(kept, _Lights) and len(kept.ids) == count, whole, advance,
                          narrowed=index is not None)

    def last_reports(self, day: date) -> dict[str, date]:
        """The latest date of a record in effect, up to `day`, for each name given as its `by`."""
        from sdpolicy.progress import effective

        def fold(last: dict[str, date], records: Iterable[Record]) -> dict[str, date]:
            for record in dated_by(records, day):
                if record.by and (record.by not in last or record.date > last[record.by]):
                    last[record.by] = record.date
            return last

        def advance(kept: dict[str, date], appended: tuple[Record, ...]) -> dict[str, date]:
            # Nothing appended retracts (see _kept), so a later report can only move a date on.
            return fold(dict(kept), appended)

        return self._kept("last-reports", day, lambda kept: isinstance(kept, dict), lambda: fold({}, effective(self.records)), advance)

    def log_rows(self, day: date) -> list[dict[str, Any]]:
        """Every record dated by `day`, newest first, with what retracts or replaces it: views.log_rows
        of the whole store, kept in the cache with the part of the store it was made from (see _kept).
        After records are appended, only the rows of the items they name, and of every item linked to
        those by a shared figure (a figure for one may replace a figure for another), are made again
        from those items' own lines and put in their places in the log."""
        from sdpolicy import progress, views

        def placed(records: tuple[Record, ...]) -> list[tuple[Any, tuple[str, str], dict[str, Any]]]:
            standing, replaced = progress.retracted_by(records), progress.superseded_by(records, self.plan)
            return [(progress.log_place(r), (r.kind, r.item), views.log_row(r, standing, replaced)) for r in dated_by(records, day)]

        def advance(kept: tuple[Any, ...], appended: tuple[Record, ...]) -> tuple[Any, ...]:
            linked = _linked_by_figures(self.plan, {(r.kind, r.item) for r in appended})
            fresh = placed(self.records_of({item for _, item in linked}))
            return _newest_first([entry for entry in kept if entry[1] not in linked] + fresh)

        kept = self._kept("log", day, lambda kept: isinstance(kept, tuple), lambda: _newest_first(placed(self.records)), advance)
        return [row for _, _, row in kept]

    def _kept(
        self, name: str, day: date, fits: Callable[[Any], bool], whole: Callable[[], Any], advance: Callable[[Any, tuple[Record, ...]], Any],
        narrowed: bool = False,
    ) -> Any:
        """What `whole()` makes from every record, kept in the cache with the part of the store it was
        made from. While the store still begins with those bytes and what follows retracts nothing,
        `advance(kept, appended)` brings it up to date from the records appended since; anything else
        (a retraction, a hand edit before the end, another catalogue or code) makes it again whole.
        `narrowed`: this workspace's plan is not the whole plan, and `advance` knows it."""
        if not narrowed:
            self._whole()
        entry = cache.name(name, self.plan.path, str(self.home.absolute()), day)
        key = cache.key(name, self.plan_key, day)
        found = cache.read(entry, key)
        if isinstance(found, tuple) and len(found) == 4 and fits(found[3]):
            size, digest, lines, kept = found
            appended = self.appended_since(size, digest, lines)
            if appended is not None:
                if not appended:
                    return kept
                kept = advance(kept, appended)
                # Kept again once enough lines follow it that bringing them in each time would show.
                if len(appended) > _RELIGHT:
                    self._keep(entry, key, kept)
                return kept
        made = whole()
        self._keep(entry, key, made)
        return made

    def _whole(self) -> None:
        """Refuse to cache, under the whole catalogue's key, what was made from the plan of one item."""
        if self.sources.about is not None:
            raise RuntimeError("a workspace opened for one item makes nothing about the whole plan")

    def _keep(self, entry: str, key: bytes, kept: Any) -> None:
        """Cache what was made from the store's complete lines, with the part of the store it covers."""
        size, lines = self.snapshot.complete_lines()
        cache.write(entry, key, (size, self.snapshot.digest_of(size), lines, kept))
        self.snapshot.note_covered(size)


def _newest_first(entries: list[tuple[Any, tuple[str, str], dict[str, Any]]]) -> tuple[Any, ...]:
    # Stable: rows of one place (a hand-made store may repeat a line number) keep their order.
    return tuple(sorted(entries, key=lambda entry: entry[0], reverse=True))


def _linked_by_figures(plan: Plan, items: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """`items` (kind, id) and every item joined to one of them through shared figures, both ways and
    at any distance: more than any one replacement can reach, and so enough."""
    from sdpolicy.progress import shared_figures

    links: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for one, other in shared_figures(plan).items():
        links.setdefault(one, set()).add(other)
        links.setdefault(other, set()).add(one)
    found, pending = set(items), list(items)
    while pending:
        for near in links.get(pending.pop(), set()) - found:
            found.add(near)
            pending.append(near)
    return found


def _make_rows(plan: Plan, kind: str, records: tuple[Record, ...], day: date, only: set[str] | None) -> dict[str, Any]:
    """The rows of every task or indicator (or of those in `only`) made from `records`, by id."""
    from sdpolicy import progress, views

    if kind == "indicator":
        return {c.indicator.id: views.comparison_json(c) for c in progress.compare_baselines(plan, records, day, only)}
    tasks = plan.tasks if only is None else [t for t in plan.tasks if t.id in only]
    if kind == "task":
        return {p.task.id: views.task_row(plan, p) for p in progress.plan_progress(plan, records, day, tasks)}
    return views.report_parts(plan, records, day, tasks)


# Appended records judged again by every run before the kept lights are brought up to date on disk.
_RELIGHT = 200
