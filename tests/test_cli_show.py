"""`sdpolicy show ID`: one task in full; unknown ids refused with suggestions."""

from __future__ import annotations

import json

import pytest

from conftest import ANSI, assert_refused


def test_unknown_task_is_refused_with_suggestions(cli):
    result = cli("show", "EGOV-99")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "Error: unknown task 'EGOV-99'; did you mean EGOV-09, EGOV-14 or EGOV-13?\n"
    assert "Traceback" not in result.output


def test_unknown_task_far_from_any_id_gets_no_suggestion(cli):
    assert assert_refused(cli("show", "QQQQQQQQ")) == "unknown task 'QQQQQQQQ'"


def test_unknown_task_refusal_in_chinese(cli):
    result = cli("show", "EGOV-99", "--lang", "zh")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "错误: 没有任务“EGOV-99”；是否要找 EGOV-09、EGOV-14 或 EGOV-13？\n"


def test_show_is_case_insensitive(cli):
    upper = cli("show", "EGOV-10", "--as-of", "2006-07-01")
    lower = cli("show", " egov-10 ", "--as-of", "2006-07-01")
    assert upper.exit_code == lower.exit_code == 0
    assert upper.stdout == lower.stdout


def test_show_text(cli, mark):
    mark("EGOV-10", "--value", "90", "--date", "2006-06-30", "--by", "省信息产业厅", "--note", "[red]x[/red] 核查")
    result = cli("show", "EGOV-10", "--as-of", "2006-07-01")
    assert result.exit_code == 0 and result.stderr == ""
    out = result.stdout
    assert not ANSI.search(out)
    lines = out.splitlines()
    assert lines[0] == "EGOV-10  Strive for a government portal in every county and county-level city"
    assert lines[1] == "力争所有县市都建立政府门户网站"
    assert "2006-02-16 → 2006-12-31" in out
    # From the 2005 baseline 75 % to 100 %, 90 % is 60 % of the way; 135 of 318 days gone: 42.5 %.
    assert "green — on schedule (expected 42.5%, actual 60.0%)" in out
    # The linked 2005 indicators, the baseline first.
    assert out.index("county-portal-share") < out.index("city-portal-share")
    # History: the note exactly as typed, brackets and all, and who reported it.
    assert "[red]x[/red] 核查" in out
    assert "省信息产业厅" in out


def test_show_json(cli, mark):
    first = mark("EGOV-10", "--value", "85", "--date", "2006-05-31")
    second = mark("EGOV-10", "--value", "90", "--date", "2006-06-30")
    result = cli("show", "EGOV-10", "--json", "--as-of", "2006-07-01")
    assert result.exit_code == 0 and result.stderr == ""
    view = json.loads(result.stdout)
    task = view["task"]
    assert view["as_of"] == "2006-07-01"
    assert task["id"] == "EGOV-10" and task["baseline_value"] == 75
    assert (task["actual"], task["percent"], task["light"]) == (90, 60.0, "green")
    assert task["latest"]["id"] == second
    assert [h["id"] for h in task["history"]] == [second, first]
    assert [(i["id"], i["role"]) for i in task["indicators"]] == [
        ("county-portal-share", "baseline"), ("city-portal-share", "link"), ("provincial-dept-portal-share", "link"),
    ]
    assert task["source"]["document"] == "plan-2006"


def test_show_blocked_task_is_red(cli, mark):
    mark("IND-02", "--state", "blocked", "--date", "2006-03-01")
    task = json.loads(cli("show", "IND-02", "--json", "--as-of", "2006-03-02").stdout)["task"]
    assert (task["light"], task["reason"]["code"], task["state"]) == ("red", "blocked", "blocked")


@pytest.mark.parametrize("bad", ["2006-13-01", "2006-02-30", "yesterday", "2006/07/01"])
def test_bad_as_of_is_refused(cli, bad):
    message = assert_refused(cli("show", "EGOV-10", "--as-of", bad))
    assert f"'{bad}'" in message and "YYYY-MM-DD" in message


def test_chinese_interface(cli):
    result = cli("show", "PUB-10", "--lang", "zh", "--as-of", "2006-07-01")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "PUB-10  与省安全生产监督管理局联合召开煤矿安全生产现场会"
    assert "牵头单位" in result.stdout and "省安全生产监督管理局" in result.stdout
    # Never reported, February to June: five monthly reports missed, red.
    assert "● 红灯 — 连续5期未报送（截至2006年6月；从未报送）" in result.stdout
    early = cli("show", "PUB-10", "--lang", "zh", "--as-of", "2006-02-20").stdout
    assert "○ 灰灯 — 尚无进展记录" in early


def test_unsupported_language_is_refused(cli):
    assert assert_refused(cli("show", "EGOV-10", "--lang", "fr")) == "language 'fr' is not supported; use zh or en"


def test_show_names_the_plans_units_with_their_roles_and_no_lead(cli):
    out = cli("show", "PUB-10", "--as-of", "2006-07-01").stdout
    lines = out.splitlines()
    assert next(l for l in lines if l.startswith("Lead unit")).split()[-1] == "—"
    assert "Shandong Provincial Administration of Work Safety (co-organiser)" in out
    zh = cli("show", "SEC-05", "--as-of", "2006-07-01", "--lang", "zh").stdout
    assert "省数字证书认证管理中心（依托的平台）" in zh


def test_show_says_the_reviews_date_is_approximate(cli):
    out = cli("show", "EGOV-10", "--as-of", "2006-07-01").stdout
    line = next(l for l in out.splitlines() if l.startswith("2005 figures from:"))
    assert "(about 2006-01-01, not a known date:" in line
    assert "Hedge" in out and "力争, strive to" in out
