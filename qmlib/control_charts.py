"""Control charts of one community: weekly subgroups of its events, charted and scanned for signals.

The chart maths (p-, u- and I-MR charts, the signal rules) is :mod:`qmlib.spc`;
the row-level event facts (which rows, which period and week, timely or on
time) are :mod:`qmlib.metrics.events`, the same facts the metrics count.
This module puts them together:

- weekly p-charts of the on-time shares (:data:`P_CHART_METRICS`);
- the weekly u-chart of valid complaints per 100 households;
- I-MR charts of ln(arrival minutes) of individual repair orders, per urgency;
- :func:`signals`, every signalling point of those charts (read by the
  shortcomings and the report).

A share's chart exists only when the metric itself does (the catalog's
requirements, :func:`qmlib.metrics.requirements.computable`).

The names of :mod:`qmlib.spc` and :mod:`qmlib.metrics.events` used by the
figures and notebooks are importable from here as well.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .metrics.events import (
    hazard_status,
    maintenance_events,
    period_weeks,
    repair_orders,
    survey_scores,
    valid_complaints,
    week_point,
)
from .metrics.requirements import computable
from .params import Params
from .schema import ENGLISH
from .spc import (
    BASELINE,
    D4,
    E2,
    RULE_BEYOND,
    RULE_MR,
    RULE_RUN,
    detect_signals,
    imr_chart,
    p_chart,
    u_chart,
)

SIGNAL_COLUMNS = [
    "chart",
    "metric_id",
    "subgroup",
    "period",
    "point",
    "value",
    "centre",
    "lcl",
    "ucl",
    "rule",
    "side",
]


# ---------------------------------------------------------------- weekly series
_SHARES: dict[str, tuple[Callable[[dict[str, pd.DataFrame], Params], pd.DataFrame | None], str]] = {
    "repair_timely_rate": (repair_orders, "timely"),
    "complaint_response_timely_rate": (valid_complaints, "response_timely"),
    "hazard_on_time_rate": (hazard_status, "on_time"),
    "maintenance_on_time_rate": (maintenance_events, "on_time"),
}
#: Share metrics that have a weekly p-chart.
P_CHART_METRICS: tuple[str, ...] = tuple(_SHARES)


#: builder → its rows, for the charts of one community (:func:`signals` builds each once)
_Built = dict[Callable[[dict[str, pd.DataFrame], Params], pd.DataFrame | None], pd.DataFrame | None]


def _rows(
    build: Callable[[dict[str, pd.DataFrame], Params], pd.DataFrame | None],
    tables: dict[str, pd.DataFrame],
    params: Params,
    built: _Built | None,
) -> pd.DataFrame | None:
    if built is None:
        return build(tables, params)
    if build not in built:
        built[build] = build(tables, params)
    return built[build]


def weekly_share(
    tables: dict[str, pd.DataFrame], params: Params, metric_id: str, built: _Built | None = None
) -> pd.DataFrame | None:
    """Weekly subgroups of an on-time share: period, point, days, n, successes (n > 0 only).

    The rows of a week are those whose (period, point) is the week's: counted with
    ``numpy.bincount`` over the week's position (what a group-by and an inner join of the
    weeks with the groups give, in the weeks' order, for a few hundred rows in far less time).
    """
    if metric_id not in _SHARES:
        raise KeyError(f"no weekly p-chart for {metric_id!r}; choose from {', '.join(_SHARES)}")
    build, flag = _SHARES[metric_id]
    if not computable(metric_id, tables):
        return None  # the metric itself is left out (contract: optional column missing)
    rows = _rows(build, tables, params, built)
    if rows is None or rows.empty:
        return None
    weeks = period_weeks(params)
    position = {
        (p, t): i
        for i, (p, t) in enumerate(zip(weeks["period"].tolist(), weeks["point"].to_numpy(), strict=True))
    }
    at = np.fromiter(
        (
            position.get((p, t), -1)
            for p, t in zip(
                rows["period"].tolist(), rows["point"].to_numpy(dtype="datetime64[ns]"), strict=True
            )
        ),
        dtype=np.int64,
        count=len(rows),
    )
    ok = rows[flag].astype(int).to_numpy()
    seen = at >= 0
    n = np.bincount(at[seen], minlength=len(weeks))
    successes = np.bincount(at[seen], weights=ok[seen], minlength=len(weeks)).astype("int64")
    keep = n > 0
    out = weeks.loc[keep, ["period", "point", "days"]].assign(n=n[keep], successes=successes[keep])
    return out.reset_index(drop=True)


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
    tables: dict[str, pd.DataFrame],
    params: Params,
    metric_id: str = "repair_timely_rate",
    built: _Built | None = None,
) -> pd.DataFrame | None:
    """Weekly p-chart of an on-time share (see :data:`P_CHART_METRICS`); None without baseline data."""
    weeks = weekly_share(tables, params, metric_id, built)
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
    tables: dict[str, pd.DataFrame], params: Params, min_minutes: float = 1.0, built: _Built | None = None
) -> pd.DataFrame | None:
    """I-MR charts of ln(arrival minutes) of individual orders, one per urgency, in reported order.

    Arrival times under ``min_minutes`` are counted as ``min_minutes`` (log of 0
    is undefined). Columns: urgency, point (order_id), reported_at, minutes,
    and the :func:`imr_chart` columns (value = ln minutes). An urgency with
    fewer than 2 baseline orders with an arrival is left out; None when none is left.
    """
    orders = _rows(repair_orders, tables, params, built)
    if orders is None:
        return None
    orders = orders[orders["minutes"].notna()].sort_values(["reported_at", "order_id"], kind="stable")
    parts = []
    for urgency in ENGLISH["urgency"]:
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
    built: _Built = {}  # repair orders feed a p-chart and the I-MR charts: built once
    for metric_id in P_CHART_METRICS:
        chart = share_p_chart(tables, params, metric_id, built)
        if chart is not None:
            frames.append(_signal_rows(chart, "p", metric_id))
    chart = complaint_u_chart(tables, params)
    if chart is not None:
        frames.append(_signal_rows(chart, "u", "complaint_rate"))
    imr = arrival_imr_chart(tables, params, built=built)
    if imr is not None:
        english = ENGLISH["urgency"]
        for urgency, part in imr.groupby("urgency", sort=False):
            frames.append(
                _signal_rows(part, "imr", "repair_arrival_minutes_median", english[str(urgency)], log=True)
            )
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
    "BASELINE",
    "D4",
    "E2",
    "P_CHART_METRICS",
    "RULE_BEYOND",
    "RULE_MR",
    "RULE_RUN",
    "SIGNAL_COLUMNS",
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
    "week_point",
    "weekly_complaints",
    "weekly_share",
]
