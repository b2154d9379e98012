"""Plan rules (qmlib/plan/rules.py): reachable targets, never equal to now, nothing to ask at the best value, owners."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from qmlib.params import parse_params
from qmlib.plan import DEFAULT_PLAYBOOK, PlaybookError, build_plan, parse_playbook
from qmlib.plan.rules import at_best, gap_share, named_owner, owner_role, reachable_target
from qmlib.shortcomings import KIND_CATEGORY, SHORTCOMING_COLUMNS


def test_gap_share_is_proportional_to_the_horizon():
    assert gap_share(30) == pytest.approx(1 / 3)
    assert gap_share(90) == 1.0
    assert gap_share(365) == 1.0
    assert gap_share(0) == pytest.approx(1 / 90)


def test_rate_closes_a_third_of_the_gap_in_30_days():
    # 78.8% now, aiming at the quality month's 86.5%: 0.788 + (0.865 - 0.788) / 3 = 0.81367 → 0.814 (up)
    assert reachable_target("repair_timely_rate", 0.788, 0.865, 30) == 0.814
    # 90 days: the whole gap
    assert reachable_target("repair_timely_rate", 0.788, 0.865, 90) == 0.865


def test_lower_is_better_rounds_down():
    # failures 12.62 now, benchmark 3.78, 60 days: 12.62 - (2/3)·8.84 = 6.7267 → 6.72
    assert reachable_target("equipment_failure_rate", 12.62, 3.78, 60) == 6.72


def test_never_a_target_at_or_beyond_100_percent_when_already_there():
    assert at_best("hazard_on_time_rate", 1.0)
    assert reachable_target("hazard_on_time_rate", 1.0, 1.0, 30) is None
    assert reachable_target("serious_incident_count", 0.0, 0.0, 30) is None


def test_never_equal_to_the_current_value():
    # benchmark equal to now (hold at the current level): one display step better
    assert reachable_target("satisfaction_index", 76.9, 76.9, 90) == 77.0
    # benchmark worse than now: still one step better, never worse
    assert reachable_target("satisfaction_index", 80.0, 76.9, 90) == 80.1
    assert reachable_target("complaint_rate", 0.92, 1.2, 30) == 0.91
    # a tiny gap that rounds back to now also moves one step
    assert reachable_target("inspection_score", 87.03, 87.05, 10) == 87.1


def test_target_clipped_to_the_range():
    assert reachable_target("repair_timely_rate", 0.9995, 1.0, 90) == 1.0
    assert reachable_target("satisfaction_rate", 0.999, 1.0, 5) == 1.0


def test_no_current_value_gives_the_benchmark():
    assert reachable_target("satisfaction_index", None, 75.0, 30) == 75.0
    assert reachable_target("satisfaction_index", 70.0, None, 30) is None


@pytest.mark.parametrize(
    ("subjects", "expected"),
    [
        (["停车管理"], "秩序"),
        (["停车管理", "噪音扰民"], "秩序"),
        (
            ["停车管理", "环境卫生"],
            "项目经理",
        ),  # two roles: the coordinator owns it, cleaning never gets parking
        (["未知类别"], "客服"),  # not mapped: the playbook's default role
    ],
)
def test_owner_role_is_a_role_that_can_do_it(subjects, expected):
    by_subject = {"停车管理": "秩序", "噪音扰民": "秩序", "环境卫生": "保洁"}
    assert owner_role(subjects, by_subject, "客服") == expected


def test_owner_role_without_staff_goes_to_the_coordinator():
    assert owner_role(["绿化养护"], {"绿化养护": "绿化"}, "客服", staff={"绿化": 0, "客服": 3}) == "项目经理"


def test_named_owner():
    assert named_owner("工程", {"工程": "张伟"}) == "张伟"
    assert named_owner("客服", {"工程": "张伟"}) == "客服"


# ---------------------------------------------------------------- the rules in a built plan


def _params(**extra):
    return parse_params(
        {
            "community_id": "t01",
            "name": "测试花园",
            "households": 1000,
            "staff": {"客服": 3, "工程": 4, "秩序": 6, "保洁": 5, "绿化": 0},
            "periods": {
                "baseline": ["2025-08-01", "2025-08-31"],
                "quality_month": ["2025-09-01", "2025-09-30"],
                "followup": ["2025-10-01", "2025-10-31"],
            },
            **extra,
        }
    )


def _metrics() -> dict[str, pd.DataFrame]:
    rows = [
        ("hazard_on_time_rate", "quality_month", 0.8),
        ("hazard_on_time_rate", "followup", 1.0),
        ("equipment_failure_rate", "baseline", 4.2),
        ("equipment_failure_rate", "quality_month", 8.7),
        ("equipment_failure_rate", "followup", 12.62),
        ("satisfaction_index", "quality_month", 76.9),
        ("satisfaction_index", "followup", 72.16),
        ("complaint_rate", "followup", 0.92),
        ("training_coverage", "quality_month", 0.932),
        ("training_coverage", "followup", 0.364),
    ]
    return {
        "metrics": pd.DataFrame(rows, columns=["metric_id", "period", "value"]).assign(
            community_id="t01", n=50
        )
    }


def _finding(kind: str, **kw) -> dict:
    row = {c: None for c in SHORTCOMING_COLUMNS}
    row.update(
        community_id="t01",
        kind=kind,
        category=KIND_CATEGORY[kind],
        severity="high",
        metric_id="",
        evidence="…",
        subject="x",
        subject_label="x",
    )
    row.update(kw)
    return row


def _plan(*findings, **params):
    sc = pd.DataFrame(list(findings))
    sc["shortcoming_id"] = [f"S{i:02d}" for i in range(1, len(sc) + 1)]
    sc["rank"] = range(1, len(sc) + 1)
    return build_plan(sc, _metrics(), _params(**params))


def test_current_is_the_latest_period_and_targets_follow_the_rules():
    plan = _plan(
        _finding("hazard_overdue", metric_id="hazard_on_time_rate", subject="YH0018", subject_label="YH0018"),
        # the finding's value is the quality month's 8.70; the current value is the follow-up's 12.62
        _finding(
            "target_missed",
            metric_id="equipment_failure_rate",
            value=8.7,
            reference=3.78,
            subject="equipment_failure_rate@quality_month",
            subject_label="设备故障率",
        ),
    )
    on_time = plan[plan["kpi_metric_id"] == "hazard_on_time_rate"].iloc[0]
    # already 100%: no "≥ 100%" target, the action keeps it there
    assert (
        on_time["kpi_current"] == 1.0 and pd.isna(on_time["kpi_target"]) and on_time["kpi_target_text"] == ""
    )
    failures = plan[plan["kpi_metric_id"] == "equipment_failure_rate"]
    assert failures["kpi_current"].tolist() == [12.62, 12.62]
    # one target for both actions, over the longer horizon (60 days): 12.62 − (2/3)·(12.62 − 3.78) = 6.7267 → 6.72
    assert failures["kpi_target"].tolist() == [6.72, 6.72]
    for _, row in plan.iterrows():
        if row["kpi_metric_id"] and pd.notna(row["kpi_target"]):
            assert row["kpi_target"] != row["kpi_current"]
            if row["kpi_metric_id"].endswith("_rate") and row["kpi_metric_id"] != "equipment_failure_rate":
                assert not (row["kpi_target"] >= 1.0 and row["kpi_current"] >= 1.0)
    # one target per metric across the whole plan (actions and routine mechanisms alike)
    with_target = plan[plan["kpi_target"].notna() & (plan["kpi_metric_id"] != "")]
    assert (with_target.groupby("kpi_metric_id")["kpi_target"].nunique() == 1).all()
    sat = plan[plan["kpi_metric_id"] == "satisfaction_index"]
    assert len(sat) >= 1 and sat["kpi_target"].nunique() == 1


def test_routine_kpis_are_counted_over_their_cadence():
    plan = _plan()
    training = plan[plan["kpi_metric_id"] == "training_coverage"].iloc[0]
    assert training["kpi"] == "培训覆盖率（按季度统计）"
    assert training["due_on"] == "2026-01-29"  # as_of 2025-10-31 + 90 days: one quarter
    raw = yaml.safe_load(DEFAULT_PLAYBOOK.read_text(encoding="utf-8"))
    raw["routine_mechanisms"][3]["due_days"] = 30
    with pytest.raises(PlaybookError, match="quarterly mechanism is first checked one cycle ahead"):
        parse_playbook(raw)
    raw["routine_mechanisms"][3]["due_days"] = 90
    del raw["routine_mechanisms"][0]["cadence"]
    with pytest.raises(PlaybookError, match="needs a cadence"):
        parse_playbook(raw)


def test_parking_complaints_are_never_a_cleaning_task_and_owners_are_named():
    plan = _plan(
        _finding(
            "pareto_complaints",
            metric_id="complaint_rate",
            subject="停车管理,环境卫生",
            subject_label="停车管理、环境卫生",
        ),
        _finding(
            "pareto_complaints", metric_id="complaint_rate", subject="停车管理", subject_label="停车管理"
        ),
        owners={"秩序": "王强", "项目经理": "李娜"},
    )
    rows = plan[plan["kind"] == "pareto_complaints"]
    assert rows["owner_role"].tolist() == ["项目经理", "秩序"]
    assert rows["owner"].tolist() == ["李娜", "王强"]
    assert "保洁" not in rows["owner_role"].tolist()
    # a role without staff in the community (绿化: 0) gives the action to the coordinator
    plan = _plan(
        _finding(
            "pareto_complaints", metric_id="complaint_rate", subject="绿化养护", subject_label="绿化养护"
        )
    )
    assert plan[plan["kind"] == "pareto_complaints"]["owner_role"].tolist() == ["项目经理"]
