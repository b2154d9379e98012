"""Drivers: the values of a dimension that account for a metric's change or level.

- :func:`change_drivers`: every change worth explaining (significant, a
  missed target, or the metric of a shortcoming) is decomposed along each
  dimension its rows carry with **Adtributor** (Bhagwan et al., NSDI 2014;
  :mod:`.adtributor`). ``share_of_change`` is the element's explanatory
  power: the part of the change that moving only this element produces.
- :func:`level_drivers`: for every metric with a good direction, the count
  of bad outcomes (late arrivals, failures, complaints, hazards late, …)
  over the analysis window is tested element by element for an
  **outstanding No. 1** (Tang et al., SIGMOD 2017; :mod:`.topk`).
  ``share_of_total`` is the element's share of the bad outcomes.

The metric of every element is computed by the metric's own function in
:mod:`qmlib.metrics` (:mod:`.measures`), so the rules live in one place.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import stats

from ..schema import ENGLISH
from .adtributor import explain_dimension, explanatory_power, rank_explanations, surprise
from .base import Insight, InsightContext, as_float, clip01, fmt_change, fmt_pct, fmt_value
from .measures import MISSING
from .topk import outstanding_top

BASELINE = "baseline"

_ENUM_OF_DIM = {
    "urgency": "urgency",
    "asset_type": "asset_type",
    "severity": "hazard_severity",
    "inspector": "inspector",
}


def dimension_key(table: str, dim: str) -> str:
    """Label key of a dimension (category means different things in two tables)."""
    return f"insight.dim.{table}.{dim}" if dim == "category" else f"insight.dim.{dim}"


def subject_label(ctx: InsightContext, table: str, dim: str, value: str, location: str = "") -> str:
    """A dimension value for people: 报修类别“水电维修”, 11栋, 设备DT-11-1（11栋1号梯）."""
    if value == MISSING:
        shown = ctx.text("insight.word.unknown")
    elif ctx.lang == "en" and dim in _ENUM_OF_DIM:
        eng = ENGLISH.get(_ENUM_OF_DIM[dim], {}).get(value)
        shown = ctx.text(f"asset_type.{eng}") if dim == "asset_type" and eng else (eng or value)
    else:
        shown = value
    if dim == "building":
        return shown
    text = ctx.text("insight.subject", dim=ctx.text(dimension_key(table, dim)), value=shown)
    if location:
        text += ctx.text("insight.word.located", location=location)
    return text


def trail(ctx: InsightContext, metric_id: str, kind: str, points: dict) -> str:
    """``基线期 27%（n=59）→ 质量月 61%（n=69）→ 巩固期 36%（n=60）`` from per-period points."""
    parts = []
    for period, pt in points.items():
        if kind in ("rate", "count"):
            shown = ctx.text("insight.word.times", n=pt.n)
        elif pt.value is None:
            shown = "—"
        else:
            shown = ctx.text("insight.word.value_n", value=fmt_value(metric_id, pt.value), n=pt.n)
        parts.append(f"{ctx.period(period)} {shown}")
    return " → ".join(parts)


def explains(ctx: InsightContext, metric_id: str, period: str = "", subject: str = "") -> list[str]:
    """Shortcoming ids (and missed targets) about the same base metric and period as an insight."""
    base = metric_id.split(".", 1)[0]
    out: list[str] = []
    if ctx.shortcoming_rows:
        for row in ctx.shortcoming_rows:
            mid = str(row.get("metric_id") or "")
            if not mid or mid.split(".", 1)[0] != base:
                continue
            sp = str(row.get("period") or "") if pd.notna(row.get("period")) else ""
            if period and sp and sp != period:
                continue
            out.append(str(row["shortcoming_id"]))
    if ctx.target_rows:
        for row in ctx.target_rows:
            if str(row["metric_id"]).split(".", 1)[0] != base:
                continue
            if str(row["achieved"]).lower() not in ("false", "0"):
                continue
            if period and str(row["period"]) != period:
                continue
            out.append(f"target:{row['metric_id']}@{row['period']}")
    return out


def changes_to_explain(ctx: InsightContext) -> list[tuple[str, str]]:
    """(metric_id, period) of significant changes, missed targets and shortcomings' metrics."""
    wanted: list[tuple[str, str]] = []
    ch = ctx.changes
    if not ch.empty:
        sig = ch["significant"].astype(str).str.lower().isin(["true", "1"])
        wanted += list(zip(ch.loc[sig, "metric_id"], ch.loc[sig, "period"], strict=True))
    tg = ctx.targets
    if not tg.empty:
        miss = tg["achieved"].astype(str).str.lower().isin(["false", "0"])
        wanted += list(zip(tg.loc[miss, "metric_id"], tg.loc[miss, "period"], strict=True))
    sc = ctx.shortcomings
    if sc is not None and not sc.empty and "period" in sc.columns:
        keep = sc["metric_id"].notna() & sc["period"].notna() & (sc["period"].astype(str) != "")
        wanted += list(
            zip(sc.loc[keep, "metric_id"].astype(str), sc.loc[keep, "period"].astype(str), strict=True)
        )
    seen: set[tuple[str, str]] = set()
    out = []
    for key in wanted:
        if key[1] != BASELINE and key not in seen:
            seen.add(key)
            out.append(key)
    return out


def _aligned(f: pd.DataFrame, a: pd.DataFrame) -> pd.DataFrame:
    """Baseline (``_f``) and current (``_a``) parts side by side, one row per element, by element."""
    elements = f["element"].tolist()
    if elements == a["element"].tolist() and all(x < y for x, y in itertools.pairwise(elements)):
        # the parts of one breakdown list the same elements, sorted (Breakdowns.parts): the outer
        # join and the sort below would give these rows in this order
        def zeroed(s: pd.Series) -> np.ndarray:
            x = s.to_numpy(dtype=float, na_value=np.nan)
            return np.where(np.isnan(x), 0.0, x)  # .astype(float).fillna(0.0)

        return pd.DataFrame(
            {
                "element": f["element"].to_numpy(),
                "num_f": zeroed(f["num"]),
                "den_f": zeroed(f["den"]),
                "num_a": zeroed(a["num"]),
                "den_a": zeroed(a["den"]),
            }
        )
    both = f[["element", "num", "den"]].merge(
        a[["element", "num", "den"]], on="element", how="outer", suffixes=("_f", "_a")
    )
    for c in ("num_f", "num_a", "den_f", "den_a"):
        both[c] = both[c].astype(float).fillna(0.0)
    return both.sort_values("element", kind="stable").reset_index(drop=True)


def _locations(ctx: InsightContext) -> dict[str, str]:
    assets = ctx.tables.get("assets")
    if assets is None or "location" not in assets.columns:
        return {}
    a = assets.dropna(subset=["location"])
    return dict(zip(a["asset_id"].astype(str), a["location"].astype(str), strict=True))


def _shown(kind: str, point) -> float | None:
    """The number a driver row carries for an element: events for rates/counts, else the value."""
    if kind in ("rate", "count"):
        return float(point.n)
    return point.value


def explain_change(ctx: InsightContext, metric_id: str, period: str) -> list:
    """Adtributor explanations of the change of ``metric_id`` in ``period``, best dimension first."""
    bd = ctx.breakdowns
    measure = bd.measure(metric_id)
    if measure is None or bd.prepared(metric_id) is None:
        return []
    derived = measure.kind in ("share", "mean")
    rules = ctx.rules
    found = []
    for dim in measure.dims:
        both = _aligned(bd.parts(metric_id, dim, BASELINE), bd.parts(metric_id, dim, period))
        if len(both) < 2:
            continue
        args: tuple[pd.Series, ...]
        if derived:
            args = (both["num_f"], both["num_a"], both["den_f"], both["den_a"])
        else:
            args = (both["num_f"], both["num_a"])
        ep, sp = explanatory_power(*args), surprise(*args)
        exp = explain_dimension(
            dim, list(both["element"]), ep, sp, rules.ep_element, rules.ep_set, rules.max_set
        )
        if exp is not None:
            found.append(exp)
    return rank_explanations(found)


def _sizes(ctx: InsightContext, metric_id: str, dim: str, period: str) -> dict[str, float]:
    """Each element's largest share of the rows (shares, means) or of the total (rates, counts)
    in the baseline and ``period``: an element that is most of the rows explains a change by its
    size, so a driver's score is discounted by ``1 − size``."""
    out: dict[str, float] = {}
    for p in (BASELINE, period):
        parts = ctx.breakdowns.parts(metric_id, dim, p)
        weight = parts["den"].astype(float).fillna(parts["num"].astype(float)).fillna(0.0)
        total = float(weight.sum())
        if total <= 0:
            continue
        for e, w in zip(parts["element"], weight, strict=True):
            out[str(e)] = max(out.get(str(e), 0.0), float(w) / total)
    return out


def change_drivers(ctx: InsightContext) -> list[Insight]:
    """Adtributor explanation of every change in :func:`changes_to_explain`.

    Score: ``EP × (1 − p) × (1 − size)`` (p of the change, 0.5 without a
    test; size from :func:`_sizes`)."""
    bd = ctx.breakdowns
    locations = _locations(ctx)
    out: list[Insight] = []
    for metric_id, period in changes_to_explain(ctx):
        row = ctx.change_row(metric_id, period)
        if row is None or not as_float(row["change"]):
            continue
        measure = bd.measure(metric_id)
        p = as_float(row["p_value"])
        change = float(row["change"])
        weight = (1.0 - p) if p is not None else 0.5
        links = explains(ctx, metric_id, period)
        for exp in explain_change(ctx, metric_id, period)[: ctx.rules.max_dimensions]:
            size = _sizes(ctx, metric_id, exp.dimension, period)
            for element, ep_j in zip(exp.elements, exp.ep, strict=True):
                points = bd.points(metric_id, exp.dimension, element)
                cur, base = points[period], points[BASELINE]
                label = subject_label(
                    ctx,
                    measure.table,
                    exp.dimension,
                    element,
                    locations.get(element, "") if exp.dimension == "asset_id" else "",
                )
                evidence = ctx.text(
                    "insight.ev.driver_change",
                    subject=label,
                    metric=ctx.metric(metric_id),
                    trail=trail(ctx, metric_id, measure.kind, points),
                    share=fmt_pct(ep_j),
                    period=ctx.period(period),
                    change=fmt_change(metric_id, change, ctx.lang),
                )
                out.append(
                    Insight(
                        kind="driver",
                        evidence=evidence,
                        metric_id=metric_id,
                        period=period,
                        dimension=exp.dimension,
                        subject=element,
                        label=label,
                        value=_shown(measure.kind, cur),
                        reference=_shown(measure.kind, base),
                        share_of_change=float(ep_j),
                        p_value=p,
                        n=cur.n,
                        direction=_direction(measure.better, change),
                        method="adtributor",
                        explains=links,
                        score=clip01(ep_j) * weight * (1.0 - size.get(element, 0.0)),
                    )
                )
    return out


def _direction(better: int, change: float) -> str:
    if better == 0 or change == 0:
        return ""
    return "good" if better * change > 0 else "bad"


def _asset_exposure(ctx: InsightContext, dim: str, element: str) -> float | None:
    """Share of the asset register an asset (1 / assets) or an asset type holds; None for other dims."""
    assets = ctx.tables.get("assets")
    if assets is None or assets.empty or dim not in ("asset_id", "asset_type"):
        return None
    col = assets["asset_id"] if dim == "asset_id" else assets["type"]
    share = float(col.astype(str).eq(element).sum()) / len(assets)
    return share if 0 < share < 1 else None


def level_drivers(ctx: InsightContext) -> list[Insight]:
    """Outstanding No. 1 (Tang et al. 2017) of the bad outcomes of each metric, by dimension.

    Bad outcomes over the analysis window (all periods): for a share with a
    good direction up, trials − successes (late arrivals, hazards not on
    time, …); with a good direction down (rework), the successes; for
    rates and counts, the events. A share's top element must also hold more
    of the bad outcomes than of the trials (else it is only the biggest).
    """
    bd = ctx.breakdowns
    rules = ctx.rules
    locations = _locations(ctx)
    out: list[Insight] = []
    for measure in bd.all():
        mid = measure.metric_id
        if (
            "." in mid
            or (measure.better >= 0 and measure.kind != "share")
            or measure.kind not in ("share", "rate", "count")
        ):
            continue
        prep = bd.prepared(mid)
        if prep is None or prep.rows.empty:
            continue
        for dim in measure.dims:
            win = bd.window(mid, dim)
            if len(win) < 2:
                continue
            if measure.kind == "share":
                bad = (win["den"] - win["num"]) if measure.better > 0 else win["num"]
            else:
                bad = win["n"].astype(float)
            bad = bad.fillna(0.0).to_numpy(float)
            point = outstanding_top(bad, rules.level_min_elements)
            if point is None or point.p_value >= rules.level_alpha:
                continue
            top = win.iloc[point.index]
            element = str(top["element"])
            bad_total = float(bad.sum())
            exposure: float | None
            if measure.kind == "share":
                trials = float(win["den"].sum())
                exposure = float(top["den"]) / trials if trials > 0 else 1.0
                # more bad outcomes than its size implies (binomial test), else it is only big
                if (
                    exposure >= 1.0
                    or stats.binomtest(
                        int(bad[point.index]), int(bad.sum()), exposure, alternative="greater"
                    ).pvalue
                    >= rules.level_alpha
                ):
                    continue
                rest_num = float(win["num"].sum() - top["num"])
                rest_den = trials - float(top["den"])
                value = float(top["num"]) / float(top["den"])
                reference = rest_num / rest_den if rest_den > 0 else None
            else:
                exposure = _asset_exposure(ctx, dim, element)
                if (
                    exposure is not None
                    and stats.binomtest(
                        int(bad[point.index]),
                        int(bad_total),
                        exposure,
                        alternative="greater",
                    ).pvalue
                    >= rules.level_alpha
                ):
                    continue  # as many failures as its share of the assets implies
                value, reference = float(bad[point.index]), bad_total
            points = bd.points(mid, dim, element)
            label = subject_label(
                ctx, measure.table, dim, element, locations.get(element, "") if dim == "asset_id" else ""
            )
            evidence = ctx.text(
                "insight.ev.driver_level",
                subject=label,
                share=fmt_pct(point.impact),
                bad=int(bad[point.index]),
                total=int(bad_total),
                outcome=ctx.text(f"insight.bad.{mid}"),
                metric=ctx.metric(mid),
                trail=trail(ctx, mid, measure.kind, points),
            )
            out.append(
                Insight(
                    kind="driver",
                    evidence=evidence,
                    metric_id=mid,
                    period="",
                    dimension=dim,
                    subject=element,
                    label=label,
                    value=value,
                    reference=reference,
                    share_of_total=point.impact,
                    p_value=point.p_value,
                    n=int(top["n"]),
                    direction="bad",
                    method="outstanding_top",
                    explains=explains(ctx, mid),
                    score=point.score,
                )
            )
    return out


def drivers(ctx: InsightContext, found: list[Insight] | None = None) -> list[Insight]:
    """Change drivers, then level drivers."""
    return change_drivers(ctx) + level_drivers(ctx)


__all__ = [
    "change_drivers",
    "changes_to_explain",
    "drivers",
    "explains",
    "level_drivers",
    "subject_label",
    "trail",
]
