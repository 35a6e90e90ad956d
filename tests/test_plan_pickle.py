"""A plan as the cache keeps it: pickled with its tasks as plain tuples, read back whole, and with the
texts a decomposed plan repeats held once."""

from __future__ import annotations

import pickle
from pathlib import Path

from sdpolicy import cache
from sdpolicy.catalogue import Task, load_catalogue, shipped_catalogue


def test_a_plan_read_back_as_the_cache_reads_it_is_the_plan_with_its_tasks_found_by_id():
    plan = load_catalogue(shipped_catalogue())
    back = cache.loads(pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == plan and back.tasks == plan.tasks
    assert all(type(task) is Task for task in back.tasks)
    assert all(back.tasks_by_id[task.id] is task for task in back.tasks)
    assert dict(back.indicators_by_id) == dict(plan.indicators_by_id) and dict(back.renamed) == dict(plan.renamed)
    # A plan without tasks (the item index's skeleton) too.
    empty = cache.loads(pickle.dumps(back.__class__(**{**{f: getattr(plan, f) for f in (
        "id", "name_zh", "name_en", "issuer_zh", "issuer_en", "year", "start", "end", "lights", "documents", "areas",
        "indicators", "path", "reporting", "renames")}, "tasks": ()}), protocol=pickle.HIGHEST_PROTOCOL))
    assert empty.tasks == () and dict(empty.tasks_by_id) == {}


def test_tasks_repeating_a_note_and_units_hold_one_copy_of_them(tmp_path: Path):
    text = (shipped_catalogue() / "plan.toml").read_text(encoding="utf-8")
    first = text.index("[[tasks]]")
    # Two more tasks after the shipped ones, alike but for their ids and titles; each table's note is
    # written out anew, so the parser reads two equal strings.
    extra = "".join(
        f'\n[[tasks]]\nid = "ENV-{n}"\narea = "environment"\ntitle_zh = "任务{n}"\ntitle_en = "Task {n}"\n'
        'note_zh = "同一说明"\nnote_en = "The same note"\n'
        'units = [{ name_zh = "省信息产业厅", name_en = "Provincial Department of Information Industry", role = "co-organiser", quote = "省信息产业厅" }]\n'
        'target = { kind = "qualitative" }\nsource = { document = "plan-2006", section = "七", quote = "省信息产业厅" }\n'
        for n in (91, 92)
    )
    (tmp_path / "plan.toml").write_text(text + extra, encoding="utf-8")
    (tmp_path / "baselines.toml").write_text((shipped_catalogue() / "baselines.toml").read_text(encoding="utf-8"), encoding="utf-8")
    assert first > 0
    plan = load_catalogue(tmp_path)
    one, two = plan.tasks_by_id["ENV-91"], plan.tasks_by_id["ENV-92"]
    assert one.note_zh == "同一说明" and one.note_zh is two.note_zh and one.note_en is two.note_en
    assert one.units == two.units and one.units is two.units
    assert one.title_zh == "任务91" and two.title_zh == "任务92"
