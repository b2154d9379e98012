"""Which charts of :mod:`qmlib.figures` the report shows, in order, with captions.

Each chart function returns a Figure or None (no data); None charts are left
out and the remaining ones are numbered 图 1, 图 2, … in report order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from ..figures.cache import ChartCache
from ..labels import t
from ..params import Params
from .markup import Chart

#: (caption key, builder) of the key charts of section 三, in report order.
ChartBuilder = Callable[[Mapping[str, pd.DataFrame], Any, Params, str], Any]


def _frames(results: Any) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    if isinstance(results, Mapping):
        return results.get("metrics"), results.get("changes")
    return getattr(results, "metrics", None), getattr(results, "changes", None)


def _builders() -> list[tuple[str, ChartBuilder]]:
    from .. import figures as F

    def compare(group: str) -> ChartBuilder:
        def build(tables: Mapping[str, pd.DataFrame], results: Any, params: Params, lang: str) -> Any:
            metrics, changes = _frames(results)
            return F.period_comparison(metrics, group, params, lang, changes=changes)

        return build

    def dims(base: str) -> ChartBuilder:
        def build(tables: Mapping[str, pd.DataFrame], results: Any, params: Params, lang: str) -> Any:
            pass_mark = params.inspection_pass_score if base == "inspection_score" else None
            return F.dimension_comparison(_frames(results)[0], base, params, lang, pass_mark=pass_mark)

        return build

    return [
        ("report.chart.trends", lambda tb, r, p, lang: F.weekly_trends(dict(tb), p, lang)),
        ("report.chart.satisfaction", compare("satisfaction")),
        ("report.chart.satisfaction_dims", dims("satisfaction_index")),
        ("report.chart.complaints", compare("complaints")),
        (
            "report.chart.complaint_pareto",
            lambda tb, r, p, lang: F.category_pareto(dict(tb), p, lang, table="complaints"),
        ),
        ("report.chart.repairs", compare("repairs")),
        ("report.chart.arrival", lambda tb, r, p, lang: F.arrival_distribution(dict(tb), p, lang)),
        ("report.chart.equipment", compare("equipment")),
        ("report.chart.safety", lambda tb, r, p, lang: F.hazard_funnel(dict(tb), p, lang)),
        ("report.chart.inspections", dims("inspection_score")),
        ("report.chart.training", lambda tb, r, p, lang: F.training_coverage(dict(tb), p, lang)),
    ]


def chart_name(key: str) -> str:
    """File name of a report chart in the chart cache: ``report.chart.trends`` → ``trends``."""
    return key.removeprefix("report.chart.")


def key_charts(
    tables: Mapping[str, pd.DataFrame],
    results: Any,
    params: Params,
    lang: str | None = None,
    cache: ChartCache | None = None,
) -> list[Chart]:
    """The charts of section 三 that have data, captioned 图 1 … in ``lang``.

    ``results`` is a :class:`qmlib.metrics.MetricResults` (or a mapping with
    ``metrics`` and ``changes`` frames). With a valid ``cache`` (filled by
    notebook 02 from the same inputs) a chart's PNG is taken from it instead
    of drawing the chart again; a chart absent from a valid cache had no data.
    """
    lang = lang or params.language
    use_cache = cache is not None and cache.valid
    charts: list[Chart] = []
    for key, build in _builders():
        png = cache.get(chart_name(key)) if use_cache and cache is not None else None
        if use_cache and png is None:
            continue
        fig = None if png is not None else build(tables, results, params, lang)
        if fig is None and png is None:
            continue
        caption = t("report.chart.caption", lang).format(n=len(charts) + 1, title=t(key, lang))
        charts.append(Chart(caption, fig, png=png))
    return charts


def draw_key_charts(
    tables: Mapping[str, pd.DataFrame], results: Any, params: Params, lang: str, cache: ChartCache
) -> list[tuple[str, bytes]]:
    """Draw every report chart that has data, store its PNG in ``cache``; return (title, PNG)."""
    from ..figures import to_png

    drawn: list[tuple[str, bytes]] = []
    for key, build in _builders():
        fig = build(tables, results, params, lang)
        if fig is None:
            continue
        png = to_png(fig)
        cache.put(chart_name(key), png)
        drawn.append((t(key, lang), png))
    return drawn
