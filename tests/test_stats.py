"""Intervals and tests of qmlib.metrics.stats against textbook formulas computed here."""

from __future__ import annotations

import math
import statistics

import pytest
from scipy.stats import norm
from scipy.stats import t as t_dist

from qmlib.metrics.stats import (
    is_significant,
    poisson_rate_pvalue,
    t_interval,
    two_proportion_pvalue,
    welch_t_pvalue,
    wilson_interval,
)

Z = 1.959963984540054  # norm.ppf(0.975)


def hand_wilson(x: int, n: int) -> tuple[float, float]:
    p = x / n
    denom = 1 + Z**2 / n
    center = (p + Z**2 / (2 * n)) / denom
    half = Z / denom * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return center - half, center + half


def test_t_interval_matches_formula() -> None:
    values = [100.0, 75.0, 50.0, 25.0]
    # mean 62.5, sd = sqrt((37.5² + 12.5² + 12.5² + 37.5²) / 3) = sqrt(1041.666…)
    sd = math.sqrt((37.5**2 * 2 + 12.5**2 * 2) / 3)
    assert sd == pytest.approx(statistics.stdev(values))
    half = 3.182446305284263 * sd / 2  # t.ppf(0.975, 3) = 3.18244630528…
    low, high = t_interval(values)
    assert low == pytest.approx(62.5 - half, rel=1e-12)
    assert high == pytest.approx(62.5 + half, rel=1e-12)


def test_t_interval_constant_and_small() -> None:
    assert t_interval([7.0, 7.0, 7.0]) == (7.0, 7.0)
    assert t_interval([7.0]) is None
    assert t_interval([]) is None


def test_wilson_interval_matches_formula() -> None:
    for x, n in [(2, 4), (1, 3), (17, 20), (3, 7)]:
        low, high = wilson_interval(x, n)
        exp_low, exp_high = hand_wilson(x, n)
        assert low == pytest.approx(exp_low, rel=1e-12)
        assert high == pytest.approx(exp_high, rel=1e-12)
    # 2/4: centre 0.5, half = Z/(1+Z²/4)·sqrt(1/16 + Z²/64)
    low, high = wilson_interval(2, 4)
    half = Z / (1 + Z**2 / 4) * math.sqrt(0.25 / 4 + Z**2 / 64)
    assert (low, high) == pytest.approx((0.5 - half, 0.5 + half), rel=1e-12)


def test_wilson_interval_extremes() -> None:
    low, high = wilson_interval(0, 5)
    assert low == 0.0
    assert high == pytest.approx(Z**2 / 5 / (1 + Z**2 / 5), rel=1e-12)  # n·… = z²/(n+z²)
    low, high = wilson_interval(5, 5)
    assert high == 1.0
    assert low == pytest.approx(1 - Z**2 / (5 + Z**2), rel=1e-12)
    assert wilson_interval(0, 0) is None


def hand_welch(a: list[float], b: list[float]) -> float:
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    t = (statistics.fmean(a) - statistics.fmean(b)) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return 2 * t_dist.sf(abs(t), df)


def test_welch_matches_formula() -> None:
    a, b = [100.0, 100.0, 75.0, 50.0], [100.0, 75.0, 50.0, 25.0, 0.0]
    assert welch_t_pvalue(a, b) == pytest.approx(hand_welch(a, b), rel=1e-10)
    assert welch_t_pvalue(b, a) == pytest.approx(hand_welch(a, b), rel=1e-10)


def test_welch_undefined() -> None:
    assert welch_t_pvalue([1.0], [1.0, 2.0, 3.0]) is None
    assert welch_t_pvalue([1.0, 2.0], []) is None
    assert welch_t_pvalue([5.0, 5.0], [5.0, 5.0]) is None  # 0/0: NaN → empty


def hand_pooled_z(x1: int, n1: int, x2: int, n2: int) -> float:
    pooled = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return 2 * norm.sf(abs(z))


def test_two_proportion_matches_formula() -> None:
    assert two_proportion_pvalue(3, 3, 2, 4) == pytest.approx(hand_pooled_z(3, 3, 2, 4), rel=1e-10)
    assert two_proportion_pvalue(0, 3, 4, 4) == pytest.approx(hand_pooled_z(0, 3, 4, 4), rel=1e-10)
    # 0/3 vs 4/4: pooled 4/7, z = -1/sqrt(4/7·3/7·7/12) = -sqrt(7)
    assert two_proportion_pvalue(0, 3, 4, 4) == pytest.approx(2 * norm.sf(math.sqrt(7)), rel=1e-10)


def test_two_proportion_undefined() -> None:
    assert two_proportion_pvalue(0, 3, 0, 4) is None
    assert two_proportion_pvalue(3, 3, 4, 4) is None
    assert two_proportion_pvalue(1, 3, 0, 0) is None


def hand_poisson_score(c1: float, e1: float, c2: float, e2: float) -> float:
    r0 = (c1 + c2) / (e1 + e2)
    z = (c1 / e1 - c2 / e2) / math.sqrt(r0 * (1 / e1 + 1 / e2))
    return 2 * norm.sf(abs(z))


def test_poisson_matches_formula() -> None:
    assert poisson_rate_pvalue(0, 3000, 3, 3100) == pytest.approx(
        hand_poisson_score(0, 3000, 3, 3100), rel=1e-10
    )
    assert poisson_rate_pvalue(12, 186000, 4, 180000) == pytest.approx(
        hand_poisson_score(12, 186000, 4, 180000), rel=1e-10
    )
    # equal rates → z = 0 → p = 1
    assert poisson_rate_pvalue(2, 100, 4, 200) == pytest.approx(1.0)


def test_poisson_undefined() -> None:
    assert poisson_rate_pvalue(0, 3000, 0, 3100) is None
    assert poisson_rate_pvalue(1, 0, 1, 10) is None


def test_is_significant() -> None:
    assert is_significant(0.049) is True
    assert is_significant(0.05) is False
    assert is_significant(0.7) is False
    assert is_significant(None) is None
    assert is_significant(float("nan")) is None
