"""Building blocks shared by the domain modules.

A metric function gets the rows of one period and returns an
:class:`Estimate` (value, n, 95% interval and the :class:`Sample` it came
from) or ``None`` when the metric has no value for that period (a share or a
mean with no eligible rows). The builders below implement the contract rules
once:

- :func:`mean_estimate`: mean of the non-missing values, t interval clipped
  to the range the value can take.
- :func:`share_estimate`: successes / trials, Wilson interval.
- :func:`rate_estimate`: ``events × 100 / units × 30 / days``, no interval.
- :func:`count_estimate`: a count, no interval.
- :func:`ratio_estimate`: coverage and per-capita ratios, no interval.
- :func:`percentile_estimate`: numpy's linear percentile, no interval.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..params import Params
from ..periods import in_period
from .catalog import MetricKind
from .rules import elapsed_seconds, seconds_between
from .stats import clip_interval, t_interval, wilson_interval


@dataclass(frozen=True)
class Sample:
    """What one metric value was computed from (used by tests, charts and changes).

    ``kind`` is the catalog kind of the metric. The other fields by kind:

    ========================  ===================================  ==========================
    kind                      ``values``                           ``numerator / denominator``
    ========================  ===================================  ==========================
    mean                      the observations, sorted (float)     None / None
    percentile                the observations, sorted (float)     None / None
    share                     None                                 successes / trials
    rate                      None                                 events / exposure (units × days)
    count                     None                                 count / None
    coverage, per_capita      None                                 numerator / denominator
    ========================  ===================================  ==========================

    Observations are on the metric's scale: satisfaction 0–100, minutes,
    hours, rating 1–5, inspection score 0–100.
    """

    kind: MetricKind
    values: np.ndarray | None = None
    numerator: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class Estimate:
    """One row of metrics.csv without its keys."""

    value: float
    n: int
    ci_low: float | None
    ci_high: float | None
    sample: Sample


#: metric_id → period → Estimate; insertion order is the output order.
MetricMap = dict[str, dict[str, Estimate]]


def observations(values: pd.Series | np.ndarray | Iterable[float]) -> np.ndarray:
    """Non-missing values as a sorted float array (sorting makes sums order-independent)."""
    x = np.asarray(pd.Series(values, dtype="float64").to_numpy(dtype=float, na_value=np.nan))
    return np.sort(x[~np.isnan(x)])


def mean_estimate(
    values: pd.Series | np.ndarray | Iterable[float],
    value_range: tuple[float | None, float | None] = (None, None),
) -> Estimate | None:
    """``mean(x)`` over non-missing x, n = len(x), t interval (none when n < 2); None when n = 0.

    The interval is clipped to ``value_range`` (the catalog's ``value_range``
    of the metric: 0–100, 1–5, ≥ 0; :func:`~qmlib.metrics.stats.clip_interval`).
    """
    x = observations(values)
    if x.size == 0:
        return None
    ci = clip_interval(t_interval(x), *value_range)
    low, high = ci if ci is not None else (None, None)
    return Estimate(float(x.mean()), int(x.size), low, high, Sample("mean", values=x))


def share_estimate(flags: pd.Series | np.ndarray) -> Estimate | None:
    """``successes / trials`` over the eligible rows given as booleans, Wilson interval.

    Missing flags count as failures. None when there are no eligible rows.
    """
    f = pd.Series(flags, dtype="boolean").fillna(False).to_numpy(dtype=bool)
    trials = int(f.size)
    if trials == 0:
        return None
    successes = int(f.sum())
    ci = wilson_interval(successes, trials)
    low, high = ci if ci is not None else (None, None)
    return Estimate(
        successes / trials, trials, low, high, Sample("share", numerator=successes, denominator=trials)
    )


def rate_estimate(events: int, units: float, days: int) -> Estimate | None:
    """``events × 100 / units × 30 / days``; n = events; exposure = units × days.

    None when ``units`` or ``days`` is not positive (the rate is undefined).
    """
    if units <= 0 or days <= 0:
        return None
    value = events * 100.0 / units * 30.0 / days
    exposure = float(units) * float(days)
    return Estimate(value, int(events), None, None, Sample("rate", numerator=events, denominator=exposure))


def count_estimate(count: int) -> Estimate:
    """A count; n = the same count."""
    return Estimate(float(count), int(count), None, None, Sample("count", numerator=count))


def ratio_estimate(numerator: float, denominator: float, n: int, kind: MetricKind) -> Estimate | None:
    """``numerator / denominator`` (coverage, per-capita); None when the denominator is not positive."""
    if denominator <= 0:
        return None
    return Estimate(
        float(numerator) / float(denominator),
        int(n),
        None,
        None,
        Sample(kind, numerator=float(numerator), denominator=float(denominator)),
    )


def percentile_estimate(values: pd.Series | np.ndarray | Iterable[float], q: float) -> Estimate | None:
    """``numpy.percentile(x, q)`` (linear interpolation) over non-missing x; None when empty."""
    x = observations(values)
    if x.size == 0:
        return None
    return Estimate(float(np.percentile(x, q)), int(x.size), None, None, Sample("percentile", values=x))


def period_rows(table: str, df: pd.DataFrame, params: Params) -> dict[str, pd.DataFrame]:
    """Rows of each period (contract order), by the table's anchor time."""
    return {p: in_period(table, df, params, p) for p in params.period_names}


def add_estimate(out: MetricMap, metric_id: str, period: str, estimate: Estimate | None) -> None:
    """Record ``estimate`` under ``metric_id``/``period`` unless it is None (no value)."""
    if estimate is not None:
        out.setdefault(metric_id, {})[period] = estimate


__all__ = [
    "Estimate",
    "MetricMap",
    "Sample",
    "add_estimate",
    "count_estimate",
    "elapsed_seconds",
    "mean_estimate",
    "observations",
    "percentile_estimate",
    "period_rows",
    "rate_estimate",
    "ratio_estimate",
    "seconds_between",
    "share_estimate",
]
