"""Control charts of a community on hand-made tables: weekly subgroups, charts, signals.

The chart maths itself is tested in tests/test_spc.py."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import pytest
from helpers import make_params as base_params

from qmlib import control_charts as cc
from qmlib.params import Params

B, Q, F = "baseline", "quality_month", "followup"


#: cc01: 700 households, no staff (helpers.BASE_PARAMS otherwise).
make_params = partial(base_params, community_id="cc01", name="控制图小区", households=700, staff={})


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
    return pd.DataFrame(
        {
            "order_id": pd.Series([f"O{i:04d}" for i in range(len(times))], dtype="string"),
            "reported_at": times.astype("datetime64[ns]"),
            "arrived_at": (times + pd.to_timedelta(minutes, unit="min")).astype("datetime64[ns]"),
            "category": pd.Series(["水电"] * len(times), dtype="string"),
            "urgency": pd.Series(["普通"] * len(times), dtype="string"),
        }
    )


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
    complaints = pd.DataFrame(
        {
            "complaint_id": pd.Series(["C1", "C2"], dtype="string"),
            "received_at": pd.to_datetime(["2025-08-05 10:00", "2025-09-10 10:00"]).astype("datetime64[ns]"),
            "category": pd.Series(["噪音", "停车"], dtype="string"),
            "valid": pd.array([True, True], dtype="boolean"),
        }
    )
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
    complaints = pd.DataFrame(
        {
            "complaint_id": pd.Series(["C1", "C2", "C3"], dtype="string"),
            "received_at": pd.to_datetime(["2025-08-05", "2025-08-06", "2025-09-10"]).astype(
                "datetime64[ns]"
            ),
            "category": pd.Series(["噪音"] * 3, dtype="string"),
            "valid": pd.array([True, False, True], dtype="boolean"),
        }
    )
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
