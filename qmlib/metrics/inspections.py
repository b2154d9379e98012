"""Quality-inspection metrics (table ``inspections``, anchor ``inspected_on``)."""

from __future__ import annotations

import pandas as pd

from ..catalog import metric_def
from ..params import Params
from .base import Estimate, MetricMap, add_estimate, mean_estimate, period_rows, share_estimate
from .rules import inspection_passed


def inspection_score(rows: pd.DataFrame) -> Estimate | None:
    """Mean ``score`` of the inspections in P (or of one dimension's); n = inspections;
    t interval clipped to 0–100."""
    return mean_estimate(rows["score"], metric_def("inspection_score").value_range)


def inspection_pass_rate(rows: pd.DataFrame, pass_score: float) -> Estimate | None:
    """Share of inspections in P with a score that pass (:func:`~qmlib.metrics.rules.inspection_passed`:
    ``score ≥ inspection_pass_score``); n = inspections with a score; Wilson."""
    scored = rows["score"].astype("float64").notna().to_numpy(dtype=bool)
    return share_estimate(inspection_passed(rows, pass_score)[scored])


def dimensions(df: pd.DataFrame) -> list[str]:
    """Distinct ``dimension`` values as written in the data, sorted (order-independent)."""
    return sorted(set(df["dimension"].dropna().astype(str)))


def compute(tables: dict[str, pd.DataFrame], params: Params) -> MetricMap:
    """``inspection_score``, ``inspection_score.<dimension>``, ``inspection_pass_rate`` per period."""
    out: MetricMap = {}
    if "inspections" not in tables:
        return out
    df = tables["inspections"]
    by_period = period_rows("inspections", df, params)
    for period, rows in by_period.items():
        add_estimate(out, "inspection_score", period, inspection_score(rows))
    for dim in dimensions(df):
        for period, rows in by_period.items():
            of_dim = rows[rows["dimension"].astype(str).eq(dim).to_numpy(dtype=bool)]
            add_estimate(out, f"inspection_score.{dim}", period, inspection_score(of_dim))
    for period, rows in by_period.items():
        add_estimate(
            out, "inspection_pass_rate", period, inspection_pass_rate(rows, params.inspection_pass_score)
        )
    return out
