"""Small builders shared by the tests: params of a test community, clean-table columns as ingest types them."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd

from qmlib.params import Params, parse_params
from qmlib.schema import TABLES

B, Q, F = "baseline", "quality_month", "followup"


def ts(*values: str | None) -> pd.Series:
    """A timestamp column (datetime64[ns], naive local time)."""
    return pd.Series(pd.to_datetime(list(values), format="ISO8601"), dtype="datetime64[ns]")


def text(*values: str | None) -> pd.Series:
    """A text or enumeration column (pandas ``string``)."""
    return pd.Series(list(values), dtype="string")


#: Parameters every test community starts from (override any key with ``make_params``).
BASE_PARAMS: dict[str, Any] = {
    "community_id": "t01",
    "name": "test",
    "households": 100,
    "staff": {"客服": 4, "工程": 6},
    "periods": {
        B: ["2025-08-01", "2025-08-31"],
        Q: ["2025-09-01", "2025-09-30"],
        F: ["2025-10-01", "2025-10-31"],
    },
}


def make_params(**overrides: Any) -> Params:
    """Params of a test community: :data:`BASE_PARAMS` with ``overrides`` (top-level keys replaced)."""
    return parse_params({**copy.deepcopy(BASE_PARAMS), **overrides})


def cast(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows → a clean table with the dtypes of docs/ARCHITECTURE.md (documented defaults filled)."""
    spec = TABLES[table]
    df = pd.DataFrame(rows)
    out = pd.DataFrame(index=df.index)
    for col in spec.columns:
        if col.name not in df.columns:
            if col.default is None:
                continue
            df[col.name] = col.default
        s = df[col.name]
        if col.kind in ("text", "enum"):
            out[col.name] = s.astype("string")
        elif col.kind in ("timestamp", "date"):
            out[col.name] = pd.to_datetime(s).astype("datetime64[ns]")
        elif col.kind == "bool":
            out[col.name] = s.astype("boolean")
        elif col.kind == "integer":
            out[col.name] = s.astype("Int64")
        else:
            out[col.name] = pd.to_numeric(s).astype("float64")
    out["_source_row"] = range(2, len(out) + 2)
    out["_source_file"] = f"{table}.csv"
    return out
