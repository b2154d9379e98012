"""The next target of a KPI (rules ``improve``/``reference``/``hold``/``fixed``) and its text."""

from __future__ import annotations

import math

from ..units import DECIMALS, better_of, is_percent, stored_decimals, unit_of
from .schema import TargetRule

#: (low, high) of a metric's values by catalog unit; None = unbounded on that side.
RANGES: dict[str, tuple[float | None, float | None]] = {
    "share": (0.0, 1.0),
    "ratio": (0.0, 1.0),
    "points": (0.0, 100.0),
    "rating": (1.0, 5.0),
}
#: Decimal places of a target by unit (shares as fractions: 0.953 = 95.3%), from :mod:`qmlib.units`.
DIGITS: dict[str, int] = {unit: stored_decimals(unit) for unit in DECIMALS}


def finite_or_none(x: object) -> float | None:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def next_target(
    metric_id: str,
    rule: TargetRule,
    current: float | None,
    reference: float | None = None,
    quality_month: float | None = None,
    better: int | None = None,
) -> float | None:
    """The next target of a KPI.

    With ``b`` = the metric's ``better`` (+1/−1), ``[lo, hi]`` its range
    (shares and ratios [0, 1], 0–100 scores [0, 100], ratings [1, 5], others
    [0, ∞)) and ``best`` = hi when b = +1, lo when b = −1:

    - ``improve`` f (default 0.5): bounded metrics ``current + f·(best − current)``
      (close a share f of the gap); unbounded ``current·(1 + b·f)``;
    - ``reference``: ``reference`` (baseline, rest, quality-month level,
      missed target), else ``improve`` 0.5;
    - ``hold``: the better of ``quality_month`` and ``current``;
    - ``fixed``: ``rule.value``.

    The result is clipped to ``[lo, hi]``, is never worse than ``current``
    (max for b = +1, min for b = −1) and is rounded to the unit's digits
    (:data:`DIGITS`) towards the better side (up for b = +1, down for b = −1),
    so rounding never makes it easier. None when the value it needs is missing.
    """
    b = better_of(metric_id) if better is None else better
    unit = unit_of(metric_id)
    lo, hi = RANGES.get(unit, (0.0, None))
    f = rule.value if rule.value is not None else 0.5
    if rule.method == "fixed":
        return float(rule.value)  # type: ignore[arg-type]
    if rule.method == "hold":
        values = [v for v in (quality_month, current) if v is not None]
        if not values:
            return None
        target = max(values) if b >= 0 else min(values)
    elif rule.method == "reference" and reference is not None:
        target = reference
    else:
        if current is None:
            return None
        if rule.method == "reference":
            f = 0.5
        if b > 0 and hi is not None:
            target = current + f * (hi - current)
        elif b < 0:
            target = current + f * ((lo or 0.0) - current)
        else:
            target = current * (1 + b * f)
    if lo is not None:
        target = max(target, lo)
    if hi is not None:
        target = min(target, hi)
    if current is not None and b != 0:
        target = max(target, current) if b > 0 else min(target, current)
    digits = DIGITS.get(unit, 2)
    scaled = round(target * 10**digits, 6)
    scaled = math.ceil(scaled) if b > 0 else math.floor(scaled) if b < 0 else round(scaled)
    out = scaled / 10**digits
    if lo is not None:
        out = max(out, lo)
    if hi is not None:
        out = min(out, hi)
    return out


def fmt_target(metric_id: str | None, value: float | None, better: int, unit: str | None = None) -> str:
    """ "≥ 95.0%" / "≤ 1.25" / "0"; empty when there is no target.

    ``unit`` overrides the metric's unit (labelled KPIs: "count" or "share")."""
    if value is None:
        return ""
    unit = unit or (unit_of(metric_id) if metric_id else "")
    if is_percent(unit):
        text = f"{value * 100:.1f}%"
    else:
        digits = DIGITS.get(unit, 2) if metric_id else (0 if float(value).is_integer() else 2)
        text = f"{value:.{digits}f}"
    if value == 0 and better < 0:
        return text
    return ("≥ " if better > 0 else "≤ ") + text


# ---- plan --------------------------------------------------------------------
