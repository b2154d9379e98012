"""Reasons for rejected rows (rejects.csv) and data-quality wording."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "reject.required": ("必填项为空", "required value is empty"),
    "reject.required_for": ("记录类型为{kind}时必填，但为空", "required for {kind} records, but empty"),
    "reject.timestamp": (
        "无法识别的时间，可用格式如 2025-09-01 08:30、2025/9/1 8:30、2025年9月1日 8:30、2025-09-01T00:30:00Z",
        "not a recognised date-time; use e.g. 2025-09-01 08:30, 2025/9/1 8:30, 2025年9月1日 8:30, 2025-09-01T00:30:00Z",
    ),
    "reject.date": (
        "无法识别的日期，可用格式如 2025-09-01、2025/9/1、2025年9月1日",
        "not a recognised date; use e.g. 2025-09-01, 2025/9/1, 2025年9月1日",
    ),
    "reject.bool": (
        "不是是/否值，可用：是/否、Y/N、yes/no、true/false、1/0",
        "not a yes/no value; accepted: 是/否, Y/N, yes/no, true/false, 1/0",
    ),
    "reject.enum": ("取值不在可选范围内，可用：{accepted}", "not an accepted value; accepted: {accepted}"),
    "reject.number": ("不是数字", "not a number"),
    "reject.integer": ("不是整数", "not a whole number"),
    "reject.range": ("数值超出范围 {low}–{high}", "value out of range {low}–{high}"),
    "reject.minimum": ("数值不能小于 {low}", "value must be at least {low}"),
    "reject.score": (
        "不是 {scale} 分制的分数，可用 {low}–{high} 分{labels}",
        "not a score on the {scale}-point scale; accepted {low}–{high}{labels}",
    ),
    "reject.score_labels": (
        "，或 非常满意/满意/一般/基本满意/不满意/非常不满意",
        " or 非常满意/满意/一般/基本满意/不满意/非常不满意",
    ),
    "reject.duplicate": ("编号与第 {row} 行重复（保留第一条）", "key repeats row {row} (the first is kept)"),
    "reject.order": ("{later}早于{earlier}", "{later} is before {earlier}"),
    "reject.unknown_asset": ("设备编号不在设备台账中", "asset_id is not in the asset register"),
    "reject.no_assets": ("缺少设备台账，无法核对设备编号", "no asset register to check asset_id against"),
    "reject.more": ("（另有 {n} 处问题）", " (and {n} more problem(s))"),
    "reject.limit": (
        "数值超过合理上限 {high}，请核对",
        "value above the plausible limit of {high}; check it",
    ),
    # notes in ingest_summary.csv (column notes)
    "ingest.note.control_chars": (
        "{n} 个单元格中的控制字符已替换为空格",
        "control characters replaced by spaces in {n} cell(s)",
    ),
    "ingest.note.empty_columns": (
        "忽略了 {n} 个无表头且无内容的列",
        "ignored {n} column(s) with no header and no values",
    ),
    "ingest.note.ignored_file": (
        "未读取此文件：只读取 .csv 和 .xlsx 文件，请另存为 {table}.csv 或 {table}.xlsx",
        "file not read: only .csv and .xlsx files are read; save it as {table}.csv or {table}.xlsx",
    ),
    # column names as a property manager reads them
    "col.reported_at": ("报修时间", "reported_at"),
    "col.dispatched_at": ("派单时间", "dispatched_at"),
    "col.arrived_at": ("到场时间", "arrived_at"),
    "col.completed_at": ("完成时间", "completed_at"),
    "col.received_at": ("投诉时间", "received_at"),
    "col.responded_at": ("响应时间", "responded_at"),
    "col.closed_at": ("办结时间", "closed_at"),
    "col.occurred_at": ("发生时间", "occurred_at"),
    "col.restored_at": ("恢复时间", "restored_at"),
    "col.found_at": ("发现时间", "found_at"),
    "col.rectified_at": ("整改完成时间", "rectified_at"),
}
