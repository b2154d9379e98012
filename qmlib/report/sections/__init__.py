"""The sections of report.html, each built as a safe HTML string (one module per section).

Every function takes a :class:`ReportInputs` (what stages 1–4 produced for
one community) and returns :class:`markupsafe.Markup`; the report notebook
shows it with ``IPython.display.HTML``. Numbers are formatted by
:mod:`qmlib.report.fmt`, text by :mod:`qmlib.labels`, and every value from
the data is escaped (free text also PII-masked) by :mod:`qmlib.report.markup`.
Shared pieces (:class:`ReportInputs`, cells, row helpers) live in
:mod:`qmlib.report.sections.common`.

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

from .activities import activities_section, activity_category
from .appendix import appendix_section, method_notes
from .common import SECTION_IDS, ReportInputs, change_cell, change_mark, value_cell
from .cover import cover
from .plan import plan_section
from .results import results_section
from .shortcomings import SEVERITY_BADGE, shortcomings_section
from .summary import CARD_METRICS, key_cards, key_points, summary
from .targets import achieved_badge, target_text, targets_section

__all__ = [
    "CARD_METRICS",
    "SECTION_IDS",
    "SEVERITY_BADGE",
    "ReportInputs",
    "achieved_badge",
    "activities_section",
    "activity_category",
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
    "target_text",
    "targets_section",
    "value_cell",
]
