"""The tables of the briefing, as words in the chosen language: shared by the Markdown and HTML reports.

Each function turns part of the report view into a `Table` of display strings. A renderer only
decides how a table, a light and a total row look in its format, so the two reports cannot
disagree about which columns exist or what a cell says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

from sdpolicy.i18n import pair, t
from sdpolicy.render import words


@dataclass(frozen=True)
class Light:
    """A light in a cell: the code lets each format colour it, the word is what it says."""

    code: str
    word: str


Cell = Union[str, Light]


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[Cell]]
    align: list[str]  # "l" or "r" per column
    total: bool = False  # the last row sums the ones above it
    nowrap: tuple[int, ...] = ()  # columns a line break would garble: ids, dates
    # Rows with nothing recorded yet: a screen shows them, a printed page may leave them out.
    quiet: tuple[int, ...] = ()


@dataclass(frozen=True)
class AreaSection:
    name: str
    counts: list[tuple[Light, int]]  # only the lights the area has
    overall: str
    tasks: Table = field(repr=False)


def light(code: str, lang: str) -> Light:
    return Light(code, words.light(code, lang))


def title(view: dict[str, Any], lang: str) -> str:
    return t("report_title", lang, plan=pair(view["plan"], "name", lang))


def byline(view: dict[str, Any], lang: str) -> str:
    return f"{words.as_of(view['as_of'], lang)} · {pair(view['plan'], 'issuer', lang)}"


def summary(view: dict[str, Any], lang: str) -> Table:
    headers = [t("area", lang), t("tasks", lang)]
    headers += [words.heading(words.light(k, lang), lang) for k in words.LIGHTS] + [t("overall", lang)]
    rows: list[list[Cell]] = [
        [
            words.name(s, lang) if s["area"] else t("total", lang),
            *(str(s[k]) for k in ("tasks", *words.LIGHTS)),
            words.pct(s["percent"]),
        ]
        for s in [*view["areas"], view["total"]]
    ]
    return Table(headers, rows, ["l"] + ["r"] * (len(headers) - 1), total=True)


def tasks(rows: list[dict[str, Any]], lang: str) -> Table:
    headers = [t(k, lang) for k in ("id", "title", "target", "actual", "percent", "light", "forecast", "latest_note")]
    body: list[list[Cell]] = [
        [
            r["id"], words.title(r, lang), words.target(r["target"], lang), words.actual(r, lang),
            words.pct(r["percent"]), light(r["light"], lang), words.forecast_short(r, lang),
            (r["latest"] or {}).get("note") or "",
        ]
        for r in rows
    ]
    return Table(headers, body, ["l", "l", "l", "r", "r", "l", "l", "l"], nowrap=(0, 5))


def areas(view: dict[str, Any], lang: str) -> list[AreaSection]:
    return [
        AreaSection(
            name=words.name(area, lang),
            counts=[(light(k, lang), area[k]) for k in words.LIGHTS if area[k]],
            overall=f"{t('overall', lang)} {words.pct(area['percent'])}",
            tasks=tasks(area["tasks_list"], lang),
        )
        for area in view["areas"]
    ]


def attention(view: dict[str, Any], lang: str) -> Table | None:
    """Red tasks (overdue ones included) and green ones whose forecast falls short, or None when
    there are none."""
    if not view["attention"]:
        return None
    headers = [t(k, lang) for k in ("id", "title", "deadline", "lead", "why")]
    rows: list[list[Cell]] = [
        [r["id"], words.title(r, lang), r["deadline"], words.lead(r, lang), words.attention_reason(r, lang)]
        for r in view["attention"]
    ]
    return Table(headers, rows, ["l"] * 5, nowrap=(0, 2))


def current(indicator: dict[str, Any], lang: str) -> str:
    """An indicator's latest recorded figure, or its recorded state."""
    if indicator["actual"] is not None:
        return words.amount(indicator["actual"], indicator, lang)
    return words.state(indicator["recorded_state"], lang)


def comparison(view: dict[str, Any], lang: str) -> Table:
    headers = [t(k, lang) for k in ("indicator", "baseline", "as_of", "linked_tasks", "actual", "change", "growth")]
    rows: list[list[Cell]] = []
    quiet = []
    for n, row in enumerate(view["indicators"]):
        if not recorded(row):
            quiet.append(n)
        linked = ", ".join(f"{x['id']} ({words.target(x['target'], lang)})" for x in row["tasks"]) or "—"
        rows.append([
            words.name(row, lang), words.baseline_value(row, lang), row["as_of"], linked, current(row, lang),
            words.change(row["change"], row, lang), words.growth(row["growth"]),
        ])
    return Table(headers, rows, ["l", "r", "l", "l", "r", "r", "r"], nowrap=(2,), quiet=tuple(quiet))


def recorded(indicator: dict[str, Any]) -> bool:
    """Whether the period has a figure or a state for this indicator by the as-of date."""
    return indicator["actual"] is not None or indicator["recorded_state"] is not None


def unit_headers(lang: str) -> list[str]:
    """The headings of the table by unit, also for a CSV that has no unit to list yet."""
    return [t("unit", lang), t("led", lang), *(words.heading(words.light(k, lang), lang) for k in words.LIGHTS),
            t("last_report_col", lang), t("reported_this_period", lang)]


def units(view: dict[str, Any], lang: str) -> Table | None:
    """One row per unit (the office's assignments): the lights of the tasks it leads and its last
    report; None when the office has assigned no task yet."""
    if not view.get("units"):
        return None
    headers = unit_headers(lang)
    rows: list[list[Cell]] = [
        [pair(u, "unit", lang) or u["unit_zh"], str(u["led"]), *(str(u[k]) for k in words.LIGHTS),
         u["last_report"] or "—", t("yes" if u["reported"] else "no", lang)]
        for u in view["units"]
    ]
    return Table(headers, rows, ["l"] + ["r"] * (1 + len(words.LIGHTS)) + ["l", "l"], nowrap=(2 + len(words.LIGHTS),))


# ---------------------------------------------------------------------------------------------
# The bulletin (通报): opening sentences, the counts by schedule, what changed, who has not reported


def opening(view: dict[str, Any], lang: str) -> list[str]:
    """Two or three sentences, each a template filled with the report's figures: never free text."""
    counts = view["bulletin"]
    grey = t("opening.grey", lang, grey=counts["grey"]) if counts["grey"] else ""
    sentences = [
        t("opening.counts", lang, date=words.day(view["as_of"], lang), grey_zh=grey if lang == "zh" else "",
          grey_en=grey if lang == "en" else "", **{k: v for k, v in counts.items() if k != "grey"}),
        t("opening.lights", lang, red_after=view["plan"]["reporting"]["red_after"], **counts),
    ]
    if view.get("changes"):
        changed = view["changes"]["counts"]
        sentences.append(t(
            "opening.since", lang, since=words.day(view["since"], lang), records=len(view["changes"]["records"]),
            **{k: changed[k] for k in ("done", "red", "recovered", "reported")},
        ))
    elif counts["percent"] is not None:
        sentences.append(t("opening.overall", lang, percent=words.pct(counts["percent"])))
    return sentences


def standings(view: dict[str, Any], lang: str) -> Table:
    from sdpolicy.bulletin import STANDINGS

    counts = view["bulletin"]
    total = counts["tasks"]
    rows: list[list[Cell]] = [
        [words.heading(t(f"standing.{k}", lang), lang), str(counts[k]), words.pct(100 * counts[k] / total if total else None)]
        for k in STANDINGS
    ]
    rows.append([t("total", lang), str(total), words.pct(100.0 if total else None)])
    return Table([t("standing", lang), t("tasks", lang), t("share", lang)], rows, ["l", "r", "r"], total=True)


def changed_lights(view: dict[str, Any], lang: str) -> Table | None:
    found = view["changes"]["transitions"]
    if not found:
        return None
    headers = [t(k, lang) for k in ("id", "title", "change_col", "before", "after", "why")]
    rows: list[list[Cell]] = [
        [r["id"], words.title(r, lang), t(f"change.{r['change']}", lang), light(r["before"]["light"], lang),
         light(r["after"]["light"], lang), words.reason(r["after"]["reason"], lang)]
        for r in found
    ]
    return Table(headers, rows, ["l"] * 6, nowrap=(0, 3, 4))


def records_between(view: dict[str, Any], lang: str) -> Table | None:
    found = view["changes"]["records"]
    if not found:
        return None
    headers = [t(k, lang) for k in ("date", "item", "value", "note", "by")]
    rows: list[list[Cell]] = [
        [r["date"], r["item"], words.num(r["value"]) if r["value"] is not None else words.state(r["state"], lang), r["note"], r["by"]]
        for r in found
    ]
    return Table(headers, rows, ["l", "l", "r", "l", "l"], nowrap=(0, 1))


def new_figures(view: dict[str, Any], lang: str) -> Table | None:
    found = view["changes"]["indicators"]
    if not found:
        return None
    headers = [t(k, lang) for k in ("indicator", "before", "after", "change")]
    rows: list[list[Cell]] = [
        [words.name(r, lang), words.indicator_figure(r, "before", lang), words.indicator_figure(r, "after", lang),
         words.change(r["change"], r, lang)]
        for r in found
    ]
    return Table(headers, rows, ["l", "r", "r", "r"])


def not_reported(view: dict[str, Any], lang: str) -> list[tuple[str, Table]]:
    """One table per unit of the chasing list: the unit's name and what it owes."""
    from sdpolicy.render.terminal import unit_name

    headers = [t(k, lang) for k in ("id", "title", "deadline", "last_report_col", "missed_col")]
    return [
        (
            f"{unit_name(group, lang)} · {len(group['tasks'])}",
            Table(headers, [
                [r["id"], words.title(r, lang), r["deadline"], r["last"] or t("never_reported", lang), str(r["missed"])]
                for r in group["tasks"]
            ], ["l", "l", "l", "l", "r"], nowrap=(0, 2, 3)),
        )
        for group in view["not_reported"]["units"]
    ]


def light_list(view: dict[str, Any], key: str, lang: str) -> Table | None:
    """The yellow tasks (key attention_yellow) or those not reported (attention_unreported)."""
    found = view.get(key) or []
    if not found:
        return None
    headers = [t(k, lang) for k in ("id", "title", "deadline", "lead", "why")]
    rows: list[list[Cell]] = [
        [r["id"], words.title(r, lang), r["deadline"], words.lead(r, lang), words.reason(r["reason"], lang)] for r in found
    ]
    return Table(headers, rows, ["l"] * 5, nowrap=(0, 2))
