"""Control-chart figures: weekly p-chart, weekly u-chart, I-MR of arrival times.

The numbers come from :mod:`qmlib.control_charts` (limits from the baseline);
these functions only draw them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from ..control_charts import (
    RULE_BEYOND,
    RULE_MR,
    RULE_RUN,
    arrival_imr_chart,
    complaint_u_chart,
    share_p_chart,
)
from ..labels import metric_label, t
from ..params import Params
from .style import (
    INK,
    LIMIT,
    MUTED,
    PERIOD_COLORS,
    RUN,
    SIGNAL,
    date_axis,
    decorate,
    new_figure,
    percent_axis,
    period_color,
    period_label,
    shade_periods,
)


def _mark_signals(ax: Axes, x: pd.Series, y: pd.Series, signal: pd.Series, size: float = 46) -> None:
    beyond = (signal == RULE_BEYOND).fillna(False).to_numpy(dtype=bool)
    run = (signal == RULE_RUN).fillna(False).to_numpy(dtype=bool)
    if run.any():
        ax.scatter(x[run], y[run], s=size, facecolor="none", edgecolor=RUN, linewidth=1.4, zorder=5)
    if beyond.any():
        ax.scatter(x[beyond], y[beyond], s=size, marker="D", color=SIGNAL, zorder=6)


def _legend_handles(lang: str, limits_key: str) -> list:
    return [
        Line2D([], [], color=INK, lw=1.3, label=t("fig.cc.centre", lang)),
        Line2D([], [], color=LIMIT, lw=1.1, ls="--", label=t(limits_key, lang)),
        Line2D([], [], marker="D", color=SIGNAL, ls="none", label=t("fig.cc.beyond", lang)),
        Line2D([], [], marker="o", mfc="none", mec=RUN, ls="none", mew=1.4, label=t("fig.cc.run", lang)),
    ]


def _weekly_chart(
    chart: pd.DataFrame, params: Params, lang: str, title: str, ylabel: str, percent: bool
) -> Figure:
    k = 100.0 if percent else 1.0
    fig, axes = new_figure(3.7)
    ax = axes[0, 0]
    x = chart["point"] + pd.to_timedelta(chart["days"] / 2, unit="D")  # middle of the subgroup
    shade_periods(ax, params, lang)
    ax.plot(x, chart["value"] * k, color=INK, lw=1.0, alpha=0.6, zorder=3)
    for period in params.period_names:
        m = (chart["period"] == period).to_numpy(dtype=bool)
        if m.any():
            ax.scatter(
                x[m],
                chart["value"][m] * k,
                s=20,
                color=period_color(period),
                zorder=4,
                edgecolor="white",
                linewidth=0.5,
            )
    ax.plot(x, chart["centre"] * k, color=INK, lw=1.3, zorder=2)
    ax.step(x, chart["ucl"] * k, where="mid", color=LIMIT, lw=1.1, ls="--", zorder=2)
    ax.step(x, chart["lcl"] * k, where="mid", color=LIMIT, lw=1.1, ls="--", zorder=2)
    _mark_signals(ax, x, chart["value"] * k, chart["signal"])
    if percent:
        percent_axis(ax)
        ax.set_ylim(max(0.0, min((chart["lcl"] * k).min(), (chart["value"] * k).min()) - 5), 102)
    else:
        ax.set_ylim(0, max((chart["ucl"] * k).max(), (chart["value"] * k).max()) * 1.12)
    date_axis(ax, lang)
    ax.set_xlabel(t("fig.cc.week", lang))
    ax.set_ylabel(ylabel)
    handles = _legend_handles(lang, "fig.cc.limits") + [
        Patch(color=PERIOD_COLORS[p], alpha=0.35, label=period_label(p, lang))
        for p in ("quality_month", "followup")
        if p in params.periods
    ]
    n_signals = int(chart["signal"].notna().sum())
    decorate(fig, title, t("fig.cc.note", lang).format(k=n_signals, weeks=len(chart)), handles, "bottom")
    return fig


def p_chart_figure(
    tables: dict[str, pd.DataFrame], params: Params, lang: str = "zh", metric_id: str = "repair_timely_rate"
) -> Figure | None:
    """Weekly p-chart of an on-time share (p̄ and 3σ limits from the baseline weeks, limits vary with n).

    ``metric_id``: one of :data:`qmlib.control_charts.P_CHART_METRICS`.
    None without baseline data.
    """
    chart = share_p_chart(tables, params, metric_id)
    if chart is None:
        return None
    title = t("fig.pchart.title", lang).format(metric=metric_label(metric_id, lang))
    return _weekly_chart(chart, params, lang, title, metric_label(metric_id, lang) + " (%)", percent=True)


def u_chart_figure(tables: dict[str, pd.DataFrame], params: Params, lang: str = "zh") -> Figure | None:
    """Weekly u-chart of valid complaints per 100 households (ū and limits from the baseline weeks).

    None without a complaints table.
    """
    chart = complaint_u_chart(tables, params)
    if chart is None:
        return None
    return _weekly_chart(
        chart, params, lang, t("fig.uchart.title", lang), t("fig.uchart.ylabel", lang), percent=False
    )


def imr_figure(tables: dict[str, pd.DataFrame], params: Params, lang: str = "zh") -> Figure | None:
    """I-MR chart of repair arrival time per order, one I panel and one MR panel per urgency.

    Computed on ln(minutes); the I panel shows minutes on a log axis (limits
    exp(x̄ ± 2.66·MR̄)), the MR panel the moving range of ln(minutes).
    Orders are in reported order; x is the order's position. None without
    at least 2 baseline orders with an arrival time.
    """
    chart = arrival_imr_chart(tables, params)
    if chart is None:
        return None
    groups = [(u, en) for u, en in (("普通", "normal"), ("紧急", "urgent")) if (chart["urgency"] == u).any()]
    fig, axes = new_figure(
        0.9 + 3.1 * len(groups), 2 * len(groups), 1, gridspec_kw={"height_ratios": [2.2, 1] * len(groups)}
    )
    for i, (urgency, en) in enumerate(groups):
        sub = chart[chart["urgency"] == urgency].reset_index(drop=True)
        ax_i, ax_mr = axes[2 * i, 0], axes[2 * i + 1, 0]
        x = pd.Series(np.arange(1, len(sub) + 1))
        # period bands
        for period in params.period_names:
            m = (sub["period"] == period).to_numpy(dtype=bool)
            if m.any() and period != "baseline":
                for ax in (ax_i, ax_mr):
                    ax.axvspan(
                        x[m].min() - 0.5,
                        x[m].max() + 0.5,
                        color=PERIOD_COLORS[period],
                        alpha=0.09 if period == "quality_month" else 0.07,
                        lw=0,
                        zorder=0,
                    )
        minutes = np.exp(sub["value"])
        ax_i.plot(x, minutes, color=INK, lw=0.5, alpha=0.45, zorder=2)
        for period in params.period_names:
            m = (sub["period"] == period).to_numpy(dtype=bool)
            if m.any():
                ax_i.scatter(x[m], minutes[m], s=6, color=period_color(period), zorder=3, linewidth=0)
        ax_i.axhline(np.exp(sub["centre"].iloc[0]), color=INK, lw=1.2)
        ax_i.axhline(np.exp(sub["ucl"].iloc[0]), color=LIMIT, lw=1.1, ls="--")
        ax_i.axhline(np.exp(sub["lcl"].iloc[0]), color=LIMIT, lw=1.1, ls="--")
        _mark_signals(ax_i, x, minutes, sub["signal"], size=14)
        ax_i.set_yscale("log")
        ax_i.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax_i.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
        ax_i.yaxis.set_minor_formatter(NullFormatter())
        ax_i.set_ylabel(t("fig.imr.ylabel", lang))
        ax_i.set_title(
            t("fig.imr.panel", lang).format(urgency=t(f"fig.urgency.{en}", lang), n=f"{len(sub):,}"),
            loc="left",
            fontsize=9.5,
        )
        ax_i.tick_params(labelbottom=False)
        ax_mr.plot(x, sub["mr"], color=MUTED, lw=0.5, zorder=2)
        ax_mr.axhline(sub["mr_centre"].iloc[0], color=INK, lw=1.1)
        ax_mr.axhline(sub["mr_ucl"].iloc[0], color=LIMIT, lw=1.1, ls="--")
        over = (sub["mr_signal"] == RULE_MR).fillna(False).to_numpy(dtype=bool)
        if over.any():
            ax_mr.scatter(x[over], sub["mr"][over], s=10, marker="D", color=SIGNAL, zorder=4)
        ax_mr.set_ylabel(t("fig.imr.mr", lang))
        ax_mr.set_ylim(bottom=0)
        ax_mr.set_xlim(0, len(sub) + 1)
        ax_i.set_xlim(0, len(sub) + 1)
        ax_mr.set_xlabel(t("fig.imr.xlabel", lang))
    handles = _legend_handles(lang, "fig.imr.limits") + [
        Patch(color=PERIOD_COLORS[p], alpha=0.35, label=period_label(p, lang))
        for p in ("quality_month", "followup")
        if p in params.periods
    ]
    decorate(fig, t("fig.imr.title", lang), t("fig.imr.note", lang), handles, "bottom")
    return fig
