"""How the values of a view read in each language: shared by every renderer, so all formats agree."""

from __future__ import annotations

from typing import Any

from sdpolicy.i18n import pair, t

LIGHT_SYMBOL = {"done": "✔", "green": "●", "yellow": "●", "red": "●", "grey": "○"}


def num(value: float | int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def unit(obj: dict[str, Any], lang: str) -> str:
    return pair(obj, "unit", lang) or ""


def with_unit(value: float | int | None, unit_text: str) -> str:
    if value is None:
        return "—"
    if unit_text == "%":
        return f"{num(value)}%"
    return f"{num(value)} {unit_text}".strip()


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
    return arrow + with_unit(target_json["value"], unit_text)


def actual(row: dict[str, Any], lang: str) -> str:
    """The latest actual of a task row: a figure in the target's unit, or its state."""
    if row["actual"] is not None:
        return with_unit(row["actual"], unit(row["target"], lang))
    if row["state"] is not None:
        return state(row["state"], lang)
    return "—"


def state(value: str | None, lang: str) -> str:
    return "—" if value is None else t(f"state.{value}", lang)


def light(value: str, lang: str) -> str:
    return t(f"light.{value}", lang)


def reason(reason_json: dict[str, Any], lang: str) -> str:
    code = reason_json["code"]
    if code == "met":
        return t("reason.met", lang)
    values = {k: v for k, v in reason_json.items() if k != "code"}
    return t(f"reason.{code}", lang, **values)


def qualifier(value: str | None, lang: str) -> str:
    return "" if value is None else t(f"qualifier.{value}", lang)


def baseline_value(indicator: dict[str, Any], lang: str) -> str:
    """A 2005 figure as the source hedges it: 'over 1,000 10k subscribers', '超过 1,000 万户'."""
    if indicator["value"] is None:
        return pair(indicator, "state", lang)
    text = with_unit(indicator["value"], unit(indicator, lang))
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


def signed(value: float | int | None) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + num(value)


def growth(value: float | None) -> str:
    return "—" if value is None else f"{'+' if value > 0 else ''}{value:.1f}%"


_NUMERALS = "一二三四五六七八九十"


def section(numeral: str, lang: str) -> str:
    """The plan numbers its sections 一 to 十; English readers get 1 to 10."""
    if lang == "zh" or numeral not in _NUMERALS:
        return numeral
    return str(_NUMERALS.index(numeral) + 1)
