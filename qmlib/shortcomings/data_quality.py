"""Limits of the report that come from the data: many rejected rows, tables not supplied."""

from __future__ import annotations

import pandas as pd

from ..labels import t
from ..schema import REQUIRED_TABLES, TABLE_ORDER
from .base import Context, Finding, fmt_share


def data_rejects(ctx: Context) -> list[Finding]:
    """Tables with more than ``Rules.reject_share`` (5%) of their rows rejected
    and at least ``Rules.reject_min_rows`` (3) rejected rows.

    share = Σ rows_rejected / Σ rows_read over the table's source files
    (ingest_summary). The evidence names the columns with the most rejects
    (rejects.csv, up to 3). Facts: ``share``.
    """
    summary = ctx.ingest_summary
    if summary is None or summary.empty:
        return []
    s = summary.copy()
    for col in ("rows_read", "rows_rejected"):
        s[col] = pd.to_numeric(s[col], errors="coerce").fillna(0)
    totals = s.groupby(s["table"].astype(str))[["rows_read", "rows_rejected"]].sum()
    out: list[Finding] = []
    for table, row in totals.iterrows():
        read, rejected = int(row["rows_read"]), int(row["rows_rejected"])
        if read <= 0 or rejected <= 0:
            continue
        share = rejected / read
        if share <= ctx.rules.reject_share or rejected < ctx.rules.reject_min_rows:
            continue
        cols = "—"
        rj = ctx.rejects
        if rj is not None and not rj.empty:
            mine = rj[rj["table"].astype(str) == table]
            top = mine["column"].astype("string").fillna("—").value_counts().head(3)
            if not top.empty:
                cols = ctx.join(
                    [ctx.text("finding.word.reject_cols", col=c, n=int(k)) for c, k in top.items()]
                )
        out.append(
            Finding(
                kind="data_rejects",
                category="data_quality",
                evidence=ctx.text(
                    "finding.ev.data_rejects",
                    table=t(f"table.{table}", ctx.lang),
                    read=read,
                    rejected=rejected,
                    share=fmt_share(share),
                    cols=cols,
                ),
                subject=str(table),
                label=t(f"table.{table}", ctx.lang),
                n=read,
                facts={"share": share},
            )
        )
    return out


def data_missing_tables(ctx: Context) -> list[Finding]:
    """One finding listing the optional tables that were not supplied (not in ``tables``)."""
    missing = [name for name in TABLE_ORDER if name not in ctx.tables and name not in REQUIRED_TABLES]
    if not missing:
        return []
    return [
        Finding(
            kind="data_missing_tables",
            category="data_quality",
            evidence=ctx.text(
                "finding.ev.data_missing_tables",
                tables=ctx.join([t(f"table.{name}", ctx.lang) for name in missing], limit=len(missing)),
            ),
            subject=",".join(missing),
            label=ctx.join([t(f"table.{name}", ctx.lang) for name in missing], limit=len(missing)),
            facts={"count": len(missing)},
        )
    ]
