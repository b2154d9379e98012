"""PDCA across months (qmlib/plan/history.py): a run keeps its plan, the next run checks it."""

from __future__ import annotations

import pandas as pd

from qmlib.outputs import write_csv
from qmlib.params import parse_params
from qmlib.plan.history import carry_history, follow_up, previous_plan, save_history

BASE = {"community_id": "demo01", "name": "翠湖花园", "households": 2000}
SEPT = {
    **BASE,
    "periods": {
        "baseline": ["2025-08-01", "2025-08-31"],
        "quality_month": ["2025-09-01", "2025-09-30"],
        "followup": ["2025-10-01", "2025-10-31"],
    },
}
OCT = {
    **BASE,
    "periods": {
        "baseline": ["2025-09-01", "2025-09-30"],
        "quality_month": ["2025-10-01", "2025-10-31"],
        "followup": ["2025-11-01", "2025-11-30"],
    },
    "as_of": "2025-11-30",
}

PLAN_SEPT = pd.DataFrame(
    [
        # action_id, kpi, kpi_metric_id, kpi_target, kpi_target_text, due_on
        ("A01", "满意度指数", "satisfaction_index", 76.9, "≥ 76.9", "2025-11-30"),  # 78.0 now: achieved
        (
            "A02",
            "报修及时到场率",
            "repair_timely_rate",
            0.865,
            "≥ 86.5%",
            "2025-11-14",
        ),  # 0.80, due passed: overdue
        (
            "A03",
            "投诉率（每百户·30天）",
            "complaint_rate",
            0.73,
            "≤ 0.73",
            "2025-12-30",
        ),  # 0.90, due ahead: not achieved
        ("A04", "逾期未整改的较大及以上隐患数", "", 0.0, "0", "2025-11-03"),  # a count: not checkable
        (
            "A05",
            "满意度指数（11栋）",
            "satisfaction_index",
            73.9,
            "≥ 73.9",
            "2025-11-21",
        ),  # a subject: not checkable
    ],
    columns=["action_id", "kpi", "kpi_metric_id", "kpi_target", "kpi_target_text", "due_on"],
)


def _write_run(folder, plan: pd.DataFrame | None, metrics: list[tuple]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if plan is not None:
        p = plan.copy()
        p.insert(0, "community_id", "demo01")
        p["action"] = "措施 " + p["action_id"]
        p["owner_role"] = "项目经理"
        write_csv(p, folder / "plan.csv")
    write_csv(
        pd.DataFrame(
            [("demo01", *m) for m in metrics],
            columns=["community_id", "metric_id", "period", "value", "n", "ci_low", "ci_high"],
        ),
        folder / "metrics.csv",
    )
    write_csv(pd.DataFrame(columns=["community_id", "metric_id"]), folder / "targets.csv")


def test_two_runs_follow_up_the_earlier_plan(tmp_path):
    sept, octo = parse_params(SEPT), parse_params(OCT)
    # run 1 (September): no earlier plan; keeps its own
    run1 = tmp_path / "outputs" / "demo01"
    _write_run(run1, PLAN_SEPT, [("satisfaction_index", "followup", 72.2, 132, None, None)])
    assert previous_plan(run1, sept) is None
    kept = save_history(run1, sept)
    assert kept == run1 / "history" / "2025-09-01"
    assert sorted(p.name for p in kept.iterdir()) == ["metrics.csv", "plan.csv", "targets.csv"]

    # run 2 (October) in a staging folder: the history is carried over, the September plan is found
    run2 = tmp_path / "outputs" / ".tmp-demo01-1" / "demo01"
    _write_run(
        run2,
        None,
        [
            ("satisfaction_index", "quality_month", 79.0, 200, None, None),
            ("satisfaction_index", "followup", 78.0, 150, None, None),
            ("repair_timely_rate", "followup", 0.80, 90, None, None),
            ("complaint_rate", "followup", 0.90, 30, None, None),
        ],
    )
    assert carry_history(run1, run2) == ["2025-09-01"]
    start, plan = previous_plan(run2, octo)
    assert start.isoformat() == "2025-09-01" and list(plan["action_id"]) == [
        "A01",
        "A02",
        "A03",
        "A04",
        "A05",
    ]

    checked = follow_up(plan, pd.read_csv(run2 / "metrics.csv", encoding="utf-8-sig"), octo)
    assert list(checked["status"]) == [
        "achieved",
        "overdue",
        "not_achieved",
        "not_checkable",
        "not_checkable",
    ]
    # the value used is the latest period's (follow-up 78.0, not the quality month's 79.0)
    assert checked.loc[0, "value_now"] == 78.0 and checked.loc[0, "period_now"] == "followup"

    # run 2 keeps its own month; a re-run of September never follows itself up
    save_history(run2, octo)
    assert sorted(p.name for p in (run2 / "history").iterdir()) == ["2025-09-01", "2025-10-01"]
    assert previous_plan(run2, sept) is None


def test_carry_keeps_months_already_there(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    (old / "history" / "2025-09-01").mkdir(parents=True)
    (old / "history" / "2025-09-01" / "plan.csv").write_text("old", encoding="utf-8")
    (new / "history" / "2025-09-01").mkdir(parents=True)
    (new / "history" / "2025-09-01" / "plan.csv").write_text("new", encoding="utf-8")
    assert carry_history(old, new) == []
    assert (new / "history" / "2025-09-01" / "plan.csv").read_text(encoding="utf-8") == "new"
    assert carry_history(tmp_path / "missing", new) == []
