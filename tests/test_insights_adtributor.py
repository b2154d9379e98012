"""Hand-computed Adtributor (Bhagwan et al. 2014) and outstanding-No.1 (Tang et al. 2017) values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qmlib.insights.adtributor import explain_dimension, explanatory_power, rank_explanations, surprise
from qmlib.insights.topk import outstanding_top


def test_fundamental_ep_is_each_elements_part_of_the_change():
    # totals 60 → 80: only element b moved (+20)
    ep = explanatory_power(np.array([10, 20, 30]), np.array([10, 40, 30]))
    assert ep.tolist() == [0.0, 1.0, 0.0]


def test_fundamental_ep_sums_to_one_with_opposite_moves():
    # 60 → 70: a +20, b −10 → EP 2 and −1
    ep = explanatory_power(np.array([10, 20, 30]), np.array([30, 10, 30]))
    assert ep.tolist() == [2.0, -1.0, 0.0]


def test_surprise_is_the_jensen_shannon_term_of_each_element():
    sp = surprise(np.array([10, 20, 30]), np.array([10, 40, 30]))
    p, q = 20 / 60, 40 / 80
    m = (p + q) / 2
    expected_b = 0.5 * (p * math.log(p / m) + q * math.log(q / m))
    assert sp[1] == pytest.approx(expected_b, rel=1e-12)
    assert expected_b == pytest.approx(0.00838980, abs=1e-8)
    # an element absent in the reference period contributes only its actual term
    sp2 = surprise(np.array([0, 10]), np.array([5, 5]))
    assert sp2[0] == pytest.approx(0.5 * 0.5 * math.log(0.5 / 0.25), rel=1e-12)


def test_derived_ep_of_a_share_moves_only_that_element():
    # X: 3/10 → 8/10, Y: 9/10 → 9/10; pooled 12/20 = 0.6 → 17/20 = 0.85
    ep = explanatory_power(np.array([3, 9]), np.array([8, 9]), np.array([10, 10]), np.array([10, 10]))
    assert ep[0] == pytest.approx(1.0)
    assert ep[1] == pytest.approx(0.0)


def test_derived_ep_with_changing_denominators():
    # X: 2/4 → 6/8, Y: 6/6 → 5/5; pooled 8/10 = 0.8 → 11/13
    change = 11 / 13 - 0.8
    ep = explanatory_power(np.array([2, 6]), np.array([6, 5]), np.array([4, 6]), np.array([8, 5]))
    assert ep[0] == pytest.approx((12 / 14 - 0.8) / change)  # 1.2381
    assert ep[1] == pytest.approx((7 / 9 - 0.8) / change)  # −0.4815
    assert ep[0] == pytest.approx(1.238095, abs=1e-6)
    # derived surprise adds the numerator's and the denominator's terms
    sp = surprise(np.array([2, 6]), np.array([6, 5]), np.array([4, 6]), np.array([8, 5]))
    assert sp[0] == pytest.approx(
        surprise(np.array([2, 6]), np.array([6, 5]))[0] + surprise(np.array([4, 6]), np.array([8, 5]))[0]
    )


def test_no_change_has_no_explanatory_power():
    assert np.isnan(explanatory_power(np.array([1, 2]), np.array([2, 1]))).all()


def test_explain_dimension_takes_elements_by_surprise_until_t_ep():
    ep = np.array([0.05, 0.7, 0.25])
    sp = np.array([0.3, 0.2, 0.1])
    exp = explain_dimension("category", ["a", "b", "c"], ep, sp)
    assert exp is not None and exp.elements == ("b",)  # a is below T_EEP = 0.1
    exp2 = explain_dimension("category", ["a", "b", "c"], ep, sp, t_ep=0.9)
    assert exp2 is not None and exp2.elements == ("b", "c") and exp2.total_ep == pytest.approx(0.95)
    assert explain_dimension("category", ["a", "b", "c"], ep, sp, t_ep=0.99) is None


def test_rank_explanations_by_total_surprise():
    a = explain_dimension("building", ["x", "y"], np.array([0.8, 0.2]), np.array([0.01, 0.0]))
    b = explain_dimension("category", ["x", "y"], np.array([0.9, 0.1]), np.array([0.05, 0.0]))
    assert [e.dimension for e in rank_explanations([a, b])] == ["category", "building"]


def test_outstanding_top_exact_power_law_rest():
    # rest follows x_i = 8 / i exactly, so the fit predicts x_1 = 8 with zero residuals
    rest = [8 / 2, 8 / 3, 8 / 4, 8 / 5]
    hit = outstanding_top(np.array([rest[0], 12.0, *rest[1:]]))
    assert hit is not None
    assert hit.index == 1
    assert hit.predicted == pytest.approx(8.0)
    assert hit.p_value == 0.0 and hit.significance == 1.0
    assert hit.impact == pytest.approx(12 / (12 + sum(rest)))
    assert hit.score == pytest.approx(hit.impact)
    below = outstanding_top(np.array([7.0, *rest]))
    assert below is not None and below.p_value == 1.0


def test_outstanding_top_needs_enough_positive_elements():
    assert outstanding_top(np.array([6, 2, 1, 0, 0])) is None  # only 2 positive besides the top
    assert outstanding_top(np.array([0, 0, 0])) is None
