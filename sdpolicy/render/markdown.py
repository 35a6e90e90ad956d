"""The Markdown briefing: GitHub-flavoured Markdown that any viewer renders."""

from __future__ import annotations

from typing import Any

from sdpolicy.i18n import pair, t
from sdpolicy.render import words

LIGHT_MARK = {"done": "✅", "green": "🟢", "yellow": "🟡", "red": "🔴", "grey": "⚪"}


def cell(text: str) -> str:
    """Text that stays inside one table cell: pipes escaped, line breaks as <br>."""
    return (
        text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>").strip() or " "
    )


def table(headers: list[str], rows: list[list[str]], align: list[str] | None = None) -> list[str]:
    align = align or ["l"] * len(headers)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def light(value: str, lang: str) -> str:
    return f"{LIGHT_MARK[value]} {words.light(value, lang)}"


def _summary_rows(summaries: list[dict[str, Any]], lang: str) -> list[list[str]]:
    return [
        [
            words.name(s, lang) if s["area"] else f"**{t('total', lang)}**",
            str(s["tasks"]), str(s["done"]), str(s["green"]), str(s["yellow"]), str(s["red"]), str(s["grey"]),
            words.pct(s["percent"]),
        ]
        for s in summaries
    ]


def _summary_headers(lang: str) -> list[str]:
    return [t("area", lang), t("tasks", lang)] + [words.light(k, lang) for k in ("done", "green", "yellow", "red", "grey")] + [t("overall", lang)]


def _task_table(rows: list[dict[str, Any]], lang: str) -> list[str]:
    headers = [t("id", lang), t("title", lang), t("target", lang), t("actual", lang), t("percent", lang), t("light", lang), t("latest_note", lang)]
    body = [
        [
            r["id"], words.title(r, lang), words.target(r["target"], lang), words.actual(r, lang),
            words.pct(r["percent"]), light(r["light"], lang), (r["latest"] or {}).get("note") or "",
        ]
        for r in rows
    ]
    return table(headers, body, ["l", "l", "l", "r", "r", "l", "l"])


def render_report(view: dict[str, Any], lang: str) -> str:
    plan = view["plan"]
    out: list[str] = [f"# {t('report_title', lang, plan=pair(plan, 'name', lang))}", ""]
    out += [f"{t('as_of_line', lang, date=view['as_of'])} · {pair(plan, 'issuer', lang)}", ""]

    out += [f"## {t('summary', lang)}", ""]
    total = view["total"]
    out += table(_summary_headers(lang), _summary_rows([a for a in view["areas"]] + [total], lang), ["l"] + ["r"] * 7)
    out.append("")

    out += [f"## {t('by_area', lang)}", ""]
    for area in view["areas"]:
        counts = ", ".join(f"{light(k, lang)} {area[k]}" for k in ("done", "green", "yellow", "red", "grey") if area[k])
        out += [f"### {words.name(area, lang)}", "", f"{counts} · {t('overall', lang)} {words.pct(area['percent'])}", ""]
        out += _task_table(area["tasks_list"], lang)
        out.append("")

    out += [f"## {t('red_tasks', lang)}", ""]
    if view["attention"]:
        headers = [t("id", lang), t("title", lang), t("deadline", lang), t("lead", lang), t("why", lang)]
        out += table(
            headers,
            [[r["id"], words.title(r, lang), r["deadline"], words.lead(r, lang), words.reason(r["reason"], lang)] for r in view["attention"]],
        )
    else:
        out.append(t("none", lang))
    out.append("")

    out += [f"## {t('comparison', lang)}", ""]
    headers = [t("indicator", lang), t("baseline", lang), t("as_of", lang), t("linked_tasks", lang), t("actual", lang), t("change", lang), t("growth", lang)]
    rows = []
    for row in view["indicators"]:
        linked = ", ".join(f"{x['id']} ({words.target(x['target'], lang)})" for x in row["tasks"]) or "—"
        current = words.amount(row["actual"], row, lang) if row["actual"] is not None else words.state(row["recorded_state"], lang)
        rows.append([words.name(row, lang), words.baseline_value(row, lang), row["as_of"], linked, current, words.signed(row["change"]), words.growth(row["growth"])])
    out += table(headers, rows, ["l", "r", "l", "l", "r", "r", "r"])
    out += ["", f"_{t('generated', lang)}_", ""]
    return "\n".join(out)
