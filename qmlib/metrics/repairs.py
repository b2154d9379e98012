"""Repair metrics (table ``work_orders``, anchor ``reported_at``).

Every repair metric is over non-cancelled orders only (contract v1.1, also
for ``repair_rating``); the row rules (cancelled, timely) are in
:mod:`qmlib.metrics.rules`. A metric that needs an optional column the export
does not have (``arrived_at``, ``completed_at``, ``reworked``, ``rating``;
the catalog's ``needs``) is left out.
"""

from __future__ import annotations

import pandas as pd

from ..catalog import metric_def
from ..params import Params
from ..periods import by_as_of
from .base import (
    Estimate,
    MetricMap,
    add_estimate,
    mean_estimate,
    percentile_estimate,
    period_rows,
    share_estimate,
)
from .requirements import computable
from .rules import active_orders, arrival_minutes, is_reworked, repair_timely, rework_eligible


def repair_arrival_percentile(rows: pd.DataFrame, q: float) -> Estimate | None:
    """``numpy.percentile(arrival minutes, q)`` over non-cancelled orders with ``arrived_at``.

    q = 50 for ``repair_arrival_minutes_median``, 90 for ``…_p90``; n = those orders.
    ``rows`` must already be non-cancelled.
    """
    return percentile_estimate(arrival_minutes(rows), q)


def repair_timely_rate(rows: pd.DataFrame, sla_minutes: dict[str, float]) -> Estimate | None:
    """Share of non-cancelled orders that are timely (:func:`~qmlib.metrics.rules.repair_timely`:
    ``arrived_at − reported_at ≤ SLA[urgency]`` minutes, no ``arrived_at`` = not timely).

    n = non-cancelled orders; Wilson interval. ``rows`` must already be non-cancelled.
    """
    return share_estimate(repair_timely(rows, sla_minutes))


def repair_completion_rate(rows: pd.DataFrame, params: Params) -> Estimate | None:
    """Share of non-cancelled orders with ``completed_at`` by as_of; n = those orders; Wilson.

    ``rows`` must already be non-cancelled.
    """
    return share_estimate(by_as_of(rows["completed_at"], params))


def repair_rework_rate(rows: pd.DataFrame) -> Estimate | None:
    """Share with ``reworked`` true among non-cancelled orders with ``completed_at`` and a ``reworked`` value.

    (``completed_at`` present at all, not limited to as_of, as the contract
    says.) n = those orders; Wilson interval. ``rows`` must already be
    non-cancelled. (:func:`~qmlib.metrics.rules.rework_eligible`,
    :func:`~qmlib.metrics.rules.is_reworked`.)
    """
    return share_estimate(is_reworked(rows)[rework_eligible(rows).to_numpy(dtype=bool)])


def repair_rating(rows: pd.DataFrame) -> Estimate | None:
    """Mean ``rating`` of non-cancelled orders reported in P that have one.

    n = rated non-cancelled orders; t interval clipped to 1–5.
    ``rows`` must already be non-cancelled.
    """
    return mean_estimate(rows["rating"], metric_def("repair_rating").value_range)


def compute(tables: dict[str, pd.DataFrame], params: Params) -> MetricMap:
    """All repair metrics for every period (empty when ``work_orders`` is missing)."""
    out: MetricMap = {}
    if "work_orders" not in tables:
        return out
    active = {
        p: active_orders(rows)
        for p, rows in period_rows("work_orders", tables["work_orders"], params).items()
    }
    for metric_id, q in (("repair_arrival_minutes_median", 50.0), ("repair_arrival_minutes_p90", 90.0)):
        if computable(metric_id, tables):
            for period, rows in active.items():
                add_estimate(out, metric_id, period, repair_arrival_percentile(rows, q))
    if computable("repair_timely_rate", tables):
        sla = params.sla.repair_arrival_minutes
        for period, rows in active.items():
            add_estimate(out, "repair_timely_rate", period, repair_timely_rate(rows, sla))
    if computable("repair_completion_rate", tables):
        for period, rows in active.items():
            add_estimate(out, "repair_completion_rate", period, repair_completion_rate(rows, params))
    if computable("repair_rework_rate", tables):
        for period, rows in active.items():
            add_estimate(out, "repair_rework_rate", period, repair_rework_rate(rows))
    if computable("repair_rating", tables):
        for period, rows in active.items():
            add_estimate(out, "repair_rating", period, repair_rating(rows))
    return out
