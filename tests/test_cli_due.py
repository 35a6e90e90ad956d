"""`sdpolicy due`: refusals, and the notices of --letters (one Markdown file per unit, one template)."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import assert_refused


@pytest.fixture
def assigned(cli, mark) -> None:
    for task, lead in (("CITY-03", "威海市"), ("CITY-06", "济南市"), ("EGOV-10", "济南市")):
        assert cli("assign", task, "--lead", lead, "--date", "2006-02-16").exit_code == 0
    mark("CITY-03", "--state", "in-progress", "--date", "2006-05-10")


def test_letters_one_notice_per_unit_in_chinese(cli, assigned, tmp_path):
    out = tmp_path / "notices"
    result = cli("due", "--letters", "-o", str(out), "--as-of", "2006-06-30", "--lang", "zh")
    assert result.exit_code == 0, result.stderr
    # 威海市 (CITY-03, May only), 济南市 (CITY-06 and EGOV-10, never), and the two units the plan names
    # as co-organiser (PUB-10) or platform (SEC-05); the other 76 tasks have no unit to send a notice
    # to, and the command says so.
    assert result.stdout == (
        f"已在 {out} 写出 4 份催办通知\n"
        "另有 76 项任务没有可催办的单位，未写通知；请用 sdpolicy assign 指定牵头单位\n"
    )
    names = sorted(p.name for p in out.iterdir())
    assert "2006-06-济南市.md" in names and "2006-06-威海市.md" in names and len(names) == 4
    text = (out / "2006-06-济南市.md").read_text(encoding="utf-8")
    tokens = MarkdownIt().parse(text)
    heading = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert heading == ["关于报送2006年6月工作进展情况的催办通知"]
    items = [tokens[i + 2].content for i, t in enumerate(tokens) if t.type == "list_item_open"]
    # Never reported since February: five months, June's included. In catalogue order (e-gov, city).
    assert items == [
        "EGOV-10 力争所有县市都建立政府门户网站（最近报送：从未报送；连续未报送 5 期）",
        "CITY-06 在济南、潍坊两市依托800M数字集群通信试点建设城市应急联动与救助信息系统（最近报送：从未报送；连续未报送 5 期）",
    ]
    assert text.startswith("# 关于报送2006年6月工作进展情况的催办通知\n\n济南市：\n")
    assert "请于2006年6月30日前报送。" in text and "以下2项任务尚未报送2006年6月的进展情况" in text
    weihai = (out / "2006-06-威海市.md").read_text(encoding="utf-8")
    assert "（最近报送：2006年5月10日；连续未报送 1 期）" in weihai


def test_letters_in_english(cli, assigned, tmp_path):
    out = tmp_path / "en"
    assert cli("due", "--letters", "-o", str(out), "--as-of", "2006-06-30", "--lang", "en").exit_code == 0
    text = (out / "2006-06-济南市.md").read_text(encoding="utf-8")
    assert text.startswith("# Reminder: progress reports for 2006-06\n\nTo: Jinan\n")
    assert "- EGOV-10 Strive for a government portal in every county and county-level city (last report: never reported; 5 periods missed)" in text
    assert "Please send them by 2006-06-30" in text


def test_an_office_template_in_the_workspace_is_used(cli, assigned, tmp_path, sdpolicy_home):
    (sdpolicy_home / "notice.toml").write_text(
        '[zh]\ntitle = "催报"\nbody = "$unit 请报 $count 项（$$ 不变）：\\n$tasks"\n[en]\ntitle = "x"\nbody = "y"\n', encoding="utf-8"
    )
    out = tmp_path / "own"
    assert cli("due", "--letters", "-o", str(out), "--as-of", "2006-06-30", "--lang", "zh").exit_code == 0
    text = (out / "2006-06-威海市.md").read_text(encoding="utf-8")
    assert text == "# 催报\n\n威海市 请报 1 项（$ 不变）：\n- CITY-03 完善威海市空间地理信息系统建设与应用试点工作（最近报送：2006年5月10日；连续未报送 1 期）\n"


def test_an_unknown_placeholder_is_refused_before_anything_is_written(cli, assigned, tmp_path):
    template = tmp_path / "t.toml"
    template.write_text('[en]\ntitle = "Reports"\nbody = """\nFirst line\nDear $unitname,\n"""\n[zh]\ntitle = "x"\nbody = "y"\n', encoding="utf-8")
    out = tmp_path / "never"
    message = assert_refused(cli("due", "--letters", "-o", str(out), "--template", str(template), "--lang", "en"), code=65)
    assert message.startswith(f"{template}:5: unknown placeholder '$unitname' in [en] body; use $unit, $period")
    assert not out.exists()


def test_titles_and_names_from_data_are_escaped_for_markdown(cli, tmp_path, sdpolicy_home):
    # A unit the office added, with Markdown and HTML in its name, leads a task.
    assert cli("units", "add", "<b>某局</b> *x*", "--en", "Bureau | <i>y</i>").exit_code == 0
    assert cli("assign", "ENV-05", "--lead", "<b>某局</b> *x*", "--date", "2006-02-16").exit_code == 0
    out = tmp_path / "esc"
    assert cli("due", "--letters", "-o", str(out), "--as-of", "2006-03-31", "--lang", "en", "--unit", "某局").exit_code == 0
    (notice,) = [p for p in out.iterdir()]
    html = MarkdownIt().render(notice.read_text(encoding="utf-8"))
    assert "<b>" not in html and "<i>" not in html
    assert "&lt;i&gt;y&lt;/i&gt;" in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--letters"], "--letters writes one file per unit: name the directory with -o, e.g. -o notices/"),
        (["-o", "x"], "-o is for --letters; the list itself goes to stdout"),
        (["--period", "2006-13"], "period '2006-13' is not a month such as 2006-06 or a quarter such as 2006-Q2"),
        (["--period", "2006-08", "--as-of", "2006-07-15"],
         "period 2006-08 has not begun on 2006-07-15; give an earlier --period or a later --as-of"),
        (["--unit", "  "], "--unit is empty; give a unit's name"),
    ],
)
def test_due_refusals(cli, args, message):
    assert assert_refused(cli("due", *args)) == message


def test_nothing_owed(cli, mark):
    # On 2006-02-20 every task owes February's report (due 02-28): the list is everyone. A period
    # in which every task reported is empty.
    for task in ("IND-01",):
        mark(task, "--value", "10", "--date", "2006-02-20")
    result = cli("due", "--as-of", "2006-02-20", "--unit", "nobody-at-all")
    assert result.exit_code == 0
    assert result.stdout == (
        "Reports owed for 2006-02 (due 2006-02-28), as of 2006-02-20: 0 tasks\n"
        "Every task that owes a report for this period has reported.\n"
    )


def test_changes_refuses_a_since_not_before_as_of(cli):
    message = assert_refused(cli("changes", "--since", "2006-07-01", "--as-of", "2006-07-01"))
    assert message == "--since 2006-07-01 is not before the as-of date 2006-07-01; give an earlier date"


def test_changes_with_nothing_between(cli):
    out = cli("changes", "--since", "2006-01-01", "--as-of", "2006-01-31").stdout
    assert out == "Changes from 2006-01-01 to 2006-01-31\nNothing changed.\n"


def test_template_shipped_with_the_package():
    from sdpolicy.render.notice import shipped_template

    assert Path(shipped_template()).is_file()
