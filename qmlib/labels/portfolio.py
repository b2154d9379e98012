"""Labels of the portfolio (company-level) report, the company action board and index.html."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "portfolio.title": ("公司质量月行动看板", "Company quality-month action board"),
    "portfolio.communities": ("小区数", "Communities"),
    "portfolio.month": ("质量月", "Quality month"),
    "portfolio.pooled": (
        "公司整体指标（按分子分母汇总）",
        "Company KPIs (pooled from numerators and denominators)",
    ),
    "portfolio.distribution": ("各小区指标分布", "KPI distribution across communities"),
    "portfolio.community": ("小区", "Community"),
    "portfolio.finding": ("问题类型", "Kind of shortcoming"),
    "portfolio.status": ("运行状态", "Run status"),
    "portfolio.method": (
        "公司整体指标由各小区的分子与分母汇总计算（比率 = Σ达标数 / Σ样本数；均值 = Σ(均值×n) / Σn；"
        "每百户·30天投诉率 = Σ投诉数×100×30 / Σ(户数×天数)），而不是对各小区的比率取平均；"
        "到场时长分位数由全部工单重新计算。",
        "Company KPIs are pooled from each community's numerators and denominators (share = Σ successes / Σ n; "
        "mean = Σ(mean×n) / Σn; complaints per 100 households per 30 days = Σ complaints×100×30 / "
        "Σ(households×days)), never averaged across communities; arrival-time percentiles are recomputed "
        "over all orders.",
    ),
    # which communities are pooled
    "portfolio.scope": ("汇总范围", "Communities in this board"),
    "portfolio.scope.pooled": (
        "纳入汇总 {n} 个小区：本批次运行成功的，以及输入未变、沿用上次有效结果的小区。",
        "Communities pooled: {n}, those that ran successfully in this batch or were "
        "unchanged and keep their last valid outputs.",
    ),
    "portfolio.scope.found": (
        "未找到批次记录（run.json），汇总了输出目录中全部 {n} 个有结果的小区。",
        "No batch record (run.json) was found, so all {n} communities with outputs are pooled.",
    ),
    "portfolio.scope.left_out": ("未纳入：", "Left out: "),
    "portfolio.reason.failed": ("本批次运行失败", "failed in this batch"),
    "portfolio.reason.not_run": ("本批次未运行", "not run in this batch"),
    "portfolio.reason.pending": ("本批次未运行", "not run in this batch"),
    "portfolio.reason.not_in_batch": ("不属于本批次（旧结果）", "not part of this batch (old outputs)"),
    "portfolio.reason.no_outputs": ("没有有效结果", "no valid outputs"),
    # act now
    "portfolio.act": ("立即处理", "Act now"),
    "portfolio.act.hazards": ("逾期未整改的较大及以上隐患", "Overdue major and critical hazards"),
    "portfolio.act.hazards_intro": (
        "共 {n} 项，涉及 {c} 个小区；按等级、逾期天数排序（截至各小区统计截止日）。",
        "Hazards: {n}, in {c} communities; by severity and days overdue (as of each community's as-of date).",
    ),
    "portfolio.act.none_hazards": (
        "没有逾期未整改的较大及以上隐患。",
        "No major or critical hazard is overdue.",
    ),
    "portfolio.act.incidents": ("较大及以上安全事故", "Serious safety incidents"),
    "portfolio.act.incidents_intro": (
        "共 {n} 起，涉及 {c} 个小区（统计期内）。",
        "Incidents in the analysis periods: {n}, in {c} communities.",
    ),
    "portfolio.act.none_incidents": (
        "统计期内没有较大及以上安全事故。",
        "No serious incident in the analysis periods.",
    ),
    "portfolio.col.hazard_id": ("隐患编号", "Hazard"),
    "portfolio.col.area": ("类别", "Area"),
    "portfolio.col.severity": ("等级", "Severity"),
    "portfolio.col.found": ("发现日期", "Found"),
    "portfolio.col.due": ("整改期限", "Due"),
    "portfolio.col.days_over": ("逾期天数", "Days overdue"),
    "portfolio.col.incident_id": ("事故编号", "Incident"),
    "portfolio.col.type": ("类型", "Type"),
    "portfolio.col.date": ("日期", "Date"),
    "portfolio.col.injuries": ("受伤人数", "Injuries"),
    # KPI board
    "portfolio.board": ("小区 × 指标看板", "Community × KPI board"),
    "portfolio.board.intro": (
        "质量月的数值。有目标的指标按目标判断（达成为绿，未达成为红）；没有目标的按公司基准判断："
        "差于公司值且超出95%控制限为红，差于公司值但在控制限内为黄，不差于公司值为绿。"
        "▲/▼ 表示与基线期相比的显著改善/变差。点击表头排序，点击数值打开该小区报告。",
        "Quality-month values. A KPI with a target is judged by it (met: green, missed: red); one without is "
        "judged against the company benchmark: worse than the company and beyond the 95% control limit is red, "
        "worse but within the limits amber, as good or better green. ▲/▼ mark a significant improvement or "
        "deterioration against the baseline. Click a header to sort; click a value to open the community's report.",
    ),
    "portfolio.rag.green": ("良好", "Good"),
    "portfolio.rag.amber": ("关注", "Watch"),
    "portfolio.rag.red": ("需改进", "Act"),
    "portfolio.rag.unknown": ("无法判断", "Cannot judge"),
    "portfolio.basis.target": ("目标", "target"),
    "portfolio.basis.benchmark": ("公司基准", "company benchmark"),
    "portfolio.trend.improved": ("显著改善", "significantly better"),
    "portfolio.trend.worsened": ("显著变差", "significantly worse"),
    "portfolio.reds": ("红灯数", "Red"),
    "portfolio.cell_title": (
        "{metric}：{value}（n={n}）；判断依据：{basis}；{status}",
        "{metric}: {value} (n={n}); judged by {basis}; {status}",
    ),
    "portfolio.no_data": ("无数据", "no data"),
    "portfolio.sort_hint": ("点击排序", "Sort"),
    # funnels
    "portfolio.funnel": ("公平比较：漏斗图", "Fair comparison: funnel plots"),
    "portfolio.funnel.intro": (
        "每个小区的数值按其样本量 n 与公司汇总值比较（Spiegelhalter 2005 漏斗图）：控制限随 n 变化，"
        "样本小的小区不会因偶然波动被评为最差。超出99.8%控制限的小区视为确实偏离公司水平。",
        "Each community is compared with the company's pooled value given its own n (Spiegelhalter 2005 "
        "funnel plots): the control limits widen for small n, so a small community is not called worst by "
        "chance. A community beyond the 99.8% limits truly differs from the company level.",
    ),
    "portfolio.funnel.outside": ("超出控制限的小区", "Communities outside the limits"),
    "portfolio.funnel.none_outside": (
        "所有小区都在99.8%控制限内。",
        "Every community is within the 99.8% limits.",
    ),
    "portfolio.funnel.worse": ("差于公司水平", "worse than the company"),
    "portfolio.funnel.better": ("好于公司水平", "better than the company"),
    "portfolio.funnel.company": ("公司值", "Company"),
    "portfolio.funnel.limit95": ("95%控制限", "95% limits"),
    "portfolio.funnel.limit998": ("99.8%控制限", "99.8% limits"),
    "portfolio.funnel.x.binomial": ("样本量 n", "Sample size n"),
    "portfolio.funnel.x.normal": ("样本量 n", "Sample size n"),
    "portfolio.funnel.x.poisson": (
        "暴露量（户或台×天 / 3000）",
        "Exposure (households or assets × days / 3000)",
    ),
    "portfolio.funnel.limits": ("控制限", "Limits"),
    "portfolio.funnel.model.binomial": ("二项分布精确限", "exact binomial limits"),
    "portfolio.funnel.model.poisson": ("泊松分布精确限", "exact Poisson limits"),
    "portfolio.funnel.model.normal": ("正态限（合并标准差 {sd}）", "normal limits (pooled SD {sd})"),
    "portfolio.funnel.caption": (
        "{metric}：{k} 个小区，公司值 {value}，{model}",
        "{metric}: communities {k}, company {value}, {model}",
    ),
    # common problems
    "portfolio.problems": ("共性问题", "Common problems"),
    "portfolio.problems.intro": (
        "出现在至少2个小区的问题类型及涉及的小区。",
        "Kinds of shortcoming found in at least two communities, with the communities.",
    ),
    "portfolio.problems.none": (
        "没有出现在2个及以上小区的问题。",
        "No shortcoming occurs in two or more communities.",
    ),
    "portfolio.drivers": ("共性影响因素", "Shared insight drivers"),
    "portfolio.driver": ("影响因素", "Driver"),
    "portfolio.share_of_communities": ("涉及小区数", "Communities affected"),
    "portfolio.which": ("小区", "Communities"),
    "portfolio.plan": ("公司层面行动计划", "Company plan"),
    "portfolio.plan.intro": (
        "按覆盖小区数依次选择行动方向（贪心集合覆盖）：每一步选择新增覆盖小区最多的问题类型。",
        "Action areas chosen one by one by the communities they reach (greedy set cover): each step takes the "
        "kind of shortcoming that adds the most communities not yet covered.",
    ),
    "portfolio.plan.step": ("序号", "Step"),
    "portfolio.plan.new": ("新增覆盖", "Newly covered"),
    "portfolio.plan.covered": ("累计覆盖", "Covered so far"),
    # history
    "portfolio.history": ("逐月对比", "Across months"),
    "portfolio.history.intro": (
        "最近 {k} 个质量月的公司值（每月一个历史分区）。",
        "Company values of the last {k} quality months (one history partition per month).",
    ),
    "portfolio.history.single": (
        "目前只有 {month} 一个质量月的记录；下一个质量月运行后显示逐月变化。",
        "Only {month} is recorded so far; the month-to-month change appears after the "
        "next quality month's batch.",
    ),
    "portfolio.history.status": ("各小区红灯数", "Red KPIs per community"),
    "portfolio.history.moves": (
        "与上月相比改善或回落的小区（{prev} → {month}）",
        "Communities that improved or relapsed ({prev} → {month})",
    ),
    "portfolio.history.no_moves": (
        "与上一质量月相比，没有小区的指标状态发生变化。",
        "No community's KPI status changed since the previous quality month.",
    ),
    "portfolio.history.improved": ("改善的指标", "Improved"),
    "portfolio.history.relapsed": ("回落的指标", "Relapsed"),
    # xlsx sheet names (≤ 31 characters)
    "portfolio.sheet.hazards": ("逾期隐患", "Overdue hazards"),
    "portfolio.sheet.incidents": ("安全事故", "Serious incidents"),
    "portfolio.sheet.board": ("指标看板", "KPI board"),
    "portfolio.sheet.funnels": ("漏斗比较", "Funnels"),
    "portfolio.sheet.problems": ("共性问题", "Common problems"),
    "portfolio.sheet.plan": ("公司计划", "Company plan"),
    "portfolio.sheet.history": ("逐月公司值", "History"),
    "portfolio.sheet.moves": ("改善与回落", "Improved and relapsed"),
    "portfolio.sheet.scope": ("汇总范围", "Scope"),
    "portfolio.col.value": ("数值", "Value"),
    "portfolio.col.status": ("状态", "Status"),
    "portfolio.col.basis": ("判断依据", "Basis"),
    "portfolio.col.trend": ("变化", "Change"),
    "portfolio.col.reason": ("说明", "Note"),
    "portfolio.col.pooled": ("纳入汇总", "Pooled"),
    "portfolio.col.limits95": ("95%控制限", "95% limits"),
    "portfolio.col.limits998": ("99.8%控制限", "99.8% limits"),
    "portfolio.yes": ("是", "yes"),
    "portfolio.no": ("否", "no"),
    "portfolio.pdf": ("PDF 版", "PDF"),
    "portfolio.xlsx": ("Excel 表格", "Excel workbook"),
    # index.html
    "index.title": ("质量月批量运行", "Quality-month run"),
    "index.portfolio": ("公司行动看板", "Company action board"),
    "index.details": ("详细记录见", "details in"),
    "index.started": ("开始于", "started"),
    "index.batch_status": ("批次状态", "batch status"),
    "index.col.community": ("小区编号", "Community"),
    "index.col.name": ("名称", "Name"),
    "index.col.status": ("状态", "Status"),
    "index.col.seconds": ("用时（秒）", "Seconds"),
    "index.col.outputs": ("结果", "Outputs"),
    "index.col.error": ("错误", "Error"),
    "index.status.ok": ("成功", "ok"),
    "index.status.failed": ("失败", "failed"),
    "index.status.skipped": ("未变化，已跳过", "unchanged, skipped"),
    "index.status.pending": ("等待中", "pending"),
    "index.status.not_run": ("未运行", "not run"),
    "index.status.earlier": ("以前的运行", "earlier run"),
    "index.previous_outputs": ("显示的是上一次运行的结果", "outputs from the previous run"),
    "index.report": ("报告", "report"),
    "index.docx": ("Word", "Word"),
    "index.pdf": ("PDF", "PDF"),
    "index.brief": ("两页简报", "two-page brief"),
    "index.failed_notebook": ("失败的笔记本", "failed notebook"),
    "index.cell": ("单元格", "cell"),
}
