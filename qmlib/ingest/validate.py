"""Row rules of contract section 2: which rows are accepted, and why others are not.

A row is rejected when a required value is missing or unparseable, its key
repeats an earlier row's (the first is kept), a value is out of range or not
an accepted enumeration value, a later timestamp precedes the row's first
timestamp, or an asset event names an unknown asset. A rejected row is
written once to rejects.csv, with its first problem (in column order); the
number of further problems is added to the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..labels import t
from ..schema import TableSpec
from .parsers import UTC_PREFIX, ParseContext, as_text, empty_mask, instants, observes_dst, parse_column
from .readers import SOURCE_ROW, RawTable

SOURCE_FILE = "_source_file"
REJECT_COLUMNS = ["table", "source_file", "source_row", "column", "value", "reason"]
SUMMARY_COLUMNS = [
    "table",
    "source_file",
    "rows_read",
    "rows_accepted",
    "rows_rejected",
    "missing_columns",
    "notes",
]


@dataclass
class TableResult:
    """The outcome of one table file; ``clean`` is None for a file that was not read."""

    table: str
    clean: pd.DataFrame | None
    rejects: pd.DataFrame
    summary: dict[str, object]

    @classmethod
    def ignored_file(cls, table: str, file_name: str, note: str) -> TableResult:
        """A summary line for a file named like a table that is not read (e.g. ``.tsv``)."""
        return cls(
            table,
            None,
            pd.DataFrame(columns=REJECT_COLUMNS),
            {
                "table": table,
                "source_file": file_name,
                "rows_read": 0,
                "rows_accepted": 0,
                "rows_rejected": 0,
                "missing_columns": "",
                "notes": note,
            },
        )


class _Problems:
    """Collects (mask, column, reason) problems and keeps the first per row.

    Kept as NumPy arrays (a table has a few dozen checks, each a mask over all
    rows); ``column``, ``reason`` and ``count`` give them as Series on the rows' index.
    """

    def __init__(self, index: pd.Index) -> None:
        self.index = index
        self._has = np.zeros(len(index), dtype=bool)
        self._column = np.full(len(index), pd.NA, dtype=object)
        self._reason = np.full(len(index), pd.NA, dtype=object)
        self._count = np.zeros(len(index), dtype="int64")

    def add(self, mask: pd.Series, column: str, reason: str | pd.Series) -> None:
        if not mask.index.equals(self.index):
            mask = mask.reindex(self.index)
        hit = mask.fillna(False).astype(bool).to_numpy(dtype=bool)
        if not hit.any():
            return
        self._count += hit
        first = hit & ~self._has
        self._has |= first
        self._column[first] = column
        if isinstance(reason, pd.Series):
            self._reason[first] = reason.reindex(self.index).to_numpy(dtype=object)[first]
        else:
            self._reason[first] = reason

    @property
    def column(self) -> pd.Series:
        return pd.Series(self._column, index=self.index, dtype="string")

    @property
    def reason(self) -> pd.Series:
        return pd.Series(self._reason, index=self.index, dtype="string")

    @property
    def count(self) -> pd.Series:
        return pd.Series(self._count, index=self.index, dtype="int64")

    @property
    def rejected(self) -> pd.Series:
        return pd.Series(self._has, index=self.index)


def _cell_text(raw: pd.Series) -> pd.Series:
    return as_text(raw).fillna("")


def validate_table(
    raw: RawTable, spec: TableSpec, ctx: ParseContext, known_assets: set[str] | None = None
) -> TableResult:
    """Parse and check every row of one table file."""
    frame = raw.frame
    source_file = raw.path.name
    problems = _Problems(frame.index)
    parsed: dict[str, pd.Series] = {}
    lang = ctx.lang

    for col in spec.columns:
        if col.name not in frame.columns:
            continue
        values, col_problems = parse_column(frame[col.name], col, ctx)
        if col.required:
            problems.add(empty_mask(frame[col.name]), col.name, t("reject.required", lang))
        for mask, reason in col_problems:
            problems.add(mask, col.name, reason)
        if col.name == spec.key:
            dup = values.notna() & values.duplicated(keep="first")
            if dup.any():
                first_row = frame[SOURCE_ROW].groupby(values).transform("first")
                reasons = first_row.map(
                    lambda r: t("reject.duplicate", lang).format(row=int(r)), na_action="ignore"
                )
                problems.add(dup, col.name, reasons.astype("string"))
        parsed[col.name] = values

    if spec.name == "asset_events":
        _check_asset_events(frame, parsed, problems, known_assets, lang)

    timestamps = [c.name for c in spec.columns if c.kind == "timestamp" and c.name in parsed]
    utc: dict[str, pd.Series] = {}
    if timestamps and observes_dst(ctx.timezone, [parsed[c] for c in timestamps]):
        # across a daylight-saving change only instants give order and durations
        utc = {c: instants(frame[c], parsed[c], ctx) for c in timestamps}
    for earlier, later in spec.order_rules:
        if earlier in parsed and later in parsed:
            a, b = parsed[earlier], parsed[later]
            if earlier in utc and later in utc:
                both = utc[earlier].notna() & utc[later].notna()
                a, b = a.where(~both, utc[earlier]), b.where(~both, utc[later])
            before = b.notna() & a.notna() & (b < a)
            problems.add(
                before,
                later,
                t("reject.order", lang).format(
                    later=t(f"col.{later}", lang), earlier=t(f"col.{earlier}", lang)
                ),
            )

    for col in spec.columns:
        if col.default is not None:
            if col.name in parsed:
                parsed[col.name] = parsed[col.name].fillna(col.default)
            else:
                parsed[col.name] = _default_series(col.default, frame.index)

    rejected = problems.rejected
    clean = pd.DataFrame(parsed, index=frame.index)
    for name in raw.extra_columns:
        clean[name] = as_text(frame[name])
    for name, values in utc.items():
        clean[UTC_PREFIX + name] = values
    clean[SOURCE_ROW] = frame[SOURCE_ROW].astype("int64")
    clean[SOURCE_FILE] = pd.Series(source_file, index=frame.index, dtype="string")
    clean = clean[~rejected].reset_index(drop=True)

    rejects = _reject_rows(frame, problems, spec.name, source_file, lang)
    summary = {
        "table": spec.name,
        "source_file": source_file,
        "rows_read": len(frame),
        "rows_accepted": len(clean),
        "rows_rejected": int(rejected.sum()),
        "missing_columns": ";".join(
            c.name for c in spec.columns if not c.required and c.name not in frame.columns
        ),
        "notes": "; ".join(raw.notes),
    }
    return TableResult(spec.name, clean, rejects, summary)


def _default_series(default: object, index: pd.Index) -> pd.Series:
    if isinstance(default, bool):
        return pd.Series(default, index=index, dtype="boolean")
    if isinstance(default, float):
        return pd.Series(default, index=index, dtype="float64")
    return pd.Series(default, index=index, dtype="string")


def _check_asset_events(
    frame: pd.DataFrame,
    parsed: dict[str, pd.Series],
    problems: _Problems,
    known_assets: set[str] | None,
    lang: str,
) -> None:
    """Conditional required values, and asset_id must be in the asset register."""
    kind = parsed.get("kind")
    if kind is not None:
        for column, kinds in (("scheduled_on", ("维保",)), ("occurred_at", ("故障", "检测"))):
            values = parsed.get(column)
            missing = values.isna() if values is not None else pd.Series(True, index=frame.index)
            for k in kinds:
                problems.add(kind.eq(k) & missing, column, t("reject.required_for", lang).format(kind=k))
    asset = parsed.get("asset_id")
    if asset is not None:
        if known_assets is None:
            problems.add(asset.notna(), "asset_id", t("reject.no_assets", lang))
        else:
            problems.add(
                asset.notna() & ~asset.isin(known_assets), "asset_id", t("reject.unknown_asset", lang)
            )


def _reject_rows(
    frame: pd.DataFrame, problems: _Problems, table: str, source_file: str, lang: str
) -> pd.DataFrame:
    rejected = problems.rejected
    if not rejected.any():
        return pd.DataFrame(columns=REJECT_COLUMNS)
    idx = rejected[rejected].index
    columns = problems.column[idx]
    # the cell of each row's first problem (as text), read column by column
    values = pd.Series("", index=idx, dtype=object)
    for c in columns.unique():
        if c in frame.columns:
            rows = columns.index[columns.eq(c).to_numpy(dtype=bool)]
            values[rows] = _cell_text(frame.loc[rows, c]).to_numpy(dtype=object)
    values = values.tolist()
    reasons = problems.reason[idx].astype(str)
    extra = problems.count[idx] - 1
    more = extra.map(lambda n: t("reject.more", lang).format(n=n) if n > 0 else "")
    return pd.DataFrame(
        {
            "table": table,
            "source_file": source_file,
            "source_row": frame.loc[idx, SOURCE_ROW].astype("int64").to_numpy(),
            "column": columns.astype(str).to_numpy(),
            "value": values,
            "reason": (reasons + more).to_numpy(),
        }
    )
