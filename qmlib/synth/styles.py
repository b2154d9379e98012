"""Messing up, part 1: how each table is exported (headers, time/date/bool/enum/score styles,
extra and dropped columns) and the cell formatters."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..schema import TABLE_ORDER, TABLES, Column
from .community import Community
from .vocab import (
    BOOL_STYLES,
    DATE_STYLE_OF,
    ENCODINGS,
    EXTRA_COLUMNS,
    HEADER_STYLES,
    LARGE_TABLE_ROWS,
    MIXED_STYLES,
    REGISTRARS,
    REMARKS,
    SURVEY_LABELS_BY_SCORE,
    TIME_PRECISION,
    TIME_STYLES,
    TZ,
)


@dataclass
class TableStyle:
    """How one table is exported."""

    fmt: str  # csv | xlsx
    encoding: str | None
    header: str  # alias | alias_alt | canonical
    time_style: str
    bool_style: str
    enum_lang: str  # zh | en
    score_style: str  # number | label | mixed
    extras: tuple[str, ...] = ()
    row_number: bool = False
    spaced: tuple[str, ...] = ()  # canonical columns whose header gets stray spaces
    title_case: bool = False
    drop: tuple[str, ...] = ()  # optional columns left out of the export
    crlf: bool = False
    notes_sheet: bool = False

    @property
    def extension(self) -> str:
        return "xlsx" if self.fmt == "xlsx" else "csv"


# =============================================================================
# Export styles
# =============================================================================
def table_style(c: Community, table: str, n_rows: int) -> TableStyle:
    """Rotate formats, encodings, header styles, … so that a few communities cover them all."""
    v, j = c.variant, TABLE_ORDER.index(table)
    if table == "work_orders" and n_rows > LARGE_TABLE_ROWS:
        return TableStyle("csv", "utf-8", "alias", "ymd_hms", "zh", "zh", "number")
    rng = c.rng
    fmt = "xlsx" if (v + j) % 4 == 0 else "csv"
    time_style = (
        "excel" if fmt == "xlsx" and (v + j) % 8 != 4 else TIME_STYLES[(3 * v + j) % len(TIME_STYLES)]
    )
    en = c.language == "en"
    header = "canonical" if en else HEADER_STYLES[(v + j) % len(HEADER_STYLES)]
    names = [col.name for col in TABLES[table].columns]
    spaced = tuple(rng.choice(names, 2, replace=False).tolist()) if (v + j) % 3 == 1 else ()
    extras: tuple[str, ...] = ()
    if (v + j) % 2 == 0:
        taken = {h.lower() for col in TABLES[table].columns for h in col.accepted_headers}
        pool = [e for e in EXTRA_COLUMNS if e.lower() not in taken]
        extras = tuple(rng.choice(pool, int(rng.integers(1, 3)), replace=False).tolist())
    score_style = "number" if c.scale != 5 else ("label", "number", "mixed")[v % 3]
    optional = {"work_orders": ("dispatched_at",), "complaints": ("channel",), "activities": ("description",)}
    drop = optional.get(table, ()) if (v + j) % 5 == 3 else ()
    return TableStyle(
        fmt=fmt,
        encoding=None if fmt == "xlsx" else ENCODINGS[(2 * v + j) % len(ENCODINGS)],
        header=header,
        time_style=time_style,
        bool_style=tuple(BOOL_STYLES)[(v + 2 * j) % len(BOOL_STYLES)],
        enum_lang="en" if en or (v + j) % 5 == 2 else "zh",
        score_style=score_style,
        extras=extras,
        row_number=(v + j) % 7 == 5,
        spaced=spaced,
        title_case=en and (v + j) % 4 == 1,
        drop=drop,
        crlf=(2 * v + j) % 5 in (2, 4),
        notes_sheet=fmt == "xlsx" and (v + j) % 8 == 0,
    )


def mixed_row_styles(table: str, style: TableStyle, n: int, seed: int) -> np.ndarray | None:
    """Timestamp style of every row for ``mixed`` tables (stable by seed); None when uniform."""
    if style.time_style != "mixed":
        return None
    rng = np.random.default_rng([seed, TABLE_ORDER.index(table)])
    return np.array(MIXED_STYLES, dtype=object)[rng.integers(0, len(MIXED_STYLES), n)]


def _style_groups(style: TableStyle, row_styles: np.ndarray | None) -> list[tuple[str, np.ndarray | slice]]:
    """(time style, rows) pairs covering the table."""
    if row_styles is None:
        return [(style.time_style, slice(None))]
    return [(str(st), row_styles == st) for st in MIXED_STYLES if (row_styles == st).any()]


def floor_times(df: pd.DataFrame, table: str, style: TableStyle, seed: int) -> pd.DataFrame:
    """Floor timestamps to the precision their export format shows (so truth == file)."""
    cols = [c.name for c in TABLES[table].columns if c.kind == "timestamp" and c.name in df.columns]
    if not cols:
        return df
    df = df.copy()
    for st, rows in _style_groups(style, mixed_row_styles(table, style, len(df), seed)):
        unit = TIME_PRECISION[st]
        if unit is None:
            continue
        for col in cols:
            if isinstance(rows, slice):
                df[col] = df[col].dt.floor(unit)
            else:
                df.loc[rows, col] = df.loc[rows, col].dt.floor(unit)
    return df


# ---- cell formatting (every formatter returns an object array, None = empty cell) ----
def _cells(s: pd.Series, fn) -> np.ndarray:
    """Apply ``fn`` to the present values of ``s``; missing values become None."""
    out = np.full(len(s), None, dtype=object)
    mask = s.notna().to_numpy()
    if mask.any():
        vals = fn(s[mask])
        out[mask] = (
            vals.to_numpy(dtype=object) if isinstance(vals, pd.Series) else np.asarray(vals, dtype=object)
        )
    return out


def _parts(s: pd.Series) -> tuple[pd.Series, ...]:
    return (
        s.dt.year.astype(str),
        s.dt.month.astype(str),
        s.dt.day.astype(str),
        s.dt.hour.astype(str),
        s.dt.strftime("%M"),
    )


def _times_as(sub: pd.Series, style: str):
    if style == "excel":
        return [t.to_pydatetime() for t in sub]
    if style in ("ymd_hm", "ymd_hms", "iso_t"):
        fmt = {"ymd_hm": "%Y-%m-%d %H:%M", "ymd_hms": "%Y-%m-%d %H:%M:%S", "iso_t": "%Y-%m-%dT%H:%M:%S"}[
            style
        ]
        return sub.dt.strftime(fmt)
    if style in ("slash", "cn"):
        y, m, d, hh, mm = _parts(sub)
        if style == "slash":
            return y + "/" + m + "/" + d + " " + hh + ":" + mm
        return y + "年" + m + "月" + d + "日 " + hh + ":" + mm
    if style in ("iso_z", "iso_frac_utc"):
        utc = sub.dt.tz_localize(TZ).dt.tz_convert("UTC")
        return utc.dt.strftime("%Y-%m-%dT%H:%M:%SZ" if style == "iso_z" else "%Y-%m-%d %H:%M:%S.%f+00:00")
    if style == "iso_offset":
        z = sub.dt.tz_localize(TZ).dt.strftime("%z")
        return sub.dt.strftime("%Y-%m-%dT%H:%M:%S") + z.str[:3] + ":" + z.str[3:]
    raise ValueError(f"unknown time style {style!r}")


def _dates_as(sub: pd.Series, style: str):
    style = DATE_STYLE_OF.get(style, "ymd")
    if style == "excel":
        return [t.date() for t in sub]
    if style == "ymd":
        return sub.dt.strftime("%Y-%m-%d")
    y, m, d, _, _ = _parts(sub)
    return y + "/" + m + "/" + d if style == "slash" else y + "年" + m + "月" + d + "日"


def format_times(s: pd.Series, style: str) -> np.ndarray:
    """Timestamps (naive local) → cells: ``ymd_hm`` 2025-09-01 08:30, ``ymd_hms``, ``slash``
    2025/9/1 8:30, ``cn`` 2025年9月1日 8:30, ``iso_t`` 2025-09-01T08:30:00, ``iso_z``
    2025-09-01T00:30:00Z (UTC), ``iso_offset`` 2025-09-01T08:30:00+08:00, ``iso_frac_utc``
    2025-09-01 00:30:00.123456+00:00, ``excel`` (datetime objects for real Excel date cells)."""
    return _cells(s, lambda sub: _times_as(sub, style))


def format_dates(s: pd.Series, style: str) -> np.ndarray:
    """Dates → cells: ``2025-09-01``, ``2025/9/1``, ``2025年9月1日`` or Excel dates (by the table's time style)."""
    return _cells(s, lambda sub: _dates_as(sub, style))


def _format_number(s: pd.Series, xlsx: bool) -> np.ndarray:
    """Numbers: integral values without a decimal point."""
    vals = pd.to_numeric(s, errors="coerce").astype(float)
    present = vals[vals.notna()]
    integral = bool((present == np.round(present)).all())
    if xlsx:
        return _cells(vals, lambda sub: sub.astype("int64").tolist() if integral else sub.tolist())
    if integral:
        return _cells(vals, lambda sub: sub.astype("int64").astype(str))
    return _cells(vals, lambda sub: [str(int(v)) if v == int(v) else repr(float(v)) for v in sub])


def _format_bool(s: pd.Series, style: TableStyle) -> np.ndarray:
    if style.fmt == "xlsx" and style.bool_style == "tf":
        return _cells(s, lambda sub: sub.astype(bool).tolist())  # real Excel TRUE/FALSE cells
    yes, no = BOOL_STYLES[style.bool_style]
    return _cells(s, lambda sub: np.where(sub.to_numpy(dtype=bool), yes, no))


def english_of(col: Column) -> dict[str, str]:
    """Chinese enumeration value → its English spelling."""
    return {zh: en for en, zh in (col.enum or {}).items() if en != zh.lower()}


def _format_text(s: pd.Series) -> np.ndarray:
    return _cells(s, lambda sub: sub.astype(object))


def _format_enum(s: pd.Series, col: Column, style: TableStyle) -> np.ndarray:
    if style.enum_lang == "zh":
        return _format_text(s)
    eng = english_of(col)

    def word(v: str) -> str:
        spelled = eng.get(v, v)
        return spelled.title() if style.title_case else spelled

    return _cells(s, lambda sub: [word(v) for v in sub])


def _format_scores(s: pd.Series, style: TableStyle, rng: np.random.Generator) -> np.ndarray:
    """Survey scores as numbers or (5-point only) satisfaction labels."""
    nums = _format_number(s, style.fmt == "xlsx")
    if style.score_style == "number":
        return nums
    use_label = np.ones(len(s), bool) if style.score_style == "label" else rng.random(len(s)) < 0.5
    labels = [
        None if pd.isna(v) else SURVEY_LABELS_BY_SCORE[int(v)][int(r * len(SURVEY_LABELS_BY_SCORE[int(v)]))]
        for v, r in zip(s, rng.random(len(s)), strict=True)
    ]
    return np.where(use_label & s.notna().to_numpy(), np.array(labels, dtype=object), nums)


def format_column(
    df: pd.DataFrame, col: Column, style: TableStyle, row_styles: np.ndarray | None, rng: np.random.Generator
) -> np.ndarray:
    """One canonical column → export cells."""
    s = df[col.name]
    if col.kind in ("timestamp", "date"):
        fn = format_times if col.kind == "timestamp" else format_dates
        out = np.full(len(s), None, dtype=object)
        for st, rows in _style_groups(style, row_styles):
            out[rows] = fn(s[rows], st)
        return out
    if col.kind == "score":
        return _format_scores(s, style, rng)
    if col.kind in ("number", "rating", "integer"):
        return _format_number(s, style.fmt == "xlsx")
    if col.kind == "bool":
        return _format_bool(s, style)
    if col.kind == "enum":
        return _format_enum(s, col, style)
    return _format_text(s)


def header_of(col: Column, style: TableStyle) -> str:
    if style.header == "canonical" or not col.aliases:
        name = col.name.title() if style.title_case else col.name
    else:
        name = col.aliases[0] if style.header == "alias" else col.aliases[-1]
    if col.name in style.spaced:
        name = f" {name} " if len(name) % 2 else f"{name}  "
    return name


def extra_values(c: Community, name: str, n: int) -> list:
    rng = c.rng
    if name == "备注":
        return rng.choice(REMARKS, n).tolist()
    if name in ("登记人", "处理人"):
        return rng.choice(REGISTRARS, n).tolist()
    if name == "联系电话":
        return [f"1{rng.integers(30, 90)}****{rng.integers(1000, 10000)}" for _ in range(n)]
    if name == "房号":
        return [
            f"{rng.integers(1, 19)}-{rng.integers(1, 4)}-{rng.integers(1, 33)}{rng.integers(1, 5):02d}"
            for _ in range(n)
        ]
    return [c.name] * n
