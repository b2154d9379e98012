"""Confidence intervals and significance tests of contract section 4.

Every function returns ``None`` where the contract says "none" / "empty"
(too few values, an undefined test, a NaN result); callers write ``None`` as
an empty cell.

Intervals (95%):

- :func:`t_interval`: ``mean ± t.ppf(0.975, n − 1) · sd / √n`` with ``sd`` the
  sample standard deviation (ddof = 1); none when ``n < 2``. The metrics
  clip it to the range the value can take with :func:`clip_interval`
  (contract v1.1).
- :func:`wilson_interval`: Wilson's score interval for ``x`` successes in
  ``n`` trials, ``(p̂ + z²/2n ± z·√(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n)``
  (equal to statsmodels ``proportion_confint(method="wilson")``).

Two-sided tests (period P against the baseline):

- :func:`welch_t_pvalue`: Welch's t-test, ``scipy.stats.ttest_ind(equal_var=False)``;
  none when a side has fewer than 2 values.
- :func:`two_proportion_pvalue`: pooled two-proportion z-test,
  ``statsmodels.stats.proportion.proportions_ztest``; none when both shares are
  0 or both are 1 (the pooled variance is 0).
- :func:`poisson_rate_pvalue`: score test of equal Poisson rates,
  ``statsmodels.stats.rates.test_poisson_2indep(count_P, exposure_P,
  count_base, exposure_base, method="score")``,
  ``z = (c₁ − c₂·e₁/e₂) / √((c₁ + c₂)·e₁/e₂)``; none when both counts are 0.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Sequence

import numpy as np
from scipy import stats as sps
from statsmodels.stats.proportion import proportions_ztest
from statsmodels.stats.rates import test_poisson_2indep

#: Confidence level of every interval and significance level of every test.
CONFIDENCE = 0.95
ALPHA = 1.0 - CONFIDENCE
SIGNIFICANCE_LEVEL = 0.05

Interval = tuple[float, float]


def _finite(x: float) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


@functools.lru_cache(maxsize=4096)
def _t_quantile(df: int) -> float:
    """``t.ppf(1 − α/2, df)``: the same few degrees of freedom recur (a community has a
    hundred intervals), and scipy's distribution call costs more than the interval."""
    return float(sps.t.ppf(1 - ALPHA / 2, df))


@functools.lru_cache(maxsize=1)
def _z_quantile() -> float:
    """``Φ⁻¹(1 − α/2)``, computed once."""
    return float(sps.norm.ppf(1 - ALPHA / 2))


def t_interval(values: Sequence[float] | np.ndarray) -> Interval | None:
    """``mean ± t(0.975, n − 1) · sd / √n`` (sd with ddof = 1); None when n < 2."""
    x = np.asarray(values, dtype=float)
    n = x.size
    if n < 2:
        return None
    mean = float(x.mean())
    sd = float(x.std(ddof=1))
    half = _t_quantile(n - 1) * sd / math.sqrt(n)
    low, high = _finite(mean - half), _finite(mean + half)
    if low is None or high is None:
        return None
    return low, high


def clip_interval(
    interval: Interval | None, low: float | None = None, high: float | None = None
) -> Interval | None:
    """``(max(lo, low), min(hi, high))``: an interval clipped to the range ``[low, high]``.

    ``None`` for ``low`` / ``high`` is an open end; ``None`` stays ``None``.
    E.g. a 1–5 rating with mean 4.9 and t interval (4.62, 5.18) → (4.62, 5.0).
    """
    if interval is None:
        return None
    lo, hi = interval
    if low is not None:
        lo, hi = max(lo, low), max(hi, low)
    if high is not None:
        lo, hi = min(lo, high), min(hi, high)
    return lo, hi


def wilson_interval(successes: int, trials: int) -> Interval | None:
    """Wilson's 95% score interval of ``successes / trials``; None when trials = 0.

    ``(p̂ + z²/2n ± z·√(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n)`` with ``z = Φ⁻¹(0.975)``,
    the same as statsmodels ``proportion_confint(method="wilson")``; the bound is
    exactly 0 when there are no successes and exactly 1 when all are successes
    (where floating-point rounding would otherwise leave ~1e-17).
    """
    if trials <= 0:
        return None
    n = float(trials)
    p = successes / n
    z = _z_quantile()
    denom = 1.0 + z * z / n
    center = (p + z * z / (2.0 * n)) / denom
    half = z / denom * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n))
    low = 0.0 if successes <= 0 else min(max(center - half, 0.0), 1.0)
    high = 1.0 if successes >= trials else min(max(center + half, 0.0), 1.0)
    return low, high


def welch_t_pvalue(
    sample: Sequence[float] | np.ndarray, baseline: Sequence[float] | np.ndarray
) -> float | None:
    """Two-sided p of Welch's t-test; None when a side has < 2 values or p is NaN."""
    a = np.asarray(sample, dtype=float)
    b = np.asarray(baseline, dtype=float)
    if a.size < 2 or b.size < 2:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = sps.ttest_ind(a, b, equal_var=False)
    return _finite(result.pvalue)


def two_proportion_pvalue(successes: int, trials: int, base_successes: int, base_trials: int) -> float | None:
    """Two-sided p of the pooled two-proportion z-test.

    ``z = (p₁ − p₂) / √(p̄(1 − p̄)(1/n₁ + 1/n₂))`` with ``p̄ = (x₁ + x₂)/(n₁ + n₂)``.
    None when a side has no trials or both shares are 0 or both are 1.
    """
    if trials <= 0 or base_trials <= 0:
        return None
    if (successes == 0 and base_successes == 0) or (successes == trials and base_successes == base_trials):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        _, p = proportions_ztest(np.array([successes, base_successes]), np.array([trials, base_trials]))
    return _finite(p)


def poisson_rate_pvalue(
    count: float, exposure: float, base_count: float, base_exposure: float
) -> float | None:
    """Two-sided p of ``test_poisson_2indep(count, exposure, base_count, base_exposure, method="score")``.

    None when an exposure is not positive or the statistic is undefined
    (both counts 0).
    """
    if exposure <= 0 or base_exposure <= 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = test_poisson_2indep(count, exposure, base_count, base_exposure, method="score")
    return _finite(result.pvalue)


def is_significant(p_value: float | None) -> bool | None:
    """True when p < 0.05, False when p ≥ 0.05, None when there is no p-value."""
    if p_value is None or not math.isfinite(p_value):
        return None
    return bool(p_value < SIGNIFICANCE_LEVEL)


__all__ = [
    "ALPHA",
    "CONFIDENCE",
    "SIGNIFICANCE_LEVEL",
    "clip_interval",
    "is_significant",
    "poisson_rate_pvalue",
    "t_interval",
    "two_proportion_pvalue",
    "welch_t_pvalue",
    "wilson_interval",
]
