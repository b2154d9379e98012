"""targets.csv: every target kind, default period, missing values, zero baseline."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from helpers import F, Q, text, ts
from helpers import make_params as base_params

from qmlib.metrics import compute_all
from qmlib.metrics.targets import evaluate
from qmlib.params import Params


def make_params(targets: list[dict[str, Any]], **overrides: Any) -> Params:
    """t03 without staff, with ``targets`` (helpers.BASE_PARAMS otherwise)."""
    return base_params(community_id="t03", staff={}, targets=targets, **overrides)


def tables() -> dict[str, pd.DataFrame]:
    surveys = pd.DataFrame(
        {
            "response_id": text("a", "b", "c", "d", "e", "f"),
            # baseline overall 5, 3 → index 100, 50 (mean 75); QM 5, 4 → 87.5; followup 2, 2 → 25
            "surveyed_at": ts(
                "2025-08-01", "2025-08-02", "2025-09-01", "2025-09-02", "2025-10-01", "2025-10-02"
            ),
            "overall": [5.0, 3, 5, 4, 2, 2],
        }
    )
    hazards = pd.DataFrame(
        {
            "hazard_id": text("h1", "h2", "h3"),
            "found_at": ts("2025-08-01 09:00", "2025-09-01 09:00", "2025-10-01 09:00"),
            "area": text("消防", "消防", "消防"),
            "severity": text("一般", "一般", "一般"),
            "rectified_at": ts(None, "2025-09-02 09:00", "2025-10-02 09:00"),
        }
    )
    incidents = pd.DataFrame(
        {
            "incident_id": text("i1"),
            "occurred_at": ts("2025-09-03 10:00"),
            "type": text("跌倒"),
            "severity": text("轻微"),
        }
    )
    return {"surveys": surveys, "hazards": hazards, "incidents": incidents}


TARGETS: list[dict[str, Any]] = [
    {"metric": "satisfaction_index", "kind": "delta", "value": 2},  # default period: followup
    {"metric": "satisfaction_index", "kind": "delta", "value": 2, "period": "quality_month"},
    {"metric": "satisfaction_index", "kind": "relative_change", "value": 0.2, "period": "quality_month"},
    {"metric": "satisfaction_index", "kind": "relative_change", "value": -0.5},
    {"metric": "hazard_rectification_rate", "kind": "at_least", "value": 1.0},
    {"metric": "hazard_rectification_rate", "kind": "at_most", "value": 0.5, "period": "quality_month"},
    {"metric": "incident_count", "kind": "relative_change", "value": -0.1, "period": "quality_month"},
    {"metric": "incident_count", "kind": "delta", "value": -1, "period": "quality_month"},
    {"metric": "repair_rating", "kind": "at_least", "value": 4},  # table missing
    {"metric": "hazard_count", "kind": "at_most", "value": 1},
]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return compute_all(tables(), make_params(TARGETS)).targets


def row(frame: pd.DataFrame, i: int) -> dict[str, Any]:
    return frame.iloc[i].to_dict()


def test_columns_and_order(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == [
        "community_id",
        "metric_id",
        "kind",
        "period",
        "target",
        "baseline_value",
        "actual_value",
        "change",
        "achieved",
    ]
    assert len(frame) == len(TARGETS)
    assert list(frame["metric_id"]) == [t["metric"] for t in TARGETS]
    assert list(frame["kind"]) == [t["kind"] for t in TARGETS]
    assert (frame["community_id"] == "t03").all()
    assert list(frame["period"]) == [F, Q, Q, F, F, Q, Q, Q, F, F]
    assert str(frame["achieved"].dtype) == "boolean"


def test_delta(frame: pd.DataFrame) -> None:
    r = row(frame, 0)  # followup 25 − baseline 75 = −50 < 2
    assert (r["target"], r["baseline_value"], r["actual_value"]) == (2.0, 75.0, 25.0)
    assert r["change"] == -50.0
    assert not r["achieved"]
    r = row(frame, 1)  # QM 87.5 − 75 = 12.5 ≥ 2
    assert r["change"] == 12.5
    assert r["achieved"]


def test_relative_change(frame: pd.DataFrame) -> None:
    r = row(frame, 2)  # (87.5 − 75) / 75 = 1/6 < 0.2
    assert r["change"] == pytest.approx(1 / 6)
    assert not r["achieved"]
    r = row(frame, 3)  # (25 − 75) / 75 = −2/3 ≤ −0.5
    assert r["change"] == pytest.approx(-2 / 3)
    assert r["achieved"]


def test_at_least_at_most(frame: pd.DataFrame) -> None:
    r = row(frame, 4)  # followup rectification 1/1 = 1.0 ≥ 1.0 (equality reaches)
    assert r["actual_value"] == 1.0 and r["baseline_value"] == 0.0
    assert pd.isna(r["change"])
    assert r["achieved"]
    r = row(frame, 5)  # QM 1.0 ≤ 0.5? no
    assert pd.isna(r["change"])
    assert not r["achieved"]
    r = row(frame, 9)  # followup hazard count 1 ≤ 1
    assert r["actual_value"] == 1.0 and r["achieved"]


def test_zero_baseline_and_missing(frame: pd.DataFrame) -> None:
    r = row(frame, 6)  # incident count baseline 0 → relative change has no result
    assert r["baseline_value"] == 0.0 and r["actual_value"] == 1.0
    assert pd.isna(r["change"]) and pd.isna(r["achieved"])
    r = row(frame, 7)  # delta 1 − 0 = 1, target −1 → needs ≤ −1
    assert r["change"] == 1.0
    assert not r["achieved"]
    r = row(frame, 8)  # no work_orders table: every value missing
    assert pd.isna(r["baseline_value"]) and pd.isna(r["actual_value"])
    assert pd.isna(r["change"]) and pd.isna(r["achieved"])


def test_missing_baseline_value() -> None:
    t = tables()
    t["surveys"] = t["surveys"][t["surveys"]["surveyed_at"] >= "2025-09-01"]
    out = compute_all(
        t,
        make_params(
            [
                {"metric": "satisfaction_index", "kind": "delta", "value": 2},
                {"metric": "satisfaction_index", "kind": "relative_change", "value": 0.1},
                {"metric": "satisfaction_index", "kind": "at_most", "value": 30},
            ]
        ),
    ).targets
    assert pd.isna(out.loc[0, "baseline_value"]) and out.loc[0, "actual_value"] == 25.0
    assert out[["change", "achieved"]].iloc[:2].isna().all().all()
    assert out.loc[2, "achieved"]  # at_most needs no baseline: 25 ≤ 30


def test_no_targets() -> None:
    out = compute_all(tables(), make_params([])).targets
    assert out.empty
    assert list(out.columns)[-1] == "achieved"


def test_evaluate_rules() -> None:
    assert evaluate("delta", 2, 80.0, 82.0) == (2.0, True)
    assert evaluate("delta", 2, 80.0, 81.5) == (1.5, False)
    assert evaluate("delta", -1, 3.0, 2.0) == (-1.0, True)
    assert evaluate("delta", -1, 3.0, 2.5) == (-0.5, False)
    # rounding: 0.3 − 0.1 = 0.19999999999999998 still reaches 0.2
    change, achieved = evaluate("delta", 0.2, 0.1, 0.3)
    assert change == pytest.approx(0.2) and achieved is True
    assert evaluate("relative_change", -0.1, 10.0, 9.0) == (pytest.approx(-0.1), True)
    assert evaluate("relative_change", -0.1, 0.0, 9.0) == (None, None)
    assert evaluate("relative_change", 0.1, None, 9.0) == (None, None)
    assert evaluate("at_least", 0.9, None, 0.9) == (None, True)
    assert evaluate("at_least", 0.9, 1.0, 0.89) == (None, False)
    assert evaluate("at_most", 0.9, 1.0, 0.91) == (None, False)
    assert evaluate("at_most", 0.9, 1.0, None) == (None, None)
