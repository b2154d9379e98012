"""三、取得的成效与量化数据 (``sec-results``): before/after tables with CI, n, p; charts."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from markupsafe import Markup

from ...catalog import METRICS, metric_def
from ...labels import metric_label, t
from ..fmt import DASH, SMALL_SAMPLE_N
from ..front import notes_html
from ..markup import Chart, figure_html, h3, html_table, join, para, section, tag
from .common import (
    ReportInputs,
    change_cell,
    index_rows,
    is_small_change,
    known_metric,
    no_valid_data,
    period_name,
    rejected_tables,
    significance_level,
    value_cell,
)
from .insights import results_drivers


def _comparison_table(r: ReportInputs, metric_ids: list[str], grouped: bool) -> Markup:
    lang = r.lang or "zh"
    periods = r.params.period_names
    values, changes = index_rows(r.metrics), index_rows(r.changes)
    rejected = rejected_tables(r)
    header: list[object] = [t("report.results.col.metric", lang)]
    numeric = []
    for period in periods:
        numeric.append(len(header))
        header.append(period_name(period, lang))
        if period != "baseline":
            numeric.append(len(header))
            header.append(
                Markup("{}<br>{}").format(period_name(period, lang), t("report.results.col.change_vs", lang))
            )
    rows: list[Sequence[object]] = []
    groups: dict[int, str] = {}
    last_group = None
    for mid in metric_ids:
        group = metric_def(mid).group
        if grouped and group != last_group:
            groups[len(rows)] = t(f"group.{group}", lang)
            last_group = group
        row: list[object] = [tag("span", metric_label(mid, lang), class_="qm-metric")]
        invalid = no_valid_data(mid, rejected, lang)
        for period in periods:
            if invalid is not None:
                row.extend([invalid] if period == "baseline" else [invalid, Markup(DASH)])
                continue
            row.append(value_cell(mid, values.get((mid, period)), lang))
            if period != "baseline":
                small = is_small_change(values, mid, period)
                row.append(change_cell(mid, changes.get((mid, period)), lang, small=small))
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
        return section(
            "sec-results",
            title,
            para(t("report.results.none", lang), "qm-note") + notes_html(r.notes, "results"),
        )
    known = {m for m in ids if known_metric(m)}
    base = _metric_order({m for m in known if "." not in m})
    dims = _metric_order({m for m in known if "." in m})
    parts = [para(t("report.results.intro", lang)), para(results_legend(lang), "qm-legend")]
    parts.append(_comparison_table(r, base, grouped=True))
    parts.append(results_drivers(r))  # what drove each headline change; caveats (insights.csv)
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
    return section("sec-results", title, join(parts) + notes_html(r.notes, "results"))


def results_legend(lang: str) -> str:
    """The legend of the result marks: significant, within sampling noise (neutral), small sample."""
    return t("report.results.legend", lang).format(level=significance_level(), min_n=SMALL_SAMPLE_N)


def _all_zero(metrics: pd.DataFrame, metric_ids: list[str]) -> list[str]:
    """Metric ids whose value is 0 in every period they have (e.g. failure rates of types that never failed)."""
    values = metrics.assign(metric_id=metrics["metric_id"].astype(str))
    out = []
    for mid in metric_ids:
        v = pd.to_numeric(values.loc[values["metric_id"] == mid, "value"], errors="coerce")
        if len(v) and v.notna().all() and (v == 0).all():
            out.append(mid)
    return out
