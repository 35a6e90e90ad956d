"""Charts for the HTML report, drawn as inline SVG from the report view.

No chart library: a report must open offline from a USB stick, and three kinds of bar chart are
little code. Every chart is a viewBox scaled to the page's width, so one unit is about one pixel
on screen. Text is measured by estimate (a CJK character is about 1 em, a Latin one about half),
which is enough to keep labels from running into bars. Classes and data-* attributes name what
each mark stands for, so tests (and curious readers of the source) can tell the bars apart.
"""

from __future__ import annotations

import html
import re
from typing import Any, Iterator

from sdpolicy.i18n import t
from sdpolicy.render import words
from sdpolicy.sanitise import printable


def escape(text: str) -> str:
    """Text from the view as HTML or SVG text or attribute: markup characters as entities, and control
    and invisible format characters (a bidi override) as visible escapes, as the terminal shows them.
    The one escaping function of the HTML report; html.py uses it too."""
    return html.escape(printable(text))

WIDTH = 1000
GROUP_WIDTH = 500  # a baseline group: two side by side on a wide screen, one per row in print
FONT_SIZE = 13
# Colours of the baseline chart's three bars; the lights have their own palette in words.
SERIES_COLOUR = {"baseline": "#adb5bd", "target": "#495057", "actual": "#1971c2"}
INK = "#212529"
MUTED = "#868e96"


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """An estimate, on the wide side, of the rendered width in px of `text` at `size` px."""
    return words.display_width(text) * 0.56 * size


def clip(text: str, width: float, size: float = FONT_SIZE) -> str:
    """`text` cut with an ellipsis so that it fits `width` px (the full text goes in a <title>)."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap(text: str, width: float, lines: int = 2, size: float = FONT_SIZE) -> list[str]:
    """`text` in at most `lines` lines of `width` px, broken between words or CJK characters."""
    tokens = re.findall(r"[^\s\u2e80-\uffef]+\s*|[\u2e80-\uffef]\s*|\s+", text)
    out = [""]
    for token in tokens:
        if out[-1] and text_width(out[-1] + token.rstrip(), size) > width:
            out.append("")
        out[-1] += token
    out = [line.strip() for line in out]
    if len(out) > lines:
        out = out[: lines - 1] + [clip(" ".join(out[lines - 1:]), width, size)]
    return out


def _svg(height: float, label: str, body: list[str], css_class: str, width: float = WIDTH) -> str:
    # role=img with a label: screen readers announce the chart; the tables below carry the figures.
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" viewBox="0 0 {width} {height:.0f}" '
        f'width="100%" role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", css: str = "", fill: str = INK,
          size: float = FONT_SIZE, weight: str = "normal", task: str | None = None) -> str:
    cls = f' class="{css}"' if css else ""
    bold = ' font-weight="bold"' if weight == "bold" else ""
    data = f' data-task="{escape(task)}"' if task else ""
    return (
        f'<text{cls}{data} x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" dominant-baseline="central" '
        f'font-size="{size}" fill="{fill}"{bold}>{escape(text)}</text>'
    )


def _legend(items: list[tuple[str, str]], y: float, x: float = 0) -> list[str]:
    """Swatches and words in one line: (colour, word) pairs."""
    out = []
    for colour, word in items:
        out.append(f'<rect class="swatch" x="{x:.1f}" y="{y - 6:.1f}" width="12" height="12" rx="2" fill="{colour}"/>')
        out.append(_text(x + 17, y, word))
        x += 17 + text_width(word) + 18
    return out


# ---------------------------------------------------------------------------------------------
# Lights by area: one stacked bar per area, segments in light order, on a common scale of tasks.


def lights_chart(view: dict[str, Any], lang: str) -> str:
    areas = view["areas"]
    row, bar = 30, 20
    names = [words.name(a, lang) for a in areas]
    label_w = min(max(text_width(n) for n in names), 380) + 14
    counts_w = max(text_width(t("task_count", lang, count=a["tasks"])) for a in areas) + 12
    span = WIDTH - label_w - counts_w
    most = max((a["tasks"] for a in areas), default=0) or 1
    body = _legend([(words.LIGHT_COLOUR[k], words.light(k, lang)) for k in words.LIGHTS], 10, label_w)
    top = 30
    for i, (area, name) in enumerate(zip(areas, names)):
        y = top + i * row
        body.append(_text(label_w - 10, y + row / 2, clip(name, label_w - 14), anchor="end"))
        x = label_w
        for code in words.LIGHTS:
            count = area[code]
            if not count:
                continue
            width = count / most * span
            colour = words.LIGHT_COLOUR[code]
            tip = f"{name}: {words.light(code, lang)} {count}"
            body.append(
                f'<rect class="seg light-{code}" data-area="{escape(area["area"])}" data-light="{code}" '
                f'data-count="{count}" x="{x:.1f}" y="{y + (row - bar) / 2:.1f}" width="{width:.1f}" height="{bar}" '
                f'fill="{colour}"><title>{escape(tip)}</title></rect>'
            )
            if width >= text_width(str(count)) + 6:
                body.append(_text(x + width / 2, y + row / 2, str(count), anchor="middle", fill=words.LIGHT_INK[code]))
            x += width
        body.append(_text(x + 8, y + row / 2, t("task_count", lang, count=area["tasks"]), fill=MUTED))
    return _svg(top + len(areas) * row + 6, t("chart.lights", lang), body, "lights")


# ---------------------------------------------------------------------------------------------
# Quantified tasks: a bullet chart, the bar for the share of the target achieved, a tick for the
# time-proportional share expected by the as-of date.


def quantified(view: dict[str, Any]) -> list[dict[str, Any]]:
    """Tasks with a percentage to chart: numeric targets, and milestones whose time nodes carry shares."""
    return [r for a in view["areas"] for r in a["tasks_list"]
            if r["target"]["kind"] in words.QUANTIFIED or any(n["share"] is not None for n in r.get("nodes") or ())]


AXIS_MAX = 1000.0
VALUE_MAX_W = 120


def _ticks(top: float) -> list[float]:
    step = 25 if top <= 200 else 50 if top <= 400 else 100
    return [step * i for i in range(int(top // step) + 1)]


def progress_chart(view: dict[str, Any], lang: str) -> str:
    rows = quantified(view)
    row, track, bar = 28, 18, 10
    labels = [f"{r['id']}  {words.title(r, lang)}" for r in rows]
    label_w = 440
    value_w = min(max([text_width(words.pct(r["percent"])) for r in rows if r["percent"] is not None] + [60]), VALUE_MAX_W) + 26
    # Past 100% the axis grows (in steps of 25) so that an overshoot still shows its size, up to
    # AXIS_MAX: a bar beyond it (a figure typed with a few zeros too many) ends at the axis's end.
    top_pct = min(max([100.0] + [r["percent"] for r in rows if r["percent"] is not None]), AXIS_MAX)
    top_pct = -(-top_pct // 25) * 25
    span = WIDTH - label_w - value_w
    scale = span / top_pct
    # The bar's swatch shows three lights: bars take the colour of their task's light.
    body = [
        f'<rect class="swatch" x="{label_w + 4 * i}" y="4" width="4" height="12" fill="{words.LIGHT_COLOUR[code]}"/>'
        for i, code in enumerate(("green", "yellow", "red"))
    ]
    body.append(_text(label_w + 17, 10, t("percent", lang)))
    legend_x = label_w + 17 + text_width(t("percent", lang)) + 24
    body.append(f'<rect class="swatch" x="{legend_x:.1f}" y="2" width="3" height="16" fill="{INK}"/>')
    body.append(_text(legend_x + 9, 10, t("expected", lang)))
    axis = 38
    for tick in _ticks(top_pct):
        x = label_w + tick * scale
        body.append(f'<line class="grid" x1="{x:.1f}" y1="{axis + 8}" x2="{x:.1f}" '
                    f'y2="{axis + 8 + len(rows) * row}" stroke="#dee2e6" stroke-width="1"/>')
        body.append(_text(x, axis, f"{tick:.0f}%", anchor="middle", fill=MUTED, size=11))
    top = axis + 8
    for i, (r, label) in enumerate(zip(rows, labels)):
        y = top + i * row
        mid = y + row / 2
        body.append(_text(0, mid, clip(label, label_w - 12), css="label", task=r["id"]))
        body.append(f'<rect class="track" x="{label_w}" y="{mid - track / 2:.1f}" width="{span:.1f}" height="{track}" '
                    f'fill="#f1f3f5"/>')
        if r["percent"] is not None:
            width = min(max(r["percent"], 0), top_pct) * scale
            tip = f"{r['id']}: {words.actual(r, lang)} / {words.target(r['target'], lang)} = {words.pct(r['percent'])}"
            body.append(
                f'<rect class="actual light-{r["light"]}" data-task="{escape(r["id"])}" data-percent="{r["percent"]}" '
                f'x="{label_w}" y="{mid - bar / 2:.1f}" width="{width:.1f}" height="{bar}" '
                f'fill="{words.LIGHT_COLOUR[r["light"]]}"><title>{escape(tip)}</title></rect>'
            )
            body.append(_text(WIDTH - value_w + 20, mid, clip(words.pct(r["percent"]), value_w - 26), weight="bold"))
        else:
            body.append(_text(label_w + 8, mid, t("not_recorded", lang), fill=MUTED, size=12))
        # The light as a dot beside the figure: a 0% bar has no width to show its colour.
        body.append(f'<circle class="dot light-{r["light"]}" cx="{WIDTH - value_w + 11:.1f}" cy="{mid:.1f}" r="5" '
                    f'fill="{words.LIGHT_COLOUR[r["light"]]}"/>')
        x = label_w + r["expected"] * scale
        tip = t("expected_tick", lang, value=words.pct(r["expected"]))
        body.append(
            f'<line class="expected" data-task="{escape(r["id"])}" data-expected="{r["expected"]}" x1="{x:.1f}" '
            f'y1="{mid - track / 2 - 2:.1f}" x2="{x:.1f}" y2="{mid + track / 2 + 2:.1f}" stroke="{INK}" '
            f'stroke-width="3"><title>{escape(tip)}</title></line>'
        )
    return _svg(top + len(rows) * row + 4, t("chart.progress", lang), body, "progress")


# ---------------------------------------------------------------------------------------------
# Indicators behind quantified tasks: 2005 baseline, 2006 target and latest actual, each group on
# its own scale because the indicators' units differ (万户, %, 个 …).


def baseline_groups(view: dict[str, Any]) -> list[dict[str, Any]]:
    """Indicators with a figure recorded by the as-of date: one chart each. An indicator with no
    figure has nothing to chart but its 2005 value, which the comparison table already gives."""
    # The view gives an indicator the figures of the task that counts from it in its unit
    # (progress.shared_figures): one figure, one answer in the chart and the tables alike.
    return [i for i in view["indicators"] if i["actual"] is not None]


def awaiting(view: dict[str, Any]) -> list[dict[str, Any]]:
    """Indicators behind quantified tasks still without a figure: named in one line, not charted."""
    return [i for i in view["indicators"] if i["actual"] is None
            and any(x["target"]["kind"] in words.QUANTIFIED for x in i["tasks"])]


def _bars(indicator: dict[str, Any], lang: str) -> Iterator[dict[str, Any]]:
    """The bars of one group, and a note (no bar) for each linked target in another measure.

    Only a task that counts from this indicator (role "baseline") has a target in the indicator's
    unit; a merely linked task's target (200 enterprises beside a share of large firms) is not
    drawn on the same axis, because a bar would claim a comparison the plan does not make.
    """
    if indicator["value"] is not None:
        yield {"series": "baseline", "label": t("bar.baseline", lang), "value": indicator["value"],
               "text": words.baseline_value(indicator, lang)}
    for linked in indicator["tasks"]:
        target = linked["target"]
        if target["kind"] not in words.QUANTIFIED:
            continue
        if linked["role"] == "baseline":
            value = target["max"] if target["kind"] == "range" else target["value"]
            yield {"series": "target", "label": t("bar.target", lang, id=linked["id"]), "value": value,
                   "low": target["min"] if target["kind"] == "range" else None,
                   "text": words.target(target, lang)}
        else:
            yield {"series": "note", "label": "",
                   "text": t("other_measure", lang, id=linked["id"], target=words.target(target, lang))}
    actual, date = indicator["actual"], indicator["actual_date"]
    text = words.amount(actual, indicator, lang) + (f" ({date})" if date else "")
    yield {"series": "actual", "label": t("bar.actual", lang), "value": actual, "text": text}


def baseline_chart(indicator: dict[str, Any], view: dict[str, Any], lang: str) -> str:
    bars = list(_bars(indicator, lang))
    row, bar, size = 24, 16, 12
    labelled = [b for b in bars if b["series"] != "note"]
    label_w = min(max(text_width(b["label"], size) for b in labelled) + 12, 200)
    drawn = [b for b in bars if "value" in b]
    # Value labels may take what the bars leave beyond 140 px; longer ones are cut.
    value_room = GROUP_WIDTH - label_w - 140
    value_w = min(max([text_width(b["text"], size) for b in drawn] + [40]) + 8, value_room)
    span = GROUP_WIDTH - label_w - value_w
    most = max([abs(b["value"]) for b in drawn] + [0]) or 1
    name = words.name(indicator, lang)
    heading = wrap(name, GROUP_WIDTH)
    body = [_text(0, 10 + i * 17, line, weight="bold") for i, line in enumerate(heading)]
    top = 8 + len(heading) * 17
    for i, b in enumerate(bars):
        mid = top + i * row + row / 2
        if b["series"] == "note":
            body.append(_text(0, mid, clip(b["text"], GROUP_WIDTH, size), fill=MUTED, size=size, css="note"))
            continue
        body.append(_text(label_w - 8, mid, clip(b["label"], label_w - 10, size), anchor="end", size=size))
        width = abs(b["value"]) / most * span
        colour = SERIES_COLOUR[b["series"]]
        body.append(
            f'<rect class="bar {b["series"]}" data-indicator="{escape(indicator["id"])}" data-value="{b["value"]}" '
            f'x="{label_w:.1f}" y="{mid - bar / 2:.1f}" width="{width:.1f}" height="{bar}" fill="{colour}">'
            f'<title>{escape(b["label"] + ": " + b["text"])}</title></rect>'
        )
        if b.get("low") is not None:
            # A range target: the bar reaches the upper end, the mark shows where the range begins.
            x = label_w + b["low"] / most * span
            body.append(f'<line class="range-low" x1="{x:.1f}" y1="{mid - bar / 2 - 3:.1f}" x2="{x:.1f}" '
                        f'y2="{mid + bar / 2 + 3:.1f}" stroke="{INK}" stroke-width="2"/>')
        body.append(_text(label_w + width + 5, mid, clip(b["text"], value_w, size), size=size))
    label = f"{t('chart.baselines', lang)}: {name} ({indicator['id']})"
    return _svg(top + len(bars) * row + 4, label, body, "baseline", GROUP_WIDTH)


# ---------------------------------------------------------------------------------------------
# Over the year: the plan's lights at each month end, and each quantified task's path.

# Printed in black and white a fill colour is lost: every light but green also has a texture of its
# own (done crosses, yellow dots, red diagonals, not reported upright stripes, grey stripes), drawn as
# plain paths rather than SVG
# patterns so that the file refers to nothing, not even to itself. Segments tall enough carry their
# count as well.
_TEXTURE = {
    "done": ("#ffffff", 0.7, 1.0),
    "yellow": ("#000000", 0.55, 2.4),
    "red": ("#000000", 0.5, 1.6),
    "unreported": ("#ffffff", 0.6, 1.2),
    "grey": ("#000000", 0.3, 1.0),
}
_STEP = 6.0


def _texture(code: str, x: float, y: float, width: float, height: float) -> str:
    if code not in _TEXTURE or width <= 0 or height <= 0:
        return ""
    colour, opacity, stroke = _TEXTURE[code]
    parts: list[str] = []
    if code == "red":
        # Diagonals x + y = c, each cut to the rectangle.
        c = _STEP
        while c < width + height:
            x1, y1 = x + min(c, width), y + max(c - width, 0)
            x2, y2 = x + max(c - height, 0), y + min(c, height)
            parts.append(f"M{x1:.1f} {y1:.1f}L{x2:.1f} {y2:.1f}")
            c += _STEP
    elif code == "unreported":
        column = x + _STEP / 2
        while column < x + width:
            parts.append(f"M{column:.1f} {y:.1f}V{y + height:.1f}")
            column += _STEP
    elif code == "grey":
        row = y + _STEP / 4
        while row < y + height:
            parts.append(f"M{x:.1f} {row:.1f}H{x + width:.1f}")
            row += _STEP
    else:
        # Dots (yellow) or small crosses (done) on a grid inside the rectangle; a segment thinner than
        # one step (one task of 89) still gets its row, in its middle.
        row = y + min(_STEP / 2, height / 2)
        while row < y + height:
            col = x + _STEP / 2
            while col < x + width:
                parts.append(f"M{col:.1f} {row:.1f}h0.01" if code == "yellow"
                             else f"M{col - 1.5:.1f} {row:.1f}h3M{col:.1f} {row - 1.5:.1f}v3")
                col += _STEP
            row += _STEP
    if not parts:
        return ""
    return (f'<path class="texture texture-{code}" d="{"".join(parts)}" stroke="{colour}" stroke-opacity="{opacity}" '
            f'stroke-width="{stroke}" stroke-linecap="round" fill="none" pointer-events="none"/>')


def _light_block(code: str, x: float, y: float, width: float, height: float, extra: str = "", tip: str = "") -> str:
    """A rectangle in a light's colour with the light's texture over it."""
    title = f"<title>{escape(tip)}</title>" if tip else ""
    return (f'<rect class="seg light-{code}"{extra} x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" '
            f'fill="{words.LIGHT_COLOUR[code]}">{title}</rect>' + _texture(code, x, y, width, height))


def period_label(day: str, lang: str) -> str:
    """A month end as a reader says it (6月末, end Jun); any other day as MM-DD."""
    import calendar
    from datetime import date

    found = date.fromisoformat(day)
    if found.day == calendar.monthrange(found.year, found.month)[1]:
        return f"{found.month}月末" if lang == "zh" else f"end {calendar.month_abbr[found.month]}"
    return day[5:]


def lights_trend_chart(view: dict[str, Any], lang: str) -> str:
    """Stacked bars, one per month end: how many tasks had each light there."""
    points = view["trend"]["lights"]
    total = max((p["tasks"] for p in points), default=0) or 1
    axis_w, legend_h, plot_h, label_h = 44, 30, 260, 22
    span = WIDTH - axis_w - 10
    slot = span / max(len(points), 1)
    bar = min(slot * 0.7, 60)
    body: list[str] = []
    x = axis_w
    for code in words.LIGHTS:
        word = words.light(code, lang)
        body.append(_light_block(code, x, 4, 14, 14))
        body.append(_text(x + 19, 11, word))
        x += 19 + text_width(word) + 18
    top = legend_h
    for tick in sorted({0, total // 2, total}):
        y = top + plot_h - tick / total * plot_h
        # Paler than a table's rules, so that print checks (and readers) do not take it for one.
        body.append(f'<line class="grid" x1="{axis_w}" y1="{y:.1f}" x2="{WIDTH - 10}" y2="{y:.1f}" stroke="#f1f3f5"/>')
        body.append(_text(axis_w - 6, y, str(tick), anchor="end", fill=MUTED, size=11))
    for i, point in enumerate(points):
        cx = axis_w + slot * i + slot / 2
        y = top + plot_h
        for code in words.LIGHTS:
            count = point[code]
            if not count:
                continue
            height = count / total * plot_h
            y -= height
            tip = f"{point['date']}: {words.light(code, lang)} {count}"
            extra = f' data-date="{point["date"]}" data-light="{code}" data-count="{count}"'
            body.append(_light_block(code, cx - bar / 2, y, bar, height, extra, tip))
            if height >= 13:
                # Count labels sit on a white chip, so they read over any colour or pattern.
                chip = text_width(str(count), 11) + 6
                body.append(f'<rect x="{cx - chip / 2:.1f}" y="{y + height / 2 - 7:.1f}" width="{chip:.1f}" height="14" '
                            f'rx="3" fill="#ffffff" fill-opacity="0.85"/>')
                body.append(_text(cx, y + height / 2, str(count), anchor="middle", size=11))
        body.append(_text(cx, top + plot_h + label_h / 2 + 2, period_label(point["date"], lang), anchor="middle", size=11))
    return _svg(top + plot_h + label_h + 4, t("chart.lights_trend", lang), body, "lights-trend")


def trajectory_tasks(view: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Quantified tasks in report order, each with its points from the report's trend: those with a
    figure at some period end (charted), and those without one yet (named in one line, as the
    indicators without a figure are, rather than a panel that says only "not recorded yet")."""
    if not view["trend"]["dates"]:
        return [], []
    points = {task["id"]: task["points"] for task in view["trend"]["tasks"]}
    rows = [{**r, "points": points.get(r["id"], [])}
            for a in view["areas"] for r in a["tasks_list"] if r["target"]["kind"] in words.QUANTIFIED]
    charted = [r for r in rows if any(p["actual"] is not None for p in r["points"])]
    return charted, [r for r in rows if r not in charted]


def _day_number(day: str) -> int:
    from datetime import date

    return date.fromisoformat(day).toordinal()


def trajectory_legend(lang: str) -> str:
    body = []
    x = 0.0
    for css, dash, word in (("actual", "", t("traj.actual", lang)), ("expected", ' stroke-dasharray="7 4"', t("traj.expected", lang)),
                            ("target", ' stroke-dasharray="2 3"', t("traj.target", lang))):
        body.append(f'<line class="{css}" x1="{x:.1f}" y1="11" x2="{x + 28:.1f}" y2="11" stroke="{INK}" stroke-width="2"{dash}/>')
        if css == "actual":
            body.append(f'<circle cx="{x + 14:.1f}" cy="11" r="3.5" fill="#ffffff" stroke="{INK}" stroke-width="2"/>')
        body.append(_text(x + 34, 11, word))
        x += 34 + text_width(word) + 24
    return _svg(22, t("chart.trajectory", lang), body, "trajectory-legend")


def trajectory_chart(row: dict[str, Any], view: dict[str, Any], lang: str) -> str:
    """One quantified task over the year: figures at each month end (solid line, dots), the line
    from its baseline at the start to its target at the deadline (dashed), and the target (dotted)."""
    target = row["target"]
    goal = target["min"] if target["kind"] == "range" else target["value"]
    high = target["max"] if target["kind"] == "range" else goal
    base = row["baseline_value"] or 0
    known = [p for p in row["points"] if p["actual"] is not None]
    top = max([high or 0, base] + [p["actual"] for p in known]) * 1.1 or 1
    name = f"{row['id']}  {words.title(row, lang)}"
    heading = wrap(name, GROUP_WIDTH)
    size = 11
    left, right = 46, 140  # the y figures; the target and the latest figure, written at the right
    first = min(_day_number(view["plan"]["start"]), _day_number(row["start"]))
    last = max(_day_number(view["plan"]["end"]), _day_number(row["deadline"]))
    head_h = 6 + len(heading) * 17
    plot_h = 110
    span = GROUP_WIDTH - left - right

    def x_of(day: str) -> float:
        return left + (_day_number(day) - first) / max(last - first, 1) * span

    def y_of(value: float) -> float:
        return head_h + plot_h - value / top * plot_h

    body = [_text(0, 10 + i * 17, line, weight="bold") for i, line in enumerate(heading)]
    body.append(f'<rect class="frame" x="{left}" y="{head_h}" width="{span:.1f}" height="{plot_h}" fill="none" stroke="#dee2e6"/>')
    for value in sorted({0, base, goal or 0}):
        # Bare figures on the axis: the unit is in the target's label at the right.
        body.append(_text(left - 5, y_of(value), clip(words.num(value), left - 8, size), anchor="end", fill=MUTED, size=size))
    year = view["plan"]["year"]
    for day in (f"{year}-03-31", f"{year}-06-30", f"{year}-09-30", f"{year}-12-31"):
        if first <= _day_number(day) <= last:
            x = x_of(day)
            body.append(f'<line class="grid" x1="{x:.1f}" y1="{head_h}" x2="{x:.1f}" y2="{head_h + plot_h}" stroke="#f1f3f5"/>')
            body.append(_text(x, head_h + plot_h + 10, period_label(day, lang), anchor="middle", fill=MUTED, size=size))
    # The target, with a band for a range.
    if target["kind"] == "range" and high != goal:
        body.append(f'<rect class="target-band" x="{left}" y="{y_of(high):.1f}" width="{span:.1f}" '
                    f'height="{y_of(goal) - y_of(high):.1f}" fill="#e9ecef"/>')
    body.append(f'<line class="target" x1="{left}" y1="{y_of(goal):.1f}" x2="{left + span:.1f}" y2="{y_of(goal):.1f}" '
                f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="2 3"/>')
    # The target with its unit where it fits, else the bare figure: a cut-off unit reads worse than none.
    said = f"{t('traj.target', lang)} {words.target(target, lang)}"
    if text_width(said, size) > right - 8:
        span_text = f"{words.num(goal)}–{words.num(high)}" if high != goal else words.num(goal)
        said = f"{t('traj.target', lang)} {span_text}{'%' if target['kind'] == 'percent' else ''}"
    body.append(_text(left + span + 6, y_of(goal), clip(said, right - 8, size), size=size))
    body.append(
        f'<line class="expected" data-task="{escape(row["id"])}" x1="{x_of(row["start"]):.1f}" y1="{y_of(base):.1f}" '
        f'x2="{x_of(row["deadline"]):.1f}" y2="{y_of(goal):.1f}" stroke="{MUTED}" stroke-width="2" stroke-dasharray="7 4"/>'
    )
    if known:
        path = " ".join(f"{x_of(p['date']):.1f},{y_of(p['actual']):.1f}" for p in known)
        body.append(f'<polyline class="actual" data-task="{escape(row["id"])}" points="{path}" fill="none" stroke="{INK}" stroke-width="2"/>')
        for p in known:
            tip = f"{p['date']}: {words.amount(p['actual'], target, lang)} · {words.light(p['light'], lang)}"
            body.append(
                f'<circle class="point light-{p["light"]}" data-date="{p["date"]}" data-value="{p["actual"]}" '
                f'cx="{x_of(p["date"]):.1f}" cy="{y_of(p["actual"]):.1f}" r="3.5" fill="{words.LIGHT_COLOUR[p["light"]]}" '
                f'stroke="{INK}" stroke-width="1.5"><title>{escape(tip)}</title></circle>'
            )
        latest = known[-1]
        label = f"{words.num(latest['actual'])}{'%' if target['kind'] == 'percent' else ''} · {words.light(latest['light'], lang)}"
        label_y = y_of(latest["actual"]) + (14 if abs(y_of(latest["actual"]) - y_of(goal)) < 12 else 0)
        body.append(_text(left + span + 6, label_y, clip(label, right - 8, size), size=size, weight="bold"))
    label = f"{t('chart.trajectory', lang)}: {name}"
    return _svg(head_h + plot_h + 20, label, body, "trajectory", GROUP_WIDTH)
