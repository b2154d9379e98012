"""changes.csv: change, relative change and the p-value of each metric kind, by hand."""

from __future__ import annotations

import math
import statistics
from functools import partial
from typing import Any

import pandas as pd
import pytest
from helpers import F, Q, text, ts
from helpers import make_params as base_params
from scipy.stats import norm
from scipy.stats import t as t_dist

from qmlib.metrics import compute_all
from qmlib.metrics.compute import MetricResults

#: t02: the base test community with one 10-person role (helpers.BASE_PARAMS otherwise).
make_params = partial(base_params, community_id="t02", staff={"客服": 10})


def change(res: MetricResults, metric_id: str, period: str) -> dict[str, Any] | None:
    rows = res.changes[(res.changes["metric_id"] == metric_id) & (res.changes["period"] == period)]
    assert len(rows) <= 1
    return None if rows.empty else rows.iloc[0].to_dict()


def hand_welch(a: list[float], b: list[float]) -> float:
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    t = (statistics.fmean(a) - statistics.fmean(b)) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return 2 * t_dist.sf(abs(t), df)


def hand_pooled_z(x1: int, n1: int, x2: int, n2: int) -> float:
    pooled = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return 2 * norm.sf(abs(z))


def hand_poisson(c1: float, e1: float, c2: float, e2: float) -> float:
    r0 = (c1 + c2) / (e1 + e2)
    z = (c1 / e1 - c2 / e2) / math.sqrt(r0 * (1 / e1 + 1 / e2))
    return 2 * norm.sf(abs(z))


def surveys() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "response_id": text(*[f"s{i}" for i in range(8)]),
            "surveyed_at": ts(
                "2025-08-01",
                "2025-08-02",
                "2025-08-03",
                "2025-08-04",
                "2025-09-01",
                "2025-09-02",
                "2025-09-03",
                "2025-10-01",
            ),
            "overall": [5.0, 4, 3, 2, 5, 5, 4, 1],
            "cleaning": [4.0, 2, None, None, None, None, None, 3],
        }
    )


def complaints() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "complaint_id": text("c1", "c2", "c3", "c4", "c5"),
            "received_at": ts("2025-08-01", "2025-08-02", "2025-08-03", "2025-10-01", "2025-10-02"),
            "category": text(*["x"] * 5),
            "valid": pd.Series([True] * 5, dtype="boolean"),
            "escalated": pd.Series([False] * 5, dtype="boolean"),
        }
    )


def equipment() -> dict[str, pd.DataFrame]:
    assets = pd.DataFrame({"asset_id": text("E1", "W1"), "type": text("电梯", "供水")})
    events = pd.DataFrame(
        {
            "event_id": text("a", "b"),
            "asset_id": text("E1", "W1"),
            "kind": text("故障", "故障"),
            "occurred_at": ts("2025-08-03 10:00", "2025-09-03 10:00"),
        }
    )
    return {"assets": assets, "asset_events": events}


def inspections() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "inspection_id": text("i1", "i2", "i3", "i4"),
            "inspected_on": ts("2025-08-01", "2025-08-02", "2025-09-01", "2025-10-01"),
            "dimension": text("保洁", "保洁", "绿化", "保洁"),
            "score": [50.0, 60, 70, 90],
        }
    )


@pytest.fixture(scope="module")
def res() -> MetricResults:
    tables = {"surveys": surveys(), "complaints": complaints(), "inspections": inspections(), **equipment()}
    return compute_all(tables, make_params())


def test_columns(res: MetricResults) -> None:
    assert list(res.changes.columns) == [
        "community_id",
        "metric_id",
        "period",
        "baseline_value",
        "value",
        "change",
        "relative_change",
        "p_value",
        "significant",
    ]
    assert (res.changes["community_id"] == "t02").all()
    assert set(res.changes["period"]) <= {Q, F}
    assert str(res.changes["significant"].dtype) == "boolean"


def test_mean_welch(res: MetricResults) -> None:
    row = change(res, "satisfaction_index", Q)
    base, qm = [100.0, 75, 50, 25], [100.0, 100, 75]
    assert row["baseline_value"] == pytest.approx(62.5)
    assert row["value"] == pytest.approx(275 / 3)
    assert row["change"] == pytest.approx(275 / 3 - 62.5)
    assert row["relative_change"] == pytest.approx((275 / 3 - 62.5) / 62.5)
    assert row["p_value"] == pytest.approx(hand_welch(qm, base), rel=1e-10)
    assert row["significant"] == (hand_welch(qm, base) < 0.05)
    # followup has one response: fewer than 2 values → no p-value
    row = change(res, "satisfaction_index", F)
    assert row["change"] == pytest.approx(-62.5)
    assert row["relative_change"] == pytest.approx(-1.0)
    assert pd.isna(row["p_value"]) and pd.isna(row["significant"])


def test_dimension_rows_need_both_periods(res: MetricResults) -> None:
    # cleaning has values in baseline (75, 25) and followup (50), none in QM
    assert change(res, "satisfaction_index.cleaning", Q) is None
    row = change(res, "satisfaction_index.cleaning", F)
    assert row["change"] == pytest.approx(0.0)
    assert row["relative_change"] == pytest.approx(0.0)
    assert pd.isna(row["p_value"])
    # 绿化 only in QM: no baseline → no change row
    assert change(res, "inspection_score.绿化", Q) is None
    row = change(res, "inspection_score.保洁", F)  # baseline 50, 60; followup 90 (n = 1)
    assert row["change"] == pytest.approx(35.0)
    assert pd.isna(row["p_value"])


def test_share_pooled_z(res: MetricResults) -> None:
    row = change(res, "satisfaction_rate", Q)  # 3/3 vs 2/4
    assert row["change"] == pytest.approx(0.5)
    assert row["relative_change"] == pytest.approx(1.0)
    assert row["p_value"] == pytest.approx(hand_pooled_z(3, 3, 2, 4), rel=1e-10)
    assert pd.notna(row["significant"]) and not row["significant"]  # p ≈ 0.147
    row = change(res, "satisfaction_rate", F)  # 0/1 vs 2/4
    assert row["p_value"] == pytest.approx(hand_pooled_z(0, 1, 2, 4), rel=1e-10)


def test_share_both_zero_has_no_pvalue(res: MetricResults) -> None:
    # inspection pass rate (≥ 80): baseline 0/2, QM 0/1 → both shares 0; followup 1/1
    row = change(res, "inspection_pass_rate", Q)
    assert row["baseline_value"] == 0.0 and row["value"] == 0.0
    assert row["change"] == 0.0
    assert pd.isna(row["relative_change"])  # baseline value 0
    assert pd.isna(row["p_value"]) and pd.isna(row["significant"])
    row = change(res, "inspection_pass_rate", F)
    assert row["change"] == 1.0
    assert pd.isna(row["relative_change"])
    assert row["p_value"] == pytest.approx(hand_pooled_z(1, 1, 0, 2), rel=1e-10)


def test_rate_poisson(res: MetricResults) -> None:
    # complaints: baseline 3 in 100 × 31, QM 0 in 100 × 30, followup 2 in 100 × 31
    row = change(res, "complaint_rate", Q)
    assert row["baseline_value"] == pytest.approx(3 * 30 / 31)
    assert row["value"] == 0.0
    assert row["relative_change"] == pytest.approx(-1.0)
    assert row["p_value"] == pytest.approx(hand_poisson(0, 3000, 3, 3100), rel=1e-10)
    assert row["significant"] == (hand_poisson(0, 3000, 3, 3100) < 0.05)
    row = change(res, "complaint_rate", F)
    assert row["p_value"] == pytest.approx(hand_poisson(2, 3100, 3, 3100), rel=1e-10)


def test_rate_per_type_zero_baseline(res: MetricResults) -> None:
    # water: 1 asset; baseline 0 failures, QM 1 failure → rate 100 per 100 assets per 30 days
    row = change(res, "equipment_failure_rate.water", Q)
    assert row["baseline_value"] == 0.0
    assert row["value"] == pytest.approx(100.0)
    assert row["change"] == pytest.approx(100.0)
    assert pd.isna(row["relative_change"])
    assert row["p_value"] == pytest.approx(hand_poisson(1, 1 * 30, 0, 1 * 31), rel=1e-10)
    # both counts 0 (water in followup vs baseline) → undefined
    row = change(res, "equipment_failure_rate.water", F)
    assert row["change"] == 0.0
    assert pd.isna(row["p_value"]) and pd.isna(row["significant"])
    # all assets: baseline 1 in 2 × 31, QM 1 in 2 × 30
    row = change(res, "equipment_failure_rate", Q)
    assert row["p_value"] == pytest.approx(hand_poisson(1, 60, 1, 62), rel=1e-10)


def test_other_kinds_have_no_pvalue(res: MetricResults) -> None:
    row = change(res, "survey_coverage", Q)  # 0.03 vs 0.04
    assert row["change"] == pytest.approx(-0.01)
    assert row["relative_change"] == pytest.approx(-0.25)
    assert pd.isna(row["p_value"]) and pd.isna(row["significant"])


def test_significant_true() -> None:
    # 40 complaints in baseline, 2 in QM → clearly significant
    n = 42
    df = pd.DataFrame(
        {
            "complaint_id": text(*[f"c{i}" for i in range(n)]),
            "received_at": ts(*(["2025-08-10"] * 40 + ["2025-09-10"] * 2)),
            "category": text(*["x"] * n),
            "valid": pd.Series([True] * n, dtype="boolean"),
        }
    )
    res = compute_all({"complaints": df}, make_params())
    row = change(res, "complaint_rate", Q)
    assert row["p_value"] == pytest.approx(hand_poisson(2, 3000, 40, 3100), rel=1e-10)
    assert row["p_value"] < 0.05
    assert pd.notna(row["significant"]) and row["significant"]


def test_no_changes_without_baseline_value() -> None:
    df = surveys()
    df = df[df["surveyed_at"] >= "2025-09-01"]  # nothing in the baseline
    res = compute_all({"surveys": df}, make_params())
    assert set(res.changes["metric_id"]) == {"survey_coverage"}  # coverage is 0 in the baseline
    assert res.changes["relative_change"].isna().all()
