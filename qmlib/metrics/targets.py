"""Targets of params ``targets`` (contract section 4, "Targets").

One row per target, in params order; ``period`` defaults to the last period.

========================  ===============================================  ======================
kind                      ``change``                                       achieved when
========================  ===============================================  ======================
delta                     ``value(P) − value(baseline)``                   change ≥ target if target > 0, ≤ if < 0
relative_change           ``(value(P) − value(baseline)) / value(baseline)``  same comparison
at_least                  empty                                            ``value(P) ≥ target``
at_most                   empty                                            ``value(P) ≤ target``
========================  ===============================================  ======================

``achieved`` is empty when a value it needs is missing, and for
relative_change also when the baseline value is 0 (no result). Comparisons
allow a rounding slack of 1e-9 × max(1, |target|), so that e.g. 0.3 − 0.1
reaches a delta of 0.2.
"""

from __future__ import annotations

import math

import pandas as pd

from ..params import Params, Target
from .base import MetricMap

BASELINE = "baseline"
TARGETS_COLUMNS: list[str] = [
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
#: Relative slack of every comparison with a target (floating-point rounding).
RELATIVE_TOLERANCE = 1e-9


def _slack(target: float) -> float:
    return RELATIVE_TOLERANCE * max(1.0, abs(target))


def reaches(quantity: float, target: float) -> bool:
    """``quantity ≥ target`` when target > 0, ``quantity ≤ target`` when target < 0 (with slack)."""
    if target > 0:
        return quantity >= target - _slack(target)
    return quantity <= target + _slack(target)


def evaluate(
    kind: str, target: float, baseline: float | None, actual: float | None
) -> tuple[float | None, bool | None]:
    """``(change, achieved)`` of one target; None where the contract says empty."""
    if kind in ("at_least", "at_most"):
        if actual is None:
            return None, None
        if kind == "at_least":
            return None, bool(actual >= target - _slack(target))
        return None, bool(actual <= target + _slack(target))
    if actual is None or baseline is None:
        return None, None
    if kind == "delta":
        change = actual - baseline
    elif kind == "relative_change":
        if baseline == 0:
            return None, None
        change = (actual - baseline) / baseline
    else:
        raise ValueError(f"unknown target kind {kind!r}")
    if not math.isfinite(change):
        return None, None
    return change, reaches(change, target)


def _value(estimates: MetricMap, metric_id: str, period: str) -> float | None:
    est = estimates.get(metric_id, {}).get(period)
    return None if est is None else est.value


def target_row(target: Target, estimates: MetricMap, params: Params) -> dict[str, object]:
    """One targets.csv row (without community_id)."""
    period = params.target_period(target)
    baseline = _value(estimates, target.metric, BASELINE)
    actual = _value(estimates, target.metric, period)
    change, achieved = evaluate(target.kind, target.value, baseline, actual)
    return {
        "metric_id": target.metric,
        "kind": target.kind,
        "period": period,
        "target": float(target.value),
        "baseline_value": baseline,
        "actual_value": actual,
        "change": change,
        "achieved": achieved,
    }


def compute_targets(estimates: MetricMap, params: Params) -> pd.DataFrame:
    """targets.csv as a DataFrame (contract column order), one row per target in params order."""
    rows = [target_row(t, estimates, params) for t in params.targets]
    frame = pd.DataFrame(rows, columns=TARGETS_COLUMNS[1:])
    frame.insert(0, "community_id", params.community_id)
    return frame.astype(
        {
            "community_id": "string",
            "metric_id": "string",
            "kind": "string",
            "period": "string",
            "target": "float64",
            "baseline_value": "float64",
            "actual_value": "float64",
            "change": "float64",
            "achieved": "boolean",
        }
    )[TARGETS_COLUMNS]
