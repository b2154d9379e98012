"""Root-cause links of insights.csv (qmlib/insights/links.py) and the report blocks built on them
(qmlib/report/sections/insights.py), on hand-made frames."""

from __future__ import annotations

import pandas as pd
from test_report_sections import make_inputs

from qmlib.insights import INSIGHT_COLUMNS, write_insights
from qmlib.insights.links import cause_records, causes_of, read_insights, stories
from qmlib.plan import build_plan
from qmlib.report import sections as S
from qmlib.report.sections.insights import residents_voice, results_drivers, top_risks

HOSTILE = "<script>alert(1)</script>电梯又坏了 13912345678"


def _insights() -> pd.DataFrame:
    rows = [
        # id, kind, metric, period, dimension, subject, label, evidence, direction, explains, method, score,
        # share_of_change, share_of_total, n, value, reference
        (
            "I01",
            "driver",
            "repair_timely_rate",
            "",
            "category",
            "水电维修",
            "报修类别“水电维修”",
            "水电维修占全部未按时到场的报修的85%（124次中106次）。",
            "bad",
            "S01",
            "outstanding_top",
            0.9,
            None,
            0.85,
            106,
            0.36,
            0.9,
        ),
        (
            "I02",
            "driver",
            "repair_timely_rate",
            "followup",
            "category",
            "水电维修",
            "报修类别“水电维修”",
            "水电维修：27% → 61% → 36%；可解释巩固期变化的72%。",
            "bad",
            "S01",
            "adtributor",
            0.8,
            0.72,
            None,
            58,
            0.36,
            0.27,
        ),
        (
            "I03",
            "driver",
            "repair_timely_rate",
            "quality_month",
            "urgency",
            "紧急",
            "紧急程度“紧急”",
            "紧急：72% → 96%。",
            "good",
            "S01",
            "adtributor",
            0.95,
            0.4,
            None,
            45,
            0.96,
            0.72,
        ),
        (
            "I04",
            "case",
            "hazard_rectification_rate",
            "",
            "area",
            "消防",
            "消防",
            "消防隐患占未整改隐患的全部。",
            "bad",
            "S02",
            "join",
            0.7,
            None,
            1.0,
            3,
            None,
            None,
        ),
        (
            "I05",
            "voice",
            "repair_timely_rate",
            "",
            "repairs",
            HOSTILE,
            HOSTILE,
            f"12条意见与“{HOSTILE}”相近（维修）：基线期2条 → 质量月5条 → 巩固期5条。",
            "bad",
            "",
            "jieba+jaccard",
            0.2,
            None,
            0.1,
            12,
            12.0,
            120.0,
        ),
        (
            "I06",
            "caveat",
            "survey_coverage",
            "quality_month",
            "coverage",
            "surveys",
            "",
            "质量月问卷120份，覆盖8%的住户。",
            "",
            "",
            "cochran",
            0.7,
            None,
            None,
            120,
            0.08,
            0.16,
        ),
    ]
    cols = [
        "insight_id",
        "kind",
        "metric_id",
        "period",
        "dimension",
        "subject",
        "label",
        "evidence",
        "direction",
        "explains",
        "method",
        "score",
        "share_of_change",
        "share_of_total",
        "n",
        "value",
        "reference",
    ]
    df = pd.DataFrame(rows, columns=cols).assign(community_id="demo01", rank=1, p_value=None)
    return df[INSIGHT_COLUMNS]


def _shortcomings(r: S.ReportInputs) -> pd.DataFrame:
    return r.shortcomings.assign(
        kind=["gain_not_held", "target_missed", "data_quality"],
        period=["followup", "quality_month", None],
        rank=[1, 2, 3],
        subject=["repair_timely_rate@followup", "hazard_rectification_rate@quality_month", "rejects"],
        subject_label=["报修及时到场率", "隐患整改率", "拒收"],
    )


def test_causes_bad_first_case_then_level_then_change_same_period_only(tmp_path) -> None:
    write_insights(_insights(), tmp_path)
    ins = read_insights(tmp_path)
    assert ins.loc[0, "share_of_total"] == 0.85 and ins.loc[0, "period"] == ""
    # S01 (followup): the level driver, then (same subject) nothing else; the good urgency driver is no cause
    causes = causes_of({"shortcoming_id": "S01", "period": "followup"}, ins, limit=2)
    assert [c["insight_id"] for c in causes] == ["I01"]
    # a change driver of another period is no cause of a shortcoming without that period
    assert [c["insight_id"] for c in causes_of({"shortcoming_id": "S01"}, ins.iloc[1:])] == []
    assert [c["insight_id"] for c in causes_of("S02", ins)] == ["I04"]
    assert causes_of("S03", ins) == []
    # the frame converted once (cause_records) gives the same causes, each call its own dicts
    records = cause_records(ins)
    for sid, period in (("S01", "followup"), ("S01", None), ("S02", None), ("S03", None)):
        row = {"shortcoming_id": sid, "period": period}
        assert causes_of(row, records, limit=2) == causes_of(row, ins, limit=2)
    first = causes_of("S02", records)
    first[0]["insight_id"] = "changed"
    assert [c["insight_id"] for c in causes_of("S02", records)] == ["I04"]
    assert cause_records(None) == [] and cause_records(ins.drop(columns="explains")) == []


def test_stories_group_shortcomings_sharing_a_cause() -> None:
    ins = _insights()
    ins.loc[ins["insight_id"] == "I01", "explains"] = "S01;S03"
    sc = pd.DataFrame({"shortcoming_id": ["S01", "S02", "S03"], "rank": [1, 2, 3], "period": [None] * 3})
    told = stories(sc, ins)
    assert [[e["shortcoming_id"] for e in s.effects] for s in told] == [["S01", "S03"], ["S02"]]
    assert told[0].cause_ids == ["I01"] and told[1].cause_ids == ["I04"]


def test_report_blocks_tell_causes_under_effects_and_escape_resident_text() -> None:
    r = make_inputs()
    r.shortcomings = _shortcomings(r)
    r.insights = _insights()
    html = S.shortcomings_section(r)
    # S01's cause right after S01, inside the same story block
    story = html[html.index('<div class="qm-story qm-story--caused">') :]
    story = story[: story.index("</div>")]
    assert "S01" in story and "原因分析" in story and "水电维修占全部未按时到场的报修的85%" in story
    voice = str(residents_voice(r))
    assert "<script>" not in voice and "&lt;script&gt;" in voice
    assert "13912345678" not in voice and "139****5678" in voice
    risks = str(top_risks(r))
    assert "（1）S01" in risks and "主因是报修类别“水电维修”占未按时到场的报修的85%" in risks
    assert "（2）S02" in risks and "（3）S03" in risks
    # the survey coverage caveat stands under the significant satisfaction change it limits
    drivers = str(results_drivers(r))
    head = drivers.index("满意度指数，质量月")
    assert head < drivers.index("覆盖8%的住户")


def test_report_without_insights_keeps_the_findings_table() -> None:
    r = make_inputs()
    assert r.insights.empty
    assert results_drivers(r) == "" and residents_voice(r) == ""
    risks = str(top_risks(r))  # the top three shortcomings are still named, without causes
    assert "（1）S01" in risks and "主因" not in risks
    assert "qm-table--findings" in S.shortcomings_section(r)


def test_plan_names_the_cause() -> None:
    r = make_inputs()
    sc = _shortcomings(r)
    results = {"metrics": r.metrics, "changes": r.changes, "targets": r.targets}
    plan = build_plan(sc, results, r.params, lang="zh", insights=_insights())
    s01 = plan[plan["shortcoming_id"] == "S01"]["action"].tolist()
    assert "水电维修" in s01[0] and not any("水电维修" in a for a in s01[1:])
    s02 = plan[plan["shortcoming_id"] == "S02"]["action"].tolist()
    assert s02[0].startswith("针对主因（消防") and "分析" not in s02[0]
    without = build_plan(sc, results, r.params, lang="zh")
    assert not any("水电维修" in a for a in without["action"])
