"""Changes said in plain words, with p-values that agree with their marker.

A change is "beyond sampling noise" when ``changes.csv`` marks it
significant (two-sided test at the 5% level, contract §4; see
:mod:`qmlib.metrics.stats`), otherwise "within sampling noise" and shown
neutral. :func:`fmt_p` never prints a p-value whose rounding contradicts the
flag: a significant p of 0.0496 is shown as ``p<0.05``, not ``p=0.050``.
Metrics with fewer than :data:`SMALL_N` observations in either period are
marked as a small sample (Wasserstein & Lazar 2016, "The ASA statement on
p-values", *The American Statistician* 70(2): p-values alone do not make a
verdict; small samples are reported but not relied upon).
"""

from __future__ import annotations

import math

from ..labels import t
from ..report.fmt import SMALL_SAMPLE_N as SMALL_N
from ..report.fmt import fmt_p as report_fmt_p
from ..report.fmt import fmt_percent
from ..units import PERCENT_UNITS, better_of, decimals, is_missing, unit_of


def flag(value: object) -> bool | None:
    """``significant``/``achieved`` as read from CSV (``True``, ``"true"``, ``1``) → bool, or None."""
    if is_missing(value):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "1.0", "yes"):
        return True
    if text in ("false", "0", "0.0", "no"):
        return False
    return None


def fmt_p(p_value: object, significant: bool | None, lang: str = "zh") -> str:
    """The p-value as text that agrees with the significance decision (:func:`qmlib.report.fmt.fmt_p`:
    a significant 0.0496 reads ``p<0.05``); empty when missing. ``significant`` is the row's flag,
    decided on the same level."""
    if is_missing(p_value):
        return ""
    return report_fmt_p(p_value, lang)


def amount(metric_id: str, change: float, lang: str) -> str:
    """The size of a change in words with its unit: ``8.1 分``, ``3.2 个百分点``, ``0.45``."""
    unit = unit_of(metric_id)
    x = abs(change)
    if unit in PERCENT_UNITS:
        return t("doc.unit.pp", lang).format(value=f"{x * 100:,.1f}")
    number = f"{x:,.{decimals(unit)}f}"
    key = f"doc.unit.{unit}" if f"doc.unit.{unit}" in _UNIT_KEYS else "doc.unit.rate"
    return t(key, lang).format(value=number)


_UNIT_KEYS = frozenset(
    {"doc.unit.points", "doc.unit.rating", "doc.unit.minutes", "doc.unit.hours", "doc.unit.count"}
)


def is_small(n: object) -> bool:
    """True when ``n`` is known and below :data:`SMALL_N`."""
    if is_missing(n):
        return False
    return float(n) < SMALL_N  # type: ignore[arg-type]


def verdict(metric_id: str, change: object, significant: object) -> str:
    """``better``, ``worse``, ``neutral`` (within noise or unchanged) or ``unknown`` (no data)."""
    if is_missing(change):
        return "unknown"
    x = float(change)  # type: ignore[arg-type]
    sig = flag(significant)
    if sig is not True or x == 0 or not math.isfinite(x):
        return "neutral"
    direction = better_of(metric_id)
    if direction == 0:
        return "neutral"
    return "better" if direction * x > 0 else "worse"


def change_statement(
    metric_id: str, change: object, p_value: object, significant: object, lang: str = "zh", n: object = None
) -> str:
    """A change said plainly.

    - significant: "提升 8.1 分，超出抽样波动范围（p<0.001），属改善";
    - not significant: "变化在抽样波动范围内，不能认定为改善（p=0.164）";
    - no test: "提升 8.1 分（未做显著性检验）";
    - fewer than 10 observations: "样本较少（n=6），仅供参考" is added.
    """
    if is_missing(change):
        return ""
    x = float(change)  # type: ignore[arg-type]
    sig = flag(significant)
    verb = t("doc.stat.up" if x > 0 else "doc.stat.down", lang)
    size = amount(metric_id, x, lang)
    direction = better_of(metric_id)
    if x == 0:
        text = t("doc.stat.no_change", lang)
    elif sig is None or is_missing(p_value):
        text = t("doc.stat.no_test", lang).format(verb=verb, amount=size)
    elif sig:
        text = t("doc.stat.significant", lang).format(verb=verb, amount=size, p=fmt_p(p_value, True, lang))
        if direction:
            text += t("doc.stat.better" if direction * x > 0 else "doc.stat.worse", lang)
    else:
        good = direction * x >= 0 if direction else True
        key = "doc.stat.not_significant_good" if good else "doc.stat.not_significant_bad"
        text = t(key, lang).format(p=fmt_p(p_value, False, lang))
    if is_small(n):
        sep = "；" if lang == "zh" else "; "
        text += sep + t("doc.stat.small", lang).format(n=int(float(n)))  # type: ignore[arg-type]
    return text


def relative_text(value: object) -> str:
    """A relative change as a signed percentage."""
    return fmt_percent(value, signed=True)
