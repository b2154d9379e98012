"""四、存在的问题与不足 (``sec-shortcomings``): ranked problems with evidence."""

from __future__ import annotations

from markupsafe import Markup

from ...labels import metric_label, t
from ..fmt import DASH, is_missing
from ..front import notes_html
from ..markup import badge, html_table, para, resident_text, section, tag
from .common import ReportInputs, known_metric, label_or, records
from .insights import bad_cases, has_insights, residents_voice, shortcoming_stories

SEVERITY_BADGE = {"high": "high", "medium": "medium", "low": "low"}


def shortcomings_section(r: ReportInputs) -> Markup:
    """四、存在的问题与不足: the ranked shortcomings with their evidence sentence."""
    lang = r.lang or "zh"
    title = t("report.sec.shortcomings", lang)
    rows = records(r.shortcomings)
    if not rows:
        none = para(t("report.shortcomings.none", lang), "qm-note")
        return section(
            "sec-shortcomings", title, none + residents_voice(r) + notes_html(r.notes, "shortcomings")
        )
    if has_insights(r):
        return section(
            "sec-shortcomings", title, _with_insights(r, len(rows)) + notes_html(r.notes, "shortcomings")
        )
    header = [
        t("report.shortcomings.col.rank", lang),
        t("finding.col.severity", lang),
        t("finding.col.category", lang),
        t("finding.col.metric", lang),
        t("finding.col.evidence", lang),
    ]
    body = []
    for i, row in enumerate(rows, start=1):
        sev = str(row.get("severity", ""))
        mid = row.get("metric_id")
        body.append(
            [
                tag("span", row.get("shortcoming_id") or i, class_="qm-id"),
                badge(label_or(f"finding.severity.{sev}", sev, lang), SEVERITY_BADGE.get(sev, "neutral")),
                label_or(f"finding.category.{row.get('category')}", row.get("category"), lang),
                metric_label(str(mid), lang)
                if not is_missing(mid) and str(mid) and known_metric(str(mid))
                else DASH,
                resident_text(row.get("evidence")),
            ]
        )
    intro = para(t("report.shortcomings.intro", lang).format(count=len(rows)))
    table = html_table(header, body, nowrap=(0, 1, 2), class_="qm-table--findings")
    return section("sec-shortcomings", title, intro + table + notes_html(r.notes, "shortcomings"))


def _with_insights(r: ReportInputs, count: int) -> Markup:
    """Root-cause stories (cause under effect), bad cases, residents' voice (insights.csv)."""
    lang = r.lang or "zh"
    intro = para(t("report.shortcomings.intro", lang).format(count=count))
    note = para(t("insight.report.stories_intro", lang), "qm-note")
    return intro + note + shortcoming_stories(r) + bad_cases(r) + residents_voice(r)
