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
    # The second pass (issue 11) counted the plan's deliverables sentence by sentence: 81 in the
    # first pass, less IND-03 and IND-06 (merged into IND-02 and IND-05), plus the ten the first pass
    # missed: industry +4 (IND-14..17), public services +4 (PUB-11..14), city +1 (CITY-10),
    # resources +1 (RES-13). 81 - 2 + 10 = 89.
    assert Counter(t.area for t in plan.tasks) == {
        "industry": 15,
        "public-service": 14,
        "e-gov": 14,
        "city": 10,
        "resources": 13,
        "security": 11,
        "environment": 12,
    }
    assert len(plan.tasks) == 89


def test_the_number_of_indicators_in_each_area(plan: Plan):
    # 83 of the first pass and 12 the second found: industry +2 (the 2004 pilot province, the five
    # software parks), city +1 (Yantai's eight projects), e-gov +6 (the 14 golden projects, the Jinan
    # and Qingdao pilot's 2 cities and 4 departments, two networks, the portal's trial, the Party
    # platform), security +1 (the CA first accredited), environment +2 (ten advances, the CIO conference).
    assert Counter(i.area for i in plan.indicators) == {
        "industry": 47, "city": 16, "e-gov": 17, "public-service": 4, "environment": 6, "resources": 3, "security": 2,
    }
    assert len(plan.indicators) == 95
    # All but one are the review's; credit-sharing-cities is what the 2006 plan states.
    assert Counter(i.source.document for i in plan.indicators) == {"review-2005": 94, "plan-2006": 1}


def test_the_loader_keeps_every_task_and_indicator_of_the_files(plan: Plan, raw: dict[str, list[dict]]):
    assert [t["id"] for t in raw["tasks"]] == [t.id for t in plan.tasks]
    assert [i["id"] for i in raw["indicators"]] == [i.id for i in plan.indicators]


def test_task_ids_follow_their_area_and_count_up_from_01_but_for_the_merged_ones(plan: Plan):
    prefixes = {"industry": "IND", "public-service": "PUB", "e-gov": "EGOV", "city": "CITY", "resources": "RES",
                "security": "SEC", "environment": "ENV"}
    for area in plan.areas:
        ids = [t.id for t in plan.tasks_in(area.slug)]
        every = [f"{prefixes[area.slug]}-{n:02d}" for n in range(1, len(ids) + 1 + sum(
            1 for old in plan.renamed if old.startswith(prefixes[area.slug] + "-")))]
        assert ids == [i for i in every if i not in plan.renamed]
    # The two merged ids stay readable: records naming them count for the task that absorbed them.
    assert dict(plan.renamed) == {"IND-03": "IND-02", "IND-06": "IND-05"}


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
    assert len(linked) == 31
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
    # Three files carry quotes: data/plan.toml, data/baselines.toml and the starter list of units,
    # data/units/starter.toml, whose every unit quotes where the plan or the review names it.
    assert result.stdout.endswith("quotes checked in 3 files, 0 problems\n")


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
    # EGOV-03's "six" was the length of a list ending in 等 under the verb 推进: qualitative now, as
    # PUB-01, PUB-08 and CITY-05 are. IND-06's 9 systems are a counted part of the IND-05 platform.
    assert counts == {
        "IND-01": (200, "家"), "IND-10": (3, "个"), "PUB-03": (4, "个"), "CITY-06": (2, "个"), "RES-01": (5, "个"),
    }
    platform = plan.tasks_by_id["IND-05"]
    assert (platform.target.kind, [(p.value, p.unit_zh) for p in platform.parts]) == (
        "milestone", [(9, "个传统产业信息服务体系")],
    )
    assert "搭建" in platform.source.quote


def test_the_kinds_of_target(plan: Plan):
    # From 42/29/7/2/1: IND-03 (milestone) and IND-06 (count) merged, EGOV-03 count -> qualitative,
    # ten new qualitative tasks.
    assert Counter(t.target.kind for t in plan.tasks) == {
        "qualitative": 53, "milestone": 28, "count": 5, "range": 2, "percent": 1,
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
    # 试点: 完善威海市…试点工作 (CITY-03); 在济南、潍坊两市…试点建设 (CITY-06).
    assert named["CITY-03"] == [("威海市", "pilot")]
    assert named["CITY-06"] == [("济南", "pilot"), ("潍坊", "pilot")]
    # Where the task is done, no pilot: 培育济南、青岛、临沂3个…基地 (IND-10); 在省直部门和东营、威海两市开展…调查 (RES-03).
    assert named["IND-10"] == [("济南", "locality"), ("青岛", "locality"), ("临沂", "locality")]
    assert named["RES-03"] == [("省直部门", "locality"), ("东营", "locality"), ("威海", "locality")]
    assert len(named) == 8
    for task in plan.tasks:
        for unit in task.units:
            assert unit.name_zh in unit.quote


def test_hedges_are_recorded_where_the_plan_softens_a_task(plan: Plan):
    hedged = {t.id: t.hedge for t in plan.tasks if t.hedge}
    # 力争所有县市…; 争取建成…; 争取出台…; 适时召开/开展 (IND-02, IND-13, SEC-09); 逐步开展/实现/推广
    # (EGOV-07, EGOV-09, CITY-04); 初步形成 (CITY-02).
    assert hedged == {
        "EGOV-10": "力争", "EGOV-02": "争取", "ENV-05": "争取", "IND-02": "适时", "IND-13": "适时", "SEC-09": "适时",
        "EGOV-07": "逐步", "EGOV-09": "逐步", "CITY-04": "逐步", "CITY-02": "初步",
    }
    assert all(hedge in plan.tasks_by_id[i].source.quote for i, hedge in hedged.items())


def test_the_reviews_date_is_marked_approximate(plan: Plan):
    documents = {d.id: d for d in plan.documents}
    review, key_points = documents["review-2005"], documents["plan-2006"]
    # The review says only 近日; 2006-01-01 stands for "after 2005-11-30, around the turn of the year".
    assert (review.date, review.date_approximate) == (date(2006, 1, 1), True)
    assert "2005-11-30" in review.date_note_en and "近日" in review.date_note_zh
    # The plan's date is in its text: 2月16日 … 下发.
    assert (key_points.date, key_points.date_approximate, key_points.date_note_en) == (date(2006, 2, 16), False, None)


# ---------------------------------------------------------------------------------------------
# The second pass (issue 11): what was missing, what said more than the text, what was decided


@pytest.mark.parametrize(
    ("task", "words"),
    [
        ("IND-14", "积极推广信息技术应用示范工程经验"),
        ("IND-15", "重点抓好农业生产信息化、农产品流通信息化"),
        ("IND-16", "旅游、娱乐等领域应用的广度和深度"),
        ("IND-17", "整合流通领域的各类信息资源"),
        ("PUB-11", "整合各类涉农信息"),
        ("PUB-12", "实现社会保险业务经办全过程信息化管理"),
        ("PUB-13", "网上参保登记、网上申报等服务"),
        ("PUB-14", "医疗服务、疫情监控、计划生育"),
        ("CITY-10", "积极促进社区电子政务与电子商务的结合发展"),
        ("RES-13", "推动政府信息公开和共享"),
    ],
)
def test_the_deliverables_the_first_pass_missed(plan: Plan, task: str, words: str):
    assert words in plan.tasks_by_id[task].source.quote
    assert plan.tasks_by_id[task].target.kind == "qualitative"


@pytest.mark.parametrize(
    ("task", "words"),
    [
        ("SEC-06", "促进行业自律和公众监督，加大对网络违法犯罪活动的打击力度"),
        ("EGOV-11", "完善政府门户网站"),
        ("RES-07", "制定鼓励信息服务业发展政策"),
        ("PUB-09", "整合重大危险源、事故隐患和灾情疫情等各类危机管理信息系统"),
        ("PUB-02", "充分调动、整合劳动就业领域的各类专业网站"),
        ("EGOV-02", "以省电子政务专网为基础，继续扩大行业专网与电子政务专网平台的互联互通"),
        ("EGOV-12", "加强信息化绩效评估工作"),
        ("EGOV-14", "深化信息化试点、示范工作"),
        ("RES-05", "加强文化、科技、教育等领域信息资源的数字化开发和利用"),
        ("RES-09", "积极发展数字内容产业"),
        ("ENV-01", "并搞好宣传贯彻工作"),
        ("ENV-06", "充分发挥现有信息化支撑机构的服务作用"),
    ],
)
def test_a_folded_clause_is_in_the_title_and_quoted(plan: Plan, task: str, words: str):
    found = plan.tasks_by_id[task]
    assert words in found.covers
    # The title says it too: the clause's key words (its first six characters, after 以…为基础 and 并).
    key = words.removeprefix("以省电子政务专网为基础，").removeprefix("并")[:6]
    assert key in found.title_zh, (key, found.title_zh)


def test_titles_say_no_more_than_the_text(plan: Plan):
    tasks = plan.tasks_by_id
    # 完善 is improve, not complete.
    assert tasks["RES-01"].title_en.startswith("Improve ") and tasks["CITY-03"].title_en.startswith("Improve ")
    # 推进…等核心业务系统: no "six", no "build".
    assert "six" not in tasks["EGOV-03"].title_en and tasks["EGOV-03"].title_en.startswith("Advance ")
    # 信息化大通关, no "paperless" or "single-window".
    assert "paperless" not in tasks["EGOV-06"].title_en and "single-window" not in tasks["EGOV-06"].title_en
    assert "parallel" in tasks["PUB-02"].title_en  # 平行
    assert tasks["ENV-02"].title_en.startswith("All localities and departments")  # 各地、各部门
    assert "完善城市信息基础设施" in tasks["CITY-01"].source.quote
    # The quotes hold the fact: 威海 and 推广 (CITY-04), the skills and awareness (SEC-11).
    assert "威海市" in tasks["CITY-04"].source.quote and "逐步向各市推广" in tasks["CITY-04"].source.quote
    assert "普及提高全民信息安全意识" in tasks["SEC-11"].source.quote
    # EGOV-09 keeps 实现 and says the reading is open.
    assert "在实现半岛八城市间" in tasks["EGOV-09"].source.quote and "two ways" in tasks["EGOV-09"].note_en


def test_links_mean_what_they_say(plan: Plan):
    tasks = plan.tasks_by_id
    assert tasks["IND-01"].links == () and "from 0" in tasks["IND-01"].note_en  # other firms' shares; 继续推进
    assert "provincial-dept-portal-share" not in tasks["EGOV-10"].links
    assert "pilot-cities" not in tasks["CITY-03"].links
    assert "leader-training-participants" not in tasks["ENV-10"].links
    assert set(tasks["CITY-01"].links) >= {"radio-coverage", "tv-coverage"} and "cable-tv-users" not in tasks["CITY-01"].links
    assert "golden-insurance-medical-cities" in tasks["PUB-03"].links
    assert "party-departments-interconnected" in tasks["EGOV-02"].links
    assert {"departments-networked", "golden-tax-revenue-share", "golden-tax-taxpayer-share"} <= set(tasks["EGOV-07"].links)
    assert {"enterprise-info-pilot-cities", "enterprise-info-pilot-departments"} <= set(tasks["EGOV-05"].links)


@pytest.mark.parametrize(
    ("indicator", "value", "unit_zh", "as_of"),
    [
        ("golden-projects", 14, "个", date(2005, 12, 31)),  # 十四个'金'字系列工程
        ("yantai-key-projects", 8, "项", date(2005, 12, 31)),  # 烟台市提出了八项重点建设工程
        ("enterprise-info-pilot-cities", 2, "个", date(2005, 12, 31)),  # 济南.青岛两市
        ("enterprise-info-pilot-departments", 4, "个", date(2005, 12, 31)),  # 工商.国税.地税.技术监督四部门
        ("egov-networks", 2, "个", date(2005, 12, 31)),  # 两网一站
        ("ca-accreditation-rank", 1, "位", date(2005, 12, 31)),  # 第一家在全国获得…认证资质
        ("software-parks", 5, "个", date(2005, 12, 31)),  # 齐鲁.青岛.烟台.威海.济宁软件园
        ("informatization-advances", 10, "项", date(2005, 12, 31)),  # 十大进展
        ("provincial-portal", None, "", date(2005, 11, 26)),  # 05年11月26日…试开通
        ("party-affairs-platform", None, "", date(2005, 12, 31)),  # 省级电子党务平台建成开通
        ("it-retrofit-pilot-province", None, "", date(2004, 12, 31)),  # 04年被国家确定为…试点省
        ("cio-conference", None, "", date(2005, 12, 31)),  # 召开了首届山东首席信息官大会
    ],
)
def test_a_figure_the_first_pass_missed(plan: Plan, indicator: str, value: float | None, unit_zh: str, as_of: date):
    found = plan.indicators_by_id[indicator]
    assert (found.value, found.unit_zh, found.as_of, found.source.document) == (value, unit_zh, as_of, "review-2005")


@pytest.mark.parametrize(
    ("indicator", "value", "unit_en", "reading"),
    [
        # 33.9% a year: 1.339^5 = 4.30, so 提高了3.3倍 is an increase of 3.3 times (to 4.3x).
        ("electronics-sales-multiple", 3.3, "times more than in 2000", "4.3"),
        # 25.8% a year: 1.258^5 = 3.15: an increase of 2.2 times (to 3.2x).
        ("electronics-profit-tax-multiple", 2.2, "times more than in 2000", "3.15"),
        # 27.3% a year: 1.273^5 = 3.34, which neither 2.5x nor 3.5x fits: the text contradicts itself.
        ("electronics-value-added-multiple", 2.5, "times more than in 2000", "contradicts itself"),
        # 43.2% a year: 1.432^5 = 6.02: an increase of 5 times (to 6x).
        ("electronics-exports-multiple", 5, "times more than in 2000", "6.02"),
        # 58.5% a year: 1.585^5 = 10.0, so here 提高了10倍 is 10 times the 2000 level.
        ("software-sales-multiple", 10, "times the 2000 level", "10.0"),
    ],
)
def test_the_multiples_are_read_by_the_reviews_own_growth_rates(plan: Plan, indicator: str, value: float, unit_en: str,
                                                                reading: str):
    found = plan.indicators_by_id[indicator]
    assert (found.value, found.unit_zh, found.unit_en) == (value, "倍", unit_en)
    assert reading in found.note_en


def test_the_english_of_the_multiples(cli):
    import json

    rows = {i["id"]: i for i in json.loads(cli("compare", "--json").stdout)["indicators"]}
    from sdpolicy.render.words import baseline_value

    assert baseline_value(rows["electronics-sales-multiple"], "en") == "3.3 times more than in 2000"
    assert baseline_value(rows["software-sales-multiple"], "en") == "10 times the 2000 level"


@pytest.mark.parametrize(
    ("indicator", "words"),
    [
        ("fixed-phone-penetration", "per 100 people"),
        ("mobile-phone-penetration", "per 100 people"),
        ("pilot-cities", "etc."),
        ("agri-website-county-share", "以上"),
        ("township-agri-station-share", "以上"),
        ("financial-cards", "以上"),
        ("electronics-sales", "heading"),
        ("electronics-sales-average-growth", "forecast"),
        ("software-sales-average-growth", "forecast"),
        ("golden-tax-revenue-share", "no time word"),
        ("golden-insurance-medical-counties", "no time word"),
        ("online-trade", "no time word"),
        ("informatization-regulation", "信息化促进条例"),
        ("credit-sharing-cities", "2006 plan"),
    ],
)
def test_every_decision_about_a_figure_has_its_note(plan: Plan, indicator: str, words: str):
    found = plan.indicators_by_id[indicator]
    assert words in found.note_en and found.note_zh


def test_an_as_of_label_never_puts_words_in_the_texts_mouth(plan: Plan):
    # The golden tax and golden insurance sentences have no time word: their labels say so.
    for indicator in ("golden-tax-revenue-share", "golden-insurance-pension-cities"):
        assert plan.indicators_by_id[indicator].as_of_label_zh == "文中未注明时间（按总结时计）"
