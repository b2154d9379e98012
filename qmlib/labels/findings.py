"""Shortcoming categories, severities and evidence sentence templates; plan labels.

Keys:

- ``finding.category.<code>`` / ``finding.severity.<code>`` / ``finding.kind.<kind>``:
  display names of the codes written to shortcomings.csv.
- ``finding.ev.<kind>[.<variant>]``: the evidence sentence of one finding kind,
  a ``str.format`` template; every placeholder is filled with a number or a
  name computed from the data by ``qmlib.shortcomings``.
- ``finding.word.*``, ``finding.dim.*``, ``finding.col.*``: words used inside
  sentences and column headers of the ranked table.
- ``plan.*``: PDCA stage names and plan column headers (plan.csv / plan.xlsx).
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # ---- categories (shortcomings.csv `category`) -------------------------
    "finding.category.target": ("目标未达成", "Target not met"),
    "finding.category.deterioration": ("指标变差", "Deterioration"),
    "finding.category.routine_mechanism": ("长效机制缺失", "Missing routine mechanism"),
    "finding.category.timeliness": ("服务时效", "Service timeliness"),
    "finding.category.backlog": ("积压未办结", "Open backlog"),
    "finding.category.safety": ("安全隐患", "Safety hazards"),
    "finding.category.equipment": ("设施设备", "Equipment"),
    "finding.category.concentration": ("问题集中", "Concentrated problems"),
    "finding.category.lagging": ("短板区域", "Lagging areas"),
    "finding.category.training": ("员工培训", "Training"),
    "finding.category.stability": ("过程异常", "Process signals"),
    "finding.category.data_quality": ("数据局限", "Data limits"),
    # ---- severities ----------------------------------------------------------
    "finding.severity.high": ("高", "High"),
    "finding.severity.medium": ("中", "Medium"),
    "finding.severity.low": ("低", "Low"),
    # ---- kinds ---------------------------------------------------------------
    "finding.kind.target_missed": ("目标未达成", "Target missed"),
    "finding.kind.metric_worsened": ("指标显著变差", "Metric significantly worse"),
    "finding.kind.failure_rate_up": ("设备故障率显著上升", "Equipment failure rate up"),
    "finding.kind.gain_not_held": ("质量月成效未保持", "Quality-month gain not held"),
    "finding.kind.repair_sla_lag": ("报修超时集中", "Repair SLA misses concentrated"),
    "finding.kind.open_backlog": ("未办结事项积压", "Open backlog"),
    "finding.kind.hazard_overdue": ("较大及以上隐患逾期", "Overdue major/critical hazards"),
    "finding.kind.serious_incident": ("较大及以上安全事故", "Serious safety incidents"),
    "finding.kind.repeat_failure": ("设备反复故障", "Repeatedly failing asset"),
    "finding.kind.maintenance_late": ("计划维保超期或未执行", "Late or missed maintenance"),
    "finding.kind.pareto_complaints": ("投诉类别集中", "Vital few complaint categories"),
    "finding.kind.pareto_repairs": ("报修类别集中", "Vital few repair categories"),
    "finding.kind.lagging_building": ("楼栋满意度落后", "Building lags in satisfaction"),
    "finding.kind.lagging_dimension": ("满意度分项落后", "Satisfaction dimension lags"),
    "finding.kind.training_gap": ("岗位培训覆盖不足", "Training gaps by role"),
    "finding.kind.control_signal": ("控制图异常信号", "Control-chart signal"),
    "finding.kind.data_rejects": ("拒收行较多", "Many rejected rows"),
    "finding.kind.data_missing_tables": ("缺少数据表", "Missing tables"),
    # ---- words used in sentences ---------------------------------------------
    "finding.word.pp": ("个百分点", " pp"),
    "finding.word.list_sep": ("、", ", "),
    "finding.word.clause_sep": ("；", "; "),
    "finding.word.backlog_work_orders": (
        "报修工单未完成{n}张（账龄{buckets}）",
        "{n} work orders not completed (age {buckets})",
    ),
    "finding.word.backlog_complaints": (
        "有效投诉未办结{n}件（账龄{buckets}）",
        "{n} valid complaints not closed (age {buckets})",
    ),
    "finding.word.backlog_hazards": (
        "隐患未整改{n}项（账龄{buckets}）",
        "{n} hazards not rectified (age {buckets})",
    ),
    "finding.word.more": ("等{n}项", "and {n} more"),
    "finding.word.days": ("{n}天", "{n} days"),
    "finding.word.p": ("p={p}", "p = {p}"),
    "finding.word.age_young": ("≤{a}天{n}", "≤{a} days: {n}"),
    "finding.word.age_mid": ("{a}–{b}天{n}", "{a}–{b} days: {n}"),
    "finding.word.age_old": (">{b}天{n}", ">{b} days: {n}"),
    "finding.word.incident_item": ("{id}（{severity}，{type}，{date}）", "{id} ({severity}, {type}, {date})"),
    "finding.word.hazard_item": (
        "{id}（{severity}，{area}，逾期{days}天）",
        "{id} ({severity}, {area}, {days} days overdue)",
    ),
    "finding.word.category_share": ("{name}（{share}）", "{name} ({share})"),
    "finding.word.role_cover": (
        "{role} {trained}/{headcount}人（{share}）",
        "{role} {trained}/{headcount} ({share})",
    ),
    "finding.word.reject_cols": ("{col}（{n}行）", "{col} ({n} rows)"),
    "finding.word.location": ("，{location}", ", {location}"),
    "finding.rule.beyond_limits": ("超出控制限", "beyond the control limits"),
    "finding.rule.run_of_8": ("连续8点位于中心线同侧", "a run of 8 on one side"),
    "finding.chart.p": ("{metric}（周p图）", "{metric} (weekly p-chart)"),
    "finding.chart.u": (
        "每百户每周有效投诉数（u图）",
        "valid complaints per 100 households per week (u-chart)",
    ),
    "finding.chart.imr": (
        "报修到场时长（分钟，单值图，{subgroup}）",
        "repair arrival minutes (I-chart, {subgroup})",
    ),
    "finding.word.group": ("{dim}“{group}”", "{dim} “{group}”"),
    "finding.dim.urgency": ("紧急程度", "urgency"),
    "finding.dim.category": ("报修类别", "category"),
    "finding.dim.building": ("楼栋", "building"),
    # ---- evidence sentences ----------------------------------------------------
    "finding.ev.target_missed.delta": (
        "目标为{metric}较基线变化{op}{target}：{period}为{actual}，基线为{baseline}，变化{change}，未达成。",
        "Target of a change {op} {target} in {metric} not met: {actual} in the {period} vs {baseline} at baseline (change {change}).",
    ),
    "finding.ev.target_missed.relative_change": (
        "目标为{metric}较基线相对变化{op}{target}：{period}为{actual}，基线为{baseline}，相对变化{change}，未达成。",
        "Target of a relative change {op} {target} in {metric} not met: {actual} in the {period} vs {baseline} at baseline ({change}).",
    ),
    "finding.ev.target_missed.at_least": (
        "目标为{period}{metric}≥{target}：实际为{actual}，未达成。",
        "Target of {metric} ≥ {target} in the {period} not met: actual {actual}.",
    ),
    "finding.ev.target_missed.at_most": (
        "目标为{period}{metric}≤{target}：实际为{actual}，未达成。",
        "Target of {metric} ≤ {target} in the {period} not met: actual {actual}.",
    ),
    "finding.ev.metric_worsened": (
        "{metric}{period}为{value}（n={n}），较基线{baseline}（n={n0}）显著变差，变化{change}，{p}。",
        "{metric} worsened significantly in the {period}: {value} (n = {n}) vs {baseline} at baseline (n = {n0}), change {change}, {p}.",
    ),
    "finding.ev.gain_not_held": (
        "{metric}质量月提升至{qm}（基线{baseline}，变化{qm_change}，{qm_p}），巩固期回落至{fu}（较基线变化{fu_change}，{fu_p}），提升未能保持。",
        "{metric} rose to {qm} in the quality month (baseline {baseline}, change {qm_change}, {qm_p}) but was {fu} in the follow-up (change vs baseline {fu_change}, {fu_p}): the gain did not hold.",
    ),
    "finding.ev.repair_sla_lag": (
        "{dim}为“{group}”的报修超时率为{miss_share}（{n}单中{miss}单未按时到场），高于其余工单的{rest_share}（n={rest_n}），95%置信区间不重叠。",
        "Repairs with {dim} “{group}” missed the arrival SLA in {miss_share} of cases ({miss} of {n}) vs {rest_share} for the other orders (n = {rest_n}); the 95% CIs do not overlap.",
    ),
    "finding.ev.open_backlog": (
        "截至{as_of}，仍有未办结事项：{items}。",
        "As of {as_of}, open items remained: {items}.",
    ),
    "finding.ev.hazard_overdue": (
        "截至{as_of}，{count}项较大及以上隐患逾期未整改：{items}。",
        "As of {as_of}, major or critical hazards overdue and not rectified: {count} ({items}).",
    ),
    "finding.ev.serious_incident": (
        "分析期内发生{count}起较大及以上安全事故：{items}。",
        "{count} major or critical safety incidents occurred in the analysis window: {items}.",
    ),
    "finding.ev.repeat_failure": (
        "设备{asset}（{type}{location}）在{first}至{last}期间故障{count}次，达到反复故障阈值（{threshold}次）。",
        "Asset {asset} ({type}{location}) failed {count} times between {first} and {last} (repeat-failure threshold: {threshold}).",
    ),
    "finding.ev.maintenance_late": (
        "已到期的计划维保{n}次中，{late}次超期（超过容差{tol}天）、{missed}次未执行，按时率仅{share}。",
        "Of {n} planned maintenance jobs due, {late} were late (beyond {tol} days' tolerance) and {missed} were not done: only {share} on time.",
    ),
    "finding.ev.pareto_complaints": (
        "投诉高度集中：{k}个类别（共{total}类）占有效投诉的{share}（{n}件中{m}件）：{cats}。",
        "Complaints are concentrated: {k} of {total} categories account for {share} of valid complaints ({m} of {n}): {cats}.",
    ),
    "finding.ev.pareto_repairs": (
        "报修高度集中：{k}个类别（共{total}类）占报修工单的{share}（{n}单中{m}单）：{cats}。",
        "Repairs are concentrated: {k} of {total} categories account for {share} of work orders ({m} of {n}): {cats}.",
    ),
    "finding.ev.lagging_building": (
        "{building}的满意度指数为{value}（n={n}，95%置信区间{lo}–{hi}），低于其他楼栋的{rest}（n={rest_n}，95%置信区间{rest_lo}–{rest_hi}）。",
        "Building {building} has a satisfaction index of {value} (n = {n}, 95% CI {lo}–{hi}), below {rest} for the other buildings (n = {rest_n}, 95% CI {rest_lo}–{rest_hi}).",
    ),
    "finding.ev.lagging_dimension": (
        "满意度分项“{dimension}”为{value}（n={n}，95%置信区间{lo}–{hi}），低于其他分项的{rest}（n={rest_n}，95%置信区间{rest_lo}–{rest_hi}）。",
        "The satisfaction dimension “{dimension}” scores {value} (n = {n}, 95% CI {lo}–{hi}), below {rest} for the other dimensions (n = {rest_n}, 95% CI {rest_lo}–{rest_hi}).",
    ),
    "finding.ev.training_gap": (
        "分析期内培训覆盖率低于{min}的岗位：{items}。",
        "Roles with training coverage below {min} in the analysis window: {items}.",
    ),
    "finding.ev.control_signal": (
        "控制图“{chart}”在{first}至{last}出现{count}个不利方向的异常点（{rules}），最近异常点为{value}，中心线{centre}。",
        "Control chart “{chart}” flagged {count} points in the unfavourable direction between {first} and {last} ({rules}); the latest was {value} vs a centre line of {centre}.",
    ),
    "finding.ev.data_rejects": (
        "{table}共读取{read}行，拒收{rejected}行（{share}），主要问题列：{cols}；该表相关指标的可靠性受限。",
        "{table}: {rejected} of {read} rows were rejected ({share}), mostly in {cols}; metrics from this table are less reliable.",
    ),
    "finding.ev.data_missing_tables": (
        "未提供以下数据表，相关指标无法评价：{tables}。",
        "These tables were not supplied, so their metrics could not be assessed: {tables}.",
    ),
    # ---- ranked table columns ------------------------------------------------
    "finding.col.shortcoming_id": ("编号", "ID"),
    "finding.col.category": ("类别", "Category"),
    "finding.col.severity": ("严重程度", "Severity"),
    "finding.col.kind": ("问题类型", "Kind"),
    "finding.col.metric": ("相关指标", "Metric"),
    "finding.col.evidence": ("依据", "Evidence"),
    # ---- plan ----------------------------------------------------------------
    "plan.stage.Plan": ("计划（P）", "Plan"),
    "plan.stage.Do": ("执行（D）", "Do"),
    "plan.stage.Check": ("检查（C）", "Check"),
    "plan.stage.Act": ("处理（A）", "Act"),
    "plan.col.community_id": ("项目编号", "Community"),
    "plan.col.action_id": ("措施编号", "Action ID"),
    "plan.col.shortcoming_id": ("对应问题", "Shortcoming"),
    "plan.col.action": ("整改措施", "Action"),
    "plan.col.owner_role": ("责任岗位", "Owner"),
    "plan.col.due_on": ("完成期限", "Due on"),
    "plan.col.kpi": ("验证指标", "KPI"),
    "plan.col.kpi_target": ("目标值", "KPI target"),
    "plan.col.pdca_stage": ("PDCA阶段", "PDCA stage"),
    "plan.col.kpi_target_text": ("目标", "Target"),
    "plan.col.kpi_current": ("当前值", "Current value"),
    "plan.sheet": ("整改计划", "Improvement plan"),
    "plan.kpi_subject": ("{kpi}（{subject}）", "{kpi} ({subject})"),
}
