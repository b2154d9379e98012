"""Equipment metrics (tables ``assets`` and ``asset_events``).

Failures (kind 故障) belong to the period of ``occurred_at``; maintenance
events (kind 维保) to the period of ``scheduled_on``. Failure rates need both
tables (``assets`` gives the exposure); with no assets (or no assets of a
type) the rate is undefined and left out. ``equipment_mttr_hours`` and
``maintenance_on_time_rate`` need only ``asset_events``. Which columns each
metric needs is the catalog's ``needs``; the maintenance deadline rule is
:func:`qmlib.metrics.rules.maintenance_deadline`.
"""

from __future__ import annotations

import pandas as pd

from ..catalog import metric_def
from ..params import Params
from ..periods import days
from ..schema import ENGLISH
from .base import (
    Estimate,
    MetricMap,
    add_estimate,
    mean_estimate,
    period_rows,
    rate_estimate,
    share_estimate,
)
from .requirements import computable
from .rules import FAILURE as FAILURE  # re-exported: the kind values callers select events by
from .rules import MAINTENANCE as MAINTENANCE
from .rules import is_failure, is_maintenance, maintenance_on_time, restore_hours

ASSET_TYPE_EN: dict[str, str] = ENGLISH["asset_type"]


def _with_time_columns(events: pd.DataFrame) -> pd.DataFrame:
    """Add empty ``occurred_at``/``scheduled_on`` when the export lacks them (for anchoring)."""
    missing = {
        c: pd.Series(pd.NaT, index=events.index, dtype="datetime64[ns]")
        for c in ("occurred_at", "scheduled_on")
        if c not in events.columns
    }
    return events.assign(**missing) if missing else events


def equipment_failure_rate(failures: pd.DataFrame, assets: int, period_days: int) -> Estimate | None:
    """``failures occurred in P × 100 / assets × 30 / days(P)``; n = failures.

    Exposure for the Poisson test: ``assets × days(P)``. None when assets = 0.
    """
    return rate_estimate(len(failures), assets, period_days)


def equipment_mttr_hours(failures: pd.DataFrame) -> Estimate | None:
    """Mean ``restored_at − occurred_at`` in hours over failures in P with ``restored_at``.

    (:func:`~qmlib.metrics.rules.restore_hours`.) n = those failures; t interval clipped at 0.
    """
    return mean_estimate(restore_hours(failures), metric_def("equipment_mttr_hours").value_range)


def maintenance_on_time_rate(events: pd.DataFrame, tolerance_days: float) -> Estimate | None:
    """Share of maintenance events scheduled in P with ``occurred_at`` by ``scheduled_on + tolerance``.

    On time: ``occurred_at < maintenance_deadline(scheduled_on)``
    (:func:`~qmlib.metrics.rules.maintenance_on_time`); no ``occurred_at``
    (not done) = late. n = maintenance events; Wilson interval.
    """
    return share_estimate(maintenance_on_time(events, tolerance_days))


def asset_types(assets: pd.DataFrame) -> dict[str, str]:
    """English id → Chinese value of every asset type present, in the schema's order."""
    present = set(assets["type"].dropna().astype(str))
    ordered: list[str] = [zh for zh in ASSET_TYPE_EN if zh in present] + sorted(present - set(ASSET_TYPE_EN))
    return {ASSET_TYPE_EN.get(zh, zh): zh for zh in ordered}


def compute(tables: dict[str, pd.DataFrame], params: Params) -> MetricMap:
    """All equipment metrics for every period (empty when ``asset_events`` is missing)."""
    out: MetricMap = {}
    if "asset_events" not in tables:
        return out
    events = _with_time_columns(tables["asset_events"])
    failures = events[is_failure(events).to_numpy(dtype=bool)]
    maintenance = events[is_maintenance(events).to_numpy(dtype=bool)]
    failures_by_period = period_rows("asset_events", failures, params)

    if computable("equipment_failure_rate", tables):
        assets = tables["assets"]
        asset_type = assets["type"].astype("string")
        for period, rows in failures_by_period.items():
            add_estimate(
                out,
                "equipment_failure_rate",
                period,
                equipment_failure_rate(rows, len(assets), days(params, period)),
            )
        type_of = dict(zip(assets["asset_id"].astype(str), asset_type, strict=True))
        failure_type = {
            period: rows["asset_id"].astype(str).map(type_of).astype("string")
            for period, rows in failures_by_period.items()
        }
        for english, zh in asset_types(assets).items():
            n_assets = int(asset_type.eq(zh).fillna(False).sum())
            for period, rows in failures_by_period.items():
                of_type = rows[failure_type[period].eq(zh).fillna(False).to_numpy(dtype=bool)]
                add_estimate(
                    out,
                    f"equipment_failure_rate.{english}",
                    period,
                    equipment_failure_rate(of_type, n_assets, days(params, period)),
                )

    if computable("equipment_mttr_hours", tables):
        for period, rows in failures_by_period.items():
            add_estimate(out, "equipment_mttr_hours", period, equipment_mttr_hours(rows))

    if computable("maintenance_on_time_rate", tables):
        tolerance = params.sla.maintenance_tolerance_days
        for period, rows in period_rows("asset_events", maintenance, params).items():
            add_estimate(out, "maintenance_on_time_rate", period, maintenance_on_time_rate(rows, tolerance))
    return out
