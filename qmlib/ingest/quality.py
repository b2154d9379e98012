"""Data-quality overview of an ingested community (shown by 01_ingest and the appendix)."""

from __future__ import annotations

import pandas as pd

from ..labels import LABELS, t
from ..params import Params
from ..periods import anchor_times, assign_periods
from ..schema import TABLES

OUTSIDE = "outside"


def rows_by_period(tables: dict[str, pd.DataFrame], params: Params) -> pd.DataFrame:
    """Accepted rows per table and period (anchor time); rows in no period count as ``outside``.

    Returns a frame indexed by table with one column per period plus ``outside``.
    """
    columns = [*params.period_names, OUTSIDE]
    rows = []
    for name, frame in tables.items():
        if name == "assets":
            continue
        period = assign_periods(anchor_times(name, frame), params).fillna(OUTSIDE)
        counts = period.value_counts().reindex(columns, fill_value=0)
        rows.append(counts.rename(name))
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(rows).astype("int64")


def rejects_by_reason(rejects: pd.DataFrame) -> pd.DataFrame:
    """Rejected rows counted by table, column and reason, most frequent first."""
    if rejects.empty:
        return pd.DataFrame(columns=["table", "column", "reason", "rows"])
    reason = rejects["reason"].astype(str).str.replace(r"[（(]另有.*|\s\(and \d+ more.*", "", regex=True)
    grouped = (
        rejects.assign(reason=reason)
        .groupby(["table", "column", "reason"], sort=False)
        .size()
        .rename("rows")
        .reset_index()
    )
    return grouped.sort_values("rows", ascending=False, kind="stable").reset_index(drop=True)


def optional_coverage(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Share of accepted rows with a value, for every optional column of every table.

    A column absent from the file has coverage 0 and ``present`` false.
    """
    rows = []
    for name, frame in tables.items():
        for col in TABLES[name].columns:
            if col.required or col.default is not None:
                continue
            present = col.name in frame.columns
            filled = (
                float(frame[col.name].notna().mean())
                if present and len(frame)
                else (0.0 if not present else None)
            )
            rows.append({"table": name, "column": col.name, "present": present, "coverage": filled})
    return pd.DataFrame(rows, columns=["table", "column", "present", "coverage"])


def labelled(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Replace table names, period and common column names by their labels (for display)."""
    out = frame.copy()
    if "table" in out.columns:
        out["table"] = out["table"].map(lambda x: t(f"table.{x}", lang))
    out.index = [t(f"table.{i}", lang) if isinstance(i, str) else i for i in out.index]
    out.columns = [_column_label(str(c), lang) for c in out.columns]
    return out


def _column_label(column: str, lang: str) -> str:
    for key in (f"period.{column}", f"ui.{column}"):
        if key in LABELS:
            return t(key, lang)
    return column
