"""Satisfaction metrics (table ``surveys``, anchor ``surveyed_at``)."""

from __future__ import annotations

import pandas as pd

from ..catalog import metric_def
from ..params import Params
from ..schema import SURVEY_DIMENSIONS
from .base import (
    Estimate,
    MetricMap,
    add_estimate,
    mean_estimate,
    period_rows,
    ratio_estimate,
    share_estimate,
)
from .requirements import computable
from .rules import SATISFIED_AT as SATISFIED_AT  # re-exported
from .rules import is_satisfied, to_index


def satisfaction_index(rows: pd.DataFrame, scale: int, column: str = "overall") -> Estimate | None:
    """Mean of ``column`` mapped to 0–100 (:func:`~qmlib.metrics.rules.to_index`) over the responses that have it.

    n = responses with a value; 95% t interval clipped to 0–100. Used for ``satisfaction_index``
    (column ``overall``) and ``satisfaction_index.<dimension>``.
    """
    return mean_estimate(to_index(rows[column], scale), metric_def("satisfaction_index").value_range)


def satisfaction_rate(rows: pd.DataFrame, scale: int) -> Estimate | None:
    """Share of responses with ``overall`` ≥ 4 (5-point), ≥ 8 (10-point), ≥ 80 (100-point).

    (:func:`~qmlib.metrics.rules.is_satisfied`.) Eligible: responses with
    ``overall``; n = those; Wilson interval.
    """
    answered = rows["overall"].astype("float64").notna().to_numpy(dtype=bool)
    return share_estimate(is_satisfied(rows, scale)[answered])


def survey_coverage(rows: pd.DataFrame, households: int) -> Estimate | None:
    """``responses in P / households``; n = responses."""
    return ratio_estimate(len(rows), households, len(rows), "coverage")


def compute(tables: dict[str, pd.DataFrame], params: Params) -> MetricMap:
    """All satisfaction metrics for every period (empty when ``surveys`` is missing)."""
    out: MetricMap = {}
    if "surveys" not in tables:
        return out
    by_period = period_rows("surveys", tables["surveys"], params)
    scale = params.survey_scale
    dims = [d for d in SURVEY_DIMENSIONS if computable(f"satisfaction_index.{d}", tables)]
    for period, rows in by_period.items():
        add_estimate(out, "satisfaction_index", period, satisfaction_index(rows, scale))
    for dim in dims:
        for period, rows in by_period.items():
            add_estimate(out, f"satisfaction_index.{dim}", period, satisfaction_index(rows, scale, dim))
    for period, rows in by_period.items():
        add_estimate(out, "satisfaction_rate", period, satisfaction_rate(rows, scale))
    for period, rows in by_period.items():
        add_estimate(out, "survey_coverage", period, survey_coverage(rows, params.households))
    return out
