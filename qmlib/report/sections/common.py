"""What every section shares: :class:`ReportInputs`, the section ids, row and
label helpers, and the value/change cells of the result tables.

A change is judged once, by :func:`change_verdict`, and that verdict decides
both its mark (colour) and its words (:func:`change_words`): significant
changes (``significant`` of changes.csv, p < 0.05) are better, worse or
simply changed (a metric with no good direction); non-significant ones are
"within sampling noise" and shown neutral; a significant change of a small
sample (fewer than :data:`~qmlib.report.fmt.SMALL_SAMPLE_N` observations on
either side, :func:`change_n`) is shown neutral and never decides a verdict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup

from ...catalog import metric_def
from ...labels import LABELS, t
from ...metrics.stats import SIGNIFICANCE_LEVEL
from ...params import Params
from ..fmt import (
    DASH,
    SMALL_SAMPLE_N,
    better_of,
    fmt_amount,
    fmt_change,
    fmt_ci,
    fmt_int,
    fmt_p,
    fmt_value,
    is_missing,
    is_small_sample,
)
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

#: id of the appendix's rejects heading ("no valid data" links to it)
REJECTS_ID = "sec-appendix-rejects"


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
    #: The authors' narrative (:func:`qmlib.documents.notes.load_notes`), placed in the matching sections.
    notes: Any = None
    #: The community's output folder: its ``history/`` gives §五 the previous plan's follow-up.
    folder: Path | None = None

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
    start, end = params.period_dates(period)
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


#: What :func:`change_verdict` can say of a change.
VERDICTS = ("none", "no_test", "untested", "flat", "noise", "small", "better", "worse", "changed")


def tested_kind(metric_id: str) -> bool:
    """True for metrics that have a significance test (means, shares, rates)."""
    return known_metric(metric_id) and metric_def(metric_id).kind in ("mean", "share", "rate")


def change_verdict(metric_id: str, row: dict | None, small: bool = False) -> str:
    """What one changes.csv row says, in one word (one of :data:`VERDICTS`).

    ``none``: no change value; ``no_test``: a metric that is never tested;
    ``untested``: the test was undefined; ``flat``: no change at all;
    ``noise``: not significant; ``small``: significant but from a small sample
    (``small``), so not a verdict; ``better`` / ``worse``: significant, by the
    metric's direction (:func:`qmlib.units.better_of`); ``changed``:
    significant for a metric that has no good direction.
    """
    if row is None or is_missing(row.get("change")):
        return "none"
    sig = as_bool(row.get("significant"))
    if sig is None:
        return "untested" if tested_kind(metric_id) else "no_test"
    change = float(row["change"])
    if change == 0:
        return "flat"
    if not sig:
        return "noise"
    if small:
        return "small"
    good = better_of(metric_id) * (1 if change > 0 else -1)
    return "better" if good > 0 else "worse" if good < 0 else "changed"


def change_words(metric_id: str, row: dict | None, lang: str, small: bool = False) -> str:
    """A change in words a property manager reads, direction-aware, with its p-value:
    ``提升 8.1 分，超出抽样波动范围（p<0.001）`` / ``变化在抽样波动范围内，不能认定为改善（p=0.140）``.
    Empty for ``none`` and ``no_test``."""
    verdict = change_verdict(metric_id, row, small)
    if verdict in ("none", "no_test"):
        return ""
    assert row is not None
    change = float(row["change"])
    way = "up" if change > 0 else "down" if change < 0 else "flat"
    values = {
        "amount": fmt_amount(metric_id, change, lang),
        "p": fmt_p(row.get("p_value"), lang),
        "min_n": str(SMALL_SAMPLE_N),
    }
    if verdict == "noise":
        direction = better_of(metric_id) * (1 if change > 0 else -1)
        key = (
            "report.change.noise_better"
            if direction > 0
            else ("report.change.noise_worse" if direction < 0 else "report.change.noise")
        )
    elif verdict == "untested":
        key = f"report.change.untested_{way}"
    elif verdict == "flat":
        key = "report.change.flat"
    else:
        key = f"report.change.{verdict}_{way}"
    return t(key, lang).format(**values)


def change_mark(metric_id: str, change: object, significant: object, small: bool = False) -> Markup:
    """▲/▼ (significant, coloured by better/worse; grey for a small sample), △/▽ (not significant,
    grey), nothing (no test)."""
    verdict = change_verdict(metric_id, {"change": change, "significant": significant}, small)
    if verdict in ("none", "no_test", "untested", "flat"):
        return Markup("")
    up = float(change) > 0  # type: ignore[arg-type]
    if verdict == "noise":
        return tag("span", "△" if up else "▽", class_="qm-mark qm-mark--ns")
    kind = {"better": "good", "worse": "bad", "changed": "neutral", "small": "ns"}[verdict]
    return tag("span", "▲" if up else "▼", class_=f"qm-mark qm-mark--{kind}")


def small_badge(lang: str) -> Markup:
    """The 小样本 / small sample marker."""
    return tag(
        "span",
        t("report.small_sample", lang),
        class_="qm-badge qm-badge--neutral qm-small",
        title=t("report.small_sample_title", lang).format(min_n=SMALL_SAMPLE_N),
    )


def change_cell(metric_id: str, row: dict | None, lang: str, small: bool = False) -> Markup:
    """Mark, signed change and the change in words (with its p-value) of one changes.csv row;
    ``small`` when either side rests on a small sample (:func:`change_n`): grey mark, words
    that say so (the 小样本 marker itself is on the value cells, :func:`value_cell`)."""
    if row is None:
        return Markup(DASH)
    mark = change_mark(metric_id, row.get("change"), row.get("significant"), small)
    text = tag("span", fmt_change(metric_id, row.get("change"), lang), class_="qm-delta")
    words = change_words(metric_id, row, lang, small)
    if words:
        sub = tag("span", words, class_="qm-sub qm-verdict")
    else:
        key = "report.test_undefined" if tested_kind(metric_id) else "report.no_test"
        sub = tag("span", t(key, lang), class_="qm-sub")
    return mark + text + sub


def value_cell(metric_id: str, row: dict | None, lang: str) -> Markup:
    """Value, 95% CI and n of one metrics.csv row; a small sample is marked."""
    if row is None:
        return Markup(DASH)
    parts = [tag("span", fmt_value(metric_id, row.get("value")), class_="qm-val")]
    ci = fmt_ci(metric_id, row.get("ci_low"), row.get("ci_high"))
    if ci:
        parts.append(tag("span", ci, class_="qm-sub"))
    if not is_missing(row.get("n")):
        parts.append(tag("span", t("report.n", lang).format(n=fmt_int(row.get("n"))), class_="qm-sub"))
        if is_small_sample(metric_id, row.get("n")):
            parts.append(small_badge(lang))
    return join(parts)


def change_n(values: dict[tuple[str, str], dict], metric_id: str, period: str) -> object:
    """The n a change of ``metric_id`` in ``period`` rests on: the smaller n of its
    baseline and ``period`` rows in ``values`` (:func:`index_rows` of metrics); None when unknown."""
    ns = []
    for p in ("baseline", period):
        row = values.get((metric_id, p))
        n = None if row is None else row.get("n")
        if is_missing(n):
            return None
        ns.append(float(n))  # type: ignore[arg-type]
    return min(ns)


def is_small_change(values: dict[tuple[str, str], dict], metric_id: str, period: str) -> bool:
    """True when a change rests on a small sample on either side (:func:`qmlib.report.fmt.is_small_sample`)."""
    return is_small_sample(metric_id, change_n(values, metric_id, period))


def rejected_tables(r: ReportInputs) -> dict[str, int]:
    """Tables whose every row was rejected: ``{table: rows_read}`` (rows read > 0, none accepted).

    Their metrics have no valid data (issue 10 item 14): the report says so and
    points to the rejects instead of showing ``0.00 (n=0)``.
    """
    out: dict[str, int] = {}
    for row in records(r.ingest_summary):
        read, accepted = row.get("rows_read"), row.get("rows_accepted")
        if read is None or accepted is None or is_missing(read) or is_missing(accepted):
            continue
        if int(read) > 0 and int(accepted) == 0:
            out[str(row.get("table"))] = int(read)
    return out


def rejected_table_of(metric_id: str, rejected: dict[str, int]) -> str | None:
    """The metric's table when every row of it was rejected (:func:`rejected_tables`), else None."""
    if not known_metric(metric_id):
        return None
    table = metric_def(metric_id).table
    return table if table in rejected else None


def no_valid_data(metric_id: str, rejected: dict[str, int], lang: str) -> Markup | None:
    """``无有效数据`` with a link to the appendix's rejects when the metric's table had
    every row rejected; None otherwise."""
    table = rejected_table_of(metric_id, rejected)
    if table is None:
        return None
    detail = t("report.no_valid_detail", lang).format(
        table=t(f"table.{table}", lang), n=f"{rejected[table]:,}"
    )
    return tag("span", t("report.no_valid", lang), class_="qm-val qm-no-valid") + tag(
        "a", detail, class_="qm-sub", href=f"#{REJECTS_ID}"
    )


def significance_level() -> str:
    """The significance level as written in the report (``0.05``)."""
    return f"{SIGNIFICANCE_LEVEL:g}"


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
