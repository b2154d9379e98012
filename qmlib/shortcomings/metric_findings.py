"""Findings read off the metric results: targets missed, significant
deterioration, and quality-month gains that did not hold.

A change counts as *real* (a real gain or a real deterioration) when all of:

1. ``significant`` is true in changes (p < 0.05, contract section 4);
2. its Benjamini–Hochberg q-value, over every change with a p-value in the
   changes frame, is ≤ ``Rules.fdr`` (0.05) — so that a community with no real
   effect is not flooded by the ~5% of tests that are "significant" by chance;
3. it is practically large: abs(change) ≥ 3 percentage points for shares and
   coverage, ≥ 2 points for 0–100 scores, ≥ 0.1 for a 1–5 rating, otherwise
   abs(relative change) ≥ 5% (``Rules.min_effect``);
4. for means and shares, n ≥ ``Rules.min_change_n`` (10) in both periods.

To report one problem once, a finding of a *child* metric (its parent:
``satisfaction_rate`` and ``satisfaction_index.<dimension>`` →
``satisfaction_index``; ``inspection_pass_rate`` and
``inspection_score.<dimension>`` → ``inspection_score``) is dropped when its
parent has any finding of this module (targets missed are always kept).

Direction comes from the catalog's ``better`` (+1 higher is better, −1 lower
is better; metrics with ``better == 0`` are never a deterioration or a gain).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import false_discovery_control

from ..catalog import base_metric, metric_def
from ..units import better_of, is_percent
from .base import (
    Context,
    Finding,
    as_bool,
    as_float,
    fmt_change,
    fmt_p,
    fmt_relative,
    fmt_value,
    unit_of,
)


def bh_qvalues(p: pd.Series) -> pd.Series:
    """Benjamini–Hochberg q-values of the non-missing p-values (missing stays missing).

    ``scipy.stats.false_discovery_control(p, method="bh")``:
    ``q(i) = min(1, min_{j ≥ i} p(j) · m / j)`` over the m p-values sorted
    ascending (Benjamini & Hochberg 1995, J. R. Stat. Soc. B 57(1):289–300).
    """
    q = pd.Series(np.nan, index=p.index, dtype=float)
    valid = p.dropna()
    if not valid.empty:
        q.loc[valid.index] = false_discovery_control(valid.to_numpy(dtype=float), method="bh")
    return q


def large_enough(ctx: Context, metric_id: str, change: float, relative: float | None) -> bool:
    """The practical-size rule (3. in the module docstring)."""
    unit = unit_of(metric_id)
    eff = ctx.rules.min_effect
    if is_percent(unit):
        return abs(change) >= eff["share"]
    if unit == "points":
        return abs(change) >= eff["points"]
    if unit == "rating":
        return abs(change) >= eff["rating"]
    if relative is None:
        return True
    return abs(relative) >= eff["relative"]


def real_changes(ctx: Context) -> pd.DataFrame:
    """Changes with columns ``better``, ``q_value`` and ``real`` (rules 1–3) added."""
    ch = ctx.changes.copy()
    if ch.empty:
        return ch.assign(
            better=pd.Series(dtype=int), q_value=pd.Series(dtype=float), real=pd.Series(dtype=bool)
        )
    for col in ("baseline_value", "value", "change", "relative_change", "p_value"):
        ch[col] = pd.to_numeric(ch[col], errors="coerce").astype(float)
    ch["better"] = ch["metric_id"].map(better_of)
    ch["q_value"] = bh_qvalues(ch["p_value"])
    sig = as_bool(ch["significant"])
    large = [
        large_enough(ctx, m, c, None if pd.isna(r) else r) if pd.notna(c) else False
        for m, c, r in zip(ch["metric_id"], ch["change"], ch["relative_change"], strict=True)
    ]
    enough = [_enough_n(ctx, m, p) for m, p in zip(ch["metric_id"], ch["period"], strict=True)]
    ch["real"] = (
        sig
        & (ch["q_value"] <= ctx.rules.fdr).fillna(False)
        & pd.Series(large, index=ch.index)
        & pd.Series(enough, index=ch.index)
    )
    return ch


def _enough_n(ctx: Context, metric_id: str, period: str) -> bool:
    """Rule 4: means and shares need n ≥ min_change_n in the period and the baseline."""
    try:
        kind = metric_def(metric_id).kind
    except KeyError:
        return False
    if kind not in ("mean", "share"):
        return True
    n, n0 = ctx.metric_n(metric_id, period), ctx.metric_n(metric_id, "baseline")
    return n is not None and n0 is not None and min(n, n0) >= ctx.rules.min_change_n


def parent_metric(metric_id: str) -> str | None:
    """The metric whose finding makes this one redundant (module docstring), or None."""
    if metric_id == "satisfaction_rate":
        return "satisfaction_index"
    if metric_id == "inspection_pass_rate":
        return "inspection_score"
    base = base_metric(metric_id)
    if base != metric_id and base in ("satisfaction_index", "inspection_score"):
        return base
    return None


def target_missed(ctx: Context, changes: pd.DataFrame | None = None) -> list[Finding]:
    """One finding per target whose ``achieved`` is false (targets.csv).

    Facts: ``wrong_way`` (the change of the target's metric and period vs
    baseline is significant, p < 0.05, and against its ``better`` direction), ``shortfall`` (1 − achieved
    fraction of the target change, or abs(target − actual) / abs(target)).
    ``reference`` is the level the target asked for.
    """
    out: list[Finding] = []
    tg = ctx.targets
    if tg.empty:
        return out
    ch = real_changes(ctx) if changes is None else changes
    worse: set[tuple[str, str]] = set()
    if not ch.empty:
        bad = ch[as_bool(ch["significant"]) & (ch["change"] * ch["better"] < 0)]
        worse = set(zip(bad["metric_id"].astype(str), bad["period"].astype(str), strict=True))
    missed = tg[~as_bool(tg["achieved"]) & tg["achieved"].notna()]
    for row in missed.itertuples(index=False):
        metric_id, kind, period = str(row.metric_id), str(row.kind), str(row.period)
        target = as_float(row.target)
        actual = as_float(row.actual_value)
        baseline = as_float(row.baseline_value)
        change = as_float(row.change)
        if target is None or actual is None:
            continue
        args: dict[str, object] = {
            "metric": ctx.metric(metric_id),
            "period": ctx.period(period),
            "actual": fmt_value(metric_id, actual),
            "baseline": fmt_value(metric_id, baseline) if baseline is not None else "—",
        }
        if kind in ("delta", "relative_change"):
            args["op"] = "≥" if target > 0 else "≤"
            if kind == "delta":
                args["target"] = fmt_change(metric_id, target, ctx.lang)
                args["change"] = fmt_change(metric_id, change, ctx.lang) if change is not None else "—"
                reference = (baseline + target) if baseline is not None else None
            else:
                args["target"] = fmt_relative(target)
                args["change"] = fmt_relative(change) if change is not None else "—"
                reference = baseline * (1 + target) if baseline is not None else None
            shortfall = 1.0 - (change / target) if change is not None else 1.0
        else:
            args["target"] = fmt_value(metric_id, target)
            reference = target
            shortfall = abs(target - actual) / abs(target) if target else 1.0
        wrong_way = (metric_id, period) in worse
        out.append(
            Finding(
                kind="target_missed",
                category="target",
                evidence=ctx.text(f"finding.ev.target_missed.{kind}", **args),
                metric_id=metric_id,
                subject=f"{metric_id}@{period}",
                label=ctx.metric(metric_id),
                period=period,
                value=actual,
                reference=reference,
                n=ctx.metric_n(metric_id, period),
                facts={"wrong_way": bool(wrong_way), "shortfall": min(max(shortfall, 0.0), 1.0)},
            )
        )
    return out


def gain_not_held(ctx: Context, changes: pd.DataFrame | None = None) -> list[Finding]:
    """Real gains in the quality month that did not hold in the follow-up.

    Rule: the quality-month change is a real gain (module docstring) and, with
    ``gain = change × better``, the follow-up gain vs baseline is
    ``< Rules.gain_hold_fraction (½) × quality-month gain``, or the follow-up
    change is not significant (p ≥ 0.05) *and* smaller than the quality-month
    gain. No follow-up value: not judged. Facts: ``lost`` = 1 − follow-up gain /
    quality-month gain, ``below_baseline`` (follow-up gain ≤ 0).
    ``reference`` is the quality-month level to restore.
    """
    ch = real_changes(ctx) if changes is None else changes
    out: list[Finding] = []
    if ch.empty or "followup" not in ctx.params.periods:
        return out
    qm = ch[(ch["period"] == "quality_month") & ch["real"] & (ch["change"] * ch["better"] > 0)]
    fu = ch[ch["period"] == "followup"].set_index("metric_id")
    for row in qm.itertuples(index=False):
        metric_id = str(row.metric_id)
        if metric_id not in fu.index:
            continue
        f = fu.loc[metric_id]
        if isinstance(f, pd.DataFrame):
            f = f.iloc[0]
        if pd.isna(f["change"]) or pd.isna(f["value"]):
            continue
        qm_gain = row.change * row.better
        fu_gain = float(f["change"]) * row.better
        fu_sig = f["significant"]
        not_sig = pd.notna(f["p_value"]) and not bool(as_bool(pd.Series([fu_sig])).iloc[0])
        faded = fu_gain < ctx.rules.gain_hold_fraction * qm_gain or (not_sig and fu_gain < qm_gain)
        if not faded:
            continue
        p_fu = None if pd.isna(f["p_value"]) else float(f["p_value"])
        out.append(
            Finding(
                kind="gain_not_held",
                category="routine_mechanism",
                evidence=ctx.text(
                    "finding.ev.gain_not_held",
                    metric=ctx.metric(metric_id),
                    qm=fmt_value(metric_id, row.value),
                    baseline=fmt_value(metric_id, row.baseline_value),
                    qm_change=fmt_change(metric_id, row.change, ctx.lang),
                    qm_p=fmt_p(row.p_value, ctx.lang),
                    fu=fmt_value(metric_id, float(f["value"])),
                    fu_change=fmt_change(metric_id, float(f["change"]), ctx.lang),
                    fu_p=fmt_p(p_fu, ctx.lang),
                ),
                metric_id=metric_id,
                subject=f"{metric_id}@followup",
                label=ctx.metric(metric_id),
                period="followup",
                value=float(f["value"]),
                reference=float(row.value),
                n=ctx.metric_n(metric_id, "followup"),
                facts={"lost": 1.0 - fu_gain / qm_gain, "below_baseline": fu_gain <= 0},
            )
        )
    return out


def metric_worsened(
    ctx: Context,
    changes: pd.DataFrame | None = None,
    exclude: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
) -> list[Finding]:
    """Real deteriorations (module docstring) vs baseline, one per metric (its latest period).

    ``exclude`` holds (metric_id, period) pairs already reported by
    target_missed / gain_not_held. Equipment failure rates
    (``equipment_failure_rate[.type]``) become kind ``failure_rate_up``.
    Facts: ``relative`` change.
    """
    ch = real_changes(ctx) if changes is None else changes
    out: list[Finding] = []
    if ch.empty:
        return out
    bad = ch[(ch["period"] != "baseline") & ch["real"] & (ch["change"] * ch["better"] < 0)]
    order = {p: i for i, p in enumerate(ctx.params.period_names)}
    bad = bad.assign(_o=bad["period"].map(order)).sort_values(["metric_id", "_o"])
    for metric_id, rows in bad.groupby("metric_id", sort=True):
        metric_id = str(metric_id)
        rows = rows[[(metric_id, str(p)) not in exclude for p in rows["period"]]]
        if rows.empty:
            continue
        row = rows.iloc[-1]
        period = str(row["period"])
        relative = None if pd.isna(row["relative_change"]) else float(row["relative_change"])
        n0 = ctx.metric_n(metric_id, "baseline")
        n = ctx.metric_n(metric_id, period)
        failure = base_metric(metric_id) == "equipment_failure_rate"
        out.append(
            Finding(
                kind="failure_rate_up" if failure else "metric_worsened",
                category="equipment" if failure else "deterioration",
                evidence=ctx.text(
                    "finding.ev.metric_worsened",
                    metric=ctx.metric(metric_id),
                    period=ctx.period(period),
                    value=fmt_value(metric_id, float(row["value"])),
                    baseline=fmt_value(metric_id, float(row["baseline_value"])),
                    n="—" if n is None else n,
                    n0="—" if n0 is None else n0,
                    change=fmt_change(metric_id, float(row["change"]), ctx.lang),
                    p=fmt_p(float(row["p_value"]), ctx.lang),
                ),
                metric_id=metric_id,
                subject=f"{metric_id}@{period}",
                label=ctx.metric(metric_id),
                period=period,
                value=float(row["value"]),
                reference=float(row["baseline_value"]),
                n=n,
                facts={"relative": relative if relative is not None and math.isfinite(relative) else 0.0},
            )
        )
    return out


def metric_findings(ctx: Context) -> list[Finding]:
    """target_missed, gain_not_held, then metric_worsened without repeating their (metric, period)."""
    ch = real_changes(ctx)
    missed = target_missed(ctx, ch)
    faded = gain_not_held(ctx, ch)
    exclude = {(f.metric_id, f.period) for f in missed + faded}
    worse = metric_worsened(ctx, ch, exclude)
    covered = {f.metric_id for f in missed + faded + worse}
    kept = [f for f in faded + worse if parent_metric(f.metric_id) not in covered]
    return missed + kept
