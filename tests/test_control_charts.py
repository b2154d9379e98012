"""Control-chart computations on hand-made data: limits by hand, planted shifts, stable series."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qmlib import control_charts as cc
from qmlib.params import Params, parse_params

B, Q, F = "baseline", "quality_month", "followup"


def make_params(**overrides: object) -> Params:
    raw: dict[str, object] = {
        "community_id": "cc01",
        "name": "控制图小区",
        "households": 700,
        "periods": {
            "baseline": ["2025-08-01", "2025-08-31"],
            "quality_month": ["2025-09-01", "2025-09-30"],
            "followup": ["2025-10-01", "2025-10-31"],
        },
    }
    raw.update(overrides)
    return parse_params(raw)


# ---------------------------------------------------------------- p-chart


def test_p_chart_limits_by_hand():
    chart = cc.p_chart([8, 9, 7, 10, 36, 2], [10, 10, 10, 10, 40, 10], [B, B, B, B, Q, Q])
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
    assert chart.loc[5, "signal"] == cc.RULE_BEYOND


def test_p_chart_drops_empty_subgroups_and_needs_a_baseline():
    chart = cc.p_chart([1, 0, 3], [2, 0, 4], [B, B, Q], point=["w1", "w2", "w3"])
    assert chart["point"].tolist() == ["w1", "w3"]
    with pytest.raises(ValueError, match="baseline"):
        cc.p_chart([1, 2], [2, 2], [Q, Q])


# ---------------------------------------------------------------- u-chart


def test_u_chart_limits_by_hand_and_planted_spike():
    chart = cc.u_chart([4, 6, 5, 5, 14, 3], [2, 2, 2, 2, 2, 1], [B, B, B, B, Q, Q])
    u_bar = 20 / 8
    assert chart["centre"].iloc[0] == pytest.approx(2.5)
    assert chart.loc[0, "ucl"] == pytest.approx(u_bar + 3 * math.sqrt(u_bar / 2))  # 5.854
    assert chart.loc[0, "lcl"] == 0.0  # 2.5 − 3.354 < 0 → 0
    assert chart.loc[5, "ucl"] == pytest.approx(u_bar + 3 * math.sqrt(u_bar / 1))  # wider for a = 1
    assert chart.loc[4, "value"] == pytest.approx(7.0)
    assert chart.loc[4, "signal"] == cc.RULE_BEYOND
    assert chart["signal"].drop(index=4).isna().all()


# ---------------------------------------------------------------- I-MR


def test_imr_limits_by_hand():
    chart = cc.imr_chart([10, 12, 11, 13, 12, 12, 20], [B, B, B, B, B, Q, Q])
    x_bar, mr_bar = 11.6, 1.5  # MR of the baseline pairs: 2, 1, 2, 1
    assert chart["centre"].iloc[0] == pytest.approx(x_bar)
    assert chart["mr_centre"].iloc[0] == pytest.approx(mr_bar)
    assert chart["ucl"].iloc[0] == pytest.approx(x_bar + 2.66 * mr_bar)  # 15.59
    assert chart["lcl"].iloc[0] == pytest.approx(x_bar - 2.66 * mr_bar)  # 7.61
    assert chart["mr_ucl"].iloc[0] == pytest.approx(3.267 * mr_bar)  # 4.9005
    assert math.isnan(chart["mr"].iloc[0])
    assert chart["mr"].iloc[1:].tolist() == pytest.approx([2, 1, 2, 1, 0, 8])
    assert chart["signal"].tolist()[-1] == cc.RULE_BEYOND
    assert chart["signal"].iloc[:-1].isna().all()
    assert chart["mr_signal"].tolist()[-1] == cc.RULE_MR
    assert chart["mr_signal"].iloc[:-1].isna().all()


def test_imr_mr_bar_uses_only_baseline_pairs():
    # the jump from the last baseline value to the first quality-month value is not in MR̄
    chart = cc.imr_chart([1, 2, 1, 2, 50], [B, B, B, B, Q])
    assert chart["mr_centre"].iloc[0] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        cc.imr_chart([1, 2, 3], [B, Q, Q])


# ---------------------------------------------------------------- rules


def test_run_of_8_flags_the_run_and_not_7():
    base = [10, 12] * 6  # centre 11, alternating: no run
    shifted = [10.5] * 8  # inside the limits, all below the centre
    chart = cc.imr_chart(base + shifted, [B] * 12 + [Q] * 8)
    assert chart["signal"].iloc[:12].isna().all()
    assert chart["signal"].iloc[12:].tolist() == [cc.RULE_RUN] * 8
    chart7 = cc.imr_chart(base + shifted[:7] + [11.5], [B] * 12 + [Q] * 8)
    assert chart7["signal"].isna().all()


def test_detect_signals_rules():
    v = [1, 1, 1, 1, 1, 1, 1, 1, 9, 0, np.nan, -1]
    sig = cc.detect_signals(v, centre=0.0, lcl=-5.0, ucl=5.0)
    assert sig.iloc[:8].tolist() == [cc.RULE_RUN] * 8
    assert sig.iloc[8] == cc.RULE_BEYOND  # beyond wins over the run it continues
    assert sig.iloc[9:].isna().all()  # on the centre line, missing and a lone point: nothing


def test_stable_process_has_no_signals():
    periods = [B] * 30 + [Q] * 30 + [F] * 30
    # weekly shares of a stable process: p = 0.8 ± 0.02 alternating, n = 200 (3σ ≈ 0.085)
    n = np.full(90, 200)
    x = np.array([160 + (4 if i % 2 else -4) for i in range(90)])
    chart = cc.p_chart(x, n, periods)
    assert chart["signal"].isna().all()
    values = 3 + np.tile([-0.2, 0.2], 45)
    assert cc.imr_chart(values, periods)["signal"].isna().all()


# ---------------------------------------------------------------- weeks


def test_period_weeks_split_at_period_boundaries():
    params = make_params()
    weeks = cc.period_weeks(params)
    aug = weeks[weeks["period"] == B]
    # 2025-08-01 is a Friday: a 3-day first subgroup, then Mondays
    assert aug["point"].iloc[0] == pd.Timestamp("2025-08-01")
    assert aug["days"].iloc[0] == 3
    assert aug["point"].iloc[1] == pd.Timestamp("2025-08-04")
    assert aug["days"].sum() == 31
    assert weeks.groupby("period")["days"].sum().to_dict() == {B: 31, F: 31, Q: 30}
    oct_ = weeks[weeks["period"] == F]
    # 2025-10-01 is a Wednesday: the week of 09-29 is split between Sep and Oct
    assert weeks[weeks["period"] == Q]["end"].iloc[-1] == pd.Timestamp("2025-10-01")
    assert oct_["point"].iloc[0] == pd.Timestamp("2025-10-01")
    assert oct_["days"].iloc[0] == 5


# ---------------------------------------------------------------- from clean tables


def _orders(params: Params, seed: int = 5) -> pd.DataFrame:
    """Three orders a day; on-time 90% in the baseline, 40% in the quality month weeks 2–3."""
    rng = np.random.default_rng(seed)
    times = pd.date_range("2025-08-01 09:00", "2025-10-31 09:00", freq="8h")
    bad = (times >= "2025-09-08") & (times < "2025-09-22")
    p_late = np.where(bad, 0.6, 0.1)
    late = rng.random(len(times)) < p_late
    minutes = np.where(late, 45.0, 12.0) + rng.uniform(0, 5, len(times))
    return pd.DataFrame({
        "order_id": pd.Series([f"O{i:04d}" for i in range(len(times))], dtype="string"),
        "reported_at": times.astype("datetime64[ns]"),
        "arrived_at": (times + pd.to_timedelta(minutes, unit="min")).astype("datetime64[ns]"),
        "category": pd.Series(["水电"] * len(times), dtype="string"),
        "urgency": pd.Series(["普通"] * len(times), dtype="string"),
    })


def test_share_p_chart_from_work_orders_finds_the_planted_drop():
    params = make_params()
    orders = _orders(params)
    chart = cc.share_p_chart({"work_orders": orders}, params, "repair_timely_rate")
    base = chart[chart["period"] == B]
    assert chart["centre"].iloc[0] == pytest.approx(base["successes"].sum() / base["n"].sum())
    bad = chart[(chart["point"] >= "2025-09-08") & (chart["point"] < "2025-09-22")]
    assert len(bad) == 2
    assert (bad["signal"] == cc.RULE_BEYOND).all()
    assert chart["n"].sum() == len(orders)


def test_signals_frame():
    params = make_params()
    orders = _orders(params)
    complaints = pd.DataFrame({
        "complaint_id": pd.Series(["C1", "C2"], dtype="string"),
        "received_at": pd.to_datetime(["2025-08-05 10:00", "2025-09-10 10:00"]).astype("datetime64[ns]"),
        "category": pd.Series(["噪音", "停车"], dtype="string"),
        "valid": pd.array([True, True], dtype="boolean"),
    })
    sig = cc.signals({"work_orders": orders, "complaints": complaints}, params)
    assert list(sig.columns) == cc.SIGNAL_COLUMNS
    p_rows = sig[(sig["chart"] == "p") & (sig["metric_id"] == "repair_timely_rate")]
    assert set(p_rows["point"]) >= {"2025-09-08", "2025-09-15"}
    assert (p_rows.loc[p_rows["point"] == "2025-09-08", "side"] == "below").all()
    assert (p_rows["period"] == Q).all()
    # complaints without responded_at: no response p-chart (the metric itself is missing)
    assert not (sig["metric_id"] == "complaint_response_timely_rate").any()
    imr = sig[sig["chart"] == "imr"]
    assert set(imr["subgroup"]) <= {"normal"}
    # I-MR values are reported in minutes (back from the log scale)
    assert (imr["value"] > 1).all() and (imr["ucl"] > imr["centre"]).all()


def test_weekly_complaints_exposure_and_zero_weeks():
    params = make_params()
    complaints = pd.DataFrame({
        "complaint_id": pd.Series(["C1", "C2", "C3"], dtype="string"),
        "received_at": pd.to_datetime(["2025-08-05", "2025-08-06", "2025-09-10"]).astype("datetime64[ns]"),
        "category": pd.Series(["噪音"] * 3, dtype="string"),
        "valid": pd.array([True, False, True], dtype="boolean"),
    })
    weeks = cc.weekly_complaints({"complaints": complaints}, params)
    assert len(weeks) == len(cc.period_weeks(params))  # zero weeks are kept
    assert weeks["count"].sum() == 2  # the invalid complaint is left out
    full = weeks[weeks["point"] == pd.Timestamp("2025-08-04")].iloc[0]
    assert full["count"] == 1 and full["exposure"] == pytest.approx(7.0)  # 700 households / 100 × 7 / 7
    chart = cc.complaint_u_chart({"complaints": complaints}, params)
    base = chart[chart["period"] == B]
    assert chart["centre"].iloc[0] == pytest.approx(1 / base["exposure"].sum())


def test_missing_tables_give_no_charts_and_an_empty_signal_frame():
    params = make_params()
    assert cc.share_p_chart({}, params) is None
    assert cc.complaint_u_chart({}, params) is None
    assert cc.arrival_imr_chart({}, params) is None
    sig = cc.signals({}, params)
    assert sig.empty and list(sig.columns) == cc.SIGNAL_COLUMNS
