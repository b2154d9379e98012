"""Sections of report.html built from small, hand-made stage outputs.

``make_inputs`` is also used by tests/test_report.py and tests/test_browser.py
(through a pickled ReportInputs that a fixture notebook displays).
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from qmlib.params import parse_params
from qmlib.report import sections as S
from qmlib.report.fmt import fmt_change, fmt_p, fmt_value
from qmlib.report.markup import Chart, figure_html, html_table

HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_COMMENT = '<img src=x onerror="alert(2)">联系 13812345678，身份证 110101199003071234'

PARAMS = {
    "community_id": "demo01",
    "name": "翠湖花园",
    "company": "示例物业服务有限公司",
    "households": 1860,
    "staff": {"客服": 6, "工程": 8, "秩序": 14, "保洁": 12, "绿化": 4},
    "periods": {
        "baseline": ["2025-08-01", "2025-08-31"],
        "quality_month": ["2025-09-01", "2025-09-30"],
        "followup": ["2025-10-01", "2025-10-31"],
    },
    "survey_scale": 5,
    "targets": [
        {"metric": "satisfaction_index", "kind": "delta", "value": 2},
        {"metric": "equipment_failure_rate", "kind": "relative_change", "value": -0.10},
        {"metric": "hazard_rectification_rate", "kind": "at_least", "value": 1.0, "period": "quality_month"},
    ],
}


def make_params(lang: str = "zh"):
    return parse_params({**PARAMS, "language": lang})


def _metrics() -> pd.DataFrame:
    rows = [
        # metric_id, period, value, n, ci_low, ci_high
        ("satisfaction_index", "baseline", 72.1, 240, 70.0, 74.2),
        ("satisfaction_index", "quality_month", 78.4, 260, 76.5, 80.3),
        ("satisfaction_index", "followup", 77.9, 250, 75.9, 79.9),
        ("satisfaction_index.cleaning", "baseline", 70.0, 238, 67.5, 72.5),
        ("satisfaction_index.cleaning", "quality_month", 79.0, 259, 76.8, 81.2),
        ("satisfaction_index.cleaning", "followup", 76.0, 248, 73.8, 78.2),
        ("satisfaction_rate", "baseline", 0.61, 240, 0.547, 0.669),
        ("satisfaction_rate", "quality_month", 0.72, 260, 0.663, 0.771),
        ("satisfaction_rate", "followup", 0.70, 250, 0.641, 0.753),
        ("complaint_rate", "baseline", 2.04, 38, None, None),
        ("complaint_rate", "quality_month", 1.40, 25, None, None),
        ("complaint_rate", "followup", 1.55, 28, None, None),
        ("repair_timely_rate", "baseline", 0.82, 410, 0.780, 0.854),
        ("repair_timely_rate", "quality_month", 0.80, 450, 0.761, 0.834),
        ("repair_timely_rate", "followup", 0.74, 430, 0.697, 0.779),
        ("hazard_rectification_rate", "baseline", 0.90, 30, 0.744, 0.965),
        ("hazard_rectification_rate", "quality_month", 0.95, 60, 0.863, 0.983),
        ("equipment_failure_rate", "baseline", 8.0, 16, None, None),
        ("equipment_failure_rate", "quality_month", 7.2, 14, None, None),
        ("equipment_failure_rate", "followup", 7.0, 14, None, None),
        ("activity_count", "quality_month", 5.0, 5, None, None),
    ]
    frame = pd.DataFrame(rows, columns=["metric_id", "period", "value", "n", "ci_low", "ci_high"])
    frame.insert(0, "community_id", "demo01")
    return frame.astype({"n": "Int64"})


def _changes() -> pd.DataFrame:
    m = _metrics()
    base = m[m.period == "baseline"].set_index("metric_id")["value"]
    rows = []
    p_values = {
        ("satisfaction_index", "quality_month"): 0.00001,
        ("satisfaction_index", "followup"): 0.0004,
        ("satisfaction_index.cleaning", "quality_month"): 0.00002,
        ("satisfaction_index.cleaning", "followup"): 0.002,
        ("satisfaction_rate", "quality_month"): 0.011,
        ("satisfaction_rate", "followup"): 0.032,
        ("complaint_rate", "quality_month"): 0.14,
        ("complaint_rate", "followup"): 0.27,
        ("repair_timely_rate", "quality_month"): 0.43,
        ("repair_timely_rate", "followup"): 0.0021,
        ("hazard_rectification_rate", "quality_month"): 0.39,
        ("equipment_failure_rate", "quality_month"): 0.71,
        ("equipment_failure_rate", "followup"): 0.65,
    }
    for row in m[m.period != "baseline"].itertuples():
        if row.metric_id not in base.index:
            continue
        b = base[row.metric_id]
        p = p_values.get((row.metric_id, row.period))
        rows.append(
            {
                "community_id": "demo01",
                "metric_id": row.metric_id,
                "period": row.period,
                "baseline_value": b,
                "value": row.value,
                "change": row.value - b,
                "relative_change": (row.value - b) / b,
                "p_value": p,
                "significant": pd.NA if p is None else p < 0.05,
            }
        )
    return pd.DataFrame(rows).astype({"significant": "boolean"})


def _targets() -> pd.DataFrame:
    return (
        pd.DataFrame(
            [
                ("satisfaction_index", "delta", "followup", 2.0, 72.1, 77.9, 5.8, True),
                ("equipment_failure_rate", "relative_change", "followup", -0.10, 8.0, 7.0, -0.125, True),
                ("hazard_rectification_rate", "at_least", "quality_month", 1.0, 0.90, 0.95, None, False),
            ],
            columns=[
                "metric_id",
                "kind",
                "period",
                "target",
                "baseline_value",
                "actual_value",
                "change",
                "achieved",
            ],
        )
        .assign(community_id="demo01")
        .astype({"achieved": "boolean"})
    )


def _activities() -> pd.DataFrame:
    rows = [
        ("A01", "2025-09-02", "环境卫生", "小区环境大扫除", "全体保洁员参与清理楼道杂物", 42, True),
        ("A02", "2025-09-06", "设施设备", "电梯安全专项检查", "对 12 部电梯逐台检测", 6, False),
        ("A03", "2025-09-12", "社区活动", HOSTILE_TITLE, HOSTILE_COMMENT, 120, True),
        ("A04", "2025-09-20", "员工培训", "客服礼仪培训", None, 18, False),
        ("A05", "2025-09-25", "安全秩序", "消防演练", "联合社区开展消防疏散演练", 260, True),
        ("A06", "2025-10-08", "客户服务", "业主回访", None, 30, False),
    ]
    frame = pd.DataFrame(
        rows,
        columns=["activity_id", "held_on", "category", "title", "description", "participants", "highlight"],
    )
    return frame.astype(
        {
            "held_on": "datetime64[ns]",
            "participants": "Int64",
            "highlight": "boolean",
            "title": "string",
            "description": "string",
            "category": "string",
        }
    )


def _shortcomings() -> pd.DataFrame:
    return pd.DataFrame(
        [
            (
                "S01",
                "deterioration",
                "high",
                "repair_timely_rate",
                "巩固期报修及时到场率为 74.0%，较基线 82.0% 下降 8.0 个百分点（p=0.002）。",
            ),
            (
                "S02",
                "target",
                "medium",
                "hazard_rectification_rate",
                "隐患整改率 95.0% 未达到 ≥100% 的目标 <b>bold</b>。",
            ),
            ("S03", "data_quality", "low", None, "投诉表有 12 行被拒收（占 5.1%），联系人 13912345678。"),
        ],
        columns=["shortcoming_id", "category", "severity", "metric_id", "evidence"],
    ).assign(community_id="demo01")


def _plan() -> pd.DataFrame:
    """Shaped like qmlib.plan.build_plan: actions per shortcoming, then routine rows (no shortcoming_id)."""
    return pd.DataFrame(
        [
            (
                "A01",
                "S01",
                "工程部按楼栋排班，紧急报修 15 分钟内到场",
                "工程",
                "2025-12-31",
                "报修及时到场率",
                0.85,
                "Plan",
                "repair_timely_rate",
                0.74,
                "≥ 85.0%",
            ),
            (
                "A02",
                "S01",
                "每周复盘超时工单 <u>",
                "客服",
                "2025-11-30",
                "报修及时到场率",
                0.82,
                "Check",
                "repair_timely_rate",
                0.74,
                "≥ 82.0%",
            ),
            (
                "A03",
                "S02",
                "建立隐患整改销号台账",
                "秩序",
                "2025-11-15",
                "隐患整改率",
                1.0,
                "Do",
                "hazard_rectification_rate",
                0.95,
                "≥ 100.0%",
            ),
            (
                "A04",
                "",
                "每月召开品质例会，通报指标",
                "项目经理",
                "2025-11-30",
                "满意度指数",
                78.4,
                "Act",
                "satisfaction_index",
                77.9,
                None,
            ),
            (
                "A05",
                "",
                "每季度开展满意度调查",
                "客服",
                "2025-12-31",
                "调查次数",
                None,
                "Check",
                "",
                None,
                None,
            ),
        ],
        columns=[
            "action_id",
            "shortcoming_id",
            "action",
            "owner_role",
            "due_on",
            "kpi",
            "kpi_target",
            "pdca_stage",
            "kpi_metric_id",
            "kpi_current",
            "kpi_target_text",
        ],
    ).assign(community_id="demo01")


def _ingest() -> tuple[pd.DataFrame, pd.DataFrame]:
    summary = pd.DataFrame(
        [
            ("surveys", "/abs/path/data/demo01/surveys.csv", 760, 750, 10),
            ("activities", "/abs/path/data/demo01/activities.xlsx", 6, 6, 0),
            ("complaints", "/abs/path/data/demo01/complaints.csv", 93, 91, 2),
        ],
        columns=["table", "source_file", "rows_read", "rows_accepted", "rows_rejected"],
    )
    rejects = pd.DataFrame(
        [("surveys", "surveys.csv", 5 + i, "overall", "6", "不是 5 分制的分数") for i in range(10)]
        + [
            ("complaints", "complaints.csv", 9, "received_at", "13812345678", "无法识别的时间 <i>x</i>"),
            ("complaints", "complaints.csv", 11, "received_at", "abc", "无法识别的时间 <i>x</i>"),
        ],
        columns=["table", "source_file", "source_row", "column", "value", "reason"],
    )
    return summary, rejects


def make_inputs(lang: str = "zh") -> S.ReportInputs:
    """A complete, hand-made ReportInputs with hostile free text."""
    summary, rejects = _ingest()
    return S.ReportInputs(
        params=make_params(lang),
        tables={"activities": _activities(), "surveys": pd.DataFrame(), "complaints": pd.DataFrame()},
        metrics=_metrics(),
        changes=_changes(),
        targets=_targets(),
        shortcomings=_shortcomings(),
        plan=_plan(),
        ingest_summary=summary,
        rejects=rejects,
        generated_on=dt.date(2025, 11, 3),
    )


def all_sections(r: S.ReportInputs, charts: list[Chart] | None = None) -> str:
    return "".join(
        [
            S.cover(r),
            S.summary(r),
            S.targets_section(r),
            S.activities_section(r),
            S.results_section(r, charts or []),
            S.shortcomings_section(r),
            S.plan_section(r),
            S.appendix_section(r),
        ]
    )


# ---------------------------------------------------------------------------
# tests
# ---------------------------------------------------------------------------
def test_formatting_by_unit():
    assert fmt_value("satisfaction_rate", 0.7234) == "72.3%"
    assert fmt_value("satisfaction_index", 78.44) == "78.4"
    assert fmt_value("complaint_rate", 1.4) == "1.40"
    assert fmt_value("hazard_count", 12.0) == "12"
    assert fmt_value("satisfaction_index", None) == "—"
    assert fmt_change("satisfaction_rate", 0.11, "zh") == "+11.0 个百分点"
    assert fmt_change("satisfaction_rate", -0.08, "en") == "-8.0 pp"
    assert fmt_change("satisfaction_index", 6.3, "en") == "+6.3"
    assert fmt_change("satisfaction_index", -0.01, "en") == "0.0"
    assert fmt_p(0.00001, "zh") == "p<0.001"
    assert fmt_p(0.0234, "en") == "p=0.023"
    assert fmt_p(float("nan"), "en") == "—"


def test_hostile_text_is_escaped_and_masked():
    html = all_sections(make_inputs("zh"))
    assert "<script" not in html
    assert "<img src=x" not in html and "onerror=" not in html.replace("onerror=&#34;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<i>x</i>" not in html
    assert "13812345678" not in html and "138****5678" in html
    assert "13912345678" not in html and "139****5678" in html
    assert "110101199003071234" not in html and "110101********1234" in html


def test_sections_have_headings_with_ids():
    html = all_sections(make_inputs("zh"))
    for sid in S.SECTION_IDS:
        assert re.search(rf'<h2 id="{sid}" class="qm-h2">', html), sid
    for heading in (
        "一、质量月目标回顾",
        "二、核心工作举措与亮点",
        "三、取得的成效与量化数据",
        "四、存在的问题与不足",
        "五、未来展望与持续改进计划",
        "附录：数据质量与方法说明",
    ):
        assert heading in html


def test_english_report():
    html = all_sections(make_inputs("en"))
    assert "1. Quality-month targets" in html and "5. Outlook and continuous-improvement plan" in html
    assert "质量月目标回顾" not in html
    assert "Facilities" in html  # activity category label


def test_summary_is_honest_about_deterioration():
    r = make_inputs("zh")
    points = [str(p) for p in S.key_points(r)]
    assert 3 <= len(points) <= 6
    assert points[0].startswith("设定的 3 项目标中，已达成 2 项，未达成 1 项")
    # followup is the focus period: the repair rate fell significantly, it must be said
    assert (
        "需要正视：报修及时到场率由基线期的 82.0% 变为巩固期的 74.0%，下降 8.0 个百分点，超出抽样波动范围，"
        "属于变差（p=0.002）。"
    ) in points
    # the quality-month gain and whether it held in the follow-up
    assert (
        "满意度指数由基线期的 72.1 变为质量月的 78.4，提升 6.3 分，超出抽样波动范围（p&lt;0.001）；"
        "巩固期为 77.9，较基线提升 5.8 分，超出抽样波动范围（p&lt;0.001），成效得到保持。"
    ) in points
    assert any("5 项举措" in p and "446 人次" in p and "亮点举措 3 项" in p for p in points)
    assert any(
        "3 项问题与不足（高优先级 1 项），据此制定 3 项 PDCA 改进措施，并建立 2 项常态化长效机制" in p
        for p in points
    )


def test_results_table_marks_and_ci():
    r = make_inputs("zh")
    html = str(S.results_section(r))
    # significant improvement → green ▲; significant deterioration → red ▼; n.s. → hollow
    assert '<span class="qm-mark qm-mark--good">▲</span><span class="qm-delta">+6.3</span>' in html
    assert '<span class="qm-mark qm-mark--bad">▼</span><span class="qm-delta">-8.0 个百分点</span>' in html
    assert '<span class="qm-mark qm-mark--ns">▽</span><span class="qm-delta">-0.64</span>' in html
    assert "[70.0, 74.2]" in html and "n=240" in html
    assert "p&lt;0.001" in html and "p=0.002" in html
    assert "分项指标" in html and "满意度指数·保洁" in html
    assert "不做检验" in html  # activity_count has no test
    assert "无法检验" not in html


def test_undefined_test_and_zero_breakdowns():
    r = make_inputs("zh")
    extra_m = pd.DataFrame(
        [
            ("demo01", f"equipment_failure_rate.{kind}", period, 0.0, 0, None, None)
            for kind in ("fire", "water")
            for period in ("baseline", "quality_month")
        ],
        columns=r.metrics.columns,
    ).astype({"n": "Int64"})
    r.metrics = pd.concat([r.metrics, extra_m], ignore_index=True)
    html = str(S.results_section(r))
    assert (
        "以下分项在各时期均为 0，未逐项列出：设备故障率（每百台·30天）·消防、设备故障率（每百台·30天）·供水。"
        in html
    )
    assert html.count("设备故障率（每百台·30天）·消防") == 1
    changes = r.changes.copy()
    changes.loc[changes.metric_id == "hazard_rectification_rate", ["p_value", "significant"]] = [None, pd.NA]
    r.changes = changes
    assert "无法检验" in str(S.results_section(r))


def test_targets_table():
    html = str(S.targets_section(make_inputs("zh")))
    assert "较基线提升 ≥ 2.0" in html
    assert "较基线相对下降 ≥ 10.0%" in html
    assert "≥ 100.0%" in html
    assert "-12.5%" in html
    assert html.count("qm-badge--good") == 2 and html.count("qm-badge--bad") == 1
    assert "合计：已达成 2 项，未达成 1 项，无法判断 0 项。" in html


def test_activities_only_quality_month_and_highlights():
    html = str(S.activities_section(make_inputs("zh")))
    assert "共开展 5 项举措，覆盖 5 个类别，累计参与 446 人次" in html
    assert "另有 1 项举措的日期不在质量月内" in html
    assert html.count('class="qm-highlight"') == 3
    assert "业主回访" not in html


def test_missing_tables_and_empty_frames():
    r = make_inputs("zh")
    r.tables = {}
    r.targets = r.targets.iloc[0:0]
    r.shortcomings = r.shortcomings.iloc[0:0]
    r.plan = r.plan.iloc[0:0]
    r.rejects = r.rejects.iloc[0:0]
    html = all_sections(r)
    assert "未提供质量月举措数据" in html
    assert "参数文件中未设定量化目标" in html
    assert "数据中未发现需要重点关注的问题" in html
    assert "所有行均通过校验" in html
    assert "未提供的数据表：满意度调查、报修工单" in html


def test_plan_section_splits_actions_routines_and_next_targets():
    html = str(S.plan_section(make_inputs("zh")))
    pdca, rest = html.split("常态化长效机制", 1)
    routines, next_targets = rest.split("下阶段目标", 1)
    assert "A01" in pdca and "A03" in pdca and "每月召开品质例会" not in pdca
    assert "每月召开品质例会" in routines and "每季度开展满意度调查" in routines
    assert "&lt;u&gt;" in pdca and "<u>" not in html
    assert "计划（P）" in pdca and "检查（C）" in pdca
    # one row per KPI, the most demanding target kept; current values in the KPI's unit
    assert next_targets.count("报修及时到场率") == 1
    assert "<strong>≥ 85.0%</strong>" in next_targets and "≥ 82.0%" not in next_targets
    assert "74.0%" in next_targets and "<strong>78.4</strong>" in next_targets
    assert "调查次数" not in next_targets  # no target


def test_appendix_hides_paths_and_counts_reasons():
    html = str(S.appendix_section(make_inputs("en")))
    assert "/abs/path" not in html and "surveys.csv" in html
    assert "<strong>859</strong>" in html  # rows read in total
    assert "Welch" in html and "Wilson" in html


def test_table_escapes_cells():
    html = str(html_table(["<th>"], [["<td>"], [1.5]], numeric=(0,)))
    assert "&lt;th&gt;" in html and "&lt;td&gt;" in html and '<td class="num">1.5</td>' in html


def test_figure_is_embedded_png():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 2))
    ax.plot([1, 2, 3])
    html = str(figure_html(Chart("趋势 <x>", fig)))
    assert html.startswith('<figure class="qm-figure"><img src="data:image/png;base64,iVBORw0KGgo')
    assert "趋势 &lt;x&gt;" in html
    assert not plt.get_fignums()  # the figure was closed
    assert str(figure_html(Chart("none", None))) == ""


def test_key_charts_skip_missing_data_and_number_captions():
    from qmlib.report.charts import key_charts

    r = make_inputs("zh")
    results = {"metrics": r.metrics, "changes": r.changes}
    charts = key_charts({}, results, r.params, "zh")
    assert charts, "period comparisons come from the metrics frame alone"
    assert [c.caption.split("　")[0] for c in charts] == [f"图 {i}" for i in range(1, len(charts) + 1)]
    assert charts[0].caption == "图 1　客户满意度各时期对比"
    html = str(figure_html(charts[0]))
    assert (
        'src="data:image/png;base64,' in html
        and "<figcaption>图 1　客户满意度各时期对比</figcaption>" in html
    )
    empty = {"metrics": r.metrics.iloc[0:0], "changes": r.changes.iloc[0:0]}
    assert key_charts({}, empty, r.params, "en") == []
