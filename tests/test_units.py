"""The list of units and the assignments log, without the command line."""

from __future__ import annotations

import subprocess
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from sdpolicy import units as U
from sdpolicy.errors import DataError, UsageError


def test_the_starter_list_has_the_17_cities_and_the_units_the_sources_name():
    starter = U.load_units(None)
    cities = [u for u in starter if u.kind == "city"]
    # The review's 全省17市: 17 cities, each reachable by its short name (济南 for 济南市).
    assert len(cities) == 17
    assert starter.get("济南").zh == "济南市"
    assert starter.get("laiwu").zh == "莱芜市"
    # The plan's co-organiser of PUB-10, under its full name and the short name offices use.
    assert starter.get("省安监局").zh == "省安全生产监督管理局"
    assert starter.get("省安全生产监督管理局").en == "Shandong Provincial Administration of Work Safety"
    assert all(u.source_quote and u.source_document in ("plan-2006", "review-2005") for u in starter)
    assert all(u.starter for u in starter)


def test_names_match_whatever_the_case_and_spaces():
    starter = U.load_units(None)
    assert starter.get(" 省 安监局 ").zh == "省安全生产监督管理局"
    assert starter.get("JINAN").zh == "济南市"
    assert starter.get("省安监") is None
    assert starter.canonical("省安监局") == "省安全生产监督管理局"
    assert starter.canonical("某某公司") == "某某公司"  # unknown names are kept as given


def test_an_unknown_unit_is_refused_with_the_closest_names():
    starter = U.load_units(None)
    with pytest.raises(UsageError) as caught:
        starter.find("济南巿", "--lead")  # 巿 (U+5DFF) for 市: a typo the eye misses
    # 济南 is inside 济南巿, so 济南市 is close; nothing else shares more than one character with it.
    assert caught.value.message == (
        "unknown unit '济南巿' for --lead; did you mean 济南市 (Jinan)? "
        "See `sdpolicy units`; add it with `sdpolicy units add`"
    )
    assert caught.value.zh == "--lead 指定的单位“济南巿”不在单位名单中；是否要找 济南市？查看名单用 sdpolicy units，添加用 sdpolicy units add"


def write(home: Path, text: str) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "units.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_workspace_list_adds_to_the_starter(tmp_path):
    write(tmp_path, '[[unit]]\nzh = "省经济贸易委员会"\nen = "Economic and Trade Commission"\naliases = ["省经贸委"]\nkind = "department"\n')
    units = U.load_units(tmp_path)
    assert units.get("省经贸委").zh == "省经济贸易委员会"
    assert not units.get("省经贸委").starter
    assert units.get("济南").zh == "济南市"


def test_every_problem_of_a_hand_edited_list_has_its_line_and_column(tmp_path):
    path = write(
        tmp_path,
        "[[unit]]\n"                    # line 1
        'zh = "甲单位"\n'                # 2
        'kind = "province"\n'           # 3: not a kind
        'alias = ["甲"]\n'               # 4: aliases misspelt
        "\n"                            # 5
        "[[unit]]\n"                    # 6
        'zh = "乙单位"\n'                # 7
        'aliases = ["省安监局"]\n'       # 8: a starter unit's alias
        "\n"
        "[[unit]]\n"                    # 10
        'en = "No Chinese name"\n',      # 11
    )
    with pytest.raises(DataError) as caught:
        U.load_units(tmp_path)
    assert caught.value.problems == [
        # The value of `kind` starts after 'kind = ', column 8.
        f"{path}:3:8: kind must be 'department', 'city', 'county' or 'other', not the text 'province'",
        f"{path}:4:9: unknown field 'alias'; did you mean 'aliases'?",
        f"{path}:6:1: the name '省安监局' of 乙单位 is already used by 省安全生产监督管理局 ({U.starter_path()}:{starter_line('省安全生产监督管理局')}); every name and alias must belong to one unit",
        f"{path}:10:1: every unit needs its Chinese name as zh = \"…\"",
    ]


def starter_line(name: str) -> int:
    lines = U.starter_path().read_text(encoding="utf-8").split("\n")
    at = lines.index(f'zh = "{name}"')
    return at  # the [[unit]] header is the line just above: index `at` is line number `at`


def test_a_list_that_is_not_toml_names_its_line(tmp_path):
    path = write(tmp_path, "[[unit]]\nzh = 省经贸委\n")
    with pytest.raises(DataError) as caught:
        U.load_units(tmp_path)
    assert caught.value.problems[0].startswith(f"{path}:2:6: ")


def test_add_unit_appends_a_block_that_reads_back(tmp_path):
    U.add_unit(tmp_path, U.Unit("省经济贸易委员会", "Economic and Trade Commission", ("省经贸委",), "department"))
    U.add_unit(tmp_path, U.Unit("济南市历下区", "Lixia District", (), "county", note='a "quoted" note'))
    units = U.load_units(tmp_path)
    assert units.get("省经贸委").en == "Economic and Trade Commission"
    assert units.get("Lixia District").note == 'a "quoted" note'
    with pytest.raises(UsageError) as caught:
        U.add_unit(tmp_path, U.Unit("省经委", "", ("省经贸委",)))
    assert caught.value.message == "the name '省经贸委' already belongs to 省经济贸易委员会; every name and alias must belong to one unit"


def entry(task: str, lead: str, on: str, written: str, *, cooperating: tuple[str, ...] = (), id_: str = "") -> U.Assignment:
    stamp = datetime.fromisoformat(written).replace(tzinfo=timezone.utc)
    made = U.make_assignment(task, lead, cooperating, on=date.fromisoformat(on), now=stamp)
    return made._replace(id=id_) if id_ else made


def test_assignments_append_and_read_back(tmp_path):
    first = entry("EGOV-10", "省经济贸易委员会", "2006-03-01", "2006-03-01T08:00:00", cooperating=("济南市", "省经济贸易委员会"))
    stored = U.append_assignments(tmp_path, [first])
    # The lead is not also a cooperating unit of its own task.
    assert stored[0].cooperating == ("济南市",)
    # Three header lines, then the entry.
    assert stored[0].line == 4
    assert U.read_assignments(tmp_path) == [stored[0]._replace(line=4)]


def test_the_latest_assignment_by_date_is_in_effect(tmp_path):
    a = entry("EGOV-10", "甲", "2006-03-01", "2006-03-01T08:00:00")
    b = entry("EGOV-10", "乙", "2006-06-01", "2006-05-20T08:00:00")
    # Written later but effective earlier: a back-dated correction of the March assignment.
    c = entry("EGOV-10", "丙", "2006-03-01", "2006-07-01T08:00:00")
    U.append_assignments(tmp_path, [a, b, c])
    log = U.read_assignments(tmp_path)
    assert U.in_effect(log)["EGOV-10"].lead == "乙"
    assert U.in_effect(log, date(2006, 4, 1))["EGOV-10"].lead == "丙"
    assert U.in_effect(log, date(2006, 2, 1)) == {}
    assert [e.lead for e in U.history(log, "EGOV-10")] == ["甲", "丙", "乙"]


def test_a_damaged_log_lists_every_problem(tmp_path):
    path = tmp_path / "assignments.toml"
    path.write_text(
        "# comment\n"
        'a-0000000001 = { task = "EGOV-10", lead = "甲", date = 2006-03-01, recorded_at = 2006-03-01T08:00:00Z }\n'
        'a-0000000001 = { task = "EGOV-11", lead = "甲", date = 2006-03-01, recorded_at = 2006-03-01T08:00:00Z }\n'
        'a-0000000002 = { task = "EGOV-10", led = "甲", date = 2006-03-01, recorded_at = 2006-03-01T08:00:00Z }\n'
        'a-0000000003 = { task = "EGOV-10", lead = "甲", date = 2006-03-01, recorded_at = 2006-03-01T08:00:00Z }',
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        U.read_assignments(tmp_path)
    assert caught.value.problems == [
        f"{path}:3:1: entry id 'a-0000000001' is already used on line 2; give one of them a new id",
        # 'led' starts at column 36: 'a-0000000002 = { ' is 17 characters and 'task = "EGOV-10", ' 18 more.
        f"{path}:4:36: entry 'a-0000000002': unknown field 'led'; did you mean 'lead'?",
        f"{path}:4:1: entry 'a-0000000002': has no 'lead'",
    ]


def test_an_unfinished_last_line_is_not_an_entry_and_the_next_write_sets_it_aside(tmp_path):
    U.append_assignments(tmp_path, [entry("EGOV-10", "甲", "2006-03-01", "2006-03-01T08:00:00")])
    path = tmp_path / "assignments.toml"
    with path.open("a", encoding="utf-8") as f:
        f.write('a-0000000009 = { task = "EGOV-1')
    assert len(U.read_assignments(tmp_path)) == 1
    U.append_assignments(tmp_path, [entry("EGOV-11", "乙", "2006-03-01", "2006-03-01T08:00:00")])
    assert [e.task for e in U.read_assignments(tmp_path)] == ["EGOV-10", "EGOV-11"]
    assert (tmp_path / "assignments.toml.torn").read_text(encoding="utf-8") == 'a-0000000009 = { task = "EGOV-1\n'


def test_two_clones_merged_with_git_keep_both_sides_entries(tmp_path):
    def git(*args: str, cwd: Path = tmp_path / "a") -> None:
        subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)

    a = tmp_path / "a"
    a.mkdir()
    git("init", "-q")
    git("config", "user.email", "t@example.org")
    git("config", "user.name", "t")
    (a / ".gitattributes").write_text("assignments.toml merge=union\n")
    U.append_assignments(a, [entry("EGOV-10", "甲", "2006-03-01", "2006-03-01T08:00:00")])
    git("add", ".")
    git("commit", "-qm", "base")
    git("clone", "-q", str(a), str(tmp_path / "b"), cwd=tmp_path)
    b = tmp_path / "b"
    git("config", "user.email", "t@example.org", cwd=b)
    git("config", "user.name", "t", cwd=b)
    U.append_assignments(a, [entry("EGOV-10", "乙", "2006-06-01", "2006-06-01T08:00:00")])
    git("commit", "-qam", "a")
    U.append_assignments(b, [entry("EGOV-11", "丙", "2006-06-01", "2006-06-01T09:00:00")])
    git("commit", "-qam", "b", cwd=b)
    git("pull", "-q", "--no-rebase", str(b), "HEAD")
    merged = U.read_assignments(a)
    assert sorted(e.lead for e in merged) == ["丙", "乙", "甲"]
    assert {t: e.lead for t, e in U.in_effect(merged).items()} == {"EGOV-10": "乙", "EGOV-11": "丙"}


def test_other_features_can_add_a_field_to_an_entry(tmp_path, monkeypatch):
    monkeypatch.setitem(U.EXTRA_FIELDS, "nodes", lambda v: None if isinstance(v, list) else "nodes must be a list")
    made = entry("EGOV-10", "甲", "2006-03-01", "2006-03-01T08:00:00")._replace(
        extra=(("nodes", [{"date": date(2006, 6, 30), "expect": 50}]),)
    )
    U.append_assignments(tmp_path, [made])
    (read,) = U.read_assignments(tmp_path)
    assert dict(read.extra) == {"nodes": [{"date": date(2006, 6, 30), "expect": 50}]}
