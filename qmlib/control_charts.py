"""Statistical process control charts: pure computations, no plotting.

Three Shewhart charts, each with its limits computed from the **baseline**
period only, so that the quality month and the follow-up are judged against
the process as it was before:

- p-chart (a share per subgroup, e.g. the weekly repair timely rate)::

      p_i = x_i / n_i,  p̄ = Σx / Σn over baseline subgroups,
      limits p̄ ± 3·√(p̄(1−p̄)/n_i), clipped to [0, 1].

- u-chart (a count per unit of exposure, e.g. complaints per 100 households
  per week)::

      u_i = c_i / a_i,  ū = Σc / Σa over baseline subgroups,
      limits ū ± 3·√(ū / a_i), the lower one clipped at 0.

- I-MR chart (individual values in time order, e.g. log arrival minutes of
  each repair order)::

      MR_i = |x_i − x_{i−1}|,  x̄ = mean of baseline x,
      MR̄ = mean of the MR_i whose two points are both baseline points,
      I limits x̄ ± 2.66·MR̄ (2.66 = 3/d2, d2 = 1.128),
      MR centre MR̄, MR UCL 3.267·MR̄ (D4 for n = 2).

Signals (the ``signal`` column; one rule per point, the first that applies):

- ``beyond_limits``: the point lies above the UCL or below the LCL;
- ``run_of_8``: the point belongs to a run of 8 or more consecutive points
  on the same side of the centre line (a point on the line breaks a run).

The I-MR frame also has ``mr_signal`` = ``mr_beyond_limit`` where MR_i > MR UCL.

Weekly subgroups: each period is cut into calendar weeks (Monday to
Sunday); a week that straddles a period boundary is split, so every
subgroup belongs to exactly one period. A subgroup is labelled by its first
day (``point``: the Monday, or the period's first day) and has ``days`` ≤ 7.

The event-level helpers (:func:`repair_orders`, :func:`valid_complaints`,
:func:`hazard_status`, :func:`maintenance_events`, :func:`survey_scores`)
apply the definitions of contract section 4 row by row; the figures reuse them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from .metrics.base import elapsed_seconds
from .metrics.complaints import valid_complaints as metric_valid_complaints
from .metrics.equipment import MAINTENANCE, maintenance_deadline
from .metrics.hazards import DEFAULT_SEVERITY, due_date
from .metrics.repairs import DEFAULT_URGENCY, active_orders, arrival_minutes
from .metrics.satisfaction import to_index
from .params import Params
from .periods import assign_periods, bounds, by_as_of

RULE_BEYOND = "beyond_limits"
RULE_RUN = "run_of_8"
RULE_MR = "mr_beyond_limit"
RUN_LENGTH = 8
#: I chart: 3 / d2 with d2 = 1.128 for moving ranges of two points.
E2 = 2.66
#: MR chart UCL factor D4 for n = 2.
D4 = 3.267
BASELINE = "baseline"

SIGNAL_COLUMNS = [
    "chart", "metric_id", "subgroup", "period", "point", "value", "centre", "lcl", "ucl", "rule", "side",
]


# ---------------------------------------------------------------- rules
def detect_signals(
    values: Sequence[float] | np.ndarray | pd.Series,
    centre: float | Sequence[float] | np.ndarray,
    lcl: float | Sequence[float] | np.ndarray,
    ucl: float | Sequence[float] | np.ndarray,
    run_length: int = RUN_LENGTH,
) -> pd.Series:
    """Rule name per point (``beyond_limits`` before ``run_of_8``), missing when none.

    A point with a missing value never signals and breaks a run.
    """
    v = np.asarray(values, dtype=float)
    c = np.broadcast_to(np.asarray(centre, dtype=float), v.shape)
    lo = np.broadcast_to(np.asarray(lcl, dtype=float), v.shape)
    hi = np.broadcast_to(np.asarray(ucl, dtype=float), v.shape)
    with np.errstate(invalid="ignore"):
        beyond = (v > hi) | (v < lo)
        side = np.sign(v - c)
    side = np.where(np.isnan(side), 0.0, side)
    in_run = np.zeros(v.shape, dtype=bool)
    start = 0
    for i in range(1, len(v) + 1):
        if i == len(v) or side[i] != side[start] or side[i] == 0:
            if side[start] != 0 and i - start >= run_length:
                in_run[start:i] = True
            start = i
    out = np.where(beyond, RULE_BEYOND, np.where(in_run, RULE_RUN, None))
    return pd.Series(out, dtype="string")


def _frame(point: Sequence | None, period: Sequence[str], length: int) -> pd.DataFrame:
    if len(period) != length:
        raise ValueError("period must have one entry per point")
    points = list(range(length)) if point is None else list(point)
    if len(points) != length:
        raise ValueError("point must have one entry per point")
    return pd.DataFrame({"point": points, "period": pd.array(list(period), dtype="string")})


# ---------------------------------------------------------------- charts
def p_chart(
    successes: Sequence[float],
    totals: Sequence[float],
    period: Sequence[str],
    point: Sequence | None = None,
    baseline: str = BASELINE,
) -> pd.DataFrame:
    """p-chart of ``successes / totals`` per subgroup.

    p̄ = Σx / Σn over the subgroups of the ``baseline`` period;
    UCL/LCL_i = p̄ ± 3·√(p̄(1−p̄)/n_i), clipped to [0, 1]. Subgroups with
    n_i = 0 are dropped. Returns columns point, period, value, n, successes,
    centre, lcl, ucl, signal. Raises ValueError without baseline subgroups.
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(totals, dtype=float)
    df = _frame(point, period, len(x))
    df["successes"] = x
    df["n"] = n
    df = df[df["n"] > 0].reset_index(drop=True)
    base = df["period"] == baseline
    if not base.any():
        raise ValueError("p-chart: no baseline subgroup with n > 0")
    p_bar = df.loc[base, "successes"].sum() / df.loc[base, "n"].sum()
    sigma = np.sqrt(p_bar * (1 - p_bar) / df["n"])
    df["value"] = df["successes"] / df["n"]
    df["centre"] = p_bar
    df["lcl"] = np.clip(p_bar - 3 * sigma, 0.0, 1.0)
    df["ucl"] = np.clip(p_bar + 3 * sigma, 0.0, 1.0)
    df["signal"] = detect_signals(df["value"], p_bar, df["lcl"], df["ucl"])
    return df[["point", "period", "value", "n", "successes", "centre", "lcl", "ucl", "signal"]]


def u_chart(
    counts: Sequence[float],
    exposures: Sequence[float],
    period: Sequence[str],
    point: Sequence | None = None,
    baseline: str = BASELINE,
) -> pd.DataFrame:
    """u-chart of ``counts / exposures`` per subgroup.

    ū = Σc / Σa over the subgroups of the ``baseline`` period;
    UCL/LCL_i = ū ± 3·√(ū / a_i), the LCL clipped at 0. Subgroups with
    a_i = 0 are dropped. Returns columns point, period, value, count,
    exposure, centre, lcl, ucl, signal. Raises ValueError without baseline
    exposure.
    """
    c = np.asarray(counts, dtype=float)
    a = np.asarray(exposures, dtype=float)
    df = _frame(point, period, len(c))
    df["count"] = c
    df["exposure"] = a
    df = df[df["exposure"] > 0].reset_index(drop=True)
    base = df["period"] == baseline
    if not base.any():
        raise ValueError("u-chart: no baseline subgroup with exposure > 0")
    u_bar = df.loc[base, "count"].sum() / df.loc[base, "exposure"].sum()
    half = 3 * np.sqrt(u_bar / df["exposure"])
    df["value"] = df["count"] / df["exposure"]
    df["centre"] = u_bar
    df["lcl"] = np.maximum(u_bar - half, 0.0)
    df["ucl"] = u_bar + half
    df["signal"] = detect_signals(df["value"], u_bar, df["lcl"], df["ucl"])
    return df[["point", "period", "value", "count", "exposure", "centre", "lcl", "ucl", "signal"]]


def imr_chart(
    values: Sequence[float],
    period: Sequence[str],
    point: Sequence | None = None,
    baseline: str = BASELINE,
) -> pd.DataFrame:
    """Individuals and moving-range chart of ``values`` (already in time order).

    MR_i = |x_i − x_{i−1}|; x̄ = mean of the baseline values; MR̄ = mean of
    the MR_i with both points in the baseline; I limits x̄ ± 2.66·MR̄;
    MR centre MR̄ and UCL 3.267·MR̄. Missing values are dropped first.
    Returns columns point, period, value, mr, centre, lcl, ucl, mr_centre,
    mr_ucl, signal, mr_signal. Raises ValueError with fewer than 2 baseline values.
    """
    x = np.asarray(values, dtype=float)
    df = _frame(point, period, len(x))
    df["value"] = x
    df = df[df["value"].notna()].reset_index(drop=True)
    base = (df["period"] == baseline).to_numpy(dtype=bool)
    if base.sum() < 2:
        raise ValueError("I-MR chart: fewer than 2 baseline values")
    mr = df["value"].diff().abs()
    pair_base = base & np.concatenate([[False], base[:-1]])
    x_bar = df.loc[base, "value"].mean()
    mr_bar = mr[pair_base].mean()
    df["mr"] = mr
    df["centre"] = x_bar
    df["lcl"] = x_bar - E2 * mr_bar
    df["ucl"] = x_bar + E2 * mr_bar
    df["mr_centre"] = mr_bar
    df["mr_ucl"] = D4 * mr_bar
    df["signal"] = detect_signals(df["value"], x_bar, df["lcl"], df["ucl"])
    df["mr_signal"] = pd.Series(np.where(mr > D4 * mr_bar, RULE_MR, None), dtype="string")
    return df[
        ["point", "period", "value", "mr", "centre", "lcl", "ucl", "mr_centre", "mr_ucl", "signal", "mr_signal"]
    ]


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
    timely (minutes ≤ sla; no arrival = not timely), period, point.
    Cancelled orders and timeliness follow :mod:`qmlib.metrics.repairs`.
    None when the table is missing.
    """
    wo = tables.get("work_orders")
    if wo is None:
        return None
    df = active_orders(wo)
    urgency = (
        df["urgency"].astype("string").fillna(DEFAULT_URGENCY)
        if "urgency" in df.columns
        else pd.Series(DEFAULT_URGENCY, index=df.index, dtype="string")
    )
    if "arrived_at" in df.columns:
        minutes = arrival_minutes(df)
    else:
        minutes = pd.Series(np.nan, index=df.index, dtype=float)
    sla_map = params.sla.repair_arrival_minutes
    out = pd.DataFrame(
        {
            "order_id": df["order_id"].astype("string"),
            "reported_at": df["reported_at"],
            "category": df["category"].astype("string"),
            "urgency": urgency,
            "minutes": minutes.astype(float),
            "sla": urgency.map(lambda u: sla_map.get(str(u), np.nan)).astype(float),
        }
    )
    out["timely"] = (out["minutes"] <= out["sla"]).fillna(False).astype(bool)
    return _with_periods(out, "reported_at", params)


def valid_complaints(tables: dict[str, pd.DataFrame], params: Params) -> pd.DataFrame | None:
    """Valid complaints received in a period, with response timeliness.

    Columns: complaint_id, received_at, category, response_timely
    (responded_at − received_at ≤ complaint_response_hours; none = not
    timely), closed (closed_at by as_of), period, point. None when the table is missing.
    """
    cp = tables.get("complaints")
    if cp is None:
        return None
    df = metric_valid_complaints(cp)
    limit = pd.Timedelta(hours=params.sla.complaint_response_hours)
    if "responded_at" in df.columns:
        seconds = elapsed_seconds(df, "received_at", "responded_at")
        timely = (seconds <= limit.total_seconds()).fillna(False).astype(bool)
    else:
        timely = pd.Series(False, index=df.index)
    closed = by_as_of(df["closed_at"], params) if "closed_at" in df.columns else pd.Series(False, index=df.index)
    out = pd.DataFrame(
        {
            "complaint_id": df["complaint_id"].astype("string"),
            "received_at": df["received_at"],
            "category": df["category"].astype("string"),
            "response_timely": timely,
            "closed": closed.astype(bool),
        }
    )
    return _with_periods(out, "received_at", params)


def hazard_status(tables: dict[str, pd.DataFrame], params: Params) -> pd.DataFrame | None:
    """Hazards found in a period: area, severity, rectified, on_time, period, point.

    rectified = rectified_at by as_of; on_time = rectified_at before the end
    of the due day (:func:`qmlib.metrics.hazards.due_date`: due_on, else the
    found date + hazard_due_days[severity]). None when the table is missing.
    """
    hz = tables.get("hazards")
    if hz is None:
        return None
    severity = (
        hz["severity"].astype("string").fillna(DEFAULT_SEVERITY)
        if "severity" in hz.columns
        else pd.Series(DEFAULT_SEVERITY, index=hz.index, dtype="string")
    )
    if "rectified_at" in hz.columns:
        rect = hz["rectified_at"]
        rectified = by_as_of(rect, params).astype(bool)
        deadline = due_date(hz, params.sla.hazard_due_days) + pd.Timedelta(days=1)
        on_time = (rect.notna() & (rect < deadline)).fillna(False).astype(bool)
    else:
        rectified = pd.Series(False, index=hz.index)
        on_time = rectified
    out = pd.DataFrame(
        {
            "hazard_id": hz["hazard_id"].astype("string"),
            "found_at": hz["found_at"],
            "area": hz["area"].astype("string"),
            "severity": severity,
            "rectified": rectified,
            "on_time": on_time,
        }
    )
    return _with_periods(out, "found_at", params)


def maintenance_events(tables: dict[str, pd.DataFrame], params: Params) -> pd.DataFrame | None:
    """Maintenance events scheduled in a period: event_id, scheduled_on, on_time, period, point.

    on_time = occurred_at before the end of the day scheduled_on +
    maintenance_tolerance_days (:func:`qmlib.metrics.equipment.maintenance_deadline`).
    None without asset_events or its scheduled_on / occurred_at columns.
    """
    ev = tables.get("asset_events")
    if ev is None or "scheduled_on" not in ev.columns or "occurred_at" not in ev.columns:
        return None
    df = ev[ev["kind"].astype("string").eq(MAINTENANCE).fillna(False).to_numpy(dtype=bool)]
    deadline = maintenance_deadline(df["scheduled_on"], params.sla.maintenance_tolerance_days)
    occurred = df["occurred_at"]
    out = pd.DataFrame(
        {
            "event_id": df["event_id"].astype("string"),
            "scheduled_on": df["scheduled_on"],
            "on_time": (occurred.notna() & (occurred < deadline)).fillna(False).astype(bool),
        }
    )
    return _with_periods(out, "scheduled_on", params)


def survey_scores(tables: dict[str, pd.DataFrame], params: Params) -> pd.DataFrame | None:
    """Survey responses with ``overall`` in a period: surveyed_at, index (0–100), period, point.

    index: :func:`qmlib.metrics.satisfaction.to_index` of ``overall``.
    """
    sv = tables.get("surveys")
    if sv is None:
        return None
    df = sv[sv["overall"].notna()]
    out = pd.DataFrame({"surveyed_at": df["surveyed_at"], "index": to_index(df["overall"], params.survey_scale)})
    return _with_periods(out, "surveyed_at", params)


# ---------------------------------------------------------------- weekly series
_SHARES: dict[str, tuple[Callable[[dict[str, pd.DataFrame], Params], pd.DataFrame | None], str]] = {
    "repair_timely_rate": (repair_orders, "timely"),
    "complaint_response_timely_rate": (valid_complaints, "response_timely"),
    "hazard_on_time_rate": (hazard_status, "on_time"),
    "maintenance_on_time_rate": (maintenance_events, "on_time"),
}
#: Table and optional columns a share needs (as in qmlib.metrics: without them it has no value).
_SHARE_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "repair_timely_rate": ("work_orders", ("arrived_at",)),
    "complaint_response_timely_rate": ("complaints", ("responded_at",)),
    "hazard_on_time_rate": ("hazards", ("rectified_at",)),
    "maintenance_on_time_rate": ("asset_events", ("scheduled_on", "occurred_at")),
}
#: Share metrics that have a weekly p-chart.
P_CHART_METRICS: tuple[str, ...] = tuple(_SHARES)


def weekly_share(tables: dict[str, pd.DataFrame], params: Params, metric_id: str) -> pd.DataFrame | None:
    """Weekly subgroups of an on-time share: period, point, days, n, successes (n > 0 only)."""
    if metric_id not in _SHARES:
        raise KeyError(f"no weekly p-chart for {metric_id!r}; choose from {', '.join(_SHARES)}")
    build, flag = _SHARES[metric_id]
    table, needed = _SHARE_COLUMNS[metric_id]
    if table not in tables or not set(needed) <= set(tables[table].columns):
        return None  # the metric itself is left out (contract: optional column missing)
    rows = build(tables, params)
    if rows is None or rows.empty:
        return None
    grouped = (
        rows.assign(_ok=rows[flag].astype(int))
        .groupby(["period", "point"], observed=True)
        .agg(n=("_ok", "size"), successes=("_ok", "sum"))
        .reset_index()
    )
    weeks = period_weeks(params)
    out = weeks.merge(grouped, on=["period", "point"], how="inner")
    return out[["period", "point", "days", "n", "successes"]].reset_index(drop=True)


def weekly_complaints(tables: dict[str, pd.DataFrame], params: Params) -> pd.DataFrame | None:
    """Valid complaints per weekly subgroup, zero weeks included.

    Columns: period, point, days, count, exposure (= households / 100 × days / 7,
    so count / exposure is complaints per 100 households per week).
    """
    rows = valid_complaints(tables, params)
    if rows is None:
        return None
    counts = rows.groupby(["period", "point"], observed=True).size().rename("count").reset_index()
    out = period_weeks(params).merge(counts, on=["period", "point"], how="left")
    out["count"] = out["count"].fillna(0).astype(int)
    out["exposure"] = params.households / 100.0 * out["days"] / 7.0
    return out[["period", "point", "days", "count", "exposure"]]


# ---------------------------------------------------------------- chart builders
def share_p_chart(
    tables: dict[str, pd.DataFrame], params: Params, metric_id: str = "repair_timely_rate"
) -> pd.DataFrame | None:
    """Weekly p-chart of an on-time share (see :data:`P_CHART_METRICS`); None without baseline data."""
    weeks = weekly_share(tables, params, metric_id)
    if weeks is None or not (weeks["period"] == BASELINE).any():
        return None
    chart = p_chart(weeks["successes"], weeks["n"], weeks["period"], weeks["point"])
    return chart.assign(days=weeks["days"].to_numpy())


def complaint_u_chart(tables: dict[str, pd.DataFrame], params: Params) -> pd.DataFrame | None:
    """Weekly u-chart of valid complaints per 100 households; None without a complaints table."""
    weeks = weekly_complaints(tables, params)
    if weeks is None or weeks.empty or not (weeks["period"] == BASELINE).any():
        return None
    chart = u_chart(weeks["count"], weeks["exposure"], weeks["period"], weeks["point"])
    return chart.assign(days=weeks["days"].to_numpy())


def arrival_imr_chart(
    tables: dict[str, pd.DataFrame], params: Params, min_minutes: float = 1.0
) -> pd.DataFrame | None:
    """I-MR charts of ln(arrival minutes) of individual orders, one per urgency, in reported order.

    Arrival times under ``min_minutes`` are counted as ``min_minutes`` (log of 0
    is undefined). Columns: urgency, point (order_id), reported_at, minutes,
    and the :func:`imr_chart` columns (value = ln minutes). An urgency with
    fewer than 2 baseline orders with an arrival is left out; None when none is left.
    """
    orders = repair_orders(tables, params)
    if orders is None:
        return None
    orders = orders[orders["minutes"].notna()].sort_values(["reported_at", "order_id"], kind="stable")
    parts = []
    for urgency in ("普通", "紧急"):
        sub = orders[orders["urgency"] == urgency]
        if (sub["period"] == BASELINE).sum() < 2:
            continue
        chart = imr_chart(np.log(sub["minutes"].clip(lower=min_minutes)), sub["period"], sub["order_id"])
        chart.insert(0, "urgency", urgency)
        chart.insert(2, "reported_at", sub["reported_at"].to_numpy())
        chart.insert(3, "minutes", sub["minutes"].clip(lower=min_minutes).to_numpy())
        parts.append(chart)
    if not parts:
        return None
    out = pd.concat(parts, ignore_index=True)
    out["urgency"] = out["urgency"].astype("string")
    return out


# ---------------------------------------------------------------- signals
def _signal_rows(
    chart: pd.DataFrame, name: str, metric_id: str, subgroup: str | None = None, log: bool = False
) -> pd.DataFrame:
    hits = chart[chart["signal"].notna()]
    value, centre, lcl, ucl = (hits[c].astype(float) for c in ("value", "centre", "lcl", "ucl"))
    if log:
        value, centre, lcl, ucl = (np.exp(s) for s in (value, centre, lcl, ucl))
    points = hits["point"]
    if pd.api.types.is_datetime64_any_dtype(points):
        points = points.dt.strftime("%Y-%m-%d")
    return pd.DataFrame(
        {
            "chart": name,
            "metric_id": metric_id,
            "subgroup": subgroup,
            "period": hits["period"],
            "point": points.astype("string"),
            "value": value,
            "centre": centre,
            "lcl": lcl,
            "ucl": ucl,
            "rule": hits["signal"],
            "side": np.where(hits["value"] > hits["centre"], "above", "below"),
        }
    )


def signals(tables: dict[str, pd.DataFrame], params: Params) -> pd.DataFrame:
    """Every control-chart signal of a community, one row per signalling point.

    Columns: chart (``p``, ``u``, ``imr``), metric_id, subgroup (urgency in
    English for the I-MR chart, else empty), period, point (first day of the
    week as YYYY-MM-DD, or the order id), value, centre, lcl, ucl, rule
    (``beyond_limits`` or ``run_of_8``), side (``above``/``below`` the centre).

    Charts: weekly p-charts of :data:`P_CHART_METRICS`; the weekly u-chart of
    valid complaints per 100 households (metric_id ``complaint_rate``); the
    I-MR chart of repair arrival time per urgency (metric_id
    ``repair_arrival_minutes_median``; value, centre and limits converted back
    to minutes, so the centre is the baseline geometric mean).
    """
    frames: list[pd.DataFrame] = []
    for metric_id in P_CHART_METRICS:
        chart = share_p_chart(tables, params, metric_id)
        if chart is not None:
            frames.append(_signal_rows(chart, "p", metric_id))
    chart = complaint_u_chart(tables, params)
    if chart is not None:
        frames.append(_signal_rows(chart, "u", "complaint_rate"))
    imr = arrival_imr_chart(tables, params)
    if imr is not None:
        english = {"普通": "normal", "紧急": "urgent"}
        for urgency, part in imr.groupby("urgency", sort=False):
            frames.append(_signal_rows(part, "imr", "repair_arrival_minutes_median", english[str(urgency)], log=True))
    frames = [f for f in frames if not f.empty]
    if not frames:
        out = pd.DataFrame({c: pd.Series(dtype="string") for c in SIGNAL_COLUMNS})
        for c in ("value", "centre", "lcl", "ucl"):
            out[c] = out[c].astype(float)
        return out
    out = pd.concat(frames, ignore_index=True)
    for c in ("chart", "metric_id", "subgroup", "period", "point", "rule", "side"):
        out[c] = out[c].astype("string")
    return out[SIGNAL_COLUMNS]


__all__ = [
    "D4",
    "E2",
    "P_CHART_METRICS",
    "RULE_BEYOND",
    "RULE_MR",
    "RULE_RUN",
    "arrival_imr_chart",
    "complaint_u_chart",
    "detect_signals",
    "hazard_status",
    "imr_chart",
    "maintenance_events",
    "p_chart",
    "period_weeks",
    "repair_orders",
    "share_p_chart",
    "signals",
    "survey_scores",
    "u_chart",
    "valid_complaints",
    "weekly_complaints",
    "weekly_share",
]
