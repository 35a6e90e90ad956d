"""Click's own words in Chinese: `--help` and the option parser's usage errors under `--lang zh` (or
SDPOLICY_LANG=zh, or a zh locale), as the program's other words already are.

The Click that Typer carries reads none of its words through gettext (only a few of Typer's own go
through it), so a gettext catalogue could not reach "No such option" or "Usage:". Instead the
project keeps one word table, HELP_ZH and _PATTERN_TEXTS below: every help text of every command and
option, and every phrase Click writes, with its Chinese. It is applied at the two places Click's
words come out: the help formatter (usage line, headings, texts, option lists) and the display of a
usage error. A text missing from the table stays English; tests/test_click_zh.py checks that none is.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sys
from typing import Any, Iterator, Sequence

from typer import _click
from typer.core import TyperGroup

from sdpolicy.i18n import pick_lang

# Every help text, epilog and option help of the command line, with its Chinese. The English is the
# text as written in the code (cli.py, commands/*.py); an epilog "Example: …" needs no entry.
HELP_ZH: dict[str, str] = {
    # due, changes, report --since (sdpolicy/commands/bulletin.py, cli.py)
    "Every task that still owes a report for the period, grouped by unit: a chasing list (催办清单).":
        "本报送期仍未报送的全部任务，按单位分组：催办清单。",
    "YYYY-MM (or YYYY-Qn for quarterly reports); default: the period holding the as-of date.":
        "报送期，格式 YYYY-MM（按季度报送时为 YYYY-Qn）；默认：截至日期所在的报送期。",
    "Only the tasks chased from this unit (its name, an alias, or part of it).": "只列出应向此单位催办的任务（单位名称、别名或其一部分）。",
    "Write one Markdown notice (催办通知) per unit into the directory given with -o.": "为每个单位写一份 Markdown 催办通知，放在 -o 指定的目录中。",
    "With --letters: the directory to write the notices into.": "与 --letters 同用：写入催办通知的目录。",
    "The notice template (default: notice.toml in the workspace, else the shipped one).":
        "催办通知模板（默认：工作目录中的 notice.toml，没有则用随附模板）。",
    "What moved between two dates: lights that changed, the records dated in between, new indicator figures.":
        "两个日期之间的变化：亮灯变化的任务、期间的进展记录、有新数据的指标。",
    "From this date, YYYY-MM-DD (default: the end of the previous period).": "起始日期，格式 YYYY-MM-DD（默认：上一报送期的最后一天）。",
    "Add the bulletin (通报): what changed since this date, who has not reported, the counts by schedule.":
        "加入通报内容：此日以来的变化、未报送情况、按序时进度的分类统计。",
    # sdpolicy
    "Track how Shandong's 2006 informatization work plan is carried out, against its 2005 baselines.":
        "跟踪山东省2006年信息化工作要点的落实情况，并与2005年基数对比。",
    "Print the version and exit.": "显示版本号后退出。",
    "Show this message and exit.": "显示本帮助后退出。",
    # shared options
    "Catalogue file or directory (default: the shipped 2006 plan).": "目录文件或目录（默认：随附的2006年要点）。",
    "Workspace directory holding progress.toml (default: your user data directory).":
        "存放 progress.toml 的工作目录（默认：用户数据目录）。",
    "zh or en (default: SDPOLICY_LANG, else the locale, else en).": "zh 或 en（默认：SDPOLICY_LANG，其次系统语言，再次 en）。",
    "Show the traceback of an unexpected error.": "出现意外错误时显示调用栈。",
    "Print stable JSON instead of a table.": "输出稳定的 JSON，而不是表格。",
    "Judge progress at this date, YYYY-MM-DD (default: today).": "按此日期评价进度，格式 YYYY-MM-DD（默认：今天）。",
    "Area slug (e-gov), Chinese name (电子政务) or a prefix.": "领域简称（e-gov）、中文名（电子政务）或其开头。",
    # validate, check
    "Check a catalogue and print a one-line summary, or every problem with its file and line.":
        "检查目录，输出一行摘要，或列出每个问题及其文件和行号。",
    "Catalogue file or directory to check.": "要检查的目录文件或目录。",
    "Verify the catalogue and the progress store together; every problem with its file:line:col.":
        "同时检查目录和进展记录；列出每个问题及其 文件:行:列。",
    # list, show, status
    "One row per task: target, latest actual, percent of target, light, deadline and lead unit.":
        "每项任务一行：目标、最新实际、完成率、亮灯、期限和牵头单位。",
    "Only tasks with this light: done, green, yellow, red, unreported or grey.":
        "只列出此亮灯的任务：done、green、yellow、red、unreported（未报送）或 grey。",
    "Only tasks whose lead unit contains this text.": "只列出牵头单位含有此文字的任务。",
    "Only tasks whose id, title or note contains this text.": "只列出编号、名称或说明含有此文字的任务。",
    "Everything about one task: target, lead, 2005 indicators, source, history, light and why.":
        "一项任务的全部情况：目标、牵头单位、2005年指标、出处、进展记录、亮灯及依据。",
    "Task id, such as EGOV-10 (any case).": "任务编号，如 EGOV-10（不分大小写）。",
    "Lights per area and in total; with --area, that area's summary and its tasks.":
        "各领域及合计的亮灯情况；用 --area 时为该领域的汇总及其任务。",
    # mark
    "Record progress on a task, or a later figure for a 2005 indicator.": "记录任务进展，或2005年指标的新数据。",
    "A task id (IND-01) or a 2005 indicator id (internet-users).": "任务编号（IND-01）或2005年指标编号（internet-users）。",
    "Cumulative actual for count, range and percent targets, or an indicator's new figure.":
        "数量、区间和百分比目标的累计实际值，或指标的新数据。",
    "not-started, in-progress, done or blocked, or 未开始, 进行中, 已完成, 受阻 (milestone and qualitative tasks; "
    "blocked for any task).":
        "未开始、进行中、已完成或受阻（或 not-started、in-progress、done、blocked；用于里程碑和定性任务，受阻可用于任何任务）。",
    "Mark the task done, whatever its target kind.": "标记任务已完成，不论目标类型。",
    "The date the progress refers to, YYYY-MM-DD (default: today).": "进展所指的日期，格式 YYYY-MM-DD（默认：今天）。",
    "What was reported (up to 2000 characters).": "报送的内容（最多2000个字符）。",
    "Who reported it: the unit or person.": "报送单位或报送人。",
    "Record every row of a CSV file (- for stdin) with columns id,value,state,date,note,by: all rows or none.":
        "记录 CSV 文件（- 表示标准输入）的每一行，列为 id,value,state,date,note,by：要么全部记录，要么一行也不记录。",
    # log, undo, compare
    "The progress history, newest first (by the date reported, then the time entered), with record ids and retractions.":
        "进展记录，按报告日期、再按录入时间从新到旧排列，附记录编号和撤回情况。",
    "Only records dated on or after this day, YYYY-MM-DD.": "只列出日期在此日或之后的记录，格式 YYYY-MM-DD。",
    "Only records dated on or before this day, YYYY-MM-DD.": "只列出日期在此日或之前的记录，格式 YYYY-MM-DD。",
    "Only records reported by this unit (its name, an alias, or part of it).": "只列出此单位报送的记录（单位名称、别名或其一部分）。",
    "Only this task or indicator.": "只列出此任务或指标。",
    "Retract the latest record, or the one named. The retraction is itself a record: nothing is erased.":
        "撤回最近一条记录或指定的记录。撤回本身也是一条记录：什么都不会被删除。",
    "The record to retract (a unique prefix is enough); default: the latest.": "要撤回的记录（编号开头唯一即可）；默认：最近一条。",
    "Why it is retracted.": "撤回原因。",
    "Who retracts it.": "撤回人。",
    "Say what would be retracted or restored, and write nothing.": "只说明将撤回或恢复什么，不写入任何内容。",
    "Every 2005 indicator beside its linked 2006 tasks, the latest recorded figure and the change.":
        "每个2005年指标及其关联的2006年任务、最新数据和变化。",
    # report
    "A briefing for leaders: summary, each area's tasks, red and overdue tasks, and the 2005 comparison.":
        "供领导阅看的简报：总体情况、各领域任务、红灯及逾期任务、与2005年基数对比。",
    "A Markdown briefing (the default).": "Markdown 简报（默认）。",
    "One self-contained HTML file with charts; opens offline.": "含图示的单个 HTML 文件，离线可打开。",
    "A spreadsheet (sheets Summary, Tasks, Baselines, Log, Trend); needs -o.": "电子表格（汇总、任务、基数、记录、走势五张表）；须用 -o。",
    "One row per task with the columns of list --json, flattened.": "每项任务一行，列同 list --json（嵌套字段展开）。",
    "The whole report as one stable JSON document.": "整份报告作为一个稳定的 JSON 文档。",
    "Write to this file (whole or not at all) instead of stdout; .md .html .xlsx .csv .json imply the format.":
        "写入此文件（要么完整写成，要么不写），而不是输出到屏幕；扩展名 .md .html .xlsx .csv .json 决定格式。",
    # assign
    "Set a task's lead unit and cooperating units. A reassignment is a new entry; nothing is erased.":
        "设定任务的牵头单位和配合单位。重新分工是一条新记录；什么都不会被删除。",
    "The task id, such as EGOV-10 (any case).": "任务编号，如 EGOV-10（不分大小写）。",
    "The lead unit (牵头单位): its name or any alias (default with --node: the lead in effect).":
        "牵头单位：全称或任一简称（只给 --node 时默认为现有的牵头单位）。",
    "A time node DATE:名称[/English][:SHARE%]; repeatable, in date order; replaces the task's nodes.":
        "时间节点，写成 日期:名称[/英文名][:完成比例%]；可多次给出，按日期先后；替换该任务原有的节点。",
    "A time node of the task reached on --date (its Chinese or English name).": "在 --date 当天完成的该任务时间节点（中文名或英文名）。",
    "A cooperating unit (配合单位); repeatable.": "配合单位；可多次给出。",
    "Why, or the document that made the assignment.": "分工依据或分工文件。",
    "From when it holds, YYYY-MM-DD (default: today).": "自何日起生效，格式 YYYY-MM-DD（默认：今天）。",
    "Who made the assignment.": "分工人。",
    # trend
    "Lights and progress at each month (or quarter) end: a task's actual against expected, or the\n"
    "counts of each light of an area, a unit or the whole plan.":
        "每月（或每季度）末的亮灯和进度：一项任务的实际与序时进度，或一个领域、一个单位或全部任务各色灯的数目。",
    "One task (IND-01); default: the whole plan.": "一项任务（IND-01）；默认：全部任务。",
    "Only the tasks this unit leads or cooperates on (its name or any alias).": "只看此单位牵头或配合的任务（全称或任一简称）。",
    "month or quarter: the period whose ends are the columns.": "month 或 quarter：以每月或每季度末为列。",
    "First day, YYYY-MM-DD (default: the start of the plan).": "起始日，格式 YYYY-MM-DD（默认：要点开始之日）。",
    "Last day, YYYY-MM-DD (default: the end of the plan, or today if earlier).":
        "截止日，格式 YYYY-MM-DD（默认：要点结束之日，若今天更早则为今天）。",
    # list --unit, status --by
    "Only the tasks this unit leads or cooperates on, with its role.": "只看该单位牵头或配合的任务，并列出其分工。",
    "area (the default) or unit: one row per unit with the lights of the tasks it leads.":
        "area（默认）或 unit：每个单位一行，列出其牵头任务的亮灯情况。",
    "With --csv: task (the default, one row per task) or unit (one row per unit, as status --by unit).":
        "与 --csv 同用：task（默认，每项任务一行）或 unit（每个单位一行，同 status --by unit）。",
    # template, import
    "Write the return a lead unit fills in each month (填报模板), or the breakdown sheet (分工表).":
        "生成牵头单位每月填写的报送表（填报模板），或任务分工表（分工表）。",
    "The file to write (.xlsx, or .csv with --csv).": "要写入的文件（.xlsx；用 --csv 时为 .csv）。",
    "The unit whose return it is: one row per task it leads (default: every task).":
        "报送单位：每项其牵头的任务一行（默认：全部任务）。",
    "The month reported on, YYYY-MM (default: this month).": "报送月份，格式 YYYY-MM（默认：本月）。",
    "Write CSV (UTF-8 with BOM) instead of a workbook.": "输出 CSV（带 BOM 的 UTF-8），而不是工作簿。",
    "Write the breakdown sheet: every task with its lead and cooperating units and its time nodes.": "输出分工表：每项任务及其牵头单位、配合单位和时间节点。",
    "Check filled returns (or breakdown sheets) and record them all in one write, or nothing.":
        "检查填好的报送表（或分工表），一次全部记录，或什么都不记录。",
    "Filled returns or breakdown sheets (xlsx or CSV, either language).": "填好的报送表或分工表（xlsx 或 CSV，中英文均可）。",
    "Check and count, but write nothing.": "只检查和计数，不写入。",
    "Accept figures for tasks the return's unit does not lead.": "接受报送单位并不牵头的任务的数据。",
    "The reporting unit, for a file that does not say (a hand-made CSV).": "报送单位，用于文件中未注明的情形（手工制作的 CSV）。",
    "The month reported on, YYYY-MM, for a file that does not say.": "报送月份，格式 YYYY-MM，用于文件中未注明的情形。",
    # units
    "The office's units: list them, or add one (units add).": "本办的单位名单：列出，或添加一个（units add）。",
    "Add a unit to the workspace's list (HOME/units.toml).": "向工作目录的单位名单（HOME/units.toml）添加一个单位。",
    "The unit's full Chinese name: the name records will store.": "单位的中文全称：记录中保存的名称。",
    "Its English name.": "英文名称。",
    "A short name or other spelling (repeatable).": "简称或其他写法（可多次给出）。",
    "department, city, county or other.": "department（省直部门）、city（市）、county（县）或 other（其他）。",
    "A remark kept with the unit.": "随单位保存的备注。",
}

# Click's headings, usage line and messages with a variable part.
_HEADINGS = {"Options": "选项", "Arguments": "参数", "Commands": "命令"}


# Compiled when first needed, by Chinese help or a usage error: an English run never needs them, and
# compiling eighteen patterns at every start cost a few milliseconds.
@functools.cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(p, re.S), zh) for p, zh in _PATTERN_TEXTS]


_PATTERN_TEXTS = (
    (r"Examples?: (.*)", r"示例：\1"),
    (r"No such option: (.*?) \(Possible options: (.*)\)", r"没有选项 \1（可能要用的选项：\2）"),
    (r"No such option: (.*)", r"没有选项 \1"),
    (r"No such command '(.*)'\.", r"没有命令“\1”"),
    (r"Missing command\.", "缺少命令"),
    (r"Missing argument '(.*)'\.", r"缺少参数 \1"),
    (r"Missing option '(.*)'\.", r"缺少选项 \1"),
    (r"Missing parameter: (.*)", r"缺少参数 \1"),
    (r"Option '(.*)' requires an argument\.", r"选项 \1 需要一个值"),
    (r"Option '(.*)' requires (\d+) arguments\.", r"选项 \1 需要 \2 个值"),
    (r"Option '(.*)' does not take a value\.", r"选项 \1 不带值"),
    (r"Got unexpected extra arguments? \((.*)\)", r"多余的参数：\1"),
    (r"Invalid value for '(.*?)': (.*)", r"\1 的值无效：\2"),
    (r"'(.*)' is not a valid (integer|float|boolean)\.(.*)", r"“\1”不是有效的\2"),
    (r"default: (.*)", r"默认：\1"),
    (r"required", "必填"),
    (r"env var: (.*)", r"环境变量：\1"),
    (r"Aborted!", "已中止"),
)
_EXTRAS = re.compile(r"^(.*?)\s*\[([^\[\]]*)\]$", re.S)


def zh(text: str) -> str:
    """The Chinese of one of Click's texts or of a help text; the text itself when the table lacks it."""
    if text in HELP_ZH:
        return HELP_ZH[text]
    found = _EXTRAS.match(text)
    if found and found.group(1):
        # "Only tasks with this light … [default: x; required]": the help and Click's extras apart.
        extras = "；".join(zh(part) for part in found.group(2).split("; "))
        return f"{zh(found.group(1))}  [{extras}]"
    # A command list shortens a long help to its first sentence, or cuts it with "...": find the text
    # it came from and give the Chinese's first sentence.
    start = text[:-3].rstrip() if text.endswith("...") else text
    whole = next((zh_text for en, zh_text in HELP_ZH.items() if len(start) > 8 and en.startswith(start)), None)
    if whole is not None:
        first, stop, _ = whole.partition("。")
        return first + stop
    for pattern, replacement in _patterns():
        matched = pattern.fullmatch(text)
        if matched:
            return matched.expand(replacement)
    return text


class ChineseFormatter(_click.formatting.HelpFormatter):
    """Click's help formatter, writing every text through zh()."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_HEADINGS.get(heading, zh(heading))}：\n")

    def write_text(self, text: str) -> None:
        super().write_text(zh(text))

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, zh(text)) for term, text in rows], col_max, col_spacing)


def lang_of(args: Sequence[str]) -> str:
    """The language a run asks for: --lang in its arguments (wherever Click will find it), else the
    environment and locale, as everywhere else."""
    chosen = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            chosen = args[index + 1]
        elif arg.startswith("--lang="):
            chosen = arg.partition("=")[2]
    return pick_lang(chosen)


@contextlib.contextmanager
def _chinese_help() -> Iterator[None]:
    context = _click.core.Context
    before = context.formatter_class
    context.formatter_class = ChineseFormatter
    try:
        yield
    finally:
        context.formatter_class = before


def _show(error: Any) -> None:
    """A usage error as Click shows one, in Chinese."""
    if isinstance(error, _click.exceptions.NoArgsIsHelpError):
        sys.stderr.write(error.format_message() + "\n")
        return
    context = getattr(error, "ctx", None)
    if isinstance(error, _click.exceptions.UsageError) and context is not None:
        sys.stderr.write(context.get_usage() + "\n")
        if context.command.get_help_option(context) is not None:
            sys.stderr.write(f"请用“{context.command_path} {context.help_option_names[0]}”查看帮助。\n")
        sys.stderr.write("\n")
    sys.stderr.write(f"错误: {zh(error.format_message())}\n")


class Group(TyperGroup):
    """The top command group: under Chinese, Click's help and usage errors are written in Chinese."""

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
        standalone_mode: bool = True, **extra: Any,
    ) -> Any:
        arguments = list(sys.argv[1:] if args is None else args)
        if not standalone_mode or lang_of(arguments) != "zh":
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        with _chinese_help():
            try:
                code = super().main(arguments, prog_name, complete_var, False, **extra)
            except _click.exceptions.ClickException as error:
                _show(error)
                sys.exit(error.exit_code)
            except _click.exceptions.Abort:
                sys.stderr.write("已中止\n")
                sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)
