"""Messing up, part 2: the invalid rows planted in a community with ``bad_rows`` (recorded in the truth)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..schema import TABLE_ORDER, TABLES
from .community import Community
from .styles import TableStyle, format_times, mixed_row_styles
from .vocab import BAD_ROWS_BASE, BAD_ROWS_EXTRA, UNPARSEABLE_DATES


# =============================================================================
# Planted bad rows
# =============================================================================
@dataclass
class Plant:
    """One invalid row: ``row`` is its 0-based data position (source_row = row + 2)."""

    table: str
    kind: str
    column: str
    row: int
    value: object
    key: str | None


def _candidates(table: str, kind: str, column: str, df: pd.DataFrame, taken: set[int]) -> np.ndarray:
    """Rows that may be corrupted for this kind (one problem per row, effects untouched)."""
    ok = np.ones(len(df), bool)
    ok[list(taken)] = False
    if table == "asset_events":
        need = {"occurred_at": "故障", "restored_at": "故障"}.get(column)
        if need:
            ok &= df["kind"].eq(need).to_numpy()
        if column == "restored_at":
            ok &= df["restored_at"].notna().to_numpy()
    if kind == "duplicate_key":
        ok[0] = False
    if table == "work_orders" and column in ("completed_at", "rating"):
        ok &= df["completed_at"].notna().to_numpy()
    if table == "complaints" and column == "closed_at":
        ok &= df["closed_at"].notna().to_numpy()
    if table == "hazards" and column == "rectified_at":
        ok &= df["rectified_at"].notna().to_numpy()
    return np.flatnonzero(ok)


def _bad_value(c: Community, p: Plant, df: pd.DataFrame, style: TableStyle, taken: set[int]) -> object:
    """The raw cell value that makes row ``p.row`` invalid."""
    rng = c.rng
    row = df.iloc[p.row]
    if p.kind == "missing_required":
        return None
    if p.kind == "unparseable_date":
        return str(rng.choice(UNPARSEABLE_DATES))
    if p.kind == "duplicate_key":
        q = int(rng.integers(0, p.row))
        while q in taken:
            q = int(rng.integers(0, p.row))
        taken.add(q)
        return str(df.iloc[q, 0])
    if p.kind == "score_off_scale":
        return int(c.scale + rng.integers(1, 3))
    if p.kind == "score_out_of_range":
        return int(rng.choice([105, 120, -5]))
    if p.kind == "rating_out_of_range":
        return 7
    if p.kind in ("negative_hours", "negative_count"):
        return -int(rng.integers(1, 6))
    if p.kind == "enum_not_listed":
        return {
            "urgency": "特急",
            "severity": "严重" if p.table == "hazards" else "特大",
            "category": "文体活动",
            "inspector": "物业自查",
        }[p.column]
    if p.kind == "unknown_asset":
        return "DT-99-9"
    if p.kind == "time_order":
        earlier_col = {
            "completed_at": "reported_at",
            "closed_at": "received_at",
            "rectified_at": "found_at",
            "restored_at": "occurred_at",
        }[p.column]
        t = row[earlier_col] - pd.Timedelta(hours=int(rng.integers(2, 30)))
        rows = mixed_row_styles(p.table, style, len(df), c.variant)
        return format_times(pd.Series([t]), style.time_style if rows is None else str(rows[p.row]))[0]
    raise ValueError(p.kind)


def _bad_plan(c: Community) -> list[tuple[str, str, str]]:
    """Which bad rows this community gets: the base list plus three rotating extras."""
    k = len(BAD_ROWS_EXTRA)
    extra = [BAD_ROWS_EXTRA[(3 * c.variant + i) % k] for i in range(3)]
    return list(BAD_ROWS_BASE) + extra


def plant_bad_rows(
    c: Community, frames: dict[str, pd.DataFrame], styles: dict[str, TableStyle], protected: dict[str, set]
) -> list[Plant]:
    """Choose rows to corrupt; the cell overrides are applied when the file is written."""
    plants: list[Plant] = []
    taken: dict[str, set[int]] = {t: set() for t in TABLE_ORDER}
    for table, df in frames.items():
        keys = protected.get(table, set())
        if keys:
            taken[table] |= set(np.flatnonzero(df.iloc[:, 0].isin(keys)))
    for table, kind, column in _bad_plan(c):
        df = frames[table]
        if column in styles[table].drop:
            continue
        if sum(p.table == table for p in plants) >= max(1, len(df) // 10):
            continue  # keep small tables mostly valid
        rows = _candidates(table, kind, column, df, taken[table])
        if kind == "duplicate_key":
            first_free = next(i for i in range(len(df)) if i not in taken[table])
            rows = rows[rows > first_free]
        if len(rows) == 0:
            continue
        r = int(c.rng.choice(rows))
        taken[table].add(r)
        p = Plant(table, kind, column, r, None, None)
        p.value = _bad_value(c, p, df, styles[table], taken[table])
        key = p.value if column == TABLES[table].key else df.iloc[r, 0]
        p.key = None if key is None else str(key)
        plants.append(p)
    return plants


def valid_frames(frames: dict[str, pd.DataFrame], plants: list[Plant]) -> dict[str, pd.DataFrame]:
    """The canonical tables without the corrupted rows (what ingest must accept)."""
    out = {}
    for table, df in frames.items():
        rows = [p.row for p in plants if p.table == table]
        out[table] = df.drop(index=df.index[rows]).reset_index(drop=True)
    return out
