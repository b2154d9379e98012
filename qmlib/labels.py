"""Every human-readable label, in Chinese and English, in one place.

``t(key, lang)`` looks a key up; an unknown key falls back to the key itself
so that a missing label is visible, never a crash. Keys are grouped by prefix:
``metric.<id>``, ``period.<name>``, ``table.<name>``, ``group.<name>``,
``section.<n>``, ``fig.<name>``, ``ui.<word>`` and so on. Add new labels here;
no other module holds Chinese display text.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # periods
    "period.baseline": ("基线期", "Baseline"),
    "period.quality_month": ("质量月", "Quality month"),
    "period.followup": ("巩固期", "Follow-up"),
    # tables
    "table.surveys": ("满意度调查", "Satisfaction surveys"),
    "table.work_orders": ("报修工单", "Repair work orders"),
    "table.complaints": ("投诉", "Complaints"),
    "table.assets": ("设备台账", "Asset register"),
    "table.asset_events": ("设备运行维保记录", "Equipment events"),
    "table.hazards": ("隐患排查", "Hazard inspections"),
    "table.inspections": ("品质检查", "Quality inspections"),
    "table.training": ("员工培训", "Staff training"),
    "table.activities": ("质量月举措", "Quality-month activities"),
    "table.incidents": ("安全事故", "Safety incidents"),
    # metric groups
    "group.satisfaction": ("客户满意度", "Satisfaction"),
    "group.complaints": ("投诉管理", "Complaints"),
    "group.repairs": ("报修服务", "Repairs"),
    "group.equipment": ("设施设备", "Equipment"),
    "group.safety": ("安全管理", "Safety"),
    "group.inspections": ("品质检查", "Inspections"),
    "group.training": ("员工培训", "Training"),
    "group.activities": ("质量月举措", "Activities"),
    # metrics
    "metric.satisfaction_index": ("满意度指数", "Satisfaction index"),
    "metric.satisfaction_rate": ("满意率", "Satisfaction rate"),
    "metric.survey_coverage": ("调查覆盖率", "Survey coverage"),
    "metric.complaint_rate": ("投诉率（每百户·30天）", "Complaints per 100 households per 30 days"),
    "metric.complaint_closure_rate": ("投诉办结率", "Complaint closure rate"),
    "metric.complaint_response_timely_rate": ("投诉及时响应率", "Complaint timely-response rate"),
    "metric.repair_arrival_minutes_median": ("报修到场时长中位数（分钟）", "Repair arrival, median (min)"),
    "metric.repair_arrival_minutes_p90": ("报修到场时长P90（分钟）", "Repair arrival, P90 (min)"),
    "metric.repair_timely_rate": ("报修及时到场率", "Repair on-time arrival rate"),
    "metric.repair_completion_rate": ("报修完成率", "Repair completion rate"),
    "metric.repair_rework_rate": ("报修返修率", "Repair rework rate"),
    "metric.repair_rating": ("报修回访评分", "Repair rating"),
    "metric.equipment_failure_rate": ("设备故障率（每百台·30天）", "Failures per 100 assets per 30 days"),
    "metric.equipment_mttr_hours": ("平均修复时长（小时）", "Mean time to repair (h)"),
    "metric.maintenance_on_time_rate": ("计划维保按时率", "Maintenance on-time rate"),
    "metric.hazard_count": ("隐患发现数", "Hazards found"),
    "metric.hazard_rectification_rate": ("隐患整改率", "Hazard rectification rate"),
    "metric.hazard_on_time_rate": ("隐患按期整改率", "Hazard on-time rectification rate"),
    "metric.inspection_score": ("品质检查得分", "Inspection score"),
    "metric.inspection_pass_rate": ("品质检查合格率", "Inspection pass rate"),
    "metric.training_coverage": ("培训覆盖率", "Training coverage"),
    "metric.training_hours_per_employee": ("人均培训学时", "Training hours per employee"),
    "metric.training_pass_rate": ("培训考核合格率", "Training pass rate"),
    "metric.incident_count": ("安全事故数", "Incidents"),
    "metric.serious_incident_count": ("较大及以上事故数", "Serious incidents"),
    "metric.activity_count": ("质量月举措数", "Activities held"),
    # survey dimensions
    "dimension.customer_service": ("客户服务", "Customer service"),
    "dimension.cleaning": ("保洁", "Cleaning"),
    "dimension.greening": ("绿化", "Greening"),
    "dimension.security": ("安全秩序", "Security"),
    "dimension.repairs": ("维修服务", "Repairs"),
    "dimension.facilities": ("设施设备", "Facilities"),
    # asset types (English value → label)
    "asset_type.elevator": ("电梯", "Elevator"),
    "asset_type.fire": ("消防", "Fire protection"),
    "asset_type.water": ("供水", "Water supply"),
    "asset_type.power": ("供电", "Power supply"),
    "asset_type.bas": ("楼宇自控", "Building automation"),
    "asset_type.cctv": ("安防监控", "CCTV"),
    "asset_type.other": ("其他", "Other"),
    # common words
    "ui.value": ("数值", "Value"),
    "ui.n": ("样本量", "n"),
    "ui.ci": ("95%置信区间", "95% CI"),
    "ui.change": ("变化", "Change"),
    "ui.relative_change": ("相对变化", "Relative change"),
    "ui.p_value": ("p值", "p-value"),
    "ui.significant": ("显著", "Significant"),
    "ui.not_significant": ("不显著", "Not significant"),
    "ui.achieved": ("已达成", "Met"),
    "ui.not_achieved": ("未达成", "Not met"),
    "ui.unknown": ("无法判断", "Unknown"),
    "ui.missing": ("无数据", "No data"),
    "ui.table": ("数据表", "Table"),
    "ui.rows_read": ("读取行数", "Rows read"),
    "ui.rows_accepted": ("接受行数", "Rows accepted"),
    "ui.rows_rejected": ("拒收行数", "Rows rejected"),
    "ui.reason": ("原因", "Reason"),
    "ui.count": ("数量", "Count"),
    "ui.period": ("时期", "Period"),
    "ui.metric": ("指标", "Metric"),
    "ui.week": ("周", "Week"),
}


def t(key: str, lang: str = "zh") -> str:
    """The label of ``key`` in ``lang`` ("zh" or "en"); the key itself if unknown."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def metric_label(metric_id: str, lang: str = "zh") -> str:
    """Label of a metric id, including ``<base>.<dimension>`` variants."""
    if metric_id in (k.removeprefix("metric.") for k in LABELS if k.startswith("metric.")):
        return t(f"metric.{metric_id}", lang)
    base, _, suffix = metric_id.partition(".")
    base_label = t(f"metric.{base}", lang)
    if not suffix:
        return base_label
    for prefix in ("dimension", "asset_type"):
        key = f"{prefix}.{suffix}"
        if key in LABELS:
            return f"{base_label}·{t(key, lang)}" if lang == "zh" else f"{base_label}: {t(key, lang)}"
    return f"{base_label}·{suffix}" if lang == "zh" else f"{base_label}: {suffix}"
