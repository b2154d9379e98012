"""The analysis finds what the synthetic generator planted (shipped demo communities).

Truth files (tests/truth/<id>.json) record every planted bad row and effect;
these tests run the real ingest and metrics on data/<id>/ and compare.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from qmlib.ingest import ingest_community
from qmlib.metrics import compute_all

ROOT = Path(__file__).resolve().parents[1]
DEMOS = ("demo01", "demo02", "demo03")


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple]:
    out = tmp_path_factory.mktemp("outputs")
    results = {}
    for cid in DEMOS:
        ingest = ingest_community(cid, ROOT / "data", ROOT / "params", out)
        truth = json.loads((ROOT / "tests" / "truth" / f"{cid}.json").read_text(encoding="utf-8"))
        results[cid] = (ingest, compute_all(ingest.tables, ingest.params), truth)
    return results


@pytest.mark.parametrize("cid", DEMOS)
def test_planted_bad_rows_are_rejected_exactly(analysed: dict, cid: str) -> None:
    ingest, _, truth = analysed[cid]
    planted = {(b["table"], b["source_row"], b["column"]) for b in truth["bad_rows"]}
    found = set(
        zip(ingest.rejects["table"], ingest.rejects["source_row"], ingest.rejects["column"], strict=True)
    )
    assert found == planted
    summary = ingest.summary
    assert (summary.rows_read == summary.rows_accepted + summary.rows_rejected).all()
    assert summary.rows_rejected.sum() == len(truth["bad_rows"])


def _change(res, metric: str, period: str) -> pd.Series:
    rows = res.changes[(res.changes.metric_id == metric) & (res.changes.period == period)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize("cid", DEMOS)
def test_satisfaction_effect_is_found_where_planted(analysed: dict, cid: str) -> None:
    _, res, truth = analysed[cid]
    planted = truth["effects"]["satisfaction"]["planted_change"]["quality_month"]
    row = _change(res, "satisfaction_index", "quality_month")
    if abs(planted) >= 5:
        assert bool(row.significant) is True
        assert row.change * planted > 0  # same sign as planted
        assert abs(row.change - planted) < 4
    else:
        assert bool(row.significant) is False
        assert abs(row.change) < 3


@pytest.mark.parametrize("cid", DEMOS)
def test_metric_values_match_the_generators_own_count(analysed: dict, cid: str) -> None:
    _, res, truth = analysed[cid]
    observed = truth["effects"]["satisfaction"]["observed_index"]
    values = res.metrics.set_index(["metric_id", "period"])["value"]
    for period, value in observed.items():
        assert values[("satisfaction_index", period)] == pytest.approx(value, abs=1e-6)


@pytest.mark.parametrize("cid", DEMOS)
def test_targets_are_judged_as_planted(analysed: dict, cid: str) -> None:
    _, res, truth = analysed[cid]
    achieved = res.targets["achieved"].tolist()
    assert [bool(a) for a in achieved] == [t["expected_achieved"] for t in truth["targets"]]


@pytest.mark.parametrize("cid", DEMOS)
def test_failing_elevator_and_overdue_hazard_are_in_the_clean_data(analysed: dict, cid: str) -> None:
    ingest, res, truth = analysed[cid]
    elevator = truth["effects"]["failing_elevator"]
    events = ingest.tables["asset_events"]
    failures = events[(events.asset_id == elevator["asset_id"]) & (events.kind == "故障")]
    assert len(failures) == elevator["failures"]
    hazard = truth["effects"]["overdue_critical_hazard"]
    hazards = ingest.tables["hazards"].set_index("hazard_id")
    assert hazards.loc[hazard["hazard_id"], "severity"] == "重大"
    assert pd.isna(hazards.loc[hazard["hazard_id"], "rectified_at"])
    rate = res.metrics.set_index(["metric_id", "period"])["value"]
    assert rate[("hazard_rectification_rate", hazard["period"])] < 1.0
