"""Safety incidents (anchor ``occurred_at``) and quality-month activities (anchor ``held_on``)."""

from __future__ import annotations

import pandas as pd

from ..params import Params
from .base import Estimate, MetricMap, add_estimate, count_estimate, period_rows
from .rules import is_serious_incident


def incident_count(rows: pd.DataFrame) -> Estimate:
    """Number of incidents occurred in P; n = the same."""
    return count_estimate(len(rows))


def serious_incident_count(rows: pd.DataFrame) -> Estimate:
    """Number of incidents in P with severity 较大 or 重大 (missing severity = 轻微;
    :func:`~qmlib.metrics.rules.is_serious_incident`); n = the same."""
    return count_estimate(int(is_serious_incident(rows).sum()))


def activity_count(rows: pd.DataFrame) -> Estimate:
    """Number of activities held in P; n = the same."""
    return count_estimate(len(rows))


def compute(tables: dict[str, pd.DataFrame], params: Params) -> MetricMap:
    """Incident and activity counts per period (each left out when its table is missing)."""
    out: MetricMap = {}
    if "incidents" in tables:
        by_period = period_rows("incidents", tables["incidents"], params)
        for period, rows in by_period.items():
            add_estimate(out, "incident_count", period, incident_count(rows))
        for period, rows in by_period.items():
            add_estimate(out, "serious_incident_count", period, serious_incident_count(rows))
    if "activities" in tables:
        for period, rows in period_rows("activities", tables["activities"], params).items():
            add_estimate(out, "activity_count", period, activity_count(rows))
    return out
