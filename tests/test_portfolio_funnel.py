"""Funnel-plot control limits (Spiegelhalter 2005) against hand-computed values."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats as sps

from qmlib.portfolio.funnel import binomial_limit, funnel, normal_limit, poisson_limit, pooled_sd


def test_normal_limit_by_hand() -> None:
    # 70 + 1.959964 * 20 / sqrt(100)
    assert normal_limit(70.0, 20.0, 100, 0.975) == pytest.approx(73.919928, abs=1e-6)
    assert normal_limit(70.0, 20.0, 100, 0.025) == pytest.approx(66.080072, abs=1e-6)
    assert normal_limit(70.0, 20.0, 25, 0.999) == pytest.approx(70 + 3.090232 * 4, abs=1e-5)


def test_binomial_limit_by_hand() -> None:
    # Bin(10, 0.5): F(7) = 968/1024, F(8) = 1013/1024. Upper 97.5 %: r = 8,
    # alpha = (1013/1024 - 0.975) / (45/1024) = 14.6 / 45; limit = (8 - alpha) / 10.
    assert binomial_limit(0.5, 10, 0.975) == pytest.approx((8 - 14.6 / 45) / 10, abs=1e-12)
    # Lower 2.5 %: F(1) = 11/1024, F(2) = 56/1024: r = 2, alpha = (56 - 25.6) / 45.
    assert binomial_limit(0.5, 10, 0.025) == pytest.approx((2 - 30.4 / 45) / 10, abs=1e-12)


def _poisson_cdf(k: int, mu: float) -> float:
    return sum(math.exp(-mu) * mu**i / math.factorial(i) for i in range(k + 1))


def test_poisson_limit_by_hand() -> None:
    # Poisson(2): F(4) = 0.947347, F(5) = 0.983436 -> r = 5 at p = 0.975.
    f4, f5 = _poisson_cdf(4, 2.0), _poisson_cdf(5, 2.0)
    expected = 5 - (f5 - 0.975) / (f5 - f4)
    assert poisson_limit(2.0, 1.0, 0.975) == pytest.approx(expected, abs=1e-9)
    assert expected == pytest.approx(4.76624, abs=1e-5)
    # the same rate over exposure 4 (mu = 8): limits narrow as exposure grows
    assert poisson_limit(2.0, 4.0, 0.975) < poisson_limit(2.0, 1.0, 0.975)


def test_pooled_sd_recovers_the_sd_of_t_intervals() -> None:
    rows = []
    for n, sd in ((30, 10.0), (50, 14.0)):
        half = sps.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
        rows.append({"n": n, "ci_low": 70 - half, "ci_high": 70 + half})
    expected = math.sqrt((29 * 100 + 49 * 196) / 78)
    assert pooled_sd(pd.DataFrame(rows)) == pytest.approx(expected, rel=1e-9)


def test_funnel_judges_each_community_by_its_own_n() -> None:
    """A small community with an extreme-looking rate stays inside; a large one slightly off is outside."""
    metrics = pd.DataFrame(
        {
            "community_id": ["small", "big", "mid"],
            "metric_id": ["repair_timely_rate"] * 3,
            "period": ["quality_month"] * 3,
            "value": [0.6, 0.85, 0.9],
            "n": [10.0, 2000.0, 400.0],
        }
    )
    f = funnel("repair_timely_rate", metrics, pd.DataFrame({"community_id": ["small", "big", "mid"]}))
    assert f is not None
    theta0 = (6 + 1700 + 360) / 2410
    assert f.theta0 == pytest.approx(theta0)
    pts = f.points.set_index("community_id")
    assert pts.loc["small", "status"] == "within"  # 0.6 of 10 is within the wide limits
    assert pts.loc["big", "lo998"] == pytest.approx(binomial_limit(theta0, 2000, 0.001))
    # big: 0.85 vs theta0 0.857 with n=2000 -> inside 99.8 % (sd 0.0078), check by hand
    z = (0.85 - theta0) / math.sqrt(theta0 * (1 - theta0) / 2000)
    assert abs(z) < 1.96 and pts.loc["big", "status"] == "within"
    # mid: z = (0.9 - theta0) / sqrt(theta0 (1 - theta0) / 400) ~ 2.44: beyond 95 %, inside 99.8 %
    z_mid = (0.9 - theta0) / math.sqrt(theta0 * (1 - theta0) / 400)
    assert 1.96 < z_mid < 3.09 and pts.loc["mid", "status"] == "warn_better"
    assert f.outside().empty


def test_rate_funnel_uses_exposure() -> None:
    metrics = pd.DataFrame(
        {
            "community_id": ["a", "b"],
            "metric_id": ["complaint_rate"] * 2,
            "period": ["quality_month"] * 2,
            "value": [1.0, 3.0],
            "n": [10.0, 30.0],
        }
    )
    facts = pd.DataFrame(
        {
            "community_id": ["a", "b"],
            "households": [1000.0, 1000.0],
            "assets": [0.0, 0.0],
            "days_quality_month": [30.0, 30.0],
        }
    )
    f = funnel("complaint_rate", metrics, facts)
    assert f is not None and f.model == "poisson"
    assert f.theta0 == pytest.approx(40 / 20)  # 40 complaints over 2 × (1000 × 30 / 3000)
    pts = f.points.set_index("community_id")
    assert pts.loc["a", "precision"] == pytest.approx(10.0)
    # b: 30 complaints where 20 are expected: P(X >= 30) = 0.022 -> beyond the 95 % limit, inside 99.8 %
    assert 1 - _poisson_cdf(29, 20.0) == pytest.approx(0.0218, abs=5e-4)
    assert pts.loc["b", "status"] == "warn_worse"
    # a: 10 where 20 are expected: P(X <= 10) = 0.0108 -> a lower (better) complaint rate
    assert pts.loc["a", "status"] == "warn_better"


def test_vectorised_limits_are_the_scalar_limits_exactly() -> None:
    """funnel() and curve() use the array forms: the same floats as the hand-checked scalar forms."""
    import numpy as np

    from qmlib.portfolio.funnel import binomial_limits, normal_limits, poisson_limits

    rng = np.random.default_rng(0)
    n = np.concatenate(
        [rng.integers(0, 5000, 200).astype(float), rng.uniform(0, 50, 50), [0, 0.4, 1.5, 2.5, -3]]
    )
    exposure = np.concatenate([rng.uniform(0, 500, 200), [0.0, -1.0, 1e-3]])

    def same(a: np.ndarray, b: list[float]) -> bool:
        b_arr = np.array(b)
        return bool(np.all((a == b_arr) | (np.isnan(a) & np.isnan(b_arr))))

    for p in (0.025, 0.975, 0.001, 0.999):
        for theta in (0.0, 0.03, 0.5, 0.999, 1.0):
            assert same(binomial_limits(theta, n, p), [binomial_limit(theta, x, p) for x in n])
            assert same(
                poisson_limits(theta * 7, exposure, p), [poisson_limit(theta * 7, x, p) for x in exposure]
            )
        for sigma in (12.3, float("nan")):
            assert same(normal_limits(70.0, sigma, n, p), [normal_limit(70.0, sigma, x, p) for x in n])
