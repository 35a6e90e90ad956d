"""The shipped catalogue (data/): the counts, the ids, the links and the figures that matter.

These pin what data/plan.toml and data/baselines.toml hold today; a change to the data that moves
one of them should be deliberate, and this file changes with it.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from sdpolicy.catalogue import MAX_QUOTE, Plan, load_catalogue, shipped_catalogue

REPOSITORY = Path(__file__).resolve().parent.parent
CHECK_SOURCES = REPOSITORY.parent / "shared" / "tools" / "check-sources"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_catalogue()


@pytest.fixture(scope="module")
def raw() -> dict[str, list[dict]]:
    """The shipped files as TOML, without the loader: what the loader might drop, these still hold."""
    merged: dict[str, list[dict]] = {"tasks": [], "indicators": [], "areas": [], "documents": []}
    for file in sorted(shipped_catalogue().glob("*.toml")):
        parsed = tomllib.loads(file.read_text(encoding="utf-8"))
        for key in merged:
            merged[key].extend(parsed.get(key, []))
    return merged


# ---------------------------------------------------------------------------------------------
# Shape


def test_the_plan_is_shandongs_2006_key_points(plan: Plan):
    assert (plan.id, plan.year, plan.start, plan.end) == ("shandong-2006", 2006, date(2006, 2, 16), date(2006, 12, 31))
    assert plan.name_zh == "2006年全省信息化工作要点"
    assert plan.issuer_zh == "山东省信息化工作领导小组办公室"
    assert (plan.lights.yellow_behind, plan.lights.red_behind) == (10, 30)
    assert [d.id for d in plan.documents] == ["plan-2006", "review-2005"]


def test_the_seven_areas_in_the_plans_order_with_their_chinese_names(plan: Plan):
    assert [(a.slug, a.name_zh, a.section) for a in plan.areas] == [
        ("industry", "传统产业信息技术改造", "一"),
        ("public-service", "社会公共服务信息化", "二"),
        ("e-gov", "电子政务", "三"),
        ("city", "城市信息化", "四"),
        ("resources", "信息资源开发利用", "五"),
        ("security", "网络与信息安全保障", "六"),
        ("environment", "信息化发展环境", "七"),
    ]


def test_the_number_of_tasks_in_each_area(plan: Plan):
    assert Counter(t.area for t in plan.tasks) == {
        "industry": 13,
        "public-service": 10,
        "e-gov": 14,
        "city": 9,
        "resources": 12,
        "security": 11,
        "environment": 12,
    }
    assert len(plan.tasks) == 81


def test_the_number_of_indicators_in_each_area(plan: Plan):
    assert Counter(i.area for i in plan.indicators) == {
        "industry": 45, "city": 15, "e-gov": 11, "public-service": 4, "environment": 4, "resources": 3, "security": 1,
    }
    assert len(plan.indicators) == 83


def test_the_loader_keeps_every_task_and_indicator_of_the_files(plan: Plan, raw: dict[str, list[dict]]):
    assert [t["id"] for t in raw["tasks"]] == [t.id for t in plan.tasks]
    assert [i["id"] for i in raw["indicators"]] == [i.id for i in plan.indicators]


def test_task_ids_follow_their_area_and_count_up_from_01(plan: Plan):
    prefixes = {"industry": "IND", "public-service": "PUB", "e-gov": "EGOV", "city": "CITY", "resources": "RES",
                "security": "SEC", "environment": "ENV"}
    for area in plan.areas:
        ids = [t.id for t in plan.tasks_in(area.slug)]
        assert ids == [f"{prefixes[area.slug]}-{n:02d}" for n in range(1, len(ids) + 1)]


# ---------------------------------------------------------------------------------------------
# Ids and references


@pytest.mark.parametrize("kind", ["tasks", "indicators", "areas", "documents"])
def test_ids_are_unique_in_the_files(raw: dict[str, list[dict]], kind: str):
    ids = [entry.get("id", entry.get("slug")) for entry in raw[kind]]
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def test_task_and_indicator_ids_are_unique_ignoring_case(plan: Plan):
    # find_item looks a typed word up as a task, then as an indicator: no word may name both.
    keys = [t.id.casefold() for t in plan.tasks] + [i.id.casefold() for i in plan.indicators]
    assert len(keys) == len(set(keys))


def test_every_link_and_baseline_resolves(raw: dict[str, list[dict]]):
    indicators = {i["id"] for i in raw["indicators"]}
    dangling = [
        (t["id"], ref) for t in raw["tasks"] for ref in [*t.get("links", []), *filter(None, [t.get("baseline")])]
        if ref not in indicators
    ]
    assert dangling == []


def test_every_source_names_a_document_of_the_catalogue(plan: Plan):
    documents = {d.id for d in plan.documents}
    assert {x.source.document for x in (*plan.tasks, *plan.indicators)} <= documents
    assert {t.source.document for t in plan.tasks} == {"plan-2006"}


def test_every_quote_is_short(plan: Plan):
    assert [x.id for x in (*plan.tasks, *plan.indicators) if len(x.source.quote) > MAX_QUOTE] == []


def test_the_number_of_indicators_that_tasks_build_on(plan: Plan):
    # The rest of the 2005 figures are context: shown by `compare`, not tied to a task.
    linked = {ref for t in plan.tasks for ref in (*t.links, *filter(None, [t.baseline]))}
    assert len(linked) == 25
    assert linked <= set(plan.indicators_by_id)


def test_every_deadline_is_in_the_plan_year_and_not_before_its_start(plan: Plan):
    assert [t.id for t in plan.tasks if not plan.start <= t.start <= t.deadline <= plan.end] == []
    # Only the expo has a deadline of its own; every other task runs to the end of the year.
    assert {t.id: t.deadline for t in plan.tasks if t.deadline != plan.end} == {"IND-04": date(2006, 9, 30)}


@pytest.mark.skipif(not CHECK_SOURCES.exists(), reason="the source documents are not beside this checkout")
def test_every_quote_is_found_in_the_source_documents():
    result = subprocess.run(
        [sys.executable, str(CHECK_SOURCES), str(shipped_catalogue())], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.endswith("quotes checked in 2 files, 0 problems\n")


# ---------------------------------------------------------------------------------------------
# The figures that matter


@pytest.mark.parametrize(
    ("indicator", "value", "unit_zh", "unit_en", "as_of", "qualifier"),
    [
        ("county-portal-share", 75, "%", "%", date(2005, 12, 31), None),
        ("city-portal-share", 100, "%", "%", date(2005, 12, 31), None),
        ("internet-users", 1000, "万户", "10k subscribers", date(2005, 11, 30), "over"),
        ("fixed-phone-users", 2798.3, "万户", "10k subscribers", date(2005, 11, 30), None),
        ("phone-users", 5139.8, "万户", "10k subscribers", date(2005, 11, 30), None),
        ("fixed-phone-rank", 3, "位", "national rank", date(2005, 11, 30), None),
        ("cable-tv-users", 1000, "万户", "10k subscribers", date(2005, 11, 30), "nearly"),
        ("internet-bandwidth", 50, "G", "Gbit/s", date(2005, 11, 30), "over"),
        ("esign-certificates", 40, "万张", "10k certificates", date(2005, 12, 31), "over"),
        ("electronics-sales", 2800, "亿元", "100 million yuan", date(2005, 12, 31), "forecast"),
        ("electronics-exports", 60, "亿美元", "100 million USD", date(2005, 12, 31), "forecast"),
        ("software-sales", 250, "亿元", "100 million yuan", date(2005, 12, 31), "forecast"),
        ("online-trade", 2000, "亿元", "100 million yuan", date(2005, 12, 31), "over"),
        ("pilot-cities", 5, "个", "cities", date(2005, 12, 31), None),
        ("software-enterprises", 350, "家", "enterprises", date(2005, 12, 31), None),
    ],
)
def test_a_baseline_figure(plan: Plan, indicator: str, value: float, unit_zh: str, unit_en: str, as_of: date,
                           qualifier: str | None):
    found = plan.indicators_by_id[indicator]
    assert (found.value, found.unit_zh, found.unit_en, found.as_of, found.qualifier) == (
        value, unit_zh, unit_en, as_of, qualifier,
    )
    assert found.source.document == ("plan-2006" if indicator == "credit-sharing-cities" else "review-2005")


def test_the_informatization_regulation_is_a_state_not_a_number(plan: Plan):
    law = plan.indicators_by_id["informatization-regulation"]
    assert (law.value, law.unit_zh, law.state_en) == (None, "", "in the legislative process")


def test_the_expo_is_due_at_the_end_of_september(plan: Plan):
    expo = plan.tasks_by_id["IND-04"]
    assert "博览会" in expo.title_zh
    assert expo.deadline == date(2006, 9, 30)
    assert (expo.target.kind, expo.target.event) == ("milestone", "event")


def test_the_200_enterprise_retrofit_is_a_count(plan: Plan):
    task = plan.tasks_by_id["IND-01"]
    assert "200家重点企业" in task.title_zh
    assert (task.target.kind, task.target.value, task.target.unit_zh, task.target.direction) == ("count", 200, "家", "increase")


def test_the_hospital_pilot_is_a_range_of_3_to_5(plan: Plan):
    task = plan.tasks_by_id["PUB-04"]
    assert "3-5家" in task.source.quote
    assert (task.target.kind, task.target.min, task.target.max, task.target.unit_zh) == ("range", 3, 5, "家")
    assert task.target.goal == 3


def test_the_circulation_enterprises_are_a_range_of_80_to_100(plan: Plan):
    task = plan.tasks_by_id["IND-11"]
    assert "80-100家" in task.source.quote
    assert (task.target.kind, task.target.min, task.target.max, task.target.unit_zh) == ("range", 80, 100, "家")


def test_a_portal_in_every_county_counts_from_the_county_portal_share(plan: Plan):
    task = plan.tasks_by_id["EGOV-10"]
    assert task.source.quote == "力争所有县市都建立政府门户网站"
    assert (task.target.kind, task.target.value, task.target.direction) == ("percent", 100, "increase")
    assert task.baseline == "county-portal-share"
    assert plan.indicators_by_id[task.baseline].unit_zh == task.target.unit_zh == "%"
    assert "county-portal-share" not in task.links


def test_tasks_with_a_baseline(plan: Plan):
    # Progress is counted from a baseline only where the units agree; today only the portal task has one.
    assert {t.id: t.baseline for t in plan.tasks if t.baseline} == {"EGOV-10": "county-portal-share"}


def test_the_count_targets_of_the_plan(plan: Plan):
    counts = {t.id: (t.target.value, t.target.unit_zh) for t in plan.tasks if t.target.kind == "count"}
    assert counts == {
        "IND-01": (200, "家"), "IND-06": (9, "个"), "IND-10": (3, "个"), "PUB-03": (4, "个"),
        "EGOV-03": (6, "个"), "CITY-06": (2, "个"), "RES-01": (5, "个"),
    }


def test_the_kinds_of_target(plan: Plan):
    assert Counter(t.target.kind for t in plan.tasks) == {
        "qualitative": 42, "milestone": 29, "count": 7, "range": 2, "percent": 1,
    }


# ---------------------------------------------------------------------------------------------
# The units the plan names, the hedges it uses, the review's date (issue 11)


def test_the_plan_names_no_lead_unit(plan: Plan, raw: dict[str, list[dict]]):
    # 牵头单位 appears nowhere in the plan: every unit it names is there in another role.
    assert not any("lead" in key for t in raw["tasks"] for key in t)
    assert not any(u.role == "lead" for t in plan.tasks for u in t.units)


def test_the_units_the_plan_names_and_their_roles(plan: Plan):
    named = {t.id: [(u.name_zh, u.role) for u in t.units] for t in plan.tasks if t.units}
    # 与省安全生产监督管理局联合召开 (PUB-10): a co-organiser; 健全省信息安全产品测评中心 (SEC-03):
    # the object of the task; 依托省数字证书认证管理中心 (SEC-05): the platform; 各地、各部门要参照制定 (ENV-02).
    assert named["PUB-10"] == [("省安全生产监督管理局", "co-organiser")]
    assert named["SEC-03"] == [("省信息安全产品测评中心", "object")]
    assert named["SEC-05"] == [("省数字证书认证管理中心", "platform")]
    assert named["ENV-02"] == [("各地、各部门", "all-localities-departments")]
    for task in plan.tasks:
        for unit in task.units:
            assert unit.name_zh in unit.quote


def test_hedges_are_recorded_where_the_plan_softens_a_task(plan: Plan):
    hedged = {t.id: t.hedge for t in plan.tasks if t.hedge}
    # 力争所有县市都建立政府门户网站; 争取建成…电子政务网络体系; 争取出台《山东省信息化促进条例》.
    assert (hedged["EGOV-10"], hedged["EGOV-02"], hedged["ENV-05"]) == ("力争", "争取", "争取")
    assert all(hedge in plan.tasks_by_id[i].source.quote for i, hedge in hedged.items())


def test_the_reviews_date_is_marked_approximate(plan: Plan):
    documents = {d.id: d for d in plan.documents}
    review, key_points = documents["review-2005"], documents["plan-2006"]
    # The review says only 近日; 2006-01-01 stands for "after 2005-11-30, around the turn of the year".
    assert (review.date, review.date_approximate) == (date(2006, 1, 1), True)
    assert "2005-11-30" in review.date_note_en and "近日" in review.date_note_zh
    # The plan's date is in its text: 2月16日 … 下发.
    assert (key_points.date, key_points.date_approximate, key_points.date_note_en) == (date(2006, 2, 16), False, None)
