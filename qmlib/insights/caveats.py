"""Caveats: what limits a comparison.

- ``coverage``: a period's survey has fewer responses than Cochran's sample
  size for a proportion with a ±``margin`` margin at 95% confidence,
  corrected for the finite number of households N:
  ``n0 = z² · 0.25 / margin²``, ``n = n0 / (1 + (n0 − 1) / N)``
  (Cochran, *Sampling Techniques*, 3rd ed., 1977, eqs. 4.1–4.2).
- ``survey_visits``: initiatives whose title names both a survey and a
  staff visit (dictionary tags ``survey`` and ``visit``: 满意度入户回访) were
  held in a period, and some of that period's responses were collected on
  those days: the collection differs from the baseline's.
- ``survey_channel``: the surveys carry a collection column (渠道, 方式,
  channel, method, …) whose mix differs between periods (Pearson's
  chi-square test of independence, ``scipy.stats.chi2_contingency``, p < 0.05).
- ``small_sample``: a changed metric (a mean or a share) rests on fewer than
  ``min_sample`` observations in a period.
- ``missing_days``: a table with at least ``min_daily_rows`` rows a day on
  average in a period has days with none: at that volume a day with no
  rows has Poisson probability ``e^−λ`` < 0.7%, so the day is more likely
  missing from the export than quiet.
- ``missing_table`` / ``missing_columns``: a table not supplied, or
  optional columns that metrics or breakdowns need (:func:`metric_columns`)
  missing from a supplied table.
"""

from __future__ import annotations

import math

import pandas as pd
from scipy import stats

from ..catalog import METRICS, metric_def
from ..periods import ANCHORS, anchor_times, assign_periods, bounds
from ..schema import TABLES
from .base import Insight, InsightContext, fmt_p, fmt_pct
from .voice import tag_of, tokens

BASELINE = "baseline"
#: optional columns no metric needs that the breakdowns group by or the cases join on, by table
BREAKDOWN_COLUMNS: dict[str, tuple[str, ...]] = {
    "surveys": ("building",),
    "work_orders": ("building",),
    "complaints": ("channel",),
    "assets": ("location",),
    "inspections": ("inspector",),
}


def metric_columns(table: str) -> tuple[str, ...]:
    """Optional columns of ``table`` that a metric needs (the catalog's ``needs``, the table
    :func:`qmlib.metrics.requirements.computable` reads) or a breakdown needs
    (:data:`BREAKDOWN_COLUMNS`), in the schema's column order."""
    needed = {c for d in METRICS.values() if d.table == table for c in d.needs}
    needed |= set(BREAKDOWN_COLUMNS.get(table, ()))
    return tuple(c.name for c in TABLES[table].columns if c.name in needed)


#: names of a survey column that records how the survey was collected
CHANNEL_COLUMNS = ("channel", "method", "mode", "渠道", "方式", "调查方式", "收集方式", "调查渠道", "来源")


def cochran_n(households: int, margin: float, z: float) -> int:
    """Responses needed for a ±margin on a proportion (p = 0.5) among ``households`` (rounded up)."""
    n0 = z * z * 0.25 / (margin * margin)
    return math.ceil(n0 / (1.0 + (n0 - 1.0) / households))


def coverage(ctx: InsightContext) -> list[Insight]:
    s = ctx.tables.get("surveys")
    if s is None:
        return []
    hh = ctx.params.households
    needed = cochran_n(hh, ctx.rules.margin, ctx.rules.confidence_z)
    per = assign_periods(s["surveyed_at"], ctx.params).value_counts()
    out = []
    for period in ctx.params.period_names:
        n = int(per.get(period, 0))
        if n >= needed:
            continue
        evidence = ctx.text(
            "insight.ev.caveat_coverage",
            period=ctx.period(period),
            n=n,
            coverage=fmt_pct(n / hh),
            households=hh,
            margin=fmt_pct(ctx.rules.margin),
            needed=needed,
            needed_share=fmt_pct(needed / hh),
        )
        out.append(
            Insight(
                kind="caveat",
                evidence=evidence,
                metric_id="survey_coverage",
                period=period,
                dimension="coverage",
                subject="surveys",
                value=n / hh,
                reference=needed / hh,
                n=n,
                method="cochran",
                score=0.6 + 0.3 * (1 - n / needed),
            )
        )
    return out


def survey_visits(ctx: InsightContext) -> list[Insight]:
    act, s = ctx.tables.get("activities"), ctx.tables.get("surveys")
    if act is None or s is None or act.empty or s.empty:
        return []
    visit = act["title"].astype(str).map(lambda x: {tag_of(w) for w in tokens(x)} >= {"visit", "survey"})
    act = act[visit.to_numpy(dtype=bool)]
    if act.empty:
        return []
    act_period = assign_periods(act["held_on"], ctx.params)
    s_period = assign_periods(s["surveyed_at"], ctx.params)
    s_day = pd.to_datetime(s["surveyed_at"]).dt.normalize()
    out = []
    for period in ctx.params.period_names:
        if period == BASELINE:
            continue
        days = set(
            pd.to_datetime(act.loc[(act_period == period).to_numpy(dtype=bool), "held_on"]).dt.normalize()
        )
        if not days:
            continue
        in_p = (s_period == period).to_numpy(dtype=bool)
        n = int(in_p.sum())
        n_on = int((in_p & s_day.isin(days).to_numpy(dtype=bool)).sum())
        if n == 0 or n_on == 0:
            continue
        titles = ctx.join(
            sorted(set(act.loc[(act_period == period).to_numpy(dtype=bool), "title"].astype(str)))
        )
        dates = ctx.join(sorted(d.strftime("%m-%d") for d in days))
        evidence = ctx.text(
            "insight.ev.caveat_survey_visits",
            period=ctx.period(period),
            titles=titles,
            dates=dates,
            share=fmt_pct(n_on / n),
            n_on=n_on,
            n=n,
        )
        out.append(
            Insight(
                kind="caveat",
                evidence=evidence,
                metric_id="satisfaction_index",
                period=period,
                dimension="collection",
                subject=titles,
                value=n_on / n,
                n=n,
                method="activity_dates",
                score=0.7 + 0.3 * n_on / n,
            )
        )
    return out


def survey_channel(ctx: InsightContext) -> list[Insight]:
    s = ctx.tables.get("surveys")
    if s is None or s.empty:
        return []
    col = next((c for c in s.columns if str(c).strip().lower() in CHANNEL_COLUMNS), None)
    if col is None:
        return []
    period = assign_periods(s["surveyed_at"], ctx.params)
    table = pd.crosstab(s[col].astype(str), period)
    if table.shape[0] < 2 or table.shape[1] < 2:
        return []
    p = float(stats.chi2_contingency(table.to_numpy())[1])
    if not p < 0.05:
        return []
    shares = table / table.sum(axis=0)
    parts = []
    for per in ctx.params.period_names:
        if per in shares.columns:
            top = shares[per].idxmax()
            parts.append(f"{ctx.period(per)} {top} {fmt_pct(float(shares.loc[top, per]))}")
    evidence = ctx.text(
        "insight.ev.caveat_channel", column=col, p=fmt_p(p, ctx.lang), trail=" → ".join(parts)
    )
    return [
        Insight(
            kind="caveat",
            evidence=evidence,
            metric_id="satisfaction_index",
            dimension="collection",
            subject=str(col),
            p_value=p,
            n=int(table.to_numpy().sum()),
            method="chi2",
            score=0.8,
        )
    ]


def small_samples(ctx: InsightContext) -> list[Insight]:
    m, ch = ctx.metrics, ctx.changes
    if m.empty or ch.empty:
        return []
    changed = set(ch["metric_id"])
    out = []
    for _, row in m.iterrows():
        mid = str(row["metric_id"])
        if mid not in changed or pd.isna(row["n"]):
            continue
        try:
            kind = metric_def(mid).kind
        except KeyError:
            continue
        n = int(row["n"])
        if kind not in ("mean", "share") or n >= ctx.rules.min_sample:
            continue
        evidence = ctx.text(
            "insight.ev.caveat_small",
            metric=ctx.metric(mid),
            period=ctx.period(str(row["period"])),
            n=n,
            min_n=ctx.rules.min_sample,
        )
        out.append(
            Insight(
                kind="caveat",
                evidence=evidence,
                metric_id=mid,
                period=str(row["period"]),
                dimension="sample",
                subject=mid,
                value=float(n),
                reference=float(ctx.rules.min_sample),
                n=n,
                method="min_n",
                score=0.2 + 0.2 * (1 - n / ctx.rules.min_sample),
            )
        )
    return out


def missing_days(ctx: InsightContext) -> list[Insight]:
    out = []
    for table in ANCHORS:
        df = ctx.tables.get(table)
        if df is None or df.empty:
            continue
        t = pd.to_datetime(anchor_times(table, df))
        day = t.dt.normalize()
        for period in ctx.params.period_names:
            lo, hi = bounds(ctx.params, period)
            all_days = pd.date_range(lo, hi - pd.Timedelta(days=1), freq="D")
            counts = day[(t >= lo) & (t < hi)].value_counts()
            mean = float(counts.sum()) / len(all_days)
            if mean < ctx.rules.min_daily_rows:
                continue
            # the days with rows as a set of instants (not a look-up in the index per day)
            present = set(counts.index.as_unit("ns").asi8.tolist())
            empty = [
                d
                for d, ns in zip(all_days, all_days.as_unit("ns").asi8.tolist(), strict=True)
                if ns not in present
            ]
            if not empty:
                continue
            dates = ctx.join([d.strftime("%m-%d") for d in empty[:8]]) + ("…" if len(empty) > 8 else "")
            evidence = ctx.text(
                "insight.ev.caveat_missing_days",
                table=ctx.text(f"table.{table}"),
                period=ctx.period(period),
                dates=dates,
                mean=f"{mean:.1f}",
                count=ctx.text(
                    "insight.word.days_one" if len(empty) == 1 else "insight.word.days", n=len(empty)
                ),
            )
            out.append(
                Insight(
                    kind="caveat",
                    evidence=evidence,
                    period=period,
                    dimension="missing_days",
                    subject=table,
                    value=float(len(empty)),
                    reference=mean,
                    n=len(empty),
                    method="poisson_zero_day",
                    score=0.5 + 0.4 * min(1.0, len(empty) / 7),
                )
            )
    return out


def missing_data(ctx: InsightContext) -> list[Insight]:
    out = []
    for name in TABLES:
        df = ctx.tables.get(name)
        if df is None:
            out.append(
                Insight(
                    kind="caveat",
                    evidence=ctx.text("insight.ev.caveat_missing_table", table=ctx.text(f"table.{name}")),
                    dimension="missing_table",
                    subject=name,
                    method="schema",
                    score=0.45,
                )
            )
            continue
        missing = [c for c in metric_columns(name) if c not in df.columns]
        if missing:
            out.append(
                Insight(
                    kind="caveat",
                    evidence=ctx.text(
                        "insight.ev.caveat_missing_columns",
                        table=ctx.text(f"table.{name}"),
                        columns=ctx.join(missing),
                    ),
                    dimension="missing_columns",
                    subject=f"{name}:{','.join(missing)}",
                    n=len(missing),
                    method="schema",
                    score=0.4,
                )
            )
    return out


#: caveat finders, in order
CAVEATS = (coverage, survey_visits, survey_channel, small_samples, missing_days, missing_data)


def caveats(ctx: InsightContext, found: list[Insight] | None = None) -> list[Insight]:
    out: list[Insight] = []
    for finder in CAVEATS:
        out.extend(finder(ctx))
    return out


__all__ = ["CAVEATS", "caveats", "cochran_n"]
