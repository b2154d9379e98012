"""Portfolio roll-up at company scale: 1,000 communities (goal: under 30 s).

Runs the real pipeline (ingest + metrics) on the shipped demo communities,
then replicates their outputs under 1,000 community ids (metrics, changes,
targets, shortcomings CSVs, clean work orders and assets Parquet, params) and
times :func:`qmlib.portfolio.build_rollup` — reading every community's CSVs
and Parquet with DuckDB, writing the combined Parquet tables and pooling the
company KPIs. ``--report`` also times the portfolio notebook and its HTML.

    python bench/portfolio_rollup.py [--communities 1000] [--report]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from qmlib.ingest import ingest_community
from qmlib.metrics import compute_all, write_metric_outputs
from qmlib.portfolio import build_portfolio, build_rollup

ROOT = Path(__file__).resolve().parents[1]
DEMOS = ("demo01", "demo02", "demo03")
FILES = (
    "metrics.csv",
    "changes.csv",
    "targets.csv",
    "shortcomings.csv",
    "clean/work_orders.parquet",
    "clean/assets.parquet",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=1000)
    parser.add_argument("--report", action="store_true", help="also run the portfolio notebook and HTML")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="qm-portfolio-"))
    seed_out = root / "seed"
    for cid in DEMOS:
        result = ingest_community(cid, ROOT / "data", ROOT / "params", seed_out)
        write_metric_outputs(compute_all(result.tables, result.params), seed_out / cid)
        (seed_out / cid / "shortcomings.csv").write_text(
            "\ufeffcommunity_id,shortcoming_id,category,severity,metric_id,evidence\n", encoding="utf-8"
        )
    out, params = root / "outputs", root / "params"
    params.mkdir()
    for i in range(args.communities):
        src = DEMOS[i % len(DEMOS)]
        cid = f"c{i:04d}"
        for name in FILES:
            target = out / cid / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if name.endswith(".csv"):
                text = (seed_out / src / name).read_text(encoding="utf-8-sig").replace(src, cid)
                target.write_text("\ufeff" + text, encoding="utf-8")
            else:
                shutil.copyfile(seed_out / src / name, target)
        text = (ROOT / "params" / f"{src}.yaml").read_text(encoding="utf-8").replace(src, cid)
        (params / f"{cid}.yaml").write_text(text, encoding="utf-8")
    t0 = time.perf_counter()
    rollup = build_rollup(out, params)
    elapsed = time.perf_counter() - t0
    print(
        f"roll-up of {len(rollup.communities):,} communities "
        f"({len(rollup.metrics):,} metric rows): {elapsed:.2f} s (goal < 30 s: "
        f"{'met' if elapsed < 30 else 'NOT met'})"
    )
    if args.report:
        t1 = time.perf_counter()
        html = build_portfolio(out, params)
        print(f"portfolio notebook + report.html: {time.perf_counter() - t1:.2f} s ({html})")
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
