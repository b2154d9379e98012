"""Funnel plots: compare communities fairly on one KPI.

Method: D. J. Spiegelhalter, "Funnel plots for comparing institutional
performance", *Statistics in Medicine* 24 (2005) 1185–1202. Each community's
indicator is plotted against its precision (its n); control limits are drawn
around the company's pooled value θ0 for every n, so a small community is
judged against the wide limits its own n allows and is not called worst by
chance.

Limits at tail probability p (0.025/0.975 for 95 %, 0.001/0.999 for 99.8 %),
as in the paper's appendix:

- **proportions** (shares, n trials): exact binomial with interpolation.
  ``r_p`` = smallest r with P(R ≤ r) ≥ p, R ~ Bin(n, θ0);
  ``α = (P(R ≤ r_p) − p) / (P(R ≤ r_p) − P(R ≤ r_p − 1))``; limit ``(r_p − α) / n``.
- **rates** (events per exposure E): the same with R ~ Poisson(θ0·E); limit ``(r_p − α) / E``.
- **means** (n observations, within-community SD σ): ``θ0 + z_p σ / √n``.
  σ is pooled from the communities' t intervals: ``s_i = half_i · √n_i / t_{0.975, n_i−1}``,
  ``σ² = Σ (n_i − 1) s_i² / Σ (n_i − 1)``.

A community is *outside* the limits when its value lies beyond the 99.8 %
limits (an "alarm" in the paper's words) and *warned* beyond the 95 % limits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from ..catalog import metric_def

#: Headline KPIs of the board (at least five are ranked with funnels).
HEADLINE_KPIS: tuple[str, ...] = (
    "satisfaction_index",
    "complaint_rate",
    "repair_timely_rate",
    "equipment_failure_rate",
    "maintenance_on_time_rate",
    "hazard_on_time_rate",
    "inspection_score",
)
#: Exposure unit of the per-exposure rates: households (or assets) × days / 3000 (per 100 per 30 days).
RATE_SCALE = 3000.0
P95 = (0.025, 0.975)
P998 = (0.001, 0.999)


def binomial_limit(theta0: float, n: float, p: float) -> float:
    """Exact binomial control limit with interpolation (Spiegelhalter 2005, appendix A.1.1)."""
    n_int = round(n)
    if n_int <= 0:
        return float("nan")
    r = float(sps.binom.ppf(p, n_int, theta0))
    f_r = float(sps.binom.cdf(r, n_int, theta0))
    f_below = float(sps.binom.cdf(r - 1, n_int, theta0)) if r >= 1 else 0.0
    alpha = (f_r - p) / (f_r - f_below) if f_r > f_below else 0.0
    return min(1.0, max(0.0, (r - alpha) / n_int))


def poisson_limit(theta0: float, exposure: float, p: float) -> float:
    """Exact Poisson control limit with interpolation for a rate ``O / E`` (same appendix)."""
    if exposure <= 0:
        return float("nan")
    mu = theta0 * exposure
    r = float(sps.poisson.ppf(p, mu))
    f_r = float(sps.poisson.cdf(r, mu))
    f_below = float(sps.poisson.cdf(r - 1, mu)) if r >= 1 else 0.0
    alpha = (f_r - p) / (f_r - f_below) if f_r > f_below else 0.0
    return max(0.0, (r - alpha) / exposure)


def normal_limit(theta0: float, sigma: float, n: float, p: float) -> float:
    """``θ0 + z_p σ / √n`` for a mean of ``n`` observations."""
    if n <= 0 or not math.isfinite(sigma):
        return float("nan")
    return theta0 + float(sps.norm.ppf(p)) * sigma / math.sqrt(n)


def binomial_limits(theta0: float, n: np.ndarray, p: float) -> np.ndarray:
    """:func:`binomial_limit` of every ``n`` at once (the same floats: one scipy call per step, not per n)."""
    n_int = np.round(np.asarray(n, dtype=float))
    ok = n_int > 0
    m = np.where(ok, n_int, 1.0)
    r = sps.binom.ppf(p, m, theta0)
    f_r = sps.binom.cdf(r, m, theta0)
    f_below = np.where(r >= 1, sps.binom.cdf(r - 1, m, theta0), 0.0)
    return np.where(ok, np.fmin(1.0, np.fmax(0.0, (r - _alpha(f_r, f_below, p)) / m)), np.nan)


def poisson_limits(theta0: float, exposure: np.ndarray, p: float) -> np.ndarray:
    """:func:`poisson_limit` of every exposure at once (the same floats)."""
    exposure = np.asarray(exposure, dtype=float)
    ok = exposure > 0
    e = np.where(ok, exposure, 1.0)
    mu = theta0 * e
    r = sps.poisson.ppf(p, mu)
    f_r = sps.poisson.cdf(r, mu)
    f_below = np.where(r >= 1, sps.poisson.cdf(r - 1, mu), 0.0)
    return np.where(ok, np.fmax(0.0, (r - _alpha(f_r, f_below, p)) / e), np.nan)


def normal_limits(theta0: float, sigma: float, n: np.ndarray, p: float) -> np.ndarray:
    """:func:`normal_limit` of every ``n`` at once (the same floats)."""
    n = np.asarray(n, dtype=float)
    ok = (n > 0) & math.isfinite(sigma)
    z = float(sps.norm.ppf(p))
    return np.where(ok, theta0 + z * sigma / np.sqrt(np.where(ok, n, 1.0)), np.nan)


def _alpha(f_r: np.ndarray, f_below: np.ndarray, p: float) -> np.ndarray:
    """The interpolation ``(F(r) − p) / (F(r) − F(r − 1))``, 0 where F(r) = F(r − 1)."""
    step = f_r > f_below
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(step, (f_r - p) / np.where(step, f_r - f_below, 1.0), 0.0)


def pooled_sd(frame: pd.DataFrame) -> float:
    """Within-community SD pooled from t intervals (columns n, ci_low, ci_high)."""
    f = frame.dropna(subset=["n", "ci_low", "ci_high"])
    f = f[f["n"] >= 2]
    if f.empty:
        return float("nan")
    half = (f["ci_high"] - f["ci_low"]) / 2
    tq = sps.t.ppf(0.975, f["n"] - 1)
    s = half * np.sqrt(f["n"]) / tq
    return float(math.sqrt(((f["n"] - 1) * s**2).sum() / (f["n"] - 1).sum()))


@dataclass
class Funnel:
    """One KPI's funnel: per-community points with limits, and the pooled value."""

    metric_id: str
    model: str  # binomial | poisson | normal
    theta0: float
    sigma: float | None
    points: pd.DataFrame  # community_id, value, n, precision, lo95, hi95, lo998, hi998, status

    def outside(self) -> pd.DataFrame:
        """Communities beyond the 99.8 % limits, worse side first."""
        return self.points[self.points["status"].isin(("worse", "better"))]


def _status(value: float, lo95: float, hi95: float, lo998: float, hi998: float, better: int) -> str:
    """``worse``/``better`` beyond 99.8 %, ``warn_worse``/``warn_better`` beyond 95 %, else ``within``."""
    if any(math.isnan(x) for x in (value, lo998, hi998)):
        return "unknown"
    high = value > hi998
    low = value < lo998
    if high or low:
        good = (high and better > 0) or (low and better < 0)
        return "better" if good else "worse"
    if value > hi95 or value < lo95:
        good = (value > hi95 and better > 0) or (value < lo95 and better < 0)
        return "warn_better" if good else "warn_worse"
    return "within"


def funnel(
    metric_id: str, metrics: pd.DataFrame, communities: pd.DataFrame, period: str = "quality_month"
) -> Funnel | None:
    """Funnel of ``metric_id`` in ``period`` from the combined metrics table.

    ``communities`` gives households, assets and ``days_<period>`` (rates'
    exposure). Returns None when fewer than two communities have a value.
    """
    kind = metric_def(metric_id).kind
    better = metric_def(metric_id).better
    rows = metrics[(metrics["metric_id"] == metric_id) & (metrics["period"] == period)].dropna(
        subset=["value"]
    )
    rows = rows[rows["n"].fillna(0) > 0].copy()
    if len(rows) < 2:
        return None
    if kind == "rate":
        base = "households" if metric_id == "complaint_rate" else "assets"
        facts = communities.set_index("community_id")
        exposure = rows["community_id"].map(facts[base] * facts[f"days_{period}"] / RATE_SCALE)
        rows["precision"] = exposure.astype(float)
        rows = rows[rows["precision"] > 0]
        theta0 = float(rows["n"].sum() / rows["precision"].sum())
        model, sigma = "poisson", None

        def lim(x: np.ndarray, p: float) -> np.ndarray:
            return poisson_limits(theta0, x, p)
    elif kind == "share":
        rows["precision"] = rows["n"].astype(float)
        theta0 = float((rows["value"] * rows["n"]).sum() / rows["n"].sum())
        model, sigma = "binomial", None

        def lim(x: np.ndarray, p: float) -> np.ndarray:
            return binomial_limits(theta0, x, p)
    elif kind == "mean":
        rows["precision"] = rows["n"].astype(float)
        theta0 = float((rows["value"] * rows["n"]).sum() / rows["n"].sum())
        sigma = pooled_sd(rows)
        model = "normal"

        def lim(x: np.ndarray, p: float) -> np.ndarray:
            return normal_limits(theta0, sigma, x, p)
    else:
        return None
    if len(rows) < 2:
        return None
    for col, p in (("lo95", P95[0]), ("hi95", P95[1]), ("lo998", P998[0]), ("hi998", P998[1])):
        rows[col] = lim(rows["precision"].to_numpy(dtype=float), p)
    rows["status"] = [
        _status(v, a, b, c, d, better)
        for v, a, b, c, d in zip(
            rows["value"], rows["lo95"], rows["hi95"], rows["lo998"], rows["hi998"], strict=True
        )
    ]
    keep = ["community_id", "value", "n", "precision", "lo95", "hi95", "lo998", "hi998", "status"]
    return Funnel(metric_id, model, theta0, sigma, rows[keep].reset_index(drop=True))


def funnels(
    metrics: pd.DataFrame,
    communities: pd.DataFrame,
    period: str = "quality_month",
    kpis: tuple[str, ...] = HEADLINE_KPIS,
) -> dict[str, Funnel]:
    """Funnel of every headline KPI with data (skips those with fewer than two communities)."""
    out = {}
    for m in kpis:
        f = funnel(m, metrics, communities, period) if not metrics.empty else None
        if f is not None:
            out[m] = f
    return out


def curve(f: Funnel, grid: np.ndarray) -> dict[str, np.ndarray]:
    """Limits over a grid of precisions (for drawing)."""
    fn = {
        "binomial": lambda x, p: binomial_limits(f.theta0, x, p),
        "poisson": lambda x, p: poisson_limits(f.theta0, x, p),
        "normal": lambda x, p: normal_limits(f.theta0, f.sigma or float("nan"), x, p),
    }[f.model]
    return {
        name: fn(np.asarray(grid, dtype=float), p)
        for name, p in (("lo95", P95[0]), ("hi95", P95[1]), ("lo998", P998[0]), ("hi998", P998[1]))
    }
