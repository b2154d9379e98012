"""The rows the documents show, as plain text, shared by Word and the brief.

Each function returns ``(header, rows)`` of strings (or a list of
sentences) from :class:`~qmlib.documents.content.DocumentData`; resident and
staff free text is masked (:func:`qmlib.privacy.mask_pii`). Word
(:mod:`.docx`) and the brief (:mod:`.brief`) lay them out; neither
recomputes a number.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from ..catalog import is_known_metric
from ..labels import metric_label, t
from ..privacy import mask_pii
from ..report.fmt import DASH, fmt_change, fmt_ci, fmt_date, fmt_int, fmt_percent, fmt_value, is_missing
from .content import DocumentData
from .wording import change_statement, flag, is_small

#: Metrics of the results table in §三 (top-level metrics, report order); dimensions go to the appendix.
RESULT_METRICS: tuple[str, ...] = (
    "satisfaction_index",
    "satisfaction_rate",
    "survey_coverage",
    "complaint_rate",
    "complaint_closure_rate",
    "complaint_response_timely_rate",
    "repair_timely_rate",
    "repair_completion_rate",
    "repair_rework_rate",
    "repair_rating",
    "repair_arrival_minutes_median",
    "equipment_failure_rate",
    "equipment_mttr_hours",
    "maintenance_on_time_rate",
    "hazard_rectification_rate",
    "hazard_on_time_rate",
    "inspection_score",
    "inspection_pass_rate",
    "training_coverage",
    "training_pass_rate",
    "training_hours_per_employee",
)


def records(frame: pd.DataFrame | None) -> Iterator[dict]:
    if frame is None or frame.empty:
        return iter(())
    return iter(frame.to_dict("records"))


def text(value: object) -> str:
    """Free text from the data: masked, or an empty string when missing."""
    return "" if is_missing(value) else mask_pii(str(value))


def period_name(period: str, lang: str) -> str:
    return t(f"period.{period}", lang)


def metric_n(data: DocumentData, metric_id: str, period: str) -> float | None:
    row = data.row("metrics", metric_id, period)
    if row is None or is_missing(row.get("n")):
        return None
    return float(row["n"])


def min_n(data: DocumentData, metric_id: str, period: str) -> float | None:
    """The smaller n of the baseline and ``period`` (the sample a change rests on)."""
    ns = [
        n for n in (metric_n(data, metric_id, "baseline"), metric_n(data, metric_id, period)) if n is not None
    ]
    return min(ns) if ns else None


def change_row(data: DocumentData, metric_id: str, period: str) -> dict | None:
    return data.row("changes", metric_id, period)


def statement(data: DocumentData, metric_id: str, period: str) -> str:
    """The plain-words change of ``metric_id`` in ``period`` against the baseline."""
    row = change_row(data, metric_id, period)
    if row is None:
        return DASH
    return (
        change_statement(
            metric_id,
            row.get("change"),
            row.get("p_value"),
            row.get("significant"),
            data.lang,
            n=min_n(data, metric_id, period),
        )
        or DASH
    )


def target_words(row: dict, lang: str) -> str:
    """A target in words (the report's own wording)."""
    from ..report.sections import target_text

    return target_text(row, lang)


def result_word(value: object, lang: str) -> str:
    f = flag(value)
    return (
        t("ui.achieved", lang)
        if f is True
        else t("ui.not_achieved", lang)
        if f is False
        else t("ui.unknown", lang)
    )


def targets_table(data: DocumentData) -> tuple[list[str], list[list[str]]]:
    lang = data.lang
    header = [t(f"doc.col.{c}", lang) for c in ("metric", "target", "period", "baseline", "actual", "result")]
    header.append(t("doc.col.statement", lang))
    rows = []
    for row in records(data.targets):
        mid, period = str(row["metric_id"]), str(row["period"])
        rows.append(
            [
                metric_label(mid, lang),
                target_words(row, lang),
                period_name(period, lang),
                fmt_value(mid, row.get("baseline_value")),
                fmt_value(mid, row.get("actual_value")),
                result_word(row.get("achieved"), lang),
                statement(data, mid, period) if period != "baseline" else DASH,
            ]
        )
    return header, rows


def target_tally(data: DocumentData) -> dict[str, int]:
    flags = [flag(r.get("achieved")) for r in records(data.targets)]
    return {
        "total": len(flags),
        "met": flags.count(True),
        "missed": flags.count(False),
        "unknown": sum(f is None for f in flags),
    }


def value_of(data: DocumentData, metric_id: str, period: str) -> object:
    row = data.row("metrics", metric_id, period)
    return None if row is None else row.get("value")


def results_table(data: DocumentData) -> tuple[list[str], list[list[str]]]:
    """§三: each top-level metric in each period, and its change against the baseline in words."""
    lang, params = data.lang, data.params
    periods = params.period_names
    later = [p for p in periods if p != "baseline"]
    header = [t("doc.col.metric", lang)] + [period_name(p, lang) for p in periods]
    header += [t("doc.col.change_vs", lang).format(period=period_name(p, lang)) for p in later]
    ids = [m for m in RESULT_METRICS if not data.metrics.empty and (data.metrics["metric_id"] == m).any()]
    rows = []
    for mid in ids:
        values = []
        for p in periods:
            value = fmt_value(mid, value_of(data, mid, p))
            n = metric_n(data, mid, p)
            if is_small(n):
                value += f" ({t('doc.small_sample', lang)}, n={fmt_int(n)})"
            values.append(value)
        rows.append([metric_label(mid, lang), *values, *[statement(data, mid, p) for p in later]])
    return header, rows


def metric_details(data: DocumentData) -> tuple[list[str], list[list[str]]]:
    """Appendix: every metric (with dimensions) per period: value, 95% CI and n."""
    lang = data.lang
    periods = data.params.period_names
    header = [t("doc.col.metric", lang)] + [period_name(p, lang) for p in periods]
    m = data.metrics
    if m.empty:
        return header, []
    rows = []
    for mid in dict.fromkeys(m["metric_id"].astype(str)):
        if not is_known_metric(mid.split(".")[0]):
            continue
        cells = []
        for p in periods:
            r = data.row("metrics", mid, p)
            if r is None:
                cells.append(DASH)
                continue
            ci = fmt_ci(mid, r.get("ci_low"), r.get("ci_high"))
            cells.append(" ".join(x for x in (fmt_value(mid, r["value"]), ci, f"n={fmt_int(r['n'])}") if x))
        rows.append([metric_label(mid, lang), *cells])
    return header, rows


def shortcomings_table(data: DocumentData) -> tuple[list[str], list[list[str]]]:
    lang = data.lang
    header = [t(f"doc.col.{c}", lang) for c in ("no", "severity", "category", "problem")]
    rows = []
    for i, row in enumerate(records(data.shortcomings), start=1):
        sev, cat = str(row.get("severity", "")), str(row.get("category", ""))
        rows.append(
            [
                str(row.get("shortcoming_id") or i),
                t(f"finding.severity.{sev}", lang),
                t(f"finding.category.{cat}", lang),
                text(row.get("evidence")),
            ]
        )
    return header, rows


def _kpi(row: dict, lang: str) -> str:
    kpi = row.get("kpi")
    if is_missing(kpi):
        return DASH
    kpi = str(kpi)
    return metric_label(kpi, lang) if is_known_metric(kpi.split(".")[0]) else text(kpi)


def _kpi_metric(row: dict) -> str | None:
    for col in ("kpi_metric_id", "kpi"):
        v = row.get(col)
        if not is_missing(v) and is_known_metric(str(v).split(".")[0]):
            return str(v)
    return None


def kpi_current(row: dict) -> str:
    v = row.get("kpi_current")
    if is_missing(v):
        return DASH
    mid = _kpi_metric(row)
    return fmt_value(mid, v) if mid else f"{float(v):g}"  # type: ignore[arg-type]  # not missing here


def kpi_target(row: dict) -> str:
    v = row.get("kpi_target_text")
    if not is_missing(v) and str(v).strip():
        return str(v)
    v = row.get("kpi_target")
    if is_missing(v):
        return DASH
    mid = _kpi_metric(row)
    return fmt_value(mid, v) if mid else f"{float(v):g}"  # type: ignore[arg-type]  # not missing here


def owner(row: dict, lang: str) -> str:
    """Named owner when the plan carries one (``owner``), else the role."""
    for col in ("owner", "owner_role"):
        v = row.get(col)
        if not is_missing(v) and str(v).strip():
            return str(v)
    return DASH


def stage(value: object, lang: str) -> str:
    if is_missing(value) or not str(value).strip():
        return DASH
    v = str(value).strip()
    return t(f"plan.stage.{v[:1].upper() + v[1:].lower()}", lang)


def split_plan(data: DocumentData) -> tuple[list[dict], list[dict]]:
    """(actions answering a shortcoming, routine mechanisms: rows without a shortcoming)."""
    actions: list[dict] = []
    routines: list[dict] = []
    for row in records(data.plan):
        sid = row.get("shortcoming_id")
        (routines if is_missing(sid) or not str(sid).strip() else actions).append(row)
    return actions, routines


def actions_table(rows: list[dict], lang: str, routine: bool = False) -> tuple[list[str], list[list[str]]]:
    cols = ("mechanism" if routine else "action", "owner", "due", "kpi", "current", "kpi_target", "stage")
    header = [t(f"doc.col.{c}", lang) for c in cols]
    body = [
        [
            text(r.get("action")),
            owner(r, lang),
            fmt_date(r.get("due_on")),
            _kpi(r, lang),
            kpi_current(r),
            kpi_target(r),
            stage(r.get("pdca_stage"), lang),
        ]
        for r in rows
    ]
    if not routine:
        header.insert(0, t("doc.col.no", lang))
        for r, b in zip(rows, body, strict=True):
            b.insert(0, str(r.get("action_id") or ""))
    return header, body


def follow_up_table(data: DocumentData) -> tuple[str, list[str], list[list[str]]]:
    """上期改进计划跟踪: (intro sentence, header, rows); empty when no earlier plan was kept."""
    if data.previous is None:
        return "", [], []
    from .content import month_text

    lang = data.lang
    start, frame = data.previous
    counts = {
        s: int((frame["status"] == s).sum()) for s in ("achieved", "not_achieved", "overdue", "not_checkable")
    }
    intro = t("doc.pdca.intro", lang).format(month=month_text(start, lang), n=len(frame), **counts)
    header = [
        t("doc.col.no", lang),
        t("doc.col.action", lang),
        t("doc.col.owner", lang),
        t("doc.col.due", lang),
        t("doc.col.kpi", lang),
        t("doc.col.kpi_target", lang),
        t("doc.pdca.col.value_now", lang),
        t("doc.pdca.col.status", lang),
    ]
    rows = []
    for r in records(frame):
        mid = r.get("kpi_metric_id") if not is_missing(r.get("kpi_metric_id")) else None
        now = fmt_value(str(mid), r.get("value_now")) if mid else DASH
        if now != DASH and r.get("period_now"):
            now = (
                f"{now}（{period_name(str(r['period_now']), lang)}）"
                if lang == "zh"
                else f"{now} ({period_name(str(r['period_now']), lang).lower()})"
            )
        rows.append(
            [
                str(r.get("action_id") or ""),
                text(r.get("action")),
                text(r.get("owner_role")) or DASH,
                fmt_date(r.get("due_on")),
                text(r.get("kpi")) or DASH,
                text(r.get("kpi_target_text")) or DASH,
                now,
                t(f"doc.pdca.status.{r.get('status')}", lang),
            ]
        )
    return intro, header, rows


def insights_of(data: DocumentData, kind: str, limit: int | None = None) -> list[dict]:
    """Rows of insights.csv of one ``kind`` (driver, case, voice, initiative, caveat) in rank order."""
    ins = data.insights
    if ins.empty or "kind" not in ins.columns:
        return []
    rows = ins[ins["kind"] == kind]
    if "rank" in rows.columns:
        rows = rows.sort_values("rank", kind="stable")
    out = list(records(rows))
    return out[:limit] if limit else out


def causes(data: DocumentData, shortcoming_id: str, limit: int = 2) -> list[str]:
    """Evidence of the drivers that explain a shortcoming (insights.csv ``explains``), best first."""
    out = []
    for row in insights_of(data, "driver"):
        explains = "" if is_missing(row.get("explains")) else str(row.get("explains"))
        if shortcoming_id in [x.strip() for x in explains.split(";")]:
            out.append(text(row.get("evidence")))
    return [x for x in out if x][:limit]


def ingest_table(data: DocumentData) -> tuple[list[str], list[list[str]]]:
    lang = data.lang
    header = [
        t("ui.table", lang),
        t("ui.source_file", lang),
        t("ui.rows_read", lang),
        t("ui.rows_accepted", lang),
        t("ui.rows_rejected", lang),
    ]
    rows = [
        [
            t(f"table.{r.get('table')}", lang),
            text(r.get("source_file")),
            fmt_int(r.get("rows_read")),
            fmt_int(r.get("rows_accepted")),
            fmt_int(r.get("rows_rejected")),
        ]
        for r in records(data.ingest_summary)
    ]
    return header, rows


def activities(data: DocumentData) -> tuple[int, int, list[tuple[str, str, str]]]:
    """(count, participants, rows of (date, category, title)) of the quality month's activities."""
    acts = data.activities
    if acts.empty or "held_on" not in acts.columns:
        return 0, 0, []
    start, end = data.params.periods["quality_month"]
    held = pd.to_datetime(acts["held_on"], errors="coerce")
    sel = acts[(held >= pd.Timestamp(start)) & (held < pd.Timestamp(end) + pd.Timedelta(days=1))]
    participants = (
        int(pd.to_numeric(sel.get("participants"), errors="coerce").fillna(0).sum())
        if "participants" in sel.columns
        else 0
    )
    from ..report.sections import activity_category

    rows = [
        (fmt_date(r.get("held_on")), activity_category(r.get("category"), data.lang), text(r.get("title")))
        for r in sel.sort_values("held_on").to_dict("records")
    ]
    return len(sel), participants, rows


def fmt_change_words(metric_id: str, change: object, lang: str) -> str:
    """A signed change in the metric's unit (short form, for cards)."""
    return fmt_change(metric_id, change, lang)


__all__ = [
    "RESULT_METRICS",
    "actions_table",
    "activities",
    "change_row",
    "fmt_change_words",
    "fmt_percent",
    "ingest_table",
    "kpi_current",
    "kpi_target",
    "metric_details",
    "owner",
    "records",
    "results_table",
    "shortcomings_table",
    "split_plan",
    "statement",
    "target_tally",
    "targets_table",
    "text",
]
