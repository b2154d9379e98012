"""Company-level roll-up of every community's outputs (DuckDB over CSV and Parquet).

The per-community CSV files of a batch are combined into Parquet tables under
``outputs/portfolio/`` and queried with DuckDB, so the roll-up stays fast at
thousands of communities. Company KPIs are pooled from numerators and
denominators, never averaged across communities:

- shares: Σ(value·n) / Σn (value·n is the count of successes);
- means: Σ(value·n) / Σn (the mean of all pooled observations);
- per-exposure rates: Σn · 100 · 30 / Σ exposure, exposure = households·days
  (complaints) or assets·days (failures);
- counts: Σ value;
- survey_coverage: Σ responses / Σ households; training_coverage and
  training_hours_per_employee: Σ(value·headcount) / Σ headcount;
- repair arrival percentiles: recomputed over all pooled orders (DuckDB
  ``quantile_cont``, linear interpolation like numpy).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..catalog import METRICS
from ..metrics.rules import active_orders, arrival_minutes
from ..params import PERIOD_NAMES, load_params
from ..periods import bounds, days
from .scope import PORTFOLIO_DIR, select_communities

TABLES = ("metrics", "changes", "targets", "shortcomings")


@dataclass
class Portfolio:
    communities: pd.DataFrame
    metrics: pd.DataFrame
    changes: pd.DataFrame
    targets: pd.DataFrame
    shortcomings: pd.DataFrame
    pooled: pd.DataFrame
    selection: pd.DataFrame | None = None  # select_communities(): which were pooled and why


def _facts(params_dir: Path, ids: list[str], out_dir: Path) -> pd.DataFrame:
    """Households, staff headcount, assets and period days of every community."""
    rows = []
    for cid in ids:
        path = params_dir / f"{cid}.yaml"
        if not path.is_file():  # outputs of a community whose params have since been removed
            rows.append({"community_id": cid, "name": cid, "households": 0.0, "staff_total": 0.0})
            continue
        params = load_params(path, cid)
        row: dict[str, object] = {
            "community_id": cid,
            "name": params.name,
            "households": float(params.households),
            "staff_total": float(params.staff_total),
        }
        for period in params.period_names:
            row[f"days_{period}"] = days(params, period)
            row[f"start_{period}"], row[f"end_{period}"] = bounds(params, period)
        rows.append(row)
    facts = pd.DataFrame(
        rows, columns=["community_id", "name", "households", "staff_total"] if not rows else None
    )
    assets = out_dir.glob("*/clean/assets.parquet")
    files = [str(p) for p in assets if p.parent.parent.name in set(ids)]
    if files:
        counts = (
            duckdb.connect()
            .execute(
                "SELECT regexp_extract(filename, '([^/]+)/clean/assets.parquet', 1) AS community_id, "
                "count(*) AS assets FROM read_parquet($files, filename=true) GROUP BY 1",
                {"files": files},
            )
            .df()
        )
        facts = facts.merge(counts, on="community_id", how="left")
    if "assets" not in facts.columns:
        facts["assets"] = 0.0
    facts["assets"] = facts["assets"].fillna(0).astype(float)
    for period in PERIOD_NAMES:
        for prefix in ("days", "start", "end"):
            if f"{prefix}_{period}" not in facts.columns:
                facts[f"{prefix}_{period}"] = pd.NaT if prefix != "days" else float("nan")
    return facts


TEXT_COLUMNS = (
    "community_id",
    "metric_id",
    "period",
    "kind",
    "significant",
    "achieved",
    "shortcoming_id",
    "category",
    "severity",
    "evidence",
    "subject",
    "subject_label",
)
NUMBER_COLUMNS = (
    "value",
    "n",
    "ci_low",
    "ci_high",
    "baseline_value",
    "actual_value",
    "change",
    "relative_change",
    "p_value",
    "target",
    "rank",
    "score",
    "reference",
)


def _read_csv(path: Path) -> pa.Table:
    types = {c: pa.string() for c in TEXT_COLUMNS} | {c: pa.float64() for c in NUMBER_COLUMNS}
    return pacsv.read_csv(
        path, convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=True)
    )


def _read_all(out_dir: Path, ids: list[str], name: str) -> pd.DataFrame:
    """Every community's ``<name>.csv`` in one frame (pyarrow, columns united by name)."""
    files = [out_dir / cid / f"{name}.csv" for cid in ids if (out_dir / cid / f"{name}.csv").is_file()]
    if not files:
        return pd.DataFrame()
    with ThreadPoolExecutor(max_workers=4) as pool:
        tables = list(pool.map(_read_csv, files))
    return pa.concat_tables(tables, promote_options="permissive").to_pandas()


POOL_SQL = """
WITH m AS (
  SELECT m.community_id, m.metric_id, m.period, m.value, coalesce(m.n, 0) AS n, k.kind,
         c.households, c.staff_total, c.assets,
         CASE m.period WHEN 'baseline' THEN c.days_baseline
                       WHEN 'quality_month' THEN c.days_quality_month
                       ELSE c.days_followup END AS days
  FROM read_parquet($metrics) m
  JOIN read_parquet($communities) c USING (community_id)
  JOIN kinds k USING (metric_id)
  WHERE k.kind <> 'percentile')
SELECT metric_id, period,
  CASE
    WHEN kind IN ('share', 'mean') THEN sum(value * n) / nullif(sum(n), 0)
    WHEN metric_id = 'complaint_rate' THEN sum(n) * 3000 / nullif(sum(households * days), 0)
    WHEN kind = 'rate' THEN sum(n) * 3000 / nullif(sum(assets * days), 0)
    WHEN kind = 'count' THEN sum(value)
    WHEN metric_id = 'survey_coverage' THEN sum(n) / nullif(sum(households), 0)
    ELSE sum(value * staff_total) / nullif(sum(staff_total), 0)
  END AS value,
  sum(n) AS n, count(DISTINCT community_id) AS communities
FROM m GROUP BY metric_id, period, kind
"""


def pool_metrics(portfolio_dir: Path) -> pd.DataFrame:
    """Company value of every non-dimensioned metric and period (see module docstring),
    queried with DuckDB from ``metrics.parquet`` and ``communities.parquet``."""
    metrics = portfolio_dir / "metrics.parquet"
    if not metrics.is_file() or pq.read_metadata(metrics).num_rows == 0:
        return pd.DataFrame(columns=["metric_id", "period", "value", "n", "communities"])
    con = duckdb.connect()
    kinds = pd.DataFrame({"metric_id": list(METRICS), "kind": [m.kind for m in METRICS.values()]})
    con.register("kinds", kinds)
    pooled = con.execute(
        POOL_SQL, {"metrics": str(metrics), "communities": str(portfolio_dir / "communities.parquet")}
    ).df()
    order = {m: i for i, m in enumerate(METRICS)}
    pooled["_order"] = pooled["metric_id"].map(order) * 10 + pooled["period"].map(
        {p: i for i, p in enumerate(PERIOD_NAMES)}
    )
    return pooled.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def pooled_arrival_minutes(files: list[Path]) -> pd.DataFrame:
    """community_id, reported_at and arrival minutes of every non-cancelled order with an arrival.

    Cancelled and arrival minutes are :mod:`qmlib.metrics.rules`
    (:func:`~qmlib.metrics.rules.active_orders`, :func:`~qmlib.metrics.rules.arrival_minutes`),
    the same rules as the community metrics.
    """
    frames = []
    for path in files:
        names = set(pq.read_schema(path).names)
        if "arrived_at" not in names:
            continue
        columns = [c for c in ("reported_at", "arrived_at", "status") if c in names]
        orders = active_orders(pq.read_table(path, columns=columns).to_pandas())
        frame = pd.DataFrame(
            {
                "community_id": path.parent.parent.name,
                "reported_at": pd.to_datetime(orders["reported_at"]),
                "m": arrival_minutes(orders),
            }
        )
        frames.append(frame[frame["m"].notna()])
    if not frames:
        return pd.DataFrame(
            {
                "community_id": pd.Series(dtype="string"),
                "reported_at": pd.Series(dtype="datetime64[ns]"),
                "m": pd.Series(dtype=float),
            }
        )
    return pd.concat(frames, ignore_index=True)


def pool_arrival_percentiles(out_dir: Path, facts: pd.DataFrame) -> pd.DataFrame:
    """Median and P90 of arrival minutes over all communities' non-cancelled orders, per period."""
    files = [
        p
        for p in out_dir.glob("*/clean/work_orders.parquet")
        if p.parent.parent.name in set(facts["community_id"])
    ]
    if not files:
        return pd.DataFrame(columns=["metric_id", "period", "value", "n", "communities"])
    con = duckdb.connect()
    con.register("orders", pooled_arrival_minutes(sorted(files)))
    frames = []
    for period in PERIOD_NAMES:
        if f"start_{period}" not in facts.columns:
            continue
        bounds = facts[["community_id", f"start_{period}", f"end_{period}"]].dropna()
        bounds.columns = ["community_id", "lo", "hi"]
        con.register("bounds", bounds)
        frame = con.sql("""
            SELECT quantile_cont(o.m, 0.5) AS median, quantile_cont(o.m, 0.9) AS p90, count(*) AS n,
                   count(DISTINCT o.community_id) AS communities
            FROM orders o
            JOIN bounds b ON o.community_id = b.community_id
            WHERE o.reported_at >= b.lo AND o.reported_at < b.hi
        """).df()
        con.unregister("bounds")
        if int(frame.loc[0, "n"]):
            for metric, col in (
                ("repair_arrival_minutes_median", "median"),
                ("repair_arrival_minutes_p90", "p90"),
            ):
                frames.append(
                    {
                        "metric_id": metric,
                        "period": period,
                        "value": float(frame.loc[0, col]),
                        "n": float(frame.loc[0, "n"]),
                        "communities": int(frame.loc[0, "communities"]),
                    }
                )
    return pd.DataFrame(frames)


def build_rollup(out_dir: Path | str, params_dir: Path | str, ids: list[str] | None = None) -> Portfolio:
    """Combine the pooled communities' outputs, write Parquet, and pool company KPIs.

    ``ids``: the communities to pool; by default those of :func:`select_communities`.
    """
    out_dir, params_dir = Path(out_dir), Path(params_dir)
    selection = select_communities(out_dir)
    if ids is None:
        ids = list(selection.loc[selection["pooled"], "community_id"])
    facts = _facts(params_dir, ids, out_dir)
    target = out_dir / PORTFOLIO_DIR
    target.mkdir(parents=True, exist_ok=True)
    frames = {name: _read_all(out_dir, ids, name) for name in TABLES}
    for name, frame in frames.items():
        frame.to_parquet(target / f"{name}.parquet", index=False)
    facts.to_parquet(target / "communities.parquet", index=False)
    pooled = pd.concat([pool_metrics(target), pool_arrival_percentiles(out_dir, facts)], ignore_index=True)
    pooled.to_parquet(target / "pooled.parquet", index=False)
    return Portfolio(
        communities=facts,
        metrics=frames["metrics"],
        changes=frames["changes"],
        targets=frames["targets"],
        shortcomings=frames["shortcomings"],
        pooled=pooled,
        selection=selection,
    )
