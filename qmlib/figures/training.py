"""Training coverage by role: distinct employees trained / headcount (params ``staff``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..labels import t
from ..params import Params
from ..periods import assign_periods
from .style import INK, decorate, new_figure, percent_axis, period_color, period_handles, period_label


def training_coverage_table(tables: dict[str, pd.DataFrame], params: Params) -> pd.DataFrame | None:
    """Coverage per role and period: role, period, trained (distinct employee_id), headcount, coverage.

    Roles are the keys of ``params.staff`` with a headcount > 0 (records of
    other roles are left out). Every role × period pair is present (0 when
    nobody was trained). None without a training table or staff.
    """
    tr = tables.get("training")
    staff = {r: h for r, h in params.staff.items() if h > 0}
    if tr is None or not staff:
        return None
    period = assign_periods(tr["trained_on"], params)
    df = pd.DataFrame(
        {"role": tr["role"].astype("string").str.strip(), "employee_id": tr["employee_id"], "period": period}
    ).dropna(subset=["period"])
    trained = df.groupby(["role", "period"], observed=True)["employee_id"].nunique()
    rows = []
    for role, head in staff.items():
        for p in params.period_names:
            k = int(trained.get((role, p), 0))
            rows.append((role, p, k, head, k / head))
    return pd.DataFrame(rows, columns=["role", "period", "trained", "headcount", "coverage"])


def training_coverage(tables: dict[str, pd.DataFrame], params: Params, lang: str = "zh") -> Figure | None:
    """Grouped bars of training coverage (%) per role and period, labelled ``trained/headcount``.

    None when the training table or the staff headcounts are missing.
    """
    tab = training_coverage_table(tables, params)
    if tab is None:
        return None
    roles = list(dict.fromkeys(tab["role"]))
    periods = params.period_names
    fig, axes = new_figure(3.8)
    ax = axes[0, 0]
    width = 0.8 / len(periods)
    xs = np.arange(len(roles))
    for i, period in enumerate(periods):
        sub = tab[tab["period"] == period].set_index("role").reindex(roles)
        x = xs + (i - (len(periods) - 1) / 2) * width
        ax.bar(
            x,
            sub["coverage"] * 100,
            width=width * 0.92,
            color=period_color(period),
            label=period_label(period, lang),
            zorder=2,
        )
        for xi, cov, k, h in zip(x, sub["coverage"], sub["trained"], sub["headcount"], strict=True):
            ax.annotate(
                f"{int(k)}/{int(h)}",
                (xi, cov * 100),
                xytext=(0, 1.5),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=6.8,
                color=INK,
            )
    top = max(100.0, float(tab["coverage"].max() * 100))
    ax.set_ylim(0, top * 1.15)
    ax.axhline(100, color="#C9CDD2", lw=0.9, zorder=1)
    percent_axis(ax)
    ax.set_xticks(
        xs, [t(f"fig.role.{r}", lang) if t(f"fig.role.{r}", lang) != f"fig.role.{r}" else r for r in roles]
    )
    ax.tick_params(axis="x", length=0)
    ax.grid(axis="x", visible=False)
    ax.set_xlabel(t("fig.training.role", lang))
    ax.set_ylabel(t("fig.training.ylabel", lang))
    decorate(fig, t("fig.training.title", lang), t("fig.training.note", lang), period_handles(periods, lang))
    return fig
