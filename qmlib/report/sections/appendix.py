"""附录 (``sec-appendix``): ingest summary, rejects by reason, method notes."""

from __future__ import annotations

from pathlib import PurePath

from markupsafe import Markup

from ...labels import t
from ...params import Params
from ...schema import TABLES
from ..markup import bullet_list, esc, h3, html_table, join, para, resident_text, section, tag
from .common import ReportInputs, period_name, period_range, records


def appendix_section(r: ReportInputs, max_reasons: int = 20) -> Markup:
    """附录: rows read/accepted/rejected per table, rejects by reason, method notes."""
    lang = r.lang or "zh"
    p = r.params
    parts = [h3(t("report.appendix.ingest", lang)), para(t("report.appendix.ingest_intro", lang))]
    summary_rows = records(r.ingest_summary)
    if summary_rows:
        body, totals = [], [0, 0, 0]
        for row in summary_rows:
            counts = [int(row.get(c) or 0) for c in ("rows_read", "rows_accepted", "rows_rejected")]
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            body.append([
                t(f"table.{row.get('table')}", lang), PurePath(str(row.get("source_file", ""))).name,
                *(f"{c:,}" for c in counts),
            ])
        body.append([tag("strong", t("report.appendix.total", lang)), "", *(tag("strong", f"{c:,}") for c in totals)])
        parts.append(html_table(
            [t("ui.table", lang), t("report.appendix.col.file", lang), t("ui.rows_read", lang),
             t("ui.rows_accepted", lang), t("ui.rows_rejected", lang)],
            body, numeric=(2, 3, 4),
        ))
    missing = [t(f"table.{name}", lang) for name in TABLES if name not in r.tables]
    if missing:
        parts.append(para(t("report.appendix.missing_tables", lang).format(
            tables=t("report.list_sep", lang).join(missing)), "qm-note"))
    parts.append(h3(t("report.appendix.rejects", lang)))
    rejects = r.rejects
    if rejects is None or rejects.empty:
        parts.append(para(t("report.appendix.no_rejects", lang), "qm-note"))
    else:
        from ...ingest.quality import rejects_by_reason

        by_reason = rejects_by_reason(rejects)
        body = [[t(f"table.{row['table']}", lang), esc(row["column"]), resident_text(row["reason"]),
                 f"{int(row['rows']):,}"] for row in records(by_reason.head(max_reasons))]
        parts.append(html_table(
            [t("ui.table", lang), t("report.appendix.col.column", lang), t("ui.reason", lang),
             t("report.appendix.col.rows", lang)],
            body, numeric=(3,), class_="qm-table--rejects",
        ))
        if len(by_reason) > max_reasons:
            parts.append(para(t("report.appendix.rejects_more", lang).format(n=len(by_reason) - max_reasons), "qm-note"))
    parts.append(h3(t("report.appendix.methods", lang)))
    parts.append(bullet_list(method_notes(p, lang), class_="qm-methods"))
    footer = para(t("report.footer", lang).format(community_id=p.community_id), "qm-footer-note")
    return section("sec-appendix", t("report.sec.appendix", lang), join(parts) + footer)


def method_notes(p: Params, lang: str) -> list[str]:
    """The method notes of the appendix: periods, formulas, SLA, intervals, tests, missing data, privacy."""
    periods = t("report.clause_sep", lang).join(f"{period_name(x, lang)} {period_range(p, x, lang)}" for x in p.period_names)

    def num(x: float) -> str:
        return f"{x:g}"

    sla = p.sla
    return [
        t("report.method.periods", lang).format(periods=periods, as_of=p.as_of_date.isoformat()),
        t("report.method.satisfaction", lang).format(scale=p.survey_scale),
        t("report.method.rates", lang).format(households=f"{p.households:,}"),
        t("report.method.sla", lang).format(
            normal=num(sla.repair_arrival_minutes["普通"]), urgent=num(sla.repair_arrival_minutes["紧急"]),
            hours=num(sla.complaint_response_hours), minor=num(sla.hazard_due_days["一般"]),
            major=num(sla.hazard_due_days["较大"]), critical=num(sla.hazard_due_days["重大"]),
            tolerance=num(sla.maintenance_tolerance_days), inspection=num(p.inspection_pass_score),
            training=num(p.training_pass_score),
        ),
        t("report.method.ci", lang),
        t("report.method.tests", lang),
        t("report.method.missing", lang),
        t("report.method.privacy", lang),
    ]
