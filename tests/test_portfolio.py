"""Portfolio roll-up: company KPIs pooled from numerators and denominators."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qmlib.ingest import ingest_community
from qmlib.metrics import compute_all, write_metric_outputs
from qmlib.periods import bounds, days, in_period
from qmlib.portfolio.rollup import build_rollup

ROOT = Path(__file__).resolve().parents[1]
DEMOS = ("demo01", "demo02", "demo03")


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("outputs")
    ingested = {}
    for cid in DEMOS:
        result = ingest_community(cid, ROOT / "data", ROOT / "params", out)
        write_metric_outputs(compute_all(result.tables, result.params), out / cid)
        ingested[cid] = result
    return out, ingested, build_rollup(out, ROOT / "params")


def pooled(rollup, metric: str, period: str) -> float:
    row = rollup.pooled[(rollup.pooled.metric_id == metric) & (rollup.pooled.period == period)]
    return float(row["value"].iloc[0])


def test_complaint_rate_is_pooled_from_counts_and_exposure(batch) -> None:
    _, ingested, rollup = batch
    count = exposure = 0
    for result in ingested.values():
        complaints = in_period("complaints", result.tables["complaints"], result.params, "quality_month")
        count += int(complaints["valid"].sum())
        exposure += result.params.households * days(result.params, "quality_month")
    assert pooled(rollup, "complaint_rate", "quality_month") == pytest.approx(count * 100 * 30 / exposure)


def test_satisfaction_index_is_the_mean_of_all_responses(batch) -> None:
    _, ingested, rollup = batch
    scores = []
    for result in ingested.values():
        surveys = in_period("surveys", result.tables["surveys"], result.params, "baseline")
        x = surveys["overall"].dropna().to_numpy()
        scale = result.params.survey_scale
        scores.append((x - 1) * 25 if scale == 5 else (x - 1) / 9 * 100 if scale == 10 else x)
    assert pooled(rollup, "satisfaction_index", "baseline") == pytest.approx(np.concatenate(scores).mean())


def test_arrival_percentiles_are_recomputed_over_all_orders(batch) -> None:
    _, ingested, rollup = batch
    minutes = []
    for result in ingested.values():
        orders = result.tables["work_orders"]
        lo, hi = bounds(result.params, "followup")
        orders = orders[(orders.reported_at >= lo) & (orders.reported_at < hi)]
        cancelled = orders["status"].fillna("").str.strip().str.lower().isin(["已取消", "cancelled"])
        m = (
            orders.loc[~cancelled, "arrived_at"] - orders.loc[~cancelled, "reported_at"]
        ).dt.total_seconds() / 60
        minutes.append(m.dropna().to_numpy())
    allm = np.concatenate(minutes)
    assert pooled(rollup, "repair_arrival_minutes_p90", "followup") == pytest.approx(np.percentile(allm, 90))
    assert pooled(rollup, "repair_arrival_minutes_median", "followup") == pytest.approx(np.median(allm))


def test_pooled_share_differs_from_the_average_of_rates(batch) -> None:
    _, _, rollup = batch
    m = rollup.metrics[
        (rollup.metrics.metric_id == "repair_timely_rate") & (rollup.metrics.period == "baseline")
    ]
    expected = (m["value"] * m["n"]).sum() / m["n"].sum()
    assert pooled(rollup, "repair_timely_rate", "baseline") == pytest.approx(expected)


def test_combined_tables_are_parquet(batch) -> None:
    out, _, rollup = batch
    metrics = pd.read_parquet(out / "portfolio" / "metrics.parquet")
    assert set(metrics["community_id"]) == set(DEMOS)
    assert len(metrics) == len(rollup.metrics)
