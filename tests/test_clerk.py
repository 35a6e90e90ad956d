"""Kind to the clerk who types (issue 14): mark says what it understood and warns of likely slips,
undo says what it took back, entry times carry their zone, id typos, blocked and done on figures."""

from __future__ import annotations

import json
import re
import time

import pytest

from conftest import assert_refused

JUNE = "2006-06-30"
RECORD = r"r-[0-9a-z]{10}"


def marked(cli, *args: str):
    result = cli("mark", *args)
    assert result.exit_code == 0, result.stderr
    return result


# ---------------------------------------------------------------------------------------------
# The echo


def test_mark_echoes_the_figure_with_its_unit(cli):
    # internet-users is in 万户: 1,200 万户 is 12 million subscribers.
    zh = marked(cli, "internet-users", "--value", "1200", "--date", JUNE, "--lang", "zh")
    assert re.fullmatch(rf"已记录 {RECORD}：internet-users 1,200 万户（2006-06-30）\n", zh.stdout)
    en = marked(cli, "internet-users", "--value", "1200", "--date", JUNE, "--lang", "en")
    assert re.fullmatch(rf"recorded {RECORD}: internet-users 12 million subscribers on 2006-06-30\n", en.stdout)
    task = marked(cli, "IND-01", "--value", "120", "--date", JUNE)
    assert re.fullmatch(rf"recorded {RECORD}: IND-01 120 enterprises on 2006-06-30\n", task.stdout)
    state = marked(cli, "ENV-05", "--state", "进行中", "--date", JUNE, "--lang", "zh")
    assert re.fullmatch(rf"已记录 {RECORD}：ENV-05 进行中（2006-06-30）\n", state.stdout)


# ---------------------------------------------------------------------------------------------
# Warnings: on stderr, the record kept, each with the undo that takes it back


def _warned(result) -> list[str]:
    record_id = re.search(RECORD, result.stdout).group(0)
    lines = result.stderr.splitlines()
    for line in lines:
        assert line.startswith(("Warning: ", "警告: ")), line
        assert line.endswith(f"sdpolicy undo {record_id}") or line.endswith(f"sdpolicy undo {record_id} 撤回"), line
    return lines


def _count(cli) -> int:
    return len(json.loads(cli("log", "--json").stdout)["records"])


def test_a_figure_above_twice_the_target_is_warned_and_kept(cli):
    result = marked(cli, "IND-01", "--value", "401", "--date", JUNE)  # target 200: twice is 400
    (line,) = _warned(result)
    assert "IND-01: 401 enterprises is more than twice the target of 200 enterprises" in line
    assert _count(cli) == 1
    assert marked(cli, "IND-01", "--value", "400", "--date", JUNE).stderr == ""  # exactly twice: no warning


def test_a_figure_below_the_baseline_is_warned(cli):
    # EGOV-10 counts from county-portal-share, 75 % in 2005.
    (line,) = _warned(marked(cli, "EGOV-10", "--value", "70", "--date", JUNE))
    assert "EGOV-10: 70% is below the 2005 baseline of 75%" in line
    (line,) = _warned(marked(cli, "internet-users", "--value", "900", "--date", JUNE))  # 2005: over 1,000 万户
    assert "is below the 2005 baseline" in line


def test_a_cumulative_count_falling_is_warned(cli):
    marked(cli, "IND-01", "--value", "120", "--date", JUNE)
    (line,) = _warned(marked(cli, "IND-01", "--value", "110", "--date", "2006-07-31", "--lang", "zh"))
    assert "IND-01: 110 家 小于 2006年6月30日 记录的累计数 120 家" in line
    # A correction for the same date is not a fall.
    assert marked(cli, "IND-01", "--value", "115", "--date", JUNE).stderr == ""


def test_a_count_that_is_not_whole_is_warned(cli):
    (line,) = _warned(marked(cli, "IND-01", "--value", "12.5", "--date", JUNE))
    assert "12.5 enterprises is not a whole number, and this is a count" in line
    assert marked(cli, "EGOV-10", "--value", "80.5", "--date", JUNE).stderr == ""  # a share may be fractional


def test_a_figure_in_the_wrong_unit_is_warned(cli):
    # 12000000 typed for 1,200 万户: 12,000 times the 2005 figure of 1,000 万户.
    result = marked(cli, "internet-users", "--value", "12000000", "--date", JUNE)
    (line,) = _warned(result)
    assert "is about 12,000 times the 2005 figure of over" not in line  # the baseline is the plain figure
    assert "about 12,000 times the 2005 figure of 10 million subscribers" in line
    assert "did you mean 1,200?" in line
    zh = marked(cli, "internet-users", "--value", "0.12", "--date", JUNE, "--lang", "zh")
    lines = _warned(zh)  # below the baseline, and 1/8,333 of it (1000 / 0.12 = 8,333.3)
    assert any("约为2005年数据 1,000 万户 的 1/8,333 倍" in x for x in lines) and len(lines) == 2


def test_plausible_figures_bring_no_warning(cli):
    for args in (("IND-01", "--value", "120"), ("EGOV-10", "--value", "90"), ("internet-users", "--value", "1200"),
                 ("ENV-05", "--state", "in-progress")):
        assert marked(cli, *args, "--date", JUNE).stderr == ""


# ---------------------------------------------------------------------------------------------
# Blocked and done on quantified tasks


def test_a_quantified_task_can_be_blocked_and_keeps_its_figure(cli):
    marked(cli, "IND-01", "--value", "120", "--date", JUNE)
    marked(cli, "IND-01", "--state", "受阻", "--date", "2006-07-15")
    row = next(r for r in json.loads(cli("list", "--json", "--as-of", "2006-07-31").stdout)["tasks"] if r["id"] == "IND-01")
    assert (row["actual"], row["state"], row["light"], row["reason"]["code"], row["percent"]) == (120, "blocked", "red", "blocked", 60.0)
    line = next(x for x in cli("list", "--as-of", "2006-07-31").stdout.splitlines() if x.startswith("IND-01 "))
    assert "| 120 enterprises · blocked |" in line
    assert_refused(cli("mark", "IND-01", "--state", "in-progress"))  # other states still follow the figure


def test_done_below_the_target_warns_and_reports_show_both(cli):
    marked(cli, "IND-01", "--value", "120", "--date", JUNE)
    (line,) = _warned(marked(cli, "IND-01", "--done", "--date", "2006-07-15"))
    assert "IND-01: marked done, but its latest figure 120 enterprises (2006-06-30) is short of the target 200 enterprises" in line
    report = cli("report", "--md", "--as-of", "2006-07-31").stdout
    row = next(x for x in report.splitlines() if x.startswith("| IND-01 "))
    assert "| 120 enterprises · done |" in row and "✅ done" in row
    assert marked(cli, "IND-01", "--value", "200", "--date", "2006-08-01").stderr == ""
    assert marked(cli, "IND-01", "--done", "--date", "2006-08-02").stderr == ""  # 200 of 200: nothing to say


# ---------------------------------------------------------------------------------------------
# Undo


def test_undo_says_what_it_retracted_and_what_it_restored(cli, mark):
    first = mark("IND-01", "--value", "120", "--date", JUNE)
    undone = cli("undo")
    found = re.fullmatch(rf"retracted {first}: IND-01 120 enterprises on 2006-06-30 \(retraction ({RECORD})\)\n", undone.stdout)
    assert found, undone.stdout
    retraction = found.group(1)
    again = cli("undo", retraction, "--lang", "zh")
    assert re.fullmatch(
        rf"已恢复 {first}：IND-01 120 家（2006-06-30）（其撤回记录 {retraction} 已被 {RECORD} 撤回）\n", again.stdout
    ), again.stdout
    row = next(r for r in json.loads(cli("list", "--json").stdout)["tasks"] if r["id"] == "IND-01")
    assert row["actual"] == 120


def test_undo_dry_run_writes_nothing(cli, mark, store_file):
    first = mark("internet-users", "--value", "1200", "--date", JUNE)
    before = store_file.read_bytes()
    result = cli("undo", "--dry-run", "--lang", "zh")
    assert result.exit_code == 0
    assert result.stdout == f"将撤回 {first}：internet-users 1,200 万户（2006-06-30）；未作任何改动\n"
    assert store_file.read_bytes() == before
    assert cli("undo", "--dry-run").stdout == (
        f"would retract {first}: internet-users 12 million subscribers on 2006-06-30; nothing was written\n"
    )
    assert_refused(cli("undo", "r-nosuchid00", "--dry-run"), 2)
    assert store_file.read_bytes() == before


# ---------------------------------------------------------------------------------------------
# Entry times, id typos


@pytest.fixture
def shanghai(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_entry_times_are_local_with_their_offset(cli, mark, shanghai):
    mark("IND-01", "--value", "120", "--date", JUNE)
    (record,) = json.loads(cli("log", "--json").stdout)["records"]
    from datetime import datetime, timedelta, timezone

    utc = datetime.fromisoformat(record["recorded_at"])
    local = utc.astimezone(timezone(timedelta(hours=8)))
    row = cli("log").stdout.splitlines()[2]
    assert row.rstrip().endswith(local.strftime("%Y-%m-%d %H:%M:%S") + " +08:00")


def test_an_id_without_its_leading_zero_suggests_the_right_one_first(cli):
    message = assert_refused(cli("mark", "IND-1", "--value", "3"))
    assert message.startswith("unknown task or indicator 'IND-1'; did you mean IND-01")
    assert assert_refused(cli("show", "egov-1")).startswith("unknown task 'egov-1'; did you mean EGOV-01")
    # Without the dash too: IND1 and EGOV1 are IND-01 and EGOV-01 typed in a hurry, not IND-17 or EGOV-14.
    assert assert_refused(cli("show", "IND1")).startswith("unknown task 'IND1'; did you mean IND-01")
    assert assert_refused(cli("show", "EGOV1")).startswith("unknown task 'EGOV1'; did you mean EGOV-01")
