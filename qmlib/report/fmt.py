"""Number formatting for the report, by the metric's unit (:mod:`qmlib.units`).

Shares and coverage ratios are shown as percentages with one decimal and
their changes in percentage points; scores, minutes and hours with one
decimal; ratings with two; per-exposure rates with two; counts as integers.
Missing values are shown as an em dash.

p-values (:func:`fmt_p`) are written from the same rounding as the
significance decision (:func:`qmlib.metrics.stats.is_significant`), so that a
p-value shown next to a "significant" mark never reads 0.050. Every report
section and the portfolio use this one formatter.

A metric estimated from fewer than :data:`SMALL_SAMPLE_N` observations is a
small sample (:func:`is_small_sample`): the report marks it and never draws a
verdict from it alone.
"""

from __future__ import annotations

import math

import pandas as pd

from ..catalog import metric_def
from ..labels import LABELS, t
from ..units import PERCENT_UNITS, better_of, fmt_p, is_missing, unit_of
from ..units import decimals as unit_decimals

DASH = "—"

#: Fewer observations than this make a small sample (marked, never a verdict on its own).
SMALL_SAMPLE_N = 10

#: Metric kinds estimated from a sample of observations (n counts them); counts,
#: coverage and hours per employee are tallies of the whole period, not samples.
SAMPLED_KINDS = frozenset({"mean", "share", "rate", "percentile"})


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


def fmt_amount(metric_id: str, change: object, lang: str) -> str:
    """The size of a change in words' units, without sign: ``8.1 分`` / ``8.1 points``,
    ``4.2 个百分点`` / ``4.2 percentage points``, ``12.5 分钟`` / ``12.5 min``."""
    if is_missing(change):
        return DASH
    x = abs(float(change))  # type: ignore[arg-type]
    unit = unit_of(metric_id)
    number = _number(x * 100, 1) if unit in PERCENT_UNITS else _number(x, unit_decimals(unit))
    key = f"report.amount.{unit}"
    return t(key, lang).format(value=number) if key in LABELS else number


def is_small_sample(metric_id: str, n: object) -> bool:
    """True when a sampled metric (mean, share, rate, percentile) rests on fewer
    than :data:`SMALL_SAMPLE_N` observations; False for unknown ids, tallies and a missing n."""
    if is_missing(n):
        return False
    try:
        kind = metric_def(metric_id).kind
    except KeyError:
        return False
    return kind in SAMPLED_KINDS and float(n) < SMALL_SAMPLE_N  # type: ignore[arg-type]


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
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    except (TypeError, ValueError):
        return str(value)


__all__ = [
    "DASH",
    "PERCENT_UNITS",
    "SAMPLED_KINDS",
    "SMALL_SAMPLE_N",
    "better_of",
    "fmt_amount",
    "fmt_change",
    "fmt_ci",
    "fmt_date",
    "fmt_int",
    "fmt_p",
    "fmt_percent",
    "fmt_value",
    "is_missing",
    "is_small_sample",
    "unit_of",
]
