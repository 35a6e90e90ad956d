"""What `mark` and `undo` tell the clerk: what was understood, in the item's unit; what was taken back
or restored; and the figures that look like slips, each with how to take the record back."""

from __future__ import annotations

import sys
from typing import Any, Sequence

from sdpolicy.catalogue import Plan, Task
from sdpolicy.i18n import t
from sdpolicy.numbers import half_up
from sdpolicy.render import words
from sdpolicy.sanitise import message
from sdpolicy.store import Record


def unit_of(plan: Plan, kind: str, item: str) -> dict[str, Any]:
    """The unit an item's figures are in, as words.amount takes it."""
    found: Any = plan.tasks_by_id.get(item) if kind == "task" else plan.indicators_by_id.get(item)
    if found is None:
        return {}
    holder = found.target if isinstance(found, Task) else found
    return {"unit_zh": holder.unit_zh or None, "unit_en": holder.unit_en or None}


def what(plan: Plan, record: Record, lang: str) -> str:
    """A record's figure with its unit (1,200 万户, 12 million subscribers), its state, or the time node
    it reports reached."""
    if record.node is not None:
        return t("node_reached", lang, node=record.node)
    if record.value is not None:
        return words.amount(record.value, unit_of(plan, record.kind, record.item), lang)
    return words.state(record.state, lang)


def _facts(plan: Plan, record: Record, lang: str) -> dict[str, str]:
    return {"target": record.id, "item": record.item, "what": what(plan, record, lang), "date": record.date.isoformat()}


def recorded(plan: Plan, record: Record, lang: str) -> str:
    facts = _facts(plan, record, lang)
    return t("recorded", lang, id=facts.pop("target"), **facts)


def retracted(plan: Plan, records: Sequence[Record], target: Record, lang: str, retraction: str | None = None) -> str:
    """What an undo of `target` takes back, or restores when `target` is itself a retraction.

    Without `retraction` (the new record's id) it says what an undo would do: `undo --dry-run`."""
    if target.retracts is None:
        if retraction is None:
            return t("would_retract", lang, **_facts(plan, target, lang))
        return t("retracted", lang, id=retraction, **_facts(plan, target, lang))
    original = next((r for r in records if r.id == target.retracts), None)
    facts = _facts(plan, original, lang) if original is not None else {
        "target": target.retracts, "item": target.item, "what": "—", "date": "—"}
    if retraction is None:
        return t("would_restore", lang, retraction=target.id, **facts)
    return t("restored", lang, retraction=target.id, id=retraction, **facts)


def _ratio(ratio: float) -> str:
    if ratio >= 1:
        return words.num(half_up(ratio, 0))
    # A figure like 1e-300 is a slip too; its ratio need not be spelt out digit by digit.
    return "1/" + words.num(half_up(1 / ratio, 0)) if ratio > 1e-12 else "< 1/1,000,000,000,000"


def warning(plan: Plan, record: Record, code: str, figures: dict[str, Any], lang: str) -> str:
    """One implausibility (progress.implausible) in words, ending with how to take the record back."""
    unit = unit_of(plan, record.kind, record.item)
    values = {k: words.amount(v, unit, lang) if k in ("value", "baseline", "earlier") else v for k, v in figures.items()}
    hint = ""
    if code == "scale":
        values["ratio"] = _ratio(figures["ratio"])
        for prefix, factor in (("万", 1e4), ("亿", 1e8)):
            if (unit.get("unit_zh") or "").startswith(prefix) and figures["ratio"] >= 1:
                hint = t("warn.scale_hint", lang, unit=words.unit(unit, lang), guess=words.num(figures["value"] / factor))
    if code == "done-below-target":
        from sdpolicy.views import target_json  # here: mark imports no views unless it has to

        values["target"] = words.target(target_json(plan.tasks_by_id[record.item].target), lang)
    elif code == "above-twice-target":
        values["target"] = words.amount(figures["target"], unit, lang)
    if "date" in values and lang == "zh":
        values["date"] = words.day(values["date"], lang)
    text = t(f"warn.{code}", lang, **values) + hint
    separator = "；" if lang == "zh" else "; "
    return f"{record.item}: {text}{separator}{t('warn.take_back', lang, id=record.id)}"


def slips(plan: Plan, record: Record, records: Sequence[Record], lang: str) -> list[str]:
    """The warnings for a record about to be written (worded before the write, so that a fault here
    cannot leave a record written and the command failed)."""
    from sdpolicy.progress import implausible

    return [f"{t('warning', lang)}: {warning(plan, record, code, figures, lang)}"
            for code, figures in implausible(plan, record, records)]


def tell_recorded(plan: Plan, record: Record, warnings: list[str], lang: str) -> None:
    """After `mark`: what was recorded on stdout; on stderr, each reason it may be a slip."""
    # Through the one message sanitiser: the id and item quote the store, which a hand edit may fill.
    print(message(recorded(plan, record, lang)))
    for line in warnings:
        sys.stderr.write(message(line) + "\n")
