"""The Chinese and English words of the interface.

Titles and names come from the catalogue in both languages; this module holds only what the
program itself says. The language is chosen once per run: --lang, else SDPOLICY_LANG, else the
locale (a zh* locale gives Chinese), else English.
"""

from __future__ import annotations

import os
from typing import Any

LANGS = ("zh", "en")

_WORDS: dict[str, tuple[str, str]] = {
    # column headers
    "id": ("编号", "ID"),
    "task": ("任务", "Task"),
    "area": ("领域", "Area"),
    "title": ("任务", "Task"),
    "target": ("目标", "Target"),
    "actual": ("实际", "Actual"),
    "percent": ("完成率", "Done %"),
    "expected": ("序时进度", "Expected %"),
    "light": ("亮灯", "Light"),
    "deadline": ("期限", "Deadline"),
    "lead": ("牵头单位", "Lead unit"),
    "tasks": ("任务数", "Tasks"),
    "overall": ("总体完成率", "Overall %"),
    "total": ("合计", "Total"),
    "record": ("记录", "Record"),
    "date": ("日期", "Date"),
    "recorded_at": ("录入时间", "Recorded"),
    "item": ("对象", "Item"),
    "value": ("数值", "Value"),
    "state": ("状态", "State"),
    "note": ("说明", "Note"),
    "by": ("报送单位", "Reported by"),
    "indicator": ("指标", "Indicator"),
    "baseline": ("基数", "Baseline"),
    "as_of": ("截至", "As of"),
    "qualifier": ("限定", "Qualifier"),
    "linked_tasks": ("关联任务", "Linked tasks"),
    "change": ("变化", "Change"),
    "growth": ("增长", "Growth"),
    "unit": ("单位", "Unit"),
    "source": ("出处", "Source"),
    "history": ("进展记录", "History"),
    "why": ("评价依据", "Why"),
    "links": ("关联指标", "Linked indicators"),
    "latest_note": ("最新说明", "Latest note"),
    "start": ("起始", "Start"),
    "section": ("章节", "Section"),
    "quote": ("原文", "Quote"),
    "document": ("文件", "Document"),
    "remark": ("备注", "Remark"),
    # units and assignments (sdpolicy units, assign)
    "unit_zh": ("单位", "Unit (zh)"),
    "unit_en": ("英文名", "English name"),
    "aliases": ("简称", "Aliases"),
    "unit_kind": ("类型", "Kind"),
    "unit_origin": ("来源", "From"),
    "unit_kind.department": ("省直部门", "department"),
    "unit_kind.city": ("市", "city"),
    "unit_kind.county": ("县（市、区）", "county"),
    "unit_kind.other": ("其他", "other"),
    "unit_origin.starter": ("随附名单", "starter list"),
    "unit_origin.office": ("本办添加", "added here"),
    "unit_added": ("已添加单位 {name}（{path}）", "added unit {name} to {path}"),
    "assigned": (
        "已分工 {task}：牵头单位 {lead}，配合单位 {cooperating}，自 {date} 起（{id}）",
        "assigned {task}: lead {lead}, with {cooperating}, from {date} ({id})",
    ),
    "assigned_alone": ("已分工 {task}：牵头单位 {lead}，自 {date} 起（{id}）", "assigned {task}: lead {lead}, from {date} ({id})"),
    "by_unknown": (
        "“{by}”不在单位名单中，按原样记录{hint}；添加单位用 sdpolicy units add",
        "'{by}' is not in the list of units and is kept as typed{hint}; add it with sdpolicy units add",
    ),
    # the monthly return (template, import)
    "hint.state": ("本任务报状态：在“状态”列选择，本列留空", "this task reports a state: choose it under State and leave Value blank"),
    "hint.percent": ("截至日期的累计百分比（0–100），不含%号", "the percentage reached by the date (0-100), without the % sign"),
    "hint.count": ("截至日期的累计数（{unit}），不是本月新增数；0 或以上", "the cumulative figure in {unit} by the date, not this month's increase; 0 or more"),
    "hint.number": ("个", "units"),
    "role.lead": ("牵头", "lead"),
    "role.cooperating": ("配合", "cooperating"),
    "sheet.return": ("填报", "Return"),
    "sheet.assignments": ("分工", "Assignments"),
    "sheet.instructions": ("填报说明", "Instructions"),
    "return_title": ("{unit} {period} 工作进展报送表", "{unit}: return for {period}"),
    "all_tasks": ("全部任务", "all tasks"),
    "return_subtitle": (
        "请只填写黄色单元格；报送期间 {first} 至 {last}",
        "Fill in only the yellow cells; the period runs from {first} to {last}",
    ),
    "assignments_title": ("任务分工表（牵头单位、配合单位）", "Breakdown of tasks: lead and cooperating units"),
    "assignments_subtitle": (
        "每项任务填一个牵头单位；配合单位可填多个，用顿号分隔；时间节点一格一个，如 2006-06-30:送审稿:40，留空表示不变",
        "One lead unit per task; several cooperating units separated by commas; one time node per cell, such as 2006-06-30:送审稿/draft:40 (blank: no change)",
    ),
    "dv.state": ("请从下拉列表选择：{states}", "Choose from the list: {states}"),
    "dv.state_choose": ("本任务报状态：请从下拉列表选择（{states}）", "This task reports a State: choose one from the list ({states})"),
    "dv.state_numeric": (
        "本任务为量化任务：请在“本期数值”列填写，本列留空（两者同填，导入时会被拒绝）",
        "A numeric task: give its Value and leave State blank (a Value and a State together are refused on import)",
    ),
    "dv.date": ("日期须在 {first} 至 {last} 之间", "The date must fall between {first} and {last}"),
    "dv.value": ("请填写 0 或以上的数字，不带单位", "Type a number of 0 or more, without units"),
    "dv.node": (
        "一格一个节点：日期:名称[/英文名][:完成比例]，如 2006-06-30:送审稿:40；按日期先后填写。整行节点留空表示不变，填“无”表示清除",
        "One node per cell: DATE:name[/English][:SHARE], such as 2006-06-30:送审稿/draft:40, in date order. "
        "All node cells blank: no change; none: clear the nodes",
    ),
    "dv.no_nodes": ("量化任务按序时进度评价，不设时间节点", "A task with a numeric target is judged by its figures: it takes no time nodes"),
    "dv.unit": ("不在单位名单中的名称，导入时会被拒绝（简称可用）", "A name outside the list of units is refused on import (aliases are fine)"),
    "instructions.return": (
        "填报说明\n"
        "1. 每行一项本单位牵头的任务。灰色列由系统填写，请勿改动；只填写黄色列。\n"
        "2. 本期数值：量化任务填写截至日期的累计数（不是本月新增数），只填数字，不带单位和千分位逗号。\n"
        "3. 状态：里程碑和定性任务从下拉列表选择 {states}；量化任务留空。\n"
        "4. 日期：进展所对应的日期，须在 {first} 至 {last} 之间；不填则按期末（或报送当天）计。\n"
        "5. 进展情况、存在问题、下一步措施：每格不超过 2000 字。\n"
        "6. 本期无进展的任务整行留空，视为未报送。\n"
        "7. 请勿修改隐藏的 sdpolicy 工作表，也不要使用公式。",
        "Instructions\n"
        "1. One row per task your unit leads. The grey columns are filled in by sdpolicy: leave them as they are and fill in only the yellow ones.\n"
        "2. Value: for a task with a numeric target, the cumulative figure at the date (not this month's increase), digits only, without units or thousands separators.\n"
        "3. State: for a milestone or qualitative task, choose {states} from the list; leave it blank for a numeric task.\n"
        "4. Date: the day the progress refers to, between {first} and {last}; left blank, the period's last day (or the day of the import, if earlier) is used.\n"
        "5. Note, Problems, Next steps: up to 2000 characters each.\n"
        "6. Leave a task's row blank if there is nothing to report: it counts as not reported.\n"
        "7. Do not change the hidden sheet named sdpolicy, and do not use formulas.",
    ),
    "instructions.assignments": (
        "填写说明\n"
        "1. 每行一项任务。灰色列由系统填写，请勿改动。\n"
        "2. 牵头单位：填写一个单位的全称或简称（须在单位名单中，见 sdpolicy units）。\n"
        "3. 配合单位：可填多个，用顿号、逗号或分号分隔。\n"
        "4. 暂不分工的任务留空。\n"
        "5. 时间节点1、时间节点2……：里程碑和定性任务的时间节点，一格一个，按日期先后，写成 日期:名称[/英文名][:完成比例]，"
        "例如 2006-06-30:送审稿:40（到该节点完成工作量的 40%）；冒号可用全角“：”。日期须在任务期限之内，完成比例在 0 至 100 之间且不低于前一节点。"
        "已设定的节点已填好：不改则不变；一行的节点格全部留空也表示不变；要取消全部节点，在时间节点1填“无”。量化任务不设节点（灰色格）。",
        "Instructions\n"
        "1. One row per task. The grey columns are filled in by sdpolicy: leave them as they are.\n"
        "2. Lead unit: one unit, by its full name or an alias (it must be in the list of units: see sdpolicy units).\n"
        "3. Cooperating units: any number, separated by commas, semicolons or 、.\n"
        "4. Leave a task blank if it is not assigned yet.\n"
        "5. Node 1, Node 2, ...: the time nodes of a milestone or qualitative task, one per cell, in date order, written "
        "DATE:name[/English][:SHARE], such as 2006-06-30:送审稿/draft:40 (40% of the work done at that node). The date must fall "
        "within the task's period; a share is 0 to 100 and not below the node before it. The nodes in effect are filled in: left as "
        "they are, they do not change, and a row whose node cells are all blank keeps its nodes too; to remove a task's nodes, write "
        "none in Node 1. A task with a numeric target takes no nodes (its cells are grey).",
    ),
    "problems": ("存在问题", "Problems"),
    "next_steps": ("下一步措施", "Next steps"),
    "from_file": ("（来自 {file}）", "(from {file})"),
    "template_written": ("已生成 {path}（{rows} 行）", "wrote {path} ({rows} rows)"),
    "import_summary": (
        "已记录 {recorded} 条，未变 {unchanged} 条，空白 {blank} 行，问题 {problems} 个",
        "{recorded} recorded, {unchanged} unchanged, {blank} left blank, {problems} problems",
    ),
    "import_dry_run": (
        "试导入（未写入）：将记录 {recorded} 条，未变 {unchanged} 条，空白 {blank} 行，问题 {problems} 个",
        "dry run, nothing written: {recorded} to record, {unchanged} unchanged, {blank} left blank, {problems} problems",
    ),
    "import_refused": ("发现 {count} 个问题，未记录任何内容", "{count} problem{s} found; nothing was recorded"),
    # per-unit views
    "led": ("牵头任务", "Leads"),
    "reported_this_period": ("本期已报", "Reported this period"),
    "unit_status_title": ("各单位情况（截至 {date}，本期 {first} 至 {last}）", "By unit, as of {date} (this period: {first} to {last})"),
    "no_units_yet": ("尚无分工；用 sdpolicy assign 指定牵头单位", "No task is assigned yet; assign lead units with sdpolicy assign"),
    "role": ("分工", "Role"),
    "since": ("自", "From"),
    "with_units": ("配合单位", "Cooperating units"),
    "units_of_task": ("责任单位", "Units"),
    "assignment_history": ("分工记录", "Assignment history"),
    "unit_role.lead": ("牵头", "lead"),
    "unit_role.cooperating": ("配合", "cooperating"),
    "named_by_plan": ("要点点名：{role}", "named by the plan: {role}"),
    "plan_role.co-organiser": ("联合", "co-organiser"),
    "plan_role.platform": ("依托", "platform"),
    "plan_role.object": ("对象", "object"),
    "plan_role.pilot": ("试点", "pilot"),
    "plan_role.locality": ("实施地", "locality"),
    "plan_role.all-localities-departments": ("各地各部门", "all localities and departments"),
    "by_unit": ("分单位情况", "By unit"),
    "sheet.units": ("单位", "Units"),
    "by_unknown_hint": ("（是否要找 {close}？）", " (did you mean {close}?)"),
    # lights
    "light.done": ("完成", "done"),
    "light.green": ("绿灯", "green"),
    "light.yellow": ("黄灯", "yellow"),
    "light.red": ("红灯", "red"),
    "light.unreported": ("未报送", "not reported"),
    "light.grey": ("灰灯", "grey"),
    # states
    # The words a clerk types are the words shown (store.STATE_WORDS accepts them on the command line).
    "state.not-started": ("未开始", "not started"),
    "state.in-progress": ("进行中", "in progress"),
    "state.done": ("已完成", "done"),
    "state.blocked": ("受阻", "blocked"),
    # targets
    "kind.milestone.document": ("文件出台", "document issued"),
    "kind.milestone.meeting": ("会议召开", "meeting held"),
    "kind.milestone.system": ("系统建成", "system in service"),
    "kind.milestone.event": ("活动举办", "event held"),
    "kind.milestone.report": ("报告形成", "report delivered"),
    "kind.qualitative": ("定性推进", "qualitative"),
    "qualifier.over": ("超过", "over"),
    "qualifier.nearly": ("近", "nearly"),
    "qualifier.about": ("约", "about"),
    "qualifier.forecast": ("预计", "forecast"),
    # what the plan's words make of the units it names (catalogue.UNIT_ROLES)
    "units": ("要点点名的单位", "Units the plan names"),
    "role.co-organiser": ("联合召开单位", "co-organiser"),
    "role.platform": ("依托的平台", "platform relied on"),
    "role.object": ("任务对象", "object of the task"),
    "role.pilot": ("试点地区", "pilot locality"),
    "role.locality": ("实施地", "where it is done"),
    "role.all-localities-departments": ("各地、各部门", "all localities and departments"),
    # the plan's hedges (catalogue.HEDGES)
    "hedge": ("措辞", "Hedge"),
    "hedge.力争": ("力争", "力争, strive to"),
    "hedge.争取": ("争取", "争取, seek to"),
    "hedge.逐步": ("逐步", "逐步, step by step"),
    "hedge.初步": ("初步", "初步, in a first stage"),
    "hedge.适时": ("适时", "适时, when the time is right"),
    "parts": ("组成部分", "Counted part"),
    "covers": ("并含原文", "Also covers"),
    "figures_from": ("指标出处", "Indicators from"),
    "approximate_date": ("约 {date}，非确切日期：{note}", "about {date}, not a known date: {note}"),
    # reasons a light has
    "reason.met": ("已达到目标", "target met"),
    "reason.done": ("已报完成", "reported done"),
    "reason.blocked": ("任务受阻", "blocked"),
    "reason.overdue": ("已过期限（{deadline}）仍未完成", "past its deadline {deadline} and not done"),
    "reason.behind": (
        "滞后序时进度{behind:.1f}个百分点（应完成{expected:.1f}%，实际{actual:.1f}%）",
        "{behind:.1f} points behind schedule (expected {expected:.1f}%, actual {actual:.1f}%)",
    ),
    "reason.on-track": (
        "符合序时进度（应完成{expected:.1f}%，实际{actual:.1f}%）",
        "on schedule (expected {expected:.1f}%, actual {actual:.1f}%)",
    ),
    # Behind, but by less than the yellow threshold: what an office writes of such a task.
    "reason.on-track-behind": ("基本符合序时进度（滞后{behind:.1f}个百分点）", "on schedule ({behind:.1f} points behind)"),
    "reason.in-progress": ("正在推进，未过期限", "in progress, not yet due"),
    "reason.no-record": ("尚无进展记录", "no progress recorded yet"),
    "reason.not-begun": ("任务期尚未开始", "its period has not begun"),
    "reason.unreported": ("{period}未报送（应于{due}报送；{last}）", "no report for {period} (due {due}; {last})"),
    "reason.long-unreported": (
        "连续{periods}期未报送（截至{period}；{last}）", "no report for {periods} periods in a row (to {period}; {last})"
    ),
    "last_report": ("最近一次报送于{date}", "last report {date}"),
    "period.month": ("{year}年{month}月", "{label}"),
    "period.quarter": ("{year}年第{quarter}季度", "{label}"),
    "period.year": ("{year}年", "{label}"),
    "never_reported": ("从未报送", "never reported"),
    # reports owed (due), what changed (changes), the bulletin (report --since)
    "due_title": (
        "{period}报送期催办清单（应于{due}前报送），截至{as_of}：{count}项任务未报送",
        "Reports owed for {period} (due {due}), as of {as_of}: {count} tasks",
    ),
    "nothing_due": ("没有未报送的任务。", "Every task that owes a report for this period has reported."),
    "no_unit": ("未明确牵头单位", "no lead unit assigned"),
    "unit_col": ("单位", "Unit"),
    "last_report_col": ("最近报送", "Last report"),
    "missed_col": ("连续未报送期数", "Periods missed"),
    "notices_written": ("已在 {directory} 写出 {count} 份催办通知", "wrote {count} notices in {directory}"),
    "notices_nobody": (
        "另有 {count} 项任务没有可催办的单位，未写通知；请用 sdpolicy assign 指定牵头单位",
        "{count} more tasks have no unit to send a notice to; give them a lead unit with sdpolicy assign",
    ),
    "changes_title": ("{since}至{as_of}的变化", "Changes from {since} to {as_of}"),
    "changed_lights": ("灯色变化的任务", "Tasks whose light changed"),
    "records_between": ("期间的进展记录", "Records dated in between"),
    "new_figures": ("有新数据的指标", "Indicators with new figures"),
    "before": ("之前", "Before"),
    "light_since": ("期初亮灯", "Light at the start"),
    "after": ("之后", "After"),
    "change_col": ("变化", "Change"),
    "change.done": ("新完成", "newly done"),
    "change.red": ("新增红灯", "newly red"),
    "change.recovered": ("好转", "recovered"),
    "change.reported": ("恢复报送", "reported again"),
    "change.yellow": ("新增黄灯", "newly yellow"),
    "change.unreported": ("新增未报送", "newly not reported"),
    "change.other": ("其他变化", "other change"),
    "no_changes": ("没有变化。", "Nothing changed."),
    # the bulletin's opening sentences, filled from the figures (never free text)
    "opening.counts": (
        "截至{date}，{tasks}项任务中已完成{done}项、超序时推进{ahead}项、符合序时推进{on_schedule}项、滞后序时{behind}项，"
        "另有{unreported}项本期未报送{grey_zh}。",
        "As of {date}, the {tasks} tasks stand at {done} done, {ahead} ahead of schedule, {on_schedule} on schedule "
        "and {behind} behind schedule, with {unreported} not reported for the period{grey_en}.",
    ),
    "opening.grey": ("、{grey}项尚无可评价的进展", " and {grey} with nothing to judge yet"),
    "opening.lights": (
        "红灯{red}项（其中逾期未完成{overdue}项、连续{red_after}期以上未报送{long_unreported}项），黄灯{yellow}项。",
        "Red: {red} ({overdue} past their deadline and not done, {long_unreported} without a report for "
        "{red_after} periods or more); yellow: {yellow}.",
    ),
    "opening.overall": ("全部任务平均完成{percent}。", "Overall completion: {percent}."),
    "opening.since": (
        "{since}以来，新完成{done}项、新增红灯{red}项、好转{recovered}项、恢复报送{reported}项，期间共录入进展{records}条。",
        "Since {since}: {done} newly done, {red} newly red, {recovered} recovered, {reported} reported again, "
        "and {records} reports recorded.",
    ),
    "standings": ("通报口径", "Where the tasks stand"),
    "standing": ("进度", "Standing"),
    "share": ("占比", "Share"),
    "standing.done": ("已完成", "done"),
    "standing.ahead": ("超序时", "ahead of schedule"),
    "standing.on_schedule": ("符合序时", "on schedule"),
    "standing.behind": ("滞后序时", "behind schedule"),
    "standing.unreported": ("未报送", "not reported"),
    "standing.grey": ("尚无可评", "nothing to judge yet"),
    "what_changed": ("{since}以来的变化", "What changed since {since}"),
    "not_reported_by_unit": ("{period}未报送情况（按单位）", "Not reported for {period}, by unit"),
    "yellow_tasks": ("黄灯任务", "Yellow tasks"),
    "unreported_tasks": ("本期未报送的任务", "Tasks not reported for the period"),
    # phrases
    "summary": ("总体情况", "Summary"),
    "by_area": ("分领域情况", "By area"),
    "red_tasks": ("红灯、逾期及难以按期完成的任务", "Red, overdue and at-risk tasks"),
    "comparison": ("与2005年基数对比", "Against the 2005 baselines"),
    "none": ("无", "none"),
    "report_title": ("{plan}执行情况报告", "{plan}: progress report"),
    "as_of_line": ("截至{date}", "As of {date}"),
    "section_of": ("第{numeral}部分", "Section {numeral}"),
    "long_date": ("{year}年{month}月{day}日", "{iso}"),
    "generated": ("由 sdpolicy 生成", "Generated by sdpolicy"),
    "valid": (
        "{path}：有效，{tasks} 项任务，{indicators} 个指标，{areas} 个领域",
        "{path}: valid, {tasks} tasks, {indicators} indicators, {areas} areas",
    ),
    "checked": (
        "检查通过：{store} 共 {records} 条记录（其中撤回 {retractions} 条），涉及 {tasks} 项任务、{indicators} 个指标；"
        "{catalogue} 有 {plan_tasks} 项任务、{plan_indicators} 个指标",
        "all is well: {store} holds {records} record{records_s} ({retractions} retraction{retractions_s}) on "
        "{tasks} task{tasks_s} and {indicators} indicator{indicators_s}; {catalogue} has {plan_tasks} tasks "
        "and {plan_indicators} indicators",
    ),
    "shipped_catalogue": ("随附目录（{path}）", "the shipped catalogue ({path})"),
    "check_failed": (
        "发现 {count} 个问题（目录与进展记录均未改动）",
        "found {count} problem{s} in the catalogue and the progress store; nothing was changed",
    ),
    "recorded": ("已记录 {id}：{item} {what}（{date}）", "recorded {id}: {item} {what} on {date}"),
    "retracted": ("已撤回 {target}：{item} {what}（{date}）（撤回记录 {id}）", "retracted {target}: {item} {what} on {date} (retraction {id})"),
    "restored": (
        "已恢复 {target}：{item} {what}（{date}）（其撤回记录 {retraction} 已被 {id} 撤回）",
        "restored {target}: {item} {what} on {date} (its retraction {retraction} is retracted by {id})",
    ),
    "would_retract": ("将撤回 {target}：{item} {what}（{date}）；未作任何改动", "would retract {target}: {item} {what} on {date}; nothing was written"),
    "would_restore": (
        "将恢复 {target}：{item} {what}（{date}）（撤回 {retraction} 这条撤回记录）；未作任何改动",
        "would restore {target}: {item} {what} on {date} (by retracting its retraction {retraction}); nothing was written",
    ),
    # A figure that is probably a slip: recorded all the same, with how to take it back.
    "warn.above-twice-target": ("{value} 超过目标 {target} 的两倍", "{value} is more than twice the target of {target}"),
    "warn.below-baseline": ("{value} 低于2005年基数 {baseline}", "{value} is below the 2005 baseline of {baseline}"),
    "warn.count-falling": ("{value} 小于 {date} 记录的累计数 {earlier}", "{value} is less than the cumulative {earlier} recorded for {date}"),
    "warn.not-whole": ("{value} 不是整数，而这是个计数", "{value} is not a whole number, and this is a count"),
    "warn.scale": (
        "{value} 约为2005年数据 {baseline} 的 {ratio} 倍；单位是否弄错了？",
        "{value} is about {ratio} times the 2005 figure of {baseline}; was it typed in another unit?",
    ),
    "warn.scale_hint": ("（单位为 {unit}：是否应为 {guess}？）", " (the unit is {unit}: did you mean {guess}?)"),
    "warn.done-below-target": (
        "已标记完成，但最新数据 {value}（{date}）未达到目标 {target}；报告中两者都会列出",
        "marked done, but its latest figure {value} ({date}) is short of the target {target}; reports show both",
    ),
    "warn.take_back": ("若有误，请用 sdpolicy undo {id} 撤回", "if it is a mistake, take it back with: sdpolicy undo {id}"),
    "no_records": ("尚无记录。", "No records yet."),
    "torn_tail": (
        "{place}：一次中断的写入留下了未写完的最后一行，已忽略；下次写入时会把它移到 progress.toml.torn",
        "{place}: an unfinished last line left by an interrupted write is ignored; "
        "the next write sets it aside in progress.toml.torn",
    ),
    "error": ("错误", "Error"),
    "warning": ("警告", "Warning"),
    # report formats (HTML charts, spreadsheet sheets and columns)
    "charts": ("图示", "Charts"),
    "chart.lights": ("各领域任务灯情", "Lights by area"),
    "chart.lights_trend": ("全部任务各月末灯情", "Lights of the whole plan at each month end"),
    "chart.lights_trend.note": (
        "每根柱为一个月末的全部任务；颜色与花纹区分灯色，数字为任务数",
        "Each bar is every task at a month end; colours and patterns tell the lights apart, numbers count the tasks",
    ),
    "chart.trajectory": ("量化任务的年度走势", "Quantified tasks over the year"),
    "chart.trajectory.awaiting": (
        "另有 {count} 项量化任务尚无报送数据：{ids}。",
        "No figure reported yet for {count} more quantified tasks: {ids}.",
    ),
    "traj.actual": ("月末实际", "Actual at month end"),
    "traj.expected": ("序时进度线（起点到期限）", "Expected path (start to deadline)"),
    "traj.target": ("目标", "Target"),
    "chart.progress": ("量化任务：实际完成率与序时进度", "Quantified tasks: actual progress against expected"),
    "chart.progress.note": (
        "条形为实际完成率，竖线为截至报告日应达到的序时进度",
        "The bar is the share of the target achieved; the tick is where the task should be by now",
    ),
    "chart.baselines": ("已有新数据的指标：2005年基数、2006年目标与最新数据", "Indicators with new figures: 2005 baseline, 2006 target, latest figure"),
    "chart.baselines.note": (
        "每组单独标度；只有以该指标为基数的任务，其目标才与指标同一口径",
        "Each group has its own scale; a target is drawn only for the task that counts from this indicator",
    ),
    "bar.baseline": ("2005年基数", "2005 baseline"),
    "bar.target": ("2006年目标（{id}）", "2006 target ({id})"),
    "bar.actual": ("最新实际", "Latest actual"),
    "other_measure": ("{id} 的目标口径不同：{target}", "{id} is measured differently: {target}"),
    "not_recorded": ("尚无记录", "not recorded yet"),
    "task_count": ("{count} 项", "{count} tasks"),
    "expected_tick": ("序时进度 {value}", "expected {value}"),
    "sheet.summary": ("汇总", "Summary"),
    "sheet.tasks": ("任务", "Tasks"),
    "sheet.baselines": ("基数", "Baselines"),
    "sheet.log": ("记录", "Log"),
    "sheet.bulletin": ("通报", "Bulletin"),
    "sheet.changes": ("变化", "Changes"),
    "sheet.unreported": ("未报送", "Not reported"),
    "sheet.trend": ("走势", "Trend"),
    "plan": ("规划", "Plan"),
    "kind": ("类型", "Kind"),
    "kind.count": ("数量", "count"),
    "kind.range": ("区间", "range"),
    "kind.percent": ("比例", "percentage"),
    "kind.milestone": ("里程碑", "milestone"),
    "target_value": ("目标值（区间为下限）", "Target value (range: low end)"),
    "target_max": ("区间上限", "Range high end"),
    "recorded_at_utc": ("录入时间（UTC）", "Recorded (UTC)"),
    "latest_date": ("最新记录日期", "Latest date"),
    "actual_date": ("实际日期", "Actual date"),
    "in_effect": ("有效", "In effect"),
    "retracts": ("撤回对象", "Retracts"),
    "retracted_by": ("被撤回于", "Retracted by"),
    "points": ("{value} 个百分点", "{value} percentage points"),
    "superseded": ("已被更正", "superseded"),
    "replaced_by": ("被撤回或更正于", "Retracted or superseded by"),
    "superseded_by": ("已被 {id} 更正", "superseded by {id}"),
    "yes": ("是", "yes"),
    "cell_cut": ("……（其后 {count} 字超出表格单元格上限，已截去）", "… ({count} more characters cut: a cell holds at most 32,767)"),
    "no": ("否", "no"),
    "record_kind.task": ("任务", "task"),
    "record_kind.indicator": ("指标", "indicator"),
    # printed and on screen (issue 14)
    "chart.awaiting": (
        "量化任务关联的 {count} 个指标尚无新数据：{names}。",
        "No new figure yet for {count} indicators behind quantified tasks: {names}.",
    ),
    "print.left_out": (
        "打印版只列出截至 {date} 已有记录的指标；其余 {count} 个（共 {total} 个）尚无记录，未列出，屏幕上可见全部。",
        "In print, only the indicators with a figure recorded by {date} are listed; the other {count} of {total} "
        "have none yet and are left out (the screen shows them all).",
    ),
    # trends and forecasts (trajectory.py)
    "forecast": ("到期预测", "Forecast"),
    "forecast_status": ("预测结论", "Forecast status"),
    "node_reached": ("完成节点“{node}”", "reached node '{node}'"),
    "nodes": ("时间节点", "Time nodes"),
    "node": ("节点", "Node"),
    "node_share": ("完成比例", "Share"),
    "reached": ("完成日期", "Reached"),
    "reason.node-missed": ("时间节点“{node_zh}”（{date}）已逾期 {days} 天未完成", "time node '{node_en}' due {date} missed by {days} days"),
    "reason.nodes-met": ("已完成 {reached}/{nodes} 个时间节点，到期节点均已完成", "{reached} of {nodes} time nodes reached, none missed"),
    "nodes_set": ("已为 {task} 设定 {count} 个时间节点（{id}）", "set {count} time nodes on {task} ({id})"),
    "forecast.on-track": ("有望完成", "on track"),
    "forecast.at-risk": ("难以按期完成", "at risk"),
    "forecast.text": ("按近两次报送的进度，到 {deadline} 预计达到 {value}，{status}", "{value} by {deadline} at the pace of the last two reports: {status}"),
    "reason.forecast-at-risk": (
        "绿灯，但按当前进度到 {deadline} 只能达到 {value}，难以按期完成",
        "green, but at its current pace it reaches only {value} by {deadline}: at risk",
    ),
}


def pick_lang(option: str | None = None) -> str:
    for candidate in (option, os.environ.get("SDPOLICY_LANG")):
        if candidate:
            return "zh" if candidate.lower().startswith("zh") else "en"
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def t(key: str, lang: str, **values: Any) -> str:
    zh, en = _WORDS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def pair(obj: Any, stem: str, lang: str) -> str:
    """The zh or en variant of a bilingual field (`title`, `name`, `lead`, …), falling back to the other."""
    first, second = (f"{stem}_zh", f"{stem}_en") if lang == "zh" else (f"{stem}_en", f"{stem}_zh")
    get = obj.get if isinstance(obj, dict) else lambda key: getattr(obj, key, None)
    return get(first) or get(second) or ""
