"""Service findings: repair SLA misses by group, open backlog by age, overdue
major/critical hazards and serious incidents."""

from __future__ import annotations

import pandas as pd

from ..labels import t
from ..metrics.rules import (
    active_orders,
    hazard_due,
    hazard_severity,
    is_serious_incident,
    repair_timely,
    urgency_of,
    valid_complaints,
)
from ..metrics.stats import wilson_interval
from ..periods import by_as_of
from ..schema import ENGLISH
from .base import (
    Context,
    Finding,
    fmt_date,
    fmt_share,
    in_window,
    known_by_as_of,
)

SERIOUS_HAZARD = ("重大", "较大")


def _english(kind: str, value: str, lang: str) -> str:
    """An enumeration value in the sentence language (data stays Chinese in zh)."""
    return ENGLISH.get(kind, {}).get(value, value) if lang == "en" else value


def repair_misses(ctx: Context) -> pd.DataFrame | None:
    """Non-cancelled orders of the analysis window with a boolean ``miss`` column.

    miss = not :func:`~qmlib.metrics.rules.repair_timely` (no ``arrived_at``
    or ``arrived_at − reported_at`` > the SLA minutes of the order's urgency;
    missing urgency = 普通). None without work orders or ``arrived_at``.
    """
    wo = ctx.tables.get("work_orders")
    if wo is None or wo.empty or "arrived_at" not in wo.columns:
        return None
    rows = active_orders(in_window("work_orders", wo, ctx.params)).copy()
    if rows.empty:
        return None
    timely = repair_timely(rows, ctx.params.sla.repair_arrival_minutes)
    rows["urgency"] = urgency_of(rows)
    rows["miss"] = ~timely.to_numpy(dtype=bool)
    return rows


def repair_sla_lag(ctx: Context) -> list[Finding]:
    """Groups of repairs (by urgency, category, building) that miss the arrival SLA clearly more often.

    For a group g with ``n_g ≥ Rules.min_group_n`` and the rest of the orders
    (other groups of the same column, ``n_r ≥ min_group_n``), with miss shares
    ``p_g``, ``p_r`` and their Wilson 95% intervals: flag g when
    ``low(p_g) > high(p_r)`` and ``p_g − p_r ≥ Rules.min_share_gap`` (10 pp).
    Facts: ``gap`` = p_g − p_r, ``urgent`` (g is the 紧急 group).
    ``value`` / ``reference`` are the timely shares (1 − p) of g and the rest.
    """
    rows = repair_misses(ctx)
    out: list[Finding] = []
    if rows is None:
        return out
    rules = ctx.rules
    for dim in ("urgency", "category", "building"):
        if dim not in rows.columns:
            continue
        keyed = rows[rows[dim].notna()]
        counts = keyed.groupby(keyed[dim].astype(str))["miss"].agg(["sum", "count"])
        if len(counts) < 2:
            continue
        total_miss, total_n = int(counts["sum"].sum()), int(counts["count"].sum())
        for group, (miss, n) in counts.iterrows():
            miss, n = int(miss), int(n)
            rest_miss, rest_n = total_miss - miss, total_n - n
            if n < rules.min_group_n or rest_n < rules.min_group_n:
                continue
            g_ci = wilson_interval(miss, n)
            r_ci = wilson_interval(rest_miss, rest_n)
            p_g, p_r = miss / n, rest_miss / rest_n
            if g_ci is None or r_ci is None or not (g_ci[0] > r_ci[1] and p_g - p_r >= rules.min_share_gap):
                continue
            shown = _english("urgency", str(group), ctx.lang) if dim == "urgency" else str(group)
            dim_label = ctx.text(f"finding.dim.{dim}")
            out.append(
                Finding(
                    kind="repair_sla_lag",
                    category="timeliness",
                    evidence=ctx.text(
                        "finding.ev.repair_sla_lag",
                        dim=dim_label,
                        group=shown,
                        miss_share=fmt_share(p_g),
                        n=n,
                        miss=miss,
                        rest_share=fmt_share(p_r),
                        rest_n=rest_n,
                    ),
                    metric_id="repair_timely_rate",
                    subject=f"{dim}={group}",
                    label=ctx.text("finding.word.group", dim=dim_label, group=shown),
                    value=1.0 - p_g,
                    reference=1.0 - p_r,
                    n=n,
                    facts={"gap": p_g - p_r, "urgent": dim == "urgency" and str(group) == "紧急"},
                )
            )
    return out


# ---- backlog ----------------------------------------------------------------

_BACKLOG: dict[str, tuple[str, str, str, str]] = {
    # kind: (table, anchor, closing column, metric)
    "backlog_work_orders": ("work_orders", "reported_at", "completed_at", "repair_completion_rate"),
    "backlog_complaints": ("complaints", "received_at", "closed_at", "complaint_closure_rate"),
    "backlog_hazards": ("hazards", "found_at", "rectified_at", "hazard_rectification_rate"),
}


def open_items(ctx: Context, table: str, closing: str) -> pd.DataFrame | None:
    """Rows known by as_of and not closed by as_of (closing time missing or after as_of).

    Work orders: non-cancelled only; complaints: valid only. None when the
    table or its closing column is missing (openness cannot be told).
    """
    df = ctx.tables.get(table)
    if df is None or closing not in df.columns:
        return None
    rows = known_by_as_of(table, df, ctx.params)
    if table == "work_orders":
        rows = active_orders(rows)
    elif table == "complaints":
        rows = valid_complaints(rows)
    done = by_as_of(rows[closing], ctx.params)
    return rows[~done.to_numpy(dtype=bool)]


def age_days(times: pd.Series, ctx: Context) -> pd.Series:
    """Whole days from the anchor date to the as_of date."""
    as_of = pd.Timestamp(ctx.params.as_of_date)
    return (as_of - times.dt.normalize()).dt.days


def backlog(ctx: Context) -> list[Finding]:
    """One finding for the open work orders, complaints and hazards as of as_of, bucketed by age.

    Age = as_of date − anchor date in days; buckets ≤ ``backlog_min_age_days``
    (7), 8–``backlog_old_days`` (30), > 30. A table is listed when at least
    ``Rules.backlog_min_items`` (3) of its open items are older than
    ``backlog_min_age_days``; the finding exists when a table is listed.
    ``metric_id`` is the metric of the table with the most such items.
    Facts (over the listed tables): ``open``, ``over_min_age``, ``over_old``.
    """
    young, old = ctx.rules.backlog_min_age_days, ctx.rules.backlog_old_days
    parts: list[tuple[int, str, str, str, int, int]] = []
    for kind, (table, anchor, closing, metric) in _BACKLOG.items():
        rows = open_items(ctx, table, closing)
        if rows is None or rows.empty:
            continue
        age = age_days(rows[anchor], ctx)
        over_min = int((age > young).sum())
        over_old = int((age > old).sum())
        if over_min < ctx.rules.backlog_min_items:
            continue
        buckets = [
            ctx.text("finding.word.age_young", a=young, n=int((age <= young).sum())),
            ctx.text("finding.word.age_mid", a=young + 1, b=old, n=over_min - over_old),
            ctx.text("finding.word.age_old", b=old, n=over_old),
        ]
        clause = ctx.text(f"finding.word.{kind}", n=len(rows), buckets=ctx.join(buckets))
        parts.append((over_min, table, metric, clause, len(rows), over_old))
    if not parts:
        return []
    main = max(parts, key=lambda p: p[0])
    sep = ctx.text("finding.word.clause_sep")
    return [
        Finding(
            kind="open_backlog",
            category="backlog",
            evidence=ctx.text(
                "finding.ev.open_backlog", as_of=ctx.as_of, items=sep.join(p[3] for p in parts)
            ),
            metric_id=main[2],
            subject=",".join(p[1] for p in parts),
            label=ctx.join([t(f"table.{p[1]}", ctx.lang) for p in parts]),
            n=sum(p[4] for p in parts),
            facts={
                "open": sum(p[4] for p in parts),
                "over_min_age": sum(p[0] for p in parts),
                "over_old": sum(p[5] for p in parts),
            },
        )
    ]


def overdue_hazard_rows(ctx: Context) -> pd.DataFrame | None:
    """The hazard rows of :func:`hazard_overdue` with ``due`` and ``days_over``, in its order
    (None or empty when there are none); the portfolio board lists these rows."""
    rows = open_items(ctx, "hazards", "rectified_at")
    if rows is None or rows.empty:
        return None
    rows = rows[hazard_severity(rows).isin(SERIOUS_HAZARD).fillna(False).to_numpy(dtype=bool)].copy()
    if rows.empty:
        return None
    due = hazard_due(rows, ctx.params.sla.hazard_due_days)
    as_of = pd.Timestamp(ctx.params.as_of_date)
    rows["due"] = due
    rows["days_over"] = (as_of - due).dt.days
    rows = rows[rows["days_over"] > 0]
    rows["_crit"] = hazard_severity(rows).eq("重大").fillna(False).astype(int)
    return rows.sort_values(["_crit", "days_over", "hazard_id"], ascending=[False, False, True])


def hazard_overdue(ctx: Context) -> list[Finding]:
    """Major and critical hazards (较大/重大) open as of as_of and past their due date.

    Due date = :func:`~qmlib.metrics.rules.hazard_due` (``due_on``, else found
    date + ``sla.hazard_due_days[severity]``); overdue when due date < as_of
    date; days overdue = as_of − due date.
    Listed by id, 重大 first, then most overdue. Facts: ``count``, ``critical``.
    """
    rows = overdue_hazard_rows(ctx)
    if rows is None or rows.empty:
        return []
    items = [
        ctx.text(
            "finding.word.hazard_item",
            id=r.hazard_id,
            severity=_english("hazard_severity", str(r.severity), ctx.lang),
            area=r.area,
            days=int(r.days_over),
        )
        for r in rows.itertuples(index=False)
    ]
    return [
        Finding(
            kind="hazard_overdue",
            category="safety",
            evidence=ctx.text(
                "finding.ev.hazard_overdue", as_of=ctx.as_of, count=len(rows), items=ctx.join(items)
            ),
            metric_id="hazard_on_time_rate",
            subject=",".join(str(x) for x in rows["hazard_id"]),
            label=ctx.join([str(x) for x in rows["hazard_id"]]),
            n=len(rows),
            facts={"count": len(rows), "critical": int(rows["_crit"].sum())},
        )
    ]


def serious_incident_rows(ctx: Context) -> pd.DataFrame | None:
    """The incident rows of :func:`serious_incident` in its order (None when there is no table)."""
    df = ctx.tables.get("incidents")
    if df is None or df.empty:
        return None
    rows = in_window("incidents", df, ctx.params)
    rows = rows[is_serious_incident(rows).to_numpy(dtype=bool)]
    return rows.sort_values(["occurred_at", "incident_id"])


def serious_incident(ctx: Context) -> list[Finding]:
    """Incidents of severity 较大 or 重大 in the analysis window, listed by id (date order)."""
    rows = serious_incident_rows(ctx)
    if rows is None or rows.empty:
        return []
    items = [
        ctx.text(
            "finding.word.incident_item",
            id=r.incident_id,
            severity=_english("incident_severity", str(r.severity), ctx.lang),
            type=r.type,
            date=fmt_date(r.occurred_at),
        )
        for r in rows.itertuples(index=False)
    ]
    return [
        Finding(
            kind="serious_incident",
            category="safety",
            evidence=ctx.text("finding.ev.serious_incident", count=len(rows), items=ctx.join(items)),
            metric_id="serious_incident_count",
            subject=",".join(str(x) for x in rows["incident_id"]),
            label=ctx.join([str(x) for x in rows["incident_id"]]),
            n=len(rows),
            facts={"count": len(rows)},
        )
    ]
