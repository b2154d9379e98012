"""Shared pieces of the shortcoming finders: the finding record, the context,
the thresholds (:class:`Rules`), number formatting and row selection.

Every finder is a pure function ``finder(ctx) -> list[Finding]``. A finding
carries its evidence sentence (already in ``ctx.lang``) and the *facts* that
:mod:`qmlib.shortcomings.ranking` turns into a severity and a score, so that
the severity and ranking rules live in one place.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .. import units
from ..labels import metric_label, t
from ..metrics.compute import first_rows
from ..params import Params
from ..periods import anchor_times, as_of_cutoff, assign_periods
from ..units import unit_of


@dataclass(frozen=True)
class Rules:
    """Thresholds of the finders (all documented where they are used).

    ``repeat_failure_threshold``: failures of one asset in the analysis window
    that make it "keep failing". ``min_group_n``: the least rows a group
    (building, category, urgency, dimension) needs to be compared with the
    rest. ``min_share_gap`` / ``min_score_gap`` / ``min_dimension_gap``: the
    least practical gap of a lagging group (SLA shares / building scores /
    dimension scores on 0–100) on top of non-overlapping 95% CIs.
    ``fdr``: Benjamini–Hochberg false-discovery rate applied across all tested
    changes before a change counts as a real gain or deterioration.
    ``min_change_n``: the least n on both sides of a change of a mean or a
    share before it can count as real. ``max_per_kind``: the most findings
    one kind may contribute (the largest by impact are kept).
    """

    repeat_failure_threshold: int = 3
    min_group_n: int = 20
    min_share_gap: float = 0.10
    min_score_gap: float = 8.0
    min_dimension_gap: float = 5.0
    fdr: float = 0.05
    gain_hold_fraction: float = 0.5
    backlog_min_age_days: int = 7
    backlog_min_items: int = 3
    backlog_old_days: int = 30
    maintenance_min_on_time: float = 0.90
    maintenance_min_n: int = 5
    pareto_cover: float = 0.80
    pareto_max_category_share: float = 0.30
    pareto_half: float = 0.50
    pareto_min_n: int = 30
    pareto_min_categories: int = 4
    training_min_coverage: float = 0.60
    min_change_n: int = 10
    control_min_points: int = 2
    control_min_imr_points: int = 5
    control_min_imr_share: float = 0.01
    reject_share: float = 0.05
    reject_min_rows: int = 3
    reject_share_medium: float = 0.20
    min_effect: Mapping[str, float] = field(
        default_factory=lambda: {
            "share": 0.03,
            "ratio": 0.03,
            "points": 2.0,
            "rating": 0.1,
            "relative": 0.05,
        }
    )
    max_per_kind: Mapping[str, int] = field(
        default_factory=lambda: {
            "metric_worsened": 5,
            "failure_rate_up": 3,
            "gain_not_held": 5,
            "repair_sla_lag": 5,
            "repeat_failure": 5,
            "lagging_building": 3,
            "lagging_dimension": 3,
            "control_signal": 3,
            "data_rejects": 5,
        }
    )
    max_listed: int = 8


@dataclass
class Finding:
    """One shortcoming before ranking.

    ``subject`` names what the finding is about (a building, an asset id, a
    ``metric@period``; lists comma-separated) and ``label`` the same for
    people, in the context language; ``value`` is the current value of ``metric_id`` for that
    subject and ``reference`` the value that good looks like (the baseline, the
    rest of the community, the target); both feed the plan's next targets.
    ``facts`` hold the numbers the severity and ranking rules read.
    """

    kind: str
    category: str
    evidence: str
    metric_id: str = ""
    subject: str = ""
    label: str = ""
    period: str = ""
    value: float | None = None
    reference: float | None = None
    n: int | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    severity: str = ""
    score: float = 0.0


@dataclass(frozen=True)
class Context:
    """Inputs of every finder, with the language of the evidence."""

    tables: Mapping[str, pd.DataFrame]
    params: Params
    rules: Rules
    lang: str
    metrics: pd.DataFrame
    changes: pd.DataFrame
    targets: pd.DataFrame
    ingest_summary: pd.DataFrame | None = None
    rejects: pd.DataFrame | None = None
    signals: pd.DataFrame | None = None

    def text(self, key: str, **values: object) -> str:
        """The label ``key`` in the context language, formatted with ``values``."""
        return t(key, self.lang).format(**values)

    def period(self, name: str) -> str:
        """Period label (lower-case in English, to sit inside a sentence)."""
        label = t(f"period.{name}", self.lang)
        return label.lower() if self.lang == "en" else label

    def metric(self, metric_id: str) -> str:
        return metric_label(metric_id, self.lang)

    def join(self, items: Sequence[str], limit: int | None = None) -> str:
        """Join names with the language's list separator; "and N more" past ``limit``."""
        items = list(items)
        limit = limit or self.rules.max_listed
        sep = t("finding.word.list_sep", self.lang)
        shown = sep.join(items[:limit])
        if len(items) > limit:
            more = t("finding.word.more", self.lang).format(n=len(items) - limit)
            shown += (sep if self.lang == "en" else "") + more
        return shown

    @property
    def as_of(self) -> str:
        return self.params.as_of_date.isoformat()

    @cached_property
    def _metric_rows(self) -> dict[tuple[str, str], tuple[Any, ...]]:
        """``(value, n)`` of the first row of every (metric_id, period) of the metrics frame
        (looked up once: finders ask for a hundred of them)."""
        return first_rows(self.metrics, "value", "n")

    def metric_n(self, metric_id: str, period: str) -> int | None:
        """``n`` of a metric in a period from the metrics frame, or None."""
        hit = self._metric_rows.get((metric_id, period))
        if hit is None or pd.isna(hit[1]):
            return None
        return int(hit[1])

    def metric_value(self, metric_id: str, period: str) -> float | None:
        hit = self._metric_rows.get((metric_id, period))
        if hit is None or pd.isna(hit[0]):
            return None
        return float(hit[0])


# ---- numbers -------------------------------------------------------------


def fmt_share(x: float) -> str:
    """0.8534 → "85.3%"."""
    return f"{x * 100:.1f}%"


def fmt_number(x: float, digits: int = 1) -> str:
    return f"{x:.{digits}f}"


def fmt_value(metric_id: str, x: float) -> str:
    """A metric value for a sentence: shares and ratios as %, others by unit."""
    unit = unit_of(metric_id)
    if unit in ("share", "ratio"):
        return fmt_share(x)
    return fmt_number(x, units.decimals(unit, 1))


def fmt_change(metric_id: str, d: float, lang: str) -> str:
    """A signed change: shares in percentage points, others in the metric's unit."""
    unit = unit_of(metric_id)
    if unit in ("share", "ratio"):
        return f"{d * 100:+.1f}{t('finding.word.pp', lang)}"
    return f"{d:+.{units.decimals(unit, 1)}f}"


def fmt_relative(x: float) -> str:
    """0.052 → "+5.2%"."""
    return f"{x * 100:+.1f}%"


def fmt_p(p: float | None, lang: str) -> str:
    """:func:`qmlib.units.fmt_p`; "p=—" when there is no p-value."""
    return units.fmt_p(p, lang, missing=t("finding.word.p", lang).format(p="—"))


def fmt_date(x: pd.Timestamp | Any) -> str:
    return pd.Timestamp(x).date().isoformat()


def clip01(x: float) -> float:
    """Clip to [0, 0.999] (an impact inside one severity level)."""
    if x is None or not math.isfinite(x):
        return 0.0
    return float(min(max(x, 0.0), 0.999))


# ---- data helpers ----------------------------------------------------------


def as_bool(s: pd.Series) -> pd.Series:
    """Booleans from bool / nullable / "true"/"false" text; missing → False."""
    if pd.api.types.is_bool_dtype(s):
        return s.astype("boolean").fillna(False).astype(bool)
    text = s.astype("string").str.strip().str.lower()
    return text.isin(["true", "1", "1.0", "yes", "y"]).fillna(False).astype(bool)


def as_float(value: object) -> float | None:
    """A finite float, or None for missing / non-numeric."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def in_window(table: str, df: pd.DataFrame, params: Params) -> pd.DataFrame:
    """Rows of the analysis window: anchor time in one of the periods and by as_of."""
    if df.empty:
        return df
    times = anchor_times(table, df)
    keep = assign_periods(times, params).notna() & (times < as_of_cutoff(params))
    return df[keep.fillna(False).to_numpy(dtype=bool)]


def known_by_as_of(table: str, df: pd.DataFrame, params: Params) -> pd.DataFrame:
    """Rows whose anchor time is at or before the end of the as_of day (any period)."""
    if df.empty:
        return df
    times = anchor_times(table, df)
    keep = times.notna() & (times < as_of_cutoff(params))
    return df[keep.to_numpy(dtype=bool)]


def finite(values: pd.Series) -> np.ndarray:
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return x[np.isfinite(x)]
