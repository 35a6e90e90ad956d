"""Trends and forecasts, worked out by hand on a 100-day task (one day = one point of expected progress)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from sdpolicy.catalogue import Area, Lights, Plan, Reporting, Source, Target, Task
from sdpolicy.errors import UsageError
from sdpolicy.progress import task_progress
from sdpolicy.store import Record
from sdpolicy.trajectory import forecast, group_trend, period_ends, task_trend
from sdpolicy.views import task_row, whole_report

SRC = Source("plan-2006", "一", "quote")
START, DEADLINE = date(2006, 3, 1), date(2006, 6, 9)  # 100 days apart
T0 = datetime(2006, 7, 1, 8, 0, tzinfo=timezone.utc)

COUNT = Target("count", value=200, unit_zh="家", unit_en="enterprises")
SHARE = Target("percent", value=100, unit_zh="%", unit_en="%")


def day(n: int) -> date:
    """The n-th day of the task's period: expected progress there is n %."""
    return START + timedelta(days=n)


def make_plan() -> Plan:
    def task(id_: str, target: Target) -> Task:
        return Task(id=id_, area="industry", title_zh="任务", title_en="task", start=START, deadline=DEADLINE,
                    target=target, source=SRC)

    return Plan(
        id="t", name_zh="计划", name_en="plan", issuer_zh="办", issuer_en="office", year=2006,
        start=date(2006, 2, 16), end=date(2006, 12, 31), lights=Lights(yellow_behind=10, red_behind=30),
        documents=(), areas=(Area("industry", "传统产业信息技术改造", "Industry", "一"),),
        tasks=(task("COUNT", COUNT), task("SHARE", SHARE), task("MILE", Target("milestone", event="issued"))),
        indicators=(),
        # Yearly reports, due after DEADLINE: these tests check the arithmetic of lights over time, and
        # a missed monthly report (March's, due 03-31) would hide it. The reporting rule has its own
        # tests (test_periods, test_progress, test_year).
        reporting=Reporting(cadence="yearly"),
    )


PLAN = make_plan()
_serial = iter(range(10_000))


def rec(item: str, when: date, value: float | None = None, state: str | None = None, later: int = 0) -> Record:
    n = next(_serial)
    return Record(id=f"r-{n:04d}", kind="task", item=item, date=when, recorded_at=T0 + timedelta(seconds=n + later),
                  value=value, state=state)


def judge(item: str, records: list[Record], as_of: date):
    return task_progress(PLAN, PLAN.tasks_by_id[item], records, as_of)


# ---------------------------------------------------------------------------------------------
# Forecast


def test_a_forecast_that_reaches_the_target():
    # 20 on day 10, 80 on day 40: 60 in 30 days, 2 a day. 60 days remain to the deadline (day 100),
    # so 80 + 2 × 60 = 200: exactly the target, which counts as reaching it.
    records = [rec("COUNT", day(10), 20), rec("COUNT", day(40), 80)]
    found = forecast(judge("COUNT", records, day(45)))
    assert found is not None
    assert found.value == pytest.approx(200)
    assert found.on_track
    assert found.points == ((day(10), 20), (day(40), 80))


def test_a_forecast_that_falls_short():
    # 20 on day 10, 50 on day 40: 1 a day; 50 + 60 = 110 of 200.
    records = [rec("COUNT", day(10), 20), rec("COUNT", day(40), 50)]
    found = forecast(judge("COUNT", records, day(40)))
    assert found is not None
    assert found.value == pytest.approx(110)
    assert not found.on_track


def test_the_line_runs_through_the_two_newest_reports_only():
    # The first report (0 on day 1) would give a steeper line from the start; only day 30 and day 40
    # count: 70 → 80 is 1 a day, 80 + 60 = 140.
    records = [rec("COUNT", day(1), 0), rec("COUNT", day(30), 70), rec("COUNT", day(40), 80)]
    assert forecast(judge("COUNT", records, day(40))).value == pytest.approx(140)


def test_a_single_report_gets_no_forecast():
    assert forecast(judge("COUNT", [rec("COUNT", day(40), 80)], day(45))) is None


def test_two_records_on_one_day_are_one_report():
    # The second record of day 40 corrects the first: still one report, so no forecast.
    records = [rec("COUNT", day(40), 60), rec("COUNT", day(40), 80, later=100)]
    assert forecast(judge("COUNT", records, day(45))) is None
    # With a report on day 10 (20), the correction (80) is the one the line runs to: 2 a day, 200.
    found = forecast(judge("COUNT", [rec("COUNT", day(10), 20), *records], day(45)))
    assert found.value == pytest.approx(200)


def test_reports_after_the_as_of_date_are_not_seen():
    records = [rec("COUNT", day(10), 20), rec("COUNT", day(40), 80)]
    assert forecast(judge("COUNT", records, day(39))) is None


def test_a_share_stops_at_100_and_a_falling_figure_at_0():
    # 10 % on day 10, 60 % on day 20: 5 points a day would give 460 %; a share stops at 100.
    share = forecast(judge("SHARE", [rec("SHARE", day(10), 10), rec("SHARE", day(20), 60)], day(20)))
    assert share.value == 100 and share.on_track
    # 100 on day 10, 50 on day 20: −5 a day would reach −350; a count stops at 0.
    count = forecast(judge("COUNT", [rec("COUNT", day(10), 100), rec("COUNT", day(20), 50)], day(20)))
    assert count.value == 0 and not count.on_track


def test_no_forecast_for_milestones_done_tasks_or_past_deadlines():
    mile = [rec("MILE", day(10), state="in-progress"), rec("MILE", day(20), state="in-progress")]
    assert forecast(judge("MILE", mile, day(30))) is None
    done = [rec("COUNT", day(10), 100), rec("COUNT", day(20), 200)]
    assert judge("COUNT", done, day(30)).light == "done"
    assert forecast(judge("COUNT", done, day(30))) is None
    late = [rec("COUNT", day(10), 20), rec("COUNT", day(40), 50)]
    assert forecast(judge("COUNT", late, day(101))) is None


def test_an_at_risk_green_task_is_in_the_attention_list_and_the_projection_is_not_progress():
    # 70 on day 30, 80 on day 40: at day 40, 80 of 200 is 40 % against 40 % expected: green.
    # 1 a day gives 80 + 60 = 140 < 200: at risk, so it joins the red tasks in the attention list.
    records = [rec("COUNT", day(30), 70), rec("COUNT", day(40), 80)]
    view = whole_report(PLAN, records, day(40))
    row = next(r for a in view["areas"] for r in a["tasks_list"] if r["id"] == "COUNT")
    assert row["light"] == "green"
    assert row["percent"] == 40.0 and row["actual"] == 80  # the projection does not count
    assert row["forecast"] == {
        "value": 140, "status": "at-risk", "method": "last-two-reports",
        "from": [{"date": "2006-03-31", "value": 70}, {"date": "2006-04-10", "value": 80}],
    }
    assert [r["id"] for r in view["attention"]] == ["COUNT"]
    # On track (20 → 80 as above), it stays out.
    records = [rec("COUNT", day(10), 20), rec("COUNT", day(40), 80)]
    view = whole_report(PLAN, records, day(40))
    assert view["attention"] == []


# ---------------------------------------------------------------------------------------------
# Dates and trends


def test_month_ends_and_the_last_day():
    assert period_ends(date(2006, 2, 16), date(2006, 5, 15)) == [
        date(2006, 2, 28), date(2006, 3, 31), date(2006, 4, 30), date(2006, 5, 15),
    ]
    assert period_ends(date(2006, 1, 1), date(2006, 3, 31)) == [date(2006, 1, 31), date(2006, 2, 28), date(2006, 3, 31)]


def test_quarter_ends():
    assert period_ends(date(2006, 2, 16), date(2006, 12, 31), "quarter") == [
        date(2006, 3, 31), date(2006, 6, 30), date(2006, 9, 30), date(2006, 12, 31),
    ]
    assert period_ends(date(2006, 4, 1), date(2006, 8, 10), "quarter") == [date(2006, 6, 30), date(2006, 8, 10)]
    assert period_ends(date(2006, 11, 5), date(2007, 2, 1), "quarter") == [date(2006, 12, 31), date(2007, 2, 1)]


def test_bad_periods_are_refused():
    with pytest.raises(UsageError, match="month or quarter"):
        period_ends(date(2006, 1, 1), date(2006, 2, 1), "week")
    with pytest.raises(UsageError, match="before it starts"):
        period_ends(date(2006, 5, 1), date(2006, 2, 1))


def test_a_trend_is_the_lights_at_each_date():
    # 20 on day 10, 30 on day 40: at day 40, 15 % against 40 % expected is 25 behind: yellow;
    # at day 10, 10 % against 10 %: green; at day 5, no record yet: grey.
    records = [rec("COUNT", day(10), 20), rec("COUNT", day(40), 30)]
    dates = [day(5), day(10), day(40)]
    trend = task_trend(PLAN, PLAN.tasks_by_id["COUNT"], records, dates)
    assert [p.light for p in trend] == ["grey", "green", "yellow"]
    assert [p.percent for p in trend] == [None, 10.0, 15.0]
    for point, when in zip(trend, dates):
        assert point == task_progress(PLAN, PLAN.tasks_by_id["COUNT"], records, when)
    summaries = group_trend(PLAN, PLAN.tasks, records, dates)
    # MILE and SHARE have no record: grey throughout.
    assert [(s.total.green, s.total.yellow, s.total.grey) for s in summaries] == [(0, 0, 3), (1, 0, 2), (0, 1, 2)]
    assert task_row(PLAN, trend[-1])["light"] == "yellow"
