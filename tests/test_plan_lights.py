"""The lights of every task made the short way (progress.plan_lights, the records in effect found in
passes made in C, the kept lights' columns) say what the long way says, record for record.

Nothing here times anything: timings live in benchmarks/.
"""

from __future__ import annotations

import dataclasses
import functools
from datetime import date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from sdpolicy import progress, store, workspace
from sdpolicy.catalogue import Node, Reporting, load_catalogue, shipped_catalogue
from sdpolicy.store import Record, append_record, new_record_id

SHIPPED = load_catalogue(shipped_catalogue())
NUMERIC = [t.id for t in SHIPPED.tasks if t.target.numeric][:3]
STATED = [t.id for t in SHIPPED.tasks if not t.target.numeric][:3]
(SHARED_TASK, SHARED_INDICATOR), = [(k[1], v[1]) for k, v in progress.shared_figures(SHIPPED).items() if k[0] == "task"][:1]
# Two of the stated tasks get time nodes (as the office's assignments give them), so that the lights
# of tasks judged by their nodes are made both ways too; the second node carries a share.
NODES = (Node(date(2006, 4, 30), "方案", "plan"), Node(date(2006, 8, 31), "建成", "built", share=60.0))
PLANS = [
    dataclasses.replace(
        SHIPPED, tasks=tuple(t._replace(nodes=NODES) if t.id in STATED[:2] else t for t in SHIPPED.tasks),
        reporting=reporting,
    )
    for reporting in (Reporting(), Reporting(cadence="quarterly", due_day=10, red_after=1))
]
ITEMS = [("task", i) for i in NUMERIC + STATED + [SHARED_TASK]] + [("indicator", SHARED_INDICATOR)]
DAYS = [date(2006, 2, 16), date(2006, 3, 31), date(2006, 4, 30), date(2006, 6, 15), date(2006, 9, 30), date(2006, 12, 31)]
# Few instants, so that ties are common, and one without a zone (a record made in code), which cannot
# be compared with the others: the histories then read it as UTC.
INSTANTS = [
    datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc), datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc),
    datetime(2026, 11, 1, 9, 0),
]

record = st.tuples(
    st.sampled_from(ITEMS), st.one_of(st.none(), st.sampled_from([0, 10, 75.5, 120, 1e6])),
    st.one_of(st.none(), st.sampled_from(store.STATES)), st.sampled_from(DAYS), st.sampled_from(INSTANTS),
    st.one_of(st.none(), st.sampled_from([n.zh for n in NODES])),
    # A retraction names the record this many places before it (0: itself, which never counts), or one after it.
    st.one_of(st.none(), st.integers(-2, 6)),
)


def make_log(drawn: list[tuple], naive: bool) -> list[Record]:
    ids = [new_record_id() for _ in drawn]
    log = []
    for n, ((kind, item), value, state, day, at, node, back) in enumerate(drawn):
        if not naive and at.tzinfo is None:
            at = at.replace(tzinfo=timezone.utc) + timedelta(hours=1)
        retracts = None if back is None else ids[n - back] if 0 <= n - back < len(ids) else "r-unknown"
        log.append(Record(ids[n], kind, item, day, at, value=value, state=state, node=node, retracts=retracts, line=n + 5))
    return log


def reference_effective(log: list[Record]) -> list[Record]:
    """The records in effect, by the definition: a record stands unless a standing retraction after it
    names it; a retraction is never in effect itself."""

    @functools.cache
    def stands(index: int) -> bool:
        return not any(stands(j) for j in range(index + 1, len(log)) if log[j].retracts == log[index].id)

    return [r for n, r in enumerate(log) if r.retracts is None and stands(n)]


def same_records(one: list, other: list) -> bool:
    """Equal, and made of the very same record objects (their lines are where the kept lights point)."""
    return len(one) == len(other) and all(a is b for a, b in zip(one, other))


@settings(max_examples=300, deadline=None)
@given(drawn=st.lists(record, max_size=25), naive=st.booleans(), as_of=st.sampled_from(DAYS), which=st.sampled_from([0, 1]))
def test_plan_lights_are_the_lights_of_plan_progress(drawn, naive, as_of, which):
    plan, log = PLANS[which], make_log(drawn, naive)
    assert same_records(progress.effective(log), reference_effective(log))
    short = progress.plan_lights(plan, log, as_of)
    long = [progress.task_light(p) for p in progress.plan_progress(plan, log, as_of)]
    assert short == long
    for fast, slow in zip(short, long):
        assert fast.task is slow.task and all(a is b for a, b in zip(fast[3:], slow[3:]))


def test_effective_without_a_retraction_is_the_whole_log_in_its_order():
    log = make_log([(ITEMS[0], 10, None, DAYS[1], INSTANTS[0], None, None)] * 3, naive=False)
    assert same_records(progress.effective(log), log)
    assert same_records(progress.effective(tuple(log)), log)


def test_a_retraction_and_what_it_retracts_leave_the_records_in_effect_in_log_order():
    # r0, r1, r2, then r3 retracting r1 and r4 retracting r3 (a redo: r1 stands again), r5 retracting r0.
    drawn = [(ITEMS[0], 10, None, DAYS[1], INSTANTS[0], None, None)] * 3 + [
        (ITEMS[0], None, None, DAYS[1], INSTANTS[0], None, 2),
        (ITEMS[0], None, None, DAYS[1], INSTANTS[0], None, 1),
        (ITEMS[0], None, None, DAYS[1], INSTANTS[0], None, 5),
    ]
    log = make_log(drawn, naive=False)
    assert same_records(progress.effective(log), [log[1], log[2]])


def test_kept_lights_point_at_the_line_starts_of_the_records_each_light_was_judged_from(sdpolicy_home):
    numeric, stated = NUMERIC[0], STATED[0]
    made = [
        Record(new_record_id(), "task", numeric, date(2006, 3, 1), INSTANTS[0], value=10),
        Record(new_record_id(), "task", stated, date(2006, 3, 2), INSTANTS[0], state="in-progress", note="长一些的说明"),
        Record(new_record_id(), "task", numeric, date(2006, 3, 3), INSTANTS[0], state="blocked"),
    ]
    for one in made:
        append_record(sdpolicy_home, one)
    opened = workspace.open_workspace(None, sdpolicy_home)
    kept = opened.kept_lights(date(2006, 3, 31))
    data = store.progress_path(sdpolicy_home).read_bytes()
    # Where each line starts: the lengths of the lines before it, each with its line feed.
    lines = data.split(b"\n")
    starts = {n + 1: sum(len(line) + 1 for line in lines[:n]) for n in range(len(lines))}
    line_of = {r.id: r.line for r in opened.records}
    first, second, third = (line_of[r.id] for r in made)
    place = {task_id: n for n, task_id in enumerate(kept.ids)}
    # The numeric task: latest is the blocked state (third), its figure the first, its state the third.
    assert kept.refs[6 * place[numeric] : 6 * place[numeric] + 6] == (
        starts[third], third, starts[first], first, starts[third], third)
    # The stated task: one record, latest and state; no figure.
    assert kept.refs[6 * place[stated] : 6 * place[stated] + 6] == (starts[second], second, -1, 0, starts[second], second)
    # A task without a record: none of the three.
    other = next(t.id for t in opened.plan.tasks if t.id not in (numeric, stated))
    assert kept.refs[6 * place[other] : 6 * place[other] + 6] == (-1, 0, -1, 0, -1, 0)
    assert kept.lights[place[numeric]] == "red" and kept.ids == tuple(t.id for t in opened.plan.tasks)


@settings(max_examples=500, deadline=None)
@given(
    days=st.lists(st.dates(date(2005, 6, 1), date(2007, 6, 30)), max_size=12),
    index=st.integers(2005 * 12, 2007 * 12 + 6), back=st.integers(-3, 30), cadence=st.sampled_from(["monthly", "quarterly", "yearly"]),
)
def test_missed_periods_counted_from_dates_newest_first_stop_early_with_the_same_count(days, index, back, cadence):
    from sdpolicy import periods

    reporting = Reporting(cadence=cadence)
    months = {"monthly": 1, "quarterly": 3, "yearly": 12}[cadence]
    index //= months
    first = index - back  # a first period after `index` too (back < 0): nothing can be missed then
    newest = sorted(days, reverse=True)
    counted = periods.missed_through(reporting, first, newest, index, newest_first=True)
    assert counted == periods.missed_through(reporting, first, newest, index)
    # By the definition: the periods from `index` back to `first` before the first one with a date.
    reported = {(d.year * 12 + d.month - 1) // months for d in days}
    expected = 0
    while index - expected >= first and index - expected not in reported:
        expected += 1
    assert counted == expected


def reference_histories(log: list[Record], as_of: date, plan) -> dict:
    """The histories by their definition: for each task or indicator, the records in effect dated by
    as_of that name it, and the figures of the item sharing its figure with it (shared_figures maps
    an item to the one its figures join), newest first: by date, then by time recorded (read as UTC
    when it has no zone), then the later in the log."""
    shared = progress.shared_figures(plan)
    standing = [r for r in reference_effective(log) if r.date <= as_of]

    def joins(record: Record) -> set:
        own = (record.kind, record.item)
        return {own} | ({shared[own]} if record.value is not None and own in shared else set())

    found: dict = {}
    for place, r in enumerate(standing):
        for key in joins(r):
            found.setdefault(key, []).append((r.date, progress._utc(r.recorded_at), place, r))
    return {key: tuple(entry[3] for entry in sorted(entries, key=lambda e: e[:3], reverse=True)) for key, entries in found.items()}


@settings(max_examples=300, deadline=None)
@given(drawn=st.lists(record, max_size=25), naive=st.booleans(), as_of=st.sampled_from(DAYS))
def test_histories_are_the_records_in_effect_of_each_item_and_of_its_partner_newest_first(drawn, naive, as_of):
    log = make_log(drawn, naive)
    made = progress._histories(log, as_of, PLANS[0])
    expected = reference_histories(log, as_of, PLANS[0])
    assert made.keys() == expected.keys()
    assert all(same_records(list(made[key]), list(expected[key])) for key in expected)
    # Those of one kind only: the same groups, the others left out.
    for kind in ("task", "indicator"):
        alone = progress._histories(log, as_of, PLANS[0], kind)
        assert alone.keys() == {key for key in expected if key[0] == kind}
        assert all(same_records(list(alone[key]), list(expected[key])) for key in alone)
