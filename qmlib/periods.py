"""Period logic of contract section 4, in one place.

A period ``[start, end]`` of inclusive whole days covers
``[start 00:00, end + 1 day 00:00)``; ``days(P) = end - start + 1``.
An event belongs to the period containing its anchor time. "By as_of" means
at or before the end of the as_of day, i.e. ``t < as_of + 1 day``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .params import Params

#: Anchor column of each table (maintenance events use ``scheduled_on``).
ANCHORS: dict[str, str] = {
    "surveys": "surveyed_at",
    "work_orders": "reported_at",
    "complaints": "received_at",
    "asset_events": "occurred_at",
    "hazards": "found_at",
    "inspections": "inspected_on",
    "training": "trained_on",
    "activities": "held_on",
    "incidents": "occurred_at",
}


def bounds(params: Params, period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``(start 00:00, end + 1 day 00:00)`` of a period, as naive local times."""
    start, end = params.period_dates(period)
    return pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1)


def days(params: Params, period: str) -> int:
    """days(P) = end − start + 1."""
    start, end = params.period_dates(period)
    return (end - start).days + 1


def as_of_cutoff(params: Params) -> pd.Timestamp:
    """End of the as_of day: a time t is "by as_of" when t < this."""
    return pd.Timestamp(params.as_of_date) + pd.Timedelta(days=1)


def by_as_of(times: pd.Series, params: Params) -> pd.Series:
    """True where the time is present and at or before the end of the as_of day."""
    return times.notna() & (times < as_of_cutoff(params))


def end_of_day(date: dt.date | pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(date).normalize() + pd.Timedelta(days=1)


def anchor_times(table: str, df: pd.DataFrame) -> pd.Series:
    """The anchor time of every row (maintenance events, :func:`qmlib.metrics.rules.is_maintenance`:
    ``scheduled_on``)."""
    if table == "asset_events":
        # imported here: qmlib.metrics imports this module
        from .metrics.rules import is_maintenance

        maint = is_maintenance(df)
        return df["occurred_at"].where(~maint, df["scheduled_on"])
    return df[ANCHORS[table]]


def assign_periods(times: pd.Series, params: Params) -> pd.Series:
    """Name of the period that contains each time, or missing when none does (a later
    period wins where periods overlap)."""
    if times.dtype == _NS:
        # the same comparisons on the NumPy values (NaT is in no period): a few hundred
        # rows cost less than the pandas calls around them
        t = times.to_numpy()
        names = np.full(len(t), None, dtype=object)
        for name in params.period_names:
            lo, hi = bounds(params, name)
            names[(t >= lo.as_unit("ns").to_datetime64()) & (t < hi.as_unit("ns").to_datetime64())] = name
        return pd.Series(names, index=times.index, dtype="string")
    out = pd.Series(pd.NA, index=times.index, dtype="string")
    for name in params.period_names:
        lo, hi = bounds(params, name)
        out = out.mask((times >= lo) & (times < hi), name)
    return out


_NS = np.dtype("datetime64[ns]")


def in_period(table: str, df: pd.DataFrame, params: Params, period: str) -> pd.DataFrame:
    """Rows of ``table`` whose anchor time lies in ``period``."""
    lo, hi = bounds(params, period)
    t = anchor_times(table, df)
    return df[(t >= lo) & (t < hi)]


def week_start(times: pd.Series) -> pd.Series:
    """Monday 00:00 of each time's week (for weekly trend charts)."""
    t = pd.to_datetime(times)
    return (t.dt.normalize() - pd.to_timedelta(t.dt.day_of_week, unit="D")).astype("datetime64[ns]")


def period_exposure_days(params: Params) -> dict[str, int]:
    return {p: days(params, p) for p in params.period_names}


__all__ = [
    "ANCHORS",
    "anchor_times",
    "as_of_cutoff",
    "assign_periods",
    "bounds",
    "by_as_of",
    "days",
    "end_of_day",
    "in_period",
    "period_exposure_days",
    "week_start",
]
