"""What every section shares: :class:`ReportInputs`, the section ids, row and
label helpers, and the value/change cells of the result tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
from markupsafe import Markup

from ...catalog import metric_def
from ...labels import LABELS, t
from ...params import Params
from ..fmt import DASH, better_of, fmt_change, fmt_ci, fmt_int, fmt_p, fmt_value, is_missing
from ..markup import join, tag

#: Section ids in report order (the five numbered sections are the "major" ones).
SECTION_IDS: tuple[str, ...] = (
    "sec-summary",
    "sec-targets",
    "sec-activities",
    "sec-results",
    "sec-shortcomings",
    "sec-plan",
    "sec-appendix",
)


@dataclass
class ReportInputs:
    """Everything the report shows for one community.

    ``metrics``/``changes``/``targets``/``shortcomings``/``plan`` have the
    columns of contract section 5 (extra columns are ignored). ``routines``
    is the routine-mechanism table of :func:`qmlib.plan.routine_mechanisms`
    (a DataFrame, or a list of sentences). ``ingest_summary``/``rejects`` as
    written by the ingest stage. ``insights``: insights.csv (the report's
    drivers, root causes, cases, residents' voice and caveats).
    """

    params: Params
    tables: dict[str, pd.DataFrame]
    metrics: pd.DataFrame
    changes: pd.DataFrame
    targets: pd.DataFrame
    shortcomings: pd.DataFrame = field(default_factory=pd.DataFrame)
    plan: pd.DataFrame = field(default_factory=pd.DataFrame)
    routines: pd.DataFrame | Sequence[str] | None = None
    ingest_summary: pd.DataFrame | None = None
    rejects: pd.DataFrame | None = None
    lang: str | None = None
    generated_on: dt.date | None = None
    #: insights.csv of the insights stage (:func:`qmlib.insights.links.read_insights`); empty: none shown
    insights: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __post_init__(self) -> None:
        if self.lang is None:
            self.lang = self.params.language


def label_or(key: str, fallback: object, lang: str) -> str:
    """Label of ``key`` when it exists, else ``fallback`` as text."""
    return t(key, lang) if key in LABELS else ("" if is_missing(fallback) else str(fallback))


def period_name(period: str, lang: str) -> str:
    """Display name of a period (``period.<name>`` label)."""
    return t(f"period.{period}", lang)


def period_in_text(period: str, lang: str) -> str:
    """A period's name inside a sentence (lower case in English: "the quality month")."""
    name = period_name(period, lang)
    return name[:1].lower() + name[1:] if lang == "en" else name


def period_range(params: Params, period: str, lang: str) -> str:
    """A period's dates as text (``report.meta.period_range``)."""
    start, end = params.periods[period]
    return t("report.meta.period_range", lang).format(start=start.isoformat(), end=end.isoformat())


def as_bool(value: object) -> bool | None:
    """A CSV/boolean cell as True/False; None when missing."""
    if is_missing(value):
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "y")
    return bool(value)


def records(frame: pd.DataFrame | None) -> list[dict]:
    """The rows of a frame as dicts (none for a missing or empty frame)."""
    if frame is None or frame.empty:
        return []
    return frame.to_dict("records")


def change_mark(metric_id: str, change: object, significant: object) -> Markup:
    """▲/▼ (significant, coloured by better/worse), △/▽ (not significant), nothing (no test)."""
    if is_missing(change) or float(change) == 0:  # type: ignore[arg-type]
        return Markup("")
    up = float(change) > 0  # type: ignore[arg-type]
    sig = as_bool(significant)
    if sig is None:
        return Markup("")
    direction = better_of(metric_id)
    good = direction * (1 if up else -1)
    if not sig:
        return tag("span", "△" if up else "▽", class_="qm-mark qm-mark--ns")
    kind = "good" if good > 0 else "bad" if good < 0 else "neutral"
    return tag("span", "▲" if up else "▼", class_=f"qm-mark qm-mark--{kind}")


def change_cell(metric_id: str, row: dict | None, lang: str) -> Markup:
    """Mark, signed change and p-value of one changes.csv row."""
    if row is None:
        return Markup(DASH)
    mark = change_mark(metric_id, row.get("change"), row.get("significant"))
    text = tag("span", fmt_change(metric_id, row.get("change"), lang), class_="qm-delta")
    p = row.get("p_value")
    if not is_missing(p):
        ptext = tag("span", fmt_p(p, lang), class_="qm-sub")
    else:
        tested = known_metric(metric_id) and metric_def(metric_id).kind in ("mean", "share", "rate")
        ptext = tag("span", t("report.test_undefined" if tested else "report.no_test", lang), class_="qm-sub")
    return mark + text + ptext


def value_cell(metric_id: str, row: dict | None, lang: str) -> Markup:
    """Value, 95% CI and n of one metrics.csv row."""
    if row is None:
        return Markup(DASH)
    parts = [tag("span", fmt_value(metric_id, row.get("value")), class_="qm-val")]
    ci = fmt_ci(metric_id, row.get("ci_low"), row.get("ci_high"))
    if ci:
        parts.append(tag("span", ci, class_="qm-sub"))
    if not is_missing(row.get("n")):
        parts.append(tag("span", t("report.n", lang).format(n=fmt_int(row.get("n"))), class_="qm-sub"))
    return join(parts)


def index_rows(frame: pd.DataFrame | None) -> dict[tuple[str, str], dict]:
    """``{(metric_id, period): row}`` of a metrics or changes frame."""
    return {(str(r["metric_id"]), str(r["period"])): r for r in records(frame)}



def known_metric(metric_id: str) -> bool:
    """True when the catalog defines ``metric_id`` (dimensioned ids included)."""
    try:
        metric_def(metric_id)
    except KeyError:
        return False
    return True
