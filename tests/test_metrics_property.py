"""Property-based checks: metrics do not depend on row order, and stay in range."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qmlib.metrics import compute_all
from qmlib.metrics.catalog import metric_def
from qmlib.metrics.compute import MetricResults
from qmlib.params import parse_params

PARAMS = parse_params(
    {
        "community_id": "prop",
        "name": "prop",
        "households": 50,
        "staff": {"客服": 3, "工程": 2},
        "periods": {
            "baseline": ["2025-08-01", "2025-08-31"],
            "quality_month": ["2025-09-01", "2025-09-30"],
            "followup": ["2025-10-01", "2025-10-31"],
        },
        "targets": [
            {"metric": "satisfaction_index", "kind": "delta", "value": 2},
            {"metric": "complaint_rate", "kind": "relative_change", "value": -0.1},
            {"metric": "hazard_on_time_rate", "kind": "at_least", "value": 0.9, "period": "quality_month"},
        ],
    }
)

START = dt.datetime(2025, 7, 28)
END = dt.datetime(2025, 11, 3)
ASSETS = pd.DataFrame(
    {
        "asset_id": pd.Series(["E1", "E2", "F1", "W1", "P1"], dtype="string"),
        "type": pd.Series(["电梯", "电梯", "消防", "供水", "供电"], dtype="string"),
    }
)

times = st.datetimes(min_value=START, max_value=END).map(lambda t: t.replace(microsecond=0))
dates = times.map(lambda t: t.replace(hour=0, minute=0, second=0))
offsets = st.one_of(st.none(), st.integers(min_value=0, max_value=60 * 24 * 12))  # minutes


def after(t: dt.datetime, minutes: int | None) -> dt.datetime | None:
    return None if minutes is None else t + dt.timedelta(minutes=minutes)


def dt_col(values: list[Any]) -> pd.Series:
    return pd.Series(pd.to_datetime(pd.Series(values, dtype="object")), dtype="datetime64[ns]")


def str_col(values: list[Any]) -> pd.Series:
    return pd.Series(values, dtype="string")


@st.composite
def community(draw: st.DrawFn) -> dict[str, pd.DataFrame]:
    def rows(strategy: st.SearchStrategy[Any], hi: int = 10) -> list[Any]:
        return draw(st.lists(strategy, min_size=0, max_size=hi))

    score5 = st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0])
    surveys = rows(st.tuples(dates, score5, st.one_of(st.none(), score5)), 14)
    complaints = rows(st.tuples(times, offsets, offsets, st.sampled_from([True, False, None])))
    orders = rows(
        st.tuples(
            times,
            st.one_of(st.none(), st.integers(0, 90)),
            offsets,
            st.sampled_from(["普通", "紧急"]),
            st.sampled_from([None, "完成", "已取消", " Cancelled"]),
            st.sampled_from([True, False, None]),
            st.one_of(st.none(), st.integers(1, 5)),
        )
    )
    events = rows(
        st.tuples(
            st.sampled_from(list(ASSETS["asset_id"])),
            st.sampled_from(["故障", "维保", "检测"]),
            times,
            offsets,
            st.booleans(),
        )
    )
    hazards = rows(
        st.tuples(
            times,
            st.sampled_from(["一般", "较大", "重大"]),
            st.one_of(st.none(), st.integers(0, 10)),
            offsets,
        )
    )
    inspections = rows(st.tuples(dates, st.sampled_from(["保洁", "绿化", "安全秩序"]), st.integers(40, 100)))
    training = rows(
        st.tuples(
            st.sampled_from(["e1", "e2", "e3", "e4"]),
            dates,
            st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.5]),
            st.one_of(st.none(), st.integers(0, 100)),
        )
    )
    incidents = rows(st.tuples(times, st.sampled_from(["轻微", "一般", "较大", "重大"])))
    activities = rows(dates)

    def ids(xs: list[Any], p: str) -> pd.Series:
        return str_col([f"{p}{i}" for i in range(len(xs))])

    return {
        "surveys": pd.DataFrame(
            {
                "response_id": ids(surveys, "s"),
                "surveyed_at": dt_col([r[0] for r in surveys]),
                "overall": pd.Series([r[1] for r in surveys], dtype="float64"),
                "cleaning": pd.Series([np.nan if r[2] is None else r[2] for r in surveys], dtype="float64"),
            }
        ),
        "complaints": pd.DataFrame(
            {
                "complaint_id": ids(complaints, "c"),
                "received_at": dt_col([r[0] for r in complaints]),
                "responded_at": dt_col([after(r[0], r[1]) for r in complaints]),
                "closed_at": dt_col([after(r[0], r[2]) for r in complaints]),
                "category": str_col(["x"] * len(complaints)),
                "valid": pd.Series([r[3] for r in complaints], dtype="boolean"),
            }
        ),
        "work_orders": pd.DataFrame(
            {
                "order_id": ids(orders, "o"),
                "reported_at": dt_col([r[0] for r in orders]),
                "arrived_at": dt_col([after(r[0], r[1]) for r in orders]),
                "completed_at": dt_col([after(r[0], r[2]) for r in orders]),
                "category": str_col(["x"] * len(orders)),
                "urgency": str_col([r[3] for r in orders]),
                "status": str_col([r[4] for r in orders]),
                "reworked": pd.Series([r[5] for r in orders], dtype="boolean"),
                "rating": pd.Series([np.nan if r[6] is None else r[6] for r in orders], dtype="float64"),
            }
        ),
        "assets": ASSETS.copy(),
        "asset_events": pd.DataFrame(
            {
                "event_id": ids(events, "a"),
                "asset_id": str_col([r[0] for r in events]),
                "kind": str_col([r[1] for r in events]),
                "scheduled_on": dt_col(
                    [r[2].replace(hour=0, minute=0, second=0) if r[1] == "维保" else None for r in events]
                ),
                "occurred_at": dt_col(
                    [None if r[1] == "维保" and not r[4] else after(r[2], 30) for r in events]
                ),
                "restored_at": dt_col(
                    [after(after(r[2], 30), r[3]) if r[1] == "故障" else None for r in events]
                ),
            }
        ),
        "hazards": pd.DataFrame(
            {
                "hazard_id": ids(hazards, "h"),
                "found_at": dt_col([r[0] for r in hazards]),
                "area": str_col(["消防"] * len(hazards)),
                "severity": str_col([r[1] for r in hazards]),
                "due_on": dt_col(
                    [
                        None
                        if r[2] is None
                        else r[0].replace(hour=0, minute=0, second=0) + dt.timedelta(days=r[2])
                        for r in hazards
                    ]
                ),
                "rectified_at": dt_col([after(r[0], r[3]) for r in hazards]),
            }
        ),
        "inspections": pd.DataFrame(
            {
                "inspection_id": ids(inspections, "i"),
                "inspected_on": dt_col([r[0] for r in inspections]),
                "dimension": str_col([r[1] for r in inspections]),
                "score": pd.Series([r[2] for r in inspections], dtype="float64"),
            }
        ),
        "training": pd.DataFrame(
            {
                "record_id": ids(training, "t"),
                "employee_id": str_col([r[0] for r in training]),
                "role": str_col(["客服"] * len(training)),
                "course": str_col(["A"] * len(training)),
                "trained_on": dt_col([r[1] for r in training]),
                "hours": pd.Series([r[2] for r in training], dtype="float64"),
                "score": pd.Series([np.nan if r[3] is None else r[3] for r in training], dtype="float64"),
            }
        ),
        "incidents": pd.DataFrame(
            {
                "incident_id": ids(incidents, "x"),
                "occurred_at": dt_col([r[0] for r in incidents]),
                "type": str_col(["跌倒"] * len(incidents)),
                "severity": str_col([r[1] for r in incidents]),
            }
        ),
        "activities": pd.DataFrame(
            {
                "activity_id": ids(activities, "v"),
                "held_on": dt_col(activities),
                "category": str_col(["客户服务"] * len(activities)),
                "title": str_col(["t"] * len(activities)),
            }
        ),
    }


SETTINGS = settings(
    max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


MEAN_RANGE = {
    "satisfaction_index": (0.0, 100.0),
    "inspection_score": (0.0, 100.0),
    "repair_rating": (1.0, 5.0),
    "equipment_mttr_hours": (0.0, float("inf")),
}


def check_ranges(res: MetricResults) -> None:
    """Shares and their intervals in [0, 1], intervals of means inside the value's range
    (contract v1.1), intervals only where the contract has them."""
    m = res.metrics
    assert not m.duplicated(["metric_id", "period"]).any()
    assert (m["n"] >= 0).all()
    for r in m.itertuples():
        kind = metric_def(r.metric_id).kind
        if kind == "share":
            assert r.n >= 1
            assert 0.0 <= r.ci_low <= r.value <= r.ci_high <= 1.0
        elif kind == "mean":
            assert r.n >= 1
            assert pd.isna(r.ci_low) == (r.n < 2)
            low, high = MEAN_RANGE[r.metric_id.split(".")[0]]
            if r.n >= 2:
                assert low <= r.ci_low <= r.value <= r.ci_high <= high
        else:
            assert pd.isna(r.ci_low) and pd.isna(r.ci_high)
            assert r.value >= 0
    c = res.changes
    assert (c["p_value"].isna() | ((c["p_value"] >= 0) & (c["p_value"] <= 1))).all()
    assert (c["significant"].isna() == c["p_value"].isna()).all()


@SETTINGS
@given(community(), st.integers(min_value=0, max_value=2**32 - 1))
def test_shuffling_rows_changes_nothing(tables: dict[str, pd.DataFrame], seed: int) -> None:
    shuffled = {name: df.sample(frac=1.0, random_state=seed) for name, df in tables.items()}
    a = compute_all(tables, PARAMS)
    b = compute_all(shuffled, PARAMS)
    pd.testing.assert_frame_equal(a.metrics, b.metrics)
    pd.testing.assert_frame_equal(a.changes, b.changes)
    pd.testing.assert_frame_equal(a.targets, b.targets)
    check_ranges(a)
