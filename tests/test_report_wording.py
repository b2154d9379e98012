"""Plain statistics in the report (issue 12): changes in words, p-values that agree with
their marks, small samples, "no valid data" (issue 10 item 14) and missing optional columns.

Expected texts are worked out by hand from the rows given here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qmlib.metrics.stats import is_significant
from qmlib.report import sections as S
from qmlib.report.fmt import fmt_amount, fmt_p, is_small_sample
from qmlib.report.sections.appendix import metrics_left_out, missing_columns
from qmlib.report.sections.common import change_cell, change_mark, change_verdict, change_words, value_cell
from tests.test_report_sections import all_sections, make_inputs


def row(change: float | None, p: float | None, **extra: object) -> dict:
    return {"change": change, "p_value": p, "significant": is_significant(p), **extra}


# ---------------------------------------------------------------------------
# p-values: one formatter, text and decision from the same rounding
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.0499, "p<0.05"),  # 0.0499 → "0.050" would contradict p < 0.05: written p<0.05
        (0.049521, "p<0.05"),  # demo03 complaint_closure_rate, follow-up
        (0.0495, "p<0.05"),
        (0.04949, "p=0.049"),  # rounds to 0.049: no conflict
        (0.05, "p=0.050"),  # exactly the level: not significant, and reads 0.050
        (0.0504, "p=0.050"),
        (0.00049, "p<0.001"),
        (0.0009999, "p<0.001"),
        (0.001, "p=0.001"),
        (0.0234, "p=0.023"),
        (0.714, "p=0.714"),
        (float("nan"), "—"),
        (float("inf"), "—"),
        (None, "—"),
    ],
)
def test_fmt_p_edges(p, text):
    assert fmt_p(p, "zh") == text
    assert fmt_p(p, "en") == text


def test_fmt_p_text_never_contradicts_the_decision():
    """Over a fine grid, "p<x" or "p=v" is read as significant exactly when is_significant says so."""
    for p in np.concatenate([np.linspace(0, 0.1, 20001), [0.04995, 0.049999999, 0.0500000001]]):
        text = fmt_p(float(p), "en")
        value = float(text[2:])
        read_as_significant = value <= 0.05 if text.startswith("p<") else value < 0.05
        assert read_as_significant == is_significant(float(p)), (p, text)


def test_marker_and_p_text_agree_at_the_edge():
    sig = change_cell("satisfaction_index", row(2.0, 0.0499), "zh")
    assert 'qm-mark--good">▲' in sig and "p&lt;0.05" in sig and "0.050" not in sig
    ns = change_cell("satisfaction_index", row(2.0, 0.05), "zh")
    assert 'qm-mark--ns">△' in ns and "p=0.050" in ns and "不能认定为改善" in ns


# ---------------------------------------------------------------------------
# changes in words
# ---------------------------------------------------------------------------
def test_amounts_in_words_units():
    assert fmt_amount("satisfaction_index", 8.1, "zh") == "8.1 分"
    assert fmt_amount("satisfaction_index", -8.1, "en") == "8.1 points"
    assert fmt_amount("satisfaction_rate", 0.124, "zh") == "12.4 个百分点"
    assert fmt_amount("satisfaction_rate", -0.124, "en") == "12.4 percentage points"
    assert fmt_amount("complaint_rate", -0.52, "zh") == "0.52"
    assert fmt_amount("repair_arrival_minutes_median", 12.46, "en") == "12.5 min"
    assert fmt_amount("repair_rating", 0.125, "zh") == "0.12 分"  # two decimals, banker's rounding of 0.125


@pytest.mark.parametrize(
    ("metric_id", "change", "p", "zh", "en", "mark"),
    [
        (
            "satisfaction_index",
            8.1,
            0.0004,
            "提升 8.1 分，超出抽样波动范围（p<0.001）",
            "up 8.1 points, more than sampling noise (p<0.001)",
            "good",
        ),
        (
            "satisfaction_index",
            1.2,
            0.31,
            "变化在抽样波动范围内，不能认定为改善（p=0.310）",
            "within sampling noise: not a demonstrated improvement (p=0.310)",
            "ns",
        ),
        (
            "satisfaction_index",
            -1.2,
            0.31,
            "变化在抽样波动范围内，不能认定为变差（p=0.310）",
            "within sampling noise: not a demonstrated deterioration (p=0.310)",
            "ns",
        ),
        # complaint_rate: lower is better, so a rise is a deterioration
        (
            "complaint_rate",
            0.52,
            0.012,
            "上升 0.52，超出抽样波动范围，属于变差（p=0.012）",
            "up 0.52, more than sampling noise: a real deterioration (p=0.012)",
            "bad",
        ),
        (
            "complaint_rate",
            -0.64,
            0.01,
            "降低 0.64，超出抽样波动范围（p=0.010）",
            "down 0.64, more than sampling noise (p=0.010)",
            "good",
        ),
        (
            "complaint_rate",
            -0.64,
            0.14,
            "变化在抽样波动范围内，不能认定为改善（p=0.140）",
            "within sampling noise: not a demonstrated improvement (p=0.140)",
            "ns",
        ),
        (
            "satisfaction_rate",
            -0.08,
            0.002,
            "下降 8.0 个百分点，超出抽样波动范围，属于变差（p=0.002）",
            "down 8.0 percentage points, more than sampling noise: a real deterioration (p=0.002)",
            "bad",
        ),
    ],
)
def test_change_words_direction_aware(metric_id, change, p, zh, en, mark):
    r = row(change, p)
    assert change_words(metric_id, r, "zh") == zh
    assert change_words(metric_id, r, "en") == en
    html = str(change_cell(metric_id, r, "zh"))
    assert f'class="qm-mark qm-mark--{mark}"' in html
    assert f'<span class="qm-sub qm-verdict">{zh.replace("<", "&lt;")}</span>' in html


def test_untested_and_flat_changes():
    # both shares 1: test undefined (contract): no verdict, no colour
    r = {"change": 0.05, "p_value": None, "significant": None}
    assert change_verdict("hazard_rectification_rate", r) == "untested"
    assert (
        change_words("hazard_rectification_rate", r, "zh")
        == "上升 5.0 个百分点，无法检验是否超出抽样波动范围"
    )
    assert str(change_mark("hazard_rectification_rate", 0.05, None)) == ""
    # counts are never tested: no words, the cell says so
    assert change_words("hazard_count", {"change": 3.0, "p_value": None, "significant": None}, "zh") == ""
    assert "不做检验" in str(
        change_cell("hazard_count", {"change": 3.0, "p_value": None, "significant": None}, "zh")
    )
    assert change_words("satisfaction_index", row(0.0, 1.0), "en") == "unchanged from the baseline (p=1.000)"


def test_legends_say_non_significant_is_neutral():
    html = all_sections(make_inputs("zh"))
    assert "△▽ 变化在抽样波动范围内，不能认定为改善或变差，一律以灰色显示" in html
    assert "“小样本”指观测数少于 10 个" in html
    assert "△▽ 在抽样波动范围内，以灰色显示" in html  # under the key-metric cards
    en = all_sections(make_inputs("en"))
    assert "△▽ the change is within sampling noise, so it is not a demonstrated improvement" in en
    assert "“small sample” means fewer than 10 observations" in en


def test_no_non_significant_change_is_coloured():
    """Every hollow mark of the results is grey; every coloured mark has p<0.05 next to it."""
    html = str(S.results_section(make_inputs("zh")))
    assert html.count('class="qm-mark qm-mark--ns">△') + html.count('class="qm-mark qm-mark--ns">▽') == 6
    assert html.count("△") + html.count("▽") == 6 + 2  # and once each in the legend
    for cls in ("qm-mark--good", "qm-mark--bad"):
        for piece in html.split(f'class="qm-mark {cls}">')[1:]:
            assert piece[0] in "▲▼"
            verdict = piece.split('class="qm-sub qm-verdict">', 1)[1].split("</span>", 1)[0]
            assert "超出抽样波动范围" in verdict and ("p&lt;0.001" in verdict or "p=0.0" in verdict), verdict


# ---------------------------------------------------------------------------
# small samples: marked, never a verdict on their own
# ---------------------------------------------------------------------------
def test_is_small_sample():
    assert is_small_sample("satisfaction_index", 9)
    assert not is_small_sample("satisfaction_index", 10)
    assert is_small_sample("equipment_failure_rate", 4)  # a rate from 4 failures
    assert is_small_sample("repair_arrival_minutes_p90", 6)
    assert not is_small_sample("activity_count", 3)  # a tally, not a sample
    assert not is_small_sample("training_coverage", 2)
    assert not is_small_sample("satisfaction_index", None)
    assert not is_small_sample("no_such_metric", 2)


def test_small_sample_change_is_grey_and_says_why():
    r = row(4.2, 0.01)
    assert change_verdict("inspection_score", r, small=True) == "small"
    html = str(change_cell("inspection_score", r, "zh", small=True))
    assert 'qm-mark--ns">▲' in html and "qm-mark--good" not in html
    assert "上升 4.2 分（p=0.010），但观测数少于 10 个，不能单独据此下结论" in html
    assert ">小样本</span>" not in html  # the marker is on the value cells (and the cards)
    en = change_words("inspection_score", r, "en", small=True)
    assert (
        en
        == "up 4.2 points (p=0.010), but from fewer than 10 observations: not enough for a conclusion on its own"
    )
    cell = str(value_cell("inspection_score", {"value": 86.6, "n": 5, "ci_low": 80.1, "ci_high": 93.1}, "en"))
    assert "n=5" in cell and ">small sample</span>" in cell
    assert "small sample" not in str(value_cell("inspection_score", {"value": 86.6, "n": 10}, "en"))


def _small(r: S.ReportInputs, n: int = 8) -> S.ReportInputs:
    """Every metric of ``r`` measured on ``n`` observations."""
    r.metrics = r.metrics.assign(n=pd.array([n] * len(r.metrics), dtype="Int64"))
    return r


def test_small_samples_never_drive_the_summary():
    # make_inputs has significant gains (satisfaction, p<0.001) and a significant fall
    # (repair timely rate, p=0.002); on n=8 none of them may be stated as a result
    r = _small(make_inputs("zh"))
    points = [str(p) for p in S.key_points(r)]
    assert not any("变为" in p for p in points)
    assert (
        "与基线期相比，除小样本指标（观测数少于 10 个）外，没有一项指标的变化超出抽样波动范围（p&lt;0.05），"
        "尚不能认定有改善或变差；小样本指标的变化不单独作为结论。"
    ) in points
    html = str(S.summary(r)) + str(S.results_section(r))
    assert "qm-mark--good" not in html and "qm-mark--bad" not in html
    # 20 value cells of sampled metrics (activity_count is a tally) and the four cards
    assert html.count(">小样本</span>") == 20 + 4


def test_small_followup_cannot_say_the_gain_held():
    r = make_inputs("en")
    m = r.metrics.copy()
    m.loc[(m.metric_id == "satisfaction_index") & (m.period == "followup"), "n"] = 7
    r.metrics = m
    points = [str(p) for p in S.key_points(r)]
    assert any(
        p.startswith(
            "Satisfaction index went from 72.1 in the baseline to 78.4 in the quality month, "
            "up 6.3 points, more than sampling noise (p&lt;0.001); in the follow-up it was 77.9, "
            "up 5.8 points (p&lt;0.001), but from fewer than 10 observations"
        )
        and p.endswith("so whether the gain held needs more data.")
        for p in points
    )


def test_summary_picks_a_large_sample_over_a_small_one():
    r = make_inputs("zh")
    m = r.metrics.copy()
    m.loc[m.metric_id == "satisfaction_index", "n"] = 6  # strongest gain, but n=6
    r.metrics = m
    improved = [str(p) for p in S.key_points(r) if "超出抽样波动范围（" in p and "变为质量月" in p]
    assert improved and all(not p.startswith("满意度指数由") for p in improved)
    assert any(
        p.startswith(
            "满意率由基线期的 61.0% 变为质量月的 72.0%，提升 11.0 个百分点，超出抽样波动范围（p=0.011）"
        )
        for p in improved
    )


# ---------------------------------------------------------------------------
# a headline KPI whose table had every row rejected (issue 10 item 14)
# ---------------------------------------------------------------------------
def _all_complaints_rejected(lang: str) -> S.ReportInputs:
    r = make_inputs(lang)
    summary = r.ingest_summary.copy()
    summary.loc[summary.table == "complaints", ["rows_accepted", "rows_rejected"]] = [0, 93]
    r.ingest_summary = summary
    m = r.metrics.copy()
    m.loc[m.metric_id == "complaint_rate", ["value", "n"]] = [0.0, 0]
    r.metrics = m
    c = r.changes.copy()
    c.loc[c.metric_id == "complaint_rate", ["baseline_value", "value", "change", "p_value"]] = [
        0.0,
        0.0,
        0.0,
        None,
    ]
    c.loc[c.metric_id == "complaint_rate", "significant"] = pd.NA
    r.changes = c
    r.targets = pd.concat(
        [
            r.targets,
            pd.DataFrame(
                [
                    {
                        "community_id": "demo01",
                        "metric_id": "complaint_rate",
                        "kind": "at_most",
                        "period": "quality_month",
                        "target": 1.5,
                        "baseline_value": 0.0,
                        "actual_value": 0.0,
                        "change": None,
                        "achieved": True,
                    }
                ]
            ).astype({"achieved": "boolean"}),
        ],
        ignore_index=True,
    )
    return r


def test_fully_rejected_table_shows_no_valid_data():
    r = _all_complaints_rejected("zh")
    cards = str(S.key_cards(r))
    card = cards.split("投诉率（每百户·30天）", 1)[1].split('<div class="qm-kpi', 1)[0]
    assert "无有效数据" in card and "0.00" not in card and "n=0" not in card
    assert '<a class="qm-sub" href="#sec-appendix-rejects">投诉：全部 93 行被拒收，见附录</a>' in card
    results = str(S.results_section(r))
    line = results.split("投诉率（每百户·30天）", 1)[1].split("</tr>", 1)[0]
    assert line.count("无有效数据") == 3 and "0.00" not in line and "n=0" not in line
    targets = str(S.targets_section(r))
    target_row = targets.split("投诉率（每百户·30天）", 1)[1].split("</tr>", 1)[0]
    assert "无有效数据" in target_row and "qm-badge--good" not in target_row and "无法判断" in target_row
    assert "合计：已达成 2 项，未达成 1 项，无法判断 1 项。" in targets
    assert S.key_points(r)[0].startswith(
        "设定的 4 项目标中，已达成 2 项，未达成 1 项，1 项因数据不足无法判断"
    )
    assert 'id="sec-appendix-rejects"' in str(S.appendix_section(r))
    en = str(S.key_cards(_all_complaints_rejected("en")))
    assert "no valid data" in en and "Complaints: all 93 rows rejected; see the appendix" in en


def test_header_only_table_is_a_real_zero():
    """A table with no rows read (header only) is not "rejected": its rate is a real 0."""
    r = make_inputs("zh")
    summary = r.ingest_summary.copy()
    summary.loc[summary.table == "complaints", ["rows_read", "rows_accepted", "rows_rejected"]] = [0, 0, 0]
    r.ingest_summary = summary
    assert "无有效数据" not in all_sections(r)


# ---------------------------------------------------------------------------
# contract v1.1: missing optional columns and the metrics they removed
# ---------------------------------------------------------------------------
def test_missing_columns_from_ingest_summary():
    r = make_inputs("zh")
    r.ingest_summary = r.ingest_summary.assign(missing_columns=["", "description", "closed_at;channel"])
    assert missing_columns(r) == {"activities": ["description"], "complaints": ["closed_at", "channel"]}
    assert metrics_left_out(missing_columns(r)) == {"complaints": ["complaint_closure_rate"]}
    html = str(S.appendix_section(r))
    assert "缺少的可选字段" in html
    assert "<td>投诉</td><td>办结时间（closed_at）、channel</td><td>" in html
    assert "投诉办结率" in html.split("<td>办结时间（closed_at）、channel</td>", 1)[1].split("</tr>", 1)[0]


def test_missing_columns_left_out_metrics_in_english():
    r = make_inputs("en")
    r.ingest_summary = r.ingest_summary.assign(
        missing_columns=["arrived_at;building", None, None], table=["work_orders", "activities", "complaints"]
    )
    assert missing_columns(r) == {"work_orders": ["arrived_at", "building"]}
    assert metrics_left_out(missing_columns(r)) == {
        "work_orders": ["repair_arrival_minutes_median", "repair_arrival_minutes_p90", "repair_timely_rate"]
    }
    html = str(S.appendix_section(r))
    row_html = html.split("<td>Repair work orders</td><td>arrived_at, building</td>", 1)[1].split("</tr>", 1)[
        0
    ]
    assert row_html == (
        "<td>Repair arrival, median (min), Repair arrival, P90 (min), Repair on-time arrival rate</td>"
    )


def test_missing_columns_not_recorded_claims_nothing():
    """An ingest summary without the column (older outputs) says nothing either way."""
    r = make_inputs("en")
    assert missing_columns(r) is None
    html = str(S.appendix_section(r))
    assert "Optional columns missing" not in html and "Every export has all the optional columns" not in html


def test_no_missing_columns_said_plainly():
    r = make_inputs("en")
    r.ingest_summary = r.ingest_summary.assign(missing_columns=[None, "", None])
    assert missing_columns(r) == {}
    assert "Every export has all the optional columns" in str(S.appendix_section(r))
