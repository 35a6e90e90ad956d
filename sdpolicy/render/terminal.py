"""Rich tables for the terminal. Data goes in as Text, never as markup, so '[' in a note is safe.

On a terminal: colour and box drawing. Piped or with NO_COLOR: no colour codes, plain ASCII
column rules, and a width that keeps rows on one line so that grep and cut still work.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sdpolicy.i18n import t
from sdpolicy.render import words

LIGHT_STYLE = {"done": "bold cyan", "green": "bold green", "yellow": "bold yellow", "red": "bold red", "grey": "dim"}


# C0 controls but newline and tab, DEL and C1 (0x9b is a one-byte CSI to some terminals).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(value: Any) -> Any:
    """A view with every string made safe to show: a control character (ESC, BEL, CR, …) in a note
    or a hand-edited store becomes a visible \\xNN, so data cannot recolour, move the cursor in or
    retitle the reader's terminal, nor put escape codes into piped output."""
    if isinstance(value, str):
        return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", value)
    if isinstance(value, dict):
        return {key: printable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [printable(item) for item in value]
    return value


def console() -> Console:
    if sys.stdout.isatty():
        return Console(highlight=False, emoji=False)
    # Piped, Rich would wrap at 80 columns; an unbounded page keeps one row per line for grep and cut.
    return Console(highlight=False, emoji=False, no_color=True, width=100_000, force_terminal=False)


def _table(out: Console, *columns: str, title: str | None = None) -> Table:
    table = Table(
        title=title,
        box=box.SIMPLE_HEAD if out.is_terminal else box.ASCII2,
        show_edge=out.is_terminal,
        header_style="bold" if out.is_terminal else "",
        title_justify="left",
        pad_edge=False,
    )
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def light_text(light: str, lang: str) -> Text:
    return Text(f"{words.LIGHT_SYMBOL[light]} {words.light(light, lang)}", style=LIGHT_STYLE[light])


def task_rows_table(out: Console, rows: list[dict[str, Any]], lang: str, title: str | None = None) -> Table:
    table = _table(
        out, t("id", lang), t("title", lang), t("target", lang), t("actual", lang), t("percent", lang),
        t("light", lang), t("deadline", lang), t("lead", lang), title=title,
    )
    for row in rows:
        table.add_row(
            Text(row["id"]), Text(words.title(row, lang)), Text(words.target(row["target"], lang)),
            Text(words.actual(row, lang)), Text(words.pct(row["percent"])), light_text(row["light"], lang),
            Text(row["deadline"]), Text(words.lead(row, lang)),
        )
    return table


def render_list(view: dict[str, Any], lang: str, out: Console) -> None:
    out.print(task_rows_table(out, view["tasks"], lang))
    out.print(Text(f"{len(view['tasks'])} · {t('as_of_line', lang, date=view['as_of'])}", style="dim"))


def _summary_table(out: Console, view: dict[str, Any], lang: str) -> Table:
    table = _table(
        out, t("area", lang), t("tasks", lang), words.light("done", lang), words.light("green", lang),
        words.light("yellow", lang), words.light("red", lang), words.light("grey", lang), t("overall", lang),
        title=t("as_of_line", lang, date=view["as_of"]),
    )
    for column in table.columns[1:]:
        column.justify = "right"
    chosen = [view["area"]["slug"]] if view.get("area") else None
    summaries = [s for s in view["areas"] if chosen is None or s["area"] in chosen]
    for summary in summaries + ([view["total"]] if chosen is None else []):
        name = words.name(summary, lang) if summary["area"] else t("total", lang)
        table.add_row(
            Text(name, style="bold" if summary["area"] is None else ""),
            *(Text(str(summary[k])) for k in ("tasks", "done", "green", "yellow", "red", "grey")),
            Text(words.pct(summary["percent"])),
        )
    return table


def render_status(view: dict[str, Any], lang: str, out: Console) -> None:
    out.print(_summary_table(out, view, lang))
    if view.get("area"):
        out.print(task_rows_table(out, view["tasks"], lang))


def render_task(view: dict[str, Any], lang: str, out: Console) -> None:
    task = view["task"]
    head = Text(f"{task['id']}  {words.title(task, lang)}", style="bold")
    out.print(head)
    other = "en" if lang == "zh" else "zh"
    out.print(Text(words.title(task, other), style="dim"))
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold" if out.is_terminal else "")
    facts.add_column(overflow="fold")
    area_name = task["area_zh"] if lang == "zh" else task["area_en"]
    rows = [
        (t("area", lang), f"{area_name} ({task['area']})"),
        (t("target", lang), words.target(task["target"], lang)),
        (t("start", lang) + " → " + t("deadline", lang), f"{task['start']} → {task['deadline']}"),
        (t("lead", lang), words.lead(task, lang)),
        (t("actual", lang), words.actual(task, lang)),
        (t("percent", lang), words.pct(task["percent"])),
        (t("expected", lang), words.pct(task["expected"])),
    ]
    remark = task["note_zh"] if lang == "zh" else task["note_en"]
    if remark:
        rows.append((t("remark", lang), remark))
    source = task["source"]
    doc_title = source["title_zh"] if lang == "zh" else source["title_en"]
    rows.append((t("source", lang), f"{doc_title or source['document']} · {t('section', lang)} {words.section(source['section'], lang)}"))
    rows.append((t("quote", lang), f"“{source['quote']}”"))
    for label, value in rows:
        facts.add_row(Text(label), Text(value))
    facts.add_row(Text(t("light", lang)), light_text(task["light"], lang) + Text(" — " + words.reason(task["reason"], lang)))
    out.print(facts)
    if task["indicators"]:
        table = _table(
            out, t("id", lang), t("indicator", lang), t("baseline", lang), t("as_of", lang), t("source", lang),
            title=t("links", lang),
        )
        for indicator in task["indicators"]:
            marker = " *" if indicator["role"] == "baseline" else ""
            table.add_row(
                Text(f"{indicator['id']}{marker}"), Text(words.name(indicator, lang)),
                Text(words.baseline_value(indicator, lang)), Text(indicator["as_of"]),
                Text(f"“{indicator['source']['quote']}”"),
            )
        out.print(table)
    _history(out, task["history"], lang, title=t("history", lang))


def _history(out: Console, rows: list[dict[str, Any]], lang: str, title: str | None = None) -> None:
    if not rows:
        out.print(Text(t("no_records", lang), style="dim"))
        return
    table = _table(
        out, t("record", lang), t("item", lang), t("date", lang), t("value", lang), t("note", lang), t("by", lang),
        t("recorded_at", lang), title=title,
    )
    for row in rows:
        if row["retracts"]:
            what = ("撤回 " if lang == "zh" else "retracts ") + row["retracts"]
        elif row["value"] is not None:
            what = words.num(row["value"])
        else:
            what = words.state(row["state"], lang)
        style = "" if row["in_effect"] else "strike dim"
        if row["retracted_by"]:
            what += (" (已被 " if lang == "zh" else " (retracted by ") + row["retracted_by"] + ")"
        table.add_row(
            Text(row["id"], style=style), Text(row["item"]), Text(row["date"]), Text(what, style=style),
            Text(row["note"]), Text(row["by"]), Text(row["recorded_at"][:19].replace("T", " ")),
        )
    out.print(table)


def render_log(view: dict[str, Any], lang: str, out: Console) -> None:
    _history(out, view["records"], lang)


def render_compare(view: dict[str, Any], lang: str, out: Console) -> None:
    table = _table(
        out, t("id", lang), t("indicator", lang), t("baseline", lang), t("as_of", lang), t("linked_tasks", lang),
        t("actual", lang), t("change", lang), t("growth", lang), title=t("comparison", lang),
    )
    for row in view["indicators"]:
        linked = ", ".join(
            f"{task['id']} ({words.target(task['target'], lang)})" for task in row["tasks"]
        ) or "—"
        if row["actual"] is not None:
            current = words.amount(row["actual"], row, lang) + f" ({row['actual_date']})"
        else:
            current = words.state(row["recorded_state"], lang)
        table.add_row(
            Text(row["id"]), Text(words.name(row, lang)), Text(words.baseline_value(row, lang)), Text(row["as_of"]),
            Text(linked), Text(current), Text(words.change(row["change"], row, lang)), Text(words.growth(row["growth"])),
        )
    out.print(table)
