"""Typical cases (典型案例): a few concrete stories joined across tables.

Bad cases (``direction`` bad):

- **asset**: an asset found outstanding in failures (a level driver of
  ``equipment_failure_rate`` by asset) is joined to its building (the
  longest building name that its location starts with or contains) and to
  that building's satisfaction and repairs;
- **building**: the building with the lowest satisfaction index over the
  analysis window, when it is below the other buildings by Welch's t-test
  (p < 0.05, the contract's test for means), joined to its repairs.

Good cases (``direction`` good): the top Adtributor driver of each
significant improvement in the quality month (not an element holding most
of the rows, which is no specific case), marked as held when the element
kept at least ``InsightRules.gain_hold_fraction`` of its gain in the last
period (the shortcomings stage's rule for a gain not held).

``value`` / ``reference``: the case's headline figure and the community's
(failures of the asset / all failures; the building's satisfaction / the
other buildings'; the element's value in the period / in the baseline).
"""

from __future__ import annotations

import pandas as pd

from ..catalog import metric_def
from ..metrics.rules import is_failure
from ..metrics.stats import welch_t_pvalue
from ..periods import assign_periods
from .base import Insight, InsightContext, fmt_change, fmt_p, fmt_pct
from .drivers import trail
from .measures import group_column

BASELINE = "baseline"


def _buildings(ctx: InsightContext) -> list[str]:
    names: set[str] = set()
    for table in ("surveys", "work_orders"):
        df = ctx.tables.get(table)
        if df is not None and "building" in df.columns:
            names |= set(df["building"].dropna().astype(str))
    return sorted(names, key=len, reverse=True)


def building_of(location: str, buildings: list[str]) -> str:
    """The longest building name that ``location`` starts with, else contains; "" when none."""
    for b in buildings:
        if location.startswith(b):
            return b
    for b in buildings:
        if b in location:
            return b
    return ""


def _satisfaction(ctx: InsightContext, building: str) -> dict | None:
    """Satisfaction index of ``building`` over the window vs the other buildings, with Welch's p."""
    bd = ctx.breakdowns
    prep = bd.prepared("satisfaction_index")
    if prep is None or prep.num is None or building == "":
        return None
    col = prep.rows[group_column("building")].to_numpy()
    ok = prep.den > 0
    mine = prep.num[ok & (col == building)]
    rest = prep.num[ok & (col != building)]
    if len(mine) == 0 or len(rest) == 0:
        return None
    parts = bd.window("satisfaction_index", "building")
    means = parts.dropna(subset=["value"])
    lowest = str(means.loc[means["value"].astype(float).idxmin(), "element"]) if not means.empty else ""
    return {
        "value": float(mine.mean()),
        "n": len(mine),
        "rest": float(rest.mean()),
        "rest_n": len(rest),
        "p": welch_t_pvalue(mine, rest),
        "lowest": lowest == building,
    }


def _repairs(ctx: InsightContext, building: str) -> dict | None:
    parts = ctx.breakdowns.window("repair_timely_rate", "building")
    if parts.empty or building not in set(parts["element"]):
        return None
    row = parts[parts["element"] == building].iloc[0]
    rest_den = float(parts["den"].sum() - row["den"])
    if row["den"] <= 0 or rest_den <= 0:
        return None
    return {
        "value": float(row["num"] / row["den"]),
        "n": int(row["den"]),
        "rest": float((parts["num"].sum() - row["num"]) / rest_den),
    }


def _building_clauses(ctx: InsightContext, building: str) -> tuple[list[str], float]:
    """Sentences about a building's satisfaction (when lowest and significant) and repairs; a score bonus."""
    clauses, bonus = [], 0.0
    sat = _satisfaction(ctx, building)
    if sat and sat["lowest"] and sat["p"] is not None and sat["p"] < 0.05 and sat["value"] < sat["rest"]:
        clauses.append(
            ctx.text(
                "insight.ev.case_building_low",
                building=building,
                value=f"{sat['value']:.1f}",
                n=sat["n"],
                rest=f"{sat['rest']:.1f}",
                rest_n=sat["rest_n"],
                p=fmt_p(sat["p"], ctx.lang),
            )
        )
        bonus += 0.2
    rep = _repairs(ctx, building)
    if rep and rep["value"] < rep["rest"] - 0.1:
        clauses.append(
            ctx.text(
                "insight.ev.case_building_orders",
                value=fmt_pct(rep["value"]),
                n=rep["n"],
                rest=fmt_pct(rep["rest"]),
            )
        )
        bonus += 0.1
    return clauses, bonus


def _failure_span(ctx: InsightContext, asset_id: str) -> tuple[str, str]:
    ev = ctx.tables["asset_events"]  # the callers build cases only from asset events
    fails = ev[
        (ev["asset_id"].astype(str) == asset_id).to_numpy(dtype=bool) & is_failure(ev).to_numpy(dtype=bool)
    ]
    t = pd.to_datetime(fails["occurred_at"])
    t = t[assign_periods(t, ctx.params).notna().to_numpy(dtype=bool)]
    if t.empty:
        return "", ""
    return t.min().date().isoformat(), t.max().date().isoformat()


def bad_cases(ctx: InsightContext, found: list[Insight]) -> list[Insight]:
    out: list[Insight] = []
    buildings = _buildings(ctx)
    used: set[str] = set()
    assets = ctx.tables.get("assets")
    locations = (
        {}
        if assets is None or "location" not in assets.columns
        else dict(zip(assets["asset_id"].astype(str), assets["location"].astype(str), strict=True))
    )
    for ins in found:
        if ins.kind != "driver" or ins.method != "outstanding_top" or ins.dimension != "asset_id":
            continue
        location = locations.get(ins.subject, "")
        building = building_of(location, buildings)
        first, last = _failure_span(ctx, ins.subject)
        asset = ins.subject + (ctx.text("insight.word.located", location=location) if location else "")
        lead = ctx.text(
            "insight.ev.case_asset",
            building=building or asset,
            asset=asset,
            first=first,
            last=last,
            count=int(ins.value or 0),
            share=fmt_pct(ins.share_of_total or 0),
            total=int(ins.reference or 0),
        )
        clauses, bonus = _building_clauses(ctx, building) if building else ([], 0.0)
        used.add(building)
        evidence = ctx.text("insight.word.clause_sep").join([lead, *clauses]) + (
            "。" if ctx.lang == "zh" else "."
        )
        out.append(
            Insight(
                kind="case",
                evidence=evidence,
                metric_id=ins.metric_id,
                dimension="asset_id",
                subject=ins.subject,
                label=asset,
                value=ins.value,
                reference=ins.reference,
                share_of_total=ins.share_of_total,
                n=ins.n,
                direction="bad",
                method="join",
                explains=list(ins.explains),
                score=min(1.0, ins.score + bonus),
            )
        )
    sat_parts = ctx.breakdowns.window("satisfaction_index", "building")
    means = sat_parts.dropna(subset=["value"])
    if not means.empty:
        low = str(means.loc[means["value"].astype(float).idxmin(), "element"])
        if low and low not in used:
            clauses, bonus = _building_clauses(ctx, low)
            sat = _satisfaction(ctx, low)
            if clauses and sat and sat["lowest"] and sat["p"] is not None and sat["p"] < 0.05:
                evidence = ctx.text("insight.word.clause_sep").join(clauses) + (
                    "。" if ctx.lang == "zh" else "."
                )
                out.append(
                    Insight(
                        kind="case",
                        evidence=evidence,
                        metric_id="satisfaction_index",
                        dimension="building",
                        subject=low,
                        label=low,
                        value=sat["value"],
                        reference=sat["rest"],
                        p_value=sat["p"],
                        n=sat["n"],
                        direction="bad",
                        method="join",
                        score=0.3 + bonus,
                    )
                )
    return out


def good_cases(ctx: InsightContext, found: list[Insight]) -> list[Insight]:
    out: list[Insight] = []
    seen: set[tuple[str, str]] = set()
    periods = ctx.params.period_names
    last = periods[-1]
    for ins in sorted(found, key=lambda i: -i.score):
        if (
            ins.kind != "driver"
            or ins.method != "adtributor"
            or ins.direction != "good"
            or ins.period != "quality_month"
            or (ins.p_value is None or ins.p_value >= 0.05)
        ):
            continue
        key = (ins.metric_id, ins.dimension)
        if key in seen:
            continue
        seen.add(key)
        measure = ctx.breakdowns.measure(ins.metric_id)
        points = ctx.breakdowns.points(ins.metric_id, ins.dimension, ins.subject)
        better = metric_def(ins.metric_id).better
        parts = ctx.breakdowns.parts(ins.metric_id, ins.dimension, ins.period)
        den = parts["den"].astype(float)
        if measure.kind in ("share", "mean") and den.sum() > 0:
            mine = den[parts["element"] == ins.subject].sum()
            if mine / den.sum() > 0.5:
                continue  # the majority of the rows: not a specific case
        base, peak, end = points[BASELINE].value, points[ins.period].value, points[last].value
        held = (
            last != ins.period
            and None not in (base, peak, end)
            and better * (peak - base) > 0
            and better * (end - base) >= ctx.rules.gain_hold_fraction * better * (peak - base)
        )
        change = (ins.value or 0.0) - (ins.reference or 0.0)
        text_key = (
            "insight.ev.case_good"
            if held
            else "insight.ev.case_good_plain"
            if last == ins.period
            else "insight.ev.case_good_not_held"
        )
        evidence = ctx.text(
            text_key,
            subject=ins.label,
            metric=ctx.metric(ins.metric_id),
            trail=trail(ctx, ins.metric_id, measure.kind, points),
            change=fmt_change(ins.metric_id, change, ctx.lang),
            p=fmt_p(ins.p_value, ctx.lang),
        )
        evidence += "。" if ctx.lang == "zh" else "."
        out.append(
            Insight(
                kind="case",
                evidence=evidence,
                metric_id=ins.metric_id,
                period=ins.period,
                dimension=ins.dimension,
                subject=ins.subject,
                label=ins.label,
                value=ins.value,
                reference=ins.reference,
                share_of_change=None,
                p_value=ins.p_value,
                n=ins.n,
                direction="good",
                method="join",
                score=ins.score * (1.0 if held else 0.7),
            )
        )
    return out


def cases(ctx: InsightContext, found: list[Insight]) -> list[Insight]:
    """Bad cases (assets, buildings), then good cases (held quality-month gains)."""
    return bad_cases(ctx, found) + good_cases(ctx, found)


__all__ = ["bad_cases", "building_of", "cases", "good_cases"]
