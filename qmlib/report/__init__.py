"""Stage 4 output: the quality-month summary ``report.html``.

- :mod:`qmlib.report.sections` (one module per section) builds every section as an escaped HTML string
  from the stage outputs (:class:`ReportInputs`); the report notebook
  ``notebooks/04_plan.ipynb`` shows them with ``IPython.display.HTML``.
- :func:`render_report` turns the executed notebook into a self-contained
  ``report.html`` (nbconvert, template ``qm_report``: no code, no prompts,
  inline CSS, embedded images, a table of contents).
"""

from __future__ import annotations

from .charts import key_charts
from .markup import Chart, figure_html
from .render import remote_resources, render_html, render_report
from .sections import (
    SECTION_IDS,
    ReportInputs,
    activities_section,
    appendix_section,
    cover,
    plan_section,
    results_section,
    shortcomings_section,
    summary,
    targets_section,
)

__all__ = [
    "SECTION_IDS",
    "Chart",
    "ReportInputs",
    "activities_section",
    "appendix_section",
    "cover",
    "figure_html",
    "key_charts",
    "plan_section",
    "remote_resources",
    "render_html",
    "render_report",
    "results_section",
    "shortcomings_section",
    "summary",
    "targets_section",
]
