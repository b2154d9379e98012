"""Hazard metrics (table ``hazards``, anchor ``found_at``).

The due date and on-time rule are in :mod:`qmlib.metrics.rules`
(:func:`~qmlib.metrics.rules.hazard_due`, :func:`~qmlib.metrics.rules.hazard_on_time`).
"""

from __future__ import annotations

import pandas as pd

from ..params import Params
from ..periods import by_as_of
from .base import Estimate, MetricMap, add_estimate, count_estimate, period_rows, share_estimate
from .requirements import computable
from .rules import hazard_on_time


def hazard_count(rows: pd.DataFrame) -> Estimate:
    """Number of hazards found in P; n = the same."""
    return count_estimate(len(rows))


def hazard_rectification_rate(rows: pd.DataFrame, params: Params) -> Estimate | None:
    """Share of hazards found in P with ``rectified_at`` by as_of; n = hazards; Wilson."""
    return share_estimate(by_as_of(rows["rectified_at"], params))


def hazard_on_time_rate(rows: pd.DataFrame, due_days: dict[str, float]) -> Estimate | None:
    """Share of hazards found in P rectified by their due date.

    On time: ``rectified_at < hazard_due + 1 day`` (:func:`~qmlib.metrics.rules.hazard_on_time`;
    due date = ``due_on``, else found date + ``hazard_due_days[severity]``).
    Not rectified = not on time. n = hazards; Wilson interval.
    """
    return share_estimate(hazard_on_time(rows, due_days))


def compute(tables: dict[str, pd.DataFrame], params: Params) -> MetricMap:
    """All hazard metrics for every period (empty when ``hazards`` is missing).

    The two rates need ``rectified_at``; without that column they are left out.
    """
    out: MetricMap = {}
    if "hazards" not in tables:
        return out
    by_period = period_rows("hazards", tables["hazards"], params)
    for period, rows in by_period.items():
        add_estimate(out, "hazard_count", period, hazard_count(rows))
    if computable("hazard_rectification_rate", tables):
        for period, rows in by_period.items():
            add_estimate(out, "hazard_rectification_rate", period, hazard_rectification_rate(rows, params))
    if computable("hazard_on_time_rate", tables):
        due_days = params.sla.hazard_due_days
        for period, rows in by_period.items():
            add_estimate(out, "hazard_on_time_rate", period, hazard_on_time_rate(rows, due_days))
    return out
