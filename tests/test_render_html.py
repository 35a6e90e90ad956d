"""The HTML report: self-contained, escaped, its SVG charts counted against the data, its tables the
Markdown report's, its words in one language, and drawn by a real browser without a console error.

The charts are parsed as XML and their bars counted and measured from the catalogue and the marks,
not from the chart code's own helpers, so a chart that drops or invents a bar fails here.
"""

from __future__ import annotations

import copy
import html
from html import escape as html_escape
import json
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from sdpolicy.catalogue import load_catalogue
from sdpolicy.render import words
from sdpolicy.render.html import render_report
from test_cli_report import AS_OF, MARKS
from test_cli_report_md import tables as markdown_tables

PLAN = load_catalogue()
NUMERIC = ("count", "range", "percent")
SVG_NS = "{http://www.w3.org/2000/svg}"
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def view(cli, mark) -> dict:
    for args in MARKS:
        mark(*args)
    result = cli("report", "--json", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


class Page(HTMLParser):
    """What a reader sees: text outside <style>, tables as cell texts, start tags, and SVG sources."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.headings: list[str] = []
        self._skip = 0
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "style":
            self._skip += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        if tag in ("td", "th"):
            self._cell = []
        if tag in ("h1", "h2", "h3", "th", "figcaption"):
            self._heading = []

    def handle_endtag(self, tag):
        if tag == "style":
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None
        if tag in ("h1", "h2", "h3", "th", "figcaption") and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        for sink in (self._cell, self._heading):
            if sink is not None:
                sink.append(data)


def page(html: str) -> Page:
    parsed = Page()
    parsed.feed(html)
    parsed.close()
    return parsed


def svgs(html: str) -> dict[str, list[ElementTree.Element]]:
    """Every inline <svg> parsed as XML (which fails on anything unescaped), by chart class."""
    found: dict[str, list[ElementTree.Element]] = {}
    for source in re.findall(r"<svg\b.*?</svg>", html, flags=re.S):
        root = ElementTree.fromstring(source)
        kind = root.get("class").split()[1]
        found.setdefault(kind, []).append(root)
    return found


def marks(root: ElementTree.Element, tag: str, css: str) -> list[ElementTree.Element]:
    return [e for e in root.iter(SVG_NS + tag) if css in (e.get("class") or "").split()]


# ---------------------------------------------------------------------------------------------
# The file


def test_self_contained(view):
    html = render_report(view, "en")
    assert html.startswith("<!DOCTYPE html>\n") and html.rstrip().endswith("</html>")
    tags = set(page(html).tags)
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "base"}
    without_namespace = html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    for reference in ("http:", "https:", "//", "url(", "@import", "src=", "href="):
        assert reference not in without_namespace, reference
    assert '<meta charset="utf-8">' in html


def test_fonts_and_print_styles(view):
    html = render_report(view, "zh")
    assert '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif' in html
    style = re.search(r"<style>(.*?)</style>", html, flags=re.S).group(1)
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", style)
    assert re.search(r"@page\s*\{[^}]*margin:", style)
    printed = style[style.index("@media print"):]
    assert re.search(r"table[^{]*\{[^}]*page-break-inside:\s*avoid", printed)
    assert re.search(r"section\.area[^{]*\{[^}]*page-break-inside:\s*avoid", printed)


def test_everything_from_data_is_escaped(view):
    hostile = '<script>alert("x")</script> & <b>bold</b>'
    changed = copy.deepcopy(view)
    for area in changed["areas"]:
        for row in area["tasks_list"]:
            if row["id"] == "IND-01":
                row["title_en"] = "Retrofit <200> & 'key' \"enterprises\""
                row["latest"]["note"] = hostile
    changed["areas"][0]["name_en"] = "Industry <&> \"IT\""
    html = render_report(changed, "en")
    parsed = page(html)
    assert "script" not in parsed.tags and "b" not in parsed.tags
    assert hostile in "".join(parsed.text)  # shown as the text it is
    assert "&lt;script&gt;" in html
    charts = svgs(html)  # would raise on an unescaped < or & inside a chart
    labels = [e.text for e in charts["progress"][0].iter(SVG_NS + "text")]
    assert any(label and label.startswith("IND-01  Retrofit <200> & 'key'") for label in labels)
    assert any(e.text == "Industry <&> \"IT\"" for e in charts["lights"][0].iter(SVG_NS + "text"))


# ---------------------------------------------------------------------------------------------
# The charts, counted


def test_lights_chart_has_one_segment_per_light_of_each_area(view):
    (chart,) = svgs(render_report(view, "en"))["lights"]
    segments = marks(chart, "rect", "seg")
    expected = {(a.slug, code) for a in PLAN.areas for code in words.LIGHTS}
    counts = {(s.get("data-area"), s.get("data-light")): int(s.get("data-count")) for s in segments}
    by_area = {a["area"]: a for a in view["areas"]}
    assert set(counts) == {(area, code) for area, code in expected if by_area[area][code]}
    for area in PLAN.areas:
        assert sum(n for (slug, _), n in counts.items() if slug == area.slug) == len(PLAN.tasks_in(area.slug))
    # At 2006-07-01 a task that never reported has missed five monthly reports: red. So public
    # service is PUB-04 (behind) and its 9 other tasks, environment ENV-05 (blocked) and its 11 others.
    assert counts[("e-gov", "done")] == 1 and counts[("public-service", "red")] == 10
    assert counts[("industry", "yellow")] == 1 and counts[("environment", "red")] == 12
    # One scale for every bar: width per task is the same for every segment.
    per_task = [float(s.get("width")) / int(s.get("data-count")) for s in segments]
    assert max(per_task) - min(per_task) < 0.05  # widths are written to 0.1 px
    for s in segments:
        assert s.get("fill") == words.LIGHT_COLOUR[s.get("data-light")]


def test_bullet_chart_has_a_bar_per_measured_task_and_a_tick_per_quantified_task(view):
    (chart,) = svgs(render_report(view, "en"))["progress"]
    quantified = [t.id for t in PLAN.tasks if t.target.kind in NUMERIC]
    assert len(quantified) == 10
    ticks = marks(chart, "line", "expected")
    assert [e.get("data-task") for e in ticks] == quantified
    measured = {"IND-01": 60.0, "IND-11": 25.0, "PUB-04": 0.0, "EGOV-10": 52.0}
    bars = marks(chart, "rect", "actual")
    assert {b.get("data-task"): float(b.get("data-percent")) for b in bars} == measured
    (track,) = {(e.get("x"), e.get("width")) for e in marks(chart, "rect", "track")}
    left, span = float(track[0]), float(track[1])
    for bar in bars:
        assert float(bar.get("x")) == left
        assert float(bar.get("width")) == pytest.approx(measured[bar.get("data-task")] / 100 * span, abs=0.1)
    # Every tick stands at the time-proportional share: 135 of 318 days by 1 July, 42.5 %.
    for tick in ticks:
        assert float(tick.get("data-expected")) == 42.5
        assert float(tick.get("x1")) == pytest.approx(left + 0.425 * span, abs=0.1)
    colours = {b.get("data-task"): b.get("fill") for b in bars}
    assert colours["IND-11"] == words.LIGHT_COLOUR["yellow"] and colours["PUB-04"] == words.LIGHT_COLOUR["red"]


def test_bullet_axis_grows_past_100_percent_to_show_an_overshoot(view):
    changed = copy.deepcopy(view)
    row = next(r for a in changed["areas"] for r in a["tasks_list"] if r["id"] == "IND-01")
    row["percent"] = 140.0  # 280 of 200 enterprises
    (chart,) = svgs(render_report(changed, "en"))["progress"]
    ticks = [e.text for e in chart.iter(SVG_NS + "text") if re.fullmatch(r"\d+%", e.text or "")]
    assert ticks == ["0%", "25%", "50%", "75%", "100%", "125%", "150%"]
    (track,) = {float(e.get("width")) for e in marks(chart, "rect", "track")}
    widths = {b.get("data-task"): float(b.get("width")) for b in marks(chart, "rect", "actual")}
    assert widths["IND-01"] == pytest.approx(140 / 150 * track, abs=0.1)
    assert widths["EGOV-10"] == pytest.approx(52 / 150 * track, abs=0.1)


def test_baseline_groups_chart_only_the_indicators_with_figures(view):
    # Issue 14: twelve panels, eleven saying "not recorded yet", while figures recorded for
    # indicators that no quantified task links to went uncharted. MARKS records 2006 figures for
    # two indicators, internet-users (linked only by qualitative tasks) and county-portal-share:
    # exactly those two are charted, in catalogue order.
    html = render_report(view, "en")
    groups = svgs(html)["baseline"]
    ids = [marks(g, "rect", "bar")[0].get("data-indicator") for g in groups]
    assert ids == ["internet-users", "county-portal-share"]
    for group in groups:
        bars = marks(group, "rect", "bar")
        series = [b.get("class").split()[1] for b in bars]
        labels = [e.text for e in group.iter(SVG_NS + "text")]
        assert "not recorded yet" not in labels
        if bars[0].get("data-indicator") == "county-portal-share":
            # Counted from by EGOV-10: its target is in the same unit; the actual was marked.
            assert series == ["baseline", "target", "actual"]
            values = [float(b.get("data-value")) for b in bars]
            assert values == [75, 100, 88]
            widths = [float(b.get("width")) for b in bars]
            assert widths[0] / widths[1] == pytest.approx(0.75, abs=0.01)
            assert widths[2] / widths[1] == pytest.approx(0.88, abs=0.01)
            assert "75%" in labels and "100%" in labels and "88% (2006-06-30)" in labels
        else:
            # No task counts from it: no target bar, the 2005 figure (over 1,000 万户) and 1,180.
            assert series == ["baseline", "actual"]
            assert [float(b.get("data-value")) for b in bars] == [1000, 1180]
            assert "11.8 million subscribers (2006-06-30)" in labels
        # Each group on its own scale: its longest bar takes the room the labels leave, which is
        # at least 140 px of the 500 (a long figure such as "11.8 million subscribers" takes the rest).
        chart_width = float(group.get("viewBox").split()[2])
        assert max(float(b.get("width")) for b in bars) >= 140 and chart_width == 500
    # The other indicators behind quantified tasks are named in one line, none charted.
    linked = {
        i for task in PLAN.tasks if task.target.kind in NUMERIC
        for i in ([task.baseline] if task.baseline else []) + list(task.links)
    }
    waiting = [i for i in PLAN.indicators if i.id in linked and i.id != "county-portal-share"]
    assert len(waiting) == 11
    (line,) = [p for p in re.findall(r'<p class="awaiting">(.*?)</p>', html)]
    assert line == html_escape(
        "No new figure yet for 11 indicators behind quantified tasks: " + "; ".join(i.name_en for i in waiting) + "."
    )


def test_a_task_figure_charts_the_indicator_it_counts_from(cli, mark):
    # Only EGOV-10 is marked (90%): county-portal-share, which it counts from, has a figure through
    # it, drawn as EGOV-10's; nothing else has one, so one chart, and no indicator is left unnamed.
    mark("EGOV-10", "--value", "90", "--date", "2006-06-30")
    view = json.loads(cli("report", "--json", "--as-of", AS_OF).stdout)
    html = render_report(view, "en")
    (group,) = svgs(html)["baseline"]
    assert [float(b.get("data-value")) for b in marks(group, "rect", "bar")] == [75, 100, 90]
    # Since the shared figure (issue 14), EGOV-10's 90 % is the indicator's own latest figure, with its date.
    texts = [e.text for e in group.iter(SVG_NS + "text")]
    assert "Latest actual" in texts and "90% (2006-06-30)" in texts
    assert "county governments with a portal" not in re.search(r'<p class="awaiting">(.*?)</p>', html).group(1).lower()


def test_no_figures_no_panels(cli):
    view = json.loads(cli("report", "--json", "--as-of", AS_OF).stdout)
    html = render_report(view, "zh")
    assert "baseline" not in svgs(html)
    (line,) = re.findall(r'<p class="awaiting">(.*?)</p>', html)
    assert line.startswith("量化任务关联的 12 个指标尚无新数据：") and line.count("；") == 11  # names may hold 、


def test_every_chart_has_an_accessible_name(view):
    for charts in svgs(render_report(view, "zh")).values():
        for chart in charts:
            assert chart.get("role") == "img" and chart.get("aria-label")
            assert chart.find(SVG_NS + "title").text == chart.get("aria-label")


# ---------------------------------------------------------------------------------------------
# The tables: the Markdown report's, cell for cell


def _markdown_cell(text: str) -> str:
    # What a Markdown viewer shows: escapes undone, entities decoded, <br> as a line break.
    text = html.unescape(text.replace("\\|", "|").replace("\\\\", "\\").replace("<br>", "\n"))
    text = re.sub(r"^\*\*(.*)\*\*$", r"\1", text)
    return re.sub(r"^(✅|🟢|🟡|🔴|🟣|⚪) ", "", text).strip()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tables_are_the_markdown_reports(cli, view, lang):
    markdown = cli("report", "--md", "--as-of", AS_OF, "--lang", lang).stdout
    expected = [[header, *rows] for header, rows in markdown_tables(markdown)]
    expected = [[[_markdown_cell(c) for c in row] for row in table] for table in expected]
    got = page(render_report(view, lang)).tables
    # Summary, the areas, the red list, the yellow list (IND-11), the not-reported list (SEC-01) and
    # the baselines.
    assert len(got) == 1 + len(PLAN.areas) + 1 + 1 + 1 + 1
    assert got == expected


@pytest.mark.parametrize("lang,change", [("en", "+1.8 million subscribers"), ("zh", "+180 万户")])
def test_baseline_change_is_in_the_readers_units(view, lang, change):
    # internet-users: over 1,000 万户 in 2005, marked 1,180: the actual and the change read alike.
    comparison = page(render_report(view, lang)).tables[-1]
    (row,) = [r for r in comparison if r[0] in ("Internet users", "互联网用户数")]
    assert row[4:] == [words.amount(1180, {"unit_zh": "万户", "unit_en": "10k subscribers"}, lang), change, "+18.0%"]


# ---------------------------------------------------------------------------------------------
# One language


def allowed_cjk(view: dict) -> set[str]:
    """Chinese that may stand in English text: what users typed (notes, names of reporting units)
    and the Chinese proper names the catalogue's English fields quote, such as 校校通."""
    found: set[str] = set()

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and (key.endswith("_en") or key in ("note", "by")):
            found.update(CJK.findall(value))

    walk(view)
    return found


def stray_cjk(text: str, allowed: set[str]) -> list[str]:
    # A clipped chart label may end inside an allowed run, so parts of allowed runs pass too.
    return [run for run in CJK.findall(text) if not any(run in a for a in allowed)]


def stray_english(text: str, view: dict) -> list[str]:
    """Latin words in Chinese text that are neither ids nor in the catalogue's Chinese (CMM, IT…)."""
    ids = {r["id"] for a in view["areas"] for r in a["tasks_list"]} | {i["id"] for i in view["indicators"]}
    text = re.sub("|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)), " ", text)
    allowed = {"sdpolicy", "UTC"}
    for area in view["areas"]:
        for row in area["tasks_list"]:
            allowed |= set(re.findall(r"[A-Za-z]+", " ".join(filter(None, [row["title_zh"], row["lead_zh"]]))))
    for indicator in view["indicators"]:
        allowed |= set(re.findall(r"[A-Za-z]+", indicator["name_zh"] + " " + (indicator["unit_zh"] or "")))
    return [w for w in re.findall(r"[A-Za-z]+", text) if w not in allowed]


def test_english_html_and_markdown_have_no_stray_chinese(cli, view):
    allowed = allowed_cjk(view)
    assert "校校通" in allowed and "首批验收完成" in allowed  # the check knows what it lets through
    html = page(render_report(view, "en"))
    assert stray_cjk("\n".join(html.text), allowed) == []
    markdown = cli("report", "--md", "--as-of", AS_OF, "--lang", "en").stdout
    assert stray_cjk(markdown, allowed) == []
    # The check itself catches Chinese where English belongs:
    assert stray_cjk("Lights: 绿灯 2", allowed) == ["绿灯"]


def test_chinese_html_and_markdown_have_no_stray_english(cli, view):
    html = page(render_report(view, "zh"))
    assert stray_english("\n".join(html.headings), view) == []
    assert stray_english("\n".join(html.text), view) == []
    markdown = cli("report", "--md", "--as-of", AS_OF, "--lang", "zh").stdout
    assert stray_english(markdown, view) == []
    assert stray_english("| 编号 | Light | EGOV-10 |", view) == ["Light"]


# ---------------------------------------------------------------------------------------------
# A real browser


def chromium() -> str | None:
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


def screenshot(source: Path, png: Path, profile: Path, size: str = "1200,2000") -> list[str]:
    """Render `source` headless, offline, into `png`; return the page's console messages.

    Chromium logs every console message (errors, failed loads, uncaught exceptions) to stderr as
    `INFO:CONSOLE…` with --enable-logging=stderr. Name resolution is switched off, so anything the
    page tried to fetch from the network would fail and be logged."""
    command = [
        chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars", f"--user-data-dir={profile}",
        "--enable-logging=stderr", "--v=0", f"--screenshot={png}", f"--window-size={size}", source.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return [line for line in result.stderr.splitlines() if ":CONSOLE" in line]


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB rows of an 8-bit RGB or RGBA PNG (what Chromium writes), no Pillow."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, [], None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line) if channels == 3 else bytes(b for j, b in enumerate(line) if j % 4 != 3))
        previous = line
    return width, height, rows


needs_chromium = pytest.mark.skipif(
    chromium() is None, reason="chromium is not installed (Debian: apt-get install chromium); .ci/run installs it"
)


@needs_chromium
def test_console_check_catches_an_error(tmp_path):
    # The check below is only worth something if a page with an error fails it.
    page_file = tmp_path / "broken.html"
    page_file.write_text("<!DOCTYPE html><p>x</p><script>undefinedFunction()</script>", encoding="utf-8")
    console = screenshot(page_file, tmp_path / "broken.png", tmp_path / "profile", "300,200")
    assert any("undefinedFunction" in line for line in console)


@needs_chromium
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chromium_draws_the_report_without_console_errors(view, tmp_path, lang):
    source = tmp_path / f"report-{lang}.html"
    source.write_text(render_report(view, lang), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    png = ARTIFACTS / f"report-{lang}.png"
    png.unlink(missing_ok=True)
    assert screenshot(source, png, tmp_path / "profile") == []
    width, height, rows = png_pixels(png.read_bytes())
    assert (width, height) == (1200, 2000)
    pixels = [row[i:i + 3] for row in rows[::4] for i in range(0, len(row), 12)]
    assert len(set(pixels)) > 50  # text, charts and tables, not a blank page
    inked = sum(1 for p in pixels if p != b"\xff\xff\xff") / len(pixels)
    assert 0.03 < inked < 0.6
    # The charts were drawn: each light's colour fills some pixels of the first screen.
    present = set(pixels)
    for code in words.LIGHTS:
        colour = bytes.fromhex(words.LIGHT_COLOUR[code][1:])
        assert any(all(abs(a - b) <= 3 for a, b in zip(colour, p)) for p in present), code


# ---------------------------------------------------------------------------------------------
# Printed: A4 from Chromium, read back with poppler (pdftotext, pdftoppm)

def chinese_font() -> bool:
    if shutil.which("fc-list") is None:
        return False
    return bool(subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip())


needs_print = pytest.mark.skipif(
    chromium() is None or shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None
    or not chinese_font(),
    reason="printing needs chromium, poppler-utils and a Chinese font (Debian: apt-get install chromium "
    "poppler-utils fonts-noto-cjk)",
)


def print_pdf(view: dict, lang: str, folder: Path) -> Path:
    """The report printed to A4 PDF by headless Chromium, as a reader's Print → Save as PDF does."""
    source, pdf = folder / f"report-{lang}.html", folder / f"report-{lang}.pdf"
    source.write_text(render_report(view, lang), encoding="utf-8")
    command = [
        chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
        "--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND", "--no-pdf-header-footer",
        f"--user-data-dir={folder / 'profile'}", f"--print-to-pdf={pdf}", source.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and pdf.exists(), result.stderr[-2000:]
    return pdf


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def grey_pages(pdf: Path, folder: Path, dpi: int = 96) -> list[tuple[int, int, bytes]]:
    """Every page as (width, height, 8-bit grey pixels), from pdftoppm's PGM files."""
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(pdf), str(folder / "page")], check=True)
    pages = []
    for path in sorted(folder.glob("page-*.pgm")):
        magic, width, height, _, pixels = path.read_bytes().split(maxsplit=4)
        assert magic == b"P5"
        pages.append((int(width), int(height), pixels))
    return pages


# The tables' rules are #dee2e6 (grey about 225); cell shading is lighter (#f1f3f5, #f8f9fa).
RULE = range(190, 236)


@needs_print
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_printed_tables_keep_their_right_border_and_the_full_width(view, tmp_path, lang):
    # A4 is 794 px wide at 96 dpi and the right margin is 12 mm (45 px): a table as wide as the
    # page's text ends at about x = 748. Issue 14: its right border was clipped there. A table
    # wider than the page would instead make Chromium shrink the whole page, and the tables end
    # well left of it. So every long horizontal rule of a table must end at x >= 740 on a
    # vertical border: the pixels just above or below its end are a rule too, not cell shading.
    pages = grey_pages(print_pdf(view, lang, tmp_path), tmp_path)
    rules = 0
    for number, (width, height, pixels) in enumerate(pages, start=1):
        assert width == 794
        for y in range(3, height - 3):
            row = pixels[y * width:(y + 1) * width]
            ruled = [x for x in range(width) if row[x] in RULE]
            if len(ruled) < width // 2 or ruled[-1] - ruled[0] < width // 2:
                continue
            # A table's rule is thin (unlike a chart's grey bar) and crossed by the borders between
            # its cells (unlike a heading's rule).
            above = [pixels[(y - 3) * width + x] for x in ruled]
            below = [pixels[(y + 3) * width + x] for x in ruled]
            crossings = sum(1 for a, b in zip(above, below) if a < 236 or b < 236)
            if not 3 <= crossings < len(ruled) // 2:
                continue
            rules += 1
            end = ruled[-1]
            assert end >= 740, (number, y, end)
            # At its end, a vertical border runs above or below the rule.
            column = [pixels[(y + dy) * width + x] for dy in (-3, 3) for x in (end - 1, end)]
            assert any(v < 236 for v in column), (number, y, end, column)
    assert rules > 50  # the check looked at the tables' rules at all


@needs_print
def test_print_lists_only_the_indicators_with_a_figure(view, tmp_path):
    # MARKS records figures for 2 of the 83 indicators (internet-users, county-portal-share): the
    # screen shows all 83 rows, the printed page those 2 and a line naming the other 81.
    html = render_report(view, "en")
    comparison = page(html).tables[-1]
    assert len(comparison) == 1 + 83
    assert "Electronics exports" in [row[0] for row in comparison]
    printed = pdf_text(print_pdf(view, "en", tmp_path))
    assert "Internet users" in printed and "County governments" in printed
    assert "Electronics exports" not in printed
    assert "the other 81 of 83 have none yet" in " ".join(printed.split())


@needs_print
def test_print_never_breaks_a_word_or_a_figure_with_its_unit(view, tmp_path):
    # Issue 14: the Chinese target column read "会议召/开", "80–100/家". Every target the plan
    # has, and the header 最新说明, must appear whole, never split over two lines of the PDF.
    # pdftotext renders the space of "9 个" sometimes and sometimes not: compare without spaces.
    printed = pdf_text(print_pdf(view, "zh", tmp_path)).replace(" ", "")
    lines = [line.strip() for line in printed.splitlines()]
    from sdpolicy.views import target_json

    targets = {words.target(target_json(task.target), "zh") for task in PLAN.tasks} | {"最新说明"}
    assert {"会议召开", "80–100 家", "3–5 家"} <= targets
    for whole in (target.replace(" ", "") for target in targets):
        assert whole in printed, whole
        for cut in range(1, len(whole)):
            head, tail = whole[:cut].strip(), whole[cut:].strip()
            for line, following in zip(lines, lines[1:]):
                assert not (line.endswith(head) and following.startswith(tail)), (whole, line, following)


@pytest.mark.parametrize("cell,kept", [
    ("会议召开", ["会议召开"]),  # a short word: the whole cell
    ("80–100 家", ["80–100 家"]),
    ("+13 percentage points", ["+13 percentage points"]),
    ("over 10 million subscribers", ["10 million"]),
    ("落后序时进度 17.5 个百分点（应完成 42.5%，实际 25.0%）", ["17.5 个百分点", "42.5%", "25.0%"]),
    ("EGOV-10 (100%), RES-10 (qualitative)", ["EGOV-10", "100%", "RES-10"]),
    ("Continue the IT retrofit of 200 key enterprises", ["200 key"]),
])
def test_cells_keep_words_and_figures_with_units_whole(cell, kept):
    # What the browser may not break: the runs inside <span class="nb">, and the text unchanged.
    from sdpolicy.render.html import text

    rendered = text(cell)
    assert re.findall(r'<span class="nb">(.*?)</span>', rendered) == [html.escape(k) for k in kept]
    assert html.unescape(re.sub(r"</?span[^>]*>", "", rendered)) == cell
