"""The catalogue loader and the lookups a user's typing goes through (find_task, find_area, find_item)."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date
from pathlib import Path

import pytest

from sdpolicy.catalogue import (
    Plan,
    Target,
    find_area,
    find_indicator,
    find_item,
    find_task,
    load_catalogue,
    shipped_catalogue,
)
from sdpolicy.errors import EXIT_DATAERR, EXIT_NOINPUT, EXIT_USAGE, DataError, MissingInputError, UsageError

CATALOGUES = Path(__file__).resolve().parent / "data" / "catalogue"
MINIMAL = CATALOGUES / "valid" / "minimal.toml"
SPLIT = CATALOGUES / "valid" / "split"
INVALID = CATALOGUES / "invalid"

AREA_LISTING = (
    "industry (传统产业信息技术改造), public-service (社会公共服务信息化), e-gov (电子政务), city (城市信息化), "
    "resources (信息资源开发利用), security (网络与信息安全保障), environment (信息化发展环境)"
)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_catalogue()


@pytest.fixture(scope="module")
def mini() -> Plan:
    return load_catalogue(MINIMAL)


def refusal(function, plan: Plan, text: str) -> UsageError:
    with pytest.raises(UsageError) as caught:
        function(plan, text)
    assert caught.value.exit_code == EXIT_USAGE
    return caught.value


# ---------------------------------------------------------------------------------------------
# Loading


def test_the_minimal_catalogue_loads_into_typed_frozen_data(mini: Plan):
    assert mini.id == "mini-2006"
    assert (mini.year, mini.start, mini.end) == (2006, date(2006, 2, 16), date(2006, 12, 31))
    assert (mini.lights.yellow_behind, mini.lights.red_behind) == (10, 30)
    assert [a.slug for a in mini.areas] == ["industry", "e-gov"]
    assert [d.id for d in mini.documents] == ["plan-2006", "review-2005"]
    assert [t.id for t in mini.tasks] == ["IND-01", "IND-02", "IND-03", "EGOV-01", "EGOV-02"]
    assert [i.id for i in mini.indicators] == [
        "county-portal-share", "city-portal-share", "internet-users", "informatization-regulation",
    ]
    with pytest.raises(AttributeError):
        mini.tasks[0].id = "X-1"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        mini.tasks[0].target.value = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        mini.name_en = "another plan"  # type: ignore[misc]


def test_targets_of_every_kind_are_read(mini: Plan):
    tasks = mini.tasks_by_id
    assert tasks["IND-01"].target == Target("count", value=200, unit_zh="家", unit_en="enterprises", direction="increase")
    assert tasks["IND-02"].target == Target("range", min=80, max=100, unit_zh="家", unit_en="enterprises", direction="increase")
    assert tasks["IND-02"].target.goal == 80
    assert tasks["EGOV-01"].target == Target("percent", value=100, unit_zh="%", unit_en="%", direction="increase")
    assert tasks["IND-03"].target == Target("milestone", event="event")
    assert tasks["EGOV-02"].target == Target("qualitative")
    assert [t.target.numeric for t in mini.tasks] == [True, True, False, True, False]


def test_a_task_without_dates_takes_the_plans_and_its_own_dates_win(mini: Plan):
    assert (mini.tasks_by_id["IND-01"].start, mini.tasks_by_id["IND-01"].deadline) == (date(2006, 2, 16), date(2006, 12, 31))
    assert (mini.tasks_by_id["IND-03"].start, mini.tasks_by_id["IND-03"].deadline) == (date(2006, 3, 1), date(2006, 9, 30))


def test_optional_fields_are_none_when_absent_and_kept_when_present(mini: Plan):
    portal, expo = mini.tasks_by_id["EGOV-01"], mini.tasks_by_id["IND-03"]
    assert (portal.baseline, portal.links, portal.note_en) == (
        "county-portal-share", ("city-portal-share",), "\"Every county\" is recorded as 100%.",
    )
    assert (expo.units, expo.hedge, expo.baseline, expo.links, expo.note_en) == ((), None, None, (), None)
    users = mini.indicators_by_id["internet-users"]
    assert (users.value, users.unit_zh, users.qualifier, users.as_of) == (1000, "万户", "over", date(2005, 11, 30))
    law = mini.indicators_by_id["informatization-regulation"]
    assert (law.value, law.unit_zh, law.state_en) == (None, "", "in the legislative process")


def test_tasks_linking_an_indicator_count_the_baseline_and_the_links(mini: Plan):
    assert [t.id for t in mini.tasks_linking("county-portal-share")] == ["EGOV-01"]
    assert [t.id for t in mini.tasks_linking("city-portal-share")] == ["EGOV-01"]
    assert [t.id for t in mini.tasks_linking("internet-users")] == []
    assert [t.id for t in mini.tasks_in("industry")] == ["IND-01", "IND-02", "IND-03"]


def test_a_directory_of_files_loads_into_the_same_plan_as_one_file(mini: Plan):
    split = load_catalogue(SPLIT)
    assert sorted(p.name for p in SPLIT.glob("*.toml")) == ["00-plan.toml", "10-tasks.toml", "20-indicators.toml"]
    assert split.path == str(SPLIT) and mini.path == str(MINIMAL)
    assert split == dataclasses.replace(mini, path=str(SPLIT))


def test_files_of_a_directory_are_merged_in_name_order(tmp_path: Path):
    # The tasks written in the later-named file come after those in the earlier-named one.
    for file in SPLIT.glob("*.toml"):
        shutil.copy(file, tmp_path / file.name)
    text = (tmp_path / "10-tasks.toml").read_text(encoding="utf-8")
    cut = text.index('[[tasks]]\nid = "EGOV-01"')
    (tmp_path / "10-tasks.toml").write_text(text[:cut], encoding="utf-8")
    (tmp_path / "05-egov.toml").write_text(text[cut:], encoding="utf-8")
    assert [t.id for t in load_catalogue(tmp_path).tasks] == ["EGOV-01", "EGOV-02", "IND-01", "IND-02", "IND-03"]


def test_only_toml_files_of_a_directory_are_read(tmp_path: Path):
    for file in SPLIT.glob("*.toml"):
        shutil.copy(file, tmp_path / file.name)
    (tmp_path / "README.md").write_text("[[tasks]] not TOML at all = =\n", encoding="utf-8")
    (tmp_path / "old.toml.bak").write_text("broken = \n", encoding="utf-8")
    assert len(load_catalogue(tmp_path).tasks) == 5


def test_without_a_path_the_shipped_catalogue_is_loaded(plan: Plan):
    assert plan.path == str(shipped_catalogue())
    assert plan.id == "shandong-2006"
    assert {p.name for p in shipped_catalogue().glob("*.toml")} == {"plan.toml", "baselines.toml"}


def test_an_invalid_catalogue_raises_one_data_error_listing_every_problem():
    path = INVALID / "several-problems.toml"
    with pytest.raises(DataError) as caught:
        load_catalogue(path)
    error = caught.value
    assert error.exit_code == EXIT_DATAERR
    assert error.problems == [
        f"{path}:53: task 'IND-01': duplicate task id 'IND-01' (already used at {path}:45)",
        f"{path}:78: task 'EGOV-01': link 'city-portal-shares' is not a known indicator; "
        "did you mean city-portal-share or county-portal-share?",
        f"{path}:122: indicator 'internet-users': field 'value' must be a number, not the text '1000'",
    ]
    assert error.message == f"catalogue {path} is invalid (3 problems): {error.problems[0]}"


def test_every_file_of_a_directory_is_read_before_giving_up():
    path = INVALID / "dir-two-bad-files"
    with pytest.raises(DataError) as caught:
        load_catalogue(path)
    assert [p.split(": ")[0] for p in caught.value.problems] == [
        f"{path / '10-tasks.toml'}:43:8",
        f"{path / '20-indicators.toml'}:1:1",
    ]


def test_a_reference_to_an_entry_with_problems_of_its_own_is_not_reported_again():
    # The indicator is declared but invalid: the task linking it must not add "not a known indicator".
    with pytest.raises(DataError) as caught:
        load_catalogue(INVALID / "indicator-without-value-or-state.toml")
    assert len(caught.value.problems) == 1
    assert "indicator 'informatization-regulation'" in caught.value.problems[0]


def test_a_datetime_where_a_date_belongs_is_named_as_such(tmp_path: Path):
    faulty = tmp_path / "plan.toml"
    faulty.write_text(
        MINIMAL.read_text(encoding="utf-8").replace("deadline = 2006-09-30", "deadline = 2006-09-30T12:00:00"),
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        load_catalogue(faulty)
    assert caught.value.problems == [
        f"{faulty}:66: task 'IND-03': field 'deadline' must be a date such as 2006-09-30, "
        "not the date and time 2006-09-30T12:00:00"
    ]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("nowhere.toml", "catalogue {tmp}/nowhere.toml does not exist"),
        ("empty", "catalogue directory {tmp}/empty holds no .toml files"),
    ],
)
def test_a_missing_catalogue_is_missing_input(tmp_path: Path, path: str, message: str):
    (tmp_path / "empty").mkdir()
    with pytest.raises(MissingInputError) as caught:
        load_catalogue(tmp_path / path)
    assert caught.value.message == message.format(tmp=tmp_path)
    assert caught.value.exit_code == EXIT_NOINPUT


# ---------------------------------------------------------------------------------------------
# find_task, find_indicator, find_item


@pytest.mark.parametrize("typed", ["EGOV-10", "egov-10", "Egov-10", "  egov-10 "])
def test_a_task_id_is_found_whatever_its_case(plan: Plan, typed: str):
    assert find_task(plan, typed).id == "EGOV-10"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("EGOV10", "unknown task 'EGOV10'; did you mean EGOV-10, EGOV-14 or EGOV-13?"),
        ("egov10", "unknown task 'egov10'; did you mean EGOV-10, EGOV-14 or EGOV-13?"),
        # Ties between equally close ids go to the later id: IND-17 and IND-16 since issue 11 added them.
        ("INDO-01", "unknown task 'INDO-01'; did you mean IND-01, IND-17 or IND-16?"),
        ("xyz", "unknown task 'xyz'"),
    ],
)
def test_an_unknown_task_is_refused_with_the_closest_ids(plan: Plan, typed: str, message: str):
    assert refusal(find_task, plan, typed).message == message


@pytest.mark.parametrize("typed", ["county-portal-share", "County-Portal-Share", " COUNTY-PORTAL-SHARE"])
def test_an_indicator_id_is_found_whatever_its_case(plan: Plan, typed: str):
    assert find_indicator(plan, typed).id == "county-portal-share"


def test_an_unknown_indicator_is_refused_with_the_closest_ids(plan: Plan):
    assert refusal(find_indicator, plan, "internet-user").message == (
        "unknown indicator 'internet-user'; did you mean internet-users or fixed-phone-users?"
    )


@pytest.mark.parametrize(
    ("typed", "kind", "found"),
    [("ind-04", "Task", "IND-04"), ("IND-04", "Task", "IND-04"), ("INTERNET-USERS", "Indicator", "internet-users"),
     ("pilot-cities", "Indicator", "pilot-cities")],
)
def test_an_item_is_a_task_or_an_indicator_whatever_its_case(plan: Plan, typed: str, kind: str, found: str):
    item = find_item(plan, typed)
    assert (type(item).__name__, item.id) == (kind, found)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("internet-user", "unknown task or indicator 'internet-user'; did you mean internet-users or fixed-phone-users?"),
        # IND4 is IND-04 with its dash and leading zero left out, so IND-04 comes first; then difflib's
        # closest: IND-14 and IND-04 tie at 0.8 (IND-04 is already listed), then IND-17.
        ("IND4", "unknown task or indicator 'IND4'; did you mean IND-04, IND-14 or IND-17?"),
        ("Pilot-City", "unknown task or indicator 'Pilot-City'; did you mean pilot-cities or pilot-cities-rank?"),
        ("nothing-like-it", "unknown task or indicator 'nothing-like-it'"),
    ],
)
def test_an_unknown_item_is_refused_with_the_closest_ids_of_either_kind(plan: Plan, typed: str, message: str):
    assert refusal(find_item, plan, typed).message == message


# ---------------------------------------------------------------------------------------------
# find_area


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("e-gov", "e-gov"),
        ("E-GOV", "e-gov"),
        ("电子政务", "e-gov"),
        ("E-government", "e-gov"),
        ("e-government", "e-gov"),
        ("城市信息化", "city"),
        ("public-service", "public-service"),
        (" security ", "security"),
    ],
)
def test_an_area_is_found_by_slug_or_by_its_chinese_or_english_name(plan: Plan, typed: str, slug: str):
    assert find_area(plan, typed).slug == slug


@pytest.mark.parametrize(
    ("typed", "slug"),
    [("电子", "e-gov"), ("sec", "security"), ("pub", "public-service"), ("res", "resources"), ("网络", "security"),
     ("e-g", "e-gov"), ("Urban", "city")],
)
def test_an_unambiguous_prefix_finds_its_area(plan: Plan, typed: str, slug: str):
    assert find_area(plan, typed).slug == slug


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("e", "area 'e' is ambiguous: it could be e-gov (电子政务) or environment (信息化发展环境); type more of it"),
        ("in", "area 'in' is ambiguous: it could be industry (传统产业信息技术改造) or public-service (社会公共服务信息化); "
               "type more of it"),
        ("信息", "area '信息' is ambiguous: it could be resources (信息资源开发利用) or environment (信息化发展环境); type more of it"),
    ],
)
def test_an_ambiguous_prefix_is_refused_naming_the_candidates(plan: Plan, typed: str, message: str):
    assert refusal(find_area, plan, typed).message == message


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("egov", f"unknown area 'egov'; did you mean e-gov? The areas are {AREA_LISTING}"),
        ("securty", f"unknown area 'securty'; did you mean security? The areas are {AREA_LISTING}"),
        ("finance", f"unknown area 'finance'; the areas are {AREA_LISTING}"),
        ("", f"unknown area ''; the areas are {AREA_LISTING}"),
    ],
)
def test_an_unknown_area_is_refused_listing_the_areas(plan: Plan, typed: str, message: str):
    assert refusal(find_area, plan, typed).message == message


# -- the TOML reader: tomli for speed, tomllib's words for refusals


def test_tomli_and_tomllib_read_the_shipped_catalogue_alike():
    import tomllib

    from sdpolicy import tomlfile
    from sdpolicy.catalogue import catalogue_files, shipped_catalogue

    for file in catalogue_files(shipped_catalogue()):
        text = file.read_text(encoding="utf-8")
        assert tomlfile.parse(text, file) == tomllib.loads(text)


@pytest.mark.parametrize(
    "toml_1_1",
    [
        'a = "\\e"',  # the escape character, new in TOML 1.1
        'a = "\\x41"',  # hex escapes, new in TOML 1.1
        "a = { b = 1,\n c = 2 }",  # a line break inside an inline table
        "a = 07:30",  # a time without seconds
    ],
)
def test_what_only_toml_1_1_allows_is_refused_in_tomllib_words(toml_1_1):
    import tomllib

    from sdpolicy import tomlfile

    try:
        tomllib.loads(toml_1_1)
    except tomllib.TOMLDecodeError as exc:
        expected = str(exc)
    else:
        pytest.skip("this Python's tomllib reads TOML 1.1")
    with pytest.raises(DataError) as refused:
        tomlfile.parse(toml_1_1, "x.toml")
    assert refused.value.message == tomlfile.position_message(expected, "x.toml", toml_1_1)


def test_text_fields_that_fail_a_check_are_reported_and_blank_optional_ones_are_kept(tmp_path: Path):
    # Text that passes every check is settled in one step (_Builder.text); the rest must still get
    # each check's own message, at the field's line (IND-01's title_zh is on line 47, title_en on 48).
    text = MINIMAL.read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        text.replace('title_zh = "继续推进200家重点企业的信息技术改造"', "title_zh = 5", 1)
        .replace('title_en = "Continue the IT retrofit of 200 key enterprises"', 'title_en = "  "', 1),
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        load_catalogue(bad)
    assert f"{bad}:47: task 'IND-01': field 'title_zh' must be text, not the number 5" in caught.value.problems
    assert f"{bad}:48: task 'IND-01': field 'title_en' is empty" in caught.value.problems
    # An optional field may be blank: it is kept as written.
    blank = tmp_path / "blank.toml"
    blank.write_text(
        text.replace('title_en = "Continue the IT retrofit of 200 key enterprises"\n',
                     'title_en = "Continue the IT retrofit of 200 key enterprises"\nnote_zh = " "\nnote_en = " "\n', 1),
        encoding="utf-8",
    )
    task = load_catalogue(blank).tasks_by_id["IND-01"]
    assert (task.note_zh, task.note_en) == (" ", " ")


def test_a_source_or_target_written_again_is_checked_again_wherever_it_differs_or_has_a_problem(tmp_path: Path):
    # Sound tables written again for another task are taken as found the first time (one object); a
    # table that differs only in a value's type (true where 1 was: equal in Python, not in TOML), and
    # a table with a problem that still gives a target (a qualitative target with a stray key), are
    # checked for every task that has them, so each task gets its own message. The notes say how the
    # figure was read, so that the quote need not hold it.
    copy = """
[[tasks]]
id = "IND-0{n}"
area = "industry"
title_zh = "继续推进200家重点企业的信息技术改造"
title_en = "Continue the IT retrofit of 200 key enterprises"
note_zh = "按户数计"
note_en = "counted per household"
target = {target}
source = {{ document = "plan-2006", section = "一", quote = "继续推进200家重点企业的信息技术改造" }}
"""
    one = '{ kind = "count", value = 1, unit_zh = "家", unit_en = "enterprises", direction = "increase" }'
    text = MINIMAL.read_text(encoding="utf-8")
    sound = tmp_path / "sound.toml"
    sound.write_text(text + copy.format(n=4, target=one) + copy.format(n=5, target=one), encoding="utf-8")
    tasks = load_catalogue(sound).tasks_by_id
    assert tasks["IND-05"].target is tasks["IND-04"].target and tasks["IND-05"].source is tasks["IND-01"].source
    assert tasks["IND-05"].target.value == 1

    faulty = tmp_path / "faulty.toml"
    stray = '{ kind = "qualitative", value = 1 }'
    faulty.write_text(
        text + copy.format(n=4, target=one) + copy.format(n=5, target=one.replace("1", "true"))
        + copy.format(n=6, target=stray) + copy.format(n=7, target=stray),
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        load_catalogue(faulty)
    problems = caught.value.problems
    assert [p.split(": ", 1)[1] for p in problems] == [
        "task 'IND-05': field 'target.value' must be a number, not true/false",  # tomlfile.describe of a bool
        "task 'IND-06': unknown field 'target.value'",
        "task 'IND-07': unknown field 'target.value'",
    ]


def test_equal_targets_written_with_other_number_types_keep_their_own(tmp_path: Path):
    # Equal targets are one object in the plan, but 200 and 200.0 are equal in Python: a task whose
    # catalogue writes 200.0 must still read 200.0 (JSON shows the difference), and IND-01's 200 stay 200.
    text = MINIMAL.read_text(encoding="utf-8")
    first = text.index("[[tasks]]\nid = \"IND-01\"")
    block = text[first : text.index("[[tasks]]", first + 1)]
    twin = block.replace('id = "IND-01"', 'id = "IND-99"').replace("value = 200,", "value = 200.0,")
    assert twin != block
    path = tmp_path / "twin.toml"
    path.write_text(text + "\n" + twin, encoding="utf-8")
    tasks = load_catalogue(path).tasks_by_id
    assert type(tasks["IND-01"].target.value) is int and tasks["IND-01"].target.value == 200
    assert type(tasks["IND-99"].target.value) is float and tasks["IND-99"].target.value == 200.0
