"""Training metrics (table ``training``, anchor ``trained_on``).

Coverage and hours per employee divide by the total staff headcount
(``sum(params.staff)``); when it is 0 (no ``staff`` in params) they are
undefined and left out.
"""

from __future__ import annotations

import pandas as pd

from ..params import Params
from .base import Estimate, MetricMap, add_estimate, period_rows, ratio_estimate, share_estimate
from .requirements import computable


def training_coverage(rows: pd.DataFrame, staff_total: int) -> Estimate | None:
    """``distinct employee_id trained in P / sum of staff headcount``; n = records."""
    employees = rows["employee_id"].dropna().astype(str).nunique()
    return ratio_estimate(employees, staff_total, len(rows), "coverage")


def training_hours_per_employee(rows: pd.DataFrame, staff_total: int) -> Estimate | None:
    """``sum of hours in P / sum of staff headcount`` (missing hours = 0); n = records."""
    hours = pd.Series(0.0, index=rows.index) if "hours" not in rows.columns else rows["hours"]
    total = float(hours.astype("float64").fillna(0.0).sort_values().sum())
    return ratio_estimate(total, staff_total, len(rows), "per_capita")


def training_pass_rate(rows: pd.DataFrame, pass_score: float) -> Estimate | None:
    """Share of records in P with a score that have ``score ≥ training_pass_score``.

    n = records with a score; Wilson interval.
    """
    scores = rows["score"].astype("float64").dropna()
    return share_estimate(scores >= pass_score)


def compute(tables: dict[str, pd.DataFrame], params: Params) -> MetricMap:
    """All training metrics for every period (empty when ``training`` is missing)."""
    out: MetricMap = {}
    if "training" not in tables:
        return out
    df = tables["training"]
    by_period = period_rows("training", df, params)
    staff = params.staff_total
    for period, rows in by_period.items():
        add_estimate(out, "training_coverage", period, training_coverage(rows, staff))
    for period, rows in by_period.items():
        add_estimate(out, "training_hours_per_employee", period, training_hours_per_employee(rows, staff))
    if computable("training_pass_rate", tables):
        for period, rows in by_period.items():
            add_estimate(
                out, "training_pass_rate", period, training_pass_rate(rows, params.training_pass_score)
            )
    return out
