"""Click's own words under Chinese (issue 14): --help and the option parser's usage errors."""

from __future__ import annotations

import re

import pytest
import typer

from conftest import sdpolicy_command
from sdpolicy.cli import app
from sdpolicy.clickwords import HELP_ZH, zh

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_help_is_chinese_under_lang_zh(cli):
    result = cli("mark", "--help", "--lang", "zh")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("用法：") and "\n参数：\n" in out and "\n选项：\n" in out
    assert "记录任务进展，或2005年指标的新数据。" in out
    assert "显示本帮助后退出。" in out and "示例：sdpolicy mark" in out
    # mark's ID is optional (mark --from); show's is required.
    assert "[必填]" in cli("show", "--help", "--lang", "zh").stdout
    for english in ("Usage:", "Options:", "Arguments:", "Show this message", "Record progress", "required"):
        assert english not in out


def test_help_follows_sdpolicy_lang_and_the_option_wins(cli):
    assert cli("--help", env={"SDPOLICY_LANG": "zh"}).stdout.startswith("用法：sdpolicy [选项] 命令 [参数]...")
    english = cli("report", "--help", "--lang", "en", env={"SDPOLICY_LANG": "zh"}).stdout
    assert english.startswith("Usage:") and "A briefing for leaders" in english and not CJK.search(english.split("Options:")[0])


def test_the_command_list_is_chinese(cli):
    out = cli("--help", env={"SDPOLICY_LANG": "zh"}).stdout
    commands = out.split("命令：\n", 1)[1]
    for line in commands.splitlines():
        name, _, text = line.strip().partition(" ")
        assert CJK.search(text), line  # undo's "Retract … named." is cut to its first sentence: still Chinese


def test_usage_errors_are_chinese(cli):
    result = cli("mark", "--bogus", "--lang", "zh")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines()[0].startswith("用法：") and "mark [选项] [ID]" in result.stderr  # ID optional: mark --from
    assert "查看帮助" in result.stderr and result.stderr.endswith("错误: 没有选项 --bogus\n")
    missing = cli("show", env={"SDPOLICY_LANG": "zh"})
    assert missing.exit_code == 2 and missing.stderr.endswith("错误: 缺少参数 ID\n")
    unknown = cli("nosuch", "--lang", "zh")
    assert unknown.exit_code == 2 and unknown.stderr.endswith("错误: 没有命令“nosuch”\n")


def test_a_near_option_is_suggested_in_chinese(cli):
    result = cli("mark", "IND-01", "--dat", "2006-06-30", "--lang", "zh")
    assert result.exit_code == 2 and result.stderr.endswith("错误: 没有选项 --dat（可能要用的选项：--date, --state）\n")


def test_english_usage_errors_are_untouched(cli):
    result = cli("mark", "--bogus")
    assert result.exit_code == 2 and result.stderr.endswith("Error: No such option: --bogus\n")


def test_the_installed_command_speaks_chinese(run):
    result = run("status", "--as-of", "2006-06-3O", "--lang", "zh", "--nope")
    assert result.returncode == 2 and "错误: 没有选项 --nope" in result.stderr
    assert run("--help", env={"SDPOLICY_LANG": "zh"}).stdout.startswith("用法：")


def _texts() -> list[str]:
    found: list[str] = []

    def walk(command) -> None:
        found.extend(t for t in (command.help, command.short_help) if t)
        if command.epilog and not re.match(r"Examples?: ", command.epilog):
            found.append(command.epilog)
        found.extend(p.help for p in command.params if getattr(p, "help", None))
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_command(app))
    return list(dict.fromkeys(found))


def test_every_help_text_has_its_chinese():
    missing = [text for text in _texts() if text not in HELP_ZH]
    assert not missing, "add these to sdpolicy/clickwords.py HELP_ZH:\n" + "\n".join(map(repr, missing))


@pytest.mark.parametrize("text", sorted(HELP_ZH))
def test_every_chinese_help_is_chinese(text):
    assert CJK.search(HELP_ZH[text])


def test_click_phrases():
    assert zh("default: 2006") == "默认：2006"
    assert zh("Only this task or indicator.  [required]") == "只列出此任务或指标。  [必填]"
    assert zh("Got unexpected extra argument (x y)") == "多余的参数：x y"
    assert zh("Option '--date' requires an argument.") == "选项 --date 需要一个值"
    assert zh("something no table knows") == "something no table knows"
