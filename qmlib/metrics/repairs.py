"""Repair metrics (table ``work_orders``, anchor ``reported_at``).

An order is cancelled when its ``status``, stripped and compared
case-insensitively, is ``已取消`` or ``cancelled``. Every repair metric except
``repair_rating`` is over non-cancelled orders only; the contract defines
``repair_rating`` over all orders reported in P that have a rating.
A metric that needs an optional column the export does not have
(``arrived_at``, ``completed_at``, ``reworked``, ``rating``) is left out.
"""

from __future__ import annotations

import pandas as pd

from ..params import Params
from ..periods import by_as_of
from .base import (
    Estimate,
    MetricMap,
    add_estimate,
    elapsed_seconds,
    mean_estimate,
    percentile_estimate,
    period_rows,
    share_estimate,
)

CANCELLED_STATUSES: frozenset[str] = frozenset({"已取消", "cancelled"})
DEFAULT_URGENCY = "普通"


def is_cancelled(df: pd.DataFrame) -> pd.Series:
    """True where ``status.strip().casefold()`` is 已取消 or cancelled (no status: not cancelled)."""
    if "status" not in df.columns:
        return pd.Series(False, index=df.index)
    status = df["status"].astype("string").str.strip().str.casefold()
    return status.isin(CANCELLED_STATUSES).fillna(False).astype(bool)


def active_orders(df: pd.DataFrame) -> pd.DataFrame:
    """Non-cancelled orders."""
    return df[~is_cancelled(df).to_numpy(dtype=bool)]


def arrival_minutes(rows: pd.DataFrame) -> pd.Series:
    """``(arrived_at − reported_at)`` in minutes; NaN without ``arrived_at``."""
    return elapsed_seconds(rows, "reported_at", "arrived_at") / 60.0


def repair_arrival_percentile(rows: pd.DataFrame, q: float) -> Estimate | None:
    """``numpy.percentile(arrival minutes, q)`` over non-cancelled orders with ``arrived_at``.

    q = 50 for ``repair_arrival_minutes_median``, 90 for ``…_p90``; n = those orders.
    ``rows`` must already be non-cancelled.
    """
    return percentile_estimate(arrival_minutes(rows), q)


def repair_timely_rate(rows: pd.DataFrame, sla_minutes: dict[str, float]) -> Estimate | None:
    """Share of non-cancelled orders with ``arrived_at − reported_at ≤ SLA[urgency]`` minutes.

    Urgency missing = 普通. No ``arrived_at`` = not timely. n = non-cancelled
    orders; Wilson interval. ``rows`` must already be non-cancelled.
    """
    if "urgency" in rows.columns:
        urgency = rows["urgency"].astype("string").fillna(DEFAULT_URGENCY)
    else:
        urgency = pd.Series(DEFAULT_URGENCY, index=rows.index, dtype="string")
    limit_seconds = urgency.map(dict(sla_minutes)).astype("float64") * 60.0
    seconds = elapsed_seconds(rows, "reported_at", "arrived_at")
    return share_estimate((seconds <= limit_seconds).fillna(False))


def repair_completion_rate(rows: pd.DataFrame, params: Params) -> Estimate | None:
    """Share of non-cancelled orders with ``completed_at`` by as_of; n = those orders; Wilson.

    ``rows`` must already be non-cancelled.
    """
    return share_estimate(by_as_of(rows["completed_at"], params))


def repair_rework_rate(rows: pd.DataFrame) -> Estimate | None:
    """Share with ``reworked`` true among non-cancelled orders with ``completed_at`` and a ``reworked`` value.

    (``completed_at`` present at all, not limited to as_of, as the contract
    says.) n = those orders; Wilson interval. ``rows`` must already be
    non-cancelled.
    """
    reworked = rows["reworked"].astype("boolean")
    eligible = (rows["completed_at"].notna() & reworked.notna()).to_numpy(dtype=bool)
    return share_estimate(reworked[eligible])


def repair_rating(rows: pd.DataFrame) -> Estimate | None:
    """Mean ``rating`` of orders reported in P that have one; n = rated orders; t interval."""
    return mean_estimate(rows["rating"])


def compute(tables: dict[str, pd.DataFrame], params: Params) -> MetricMap:
    """All repair metrics for every period (empty when ``work_orders`` is missing)."""
    out: MetricMap = {}
    if "work_orders" not in tables:
        return out
    df = tables["work_orders"]
    cols = df.columns
    all_rows = period_rows("work_orders", df, params)
    active = {p: active_orders(rows) for p, rows in all_rows.items()}
    if "arrived_at" in cols:
        for metric_id, q in (("repair_arrival_minutes_median", 50.0), ("repair_arrival_minutes_p90", 90.0)):
            for period, rows in active.items():
                add_estimate(out, metric_id, period, repair_arrival_percentile(rows, q))
        sla = params.sla.repair_arrival_minutes
        for period, rows in active.items():
            add_estimate(out, "repair_timely_rate", period, repair_timely_rate(rows, sla))
    if "completed_at" in cols:
        for period, rows in active.items():
            add_estimate(out, "repair_completion_rate", period, repair_completion_rate(rows, params))
        if "reworked" in cols:
            for period, rows in active.items():
                add_estimate(out, "repair_rework_rate", period, repair_rework_rate(rows))
    if "rating" in cols:
        for period, rows in all_rows.items():
            add_estimate(out, "repair_rating", period, repair_rating(rows))
    return out
