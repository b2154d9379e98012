"""A small, hand-made community folder (stage outputs as CSV, one chart PNG) for the document tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qmlib.outputs import write_csv
from qmlib.params import parse_params

PHONE = "13812345678"
ID_NO = "110101199003071234"

PARAMS = {
    "community_id": "demo01",
    "name": "翠湖花园",
    "company": "示例物业服务有限公司",
    "households": 1860,
    "staff": {"客服": 6, "工程": 8, "秩序": 14, "保洁": 12},
    "periods": {
        "baseline": ["2025-08-01", "2025-08-31"],
        "quality_month": ["2025-09-01", "2025-09-30"],
        "followup": ["2025-10-01", "2025-10-31"],
    },
    "targets": [
        {"metric": "satisfaction_index", "kind": "delta", "value": 3, "period": "quality_month"},
        {"metric": "inspection_score", "kind": "delta", "value": 2, "period": "quality_month"},
    ],
}


def make_params(lang: str = "zh", **extra):
    return parse_params({**PARAMS, "language": lang, **extra})


METRICS = [
    ("satisfaction_index", "baseline", 68.75, 156, 65.4, 72.1),
    ("satisfaction_index", "quality_month", 76.84, 204, 74.1, 79.6),
    ("satisfaction_index", "followup", 72.16, 132, 68.6, 75.7),
    ("inspection_score", "baseline", 86.1, 40, 84.0, 88.2),
    ("inspection_score", "quality_month", 87.03, 48, 85.1, 89.0),
    ("inspection_score", "followup", 86.5, 30, 84.1, 88.9),
    ("repair_timely_rate", "baseline", 0.74, 6, 0.35, 0.95),
    ("repair_timely_rate", "quality_month", 0.95, 8, 0.53, 1.0),
    ("repair_timely_rate", "followup", 0.90, 7, 0.5, 1.0),
    ("complaint_rate", "baseline", 1.11, 22, None, None),
    ("complaint_rate", "quality_month", 0.92, 18, None, None),
    ("complaint_rate", "followup", 0.88, 17, None, None),
]
CHANGES = [
    ("satisfaction_index", "quality_month", 68.75, 76.84, 8.09, 0.1176, 0.000255, "true"),
    ("satisfaction_index", "followup", 68.75, 72.16, 3.41, 0.0496, 0.164, "false"),
    ("inspection_score", "quality_month", 86.1, 87.03, 0.93, 0.0108, 0.0496, "true"),
    ("inspection_score", "followup", 86.1, 86.5, 0.4, 0.0046, 0.71, "false"),
    ("repair_timely_rate", "quality_month", 0.74, 0.95, 0.21, 0.28, 0.20, "false"),
    ("repair_timely_rate", "followup", 0.74, 0.90, 0.16, 0.21, 0.40, "false"),
    ("complaint_rate", "quality_month", 1.11, 0.92, -0.19, -0.17, 0.52, "false"),
    ("complaint_rate", "followup", 1.11, 0.88, -0.23, -0.21, 0.45, "false"),
]
TARGETS = [
    ("satisfaction_index", "delta", "quality_month", 3.0, 68.75, 76.84, 8.09, "true"),
    ("inspection_score", "delta", "quality_month", 2.0, 86.1, 87.03, 0.93, "false"),
]
SHORTCOMINGS = [
    (
        "S01",
        "safety",
        "high",
        "hazard_on_time_rate",
        "截至2025-10-31，1项重大隐患逾期未整改：YH0018。",
        "hazard_overdue",
        1,
        "YH0018",
    ),
    (
        "S02",
        "target",
        "medium",
        "inspection_score",
        f"品质检查得分未达成目标；业主联系 {PHONE}，身份证 {ID_NO}。",
        "target_missed",
        2,
        "品质检查得分",
    ),
    (
        "S03",
        "complaints",
        "low",
        "complaint_rate",
        "投诉集中在停车管理。",
        "pareto_complaints",
        3,
        "停车管理",
    ),
]
PLAN = [
    (
        "A01",
        "S01",
        f"对逾期隐患YH0018立即整改，联系人 {PHONE}",
        "工程",
        "2025-11-03",
        "逾期未整改的较大及以上隐患数",
        0.0,
        "Do",
        "hazard_overdue",
        "high",
        "",
        None,
        "0",
    ),
    (
        "A02",
        "S02",
        "分析品质检查得分目标未达成的原因",
        "项目经理",
        "2025-11-07",
        "品质检查得分",
        88.1,
        "Plan",
        "target_missed",
        "medium",
        "inspection_score",
        86.5,
        "≥ 88.1",
    ),
    (
        "A03",
        "S03",
        "针对停车管理投诉开展专项治理",
        "秩序",
        "2025-11-30",
        "投诉率（每百户·30天）",
        0.8,
        "Do",
        "pareto_complaints",
        "low",
        "complaint_rate",
        0.88,
        "≤ 0.80",
    ),
    (
        "A04",
        "",
        "每季度开展满意度调查，回落时启动纠偏",
        "项目经理",
        "2026-01-29",
        "满意度指数",
        75.0,
        "Check",
        "",
        "",
        "satisfaction_index",
        72.16,
        "≥ 75.0",
    ),
]


INSIGHTS = [
    (
        "I01",
        "driver",
        "inspection_score",
        "quality_month",
        "dimension",
        "保洁",
        78.0,
        87.0,
        0.62,
        "保洁分项得分 78.0，拉低了品质检查得分（占变化的 62%）。",
        1,
        "S02",
    ),
    (
        "I02",
        "voice",
        "",
        "",
        "theme",
        "噪音",
        12,
        64,
        None,
        f"12 条评论提到夜间噪音（联系 {PHONE}）。",
        1,
        "",
    ),
    (
        "I03",
        "caveat",
        "survey_coverage",
        "quality_month",
        "",
        "",
        0.1,
        0.2,
        None,
        "问卷覆盖率 10%，低于所需的 20%。",
        1,
        "",
    ),
]


def write_folder(folder: Path, lang: str = "zh", figure: bool = True) -> Path:
    """Write the stage outputs of the fixture community into ``folder``; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    cid = "demo01"
    write_csv(
        pd.DataFrame(
            [(cid, *r) for r in METRICS],
            columns=["community_id", "metric_id", "period", "value", "n", "ci_low", "ci_high"],
        ),
        folder / "metrics.csv",
    )
    write_csv(
        pd.DataFrame(
            [(cid, *r) for r in CHANGES],
            columns=[
                "community_id",
                "metric_id",
                "period",
                "baseline_value",
                "value",
                "change",
                "relative_change",
                "p_value",
                "significant",
            ],
        ),
        folder / "changes.csv",
    )
    write_csv(
        pd.DataFrame(
            [(cid, *r) for r in TARGETS],
            columns=[
                "community_id",
                "metric_id",
                "kind",
                "period",
                "target",
                "baseline_value",
                "actual_value",
                "change",
                "achieved",
            ],
        ),
        folder / "targets.csv",
    )
    write_csv(
        pd.DataFrame(
            [(cid, *r) for r in SHORTCOMINGS],
            columns=[
                "community_id",
                "shortcoming_id",
                "category",
                "severity",
                "metric_id",
                "evidence",
                "kind",
                "rank",
                "subject_label",
            ],
        ),
        folder / "shortcomings.csv",
    )
    write_csv(
        pd.DataFrame(
            [(cid, *r) for r in PLAN],
            columns=[
                "community_id",
                "action_id",
                "shortcoming_id",
                "action",
                "owner_role",
                "due_on",
                "kpi",
                "kpi_target",
                "pdca_stage",
                "kind",
                "severity",
                "kpi_metric_id",
                "kpi_current",
                "kpi_target_text",
            ],
        ),
        folder / "plan.csv",
    )
    write_csv(
        pd.DataFrame(
            [("surveys", "surveys.xlsx", 497, 492, 5)],
            columns=["table", "source_file", "rows_read", "rows_accepted", "rows_rejected"],
        ),
        folder / "ingest_summary.csv",
    )
    write_csv(
        pd.DataFrame(
            [(cid, *r) for r in INSIGHTS],
            columns=[
                "community_id",
                "insight_id",
                "kind",
                "metric_id",
                "period",
                "dimension",
                "subject",
                "value",
                "reference",
                "share_of_change",
                "evidence",
                "rank",
                "explains",
            ],
        ),
        folder / "insights.csv",
    )
    if figure:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib.figure import Figure

        from qmlib.figures import setup_fonts

        setup_fonts()
        fig = Figure(figsize=(6, 3))
        ax = fig.subplots()
        ax.bar(["基线期", "质量月", "巩固期"], [68.75, 76.84, 72.16])
        ax.set_title("满意度指数")
        (folder / "figures").mkdir(exist_ok=True)
        fig.savefig(folder / "figures" / "satisfaction.png", dpi=80)
    return folder


def write_report_html(folder: Path, lang: str = "zh") -> Path:
    """A small report.html with a table and a long list (so that the PDF has several pages)."""
    rows = "".join(f"<tr><td>指标{i}</td><td>{i * 1.5:.1f}</td></tr>" for i in range(60))
    html = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>t</title></head><body>'
        "<h1>翠湖花园质量月工作总结</h1><h2 id='a'>一、质量月目标回顾</h2><p>满意度指数提升 8.1 分。</p>"
        f"<table class='qm-table'><thead><tr><th>指标</th><th>数值</th></tr></thead><tbody>{rows}</tbody></table>"
        "</body></html>"
    )
    path = folder / "report.html"
    path.write_text(html, encoding="utf-8")
    return path
