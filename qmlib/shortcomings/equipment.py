"""Equipment findings: assets that keep failing, late or missed planned maintenance.

(Equipment types whose failure rate rose significantly come from the
changes frame: kind ``failure_rate_up`` in :mod:`.metric_findings`.)
"""

from __future__ import annotations

import pandas as pd

from ..labels import t
from ..metrics.rules import is_failure, is_maintenance, maintenance_deadline, maintenance_on_time
from ..periods import as_of_cutoff, by_as_of
from ..schema import ENGLISH
from .base import Context, Finding, fmt_date, fmt_share, in_window


def _type_label(zh_type: str, lang: str) -> str:
    eng = ENGLISH["asset_type"].get(zh_type)
    return t(f"asset_type.{eng}", lang) if eng else zh_type


def repeat_failure(ctx: Context) -> list[Finding]:
    """Assets with ≥ ``Rules.repeat_failure_threshold`` (3) failures in the analysis window.

    One finding per asset (most failures first). ``metric_id`` is the failure
    rate of the asset's type (``equipment_failure_rate.<type>``). Facts:
    ``count``, ``threshold``, ``asset_type`` (Chinese value).
    """
    ev = ctx.tables.get("asset_events")
    if ev is None or ev.empty:
        return []
    fails = ev[is_failure(ev).to_numpy(dtype=bool)]
    fails = in_window("asset_events", fails, ctx.params)
    if fails.empty:
        return []
    threshold = ctx.rules.repeat_failure_threshold
    stats = fails.groupby(fails["asset_id"].astype(str))["occurred_at"].agg(["count", "min", "max"])
    stats = stats[stats["count"] >= threshold].sort_values("count", ascending=False, kind="stable")
    assets = ctx.tables.get("assets")
    info = (
        assets.set_index(assets["asset_id"].astype(str)) if assets is not None and not assets.empty else None
    )
    out: list[Finding] = []
    for asset_id, row in stats.iterrows():
        zh_type, location = "", ""
        if info is not None and asset_id in info.index:
            rec = info.loc[asset_id]
            if isinstance(rec, pd.DataFrame):
                rec = rec.iloc[0]
            zh_type = "" if pd.isna(rec["type"]) else str(rec["type"])
            if "location" in info.columns and pd.notna(rec["location"]):
                location = str(rec["location"])
        eng = ENGLISH["asset_type"].get(zh_type)
        out.append(
            Finding(
                kind="repeat_failure",
                category="equipment",
                evidence=ctx.text(
                    "finding.ev.repeat_failure",
                    asset=asset_id,
                    type=_type_label(zh_type, ctx.lang) if zh_type else "—",
                    location=ctx.text("finding.word.location", location=location) if location else "",
                    first=fmt_date(row["min"]),
                    last=fmt_date(row["max"]),
                    count=int(row["count"]),
                    threshold=threshold,
                ),
                metric_id=f"equipment_failure_rate.{eng}" if eng else "equipment_failure_rate",
                subject=str(asset_id),
                label=str(asset_id),
                n=int(row["count"]),
                facts={"count": int(row["count"]), "threshold": threshold, "asset_type": zh_type},
            )
        )
    return out


def maintenance_late(ctx: Context) -> list[Finding]:
    """Planned maintenance done late or not at all.

    Jobs: maintenance events scheduled in the analysis window whose deadline
    (:func:`~qmlib.metrics.rules.maintenance_deadline`: the end of the day
    ``scheduled_on + sla.maintenance_tolerance_days``) has passed by as_of.
    On time: ``occurred_at`` before the deadline; late: done after it (by
    as_of); missed: not done by as_of. Reported when there are
    ≥ ``Rules.maintenance_min_n`` (5) jobs, on-time share <
    ``Rules.maintenance_min_on_time`` (90%) and late + missed ≥ 2.
    Facts: ``on_time`` share, ``missed``.
    """
    ev = ctx.tables.get("asset_events")
    if ev is None or ev.empty:
        return []
    if "scheduled_on" not in ev.columns or "occurred_at" not in ev.columns:
        return []
    jobs = ev[is_maintenance(ev).to_numpy(dtype=bool)]
    jobs = in_window("asset_events", jobs, ctx.params)
    if jobs.empty:
        return []
    tol = float(ctx.params.sla.maintenance_tolerance_days)
    deadline_end = maintenance_deadline(jobs["scheduled_on"], tol)
    cutoff = as_of_cutoff(ctx.params)
    due = (deadline_end <= cutoff).to_numpy(dtype=bool)
    jobs = jobs[due]
    n = len(jobs)
    if n < ctx.rules.maintenance_min_n:
        return []
    done = by_as_of(jobs["occurred_at"], ctx.params)
    on_time = maintenance_on_time(jobs, tol)  # deadline ≤ cutoff, so on time implies done
    n_on = int(on_time.sum())
    missed = int((~done).sum())
    late = n - n_on - missed
    share = n_on / n
    if share >= ctx.rules.maintenance_min_on_time or late + missed < 2:
        return []
    tol_text = f"{tol:g}"
    return [
        Finding(
            kind="maintenance_late",
            category="equipment",
            evidence=ctx.text(
                "finding.ev.maintenance_late",
                n=n,
                late=late,
                tol=tol_text,
                missed=missed,
                share=fmt_share(share),
            ),
            metric_id="maintenance_on_time_rate",
            subject="maintenance",
            label=ctx.metric("maintenance_on_time_rate"),
            value=share,
            n=n,
            facts={"on_time": share, "missed": missed},
        )
    ]
