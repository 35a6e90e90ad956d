"""The first look after a change: lights brought up to date from the appended lines equal the lights
judged from the whole log, and every change that appending cannot explain falls back to the whole log.

Nothing here times anything: timings live in benchmarks/.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sdpolicy import progress, store, views
from sdpolicy.catalogue import load_catalogue, shipped_catalogue
from sdpolicy.cli import app
from sdpolicy.store import Record, append_record, new_record_id
from sdpolicy.catalogue import read_catalogue
from sdpolicy.workspace import _keep_index as keep_index
from sdpolicy.workspace import open_workspace, read_sources

AS_OF = date(2006, 6, 30)
PLAN = load_catalogue(shipped_catalogue())
# Two tasks judged by their figures and two by their states, so both branches of the judgement move.
NUMERIC = [t.id for t in PLAN.tasks if t.target.numeric][:2]
STATED = [t.id for t in PLAN.tasks if not t.target.numeric][:2]
# A task and the indicator whose figure it shares (progress.shared_figures): a figure recorded for
# the indicator moves the task's light too.
(SHARED_TASK, SHARED_INDICATOR), = [(k[1], v[1]) for k, v in progress.shared_figures(PLAN).items() if k[0] == "task"][:1]
ITEMS = [("task", i) for i in NUMERIC + STATED + [SHARED_TASK]] + [("indicator", SHARED_INDICATOR)]
# Few dates and few instants, so that ties (same day, same recorded_at) are common; one date lies
# after AS_OF, whose records the lights must not see.
DAYS = [date(2006, 3, 1), date(2006, 5, 1), date(2006, 6, 30), date(2006, 8, 1)]
INSTANTS = [datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc), datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)]


def full_lights(home: Path, catalogue: Path | None = None) -> list[progress.TaskLight]:
    """The lights judged from every record, with nothing kept from before."""
    opened = open_workspace(catalogue, home)
    return [progress.task_light(p) for p in progress.plan_progress(opened.plan, opened.records, AS_OF)]


def whole_status(home: Path) -> dict:
    """What status --json (no area) shows, from lights judged from every record."""
    plan = open_workspace(None, home).plan
    return views.status_view(plan, progress.area_summary(plan, full_lights(home)), [], AS_OF, None)


def looked(home: Path, catalogue: Path | None = None) -> list[progress.TaskLight]:
    return open_workspace(catalogue, home).task_lights(AS_OF)


def full_rows(home: Path) -> tuple[list[dict], list[dict]]:
    """The rows of list --json and compare --json made from every record, with nothing kept."""
    opened = open_workspace(None, home)
    tasks = [views.task_row(opened.plan, p) for p in progress.plan_progress(opened.plan, opened.records, AS_OF)]
    indicators = [views.comparison_json(c) for c in progress.compare_baselines(opened.plan, opened.records, AS_OF)]
    return tasks, indicators


def looked_rows(home: Path) -> tuple[list[dict], list[dict]]:
    opened = open_workspace(None, home)
    return opened.task_rows(AS_OF), opened.indicator_rows(AS_OF)


def full_report_parts(home: Path) -> tuple[list, dict]:
    """What a report adds to the rows, and each reporter's latest report, from every record."""
    opened = open_workspace(None, home)
    parts = list(views.report_parts(opened.plan, opened.records, AS_OF, opened.plan.tasks).values())
    last: dict = {}
    for record in progress.effective(opened.records):
        if record.by and record.date <= AS_OF:
            last[record.by] = max(last.get(record.by, record.date), record.date)
    return parts, last


def looked_report_parts(home: Path) -> tuple[list, dict]:
    opened = open_workspace(None, home)
    return opened.report_parts(AS_OF), opened.last_reports(AS_OF)


def full_log(home: Path) -> list[dict]:
    """The log of a JSON or xlsx report made from every record, with nothing kept."""
    opened = open_workspace(None, home)
    return views.log_rows(opened.records, as_of=AS_OF, plan=opened.plan)


def looked_log(home: Path) -> list[dict]:
    return open_workspace(None, home).log_rows(AS_OF)


def mark(home: Path, task: str, *, value=None, state=None, day=date(2006, 5, 1), at=INSTANTS[0], kind="task", by="") -> Record:
    record = Record(new_record_id(), kind, task, day, at, value=value, state=state, by=by)
    return append_record(home, record)


class Counter:
    """Counts full judgements (every task from every record) and single tasks judged again."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.full = 0
        self.judged: list[str] = []
        real_full, real_judge, real_lights = progress.plan_progress, progress._judge, progress.plan_lights

        def full(plan, records, as_of, tasks=None):
            # A judgement of a few tasks from their own records is not a full one.
            self.full += tasks is None
            return real_full(plan, records, as_of, tasks)

        def lights(plan, records, as_of):
            # The kept lights are judged whole by plan_lights, the lights of plan_progress made directly.
            self.full += 1
            return real_lights(plan, records, as_of)

        def judge(plan, task, found, as_of):
            self.judged.append(task.id)
            return real_judge(plan, task, found, as_of)

        monkeypatch.setattr(progress, "plan_progress", full)
        monkeypatch.setattr(progress, "plan_lights", lights)
        self.arm = lambda: monkeypatch.setattr(progress, "_judge", judge)

    def reset(self) -> None:
        self.full, self.judged = 0, []


@pytest.fixture
def counter(monkeypatch):
    return Counter(monkeypatch)


op = st.one_of(
    st.tuples(
        st.just("mark"), st.sampled_from(ITEMS),
        st.one_of(st.none(), st.sampled_from([0, 10, 50, 120, 100000])),
        st.one_of(st.none(), st.sampled_from(store.STATES)),
        st.sampled_from(DAYS), st.sampled_from(INSTANTS),
    ),
    st.tuples(st.just("undo"), st.integers(0, 50)),
    st.tuples(st.just("edit"), st.integers(0, 50)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=1, max_size=10))
def test_lights_kept_and_brought_up_to_date_equal_lights_judged_from_everything(ops):
    with tempfile.TemporaryDirectory() as scratch:
        home, saved = Path(scratch) / "home", os.environ.get("SDPOLICY_CACHE")
        os.environ["SDPOLICY_CACHE"] = str(Path(scratch) / "cache")
        try:
            keep_index(read_catalogue(None), PLAN)  # as the first mark would
            for step in ops:
                records = store.read_records(home)
                if step[0] == "mark":
                    _, (kind, item), value, state, day, at = step
                    if kind == "indicator":
                        value, state = (value if value is not None else 7), None
                    elif value is None and state is None:
                        state = "in-progress"
                    # Two reporters, so that each one's latest report moves and stays.
                    mark(home, item, value=value, state=state, day=day, at=at, kind=kind, by=["省经贸委", "济南市"][day.month % 2])
                elif step[0] == "undo" and records:
                    # Any earlier record, a retraction included (a redo), or one retracted already.
                    target = records[step[1] % len(records)]
                    retraction = Record(new_record_id(), target.kind, target.item, date(2006, 7, 1), INSTANTS[1], retracts=target.id)
                    append_record(home, retraction)
                elif step[0] == "edit" and records:
                    # A hand edit before the end: a figure changed in place.
                    target = next((r for r in records if r.value is not None), None)
                    if target is not None:
                        path = store.progress_path(home)
                        lines = path.read_text(encoding="utf-8").split("\n")
                        old = store.record_line(target._replace(line=0))
                        index = lines.index(old)
                        lines[index] = store.record_line(target._replace(value=target.value + 1 + step[1]))
                        path.write_text("\n".join(lines), encoding="utf-8")
                # status without the whole plan (the item index's groups), from the lights kept
                # before this step: when it can say it at all, it says what everything says.
                narrowed = read_sources(None, home).status_view(AS_OF)
                assert narrowed is None or narrowed == whole_status(home)
                assert looked(home) == full_lights(home)
                assert looked(home) == full_lights(home)  # and once more, from what the first look kept
                assert looked_rows(home) == full_rows(home)
                assert looked_rows(home) == full_rows(home)
                assert looked_report_parts(home) == full_report_parts(home)
                assert looked_log(home) == full_log(home)
        finally:
            if saved is None:
                del os.environ["SDPOLICY_CACHE"]
            else:
                os.environ["SDPOLICY_CACHE"] = saved


def test_after_a_mark_only_the_task_it_names_is_judged_again(sdpolicy_home, counter):
    home = sdpolicy_home
    mark(home, NUMERIC[0], value=10)
    looked(home)
    counter.reset()
    counter.arm()
    mark(home, NUMERIC[1], value=20, day=date(2006, 6, 1))
    mark(home, NUMERIC[1], value=30, day=date(2006, 6, 2))
    assert looked(home) == full_lights(home)
    # The look judged one task, NUMERIC[1], once; full_lights judged every task afterwards.
    assert counter.judged[0] == NUMERIC[1] and counter.judged.count(NUMERIC[1]) == 2
    assert counter.full == 1  # only full_lights's own
    assert len(counter.judged) == 1 + len(PLAN.tasks)


def test_a_figure_of_a_shared_indicator_judges_its_task_again(sdpolicy_home, counter):
    mark(sdpolicy_home, SHARED_TASK, value=10)
    looked(sdpolicy_home)
    counter.reset()
    counter.arm()
    mark(sdpolicy_home, SHARED_INDICATOR, value=90, day=date(2006, 6, 1), kind="indicator")
    lights = looked(sdpolicy_home)
    assert counter.judged == [SHARED_TASK] and counter.full == 0
    assert lights == full_lights(sdpolicy_home)
    assert next(l for l in lights if l.task.id == SHARED_TASK).figure.value == 90


def test_after_a_mark_the_rows_of_list_and_compare_are_made_again_only_for_its_item(sdpolicy_home, counter):
    mark(sdpolicy_home, SHARED_TASK, value=10)
    looked_rows(sdpolicy_home)
    looked_report_parts(sdpolicy_home)
    counter.reset()
    counter.arm()
    # A figure for the indicator: its comparison row and the row of the task sharing it change.
    mark(sdpolicy_home, SHARED_INDICATOR, value=90, day=date(2006, 6, 1), kind="indicator")
    tasks, indicators = looked_rows(sdpolicy_home)
    assert counter.judged == [SHARED_TASK] and counter.full == 0
    # And what a report adds: the task judged at as_of and at each month end, February to June.
    looked_report_parts(sdpolicy_home)
    assert set(counter.judged) == {SHARED_TASK} and len(counter.judged) == 1 + 1 + 5 and counter.full == 0
    assert (tasks, indicators) == full_rows(sdpolicy_home)
    assert next(r for r in tasks if r["id"] == SHARED_TASK)["actual"] == 90
    assert next(r for r in indicators if r["id"] == SHARED_INDICATOR)["actual"] == 90


def test_nothing_appended_judges_nothing(sdpolicy_home, counter):
    mark(sdpolicy_home, NUMERIC[0], value=10)
    first = looked(sdpolicy_home)
    counter.arm()
    counter.reset()
    assert looked(sdpolicy_home) == first and counter.full == 0 and counter.judged == []


def test_a_retraction_judges_everything_again(sdpolicy_home, counter):
    old = mark(sdpolicy_home, NUMERIC[0], value=10)
    mark(sdpolicy_home, NUMERIC[0], value=20, day=date(2006, 6, 1))
    looked(sdpolicy_home)
    counter.reset()
    append_record(sdpolicy_home, Record(new_record_id(), "task", NUMERIC[0], date(2006, 7, 1), INSTANTS[1], retracts=old.id))
    assert looked(sdpolicy_home) == full_lights(sdpolicy_home)
    assert counter.full == 2  # the look's and full_lights's


def test_a_hand_edit_before_the_end_judges_everything_again(sdpolicy_home, counter):
    mark(sdpolicy_home, NUMERIC[0], value=10)
    mark(sdpolicy_home, NUMERIC[1], value=10)
    looked(sdpolicy_home)
    path = store.progress_path(sdpolicy_home)
    text = path.read_text(encoding="utf-8")
    # Same length, so only the content tells: the first record's 10 becomes 90 (and 90 % is far ahead).
    path.write_text(text.replace("value = 10,", "value = 90,", 1), encoding="utf-8")
    counter.reset()
    lights = looked(sdpolicy_home)
    assert counter.full == 1
    assert lights == full_lights(sdpolicy_home)
    assert next(l for l in lights if l.task.id == NUMERIC[0]).figure.value == 90


def test_another_catalogue_judges_everything_again(sdpolicy_home, counter, tmp_path):
    catalogue = tmp_path / "catalogue"
    shutil.copytree(shipped_catalogue(), catalogue)
    mark(sdpolicy_home, NUMERIC[0], value=10)
    looked(sdpolicy_home, catalogue)
    plan_file = catalogue / "plan.toml"
    # The yellow threshold moves: every light may change though no record did.
    text = plan_file.read_text(encoding="utf-8")
    assert text.count("yellow_behind = 10\n") == 1
    plan_file.write_text(text.replace("yellow_behind = 10\n", "yellow_behind = 5\n"), encoding="utf-8")
    counter.reset()
    assert looked(sdpolicy_home, catalogue) == full_lights(sdpolicy_home, catalogue)
    assert counter.full == 2


def test_status_after_a_mark_says_what_a_status_from_nothing_says(sdpolicy_home, tmp_path, monkeypatch):
    runner = CliRunner()

    def status(cache: str) -> dict:
        monkeypatch.setenv("SDPOLICY_CACHE", str(tmp_path / cache))
        result = runner.invoke(app, ["status", "--json", "--as-of", AS_OF.isoformat()])
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    mark(sdpolicy_home, NUMERIC[0], value=10)
    status("kept")
    for value, task in [(50, NUMERIC[0]), (100000, NUMERIC[1])]:
        mark(sdpolicy_home, task, value=value, day=date(2006, 6, 1))
        assert status("kept") == status(f"fresh-{value}")


def test_status_right_after_a_mark_is_made_without_the_whole_plan(sdpolicy_home, tmp_path, monkeypatch):
    runner = CliRunner()

    def status() -> str:
        result = runner.invoke(app, ["status", "--json", "--as-of", AS_OF.isoformat()])
        assert result.exit_code == 0, result.stderr
        return result.stdout

    def marked(*args: str) -> None:
        result = runner.invoke(app, ["mark", *args])
        assert result.exit_code == 0, result.stderr

    marked(SHARED_TASK, "--value", "10", "--date", "2006-05-01")  # the first mark keeps the item index
    status()
    import sdpolicy.workspace

    # A figure for the indicator moves its task's light; a record under a renamed id is the new id's.
    for args in [(SHARED_INDICATOR, "--value", "90", "--date", "2006-06-01"), ("IND-03", "--state", "done", "--date", "2006-06-01"),
                 (NUMERIC[0], "--value", "100000", "--date", "2006-06-02")]:
        marked(*args)
        with monkeypatch.context() as patched:
            patched.setattr(sdpolicy.workspace, "plan_beside", _boom)
            patched.setattr(progress, "plan_progress", _boom)
            kept = status()
        monkeypatch.setenv("SDPOLICY_CACHE", str(tmp_path / f"fresh-{args[0]}"))
        assert json.loads(kept) == json.loads(status())
        monkeypatch.setenv("SDPOLICY_CACHE", str(sdpolicy_home.parent / "sdpolicy-cache"))


def test_status_after_a_retraction_or_without_the_index_uses_the_whole_plan(sdpolicy_home):
    mark(sdpolicy_home, NUMERIC[0], value=10)
    assert read_sources(None, sdpolicy_home).status_view(AS_OF) is None  # no index yet
    keep_index(read_catalogue(None), PLAN)
    looked(sdpolicy_home)
    mark(sdpolicy_home, NUMERIC[0], value=20, day=date(2006, 6, 1))
    assert read_sources(None, sdpolicy_home).status_view(AS_OF) == whole_status(sdpolicy_home)
    target = store.read_records(sdpolicy_home)[-1]
    append_record(sdpolicy_home, Record(new_record_id(), target.kind, target.item, date(2006, 7, 1), INSTANTS[1], retracts=target.id))
    assert read_sources(None, sdpolicy_home).status_view(AS_OF) is None


# -- one item's records without the whole log (what mark's slip warnings read)


def test_the_records_naming_an_item_are_its_own_and_the_retractions_bearing_on_them(sdpolicy_home, tmp_path, monkeypatch):
    # An id that holds another as its start, notes that mention ids and the word 'retracts', a
    # retraction naming another item than its target, a retraction of a retraction, CRLF line ends
    # and a torn last line.
    lines = [
        Record("r-aaaaaaaaa1", "task", "IND-01", date(2006, 3, 1), INSTANTS[0], value=1),
        Record("r-aaaaaaaaa2", "task", "IND-01-X", date(2006, 3, 1), INSTANTS[0], value=2, note="not IND-01 itself"),
        Record("r-aaaaaaaaa3", "task", "IND-06", date(2006, 3, 1), INSTANTS[0], value=3, note="retracts nothing"),
        Record("r-aaaaaaaaa4", "task", "IND-06", date(2006, 3, 2), INSTANTS[0], retracts="r-aaaaaaaaa1"),
        Record("r-aaaaaaaaa5", "indicator", "internet-users", date(2006, 3, 1), INSTANTS[0], value=5),
        Record("r-aaaaaaaaa6", "task", "IND-01", date(2006, 4, 1), INSTANTS[1], state="blocked"),
        Record("r-aaaaaaaaa7", "task", "IND-01-X", date(2006, 4, 2), INSTANTS[1], retracts="r-aaaaaaaaa2"),
        Record("r-aaaaaaaaa8", "task", "IND-05", date(2006, 4, 3), INSTANTS[1], retracts="r-aaaaaaaaa4"),
    ]
    path = store.progress_path(sdpolicy_home)
    sdpolicy_home.mkdir(parents=True)
    body = "".join(store.record_line(r) + "\r\n" for r in lines)
    path.write_bytes((store.HEADER.replace("\n", "\r\n") + "schema = 1\r\n" + body + 'r-torn = { task = "IND-01", va').encode())
    # By hand, in file order:
    # - IND-01: its r-1 and r-6 (r-2 is IND-01-X's), r-4 retracting r-1 though it names IND-06, and r-8
    #   retracting r-4 (a redo, naming yet another task); r-7 retracts a record of IND-01-X and stays out;
    # - IND-06 and internet-users: r-3, r-4 (named IND-06), r-5, and r-8 retracting r-4;
    # - an id no record has: nothing.
    expected = {
        ("IND-01",): ["r-aaaaaaaaa1", "r-aaaaaaaaa4", "r-aaaaaaaaa6", "r-aaaaaaaaa8"],
        ("IND-06", "internet-users"): ["r-aaaaaaaaa3", "r-aaaaaaaaa4", "r-aaaaaaaaa5", "r-aaaaaaaaa8"],
        ("nothing",): [],
    }
    whole = {r.id: r for r in store.read_snapshot(sdpolicy_home).records()}
    for items, ids in expected.items():
        # Read with no cache (the lines with the word 'retracts'), then with the prefix the first read
        # kept (its list of retractions), then with records appended after that prefix.
        monkeypatch.setenv("SDPOLICY_CACHE", str(tmp_path / f"cache-{items[0]}"))
        cold = store.read_snapshot(sdpolicy_home)
        assert cold.prefix is None
        warm = store.read_snapshot(sdpolicy_home)
        assert warm.prefix is not None
        for snapshot in (cold, warm):
            part = snapshot.records_naming(set(items))
            assert [r.id for r in part] == ids
            assert list(part) == [whole[i] for i in ids]  # the same records, lines included


def test_the_records_naming_an_item_after_a_cached_prefix_include_the_appended_ones(sdpolicy_home):
    first = mark(sdpolicy_home, "IND-01", value=1)
    mark(sdpolicy_home, "IND-05", value=2)
    assert store.read_snapshot(sdpolicy_home).prefix is None  # this read keeps the prefix
    retraction = append_record(sdpolicy_home, Record(new_record_id(), "task", "IND-01", date(2006, 5, 2), INSTANTS[1], retracts=first.id))
    later = mark(sdpolicy_home, "IND-01", value=3, day=date(2006, 5, 3))
    snapshot = store.read_snapshot(sdpolicy_home)
    assert snapshot.prefix is not None
    # By hand: IND-01's first figure (in the prefix), its retraction and its later figure (both after it).
    assert [r.id for r in snapshot.records_naming({"IND-01"})] == [first.id, retraction.id, later.id]


def test_an_escape_that_could_spell_an_id_reads_the_whole_log(sdpolicy_home):
    sdpolicy_home.mkdir(parents=True)
    path = store.progress_path(sdpolicy_home)
    # "IND\u002d01" is IND-01 without the text "IND-01" anywhere in the file.
    path.write_text(store.HEADER + "schema = 1\n" + 'r-bbbbbbbbb1 = { task = "IND\\u002d01", value = 7, date = 2006-03-01, '
                    "recorded_at = 2026-11-01T08:00:00Z }\n", encoding="utf-8")
    (record,) = store.read_snapshot(sdpolicy_home).records_naming({"IND-01"})
    assert (record.item, record.value) == ("IND-01", 7)


def test_mark_reads_only_the_lines_of_its_item(sdpolicy_home, cli, monkeypatch):
    mark(sdpolicy_home, NUMERIC[0], value=150, day=date(2006, 5, 1))
    mark(sdpolicy_home, NUMERIC[1], value=1, day=date(2006, 5, 1))
    built = []
    real = store.Snapshot.records
    monkeypatch.setattr(store.Snapshot, "records", lambda self: built.append(1) or real(self))
    result = cli("mark", NUMERIC[0], "--value", "100", "--date", "2006-06-01")
    assert result.exit_code == 0 and built == []
    # The count fell from 150: the warning still sees the earlier figure.
    assert "150" in result.stderr and result.stderr.startswith("Warning")


def test_records_under_a_renamed_id_keep_the_rows_of_the_id_that_stands_for_it_now(sdpolicy_home):
    # The catalogue renames IND-03 to IND-02 (the merged service systems): a record written under the
    # old id is IND-02's, in the rows kept and brought up to date as in the rows made from everything.
    assert PLAN.renamed.get("IND-03") == "IND-02"
    mark(sdpolicy_home, "IND-03", state="in-progress")
    looked_rows(sdpolicy_home)
    mark(sdpolicy_home, "IND-03", state="done", day=date(2006, 6, 1))
    tasks, indicators = looked_rows(sdpolicy_home)
    assert (tasks, indicators) == full_rows(sdpolicy_home)
    assert next(r for r in tasks if r["id"] == "IND-02")["state"] == "done"


def test_a_status_on_unchanged_files_is_shown_without_building_the_plan_or_checking_the_store(sdpolicy_home, monkeypatch):
    runner = CliRunner()
    mark(sdpolicy_home, NUMERIC[0], value=10)
    first = runner.invoke(app, ["status", "--json", "--as-of", AS_OF.isoformat()])
    assert first.exit_code == 0, first.stderr
    # Were the plan built or the store examined, these would fail the command.
    import sdpolicy.workspace

    monkeypatch.setattr(sdpolicy.workspace, "plan_beside", _boom)
    monkeypatch.setattr(store, "examined", _boom)
    again = runner.invoke(app, ["status", "--json", "--as-of", AS_OF.isoformat()])
    assert again.exit_code == 0 and again.stdout == first.stdout
    # A change to the store's bytes needs them both again.
    mark(sdpolicy_home, NUMERIC[1], value=10)
    assert runner.invoke(app, ["status", "--json", "--as-of", AS_OF.isoformat()]).exit_code == 70


def _boom(*args, **kwargs):
    raise RuntimeError("not to be called")


def test_a_status_shown_again_still_warns_of_an_unfinished_last_line(sdpolicy_home):
    runner = CliRunner()
    mark(sdpolicy_home, NUMERIC[0], value=10)
    with store.progress_path(sdpolicy_home).open("a", encoding="utf-8") as file:
        file.write('r-cut = { task = "IND-01", val')  # a write cut short
    outputs = [runner.invoke(app, ["status", "--as-of", AS_OF.isoformat()]) for _ in range(2)]
    # Three comment lines of the header, the schema on line 4, the record on 5, the cut line on 6.
    assert store.HEADER.count("\n") == 3
    for result in outputs:
        assert result.exit_code == 0 and result.stderr.startswith("Warning:") and "progress.toml:6:" in result.stderr
    assert outputs[0].stdout == outputs[1].stdout


def test_a_figure_for_a_shared_indicator_replaces_the_task_s_figure_in_the_kept_log(sdpolicy_home):
    # The task's figure of 1 May is in the log kept by the first look. The indicator it shares its
    # figure with then gets a figure for the same day, entered later: one item for superseded_by, so
    # the task's row, which the appended line does not name, must now say what replaced it.
    first = mark(sdpolicy_home, SHARED_TASK, value=10, day=date(2006, 5, 1), at=INSTANTS[0])
    assert [row["superseded_by"] for row in looked_log(sdpolicy_home)] == [None]
    second = mark(sdpolicy_home, SHARED_INDICATOR, value=12, day=date(2006, 5, 1), at=INSTANTS[1], kind="indicator")
    rows = looked_log(sdpolicy_home)
    # Newest first: the indicator's figure (entered on 2 November) above the task's (1 November).
    assert [(row["id"], row["superseded_by"]) for row in rows] == [(second.id, None), (first.id, second.id)]
    assert rows == full_log(sdpolicy_home)


def test_a_report_after_marks_says_what_a_report_from_nothing_says(sdpolicy_home, tmp_path, monkeypatch):
    runner = CliRunner()

    def report(cache: str, *form: str) -> str:
        monkeypatch.setenv("SDPOLICY_CACHE", str(tmp_path / cache))
        result = runner.invoke(app, ["report", *form, "--as-of", AS_OF.isoformat()])
        assert result.exit_code == 0, result.stderr
        return result.stdout

    mark(sdpolicy_home, NUMERIC[0], value=10, by="省经贸委")
    for form in (["--json"], ["--md"]):
        report("kept", *form)
    for value, task, day in [(50, NUMERIC[0], date(2006, 6, 1)), (100000, NUMERIC[1], date(2006, 3, 1))]:
        mark(sdpolicy_home, task, value=value, day=day, by="济南市")
        for form in (["--json"], ["--md"]):
            assert report("kept", *form) == report(f"fresh-{value}-{form[0]}", *form)


def test_the_digests_a_look_after_a_mark_needs_take_one_pass_over_the_store(sdpolicy_home, monkeypatch):
    mark(sdpolicy_home, NUMERIC[0], value=10)
    looked(sdpolicy_home)  # keeps the lights, made from the store as it is now
    covered = store.progress_path(sdpolicy_home).stat().st_size
    mark(sdpolicy_home, NUMERIC[1], value=20)
    whole = store.progress_path(sdpolicy_home).stat().st_size
    fed: list[int] = []
    real = store.cache.hasher

    class Counting:
        def __init__(self, inner):
            self.inner = inner

        def update(self, data):
            if isinstance(data, memoryview):  # the store's bytes; the cache's own keys come as bytes
                fed.append(len(data))
            self.inner.update(data)

        def copy(self):
            return Counting(self.inner.copy())

        def digest(self):
            return self.inner.digest()

    monkeypatch.setattr(store.cache, "hasher", lambda data=b"", size=None: Counting(real(data, size)))
    snapshot = store.unexamined_snapshot(sdpolicy_home)
    # The view's key needs the whole file, the kept lights the part they cover: by hand, the first
    # `covered` bytes once and the rest once, `whole` bytes in all, where two passes would feed
    # whole + covered.
    assert snapshot.digest == real(store.progress_path(sdpolicy_home).read_bytes()).digest()
    snapshot.digest_of(covered)
    assert sum(fed) == whole


def test_a_retracted_id_holding_a_tab_does_not_confuse_the_list_of_retractions(sdpolicy_home):
    # The kept list of retractions is "target<TAB>offset" per line: an id with a tab in it (a quoted
    # key written by hand) must still find its retraction, and must not be read as another's.
    sdpolicy_home.mkdir(parents=True)
    path = store.progress_path(sdpolicy_home)
    lines = [
        'r-x = { task = "IND-01", value = 1, date = 2006-03-01, recorded_at = 2026-01-01T00:00:00Z }',
        '"r-x\\ty" = { task = "IND-01", value = 2, date = 2006-03-02, recorded_at = 2026-01-01T00:00:00Z }',
        'r-aaaaaaaaa3 = { task = "IND-05", retracts = "r-x\\ty", date = 2006-03-03, recorded_at = 2026-01-01T00:00:00Z }',
    ]
    path.write_text(store.HEADER + "schema = 1\n" + "\n".join(lines) + "\n", encoding="utf-8")
    assert store.read_snapshot(sdpolicy_home).prefix is None  # this read keeps the prefix and its list
    snapshot = store.read_snapshot(sdpolicy_home)
    assert snapshot.prefix is not None
    # By hand: IND-01's two records, and the retraction of the second, though it names IND-05.
    assert [r.id for r in snapshot.records_naming({"IND-01"})] == ["r-x", "r-x\ty", "r-aaaaaaaaa3"]


def test_a_store_growing_past_the_size_hashed_with_blake3_is_read_right_on_both_sides(sdpolicy_home, monkeypatch):
    # From cache.LARGE bytes up the digests are BLAKE3, below BLAKE2b: what was kept while the store
    # was small compares unequal once it is large, so it is made again, never taken for current.
    import hashlib

    from blake3 import blake3

    from sdpolicy import cache

    monkeypatch.setattr(cache, "LARGE", 1500)
    small, large = b"x" * 1499, b"x" * 1500
    assert cache.hasher(small).digest() == hashlib.blake2b(small, digest_size=32).digest()
    assert cache.hasher(large).digest() == blake3(large).digest()
    # A large part of a key goes in as its digest, marked so that it is not the digest fed whole.
    assert cache.key(large) != cache.key(blake3(large).digest())
    mark(sdpolicy_home, NUMERIC[0], value=10)
    assert looked(sdpolicy_home) == full_lights(sdpolicy_home)
    assert store.progress_path(sdpolicy_home).stat().st_size < 1500
    for n in range(12):
        mark(sdpolicy_home, NUMERIC[n % 2], value=20 + n, day=date(2006, 6, 1))
        assert looked(sdpolicy_home) == full_lights(sdpolicy_home)
        assert looked_rows(sdpolicy_home) == full_rows(sdpolicy_home)
    assert store.progress_path(sdpolicy_home).stat().st_size > 1500
    snapshot = store.unexamined_snapshot(sdpolicy_home)
    data = store.progress_path(sdpolicy_home).read_bytes()
    assert snapshot.digest == blake3(data).digest()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lengths=st.lists(st.integers(0, 300), min_size=65, max_size=160), picks=st.data(), stretch=st.sampled_from([7, 64, 1 << 20]))
def test_where_lines_start_is_found_a_stretch_at_a_time_as_from_every_line_at_once(lengths, picks, stretch, monkeypatch):
    # _line_starts reads the lengths of lines a megabyte at a time (a million lines split at once
    # held 190 MB); with stretches of a few bytes, a line is often longer than a stretch. The start
    # of line n (from 1) is the sum of the lengths of the lines before it, each with its line feed.
    from types import SimpleNamespace

    from sdpolicy import workspace

    monkeypatch.setattr(workspace, "_STRETCH", stretch)
    data = b"".join(b"x" * n + b"\n" for n in lengths)
    # One line 64 or more from the end: lines near the end are found by walking back instead.
    wanted = picks.draw(st.sets(st.integers(1, len(lengths)))) | {picks.draw(st.integers(1, len(lengths) - 64))}
    expected = {n: sum(length + 1 for length in lengths[: n - 1]) for n in wanted}
    assert workspace._line_starts(SimpleNamespace(_data=data, prefix=None), wanted) == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    notes=st.lists(st.integers(0, 120), min_size=3, max_size=40),
    more=st.lists(st.integers(0, 120), min_size=0, max_size=12),
    stretch=st.sampled_from([7, 64, 300, 1 << 20]),
    picks=st.data(),
)
def test_lines_found_after_a_prefix_are_numbered_from_its_checkpoints_as_from_the_start(notes, more, stretch, picks, monkeypatch):
    # A cached prefix keeps (offset, line feeds before it) every _CHECKPOINT bytes, and the lines of an
    # item are numbered from the checkpoint before them; a prefix extended later (past _REFRESH
    # records) carries its checkpoints on. Each record names one of three tasks and carries a note of
    # random length, so lines and checkpoints fall anywhere. By definition a checkpoint's offset
    # starts a line and its count is the line feeds before that offset; and an item's records must
    # be those of the whole log, line numbers included.
    monkeypatch.setattr(store, "_CHECKPOINT", stretch)
    monkeypatch.setattr(store, "_REFRESH", 2)
    home = Path(tempfile.mkdtemp(prefix="sdpolicy-checkpoints-"))
    try:
        monkeypatch.setenv("SDPOLICY_CACHE", str(home / "cache"))
        tasks = ["IND-01", "IND-05", "IND-06"]

        def write(lengths: list[int], start: int) -> None:
            for n, length in enumerate(lengths, start):
                append_record(home, Record(f"r-{n:010d}", "task", tasks[n % 3], DAYS[n % 4], INSTANTS[0], value=n, note="x" * length))

        write(notes, 0)
        assert store.read_snapshot(home).prefix is None  # this read keeps the prefix
        write(more, len(notes))
        snapshot = store.read_snapshot(home)
        if len(more) > 2:
            snapshot = store.read_snapshot(home)  # the one before extended the prefix
        data = store.progress_path(home).read_bytes()
        prefix = snapshot.prefix
        assert prefix is not None
        for offset, feeds in prefix.checkpoints:
            assert 0 < offset <= prefix.size and data[offset - 1 : offset] == b"\n"
            assert data.count(b"\n", 0, offset) == feeds
        offsets = [offset for offset, _ in prefix.checkpoints]
        assert offsets == sorted(set(offsets))
        whole = store.read_snapshot(home).records()
        wanted = picks.draw(st.sets(st.sampled_from(tasks), min_size=1))
        assert snapshot.records_naming(wanted) == tuple(r for r in whole if r.item in wanted)
    finally:
        shutil.rmtree(home, ignore_errors=True)
