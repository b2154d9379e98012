"""Every metric of contract section 4 on tiny hand-made clean tables.

Expected values are worked out by hand in the comments (and, for intervals,
with the textbook formulas written out here), never by calling qmlib code.
Periods: baseline 2025-08-01..31 (31 days), quality_month 2025-09-01..30
(30 days), followup 2025-10-01..31 (31 days); as_of defaults to 2025-10-31.
"""

from __future__ import annotations

import math
import statistics
from typing import Any

import numpy as np
import pandas as pd
import pytest
from helpers import B, F, Q, make_params, text, ts
from scipy.stats import t as t_dist

from qmlib.metrics import compute_all
from qmlib.metrics.compute import MetricResults

Z = 1.959963984540054


# ---------------------------------------------------------------- helpers


def flags(*values: bool | None) -> pd.Series:
    return pd.Series(list(values), dtype="boolean")


def nums(*values: float | None) -> pd.Series:
    return pd.Series([np.nan if v is None else v for v in values], dtype="float64")


def ids(n: int, prefix: str = "r") -> pd.Series:
    return text(*[f"{prefix}{i}" for i in range(n)])


def get(res: MetricResults, metric_id: str, period: str) -> dict[str, Any] | None:
    rows = res.metrics[(res.metrics["metric_id"] == metric_id) & (res.metrics["period"] == period)]
    assert len(rows) <= 1
    return None if rows.empty else rows.iloc[0].to_dict()


def periods_of(res: MetricResults, metric_id: str) -> list[str]:
    return list(res.metrics.loc[res.metrics["metric_id"] == metric_id, "period"])


def hand_t(values: list[float]) -> tuple[float, float]:
    m, sd, n = statistics.fmean(values), statistics.stdev(values), len(values)
    half = t_dist.ppf(0.975, n - 1) * sd / math.sqrt(n)
    return m - half, m + half


def hand_wilson(x: int, n: int) -> tuple[float, float]:
    p = x / n
    denom = 1 + Z**2 / n
    center = (p + Z**2 / (2 * n)) / denom
    half = Z / denom * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return max(center - half, 0.0), min(center + half, 1.0)


#: Contract v1.1: t intervals of means are clipped to the range of the value.
VALUE_RANGE: dict[str, tuple[float, float]] = {
    "satisfaction_index": (0.0, 100.0),
    "inspection_score": (0.0, 100.0),
    "repair_rating": (1.0, 5.0),
    "equipment_mttr_hours": (0.0, math.inf),
}


def check_mean(res: MetricResults, metric_id: str, period: str, values: list[float]) -> None:
    row = get(res, metric_id, period)
    assert row is not None, (metric_id, period)
    assert row["value"] == pytest.approx(statistics.fmean(values), rel=1e-12)
    assert row["n"] == len(values)
    if len(values) >= 2:
        low, high = hand_t(values)
        floor, ceiling = VALUE_RANGE[metric_id.split(".")[0]]
        low, high = min(max(low, floor), ceiling), min(max(high, floor), ceiling)
        assert row["ci_low"] == pytest.approx(low, rel=1e-9, abs=1e-12)
        assert row["ci_high"] == pytest.approx(high, rel=1e-9, abs=1e-12)
    else:
        assert pd.isna(row["ci_low"]) and pd.isna(row["ci_high"])
    sample = res.samples[(metric_id, period)]
    assert sorted(sample.values.tolist()) == pytest.approx(sorted(values))


def check_share(res: MetricResults, metric_id: str, period: str, x: int, n: int) -> None:
    row = get(res, metric_id, period)
    assert row is not None, (metric_id, period)
    assert row["value"] == pytest.approx(x / n, rel=1e-12)
    assert row["n"] == n
    low, high = hand_wilson(x, n)
    assert row["ci_low"] == pytest.approx(low, rel=1e-9, abs=1e-12)
    assert row["ci_high"] == pytest.approx(high, rel=1e-9, abs=1e-12)
    sample = res.samples[(metric_id, period)]
    assert (sample.numerator, sample.denominator) == (x, n)


def check_plain(res: MetricResults, metric_id: str, period: str, value: float, n: int) -> None:
    row = get(res, metric_id, period)
    assert row is not None, (metric_id, period)
    assert row["value"] == pytest.approx(value, rel=1e-12, abs=1e-15)
    assert row["n"] == n
    assert pd.isna(row["ci_low"]) and pd.isna(row["ci_high"])


# ---------------------------------------------------------------- satisfaction
def surveys() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "response_id": ids(9),
            "surveyed_at": ts(
                "2025-07-31",  # outside every period
                "2025-08-01",
                "2025-08-10",
                "2025-08-20",
                "2025-08-31",  # baseline
                "2025-09-01",
                "2025-09-15",
                "2025-09-30",  # quality month
                "2025-10-05",  # followup
            ),
            "overall": nums(1, 5, 4, 3, 2, 5, 5, 4, 1),
            "cleaning": nums(5, 4, None, 2, None, None, None, None, 3),
            "comment": text(*["x"] * 9),
        }
    )


def test_satisfaction_5_point() -> None:
    res = compute_all({"surveys": surveys()}, make_params())
    # baseline overall 5, 4, 3, 2 → (x − 1) × 25 = 100, 75, 50, 25
    check_mean(res, "satisfaction_index", B, [100, 75, 50, 25])
    # mean 62.5, sd √(1041.67) = 32.27, t(0.975, 3) = 3.1824 → 62.5 ± 51.36 = (11.14, 113.86):
    # clipped to the index's range 0–100
    row = get(res, "satisfaction_index", B)
    assert row is not None and row["ci_high"] == 100.0
    assert row["ci_low"] == pytest.approx(62.5 - 3.1824463052837078 * math.sqrt(3125 / 3) / 2, rel=1e-9)
    check_mean(res, "satisfaction_index", Q, [100, 100, 75])
    check_mean(res, "satisfaction_index", F, [0])  # n = 1: no interval
    # satisfied: overall ≥ 4 → baseline 2 of 4, QM 3 of 3, followup 0 of 1
    check_share(res, "satisfaction_rate", B, 2, 4)
    check_share(res, "satisfaction_rate", Q, 3, 3)
    check_share(res, "satisfaction_rate", F, 0, 1)
    # coverage: responses / 100 households
    check_plain(res, "survey_coverage", B, 0.04, 4)
    check_plain(res, "survey_coverage", Q, 0.03, 3)
    check_plain(res, "survey_coverage", F, 0.01, 1)
    # dimension cleaning: baseline 4, 2 → 75, 25; no QM value → no row
    check_mean(res, "satisfaction_index.cleaning", B, [75, 25])
    assert get(res, "satisfaction_index.cleaning", Q) is None
    check_mean(res, "satisfaction_index.cleaning", F, [50])
    # dimension columns that are absent give no metric; "comment" is no dimension
    assert not res.metrics["metric_id"].str.startswith("satisfaction_index.greening").any()
    assert set(res.metrics["metric_id"]) == {
        "satisfaction_index",
        "satisfaction_index.cleaning",
        "satisfaction_rate",
        "survey_coverage",
    }


def test_satisfaction_10_and_100_point() -> None:
    df = pd.DataFrame(
        {
            "response_id": ids(4),
            "surveyed_at": ts("2025-08-01", "2025-08-02", "2025-08-03", "2025-08-04"),
            "overall": nums(10, 8, 7, 1),
        }
    )
    res = compute_all({"surveys": df}, make_params(survey_scale=10))
    # (x − 1) / 9 × 100 → 100, 700/9, 600/9, 0
    check_mean(res, "satisfaction_index", B, [100, 700 / 9, 600 / 9, 0])
    check_share(res, "satisfaction_rate", B, 2, 4)  # ≥ 8: 10 and 8

    df100 = df.assign(overall=nums(80, 79.5, 100, 0))
    res = compute_all({"surveys": df100}, make_params(survey_scale=100))
    check_mean(res, "satisfaction_index", B, [80, 79.5, 100, 0])
    check_share(res, "satisfaction_rate", B, 2, 4)  # ≥ 80: 80 and 100


# ---------------------------------------------------------------- complaints
def complaints() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "complaint_id": ids(6),
            "received_at": ts(
                "2025-08-01 10:00",
                "2025-08-05 10:00",
                "2025-08-31 23:59:59",
                "2025-08-10 10:00",  # invalid
                "2025-10-02 09:00",
                "2025-10-03 09:00",
            ),
            "responded_at": ts(
                "2025-08-02 10:00",  # exactly 24 h: timely
                "2025-08-06 10:00:01",  # 24 h + 1 s: late
                None,  # no response: not timely
                "2025-08-10 11:00",
                "2025-10-02 10:00",
                None,
            ),
            "closed_at": ts(
                "2025-10-31 23:59",  # by as_of
                "2025-11-01 00:00",  # after the as_of day
                None,
                "2025-08-10 12:00",
                "2025-10-05 09:00",
                None,
            ),
            "category": text(*["c"] * 6),
            "valid": flags(True, True, None, False, True, True),  # missing = default true
            "escalated": flags(*[False] * 6),
        }
    )


def test_complaints() -> None:
    res = compute_all({"complaints": complaints()}, make_params())
    # baseline: 3 valid complaints, 100 households, 31 days → 3·100/100·30/31
    check_plain(res, "complaint_rate", B, 3 * 100 / 100 * 30 / 31, 3)
    check_plain(res, "complaint_rate", Q, 0.0, 0)  # table present, nothing happened
    check_plain(res, "complaint_rate", F, 2 * 100 / 100 * 30 / 31, 2)
    sample = res.samples[("complaint_rate", B)]
    assert (sample.numerator, sample.denominator) == (3, 100 * 31)
    check_share(res, "complaint_closure_rate", B, 1, 3)
    check_share(res, "complaint_response_timely_rate", B, 1, 3)
    check_share(res, "complaint_closure_rate", F, 1, 2)
    check_share(res, "complaint_response_timely_rate", F, 1, 2)
    # shares with no eligible rows have no value
    assert get(res, "complaint_closure_rate", Q) is None
    assert get(res, "complaint_response_timely_rate", Q) is None


def test_complaint_as_of_and_sla() -> None:
    params = make_params(as_of="2025-10-04", sla={"complaint_response_hours": 48})
    res = compute_all({"complaints": complaints()}, params)
    # as_of 10-04: the baseline complaints closed 10-31 and 11-01 (and one never) → 0 of 3
    check_share(res, "complaint_closure_rate", B, 0, 3)
    # within 48 h: the 24 h and 24 h + 1 s responses
    check_share(res, "complaint_response_timely_rate", B, 2, 3)
    # followup complaint closed 10-05 is after as_of 10-04
    check_share(res, "complaint_closure_rate", F, 0, 2)


def test_complaints_without_optional_columns() -> None:
    df = complaints().drop(columns=["closed_at", "responded_at"])
    res = compute_all({"complaints": df}, make_params())
    assert set(res.metrics["metric_id"]) == {"complaint_rate"}


# ---------------------------------------------------------------- repairs
def work_orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_id": ids(8),
            "reported_at": ts(
                "2025-08-01 08:00",
                "2025-08-02 08:00",
                "2025-08-03 08:00",
                "2025-08-04 08:00",
                "2025-08-05 08:00",
                "2025-08-06 08:00",
                "2025-09-10 08:00",
                "2025-10-10 08:00",
            ),
            "arrived_at": ts(
                "2025-08-01 08:30",  # 30 min, 普通 SLA 30: timely
                "2025-08-02 08:16",  # 16 min, 紧急 SLA 15: late
                "2025-08-03 08:10",  # 10 min: timely
                "2025-08-04 08:05",  # cancelled
                "2025-08-05 08:01",  # cancelled
                None,  # no arrival: not timely
                "2025-09-10 09:00",  # QM, cancelled
                "2025-10-10 08:20",
            ),
            "completed_at": ts(
                "2025-08-01 10:00",
                "2025-08-02 09:00",
                "2025-11-02 08:00",  # after as_of
                "2025-08-04 09:00",
                None,
                "2025-08-07 08:00",
                None,
                None,
            ),
            "category": text(*["水电"] * 8),
            "urgency": text("普通", "紧急", "普通", "普通", "紧急", "紧急", "普通", "紧急"),
            "status": text("已完成", None, "处理中", " Cancelled ", "已取消", "完成", "CANCELLED", None),
            "reworked": flags(False, True, None, True, True, False, None, None),
            "rating": nums(5, 3, None, 1, None, 4, None, None),
        }
    )


def test_repairs() -> None:
    res = compute_all({"work_orders": work_orders()}, make_params())
    # baseline non-cancelled: r0, r1, r2, r5; arrivals 30, 16, 10 minutes
    arrivals = [10.0, 16.0, 30.0]
    check_plain(res, "repair_arrival_minutes_median", B, 16.0, 3)
    # linear p90 of [10, 16, 30]: rank 0.9·2 = 1.8 → 16 + 0.8·(30 − 16) = 27.2
    check_plain(res, "repair_arrival_minutes_p90", B, 27.2, 3)
    assert res.samples[("repair_arrival_minutes_p90", B)].values.tolist() == arrivals
    check_share(res, "repair_timely_rate", B, 2, 4)  # r0, r2
    check_share(res, "repair_completion_rate", B, 3, 4)  # r0, r1, r5 (r2 after as_of)
    # rework: non-cancelled, completed_at and reworked given: r0 F, r1 T, r5 F (r2 has no value)
    check_share(res, "repair_rework_rate", B, 1, 3)
    # rating (contract v1.1): non-cancelled orders with a rating: r0 5, r1 3, r5 4 (r3's 1 is cancelled)
    check_mean(res, "repair_rating", B, [5, 3, 4])
    # mean 4, sd 1, t(0.975, 2) = 4.3027 → 4 ± 2.4841 = (1.5159, 6.4841): clipped to 1–5
    row = get(res, "repair_rating", B)
    assert row is not None and row["ci_high"] == 5.0
    assert row["ci_low"] == pytest.approx(4 - 4.302652729749462 / math.sqrt(3), rel=1e-9)
    # QM: its only order is cancelled → no share/percentile; no rating → nothing
    assert [m for m in res.metrics.loc[res.metrics["period"] == Q, "metric_id"]] == []
    # followup: one urgent order, 20 min > 15 → late, not completed
    check_plain(res, "repair_arrival_minutes_median", F, 20.0, 1)
    check_plain(res, "repair_arrival_minutes_p90", F, 20.0, 1)
    check_share(res, "repair_timely_rate", F, 0, 1)
    check_share(res, "repair_completion_rate", F, 0, 1)
    assert get(res, "repair_rework_rate", F) is None
    assert get(res, "repair_rating", F) is None


def test_repair_sla_from_params_in_english_keys() -> None:
    res = compute_all(
        {"work_orders": work_orders()}, make_params(sla={"repair_arrival_minutes": {"urgent": 20}})
    )
    # 紧急 SLA 20 min: r1 (16 min) becomes timely; 普通 keeps its default 30
    check_share(res, "repair_timely_rate", B, 3, 4)
    check_share(res, "repair_timely_rate", F, 1, 1)


# ---------------------------------------------------------------- equipment
def assets() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "asset_id": text("E1", "E2", "F1", "W1"),
            "type": text("电梯", "电梯", "消防", "供水"),
        }
    )


def asset_events() -> pd.DataFrame:
    rows = [
        # id, asset, kind, scheduled_on, occurred_at, restored_at
        ("a1", "E1", "故障", None, "2025-08-05 10:00", "2025-08-05 12:30"),  # 2.5 h
        ("a2", "F1", "故障", None, "2025-08-10 10:00", None),
        ("a3", "E2", "故障", None, "2025-08-20 08:00", "2025-08-21 08:00"),  # 24 h
        ("a4", "W1", "故障", None, "2025-09-15 10:00", "2025-09-15 11:00"),  # QM, 1 h
        ("a5", "E1", "检测", None, "2025-08-06 10:00", None),  # inspections are not failures
        ("m1", "E1", "维保", "2025-08-10", "2025-08-13 23:59", None),  # by end of 08-13: on time
        ("m2", "E2", "维保", "2025-08-12", "2025-08-16 00:00", None),  # after end of 08-15: late
        ("m3", "F1", "维保", "2025-08-30", None, None),  # not done: late
        ("m4", "W1", "维保", "2025-08-31", "2025-09-02 10:00", None),  # baseline by schedule; on time
        ("m5", "W1", "维保", "2025-07-31", "2025-08-01 10:00", None),  # scheduled outside every period
    ]
    cols = list(zip(*rows, strict=True))
    return pd.DataFrame(
        {
            "event_id": text(*cols[0]),
            "asset_id": text(*cols[1]),
            "kind": text(*cols[2]),
            "scheduled_on": ts(*cols[3]),
            "occurred_at": ts(*cols[4]),
            "restored_at": ts(*cols[5]),
        }
    )


def test_equipment() -> None:
    res = compute_all({"assets": assets(), "asset_events": asset_events()}, make_params())
    # baseline: 3 failures, 4 assets, 31 days
    check_plain(res, "equipment_failure_rate", B, 3 * 100 / 4 * 30 / 31, 3)
    check_plain(res, "equipment_failure_rate", Q, 1 * 100 / 4 * 30 / 30, 1)
    check_plain(res, "equipment_failure_rate", F, 0.0, 0)
    assert res.samples[("equipment_failure_rate", Q)].denominator == 4 * 30
    # per type (English ids), exposure = assets of that type
    check_plain(res, "equipment_failure_rate.elevator", B, 2 * 100 / 2 * 30 / 31, 2)
    check_plain(res, "equipment_failure_rate.fire", B, 1 * 100 / 1 * 30 / 31, 1)
    check_plain(res, "equipment_failure_rate.water", B, 0.0, 0)
    check_plain(res, "equipment_failure_rate.water", Q, 100.0, 1)
    check_plain(res, "equipment_failure_rate.elevator", Q, 0.0, 0)
    assert res.samples[("equipment_failure_rate.elevator", B)].denominator == 2 * 31
    ids_present = {m for m in res.metrics["metric_id"] if m.startswith("equipment_failure_rate.")}
    assert ids_present == {
        "equipment_failure_rate.elevator",
        "equipment_failure_rate.fire",
        "equipment_failure_rate.water",
    }
    check_mean(res, "equipment_mttr_hours", B, [2.5, 24.0])
    check_mean(res, "equipment_mttr_hours", Q, [1.0])
    assert get(res, "equipment_mttr_hours", F) is None
    check_share(res, "maintenance_on_time_rate", B, 2, 4)  # m1, m4
    assert get(res, "maintenance_on_time_rate", Q) is None


def test_maintenance_tolerance_param() -> None:
    params = make_params(sla={"maintenance_tolerance_days": 0})
    res = compute_all({"assets": assets(), "asset_events": asset_events()}, params)
    # tolerance 0: only events done on the scheduled day itself count; none here
    check_share(res, "maintenance_on_time_rate", B, 0, 4)


def test_failure_rate_needs_assets_table() -> None:
    res = compute_all({"asset_events": asset_events()}, make_params())
    assert not res.metrics["metric_id"].str.startswith("equipment_failure_rate").any()
    check_mean(res, "equipment_mttr_hours", B, [2.5, 24.0])
    check_share(res, "maintenance_on_time_rate", B, 2, 4)


# ---------------------------------------------------------------- hazards
def hazards() -> pd.DataFrame:
    rows = [
        # id, found_at, severity, due_on, rectified_at
        ("h1", "2025-08-01 10:00", "一般", None, "2025-08-08 23:00"),  # due 08-08 (+7): on time
        ("h2", "2025-08-02 15:00", "较大", None, "2025-08-05 00:00"),  # due 08-05 (+3): on time
        ("h3", "2025-08-03 09:00", "重大", None, "2025-08-05 00:00"),  # due 08-04 (+1): late
        ("h4", "2025-08-04 09:00", "一般", "2025-08-05", "2025-08-06 08:00"),  # due_on 08-05: late
        ("h5", "2025-08-30 09:00", "一般", None, None),  # not rectified
        ("h6", "2025-08-31 09:00", "重大", None, "2025-11-01 08:00"),  # after as_of; due 09-01: late
        ("h7", "2025-10-01 09:00", "较大", "2025-10-20", "2025-10-20 18:00"),  # followup, on time
    ]
    cols = list(zip(*rows, strict=True))
    return pd.DataFrame(
        {
            "hazard_id": text(*cols[0]),
            "found_at": ts(*cols[1]),
            "area": text(*["消防"] * len(rows)),
            "severity": text(*cols[2]),
            "due_on": ts(*cols[3]),
            "rectified_at": ts(*cols[4]),
        }
    )


def test_hazards() -> None:
    res = compute_all({"hazards": hazards()}, make_params())
    check_plain(res, "hazard_count", B, 6.0, 6)
    check_plain(res, "hazard_count", Q, 0.0, 0)
    check_plain(res, "hazard_count", F, 1.0, 1)
    check_share(res, "hazard_rectification_rate", B, 4, 6)  # h1–h4
    check_share(res, "hazard_on_time_rate", B, 2, 6)  # h1, h2
    check_share(res, "hazard_rectification_rate", F, 1, 1)
    check_share(res, "hazard_on_time_rate", F, 1, 1)
    assert get(res, "hazard_rectification_rate", Q) is None
    assert get(res, "hazard_on_time_rate", Q) is None


def test_hazard_due_days_param() -> None:
    params = make_params(sla={"hazard_due_days": {"critical": 2}})
    res = compute_all({"hazards": hazards()}, params)
    # 重大 now 2 days: h3 due 08-05, rectified 08-05 00:00 → on time
    check_share(res, "hazard_on_time_rate", B, 3, 6)


# ---------------------------------------------------------------- inspections
def inspections() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "inspection_id": ids(6),
            "inspected_on": ts(
                "2025-08-01", "2025-08-02", "2025-08-03", "2025-08-04", "2025-09-01", "2025-06-01"
            ),
            "dimension": text("保洁", "保洁", "绿化", "绿化", "安全秩序", "保洁"),
            "score": nums(85, 75, 90, 80, 70, 10),
        }
    )


def test_inspections() -> None:
    res = compute_all({"inspections": inspections()}, make_params())
    check_mean(res, "inspection_score", B, [85, 75, 90, 80])
    check_mean(res, "inspection_score", Q, [70])
    assert get(res, "inspection_score", F) is None
    check_mean(res, "inspection_score.保洁", B, [85, 75])
    check_mean(res, "inspection_score.绿化", B, [90, 80])
    check_mean(res, "inspection_score.安全秩序", Q, [70])
    assert periods_of(res, "inspection_score.安全秩序") == [Q]
    check_share(res, "inspection_pass_rate", B, 3, 4)  # 85, 90, 80 (≥ 80)
    check_share(res, "inspection_pass_rate", Q, 0, 1)
    res = compute_all({"inspections": inspections()}, make_params(inspection_pass_score=86))
    check_share(res, "inspection_pass_rate", B, 1, 4)


# ---------------------------------------------------------------- training
def training() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "record_id": ids(5),
            "employee_id": text("e1", "e1", "e2", "e3", "e1"),
            "role": text("客服", "客服", "工程", "工程", "客服"),
            "course": text("A", "B", "A", "A", "C"),
            "trained_on": ts("2025-08-01", "2025-08-02", "2025-08-03", "2025-08-04", "2025-10-01"),
            "hours": nums(2, 1.5, 3, 0, 4),
            "score": nums(90, None, 59, 60, None),
        }
    )


def test_training() -> None:
    res = compute_all({"training": training()}, make_params())
    # staff total 4 + 6 = 10; baseline: 3 employees, 4 records, 6.5 hours
    check_plain(res, "training_coverage", B, 0.3, 4)
    check_plain(res, "training_hours_per_employee", B, 0.65, 4)
    check_share(res, "training_pass_rate", B, 2, 3)  # scored 90, 59, 60; ≥ 60: 90, 60
    check_plain(res, "training_coverage", Q, 0.0, 0)
    check_plain(res, "training_hours_per_employee", Q, 0.0, 0)
    assert get(res, "training_pass_rate", Q) is None
    check_plain(res, "training_coverage", F, 0.1, 1)
    check_plain(res, "training_hours_per_employee", F, 0.4, 1)
    assert get(res, "training_pass_rate", F) is None  # no scored record


def test_training_without_staff() -> None:
    res = compute_all({"training": training()}, make_params(staff={}))
    # headcount 0: coverage and hours per employee are undefined → left out
    assert set(res.metrics["metric_id"]) == {"training_pass_rate"}


# ---------------------------------------------------------------- incidents, activities
def test_incidents_and_activities() -> None:
    incidents = pd.DataFrame(
        {
            "incident_id": ids(5),
            "occurred_at": ts(
                "2025-08-01 01:00", "2025-08-02", "2025-08-03", "2025-08-31 23:59:59", "2025-10-01"
            ),
            "type": text(*["跌倒"] * 5),
            "severity": text("轻微", "较大", "重大", "一般", "轻微"),
        }
    )
    activities = pd.DataFrame(
        {
            "activity_id": ids(3),
            "held_on": ts("2025-09-01", "2025-09-30", "2025-10-01"),
            "category": text("客户服务", "安全秩序", "社区活动"),
            "title": text("a", "b", "c"),
        }
    )
    res = compute_all({"incidents": incidents, "activities": activities}, make_params())
    check_plain(res, "incident_count", B, 4.0, 4)
    check_plain(res, "serious_incident_count", B, 2.0, 2)
    check_plain(res, "incident_count", Q, 0.0, 0)
    check_plain(res, "serious_incident_count", Q, 0.0, 0)
    check_plain(res, "incident_count", F, 1.0, 1)
    check_plain(res, "serious_incident_count", F, 0.0, 0)
    check_plain(res, "activity_count", B, 0.0, 0)
    check_plain(res, "activity_count", Q, 2.0, 2)
    check_plain(res, "activity_count", F, 1.0, 1)


# ---------------------------------------------------------------- missing / empty tables
ALL_TABLES = {
    "surveys": surveys,
    "complaints": complaints,
    "work_orders": work_orders,
    "assets": assets,
    "asset_events": asset_events,
    "hazards": hazards,
    "inspections": inspections,
    "training": training,
}


def test_missing_tables_give_no_metrics() -> None:
    res = compute_all({"surveys": surveys()}, make_params())
    assert set(res.metrics["metric_id"]).isdisjoint(
        {
            "complaint_rate",
            "hazard_count",
            "incident_count",
            "activity_count",
            "training_coverage",
            "equipment_failure_rate",
            "inspection_score",
            "repair_timely_rate",
        }
    )


def test_empty_tables_give_zero_counts_and_no_shares() -> None:
    tables = {name: make()[0:0] for name, make in ALL_TABLES.items()}
    tables["assets"] = assets()  # assets exist, no events
    tables["incidents"] = pd.DataFrame(
        {
            "incident_id": text(),
            "occurred_at": ts(),
            "type": text(),
            "severity": text(),
        }
    )
    tables["activities"] = pd.DataFrame(
        {
            "activity_id": text(),
            "held_on": ts(),
            "category": text(),
            "title": text(),
        }
    )
    res = compute_all(tables, make_params())
    zero = {
        "survey_coverage",
        "complaint_rate",
        "equipment_failure_rate",
        "equipment_failure_rate.elevator",
        "equipment_failure_rate.fire",
        "equipment_failure_rate.water",
        "hazard_count",
        "training_coverage",
        "training_hours_per_employee",
        "incident_count",
        "serious_incident_count",
        "activity_count",
    }
    assert set(res.metrics["metric_id"]) == zero
    assert (res.metrics["value"] == 0).all() and (res.metrics["n"] == 0).all()
    assert len(res.metrics) == len(zero) * 3
    assert res.changes["p_value"].isna().all()
    assert res.changes["relative_change"].isna().all()
    assert (res.changes["change"] == 0).all()


def test_output_order_and_dtypes() -> None:
    tables = {name: make() for name, make in ALL_TABLES.items()}
    res = compute_all(tables, make_params())
    assert list(res.metrics.columns) == [
        "community_id",
        "metric_id",
        "period",
        "value",
        "n",
        "ci_low",
        "ci_high",
    ]
    assert (res.metrics["community_id"] == "t01").all()
    assert str(res.metrics["n"].dtype) == "Int64"
    ids_in_order = list(dict.fromkeys(res.metrics["metric_id"]))
    assert ids_in_order[:5] == [
        "satisfaction_index",
        "satisfaction_index.cleaning",
        "satisfaction_rate",
        "survey_coverage",
        "complaint_rate",
    ]
    assert not res.metrics.duplicated(["metric_id", "period"]).any()
    assert set(res.samples) == set(zip(res.metrics["metric_id"], res.metrics["period"], strict=True))
    assert res.value("hazard_count", B) == 6.0
    assert res.value("hazard_count", "nope") is None


def test_two_periods_only() -> None:
    params = make_params(periods={B: ["2025-08-01", "2025-08-31"], Q: ["2025-09-01", "2025-09-30"]})
    res = compute_all({"hazards": hazards()}, params)
    assert set(res.metrics["period"]) == {B, Q}
    # as_of defaults to 09-30: h6 (rectified 11-01) still not rectified; same counts
    check_share(res, "hazard_rectification_rate", B, 4, 6)
