"""The office's units (牵头单位, 配合单位) and who was assigned which task.

Two files of the workspace, both plain TOML that may be edited by hand:

- `units.toml`: the units the office adds to the starter list that ships with sdpolicy (the 17
  cities and the units the plan and the review name). Each `[[unit]]` has a Chinese name (the
  canonical one, stored in records), an English name, aliases and a kind.
- `assignments.toml`: an append-only log, one entry per line as in the progress store, so that an
  entry is never rewritten and a git union merge keeps both sides' entries. An entry with `lead`
  assigns a task; a reassignment is a later entry, and the latest one (by date, then by when it
  was written) is in effect.

Nothing here imports Typer or Rich; problems are DataError or UsageError with file:line:col.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, NamedTuple

from sdpolicy import tomlfile
from sdpolicy.asof import dated_by
from sdpolicy.errors import DataError, UsageError

UNITS_NAME = "units.toml"
ASSIGNMENTS_NAME = "assignments.toml"
KINDS = ("department", "city", "county", "other")
KIND_WORDS = {"department": "省直部门", "city": "市", "county": "县（市、区）", "other": "其他"}
UNIT_FIELDS = ("zh", "en", "aliases", "kind", "source", "note")
SOURCE_FIELDS = ("document", "quote")
MAX_NAME = 60
MAX_NOTE = 2000


class Unit(NamedTuple):
    zh: str  # the canonical name: what records and assignments store
    en: str = ""
    aliases: tuple[str, ...] = ()
    kind: str = "other"
    source_document: str | None = None
    source_quote: str | None = None
    note: str = ""
    where: str = ""  # file:line of its [[unit]] header, for messages
    starter: bool = False  # shipped with sdpolicy rather than added by the office

    @property
    def names(self) -> tuple[str, ...]:
        return (self.zh, *((self.en,) if self.en else ()), *self.aliases)


def name_problem(name: str) -> tuple[str, str] | None:
    """What is wrong with a unit's name, in English and Chinese, or None if nothing is.

    The one rule for every name that goes into units.toml or the assignments log: `units add`, a list
    edited by hand, and an entry's lead, cooperating units and `by`. A control character (C0, DEL, or
    C1 such as U+009B, a one-byte CSI to some terminals) would be shown as \\xNN wherever the name is
    printed and could not be typed back after --unit; an invisible format character (a zero-width
    space, a bidi override) would make a second unit that looks like the first. What counts as either
    is sanitise's rule.
    """
    from sdpolicy.sanitise import first_hidden, is_format

    if not name.strip():
        return "a unit's name cannot be blank", "单位名称不能为空"
    if len(name) > MAX_NAME:
        return (f"the name '{name[:20]}…' is {len(name)} characters; keep names to {MAX_NAME}",
                f"名称“{name[:20]}…”有 {len(name)} 个字符，不能超过 {MAX_NAME} 个")
    found = first_hidden(name)
    if found:
        what, what_zh = (("an invisible format character", "不可见的格式字符") if is_format(found)
                         else ("a control character", "控制字符"))
        return (f"the name {name!r} holds {what}; a unit's name is one line of plain text",
                f"名称 {name!r} 含有{what_zh}；单位名称须为一行普通文字")
    return None


def _fold(name: str) -> str:
    # Full-width spaces and case do not make another unit: "省 安监局" and "Jinan" match as typed otherwise.
    return re.sub(r"\s+", "", name).casefold()


class Units:
    """The starter list and the workspace's own units, with every name and alias resolved."""

    def __init__(self, units: Iterable[Unit]):
        self.units: tuple[Unit, ...] = tuple(units)
        self._by_name: dict[str, Unit] = {}
        for unit in self.units:
            for name in unit.names:
                self._by_name.setdefault(_fold(name), unit)

    def __iter__(self) -> Any:
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)

    def get(self, text: str) -> Unit | None:
        """The unit this name or alias stands for, or None."""
        return self._by_name.get(_fold(text)) if text else None

    def canonical(self, text: str) -> str:
        """The canonical name of a known unit, else the text as typed (for names the list lacks)."""
        unit = self.get(text)
        return unit.zh if unit else text

    def closest(self, text: str) -> list[Unit]:
        """Up to three units whose names are close to `text`, the closest first."""
        folded = _fold(text)
        scored: dict[str, tuple[float, Unit]] = {}
        for name, unit in self._by_name.items():
            if not folded:
                break
            ratio = difflib.SequenceMatcher(None, folded, name).ratio()
            # A short name inside a long one (济南 in 济南市) is close whatever the ratio says.
            if folded in name or name in folded:
                ratio = max(ratio, 0.8)
            if ratio >= 0.6 and ratio > scored.get(unit.zh, (0.0, unit))[0]:
                scored[unit.zh] = (ratio, unit)
        ranked = sorted(scored.values(), key=lambda pair: (-pair[0], pair[1].zh))
        return [unit for _, unit in ranked[:3]]

    def find(self, text: str, option: str = "--unit") -> Unit:
        """The unit named, or UsageError with the closest matches."""
        unit = self.get(text)
        if unit is not None:
            return unit
        close = self.closest(text)
        listed = [f"{u.zh} ({u.en})" if u.en else u.zh for u in close]
        hint_en = f"; did you mean {_or_list(listed)}?" if listed else ""
        hint_zh = f"；是否要找 {'、'.join(u.zh for u in close)}？" if close else "；"
        raise UsageError(
            f"unknown unit '{text}' for {option}{hint_en} See `sdpolicy units`; add it with `sdpolicy units add`",
            zh=f"{option} 指定的单位“{text}”不在单位名单中{hint_zh}查看名单用 sdpolicy units，添加用 sdpolicy units add",
        )


def _or_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


# ---------------------------------------------------------------------------------------------
# The list of units


def starter_path() -> Path:
    """The starter list that ships with sdpolicy (checked against the sources with the catalogue)."""
    from sdpolicy.catalogue import shipped_catalogue

    return shipped_catalogue() / "units" / "starter.toml"


def units_path(home: Path) -> Path:
    return Path(home) / UNITS_NAME


def load_units(home: Path | None) -> Units:
    """The starter list followed by the workspace's units.toml (if any); DataError lists every problem."""
    problems: list[str] = []
    units = _read_units_file(starter_path(), problems, starter=True)
    if home is not None and units_path(home).exists():
        units += _read_units_file(units_path(home), problems, starter=False, before=units)
    if problems:
        raise DataError(
            f"the list of units has {len(problems)} problem{'s' if len(problems) != 1 else ''}: {problems[0]}",
            problems=problems,
        )
    return Units(units)


def _read_units_file(path: Path, problems: list[str], *, starter: bool, before: list[Unit] | None = None) -> list[Unit]:
    try:
        document, text = tomlfile.load(path, "list of units")
    except DataError as exc:
        problems.append(exc.message)
        return []
    return check_units(document, text, path, problems, starter=starter, before=before or [])


def _header_lines(text: str) -> list[int]:
    """The line numbers of the `[[unit]]` headers, in order."""
    return [n for n, line in enumerate(text.split("\n"), 1) if re.match(r"\s*\[\[\s*unit\s*\]\]", line)]


def _key_place(text: str, start: int, key: str) -> tuple[int, int]:
    """Line and column of the value of `key` in the block that starts at line `start` (1-based)."""
    lines = text.split("\n")
    for number in range(start + 1, len(lines) + 1):
        line = lines[number - 1]
        if re.match(r"\s*\[", line):
            break
        match = re.match(rf"\s*{re.escape(key)}\s*=\s*", line)
        if match:
            return number, match.end() + 1
    return start, 1


def check_units(
    document: dict[str, Any], text: str, path: Path | str, problems: list[str], *, starter: bool = False,
    before: list[Unit] | None = None,
) -> list[Unit]:
    """The units of one parsed file; each problem is appended to `problems` as path:line:col: message."""
    found: list[Unit] = []
    placed: list[tuple[int, int, str]] = []  # sorted by place at the end, so the list reads top to bottom
    for key in document:
        if key != "unit":
            line, column = _top_key_place(text, key)
            placed.append((line, column, f"unknown key '{key}'; a list of units holds only [[unit]] tables"))
    entries = document.get("unit", [])
    if not isinstance(entries, list):
        line, column = _top_key_place(text, "unit")
        placed.append((line, column, "'unit' must be written as [[unit]] tables"))
        entries = []
    headers = _header_lines(text)
    taken: dict[str, str] = {}
    for unit in before or []:
        for name in unit.names:
            taken.setdefault(_fold(name), f"{unit.zh} ({unit.where})")
    for index, entry in enumerate(entries):
        start = headers[index] if index < len(headers) else 1
        where = f"{path}:{start}"

        def bad(key: str | None, message: str) -> None:
            line, column = _key_place(text, start, key) if key else (start, 1)
            placed.append((line, column, message))

        if not isinstance(entry, dict):
            bad(None, "each unit must be a [[unit]] table")
            continue
        for key in entry:
            if key not in UNIT_FIELDS:
                hint = difflib.get_close_matches(key, UNIT_FIELDS, n=1)
                bad(key, f"unknown field '{key}'" + (f"; did you mean '{hint[0]}'?" if hint else f"; a unit has {', '.join(UNIT_FIELDS)}"))
        zh = entry.get("zh")
        if not isinstance(zh, str) or not zh.strip():
            bad("zh" if "zh" in entry else None, "every unit needs its Chinese name as zh = \"…\"" if "zh" not in entry else f"zh must be a name, not {tomlfile.describe(zh)}")
            continue
        en = entry.get("en", "")
        if not isinstance(en, str):
            bad("en", f"en must be text, not {tomlfile.describe(en)}")
            en = ""
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            bad("aliases", "aliases must be a list of names, such as [\"省安监局\"]")
            aliases = []
        kind = entry.get("kind", "other")
        if kind not in KINDS:
            bad("kind", f"kind must be {_or_list([repr(k) for k in KINDS])}, not {tomlfile.describe(kind)}")
            kind = "other"
        note = entry.get("note", "")
        if not isinstance(note, str):
            bad("note", f"note must be text, not {tomlfile.describe(note)}")
            note = ""
        source = entry.get("source")
        document_id = quote = None
        if source is not None:
            if not isinstance(source, dict) or not all(isinstance(source.get(k), str) for k in SOURCE_FIELDS) or set(source) - set(SOURCE_FIELDS):
                bad("source", 'source must be { document = "…", quote = "…" }')
            else:
                document_id, quote = source["document"], source["quote"]
        names = [zh, *([en] if en else []), *aliases]
        for name in names:
            problem = name_problem(name)
            if problem:
                bad(None, problem[0])
        clash = False
        for name in dict.fromkeys(_fold(n) for n in names):
            if name in taken:
                bad(None, f"the name '{name}' of {zh} is already used by {taken[name]}; every name and alias must belong to one unit")
                clash = True
        if clash:
            continue
        unit = Unit(zh.strip(), en.strip(), tuple(a.strip() for a in aliases), kind, document_id, quote, note, where, starter)
        for name in unit.names:
            taken.setdefault(_fold(name), f"{unit.zh} ({where})")
        found.append(unit)
    problems.extend(f"{path}:{line}:{column}: {message}" for line, column, message in sorted(placed, key=lambda p: p[:2]))
    return found


def _top_key_place(text: str, key: str) -> tuple[int, int]:
    for number, line in enumerate(text.split("\n"), 1):
        match = re.match(rf"\s*{re.escape(key)}\s*=", line) or re.match(rf"\s*\[+\s*{re.escape(key)}\s*\]", line)
        if match:
            return number, len(line) - len(line.lstrip()) + 1
    return 1, 1


def unit_block(unit: Unit) -> str:
    """The [[unit]] table `units add` appends, written with tomli_w's escaping."""
    data: dict[str, Any] = {"zh": unit.zh}
    if unit.en:
        data["en"] = unit.en
    if unit.aliases:
        data["aliases"] = list(unit.aliases)
    data["kind"] = unit.kind
    if unit.note:
        data["note"] = unit.note
    return "\n[[unit]]\n" + "".join(f"{key} = {_inline(value)}\n" for key, value in data.items())


UNITS_HEADER = (
    "# The units of this office, added to the starter list that ships with sdpolicy (sdpolicy units).\n"
    "# Each [[unit]] has zh (the canonical Chinese name), en, aliases and kind\n"
    f"# ({', '.join(KINDS)}). Edit by hand if you like; sdpolicy check validates it.\n"
)


def add_unit(home: Path, unit: Unit, *, lock_timeout: float | None = None) -> Unit:
    """Append a unit to the workspace's units.toml under the workspace lock; UsageError if a name is taken."""
    from sdpolicy import store
    from sdpolicy.output import write_bytes

    # Checked as typed, before stripping: str.strip() takes U+0085 and U+001C-U+001F for spaces.
    for name in unit.names:
        problem = name_problem(name)
        if problem:
            raise UsageError(problem[0], zh=problem[1])
    unit = unit._replace(zh=unit.zh.strip(), en=unit.en.strip(), aliases=tuple(a.strip() for a in unit.aliases))
    path = units_path(home)
    with store.workspace_lock(home, lock_timeout):
        known = load_units(home)
        for name in unit.names:
            other = known.get(name)
            if other is not None:
                raise UsageError(
                    f"the name '{name}' already belongs to {other.zh}; every name and alias must belong to one unit",
                    zh=f"名称“{name}”已属于 {other.zh}；每个名称和简称只能属于一个单位",
                )
        block = unit_block(unit)
        problems: list[str] = []
        existing = path.read_text(encoding="utf-8") if path.exists() else UNITS_HEADER
        combined = existing + ("" if existing.endswith("\n") else "\n") + block
        # What is written must read back as the same unit: the check runs on the text as it will be.
        check_units(tomlfile.parse(combined, path), combined, path, problems, before=list(load_units(None)))
        if problems:
            raise DataError(problems[0], problems=problems)
        write_bytes(path, combined.encode("utf-8"))
    return unit


# ---------------------------------------------------------------------------------------------
# The assignments log


class Assignment(NamedTuple):
    """One entry of the log: `lead` (and `with`) for `task` from `date` on."""

    id: str
    task: str
    lead: str
    cooperating: tuple[str, ...]
    date: date  # from when it holds
    recorded_at: datetime
    note: str = ""
    by: str = ""
    extra: tuple[tuple[str, Any], ...] = ()  # fields registered by other features (time nodes)
    line: int = 0


# Fields other features may add to an assignment entry, each with a check that returns a problem or
# None: the time nodes of trajectories register theirs here rather than forking the format.
def _nodes_problem(value: Any) -> str | None:
    from sdpolicy.trajectory import node_field_problem

    return node_field_problem(value)


EXTRA_FIELDS: dict[str, Callable[[Any], str | None]] = {"nodes": _nodes_problem}
ASSIGNMENT_FIELDS = ("task", "lead", "with", "date", "note", "by", "recorded_at")

ASSIGNMENTS_HEADER = (
    "# sdpolicy assignments: who leads each task (牵头单位) and who cooperates (配合单位).\n"
    "# One entry per line; a reassignment is a new line and the latest in effect wins. Nothing is erased.\n"
    "# With 'assignments.toml merge=union' in .gitattributes, git keeps the entries of both sides.\n"
)
_ASSIGNMENT_ID = re.compile(r"a-[0-9a-z]{10}")


def assignments_path(home: Path) -> Path:
    return Path(home) / ASSIGNMENTS_NAME


def new_assignment_id() -> str:
    from sdpolicy.store import new_record_id

    return "a-" + new_record_id()[2:]


def _check_entry(data: dict[str, Any]) -> list[tuple[str | None, str]]:
    found: list[tuple[str | None, str]] = []
    for key in data:
        if key not in ASSIGNMENT_FIELDS and key not in EXTRA_FIELDS:
            hint = difflib.get_close_matches(key, ASSIGNMENT_FIELDS + tuple(EXTRA_FIELDS), n=1)
            found.append((key, f"unknown field '{key}'" + (f"; did you mean '{hint[0]}'?" if hint else "")))
    for key in ("task", "lead"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            found.append((key if key in data else None, f"field '{key}' must be a non-empty text" if key in data else f"has no '{key}'"))
    with_ = data.get("with", [])
    if not isinstance(with_, list) or not all(isinstance(u, str) and u.strip() for u in with_):
        found.append(("with", "field 'with' must be a list of unit names"))
    for key in ("note", "by"):
        if key in data and not isinstance(data[key], str):
            found.append((key, f"field '{key}' must be text, not {tomlfile.describe(data[key])}"))
    named = [("lead", data.get("lead")), *(("with", u) for u in with_ if isinstance(with_, list)), ("by", data.get("by") or None)]
    for key, name in named:
        problem = name_problem(name) if isinstance(name, str) and name.strip() else None
        if problem:
            found.append((key, f"field '{key}': {problem[0]}"))
    if isinstance(data.get("note"), str) and len(data["note"]) > MAX_NOTE:
        found.append(("note", f"the note is {len(data['note'])} characters; the limit is {MAX_NOTE}"))
    day = data.get("date")
    if not isinstance(day, date) or isinstance(day, datetime):
        found.append(("date" if "date" in data else None, "field 'date' must be a date such as 2006-03-01" if "date" in data else "has no 'date'"))
    stamp = data.get("recorded_at")
    if not isinstance(stamp, datetime) or stamp.tzinfo is None:
        found.append(("recorded_at" if "recorded_at" in data else None, "field 'recorded_at' must be a date and time with its zone, such as 2006-03-01T08:00:00Z"))
    for key, check in EXTRA_FIELDS.items():
        if key in data:
            problem = check(data[key])
            if problem:
                found.append((key, problem))
    return found


def read_assignments(home: Path) -> list[Assignment]:
    """Every entry of the log in file order; DataError lists every problem with file:line:col."""
    path = assignments_path(home)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        from sdpolicy.errors import MissingInputError

        raise MissingInputError(f"assignments log {path} cannot be read: {exc.strerror or exc}") from None
    return parse_assignments(data, path)


def parse_assignments(data: bytes, path: Path | str) -> list[Assignment]:
    import tomllib

    text = tomlfile.decode(data, path)
    lines = text.split("\n")
    problems: list[str] = []
    entries: list[Assignment] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(lines):
        number = index + 1
        line = raw.removesuffix("\r")
        stripped = line.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        column = len(line) - len(stripped) + 1
        try:
            parsed = tomllib.loads(line + "\n")
        except tomllib.TOMLDecodeError as exc:
            if index == len(lines) - 1:
                continue  # an unfinished last line of an interrupted write: never reported as written
            reason = str(exc).replace("(at end of document)", f"(at line 1, column {len(line) + 1})")
            problems.append(tomlfile.position_message(reason, path, line, number - 1))
            continue
        if len(parsed) != 1:
            problems.append(f"{path}:{number}:{column}: one entry per line, written as id = {{ … }}")
            continue
        ((key, value),) = parsed.items()
        if key in seen:
            problems.append(f"{path}:{number}:{column}: entry id '{key}' is already used on line {seen[key]}; give one of them a new id")
            continue
        seen[key] = number
        if not isinstance(value, dict):
            problems.append(f"{path}:{number}:{column}: '{key}' is not an entry: each line is id = {{ task = …, lead = …, … }}")
            continue
        found = _check_entry(value)
        if found:
            for field, message in found:
                where = column if field is None else (line.find(f"{field} =", len(key)) + 1 or column)
                problems.append(f"{path}:{number}:{where}: entry '{key}': {message}")
            continue
        entries.append(Assignment(
            key, value["task"].strip(), value["lead"].strip(), tuple(u.strip() for u in value.get("with", [])),
            value["date"], value["recorded_at"].astimezone(timezone.utc), value.get("note", ""), value.get("by", ""),
            tuple((k, value[k]) for k in EXTRA_FIELDS if k in value), number,
        ))
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        raise DataError(f"assignments log {path} is damaged ({count}): {problems[0]}", problems=problems)
    return entries


def assignment_line(entry: Assignment) -> str:
    if not _ASSIGNMENT_ID.fullmatch(entry.id):
        raise DataError(f"cannot write assignment '{entry.id}': its id must be 'a-' and 10 lowercase letters or digits")
    data: dict[str, Any] = {"task": entry.task, "lead": entry.lead}
    if entry.cooperating:
        data["with"] = list(entry.cooperating)
    data["date"] = entry.date
    if entry.note:
        data["note"] = entry.note
    if entry.by:
        data["by"] = entry.by
    data.update(dict(entry.extra))
    found = _check_entry({**data, "recorded_at": entry.recorded_at})
    if found:
        raise DataError(f"cannot write assignment '{entry.id}': {found[0][1]}")
    # tomli_w would write a nested table as [v]; one line needs it inline, so values are written one by one.
    inline = ", ".join(f"{k} = {_inline(v)}" for k, v in data.items())
    stamp = entry.recorded_at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    line = f"{entry.id} = {{ {inline}, recorded_at = {stamp} }}"
    if "\n" in line or "\r" in line:
        raise DataError(f"cannot write assignment '{entry.id}': its line would break in two")
    return line


def _inline(value: Any) -> str:
    import tomli_w

    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_inline(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    return tomli_w.dumps({"v": value})[len("v = "):-1]


def append_assignments(home: Path, entries: list[Assignment], *, lock_timeout: float | None = None) -> list[Assignment]:
    """Append entries to the log under the workspace lock: one write, one fsync, all or none."""
    if not entries:
        return []
    return append_new_assignments(home, lambda existing: entries, lock_timeout=lock_timeout)


def append_new_assignments(
    home: Path, choose: Callable[[list[Assignment]], list[Assignment]], *, lock_timeout: float | None = None
) -> list[Assignment]:
    """Append the entries `choose` picks, given the log as it is under the workspace lock: an import
    judges its rows there, so that two runs importing the same sheet side by side record it once."""
    from sdpolicy import store

    path = assignments_path(home)
    with store.workspace_lock(home, lock_timeout):
        existing = read_assignments(home)
        entries = choose(existing)
        if not entries:
            return []
        lines = [assignment_line(entry) for entry in entries]
        taken = {e.id: e.line for e in existing}
        for entry in entries:
            if entry.id in taken:
                raise DataError(f"cannot write assignment '{entry.id}': {path}:{taken[entry.id]} already has an entry with that id")
        first = store.append_lines(path, lines, ASSIGNMENTS_HEADER)
    return [e._replace(recorded_at=e.recorded_at.astimezone(timezone.utc), line=first + i) for i, e in enumerate(entries)]


def make_assignment(
    task: str, lead: str, cooperating: Iterable[str] = (), *, on: date, note: str = "", by: str = "",
    now: datetime | None = None,
) -> Assignment:
    cooperating = tuple(dict.fromkeys(u for u in cooperating if u != lead))
    if len(note) > MAX_NOTE:
        raise UsageError(f"the note is {len(note)} characters; the limit is {MAX_NOTE}", zh=f"说明有 {len(note)} 个字符，上限为 {MAX_NOTE}")
    problem = name_problem(by) if by else None
    if problem:
        raise UsageError(f"--by: {problem[0]}", zh=f"--by：{problem[1]}")
    return Assignment(
        new_assignment_id(), task, lead, cooperating, on, now or datetime.now(timezone.utc), note, by,
    )


def in_effect(entries: Iterable[Assignment], as_of: date | None = None) -> dict[str, Assignment]:
    """The assignment of each task in effect at `as_of` (default: the latest): the latest by date, then
    by when it was written, then by id so that two merged clones agree."""
    current: dict[str, Assignment] = {}
    for entry in entries if as_of is None else dated_by(entries, as_of):
        held = current.get(entry.task)
        if held is None or (entry.date, entry.recorded_at, entry.id) > (held.date, held.recorded_at, held.id):
            current[entry.task] = entry
    return current


def history(entries: Iterable[Assignment], task: str) -> list[Assignment]:
    """A task's entries, oldest first in the order in_effect ranks them."""
    return sorted((e for e in entries if e.task == task), key=lambda e: (e.date, e.recorded_at, e.id))


def roles_of(unit: str, current: Mapping[str, Assignment], units: Units) -> dict[str, str]:
    """Task id → 'lead' or 'with' for one unit (by canonical name) in the assignments in effect."""
    roles: dict[str, str] = {}
    for task, entry in current.items():
        if units.canonical(entry.lead) == unit:
            roles[task] = "lead"
        elif unit in (units.canonical(u) for u in entry.cooperating):
            roles[task] = "with"
    return roles


def check_office(home: Path, tasks: Mapping[str, Any] | None) -> tuple[list[str], list[str]]:
    """For `sdpolicy check`: the problems of units.toml and assignments.toml (damage, an entry for a
    task the catalogue lacks), and warnings (a unit named in an entry but missing from the list)."""
    from sdpolicy.catalogue import suggest_en
    from sdpolicy.errors import SdpolicyError

    problems: list[str] = []
    warnings: list[str] = []
    try:
        known = load_units(home)
    except SdpolicyError as exc:
        problems.extend(exc.problems or [exc.message])
        known = None
    try:
        entries = read_assignments(home)
    except SdpolicyError as exc:
        return problems + (exc.problems or [exc.message]), warnings
    path = assignments_path(home)
    for entry in entries:
        if tasks is not None and entry.task not in tasks:
            problems.append(f"{path}:{entry.line}:1: entry '{entry.id}': unknown task '{entry.task}'{suggest_en(entry.task, list(tasks))}")
        for name in (entry.lead, *entry.cooperating):
            if known is not None and known.get(name) is None:
                warnings.append(f"{path}:{entry.line}:1: entry '{entry.id}': unit '{name}' is not in the list of units; add it with sdpolicy units add")
    return problems, warnings
