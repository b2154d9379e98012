"""Statistical process control: Shewhart charts and their signal rules, pure maths.

Three Shewhart charts (Montgomery, *Introduction to Statistical Quality
Control*, 7th ed., ch. 6–7), each with its limits computed from the
**baseline** subgroups only, so that later periods are judged against the
process as it was before:

- p-chart (a share per subgroup)::

      p_i = x_i / n_i,  p̄ = Σx / Σn over baseline subgroups,
      limits p̄ ± 3·√(p̄(1−p̄)/n_i), clipped to [0, 1].

- u-chart (a count per unit of exposure)::

      u_i = c_i / a_i,  ū = Σc / Σa over baseline subgroups,
      limits ū ± 3·√(ū / a_i), the lower one clipped at 0.

- I-MR chart (individual values in time order)::

      MR_i = |x_i − x_{i−1}|,  x̄ = mean of baseline x,
      MR̄ = mean of the MR_i whose two points are both baseline points,
      I limits x̄ ± 2.66·MR̄ (2.66 = 3/d2, d2 = 1.128),
      MR centre MR̄, MR UCL 3.267·MR̄ (D4 for n = 2).

Signals (Western Electric rules 1 and 4, Nelson rules 1 and 2; the
``signal`` column, one rule per point, the first that applies):

- ``beyond_limits``: the point lies above the UCL or below the LCL;
- ``run_of_8``: the point belongs to a run of 8 or more consecutive points
  on the same side of the centre line (a point on the line breaks a run).

The I-MR frame also has ``mr_signal`` = ``mr_beyond_limit`` where MR_i > MR UCL.
What the charts are drawn over (weekly subgroups of a community's events)
is :mod:`qmlib.control_charts`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

RULE_BEYOND = "beyond_limits"
RULE_RUN = "run_of_8"
RULE_MR = "mr_beyond_limit"
RUN_LENGTH = 8
#: I chart: 3 / d2 with d2 = 1.128 for moving ranges of two points.
E2 = 2.66
#: MR chart UCL factor D4 for n = 2.
D4 = 3.267
BASELINE = "baseline"


# ---------------------------------------------------------------- rules
def detect_signals(
    values: Sequence[float] | np.ndarray | pd.Series,
    centre: float | Sequence[float] | np.ndarray,
    lcl: float | Sequence[float] | np.ndarray,
    ucl: float | Sequence[float] | np.ndarray,
    run_length: int = RUN_LENGTH,
) -> pd.Series:
    """Rule name per point (``beyond_limits`` before ``run_of_8``), missing when none.

    A point with a missing value never signals and breaks a run.
    """
    v = np.asarray(values, dtype=float)
    c = np.broadcast_to(np.asarray(centre, dtype=float), v.shape)
    lo = np.broadcast_to(np.asarray(lcl, dtype=float), v.shape)
    hi = np.broadcast_to(np.asarray(ucl, dtype=float), v.shape)
    with np.errstate(invalid="ignore"):
        beyond = (v > hi) | (v < lo)
        side = np.sign(v - c)
    side = np.where(np.isnan(side), 0.0, side)
    in_run = np.zeros(v.shape, dtype=bool)
    start = 0
    for i in range(1, len(v) + 1):
        if i == len(v) or side[i] != side[start] or side[i] == 0:
            if side[start] != 0 and i - start >= run_length:
                in_run[start:i] = True
            start = i
    out = np.where(beyond, RULE_BEYOND, np.where(in_run, RULE_RUN, None))  # type: ignore[call-overload]  # numpy stubs reject None; an object array is meant
    return pd.Series(out, dtype="string")


def _frame(point: Sequence | None, period: Sequence[str], length: int) -> pd.DataFrame:
    if len(period) != length:
        raise ValueError("period must have one entry per point")
    points = list(range(length)) if point is None else list(point)
    if len(points) != length:
        raise ValueError("point must have one entry per point")
    return pd.DataFrame({"point": points, "period": pd.array(list(period), dtype="string")})


# ---------------------------------------------------------------- charts
def p_chart(
    successes: Sequence[float],
    totals: Sequence[float],
    period: Sequence[str],
    point: Sequence | None = None,
    baseline: str = BASELINE,
) -> pd.DataFrame:
    """p-chart of ``successes / totals`` per subgroup.

    p̄ = Σx / Σn over the subgroups of the ``baseline`` period;
    UCL/LCL_i = p̄ ± 3·√(p̄(1−p̄)/n_i), clipped to [0, 1]. Subgroups with
    n_i = 0 are dropped. Returns columns point, period, value, n, successes,
    centre, lcl, ucl, signal. Raises ValueError without baseline subgroups.
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(totals, dtype=float)
    df = _frame(point, period, len(x))
    df["successes"] = x
    df["n"] = n
    df = df[df["n"] > 0].reset_index(drop=True)
    base = df["period"] == baseline
    if not base.any():
        raise ValueError("p-chart: no baseline subgroup with n > 0")
    p_bar = df.loc[base, "successes"].sum() / df.loc[base, "n"].sum()
    sigma = np.sqrt(p_bar * (1 - p_bar) / df["n"])
    df["value"] = df["successes"] / df["n"]
    df["centre"] = p_bar
    df["lcl"] = np.clip(p_bar - 3 * sigma, 0.0, 1.0)
    df["ucl"] = np.clip(p_bar + 3 * sigma, 0.0, 1.0)
    df["signal"] = detect_signals(df["value"], p_bar, df["lcl"], df["ucl"])
    return df[["point", "period", "value", "n", "successes", "centre", "lcl", "ucl", "signal"]]


def u_chart(
    counts: Sequence[float],
    exposures: Sequence[float],
    period: Sequence[str],
    point: Sequence | None = None,
    baseline: str = BASELINE,
) -> pd.DataFrame:
    """u-chart of ``counts / exposures`` per subgroup.

    ū = Σc / Σa over the subgroups of the ``baseline`` period;
    UCL/LCL_i = ū ± 3·√(ū / a_i), the LCL clipped at 0. Subgroups with
    a_i = 0 are dropped. Returns columns point, period, value, count,
    exposure, centre, lcl, ucl, signal. Raises ValueError without baseline
    exposure.
    """
    c = np.asarray(counts, dtype=float)
    a = np.asarray(exposures, dtype=float)
    df = _frame(point, period, len(c))
    df["count"] = c
    df["exposure"] = a
    df = df[df["exposure"] > 0].reset_index(drop=True)
    base = df["period"] == baseline
    if not base.any():
        raise ValueError("u-chart: no baseline subgroup with exposure > 0")
    u_bar = df.loc[base, "count"].sum() / df.loc[base, "exposure"].sum()
    half = 3 * np.sqrt(u_bar / df["exposure"])
    df["value"] = df["count"] / df["exposure"]
    df["centre"] = u_bar
    df["lcl"] = np.maximum(u_bar - half, 0.0)
    df["ucl"] = u_bar + half
    df["signal"] = detect_signals(df["value"], u_bar, df["lcl"], df["ucl"])
    return df[["point", "period", "value", "count", "exposure", "centre", "lcl", "ucl", "signal"]]


def imr_chart(
    values: Sequence[float],
    period: Sequence[str],
    point: Sequence | None = None,
    baseline: str = BASELINE,
) -> pd.DataFrame:
    """Individuals and moving-range chart of ``values`` (already in time order).

    MR_i = |x_i − x_{i−1}|; x̄ = mean of the baseline values; MR̄ = mean of
    the MR_i with both points in the baseline; I limits x̄ ± 2.66·MR̄;
    MR centre MR̄ and UCL 3.267·MR̄. Missing values are dropped first.
    Returns columns point, period, value, mr, centre, lcl, ucl, mr_centre,
    mr_ucl, signal, mr_signal. Raises ValueError with fewer than 2 baseline values.
    """
    x = np.asarray(values, dtype=float)
    df = _frame(point, period, len(x))
    df["value"] = x
    df = df[df["value"].notna()].reset_index(drop=True)
    base = (df["period"] == baseline).to_numpy(dtype=bool)
    if base.sum() < 2:
        raise ValueError("I-MR chart: fewer than 2 baseline values")
    mr = df["value"].diff().abs()
    pair_base = base & np.concatenate([[False], base[:-1]])
    x_bar = df.loc[base, "value"].mean()
    mr_bar = mr[pair_base].mean()
    df["mr"] = mr
    df["centre"] = x_bar
    df["lcl"] = x_bar - E2 * mr_bar
    df["ucl"] = x_bar + E2 * mr_bar
    df["mr_centre"] = mr_bar
    df["mr_ucl"] = D4 * mr_bar
    df["signal"] = detect_signals(df["value"], x_bar, df["lcl"], df["ucl"])
    df["mr_signal"] = pd.Series(np.where(mr > D4 * mr_bar, RULE_MR, None), dtype="string")  # type: ignore[call-overload]  # as above
    return df[
        [
            "point",
            "period",
            "value",
            "mr",
            "centre",
            "lcl",
            "ucl",
            "mr_centre",
            "mr_ucl",
            "signal",
            "mr_signal",
        ]
    ]


__all__ = [
    "BASELINE",
    "D4",
    "E2",
    "RULE_BEYOND",
    "RULE_MR",
    "RULE_RUN",
    "RUN_LENGTH",
    "detect_signals",
    "imr_chart",
    "p_chart",
    "u_chart",
]
