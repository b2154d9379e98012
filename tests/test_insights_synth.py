"""insights.csv and the report find the causes ``qm synth`` plants (community 4) and none
in a clean community (10): the frequent comment, the initiative whose domain improves, the failing
elevator, the slow repair category and the building of unhappy residents."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from qmlib.ingest import ingest_community
from qmlib.insights import find_insights
from qmlib.insights.links import stories
from qmlib.metrics import compute_all
from qmlib.plan import build_plan
from qmlib.report import ReportInputs
from qmlib.report.sections.insights import (
    activities_insights,
    residents_voice,
    shortcoming_stories,
    top_risks,
)
from qmlib.shortcomings import find_shortcomings
from qmlib.synth import generate

INDEXES = (4, 10)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict]:
    root = tmp_path_factory.mktemp("synth")
    out = {}
    for index in INDEXES:
        cid = generate(1, root, seed=0, start_index=index, size="demo")[0]
        truth = json.loads((root / "truth" / f"{cid}.json").read_text(encoding="utf-8"))
        ing = ingest_community(cid, root / "data", root / "params", root / "outputs")
        res = compute_all(ing.tables, ing.params)
        sc = find_shortcomings(ing.tables, res, ing.params, ingest_summary=ing.summary, rejects=ing.rejects)
        df = find_insights(ing.tables, res, ing.params, sc, "zh")
        plan = build_plan(sc, res, ing.params, lang="zh", insights=df)
        report = ReportInputs(
            params=ing.params,
            tables=ing.tables,
            metrics=res.metrics,
            changes=res.changes,
            targets=res.targets,
            shortcomings=sc,
            plan=plan,
            insights=df,
            lang="zh",
        )
        out[index] = {"truth": truth, "insights": df, "shortcomings": sc, "plan": plan, "report": report}
    return out


def _kind(df: pd.DataFrame, kind: str) -> pd.DataFrame:
    return df[df["kind"] == kind].reset_index(drop=True)


@pytest.mark.parametrize("index", [4])
def test_frequent_comment_is_the_first_voice_theme(runs: dict, index: int) -> None:
    run = runs[index]
    planted = run["truth"]["effects"]["frequent_comment"]
    voice = _kind(run["insights"], "voice")
    assert voice.loc[0, "subject"] == planted["text"]
    assert voice.loc[0, "value"] == planted["observed_count"]
    by = planted["by_period"]
    assert (
        f"基线期{by['baseline']}条 → 质量月{by['quality_month']}条 → 巩固期{by['followup']}条"
        in voice.loc[0, "evidence"]
    )
    assert planted["text"] in str(residents_voice(run["report"]))


@pytest.mark.parametrize("index", [4])
def test_planted_initiative_is_tied_first_with_its_domain_change(runs: dict, index: int) -> None:
    run = runs[index]
    planted = run["truth"]["effects"]["initiative_effect"]
    inits = _kind(run["insights"], "initiative")
    mine = inits[inits["subject"] == planted["title"]]
    assert len(mine) == 1
    row = mine.iloc[0]
    assert row["metric_id"] == planted["metric_id"] and row["period"] == "quality_month"
    assert row["direction"] == "good" and row["p_value"] < 0.001
    assert row["value"] == pytest.approx(planted["observed_dimension_index"]["quality_month"], abs=1e-6)
    # first, or tied with the initiatives of the same domain (same metric, same change)
    assert row["score"] == pytest.approx(inits["score"].max())
    assert "不能证明因果" in row["evidence"]
    assert planted["title"] in str(activities_insights(run["report"]))


@pytest.mark.parametrize("index", [4])
def test_elevator_category_and_building_are_found_and_told_as_causes(runs: dict, index: int) -> None:
    run = runs[index]
    eff, df = run["truth"]["effects"], run["insights"]
    levels = df[(df["kind"] == "driver") & (df["method"] == "outstanding_top")]
    asset = levels[levels["dimension"] == "asset_id"]
    assert list(asset["subject"]) == [eff["failing_elevator"]["asset_id"]]
    assert asset.iloc[0]["value"] == sum(eff["failing_elevator"]["failures_by_period"].values())
    category = levels[levels["dimension"] == "category"]
    assert category.iloc[0]["subject"] == eff["slow_repair_category"]["category"]
    assert (
        levels.iloc[:3]["subject"]
        .isin([eff["slow_repair_category"]["category"], eff["failing_elevator"]["asset_id"], "电梯"])
        .sum()
        >= 2
    )
    cases = _kind(df, "case")
    assert cases.loc[0, "subject"] == eff["failing_elevator"]["asset_id"]
    low = cases[(cases["dimension"] == "building") & (cases["direction"] == "bad")]
    assert list(low["subject"]) == [eff["low_building"]["building"]]
    html = str(shortcoming_stories(run["report"]))
    assert eff["failing_elevator"]["asset_id"] in html and "原因分析" in html
    told = stories(run["shortcomings"], df)
    first = next(i for i, s in enumerate(told) if any(e["kind"] == "repeat_failure" for e in s.effects))
    if first < 3:  # among the top three risks of the summary's first paragraph
        assert eff["failing_elevator"]["asset_id"] in str(top_risks(run["report"]))
    # the plan's actions name the drivers, not only the pooled metric
    actions = " ".join(run["plan"]["action"])
    assert eff["failing_elevator"]["asset_id"] in actions
    assert eff["slow_repair_category"]["category"] in actions


def test_clean_community_has_no_planted_causes(runs: dict) -> None:
    run = runs[10]
    assert run["truth"]["clean"] is True and "frequent_comment" not in run["truth"]["effects"]
    df = run["insights"]
    voice = _kind(df, "voice")
    assert voice.empty or voice["value"].max() < 25  # planted comments come 40 times
    inits = _kind(df, "initiative")
    assert inits[(inits["direction"] == "good") & (inits["p_value"] < 0.01)].empty
    assert df[(df["kind"] == "case") & (df["direction"] == "bad")].empty
    levels = df[(df["kind"] == "driver") & (df["method"] == "outstanding_top")]
    assert levels[
        levels["dimension"].isin(["asset_id", "category"])
        & levels["metric_id"].isin(["equipment_failure_rate", "repair_timely_rate"])
    ].empty
