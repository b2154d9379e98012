"""Charts of the portfolio report (pure: data in, matplotlib Figure out)."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..catalog import metric_def
from ..figures.style import new_figure, period_color, period_label
from ..labels import metric_label, t

KEY_METRICS = (
    "satisfaction_index",
    "complaint_rate",
    "repair_timely_rate",
    "equipment_failure_rate",
    "hazard_rectification_rate",
    "inspection_score",
)


def kpi_distribution(metrics: pd.DataFrame, lang: str = "zh") -> Figure | None:
    """Box-and-strip plot of each key KPI across communities, by period."""
    if metrics.empty:
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
            ax.scatter(np.full(len(v), i) + np.random.default_rng(i).uniform(-0.12, 0.12, len(v)), v,
                       s=8, color="#2B2F33", alpha=0.5, zorder=3)
        ax.set_xticks(range(1, len(periods) + 1), [period_label(p, lang) for p in periods])
        unit = " (%)" if metric_def(metric).kind == "share" else ""
        ax.set_title(metric_label(metric, lang) + unit, fontsize=9.5)
    for ax in list(axes.flat)[len(present):]:
        ax.set_visible(False)
    fig.suptitle(t("portfolio.distribution", lang))
    return fig


def target_heatmap(targets: pd.DataFrame, names: dict[str, str], lang: str = "zh") -> Figure | None:
    """Communities × targets: met (1), not met (0), unknown (blank)."""
    if targets.empty:
        return None
    frame = targets.copy()
    frame["label"] = [f"{metric_label(m, lang)} ({k})" for m, k in zip(frame["metric_id"], frame["kind"],
                                                                        strict=True)]
    achieved = frame["achieved"].astype(str).str.lower().map({"true": 1.0, "false": 0.0})
    frame["score"] = achieved
    grid = frame.pivot_table(index="community_id", columns="label", values="score", aggfunc="mean")
    grid = grid.iloc[:60]
    fig, axes = new_figure(max(2.5, 0.28 * len(grid) + 1.5))
    ax = axes[0, 0]
    ax.imshow(grid.to_numpy(dtype=float), aspect="auto", cmap="RdYlGn", vmin=0, vmax=1)
    ax.set_yticks(range(len(grid)), [names.get(c, c) for c in grid.index], fontsize=7.5)
    ax.set_xticks(range(grid.shape[1]), grid.columns, rotation=30, ha="right", fontsize=7.5)
    ax.grid(False)
    ax.set_title(t("portfolio.heatmap", lang))
    cmap = matplotlib.colormaps["RdYlGn"]
    handles = [Patch(color=cmap(1.0), label=t("ui.achieved", lang)),
               Patch(color=cmap(0.0), label=t("ui.not_achieved", lang)),
               Patch(facecolor="white", edgecolor="#B0B4BA", label=t("ui.unknown", lang))]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig
