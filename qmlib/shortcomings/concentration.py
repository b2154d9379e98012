"""Where problems concentrate: the vital few complaint and repair categories
(Pareto), buildings and satisfaction dimensions that lag, training gaps by role."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..metrics.rules import active_orders, to_index, valid_complaints
from ..metrics.stats import t_interval
from ..schema import SURVEY_DIMENSIONS
from .base import (
    Context,
    Finding,
    finite,
    fmt_number,
    fmt_share,
    in_window,
)

# ---- Pareto -------------------------------------------------------------------


def vital_few(counts: pd.Series, cover: float) -> int:
    """Smallest k such that the k largest categories hold ≥ ``cover`` of the total."""
    shares = counts.sort_values(ascending=False).cumsum() / counts.sum()
    return int(np.searchsorted(shares.to_numpy() >= cover - 1e-12, True) + 1)


def _pareto(ctx: Context, kind: str, rows: pd.DataFrame, metric_id: str) -> list[Finding]:
    rules = ctx.rules
    counts = rows["category"].astype("string").dropna().value_counts()
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")
    n, total = int(counts.sum()), len(counts)
    if n < rules.pareto_min_n or total < rules.pareto_min_categories:
        return []
    k = vital_few(counts, rules.pareto_cover)
    top_share = counts.iloc[0] / n
    if k / total > rules.pareto_max_category_share:
        k = vital_few(counts, rules.pareto_half)
        if k / total > rules.pareto_max_category_share:
            return []
    few = counts.iloc[:k]
    m = int(few.sum())
    cats = [
        ctx.text("finding.word.category_share", name=name, share=fmt_share(c / n)) for name, c in few.items()
    ]
    return [
        Finding(
            kind=kind,
            category="concentration",
            evidence=ctx.text(
                f"finding.ev.{kind}", k=k, total=total, share=fmt_share(m / n), n=n, m=m, cats=ctx.join(cats)
            ),
            metric_id=metric_id,
            subject=",".join(str(c) for c in few.index),
            label=ctx.join([str(c) for c in few.index]),
            n=n,
            facts={"top_share": float(top_share), "k": k, "categories": total},
        )
    ]


def pareto(ctx: Context) -> list[Finding]:
    """The vital few categories of valid complaints and of non-cancelled work orders.

    Over the analysis window, with n items in K categories: k = the fewest
    categories holding ≥ ``Rules.pareto_cover`` (80%). Reported only when
    concentrated: n ≥ ``pareto_min_n`` (30), K ≥ ``pareto_min_categories`` (4)
    and k / K ≤ ``pareto_max_category_share`` (30%). Otherwise, with k½ = the
    fewest categories holding ≥ ``pareto_half`` (50%), those k½ categories are
    reported when k½ / K ≤ ``pareto_max_category_share`` too (e.g. 2 of 9
    categories hold half of all complaints). Facts: ``top_share``.
    """
    out: list[Finding] = []
    comp = ctx.tables.get("complaints")
    if comp is not None and not comp.empty:
        out += _pareto(
            ctx,
            "pareto_complaints",
            valid_complaints(in_window("complaints", comp, ctx.params)),
            "complaint_rate",
        )
    wo = ctx.tables.get("work_orders")
    if wo is not None and not wo.empty:
        out += _pareto(ctx, "pareto_repairs", active_orders(in_window("work_orders", wo, ctx.params)), "")
    return out


# ---- lagging groups ---------------------------------------------------------


def _lag(ctx: Context, group: np.ndarray, rest: np.ndarray, min_gap: float) -> dict[str, float] | None:
    """Group vs rest on a 0–100 scale: both n ≥ min_group_n, t 95% CIs that do not
    overlap (group high < rest low) and rest mean − group mean ≥ ``min_gap``."""
    if group.size < ctx.rules.min_group_n or rest.size < ctx.rules.min_group_n:
        return None
    g_ci, r_ci = t_interval(group), t_interval(rest)
    if g_ci is None or r_ci is None:
        return None
    g, r = float(group.mean()), float(rest.mean())
    if not (g_ci[1] < r_ci[0] and r - g >= min_gap):
        return None
    return {
        "value": g,
        "lo": g_ci[0],
        "hi": g_ci[1],
        "rest": r,
        "rest_lo": r_ci[0],
        "rest_hi": r_ci[1],
        "gap": r - g,
    }


def _lag_args(stats: dict[str, float], n: int, rest_n: int) -> dict[str, object]:
    return {
        "value": fmt_number(stats["value"]),
        "lo": fmt_number(stats["lo"]),
        "hi": fmt_number(stats["hi"]),
        "rest": fmt_number(stats["rest"]),
        "rest_lo": fmt_number(stats["rest_lo"]),
        "rest_hi": fmt_number(stats["rest_hi"]),
        "n": n,
        "rest_n": rest_n,
    }


def lagging_building(ctx: Context) -> list[Finding]:
    """Buildings whose satisfaction index (overall on 0–100) lags the other buildings.

    Over all survey responses of the analysis window; rule of :func:`_lag`
    with ``Rules.min_score_gap`` (8 points). Facts: ``gap`` in points. ``reference`` = the other buildings' mean.
    """
    sv = ctx.tables.get("surveys")
    if sv is None or sv.empty or "building" not in sv.columns:
        return []
    rows = in_window("surveys", sv, ctx.params)
    rows = rows[rows["building"].notna().to_numpy(dtype=bool)]
    points = to_index(rows["overall"], ctx.params.survey_scale)
    building = rows["building"].astype(str)
    if building.nunique() < 2:
        return []
    out: list[Finding] = []
    for name in sorted(building.unique()):
        mask = (building == name).to_numpy()
        g, r = finite(points[mask]), finite(points[~mask])
        stats = _lag(ctx, g, r, ctx.rules.min_score_gap)
        if stats is None:
            continue
        out.append(
            Finding(
                kind="lagging_building",
                category="lagging",
                evidence=ctx.text(
                    "finding.ev.lagging_building", building=name, **_lag_args(stats, g.size, r.size)
                ),
                metric_id="satisfaction_index",
                subject=name,
                label=name,
                value=stats["value"],
                reference=stats["rest"],
                n=int(g.size),
                facts={"gap": stats["gap"]},
            )
        )
    return out


def lagging_dimension(ctx: Context) -> list[Finding]:
    """Survey dimensions (customer_service, cleaning, …) that lag the other dimensions.

    Each dimension's 0–100 scores vs all other dimensions' scores pooled, over
    the analysis window; rule of :func:`_lag` with ``Rules.min_dimension_gap``
    (5 points). Facts: ``gap`` in points.
    """
    sv = ctx.tables.get("surveys")
    if sv is None or sv.empty:
        return []
    dims = [d for d in SURVEY_DIMENSIONS if d in sv.columns]
    if len(dims) < 2:
        return []
    rows = in_window("surveys", sv, ctx.params)
    scores = {d: finite(to_index(rows[d], ctx.params.survey_scale)) for d in dims}
    out: list[Finding] = []
    for d in dims:
        rest = np.concatenate([scores[o] for o in dims if o != d])
        stats = _lag(ctx, scores[d], rest, ctx.rules.min_dimension_gap)
        if stats is None:
            continue
        out.append(
            Finding(
                kind="lagging_dimension",
                category="lagging",
                evidence=ctx.text(
                    "finding.ev.lagging_dimension",
                    dimension=ctx.text(f"dimension.{d}"),
                    **_lag_args(stats, scores[d].size, rest.size),
                ),
                metric_id=f"satisfaction_index.{d}",
                subject=d,
                label=ctx.text(f"dimension.{d}"),
                value=stats["value"],
                reference=stats["rest"],
                n=int(scores[d].size),
                facts={"gap": stats["gap"]},
            )
        )
    return out


# ---- training -----------------------------------------------------------------


def training_gap(ctx: Context) -> list[Finding]:
    """Roles whose training coverage in the analysis window is below ``Rules.training_min_coverage`` (60%).

    Coverage of role r = distinct ``employee_id`` trained with role r /
    ``staff[r]`` (roles with headcount > 0; a role with headcount and no
    training has coverage 0). One finding listing the roles, lowest first.
    Needs the training table and params ``staff``. Facts: ``zero_roles``,
    ``min_coverage``.
    """
    tr = ctx.tables.get("training")
    staff = {r: c for r, c in ctx.params.staff.items() if c > 0}
    if tr is None or not staff:
        return []
    rows = in_window("training", tr, ctx.params)
    trained = (
        rows.groupby(rows["role"].astype(str))["employee_id"].nunique()
        if not rows.empty
        else pd.Series(dtype=int)
    )
    gaps = []
    for role, headcount in staff.items():
        k = int(trained.get(role, 0))
        cov = k / headcount
        if cov < ctx.rules.training_min_coverage:
            gaps.append((cov, role, k, headcount))
    if not gaps:
        return []
    gaps.sort()
    items = [
        ctx.text("finding.word.role_cover", role=role, trained=k, headcount=h, share=fmt_share(cov))
        for cov, role, k, h in gaps
    ]
    return [
        Finding(
            kind="training_gap",
            category="training",
            evidence=ctx.text(
                "finding.ev.training_gap",
                min=fmt_share(ctx.rules.training_min_coverage),
                items=ctx.join(items),
            ),
            metric_id="training_coverage",
            subject=",".join(role for _, role, _, _ in gaps),
            label=ctx.join([role for _, role, _, _ in gaps]),
            facts={"zero_roles": sum(1 for g in gaps if g[2] == 0), "min_coverage": gaps[0][0]},
        )
    ]
