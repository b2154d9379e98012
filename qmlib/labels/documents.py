"""Labels of the documents people hand on: report.docx, report.pdf, brief.html/pdf.

Also the plain-statistics sentences ("提升 8.1 分，超出抽样波动范围（p<0.001）")
used by :mod:`qmlib.documents.wording`, and the units said in words.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # ---- titles and front matter --------------------------------------------
    "doc.title": (
        "{year}年{month}月 {name}质量月工作总结",
        "{name}: Quality Month Summary, {month_name} {year}",
    ),
    "doc.brief_title": (
        "{year}年{month}月 {name}质量月工作简报",
        "{name}: Quality Month Brief, {month_name} {year}",
    ),
    "doc.running_header": ("{name} · {year}年{month}月质量月", "{name} · Quality month {month_name} {year}"),
    "doc.page": ("第 {page} 页 / 共 {pages} 页", "Page {page} of {pages}"),
    "doc.theme": ("质量月主题", "Theme"),
    "doc.organisation": ("组织领导", "Organised by"),
    "doc.signed_by": ("报告人", "Submitted by"),
    "doc.company": ("物业服务企业", "Property company"),
    "doc.period": ("质量月", "Quality month"),
    "doc.periods": ("统计时期", "Periods"),
    "doc.as_of": ("数据截至", "Data as of"),
    "doc.date": ("报告日期", "Date"),
    "doc.toc": ("目录", "Contents"),
    "doc.colon": ("：", ": "),
    "doc.toc_hint": (
        "（打开文档后按 F9 或右键“更新域”生成目录）",
        "(press F9 or right-click → Update Field to build the table of contents)",
    ),
    "doc.sec.foreword": ("前言", "Foreword"),
    "doc.sec.targets": ("一、目标回顾", "1. Targets"),
    "doc.sec.activities": ("二、核心工作举措与亮点", "2. Key initiatives and highlights"),
    "doc.sec.results": ("三、取得的成效与量化数据", "3. Results in numbers"),
    "doc.sec.shortcomings": ("四、存在的问题与不足", "4. Problems and shortcomings"),
    "doc.sec.plan": ("五、未来展望与改进计划", "5. Outlook and improvement plan"),
    "doc.sec.appendix": ("附录", "Appendix"),
    "doc.foreword.default": (
        "{name}于 {start} 至 {end} 开展物业服务质量月活动。本报告以基线期（{base_start} 至 {base_end}）为对照，"
        "回顾质量月目标完成情况，总结核心举措与取得的成效，分析存在的问题，并提出下一步改进计划。",
        "{name} held its property-service quality month from {start} to {end}. Measured against the baseline "
        "({base_start} to {base_end}), this report reviews the targets, the main initiatives and their results, "
        "the problems that remain, and the plan for the months ahead.",
    ),
    # ---- plain statistics ----------------------------------------------------
    "doc.stat.up": ("提升", "up"),
    "doc.stat.down": ("下降", "down"),
    "doc.stat.significant": (
        "{verb} {amount}，超出抽样波动范围（{p}）",
        "{verb} {amount}, beyond sampling noise ({p})",
    ),
    "doc.stat.not_significant_good": (
        "变化在抽样波动范围内，不能认定为改善（{p}）",
        "within sampling noise: not a proven improvement ({p})",
    ),
    "doc.stat.not_significant_bad": (
        "变化在抽样波动范围内，不能认定为变差（{p}）",
        "within sampling noise: not a proven deterioration ({p})",
    ),
    "doc.stat.no_change": ("与基线持平", "unchanged from the baseline"),
    "doc.stat.no_test": ("{verb} {amount}（未做显著性检验）", "{verb} {amount} (no significance test)"),
    "doc.stat.better": ("，属改善", ", an improvement"),
    "doc.stat.worse": ("，确有变差，需要正视", ", a real deterioration to be faced"),
    "doc.stat.small": ("样本较少（n={n}），仅供参考", "small sample (n={n}), indicative only"),
    "doc.stat.p_small": ("p<0.001", "p<0.001"),
    "doc.stat.p_alpha": ("p<{alpha}", "p<{alpha}"),
    "doc.stat.p_value": ("p={value}", "p={value}"),
    "doc.stat.legend": (
        "说明：“超出抽样波动范围”指变化在 5% 显著性水平下具有统计显著性（p<0.05），可以认定为真实变化；"
        "“在抽样波动范围内”指变化可能只是抽样的偶然波动，不能据此认定改善或变差，以中性标示。"
        "样本量少于 10 的指标标注为“样本较少”，不单独作为结论依据。",
        'Note: "beyond sampling noise" means the change is statistically significant at the 5% level '
        '(p<0.05) and can be taken as real; "within sampling noise" means it may be chance, so it is shown '
        "as neutral and claimed neither as an improvement nor as a deterioration. Metrics with fewer than "
        "10 observations are flagged as a small sample and never decide a verdict on their own.",
    ),
    "doc.unit.points": ("{value} 分", "{value} points"),
    "doc.unit.rating": ("{value} 分", "{value} points"),
    "doc.unit.minutes": ("{value} 分钟", "{value} min"),
    "doc.unit.hours": ("{value} 小时", "{value} h"),
    "doc.unit.pp": ("{value} 个百分点", "{value} percentage points"),
    "doc.unit.count": ("{value}", "{value}"),
    "doc.unit.rate": ("{value}", "{value}"),
    # ---- report.docx body ----------------------------------------------------
    "doc.col.metric": ("指标", "Metric"),
    "doc.col.target": ("目标", "Target"),
    "doc.col.period": ("考核期", "Period"),
    "doc.col.baseline": ("基线值", "Baseline"),
    "doc.col.actual": ("实际值", "Actual"),
    "doc.col.result": ("结果", "Result"),
    "doc.col.statement": ("统计结论", "What the data say"),
    "doc.col.change_vs": ("{period}较基线", "{period} vs baseline"),
    "doc.col.n": ("样本量", "n"),
    "doc.col.no": ("序号", "No."),
    "doc.col.severity": ("严重程度", "Severity"),
    "doc.col.category": ("类别", "Category"),
    "doc.col.problem": ("问题与依据", "Problem and evidence"),
    "doc.col.action": ("措施", "Action"),
    "doc.col.owner": ("责任人", "Owner"),
    "doc.col.due": ("完成时限", "Due"),
    "doc.col.kpi": ("验证指标", "KPI"),
    "doc.col.current": ("当前值", "Current"),
    "doc.col.kpi_target": ("目标值", "Target"),
    "doc.col.stage": ("PDCA", "PDCA"),
    "doc.col.mechanism": ("长效机制", "Routine mechanism"),
    "doc.col.activity": ("举措", "Initiative"),
    "doc.col.date": ("日期", "Date"),
    "doc.col.participants": ("参与人次", "Participants"),
    "doc.targets.intro": (
        "对照质量月启动时设定的量化目标，逐项核对完成情况：",
        "Each quantified target set at the start of the quality month, checked against the data:",
    ),
    "doc.targets.none": (
        "本次质量月未设定量化目标。",
        "No quantified targets were set for this quality month.",
    ),
    "doc.targets.tally": (
        "设定的 {total} 项目标中，已达成 {met} 项，未达成 {missed} 项，无法判断 {unknown} 项。",
        "Of {total} targets, {met} met, {missed} not met and {unknown} not assessable.",
    ),
    "doc.activities.intro": (
        "质量月期间共开展举措 {count} 项，参与 {participants} 人次。",
        "{count} initiatives were held during the quality month, with {participants} participants.",
    ),
    "doc.activities.none": ("未提供质量月举措记录。", "No record of quality-month initiatives was supplied."),
    "doc.results.intro": (
        "主要指标在质量月和巩固期与基线期的对比（明细见附录）：",
        "The main metrics in the quality month and the follow-up against the baseline "
        "(details in the appendix):",
    ),
    "doc.results.none": ("没有可对比的指标。", "No metric could be compared."),
    "doc.figure": ("图{n} {caption}", "Figure {n}. {caption}"),
    "doc.shortcomings.intro": (
        "依据数据识别出 {count} 项问题，按严重程度排序：",
        "The data point to {count} problems, most serious first:",
    ),
    "doc.shortcomings.none": (
        "数据未显示需要单独列出的问题。",
        "The data show no problem that needs to be listed.",
    ),
    "doc.plan.intro": (
        "针对上述问题，按 PDCA（计划—执行—检查—处理）循环制定以下改进措施：",
        "For the problems above, the following actions follow the PDCA cycle (plan, do, check, act):",
    ),
    "doc.plan.actions": ("（一）改进措施", "Actions"),
    "doc.plan.routines": ("（二）长效机制", "Routine mechanisms"),
    "doc.plan.none": ("暂无需要单独制定的改进措施。", "No separate action is needed."),
    "doc.appendix.metrics": ("（一）指标明细", "A. Metric details"),
    "doc.appendix.ingest": ("（二）数据质量", "B. Data quality"),
    "doc.appendix.methods": ("（三）方法说明", "C. Methods"),
    "doc.small_sample": ("样本较少", "small sample"),
    "doc.missing": ("—", "—"),
    # ---- insights (insights.csv) ------------------------------------------------
    "doc.insights.causes": ("原因分析", "What lies behind the problems"),
    "doc.insights.cause_item": ("{id}：{text}", "{id}: {text}"),
    "doc.insights.case": ("典型案例", "Typical cases"),
    "doc.insights.voice": ("业主声音", "What residents say"),
    "doc.insights.initiative": ("举措与成效", "Initiatives and what followed"),
    "doc.insights.caveat": ("（四）比较的局限", "D. Limits of the comparisons"),
    "doc.brief.cause": ("主要原因：{text}", "Main cause: {text}"),
    # ---- PDCA across months -----------------------------------------------------
    "doc.pdca.title": ("上期改进计划跟踪", "Follow-up of the previous plan"),
    "doc.pdca.intro": (
        "对 {month} 质量月制定的 {n} 项改进措施，按本期数据逐项核对验证指标：已达成 {achieved} 项，未达成 {not_achieved} 项，"
        "逾期未达成 {overdue} 项，无法用指标核对 {not_checkable} 项。",
        "The {n} actions planned after the {month} quality month, each checked on this period's data: "
        "{achieved} achieved, {not_achieved} not yet achieved, {overdue} overdue, {not_checkable} not checkable "
        "from the metrics.",
    ),
    "doc.pdca.month": ("{year}年{month}月", "{month_name} {year}"),
    "doc.pdca.col.value_now": ("本期值", "Now"),
    "doc.pdca.col.status": ("状态", "Status"),
    "doc.pdca.status.achieved": ("已达成", "Achieved"),
    "doc.pdca.status.not_achieved": ("未达成", "Not yet achieved"),
    "doc.pdca.status.overdue": ("逾期未达成", "Overdue"),
    "doc.pdca.status.not_checkable": ("无法用指标核对", "Not checkable"),
    "doc.plan.cadence.weekly": ("按周统计", "weekly"),
    "doc.plan.cadence.monthly": ("按月统计", "monthly"),
    "doc.plan.cadence.quarterly": ("按季度统计", "quarterly"),
    "doc.plan.keep": ("保持 {value}", "keep at {value}"),
    "doc.plan.kpi_cadence": ("{kpi}（{cadence}）", "{kpi} ({cadence})"),
    # ---- brief -------------------------------------------------------------------
    "doc.brief.kpis": ("关键指标", "Key metrics"),
    "doc.brief.targets": ("目标完成情况", "Targets"),
    "doc.brief.targets_met": ("已达成", "Met"),
    "doc.brief.targets_missed": ("未达成", "Not met"),
    "doc.brief.targets_unknown": ("无法判断", "Not assessable"),
    "doc.brief.no_targets": ("未设定量化目标。", "No quantified targets were set."),
    "doc.brief.risks": ("三大风险", "Top three risks"),
    "doc.brief.no_risks": ("数据未显示需要关注的风险。", "The data show no risk that needs attention."),
    "doc.brief.actions": ("重点行动", "Actions that matter most"),
    "doc.brief.no_actions": ("暂无重点行动。", "No action is pending."),
    "doc.brief.count": ("{label}（{n}）", "{label} ({n})"),
    "doc.brief.target_item": (
        "{metric}{target}（{period}）→ 实际 {actual}",
        "{metric}: {target} ({period}) → {actual}",
    ),
    "doc.brief.risk_name": ("{kind}：{subject}", "{kind}: {subject}"),
    "doc.brief.rag.green": ("良好", "On track"),
    "doc.brief.rag.amber": ("关注", "Watch"),
    "doc.brief.rag.red": ("警示", "Act now"),
    "doc.brief.vs_baseline": ("较基线 {change}", "{change} vs baseline"),
    "doc.brief.rag_legend": (
        "绿：达到目标或显著改善；黄：变化在抽样波动范围内或样本较少；红：未达目标或显著变差。",
        "Green: target met or a significant improvement. Amber: within sampling noise or a small sample. "
        "Red: target missed or a significant deterioration.",
    ),
    "doc.brief.footer": (
        "详见《{title}》。数据来源：outputs/{community_id}/。",
        'Full details in "{title}". Data: outputs/{community_id}/.',
    ),
}

#: English month names for titles (data-free, not translations of Chinese text).
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
