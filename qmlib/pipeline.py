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
from . import report, stages
from .outputs import atomic_write_bytes
from .report.charts import draw_key_charts


def notebook_only_figures(tables: dict, results, params, lang: str) -> list:
    """The figures notebook 02 shows besides the report's charts (None where there is no data)."""
    figs = [
        qf.period_comparison(results.metrics, g, params, lang, changes=results.changes)
        for g in ("safety", "inspections", "training", "activities")
    ]
    figs += [
        qf.failure_by_type(results.metrics, params, lang),
        qf.category_pareto(tables, params, lang, table="work_orders"),
        qf.p_chart_figure(tables, params, lang, "repair_timely_rate"),
        qf.p_chart_figure(tables, params, lang, "complaint_response_timely_rate"),
        qf.u_chart_figure(tables, params, lang),
        qf.imr_figure(tables, params, lang),
    ]
    return figs


def run_inprocess(
    community_id: str,
    data_dir: Path | str,
    params_dir: Path | str,
    out_dir: Path | str,
    documents: bool = True,
) -> Path:
    """Run every stage for one community; return the path of its report.html.

    Each stage reads what the one before it wrote (:mod:`qmlib.stages`), as
    the notebooks do. With ``documents`` (the default) also writes
    report.docx, report.pdf and brief.html/pdf, and keeps the plan under
    ``history/``, as ``qm run`` does.
    """
    qf.setup_fonts()
    community = stages.Community(community_id, data_dir, params_dir, out_dir)
    params, lang = community.params, community.lang
    outputs = {}
    for stage in stages.STAGES:
        outputs[stage.name] = stage.run(community)
        if stage.name == "metrics":  # notebook 02 draws the charts (04 embeds the report's)
            tables = stages.load_ingest(community).tables
            draw_key_charts(tables, outputs["metrics"], params, lang, stages.chart_cache(community))
            if qf.notebook_figures():  # as notebook 02: off in a batch unless asked for
                for fig in notebook_only_figures(tables, outputs["metrics"], params, lang):
                    if fig is not None:
                        qf.to_png(fig, quantize=False)
    metrics = stages.load_metrics(community)
    inputs = stages.report_inputs(community, metrics=metrics)
    charts = report.key_charts(inputs.tables, metrics, params, lang, cache=stages.chart_cache(community))
    body = Markup("").join(
        [
            report.cover(inputs),
            report.summary(inputs),
            report.targets_section(inputs),
            report.activities_section(inputs),
            report.results_section(inputs, charts),
            report.shortcomings_section(inputs),
            report.plan_section(inputs),
            report.appendix_section(inputs),
        ]
    )
    html = Markup('<!DOCTYPE html><html lang="{}"><meta charset="utf-8"><body>{}</body></html>').format(
        lang, body
    )
    path = community.layout.report_html
    atomic_write_bytes(path, str(html).encode("utf-8"))
    if documents:
        from .documents import write_documents
        from .plan.history import save_history

        write_documents(community.layout.folder, params, lang, params_dir=params_dir)
        save_history(community.layout.folder, params)
    return path
