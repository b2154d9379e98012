"""Insight scoring of a level: is one value of a dimension outstanding?

Tang, Han, Yiu, Ding, Zhang, "Extracting Top-K Insights from
Multi-dimensional Data", SIGMOD 2017 (also used by Microsoft's
QuickInsights, Ding et al., SIGMOD 2019).

The *point insight* "outstanding No. 1": sort the aggregated values of the
elements of one dimension in descending order, ``x_1 ≥ x_2 ≥ … ≥ x_n``.
Under the null hypothesis the values follow a power law, so fit
``log x_i = a + b log i`` by least squares on ``i = 2 … n`` and predict
``x̂_1 = exp(a)``. The residuals ``x_i − x̂_i`` of the fitted points are taken
as Gaussian ``N(μ, σ)``; the p-value of the top value is
``P(R ≥ x_1 − x̂_1) = 1 − Φ((x_1 − x̂_1 − μ) / σ)`` (σ = 0: 0 when the top
value lies above the fit, else 1). **Significance** is ``1 − p``.
**Impact** is the element's share of the total (the paper's market share of
the subspace), and the insight **score** is ``impact × significance``.

qm applies this to the count of bad outcomes of a metric (late orders,
failures, complaints, hazards not rectified on time, …) by element, so
"DT-11-1 caused 6 of 12 failures" is an outstanding No. 1 with impact 0.5.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class PointInsight:
    """The outstanding top element of one dimension."""

    index: int
    value: float
    predicted: float
    p_value: float
    impact: float

    @property
    def significance(self) -> float:
        return 1.0 - self.p_value

    @property
    def score(self) -> float:
        return self.impact * self.significance


def outstanding_top(values: np.ndarray, min_rest: int = 3) -> PointInsight | None:
    """Tang et al.'s outstanding-No.1 test on non-negative ``values``.

    Only positive values take part in the fit (a power law has no zeros).
    None when there are fewer than ``min_rest`` positive values besides the
    top one, or the total is 0. ``index`` is the position in ``values``.
    """
    x = np.asarray(values, float)
    total = float(np.nansum(x))
    if total <= 0:
        return None
    pos = np.flatnonzero(x > 0)
    if len(pos) < min_rest + 1:
        return None
    order = pos[np.argsort(-x[pos], kind="stable")]
    xs = x[order]
    ranks = np.arange(1, len(xs) + 1, dtype=float)
    b, a = np.polyfit(np.log(ranks[1:]), np.log(xs[1:]), 1)
    fitted = np.exp(a + b * np.log(ranks))
    resid = xs[1:] - fitted[1:]
    r1 = xs[0] - fitted[0]
    mu, sigma = float(resid.mean()), float(resid.std(ddof=1)) if len(resid) > 1 else 0.0
    # σ = 0: the rest lies exactly on the power law; the top is outstanding iff it lies above it
    p = float(stats.norm.sf((r1 - mu) / sigma)) if sigma > 0 else (0.0 if r1 > mu else 1.0)
    return PointInsight(int(order[0]), float(xs[0]), float(fitted[0]), p, float(xs[0]) / total)


__all__ = ["PointInsight", "outstanding_top"]
