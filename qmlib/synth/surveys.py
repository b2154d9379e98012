"""Survey scores: the score distribution behind a satisfaction index, and the surveys table."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from ..schema import SURVEY_DIMENSIONS
from .community import Community, make_ids, period_counts, random_dates
from .vocab import CLEAN_SATISFACTION, SURVEY_COMMENTS


# ---- survey scores ----------------------------------------------------------
def score_values(scale: int) -> np.ndarray:
    """The possible answers of a survey scale."""
    return np.arange(0, 101) if scale == 100 else np.arange(1, scale + 1)


def to_index(x: np.ndarray | pd.Series, scale: int):
    """Survey score → 0–100 index (contract section 4)."""
    if scale == 5:
        return (x - 1) * 25.0
    if scale == 10:
        return (x - 1) / 9 * 100.0
    return x * 1.0


def _index_to_score(index: float, scale: int) -> float:
    if scale == 5:
        return 1 + index / 25
    if scale == 10:
        return 1 + index * 9 / 100
    return index


def score_probs(mean_index: float, scale: int) -> np.ndarray:
    """A bell-shaped distribution over the scale's answers whose mean index is exactly ``mean_index``."""
    values = score_values(scale).astype(float)
    target = _index_to_score(float(np.clip(mean_index, 3, 97)), scale)
    spread = (values[-1] - values[0]) / 4.5
    lo, hi = values[0] - 4 * spread, values[-1] + 4 * spread
    for _ in range(80):
        mid = (lo + hi) / 2
        w = np.exp(-((values - mid) ** 2) / (2 * spread**2))
        if (w / w.sum()) @ values < target:
            lo = mid
        else:
            hi = mid
    w = np.exp(-((values - (lo + hi) / 2) ** 2) / (2 * spread**2))
    return w / w.sum()


def _quantile_scores(u: np.ndarray, mean_index: np.ndarray, scale: int) -> np.ndarray:
    """Inverse-CDF: uniform ``u`` → score of the distribution with each row's mean index."""
    values = score_values(scale)
    out = np.empty(len(u), dtype=float)
    for m in np.unique(mean_index):
        rows = mean_index == m
        cdf = np.cumsum(score_probs(float(m), scale))
        out[rows] = values[np.minimum(np.searchsorted(cdf, u[rows], side="right"), len(values) - 1)]
    return out


def _draw_overall(
    rng: np.random.Generator, mean_index: np.ndarray, groups: np.ndarray, scale: int
) -> tuple[np.ndarray, np.ndarray]:
    """Overall scores and their normal scores ``z``.

    Uniforms are stratified within each group (period × building flag: ``(perm + U) / n``),
    so each group's sample follows its planted distribution closely: the observed
    index differs from the planted one by a fraction of a point.
    """
    u = np.empty(len(mean_index))
    for g in np.unique(groups):
        rows = np.flatnonzero(groups == g)
        u[rows] = (rng.permutation(len(rows)) + rng.random(len(rows))) / len(rows)
    return _quantile_scores(u, mean_index, scale), ndtri(u)


def _draw_scores(
    rng: np.random.Generator, mean_index: np.ndarray, latent: np.ndarray, scale: int, rho: float = 0.6
) -> np.ndarray:
    """Scores with the given expected index per row, correlated with ``latent`` (Gaussian copula)."""
    u = ndtr(rho * latent + np.sqrt(1 - rho**2) * rng.standard_normal(len(latent)))
    return _quantile_scores(u, mean_index, scale)


# =============================================================================
# Tables (canonical values: Chinese enums, naive local datetimes, floats, booleans)
# =============================================================================
def satisfaction_levels(c: Community) -> dict[str, float]:
    """Planted satisfaction index per period."""
    eff = c.effect("satisfaction")
    if eff is None:
        return dict.fromkeys(c.periods, CLEAN_SATISFACTION)
    base, change, keep = eff["baseline"], eff["change"], eff["retention"]
    return {"baseline": base, "quality_month": base + change, "followup": base + change * keep}


DIMENSION_OFFSETS = {
    "customer_service": 2.0,
    "cleaning": 3.0,
    "greening": 1.0,
    "security": 0.0,
    "repairs": -5.0,
    "facilities": -3.0,
}


def _initiative_lift(c: Community, df: pd.DataFrame) -> np.ndarray | None:
    """Points added to the planted initiative's survey dimension: ``change`` in the quality
    month (when the initiative is held), half of it in the follow-up; None without the effect."""
    eff = c.effect("initiative_effect")
    if eff is None:
        return None
    lift = np.zeros(len(df))
    for period, share in (("quality_month", 1.0), ("followup", 0.5)):
        lo, hi = c.bounds(period)
        inside = ((df["surveyed_at"] >= lo) & (df["surveyed_at"] < hi)).to_numpy()
        lift[inside] = float(eff["change"]) * share
    return lift


def surveys_table(c: Community) -> pd.DataFrame:
    """Survey responses: per-period level, a low building, correlated dimension scores."""
    rng = c.rng
    counts = period_counts(c, 130, 170, {"quality_month": 1.35, "followup": 0.85})
    levels = satisfaction_levels(c)
    low = c.effect("low_building")
    parts = []
    for p, n in counts.items():
        start, _ = c.bounds(p)
        parts.append(
            pd.DataFrame({"surveyed_at": random_dates(rng, n, start, c.days(p)), "_level": levels[p]})
        )
    df = pd.concat(parts, ignore_index=True).sort_values("surveyed_at", kind="stable", ignore_index=True)
    n = len(df)
    df["building"] = rng.choice(c.buildings, n)
    gap = np.where(df["building"].eq(low["building"]) if low else False, low["gap"] if low else 0.0, 0.0)
    mean = np.round(df["_level"].to_numpy() + gap, 6)
    groups = df["surveyed_at"].dt.strftime("%Y%m").astype(int).to_numpy() * 2 + (gap != 0)
    df["overall"], latent = _draw_overall(rng, mean, groups, c.scale)
    lift = _initiative_lift(c, df)
    for dim in SURVEY_DIMENSIONS:
        offset = DIMENSION_OFFSETS[dim] if not c.clean else DIMENSION_OFFSETS[dim] / 3
        extra = lift if lift is not None and dim == c.effect("initiative_effect")["dimension"] else 0.0  # type: ignore[index]  # lift implies the effect
        scores = _draw_scores(rng, np.round(mean + offset + extra, 6), latent, c.scale)
        df[dim] = np.where(rng.random(n) < 0.02, np.nan, scores)
    df["comment"] = np.where(rng.random(n) < 0.3, rng.choice(SURVEY_COMMENTS, n), None)  # type: ignore[call-overload]  # numpy stubs reject None
    frequent = c.effect("frequent_comment")
    if frequent is not None:  # a comment many residents write, in every period
        rows = rng.choice(n, size=min(int(frequent["count"]), n), replace=False)
        df.loc[np.sort(rows), "comment"] = frequent["text"]
    prefix = "WJ" if c.variant % 3 != 1 else "2025"
    df.insert(0, "response_id", make_ids(prefix, n, width=5 if prefix == "WJ" else 6))
    return df.drop(columns="_level")
