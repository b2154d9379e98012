"""附录 (``sec-appendix``): ingest summary, missing optional columns and the
metrics they removed, rejects by reason, method notes."""

from __future__ import annotations

from pathlib import PurePath

from markupsafe import Markup

from ...labels import LABELS, metric_label, t
from ...metrics import removed_metrics
from ...metrics.stats import SIGNIFICANCE_LEVEL
from ...params import Params
from ...schema import TABLES
from ..fmt import DASH, SMALL_SAMPLE_N, is_missing
from ..front import notes_html
from ..markup import bullet_list, esc, h3, html_table, join, para, resident_text, section, tag
from .common import REJECTS_ID, ReportInputs, period_name, period_range, records, significance_level


def missing_columns(r: ReportInputs) -> dict[str, list[str]] | None:
    """Optional canonical columns missing from each supplied export, as the ingest stage
    recorded them in ingest_summary's ``missing_columns`` (``;``-separated, contract v1.1);
    None when the ingest summary does not record them."""
    summary = r.ingest_summary
    if summary is None or "missing_columns" not in summary.columns:
        return None
    out: dict[str, list[str]] = {}
    for row in records(summary):
        cell = row.get("missing_columns")
        names = [] if is_missing(cell) else [c.strip() for c in str(cell).split(";") if c.strip()]
        if names:
            out.setdefault(str(row.get("table")), []).extend(names)
    return out


def metrics_left_out(missing: dict[str, list[str]]) -> dict[str, list[str]]:
    """The metrics each table's missing columns removed, ``{table: [metric_id, ...]}``, as
    the catalog's requirements say (:func:`qmlib.metrics.removed_metrics`)."""
    out: dict[str, list[str]] = {}
    for table, by_column in removed_metrics(missing).items():
        ids = out.setdefault(table, [])
        ids.extend(m for column_ids in by_column.values() for m in column_ids if m not in ids)
    return out


def _column_name(column: str, lang: str) -> str:
    """``到场时间（arrived_at）`` in Chinese, the canonical name in English."""
    key = f"col.{column}"
    if lang == "zh" and key in LABELS:
        return f"{t(key, lang)}（{column}）"
    return column


def _missing_columns_table(r: ReportInputs, lang: str) -> Markup:
    """Which optional columns each export lacked and which metrics that removed (contract v1.1)."""
    missing = missing_columns(r) or {}
    if not missing:
        return para(t("report.appendix.no_missing_columns", lang), "qm-note")
    removed = metrics_left_out(missing)
    sep = t("report.list_sep", lang)
    body = [
        [
            t(f"table.{table}", lang),
            sep.join(_column_name(c, lang) for c in columns),
            sep.join(metric_label(m, lang) for m in removed.get(table, [])) or DASH,
        ]
        for table, columns in missing.items()
    ]
    return para(t("report.appendix.missing_columns_intro", lang)) + html_table(
        [
            t("ui.table", lang),
            t("report.appendix.col.missing_columns", lang),
            t("report.appendix.col.metrics_left_out", lang),
        ],
        body,
    )


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
            body.append(
                [
                    t(f"table.{row.get('table')}", lang),
                    PurePath(str(row.get("source_file", ""))).name,
                    *(f"{c:,}" for c in counts),
                ]
            )
        body.append(
            [tag("strong", t("report.appendix.total", lang)), "", *(tag("strong", f"{c:,}") for c in totals)]
        )
        parts.append(
            html_table(
                [
                    t("ui.table", lang),
                    t("report.appendix.col.file", lang),
                    t("ui.rows_read", lang),
                    t("ui.rows_accepted", lang),
                    t("ui.rows_rejected", lang),
                ],
                body,
                numeric=(2, 3, 4),
            )
        )
    missing = [t(f"table.{name}", lang) for name in TABLES if name not in r.tables]
    if missing:
        parts.append(
            para(
                t("report.appendix.missing_tables", lang).format(
                    tables=t("report.list_sep", lang).join(missing)
                ),
                "qm-note",
            )
        )
    if missing_columns(r) is not None:
        parts.append(h3(t("report.appendix.missing_columns", lang)))
        parts.append(_missing_columns_table(r, lang))
    parts.append(tag("h3", t("report.appendix.rejects", lang), class_="qm-h3", id=REJECTS_ID))
    rejects = r.rejects
    if rejects is None or rejects.empty:
        parts.append(para(t("report.appendix.no_rejects", lang), "qm-note"))
    else:
        from ...ingest.quality import rejects_by_reason

        by_reason = rejects_by_reason(rejects)
        body = [
            [
                t(f"table.{row['table']}", lang),
                esc(row["column"]),
                resident_text(row["reason"]),
                f"{int(row['rows']):,}",
            ]
            for row in records(by_reason.head(max_reasons))
        ]
        parts.append(
            html_table(
                [
                    t("ui.table", lang),
                    t("report.appendix.col.column", lang),
                    t("ui.reason", lang),
                    t("report.appendix.col.rows", lang),
                ],
                body,
                numeric=(3,),
                class_="qm-table--rejects",
            )
        )
        if len(by_reason) > max_reasons:
            parts.append(
                para(
                    t("report.appendix.rejects_more", lang).format(n=len(by_reason) - max_reasons), "qm-note"
                )
            )
    parts.append(h3(t("report.appendix.methods", lang)))
    parts.append(bullet_list(method_notes(p, lang), class_="qm-methods"))
    footer = para(t("report.footer", lang).format(community_id=p.community_id), "qm-footer-note")
    return section(
        "sec-appendix", t("report.sec.appendix", lang), join(parts) + notes_html(r.notes, "appendix") + footer
    )


def method_notes(p: Params, lang: str) -> list[str]:
    """The method notes of the appendix: periods, formulas, SLA, intervals, tests, missing data, privacy."""
    periods = t("report.clause_sep", lang).join(
        f"{period_name(x, lang)} {period_range(p, x, lang)}" for x in p.period_names
    )

    def num(x: float) -> str:
        return f"{x:g}"

    sla = p.sla
    return [
        t("report.method.periods", lang).format(periods=periods, as_of=p.as_of_date.isoformat()),
        t("report.method.satisfaction", lang).format(scale=p.survey_scale),
        t("report.method.rates", lang).format(households=f"{p.households:,}"),
        t("report.method.sla", lang).format(
            normal=num(sla.repair_arrival_minutes["普通"]),
            urgent=num(sla.repair_arrival_minutes["紧急"]),
            hours=num(sla.complaint_response_hours),
            minor=num(sla.hazard_due_days["一般"]),
            major=num(sla.hazard_due_days["较大"]),
            critical=num(sla.hazard_due_days["重大"]),
            tolerance=num(sla.maintenance_tolerance_days),
            inspection=num(p.inspection_pass_score),
            training=num(p.training_pass_score),
        ),
        t("report.method.ci", lang),
        t("report.method.tests", lang),
        t("report.method.plain", lang).format(
            level=significance_level(), level_3=f"{SIGNIFICANCE_LEVEL:.3f}", min_n=SMALL_SAMPLE_N
        ),
        t("report.method.missing", lang),
        t("report.method.privacy", lang),
    ]
