"""Views drawn for a terminal or a pipe. Data goes in as plain text, never as markup, so '[' in a note
is safe, and control characters are shown as \\xNN (see grid.printable).

On a terminal: colour (through Rich) and tables folded to the terminal's width. Piped or redirected:
no colour codes, `a | b` rows with plain ASCII rules, one row per line however wide, so that grep and
cut still work. The tables themselves are laid out by sdpolicy.render.grid.
"""

from __future__ import annotations

import sys
from typing import Any, Sequence

from sdpolicy.i18n import t
from sdpolicy.render import grid, words
from sdpolicy.render.grid import Cell, Column
from sdpolicy.sanitise import stdout_fits

LIGHT_STYLE = {"done": "bold cyan", "green": "bold green", "yellow": "bold yellow", "red": "bold red", "unreported": "bold magenta", "grey": "dim"}


class Screen:
    """Where a view is drawn: the terminal (colour, folded to its width) or a pipe (plain rows)."""

    def __init__(self) -> None:
        self.is_terminal = sys.stdout.isatty()
        self._console: Any = None

    @property
    def console(self) -> Any:
        # Rich decides colour (NO_COLOR, FORCE_COLOR, the terminal's colour system) and the width.
        if self._console is None:
            from rich.console import Console

            self._console = Console(highlight=False, emoji=False)
        return self._console

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[Cell]], title: str | None = None) -> None:
        if title is not None:
            self.line(title, "bold")
        self._show(grid.draw(columns, rows, grid.TERMINAL if self.is_terminal else grid.PIPE, self._width()))

    def pairs(self, rows: Sequence[tuple[str, Cell]]) -> None:
        """Label and value, one pair a line, the values lined up."""
        label_style = "bold" if self.is_terminal else ""
        columns = (Column("", fold=False), Column(""))
        cells = [((label, label_style), value) for label, value in rows]
        self._show(grid.draw(columns, cells, grid.PAIRS, self._width()))

    def _width(self) -> int | None:
        """The terminal's width to fold tables to; none for a pipe, where rows stay whole."""
        return self.console.width if self.is_terminal else None

    def line(self, text: str, style: str = "") -> None:
        self._show([[(grid.printable(text), style)]])

    def _show(self, lines: list[grid.Line]) -> None:
        if not self.is_terminal:
            sys.stdout.write(grid.plain(lines))
            return
        console = self.console
        if console.legacy_windows or console.record:
            # An old Windows console is coloured through its API, not escape codes: Rich does it all.
            from rich.text import Text

            text = Text()
            for line in lines:
                for fragment, style in line:
                    text.append(fragment, style or None)
                text.append("\n")
            console.print(text, end="", soft_wrap=True)
            return
        # Rich renders each style once, as it would any text (colour system, NO_COLOR and all), and
        # the rows are joined around those codes in bulk: building and rendering a Rich Text of
        # 10,000 rows took most of the time of a `list` on a terminal.
        codes = {style: self._codes(style) for style in {style for line in lines for _, style in line if style}}
        out = []
        for line in lines:
            for fragment, style in line:
                if style and fragment:
                    before, after = codes[style]
                    out.append(before + fragment + after)
                else:
                    out.append(fragment)
            out.append("\n")
        console.file.write("".join(out))
        console.file.flush()

    def _codes(self, style: str) -> tuple[str, str]:
        """What Rich writes before and after a text in `style` on this console."""
        from rich.text import Text

        with self.console.capture() as captured:
            self.console.print(Text("\0", style=style), end="", soft_wrap=True)
        before, _, after = captured.get().partition("\0")
        return before, after


def light_cell(light: str, lang: str) -> Cell:
    symbol = words.LIGHT_SYMBOL[light]
    # The word alone says it all where the output's encoding has no ● (PYTHONIOENCODING=ascii).
    return (f"{symbol} {words.light(light, lang)}" if stdout_fits(symbol) else words.light(light, lang), LIGHT_STYLE[light])


def task_rows_table(out: Screen, rows: list[dict[str, Any]], lang: str, title: str | None = None) -> None:
    columns = [Column(t(name, lang), fold=name in ("title", "target", "lead")) for name in
               ("id", "title", "target", "actual", "percent", "light", "deadline", "lead")]
    cells = [
        [
            row["id"], words.title(row, lang), words.target(row["target"], lang), words.actual(row, lang),
            words.pct(row["percent"]), light_cell(row["light"], lang), row["deadline"], words.lead(row, lang),
        ]
        for row in rows
    ]
    out.table(columns, cells, title=title)


def render_list(view: dict[str, Any], lang: str, out: Screen) -> None:
    task_rows_table(out, view["tasks"], lang)
    out.line(f"{len(view['tasks'])} · {words.as_of(view['as_of'], lang)}", "dim")


def render_status(view: dict[str, Any], lang: str, out: Screen) -> None:
    columns = [Column(t("area", lang))] + [
        Column(heading, right=True, fold=False)
        for heading in (
            t("tasks", lang), *(words.light(light, lang) for light in words.LIGHTS),
            t("overall", lang),
        )
    ]
    chosen = [view["area"]["slug"]] if view.get("area") else None
    summaries = [s for s in view["areas"] if chosen is None or s["area"] in chosen]
    rows: list[list[Cell]] = []
    for summary in summaries + ([view["total"]] if chosen is None else []):
        name = words.name(summary, lang) if summary["area"] else t("total", lang)
        rows.append([
            (name, "bold" if summary["area"] is None else ""),
            *(str(summary[k]) for k in ("tasks", *words.LIGHTS)),
            words.pct(summary["percent"]),
        ])
    out.table(columns, rows, title=words.as_of(view["as_of"], lang))
    if view.get("area"):
        task_rows_table(out, view["tasks"], lang)


def render_task(view: dict[str, Any], lang: str, out: Screen) -> None:
    task = view["task"]
    out.line(f"{task['id']}  {words.title(task, lang)}", "bold")
    other = "en" if lang == "zh" else "zh"
    out.line(words.title(task, other), "dim")
    area_name = task["area_zh"] if lang == "zh" else task["area_en"]
    facts: list[tuple[str, Cell]] = [
        (t("area", lang), f"{area_name} ({task['area']})"),
        (t("target", lang), words.target(task["target"], lang)),
        *([(t("hedge", lang), t(f"hedge.{task['hedge']}", lang))] if task["hedge"] else []),
        (t("start", lang) + " → " + t("deadline", lang), f"{task['start']} → {task['deadline']}"),
        (t("lead", lang), words.lead(task, lang)),
        *([(t("units", lang), words.units(task["units"], lang))] if task["units"] else []),
        (t("actual", lang), words.actual(task, lang)),
        (t("percent", lang), words.pct(task["percent"])),
        (t("expected", lang), words.pct(task["expected"])),
    ]
    remark = task["note_zh"] if lang == "zh" else task["note_en"]
    if remark:
        facts.append((t("remark", lang), remark))
    source = task["source"]
    doc_title = source["title_zh"] if lang == "zh" else source["title_en"]
    facts.append((t("source", lang), f"{doc_title or source['document']} · {words.section(source['section'], lang)}"))
    facts.append((t("quote", lang), f"“{source['quote']}”"))
    light, style = light_cell(task["light"], lang)
    facts.append((t("light", lang), (f"{light} — {words.reason(task['reason'], lang)}", style)))
    if task.get("forecast"):
        facts.append((t("forecast", lang), words.forecast(task["forecast"], task, lang)))
    out.pairs(facts)
    if task.get("nodes"):
        columns = [Column(t(name, lang), fold=name == "node") for name in ("date", "node", "node_share", "reached")]
        rows = [
            [node["date"], words.node_name(node, lang), words.pct(node["share"]) if node["share"] is not None else "—",
             node["reached"] or "—"]
            for node in task["nodes"]
        ]
        out.table(columns, rows, title=t("nodes", lang))
    if task["indicators"]:
        columns = [Column(t(name, lang), fold=name in ("indicator", "source"))
                   for name in ("id", "indicator", "baseline", "as_of", "source")]
        rows = [
            [
                f"{indicator['id']}{' *' if indicator['role'] == 'baseline' else ''}", words.name(indicator, lang),
                words.baseline_value(indicator, lang), indicator["as_of"], f"“{indicator['source']['quote']}”",
            ]
            for indicator in task["indicators"]
        ]
        out.table(columns, rows, title=t("links", lang))
        for indicator in task["indicators"]:
            note = words.pair(indicator, "note", lang)
            if note:
                out.line(f"{indicator['id']}{'：' if lang == 'zh' else ': '}{note}", "dim")
        for document in task["documents"]:
            if document["id"] != source["document"]:
                out.line(f"{t('figures_from', lang)}{'：' if lang == 'zh' else ': '}{words.document(document, lang)}", "dim")
    _history(out, task["history"], lang, title=t("history", lang))


def _history(out: Screen, rows: list[dict[str, Any]], lang: str, title: str | None = None) -> None:
    if not rows:
        out.line(t("no_records", lang), "dim")
        return
    columns = [Column(t(name, lang), fold=name in ("note", "by"))
               for name in ("record", "item", "date", "value", "note", "by", "recorded_at")]
    cells: list[list[Cell]] = []
    for row in rows:
        if row["retracts"]:
            what = ("撤回 " if lang == "zh" else "retracts ") + row["retracts"]
        else:
            what = words.recorded(row["value"], row["state"], row.get("node"), lang)
        style = "" if row["in_effect"] and not row.get("superseded_by") else "strike dim"
        if row["retracted_by"]:
            what += (" (已被 " if lang == "zh" else " (retracted by ") + row["retracted_by"] + ")"
        elif row.get("superseded_by"):
            what += " (" + t("superseded_by", lang, id=row["superseded_by"]) + ")"
        cells.append([
            (row["id"], style), row["item"], row["date"], (what, style), words.reported(row, lang), row["by"],
            words.local_time(row["recorded_at"]),
        ])
    out.table(columns, cells, title=title)


def render_log(view: dict[str, Any], lang: str, out: Screen) -> None:
    _history(out, view["records"], lang)


def render_compare(view: dict[str, Any], lang: str, out: Screen) -> None:
    columns = [Column(t(name, lang), fold=name in ("indicator", "linked_tasks", "actual"))
               for name in ("id", "indicator", "baseline", "as_of", "linked_tasks", "actual", "change", "growth")]
    rows: list[list[Cell]] = []
    for row in view["indicators"]:
        linked = ", ".join(
            f"{task['id']} ({words.target(task['target'], lang)})" for task in row["tasks"]
        ) or "—"
        if row["actual"] is not None:
            current = words.amount(row["actual"], row, lang) + f" ({row['actual_date']})"
        else:
            current = words.state(row["recorded_state"], lang)
        rows.append([
            row["id"], words.name(row, lang), words.baseline_value(row, lang), row["as_of"], linked, current,
            words.change(row["change"], row, lang), words.growth(row["growth"]),
        ])
    out.table(columns, rows, title=t("comparison", lang))


_SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float | None], top: float) -> str:
    """One block per value, its height the value's share of `top`; a gap where there is none."""
    if top <= 0:
        top = 1.0
    marks = []
    for value in values:
        if value is None:
            marks.append(" ")
        else:
            share = min(max(value / top, 0.0), 1.0)
            marks.append(_SPARKS[round(share * (len(_SPARKS) - 1))])
    return "".join(marks)


def _date_heading(day: str, dates: Sequence[str]) -> str:
    # Within one year the month and day are enough, and keep a year's twelve columns narrow.
    return day[5:] if len({d[:4] for d in dates}) == 1 else day


def render_trend(view: dict[str, Any], lang: str, out: Screen) -> None:
    points = view["points"]
    dates = [p["date"] for p in points]
    columns = [Column("", fold=False)] + [Column(_date_heading(d, dates), right=True, fold=False) for d in dates]
    spark = out.is_terminal
    if spark:
        columns.append(Column("", fold=False))
    rows: list[list[Cell]] = []
    if "task" in view:
        task = view["task"]
        title = f"{task['id']}  {words.title(task, lang)} · {words.target(task['target'], lang)}"
        series = [
            # Bare figures: the unit is in the title, and twelve columns must fit a terminal.
            (t("actual", lang), [words.num(p["actual"]) if p["actual"] is not None else words.state(p["state"], lang) for p in points],
             [p["actual"] for p in points], task["target"].get("min") or task["target"].get("value")),
            (t("percent", lang), [words.pct(p["percent"]) for p in points], [p["percent"] for p in points], 100.0),
            (t("expected", lang), [words.pct(p["expected"]) for p in points], [p["expected"] for p in points], 100.0),
        ]
        for label, cells, values, top in series:
            row: list[Cell] = [label, *cells]
            if spark:
                known = [v for v in values if v is not None]
                row.append(sparkline(values, max(top or 0.0, *known, 0.0)))
            rows.append(row)
        light_row: list[Cell] = [t("light", lang), *(light_cell(p["light"], lang) for p in points)]
        if spark:
            light_row.append("")
        rows.append(light_row)
    else:
        if view.get("area"):
            title = words.name(view["area"], lang)
        elif view.get("unit"):
            title = f"{t('lead', lang)}: {view['unit']}"
        else:
            title = t("total", lang)
        top = float(max((p["tasks"] for p in points), default=0))
        for light in words.LIGHTS:
            row = [light_cell(light, lang), *(str(p[light]) for p in points)]
            if spark:
                row.append(sparkline([p[light] for p in points], top))
            rows.append(row)
        overall: list[Cell] = [t("overall", lang), *(words.pct(p["percent"]) for p in points)]
        if spark:
            overall.append(sparkline([p["percent"] for p in points], 100.0))
        rows.append(overall)
    out.table(columns, rows, title=title)
    if "task" in view and view.get("forecast"):
        out.line(forecast_line(view["forecast"], view["task"], lang))


def forecast_line(found: dict[str, Any], task: dict[str, Any], lang: str) -> str:
    return f"{t('forecast', lang)}: {words.forecast(found, task, lang)}"


# ---------------------------------------------------------------------------------------------
# Reports owed and what changed (sdpolicy due, sdpolicy changes)


def unit_name(row: dict[str, Any], lang: str) -> str:
    """The unit a row is chased from, in the reader's language, or a word for nobody."""
    name = (row.get("unit_en") if lang == "en" else None) or row.get("unit_zh")
    return name or t("no_unit", lang)


def render_due(view: dict[str, Any], lang: str, out: Screen) -> None:
    period = view["period"]
    out.line(t(
        "due_title", lang, period=words.period_label(period["label"], lang), due=words.day(period["due"], lang),
        as_of=words.day(view["as_of"], lang), count=view["count"],
    ), "bold")
    if not view["units"]:
        out.line(t("nothing_due", lang), "dim")
        return
    columns = [Column(t(name, lang), fold=name == "title") for name in ("id", "title", "deadline", "last_report_col", "missed_col", "light")]
    for group in view["units"]:
        rows = [
            [r["id"], words.title(r, lang), r["deadline"], r["last"] or t("never_reported", lang), str(r["missed"]), light_cell(r["light"], lang)]
            for r in group["tasks"]
        ]
        out.table(columns, rows, title=f"{unit_name(group, lang)} · {len(rows)}")


def render_changes(view: dict[str, Any], lang: str, out: Screen) -> None:
    out.line(t("changes_title", lang, since=words.day(view["since"], lang), as_of=words.day(view["as_of"], lang)), "bold")
    if not (view["transitions"] or view["records"] or view["indicators"]):
        out.line(t("no_changes", lang), "dim")
        return
    if view["transitions"]:
        columns = [Column(t(n, lang), fold=n in ("title", "why")) for n in ("id", "title", "change_col", "before", "after", "why")]
        rows = [
            [
                r["id"], words.title(r, lang), t(f"change.{r['change']}", lang), light_cell(r["before"]["light"], lang),
                light_cell(r["after"]["light"], lang), words.reason(r["after"]["reason"], lang),
            ]
            for r in view["transitions"]
        ]
        out.table(columns, rows, title=t("changed_lights", lang))
    if view["records"]:
        columns = [Column(t(n, lang), fold=n in ("note", "by")) for n in ("date", "item", "value", "note", "by", "record")]
        rows = [
            [r["date"], r["item"], words.num(r["value"]) if r["value"] is not None else words.state(r["state"], lang), r["note"], r["by"], r["id"]]
            for r in view["records"]
        ]
        out.table(columns, rows, title=t("records_between", lang))
    if view["indicators"]:
        columns = [Column(t(n, lang), fold=n == "indicator") for n in ("id", "indicator", "before", "after", "change")]
        rows = [
            [r["id"], words.name(r, lang), words.indicator_figure(r, "before", lang), words.indicator_figure(r, "after", lang), words.change(r["change"], r, lang)]
            for r in view["indicators"]
        ]
        out.table(columns, rows, title=t("new_figures", lang))
