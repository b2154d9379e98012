"""Common problems, shared insight drivers and the greedy company plan (qmlib.portfolio.board)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qmlib.outputs import write_csv
from qmlib.portfolio.board import common_problems, company_plan, insight_drivers


def _shortcomings() -> pd.DataFrame:
    rows = [
        ("a", "hazard_overdue"),
        ("b", "hazard_overdue"),
        ("c", "hazard_overdue"),
        ("c", "open_backlog"),
        ("d", "open_backlog"),
        ("e", "open_backlog"),
        ("e", "repeat_failure"),
        ("a", "repeat_failure"),
        ("f", "training_gap"),
    ]
    return pd.DataFrame(rows, columns=["community_id", "kind"])


def test_common_problems_lists_kinds_in_two_or_more_communities() -> None:
    p = common_problems(_shortcomings())
    assert list(p["kind"]) == ["hazard_overdue", "open_backlog", "repeat_failure"]
    assert p.set_index("kind").loc["open_backlog", "communities"] == ["c", "d", "e"]


def test_company_plan_is_a_greedy_set_cover() -> None:
    # hazard_overdue covers a,b,c; then open_backlog adds d,e (2); then training_gap adds f (1);
    # repeat_failure (a,e) adds nothing new but still ranks after.
    plan = company_plan(_shortcomings(), total=6)
    assert list(plan["kind"]) == ["hazard_overdue", "open_backlog", "training_gap", "repeat_failure"]
    assert list(plan["new"]) == [3, 2, 1, 0]
    assert list(plan["covered"]) == [3, 5, 6, 6]
    assert plan["share"].iloc[1] == 5 / 6


def test_insight_drivers_are_read_when_present(tmp_path: Path) -> None:
    assert insight_drivers(tmp_path, ["a", "b"]) is None  # no insights stage: skipped
    cols = ["community_id", "insight_id", "kind", "metric_id", "period", "dimension", "subject", "label"]
    rows = {
        "a": [
            ("a", "I1", "driver", "complaint_rate", "quality_month", "category", "电梯", "电梯"),
            ("a", "I2", "driver", "complaint_rate", "", "building", "3栋", "3栋"),
            ("a", "I3", "voice", "complaint_rate", "", "noise", "噪音", "噪音"),
        ],
        "b": [
            ("b", "I1", "driver", "complaint_rate", "", "category", "电梯", "电梯"),
            ("b", "I2", "driver", "complaint_rate", "", "building", "3栋", "3栋"),
        ],
        "c": [("c", "I1", "driver", "repair_timely_rate", "", "urgency", "紧急", "紧急")],
    }
    for cid, data in rows.items():
        (tmp_path / cid).mkdir()
        write_csv(pd.DataFrame(data, columns=cols), tmp_path / cid / "insights.csv")
    d = insight_drivers(tmp_path, ["a", "b", "c"])
    assert d is not None
    # the building driver is community-specific; the urgency one occurs once
    assert d[["metric_id", "dimension", "subject"]].to_numpy().tolist() == [
        ["complaint_rate", "category", "电梯"]
    ]
    assert d["communities"].iloc[0] == ["a", "b"]
