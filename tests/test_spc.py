"""SPC maths on hand-made series: limits by hand, planted shifts, stable series, signal rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qmlib import spc

B, Q, F = "baseline", "quality_month", "followup"


# ---------------------------------------------------------------- p-chart


def test_p_chart_limits_by_hand():
    chart = spc.p_chart([8, 9, 7, 10, 36, 2], [10, 10, 10, 10, 40, 10], [B, B, B, B, Q, Q])
    p_bar = 34 / 40
    assert chart["centre"].tolist() == pytest.approx([p_bar] * 6)
    sigma10 = math.sqrt(p_bar * (1 - p_bar) / 10)
    sigma40 = math.sqrt(p_bar * (1 - p_bar) / 40)
    assert chart.loc[0, "lcl"] == pytest.approx(p_bar - 3 * sigma10)  # 0.5113
    assert chart.loc[0, "ucl"] == 1.0  # 0.85 + 0.339 clipped to 1
    assert chart.loc[4, "lcl"] == pytest.approx(p_bar - 3 * sigma40)  # limits narrow with n
    assert chart.loc[4, "lcl"] == pytest.approx(0.680626, abs=1e-6)
    assert chart["value"].tolist() == pytest.approx([0.8, 0.9, 0.7, 1.0, 0.9, 0.2])
    # the planted drop (2 of 10 on time) is beyond the LCL; nothing else signals
    assert chart["signal"].iloc[:5].isna().all()
    assert chart.loc[5, "signal"] == spc.RULE_BEYOND


def test_p_chart_drops_empty_subgroups_and_needs_a_baseline():
    chart = spc.p_chart([1, 0, 3], [2, 0, 4], [B, B, Q], point=["w1", "w2", "w3"])
    assert chart["point"].tolist() == ["w1", "w3"]
    with pytest.raises(ValueError, match="baseline"):
        spc.p_chart([1, 2], [2, 2], [Q, Q])


# ---------------------------------------------------------------- u-chart


def test_u_chart_limits_by_hand_and_planted_spike():
    chart = spc.u_chart([4, 6, 5, 5, 14, 3], [2, 2, 2, 2, 2, 1], [B, B, B, B, Q, Q])
    u_bar = 20 / 8
    assert chart["centre"].iloc[0] == pytest.approx(2.5)
    assert chart.loc[0, "ucl"] == pytest.approx(u_bar + 3 * math.sqrt(u_bar / 2))  # 5.854
    assert chart.loc[0, "lcl"] == 0.0  # 2.5 − 3.354 < 0 → 0
    assert chart.loc[5, "ucl"] == pytest.approx(u_bar + 3 * math.sqrt(u_bar / 1))  # wider for a = 1
    assert chart.loc[4, "value"] == pytest.approx(7.0)
    assert chart.loc[4, "signal"] == spc.RULE_BEYOND
    assert chart["signal"].drop(index=4).isna().all()


# ---------------------------------------------------------------- I-MR


def test_imr_limits_by_hand():
    chart = spc.imr_chart([10, 12, 11, 13, 12, 12, 20], [B, B, B, B, B, Q, Q])
    x_bar, mr_bar = 11.6, 1.5  # MR of the baseline pairs: 2, 1, 2, 1
    assert chart["centre"].iloc[0] == pytest.approx(x_bar)
    assert chart["mr_centre"].iloc[0] == pytest.approx(mr_bar)
    assert chart["ucl"].iloc[0] == pytest.approx(x_bar + 2.66 * mr_bar)  # 15.59
    assert chart["lcl"].iloc[0] == pytest.approx(x_bar - 2.66 * mr_bar)  # 7.61
    assert chart["mr_ucl"].iloc[0] == pytest.approx(3.267 * mr_bar)  # 4.9005
    assert math.isnan(chart["mr"].iloc[0])
    assert chart["mr"].iloc[1:].tolist() == pytest.approx([2, 1, 2, 1, 0, 8])
    assert chart["signal"].tolist()[-1] == spc.RULE_BEYOND
    assert chart["signal"].iloc[:-1].isna().all()
    assert chart["mr_signal"].tolist()[-1] == spc.RULE_MR
    assert chart["mr_signal"].iloc[:-1].isna().all()


def test_imr_mr_bar_uses_only_baseline_pairs():
    # the jump from the last baseline value to the first quality-month value is not in MR̄
    chart = spc.imr_chart([1, 2, 1, 2, 50], [B, B, B, B, Q])
    assert chart["mr_centre"].iloc[0] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        spc.imr_chart([1, 2, 3], [B, Q, Q])


# ---------------------------------------------------------------- rules


def test_run_of_8_flags_the_run_and_not_7():
    base = [10, 12] * 6  # centre 11, alternating: no run
    shifted = [10.5] * 8  # inside the limits, all below the centre
    chart = spc.imr_chart(base + shifted, [B] * 12 + [Q] * 8)
    assert chart["signal"].iloc[:12].isna().all()
    assert chart["signal"].iloc[12:].tolist() == [spc.RULE_RUN] * 8
    chart7 = spc.imr_chart(base + shifted[:7] + [11.5], [B] * 12 + [Q] * 8)
    assert chart7["signal"].isna().all()


def test_detect_signals_rules():
    v = [1, 1, 1, 1, 1, 1, 1, 1, 9, 0, np.nan, -1]
    sig = spc.detect_signals(v, centre=0.0, lcl=-5.0, ucl=5.0)
    assert sig.iloc[:8].tolist() == [spc.RULE_RUN] * 8
    assert sig.iloc[8] == spc.RULE_BEYOND  # beyond wins over the run it continues
    assert sig.iloc[9:].isna().all()  # on the centre line, missing and a lone point: nothing


def test_stable_process_has_no_signals():
    periods = [B] * 30 + [Q] * 30 + [F] * 30
    # weekly shares of a stable process: p = 0.8 ± 0.02 alternating, n = 200 (3σ ≈ 0.085)
    n = np.full(90, 200)
    x = np.array([160 + (4 if i % 2 else -4) for i in range(90)])
    chart = spc.p_chart(x, n, periods)
    assert chart["signal"].isna().all()
    values = 3 + np.tile([-0.2, 0.2], 45)
    assert spc.imr_chart(values, periods)["signal"].isna().all()
