"""Before / quality-month / follow-up comparisons read from the metrics frame.

The metrics frame has the columns of ``metrics.csv`` (contract section 5):
community_id, metric_id, period, value, n, ci_low, ci_high.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..catalog import METRICS, base_metric
from ..labels import metric_label, t
from ..params import Params
from ..privacy import mask_pii
from .style import (
    ACCENT,
    MUTED,
    WIDTH,
    decorate,
    fmt_value,
    is_percent,
    metric_unit,
    new_figure,
    percent_axis,
    period_color,
    period_handles,
    period_label,
    scale,
    unit_label,
)

#: Metric groups of the catalog, in report order.
GROUPS: tuple[str, ...] = (
    "satisfaction",
    "complaints",
    "repairs",
    "equipment",
    "safety",
    "inspections",
    "training",
    "activities",
)


def _present(metrics: pd.DataFrame | None, params: Params) -> pd.DataFrame:
    """Rows of the known periods with a value, periods in contract order."""
    if metrics is None or metrics.empty:
        return pd.DataFrame(columns=["metric_id", "period", "value", "n", "ci_low", "ci_high"])
    df = metrics[metrics["period"].isin(params.period_names) & metrics["value"].notna()].copy()
    for col in ("value", "n", "ci_low", "ci_high"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(float) if col in df.columns else np.nan
    df["period"] = df["period"].astype(str)
    df["metric_id"] = df["metric_id"].astype(str)
    return df


def _significant(changes: pd.DataFrame | None) -> set[tuple[str, str]]:
    """(metric_id, period) pairs whose change against the baseline is significant."""
    if changes is None or changes.empty or "significant" not in changes.columns:
        return set()
    sig = changes["significant"].astype("boolean").fillna(False).astype(bool)
    return set(
        zip(changes.loc[sig, "metric_id"].astype(str), changes.loc[sig, "period"].astype(str), strict=True)
    )


def _bars(
    ax: Axes,
    rows: pd.DataFrame,
    periods: Sequence[str],
    unit: str,
    lang: str,
    sig: set[tuple[str, str]],
    metric_id: str,
) -> None:
    """Three period bars with CI whiskers, each labelled with value and n."""
    k = scale(unit)
    by_period = rows.set_index("period")
    xs = np.arange(len(periods))
    tops = []
    # one bar and one errorbar call for the panel (the same rectangles and whiskers as one
    # call per period, a third of the artists to create)
    bar_x, bar_h, bar_c, err_x, err_y, err_lo, err_hi = [], [], [], [], [], [], []
    labels = []
    for x, period in zip(xs, periods, strict=True):
        if period not in by_period.index:
            ax.text(float(x), 0, t("ui.missing", lang), ha="center", va="bottom", fontsize=7.5, color=MUTED)
            continue
        row = by_period.loc[period]
        value = float(row["value"])
        bar_x.append(x)
        bar_h.append(value * k)
        bar_c.append(period_color(period))
        lo, hi = row.get("ci_low", np.nan), row.get("ci_high", np.nan)
        top = value * k
        if pd.notna(lo) and pd.notna(hi):
            err_x.append(x)
            err_y.append(value * k)
            err_lo.append(max(value - lo, 0) * k)
            err_hi.append(max(hi - value, 0) * k)
            top = max(top, hi * k)
        tops.append(top)
        text = fmt_value(value, unit)
        if (metric_id, period) in sig:
            text += "*"
        n = row.get("n", np.nan)
        if pd.notna(n):
            text += "\n" + t("fig.n", lang).format(n=f"{int(n):,}")
        labels.append((text, x, top))
    if bar_x:
        ax.bar(bar_x, bar_h, width=0.68, color=bar_c, edgecolor="white", zorder=2)
    if err_x:
        ax.errorbar(
            err_x,
            err_y,
            yerr=[err_lo, err_hi],
            fmt="none",
            ecolor="#3D4450",
            elinewidth=1.0,
            capsize=3,
            zorder=3,
        )
    for text, x, top in labels:
        ax.annotate(
            text,
            (x, top),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7.5,
            color="#2B2F33",
            linespacing=1.1,
        )
    ymax = max(tops) if tops else 1.0
    if is_percent(unit) and ymax <= 100:
        top = 100.0 if ymax > 60 else max(ymax * 1.1, 1e-9)
        ax.set_ylim(0, top * 1.25)
        if ymax > 60:
            ax.set_yticks(np.arange(0, 101, 20))
        percent_axis(ax)
    else:
        ax.set_ylim(0, ymax * 1.35 if ymax > 0 else 1.0)
        if unit == "count":
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xticks(xs, [period_label(p, lang) for p in periods])
    ax.tick_params(axis="x", length=0)
    ax.set_ylabel(unit_label(unit, lang))
    ax.grid(axis="x", visible=False)


def period_comparison(
    metrics: pd.DataFrame | None,
    group: str,
    params: Params,
    lang: str = "zh",
    changes: pd.DataFrame | None = None,
) -> Figure | None:
    """Small multiples of the KPIs of one catalog ``group`` (see :data:`GROUPS`) by period.

    One panel per base metric of the group that has a value: a bar per period
    (baseline grey, quality month strong, follow-up light), 95% CI whiskers
    where the metric has one, shares as %, each bar labelled with its value
    and n; ``*`` marks a change against the baseline with p < 0.05 (from
    ``changes``, optional). None when no metric of the group has data.
    """
    df = _present(metrics, params)
    ids = [m.metric_id for m in METRICS.values() if m.group == group and m.metric_id in set(df["metric_id"])]
    if not ids:
        return None
    periods = params.period_names
    sig = _significant(changes)
    ncols = min(3, len(ids))
    nrows = math.ceil(len(ids) / ncols)
    fig, axes = new_figure(0.4 + 2.55 * nrows, nrows, ncols, width=max(5.6, min(WIDTH, 2.8 * ncols + 0.6)))
    for ax, metric_id in zip(axes.flat, ids, strict=False):
        unit = metric_unit(metric_id)
        _bars(ax, df[df["metric_id"] == metric_id], periods, unit, lang, sig, metric_id)
        ax.set_title(metric_label(metric_id, lang), fontsize=9.5)
    for ax in list(axes.flat)[len(ids) :]:
        ax.set_visible(False)
    title = t("fig.compare.title", lang).format(group=t(f"group.{group}", lang))
    decorate(fig, title, t("fig.compare.note", lang), period_handles(periods, lang))
    return fig


def _dimension_label(suffix: str, base: str, lang: str) -> str:
    """Display name of a metric suffix (survey dimension, asset type, inspection dimension)."""
    for key in (f"dimension.{suffix}", f"asset_type.{suffix}", f"fig.inspection_dimension.{suffix}"):
        label = t(key, lang)
        if label != key:
            return label
    return mask_pii(suffix)


def dimension_comparison(
    metrics: pd.DataFrame | None,
    base: str,
    params: Params,
    lang: str = "zh",
    pass_mark: float | None = None,
) -> Figure | None:
    """Dot-and-whisker chart of ``<base>.<dimension>`` metrics by period.

    For ``inspection_score`` (scores by inspection dimension, the pass mark
    ``inspection_pass_score`` drawn as a line) and ``satisfaction_index``
    (index by survey dimension). Each dot is the period value, the whisker
    its 95% CI, and the label gives value and n. None without dimension rows.
    """
    df = _present(metrics, params)
    df = df[df["metric_id"].str.startswith(base + ".") & (df["metric_id"].map(base_metric) == base)]
    if df.empty:
        return None
    if pass_mark is None and base == "inspection_score":
        pass_mark = params.inspection_pass_score
    # dimensions ordered by their last-period value, best on top
    last = (
        df.sort_values("period", key=lambda s: s.map(params.period_names.index)).groupby("metric_id").last()
    )
    dims = list(last.sort_values("value").index)
    periods = [p for p in params.period_names if p in set(df["period"])]
    fig, axes = new_figure(1.2 + 0.42 * len(dims) * max(1, len(periods)) ** 0.5)
    ax = axes[0, 0]
    step = 0.8 / max(1, len(periods))
    # baseline on top within each dimension, later periods below
    offsets = {p: ((len(periods) - 1) / 2 - i) * step for i, p in enumerate(periods)}
    unit = metric_unit(base)
    for period in periods:
        rows = df[df["period"] == period].set_index("metric_id")
        dot_x, dot_y, ci_y, ci_lo, ci_hi = [], [], [], [], []
        for y, metric_id in enumerate(dims):
            if metric_id not in rows.index:
                continue
            row = rows.loc[metric_id]
            yy = y + offsets[period]
            if pd.notna(row["ci_low"]) and pd.notna(row["ci_high"]):
                ci_y.append(yy)
                ci_lo.append(row["ci_low"])
                ci_hi.append(row["ci_high"])
            dot_x.append(row["value"])
            dot_y.append(yy)
            right = row["ci_high"] if pd.notna(row["ci_high"]) else row["value"]
            label = fmt_value(float(row["value"]), unit)
            if pd.notna(row["n"]):
                label += "  " + t("fig.n", lang).format(n=f"{int(row['n']):,}")
            ax.annotate(
                label,
                (right, yy),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
                color=MUTED,
            )
        # the period's whiskers and dots as one artist each (drawn one by one as before)
        if ci_y:
            ax.hlines(ci_y, ci_lo, ci_hi, color=period_color(period), lw=1.6, zorder=2)
        if not dot_x:
            continue
        ax.plot(
            dot_x,
            dot_y,
            "o",
            color=period_color(period),
            ms=6,
            zorder=3,
            markeredgecolor="white",
            markeredgewidth=0.6,
        )
    ax.set_yticks(range(len(dims)), [_dimension_label(m.split(".", 1)[1], base, lang) for m in dims])
    lo = min(df["ci_low"].min(skipna=True) if df["ci_low"].notna().any() else np.inf, df["value"].min())
    hi = max(df["ci_high"].max(skipna=True) if df["ci_high"].notna().any() else -np.inf, df["value"].max())
    if pass_mark is not None:
        ax.axvline(pass_mark, color=ACCENT, ls="--", lw=1.2, zorder=1)
        lo, hi = min(lo, pass_mark), max(hi, pass_mark)
    span = max(hi - lo, 1.0)
    ax.set_xlim(max(0.0, lo - 0.08 * span), min(100.0 + 0.22 * span, hi + 0.22 * span))
    ax.set_ylim(-0.6, len(dims) - 0.4)
    ax.set_xlabel(unit_label(unit, lang))
    ax.grid(axis="y", visible=False)
    handles = [ax.plot([], [], "o", color=period_color(p), label=period_label(p, lang))[0] for p in periods]
    if pass_mark is not None:
        handles.append(
            ax.plot([], [], ls="--", color=ACCENT, label=t("fig.dims.pass", lang).format(score=pass_mark))[0]
        )
    title = t("fig.dims.title", lang).format(metric=metric_label(base, lang))
    decorate(fig, title, t("fig.dims.note", lang), handles)
    return fig


def failure_by_type(metrics: pd.DataFrame | None, params: Params, lang: str = "zh") -> Figure | None:
    """Grouped bars of ``equipment_failure_rate.<type>`` by period (failures per 100 assets per 30 days).

    Each bar is labelled with its rate and the number of failures (n).
    None when the metrics frame has no per-type failure rates.
    """
    df = _present(metrics, params)
    df = df[df["metric_id"].str.startswith("equipment_failure_rate.")]
    if df.empty:
        return None
    types = sorted(sorted(set(df["metric_id"])), key=lambda m: -df.loc[df["metric_id"] == m, "value"].max())
    periods = [p for p in params.period_names if p in set(df["period"])]
    fig, axes = new_figure(3.9)
    ax = axes[0, 0]
    width = 0.8 / len(periods)
    xs = np.arange(len(types))
    top = 0.0
    for i, period in enumerate(periods):
        rows = df[df["period"] == period].set_index("metric_id").reindex(types)
        x = xs + (i - (len(periods) - 1) / 2) * width
        vals = rows["value"].to_numpy(dtype=float)
        ax.bar(
            x,
            vals,
            width=width * 0.92,
            color=period_color(period),
            label=period_label(period, lang),
            zorder=2,
        )
        for xi, v, n in zip(x, vals, rows["n"].to_numpy(dtype=float), strict=True):
            if np.isnan(v):
                continue
            text = fmt_value(v, "per100assets30d") if v > 0 else "0"
            if not np.isnan(n) and v > 0:
                text += "\n" + t("fig.n", lang).format(n=int(n))
            ax.annotate(
                text,
                (xi, v),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=6.8,
                linespacing=1.05,
            )
            top = max(top, v)
    ax.set_xticks(xs, [_dimension_label(m.split(".", 1)[1], "equipment_failure_rate", lang) for m in types])
    ax.tick_params(axis="x", length=0)
    ax.set_ylim(0, top * 1.3 if top > 0 else 1)
    ax.set_ylabel(unit_label("per100assets30d", lang))
    ax.set_xlabel(t("fig.failure.type", lang))
    ax.grid(axis="x", visible=False)
    decorate(fig, t("fig.failure.title", lang), t("fig.failure.note", lang), period_handles(periods, lang))
    return fig
