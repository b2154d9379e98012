"""Pareto charts of complaint and repair categories, one panel per period."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from ..control_charts import repair_orders, valid_complaints
from ..labels import t
from ..params import Params
from .style import ACCENT, INK, MUTED, decorate, new_figure, period_color, period_label, with_n

#: At most this many categories get their own bar; the rest are pooled as "other".
TOP = 8


def pareto_table(categories: pd.Series, top: int = TOP, other: str = "other") -> pd.DataFrame:
    """Counts by category, descending, the tail beyond ``top`` pooled as ``other``.

    Columns: category, count, share, cumulative (fractions of the total).
    """
    counts = categories.astype("string").fillna("?").value_counts()
    counts = counts.sort_values(ascending=False, kind="stable")
    if len(counts) > top + 1:
        head = counts.iloc[:top]
        counts = pd.concat([head, pd.Series({other: counts.iloc[top:].sum()})])
    out = pd.DataFrame({"category": counts.index.astype(str), "count": counts.to_numpy(dtype=int)})
    total = out["count"].sum()
    out["share"] = out["count"] / total
    out["cumulative"] = out["share"].cumsum()
    return out


def category_pareto(
    tables: dict[str, pd.DataFrame],
    params: Params,
    lang: str = "zh",
    table: Literal["complaints", "work_orders"] = "complaints",
    periods: tuple[str, ...] | None = None,
) -> Figure | None:
    """Pareto chart of categories (bars by count, cumulative % line, 80% line) for each period.

    ``complaints``: valid complaints; ``work_orders``: non-cancelled orders.
    ``periods`` defaults to the baseline and the last period (before vs
    after). None when the table is missing or has no rows in those periods.
    """
    rows = valid_complaints(tables, params) if table == "complaints" else repair_orders(tables, params)
    if rows is None or rows.empty:
        return None
    if periods is None:
        periods = tuple(dict.fromkeys(("baseline", params.last_period)))
    periods = tuple(p for p in periods if (rows["period"] == p).any())
    if not periods:
        return None
    fig, axes = new_figure(3.9, 1, len(periods), sharey=False)
    for ax, period in zip(axes.flat, periods, strict=True):
        sub = rows[rows["period"] == period]
        k_other = max(0, sub["category"].nunique() - TOP)
        tab = pareto_table(sub["category"], other=t("fig.pareto.other", lang).format(k=k_other))
        xs = np.arange(len(tab))
        ax.bar(xs, tab["count"], color=period_color(period), width=0.7, zorder=2)
        for x, c in zip(xs, tab["count"], strict=True):
            ax.annotate(
                f"{c}",
                (x, c),
                xytext=(0, 1.5),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7,
                color=INK,
            )
        ax.set_ylim(0, tab["count"].max() * 1.15)
        ax.set_xticks(xs, tab["category"], rotation=40, ha="right", rotation_mode="anchor")
        ax.tick_params(axis="x", length=0)
        ax.set_ylabel(t("fig.pareto.count", lang))
        ax.grid(axis="x", visible=False)
        ax2 = ax.twinx()
        ax2.plot(xs, tab["cumulative"] * 100, color=INK, marker="o", ms=3.5, lw=1.4, zorder=4)
        ax2.axhline(80, color=ACCENT, ls="--", lw=1.1)
        ax2.set_ylim(0, 105)
        ax2.yaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
        ax2.set_ylabel(t("fig.pareto.cum", lang), color=MUTED)
        ax.set_title(with_n(period_label(period, lang), len(sub), lang), loc="left", fontsize=10)
    key = "fig.pareto.title_complaints" if table == "complaints" else "fig.pareto.title_repairs"
    handles = [
        Line2D([], [], color=INK, marker="o", ms=3.5, lw=1.4, label=t("fig.pareto.cum", lang)),
        Line2D([], [], color=ACCENT, ls="--", lw=1.1, label=t("fig.pareto.line80", lang)),
    ]
    decorate(fig, t(key, lang), t("fig.pareto.note", lang).format(top=TOP), handles)
    return fig
