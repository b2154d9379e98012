"""insights.csv names the causes the synthetic generator planted (shipped demos and a clean community)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from qmlib.ingest import ingest_community
from qmlib.insights import find_insights
from qmlib.metrics import compute_all
from qmlib.shortcomings import find_shortcomings

ROOT = Path(__file__).resolve().parents[1]
DEMOS = ("demo01", "demo02", "demo03")


def _insights(cid: str, data: Path, params: Path, out: Path) -> pd.DataFrame:
    ingest = ingest_community(cid, data, params, out)
    results = compute_all(ingest.tables, ingest.params)
    sc = find_shortcomings(
        ingest.tables, results, ingest.params, ingest_summary=ingest.summary, rejects=ingest.rejects
    )
    return find_insights(ingest.tables, results, ingest.params, sc, "zh")


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[pd.DataFrame, dict]]:
    out = tmp_path_factory.mktemp("outputs")
    found = {}
    for cid in DEMOS:
        truth = json.loads((ROOT / "tests" / "truth" / f"{cid}.json").read_text(encoding="utf-8"))
        found[cid] = (_insights(cid, ROOT / "data", ROOT / "params", out), truth)
    return found


def _level(df: pd.DataFrame, metric: str, dim: str) -> pd.DataFrame:
    return df[
        (df["kind"] == "driver")
        & (df["method"] == "outstanding_top")
        & (df["metric_id"] == metric)
        & (df["dimension"] == dim)
    ]


@pytest.mark.parametrize("cid", DEMOS)
def test_failing_elevator_is_the_outstanding_asset_and_a_bad_case(demos: dict, cid: str) -> None:
    df, truth = demos[cid]
    planted = truth["effects"]["failing_elevator"]
    top = _level(df, "equipment_failure_rate", "asset_id")
    assert list(top["subject"]) == [planted["asset_id"]]
    assert top.iloc[0]["value"] == planted["failures"]
    case = df[(df["kind"] == "case") & (df["subject"] == planted["asset_id"])]
    assert len(case) == 1 and case.iloc[0]["direction"] == "bad"
    assert case.iloc[0]["rank"] <= 2


@pytest.mark.parametrize("cid", DEMOS)
def test_slow_category_is_the_outstanding_source_of_late_arrivals(demos: dict, cid: str) -> None:
    df, truth = demos[cid]
    planted = truth["effects"]["slow_repair_category"]
    top = _level(df, "repair_timely_rate", "category")
    assert list(top["subject"]) == [planted["category"]]
    assert top.iloc[0]["share_of_total"] == pytest.approx(planted["share_of_sla_misses"], abs=0.02)
    drivers = df[df["kind"] == "driver"]
    assert planted["category"] in set(drivers.head(3)["subject"])  # ranked first or near it


def test_demo01_story(demos: dict) -> None:
    df, _ = demos["demo01"]
    change = df[
        (df["kind"] == "driver")
        & (df["method"] == "adtributor")
        & (df["metric_id"] == "repair_timely_rate")
        & (df["period"] == "quality_month")
    ].iloc[0]
    assert change["subject"] == "水电维修"
    assert "27%（n=59） → 质量月 61%（n=67） → 巩固期 36%（n=58）" in change["evidence"]
    voice = df[df["kind"] == "voice"].iloc[0]
    assert (voice["subject"], voice["value"]) == ("垃圾分类点有异味", 20)
    caveats = set(df.loc[df["kind"] == "caveat", "dimension"])
    assert {"coverage", "collection"} <= caveats
    case = df[(df["kind"] == "case") & (df["subject"] == "DT-11-1")].iloc[0]
    assert "11栋" in case["evidence"] and "58.9" in case["evidence"]
    assert "S03" in case["explains"] or "target:equipment_failure_rate@quality_month" in case["explains"]


@pytest.mark.slow
def test_clean_community_has_no_planted_causes(tmp_path: Path) -> None:
    from qmlib.synth import generate

    ids = generate(1, tmp_path, seed=0, start_index=10, size="demo")
    cid = ids[0]
    truth = json.loads((tmp_path / "truth" / f"{cid}.json").read_text(encoding="utf-8"))
    assert truth["clean"] is True
    df = _insights(cid, tmp_path / "data", tmp_path / "params", tmp_path / "outputs")
    assert _level(df, "equipment_failure_rate", "asset_id").empty
    assert _level(df, "repair_timely_rate", "category").empty
    assert df[(df["kind"] == "case") & (df["direction"] == "bad")].empty
