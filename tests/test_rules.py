"""One home per row rule: every user of a rule gives the same answer on the same rows.

Each test builds a few rows with the edge cases of a rule (boundary times,
missing values, odd spellings), runs every stage that applies the rule —
the metrics, the event facts behind the figures and control charts, the
shortcomings, the portfolio roll-up — and checks that they agree with each
other and with values worked out by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from helpers import cast

from qmlib import control_charts as cc
from qmlib.insights.measures import Breakdowns
from qmlib.metrics import compute_all, rules
from qmlib.metrics import events as ev
from qmlib.metrics.requirements import computable, removed_metrics
from qmlib.params import Params
from qmlib.portfolio.rollup import pooled_arrival_minutes
from qmlib.schema import TABLES
from qmlib.shortcomings import Rules
from qmlib.shortcomings.base import Context
from qmlib.shortcomings.concentration import lagging_dimension
from qmlib.shortcomings.equipment import maintenance_late
from qmlib.shortcomings.service import hazard_overdue, open_items, repair_misses, serious_incident

EMPTY = pd.DataFrame()


def context(tables: dict[str, pd.DataFrame], params: Params, **rules_overrides: Any) -> Context:
    return Context(
        tables=tables,
        params=params,
        rules=Rules(**rules_overrides),
        lang="en",
        metrics=EMPTY,
        changes=EMPTY,
        targets=EMPTY,
    )


def value(tables: dict[str, pd.DataFrame], params: Params, metric_id: str, period: str = "baseline") -> Any:
    est = compute_all(tables, params).estimates.get(metric_id, {}).get(period)
    return est


# ---------------------------------------------------------------- work orders
def orders() -> pd.DataFrame:
    t0 = pd.Timestamp("2025-08-04 08:00")
    rows = [
        # id, status, urgency, arrival minutes (None: no arrival)
        ("W1", "已完成", "普通", 30.0),  # exactly the 普通 SLA: timely
        ("W2", None, "普通", 30.0 + 1 / 60),  # one second late
        ("W3", " Cancelled ", "普通", 5.0),  # cancelled (spaces, case)
        ("W4", "已取消", "紧急", 5.0),  # cancelled
        ("W5", "CANCELLED", None, 5.0),  # cancelled
        ("W6", "处理中", "紧急", 15.0),  # exactly the 紧急 SLA: timely
        ("W7", "完成", "紧急", 16.0),  # late
        ("W8", "已完成", None, 29.0),  # no urgency = 普通: timely
        ("W9", "已完成", "普通", None),  # no arrival: not timely
        ("W10", "cancelled by resident", "普通", 1.0),  # not the cancelled word: counts
    ]
    return cast(
        "work_orders",
        [
            {
                "order_id": oid,
                "reported_at": t0 + pd.Timedelta(hours=i),
                "arrived_at": None if m is None else t0 + pd.Timedelta(hours=i) + pd.Timedelta(minutes=m),
                "category": "水电",
                "urgency": urg,
                "status": status,
                "completed_at": t0 + pd.Timedelta(hours=i, minutes=90) if i % 2 else None,
            }
            for i, (oid, status, urg, m) in enumerate(rows)
        ],
    )


ACTIVE = ["W1", "W2", "W6", "W7", "W8", "W9", "W10"]
TIMELY = ["W1", "W6", "W8", "W10"]


def test_cancelled_users_agree(tmp_path: Path, make_params: Callable[..., Params]) -> None:
    params = make_params()
    wo = orders()
    assert wo.loc[~rules.is_cancelled(wo), "order_id"].tolist() == ACTIVE
    # metrics: completion counts every non-cancelled order of the period
    assert value({"work_orders": wo}, params, "repair_completion_rate").n == len(ACTIVE)
    # events (figures, control charts)
    assert ev.repair_orders({"work_orders": wo}, params)["order_id"].tolist() == ACTIVE
    # shortcomings: SLA misses and the open backlog
    ctx = context({"work_orders": wo}, params)
    assert repair_misses(ctx)["order_id"].tolist() == ACTIVE
    open_ids = open_items(ctx, "work_orders", "completed_at")["order_id"].tolist()
    assert open_ids == [o for i, o in enumerate(wo["order_id"]) if o in ACTIVE and i % 2 == 0]
    # portfolio roll-up (pooled arrival percentiles over non-cancelled orders with an arrival)
    path = tmp_path / "c1" / "clean" / "work_orders.parquet"
    path.parent.mkdir(parents=True)
    wo.to_parquet(path)
    pooled = pooled_arrival_minutes([path])
    assert len(pooled) == len(ACTIVE) - 1  # W9 has no arrival
    assert sorted(pooled["m"]) == pytest.approx(
        sorted(ev.repair_orders({"work_orders": wo}, params)["minutes"].dropna())
    )


def test_repair_timely_users_agree(make_params: Callable[..., Params]) -> None:
    params = make_params()
    tables = {"work_orders": orders()}
    est = value(tables, params, "repair_timely_rate")
    assert (est.sample.numerator, est.sample.denominator) == (len(TIMELY), len(ACTIVE))
    facts = ev.repair_orders(tables, params)
    assert facts.loc[facts["timely"], "order_id"].tolist() == TIMELY
    misses = repair_misses(context(tables, params))
    assert misses.loc[~misses["miss"], "order_id"].tolist() == TIMELY
    weekly = cc.weekly_share(tables, params, "repair_timely_rate")
    assert (int(weekly["successes"].sum()), int(weekly["n"].sum())) == (len(TIMELY), len(ACTIVE))


def test_repair_timely_sla_comes_from_params(make_params: Callable[..., Params]) -> None:
    params = make_params(sla={"repair_arrival_minutes": {"normal": 31}})
    tables = {"work_orders": orders()}
    timely = ["W1", "W2", "W6", "W8", "W10"]  # W2 (30 min 1 s) is now within 31 min
    assert value(tables, params, "repair_timely_rate").sample.numerator == len(timely)
    misses = repair_misses(context(tables, params))
    assert misses.loc[~misses["miss"], "order_id"].tolist() == timely


# ---------------------------------------------------------------- complaints
def complaints() -> pd.DataFrame:
    t0 = pd.Timestamp("2025-08-05 10:00")
    rows = [
        ("C1", True, 24.0),
        ("C2", None, 24.0 + 1 / 3600),
        ("C3", False, 1.0),
        ("C4", True, None),
        ("C5", None, 2.0),
    ]
    return cast(
        "complaints",
        [
            {
                "complaint_id": cid,
                "received_at": t0 + pd.Timedelta(days=i),
                "responded_at": None if h is None else t0 + pd.Timedelta(days=i, hours=h),
                "category": "噪音",
                "valid": valid,
            }
            for i, (cid, valid, h) in enumerate(rows)
        ],
    )


def test_valid_complaint_and_response_users_agree(make_params: Callable[..., Params]) -> None:
    params = make_params()
    cp = complaints()
    cp["valid"] = cp["valid"].astype("boolean")  # cast fills the default: put the empty cells back
    cp.loc[[1, 4], "valid"] = pd.NA
    valid = ["C1", "C2", "C4", "C5"]  # empty valid = true
    assert cp.loc[rules.is_valid_complaint(cp), "complaint_id"].tolist() == valid
    tables = {"complaints": cp}
    assert value(tables, params, "complaint_rate").n == len(valid)
    facts = ev.valid_complaints(tables, params)
    assert facts["complaint_id"].tolist() == valid
    ctx = context(tables, params)
    assert sorted(open_items(ctx, "complaints", "responded_at")["complaint_id"]) == ["C4"]
    timely = ["C1", "C5"]  # C2 is one second over 24 h, C4 has no response
    assert facts.loc[facts["response_timely"], "complaint_id"].tolist() == timely
    est = value(tables, params, "complaint_response_timely_rate")
    assert (est.sample.numerator, est.sample.denominator) == (len(timely), len(valid))
    weekly = cc.weekly_share(tables, params, "complaint_response_timely_rate")
    assert int(weekly["successes"].sum()) == len(timely)


# ---------------------------------------------------------------- hazards
def hazards() -> pd.DataFrame:
    rows = [
        # id, found, severity, due_on, rectified
        ("H1", "2025-08-01 09:00", "较大", None, "2025-08-04 23:59"),  # due 08-04 (3 days): on time
        ("H2", "2025-08-01 22:00", "较大", None, "2025-08-05 00:00"),  # due 08-04: late
        ("H3", "2025-08-02 09:00", "重大", "2025-08-10", "2025-08-10 18:00"),  # due_on wins: on time
        ("H4", "2025-08-03 09:00", None, None, "2025-08-10 12:00"),  # 一般, 7 days → 08-10: on time
        ("H5", "2025-08-04 09:00", "重大", None, None),  # due 08-05, open: overdue
        ("H6", "2025-08-05 09:00", "较大", "2025-12-31", None),  # open, not yet due
    ]
    return cast(
        "hazards",
        [
            {"hazard_id": h, "found_at": f, "area": "消防", "severity": s, "due_on": d, "rectified_at": r}
            for h, f, s, d, r in rows
        ],
    )


def test_hazard_due_users_agree(make_params: Callable[..., Params]) -> None:
    # as_of may not precede the end of the quality month: short periods ending on 08-20
    periods = {"baseline": ["2025-08-01", "2025-08-10"], "quality_month": ["2025-08-11", "2025-08-20"]}
    params = make_params(as_of="2025-08-20", periods=periods)
    hz = hazards()
    hz["severity"] = hz["severity"].astype("string")
    hz.loc[3, "severity"] = pd.NA  # empty severity = 一般
    due = rules.hazard_due(hz, params.sla.hazard_due_days)
    assert due.dt.strftime("%m-%d").tolist() == ["08-04", "08-04", "08-10", "08-10", "08-05", "12-31"]
    on_time = ["H1", "H3", "H4"]
    tables = {"hazards": hz}
    est = value(tables, params, "hazard_on_time_rate")
    assert (est.sample.numerator, est.sample.denominator) == (len(on_time), len(hz))
    facts = ev.hazard_status(tables, params)
    assert facts.loc[facts["on_time"], "hazard_id"].tolist() == on_time
    weekly = cc.weekly_share(tables, params, "hazard_on_time_rate")
    assert int(weekly["successes"].sum()) == len(on_time)
    # shortcomings: open major/critical hazards past the same due date (H5: due 08-05, as_of 08-20)
    [finding] = hazard_overdue(context(tables, params))
    assert finding.subject == "H5" and "15" in finding.evidence


# ---------------------------------------------------------------- maintenance
def maintenance() -> pd.DataFrame:
    rows = [
        # id, scheduled, occurred
        ("M1", "2025-08-01", "2025-08-03 23:59"),  # on the last tolerated day (2.5 → 08-03): on time
        ("M2", "2025-08-01", "2025-08-04 06:00"),  # after 08-04 00:00: late (was on time in shortcomings)
        ("M3", "2025-08-05", "2025-08-01 10:00"),  # early: on time
        ("M4", "2025-08-06", None),  # not done: late
        ("M5", "2025-08-07", "2025-08-09 12:00"),  # on time
        ("M6", "2025-08-08", "2025-08-11 00:00"),  # deadline 08-11 00:00: late
    ]
    return cast(
        "asset_events",
        [
            {"event_id": e, "asset_id": "EL-01", "kind": "维保", "scheduled_on": s, "occurred_at": o}
            for e, s, o in rows
        ],
    )


def test_maintenance_deadline_users_agree(make_params: Callable[..., Params]) -> None:
    params = make_params(sla={"maintenance_tolerance_days": 2.5})
    events = maintenance()
    deadline = rules.maintenance_deadline(events["scheduled_on"], 2.5)
    # 09-01 + 2.5 days = 09-03 12:00 → deadline at the end of 09-03 (the contract's rule)
    assert deadline.iloc[0] == pd.Timestamp("2025-08-04 00:00")
    on_time = ["M1", "M3", "M5"]
    tables = {"asset_events": events}
    est = value(tables, params, "maintenance_on_time_rate")
    assert (est.sample.numerator, est.sample.denominator) == (len(on_time), len(events))
    facts = ev.maintenance_events(tables, params)
    assert facts.loc[facts["on_time"], "event_id"].tolist() == on_time
    weekly = cc.weekly_share(tables, params, "maintenance_on_time_rate")
    assert int(weekly["successes"].sum()) == len(on_time)
    [finding] = maintenance_late(context(tables, params, maintenance_min_n=1))
    assert finding.value == pytest.approx(len(on_time) / len(events))
    assert finding.facts["missed"] == 1


# ---------------------------------------------------------------- incidents
def test_serious_incident_users_agree(make_params: Callable[..., Params]) -> None:
    params = make_params()
    rows = [("X1", "较大"), ("X2", "重大"), ("X3", "一般"), ("X4", None), ("X5", "轻微")]
    inc = cast(
        "incidents",
        [
            {"incident_id": i, "occurred_at": f"2025-08-0{k + 1} 10:00", "type": "摔倒", "severity": s}
            for k, (i, s) in enumerate(rows)
        ],
    )
    inc["severity"] = inc["severity"].astype("string")
    inc.loc[3, "severity"] = pd.NA
    assert inc.loc[rules.is_serious_incident(inc), "incident_id"].tolist() == ["X1", "X2"]
    assert value({"incidents": inc}, params, "serious_incident_count").value == 2
    [finding] = serious_incident(context({"incidents": inc}, params))
    assert finding.subject == "X1,X2"


# ---------------------------------------------------------------- surveys
@pytest.mark.parametrize(
    ("scale", "scores", "index"),
    [
        (5, [1, 2, 3, 4, 5], [0, 25, 50, 75, 100]),
        (10, [1, 10, 4], [0, 100, 100 / 3]),
        (100, [0, 37.5, 100], [0, 37.5, 100]),
    ],
)
def test_to_index_users_agree(
    scale: int, scores: list[float], index: list[float], make_params: Callable[..., Params]
) -> None:
    params = make_params(survey_scale=scale)
    sv = cast(
        "surveys",
        [
            {"response_id": f"R{i}", "surveyed_at": f"2025-08-0{i + 1}", "overall": x, "cleaning": x}
            for i, x in enumerate(scores)
        ],
    )
    assert rules.to_index(sv["overall"], scale).tolist() == pytest.approx(index)
    assert value({"surveys": sv}, params, "satisfaction_index").value == pytest.approx(
        sum(index) / len(index)
    )
    assert ev.survey_scores({"surveys": sv}, params)["index"].tolist() == pytest.approx(index)


def test_to_index_in_lagging_dimension(make_params: Callable[..., Params]) -> None:
    """The lagging-dimension finding compares the same 0–100 index the metrics report."""
    params = make_params(survey_scale=10)
    sv = cast(
        "surveys",
        [
            {
                "response_id": f"R{i}",
                "surveyed_at": f"2025-08-{1 + i % 28:02d}",
                "overall": 9,
                "cleaning": 4 + i % 2,
                "greening": 9 + i % 2,
            }
            for i in range(40)
        ],
    )
    [finding] = lagging_dimension(context({"surveys": sv}, params))
    cleaning = value({"surveys": sv}, params, "satisfaction_index.cleaning").value
    greening = value({"surveys": sv}, params, "satisfaction_index.greening").value
    assert finding.value == pytest.approx(cleaning) == pytest.approx((300 / 9 + 400 / 9) / 2)
    assert finding.reference == pytest.approx(greening)


# ---------------------------------------------------------------- requirements
def full_tables() -> dict[str, pd.DataFrame]:
    """One row of every table (two surveys and inspections), every column filled, all in the baseline."""
    day = "2025-08-05"
    t = {
        "surveys": [
            {
                "response_id": f"R{i}",
                "surveyed_at": day,
                "building": "1",
                "overall": 4,
                "customer_service": 4,
                "cleaning": 4,
                "greening": 4,
                "security": 4,
                "repairs": 4,
                "facilities": 4,
                "comment": "x",
            }
            for i in range(2)
        ],
        "work_orders": [
            {
                "order_id": "W1",
                "reported_at": f"{day} 08:00",
                "dispatched_at": f"{day} 08:01",
                "arrived_at": f"{day} 08:10",
                "completed_at": f"{day} 09:00",
                "category": "水电",
                "urgency": "普通",
                "building": "1",
                "status": "已完成",
                "reworked": False,
                "rating": 5,
            }
        ],
        "complaints": [
            {
                "complaint_id": "C1",
                "received_at": f"{day} 08:00",
                "responded_at": f"{day} 09:00",
                "closed_at": f"{day} 10:00",
                "category": "噪音",
                "channel": "电话",
                "valid": True,
                "escalated": False,
            }
        ],
        "assets": [{"asset_id": "EL-01", "type": "电梯", "location": "1"}],
        "asset_events": [
            {
                "event_id": "E1",
                "asset_id": "EL-01",
                "kind": "故障",
                "occurred_at": f"{day} 08:00",
                "restored_at": f"{day} 10:00",
            },
            {
                "event_id": "E2",
                "asset_id": "EL-01",
                "kind": "维保",
                "scheduled_on": day,
                "occurred_at": f"{day} 10:00",
            },
        ],
        "hazards": [
            {
                "hazard_id": "H1",
                "found_at": f"{day} 08:00",
                "area": "消防",
                "severity": "一般",
                "due_on": day,
                "rectified_at": f"{day} 10:00",
            }
        ],
        "inspections": [
            {
                "inspection_id": f"I{i}",
                "inspected_on": day,
                "dimension": "保洁",
                "score": 90,
                "inspector": "公司",
            }
            for i in range(2)
        ],
        "training": [
            {
                "record_id": "T1",
                "employee_id": "E1",
                "role": "客服",
                "course": "c",
                "trained_on": day,
                "hours": 2,
                "score": 80,
            }
        ],
        "activities": [
            {
                "activity_id": "A1",
                "held_on": day,
                "category": "客户服务",
                "title": "t",
                "description": "d",
                "participants": 3,
                "highlight": True,
            }
        ],
        "incidents": [
            {
                "incident_id": "X1",
                "occurred_at": f"{day} 08:00",
                "type": "摔倒",
                "severity": "轻微",
                "injuries": 0,
            }
        ],
    }
    return {name: cast(name, rows) for name, rows in t.items()}


def test_removed_metrics_by_hand() -> None:
    assert removed_metrics({"work_orders": ["arrived_at", "building", "rating"]}) == {
        "work_orders": {
            "arrived_at": [
                "repair_arrival_minutes_median",
                "repair_arrival_minutes_p90",
                "repair_timely_rate",
            ],
            "rating": ["repair_rating"],
        }
    }
    assert removed_metrics({"surveys": ["cleaning", "comment"]}) == {
        "surveys": {"cleaning": ["satisfaction_index.cleaning"]}
    }
    assert removed_metrics({"asset_events": ["occurred_at"]}) == {
        "asset_events": {
            "occurred_at": ["equipment_failure_rate", "equipment_mttr_hours", "maintenance_on_time_rate"]
        }
    }
    assert removed_metrics({}) == {}


def test_removed_metrics_agrees_with_what_compute_leaves_out(make_params: Callable[..., Params]) -> None:
    """Dropping each optional column removes exactly the metrics ``removed_metrics`` names."""
    params = make_params()
    tables = full_tables()
    full = {m for m in compute_all(tables, params).estimates if not m.startswith("equipment_failure_rate.")}
    for name, df in tables.items():
        for col in TABLES[name].columns:
            if col.required or col.name not in df.columns:
                continue
            fewer = dict(tables, **{name: df.drop(columns=col.name)})
            got = {
                m for m in compute_all(fewer, params).estimates if not m.startswith("equipment_failure_rate.")
            }
            expected = set(removed_metrics({name: [col.name]}).get(name, {}).get(col.name, []))
            assert full - got == expected, (name, col.name)
            assert all(not computable(m, fewer) for m in expected)


# ---------------------------------------------------------------- insights breakdowns
def test_insights_timely_by_value_is_rules_repair_timely_summed(make_params: Callable[..., Params]) -> None:
    """The drivers' per-urgency timely counts are :func:`rules.repair_timely` summed by urgency."""
    params = make_params()
    wo = orders()
    parts = (
        Breakdowns({"work_orders": wo}, params).window("repair_timely_rate", "urgency").set_index("element")
    )
    active = rules.active_orders(wo)
    timely = rules.repair_timely(active, params.sla.repair_arrival_minutes)
    by_value = timely.groupby(active["urgency"].astype(object).fillna("")).agg(["sum", "size"])
    assert parts["num"].to_dict() == by_value["sum"].astype(float).to_dict()
    assert parts["den"].to_dict() == by_value["size"].astype(float).to_dict()
    # by hand: 普通 W1 W10 of W1 W2 W9 W10; 紧急 W6 of W6 W7; no urgency (= 普通 for the SLA) W8 of W8
    assert parts["num"].to_dict() == {"": 1.0, "普通": 2.0, "紧急": 1.0}
    assert parts["den"].to_dict() == {"": 1.0, "普通": 4.0, "紧急": 2.0}


@pytest.mark.parametrize(
    "tables",
    [
        pytest.param(lambda: {"work_orders": orders()}, id="orders"),
        pytest.param(lambda: {"complaints": complaints()}, id="complaints"),
        pytest.param(lambda: {"hazards": hazards()}, id="hazards"),
        pytest.param(lambda: {"asset_events": maintenance()}, id="maintenance"),
        pytest.param(full_tables, id="full"),
    ],
)
def test_insights_breakdowns_add_up_to_the_metrics(
    tables: Callable[[], dict[str, pd.DataFrame]], make_params: Callable[..., Params]
) -> None:
    """Every breakdown of every dimension sums to the metric's own numerator and denominator
    (shares), n and total (means) or value (rates, counts), period by period; a metric is broken
    down exactly when it is computable."""
    params = make_params(sla={"maintenance_tolerance_days": 2.5})
    t = tables()
    estimates = compute_all(t, params).estimates
    bd = Breakdowns(t, params)
    checked = 0
    for m in bd.all():
        prep = bd.prepared(m.metric_id)
        assert (prep is not None) == computable(m.metric_id, t), m.metric_id
        if prep is None:
            continue
        for period in params.period_names:
            est = estimates.get(m.metric_id, {}).get(period)
            for dim in m.dims:
                parts = bd.parts(m.metric_id, dim, period)
                if m.kind == "share":
                    got = (parts["num"].sum(), parts["den"].sum())
                    assert got == ((est.sample.numerator, est.sample.denominator) if est else (0, 0)), (
                        m.metric_id
                    )
                elif m.kind == "mean":
                    assert parts["den"].sum() == (est.n if est else 0), m.metric_id
                    if est:
                        assert parts["num"].sum() == pytest.approx(est.value * est.n), m.metric_id
                else:
                    assert parts["value"].fillna(0.0).sum() == pytest.approx(est.value if est else 0.0), (
                        m.metric_id
                    )
                checked += 1
    assert checked > 0
