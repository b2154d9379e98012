"""Control-chart signals (``qmlib.control_charts.signals``) as findings.

Only signals that matter for the current process are kept: points in a
period after the baseline (quality month, follow-up) on the unfavourable side
of the centre line (catalog ``better``: below the centre for +1, above for −1;
both sides when ``better`` is 0). Signals are grouped by chart, metric and
subgroup. Points of a degenerate chart (lcl = ucl, e.g. a baseline share of
100% gives limits [1, 1]) are ignored: any deviation would "signal". A weekly
chart (``p``, ``u``) is reported when it has at least
``Rules.control_min_points`` (2) such points (one stray week among many
charts is expected by chance, and the last week is often censored); the
I-chart of individual orders (``imr``) — where some points beyond the limits
are expected among hundreds of orders — only with at least
``Rules.control_min_imr_points`` (5) points beyond the limits and at least
``Rules.control_min_imr_share`` (1%) of that urgency's orders with an arrival
after the baseline (runs ignored). Facts: ``count``, ``beyond_limits``.
"""

from __future__ import annotations

import pandas as pd

from ..labels import t
from ..metrics.rules import active_orders, urgency_of
from ..periods import bounds
from ..schema import ENGLISH
from .base import Context, Finding, fmt_number, fmt_share, in_window
from .metric_findings import better_of

_SUBGROUP_ZH = {en: zh for zh, en in ENGLISH["urgency"].items()}


def _chart_name(ctx: Context, chart: str, metric_id: str, subgroup: str) -> str:
    if chart == "imr":
        sub = _SUBGROUP_ZH.get(subgroup, subgroup) if ctx.lang == "zh" else subgroup
        return ctx.text("finding.chart.imr", subgroup=sub)
    if chart == "u":
        return ctx.text("finding.chart.u")
    return ctx.text("finding.chart.p", metric=ctx.metric(metric_id))


def _orders(ctx: Context, subgroup: str) -> int:
    """Non-cancelled orders with an arrival time after the baseline, of urgency ``subgroup``."""
    wo = ctx.tables.get("work_orders")
    if wo is None or wo.empty or "arrived_at" not in wo.columns:
        return 0
    rows = active_orders(in_window("work_orders", wo, ctx.params))
    rows = rows[(rows["reported_at"] >= bounds(ctx.params, "baseline")[1]).to_numpy(dtype=bool)]
    urgency = _SUBGROUP_ZH.get(subgroup, subgroup)
    keep = rows["arrived_at"].notna() & urgency_of(rows).eq(urgency)
    return int(keep.sum())


def _fmt(chart: str, x: float) -> str:
    if chart == "p":
        return fmt_share(x)
    return fmt_number(x, 2 if chart == "u" else 1)


def control_signal(ctx: Context) -> list[Finding]:
    """One finding per chart with unfavourable signals (rules in the module docstring)."""
    sig = ctx.signals
    if sig is None or sig.empty:
        return []
    df = sig.copy()
    df = df[df["period"].astype("string").fillna("baseline") != "baseline"]
    if df.empty:
        return []
    for col in ("value", "centre", "lcl", "ucl"):
        df[col] = pd.to_numeric(df[col], errors="coerce")
    df = df[~((df["ucl"] - df["lcl"]).abs() <= 1e-12).fillna(False).to_numpy(dtype=bool)]
    better = df["metric_id"].astype(str).map(better_of)
    above = df["value"] > df["centre"]
    below = df["value"] < df["centre"]
    bad = ((better > 0) & below) | ((better < 0) & above) | ((better == 0) & (above | below))
    df = df[bad.fillna(False).to_numpy(dtype=bool)]
    if "subgroup" not in df.columns:
        df["subgroup"] = ""
    df["subgroup"] = df["subgroup"].astype("string").fillna("")
    out: list[Finding] = []
    for (chart, metric_id, subgroup), rows in df.groupby(["chart", "metric_id", "subgroup"], sort=True):
        chart, metric_id, subgroup = str(chart), str(metric_id), str(subgroup)
        beyond = rows["rule"].astype("string").eq("beyond_limits").fillna(False)
        if chart == "imr":
            rows = rows[beyond.to_numpy(dtype=bool)]
            need = max(
                ctx.rules.control_min_imr_points, ctx.rules.control_min_imr_share * _orders(ctx, subgroup)
            )
            if len(rows) < need:
                continue
            beyond = rows["rule"].astype("string").eq("beyond_limits").fillna(False)
        elif len(rows) < ctx.rules.control_min_points:
            continue
        last = rows.iloc[-1]
        name = _chart_name(ctx, chart, metric_id, subgroup)
        rules = [t(f"finding.rule.{r}", ctx.lang) for r in dict.fromkeys(rows["rule"].astype(str))]
        out.append(
            Finding(
                kind="control_signal",
                category="stability",
                evidence=ctx.text(
                    "finding.ev.control_signal",
                    chart=name,
                    first=str(rows["point"].iloc[0]),
                    last=str(last["point"]),
                    count=len(rows),
                    rules=ctx.join(rules),
                    value=_fmt(chart, float(last["value"])),
                    centre=_fmt(chart, float(last["centre"])),
                ),
                metric_id=metric_id,
                subject=f"{chart}:{metric_id}" + (f":{subgroup}" if subgroup else ""),
                label=name,
                period=str(last["period"]),
                n=len(rows),
                facts={"count": len(rows), "beyond_limits": bool(beyond.any())},
            )
        )
    return out
