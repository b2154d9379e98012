"""HTML sections of the portfolio report, built with the report's safe markup helpers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from markupsafe import Markup

from ..labels import metric_label, t
from ..report.fmt import fmt_p, fmt_value
from ..report.markup import Chart, figure_html, html_table, join, para, section, tag
from .figures import kpi_distribution, target_heatmap
from .rollup import Portfolio

PERIODS = ("baseline", "quality_month", "followup")


def cover(p: Portfolio, lang: str = "zh", generated_on: dt.date | None = None) -> Markup:
    """Title block: number of communities and the generation date."""
    meta = [(t("portfolio.communities", lang), f"{len(p.communities):,}"),
            (t("report.meta.generated", lang), (generated_on or dt.date.today()).isoformat())]
    items = join(tag("div", tag("dt", k) + tag("dd", v)) for k, v in meta)
    return tag("header", tag("h1", t("portfolio.title", lang), class_="qm-title")
               + tag("dl", items, class_="qm-meta"), class_="qm-cover")


def pooled_section(p: Portfolio, lang: str = "zh") -> Markup:
    """Company KPIs per period, each with its pooled n and number of communities."""
    pooled = p.pooled
    rows = []
    periods = [q for q in PERIODS if q in set(pooled.get("period", []))]
    for metric_id, grp in pooled.groupby("metric_id", sort=False):
        by_period = grp.set_index("period")
        cells: list[object] = [metric_label(metric_id, lang)]
        for period in periods:
            if period in by_period.index and pd.notna(by_period.loc[period, "value"]):
                row = by_period.loc[period]
                cells.append(Markup("{}<br><small>n={:,}</small>").format(
                    fmt_value(metric_id, row["value"]), int(row["n"])))
            else:
                cells.append("—")
        rows.append(cells)
    header = [t("ui.metric", lang), *[t(f"period.{q}", lang) for q in periods]]
    body = para(t("portfolio.method", lang)) + html_table(header, rows, numeric=range(1, len(header)))
    return section("pooled", t("portfolio.pooled", lang), body)


def distribution_section(p: Portfolio, lang: str = "zh") -> Markup:
    chart = Chart(t("portfolio.distribution", lang), kpi_distribution(p.metrics, lang))
    return section("distribution", t("portfolio.distribution", lang), figure_html(chart))


def heatmap_section(p: Portfolio, lang: str = "zh") -> Markup:
    names = dict(zip(p.communities["community_id"], p.communities["name"], strict=True))
    chart = Chart(t("portfolio.heatmap", lang), target_heatmap(p.targets, names, lang))
    return section("targets", t("portfolio.heatmap", lang), figure_html(chart))


def ranking_section(p: Portfolio, lang: str = "zh", metric_id: str = "satisfaction_index",
                    period: str = "quality_month", top: int = 5) -> Markup:
    """Communities with the largest and smallest change of one metric (with p-values)."""
    changes = p.changes
    if changes.empty:
        return Markup("")
    sub = changes[(changes["metric_id"] == metric_id) & (changes["period"] == period)].dropna(subset=["change"])
    sub = sub.sort_values("change", ascending=False)
    names = dict(zip(p.communities["community_id"], p.communities["name"], strict=True))
    header = [t("portfolio.community", lang), t("period.baseline", lang), t(f"period.{period}", lang),
              t("ui.change", lang), t("ui.p_value", lang)]

    def rows(frame: pd.DataFrame) -> list[list[object]]:
        return [[names.get(r.community_id, r.community_id), fmt_value(metric_id, r.baseline_value),
                 fmt_value(metric_id, r.value), fmt_value(metric_id, r.change), fmt_p(r.p_value, lang)]
                for r in frame.itertuples()]

    body = (tag("h3", t("portfolio.best", lang), class_="qm-h3")
            + html_table(header, rows(sub.head(top)), numeric=range(1, 5))
            + tag("h3", t("portfolio.worst", lang), class_="qm-h3")
            + html_table(header, rows(sub.tail(top).iloc[::-1]), numeric=range(1, 5)))
    title = f"{t('portfolio.ranking', lang)}: {metric_label(metric_id, lang)}"
    return section("ranking", title, body)


def shortcomings_section(p: Portfolio, lang: str = "zh", top: int = 12) -> Markup:
    """Kinds of shortcoming by the number of communities they occur in."""
    s = p.shortcomings
    total = len(p.communities)
    if s.empty or "kind" not in s.columns:
        return section("shortcomings", t("portfolio.shortcomings", lang), para(t("ui.missing", lang)))
    counts = s.groupby("kind")["community_id"].nunique().sort_values(ascending=False).head(top)
    rows = [[t(f"finding.kind.{k}", lang), f"{n:,} / {total:,}", f"{n / total:.0%}"] for k, n in counts.items()]
    header = [t("portfolio.finding", lang), t("portfolio.share_of_communities", lang), "%"]
    return section("shortcomings", t("portfolio.shortcomings", lang), html_table(header, rows, numeric=(1, 2)))


