"""The Markdown briefing: GitHub-flavoured Markdown that any viewer renders."""

from __future__ import annotations

import re
from typing import Any

from sdpolicy.i18n import t
from sdpolicy.render import briefing, words
from sdpolicy.sanitise import message, printable

LIGHT_MARK = {"done": "✅", "green": "🟢", "yellow": "🟡", "red": "🔴", "unreported": "🟣", "grey": "⚪"}


# Characters that start inline markup (emphasis, code, links and images, strikethrough, maths on
# GitHub, a heading's closing #, a table's cell border): each is escaped with a backslash, so a note
# reading `[ok](http://evil/p)` or `**b**` is shown as typed. `<`, `>` and `&` become entities, so
# neither an HTML tag nor an autolink nor a character reference is obeyed.
_MARKUP = re.compile(r"[\\`*_\[\]~$#|!]")


def escape(text: str) -> str:
    """`text` as literal Markdown inline content: every character that could be markup escaped."""
    text = _MARKUP.sub(lambda found: "\\" + found.group(), text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell(text: str) -> str:
    """Text that stays inside one table cell and shows as typed: markup escaped, line breaks as <br>,
    no control characters."""
    text = escape(text).replace("\r\n", "\n").replace("\n", "<br>")
    return printable(text).strip() or " "


def line(text: str) -> str:
    """Catalogue text in a heading or the byline: escaped as in a cell, and on one line whatever it
    holds, so that a name with a line break cannot start a heading or a block of its own."""
    return message(escape(text)).strip()


def table(headers: list[str], rows: list[list[str]], align: list[str] | None = None, bold_last: bool = False) -> list[str]:
    align = align or ["l"] * len(headers)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "| " + " | ".join(rule) + " |"]
    body = [[cell(c) for c in row] for row in rows]
    if bold_last and body:
        body[-1][0] = f"**{body[-1][0]}**"  # markup of ours, added after the escaping
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return lines


def light(value: str, lang: str) -> str:
    return f"{LIGHT_MARK[value]} {words.light(value, lang)}"


def _table(table_: briefing.Table, lang: str) -> list[str]:
    rows = [[light(c.code, lang) if isinstance(c, briefing.Light) else c for c in row] for row in table_.rows]
    return table(table_.headers, rows, table_.align, bold_last=table_.total)


def _bulletin(view: dict[str, Any], lang: str) -> list[str]:
    """The sections `report --since` adds after the summary."""
    from sdpolicy.render.words import day, period_label

    out = [f"## {t('standings', lang)}", "", *_table(briefing.standings(view, lang), lang), ""]
    out += [f"## {t('what_changed', lang, since=day(view['since'], lang))}", ""]
    for heading, found in (
        ("changed_lights", briefing.changed_lights(view, lang)), ("records_between", briefing.records_between(view, lang)),
        ("new_figures", briefing.new_figures(view, lang)),
    ):
        out += [f"### {t(heading, lang)}", "", *(_table(found, lang) if found else [t("none", lang)]), ""]
    period = period_label(view["not_reported"]["period"]["label"], lang)
    out += [f"## {t('not_reported_by_unit', lang, period=period)}", ""]
    groups = briefing.not_reported(view, lang)
    if not groups:
        out += [t("none", lang), ""]
    for name, table_ in groups:
        out += [f"### {line(name)}", "", *_table(table_, lang), ""]
    return out


def render_report(view: dict[str, Any], lang: str) -> str:
    out: list[str] = [f"# {line(briefing.title(view, lang))}", "", line(briefing.byline(view, lang)), ""]
    out += [line(("" if lang == "zh" else " ").join(briefing.opening(view, lang))), ""]

    out += [f"## {t('summary', lang)}", ""]
    out += _table(briefing.summary(view, lang), lang)
    out.append("")
    if view.get("changes") is not None:
        out += _bulletin(view, lang)

    out += [f"## {t('by_area', lang)}", ""]
    for area in briefing.areas(view, lang):
        counts = ", ".join(f"{light(mark.code, lang)} {count}" for mark, count in area.counts)
        out += [f"### {line(area.name)}", "", f"{counts} · {area.overall}", ""]
        out += _table(area.tasks, lang)
        out.append("")

    out += [f"## {t('red_tasks', lang)}", ""]
    attention = briefing.attention(view, lang)
    out += _table(attention, lang) if attention else [t("none", lang)]
    out.append("")
    for key, heading in (("attention_yellow", "yellow_tasks"), ("attention_unreported", "unreported_tasks")):
        found = briefing.light_list(view, key, lang)
        out += [f"## {t(heading, lang)}", "", *(_table(found, lang) if found else [t("none", lang)]), ""]

    by_unit = briefing.units(view, lang)
    if by_unit is not None:
        out += [f"## {t('by_unit', lang)}", ""] + _table(by_unit, lang) + [""]

    out += [f"## {t('comparison', lang)}", ""]
    out += _table(briefing.comparison(view, lang), lang)
    out += ["", f"_{t('generated', lang)}_", ""]
    return "\n".join(out)
