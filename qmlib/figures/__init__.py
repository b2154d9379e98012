"""Charts of the quality-month report (seaborn/matplotlib), zh or en.

Every chart function is pure: it takes data (clean tables and/or the metrics
frame), the community's :class:`~qmlib.params.Params` and a language, and
returns a :class:`matplotlib.figure.Figure` (not managed by pyplot, so it is
never displayed twice and needs no closing), or ``None`` when there is no
data for it. Titles, axis labels and legends come from
:mod:`qmlib.labels.figures`. Use :func:`show` in notebooks (a compact PNG)
and :func:`to_png` to embed a chart elsewhere.
"""

from __future__ import annotations

from .compare import GROUPS, dimension_comparison, failure_by_type, period_comparison
from .control import imr_figure, p_chart_figure, u_chart_figure
from .fonts import DPI, cjk_font_name, setup_fonts
from .pareto import category_pareto, pareto_table
from .repairs import arrival_distribution
from .safety import hazard_funnel, hazard_funnel_table
from .style import NOTEBOOK_FIGURES_ENV, PERIOD_COLORS, notebook_figures, show, show_png, to_png
from .tables import style_targets, target_table
from .training import training_coverage, training_coverage_table
from .trends import weekly_trends

__all__ = [
    "DPI",
    "GROUPS",
    "NOTEBOOK_FIGURES_ENV",
    "PERIOD_COLORS",
    "arrival_distribution",
    "category_pareto",
    "cjk_font_name",
    "dimension_comparison",
    "failure_by_type",
    "hazard_funnel",
    "hazard_funnel_table",
    "imr_figure",
    "notebook_figures",
    "p_chart_figure",
    "pareto_table",
    "period_comparison",
    "setup_fonts",
    "show",
    "show_png",
    "style_targets",
    "target_table",
    "to_png",
    "training_coverage",
    "training_coverage_table",
    "u_chart_figure",
    "weekly_trends",
]
