"""How the values of a view read in each language: shared by every renderer, so all formats agree."""

from __future__ import annotations

import re
from typing import Any

from sdpolicy.i18n import pair, t
from sdpolicy.numbers import half_up

# Not reported is a dotted ring: a light with nothing inside it, unlike grey's plain ring.
LIGHT_SYMBOL = {"done": "✔", "green": "●", "yellow": "●", "red": "●", "unreported": "◌", "grey": "○"}
# One palette for the HTML charts and the spreadsheet fills, so a light looks the same in both;
# done is blue (as the terminal's cyan) to stay apart from green, which only means on schedule.
LIGHT_COLOUR = {"done": "#1c7ed6", "green": "#2f9e44", "yellow": "#f5c400", "red": "#e03131", "unreported": "#7048e8",
                "grey": "#ced4da"}
# Text on a light's fill: dark on the pale yellow and grey, white on the rest.
LIGHT_INK = {"done": "#ffffff", "green": "#ffffff", "yellow": "#212529", "red": "#ffffff", "unreported": "#ffffff",
             "grey": "#212529"}
LIGHTS = ("done", "green", "yellow", "red", "unreported", "grey")
# Targets with a number to reach: only these have an actual percentage to chart.
QUANTIFIED = ("count", "range", "percent")


def num(value: float | int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{half_up(value, 2):,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{half_up(value):.1f}%"


def unit(obj: dict[str, Any], lang: str) -> str:
    return pair(obj, "unit", lang) or ""


def with_unit(value: float | int | None, unit_text: str) -> str:
    if value is None:
        return "—"
    if unit_text == "%":
        return f"{num(value)}%"
    return f"{num(value)} {unit_text}".strip()


# Chinese counts in 万 (10^4) and 亿 (10^8); English readers expect thousands, millions, billions.
_CHINESE_SCALES = (("10k ", 1e4), ("100 million ", 1e8))
_ENGLISH_SCALES = (("billion", 1e9), ("million", 1e6))


def amount(value: float | int | None, obj: dict[str, Any], lang: str) -> str:
    """A figure in the unit of `obj` (which has unit_zh and unit_en), as a reader of `lang` says it."""
    if value is None:
        return "—"
    if obj.get("unit_zh") == "位":
        return f"全国第{num(value)}位" if lang == "zh" else f"No. {num(value)} in China"
    if lang == "zh":
        return with_unit(value, unit(obj, lang))
    unit_en = unit(obj, "en")
    for prefix, factor in _CHINESE_SCALES:
        if unit_en.startswith(prefix):
            whole, rest = value * factor, unit_en[len(prefix):]
            for word, size in _ENGLISH_SCALES:
                if whole >= size:
                    return f"{num(whole / size)} {word} {rest}"
            return f"{num(half_up(whole, 0))} {rest}"
    return with_unit(value, unit_en)


def target(target_json: dict[str, Any], lang: str) -> str:
    kind = target_json["kind"]
    if kind == "milestone":
        return t(f"kind.milestone.{target_json['event']}", lang)
    if kind == "qualitative":
        return t("kind.qualitative", lang)
    unit_text = unit(target_json, lang)
    arrow = "≤ " if target_json.get("direction") == "decrease" else ""
    if kind == "range":
        span = f"{num(target_json['min'])}–{num(target_json['max'])}"
        return f"{arrow}{span}%" if unit_text == "%" else f"{arrow}{span} {unit_text}"
    return arrow + amount(target_json["value"], target_json, lang)


def actual(row: dict[str, Any], lang: str) -> str:
    """The latest actual of a task row: a figure in the target's unit, or its state."""
    if row["actual"] is not None:
        figure = amount(row["actual"], row["target"], lang)
        # Marked done or blocked: the state and the last figure both, so neither hides the other
        # (done with a figure short of the target, blocked at 120 of 200).
        if row["state"] in ("done", "blocked"):
            return f"{figure} · {state(row['state'], lang)}"
        return figure
    if row["state"] is not None:
        return state(row["state"], lang)
    return "—"


def node_name(node: dict[str, Any], lang: str) -> str:
    """A time node's name in the reader's language; a node may have only its Chinese name."""
    return node["en"] or node["zh"] if lang == "en" else node["zh"]


def recorded(value: float | int | None, state_code: str | None, node: str | None, lang: str) -> str:
    """What a record reports: a figure, a state, or a time node reached."""
    if node is not None:
        return t("node_reached", lang, node=node)
    return num(value) if value is not None else state(state_code, lang)


def state(value: str | None, lang: str) -> str:
    return "—" if value is None else t(f"state.{value}", lang)


def light(value: str, lang: str) -> str:
    return t(f"light.{value}", lang)


def heading(text: str, lang: str) -> str:
    """A word used as a column header: English words in running text are lower case, headers are not."""
    return text[:1].upper() + text[1:] if lang == "en" else text


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def local_time(iso: str) -> str:
    """When a record was entered, in this machine's time zone with its offset: 2026-11-22 15:50:10 +08:00.

    The store keeps UTC; shown bare, a record entered in the morning in Shandong looked as if entered
    the day before."""
    from datetime import datetime

    moment = datetime.fromisoformat(iso).astimezone()
    text = moment.isoformat(sep=" ", timespec="seconds")
    return f"{text[:19]} {text[19:]}"


def day(iso: str, lang: str) -> str:
    """A date in prose or a heading: 2006年6月30日 in Chinese; ISO 8601 in English (tables and files
    keep ISO in both languages)."""
    year, month, date_ = iso.split("-")
    return t("long_date", lang, year=year, month=int(month), day=int(date_), iso=iso)


def period_label(label: str, lang: str) -> str:
    """A reporting period in prose: 2006年6月, 2006年第2季度, 2006年 in Chinese; its label (2006-06,
    2006-Q2, 2006) in English, as `due --period` takes it."""
    year, _, rest = label.partition("-")
    if not rest:
        return t("period.year", lang, year=year, label=label)
    if rest.startswith("Q"):
        return t("period.quarter", lang, year=year, quarter=rest[1:], label=label)
    return t("period.month", lang, year=year, month=int(rest), label=label)


def as_of(iso: str, lang: str) -> str:
    """The heading line "As of 2006-06-30" / "截至2006年6月30日"."""
    return t("as_of_line", lang, date=day(iso, lang))


def reason(reason_json: dict[str, Any], lang: str) -> str:
    code = reason_json["code"]
    if code == "met":
        return t("reason.met", lang)
    # Rounded here too (half up), whatever view the figures came from: format() would round half even.
    values = {k: half_up(v) if isinstance(v, float) else v for k, v in reason_json.items() if k != "code"}
    if code in ("unreported", "long-unreported"):
        last = values.get("last")
        values["last"] = t("last_report", lang, date=day(last, lang)) if last else t("never_reported", lang)
        values["period"] = period_label(values["period"], lang)
    for key, value in values.items():
        if isinstance(value, str) and _ISO_DAY.fullmatch(value):
            values[key] = day(value, lang)  # a date in a sentence: 2006年9月30日 in Chinese
    if code == "on-track" and half_up(values["behind"]) > 0:
        code = "on-track-behind"
    return t(f"reason.{code}", lang, **values)


def qualifier(value: str | None, lang: str) -> str:
    return "" if value is None else t(f"qualifier.{value}", lang)


def baseline_value(indicator: dict[str, Any], lang: str) -> str:
    """A 2005 figure as the source hedges it: 'over 1,000 10k subscribers', '超过 1,000 万户'."""
    if indicator["value"] is None:
        return pair(indicator, "state", lang)
    text = amount(indicator["value"], indicator, lang)
    hedge = qualifier(indicator.get("qualifier"), lang)
    if not hedge:
        return text
    return f"{hedge}{text}" if lang == "zh" else f"{hedge} {text}"


def title(row: dict[str, Any], lang: str) -> str:
    return pair(row, "title", lang)


def name(row: dict[str, Any], lang: str) -> str:
    return pair(row, "name", lang)


def lead(row: dict[str, Any], lang: str) -> str:
    return pair(row, "lead", lang) or "—"


def units(named: list[dict[str, Any]], lang: str) -> str:
    """The units the plan names, each with its role: '省安全生产监督管理局（联合召开单位）'."""
    if lang == "zh":
        return "；".join(f"{pair(u, 'name', lang)}（{t('role.' + u['role'], lang)}）" for u in named)
    return "; ".join(f"{pair(u, 'name', lang)} ({t('role.' + u['role'], lang)})" for u in named)


def document(doc: dict[str, Any], lang: str) -> str:
    """A source document's title and date; a date the text does not give is said to be approximate."""
    title_text = pair(doc, "title", lang)
    if doc["date_approximate"]:
        when = t("approximate_date", lang, date=doc["date"], note=pair(doc, "date_note", lang))
    else:
        when = doc["date"]
    return f"{title_text}（{when}）" if lang == "zh" else f"{title_text} ({when})"


def change(value: float | int | None, obj: dict[str, Any], lang: str) -> str:
    """A difference in the unit of `obj`, signed: '+2 million subscribers', '−5%'."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else "−" if value < 0 else ""
    if obj.get("unit_zh") == "%":
        # A share that moves from 75 % to 98 % has gained 23 points, not 23 per cent.
        return sign + t("points", lang, value=num(abs(value)))
    return sign + amount(abs(value), obj, lang)


def growth(value: float | None) -> str:
    return "—" if value is None else f"{'+' if value > 0 else ''}{half_up(value):.1f}%"


_NUMERALS = "一二三四五六七八九十"


def section(numeral: str, lang: str) -> str:
    """A section of the plan as its readers name it: 第三部分 in Chinese, Section 3 in English (the plan
    numbers its sections 一 to 十)."""
    if lang == "en" and numeral in _NUMERALS:
        numeral = str(_NUMERALS.index(numeral) + 1)
    return t("section_of", lang, numeral=numeral)


def display_width(text: str) -> int:
    """Columns the text takes in a fixed-width grid: CJK and full-width characters count 2."""
    if text.isascii():  # most cells of a large sheet: ids, dates, figures
        return len(text)
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)



def forecast(found: dict[str, Any] | None, row: dict[str, Any], lang: str) -> str:
    """A task's forecast: the projected figure at its deadline and whether it reaches the target."""
    if found is None:
        return "—"
    value = amount(found["value"], row["target"], lang)
    return t("forecast.text", lang, value=value, deadline=day(row["deadline"], lang), status=t(f"forecast.{found['status']}", lang))


def forecast_short(row: dict[str, Any], lang: str) -> str:
    """The forecast in a table cell: the projected figure and on track or at risk."""
    found = row.get("forecast")
    if found is None:
        return "—"
    status = t("forecast." + found["status"], lang)
    return f"{amount(found['value'], row['target'], lang)} · {status}"


def attention_reason(row: dict[str, Any], lang: str) -> str:
    """Why a task is in the attention list: its light's reason, or a forecast short of the target."""
    if row["light"] != "red" and (row.get("forecast") or {}).get("status") == "at-risk":
        return t("reason.forecast-at-risk", lang, value=amount(row["forecast"]["value"], row["target"], lang), deadline=day(row["deadline"], lang))
    return reason(row["reason"], lang)


def reported(row: dict[str, Any], lang: str) -> str:
    """A record's note with what an imported return added: its problems, next steps and file."""
    parts = [row.get("note") or ""]
    for key in ("problems", "next_steps"):
        if row.get(key):
            parts.append(f"{t(key, lang)}: {row[key]}" if lang == "en" else f"{t(key, lang)}：{row[key]}")
    if row.get("source"):
        parts.append(t("from_file", lang, file=row["source"]))
    return "\n".join(p for p in parts if p)


def indicator_figure(row: dict[str, Any], when: str, lang: str) -> str:
    """An indicator's figure (or recorded state) before or after, with its date: for `changes`."""
    value, day, recorded = row[when], row[f"{when}_date"], row[f"state_{when}"]
    if value is not None:
        return f"{amount(value, row, lang)} ({day})"
    return state(recorded, lang)
