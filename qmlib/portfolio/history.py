"""The company history: one Parquet partition per quality month under ``outputs/portfolio/history/``.

Layout (Hive partitions, read back with DuckDB)::

    outputs/portfolio/history/month=2025-09/kpis.parquet    company value of each headline KPI
    outputs/portfolio/history/month=2025-09/status.parquet  each community's KPI value and RAG status

The month of a batch is the month its pooled communities' quality month
starts in (the most common one when they differ). A later batch of the same
month replaces that month's partition, so a rerun never duplicates a month.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from ..outputs import atomic_write_bytes

HISTORY_DIR = "history"
RAG_RANK = {"red": 0, "amber": 1, "green": 2}


def batch_month(communities: pd.DataFrame) -> str | None:
    """``YYYY-MM`` of the pooled communities' quality-month start (the most common one)."""
    if communities.empty or "start_quality_month" not in communities.columns:
        return None
    starts = pd.to_datetime(communities["start_quality_month"]).dropna()
    if starts.empty:
        return None
    months = starts.dt.strftime("%Y-%m")
    counts = months.value_counts()
    return str(sorted(counts[counts == counts.max()].index)[0])


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    import io

    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    atomic_write_bytes(path, buf.getvalue())


def record_month(portfolio_dir: Path, month: str, kpis: pd.DataFrame, status: pd.DataFrame) -> Path:
    """Write (or replace) the partition of ``month``; returns its folder.

    ``kpis``: metric_id, value, n, communities. ``status``: community_id, name,
    metric_id, value, rag.
    """
    folder = portfolio_dir / HISTORY_DIR / f"month={month}"
    folder.mkdir(parents=True, exist_ok=True)
    _write_parquet(kpis.reset_index(drop=True), folder / "kpis.parquet")
    _write_parquet(status.reset_index(drop=True), folder / "status.parquet")
    return folder


def _read(portfolio_dir: Path, name: str, months: int) -> pd.DataFrame:
    root = portfolio_dir / HISTORY_DIR
    files = sorted(str(p) for p in root.glob(f"month=*/{name}.parquet"))
    if not files:
        return pd.DataFrame()
    con = duckdb.connect()
    frame = con.execute(
        "SELECT * FROM read_parquet($files, hive_partitioning=true, union_by_name=true) "
        "WHERE month IN (SELECT DISTINCT month FROM read_parquet($files, hive_partitioning=true) "
        "ORDER BY month DESC LIMIT $months) ORDER BY month",
        {"files": files, "months": months},
    ).df()
    frame["month"] = frame["month"].astype(str)
    return frame


def company_history(portfolio_dir: Path, months: int = 6) -> pd.DataFrame:
    """Company KPI values of the last ``months`` quality months: metric_id × month → value, n."""
    return _read(portfolio_dir, "kpis", months)


def status_history(portfolio_dir: Path, months: int = 6) -> pd.DataFrame:
    """Community KPI statuses of the last ``months`` quality months (long table with ``month``)."""
    return _read(portfolio_dir, "status", months)


def changes_since_last(status: pd.DataFrame, month: str) -> pd.DataFrame:
    """Per community, KPIs whose RAG status got better (improved) or worse (relapsed) since the month before ``month``.

    Compares ``month`` with the latest earlier month in ``status``; unknown
    statuses are not compared. Columns: community_id, name, previous_month,
    improved (list of metric ids), relapsed (list). Communities with neither are left out.
    """
    cols = ["community_id", "name", "previous_month", "improved", "relapsed"]
    if status.empty:
        return pd.DataFrame(columns=cols)
    earlier = sorted(m for m in status["month"].unique() if m < month)
    if not earlier:
        return pd.DataFrame(columns=cols)
    prev = earlier[-1]
    now = status[status["month"] == month].set_index(["community_id", "metric_id"])
    before = status[status["month"] == prev].set_index(["community_id", "metric_id"])
    joined = now[["name", "rag"]].join(before[["rag"]].rename(columns={"rag": "rag_prev"}), how="inner")
    joined["r_now"] = joined["rag"].map(RAG_RANK)
    joined["r_prev"] = joined["rag_prev"].map(RAG_RANK)
    joined = joined.dropna(subset=["r_now", "r_prev"])
    rows = []
    for cid, grp in joined.groupby(level=0, sort=True):
        up = [m for (_, m), r in grp.iterrows() if r["r_now"] > r["r_prev"]]
        down = [m for (_, m), r in grp.iterrows() if r["r_now"] < r["r_prev"]]
        if up or down:
            rows.append(
                {
                    "community_id": cid,
                    "name": grp["name"].iloc[0],
                    "previous_month": prev,
                    "improved": up,
                    "relapsed": down,
                }
            )
    return pd.DataFrame(rows, columns=cols)
