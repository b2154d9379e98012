"""一、质量月目标回顾 (``sec-targets``): target, baseline, actual, met or not."""

from __future__ import annotations

from markupsafe import Markup

from ...labels import metric_label, t
from ..fmt import DASH, fmt_change, fmt_percent, fmt_value, is_small_sample
from ..front import notes_html
from ..markup import badge, html_table, para, section, tag
from .common import (
    ReportInputs,
    as_bool,
    index_rows,
    no_valid_data,
    period_name,
    records,
    rejected_table_of,
    rejected_tables,
    small_badge,
)


def target_text(row: dict, lang: str) -> str:
    """A target in words: ``较基线提升 ≥ 2.0``, ``≥ 100.0%`` …"""
    mid, kind, value = str(row["metric_id"]), str(row["kind"]), float(row["target"])
    if kind == "delta":
        key = "report.target.delta_up" if value > 0 else "report.target.delta_down"
        return t(key, lang).format(value=fmt_change(mid, abs(value), lang, signed=False))
    if kind == "relative_change":
        key = "report.target.relative_up" if value > 0 else "report.target.relative_down"
        return t(key, lang).format(value=fmt_percent(abs(value)))
    key = "report.target.at_least" if kind == "at_least" else "report.target.at_most"
    return t(key, lang).format(value=fmt_value(mid, value))


def achieved_badge(value: object, lang: str) -> Markup:
    flag = as_bool(value)
    if flag is True:
        return badge("✓ " + t("ui.achieved", lang), "good")
    if flag is False:
        return badge("✗ " + t("ui.not_achieved", lang), "bad")
    return badge(t("ui.unknown", lang), "neutral")


def target_outcomes(r: ReportInputs) -> list[bool | None]:
    """Met (True), not met (False) or unknown (None) for each target row; a target whose
    metric's table had every row rejected is unknown, whatever targets.csv says."""
    rejected = rejected_tables(r)
    return [
        None if rejected_table_of(str(row["metric_id"]), rejected) else as_bool(row.get("achieved"))
        for row in records(r.targets)
    ]


def targets_section(r: ReportInputs) -> Markup:
    """一、质量月目标回顾: one row per target with its result."""
    lang = r.lang or "zh"
    rows = records(r.targets)
    if not rows:
        return section(
            "sec-targets",
            t("report.sec.targets", lang),
            para(t("report.targets.none", lang), "qm-note") + notes_html(r.notes, "targets"),
        )
    header = [
        t("ui.metric", lang),
        t("report.targets.col.target", lang),
        t("report.targets.col.period", lang),
        t("report.targets.col.baseline", lang),
        t("report.targets.col.actual", lang),
        t("report.targets.col.change", lang),
        t("report.targets.col.result", lang),
    ]
    body = []
    values, rejected = index_rows(r.metrics), rejected_tables(r)
    for row in rows:
        mid, kind = str(row["metric_id"]), str(row["kind"])
        actual: Markup = tag("strong", fmt_value(mid, row.get("actual_value")))
        measured = values.get((mid, str(row["period"])))
        if measured is not None and is_small_sample(mid, measured.get("n")):
            actual += small_badge(lang)
        invalid = no_valid_data(mid, rejected, lang)
        if kind == "relative_change":
            change = fmt_percent(row.get("change"), signed=True)
        elif kind == "delta":
            change = fmt_change(mid, row.get("change"), lang)
        else:
            change = DASH
        body.append(
            [
                metric_label(mid, lang),
                target_text(row, lang),
                period_name(str(row["period"]), lang),
                fmt_value(mid, row.get("baseline_value")) if invalid is None else DASH,
                actual if invalid is None else invalid,
                change,
                achieved_badge(row.get("achieved") if invalid is None else None, lang),
            ]
        )
    flags = target_outcomes(r)
    tally = t("report.targets.tally", lang).format(
        met=flags.count(True), missed=flags.count(False), unknown=sum(f is None for f in flags)
    )
    table = html_table(header, body, numeric=(3, 4, 5), nowrap=(2, 6))
    content = para(t("report.targets.intro", lang)) + table + para(tally, "qm-note")
    return section("sec-targets", t("report.sec.targets", lang), content + notes_html(r.notes, "targets"))
