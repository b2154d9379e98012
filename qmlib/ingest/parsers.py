"""Vectorised parsers for raw cells (contract section 2).

Every parser takes a raw column (strings from CSV; for xlsx also numbers,
booleans and datetimes) and returns the typed values together with a list of
``(bad_mask, reason)`` pairs. Empty cells are missing values, never errors
here (required values are checked by the caller). Nothing is "fixed": a
value that does not parse is reported, not guessed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from ..labels import t
from ..schema import SURVEY_LABELS, Column

Problems = list[tuple[pd.Series, str]]

TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1", "1.0", "t", "对"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", "0.0", "f"})
# RE2-compatible patterns ([0-9], no \s): pandas runs them in pyarrow, not per row in Python
_TZ_SUFFIX = r"[0-9]:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)? *(?:Z|z|UTC|[+-][0-9]{2}(?::?[0-9]{2})?)$"
_TZ_END = r"(?:Z|z|UTC|[+-][0-9][0-9]:?[0-9][0-9]|[+-][0-9][0-9])$"
_FALLBACK_FORMATS = ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y%m%d")
#: The start of a text timestamp that names a day: year, month and day (2025-09-01,
#: 2025/9/1, 2025年9月1日), or eight digits 20250901.
_COMPLETE_DATE = r"^(?:[0-9]{4} *[-/年] *[0-9]{1,2} *[-/月] *[0-9]{1,2}(?:$|[^0-9])|[0-9]{8}$)"
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
NS_MIN, NS_MAX = pd.Timestamp.min, pd.Timestamp.max  # the range of datetime64[ns]


@dataclass(frozen=True)
class ParseContext:
    timezone: str = "Asia/Shanghai"
    survey_scale: int = 5
    lang: str = "zh"


def empty_mask(raw: pd.Series) -> pd.Series:
    """True where a cell is empty (None, NaN or only white space)."""
    if raw.dtype == object:
        return raw.map(lambda v: v is None or v != v or (isinstance(v, str) and not v.strip())).astype(bool)
    return raw.isna() | raw.astype("string").str.strip().fillna("").eq("")


def as_text(raw: pd.Series) -> pd.Series:
    """Cells as trimmed strings (xlsx numbers like 3.0 become "3"); empty → NA."""
    if raw.dtype == object:

        def conv(v: object) -> object:
            if v is None or v != v:
                return pd.NA
            if isinstance(v, float) and v.is_integer():
                return str(int(v))
            if isinstance(v, dt.datetime):
                return v.isoformat(sep=" ")
            return str(v)

        raw = raw.map(conv)
    text = raw.astype("string").str.strip()
    return text.mask(text.eq(""))


def _split_objects(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(datetimes, numbers, strings) parts of an object column from xlsx."""
    if raw.dtype != object:
        return pd.Series(dtype=object), pd.Series(dtype=float), raw
    is_dt = raw.map(lambda v: isinstance(v, dt.date))
    is_num = raw.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool) and v == v)
    return raw[is_dt], raw[is_num].astype(float), raw[~is_dt & ~is_num]


def _normalise_datetime_text(text: pd.Series) -> pd.Series:
    """``2025年9月1日 8时30分`` / ``2025/9/1 8:30`` → ``2025-9-1 8:30``."""
    s = text.str.replace("：", ":", regex=False)
    s = s.str.replace(r" *[年月/] *", "-", regex=True).str.replace(r" *日 *", " ", regex=True)
    s = s.str.replace(r" *[时點点] *", ":", regex=True).str.replace(r" *分 *", ":", regex=True)
    s = s.str.replace("秒", "", regex=False).str.replace(r": *$", "", regex=True)
    return s.str.replace(r"  +", " ", regex=True).str.strip()


def _to_ns(values: pd.Series) -> pd.Series:
    return values.astype("datetime64[ns]")


def _parse_formats(text: pd.Series, formats: tuple[str, ...], out: pd.Series) -> pd.Series:
    """Parse ``text`` with each format in turn into ``out``; return what is still unparsed."""
    remaining = text
    for fmt in formats:
        if not len(remaining):
            break
        parsed = pd.to_datetime(remaining, format=fmt, errors="coerce")
        good = parsed.notna() & parsed.between(NS_MIN, NS_MAX)  # year -1 parses, but not in ns
        if good.any():
            out.loc[parsed.index[good]] = _to_ns(parsed[good])
        remaining = remaining[~good]
    return remaining


def _explicit_offsets(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(mask of the cells with an explicit UTC offset, their instants as tz-aware UTC)."""
    has_tz = text.str.contains(":", regex=False) & text.str.contains(_TZ_END, regex=True)
    if not has_tz.any():
        return has_tz.fillna(False).astype(bool), pd.Series(dtype="datetime64[ns, UTC]")
    aware = text[has_tz]
    aware = aware[aware.str.contains(_TZ_SUFFIX, regex=True)]
    has_tz = has_tz & text.index.isin(aware.index)
    aware = aware.str.replace(r" *UTC$", "Z", regex=True).str.replace(" ", "T", n=1, regex=False)
    return has_tz.fillna(False).astype(bool), pd.to_datetime(
        aware, format="ISO8601", utc=True, errors="coerce"
    )


UTC_PREFIX = "_utc_"


def observes_dst(timezone: str, values: list[pd.Series]) -> bool:
    """True when ``timezone``'s UTC offset changes within the years of ``values``
    (wall-clock times then do not give durations or order across the change)."""
    years: set[int] = set()
    for v in values:
        v = v.dropna()
        if len(v):
            years.update(range(int(v.min().year), int(v.max().year) + 1))
    if not years or len(years) > 200:
        return bool(years)
    zone = ZoneInfo(timezone)
    return any(zone.utcoffset(dt.datetime(y, 1, 1)) != zone.utcoffset(dt.datetime(y, 7, 1)) for y in years)


def instants(raw: pd.Series, local: pd.Series, ctx: ParseContext) -> pd.Series:
    """The instants (naive UTC) of a parsed timestamp column.

    A cell with an explicit offset is converted with that offset; the others are
    read as wall-clock time in ``ctx.timezone`` (a time in the hour that a
    daylight-saving change repeats or skips has no instant: NaT). Used where
    wall-clock times mislead: comparing and subtracting two times across a
    daylight-saving change.
    """
    out = local.dt.tz_localize(ctx.timezone, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
    out = out.dt.tz_localize(None).astype("datetime64[ns]")
    if raw.dtype == object:
        raw = raw.map(lambda v: v if isinstance(v, str) else None)
    text = raw.astype("string").str.strip()
    has_tz, utc = _explicit_offsets(text)
    if has_tz.any():
        utc = utc.dropna()
        out.loc[utc.index] = utc.dt.tz_localize(None).astype("datetime64[ns]")
    return out


def parse_datetime(raw: pd.Series, ctx: ParseContext) -> tuple[pd.Series, pd.Series]:
    """Parse a timestamp column into naive local time; return (values, unparseable mask).

    Accepted: ``2025-09-01 08:30[:00]``, ``2025/9/1 8:30``, ``2025年9月1日 8:30``,
    ISO 8601 with ``T`` or a space, with or without fractional seconds, with
    or without an offset (converted to ``ctx.timezone``, then the offset
    dropped), Excel date cells and Excel serial day numbers (xlsx only).
    """
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    empty = empty_mask(raw)
    dts, nums, strs = _split_objects(raw)
    if len(dts):
        out.loc[dts.index] = _to_ns(
            pd.to_datetime(
                dts.map(
                    lambda v: (
                        pd.Timestamp(v).tz_localize(None)
                        if pd.Timestamp(v).tzinfo is None
                        else pd.Timestamp(v).tz_convert(ctx.timezone).tz_localize(None)
                    )
                )
            )
        )
    if len(nums):
        ok = nums.between(1, 2958465)
        serial = EXCEL_EPOCH + pd.to_timedelta(nums[ok], unit="D")
        out.loc[serial.index] = _to_ns(serial.dt.round("s"))
    text = strs.astype("string").str.strip()
    text = text[text.notna() & text.ne("")]
    if len(text):
        # a timestamp names a day: "2025", "2025-09", "today" and "now" are refused
        # (pandas would read them as the first of the year or month, or the day of the run)
        complete = text.str.contains(_COMPLETE_DATE, regex=True)
        text = text[complete.fillna(False).astype(bool)]
    if len(text):
        has_tz, utc = _explicit_offsets(text)
        if has_tz.any():
            parsed = utc.dt.tz_convert(ctx.timezone).dt.tz_localize(None)
            parsed = parsed[parsed.between(NS_MIN, NS_MAX)]
            out.loc[parsed.index] = _to_ns(parsed)
        # fast path: ISO-like text (also 2025/9/1 8:30 once slashes are dashes)
        remaining = text[~has_tz].str.replace("/", "-", regex=False)
        remaining = _parse_formats(remaining, ("ISO8601",), out)
        if len(remaining):
            _parse_formats(_normalise_datetime_text(remaining), ("ISO8601", *_FALLBACK_FORMATS), out)
    bad = ~empty & out.isna()
    return out, bad


def parse_date(raw: pd.Series, ctx: ParseContext) -> tuple[pd.Series, pd.Series]:
    """A date column: the same formats; a time part, if given, is dropped (local date)."""
    values, bad = parse_datetime(raw, ctx)
    return values.dt.normalize(), bad


def parse_bool(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """是/否, Y/N, yes/no, true/false, 1/0 (any case) → boolean."""
    if raw.dtype == object:
        raw = raw.map(lambda v: ("true" if v else "false") if isinstance(v, bool) else v)
    text = as_text(raw).str.lower()
    out = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    out[text.isin(TRUE_WORDS).fillna(False)] = True
    out[text.isin(FALSE_WORDS).fillna(False)] = False
    bad = text.notna() & out.isna()
    return out, bad


def parse_enum(raw: pd.Series, col: Column) -> tuple[pd.Series, pd.Series]:
    """Chinese or English spelling (any case) → the canonical Chinese value."""
    assert col.enum is not None
    text = as_text(raw)
    out = text.str.lower().map(col.enum, na_action="ignore").astype("string")
    bad = text.notna() & out.isna()
    return out, bad


def accepted_enum_values(col: Column) -> str:
    """``普通/normal, 紧急/urgent`` for a reject reason."""
    assert col.enum is not None
    by_zh: dict[str, list[str]] = {}
    for spelling, zh in col.enum.items():
        if spelling != zh.lower():
            by_zh.setdefault(zh, []).append(spelling)
    return ", ".join(f"{zh}/{'/'.join(en)}" for zh, en in by_zh.items())


def parse_number(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Decimal numbers (thousands separators ``,`` allowed) → float64."""
    text = as_text(raw).str.replace(",", "", regex=False)
    out = pd.to_numeric(text, errors="coerce").astype("float64")
    out = out.where(np.isfinite(out))
    bad = text.notna() & out.isna()
    return out, bad


def parse_score(raw: pd.Series, ctx: ParseContext) -> tuple[pd.Series, pd.Series]:
    """A survey score: a number on the survey scale or, on a 5-point survey, a label."""
    text = as_text(raw)
    numbers = pd.to_numeric(text, errors="coerce").astype("float64")
    if ctx.survey_scale == 5:
        labels = text.map(SURVEY_LABELS, na_action="ignore").astype("float64")
        numbers = numbers.fillna(labels)
    bad = text.notna() & numbers.isna()
    return numbers, bad


def score_range(scale: int) -> tuple[float, float]:
    """Valid range of a survey score on a 5, 10 or 100-point scale."""
    return (0.0, 100.0) if scale == 100 else (1.0, float(scale))


def parse_column(raw: pd.Series, col: Column, ctx: ParseContext) -> tuple[pd.Series, Problems]:
    """Parse one column; return typed values and the problems found (mask, reason)."""
    lang = ctx.lang
    problems: Problems = []
    if col.kind == "text":
        return as_text(raw), problems
    if col.kind == "timestamp":
        values, bad = parse_datetime(raw, ctx)
        problems.append((bad, t("reject.timestamp", lang)))
        return values, problems
    if col.kind == "date":
        values, bad = parse_date(raw, ctx)
        problems.append((bad, t("reject.date", lang)))
        return values, problems
    if col.kind == "bool":
        values, bad = parse_bool(raw)
        problems.append((bad, t("reject.bool", lang)))
        return values, problems
    if col.kind == "enum":
        values, bad = parse_enum(raw, col)
        problems.append((bad, t("reject.enum", lang).format(accepted=accepted_enum_values(col))))
        return values, problems
    if col.kind == "score":
        values, bad = parse_score(raw, ctx)
        low, high = score_range(ctx.survey_scale)
        labels = t("reject.score_labels", lang) if ctx.survey_scale == 5 else ""
        reason = t("reject.score", lang).format(
            scale=ctx.survey_scale, low=_fmt(low), high=_fmt(high), labels=labels
        )
        out_of_range = values.notna() & ~values.between(low, high)
        problems.append((bad | out_of_range, reason))
        return values.where(~out_of_range), problems
    values, bad = parse_number(raw)
    problems.append((bad, t("reject.number", lang)))
    if col.kind == "integer":
        not_whole = values.notna() & (values % 1 != 0)
        problems.append((not_whole, t("reject.integer", lang)))
    minimum, maximum = col.minimum, col.maximum
    if minimum is not None and maximum is not None:
        out_of_range = values.notna() & ~values.between(minimum, maximum)
        problems.append((out_of_range, t("reject.range", lang).format(low=_fmt(minimum), high=_fmt(maximum))))
    elif minimum is not None:
        problems.append(
            (values.notna() & (values < minimum), t("reject.minimum", lang).format(low=_fmt(minimum)))
        )
    if col.limit is not None:
        problems.append(
            (values.notna() & (values > col.limit), t("reject.limit", lang).format(high=_fmt(col.limit)))
        )
    upper = min(x for x in (maximum, col.limit, 2.0**53) if x is not None)
    if col.kind == "integer":
        fits = (values % 1 == 0) & values.between(minimum if minimum is not None else -(2.0**53), upper)
        return values.where(fits).astype("Int64"), problems
    return values, problems


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)
