"""Metric units and directions: the one home of what every display of a number needs.

A metric's ``unit`` and ``better`` come from :mod:`qmlib.catalog`; this module
answers the questions the report, the figures, the shortcomings' sentences and
the plan's targets all ask of them:

- :func:`unit_of` / :func:`better_of`: the catalog's unit and direction of a
  metric id (dimensioned ids like ``satisfaction_index.cleaning`` included),
  ``""`` / ``0`` for an unknown id;
- :func:`is_percent`: shares and coverage ratios are stored as fractions and
  shown as percentages (changes in percentage points);
- :func:`decimals`: decimal places a value is shown with in its display unit
  (percentages one, scores/minutes/hours one, ratings and per-exposure rates
  two, counts none); :func:`stored_decimals` the same for the stored value
  (a share's one decimal in % is three decimals of the fraction);
- :func:`is_missing`: None, NaN, NaT and pandas NA.

How a number is then written (thousands separators, em dash, signs) belongs
to the consumer: :mod:`qmlib.report.fmt` for the report's tables,
:mod:`qmlib.shortcomings.base` for evidence sentences,
:mod:`qmlib.figures.style` for chart annotations.
"""

from __future__ import annotations

import math

import pandas as pd

from .catalog import metric_def
from .labels import t
from .metrics.stats import SIGNIFICANCE_LEVEL, is_significant

#: Units stored as fractions and shown as percentages.
PERCENT_UNITS = frozenset({"share", "ratio"})

#: Decimal places of a value in its display unit (percentages: of the percentage).
DECIMALS: dict[str, int] = {
    "share": 1,
    "ratio": 1,
    "points": 1,
    "minutes": 1,
    "hours": 1,
    "rating": 2,
    "per100hh30d": 2,
    "per100assets30d": 2,
    "count": 0,
}


def unit_of(metric_id: str) -> str:
    """Catalog unit of a metric id (``""`` for an unknown id)."""
    try:
        return metric_def(metric_id).unit
    except KeyError:
        return ""


def better_of(metric_id: str) -> int:
    """+1 when higher is better, -1 when lower is better, 0 when neither or unknown."""
    try:
        return metric_def(metric_id).better
    except KeyError:
        return 0


def is_percent(unit: str) -> bool:
    """Shares and coverage ratios are shown as percentages."""
    return unit in PERCENT_UNITS


def decimals(unit: str, default: int = 2) -> int:
    """Decimal places of a value shown in ``unit`` (``default`` for an unknown unit)."""
    return DECIMALS.get(unit, default)


def stored_decimals(unit: str, default: int = 2) -> int:
    """Decimal places of the stored value: two more than :func:`decimals` for percent units."""
    return decimals(unit, default) + (2 if is_percent(unit) else 0)


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


__all__ = [
    "DECIMALS",
    "PERCENT_UNITS",
    "better_of",
    "decimals",
    "is_missing",
    "is_percent",
    "stored_decimals",
    "unit_of",
]


def fmt_p(p_value: object, lang: str, missing: str = "—") -> str:
    """A p-value whose text agrees with the significance decision (the one p formatter).

    ``p<0.001`` below 0.001; otherwise three decimals (``p=0.023``), except
    that a p-value below the significance level whose three decimals would
    read as the level itself (0.0499 → "0.050") is written ``p<0.05``: the
    text never shows 0.050 next to a "significant" mark. ``missing`` (an em
    dash by default) when there is no p-value.
    """
    if is_missing(p_value):
        return missing
    p = float(p_value)  # type: ignore[arg-type]
    if not math.isfinite(p):
        return missing
    if p < 0.001:
        return t("report.p.small", lang)
    text = f"{p:.3f}"
    if is_significant(p) and float(text) >= SIGNIFICANCE_LEVEL:
        return t("report.p.below", lang).format(level=f"{SIGNIFICANCE_LEVEL:g}")
    return t("report.p.value", lang).format(value=text)
