"""Number formatting for the report, by the metric's unit (:mod:`qmlib.units`).

Shares and coverage ratios are shown as percentages with one decimal and
their changes in percentage points; scores, minutes and hours with one
decimal; ratings with two; per-exposure rates with two; counts as integers.
Missing values are shown as an em dash.
"""

from __future__ import annotations

import math

import pandas as pd

from ..labels import t
from ..units import PERCENT_UNITS, better_of, is_missing, unit_of
from ..units import decimals as unit_decimals

DASH = "—"


def _number(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` decimals and thousands separators; never ``-0.0``."""
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and float(text[1:].replace(",", "")) == 0:
        text = text[1:]
    return text


def fmt_value(metric_id: str, value: object) -> str:
    """A metric value in its unit: ``0.923`` share → ``92.3%``; ``78.94`` points → ``78.9``."""
    if is_missing(value):
        return DASH
    x = float(value)  # type: ignore[arg-type]
    unit = unit_of(metric_id)
    if unit in PERCENT_UNITS:
        return f"{_number(x * 100, 1)}%"
    return _number(x, unit_decimals(unit))


def fmt_change(metric_id: str, change: object, lang: str, signed: bool = True) -> str:
    """A change in the metric's unit with its sign; shares in percentage points."""
    if is_missing(change):
        return DASH
    x = float(change)  # type: ignore[arg-type]
    unit = unit_of(metric_id)
    if unit in PERCENT_UNITS:
        number = _number(x * 100, 1)
        if signed and x > 0:
            number = "+" + number
        return t("report.unit.pp", lang).format(value=number)
    decimals = unit_decimals(unit)
    number = _number(x, decimals)
    return "+" + number if signed and float(number.replace(",", "")) > 0 else number


def fmt_percent(value: object, signed: bool = False, decimals: int = 1) -> str:
    """``0.123`` → ``12.3%`` (``+12.3%`` when ``signed``)."""
    if is_missing(value):
        return DASH
    x = float(value) * 100  # type: ignore[arg-type]
    text = _number(x, decimals) + "%"
    return "+" + text if signed and x > 0 else text


def fmt_p(p_value: object, lang: str) -> str:
    """``p<0.001`` or ``p=0.023`` (three decimals); em dash when missing."""
    if is_missing(p_value):
        return DASH
    p = float(p_value)  # type: ignore[arg-type]
    if p < 0.001:
        return t("report.p.small", lang)
    return t("report.p.value", lang).format(value=f"{p:.3f}")


def fmt_ci(metric_id: str, low: object, high: object) -> str:
    """``[76.1, 81.7]`` in the metric's unit; empty when either end is missing."""
    if is_missing(low) or is_missing(high):
        return ""
    return f"[{fmt_value(metric_id, low)}, {fmt_value(metric_id, high)}]"


def fmt_int(value: object) -> str:
    """An integer with thousands separators; em dash when missing."""
    if is_missing(value):
        return DASH
    x = float(value)  # type: ignore[arg-type]
    if not math.isfinite(x):
        return DASH
    return f"{round(x):,}"


def fmt_date(value: object) -> str:
    """``2025-09-01`` from a date, datetime or Timestamp; em dash when missing."""
    if is_missing(value):
        return DASH
    try:
        return pd.Timestamp(value).strftime("%Y-%m-%d")  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)


__all__ = [
    "DASH",
    "PERCENT_UNITS",
    "better_of",
    "fmt_change",
    "fmt_ci",
    "fmt_date",
    "fmt_int",
    "fmt_p",
    "fmt_percent",
    "fmt_value",
    "is_missing",
    "unit_of",
]
