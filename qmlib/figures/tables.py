"""Display tables for notebooks and the report (labels only, no raw ids)."""

from __future__ import annotations

import math

import pandas as pd
from pandas.io.formats.style import Styler

from ..labels import metric_label, t
from .style import fmt_value, is_percent, metric_unit


def _num(value: object) -> float | None:
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _signed(value: float, text: str) -> str:
    return text if value < 0 else "+" + text


def format_target(value: object, kind: str, unit: str, lang: str) -> str:
    """A target or a change in the unit of its kind.

    delta: signed, percentage points for shares; relative_change: signed %;
    at_least / at_most: the value in the metric's unit.
    """
    v = _num(value)
    if v is None:
        return "–"
    if kind == "relative_change":
        return _signed(v, f"{v * 100:.1f}%")
    if kind == "delta":
        if is_percent(unit):
            return _signed(v, t("fig.pp", lang).format(v=f"{v * 100:.1f}"))
        return _signed(v, fmt_value(v, unit))
    return fmt_value(v, unit)


def _achieved(value: object, lang: str) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return t("ui.unknown", lang)
    if isinstance(value, str):
        value = {"true": True, "false": False}.get(value.strip().lower())
        if value is None:
            return t("ui.unknown", lang)
    return t("ui.achieved", lang) if bool(value) else t("ui.not_achieved", lang)


def target_table(targets: pd.DataFrame | None, lang: str = "zh") -> pd.DataFrame | None:
    """Target attainment as display text: metric, target type, period, target, baseline,
    actual, change and result, all labelled in ``lang``. None when there are no targets.
    """
    if targets is None or targets.empty:
        return None
    rows = []
    for _, r in targets.iterrows():
        metric_id, kind = str(r["metric_id"]), str(r["kind"])
        unit = metric_unit(metric_id)
        rows.append(
            {
                t("ui.metric", lang): metric_label(metric_id, lang),
                t("fig.target.kind", lang): t(f"fig.target_kind.{kind}", lang),
                t("ui.period", lang): t(f"period.{r['period']}", lang),
                t("fig.target.target", lang): format_target(r["target"], kind, unit, lang),
                t("fig.target.baseline", lang): fmt_value(_num(r.get("baseline_value")), unit),
                t("fig.target.actual", lang): fmt_value(_num(r.get("actual_value")), unit),
                t("ui.change", lang): format_target(r.get("change"), kind, unit, lang)
                if kind in ("delta", "relative_change")
                else "–",
                t("fig.target.result", lang): _achieved(r.get("achieved"), lang),
            }
        )
    return pd.DataFrame(rows)


def style_targets(table: pd.DataFrame, lang: str = "zh") -> Styler:
    """The target table with the result column coloured (met green, not met red) and no index."""
    result = t("fig.target.result", lang)
    met, not_met = t("ui.achieved", lang), t("ui.not_achieved", lang)

    def colour(value: object) -> str:
        if value == met:
            return "background-color: #E3F1E6; color: #1E6B34; font-weight: 600"
        if value == not_met:
            return "background-color: #FBE6E4; color: #A12A22; font-weight: 600"
        return "color: #6B7280"

    return (
        table.style.hide(axis="index")
        .map(colour, subset=[result])
        .set_properties(**{"text-align": "right"}, subset=list(table.columns[3:7]))
        .set_table_styles(
            [
                {"selector": "th", "props": "text-align: left; background-color: #F3F4F6; padding: 4px 8px"},
                {"selector": "td", "props": "padding: 4px 8px"},
            ]
        )
    )
