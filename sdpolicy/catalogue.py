"""The catalogue: a work plan's areas, tasks and the baseline indicators they start from.

Loading validates everything at once and reports every problem, each naming its file and line, so
that a person fixing a hand-written catalogue sees the whole list in one run. The result is frozen
data; nothing here knows about the command line or the terminal.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from sdpolicy import tomlfile
from sdpolicy.errors import DataError, MissingInputError, UsageError

SCHEMA_VERSION = 1
TARGET_KINDS = ("count", "range", "percent", "milestone", "qualitative")
NUMERIC_KINDS = ("count", "range", "percent")
DIRECTIONS = ("increase", "decrease")
MILESTONE_EVENTS = ("document", "meeting", "system", "event", "report")
QUALIFIERS = ("over", "nearly", "about", "forecast")
MAX_QUOTE = 60
_TASK_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")
_INDICATOR_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_SLUG = _INDICATOR_ID


@dataclass(frozen=True, slots=True)
class Source:
    document: str
    section: str
    quote: str


@dataclass(frozen=True, slots=True)
class Target:
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


@dataclass(frozen=True, slots=True)
class Task:
    id: str
    area: str
    title_zh: str
    title_en: str
    start: date
    deadline: date
    target: Target
    source: Source
    lead_zh: str | None = None
    lead_en: str | None = None
    baseline: str | None = None
    links: tuple[str, ...] = ()
    note_zh: str | None = None
    note_en: str | None = None


@dataclass(frozen=True, slots=True)
class Indicator:
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


@dataclass(frozen=True, slots=True)
class Area:
    slug: str
    name_zh: str
    name_en: str
    section: str


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    title_zh: str
    title_en: str
    date: date
    file: str | None = None


@dataclass(frozen=True, slots=True)
class Lights:
    yellow_behind: float
    red_behind: float


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
    tasks_by_id: Mapping[str, Task] = field(init=False, repr=False, compare=False)
    indicators_by_id: Mapping[str, Indicator] = field(init=False, repr=False, compare=False)
    areas_by_slug: Mapping[str, Area] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tasks_by_id", MappingProxyType({t.id: t for t in self.tasks}))
        object.__setattr__(self, "indicators_by_id", MappingProxyType({i.id: i for i in self.indicators}))
        object.__setattr__(self, "areas_by_slug", MappingProxyType({a.slug: a for a in self.areas}))

    def tasks_in(self, area: str) -> tuple[Task, ...]:
        return tuple(t for t in self.tasks if t.area == area)

    def tasks_linking(self, indicator_id: str) -> tuple[Task, ...]:
        return tuple(t for t in self.tasks if t.baseline == indicator_id or indicator_id in t.links)


# ---------------------------------------------------------------------------------------------
# Finding things by what a user types


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=3, cutoff=0.5)
    if not close:
        close = difflib.get_close_matches(word.upper(), [c.upper() for c in choices], n=3, cutoff=0.5)
        close = [c for c in choices if c.upper() in close]
    return f"; did you mean {' or '.join(close)}?" if close else ""


def find_task(plan: Plan, text: str) -> Task:
    task = plan.tasks_by_id.get(text.strip().upper())
    if task is None:
        raise UsageError(f"unknown task '{text}'{_suggest(text.strip().upper(), list(plan.tasks_by_id))}")
    return task


def find_indicator(plan: Plan, text: str) -> Indicator:
    indicator = plan.indicators_by_id.get(text.strip().lower())
    if indicator is None:
        raise UsageError(
            f"unknown indicator '{text}'{_suggest(text.strip().lower(), list(plan.indicators_by_id))}"
        )
    return indicator


def find_item(plan: Plan, text: str) -> Task | Indicator:
    """A task or, failing that, an indicator: `mark` records progress on either."""
    key = text.strip()
    if key.upper() in plan.tasks_by_id:
        return plan.tasks_by_id[key.upper()]
    if key.lower() in plan.indicators_by_id:
        return plan.indicators_by_id[key.lower()]
    choices = list(plan.tasks_by_id) + list(plan.indicators_by_id)
    hint = _suggest(key.upper(), choices) or _suggest(key.lower(), choices)
    raise UsageError(f"unknown task or indicator '{text}'{hint}")


def find_area(plan: Plan, text: str) -> Area:
    """An area by slug, Chinese or English name, or an unambiguous prefix of any of them."""
    key = text.strip().casefold()
    for area in plan.areas:
        if key in (area.slug, area.name_zh.casefold(), area.name_en.casefold()):
            return area
    matches = [
        a
        for a in plan.areas
        if key and any(name.casefold().startswith(key) for name in (a.slug, a.name_zh, a.name_en))
    ]
    if len(matches) == 1:
        return matches[0]
    listing = ", ".join(f"{a.slug} ({a.name_zh})" for a in plan.areas)
    if matches:
        raise UsageError(f"area '{text}' is ambiguous: it could be {', '.join(a.slug for a in matches)}")
    raise UsageError(f"unknown area '{text}'; the areas are {listing}")


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
    path = Path(path) if path is not None else shipped_catalogue()
    documents: list[tuple[Path, dict[str, Any], str]] = []
    problems: list[str] = []
    for file in catalogue_files(path):
        try:
            parsed, text = tomlfile.load(file, "catalogue")
        except DataError as exc:
            problems.append(exc.message)
            continue
        documents.append((file, parsed, text))
    if problems:
        raise _invalid(path, problems)
    builder = _Builder(documents)
    plan = builder.build(str(path))
    if builder.problems or plan is None:
        raise _invalid(path, builder.problems)
    return plan


def _invalid(path: Path, problems: list[str]) -> DataError:
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    return DataError(f"catalogue {path} is invalid ({count}): {problems[0]}", problems=problems)


class _Entry:
    """One table of the catalogue, with what is needed to say where it stands in its file."""

    def __init__(self, kind: str, data: Any, file: Path, text: str, index: int):
        self.kind, self.data, self.file, self.text, self.index = kind, data, file, text, index

    @property
    def label(self) -> str:
        name = self.data.get("id", self.data.get("slug")) if isinstance(self.data, dict) else None
        return f"{self.kind} '{name}'" if isinstance(name, str) else f"{self.kind} #{self.index + 1}"

    def where(self) -> str:
        """file:line of this entry: the line of its id, else of its table header."""
        lines = self.text.splitlines()
        name = self.data.get("id", self.data.get("slug")) if isinstance(self.data, dict) else None
        if isinstance(name, str):
            pattern = re.compile(r'^\s*(id|slug)\s*=\s*["\']' + re.escape(name) + r'["\']')
            for number, line in enumerate(lines, 1):
                if pattern.match(line):
                    return f"{self.file}:{number}"
        header = re.compile(r"^\s*\[\[\s*" + re.escape(self.kind) + r"\s*\]\]")
        seen = -1
        for number, line in enumerate(lines, 1):
            if header.match(line):
                seen += 1
                if seen == self.index:
                    return f"{self.file}:{number}"
        return str(self.file)


class _Builder:
    """Turns parsed TOML into a Plan, collecting every problem instead of stopping at the first."""

    _KNOWN = {
        "plan": {"id", "name_zh", "name_en", "issuer_zh", "issuer_en", "year", "start", "end", "lights"},
        "documents": {"id", "title_zh", "title_en", "date", "file"},
        "areas": {"slug", "name_zh", "name_en", "section"},
        "tasks": {
            "id", "area", "title_zh", "title_en", "lead_zh", "lead_en", "start", "deadline", "target",
            "baseline", "links", "note_zh", "note_en", "source",
        },
        "indicators": {
            "id", "area", "name_zh", "name_en", "value", "unit_zh", "unit_en", "as_of", "as_of_label_zh",
            "as_of_label_en", "qualifier", "state_zh", "state_en", "source",
        },
    }

    def __init__(self, documents: list[tuple[Path, dict[str, Any], str]]):
        self.documents = documents
        self.problems: list[str] = []

    def problem(self, entry: _Entry, message: str) -> None:
        self.problems.append(f"{entry.where()}: {entry.label}: {message}")

    # -- typed field readers: each returns None (and records a problem) when the value is unusable

    def text(self, entry: _Entry, key: str, *, required: bool = True, data: Any = None) -> str | None:
        data = entry.data if data is None else data
        if key not in data:
            if required:
                self.problem(entry, f"missing field '{key}'")
            return None
        value = data[key]
        if not isinstance(value, str):
            self.problem(entry, f"field '{key}' must be text, not {_type_name(value)}")
            return None
        if required and not value.strip():
            self.problem(entry, f"field '{key}' is empty")
            return None
        return value

    def number(self, entry: _Entry, key: str, *, data: Any = None, required: bool = True) -> float | None:
        data = entry.data if data is None else data
        if key not in data:
            if required:
                self.problem(entry, f"missing field '{key}'")
            return None
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(entry, f"field '{key}' must be a number, not {_type_name(value)}")
            return None
        if not math.isfinite(value):
            self.problem(entry, f"field '{key}' must be a finite number, not {value}")
            return None
        return value

    def day(self, entry: _Entry, key: str, *, required: bool = True) -> date | None:
        if key not in entry.data:
            if required:
                self.problem(entry, f"missing field '{key}'")
            return None
        value = entry.data[key]
        if isinstance(value, date) and not hasattr(value, "hour"):
            return value
        if isinstance(value, str):
            self.problem(entry, f"field '{key}' must be a TOML date such as 2006-09-30 (no quotes), not the text {value!r}")
        else:
            self.problem(entry, f"field '{key}' must be a date such as 2006-09-30, not {_type_name(value)}")
        return None

    def choice(self, entry: _Entry, key: str, choices: tuple[str, ...], *, data: Any = None, required: bool = True) -> str | None:
        value = self.text(entry, key, data=data, required=required)
        if value is not None and value not in choices:
            self.problem(entry, f"{key} '{value}' is not one of {', '.join(choices)}")
            return None
        return value

    def unknown_keys(self, entry: _Entry, data: dict[str, Any], known: set[str], where: str = "") -> None:
        for key in data:
            if key not in known:
                hint = difflib.get_close_matches(key, sorted(known), n=1)
                suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
                self.problem(entry, f"unknown field '{where}{key}'{suggestion}")

    def table(self, entry: _Entry, key: str) -> dict[str, Any] | None:
        if key not in entry.data:
            self.problem(entry, f"missing field '{key}'")
            return None
        value = entry.data[key]
        if not isinstance(value, dict):
            self.problem(entry, f"field '{key}' must be a table, not {_type_name(value)}")
            return None
        return value

    # -- the parts of a catalogue

    def entries(self, kind: str) -> list[_Entry]:
        found: list[_Entry] = []
        for file, parsed, text in self.documents:
            value = parsed.get(kind, [])
            if not isinstance(value, list):
                self.problems.append(f"{file}: '{kind}' must be an array of tables ([[{kind}]])")
                continue
            for index, item in enumerate(value):
                entry = _Entry(kind, item, file, text, index)
                if not isinstance(item, dict):
                    self.problem(entry, f"must be a table, not {_type_name(item)}")
                    continue
                self.unknown_keys(entry, item, self._KNOWN[kind])
                found.append(entry)
        return found

    def build(self, label: str) -> Plan | None:
        heads = [(f, p, t) for f, p, t in self.documents if "plan" in p]
        for file, parsed, _ in self.documents:
            for key in parsed:
                if key not in ("schema", "plan", "documents", "areas", "tasks", "indicators"):
                    self.problems.append(f"{file}: unknown top-level key '{key}'")
        if len(heads) != 1:
            where = ", ".join(str(f) for f, _, _ in (heads or self.documents))
            self.problems.append(
                f"{where}: a catalogue needs exactly one [plan] table; found {len(heads)}"
            )
            return None
        file, parsed, text = heads[0]
        head = _Entry("plan", parsed["plan"], file, text, 0)
        schema = parsed.get("schema")
        if schema != SCHEMA_VERSION:
            self.problems.append(
                f"{file}: schema must be {SCHEMA_VERSION}, not {schema!r}" if schema is not None
                else f"{file}: missing 'schema = {SCHEMA_VERSION}' at the top of the file"
            )
        if not isinstance(head.data, dict):
            self.problems.append(f"{file}: [plan] must be a table")
            return None
        self.unknown_keys(head, head.data, self._KNOWN["plan"])
        start, end = self.day(head, "start"), self.day(head, "end")
        if start and end and end < start:
            self.problem(head, f"end {end} is before start {start}")
        lights = self.lights(head)
        documents = self.documents_()
        areas = self.areas()
        indicators = self.indicators({a.slug for a in areas}, {d.id for d in documents})
        tasks = self.tasks(start, end, {a.slug for a in areas}, {d.id for d in documents}, indicators)
        year = head.data.get("year")
        if "year" not in head.data:
            self.problem(head, "missing field 'year'")
        elif isinstance(year, bool) or not isinstance(year, int):
            self.problem(head, f"field 'year' must be a whole number such as 2006, not {_type_name(year)}")
        values = {k: self.text(head, k) for k in ("id", "name_zh", "name_en", "issuer_zh", "issuer_en")}
        if self.problems or None in values.values() or start is None or end is None or lights is None:
            return None
        return Plan(
            year=year, start=start, end=end, lights=lights, documents=tuple(documents), areas=tuple(areas),
            tasks=tuple(tasks), indicators=tuple(indicators.values()), path=label, **values,
        )

    def lights(self, head: _Entry) -> Lights | None:
        table = self.table(head, "lights")
        if table is None:
            return None
        self.unknown_keys(head, table, {"yellow_behind", "red_behind"}, "lights.")
        yellow = self.number(head, "yellow_behind", data=table)
        red = self.number(head, "red_behind", data=table)
        if yellow is None or red is None:
            return None
        if not 0 <= yellow <= red <= 100:
            self.problem(head, f"lights need 0 <= yellow_behind <= red_behind <= 100, not {yellow} and {red}")
            return None
        return Lights(yellow_behind=yellow, red_behind=red)

    def unique(self, entry: _Entry, value: str | None, seen: dict[str, _Entry], pattern: re.Pattern[str], what: str) -> bool:
        if value is None:
            return False
        if not pattern.match(value):
            self.problem(entry, f"{what} '{value}' must be {_PATTERN_WORDS[pattern.pattern]}")
            return False
        if value in seen:
            self.problem(entry, f"duplicate {what} '{value}' (first at {seen[value].where()})")
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
            if ok and None not in fields:
                result.append(Document(id_, fields[0], fields[1], fields[2], file))
        return result

    def areas(self) -> list[Area]:
        result, seen = [], {}
        for entry in self.entries("areas"):
            slug = self.text(entry, "slug")
            ok = self.unique(entry, slug, seen, _SLUG, "area slug")
            fields = [self.text(entry, k) for k in ("name_zh", "name_en", "section")]
            if ok and None not in fields:
                result.append(Area(slug, *fields))
        if not seen and not self.problems:
            self.problems.append("the catalogue has no [[areas]]")
        return result

    def source(self, entry: _Entry, documents: set[str]) -> Source | None:
        table = self.table(entry, "source")
        if table is None:
            return None
        self.unknown_keys(entry, table, {"document", "section", "quote"}, "source.")
        document = self.text(entry, "document", data=table)
        section = self.text(entry, "section", data=table)
        quote = self.text(entry, "quote", data=table)
        if document is not None and document not in documents:
            self.problem(entry, f"source document '{document}' is not among the [[documents]]{_suggest(document, sorted(documents))}")
            return None
        if quote is not None and len(quote) > MAX_QUOTE:
            self.problem(entry, f"source quote is {len(quote)} characters; keep it to {MAX_QUOTE}")
            return None
        if None in (document, section, quote):
            return None
        return Source(document, section, quote)

    def area_of(self, entry: _Entry, areas: set[str]) -> str | None:
        area = self.text(entry, "area")
        if area is not None and area not in areas:
            self.problem(entry, f"unknown area '{area}'{_suggest(area, sorted(areas))}")
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
            if ok and area and None not in names and as_of and source:
                result[id_] = Indicator(
                    id=id_, area=area, name_zh=names[0], name_en=names[1], as_of=as_of, source=source,
                    value=value, unit_zh=units[0], unit_en=units[1], qualifier=qualifier,
                    state_zh=states[0], state_en=states[1], **optional,
                )
        return result

    def target(self, entry: _Entry) -> Target | None:
        table = self.table(entry, "target")
        if table is None:
            return None
        kind = self.choice(entry, "kind", TARGET_KINDS, data=table)
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
        if kind == "milestone":
            event = self.choice(entry, "event", MILESTONE_EVENTS, data=table)
            return Target(kind, event=event) if event else None
        if kind == "qualitative":
            return Target(kind)
        direction = self.choice(entry, "direction", DIRECTIONS, data=table)
        if kind == "percent":
            value = self.number(entry, "value", data=table)
            if value is not None and not 0 < value <= 100:
                self.problem(entry, f"a percent target must be above 0 and at most 100, not {value}")
                return None
            return Target(kind, value=value, unit_zh="%", unit_en="%", direction=direction) if value is not None and direction else None
        units = [self.text(entry, "unit_zh", data=table), self.text(entry, "unit_en", data=table)]
        if kind == "count":
            value = self.number(entry, "value", data=table)
            if value is not None and value <= 0:
                self.problem(entry, f"a count target must be above 0, not {value}")
                return None
            if value is None or None in units or not direction:
                return None
            return Target(kind, value=value, unit_zh=units[0], unit_en=units[1], direction=direction)
        low, high = self.number(entry, "min", data=table), self.number(entry, "max", data=table)
        if low is not None and high is not None:
            if low <= 0:
                self.problem(entry, f"a range target's min must be above 0, not {low}")
                return None
            if low > high:
                self.problem(entry, f"range min {low} is above max {high}")
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
            id_ = self.text(entry, "id")
            ok = self.unique(entry, id_, seen, _TASK_ID, "task id")
            area = self.area_of(entry, areas)
            titles = [self.text(entry, "title_zh"), self.text(entry, "title_en")]
            start = self.day(entry, "start", required=False) or plan_start
            deadline = self.day(entry, "deadline", required=False) or plan_end
            if start and deadline and deadline < start:
                self.problem(entry, f"deadline {deadline} is before its start {start}")
                ok = False
            target = self.target(entry)
            source = self.source(entry, documents)
            baseline = self.text(entry, "baseline", required=False)
            if baseline is not None:
                ok = self.check_baseline(entry, baseline, target, indicators) and ok
            links = entry.data.get("links", [])
            if not isinstance(links, list) or not all(isinstance(x, str) for x in links):
                self.problem(entry, "field 'links' must be a list of indicator ids")
                links = []
            for link in links:
                if link not in indicators:
                    self.problem(entry, f"links to unknown indicator '{link}'{_suggest(link, sorted(indicators))}")
                    ok = False
            optional = {k: self.text(entry, k, required=False) for k in ("lead_zh", "lead_en", "note_zh", "note_en")}
            if ok and area and None not in titles and start and deadline and target and source:
                result.append(Task(
                    id=id_, area=area, title_zh=titles[0], title_en=titles[1], start=start, deadline=deadline,
                    target=target, source=source, baseline=baseline, links=tuple(links), **optional,
                ))
        return result

    def check_baseline(self, entry: _Entry, baseline: str, target: Target | None, indicators: dict[str, Indicator]) -> bool:
        indicator = indicators.get(baseline)
        if indicator is None:
            self.problem(entry, f"baseline is an unknown indicator '{baseline}'{_suggest(baseline, sorted(indicators))}")
            return False
        if target is None:
            return True
        if not target.numeric or indicator.value is None:
            self.problem(entry, f"baseline '{baseline}' needs a numeric target and a numeric indicator; use 'links' instead")
            return False
        if indicator.unit_zh != target.unit_zh:
            self.problem(
                entry, f"baseline '{baseline}' is in {indicator.unit_zh} but the target is in {target.unit_zh}; use 'links' instead"
            )
            return False
        return True


_PATTERN_WORDS = {
    _TASK_ID.pattern: "capital letters and digits joined by '-', such as EGOV-08",
    _INDICATOR_ID.pattern: "lowercase letters and digits joined by '-', such as county-portal-share",
}


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, date):
        return f"the date {value}"
    return type(value).__name__
