"""二、核心工作举措与亮点 (``sec-activities``): initiatives by category, highlights, list."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from ...labels import t
from ...periods import bounds
from ...schema import ACTIVITY_CATEGORY
from ..fmt import DASH, fmt_date, fmt_int, is_missing
from ..front import notes_html
from ..markup import badge, h3, html_table, join, para, resident_text, section, tag
from .common import ReportInputs
from .insights import activities_insights

_ACTIVITY_EN = {zh: en for en, zh in ACTIVITY_CATEGORY.items() if en != zh.lower()}


def quality_month_activities(r: ReportInputs) -> pd.DataFrame | None:
    acts = r.tables.get("activities")
    if acts is None:
        return None
    lo, hi = bounds(r.params, "quality_month")
    held = pd.to_datetime(acts["held_on"])
    return acts[(held >= lo) & (held < hi)].sort_values("held_on", kind="stable")


def participants_total(acts: pd.DataFrame) -> int:
    if "participants" not in acts.columns:
        return 0
    return int(pd.to_numeric(acts["participants"], errors="coerce").fillna(0).sum())


def highlight_flags(acts: pd.DataFrame) -> pd.Series:
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
    acts = quality_month_activities(r)
    if acts is None:
        return section(
            "sec-activities",
            title,
            para(t("report.activities.none", lang), "qm-note") + notes_html(r.notes, "activities"),
        )
    p = r.params
    qs, qe = p.periods["quality_month"]
    n_cats = acts["category"].nunique()
    parts = [
        para(
            t("report.activities.intro", lang).format(
                start=qs.isoformat(),
                end=qe.isoformat(),
                count=len(acts),
                categories=n_cats,
                participants=fmt_int(participants_total(acts)),
            )
        )
    ]
    outside = len(r.tables["activities"]) - len(acts)
    if outside:
        parts.append(para(t("report.activities.outside", lang).format(n=outside), "qm-note"))
    if len(acts):
        hl = highlight_flags(acts)
        people = (
            pd.to_numeric(acts["participants"], errors="coerce")
            if "participants" in acts.columns
            else pd.Series(0.0, index=acts.index)
        )
        grouped = (
            pd.DataFrame({"category": acts["category"].astype(str), "people": people, "hl": hl})
            .groupby("category", sort=False)
            .agg(count=("people", "size"), people=("people", "sum"), hl=("hl", "sum"))
            .sort_values("count", ascending=False, kind="stable")
        )
        rows = [
            [activity_category(cat, lang), int(g["count"]), fmt_int(g["people"]), int(g["hl"])]
            for cat, g in grouped.iterrows()
        ]
        parts.append(h3(t("report.activities.by_category", lang)))
        parts.append(
            html_table(
                [
                    t("report.col.category", lang),
                    t("report.col.count", lang),
                    t("report.col.participants", lang),
                    t("report.col.highlights", lang),
                ],
                rows,
                numeric=(1, 2, 3),
                nowrap=(0,),
                class_="qm-table--compact",
            )
        )
        parts.append(h3(t("report.activities.highlights", lang)))
        highlights = acts[hl]
        if highlights.empty:
            parts.append(para(t("report.activities.no_highlights", lang), "qm-note"))
        else:
            cards = []
            for _, a in highlights.iterrows():
                meta = [fmt_date(a["held_on"]), activity_category(a["category"], lang)]
                if "participants" in a and not is_missing(a["participants"]):
                    meta.append(
                        t("report.activities.participants", lang).format(n=fmt_int(a["participants"]))
                    )
                desc = a.get("description")
                cards.append(
                    tag(
                        "article",
                        tag("h4", resident_text(a["title"]))
                        + tag("p", " · ".join(meta), class_="qm-card-meta")
                        + (tag("p", resident_text(desc)) if not is_missing(desc) else Markup("")),
                        class_="qm-highlight",
                    )
                )
            parts.append(tag("div", join(cards), class_="qm-highlights"))
        parts.append(activities_insights(r))  # initiative effects and good cases (insights.csv)
        parts.append(h3(t("report.activities.all", lang)))
        list_rows = []
        for _, a in acts.iterrows():
            star = (
                badge(t("report.star", lang), "info")
                if bool(highlight_flags(acts).loc[a.name])
                else Markup("")
            )
            title_cell = resident_text(a["title"]) + (Markup(" ") + star if star else Markup(""))
            list_rows.append(
                [
                    fmt_date(a["held_on"]),
                    activity_category(a["category"], lang),
                    title_cell,
                    fmt_int(a["participants"]) if "participants" in a else DASH,
                ]
            )
        parts.append(
            html_table(
                [
                    t("report.col.date", lang),
                    t("report.col.category", lang),
                    t("report.col.title", lang),
                    t("report.col.participants", lang),
                ],
                list_rows,
                numeric=(3,),
                nowrap=(0, 1),
                class_="qm-table--list",
            )
        )
    return section("sec-activities", title, join(parts) + notes_html(r.notes, "activities"))
