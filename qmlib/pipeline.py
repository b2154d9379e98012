"""The four stages in one Python process, without notebooks.

:func:`run_inprocess` makes the same qmlib calls and draws the same figures
as notebooks 01–04, and writes the same files, with the report sections put
in a minimal HTML page instead of nbconvert's template. It is the lower bound
that ``bench/batch.py`` compares ``qm run`` with, and a way to profile the
analysis itself.
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from . import figures as qf
from . import report
from .control_charts import signals as control_signals
from .figures.cache import ChartCache, inputs_key
from .ingest import ingest_community
from .insights import find_insights, write_insights
from .insights.links import read_insights
from .metrics import compute_all, write_metric_outputs
from .outputs import atomic_write_bytes
from .plan import build_plan, write_plan
from .report.charts import draw_key_charts
from .shortcomings import find_shortcomings, write_shortcomings


def notebook_only_figures(tables: dict, results, params, lang: str) -> list:
    """The figures notebook 02 shows besides the report's charts (None where there is no data)."""
    figs = [qf.period_comparison(results.metrics, g, params, lang, changes=results.changes)
            for g in ("safety", "inspections", "training", "activities")]
    figs += [
        qf.failure_by_type(results.metrics, params, lang),
        qf.category_pareto(tables, params, lang, table="work_orders"),
        qf.p_chart_figure(tables, params, lang, "repair_timely_rate"),
        qf.p_chart_figure(tables, params, lang, "complaint_response_timely_rate"),
        qf.u_chart_figure(tables, params, lang),
        qf.imr_figure(tables, params, lang),
    ]
    return figs


def run_inprocess(community_id: str, data_dir: Path | str, params_dir: Path | str,
                  out_dir: Path | str) -> Path:
    """Run every stage for one community; return the path of its report.html."""
    qf.setup_fonts()
    ingest = ingest_community(community_id, data_dir, params_dir, out_dir)
    params, tables, lang = ingest.params, ingest.tables, ingest.params.language
    folder = Path(out_dir) / community_id
    results = compute_all(tables, params)
    write_metric_outputs(results, folder)
    cache = ChartCache(folder, inputs_key(folder, Path(params_dir) / f"{community_id}.yaml", lang))
    draw_key_charts(tables, results, params, lang, cache)
    for fig in notebook_only_figures(tables, results, params, lang):
        if fig is not None:
            qf.to_png(fig, quantize=False)
    signals = control_signals(tables, params)
    shortcomings = find_shortcomings(tables, results, params, ingest_summary=ingest.summary,
                                     rejects=ingest.rejects, signals=signals, lang=lang)
    write_shortcomings(shortcomings, folder)
    insights = find_insights(tables, results, params, shortcomings, lang)
    write_insights(insights, folder)
    insights = read_insights(folder)  # the report reads what the stage wrote, as notebook 04 does
    plan = build_plan(shortcomings, results, params, lang=lang, insights=insights)
    write_plan(plan, folder, lang)
    inputs = report.ReportInputs(
        params=params, tables=tables, lang=lang, metrics=results.metrics, changes=results.changes,
        targets=results.targets, shortcomings=shortcomings, plan=plan,
        ingest_summary=ingest.summary, rejects=ingest.rejects, insights=insights,
    )
    charts = report.key_charts(tables, results, params, lang, cache=cache)
    body = Markup("").join([
        report.cover(inputs), report.summary(inputs), report.targets_section(inputs),
        report.activities_section(inputs), report.results_section(inputs, charts),
        report.shortcomings_section(inputs), report.plan_section(inputs), report.appendix_section(inputs),
    ])
    html = Markup('<!DOCTYPE html><html lang="{}"><meta charset="utf-8"><body>{}</body></html>').format(lang, body)
    path = folder / "report.html"
    atomic_write_bytes(path, str(html).encode("utf-8"))
    return path
