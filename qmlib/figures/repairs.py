"""Repair arrival-time distribution by urgency and period."""

from __future__ import annotations

import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from ..control_charts import repair_orders
from ..labels import t
from ..params import Params
from .style import ACCENT, decorate, new_figure, percent_axis, period_color, period_label, with_n

URGENCIES: tuple[tuple[str, str], ...] = (("普通", "normal"), ("紧急", "urgent"))


def arrival_distribution(
    tables: dict[str, pd.DataFrame], params: Params, lang: str = "zh", min_minutes: float = 1.0
) -> Figure | None:
    """Empirical CDF of arrival minutes (log x) per period, one panel per urgency, with the SLA line.

    Orders: non-cancelled, reported in a period, with an arrival time
    (arrived_at − reported_at; values under ``min_minutes`` are drawn at
    ``min_minutes``). Where a curve crosses the SLA line is the share of
    arrived orders within the SLA. Legends give n per period. None without
    work orders with an arrival time.
    """
    all_orders = repair_orders(tables, params)
    if all_orders is None:
        return None
    orders = all_orders[all_orders["minutes"].notna()].copy()
    if orders.empty:
        return None
    missing = int(all_orders["minutes"].isna().sum())
    orders["minutes"] = orders["minutes"].clip(lower=min_minutes)
    panels = [(zh, en) for zh, en in URGENCIES if (orders["urgency"] == zh).any()]
    fig, axes = new_figure(3.6, 1, len(panels), sharey=True)
    lo, hi = orders["minutes"].min(), orders["minutes"].max()
    for ax, (zh, en) in zip(axes.flat, panels, strict=True):
        sub = orders[orders["urgency"] == zh]
        periods = [p for p in params.period_names if (sub["period"] == p).any()]
        labels = {p: with_n(period_label(p, lang), (sub["period"] == p).sum(), lang) for p in periods}
        data = sub.assign(_hue=sub["period"].map(labels))
        # labels set before seaborn, which otherwise sets its own from the tick labels' visibility
        # (laying out every tick of the log axis); the shared y axis shows its label only once
        ax.set_xlabel(t("fig.arrival.xlabel", lang))
        ax.set_ylabel(t("fig.arrival.ylabel", lang), visible=ax is axes.flat[0])
        sns.ecdfplot(
            data=data,
            x="minutes",
            hue="_hue",
            hue_order=[labels[p] for p in periods],
            palette={labels[p]: period_color(p) for p in periods},
            stat="percent",
            log_scale=True,
            ax=ax,
            linewidth=1.8,
            legend=False,
        )
        sla = float(params.sla.repair_arrival_minutes.get(zh, params.sla.repair_arrival_minutes["普通"]))
        ax.axvline(sla, color=ACCENT, ls="--", lw=1.3)
        ax.axhline(50, color="#C9CDD2", lw=0.8, zorder=0)
        handles = [Line2D([], [], color=period_color(p), lw=1.8, label=labels[p]) for p in periods]
        handles.append(
            Line2D(
                [], [], color=ACCENT, ls="--", lw=1.3, label=t("fig.arrival.sla", lang).format(minutes=sla)
            )
        )
        ax.legend(handles=handles, loc="lower right", frameon=True, framealpha=0.9)
        ax.set_title(t(f"fig.urgency.{en}", lang), loc="left")
        ax.set_xlim(lo / 1.3, hi * 1.3)
        ax.set_ylim(0, 101)
        percent_axis(ax)
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
        # the log axis' minor ticks draw nothing (tick marks off in the theme, grid on major
        # ticks only): no minor ticks at all instead of ~20 invisible ones per panel
        ax.xaxis.set_minor_locator(NullLocator())
    decorate(fig, t("fig.arrival.title", lang), t("fig.arrival.note", lang).format(k=missing))
    return fig
