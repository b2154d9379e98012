"""Hazard funnel: found → rectified → rectified on time, by severity and period."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..control_charts import hazard_status
from ..labels import t
from ..params import Params
from .style import INK, decorate, new_figure, period_color, period_handles

SEVERITIES: tuple[tuple[str, str], ...] = (("一般", "minor"), ("较大", "major"), ("重大", "critical"))
STAGES: tuple[str, ...] = ("found", "rectified", "on_time")


def hazard_funnel_table(tables: dict[str, pd.DataFrame], params: Params) -> pd.DataFrame | None:
    """Counts per severity, period and stage: severity, period, found, rectified, on_time.

    rectified = rectified_at by as_of (hazard_rectification_rate); on_time =
    rectified by the due date (hazard_on_time_rate). None when the table or
    its rectified_at column is missing, or there are no hazards in any period.
    """
    if "hazards" not in tables or "rectified_at" not in tables["hazards"].columns:
        return None  # without rectified_at the rectification metrics are missing, not 0
    rows = hazard_status(tables, params)
    if rows is None or rows.empty:
        return None
    return (
        rows.assign(found=1, rectified=rows["rectified"].astype(int), on_time=rows["on_time"].astype(int))
        .groupby(["severity", "period"], observed=True)[list(STAGES)]
        .sum()
        .reset_index()
    )


def hazard_funnel(tables: dict[str, pd.DataFrame], params: Params, lang: str = "zh") -> Figure | None:
    """One panel per severity present; x = funnel stage (found, rectified, on time), a bar per period.

    Bars carry the count; rectified and on-time bars also the share of the
    hazards found in that period. None when there are no hazards in any period.
    """
    tab = hazard_funnel_table(tables, params)
    if tab is None:
        return None
    severities = [(zh, en) for zh, en in SEVERITIES if (tab["severity"] == zh).any()]
    periods = [p for p in params.period_names if (tab["period"] == p).any()]
    fig, axes = new_figure(3.7, 1, len(severities), sharey=False)
    width = 0.8 / len(periods)
    xs = np.arange(len(STAGES))
    for ax, (zh, en) in zip(axes.flat, severities, strict=True):
        sub = tab[tab["severity"] == zh].set_index("period").reindex(periods).fillna(0)
        for i, period in enumerate(periods):
            x = xs + (i - (len(periods) - 1) / 2) * width
            vals = sub.loc[period, list(STAGES)].to_numpy(dtype=float)
            found = vals[0]
            ax.bar(
                x,
                vals,
                width=width * 0.92,
                color=period_color(period),
                zorder=2,
            )
            for j, (xi, v) in enumerate(zip(x, vals, strict=True)):
                text = f"{int(v)}"
                if j > 0 and found > 0:
                    text += f"\n{v / found:.0%}"
                ax.annotate(
                    text,
                    (xi, v),
                    xytext=(0, 1.5),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=6.5,
                    color=INK,
                    linespacing=1.0,
                )
        ax.set_xticks(xs, [t(f"fig.hazard.{stage}", lang) for stage in STAGES])
        ax.tick_params(axis="x", length=0)
        ax.set_ylim(0, max(sub["found"].max(), 1) * 1.3)
        ax.grid(axis="x", visible=False)
        ax.set_title(
            t("fig.label_n", lang).format(label=t(f"fig.severity.{en}", lang), n=int(sub["found"].sum())),
            loc="left",
            fontsize=10,
        )
        ax.set_ylabel(t("fig.hazard.count", lang))
    decorate(fig, t("fig.hazard.title", lang), t("fig.hazard.note", lang), period_handles(periods, lang))
    return fig
