"""Shared pieces of the insight finders: the insight record, the context and
the thresholds (:class:`InsightRules`).

Every finder is a pure function ``finder(ctx) -> list[Insight]``; the
registry :data:`qmlib.insights.FINDERS` runs them in order. An insight carries
its evidence sentence (already in ``ctx.lang``, built from labels in
:mod:`qmlib.labels.insights`), the numbers of the contract row, and a
``score`` in [0, 1] by which insights of one kind are ranked.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from .. import units
from ..labels import metric_label, t
from ..params import Params
from ..units import unit_of


@dataclass(frozen=True)
class InsightRules:
    """Thresholds of the insight finders (each documented where it is used).

    ``ep_element`` / ``ep_set``: Adtributor's T_EEP and T_EP (Bhagwan et al.
    2014 use 0.1 and 0.67): an element must explain at least 10% of a change
    and a candidate set at least 67% of it. ``max_set``: the most elements of
    one explanation. ``max_dimensions``: how many dimensions of one change
    are reported (the paper reports the top 3 by surprise).
    ``level_alpha``: the p-value under which a top element is "outstanding"
    (Tang et al. 2017). ``level_min_elements``: elements (besides the top
    one) needed to fit the power law. ``min_sample``: a metric computed
    from fewer rows is flagged as a tiny sample. ``margin`` / ``confidence``:
    the survey margin of error and confidence behind the coverage caveat
    (Cochran's sample size). ``min_daily_rows``: a table needs this expected
    daily volume before a day without rows counts as missing.
    ``voice_similarity``: token-set Jaccard similarity at which two comments
    are near duplicates; ``voice_min_count``: the least comments of a theme.
    ``gain_hold_fraction``: the part of a quality-month gain a good case
    must keep in the last period to count as held (as the shortcomings
    stage's ``gain_not_held``). ``max_per_kind``: the most insights of each kind that are kept.
    """

    ep_element: float = 0.10
    ep_set: float = 0.67
    max_set: int = 3
    max_dimensions: int = 2
    level_alpha: float = 0.05
    level_min_elements: int = 2
    change_alpha: float = 0.05
    min_sample: int = 10
    margin: float = 0.05
    confidence_z: float = 1.959963984540054
    min_daily_rows: float = 5.0
    gain_hold_fraction: float = 0.5
    voice_similarity: float = 0.6
    voice_min_count: int = 3
    voice_examples: int = 2
    max_per_kind: Mapping[str, int] = field(
        default_factory=lambda: {"driver": 30, "case": 8, "voice": 10, "initiative": 10, "caveat": 12}
    )


@dataclass
class Insight:
    """One row of insights.csv before ids and ranks are given.

    ``value`` / ``reference`` by kind: a change driver has the subject's
    value in ``period`` and in the baseline; a level driver the subject's
    value over the analysis window and the rest's; a case the figure it is
    remembered by and the community's; a voice theme its number of comments
    and the number of comments in all; an initiative the metric's value in
    ``period`` and in the baseline; a caveat the figure that limits the
    comparison and the level it should reach. ``explains`` lists the
    shortcoming ids (and ``target:<metric>@<period>``) the insight explains.
    """

    kind: str
    evidence: str
    metric_id: str = ""
    period: str = ""
    dimension: str = ""
    subject: str = ""
    label: str = ""
    value: float | None = None
    reference: float | None = None
    share_of_change: float | None = None
    share_of_total: float | None = None
    p_value: float | None = None
    n: int | None = None
    direction: str = ""
    method: str = ""
    explains: list[str] = field(default_factory=list)
    score: float = 0.0


@dataclass(frozen=True)
class InsightContext:
    """Inputs of every finder."""

    tables: Mapping[str, pd.DataFrame]
    params: Params
    rules: InsightRules
    lang: str
    metrics: pd.DataFrame
    changes: pd.DataFrame
    targets: pd.DataFrame
    shortcomings: pd.DataFrame
    #: per-call cache of metric breakdowns (:class:`qmlib.insights.measures.Breakdowns`)
    breakdowns: Any = None

    def text(self, key: str, **values: object) -> str:
        """The label ``key`` in the context language, formatted with ``values``."""
        return t(key, self.lang).format(**values)

    def period(self, name: str) -> str:
        label = t(f"period.{name}", self.lang)
        return label.lower() if self.lang == "en" else label

    def metric(self, metric_id: str) -> str:
        return metric_label(metric_id, self.lang)

    def join(self, items: Sequence[str]) -> str:
        return t("insight.word.list_sep", self.lang).join(items)

    @cached_property
    def shortcoming_rows(self) -> list[pd.Series]:
        """The rows of the shortcomings frame (``iterrows``), made once for all finders."""
        sc = self.shortcomings
        return [] if sc is None or sc.empty else [row for _, row in sc.iterrows()]

    @cached_property
    def target_rows(self) -> list[pd.Series]:
        """The rows of the targets frame (``iterrows``), made once for all finders."""
        tg = self.targets
        return [] if tg is None or tg.empty else [row for _, row in tg.iterrows()]

    @cached_property
    def _metric_values(self) -> dict[tuple[str, str], Any]:
        """The value of the first row of every (metric_id, period) of the metrics frame."""
        return _first_rows(self.metrics, self.metrics["value"].tolist() if not self.metrics.empty else [])

    @cached_property
    def _change_rows(self) -> dict[tuple[str, str], int]:
        """The position of the first row of every (metric_id, period) of the changes frame."""
        return _first_rows(self.changes, range(len(self.changes)))

    def metric_value(self, metric_id: str, period: str) -> float | None:
        value = self._metric_values.get((metric_id, period))
        if value is None or pd.isna(value):
            return None
        return float(value)

    def change_row(self, metric_id: str, period: str) -> pd.Series | None:
        pos = self._change_rows.get((metric_id, period))
        return None if pos is None else self.changes.iloc[pos]


def _first_rows(frame: pd.DataFrame, values: Sequence[Any]) -> dict[tuple[str, str], Any]:
    """``values[i]`` of the first row ``i`` of every (metric_id, period) of ``frame`` (looked up
    once: the finders ask for the same few dozen again and again)."""
    out: dict[tuple[str, str], Any] = {}
    if frame.empty:
        return out
    keys = zip(frame["metric_id"].tolist(), frame["period"].tolist(), strict=True)
    for (metric_id, period), value in zip(keys, values, strict=True):
        if isinstance(metric_id, str) and isinstance(period, str):
            out.setdefault((metric_id, period), value)
    return out


# ---- numbers -------------------------------------------------------------


def fmt_value(metric_id: str, x: float | None) -> str:
    """A metric value for a sentence: shares and ratios as %, others by unit; "—" when missing."""
    if x is None or not math.isfinite(x):
        return "—"
    unit = unit_of(metric_id)
    if unit in ("share", "ratio"):
        return f"{x * 100:.0f}%"
    return f"{x:.{units.decimals(unit, 1)}f}"


def fmt_change(metric_id: str, d: float, lang: str) -> str:
    """A signed change: shares in percentage points, others in the metric's unit."""
    unit = unit_of(metric_id)
    if unit in ("share", "ratio"):
        return f"{d * 100:+.1f}{t('insight.word.pp', lang)}"
    return f"{d:+.{units.decimals(unit, 1)}f}"


def fmt_pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def fmt_p(p: float | None, lang: str) -> str:
    """:func:`qmlib.units.fmt_p`, empty when there is no p-value."""
    return units.fmt_p(p, lang, missing="")


def as_float(value: object) -> float | None:
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def clip01(x: float | None) -> float:
    if x is None or not math.isfinite(x):
        return 0.0
    return float(min(max(x, 0.0), 1.0))


__all__ = [
    "Insight",
    "InsightContext",
    "InsightRules",
    "as_float",
    "clip01",
    "fmt_change",
    "fmt_p",
    "fmt_pct",
    "fmt_value",
    "unit_of",
]
