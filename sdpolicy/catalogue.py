"""The catalogue: a work plan's areas, tasks and the baseline indicators they start from.

Loading validates everything at once and reports every problem, each naming its file and line, so
that a person fixing a hand-written catalogue sees the whole list in one run. The result is frozen
data; nothing here knows about the command line or the terminal.
"""

from __future__ import annotations

import contextlib
import difflib
import math
import os
import pickle
import re
import signal
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping, NamedTuple, TypeVar

from sdpolicy import cache, tomlfile
from sdpolicy.errors import DataError, MissingInputError, UsageError
from sdpolicy.sanitise import first_hidden, is_format, message as escaped

T = TypeVar("T")

SCHEMA_VERSION = 1
TARGET_KINDS = ("count", "range", "percent", "milestone", "qualitative")
NUMERIC_KINDS = ("count", "range", "percent")
DIRECTIONS = ("increase", "decrease")
MILESTONE_EVENTS = ("document", "meeting", "system", "event", "report")
QUALIFIERS = ("over", "nearly", "about", "forecast")
# The roles the plan's own words give the units it names. It names no lead unit (牵头单位): the
# office assigns those, outside the catalogue.
UNIT_ROLES = ("co-organiser", "platform", "object", "pilot", "locality", "all-localities-departments")
# The plan's words that soften a task: the target is what it strives for, not what it promises.
HEDGES = ("力争", "争取", "逐步", "初步", "适时")
MAX_QUOTE = 60
_TASK_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")
_INDICATOR_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_SLUG = _INDICATOR_ID


# The value types are named tuples: immutable, compared and hashed by value like frozen dataclasses,
# but Python builds such a class in a sixth of the time (every command defines them at start) and
# their instances in a third (a large catalogue and store hold hundreds of thousands).


class Source(NamedTuple):
    document: str
    section: str
    quote: str


class Target(NamedTuple):
    kind: str
    value: float | None = None
    min: float | None = None
    max: float | None = None
    unit_zh: str = ""
    unit_en: str = ""
    direction: str = "increase"
    event: str | None = None

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    @property
    def goal(self) -> float | None:
        """The figure that counts as met: a range is met at its lower bound."""
        return self.min if self.kind == "range" else self.value


class NamedUnit(NamedTuple):
    """A unit the plan itself names in a task, with the part the text gives it (one of UNIT_ROLES)."""

    name_zh: str
    name_en: str
    role: str
    quote: str


class Node(NamedTuple):
    """A time node (时间节点): a dated step of a milestone or qualitative task (see trajectory.py)."""

    date: date
    zh: str
    en: str = ""
    share: float | None = None  # percent of the work done once this node is reached


class Part(NamedTuple):
    """A counted part of a task's deliverable that is not a deliverable itself (the 9 service systems
    a platform rests on): shown with the task, not tracked apart."""

    value: float
    unit_zh: str
    unit_en: str
    quote: str


class Task(NamedTuple):
    id: str
    area: str
    title_zh: str
    title_en: str
    start: date
    deadline: date
    target: Target
    source: Source
    baseline: str | None = None
    links: tuple[str, ...] = ()
    note_zh: str | None = None
    note_en: str | None = None
    units: tuple[NamedUnit, ...] = ()
    hedge: str | None = None
    nodes: tuple[Node, ...] = ()  # from the catalogue or the office's assignments, in date order
    parts: tuple[Part, ...] = ()
    # Further phrases of the plan this task covers (a clause folded into it), each quoted verbatim.
    covers: tuple[str, ...] = ()


class Indicator(NamedTuple):
    id: str
    area: str
    name_zh: str
    name_en: str
    as_of: date
    source: Source
    value: float | None = None
    unit_zh: str = ""
    unit_en: str = ""
    qualifier: str | None = None
    as_of_label_zh: str | None = None
    as_of_label_en: str | None = None
    state_zh: str | None = None
    state_en: str | None = None
    note_zh: str | None = None
    note_en: str | None = None


class Area(NamedTuple):
    slug: str
    name_zh: str
    name_en: str
    section: str


class Document(NamedTuple):
    id: str
    title_zh: str
    title_en: str
    date: date
    file: str | None = None
    # A document whose text gives no exact date stands at an approximate one, and says why.
    date_approximate: bool = False
    date_note_zh: str | None = None
    date_note_en: str | None = None


class Lights(NamedTuple):
    yellow_behind: float
    red_behind: float


CADENCES = ("monthly", "quarterly", "yearly")


class Reporting(NamedTuple):
    """When units report: an office's setting, not something the 2006 plan says (see the README)."""

    cadence: str = "monthly"  # one of CADENCES
    due_day: int | None = None  # the day of the period's last month a report is due; None: its last day
    red_after: int = 2  # this many periods in a row without a report turn a task red


@dataclass(frozen=True)
class Plan:
    id: str
    name_zh: str
    name_en: str
    issuer_zh: str
    issuer_en: str
    year: int
    start: date
    end: date
    lights: Lights
    documents: tuple[Document, ...]
    areas: tuple[Area, ...]
    tasks: tuple[Task, ...]
    indicators: tuple[Indicator, ...]
    path: str = ""
    reporting: Reporting = Reporting()
    # Ids the catalogue once had, each with the id that now stands for it (a merged or renumbered
    # task), so that records written under the old id still read.
    renames: tuple[tuple[str, str], ...] = ()
    tasks_by_id: Mapping[str, Task] = field(init=False, repr=False, compare=False)
    indicators_by_id: Mapping[str, Indicator] = field(init=False, repr=False, compare=False)
    areas_by_slug: Mapping[str, Area] = field(init=False, repr=False, compare=False)
    renamed: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...], tuple[tuple[Any, ...], ...]]:
        # The mappings are views that pickle cannot hold; they are rebuilt from the tuples. The tasks go
        # apart, as plain tuples (__setstate__ makes them tasks again): pickle calls a named tuple's
        # __getnewargs__, in Python, for each one, a quarter of the time of pickling 100,000 tasks.
        values = tuple(() if f.name == "tasks" else getattr(self, f.name) for f in fields(self) if f.init)
        return Plan, values, tuple(map(tuple, self.tasks))

    def __setstate__(self, rows: tuple[tuple[Any, ...], ...]) -> None:
        tasks = tuple(map(Task._make, rows))
        object.__setattr__(self, "tasks", tasks)
        object.__setattr__(self, "tasks_by_id", MappingProxyType({t.id: t for t in tasks}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "tasks_by_id", MappingProxyType({t.id: t for t in self.tasks}))
        object.__setattr__(self, "indicators_by_id", MappingProxyType({i.id: i for i in self.indicators}))
        object.__setattr__(self, "areas_by_slug", MappingProxyType({a.slug: a for a in self.areas}))
        object.__setattr__(self, "renamed", MappingProxyType(dict(self.renames)))

    def current_id(self, item: str) -> str:
        """The id an item has now: itself, or what a renamed id became."""
        return self.renamed.get(item, item)

    def tasks_in(self, area: str) -> tuple[Task, ...]:
        return tuple(t for t in self.tasks if t.area == area)

    def tasks_linking(self, indicator_id: str) -> tuple[Task, ...]:
        return tuple(t for t in self.tasks if t.baseline == indicator_id or indicator_id in t.links)


# ---------------------------------------------------------------------------------------------
# Finding things by what a user types


def _plain_numbers(text: str) -> str:
    # IND-1, IND4, ind-001 and IND-01 name one task: numbers compare by value, letters without case,
    # and a dash or space left out or put in changes nothing.
    letters_and_digits = re.sub(r"[\s_.-]+", "", text.strip().upper())
    return re.sub(r"[0-9]+", lambda found: str(int(found.group())), letters_and_digits)


def closest(word: str, choices: list[str]) -> list[str]:
    """Up to three choices close to `word`, the closest first, ignoring case; a choice that differs only
    in leading zeros (IND-1 for IND-01) comes first of all."""
    by_upper = {c.upper(): c for c in choices}
    close = [by_upper[c] for c in difflib.get_close_matches(word.strip().upper(), list(by_upper), n=3, cutoff=0.6)]
    same = [c for c in choices if _plain_numbers(c) == _plain_numbers(word)]
    return list(dict.fromkeys(same + close))[:3]


def suggest_en(word: str, choices: list[str]) -> str:
    """'; did you mean A, B or C?', or '' when nothing is close."""
    close = closest(word, choices)
    return f"; did you mean {_or_list(close)}?" if close else ""


def suggest_zh(close: list[str]) -> str:
    if not close:
        return ""
    listed = close[0] if len(close) == 1 else f"{'、'.join(close[:-1])} 或 {close[-1]}"
    return f"；是否要找 {listed}？"


def find_task(plan: Plan, text: str) -> Task:
    task = plan.tasks_by_id.get(plan.current_id(text.strip().upper()))
    if task is None:
        close = closest(text, list(plan.tasks_by_id))
        raise UsageError(
            f"unknown task '{text}'{suggest_en(text, list(plan.tasks_by_id))}", zh=f"没有任务“{text}”{suggest_zh(close)}"
        )
    return task


def find_indicator(plan: Plan, text: str) -> Indicator:
    indicator = plan.indicators_by_id.get(plan.current_id(text.strip().lower()))
    if indicator is None:
        close = closest(text, list(plan.indicators_by_id))
        raise UsageError(
            f"unknown indicator '{text}'{suggest_en(text, list(plan.indicators_by_id))}",
            zh=f"没有指标“{text}”{suggest_zh(close)}",
        )
    return indicator


def find_item(plan: Plan, text: str) -> Task | Indicator:
    """A task or, failing that, an indicator: `mark` records progress on either."""
    key = text.strip()
    key = plan.renamed.get(key.upper(), plan.renamed.get(key.lower(), key))
    if key.upper() in plan.tasks_by_id:
        return plan.tasks_by_id[key.upper()]
    if key.lower() in plan.indicators_by_id:
        return plan.indicators_by_id[key.lower()]
    choices = list(plan.tasks_by_id) + list(plan.indicators_by_id)
    raise UsageError(
        f"unknown task or indicator '{text}'{suggest_en(key, choices)}",
        zh=f"没有任务或指标“{text}”{suggest_zh(closest(key, choices))}",
    )


def find_area(plan: Plan, text: str) -> Area:
    """An area by slug, Chinese or English name, or an unambiguous prefix of any of them."""
    key = text.strip().casefold()
    for area in plan.areas:
        if key in (area.slug.casefold(), area.name_zh.casefold(), area.name_en.casefold()):
            return area
    matches = [
        a
        for a in plan.areas
        if key and any(name.casefold().startswith(key) for name in (a.slug, a.name_zh, a.name_en))
    ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        could = _or_list(f"{a.slug} ({a.name_zh})" for a in matches)
        could_zh = "、".join(f"{a.name_zh}（{a.slug}）" for a in matches)
        raise UsageError(
            f"area '{text}' is ambiguous: it could be {could}; type more of it",
            zh=f"领域“{text}”不明确，可能是 {could_zh}；请多输入几个字",
        )
    listing = ", ".join(f"{a.slug} ({a.name_zh})" for a in plan.areas)
    hint = suggest_en(key, [a.slug for a in plan.areas])
    tail = f"{hint} The areas are {listing}" if hint else f"; the areas are {listing}"
    listing_zh = "、".join(f"{a.name_zh}（{a.slug}）" for a in plan.areas)
    raise UsageError(
        f"unknown area '{text}'{tail}",
        zh=f"没有领域“{text}”{suggest_zh(closest(key, [a.slug for a in plan.areas])) or '；'}领域有：{listing_zh}",
    )


# ---------------------------------------------------------------------------------------------
# Loading


def shipped_catalogue() -> Path:
    """The catalogue that comes with the package: inside it when installed, `data/` in a checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "data"
    return installed if installed.is_dir() else here.parent / "data"


def catalogue_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(path.glob("*.toml"))
        if not files:
            raise MissingInputError(f"catalogue directory {path} holds no .toml files")
        return files
    if not path.exists():
        raise MissingInputError(f"catalogue {path} does not exist")
    return [path]


def load_catalogue(path: Path | None = None) -> Plan:
    """Load and validate a catalogue file or directory; DataError lists every problem found."""
    return load_catalogue_keyed(path)[0]


def load_catalogue_keyed(path: Path | None = None) -> tuple[Plan, bytes]:
    """The validated plan, and a digest of everything it was built from: its files' names and bytes,
    and the code that read them. A plan once built from the same bytes comes from the cache."""
    read = read_catalogue(path)
    return plan_of(read), read.key


class CatalogueFiles(NamedTuple):
    """A catalogue's files as read, and their key, before anything is built from them."""

    path: Path
    files: list[tuple[Path, bytes]]
    key: bytes  # a digest of the files' names and bytes and of the code that reads them


def read_catalogue(path: Path | None = None) -> CatalogueFiles:
    path = Path(path) if path is not None else shipped_catalogue()
    files = [(file, tomlfile.read_bytes(file, "catalogue")) for file in catalogue_files(path)]
    return CatalogueFiles(path, files, cache.key(str(path), *(part for file, data in files for part in (str(file), data))))


def plan_of(read: CatalogueFiles) -> Plan:
    """The validated plan of the files read, from the cache when it was built from the same bytes."""
    plan = cache.read(_entry(read), read.key)
    if isinstance(plan, Plan):
        return plan
    plan = _built(read)
    cache.write(_entry(read), read.key, plan)
    return plan


def plan_beside(read: CatalogueFiles, work: Callable[[], T], weight: int) -> tuple[Plan, T]:
    """plan_of(read) and work(), the plan built in a child process while this one does the work,
    when that pays: the plan is not in the cache, both the catalogue and the work's input (`weight`
    bytes) are large but not huge (see _BESIDE_MAX), and this process may run on two processors or more.

    A cold run on 10,000 tasks spends about as long building the plan as reading the store; side by
    side on two processors they take the time of the longer. The child sends the plan back pickled,
    the bytes it writes to the cache anyway, so this process pays only for loading them (a twentieth
    of building the plan). It leaves them in an unnamed temporary file and exits, rather than wait on
    a pipe that this process empties only once the work is done: at 100,000 tasks it would hold 400
    MB meanwhile. Where one processor is all there is, nothing changes. Should the child
    fail in any way (an invalid catalogue included), the plan is built here again, so every message
    is the one plan_of gives; and the catalogue's problems are reported before the work's, as when
    the two are done in turn.
    """
    plan = cache.read(_entry(read), read.key)
    if isinstance(plan, Plan):
        return plan, work()
    size = sum(len(data) for _, data in read.files)
    if min(size, weight) < _BESIDE or size + weight > _BESIDE_MAX or _processors() < 2 or not hasattr(os, "fork"):
        return plan_of(read), work()
    import tempfile

    try:
        spool = tempfile.TemporaryFile()
    except OSError:
        return plan_of(read), work()
    with spool:
        child = os.fork()
        if child == 0:
            _build_for_parent(read, spool.fileno())
        try:
            result = work()
        except Exception:
            _plan_from_child(read, child, spool)
            raise
        except BaseException:
            # Interrupted: the child is of no more use.
            with contextlib.suppress(OSError):
                os.kill(child, signal.SIGKILL)
                os.waitpid(child, 0)
            raise
        return _plan_from_child(read, child, spool), result


# The smallest catalogue and work input, in bytes, that plan_beside builds the plan beside: a fork
# and loading the pickled plan cost a few milliseconds, which a small catalogue would not repay.
_BESIDE = 1 << 20
# The largest catalogue and work input together that it does so for. The child starts with this
# process's pages (shared until written) and parses the catalogue into about five times its size,
# while this process reads the store into about twice its own. At 100,000 tasks and 1,000,000
# records (65 + 153 MB of files) the two peaked at 905-930 MB counting shared pages once (a run
# without the child: 840-880 MB), within the 1 GB a cold run at that size may take, and the run took
# about 4 s less. That needs the child to stream its pickle and this process to cache the store's
# prefix only once the child is done (examined(keep=False)): before both, the two passed 1 GB.
# Larger files than these were not measured, so they are read in turn. At 10,000 tasks (23 MB of
# files) the two peaked at 167 MB.
_BESIDE_MAX = 256 << 20


def _processors() -> int:
    """How many processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _build_for_parent(read: CatalogueFiles, spool: int) -> None:
    """In the child: build the plan, leave it pickled in `spool` and cache it; never returns."""
    status = 1
    try:
        # Pickled straight into the file, and the plan dropped before the pickle is read back for
        # the cache: the plan and the whole pickle are never held at once beside the parent's work.
        plan = _built(read)
        with open(spool, "w+b", closefd=False) as file:
            pickle.dump(plan, file, protocol=pickle.HIGHEST_PROTOCOL)
            del plan
            file.seek(0)
            payload = file.read()
        cache.write_pickled(_entry(read), read.key, payload)
        status = 0
    finally:
        # Without Python's exit: the parent's buffered output and exit handlers are the parent's.
        os._exit(status)


def _plan_from_child(read: CatalogueFiles, child: int, spool: Any) -> Plan:
    """The plan the child left in `spool`, or (should it fail) the plan built here."""
    _, status = os.waitpid(child, 0)
    if status == 0:
        spool.seek(0)
        # The pickle of this process's own child, in a file no other process can open (it has no
        # name): not a cache entry.
        with contextlib.suppress(Exception):
            plan = pickle.load(spool)
            if isinstance(plan, Plan):
                return plan
    return _built(read)


def _entry(read: CatalogueFiles) -> str:
    return cache.name("catalogue", str(read.path.absolute()))


def _built(read: CatalogueFiles) -> Plan:
    """The plan built and validated from the files read (DataError listing every problem)."""
    path, files, _ = read
    documents: list[tuple[Path, dict[str, Any], _Text]] = []
    problems: list[str] = []
    for file, data in files:
        try:
            parsed = tomlfile.parse(tomlfile.decode(data, file), file)
        except DataError as exc:
            problems.append(exc.message)
            continue
        documents.append((file, parsed, _Text(data, file)))
    if problems:
        raise _invalid(path, problems)
    builder = _Builder(documents, path)
    plan = builder.build(str(path))
    if builder.problems or plan is None:
        raise _invalid(path, builder.problems)
    return plan


class _Text:
    """A catalogue file's text for the messages that name a line, decoded again only when one does:
    the decoded text of a 100,000-task catalogue takes 100 MB beside the tables parsed from it."""

    __slots__ = ("data", "file")

    def __init__(self, data: bytes, file: Path):
        self.data, self.file = data, file

    def splitlines(self) -> list[str]:
        return tomlfile.decode(self.data, self.file).splitlines()


def _settled_key(name: str, table: Any) -> Any:
    """A key that equal tables of plain values share, and no other table: the keys, the values and
    their types (True, 1 and 1.0 are equal in Python, but not as a target's figure). None for a
    table holding a list or a table, which are checked every time."""
    if not isinstance(table, dict):
        return None
    values = tuple(table.values())
    types = tuple(map(type, values))
    if not _PLAIN.issuperset(types):
        return None
    return (name, tuple(table), values, types)


_PLAIN = frozenset({str, int, float, bool, date})


def _invalid(path: Path, problems: list[str]) -> DataError:
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    return DataError(f"catalogue {path} is invalid ({count}): {problems[0]}", problems=problems)


def _or_list(words: Any) -> str:
    """'a', 'a or b', 'a, b or c'."""
    words = list(words)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


_SINGULAR = {"plan": "plan", "documents": "document", "areas": "area", "tasks": "task", "indicators": "indicator"}
_HEADER = re.compile(r"^\s*\[")


class _Entry:
    """One table of the catalogue, with what is needed to say where it stands in its file."""

    def __init__(self, kind: str, data: Any, file: Path, text: _Text, index: int, order: int = 0):
        self.kind, self.data, self.file, self.text, self.index = kind, data, file, text, index
        self.order = order  # the file's place among the catalogue's files, for sorting problems

    @property
    def name(self) -> str | None:
        name = self.data.get("id", self.data.get("slug")) if isinstance(self.data, dict) else None
        return name if isinstance(name, str) else None

    @property
    def label(self) -> str:
        kind = _SINGULAR.get(self.kind, self.kind)
        return f"{kind} '{self.name}'" if self.name is not None else f"{kind} #{self.index + 1}"

    def block(self) -> tuple[list[str], int, int]:
        """The file's lines and the 0-based span [first, stop) of this entry's table.

        The span runs from the entry's `[[kind]]` (or `[plan]`) header to the next table header.
        An entry written as an inline table has no header: then the whole file is searched.
        """
        lines = self.text.splitlines()
        header = re.compile(
            r"^\s*\[\s*plan\s*\]" if self.kind == "plan" else r"^\s*\[\[\s*" + re.escape(self.kind) + r"\s*\]\]"
        )
        seen = -1
        for number, line in enumerate(lines):
            if header.match(line):
                seen += 1
                if seen == self.index:
                    stop = next((n for n in range(number + 1, len(lines)) if _HEADER.match(lines[n])), len(lines))
                    return lines, number, stop
        return lines, 0, len(lines)

    def line(self, key: str | None = None) -> int:
        """The 1-based line of `key` in this entry, else of its id, else of its header; 0 if unknown."""
        lines, first, stop = self.block()
        candidates = [key.split(".")[0]] if key else []
        for candidate in candidates:
            pattern = re.compile(r"^\s*" + re.escape(candidate) + r"\s*=")
            for number in range(first, stop):
                if pattern.match(lines[number]):
                    return number + 1
        if self.name is not None:
            pattern = re.compile(r'^\s*(id|slug)\s*=\s*["\']' + re.escape(self.name) + r'["\']')
            for number in range(first, stop):
                if pattern.match(lines[number]):
                    return number + 1
        if (first, stop) != (0, len(lines)) or self.kind == "plan":
            return first + 1 if lines else 0
        return 0

    def locate(self, value: str, key: str | None = None) -> tuple[int, int]:
        """The 1-based line and column of `value` written as a TOML string in this entry, looked for from
        the line of `key` on (the same words may stand in a title above); (0, 0) if not found."""
        lines, first, stop = self.block()
        start = max(first, self.line(key) - 1) if key else first
        for written in (f'"{value}"', f"'{value}'"):
            for number in [*range(start, stop), *range(first, start)]:
                column = lines[number].find(written)
                if column >= 0:
                    return number + 1, column + 1
        return 0, 0

    def where(self, key: str | None = None) -> str:
        """file:line of this entry (of `key` in it when the key is there), or just the file."""
        line = self.line(key)
        return f"{self.file}:{line}" if line else str(self.file)


class _Builder:
    """Turns parsed TOML into a Plan, collecting every problem instead of stopping at the first.

    Problems are reported in the order of the files and, within a file, of their lines.
    """

    _KNOWN = {
        "plan": {"id", "name_zh", "name_en", "issuer_zh", "issuer_en", "year", "start", "end", "lights", "reporting"},
        "documents": {"id", "title_zh", "title_en", "date", "file", "date_approximate", "date_note_zh", "date_note_en"},
        "areas": {"slug", "name_zh", "name_en", "section"},
        "tasks": {
            "id", "area", "title_zh", "title_en", "units", "hedge", "parts", "covers", "start", "deadline", "target",
            "baseline", "links", "note_zh", "note_en", "source", "nodes",
        },
        "indicators": {
            "id", "area", "name_zh", "name_en", "value", "unit_zh", "unit_en", "as_of", "as_of_label_zh",
            "as_of_label_en", "qualifier", "state_zh", "state_en", "note_zh", "note_en", "source",
        },
    }
    _TOP_LEVEL = ("schema", "plan", "renamed", "documents", "areas", "tasks", "indicators")

    def __init__(self, documents: list[tuple[Path, dict[str, Any], _Text]], path: Path | str = ""):
        self.documents = documents
        self.path = path
        self._found: list[tuple[int, int, int, str]] = []
        # Every id and slug declared, valid or not: a reference to an entry that exists but has its
        # own problems is not reported a second time as a reference to an unknown one.
        self.declared: dict[str, set[str]] = {"documents": set(), "areas": set(), "indicators": set()}
        # Equal targets and sources are one object: a plan decomposed per county repeats them
        # thousands of times, and each distinct object is one more to build when a cached plan loads.
        self._shared: dict[Any, Any] = {}
        # Sources and targets found sound, by what their tables hold (see _settled_key): the same table
        # written again for another county is the same value, and checking it again finds nothing new.
        self._settled: dict[Any, Any] = {}

    @property
    def problems(self) -> list[str]:
        return [message for *_, message in sorted(self._found)]

    def note(self, message: str, order: int = -1, line: int = 0) -> None:
        """Record a problem; `order` is the file's place (-1: the catalogue as a whole), `line` its line."""
        self._found.append((order, line, len(self._found), message))

    def problem(self, entry: _Entry, message: str, key: str | None = None) -> None:
        line = entry.line(key)
        where = f"{entry.file}:{line}" if line else str(entry.file)
        self.note(f"{where}: {entry.label}: {message}", entry.order, line)

    def problem_at(self, entry: _Entry, message: str, key: str, value: str) -> None:
        """A problem with a value the entry spells out: file:line:col of that value, else of `key`."""
        line, column = entry.locate(value, key)
        if not line:
            self.problem(entry, message, key)
            return
        self.note(f"{entry.file}:{line}:{column}: {entry.label}: {message}", entry.order, line)

    def file_problem(self, order: int, file: Path, text: _Text, message: str, key: str | None = None) -> None:
        line = 0
        if key is not None:
            pattern = re.compile(r"^\s*(\[\[?\s*)?" + re.escape(key) + r"\s*(\]|=|\.)")
            line = next((n for n, l in enumerate(text.splitlines(), 1) if pattern.match(l)), 0)
        self.note(f"{file}:{line}: {message}" if line else f"{file}: {message}", order, line)

    # -- typed field readers: each returns None (and records a problem) when the value is unusable.
    # `prefix` names the table a key sits in ("target.") so that messages say which field is meant.

    def text(self, entry: _Entry, key: str, *, required: bool = True, data: Any = None, prefix: str = "") -> str | None:
        data = entry.data if data is None else data
        # Text that passes every check below is settled first, in as few steps as that takes: a plan
        # of 10,000 tasks reads 130,000 fields here. Anything else goes through the checks in turn.
        value = data.get(key)
        if isinstance(value, str) and value.isprintable() and (not required or value.strip()):
            return value
        if value is None and not required and key not in data:
            return None
        name = prefix + key
        if key not in data:
            if required:
                self.problem(entry, f"missing field '{name}'", name)
            return None
        value = data[key]
        if not isinstance(value, str):
            self.problem(entry, f"field '{name}' must be text, not {tomlfile.describe(value)}", name)
            return None
        if required and not value.strip():
            self.problem(entry, f"field '{name}' is empty", name)
            return None
        if not value.isprintable():
            # A name or title is shown in headings, table cells and messages: a line break there would
            # start a heading of its own in Markdown, a control character would drive the terminal.
            # Notes and quotes may run over several lines.
            # An invisible format character (a bidi override) would reorder or hide what is shown.
            several = key.startswith("note_") or key == "quote"
            found = first_hidden(value, lines=several)
            if found:
                what = ("a line break" if found in "\n\r" else "an invisible format character" if is_format(found)
                        else "a control character")
                rule = "" if several else "; names and titles are one line of plain text"
                self.problem(entry, f"field '{name}' holds {what} ({escaped(found)}){rule}", name)
                return None
        return value

    def number(self, entry: _Entry, key: str, *, data: Any = None, required: bool = True, prefix: str = "") -> float | None:
        data = entry.data if data is None else data
        name = prefix + key
        if key not in data:
            if required:
                self.problem(entry, f"missing field '{name}'", name)
            return None
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(entry, f"field '{name}' must be a number, not {tomlfile.describe(value)}", name)
            return None
        if not math.isfinite(value):
            self.problem(entry, f"field '{name}' must be a finite number, not {value}", name)
            return None
        return value

    def day(self, entry: _Entry, key: str, *, required: bool = True) -> date | None:
        if key not in entry.data:
            if required:
                self.problem(entry, f"missing field '{key}'", key)
            return None
        value = entry.data[key]
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            self.problem(
                entry, f"field '{key}' must be a TOML date such as 2006-09-30 (no quotes), not the text {value!r}", key
            )
        else:
            self.problem(entry, f"field '{key}' must be a date such as 2006-09-30, not {tomlfile.describe(value)}", key)
        return None

    def choice(
        self, entry: _Entry, key: str, choices: tuple[str, ...], *, data: Any = None, required: bool = True, prefix: str = ""
    ) -> str | None:
        value = self.text(entry, key, data=data, required=required, prefix=prefix)
        if value is not None and value not in choices:
            self.problem(entry, f"{prefix}{key} '{value}' is not one of {_or_list(choices)}", prefix + key)
            return None
        return value

    def unknown_keys(self, entry: _Entry, data: dict[str, Any], known: set[str], prefix: str = "") -> None:
        if known.issuperset(data):
            return
        for key in data:
            if key not in known:
                hint = difflib.get_close_matches(key, sorted(known), n=1)
                suggestion = f"; did you mean '{prefix}{hint[0]}'?" if hint else ""
                self.problem(entry, f"unknown field '{prefix}{key}'{suggestion}", prefix + key if prefix else key)

    def table(self, entry: _Entry, key: str) -> dict[str, Any] | None:
        if key not in entry.data:
            self.problem(entry, f"missing field '{key}'", key)
            return None
        value = entry.data[key]
        if not isinstance(value, dict):
            self.problem(entry, f"field '{key}' must be a table, not {tomlfile.describe(value)}", key)
            return None
        return value

    # -- the parts of a catalogue

    def entries(self, kind: str) -> list[_Entry]:
        found: list[_Entry] = []
        for order, (file, parsed, text) in enumerate(self.documents):
            value = parsed.get(kind, [])
            if not isinstance(value, list):
                self.file_problem(
                    order, file, text, f"'{kind}' must be an array of tables, each headed [[{kind}]], not {tomlfile.describe(value)}", kind
                )
                continue
            for index, item in enumerate(value):
                entry = _Entry(kind, item, file, text, index, order)
                if not isinstance(item, dict):
                    self.problem(entry, f"must be a table, not {tomlfile.describe(item)}")
                    continue
                self.unknown_keys(entry, item, self._KNOWN[kind])
                found.append(entry)
        return found

    def build(self, label: str) -> Plan | None:
        heads = [(order, f, p, t) for order, (f, p, t) in enumerate(self.documents) if "plan" in p]
        for order, (file, parsed, text) in enumerate(self.documents):
            for key in parsed:
                if key not in self._TOP_LEVEL:
                    hint = difflib.get_close_matches(key, self._TOP_LEVEL, n=1)
                    suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
                    self.file_problem(order, file, text, f"unknown top-level key '{key}'{suggestion}", key)
        if not heads:
            self.note(
                f"{self.path or label}: there is no [plan] table; a catalogue needs exactly one, "
                "with the plan's id, names, issuer, year, start and end",
                -1,
            )
            return None
        for order, file, _, text in heads[1:]:
            self.file_problem(
                order, file, text, f"a second [plan] table (the first is in {heads[0][1]}); a catalogue needs exactly one", "plan"
            )
        if len(heads) > 1:
            return None
        order, file, parsed, text = heads[0]
        head = _Entry("plan", parsed["plan"], file, text, 0, order)
        schema = parsed.get("schema")
        if schema is None:
            self.file_problem(order, file, text, f"missing 'schema = {SCHEMA_VERSION}' at the top of the file")
        elif schema != SCHEMA_VERSION or isinstance(schema, bool):
            self.file_problem(
                order, file, text, f"schema must be {SCHEMA_VERSION} (the format this version of sdpolicy reads), not {schema!r}",
                "schema",
            )
        if not isinstance(head.data, dict):
            self.file_problem(order, file, text, f"[plan] must be a table, not {tomlfile.describe(head.data)}", "plan")
            return None
        self.unknown_keys(head, head.data, self._KNOWN["plan"])
        start, end = self.day(head, "start"), self.day(head, "end")
        if start and end and end < start:
            self.problem(head, f"end {end} is before start {start}", "end")
        lights = self.lights(head)
        reporting = self.reporting(head)
        documents = self.documents_()
        areas = self.areas()
        indicators = self.indicators({a.slug for a in areas}, {d.id for d in documents})
        tasks = self.tasks(start, end, {a.slug for a in areas}, {d.id for d in documents}, indicators)
        renames = self.renames(tasks, indicators)
        year = head.data.get("year")
        if "year" not in head.data:
            self.problem(head, "missing field 'year'")
        elif isinstance(year, bool) or not isinstance(year, int):
            self.problem(head, f"field 'year' must be a whole number such as 2006, not {tomlfile.describe(year)}", "year")
        values = {k: self.text(head, k) for k in ("id", "name_zh", "name_en", "issuer_zh", "issuer_en")}
        if self._found or None in values.values() or start is None or end is None or lights is None or reporting is None:
            return None
        return Plan(
            year=year, start=start, end=end, lights=lights, documents=tuple(documents), areas=tuple(areas),
            tasks=tuple(tasks), indicators=tuple(indicators.values()), path=label, renames=renames, reporting=reporting,
            **values,
        )

    def lights(self, head: _Entry) -> Lights | None:
        table = self.table(head, "lights")
        if table is None:
            return None
        self.unknown_keys(head, table, {"yellow_behind", "red_behind"}, "lights.")
        yellow = self.number(head, "yellow_behind", data=table, prefix="lights.")
        red = self.number(head, "red_behind", data=table, prefix="lights.")
        if yellow is None or red is None:
            return None
        if not 0 <= yellow <= red <= 100:
            self.problem(
                head, f"lights need 0 <= yellow_behind <= red_behind <= 100, not {yellow} and {red}", "lights"
            )
            return None
        return Lights(yellow_behind=yellow, red_behind=red)

    def reporting(self, head: _Entry) -> Reporting | None:
        """[plan.reporting]: optional, and so is each of its keys; what is left out takes the default."""
        if "reporting" not in head.data:
            return Reporting()
        table = self.table(head, "reporting")
        if table is None:
            return None
        self.unknown_keys(head, table, {"cadence", "due_day", "red_after"}, "reporting.")
        found = len(self._found)
        cadence = table.get("cadence", Reporting().cadence)
        if cadence not in CADENCES:
            self.problem(
                head, f"field 'reporting.cadence' must be \"monthly\", \"quarterly\" or \"yearly\", not {tomlfile.describe(cadence)}",
                "reporting",
            )
        due_day = table.get("due_day")
        if due_day is not None and (isinstance(due_day, bool) or not isinstance(due_day, int) or not 1 <= due_day <= 31):
            self.problem(head, f"field 'reporting.due_day' must be a day of the month from 1 to 31, not {tomlfile.describe(due_day)}", "reporting")
        red_after = table.get("red_after", Reporting().red_after)
        if isinstance(red_after, bool) or not isinstance(red_after, int) or red_after < 1:
            self.problem(head, f"field 'reporting.red_after' must be a whole number of periods, 1 or more, not {tomlfile.describe(red_after)}", "reporting")
        if len(self._found) > found:
            return None
        return Reporting(cadence=cadence, due_day=due_day, red_after=red_after)

    def pair(self, entry: _Entry, stem: str) -> tuple[str | None, str | None]:
        """An optional bilingual field: both languages or neither."""
        zh, en = self.text(entry, stem + "_zh", required=False), self.text(entry, stem + "_en", required=False)
        if (zh is None) != (en is None):
            missing = f"{stem}_en" if en is None else f"{stem}_zh"
            self.problem(entry, f"'{stem}_zh' and '{stem}_en' go together; '{missing}' is missing", f"{stem}_zh" if en is None else f"{stem}_en")
        return zh, en

    def unique(self, entry: _Entry, value: str | None, seen: dict[str, _Entry], pattern: re.Pattern[str], what: str) -> bool:
        if value is None:
            return False
        if not pattern.match(value):
            self.problem(entry, f"{what} '{value}' must be {_PATTERN_WORDS[pattern.pattern]}")
            return False
        if value in seen:
            self.problem(entry, f"duplicate {what} '{value}' (already used at {seen[value].where()})")
            return False
        seen[value] = entry
        return True

    def documents_(self) -> list[Document]:
        result, seen = [], {}
        for entry in self.entries("documents"):
            id_ = self.text(entry, "id")
            ok = self.unique(entry, id_, seen, _SLUG, "document id")
            fields = [self.text(entry, "title_zh"), self.text(entry, "title_en"), self.day(entry, "date")]
            file = self.text(entry, "file", required=False)
            approximate = entry.data.get("date_approximate", False)
            if not isinstance(approximate, bool):
                self.problem(entry, f"field 'date_approximate' must be true or false, not {tomlfile.describe(approximate)}", "date_approximate")
                ok, approximate = False, False
            notes = self.pair(entry, "date_note")
            if approximate and notes == (None, None):
                self.problem(entry, "an approximate date needs 'date_note_zh' and 'date_note_en' saying why it is not known", "date_approximate")
                ok = False
            if ok and None not in fields:
                result.append(Document(id_, fields[0], fields[1], fields[2], file, approximate, *notes))
        self.declared["documents"] = set(seen)
        return result

    def areas(self) -> list[Area]:
        result, seen = [], {}
        for entry in self.entries("areas"):
            slug = self.text(entry, "slug")
            ok = self.unique(entry, slug, seen, _SLUG, "area slug")
            fields = [self.text(entry, k) for k in ("name_zh", "name_en", "section")]
            if ok and None not in fields:
                result.append(Area(slug, *fields))
        self.declared["areas"] = set(seen)
        if not seen and not self._found:
            self.note(f"{self.path}: the catalogue has no [[areas]]; it needs at least one", -1)
        return result

    def source(self, entry: _Entry, documents: set[str]) -> Source | None:
        return self._settled_or(entry, "source", lambda: self._source(entry, documents))

    def _source(self, entry: _Entry, documents: set[str]) -> Source | None:
        table = self.table(entry, "source")
        if table is None:
            return None
        self.unknown_keys(entry, table, {"document", "section", "quote"}, "source.")
        document = self.text(entry, "document", data=table, prefix="source.")
        section = self.text(entry, "section", data=table, prefix="source.")
        quote = self.text(entry, "quote", data=table, prefix="source.")
        if document is not None and document not in documents:
            if document not in self.declared["documents"]:
                self.problem(
                    entry,
                    f"source document '{document}' is not among the [[documents]]{suggest_en(document, sorted(self.declared['documents']))}",
                    "source",
                )
            return None
        if quote is not None and len(quote) > MAX_QUOTE:
            self.problem(
                entry, f"source quote is {len(quote)} characters long; keep it to at most {MAX_QUOTE}, the phrase that holds the fact",
                "source",
            )
            return None
        if None in (document, section, quote):
            return None
        return Source(document, section, quote)

    def _settled_or(self, entry: _Entry, key: str, check: Callable[[], Any]) -> Any:
        """check() of the table under `key`, or what it gave for an equal table that had no problem."""
        settled = _settled_key(key, entry.data.get(key))
        if settled is None:
            return check()
        found = self._settled.get(settled)
        if found is None:
            problems = len(self._found)
            found = check()
            if found is not None and len(self._found) == problems:
                self._settled[settled] = found
        return found

    def area_of(self, entry: _Entry, areas: set[str]) -> str | None:
        area = self.text(entry, "area")
        if area is not None and area not in areas:
            if area not in self.declared["areas"]:
                self.problem(entry, f"unknown area '{area}'{suggest_en(area, sorted(self.declared['areas']))}", "area")
            return None
        return area

    def indicators(self, areas: set[str], documents: set[str]) -> dict[str, Indicator]:
        result: dict[str, Indicator] = {}
        seen: dict[str, _Entry] = {}
        for entry in self.entries("indicators"):
            id_ = self.text(entry, "id")
            ok = self.unique(entry, id_, seen, _INDICATOR_ID, "indicator id")
            area = self.area_of(entry, areas)
            names = [self.text(entry, "name_zh"), self.text(entry, "name_en")]
            as_of = self.day(entry, "as_of")
            source = self.source(entry, documents)
            qualifier = self.choice(entry, "qualifier", QUALIFIERS, required=False)
            optional = {k: self.text(entry, k, required=False) for k in ("as_of_label_zh", "as_of_label_en")}
            note_zh, note_en = self.pair(entry, "note")
            if "value" in entry.data:
                value = self.number(entry, "value")
                units = [self.text(entry, "unit_zh"), self.text(entry, "unit_en")]
                states: list[str | None] = [None, None]
                if value is None or None in units:
                    ok = False
            else:
                value, units = None, ["", ""]
                states = [self.text(entry, "state_zh", required=False), self.text(entry, "state_en", required=False)]
                if None in states:
                    self.problem(entry, "needs either 'value' with 'unit_zh' and 'unit_en', or 'state_zh' and 'state_en'")
                    ok = False
            if value is not None and source and note_zh is None and not _figure_in(value, source.quote):
                self.problem(
                    entry, f"the value {_plain_number(value)} is not in the quote; say in 'note_zh' and 'note_en' how it was read",
                    "value",
                )
                ok = False
            if ok and area and None not in names and as_of and source:
                result[id_] = Indicator(
                    id=id_, area=area, name_zh=names[0], name_en=names[1], as_of=as_of, source=source,
                    value=value, unit_zh=units[0], unit_en=units[1], qualifier=qualifier,
                    state_zh=states[0], state_en=states[1], note_zh=note_zh, note_en=note_en, **optional,
                )
        self.declared["indicators"] = set(seen)
        return result

    def target(self, entry: _Entry) -> Target | None:
        return self._settled_or(entry, "target", lambda: self._target(entry))

    def _target(self, entry: _Entry) -> Target | None:
        table = self.table(entry, "target")
        if table is None:
            return None
        kind = self.choice(entry, "kind", TARGET_KINDS, data=table, prefix="target.")
        if kind is None:
            return None
        allowed = {
            "count": {"kind", "value", "unit_zh", "unit_en", "direction"},
            "range": {"kind", "min", "max", "unit_zh", "unit_en", "direction"},
            "percent": {"kind", "value", "direction"},
            "milestone": {"kind", "event"},
            "qualitative": {"kind"},
        }[kind]
        self.unknown_keys(entry, table, allowed, "target.")
        read = {"data": table, "prefix": "target."}
        if kind == "milestone":
            event = self.choice(entry, "event", MILESTONE_EVENTS, **read)
            return Target(kind, event=event) if event else None
        if kind == "qualitative":
            return Target(kind)
        direction = self.choice(entry, "direction", DIRECTIONS, **read)
        if kind == "percent":
            value = self.number(entry, "value", **read)
            if value is not None and not 0 < value <= 100:
                self.problem(entry, f"a percent target must be above 0 and at most 100, not {value}", "target")
                return None
            return Target(kind, value=value, unit_zh="%", unit_en="%", direction=direction) if value is not None and direction else None
        units = [self.text(entry, "unit_zh", **read), self.text(entry, "unit_en", **read)]
        if kind == "count":
            value = self.number(entry, "value", **read)
            if value is not None and value <= 0:
                self.problem(entry, f"a count target must be above 0, not {value}", "target")
                return None
            if value is None or None in units or not direction:
                return None
            return Target(kind, value=value, unit_zh=units[0], unit_en=units[1], direction=direction)
        low, high = self.number(entry, "min", **read), self.number(entry, "max", **read)
        if low is not None and high is not None:
            if low <= 0:
                self.problem(entry, f"a range target's min must be above 0, not {low}", "target")
                return None
            if low > high:
                self.problem(entry, f"the target range's min {low} is above its max {high}", "target")
                return None
        if low is None or high is None or None in units or not direction:
            return None
        return Target(kind, min=low, max=high, unit_zh=units[0], unit_en=units[1], direction=direction)

    def tasks(
        self, plan_start: date | None, plan_end: date | None, areas: set[str], documents: set[str],
        indicators: dict[str, Indicator],
    ) -> list[Task]:
        result, seen = [], {}
        for entry in self.entries("tasks"):
            # Most of a task's optional fields are absent from most tasks: an absent one is passed over
            # here rather than by its reader (which would find it absent and return None, saying nothing).
            data = entry.data
            id_ = self.text(entry, "id")
            ok = self.unique(entry, id_, seen, _TASK_ID, "task id")
            area = self.area_of(entry, areas)
            titles = [self.text(entry, "title_zh"), self.text(entry, "title_en")]
            own_start = self.day(entry, "start", required=False) if "start" in data else None
            start = own_start or plan_start
            deadline = (self.day(entry, "deadline", required=False) if "deadline" in data else None) or plan_end
            if start and deadline and deadline < start:
                whose = "its start" if own_start else "the plan's start"
                self.problem(entry, f"deadline {deadline} is before {whose} {start}", "deadline")
                ok = False
            target = self.target(entry)
            source = self.source(entry, documents)
            baseline = self.text(entry, "baseline", required=False) if "baseline" in data else None
            if baseline is not None:
                ok = self.check_baseline(entry, baseline, target, indicators) and ok
            links = data.get("links", [])
            if not isinstance(links, list) or not all(isinstance(x, str) for x in links):
                self.problem(entry, "field 'links' must be a list of indicator ids, such as [\"county-portal-share\"]", "links")
                links = []
            for link in links:
                if link not in indicators:
                    ok = False
                    if link not in self.declared["indicators"]:
                        hint = suggest_en(link, sorted(self.declared["indicators"]))
                        self.problem(entry, f"link '{link}' is not a known indicator{hint}", "links")
            note_zh, note_en = self.pair(entry, "note") if "note_zh" in data or "note_en" in data else (None, None)
            units = self.units(entry)
            parts = self.parts(entry)
            covers = self.covers(entry)
            hedge = self.text(entry, "hedge", required=False) if "hedge" in data else None
            if hedge is not None and hedge not in HEDGES:
                self.problem_at(entry, f"hedge '{hedge}' is not one of {_or_list(HEDGES)}", "hedge", hedge)
                hedge, ok = None, False
            if hedge and source and hedge not in source.quote:
                self.problem_at(entry, f"hedge '{hedge}' is not in the task's quote; quote the words that hedge", "hedge", hedge)
                ok = False
            if target and target.numeric and source and note_zh is None:
                figures = (target.min, target.max) if target.kind == "range" else (target.value,)
                missing = [f for f in figures if f is not None and not _figure_in(f, source.quote)]
                if missing:
                    self.problem(
                        entry, f"the target {_plain_number(missing[0])} is not in the quote; say in 'note_zh' and "
                        "'note_en' how it was read", "target",
                    )
                    ok = False
            if ok and None not in (units, parts, covers) and area and None not in titles and start and deadline and target and source:
                # Notes, units and covered phrases too: a plan decomposed per county repeats a task's note
                # for each county, and 100,000 copies made its pickle 60 % larger. (Only values whose
                # equals are all alike: a part's figure 9 would equal a 9.0.) A target is shared with
                # those whose figures are of its types as well: 200 and 200.0 are equal, but a
                # catalogue that wrote 200.0 shows 200.0 in JSON.
                shared = self._shared
                task = Task(
                    id=id_, area=area, title_zh=titles[0], title_en=titles[1], start=start, deadline=deadline,
                    target=shared.setdefault((target, *map(type, target)), target), source=shared.setdefault(source, source),
                    baseline=baseline, links=shared.setdefault(tuple(links), tuple(links)),
                    note_zh=shared.setdefault(note_zh, note_zh), note_en=shared.setdefault(note_en, note_en),
                    units=shared.setdefault(units, units), hedge=hedge, parts=parts, covers=shared.setdefault(covers, covers),
                )
                if "nodes" in entry.data:
                    task = self.nodes(entry, task)
                if task is not None:
                    result.append(task)
        return result

    def inline_tables(self, entry: _Entry, key: str, keys: tuple[str, ...], example: str) -> list[dict[str, Any]] | None:
        """The list of tables under `key` (empty when absent), each checked for unknown keys; None if not a list of tables."""
        value = entry.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.problem(entry, f"field '{key}' must be a list of tables such as {{{example}}}", key)
            return None
        for item in value:
            self.unknown_keys(entry, item, set(keys), f"{key}.")
        return value

    def units(self, entry: _Entry) -> tuple[NamedUnit, ...] | None:
        """The units the plan names in this task; None when one of them is unusable."""
        if "units" not in entry.data:
            return ()
        value = self.inline_tables(entry, "units", ("name_zh", "name_en", "role", "quote"), "name_zh = …, name_en = …, role = …, quote = …")
        if value is None:
            return None
        found: list[NamedUnit] = []
        for unit in value:
            fields = [self.text(entry, k, data=unit, prefix="units.") for k in ("name_zh", "name_en", "role", "quote")]
            name_zh, _, role, quote = fields
            if role is not None and role not in UNIT_ROLES:
                self.problem_at(entry, f"unit role '{role}' is not one of {_or_list(UNIT_ROLES)}", "units", role)
                fields[2] = None
            if name_zh is not None and quote is not None and name_zh not in quote:
                self.problem_at(entry, f"unit '{name_zh}' is not in its quote; quote the words that name it", "units", quote)
                fields[3] = None
            if quote is not None and len(quote) > MAX_QUOTE:
                self.problem_at(entry, f"a unit's quote is {len(quote)} characters long; keep it to at most {MAX_QUOTE}", "units", quote)
                fields[3] = None
            if None in fields:
                return None
            found.append(NamedUnit(*fields))
        return tuple(found)

    def parts(self, entry: _Entry) -> tuple[Part, ...] | None:
        """The counted parts of a task's deliverable; None when one is unusable."""
        if "parts" not in entry.data:
            return ()
        value = self.inline_tables(entry, "parts", ("value", "unit_zh", "unit_en", "quote"), "value = 9, unit_zh = …, unit_en = …, quote = …")
        if value is None:
            return None
        found: list[Part] = []
        for part in value:
            number = self.number(entry, "value", data=part, prefix="parts.")
            texts = [self.text(entry, k, data=part, prefix="parts.") for k in ("unit_zh", "unit_en", "quote")]
            if number is not None and texts[2] is not None and not _figure_in(number, texts[2]):
                self.problem_at(entry, f"the part's figure {_plain_number(number)} is not in its quote", "parts", texts[2])
                return None
            if number is None or None in texts:
                return None
            found.append(Part(number, *texts))
        return tuple(found)

    def covers(self, entry: _Entry) -> tuple[str, ...] | None:
        """Further quoted phrases a task covers; None when one is unusable."""
        if "covers" not in entry.data:
            return ()
        value = self.inline_tables(entry, "covers", ("quote",), 'quote = "…"')
        if value is None:
            return None
        quotes = [c.get("quote") for c in value]
        for quote in quotes:
            if not isinstance(quote, str) or not quote.strip():
                self.problem(entry, "each of 'covers' needs a quote: the words of the plan the task also covers", "covers")
                return None
            if len(quote) > MAX_QUOTE:
                self.problem_at(entry, f"a quote in 'covers' is {len(quote)} characters long; keep it to at most {MAX_QUOTE}", "covers", quote)
                return None
        return tuple(quotes)

    def renames(self, tasks: list[Task], indicators: dict[str, Indicator]) -> tuple[tuple[str, str], ...]:
        """The `renamed` tables: each old id with the id of the task or indicator that stands for it now."""
        current = {t.id for t in tasks} | set(indicators)
        task_ids = {t.id for t in tasks}
        declared = {t.id for t in tasks} | self.declared["indicators"]
        found: dict[str, str] = {}
        for order, (file, parsed, text) in enumerate(self.documents):
            table = parsed.get("renamed")
            if table is None:
                continue
            if not isinstance(table, dict):
                self.file_problem(order, file, text, f"'renamed' must be a table of old id = \"new id\", not {tomlfile.describe(table)}", "renamed")
                continue
            for old, new in table.items():
                where = (order, file, text)
                if not isinstance(new, str):
                    self.file_problem(*where, f"renamed {old} must name the new id as text, not {tomlfile.describe(new)}", old)
                elif old in found:
                    self.file_problem(*where, f"{old} is renamed twice", old)
                elif old in declared:
                    self.file_problem(*where, f"renamed {old} is still an id of the catalogue; only a retired id can be renamed", old)
                elif new in table or new in found:
                    self.file_problem(*where, f"renamed {old} points to {new}, which is itself renamed; point to the id in use", old)
                elif new not in current:
                    hint = suggest_en(new, sorted(declared))
                    self.file_problem(*where, f"renamed {old} points to {new}, which is not a task or indicator{hint}", old)
                elif bool(_TASK_ID.match(old)) != (new in task_ids):
                    # A record names a task or an indicator; its kind cannot change with the id.
                    self.file_problem(*where, f"renamed {old} must point to the same kind of item: a task id to a task, an indicator id to an indicator", old)
                else:
                    found[old] = new
        return tuple(found.items())

    def nodes(self, entry: _Entry, task: Task) -> Task | None:
        """The task with the time nodes its entry gives (trajectory.py checks them as `assign --node` does)."""
        from sdpolicy.trajectory import check_nodes, node_field_problem, nodes_of_field

        value = entry.data["nodes"]
        shape = node_field_problem(value)
        if shape is not None:
            self.problem(entry, f"field 'nodes': {shape}", "nodes")
            return None
        nodes = nodes_of_field(value)
        try:
            check_nodes(nodes, task)
        except UsageError as exc:
            self.problem(entry, f"field 'nodes': {exc.message}", "nodes")
            return None
        return task._replace(nodes=nodes)

    def check_baseline(self, entry: _Entry, baseline: str, target: Target | None, indicators: dict[str, Indicator]) -> bool:
        indicator = indicators.get(baseline)
        if indicator is None:
            if baseline not in self.declared["indicators"]:
                hint = suggest_en(baseline, sorted(self.declared["indicators"]))
                self.problem(entry, f"baseline '{baseline}' is not a known indicator{hint}", "baseline")
            return False
        if target is None:
            return True
        if not target.numeric or indicator.value is None:
            self.problem(
                entry,
                f"baseline '{baseline}' needs a numeric target and an indicator with a value; list it under 'links' instead",
                "baseline",
            )
            return False
        if indicator.unit_zh != target.unit_zh:
            self.problem(
                entry,
                f"baseline '{baseline}' is in {indicator.unit_zh} but the target is in {target.unit_zh}; "
                "a baseline must be in the target's unit, so list it under 'links' instead",
                "baseline",
            )
            return False
        return True


_CHINESE_DIGITS = "零一二三四五六七八九"


def _chinese_numeral(value: int) -> str:
    """Whole numbers below 100 as Chinese text writes them: 8 八, 14 十四, 19 十九, 20 二十."""
    tens, ones = divmod(value, 10)
    if value < 10:
        return _CHINESE_DIGITS[value]
    return ("" if tens == 1 else _CHINESE_DIGITS[tens]) + "十" + (_CHINESE_DIGITS[ones] if ones else "")


def _plain_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _figure_in(value: float, quote: str) -> bool:
    """Whether the quote spells out the figure, in digits or (below 100) in Chinese numerals."""
    if _plain_number(value) in quote:
        return True
    whole = float(value).is_integer() and 0 <= value < 100
    return whole and (_chinese_numeral(int(value)) in quote or (value == 2 and "两" in quote))


_PATTERN_WORDS = {
    _TASK_ID.pattern: "capital letters and digits joined by '-', such as EGOV-08",
    _INDICATOR_ID.pattern: "lowercase letters and digits joined by '-', such as county-portal-share",
}
