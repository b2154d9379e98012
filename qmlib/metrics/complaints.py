"""Complaint metrics (table ``complaints``, anchor ``received_at``).

Only valid complaints count (:func:`qmlib.metrics.rules.is_valid_complaint`:
``valid`` is true or missing, its default being true). A metric that needs an optional column the export does not have
(``closed_at``, ``responded_at``) is left out, like a metric of a missing table.
"""

from __future__ import annotations

import pandas as pd

from ..params import Params
from ..periods import by_as_of, days
from .base import (
    Estimate,
    MetricMap,
    add_estimate,
    period_rows,
    rate_estimate,
    share_estimate,
)
from .requirements import computable
from .rules import response_timely, valid_complaints


def complaint_rate(rows: pd.DataFrame, households: int, period_days: int) -> Estimate | None:
    """``valid complaints in P × 100 / households × 30 / days(P)``; n = valid complaints.

    Exposure for the Poisson test: ``households × days(P)``.
    """
    return rate_estimate(len(rows), households, period_days)


def complaint_closure_rate(rows: pd.DataFrame, params: Params) -> Estimate | None:
    """Share of valid complaints with ``closed_at`` by as_of (``closed_at < as_of + 1 day``).

    n = valid complaints; Wilson interval.
    """
    return share_estimate(by_as_of(rows["closed_at"], params))


def complaint_response_timely_rate(rows: pd.DataFrame, response_hours: float) -> Estimate | None:
    """Share of valid complaints with ``responded_at − received_at ≤ complaint_response_hours``.

    (:func:`~qmlib.metrics.rules.response_timely`.) No ``responded_at`` = not
    timely. n = valid complaints; Wilson interval.
    """
    return share_estimate(response_timely(rows, response_hours))


def compute(tables: dict[str, pd.DataFrame], params: Params) -> MetricMap:
    """All complaint metrics for every period (empty when ``complaints`` is missing)."""
    out: MetricMap = {}
    if "complaints" not in tables:
        return out
    df = tables["complaints"]
    by_period = {p: valid_complaints(rows) for p, rows in period_rows("complaints", df, params).items()}
    for period, rows in by_period.items():
        add_estimate(
            out, "complaint_rate", period, complaint_rate(rows, params.households, days(params, period))
        )
    if computable("complaint_closure_rate", tables):
        for period, rows in by_period.items():
            add_estimate(out, "complaint_closure_rate", period, complaint_closure_rate(rows, params))
    if computable("complaint_response_timely_rate", tables):
        hours = params.sla.complaint_response_hours
        for period, rows in by_period.items():
            add_estimate(
                out, "complaint_response_timely_rate", period, complaint_response_timely_rate(rows, hours)
            )
    return out
