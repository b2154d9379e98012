"""一、质量月目标回顾 (``sec-targets``): target, baseline, actual, met or not."""

from __future__ import annotations

from markupsafe import Markup

from ...labels import metric_label, t
from ..fmt import DASH, fmt_change, fmt_percent, fmt_value
from ..markup import badge, html_table, para, section, tag
from .common import ReportInputs, as_bool, period_name, records


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


def targets_section(r: ReportInputs) -> Markup:
    """一、质量月目标回顾: one row per target with its result."""
    lang = r.lang or "zh"
    rows = records(r.targets)
    if not rows:
        return section("sec-targets", t("report.sec.targets", lang), para(t("report.targets.none", lang), "qm-note"))
    header = [
        t("ui.metric", lang), t("report.targets.col.target", lang), t("report.targets.col.period", lang),
        t("report.targets.col.baseline", lang), t("report.targets.col.actual", lang),
        t("report.targets.col.change", lang), t("report.targets.col.result", lang),
    ]
    body = []
    for row in rows:
        mid, kind = str(row["metric_id"]), str(row["kind"])
        if kind == "relative_change":
            change = fmt_percent(row.get("change"), signed=True)
        elif kind == "delta":
            change = fmt_change(mid, row.get("change"), lang)
        else:
            change = DASH
        body.append([
            metric_label(mid, lang), target_text(row, lang), period_name(str(row["period"]), lang),
            fmt_value(mid, row.get("baseline_value")), tag("strong", fmt_value(mid, row.get("actual_value"))),
            change, achieved_badge(row.get("achieved"), lang),
        ])
    flags = [as_bool(x.get("achieved")) for x in rows]
    tally = t("report.targets.tally", lang).format(
        met=flags.count(True), missed=flags.count(False), unknown=sum(f is None for f in flags)
    )
    table = html_table(header, body, numeric=(3, 4, 5), nowrap=(2, 6))
    content = para(t("report.targets.intro", lang)) + table + para(tally, "qm-note")
    return section("sec-targets", t("report.sec.targets", lang), content)
