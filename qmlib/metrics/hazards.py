"""Hazard metrics (table ``hazards``, anchor ``found_at``)."""

from __future__ import annotations

import pandas as pd

from ..params import Params
from ..periods import by_as_of
from .base import Estimate, MetricMap, add_estimate, count_estimate, period_rows, share_estimate

DEFAULT_SEVERITY = "一般"


def hazard_count(rows: pd.DataFrame) -> Estimate:
    """Number of hazards found in P; n = the same."""
    return count_estimate(len(rows))


def hazard_rectification_rate(rows: pd.DataFrame, params: Params) -> Estimate | None:
    """Share of hazards found in P with ``rectified_at`` by as_of; n = hazards; Wilson."""
    return share_estimate(by_as_of(rows["rectified_at"], params))


def due_date(rows: pd.DataFrame, due_days: dict[str, float]) -> pd.Series:
    """Due date of each hazard (00:00 of that day).

    ``due_on`` when given, else ``date(found_at) + hazard_due_days[severity]``
    days (severity missing = 一般).
    """
    severity = rows["severity"].astype("string").fillna(DEFAULT_SEVERITY) if "severity" in rows.columns \
        else pd.Series(DEFAULT_SEVERITY, index=rows.index, dtype="string")
    offset_days = severity.map(dict(due_days)).astype("float64")
    computed = (pd.to_datetime(rows["found_at"]).dt.normalize()
                + pd.to_timedelta(offset_days, unit="D")).dt.normalize()
    if "due_on" in rows.columns:
        due_on = pd.to_datetime(rows["due_on"]).dt.normalize()
        return due_on.where(due_on.notna(), computed)
    return computed


def hazard_on_time_rate(rows: pd.DataFrame, due_days: dict[str, float]) -> Estimate | None:
    """Share of hazards found in P rectified by their due date (:func:`due_date`).

    The due date counts inclusively, like as_of: on time when
    ``rectified_at < due date + 1 day`` (any time on the due day is on time).
    Not rectified = not on time. n = hazards; Wilson interval.
    """
    deadline = due_date(rows, due_days) + pd.Timedelta(days=1)
    rectified = pd.to_datetime(rows["rectified_at"])
    return share_estimate((rectified.notna() & (rectified < deadline)).fillna(False))


def compute(tables: dict[str, pd.DataFrame], params: Params) -> MetricMap:
    """All hazard metrics for every period (empty when ``hazards`` is missing).

    The two rates need ``rectified_at``; without that column they are left out.
    """
    out: MetricMap = {}
    if "hazards" not in tables:
        return out
    df = tables["hazards"]
    by_period = period_rows("hazards", df, params)
    for period, rows in by_period.items():
        add_estimate(out, "hazard_count", period, hazard_count(rows))
    if "rectified_at" in df.columns:
        for period, rows in by_period.items():
            add_estimate(out, "hazard_rectification_rate", period, hazard_rectification_rate(rows, params))
        due_days = params.sla.hazard_due_days
        for period, rows in by_period.items():
            add_estimate(out, "hazard_on_time_rate", period, hazard_on_time_rate(rows, due_days))
    return out
