"""Chart titles, axis labels and legends."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # shared
    "fig.n": ("n={n}", "n={n}"),
    "fig.label_n": ("{label}（n={n}）", "{label} (n={n})"),
    "fig.date_format": ("%m/%d", "%d %b"),
    "fig.pp": ("{v}个百分点", "{v} pp"),
    # units (axis labels)
    "fig.unit.share": ("占比", "Share"),
    "fig.unit.ratio": ("比例", "Ratio"),
    "fig.unit.points": ("分（0–100）", "Points (0–100)"),
    "fig.unit.per100hh30d": ("件/百户·30天", "Per 100 households·30 days"),
    "fig.unit.per100assets30d": ("次/百台·30天", "Per 100 assets·30 days"),
    "fig.unit.minutes": ("分钟", "Minutes"),
    "fig.unit.hours": ("小时", "Hours"),
    "fig.unit.rating": ("评分（1–5）", "Rating (1–5)"),
    "fig.unit.count": ("数量", "Count"),
    # period comparison
    "fig.compare.title": ("{group}：各时期对比", "{group}: comparison by period"),
    "fig.compare.note": (
        "误差线：95%置信区间；n：样本量；*：与基线期相比差异显著（p<0.05）",
        "Error bars: 95% confidence interval; n: sample size; *: significant change vs baseline (p < 0.05)",
    ),
    # dimension comparison
    "fig.dims.title": ("{metric}：分项对比", "{metric} by dimension"),
    "fig.dims.pass": ("合格线 {score:g} 分", "Pass mark {score:g}"),
    "fig.dims.note": (
        "圆点：各时期均值；横线：95%置信区间；n：样本量",
        "Dots: period mean; lines: 95% confidence interval; n: sample size",
    ),
    "fig.inspection_dimension.保洁": ("保洁", "Cleaning"),
    "fig.inspection_dimension.绿化": ("绿化", "Greening"),
    "fig.inspection_dimension.垃圾分类": ("垃圾分类", "Waste sorting"),
    "fig.inspection_dimension.安全秩序": ("安全秩序", "Security"),
    "fig.inspection_dimension.客户服务": ("客户服务", "Customer service"),
    "fig.inspection_dimension.设施设备": ("设施设备", "Facilities"),
    # equipment
    "fig.failure.title": ("各类设备故障率", "Equipment failure rate by type"),
    "fig.failure.type": ("设备类型", "Equipment type"),
    "fig.failure.note": (
        "故障率 = 故障次数 × 100 / 该类设备台数 × 30 / 时期天数；n：故障次数",
        "Rate = failures × 100 / assets of the type × 30 / days in period; n: failures",
    ),
    # repair arrival distribution
    "fig.arrival.title": ("报修到场时长分布（累计）", "Repair arrival time (cumulative distribution)"),
    "fig.arrival.xlabel": ("到场时长（分钟，对数刻度）", "Time to arrival (minutes, log scale)"),
    "fig.arrival.ylabel": ("已到场工单累计占比", "Cumulative share of orders"),
    "fig.arrival.sla": ("时限 {minutes:g} 分钟", "SLA {minutes:g} min"),
    "fig.arrival.note": (
        "仅含已到场的非取消工单；未记录到场时间的工单 {k} 单未画出",
        "Non-cancelled orders with an arrival time; {k} orders without one are not shown",
    ),
    "fig.urgency.normal": ("普通报修", "Normal orders"),
    "fig.urgency.urgent": ("紧急报修", "Urgent orders"),
    # weekly trends
    "fig.trend.title": ("周度趋势", "Weekly trends"),
    "fig.trend.xlabel": ("周", "Week"),
    "fig.trend.note": (
        "圆点：周值（跨时期的周按时期拆分）；粗横线：各时期水平；浅色底纹：质量月与巩固期",
        "Dots: weekly values (weeks split at period boundaries); thick lines: period level; "
        "shading: quality month and follow-up",
    ),
    "fig.trend.satisfaction": ("满意度指数", "Satisfaction index"),
    "fig.trend.satisfaction.unit": ("分（0–100）", "Points (0–100)"),
    "fig.trend.complaints": ("有效投诉（每百户·周）", "Valid complaints per 100 households per week"),
    "fig.trend.complaints.unit": ("件/百户·周", "Per 100 hh·week"),
    "fig.trend.repair_timely": ("报修及时到场率", "Repair on-time arrival rate"),
    "fig.trend.repair_timely.unit": ("及时率（%）", "On time (%)"),
    "fig.trend.arrival_median": ("报修到场时长中位数", "Median repair arrival time"),
    "fig.trend.arrival_median.unit": ("分钟", "Minutes"),
    # pareto
    "fig.pareto.title_complaints": ("投诉类别帕累托图", "Complaint categories (Pareto)"),
    "fig.pareto.title_repairs": ("报修类别帕累托图", "Repair categories (Pareto)"),
    "fig.pareto.count": ("件数", "Count"),
    "fig.pareto.cum": ("累计占比", "Cumulative share"),
    "fig.pareto.line80": ("80%线", "80% line"),
    "fig.pareto.other": ("其他（{k}类）", "Other ({k} categories)"),
    "fig.pareto.note": (
        "柱：件数（前 {top} 类，其余合并）；折线：累计占比；橙色虚线：80%",
        "Bars: count (top {top} categories, the rest pooled); line: cumulative share; dashed: 80%",
    ),
    # hazards
    "fig.hazard.title": ("隐患整改漏斗（按隐患等级）", "Hazard rectification funnel by severity"),
    "fig.hazard.count": ("隐患数", "Hazards"),
    "fig.hazard.found": ("发现", "Found"),
    "fig.hazard.rectified": ("已整改", "Rectified"),
    "fig.hazard.on_time": ("按期整改", "On time"),
    "fig.hazard.note": (
        "已整改：截至统计日已整改；按期整改：在整改期限当天结束前完成；百分比相对于发现数",
        "Rectified: by the as-of date; on time: by the end of the due date; percentages of hazards found",
    ),
    "fig.severity.minor": ("一般隐患", "Minor"),
    "fig.severity.major": ("较大隐患", "Major"),
    "fig.severity.critical": ("重大隐患", "Critical"),
    # training
    "fig.training.title": ("各岗位培训覆盖率", "Training coverage by role"),
    "fig.training.ylabel": ("覆盖率（受训人数/编制人数）", "Coverage (trained / headcount)"),
    "fig.training.role": ("岗位", "Role"),
    "fig.training.note": (
        "标注：受训人数（去重）/ 编制人数",
        "Labels: distinct employees trained / headcount",
    ),
    "fig.role.客服": ("客服", "Customer service"),
    "fig.role.工程": ("工程", "Engineering"),
    "fig.role.秩序": ("秩序", "Security"),
    "fig.role.保洁": ("保洁", "Cleaning"),
    "fig.role.绿化": ("绿化", "Greening"),
    "fig.role.管理": ("管理", "Management"),
    # control charts
    "fig.cc.centre": ("中心线（基线期）", "Centre line (baseline)"),
    "fig.cc.limits": ("控制限（±3σ）", "Control limits (±3σ)"),
    "fig.cc.beyond": ("超出控制限", "Beyond limits"),
    "fig.cc.run": ("连续8点同侧", "Run of 8 on one side"),
    "fig.cc.week": ("周", "Week"),
    "fig.cc.note": (
        "控制限由基线期计算；共 {weeks} 个周点，{k} 个异常信号",
        "Limits from the baseline period; {weeks} weekly points, {k} signals",
    ),
    "fig.pchart.title": ("P控制图：{metric}（按周）", "p-chart: {metric} (weekly)"),
    "fig.uchart.title": (
        "U控制图：有效投诉（每百户·周）",
        "u-chart: valid complaints per 100 households per week",
    ),
    "fig.uchart.ylabel": ("件/百户·周", "Per 100 households·week"),
    "fig.imr.title": ("I-MR控制图：报修到场时长（逐单）", "I-MR chart: repair arrival time (per order)"),
    "fig.imr.panel": ("{urgency}（n={n}）", "{urgency} (n={n})"),
    "fig.imr.ylabel": ("到场时长（分钟，对数）", "Minutes (log scale)"),
    "fig.imr.mr": ("移动极差", "Moving range"),
    "fig.imr.xlabel": ("工单序号（按报修时间）", "Order number (in order of reporting)"),
    "fig.imr.note": (
        "按对数到场时长计算；中心线与控制限由基线期计算；移动极差为相邻工单对数值之差的绝对值",
        "Computed on log minutes; centre and limits from the baseline; moving range = |difference of consecutive log values|",
    ),
    "fig.imr.limits": ("控制限（均值±2.66×平均移动极差）", "Limits (mean ± 2.66 × mean moving range)"),
    # notebook 02
    "fig.nb.summary": (
        "**{name}**：共 {metrics} 项指标、{rows} 个指标值，已写入 metrics.csv、changes.csv、targets.csv。",
        "**{name}**: {metrics} metrics, {rows} values, written to metrics.csv, changes.csv and targets.csv.",
    ),
    "fig.nb.no_targets": ("参数文件未设定目标。", "No targets are set in the params file."),
    # target table
    "fig.target.kind": ("目标类型", "Target type"),
    "fig.target.target": ("目标", "Target"),
    "fig.target.baseline": ("基线值", "Baseline"),
    "fig.target.actual": ("实际值", "Actual"),
    "fig.target.result": ("达成情况", "Result"),
    "fig.target_kind.delta": ("较基线变化", "Change vs baseline"),
    "fig.target_kind.relative_change": ("较基线相对变化", "Relative change vs baseline"),
    "fig.target_kind.at_least": ("不低于", "At least"),
    "fig.target_kind.at_most": ("不高于", "At most"),
}
