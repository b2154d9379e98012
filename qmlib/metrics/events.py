"""Row-level event facts: one frame per table with every row's period, week and rule flags.

The figures, the control charts and the shortcomings read the same facts
the metrics are computed from. Each builder takes the clean tables and
params and returns the rows of a table whose anchor time lies in a period,
with ``period`` and ``point`` (the first day of the row's weekly subgroup)
and the flags of :mod:`qmlib.metrics.rules`; None when the table is missing.

Weekly subgroups: each period is cut into calendar weeks (Monday to
Sunday); a week that straddles a period boundary is split, so every
subgroup belongs to exactly one period. A subgroup is labelled by its first
day (``point``: the Monday, or the period's first day) and has ``days`` ≤ 7.
"""

from __future__ import annotations

import pandas as pd

from ..params import Params
from ..periods import assign_periods, bounds, by_as_of
from .rules import (
    active_orders,
    arrival_minutes,
    hazard_on_time,
    hazard_severity,
    is_maintenance,
    maintenance_on_time,
    repair_timely,
    response_timely,
    sla_minutes,
    to_index,
    urgency_of,
)
from .rules import valid_complaints as valid_complaint_rows


# ---------------------------------------------------------------- weeks
def period_weeks(params: Params) -> pd.DataFrame:
    """Every weekly subgroup of every period: period, point (first day), end (exclusive), days."""
    rows = []
    for name in params.period_names:
        lo, hi = bounds(params, name)
        start = lo
        while start < hi:
            monday = start - pd.Timedelta(days=start.weekday())
            end = min(monday + pd.Timedelta(days=7), hi)
            rows.append((name, start, end, (end - start).days))
            start = end
    out = pd.DataFrame(rows, columns=["period", "point", "end", "days"])
    out["period"] = out["period"].astype("string")
    out["point"] = out["point"].astype("datetime64[ns]")
    out["end"] = out["end"].astype("datetime64[ns]")
    return out


def week_point(times: pd.Series, period: pd.Series, params: Params) -> pd.Series:
    """First day of the weekly subgroup of each time: its Monday, or its period's first day."""
    t = pd.to_datetime(times)
    monday = (t.dt.normalize() - pd.to_timedelta(t.dt.day_of_week, unit="D")).astype("datetime64[ns]")
    starts = period.map({p: bounds(params, p)[0] for p in params.period_names}).astype("datetime64[ns]")
    return monday.where(monday >= starts, starts)


def _with_periods(df: pd.DataFrame, anchor: str, params: Params) -> pd.DataFrame:
    """Rows whose anchor lies in a period, with ``period`` and weekly ``point`` columns."""
    period = assign_periods(df[anchor], params)
    out = df.loc[period.notna()].copy()
    out["period"] = period[period.notna()]
    out["point"] = week_point(out[anchor], out["period"], params)
    return out.reset_index(drop=True)


# ---------------------------------------------------------------- events
def repair_orders(tables: dict[str, pd.DataFrame], params: Params) -> pd.DataFrame | None:
    """Non-cancelled work orders reported in a period, with arrival minutes and timeliness.

    Columns: order_id, reported_at, category, urgency, minutes (arrived_at −
    reported_at; missing without arrived_at), sla (minutes of the urgency),
    timely (:func:`~qmlib.metrics.rules.repair_timely`), period, point.
    None when the table is missing.
    """
    wo = tables.get("work_orders")
    if wo is None:
        return None
    df = active_orders(wo)
    out = pd.DataFrame(
        {
            "order_id": df["order_id"].astype("string"),
            "reported_at": df["reported_at"],
            "category": df["category"].astype("string"),
            "urgency": urgency_of(df),
            "minutes": arrival_minutes(df).astype(float),
            "sla": sla_minutes(df, params.sla.repair_arrival_minutes),
            "timely": repair_timely(df, params.sla.repair_arrival_minutes),
        }
    )
    return _with_periods(out, "reported_at", params)


def valid_complaints(tables: dict[str, pd.DataFrame], params: Params) -> pd.DataFrame | None:
    """Valid complaints received in a period, with response timeliness.

    Columns: complaint_id, received_at, category, response_timely
    (:func:`~qmlib.metrics.rules.response_timely`), closed (closed_at by
    as_of), period, point. None when the table is missing.
    """
    cp = tables.get("complaints")
    if cp is None:
        return None
    df = valid_complaint_rows(cp)
    closed = (
        by_as_of(df["closed_at"], params) if "closed_at" in df.columns else pd.Series(False, index=df.index)
    )
    out = pd.DataFrame(
        {
            "complaint_id": df["complaint_id"].astype("string"),
            "received_at": df["received_at"],
            "category": df["category"].astype("string"),
            "response_timely": response_timely(df, params.sla.complaint_response_hours),
            "closed": closed.astype(bool),
        }
    )
    return _with_periods(out, "received_at", params)


def hazard_status(tables: dict[str, pd.DataFrame], params: Params) -> pd.DataFrame | None:
    """Hazards found in a period: area, severity, rectified, on_time, period, point.

    rectified = rectified_at by as_of; on_time = :func:`~qmlib.metrics.rules.hazard_on_time`.
    None when the table is missing.
    """
    hz = tables.get("hazards")
    if hz is None:
        return None
    if "rectified_at" in hz.columns:
        rectified = by_as_of(hz["rectified_at"], params).astype(bool)
    else:
        rectified = pd.Series(False, index=hz.index)
    out = pd.DataFrame(
        {
            "hazard_id": hz["hazard_id"].astype("string"),
            "found_at": hz["found_at"],
            "area": hz["area"].astype("string"),
            "severity": hazard_severity(hz),
            "rectified": rectified,
            "on_time": hazard_on_time(hz, params.sla.hazard_due_days),
        }
    )
    return _with_periods(out, "found_at", params)


def maintenance_events(tables: dict[str, pd.DataFrame], params: Params) -> pd.DataFrame | None:
    """Maintenance events scheduled in a period: event_id, scheduled_on, on_time, period, point.

    on_time = :func:`~qmlib.metrics.rules.maintenance_on_time`. None without
    asset_events or its scheduled_on / occurred_at columns.
    """
    ev = tables.get("asset_events")
    if ev is None or "scheduled_on" not in ev.columns or "occurred_at" not in ev.columns:
        return None
    df = ev[is_maintenance(ev).to_numpy(dtype=bool)]
    out = pd.DataFrame(
        {
            "event_id": df["event_id"].astype("string"),
            "scheduled_on": df["scheduled_on"],
            "on_time": maintenance_on_time(df, params.sla.maintenance_tolerance_days),
        }
    )
    return _with_periods(out, "scheduled_on", params)


def survey_scores(tables: dict[str, pd.DataFrame], params: Params) -> pd.DataFrame | None:
    """Survey responses with ``overall`` in a period: surveyed_at, index (0–100), period, point.

    index: :func:`~qmlib.metrics.rules.to_index` of ``overall``.
    """
    sv = tables.get("surveys")
    if sv is None:
        return None
    df = sv[sv["overall"].notna()]
    out = pd.DataFrame(
        {"surveyed_at": df["surveyed_at"], "index": to_index(df["overall"], params.survey_scale)}
    )
    return _with_periods(out, "surveyed_at", params)


__all__ = [
    "hazard_status",
    "maintenance_events",
    "period_weeks",
    "repair_orders",
    "survey_scores",
    "valid_complaints",
    "week_point",
]
