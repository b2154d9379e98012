"""五、未来展望与持续改进计划 (``sec-plan``): PDCA actions, routine mechanisms, next targets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from markupsafe import Markup

from ...labels import metric_label, t
from ..fmt import DASH, better_of, fmt_date, fmt_value, is_missing
from ..front import notes_html, owner_of
from ..markup import badge, bullet_list, esc, h3, html_table, join, para, resident_text, section, tag
from ..pdca import follow_up_html
from .common import ReportInputs, known_metric, label_or, records


def _stage(value: object, lang: str) -> str:
    text = "" if is_missing(value) else str(value).strip()
    key = f"plan.stage.{text[:1].upper() + text[1:].lower()}" if text else ""
    return label_or(key, text, lang)


def _kpi_label(kpi: object, lang: str) -> Markup:
    """A KPI: a metric id becomes its label; other text (already a label) is escaped."""
    if is_missing(kpi) or not str(kpi):
        return Markup(DASH)
    text = str(kpi)
    return esc(metric_label(text, lang)) if known_metric(text) else resident_text(text)


def _kpi_metric(row: dict) -> str | None:
    for col in ("kpi_metric_id", "kpi"):
        value = row.get(col)
        if not is_missing(value) and known_metric(str(value)):
            return str(value)
    return None


def _kpi_target(row: dict) -> str:
    """The KPI target as text: ``kpi_target_text`` when given, else ``kpi_target`` in the KPI's unit."""
    text = row.get("kpi_target_text")
    if not is_missing(text) and str(text).strip():
        return str(text)
    value = row.get("kpi_target")
    if is_missing(value):
        return DASH
    metric = _kpi_metric(row)
    return fmt_value(metric, value) if metric else str(value)


def _kpi_current(row: dict) -> str:
    value = row.get("kpi_current")
    if is_missing(value):
        return DASH
    metric = _kpi_metric(row)
    return fmt_value(metric, value) if metric else f"{float(value):g}"  # type: ignore[arg-type]


def split_plan(r: ReportInputs) -> tuple[pd.DataFrame, pd.DataFrame | Sequence[str] | None]:
    """(actions answering a shortcoming, routine mechanisms).

    Routine mechanisms are ``r.routines`` when given, else the plan rows
    without a ``shortcoming_id`` (how :func:`qmlib.plan.build_plan` appends them).
    """
    plan = r.plan if r.plan is not None else pd.DataFrame()
    if plan.empty or "shortcoming_id" not in plan.columns:
        return plan, r.routines
    sid = plan["shortcoming_id"].astype("string").fillna("").str.strip()
    actions, routine_rows = plan[sid != ""], plan[sid == ""]
    if r.routines is not None:
        return actions, r.routines
    return actions, routine_rows


def plan_section(r: ReportInputs) -> Markup:
    """五、未来展望与持续改进计划: PDCA actions, routine mechanisms, next targets."""
    lang = r.lang or "zh"
    title = t("report.sec.plan", lang)
    parts = [
        follow_up_html(r.folder, r.params, lang) if r.folder is not None else Markup(""),
        para(t("report.plan.intro", lang)),
    ]
    actions, routines = split_plan(r)
    parts.append(h3(t("report.plan.actions", lang)))
    if actions.empty:
        parts.append(para(t("report.plan.none", lang), "qm-note"))
    else:
        cols = [
            "action_id",
            "shortcoming_id",
            "action",
            "owner_role",
            "due_on",
            "kpi",
            "kpi_target",
            "pdca_stage",
        ]
        body = [
            [
                tag("span", row.get("action_id"), class_="qm-id"),
                tag("span", row.get("shortcoming_id"), class_="qm-id"),
                resident_text(row.get("action")),
                esc(owner_of(row)),
                fmt_date(row.get("due_on")),
                _kpi_label(row.get("kpi"), lang),
                _kpi_target(row),
                badge(_stage(row.get("pdca_stage"), lang), "info"),
            ]
            for row in records(actions)
        ]
        parts.append(
            html_table(
                [t(f"plan.col.{c}", lang) for c in cols],
                body,
                nowrap=(0, 1, 3, 4, 6, 7),
                class_="qm-table--plan",
            )
        )
    if isinstance(routines, pd.DataFrame) and not routines.empty:
        parts.append(h3(t("report.plan.routines", lang)))
        if "action" in routines.columns:
            cols = ["action", "owner_role", "kpi", "kpi_target", "pdca_stage"]
            body = [
                [
                    resident_text(row.get("action")),
                    esc(owner_of(row)),
                    _kpi_label(row.get("kpi"), lang),
                    _kpi_target(row),
                    badge(_stage(row.get("pdca_stage"), lang), "info"),
                ]
                for row in records(routines)
            ]
            parts.append(
                html_table(
                    [t(f"plan.col.{c}", lang) for c in cols],
                    body,
                    nowrap=(1, 3, 4),
                    class_="qm-table--routines",
                )
            )
        else:
            parts.append(_frame_table(routines, lang))
    elif routines is not None and not isinstance(routines, pd.DataFrame) and len(routines):
        parts.append(h3(t("report.plan.routines", lang)))
        parts.append(bullet_list([resident_text(x) for x in routines]))
    next_rows = _next_targets(r.plan if r.plan is not None else pd.DataFrame(), lang)
    if next_rows:
        parts.append(h3(t("report.plan.next_targets", lang)))
        parts.append(para(t("report.plan.next_intro", lang)))
        header = [
            t("ui.metric", lang),
            t("report.plan.col.current", lang),
            t("report.plan.col.next", lang),
            t("plan.col.due_on", lang),
        ]
        parts.append(html_table(header, next_rows, numeric=(1, 2), nowrap=(1, 2, 3), class_="qm-table--next"))
    parts.append(para(t("report.plan.closing", lang), "qm-closing"))
    return section("sec-plan", title, join(parts) + notes_html(r.notes, "plan"))


def _frame_table(frame: pd.DataFrame, lang: str) -> Markup:
    """A generic table of a DataFrame: headers by ``plan.col.*``/``report.plan.col.*`` labels."""
    header = [
        label_or(f"plan.col.{c}", label_or(f"report.plan.col.{c}", c, lang), lang) for c in frame.columns
    ]
    rows = [
        [
            resident_text(v)
            if isinstance(v, str)
            else (fmt_date(v) if isinstance(v, dt.date | pd.Timestamp) else (DASH if is_missing(v) else v))
            for v in rec.values()
        ]
        for rec in records(frame)
    ]
    return html_table(header, rows)


def _next_targets(plan: pd.DataFrame, lang: str) -> list[list[object]]:
    """One row per KPI with a target: KPI, current value, next target, due date.

    When several actions share a KPI, the most demanding numeric target is
    kept (highest when higher is better, lowest when lower is better) with
    its due date.
    """
    if plan.empty or "kpi" not in plan.columns:
        return []
    best: dict[str, dict] = {}
    for row in records(plan):
        kpi = row.get("kpi")
        if is_missing(kpi) or not str(kpi) or _kpi_target(row) == DASH:
            continue
        key = str(kpi)
        if key not in best:
            best[key] = row
            continue
        old, new = best[key].get("kpi_target"), row.get("kpi_target")
        metric = _kpi_metric(row)
        direction = better_of(metric) if metric else 0
        if (
            direction
            and old is not None
            and new is not None
            and not is_missing(old)
            and not is_missing(new)
            and direction * (float(new) - float(old)) > 0
        ):
            best[key] = row
    return [
        [
            _kpi_label(row.get("kpi"), lang),
            _kpi_current(row),
            tag("strong", _kpi_target(row)),
            fmt_date(row.get("due_on")),
        ]
        for row in best.values()
    ]
