"""The HTML briefing: one self-contained file with inline SVG charts, then the Markdown report's tables.

Self-contained means no scripts, fonts, images or style sheets fetched from anywhere: the file is
handed round on USB sticks and opened on office machines without a network. Chinese is set in the
fonts the system already has. Everything taken from the view goes through svg.escape.
"""

from __future__ import annotations

import re
from typing import Any

from sdpolicy.i18n import t
from sdpolicy.render import briefing, svg, words
from sdpolicy.render.svg import escape

FONT_STACK = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif'

_LIGHT_CSS = "\n".join(f".dot-{code} {{ background: {colour}; }}" for code, colour in words.LIGHT_COLOUR.items())

STYLE = f"""
:root {{ color-scheme: light; }}
body {{ font-family: {FONT_STACK}; color: #212529; background: #fff; margin: 0 auto; padding: 24px 32px;
  max-width: 1100px; font-size: 14px; line-height: 1.5; }}
h1 {{ font-size: 24px; margin: 0 0 4px; }}
h2 {{ font-size: 19px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #dee2e6; }}
h3 {{ font-size: 16px; margin: 22px 0 6px; }}
.byline, .note, footer {{ color: #868e96; }}
.note {{ font-size: 13px; margin: 2px 0 8px; }}
figure {{ margin: 12px 0 22px; }}
.groups {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 4px 40px; }}
.groups figure {{ margin: 8px 0; max-width: 560px; }}
figcaption {{ font-weight: bold; margin-bottom: 4px; }}
svg.chart {{ display: block; height: auto; font-family: {FONT_STACK}; }}
table {{ border-collapse: collapse; width: 100%; margin: 6px 0 14px; font-size: 13px; }}
th, td {{ border: 1px solid #dee2e6; padding: 4px 7px; vertical-align: top; text-align: left; }}
th {{ background: #f1f3f5; font-weight: bold; }}
td.r, th.r {{ text-align: right; }}
td.nw {{ white-space: nowrap; }}
tbody tr:nth-child(even) {{ background: #f8f9fa; }}
tr.total td {{ font-weight: bold; border-top: 2px solid #adb5bd; }}
.light {{ white-space: nowrap; }}
.dot {{ display: inline-block; width: 0.8em; height: 0.8em; border-radius: 50%; margin-right: 0.35em;
  vertical-align: -0.05em; border: 1px solid rgba(0, 0, 0, 0.15); }}
.counts .count {{ margin-right: 1.2em; white-space: nowrap; }}
.nb {{ white-space: nowrap; }}
/* Titles and names get the room; short cells take what they need and never break. */
table.tasks td:nth-child(2) {{ width: 42%; }}
table.attention td:nth-child(2) {{ width: 36%; }}
table.comparison td:first-child {{ width: 24%; }}
.print-only {{ display: none; }}
{_LIGHT_CSS}
@page {{ size: A4; margin: 14mm 12mm 16mm; }}
@media print {{
  body {{ max-width: none; padding: 0; font-size: 10pt; }}
  /* A collapsed border is drawn half outside the table, and Chromium clips print at the page's
     content box: a table of the full width loses its right border. */
  table {{ width: calc(100% - 2px); }}
  th, td {{ padding: 3px 5px; }}
  tr.quiet, table.quiet {{ display: none; }}
  .print-only {{ display: block; }}
  footer {{ break-before: avoid; page-break-before: avoid; }}
  h2 {{ break-after: avoid; page-break-after: avoid; }}
  h3 {{ break-after: avoid; page-break-after: avoid; }}
  figure, section.area, table, tr {{ break-inside: avoid; page-break-inside: avoid; }}
  thead {{ display: table-header-group; }}
  .dot {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
  svg.chart {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
}}
"""


def _light(mark: briefing.Light) -> str:
    return f'<span class="light light-{mark.code}"><span class="dot dot-{mark.code}"></span>{escape(mark.word)}</span>'


# A cell this narrow (in display columns: a CJK character is 2) without a space is one word, such
# as 会议召开 or 系统建成: it never breaks, since half a word on each line reads as two words.
# English breaks only at spaces anyway.
SHORT = 10
# Inside longer text, an id (RES-10) and a number with its unit or range (1,180 万户, 80–100
# enterprises, +23%).
_FIGURE = re.compile(r"\b[A-Z]{2,}-\d+\b|[+−≤]?\d[\d,.]*(?:–\d[\d,.]*)?(?:%|\s?[\u4e00-\u9fff]{1,4}|\s(?:percentage points|[A-Za-z]+))")


def text(value: str) -> str:
    """Escaped text, with the spans a line must not break inside kept whole."""
    if words.display_width(value) <= SHORT and value and " " not in value:
        return f'<span class="nb">{escape(value)}</span>'
    out, end = [], 0
    for found in _FIGURE.finditer(value):
        out += [escape(value[end:found.start()]), f'<span class="nb">{escape(found.group())}</span>']
        end = found.end()
    return "".join(out) + escape(value[end:])


def _cell(value: briefing.Cell) -> str:
    return _light(value) if isinstance(value, briefing.Light) else text(value)


def _table(table: briefing.Table, css: str = "") -> str:
    def cls(i: int) -> str:
        names = " ".join(n for n, on in (("r", table.align[i] == "r"), ("nw", i in table.nowrap)) if on)
        return f' class="{names}"' if names else ""

    head = "".join(f"<th{cls(i)}>{text(h)}</th>" for i, h in enumerate(table.headers))
    rows = []
    for n, row in enumerate(table.rows):
        kind = "total" if table.total and n == len(table.rows) - 1 else "quiet" if n in table.quiet else ""
        tag = f'<tr class="{kind}">' if kind else "<tr>"
        rows.append(tag + "".join(f"<td{cls(i)}>{_cell(c)}</td>" for i, c in enumerate(row)) + "</tr>")
    # A table whose every row is quiet prints as the note below it alone.
    names = " ".join(filter(None, [css, "quiet" if table.rows and len(table.quiet) == len(table.rows) else ""]))
    attribute = f' class="{names}"' if names else ""
    return f"<table{attribute}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"


def _figure(caption: str, note: str | None, *charts: str) -> str:
    note_html = f'<p class="note">{escape(note)}</p>' if note else ""
    return f"<figure><figcaption>{escape(caption)}</figcaption>{note_html}\n" + "\n".join(charts) + "\n</figure>"


def _charts(view: dict[str, Any], lang: str) -> list[str]:
    out = [f"<h2>{escape(t('charts', lang))}</h2>", _figure(t("chart.lights", lang), None, svg.lights_chart(view, lang))]
    if svg.quantified(view):
        out.append(_figure(t("chart.progress", lang), t("chart.progress.note", lang), svg.progress_chart(view, lang)))
    if view["trend"]["dates"]:
        out.append(_figure(t("chart.lights_trend", lang), t("chart.lights_trend.note", lang), svg.lights_trend_chart(view, lang)))
    paths, unrecorded = svg.trajectory_tasks(view)
    if paths or unrecorded:
        out.append(f"<h3>{escape(t('chart.trajectory', lang))}</h3>")
    if paths:
        out.append(svg.trajectory_legend(lang))
        out.append('<div class="groups">')
        out += [f'<figure class="group">{svg.trajectory_chart(r, view, lang)}</figure>' for r in paths]
        out.append("</div>")
    if unrecorded:
        ids = ("、" if lang == "zh" else ", ").join(r["id"] for r in unrecorded)
        out.append(f'<p class="unrecorded">{escape(t("chart.trajectory.awaiting", lang, count=len(unrecorded), ids=ids))}</p>')
    groups, awaiting = svg.baseline_groups(view), svg.awaiting(view)
    if groups or awaiting:
        out.append(f"<h3>{escape(t('chart.baselines', lang))}</h3>")
    if groups:
        out.append(f'<p class="note">{escape(t("chart.baselines.note", lang))}</p>')
        # One figure per indicator, so that printing never splits a group across pages.
        out.append('<div class="groups">')
        out += [f'<figure class="group">{svg.baseline_chart(i, view, lang)}</figure>' for i in groups]
        out.append("</div>")
    if awaiting:
        names = ("；" if lang == "zh" else "; ").join(words.name(i, lang) for i in awaiting)
        out.append(f'<p class="awaiting">{escape(t("chart.awaiting", lang, count=len(awaiting), names=names))}</p>')
    return out


def _bulletin(view: dict[str, Any], lang: str) -> list[str]:
    """The sections `report --since` adds after the summary, as the Markdown report has them."""
    none = f"<p>{escape(t('none', lang))}</p>"
    out = [f"<section><h2>{escape(t('standings', lang))}</h2>", _table(briefing.standings(view, lang)), "</section>"]
    out.append(f"<section><h2>{escape(t('what_changed', lang, since=words.day(view['since'], lang)))}</h2>")
    for heading, found in (
        ("changed_lights", briefing.changed_lights(view, lang)), ("records_between", briefing.records_between(view, lang)),
        ("new_figures", briefing.new_figures(view, lang)),
    ):
        out += [f"<h3>{escape(t(heading, lang))}</h3>", _table(found) if found else none]
    out.append("</section>")
    period = words.period_label(view["not_reported"]["period"]["label"], lang)
    out.append(f"<section><h2>{escape(t('not_reported_by_unit', lang, period=period))}</h2>")
    groups = briefing.not_reported(view, lang)
    out += [] if groups else [none]
    for name, table in groups:
        out += [f"<h3>{escape(name)}</h3>", _table(table)]
    out.append("</section>")
    return out


def render_report(view: dict[str, Any], lang: str) -> str:
    title = briefing.title(view, lang)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="sdpolicy">',
        f"<title>{escape(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f"<header><h1>{escape(title)}</h1><p class=\"byline\">{escape(briefing.byline(view, lang))}</p></header>",
        "<main>",
        f'<p class="opening">{escape(("" if lang == "zh" else " ").join(briefing.opening(view, lang)))}</p>',
    ]
    out += _charts(view, lang)

    out += [f"<section><h2>{escape(t('summary', lang))}</h2>", _table(briefing.summary(view, lang)), "</section>"]
    if view.get("changes") is not None:
        out += _bulletin(view, lang)

    out.append(f"<h2>{escape(t('by_area', lang))}</h2>")
    for area in briefing.areas(view, lang):
        counts = "".join(f'<span class="count">{_light(mark)} {count}</span>' for mark, count in area.counts)
        out += [
            '<section class="area">',
            f"<h3>{escape(area.name)}</h3>",
            f'<p class="counts">{counts} · {escape(area.overall)}</p>',
            _table(area.tasks, "tasks"),
            "</section>",
        ]

    out.append(f"<section><h2>{escape(t('red_tasks', lang))}</h2>")
    attention = briefing.attention(view, lang)
    out += [_table(attention, "attention") if attention else f"<p>{escape(t('none', lang))}</p>", "</section>"]
    for key, heading in (("attention_yellow", "yellow_tasks"), ("attention_unreported", "unreported_tasks")):
        found = briefing.light_list(view, key, lang)
        out += [
            f"<section><h2>{escape(t(heading, lang))}</h2>",
            _table(found, "attention") if found else f"<p>{escape(t('none', lang))}</p>", "</section>",
        ]

    by_unit = briefing.units(view, lang)
    if by_unit is not None:
        out += [f"<section><h2>{escape(t('by_unit', lang))}</h2>", _table(by_unit, "units"), "</section>"]

    comparison = briefing.comparison(view, lang)
    out += [f"<section><h2>{escape(t('comparison', lang))}</h2>", _table(comparison, "comparison")]
    if comparison.quiet:
        left_out = t("print.left_out", lang, count=len(comparison.quiet), total=len(comparison.rows),
                     date=words.day(view["as_of"], lang))
        out.append(f'<p class="note print-only">{escape(left_out)}</p>')
    out.append("</section>")
    out += ["</main>", f"<footer><p>{escape(t('generated', lang))}</p></footer>", "</body>", "</html>", ""]
    return "\n".join(out)
