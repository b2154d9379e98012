"""The sections of report.html, each built as a safe HTML string.

Every function takes a :class:`ReportInputs` (what stages 1–4 produced for
one community) and returns :class:`markupsafe.Markup`; the report notebook
shows it with ``IPython.display.HTML``. Numbers are formatted by
:mod:`qmlib.report.fmt`, text by :mod:`qmlib.labels`, and every value from
the data is escaped (free text also PII-masked) by :mod:`qmlib.report.markup`.

Sections and their ids (the TOC links to them):

========================  =================  ==========================================
function                  id                 content
========================  =================  ==========================================
:func:`cover`             (h1)               title, company, households, periods
:func:`summary`           ``sec-summary``    3–5 key results, key-metric cards
:func:`targets_section`   ``sec-targets``    target, baseline, actual, met or not
:func:`activities_section` ``sec-activities`` initiatives by category, highlights, list
:func:`results_section`   ``sec-results``    before/after table with CI, n, p; charts
:func:`shortcomings_section` ``sec-shortcomings`` ranked problems with evidence
:func:`plan_section`      ``sec-plan``       PDCA actions, routine mechanisms, next targets
:func:`appendix_section`  ``sec-appendix``   ingest summary, rejects by reason, methods
========================  =================  ==========================================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

import pandas as pd
from markupsafe import Markup

from ..catalog import METRICS, metric_def
from ..labels import LABELS, metric_label, t
from ..params import Params
from ..periods import bounds
from ..schema import ACTIVITY_CATEGORY, TABLES
from .fmt import (
    DASH,
    better_of,
    fmt_change,
    fmt_ci,
    fmt_date,
    fmt_int,
    fmt_p,
    fmt_percent,
    fmt_value,
    is_missing,
)
from .markup import (
    Chart,
    badge,
    bullet_list,
    esc,
    figure_html,
    h3,
    html_table,
    join,
    para,
    resident_text,
    section,
    tag,
)

#: Section ids in report order (the five numbered sections are the "major" ones).
SECTION_IDS: tuple[str, ...] = (
    "sec-summary",
    "sec-targets",
    "sec-activities",
    "sec-results",
    "sec-shortcomings",
    "sec-plan",
    "sec-appendix",
)

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

_ACTIVITY_EN = {zh: en for en, zh in ACTIVITY_CATEGORY.items() if en != zh.lower()}


@dataclass
class ReportInputs:
    """Everything the report shows for one community.

    ``metrics``/``changes``/``targets``/``shortcomings``/``plan`` have the
    columns of contract section 5 (extra columns are ignored). ``routines``
    is the routine-mechanism table of :func:`qmlib.plan.routine_mechanisms`
    (a DataFrame, or a list of sentences). ``ingest_summary``/``rejects`` as
    written by the ingest stage.
    """

    params: Params
    tables: dict[str, pd.DataFrame]
    metrics: pd.DataFrame
    changes: pd.DataFrame
    targets: pd.DataFrame
    shortcomings: pd.DataFrame = field(default_factory=pd.DataFrame)
    plan: pd.DataFrame = field(default_factory=pd.DataFrame)
    routines: pd.DataFrame | Sequence[str] | None = None
    ingest_summary: pd.DataFrame | None = None
    rejects: pd.DataFrame | None = None
    lang: str | None = None
    generated_on: dt.date | None = None

    def __post_init__(self) -> None:
        if self.lang is None:
            self.lang = self.params.language


# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------
def _label(key: str, fallback: object, lang: str) -> str:
    """Label of ``key`` when it exists, else ``fallback`` as text."""
    return t(key, lang) if key in LABELS else ("" if is_missing(fallback) else str(fallback))


def _period_name(period: str, lang: str) -> str:
    return t(f"period.{period}", lang)


def _period_in_text(period: str, lang: str) -> str:
    """A period's name inside a sentence (lower case in English: "the quality month")."""
    name = _period_name(period, lang)
    return name[:1].lower() + name[1:] if lang == "en" else name


def _period_range(params: Params, period: str, lang: str) -> str:
    start, end = params.periods[period]
    return t("report.meta.period_range", lang).format(start=start.isoformat(), end=end.isoformat())


def _bool(value: object) -> bool | None:
    if is_missing(value):
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "y")
    return bool(value)


def _rows(frame: pd.DataFrame | None) -> list[dict]:
    if frame is None or frame.empty:
        return []
    return frame.to_dict("records")


def change_mark(metric_id: str, change: object, significant: object) -> Markup:
    """▲/▼ (significant, coloured by better/worse), △/▽ (not significant), nothing (no test)."""
    if is_missing(change) or float(change) == 0:  # type: ignore[arg-type]
        return Markup("")
    up = float(change) > 0  # type: ignore[arg-type]
    sig = _bool(significant)
    if sig is None:
        return Markup("")
    direction = better_of(metric_id)
    good = direction * (1 if up else -1)
    if not sig:
        return tag("span", "△" if up else "▽", class_="qm-mark qm-mark--ns")
    kind = "good" if good > 0 else "bad" if good < 0 else "neutral"
    return tag("span", "▲" if up else "▼", class_=f"qm-mark qm-mark--{kind}")


def change_cell(metric_id: str, row: dict | None, lang: str) -> Markup:
    """Mark, signed change and p-value of one changes.csv row."""
    if row is None:
        return Markup(DASH)
    mark = change_mark(metric_id, row.get("change"), row.get("significant"))
    text = tag("span", fmt_change(metric_id, row.get("change"), lang), class_="qm-delta")
    p = row.get("p_value")
    if not is_missing(p):
        ptext = tag("span", fmt_p(p, lang), class_="qm-sub")
    else:
        tested = _known(metric_id) and metric_def(metric_id).kind in ("mean", "share", "rate")
        ptext = tag("span", t("report.test_undefined" if tested else "report.no_test", lang), class_="qm-sub")
    return mark + text + ptext


def value_cell(metric_id: str, row: dict | None, lang: str) -> Markup:
    """Value, 95% CI and n of one metrics.csv row."""
    if row is None:
        return Markup(DASH)
    parts = [tag("span", fmt_value(metric_id, row.get("value")), class_="qm-val")]
    ci = fmt_ci(metric_id, row.get("ci_low"), row.get("ci_high"))
    if ci:
        parts.append(tag("span", ci, class_="qm-sub"))
    if not is_missing(row.get("n")):
        parts.append(tag("span", t("report.n", lang).format(n=fmt_int(row.get("n"))), class_="qm-sub"))
    return join(parts)


def _index(frame: pd.DataFrame | None) -> dict[tuple[str, str], dict]:
    """``{(metric_id, period): row}`` of a metrics or changes frame."""
    return {(str(r["metric_id"]), str(r["period"])): r for r in _rows(frame)}


# ---------------------------------------------------------------------------
# cover and summary
# ---------------------------------------------------------------------------
def cover(r: ReportInputs) -> Markup:
    """Title block: community, company, households, periods, as-of and generation date."""
    p, lang = r.params, r.lang or "zh"
    title = t("report.title", lang).format(name=p.name)
    meta: list[tuple[str, object]] = []
    if p.company:
        meta.append((t("report.meta.company", lang), p.company))
    meta.append((t("report.meta.households", lang), t("report.meta.households_value", lang).format(n=f"{p.households:,}")))
    for period in p.period_names:
        start, end = p.periods[period]
        dates = Markup(esc(t("report.meta.period_range", lang))).format(
            start=tag("span", start.isoformat(), class_="qm-nw"), end=tag("span", end.isoformat(), class_="qm-nw"))
        meta.append((_period_name(period, lang), dates))
    meta.append((t("report.meta.as_of", lang), p.as_of_date.isoformat()))
    meta.append((t("report.meta.generated", lang), (r.generated_on or dt.date.today()).isoformat()))
    items = join(tag("div", tag("dt", k) + tag("dd", v)) for k, v in meta)
    return tag(
        "header",
        tag("p", t("report.kicker", lang), class_="qm-kicker")
        + tag("h1", title, class_="qm-title")
        + tag("dl", items, class_="qm-meta"),
        class_="qm-cover",
    )


def _significant_changes(r: ReportInputs, periods: Sequence[str], good: bool) -> list[dict]:
    """Significant changes in ``periods`` that are improvements (``good``) or deteriorations.

    Metrics whose direction is neutral (counts of activities, hazards found)
    are left out. Base metrics come before their breakdowns, then the
    smallest p-value first.
    """
    out = []
    for row in _rows(r.changes):
        if str(row.get("period")) not in periods or _bool(row.get("significant")) is not True:
            continue
        direction = better_of(str(row["metric_id"]))
        if direction == 0 or is_missing(row.get("change")):
            continue
        if (direction * float(row["change"]) > 0) == good:
            out.append(row)
    return sorted(out, key=lambda x: ("." in str(x["metric_id"]), _p_or_one(x.get("p_value"))))


def _p_or_one(value: object) -> float:
    return 1.0 if is_missing(value) else float(value)  # type: ignore[arg-type]


def _change_sentence(key: str, row: dict, lang: str, **extra: str) -> str:
    mid = str(row["metric_id"])
    return t(key, lang).format(
        metric=metric_label(mid, lang),
        before=fmt_value(mid, row.get("baseline_value")),
        after=fmt_value(mid, row.get("value")),
        change=fmt_change(mid, row.get("change"), lang),
        p=fmt_p(row.get("p_value"), lang),
        period=_period_in_text(str(row["period"]), lang),
        **extra,
    )


def _held_clause(r: ReportInputs, metric_id: str, lang: str) -> str:
    """Whether a quality-month gain held in the follow-up period (empty without one)."""
    if "followup" not in r.params.period_names:
        return ""
    row = _index(r.changes).get((metric_id, "followup"))
    if row is None:
        return ""
    held = _bool(row.get("significant")) is True and better_of(metric_id) * float(row["change"]) > 0
    key = "report.summary.held" if held else "report.summary.not_held"
    return t(key, lang).format(
        after=fmt_value(metric_id, row.get("value")),
        change=fmt_change(metric_id, row.get("change"), lang),
        p=fmt_p(row.get("p_value"), lang),
    )


def key_points(r: ReportInputs) -> list[Markup]:
    """The 3–6 sentences of the summary: targets, the strongest gains (and whether
    they held), the most significant deterioration, activities, shortcomings and plan."""
    lang = r.lang or "zh"
    points: list[Markup] = []
    tg = r.targets
    if tg is not None and not tg.empty:
        achieved = [_bool(x) for x in tg["achieved"]]
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
    improved = _significant_changes(r, ["quality_month"], good=True) or _significant_changes(r, later, good=True)
    worsened = _significant_changes(r, later, good=False)
    for row in improved[: 1 if worsened else 2]:
        held = _held_clause(r, str(row["metric_id"]), lang) if row["period"] == "quality_month" else ""
        points.append(esc(_change_sentence("report.summary.improved", row, lang, held=held)))
    for row in worsened[:1]:
        points.append(esc(_change_sentence("report.summary.worsened", row, lang)))
    if not improved and not worsened and r.changes is not None and not r.changes.empty:
        points.append(esc(t("report.summary.no_significant", lang)))
    acts = _quality_month_activities(r)
    if acts is not None and len(acts):
        points.append(esc(t("report.summary.activities", lang).format(
            count=len(acts),
            participants=fmt_int(_participants(acts)),
            highlights=int(_highlights(acts).sum()),
        )))
    actions, routines = _split_plan(r)
    n_routines = 0 if routines is None else len(routines)
    routine_clause = t("report.summary.routines", lang).format(n=n_routines) if n_routines else ""
    if r.shortcomings is not None and not r.shortcomings.empty:
        high = int((r.shortcomings.get("severity", pd.Series(dtype=str)).astype(str) == "high").sum())
        points.append(esc(t("report.summary.shortcomings", lang).format(
            count=len(r.shortcomings), high=high, actions=len(actions), routines=routine_clause)))
    elif r.shortcomings is not None:
        points.append(esc(t("report.summary.no_shortcomings", lang).format(
            actions=len(actions), routines=routine_clause)))
    return points[:6]


def key_cards(r: ReportInputs, limit: int = 4) -> Markup:
    """Cards of key metrics: quality-month value, change against the baseline, baseline and follow-up."""
    lang = r.lang or "zh"
    changes = _index(r.changes)
    cards: list[Markup] = []
    for mid in CARD_METRICS:
        row = changes.get((mid, "quality_month"))
        if row is None:
            continue
        body = (
            tag("div", metric_label(mid, lang), class_="qm-card-label")
            + tag("div", fmt_value(mid, row.get("value")), class_="qm-card-value")
            + tag("div", change_cell(mid, row, lang), class_="qm-card-delta")
            + tag("div", t("report.card.baseline", lang).format(value=fmt_value(mid, row.get("baseline_value"))),
                  class_="qm-card-base")
        )
        follow = changes.get((mid, "followup"))
        if follow is not None:
            body += tag("div", t("report.card.followup", lang).format(value=fmt_value(mid, follow.get("value")))
                        + " " + change_mark(mid, follow.get("change"), follow.get("significant")),
                        class_="qm-card-base")
        cards.append(tag("div", body, class_="qm-kpi"))
        if len(cards) == limit:
            break
    if not cards:
        return Markup("")
    heading = tag("p", t("report.summary.cards", lang).format(period=_period_name("quality_month", lang)),
                  class_="qm-cards-title")
    return heading + tag("div", join(cards), class_="qm-kpis")


def summary(r: ReportInputs) -> Markup:
    """工作摘要: lead sentence, key-metric cards and key results."""
    p, lang = r.params, r.lang or "zh"
    qs, qe = p.periods["quality_month"]
    bs, be = p.periods["baseline"]
    lead = t("report.summary.lead", lang).format(
        name=p.name, start=qs.isoformat(), end=qe.isoformat(), base_start=bs.isoformat(), base_end=be.isoformat()
    )
    body = para(lead, class_="qm-lead") + key_cards(r) + bullet_list(key_points(r), class_="qm-keypoints")
    return section("sec-summary", t("report.sec.summary", lang), tag("div", body, class_="qm-summary"), major=False)


# ---------------------------------------------------------------------------
# 一、targets
# ---------------------------------------------------------------------------
def target_text(row: dict, lang: str) -> str:
    """A target in words: ``较基线提升 ≥ 2.0``, ``≥ 100.0%`` …"""
    mid, kind, value = str(row["metric_id"]), str(row["kind"]), float(row["target"])
    if kind == "delta":
        key = "report.target.delta_up" if value > 0 else "report.target.delta_down"
        return t(key, lang).format(value=fmt_change(mid, abs(value), lang, signed=False))
    if kind == "relative_change":
        key = "report.target.relative_up" if value > 0 else "report.target.relative_down"
        return t(key, lang).format(value=fmt_percent(abs(value)))
    key = "report.target.at_least" if kind == "at_least" else "report.target.at_most"
    return t(key, lang).format(value=fmt_value(mid, value))


def achieved_badge(value: object, lang: str) -> Markup:
    flag = _bool(value)
    if flag is True:
        return badge("✓ " + t("ui.achieved", lang), "good")
    if flag is False:
        return badge("✗ " + t("ui.not_achieved", lang), "bad")
    return badge(t("ui.unknown", lang), "neutral")


def targets_section(r: ReportInputs) -> Markup:
    """一、质量月目标回顾: one row per target with its result."""
    lang = r.lang or "zh"
    rows = _rows(r.targets)
    if not rows:
        return section("sec-targets", t("report.sec.targets", lang), para(t("report.targets.none", lang), "qm-note"))
    header = [
        t("ui.metric", lang), t("report.targets.col.target", lang), t("report.targets.col.period", lang),
        t("report.targets.col.baseline", lang), t("report.targets.col.actual", lang),
        t("report.targets.col.change", lang), t("report.targets.col.result", lang),
    ]
    body = []
    for row in rows:
        mid, kind = str(row["metric_id"]), str(row["kind"])
        if kind == "relative_change":
            change = fmt_percent(row.get("change"), signed=True)
        elif kind == "delta":
            change = fmt_change(mid, row.get("change"), lang)
        else:
            change = DASH
        body.append([
            metric_label(mid, lang), target_text(row, lang), _period_name(str(row["period"]), lang),
            fmt_value(mid, row.get("baseline_value")), tag("strong", fmt_value(mid, row.get("actual_value"))),
            change, achieved_badge(row.get("achieved"), lang),
        ])
    flags = [_bool(x.get("achieved")) for x in rows]
    tally = t("report.targets.tally", lang).format(
        met=flags.count(True), missed=flags.count(False), unknown=sum(f is None for f in flags)
    )
    table = html_table(header, body, numeric=(3, 4, 5), nowrap=(2, 6))
    content = para(t("report.targets.intro", lang)) + table + para(tally, "qm-note")
    return section("sec-targets", t("report.sec.targets", lang), content)


# ---------------------------------------------------------------------------
# 二、activities
# ---------------------------------------------------------------------------
def _quality_month_activities(r: ReportInputs) -> pd.DataFrame | None:
    acts = r.tables.get("activities")
    if acts is None:
        return None
    lo, hi = bounds(r.params, "quality_month")
    held = pd.to_datetime(acts["held_on"])
    return acts[(held >= lo) & (held < hi)].sort_values("held_on", kind="stable")


def _participants(acts: pd.DataFrame) -> int:
    if "participants" not in acts.columns:
        return 0
    return int(pd.to_numeric(acts["participants"], errors="coerce").fillna(0).sum())


def _highlights(acts: pd.DataFrame) -> pd.Series:
    if "highlight" not in acts.columns:
        return pd.Series(False, index=acts.index)
    return acts["highlight"].astype("boolean").fillna(False).astype(bool)


def activity_category(value: object, lang: str) -> str:
    """Label of an activity category (canonical Chinese value) in ``lang``."""
    en = _ACTIVITY_EN.get(str(value))
    return t(f"report.activity_category.{en}", lang) if en else ("" if is_missing(value) else str(value))


def activities_section(r: ReportInputs) -> Markup:
    """二、核心工作举措与亮点: counts by category, highlight cards, the full list."""
    lang = r.lang or "zh"
    title = t("report.sec.activities", lang)
    acts = _quality_month_activities(r)
    if acts is None:
        return section("sec-activities", title, para(t("report.activities.none", lang), "qm-note"))
    p = r.params
    qs, qe = p.periods["quality_month"]
    n_cats = acts["category"].nunique()
    parts = [para(t("report.activities.intro", lang).format(
        start=qs.isoformat(), end=qe.isoformat(), count=len(acts), categories=n_cats,
        participants=fmt_int(_participants(acts)),
    ))]
    outside = len(r.tables["activities"]) - len(acts)
    if outside:
        parts.append(para(t("report.activities.outside", lang).format(n=outside), "qm-note"))
    if len(acts):
        hl = _highlights(acts)
        people = (pd.to_numeric(acts["participants"], errors="coerce") if "participants" in acts.columns
                  else pd.Series(0.0, index=acts.index))
        grouped = (pd.DataFrame({"category": acts["category"].astype(str), "people": people, "hl": hl})
                   .groupby("category", sort=False)
                   .agg(count=("people", "size"), people=("people", "sum"), hl=("hl", "sum"))
                   .sort_values("count", ascending=False, kind="stable"))
        rows = [[activity_category(cat, lang), int(g["count"]), fmt_int(g["people"]), int(g["hl"])]
                for cat, g in grouped.iterrows()]
        parts.append(h3(t("report.activities.by_category", lang)))
        parts.append(html_table(
            [t("report.col.category", lang), t("report.col.count", lang), t("report.col.participants", lang),
             t("report.col.highlights", lang)],
            rows, numeric=(1, 2, 3), nowrap=(0,), class_="qm-table--compact",
        ))
        parts.append(h3(t("report.activities.highlights", lang)))
        highlights = acts[hl]
        if highlights.empty:
            parts.append(para(t("report.activities.no_highlights", lang), "qm-note"))
        else:
            cards = []
            for _, a in highlights.iterrows():
                meta = [fmt_date(a["held_on"]), activity_category(a["category"], lang)]
                if "participants" in a and not is_missing(a["participants"]):
                    meta.append(t("report.activities.participants", lang).format(n=fmt_int(a["participants"])))
                desc = a.get("description")
                cards.append(tag(
                    "article",
                    tag("h4", resident_text(a["title"]))
                    + tag("p", " · ".join(meta), class_="qm-card-meta")
                    + (tag("p", resident_text(desc)) if not is_missing(desc) else Markup("")),
                    class_="qm-highlight",
                ))
            parts.append(tag("div", join(cards), class_="qm-highlights"))
        parts.append(h3(t("report.activities.all", lang)))
        list_rows = []
        for _, a in acts.iterrows():
            star = badge(t("report.star", lang), "info") if bool(_highlights(acts).loc[a.name]) else Markup("")
            title_cell = resident_text(a["title"]) + (Markup(" ") + star if star else Markup(""))
            list_rows.append([
                fmt_date(a["held_on"]), activity_category(a["category"], lang), title_cell,
                fmt_int(a["participants"]) if "participants" in a else DASH,
            ])
        parts.append(html_table(
            [t("report.col.date", lang), t("report.col.category", lang), t("report.col.title", lang),
             t("report.col.participants", lang)],
            list_rows, numeric=(3,), nowrap=(0, 1), class_="qm-table--list",
        ))
    return section("sec-activities", title, join(parts))


# ---------------------------------------------------------------------------
# 三、results
# ---------------------------------------------------------------------------
def _comparison_table(r: ReportInputs, metric_ids: list[str], grouped: bool) -> Markup:
    lang = r.lang or "zh"
    periods = r.params.period_names
    values, changes = _index(r.metrics), _index(r.changes)
    header: list[object] = [t("report.results.col.metric", lang)]
    numeric = []
    for period in periods:
        numeric.append(len(header))
        header.append(_period_name(period, lang))
        if period != "baseline":
            numeric.append(len(header))
            header.append(Markup("{}<br>{}").format(_period_name(period, lang), t("report.results.col.change_vs", lang)))
    rows, groups = [], {}
    last_group = None
    for mid in metric_ids:
        group = metric_def(mid).group
        if grouped and group != last_group:
            groups[len(rows)] = t(f"group.{group}", lang)
            last_group = group
        row: list[object] = [tag("span", metric_label(mid, lang), class_="qm-metric")]
        for period in periods:
            row.append(value_cell(mid, values.get((mid, period)), lang))
            if period != "baseline":
                row.append(change_cell(mid, changes.get((mid, period)), lang))
        rows.append(row)
    return html_table(header, rows, numeric=numeric, group_rows=groups, class_="qm-table--results")


def _metric_order(ids: set[str]) -> list[str]:
    order = {m: i for i, m in enumerate(METRICS)}
    return sorted(ids, key=lambda m: (order.get(m.split(".", 1)[0], len(order)), m))


def results_section(r: ReportInputs, charts: Sequence[Chart] = ()) -> Markup:
    """三、取得的成效与量化数据: before/after table with marks, CI and n; breakdowns; charts."""
    lang = r.lang or "zh"
    title = t("report.sec.results", lang)
    ids = set() if r.metrics is None or r.metrics.empty else set(r.metrics["metric_id"].astype(str))
    if not ids:
        return section("sec-results", title, para(t("report.results.none", lang), "qm-note"))
    known = {m for m in ids if _known(m)}
    base = _metric_order({m for m in known if "." not in m})
    dims = _metric_order({m for m in known if "." in m})
    parts = [para(t("report.results.intro", lang)), para(t("report.results.legend", lang), "qm-legend")]
    parts.append(_comparison_table(r, base, grouped=True))
    zero = _all_zero(r.metrics, dims)
    shown = [m for m in dims if m not in zero]
    if shown:
        parts.append(h3(t("report.results.dimensions", lang)))
        parts.append(_comparison_table(r, shown, grouped=True))
    if zero:
        items = t("report.list_sep", lang).join(metric_label(m, lang) for m in zero)
        parts.append(para(t("report.results.zero_rows", lang).format(items=items), "qm-note"))
    figures = [figure_html(c) for c in charts if c.figure is not None or c.png is not None]
    if figures:
        parts.append(h3(t("report.results.charts", lang)))
        parts.append(tag("div", join(figures), class_="qm-figures"))
    parts.append(para(t("report.results.caveat", lang), "qm-note"))
    return section("sec-results", title, join(parts))


def _all_zero(metrics: pd.DataFrame, metric_ids: list[str]) -> list[str]:
    """Metric ids whose value is 0 in every period they have (e.g. failure rates of types that never failed)."""
    values = metrics.assign(metric_id=metrics["metric_id"].astype(str))
    out = []
    for mid in metric_ids:
        v = pd.to_numeric(values.loc[values["metric_id"] == mid, "value"], errors="coerce")
        if len(v) and v.notna().all() and (v == 0).all():
            out.append(mid)
    return out


def _known(metric_id: str) -> bool:
    try:
        metric_def(metric_id)
    except KeyError:
        return False
    return True


# ---------------------------------------------------------------------------
# 四、shortcomings
# ---------------------------------------------------------------------------
SEVERITY_BADGE = {"high": "high", "medium": "medium", "low": "low"}


def shortcomings_section(r: ReportInputs) -> Markup:
    """四、存在的问题与不足: the ranked shortcomings with their evidence sentence."""
    lang = r.lang or "zh"
    title = t("report.sec.shortcomings", lang)
    rows = _rows(r.shortcomings)
    if not rows:
        return section("sec-shortcomings", title, para(t("report.shortcomings.none", lang), "qm-note"))
    header = [
        t("report.shortcomings.col.rank", lang), t("finding.col.severity", lang), t("finding.col.category", lang),
        t("finding.col.metric", lang), t("finding.col.evidence", lang),
    ]
    body = []
    for i, row in enumerate(rows, start=1):
        sev = str(row.get("severity", ""))
        mid = row.get("metric_id")
        body.append([
            tag("span", row.get("shortcoming_id") or i, class_="qm-id"),
            badge(_label(f"finding.severity.{sev}", sev, lang), SEVERITY_BADGE.get(sev, "neutral")),
            _label(f"finding.category.{row.get('category')}", row.get("category"), lang),
            metric_label(str(mid), lang) if not is_missing(mid) and str(mid) and _known(str(mid)) else DASH,
            resident_text(row.get("evidence")),
        ])
    intro = para(t("report.shortcomings.intro", lang).format(count=len(rows)))
    table = html_table(header, body, nowrap=(0, 1, 2), class_="qm-table--findings")
    return section("sec-shortcomings", title, intro + table)


# ---------------------------------------------------------------------------
# 五、plan
# ---------------------------------------------------------------------------
def _stage(value: object, lang: str) -> str:
    text = "" if is_missing(value) else str(value).strip()
    key = f"plan.stage.{text[:1].upper() + text[1:].lower()}" if text else ""
    return _label(key, text, lang)


def _kpi_label(kpi: object, lang: str) -> Markup:
    """A KPI: a metric id becomes its label; other text (already a label) is escaped."""
    if is_missing(kpi) or not str(kpi):
        return Markup(DASH)
    text = str(kpi)
    return esc(metric_label(text, lang)) if _known(text) else resident_text(text)


def _kpi_metric(row: dict) -> str | None:
    for col in ("kpi_metric_id", "kpi"):
        value = row.get(col)
        if not is_missing(value) and _known(str(value)):
            return str(value)
    return None


def _kpi_target(row: dict) -> str:
    """The KPI target as text: ``kpi_target_text`` when given, else ``kpi_target`` in the KPI's unit."""
    text = row.get("kpi_target_text")
    if not is_missing(text) and str(text).strip():
        return str(text)
    value = row.get("kpi_target")
    if is_missing(value):
        return DASH
    metric = _kpi_metric(row)
    return fmt_value(metric, value) if metric else str(value)


def _kpi_current(row: dict) -> str:
    value = row.get("kpi_current")
    if is_missing(value):
        return DASH
    metric = _kpi_metric(row)
    return fmt_value(metric, value) if metric else f"{float(value):g}"  # type: ignore[arg-type]


def _split_plan(r: ReportInputs) -> tuple[pd.DataFrame, pd.DataFrame | Sequence[str] | None]:
    """(actions answering a shortcoming, routine mechanisms).

    Routine mechanisms are ``r.routines`` when given, else the plan rows
    without a ``shortcoming_id`` (how :func:`qmlib.plan.build_plan` appends them).
    """
    plan = r.plan if r.plan is not None else pd.DataFrame()
    if plan.empty or "shortcoming_id" not in plan.columns:
        return plan, r.routines
    sid = plan["shortcoming_id"].astype("string").fillna("").str.strip()
    actions, routine_rows = plan[sid != ""], plan[sid == ""]
    if r.routines is not None:
        return actions, r.routines
    return actions, routine_rows


def plan_section(r: ReportInputs) -> Markup:
    """五、未来展望与持续改进计划: PDCA actions, routine mechanisms, next targets."""
    lang = r.lang or "zh"
    title = t("report.sec.plan", lang)
    parts = [para(t("report.plan.intro", lang))]
    actions, routines = _split_plan(r)
    parts.append(h3(t("report.plan.actions", lang)))
    if actions.empty:
        parts.append(para(t("report.plan.none", lang), "qm-note"))
    else:
        cols = ["action_id", "shortcoming_id", "action", "owner_role", "due_on", "kpi", "kpi_target", "pdca_stage"]
        body = [[
            tag("span", row.get("action_id"), class_="qm-id"),
            tag("span", row.get("shortcoming_id"), class_="qm-id"),
            resident_text(row.get("action")),
            esc(row.get("owner_role")),
            fmt_date(row.get("due_on")),
            _kpi_label(row.get("kpi"), lang),
            _kpi_target(row),
            badge(_stage(row.get("pdca_stage"), lang), "info"),
        ] for row in _rows(actions)]
        parts.append(html_table([t(f"plan.col.{c}", lang) for c in cols], body,
                                nowrap=(0, 1, 3, 4, 6, 7), class_="qm-table--plan"))
    if isinstance(routines, pd.DataFrame) and not routines.empty:
        parts.append(h3(t("report.plan.routines", lang)))
        if "action" in routines.columns:
            cols = ["action", "owner_role", "kpi", "kpi_target", "pdca_stage"]
            body = [[
                resident_text(row.get("action")), esc(row.get("owner_role")), _kpi_label(row.get("kpi"), lang),
                _kpi_target(row), badge(_stage(row.get("pdca_stage"), lang), "info"),
            ] for row in _rows(routines)]
            parts.append(html_table([t(f"plan.col.{c}", lang) for c in cols], body, nowrap=(1, 3, 4),
                                    class_="qm-table--routines"))
        else:
            parts.append(_frame_table(routines, lang))
    elif routines is not None and not isinstance(routines, pd.DataFrame) and len(routines):
        parts.append(h3(t("report.plan.routines", lang)))
        parts.append(bullet_list([resident_text(x) for x in routines]))
    next_rows = _next_targets(r.plan if r.plan is not None else pd.DataFrame(), lang)
    if next_rows:
        parts.append(h3(t("report.plan.next_targets", lang)))
        parts.append(para(t("report.plan.next_intro", lang)))
        header = [t("ui.metric", lang), t("report.plan.col.current", lang), t("report.plan.col.next", lang),
                  t("plan.col.due_on", lang)]
        parts.append(html_table(header, next_rows, numeric=(1, 2), nowrap=(1, 2, 3), class_="qm-table--next"))
    parts.append(para(t("report.plan.closing", lang), "qm-closing"))
    return section("sec-plan", title, join(parts))


def _frame_table(frame: pd.DataFrame, lang: str) -> Markup:
    """A generic table of a DataFrame: headers by ``plan.col.*``/``report.plan.col.*`` labels."""
    header = [_label(f"plan.col.{c}", _label(f"report.plan.col.{c}", c, lang), lang) for c in frame.columns]
    rows = [[resident_text(v) if isinstance(v, str) else (fmt_date(v) if isinstance(v, dt.date | pd.Timestamp) else
             (DASH if is_missing(v) else v)) for v in rec.values()] for rec in _rows(frame)]
    return html_table(header, rows)


def _next_targets(plan: pd.DataFrame, lang: str) -> list[list[object]]:
    """One row per KPI with a target: KPI, current value, next target, due date.

    When several actions share a KPI, the most demanding numeric target is
    kept (highest when higher is better, lowest when lower is better) with
    its due date.
    """
    if plan.empty or "kpi" not in plan.columns:
        return []
    best: dict[str, dict] = {}
    for row in _rows(plan):
        kpi = row.get("kpi")
        if is_missing(kpi) or not str(kpi) or _kpi_target(row) == DASH:
            continue
        key = str(kpi)
        if key not in best:
            best[key] = row
            continue
        old, new = best[key].get("kpi_target"), row.get("kpi_target")
        metric = _kpi_metric(row)
        direction = better_of(metric) if metric else 0
        if direction and not is_missing(old) and not is_missing(new) and direction * (float(new) - float(old)) > 0:
            best[key] = row
    return [[_kpi_label(row.get("kpi"), lang), _kpi_current(row), tag("strong", _kpi_target(row)),
             fmt_date(row.get("due_on"))] for row in best.values()]


# ---------------------------------------------------------------------------
# appendix
# ---------------------------------------------------------------------------
def appendix_section(r: ReportInputs, max_reasons: int = 20) -> Markup:
    """附录: rows read/accepted/rejected per table, rejects by reason, method notes."""
    lang = r.lang or "zh"
    p = r.params
    parts = [h3(t("report.appendix.ingest", lang)), para(t("report.appendix.ingest_intro", lang))]
    summary_rows = _rows(r.ingest_summary)
    if summary_rows:
        body, totals = [], [0, 0, 0]
        for row in summary_rows:
            counts = [int(row.get(c) or 0) for c in ("rows_read", "rows_accepted", "rows_rejected")]
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            body.append([
                t(f"table.{row.get('table')}", lang), PurePath(str(row.get("source_file", ""))).name,
                *(f"{c:,}" for c in counts),
            ])
        body.append([tag("strong", t("report.appendix.total", lang)), "", *(tag("strong", f"{c:,}") for c in totals)])
        parts.append(html_table(
            [t("ui.table", lang), t("report.appendix.col.file", lang), t("ui.rows_read", lang),
             t("ui.rows_accepted", lang), t("ui.rows_rejected", lang)],
            body, numeric=(2, 3, 4),
        ))
    missing = [t(f"table.{name}", lang) for name in TABLES if name not in r.tables]
    if missing:
        parts.append(para(t("report.appendix.missing_tables", lang).format(
            tables=t("report.list_sep", lang).join(missing)), "qm-note"))
    parts.append(h3(t("report.appendix.rejects", lang)))
    rejects = r.rejects
    if rejects is None or rejects.empty:
        parts.append(para(t("report.appendix.no_rejects", lang), "qm-note"))
    else:
        from ..ingest.quality import rejects_by_reason

        by_reason = rejects_by_reason(rejects)
        body = [[t(f"table.{row['table']}", lang), esc(row["column"]), resident_text(row["reason"]),
                 f"{int(row['rows']):,}"] for row in _rows(by_reason.head(max_reasons))]
        parts.append(html_table(
            [t("ui.table", lang), t("report.appendix.col.column", lang), t("ui.reason", lang),
             t("report.appendix.col.rows", lang)],
            body, numeric=(3,), class_="qm-table--rejects",
        ))
        if len(by_reason) > max_reasons:
            parts.append(para(t("report.appendix.rejects_more", lang).format(n=len(by_reason) - max_reasons), "qm-note"))
    parts.append(h3(t("report.appendix.methods", lang)))
    parts.append(bullet_list(method_notes(p, lang), class_="qm-methods"))
    footer = para(t("report.footer", lang).format(community_id=p.community_id), "qm-footer-note")
    return section("sec-appendix", t("report.sec.appendix", lang), join(parts) + footer)


def method_notes(p: Params, lang: str) -> list[str]:
    """The method notes of the appendix: periods, formulas, SLA, intervals, tests, missing data, privacy."""
    periods = t("report.clause_sep", lang).join(f"{_period_name(x, lang)} {_period_range(p, x, lang)}" for x in p.period_names)

    def num(x: float) -> str:
        return f"{x:g}"

    sla = p.sla
    return [
        t("report.method.periods", lang).format(periods=periods, as_of=p.as_of_date.isoformat()),
        t("report.method.satisfaction", lang).format(scale=p.survey_scale),
        t("report.method.rates", lang).format(households=f"{p.households:,}"),
        t("report.method.sla", lang).format(
            normal=num(sla.repair_arrival_minutes["普通"]), urgent=num(sla.repair_arrival_minutes["紧急"]),
            hours=num(sla.complaint_response_hours), minor=num(sla.hazard_due_days["一般"]),
            major=num(sla.hazard_due_days["较大"]), critical=num(sla.hazard_due_days["重大"]),
            tolerance=num(sla.maintenance_tolerance_days), inspection=num(p.inspection_pass_score),
            training=num(p.training_pass_score),
        ),
        t("report.method.ci", lang),
        t("report.method.tests", lang),
        t("report.method.missing", lang),
        t("report.method.privacy", lang),
    ]


__all__ = [
    "SECTION_IDS",
    "ReportInputs",
    "activities_section",
    "appendix_section",
    "change_cell",
    "change_mark",
    "cover",
    "key_cards",
    "key_points",
    "method_notes",
    "plan_section",
    "results_section",
    "shortcomings_section",
    "summary",
    "targets_section",
    "value_cell",
]
