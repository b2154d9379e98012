"""Charts of the portfolio report (pure: data in, matplotlib Figure out)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..catalog import metric_def
from ..figures.style import new_figure, period_color, period_label
from ..labels import metric_label, t
from .funnel import Funnel, curve

#: Box plots need enough communities to mean something (below this, only the funnels are drawn).
MIN_FOR_BOXPLOT = 8

KEY_METRICS = (
    "satisfaction_index",
    "complaint_rate",
    "repair_timely_rate",
    "equipment_failure_rate",
    "hazard_rectification_rate",
    "inspection_score",
)


def kpi_distribution(metrics: pd.DataFrame, lang: str = "zh") -> Figure | None:
    """Box-and-strip plot of each key KPI across communities, by period (None under 8 communities)."""
    if metrics.empty or metrics["community_id"].nunique() < MIN_FOR_BOXPLOT:
        return None
    data = metrics[metrics["metric_id"].isin(KEY_METRICS)].dropna(subset=["value"])
    present = [m for m in KEY_METRICS if m in set(data["metric_id"])]
    if not present:
        return None
    ncols = 3
    nrows = int(np.ceil(len(present) / ncols))
    fig, axes = new_figure(2.6 * nrows, nrows, ncols)
    periods = [p for p in ("baseline", "quality_month", "followup") if p in set(data["period"])]
    for ax, metric in zip(axes.flat, present, strict=False):
        sub = data[data["metric_id"] == metric]
        values = [sub.loc[sub["period"] == p, "value"].to_numpy(dtype=float) for p in periods]
        if metric_def(metric).kind == "share":
            values = [v * 100 for v in values]
        box = ax.boxplot(values, patch_artist=True, widths=0.55, showfliers=False)
        for patch, period in zip(box["boxes"], periods, strict=True):
            patch.set_facecolor(period_color(period))
            patch.set_alpha(0.55)
        for i, v in enumerate(values, start=1):
            ax.scatter(
                np.full(len(v), i) + np.random.default_rng(i).uniform(-0.12, 0.12, len(v)),
                v,
                s=8,
                color="#2B2F33",
                alpha=0.5,
                zorder=3,
            )
        ax.set_xticks(range(1, len(periods) + 1), [period_label(p, lang) for p in periods])
        unit = " (%)" if metric_def(metric).kind == "share" else ""
        ax.set_title(metric_label(metric, lang) + unit, fontsize=9.5)
    for ax in list(axes.flat)[len(present) :]:
        ax.set_visible(False)
    fig.suptitle(t("portfolio.distribution", lang))
    return fig


def _short(name: str, limit: int = 8) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def funnel_figure(f: Funnel, names: dict[str, str], lang: str = "zh") -> Figure:
    """One funnel plot: communities' values against their n (or exposure), the company value and
    the 95 % / 99.8 % control limits; communities beyond the 99.8 % limits are named."""
    pct = metric_def(f.metric_id).kind == "share"
    k = 100.0 if pct else 1.0
    pts = f.points
    fig, axes = new_figure(3.4, width=6.2)
    ax = axes[0, 0]
    lo = max(float(pts["precision"].min()) * 0.8, 1e-3 if f.model == "poisson" else 1.0)
    hi = float(pts["precision"].max()) * 1.15
    grid = np.linspace(lo, hi, 120)
    if f.model == "binomial":
        grid = np.unique(np.round(grid))
    lim = curve(f, grid)
    ax.axhline(f.theta0 * k, color="#2B2F33", lw=1.2, label=t("portfolio.funnel.company", lang))
    ax.plot(grid, lim["lo95"] * k, color="#D08C00", lw=1, ls="--", label=t("portfolio.funnel.limit95", lang))
    ax.plot(grid, lim["hi95"] * k, color="#D08C00", lw=1, ls="--")
    ax.plot(grid, lim["lo998"] * k, color="#B42318", lw=1, ls=":", label=t("portfolio.funnel.limit998", lang))
    ax.plot(grid, lim["hi998"] * k, color="#B42318", lw=1, ls=":")
    colors = (
        pts["status"]
        .map({"worse": "#B42318", "better": "#0B7A3E", "warn_worse": "#D08C00", "warn_better": "#3C8D5A"})
        .fillna("#52606D")
    )
    ax.scatter(
        pts["precision"], pts["value"] * k, s=22, c=list(colors), zorder=3, edgecolors="white", linewidths=0.5
    )
    for r in pts[pts["status"].isin(("worse", "better"))].itertuples():
        ax.annotate(
            _short(names.get(r.community_id, r.community_id)),
            (r.precision, r.value * k),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=7.5,
        )
    ax.set_xlabel(t(f"portfolio.funnel.x.{f.model}", lang), fontsize=8.5)
    unit = " (%)" if pct else ""
    ax.set_title(metric_label(f.metric_id, lang) + unit, fontsize=9.5, loc="left")
    ax.legend(fontsize=7.5, frameon=False, loc="best")
    return fig
