"""Weekly trends with the quality month shaded."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..control_charts import (
    period_weeks,
    repair_orders,
    survey_scores,
    weekly_complaints,
    weekly_share,
)
from ..labels import metric_label, t
from ..params import Params
from ..periods import bounds
from .style import (
    INK,
    PERIOD_COLORS,
    date_axis,
    decorate,
    new_figure,
    percent_axis,
    period_color,
    period_label,
    shade_periods,
)

Series: TypeAlias = pd.DataFrame  # columns: point, period, value, n


def _level(g: pd.DataFrame, values: pd.Series) -> pd.DataFrame:
    """Attach each period's level (``level`` column) computed over all its rows."""
    return g.assign(level=g["period"].map(values))


def _satisfaction(tables: dict[str, pd.DataFrame], params: Params) -> Series | None:
    rows = survey_scores(tables, params)
    if rows is None or rows.empty:
        return None
    g = rows.groupby(["period", "point"], observed=True)["index"].agg(["mean", "size"]).reset_index()
    g = g.rename(columns={"mean": "value", "size": "n"})
    return _level(g, rows.groupby("period", observed=True)["index"].mean())


def _complaints(tables: dict[str, pd.DataFrame], params: Params) -> Series | None:
    weeks = weekly_complaints(tables, params)
    if weeks is None or weeks.empty:
        return None
    g = weeks.assign(value=weeks["count"] / weeks["exposure"], n=weeks["count"])
    tot = weeks.groupby("period", observed=True)[["count", "exposure"]].sum()
    return _level(g, tot["count"] / tot["exposure"])


def _repair_timely(tables: dict[str, pd.DataFrame], params: Params) -> Series | None:
    weeks = weekly_share(tables, params, "repair_timely_rate")
    if weeks is None or weeks.empty:
        return None
    g = weeks.assign(value=weeks["successes"] / weeks["n"] * 100)
    tot = weeks.groupby("period", observed=True)[["successes", "n"]].sum()
    return _level(g, tot["successes"] / tot["n"] * 100)


def _arrival_median(tables: dict[str, pd.DataFrame], params: Params) -> Series | None:
    rows = repair_orders(tables, params)
    if rows is None:
        return None
    rows = rows[rows["minutes"].notna()]
    if rows.empty:
        return None
    g = rows.groupby(["period", "point"], observed=True)["minutes"].agg(["median", "size"]).reset_index()
    g = g.rename(columns={"median": "value", "size": "n"})
    return _level(g, rows.groupby("period", observed=True)["minutes"].median())


#: Panels: (builder, y-label key or metric id, is percent).
PANELS: dict[str, tuple[Callable[[dict[str, pd.DataFrame], Params], Series | None], str, bool]] = {
    "satisfaction_index": (_satisfaction, "fig.trend.satisfaction", False),
    "complaints": (_complaints, "fig.trend.complaints", False),
    "repair_timely_rate": (_repair_timely, "fig.trend.repair_timely", True),
    "repair_arrival_median": (_arrival_median, "fig.trend.arrival_median", False),
}


def _panel(ax: Axes, data: Series, params: Params, lang: str, percent: bool) -> None:
    weeks = period_weeks(params)[["period", "point", "days"]]
    data = data.drop(columns=["days"], errors="ignore").merge(weeks, on=["period", "point"], how="inner")
    data = data.sort_values("point")
    data["point"] = data["point"] + pd.to_timedelta(data["days"] / 2, unit="D")  # middle of the subgroup
    # one line through all weeks, markers coloured by period
    ax.plot(data["point"], data["value"], color=INK, lw=1.1, alpha=0.55, zorder=2)
    for period in params.period_names:
        sub = data[data["period"] == period]
        if sub.empty:
            continue
        ax.scatter(
            sub["point"],
            sub["value"],
            s=22,
            color=period_color(period),
            zorder=3,
            edgecolor="white",
            linewidth=0.5,
        )
        lo, hi = bounds(params, period)
        ax.hlines(sub["level"].iloc[0], lo, hi, color=period_color(period), lw=2.2, alpha=0.9, zorder=1)
    shade_periods(ax, params, lang, label=False)
    if percent:
        percent_axis(ax)
    top = data["value"].max()
    ax.set_ylim(bottom=0 if percent or data["value"].min() < top * 0.5 else None)
    ax.annotate(
        t("fig.n", lang).format(n=f"{int(data['n'].sum()):,}"),
        (1, 1),
        xycoords="axes fraction",
        xytext=(-2, -2),
        textcoords="offset points",
        ha="right",
        va="top",
        fontsize=7.5,
        color="#6B7280",
    )


def weekly_trends(
    tables: dict[str, pd.DataFrame],
    params: Params,
    lang: str = "zh",
    panels: tuple[str, ...] = tuple(PANELS),
) -> Figure | None:
    """Stacked weekly trend panels sharing a date axis, the quality month shaded.

    Panels (each only when its table has data): satisfaction index (weekly
    mean, 0–100), valid complaints per 100 households per week, repair
    timely rate (%), median repair arrival minutes. A week that straddles a
    period boundary is split (see :mod:`qmlib.control_charts`). Markers are
    coloured by period; a thick line gives each period's level over all its
    rows (mean index, complaints per 100 households per week, timely share,
    median minutes); n in each panel's corner is the total number of
    responses / complaints / orders. None when no panel has data.
    """
    series = [(key, PANELS[key], PANELS[key][0](tables, params)) for key in panels]
    series = [(key, spec, data) for key, spec, data in series if data is not None and not data.empty]
    if not series:
        return None
    fig, axes = new_figure(0.9 + 1.75 * len(series), len(series), 1, sharex=True)
    for ax, (key, (_build, ylabel, percent), data) in zip(axes[:, 0], series, strict=True):
        _panel(ax, data, params, lang, percent)
        label = t(ylabel, lang)
        ax.set_title(
            label if key != "satisfaction_index" else metric_label(key, lang), loc="left", fontsize=9.5
        )
        ax.set_ylabel(t(f"{ylabel}.unit", lang))
    date_axis(axes[-1, 0], lang)
    axes[-1, 0].set_xlabel(t("fig.trend.xlabel", lang))
    handles = [
        Patch(color=PERIOD_COLORS[p], label=period_label(p, lang), alpha=1.0) for p in params.period_names
    ]
    decorate(fig, t("fig.trend.title", lang), t("fig.trend.note", lang), handles)
    return fig
