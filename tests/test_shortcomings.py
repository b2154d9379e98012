"""Shortcomings: every finding family on a hand-made community.

``community()`` builds a deterministic clean community (baseline Aug,
quality month Sep, follow-up Oct 2025, as_of 2025-10-31) whose every period
looks the same, so nothing should be found. Each test plants one effect and
checks the evidence sentence with numbers worked out by hand.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from helpers import cast
from helpers import make_params as base_params

from qmlib.metrics import compute_all
from qmlib.outputs import read_csv
from qmlib.params import Params
from qmlib.schema import TABLES
from qmlib.shortcomings import (
    CONTRACT_COLUMNS,
    KINDS,
    Rules,
    find_shortcomings,
    write_shortcomings,
)
from qmlib.shortcomings.metric_findings import bh_qvalues
from qmlib.shortcomings.ranking import severity, shortcoming_ids

PERIODS = {"baseline": (8, 31), "quality_month": (9, 30), "followup": (10, 31)}
STAFF = {"客服": 4, "工程": 6, "秩序": 10, "保洁": 8, "绿化": 2}
WO_CATS = ["水电", "门窗", "管道", "电梯", "照明", "墙面", "防水", "其他"]
CP_CATS = ["噪音", "停车", "卫生", "绿化", "安保", "服务态度"]
OVERALL = [5, 4, 4, 3, 4, 5, 4, 4, 3, 4]


#: t01 with 1000 households, the five roles of STAFF and as_of at the end of the follow-up.
make_params = partial(base_params, name="测试花园", households=1000, staff=dict(STAFF), as_of="2025-10-31")


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> pd.Timestamp:
    return pd.Timestamp(2025, month, day, hour, minute)


def community() -> dict[str, list[dict[str, Any]]]:
    """Raw rows of the clean community (lists of dicts, so tests can edit them)."""
    t: dict[str, list[dict[str, Any]]] = {k: [] for k in TABLES}
    for p, (m, _) in enumerate(PERIODS.values()):
        for i in range(100):
            score = OVERALL[i % 10]
            t["surveys"].append(
                {
                    "response_id": f"S{m}-{i:03d}",
                    "surveyed_at": at(m, 1 + i % 28, 0),
                    "building": f"{(i // 10) % 5 + 1}号楼",
                    "overall": score,
                    **{d: score for d in ("customer_service", "cleaning", "greening", "security")},
                }
            )
        for i in range(160):
            urgent = (i // 5) % 5 == 0
            late = i // 8 == 19
            rep = at(m, 1 + i % 28, 8 + i % 10)
            minutes = 45 if late else (10 if urgent else 20)
            t["work_orders"].append(
                {
                    "order_id": f"W{m}-{i:03d}",
                    "reported_at": rep,
                    "arrived_at": rep + pd.Timedelta(minutes=minutes),
                    "completed_at": rep + pd.Timedelta(hours=20),
                    "category": WO_CATS[i % 8],
                    "urgency": "紧急" if urgent else "普通",
                    "building": f"{i % 5 + 1}号楼",
                    "status": "已完成",
                    "reworked": i % 25 == 0,
                    "rating": 5.0 if i % 2 else 4.0,
                }
            )
        for i in range(42):
            rec = at(m, 1 + i % 28, 10)
            t["complaints"].append(
                {
                    "complaint_id": f"C{m}-{i:03d}",
                    "received_at": rec,
                    "responded_at": rec + pd.Timedelta(hours=1),
                    "closed_at": rec + pd.Timedelta(days=2),
                    "category": CP_CATS[i % 6],
                    "valid": True,
                    "escalated": False,
                }
            )
        for j in range(6):
            asset = ASSETS[(p * 6 + j) % len(ASSETS)][0]
            occ = at(m, 3 + 4 * j, 14)
            t["asset_events"].append(
                {
                    "event_id": f"F{m}-{j}",
                    "asset_id": asset,
                    "kind": "故障",
                    "occurred_at": occ,
                    "restored_at": occ + pd.Timedelta(hours=4),
                }
            )
        for k, (asset, _, _) in enumerate(ASSETS):
            t["asset_events"].append(
                {
                    "event_id": f"M{m}-{k:02d}",
                    "asset_id": asset,
                    "kind": "维保",
                    "scheduled_on": at(m, 10, 0),
                    "occurred_at": at(m, 11, 10),
                }
            )
        for j in range(8):
            found = at(m, 2 + 3 * j, 9)
            t["hazards"].append(
                {
                    "hazard_id": f"H{m}-{j}",
                    "found_at": found,
                    "area": ["消防", "电气", "治安", "高空坠物"][j % 4],
                    "severity": "较大" if j == 0 else "一般",
                    "rectified_at": found + pd.Timedelta(hours=12),
                }
            )
        for j in range(12):
            t["inspections"].append(
                {
                    "inspection_id": f"I{m}-{j}",
                    "inspected_on": at(m, 5 + j, 0),
                    "dimension": ["保洁", "绿化", "安全秩序"][j % 3],
                    "score": [85, 90, 88, 92][j % 4],
                    "inspector": "公司",
                }
            )
    for role, count in STAFF.items():
        for k in range(count):
            t["training"].append(
                {
                    "record_id": f"T-{role}-{k}",
                    "employee_id": f"{role}-{k}",
                    "role": role,
                    "course": "服务规范",
                    "trained_on": at(9, 10, 0),
                    "hours": 2.0,
                    "score": 80.0,
                }
            )
    t["activities"] = [
        {"activity_id": f"A{j}", "held_on": at(9, 5 + j, 0), "category": "客户服务", "title": f"举措{j}"}
        for j in range(3)
    ]
    t["incidents"] = [{"incident_id": "X1", "occurred_at": at(8, 15), "type": "摔倒", "severity": "轻微"}]
    t["assets"] = [{"asset_id": a, "type": ty, "location": loc} for a, ty, loc in ASSETS]
    return t


ASSETS: list[tuple[str, str, str]] = (
    [(f"EL-{k:02d}", "电梯", f"{k}号楼") for k in range(1, 7)]
    + [(f"FI-{k:02d}", "消防", "地下室") for k in range(1, 5)]
    + [(f"WA-{k:02d}", "供水", "泵房") for k in range(1, 5)]
    + [(f"PO-{k:02d}", "供电", "配电房") for k in range(1, 5)]
    + [(f"CC-{k:02d}", "安防监控", "监控室") for k in range(1, 3)]
)


def build(raw: dict[str, list[dict[str, Any]]], drop: tuple[str, ...] = ()) -> dict[str, pd.DataFrame]:
    return {k: cast(k, rows) for k, rows in raw.items() if k not in drop}


def run(raw: dict[str, list[dict[str, Any]]], params: Params | None = None, **kw: Any) -> pd.DataFrame:
    params = params or make_params()
    tables = build(raw, kw.pop("drop", ()))
    results = compute_all(tables, params)
    return find_shortcomings(tables, results, params, **kw)


def only(df: pd.DataFrame, kind: str) -> pd.DataFrame:
    return df[df["kind"] == kind]


# ---------------------------------------------------------------- clean
def test_clean_community_has_no_findings() -> None:
    df = run(community())
    assert df.empty, df[["kind", "evidence"]].to_string()
    assert list(df.columns[:6]) == CONTRACT_COLUMNS


# ---------------------------------------------------------------- metric families
def test_target_missed_with_numbers() -> None:
    params = make_params(targets=[{"metric": "satisfaction_index", "kind": "delta", "value": 5}])
    df = run(community(), params)
    row = only(df, "target_missed").iloc[0]
    # every period has the same answers: index 75.0 (mean 4.0 on 5 points), change 0
    assert row["evidence"] == "目标为满意度指数较基线变化≥+5.0：巩固期为75.0，基线为75.0，变化+0.0，未达成。"
    assert row["severity"] == "medium" and row["category"] == "target"
    assert row["metric_id"] == "satisfaction_index" and row["reference"] == pytest.approx(80.0)
    df_en = run(community(), params, lang="en")
    assert (
        only(df_en, "target_missed")
        .iloc[0]["evidence"]
        .startswith("Target of a change ≥ +5.0 in Satisfaction index not met: 75.0 in the follow-up")
    )


def test_gain_not_held_and_worsened() -> None:
    raw = community()
    for r in raw["surveys"]:
        if r["surveyed_at"].month == 9:  # quality month: every 3 or 4 becomes 5
            r["overall"] = 5
    for r in raw["work_orders"]:  # follow-up: orders 0..47 arrive after 60 minutes
        if r["reported_at"].month == 10 and int(r["order_id"][-3:]) < 48:
            r["arrived_at"] = r["reported_at"] + pd.Timedelta(minutes=60)
    df = run(raw)
    held = only(df, "gain_not_held")
    # satisfaction_rate faded too, but is folded into its parent satisfaction_index
    assert held["metric_id"].tolist() == ["satisfaction_index"]
    row = held.iloc[0]
    assert row["metric_id"] == "satisfaction_index" and row["category"] == "routine_mechanism"
    # QM: all 5 → 100.0; follow-up back to 75.0 = baseline → below_baseline → high
    assert row["evidence"].startswith(
        "满意度指数质量月提升至100.0（基线75.0，变化+25.0，p<0.001），巩固期回落至75.0（较基线变化+0.0，"
    )
    assert row["severity"] == "high"
    worse = only(df, "metric_worsened")
    timely = worse[worse["metric_id"] == "repair_timely_rate"].iloc[0]
    # baseline: 8 late of 160 → 95.0%; follow-up: orders 0..47 and 152..159 late = 56 → 104/160 = 65.0%
    assert (
        timely["evidence"]
        == "报修及时到场率巩固期为65.0%（n=160），较基线95.0%（n=160）显著变差，变化-30.0个百分点，p<0.001。"
    )
    assert timely["severity"] == "high"  # |relative| = 31.6% ≥ 20%
    ids = df["shortcoming_id"].tolist()
    assert ids == shortcoming_ids(len(df)) and df["rank"].tolist() == list(range(1, len(df) + 1))


# ---------------------------------------------------------------- service
def test_repair_sla_lag_by_category() -> None:
    raw = community()
    for r in raw["work_orders"]:
        if r["category"] == "管道" and int(r["order_id"][-3:]) % 16 < 8:  # 管道: i % 8 == 2 → i%16 = 2 → half
            r["arrived_at"] = r["reported_at"] + pd.Timedelta(minutes=90)
    df = run(raw)
    rows = only(df, "repair_sla_lag")
    assert len(rows) == 1
    # 管道: 20 orders a period, i ≡ 2 (mod 16) for 10 of them → 10 late + 1 from block 19 (i = 154)
    # → 33 of 60 in the window; rest: 8 × 3 − 3 = 21 late of 420
    assert rows.iloc[0]["evidence"] == (
        "报修类别为“管道”的报修超时率为55.0%（60单中33单未按时到场），高于其余工单的5.0%（n=420），95%置信区间不重叠。"
    )
    assert rows.iloc[0]["severity"] == "medium"


def test_backlog_and_overdue_hazards() -> None:
    raw = community()
    for r in raw["work_orders"]:
        if r["order_id"] in ("W10-000", "W10-001", "W10-002", "W10-003", "W10-027"):
            r["completed_at"] = None  # reported Oct 1, 2, 3, 4 and 28
    raw["hazards"].append(
        {
            "hazard_id": "H-900",
            "found_at": at(10, 5),
            "area": "消防",
            "severity": "重大",
            "rectified_at": None,
        }
    )
    raw["hazards"].append(
        {
            "hazard_id": "H-901",
            "found_at": at(10, 20),
            "area": "电气",
            "severity": "较大",
            "due_on": at(10, 25, 0),
            "rectified_at": None,
        }
    )
    raw["hazards"].append(  # minor and open: only in the backlog
        {
            "hazard_id": "H-902",
            "found_at": at(10, 29),
            "area": "治安",
            "severity": "一般",
            "rectified_at": None,
        }
    )
    df = run(raw)
    wo = only(df, "open_backlog").iloc[0]
    # hazards: only H-900 and H-901 (of 3 open) are older than 7 days → not listed
    assert (
        wo["evidence"] == "截至2025-10-31，仍有未办结事项：报修工单未完成5张（账龄≤7天1、8–30天4、>30天0）。"
    )
    assert wo["severity"] == "low" and wo["subject"] == "work_orders"
    hz = only(df, "hazard_overdue").iloc[0]
    # H-900: due Oct 5 + 1 day = Oct 6 → 25 days; H-901: due Oct 25 → 6 days
    assert (
        hz["evidence"]
        == "截至2025-10-31，2项较大及以上隐患逾期未整改：H-900（重大，消防，逾期25天）、H-901（较大，电气，逾期6天）。"
    )
    assert hz["severity"] == "high" and hz["shortcoming_id"] == "S01"
    en = run(raw, lang="en")
    assert "H-900 (critical, 消防, 25 days overdue)" in only(en, "hazard_overdue").iloc[0]["evidence"]


def test_serious_incident() -> None:
    raw = community()
    raw["incidents"].append(
        {"incident_id": "X9", "occurred_at": at(9, 12), "type": "火灾", "severity": "较大"}
    )
    row = only(run(raw), "serious_incident").iloc[0]
    assert row["evidence"] == "分析期内发生1起较大及以上安全事故：X9（较大，火灾，2025-09-12）。"
    assert row["severity"] == "high"


# ---------------------------------------------------------------- equipment
def test_repeat_failure_and_maintenance() -> None:
    raw = community()
    for k, day in enumerate((5, 20)):
        occ = at(9, day, 8)
        raw["asset_events"].append(
            {"event_id": f"XF{k}", "asset_id": "EL-01", "kind": "故障", "occurred_at": occ}
        )
    for r in raw["asset_events"]:
        if r["kind"] == "维保" and r["scheduled_on"].month == 10 and r["asset_id"].startswith("EL"):
            r["occurred_at"] = None  # 6 elevators not maintained in October
        if r["kind"] == "维保" and r["scheduled_on"].month == 9 and r["asset_id"].startswith("WA"):
            r["occurred_at"] = at(9, 20)  # 4 water pumps 10 days late
    df = run(raw)
    rep = only(df, "repeat_failure")
    assert len(rep) == 1
    # EL-01: clean failure on Aug 3 + the two planted ones
    assert (
        rep.iloc[0]["evidence"]
        == "设备EL-01（电梯，1号楼）在2025-08-03至2025-09-20期间故障3次，达到反复故障阈值（3次）。"
    )
    assert rep.iloc[0]["severity"] == "high" and rep.iloc[0]["metric_id"] == "equipment_failure_rate.elevator"
    assert only(run(raw, rules=Rules(repeat_failure_threshold=4)), "repeat_failure").empty
    mt = only(df, "maintenance_late").iloc[0]
    # 20 assets × 3 months = 60 jobs; 4 late, 6 missed → 50/60 on time
    assert mt["evidence"] == "已到期的计划维保60次中，4次超期（超过容差3天）、6次未执行，按时率仅83.3%。"
    assert mt["severity"] == "medium"


# ---------------------------------------------------------------- concentration
def test_pareto_complaints() -> None:
    raw = community()
    for r in raw["complaints"]:
        if int(r["complaint_id"][-3:]) % 6 != 0:
            r["category"] = "噪音" if int(r["complaint_id"][-3:]) % 6 < 5 else r["category"]
    # per period of 42: 噪音 = i%6 in {0,1,2,3,4} → 35; 服务态度 = 7
    df = run(raw)
    row = only(df, "pareto_complaints")
    assert row.empty  # only 2 categories: not enough categories to speak of a vital few
    raw = community()
    for r in raw["complaints"]:
        i = int(r["complaint_id"][-3:])
        r["category"] = "噪音" if i < 30 else CP_CATS[i % 6]
    # per period: 噪音 30 + 2 (i = 30, 36) = 32 of 42; other five 2 each → K = 6
    row = only(run(raw), "pareto_complaints").iloc[0]
    assert (
        row["evidence"] == "投诉高度集中：1个类别（共6类）占有效投诉的76.2%（126件中96件）：噪音（76.2%）。"
    )
    assert row["severity"] == "medium"


def test_lagging_building_and_dimension() -> None:
    raw = community()
    for r in raw["surveys"]:
        if r["building"] == "3号楼":
            r["overall"] = 2 if r["overall"] < 5 else 3
        r["cleaning"] = 2 if r["cleaning"] <= 4 else 3
    df = run(raw)
    b = only(df, "lagging_building")
    assert b["subject"].tolist() == ["3号楼"]
    # 3号楼: 60 answers, 48 × 2 and 12 × 3 → mean 2.2 → 30.0 points; others 240 answers at 75.0
    assert b.iloc[0]["evidence"].startswith("3号楼的满意度指数为30.0（n=60，95%置信区间")
    assert "低于其他楼栋的75.0（n=240" in b.iloc[0]["evidence"]
    d = only(df, "lagging_dimension")
    assert d["metric_id"].tolist() == ["satisfaction_index.cleaning"]
    assert d.iloc[0]["evidence"].startswith("满意度分项“保洁”为30.0（n=300")


def test_training_gap() -> None:
    raw = community()
    raw["training"] = [
        r for r in raw["training"] if not (r["role"] == "秩序" and r["employee_id"] > "秩序-1")
    ]
    raw["training"] = [r for r in raw["training"] if r["role"] != "绿化"]
    row = only(run(raw), "training_gap").iloc[0]
    assert row["evidence"] == "分析期内培训覆盖率低于60.0%的岗位：绿化 0/2人（0.0%）、秩序 2/10人（20.0%）。"
    assert row["severity"] == "medium" and row["subject"] == "绿化,秩序"


# ---------------------------------------------------------------- signals, data quality
def test_control_signals_only_unfavourable_after_baseline() -> None:
    sig = pd.DataFrame(
        {
            "chart": ["p", "p", "p", "p", "u", "u", "imr"],
            "metric_id": ["repair_timely_rate"] * 4
            + ["complaint_rate"] * 2
            + ["repair_arrival_minutes_median"],
            "subgroup": [None, None, None, None, None, None, "urgent"],
            "period": [
                "baseline",
                "quality_month",
                "followup",
                "followup",
                "followup",
                "followup",
                "followup",
            ],
            "point": [
                "2025-08-04",
                "2025-09-08",
                "2025-10-13",
                "2025-10-20",
                "2025-10-06",
                "2025-10-13",
                "W10-001",
            ],
            "value": [0.5, 0.99, 0.70, 0.80, 0.2, 0.9, 60.0],
            "centre": [0.95, 0.95, 0.95, 0.95, 0.4, 0.4, 10.0],
            "lcl": [0.85, 0.85, 0.85, 0.85, 0.1, 0.1, 3.0],
            "ucl": [1.0, 1.0, 1.0, 1.0, 0.7, 0.7, 30.0],
            "rule": [
                "beyond_limits",
                "run_of_8",
                "beyond_limits",
                "run_of_8",
                "run_of_8",
                "beyond_limits",
                "beyond_limits",
            ],
        }
    )
    df = run(community(), signals=sig)
    rows = only(df, "control_signal")
    # p: baseline point ignored, 0.99 is favourable → 2 points; u: one favourable, one unfavourable
    # point (< 2: not reported); imr: 1 point beyond the limits (< 3: not reported)
    assert len(rows) == 1
    assert rows.iloc[0]["evidence"] == (
        "控制图“报修及时到场率（周p图）”在2025-10-13至2025-10-20出现2个不利方向的异常点（超出控制限、连续8点位于中心线同侧），"
        "最近异常点为80.0%，中心线95.0%。"
    )
    assert rows.iloc[0]["severity"] == "medium"


def test_data_quality_limits_ranked_last() -> None:
    raw = community()
    raw["incidents"].append(
        {"incident_id": "X9", "occurred_at": at(9, 12), "type": "火灾", "severity": "重大"}
    )
    summary = pd.DataFrame(
        {
            "table": ["surveys", "work_orders", "complaints"],
            "source_file": ["surveys.csv", "work_orders.csv", "complaints.xlsx"],
            "rows_read": [300, 500, 126],
            "rows_rejected": [0, 20, 36],
            "rows_accepted": [300, 480, 90],
        }
    )
    rejects = pd.DataFrame(
        {
            "table": ["complaints"] * 36 + ["work_orders"] * 20,
            "source_file": ["complaints.xlsx"] * 36 + ["work_orders.csv"] * 20,
            "source_row": range(2, 58),
            "column": ["received_at"] * 30 + ["category"] * 6 + ["arrived_at"] * 20,
            "value": [""] * 56,
            "reason": ["missing"] * 56,
        }
    )
    df = run(raw, ingest_summary=summary, rejects=rejects, drop=("activities", "training"))
    assert df["kind"].tolist()[0] == "serious_incident"
    dq = df[df["category"] == "data_quality"]
    assert df["category"].tolist()[-len(dq) :] == ["data_quality"] * len(dq)
    cp = only(df, "data_rejects")
    assert cp.iloc[0]["evidence"] == (
        "投诉共读取126行，拒收36行（28.6%），主要问题列：received_at（30行）、category（6行）；该表相关指标的可靠性受限。"
    )
    assert cp.iloc[0]["severity"] == "medium"
    assert len(cp) == 1  # work orders: 20 / 500 = 4% ≤ 5%
    miss = only(df, "data_missing_tables").iloc[0]
    assert miss["evidence"] == "未提供以下数据表，相关指标无法评价：员工培训、质量月举措。"
    assert miss["severity"] == "low"


def test_pii_masked_in_evidence() -> None:
    raw = community()
    raw["hazards"].append(
        {
            "hazard_id": "13812345678",
            "found_at": at(10, 5),
            "area": "消防",
            "severity": "重大",
            "rectified_at": None,
        }
    )
    ev = only(run(raw), "hazard_overdue").iloc[0]["evidence"]
    assert "138****5678" in ev and "13812345678" not in ev


def test_write_shortcomings(tmp_path: Path) -> None:
    params = make_params(targets=[{"metric": "satisfaction_index", "kind": "delta", "value": 5}])
    df = run(community(), params)
    path = write_shortcomings(df, tmp_path)
    assert path.read_bytes().startswith("\ufeff".encode())
    back = read_csv(path)
    assert list(back.columns[:6]) == CONTRACT_COLUMNS
    assert back["shortcoming_id"].tolist() == ["S01"]


# ---------------------------------------------------------------- rules
def test_bh_qvalues() -> None:
    p = pd.Series([0.01, 0.04, 0.03, np.nan, 0.5])
    q = bh_qvalues(p)
    # sorted 0.01, 0.03, 0.04, 0.5 with m = 4: 0.04, 0.06→min(0.06,0.0533)=0.0533, 0.0533, 0.5
    assert q.iloc[0] == pytest.approx(0.04)
    assert q.iloc[2] == pytest.approx(0.04 * 4 / 3)
    assert q.iloc[1] == pytest.approx(0.04 * 4 / 3)
    assert np.isnan(q.iloc[3]) and q.iloc[4] == pytest.approx(0.5)


def test_every_kind_has_a_severity_rule() -> None:
    from qmlib.shortcomings.base import Finding

    facts = {
        "count": 1,
        "threshold": 3,
        "on_time": 0.8,
        "gap": 0.2,
        "zero_roles": 0,
        "min_coverage": 0.5,
        "over_old": 0,
        "over_min_age": 3,
        "top_share": 0.4,
        "share": 0.1,
        "lost": 1.0,
        "relative": 0.1,
    }
    for kind in KINDS:
        assert severity(Finding(kind=kind, category="", evidence="", facts=facts), Rules()) in (
            "high",
            "medium",
            "low",
        )


def test_labels_exist_for_every_kind() -> None:
    from qmlib.labels import LABELS
    from qmlib.shortcomings.ranking import KIND_CATEGORY

    for kind, cat in KIND_CATEGORY.items():
        assert f"finding.kind.{kind}" in LABELS
        assert f"finding.category.{cat}" in LABELS


# ---------------------------------------------------------------- synthetic communities
def _pipeline(root: Path, cid: str) -> tuple[pd.DataFrame, dict]:
    from qmlib.control_charts import signals
    from qmlib.ingest import ingest_community

    ing = ingest_community(cid, root / "data", root / "params", root / "outputs", write=False)
    results = compute_all(ing.tables, ing.params)
    df = find_shortcomings(
        ing.tables,
        results,
        ing.params,
        ingest_summary=ing.summary,
        rejects=ing.rejects,
        signals=signals(ing.tables, ing.params),
    )
    truth = json.loads((root / "truth" / f"{cid}.json").read_text(encoding="utf-8"))
    return df, truth


@pytest.fixture(scope="module")
def synth_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    synth = pytest.importorskip("qmlib.synth")
    root = tmp_path_factory.mktemp("synth")
    synth.generate_community("planted", root, np.random.default_rng(7), effects=None, variant=0)
    synth.generate_community("clean", root, np.random.default_rng(8), effects={}, variant=1)
    return root


def test_synthetic_planted_effects_are_found(synth_root: Path) -> None:
    df, truth = _pipeline(synth_root, "planted")
    eff = truth["effects"]
    kinds = df.groupby("kind")["subject"].apply(list).to_dict()
    assert eff["failing_elevator"]["asset_id"] in kinds["repeat_failure"]
    assert eff["overdue_critical_hazard"]["hazard_id"] in kinds["hazard_overdue"][0].split(",")
    assert f"category={eff['slow_repair_category']['category']}" in kinds["repair_sla_lag"]
    assert eff["low_building"]["building"] in kinds["lagging_building"]
    assert eff["dominant_complaint"]["category"] == kinds["pareto_complaints"][0].split(",")[0]
    # satisfaction: +8 in the quality month, only 30% of it left in the follow-up
    assert "satisfaction_index@followup" in kinds["gain_not_held"]
    # every finding's evidence is one sentence
    assert df["evidence"].str.count("。").eq(1).all()
    assert df["evidence"].str.endswith("。").all()


def test_synthetic_clean_community_has_few_findings(synth_root: Path) -> None:
    df, truth = _pipeline(synth_root, "clean")
    assert truth["clean"] is True
    real = df[df["category"] != "data_quality"]
    real = real[real["kind"] != "target_missed"]  # targets come from params, not data
    assert len(real) <= 3, real[["kind", "evidence"]].to_string()
    assert not (
        {"repeat_failure", "hazard_overdue", "lagging_building", "repair_sla_lag"} & set(real["kind"])
    )


def test_metric_lookups_read_the_first_row_of_a_metric_and_period() -> None:
    from qmlib.shortcomings.base import Context

    metrics = pd.DataFrame(
        {
            "metric_id": pd.array(["a", "a", "a", "b", None], dtype="string"),
            "period": pd.array(
                ["baseline", "quality_month", "quality_month", "baseline", "baseline"], dtype="string"
            ),
            "value": [0.5, 0.75, 0.1, np.nan, 9.0],
            "n": pd.array([10, 20, 99, None, 7], dtype="Int64"),
        }
    )
    empty = pd.DataFrame()
    ctx = Context({}, make_params(), Rules(), "zh", metrics, empty, empty)
    assert ctx.metric_n("a", "baseline") == 10 and ctx.metric_value("a", "baseline") == 0.5
    assert ctx.metric_n("a", "quality_month") == 20 and ctx.metric_value("a", "quality_month") == 0.75
    assert ctx.metric_n("b", "baseline") is None and ctx.metric_value("b", "baseline") is None
    assert ctx.metric_n("a", "followup") is None and ctx.metric_value("c", "baseline") is None
    none = Context({}, make_params(), Rules(), "zh", empty, empty, empty)
    assert none.metric_n("a", "baseline") is None and none.metric_value("a", "baseline") is None
