"""The notices (催办通知) of `due --letters`: one Markdown file per unit, worded by a template file.

The wording belongs to the office, so it lives in one TOML file with a Chinese and an English
version (sdpolicy/templates/notice.toml, or the workspace's notice.toml, or --template). The
template is the office's own Markdown and is used as it is; everything taken from the data (unit
names, task titles) is escaped for Markdown before it goes in.
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

from sdpolicy import tomlfile
from sdpolicy.errors import DataError
from sdpolicy.i18n import pair, t
from sdpolicy.render import words
from sdpolicy.render.markdown import cell

PLACES = ("unit", "period", "due", "count", "tasks", "plan", "issuer", "as_of")
NAME = "notice.toml"


def shipped_template() -> Path:
    return Path(__file__).resolve().parent.parent / "templates" / NAME


def template_path(given: Path | None, home: Path) -> Path:
    if given is not None:
        return given
    own = home / NAME
    return own if own.is_file() else shipped_template()


def load_template(path: Path, lang: str) -> tuple[string.Template, string.Template]:
    """The title and body for `lang`, checked: every $word must be one sdpolicy fills in."""
    parsed, text = tomlfile.load(path, "notice template")
    section = parsed.get(lang)
    if not isinstance(section, dict):
        raise DataError(f"{path}: the notice template has no [{lang}] table with a title and a body")
    found = []
    for key in ("title", "body"):
        value = section.get(key)
        if not isinstance(value, str):
            raise DataError(f"{path}: [{lang}] needs '{key}' as text, not {tomlfile.describe(value)}")
        template = string.Template(value)
        for match in template.pattern.finditer(value):
            name = match.group("named") or match.group("braced")
            if match.group("invalid") is not None or (name is not None and name not in PLACES):
                line = _line_of(text, value, match.start())
                shown = name if name is not None else value[match.start():match.start() + 2]
                raise DataError(
                    f"{path}:{line}: unknown placeholder '${shown}' in [{lang}] {key}; "
                    f"use {', '.join('$' + p for p in PLACES)}, or $$ for a dollar sign"
                )
        found.append(template)
    return found[0], found[1]


def _line_of(text: str, value: str, offset: int) -> int:
    # The value's first line is enough to find it in the file; the offset counts lines within it.
    first = value.lstrip("\n").split("\n", 1)[0]
    start = text.find(first) if first else -1
    base = text.count("\n", 0, start) + 1 if start >= 0 else 1
    return base + value.lstrip("\n")[: max(offset - (len(value) - len(value.lstrip("\n"))), 0)].count("\n")


def task_line(row: dict[str, Any], lang: str) -> str:
    last = words.day(row["last"], lang) if row["last"] else t("never_reported", lang)
    if lang == "zh":
        tail = f"（最近报送：{last}；连续未报送 {row['missed']} 期）"
    else:
        tail = f" (last report: {last}; {row['missed']} period{'s' if row['missed'] != 1 else ''} missed)"
    return f"- {row['id']} {cell(words.title(row, lang))}{tail}"


def file_name(group: dict[str, Any], period: str) -> str:
    """A file name from the unit's name: letters, digits and CJK kept, anything else a '_'."""
    name = group["unit_zh"] or t("no_unit", "zh")
    safe = re.sub(r"[^\w\u3400-\u9fff-]+", "_", name, flags=re.ASCII).strip("_") or "unit"
    return f"{period}-{safe}.md"


def notices(view: dict[str, Any], plan: Any, lang: str, template: tuple[string.Template, string.Template]) -> dict[str, str]:
    """File name → Markdown text, one per unit of the due view (tasks with no unit get none: there is
    nobody to send it to)."""
    title, body = template
    period = view["period"]
    out = {}
    for group in view["units"]:
        if group["unit_zh"] is None:
            continue
        from sdpolicy.render.terminal import unit_name

        values = {
            "unit": cell(unit_name(group, lang)),
            "period": words.period_label(period["label"], lang),
            "due": words.day(period["due"], lang),
            "count": str(len(group["tasks"])),
            "tasks": "\n".join(task_line(r, lang) for r in group["tasks"]),
            "plan": cell(pair(plan, "name", lang)),
            "issuer": cell(pair(plan, "issuer", lang)),
            "as_of": words.day(view["as_of"], lang),
        }
        text = f"# {title.substitute(values)}\n\n{body.substitute(values).strip()}\n"
        out[file_name(group, period["label"])] = text
    return out


def write_notices(view: dict[str, Any], plan: Any, lang: str, directory: Path, given: Path | None, home: Path) -> list[Path]:
    """Every notice rendered first (a template error writes nothing), then each written whole."""
    from sdpolicy.errors import WriteError
    from sdpolicy.output import protected_files, write_text

    texts = notices(view, plan, lang, load_template(template_path(given, home), lang))
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"could not create {directory}: {exc.strerror or exc}") from None
    # As with report -o: never over the store, the units or a catalogue file.
    keep = protected_files([home, Path(plan.path)] if plan.path else [home])
    written = []
    for name, text in texts.items():
        write_text(directory / name, text, protect=keep)
        written.append(directory / name)
    return written
