"""The Markdown briefing: GitHub-flavoured Markdown that any viewer renders."""

from __future__ import annotations

import re
from typing import Any

from sdpolicy.i18n import t
from sdpolicy.render import briefing, words

LIGHT_MARK = {"done": "✅", "green": "🟢", "yellow": "🟡", "red": "🔴", "grey": "⚪"}


# C0 controls but newline and tab, DEL and C1: shown as \xNN, never written raw into the file.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def cell(text: str) -> str:
    """Text that stays inside one table cell and shows as typed: pipes escaped, HTML tags shown rather
    than obeyed (a note may hold '<img …>'), line breaks as <br>, no control characters."""
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\r\n", "\n").replace("\n", "<br>")
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text).strip() or " "


def table(headers: list[str], rows: list[list[str]], align: list[str] | None = None) -> list[str]:
    align = align or ["l"] * len(headers)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def light(value: str, lang: str) -> str:
    return f"{LIGHT_MARK[value]} {words.light(value, lang)}"


def _table(table_: briefing.Table, lang: str) -> list[str]:
    rows = [[light(c.code, lang) if isinstance(c, briefing.Light) else c for c in row] for row in table_.rows]
    if table_.total:
        rows[-1][0] = f"**{rows[-1][0]}**"
    return table(table_.headers, rows, table_.align)


def render_report(view: dict[str, Any], lang: str) -> str:
    out: list[str] = [f"# {briefing.title(view, lang)}", "", briefing.byline(view, lang), ""]

    out += [f"## {t('summary', lang)}", ""]
    out += _table(briefing.summary(view, lang), lang)
    out.append("")

    out += [f"## {t('by_area', lang)}", ""]
    for area in briefing.areas(view, lang):
        counts = ", ".join(f"{light(mark.code, lang)} {count}" for mark, count in area.counts)
        out += [f"### {area.name}", "", f"{counts} · {area.overall}", ""]
        out += _table(area.tasks, lang)
        out.append("")

    out += [f"## {t('red_tasks', lang)}", ""]
    attention = briefing.attention(view, lang)
    out += _table(attention, lang) if attention else [t("none", lang)]
    out.append("")

    by_unit = briefing.units(view, lang)
    if by_unit is not None:
        out += [f"## {t('by_unit', lang)}", ""] + _table(by_unit, lang) + [""]

    out += [f"## {t('comparison', lang)}", ""]
    out += _table(briefing.comparison(view, lang), lang)
    out += ["", f"_{t('generated', lang)}_", ""]
    return "\n".join(out)
