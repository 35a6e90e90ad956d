"""The report's charts over the year: the plan's lights at each month end (stacked bars) and each
quantified task's path. Counted from the marks by hand, parsed as XML, and drawn by Chromium."""

from __future__ import annotations

import json

import pytest

from sdpolicy.render import words
from sdpolicy.render.html import render_report
from test_render_html import (  # noqa: F401  (view is a fixture)
    PLAN, SVG_NS, marks, needs_chromium, png_pixels, screenshot, svgs, view,
)

NUMERIC = ("count", "range", "percent")
DATES = ["2006-02-28", "2006-03-31", "2006-04-30", "2006-05-31", "2006-06-30", "2006-07-01"]


def test_the_report_trend_agrees_with_status_as_of(cli, view):
    assert view["trend"]["dates"] == DATES  # month ends from the plan's start (02-16), then the as-of day
    for point in view["trend"]["lights"]:
        total = json.loads(cli("status", "--as-of", point["date"], "--json").stdout)["total"]
        assert {k: point[k] for k in total if k in point} == {k: total[k] for k in total if k in point}


def test_lights_trend_has_a_bar_per_month_end_counted_by_hand(view):
    (chart,) = svgs(render_report(view, "en"))["lights-trend"]
    segments = {}
    for seg in marks(chart, "rect", "seg"):
        if seg.get("data-date"):
            segments.setdefault(seg.get("data-date"), {})[seg.get("data-light")] = int(seg.get("data-count"))
    # Nothing is recorded before EGOV-01 is done on 05-10: on 02-28 every task owes February's
    # report (not reported), from 03-31 two in a row are missed (red). On 05-31 SEC-01 has reported
    # May (in progress, green). On 06-30 IND-01 (60 % against 42.1 % expected) and EGOV-10 (52 %)
    # are green, IND-11 (25 %, 17 behind) yellow, PUB-04 (0 %) and the blocked ENV-05 red, SEC-01 has
    # no June report (not reported), and the other 82 of the 89 tasks (issue 11's count) have never
    # reported (red): 82 + PUB-04 + ENV-05 = 84.
    assert segments == {
        "2006-02-28": {"unreported": 89}, "2006-03-31": {"red": 89}, "2006-04-30": {"red": 89},
        "2006-05-31": {"done": 1, "green": 1, "red": 87},
        "2006-06-30": {"done": 1, "green": 2, "yellow": 1, "red": 84, "unreported": 1},
        "2006-07-01": {"done": 1, "green": 2, "yellow": 1, "red": 84, "unreported": 1},
    }
    # Heights are shares of the 89 tasks: each bar is the whole plan, so all bars are as tall.
    heights = {}
    for seg in marks(chart, "rect", "seg"):
        if seg.get("data-date"):
            heights[seg.get("data-date")] = heights.get(seg.get("data-date"), 0) + float(seg.get("height"))
    assert max(heights.values()) - min(heights.values()) < 0.5
    # Black and white: every light but green carries a texture, drawn over its segments and swatches
    # (in the legend too: 6 swatches, 5 textured).
    textures = [p.get("class").split()[1] for p in chart.iter(SVG_NS + "path") if "texture" in (p.get("class") or "")]
    expected = {"texture-done": 1 + 3, "texture-yellow": 1 + 2, "texture-red": 1 + 5, "texture-unreported": 1 + 3,
                "texture-grey": 1}
    assert {k: textures.count(k) for k in expected} == expected
    # The month labels are in the reader's language.
    texts = ["".join(e.itertext()) for e in chart.iter(SVG_NS + "text")]
    assert "end Jun" in texts and "07-01" in texts
    zh = svgs(render_report(view, "zh"))["lights-trend"][0]
    assert "6月末" in ["".join(e.itertext()) for e in zh.iter(SVG_NS + "text")]


def test_a_trajectory_chart_per_quantified_task_with_a_figure(view):
    report = render_report(view, "en")
    charts = svgs(report)["trajectory"]
    # The quantified tasks with a figure by 07-01, in report order (by area): IND-01 (120), IND-11
    # (25 %), PUB-04 (0 hospitals: a figure all the same) and EGOV-10 (52 %). Every other quantified
    # task has none, so it gets no panel of its own but is named in the one line below the charts.
    charted = ["IND-01", "IND-11", "PUB-04", "EGOV-10"]
    assert [c.get("aria-label").split(": ", 1)[1].split()[0] for c in charts] == charted
    rest = [t.id for t in PLAN.tasks if t.target.kind in NUMERIC and t.id not in charted]
    line = f"No figure reported yet for {len(rest)} more quantified tasks: {', '.join(rest)}."
    assert f'<p class="unrecorded">{line}</p>' in report
    assert "IND-10" in rest  # the three circulation bases: no figure
    by_id = dict(zip(charted, charts))
    # IND-01: 120 on 06-30; at the month ends before it nothing, so two points (06-30 and 07-01).
    points = marks(by_id["IND-01"], "circle", "point")
    assert [(p.get("data-date"), p.get("data-value")) for p in points] == [("2006-06-30", "120"), ("2006-07-01", "120")]
    assert [p.get("class").split()[1] for p in points] == ["light-green", "light-green"]
    # Every chart has the expected path and the target line, and a task without figures none of its own.
    for chart in charts:
        assert len(marks(chart, "line", "expected")) == 1 and len(marks(chart, "line", "target")) == 1
        assert len(marks(chart, "polyline", "actual")) == 1
    # The expected path runs from the baseline at the start to the target at the deadline: for
    # EGOV-10 from 75 % (the 2005 baseline) up to 100 %, so it rises (SVG y grows downwards).
    line = marks(by_id["EGOV-10"], "line", "expected")[0]
    assert float(line.get("y2")) < float(line.get("y1"))
    target = marks(by_id["EGOV-10"], "line", "target")[0]
    assert float(target.get("y1")) == pytest.approx(float(line.get("y2")))
    # Black and white: the three lines differ by dash, not by colour alone.
    assert {marks(by_id["IND-01"], "line", "expected")[0].get("stroke-dasharray"),
            marks(by_id["IND-01"], "line", "target")[0].get("stroke-dasharray"),
            marks(by_id["IND-01"], "polyline", "actual")[0].get("stroke-dasharray")} == {"7 4", "2 3", None}


def test_before_the_plan_starts_there_is_no_trend_chart(cli):
    html = cli("report", "--html", "--as-of", "2006-01-31").stdout
    assert "lights-trend" not in html and 'class="chart trajectory"' not in html


@needs_chromium
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chromium_draws_the_trend_charts(view, tmp_path, lang):
    # Only the charts over the year, on a page of their own, so the screenshot is all of them.
    report = render_report(view, lang)
    head, body = report.split("<main>", 1)
    start = body.index("<figure><figcaption>" + ("全部任务" if lang == "zh" else "Lights of the whole plan"))
    end = body.index("</div>", body.index('class="chart trajectory"')) + len("</div>")
    source = tmp_path / f"trend-{lang}.html"
    source.write_text(head + "<main>" + body[start:end] + "</main></body></html>", encoding="utf-8")
    png = tmp_path / f"trend-{lang}.png"
    assert screenshot(source, png, tmp_path / "profile", "1100,2400") == []
    width, height, rows = png_pixels(png.read_bytes())
    pixels = [row[i:i + 3] for row in rows[::4] for i in range(0, len(row), 12)]
    inked = sum(1 for p in pixels if p != b"\xff\xff\xff") / len(pixels)
    assert 0.03 < inked < 0.7, inked
    present = set(pixels)
    for code in words.LIGHTS:
        colour = bytes.fromhex(words.LIGHT_COLOUR[code][1:])
        assert any(all(abs(a - b) <= 3 for a, b in zip(colour, p)) for p in present), code


def test_a_milestone_with_shared_nodes_joins_the_bullet_chart(cli, mark):
    # ENV-05's draft (40 %) reached on 06-28: on 07-01 it is a 40 % bar, green (no node missed).
    assert cli("assign", "ENV-05", "--lead", "省信息产业厅", "--node", "2006-06-30:送审稿/draft:40",
               "--node", "2006-10-31:印发/issued:100").exit_code == 0
    mark("ENV-05", "--node", "draft", "--date", "2006-06-28")
    view = json.loads(cli("report", "--json", "--as-of", "2006-07-01").stdout)
    (chart,) = svgs(render_report(view, "en"))["progress"]
    bars = {b.get("data-task"): b for b in marks(chart, "rect", "actual")}
    assert bars["ENV-05"].get("data-percent") == "40.0"
    assert "light-green" in bars["ENV-05"].get("class")
    # It has no figures, so no trajectory of its own.
    charts = svgs(render_report(view, "en")).get("trajectory", [])
    assert "ENV-05" not in [c.get("aria-label").split(": ", 1)[1].split()[0] for c in charts]
