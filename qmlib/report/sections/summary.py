"""工作摘要 (``sec-summary``): lead sentence, key-metric cards and key results."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from markupsafe import Markup

from ...labels import metric_label, t
from ..fmt import SMALL_SAMPLE_N, fmt_int, fmt_p, fmt_value, is_missing
from ..front import foreword_html
from ..markup import bullet_list, esc, join, para, section, tag
from .activities import highlight_flags, participants_total, quality_month_activities
from .common import (
    ReportInputs,
    change_cell,
    change_mark,
    change_verdict,
    change_words,
    index_rows,
    is_small_change,
    no_valid_data,
    period_in_text,
    period_name,
    records,
    rejected_tables,
    significance_level,
    small_badge,
)
from .plan import split_plan
from .targets import target_outcomes

#: Metrics preferred for the key-metric cards of the summary, in order.
CARD_METRICS: tuple[str, ...] = (
    "satisfaction_index",
    "complaint_rate",
    "repair_timely_rate",
    "hazard_rectification_rate",
    "satisfaction_rate",
    "equipment_failure_rate",
    "inspection_score",
    "complaint_closure_rate",
)


def _significant_changes(r: ReportInputs, periods: Sequence[str], good: bool) -> list[dict]:
    """Significant changes in ``periods`` that are improvements (``good``) or deteriorations.

    Metrics whose direction is neutral (counts of activities, hazards found)
    are left out, and so are small samples (:func:`~.common.change_verdict`:
    they never drive a verdict on their own). Base metrics come before their
    breakdowns, then the smallest p-value first.
    """
    values = index_rows(r.metrics)
    wanted = "better" if good else "worse"
    out = []
    for row in records(r.changes):
        period, mid = str(row.get("period")), str(row.get("metric_id"))
        if period not in periods:
            continue
        if change_verdict(mid, row, is_small_change(values, mid, period)) == wanted:
            out.append(row)
    return sorted(out, key=lambda x: ("." in str(x["metric_id"]), _p_or_one(x.get("p_value"))))


def _small_significant(r: ReportInputs, periods: Sequence[str]) -> list[dict]:
    """Significant changes in ``periods`` that rest on a small sample (shown, never a verdict)."""
    values = index_rows(r.metrics)
    return [
        row
        for row in records(r.changes)
        if str(row.get("period")) in periods
        and change_verdict(
            str(row["metric_id"]), row, is_small_change(values, str(row["metric_id"]), str(row["period"]))
        )
        == "small"
    ]


def _p_or_one(value: object) -> float:
    return 1.0 if is_missing(value) else float(value)  # type: ignore[arg-type]


def _change_sentence(key: str, row: dict, lang: str, **extra: str) -> str:
    mid = str(row["metric_id"])
    return t(key, lang).format(
        metric=metric_label(mid, lang),
        before=fmt_value(mid, row.get("baseline_value")),
        after=fmt_value(mid, row.get("value")),
        words=change_words(mid, row, lang),
        period=period_in_text(str(row["period"]), lang),
        **extra,
    )


def _held_clause(r: ReportInputs, metric_id: str, lang: str) -> str:
    """Whether a quality-month gain held in the follow-up period (empty without one).

    Held: the follow-up is still significantly better than the baseline;
    not held: within sampling noise or worse; unknown: a small sample or no
    test, which cannot decide it.
    """
    if "followup" not in r.params.period_names:
        return ""
    row = index_rows(r.changes).get((metric_id, "followup"))
    if row is None:
        return ""
    small = is_small_change(index_rows(r.metrics), metric_id, "followup")
    verdict = change_verdict(metric_id, row, small)
    key = {
        "better": "report.summary.held",
        "small": "report.summary.held_unknown",
        "untested": "report.summary.held_unknown",
        "none": "report.summary.held_unknown",
    }.get(verdict, "report.summary.not_held")
    return t(key, lang).format(
        after=fmt_value(metric_id, row.get("value")),
        words=change_words(metric_id, row, lang, small) or fmt_value(metric_id, row.get("change")),
    )


def key_points(r: ReportInputs) -> list[Markup]:
    """The 3–6 sentences of the summary: targets, the strongest gains (and whether
    they held), the most significant deterioration, activities, shortcomings and plan."""
    lang = r.lang or "zh"
    points: list[Markup] = []
    achieved = target_outcomes(r)
    if achieved:
        met = sum(1 for a in achieved if a is True)
        missed = sum(1 for a in achieved if a is False)
        unknown = len(achieved) - met - missed
        text = t("report.summary.targets", lang).format(total=len(achieved), met=met)
        if missed:
            text += t("report.summary.targets_missed", lang).format(n=missed)
        if unknown:
            text += t("report.summary.targets_unknown", lang).format(n=unknown)
        points.append(esc(text + t("report.summary.end", lang)))
    later = [p for p in r.params.period_names if p != "baseline"]
    improved = _significant_changes(r, ["quality_month"], good=True) or _significant_changes(
        r, later, good=True
    )
    worsened = _significant_changes(r, later, good=False)
    for row in improved[: 1 if worsened else 2]:
        held = _held_clause(r, str(row["metric_id"]), lang) if row["period"] == "quality_month" else ""
        points.append(esc(_change_sentence("report.summary.improved", row, lang, held=held)))
    for row in worsened[:1]:
        points.append(esc(_change_sentence("report.summary.worsened", row, lang)))
    if not improved and not worsened and r.changes is not None and not r.changes.empty:
        key = (
            "report.summary.no_significant_small"
            if _small_significant(r, later)
            else "report.summary.no_significant"
        )
        points.append(esc(t(key, lang).format(level=significance_level(), min_n=SMALL_SAMPLE_N)))
    acts = quality_month_activities(r)
    if acts is not None and len(acts):
        points.append(
            esc(
                t("report.summary.activities", lang).format(
                    count=len(acts),
                    participants=fmt_int(participants_total(acts)),
                    highlights=int(highlight_flags(acts).sum()),
                )
            )
        )
    actions, routines = split_plan(r)
    n_routines = 0 if routines is None else len(routines)
    routine_clause = t("report.summary.routines", lang).format(n=n_routines) if n_routines else ""
    if r.shortcomings is not None and not r.shortcomings.empty:
        high = int((r.shortcomings.get("severity", pd.Series(dtype=str)).astype(str) == "high").sum())
        points.append(
            esc(
                t("report.summary.shortcomings", lang).format(
                    count=len(r.shortcomings), high=high, actions=len(actions), routines=routine_clause
                )
            )
        )
    elif r.shortcomings is not None:
        points.append(
            esc(
                t("report.summary.no_shortcomings", lang).format(
                    actions=len(actions), routines=routine_clause
                )
            )
        )
    return points[:6]


def key_cards(r: ReportInputs, limit: int = 4) -> Markup:
    """Cards of key metrics: quality-month value, change against the baseline in words,
    baseline and follow-up; a metric whose table had every row rejected shows "no valid data"."""
    lang = r.lang or "zh"
    changes, values = index_rows(r.changes), index_rows(r.metrics)
    rejected = rejected_tables(r)
    cards: list[Markup] = []
    for mid in CARD_METRICS:
        label = tag("div", metric_label(mid, lang), class_="qm-card-label")
        invalid = no_valid_data(mid, rejected, lang)
        row = changes.get((mid, "quality_month"))
        if invalid is not None:
            cards.append(
                tag(
                    "div",
                    label + tag("div", invalid, class_="qm-card-value"),
                    class_="qm-kpi qm-kpi--invalid",
                )
            )
        elif row is not None:
            small = is_small_change(values, mid, "quality_month")
            body = (
                label
                + tag("div", fmt_value(mid, row.get("value")), class_="qm-card-value")
                + tag(
                    "div",
                    change_cell(mid, row, lang, small=small) + (small_badge(lang) if small else ""),
                    class_="qm-card-delta",
                )
                + tag(
                    "div",
                    t("report.card.baseline", lang).format(value=fmt_value(mid, row.get("baseline_value"))),
                    class_="qm-card-base",
                )
            )
            follow = changes.get((mid, "followup"))
            if follow is not None:
                mark = change_mark(
                    mid,
                    follow.get("change"),
                    follow.get("significant"),
                    is_small_change(values, mid, "followup"),
                )
                line = t("report.card.followup", lang).format(value=fmt_value(mid, follow.get("value")))
                if mark:
                    line = line + " " + mark + " " + fmt_p(follow.get("p_value"), lang)
                body += tag("div", line, class_="qm-card-base")
            cards.append(tag("div", body, class_="qm-kpi"))
        if len(cards) == limit:
            break
    if not cards:
        return Markup("")
    heading = tag(
        "p",
        t("report.summary.cards", lang).format(period=period_name("quality_month", lang)),
        class_="qm-cards-title",
    )
    legend = para(t("report.card.legend", lang).format(level=significance_level()), "qm-legend")
    return heading + tag("div", join(cards), class_="qm-kpis") + legend


def _risks(r: ReportInputs) -> Markup:
    """The top three risks by name (root-cause stories of insights.csv), in the first paragraph."""
    from .insights import top_risks

    return top_risks(r)


def summary(r: ReportInputs) -> Markup:
    """工作摘要: lead sentence, key-metric cards and key results."""
    p, lang = r.params, r.lang or "zh"
    qs, qe = p.periods["quality_month"]
    bs, be = p.periods["baseline"]
    lead = t("report.summary.lead", lang).format(
        name=p.name,
        start=qs.isoformat(),
        end=qe.isoformat(),
        base_start=bs.isoformat(),
        base_end=be.isoformat(),
    )
    body = (
        para(join([esc(lead), _risks(r)], sep=" "), class_="qm-lead")
        + key_cards(r)
        + bullet_list(key_points(r), class_="qm-keypoints")
    )
    foreword = foreword_html(p, r.notes, lang)  # 前言 (params foreword and the narrative), when given
    return foreword + section(
        "sec-summary", t("report.sec.summary", lang), tag("div", body, class_="qm-summary"), major=False
    )
