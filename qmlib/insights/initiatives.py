"""Initiatives and their effect: the change of the metrics of an initiative's domain.

An initiative (activities rows with the same ``title`` held after the
baseline) belongs to the domain of its ``category`` (设施设备 → facilities,
环境卫生 → environment, …); for staff training and community activities the
title's words refine it (秩序维护岗位练兵 → security, 工程技能比武 → repairs),
using the property-management dictionary of :mod:`.voice`. Each domain has
its metrics (:data:`DOMAIN_METRICS`); the initiative is stated next to the
change of the one with the strongest evidence (lowest p-value in
changes.csv) in the period the initiative was held. This is an association
over the same period, never proof of cause, and the evidence says so.
"""

from __future__ import annotations

import pandas as pd

from ..periods import assign_periods
from ..schema import ENGLISH
from .base import Insight, InsightContext, as_float, fmt_change, fmt_p, fmt_value
from .voice import tag_of, tokens

BASELINE = "baseline"

#: activity category (English enum value) → domain
CATEGORY_DOMAIN: dict[str, str] = {
    "facilities": "facilities",
    "environment": "environment",
    "safety": "security",
    "service": "service",
    "training": "training",
    "community": "community",
}
#: dictionary theme of a title word → domain (refines training and community activities)
THEME_DOMAIN: dict[str, str] = {
    "security": "security",
    "parking": "security",
    "noise": "security",
    "repairs": "repairs",
    "service": "service",
    "environment": "environment",
    "greening": "environment",
    "elevator": "facilities",
    "facilities": "facilities",
    "access": "facilities",
}
DOMAIN_METRICS: dict[str, tuple[str, ...]] = {
    "facilities": ("equipment_failure_rate", "maintenance_on_time_rate", "satisfaction_index.facilities"),
    "environment": ("satisfaction_index.cleaning", "satisfaction_index.greening", "inspection_score"),
    "security": ("satisfaction_index.security", "hazard_on_time_rate", "hazard_rectification_rate"),
    "service": (
        "satisfaction_index.customer_service",
        "complaint_response_timely_rate",
        "complaint_closure_rate",
    ),
    "repairs": ("repair_timely_rate", "satisfaction_index.repairs", "repair_rework_rate"),
    "training": ("training_pass_rate", "training_coverage"),
    "community": ("satisfaction_index",),
}


def domain_of(category: str, title: str) -> str:
    """Domain of an initiative: its category's, refined by the title for training/community."""
    eng = ENGLISH["activity_category"].get(category, category)
    domain = CATEGORY_DOMAIN.get(eng, "community")
    if domain in ("training", "community"):
        for w in tokens(title):
            refined = THEME_DOMAIN.get(tag_of(w) or "")
            if refined:
                return refined
    return domain


def _best_change(ctx: InsightContext, metrics: tuple[str, ...], period: str) -> pd.Series | None:
    rows = [
        r
        for m in metrics
        if (r := ctx.change_row(m, period)) is not None and as_float(r["change"]) is not None
    ]
    if not rows:
        return None
    with_p = [r for r in rows if as_float(r["p_value"]) is not None]
    if with_p:
        return min(with_p, key=lambda r: float(r["p_value"]))
    return rows[0]


def initiatives(ctx: InsightContext, found: list[Insight] | None = None) -> list[Insight]:
    """One ``initiative`` insight per title held after the baseline, with its domain's best-evidenced change."""
    act = ctx.tables.get("activities")
    if act is None or act.empty:
        return []
    period = assign_periods(act["held_on"], ctx.params)
    act = act.assign(_period=period)
    # held in a later period (an activity outside every period has no period: NA, not kept)
    act = act[
        act["_period"].ne(BASELINE).fillna(False).to_numpy(dtype=bool) & act["_period"].notna().to_numpy()
    ]
    out: list[Insight] = []
    for (title, category, held), grp in act.groupby(["title", "category", "_period"], sort=True):
        domain = domain_of(str(category), str(title))
        row = _best_change(ctx, DOMAIN_METRICS[domain], str(held))
        if row is None:
            continue
        metric_id = str(row["metric_id"])
        change = float(row["change"])
        p = as_float(row["p_value"])
        better = _better(metric_id)
        direction = "" if better == 0 or change == 0 else ("good" if better * change > 0 else "bad")
        participants = (
            pd.to_numeric(grp["participants"], errors="coerce").sum() if "participants" in grp else 0
        )
        dates = ctx.join(sorted({pd.Timestamp(d).strftime("%m-%d") for d in grp["held_on"]}))
        evidence = ctx.text(
            "insight.ev.initiative",
            title=title,
            sessions=ctx.text(
                "insight.word.sessions_one" if len(grp) == 1 else "insight.word.sessions", n=len(grp)
            ),
            participants=int(participants),
            dates=dates,
            metric=ctx.metric(metric_id),
            base=fmt_value(metric_id, as_float(row["baseline_value"])),
            value=fmt_value(metric_id, as_float(row["value"])),
            period=ctx.period(str(held)),
            change=fmt_change(metric_id, change, ctx.lang),
            p=fmt_p(p, ctx.lang) or ctx.text("insight.word.no_p"),
        )
        weight = (1.0 - p) if p is not None else 0.25
        if domain == "community" and metric_id == "satisfaction_index":
            weight *= 0.4  # a general activity next to the pooled index: the weakest link
        out.append(
            Insight(
                kind="initiative",
                evidence=evidence,
                metric_id=metric_id,
                period=str(held),
                dimension=domain,
                subject=str(title),
                label=str(title),
                value=as_float(row["value"]),
                reference=as_float(row["baseline_value"]),
                p_value=p,
                n=len(grp),
                direction=direction,
                method="association",
                score=weight * (1.0 if direction == "good" else 0.5),
            )
        )
    return out


def _better(metric_id: str) -> int:
    from ..catalog import metric_def

    try:
        return metric_def(metric_id).better
    except KeyError:
        return 0


__all__ = ["CATEGORY_DOMAIN", "DOMAIN_METRICS", "domain_of", "initiatives"]
