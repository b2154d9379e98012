"""Changes against the baseline (contract section 4, "Changes against the baseline").

For every metric with a value in the baseline and in a later period P, one row
per (metric, P):

- ``change = value(P) − value(baseline)``
- ``relative_change = change / value(baseline)``, empty when the baseline value is 0
- ``p_value``: two-sided test chosen by the metric's kind (:func:`p_value`)
- ``significant``: p < 0.05 true, ≥ 0.05 false, empty without a p-value
"""

from __future__ import annotations

import pandas as pd

from ..params import Params
from .base import Estimate, MetricMap
from .catalog import metric_def
from .stats import is_significant, poisson_rate_pvalue, two_proportion_pvalue, welch_t_pvalue

BASELINE = "baseline"
CHANGES_COLUMNS: list[str] = [
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


def p_value(metric_id: str, current: Estimate, baseline: Estimate) -> float | None:
    """Two-sided p-value of the change of ``metric_id`` from ``baseline`` to ``current``.

    - mean: Welch's t-test on the two samples of observations
    - share: pooled two-proportion z-test on (successes, trials)
    - rate: Poisson score test on (events, exposure)
    - anything else (counts, percentiles, coverage, per capita): None
    """
    kind = metric_def(metric_id).kind
    cur, base = current.sample, baseline.sample
    if kind == "mean" and cur.values is not None and base.values is not None:
        return welch_t_pvalue(cur.values, base.values)
    if kind == "share":
        return two_proportion_pvalue(
            int(cur.numerator or 0),
            int(cur.denominator or 0),
            int(base.numerator or 0),
            int(base.denominator or 0),
        )
    if kind == "rate":
        return poisson_rate_pvalue(
            float(cur.numerator or 0),
            float(cur.denominator or 0),
            float(base.numerator or 0),
            float(base.denominator or 0),
        )
    return None


def change_row(metric_id: str, period: str, current: Estimate, baseline: Estimate) -> dict[str, object]:
    """One changes.csv row (without community_id)."""
    change = current.value - baseline.value
    relative = change / baseline.value if baseline.value != 0 else None
    p = p_value(metric_id, current, baseline)
    return {
        "metric_id": metric_id,
        "period": period,
        "baseline_value": baseline.value,
        "value": current.value,
        "change": change,
        "relative_change": relative,
        "p_value": p,
        "significant": is_significant(p),
    }


def compute_changes(estimates: MetricMap, params: Params) -> pd.DataFrame:
    """changes.csv as a DataFrame (contract column order), metrics in output order."""
    later = [p for p in params.period_names if p != BASELINE]
    rows: list[dict[str, object]] = []
    for metric_id, by_period in estimates.items():
        baseline = by_period.get(BASELINE)
        if baseline is None:
            continue
        for period in later:
            current = by_period.get(period)
            if current is not None:
                rows.append(change_row(metric_id, period, current, baseline))
    frame = pd.DataFrame(rows, columns=CHANGES_COLUMNS[1:])
    frame.insert(0, "community_id", params.community_id)
    return frame.astype(
        {
            "community_id": "string",
            "metric_id": "string",
            "period": "string",
            "baseline_value": "float64",
            "value": "float64",
            "change": "float64",
            "relative_change": "float64",
            "p_value": "float64",
            "significant": "boolean",
        }
    )[CHANGES_COLUMNS]
