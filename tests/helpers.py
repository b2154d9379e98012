"""Small builders shared by the metric tests (clean-table columns as ingest types them)."""

from __future__ import annotations

import pandas as pd

B, Q, F = "baseline", "quality_month", "followup"


def ts(*values: str | None) -> pd.Series:
    """A timestamp column (datetime64[ns], naive local time)."""
    return pd.Series(pd.to_datetime(list(values), format="ISO8601"), dtype="datetime64[ns]")


def text(*values: str | None) -> pd.Series:
    """A text or enumeration column (pandas ``string``)."""
    return pd.Series(list(values), dtype="string")
