"""Ingest throughput at scale: one community with 1,000,000 work orders.

Prints rows read per second and peak memory of the ingest stage (read, parse,
validate, write Parquet + rejects + summary). Goal on a 2-core machine: under
15 s and under 2 GB. Usage::

    python bench/ingest_scale.py [--rows 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from qmlib.synth import generate_community


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, default=None, help="generate into DIR and keep it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="qm-bench-"))
    t0 = time.perf_counter()
    generate_community("bench", root, np.random.default_rng(0), work_orders=args.rows)
    t1 = time.perf_counter()
    print(f"generated {args.rows:,} work orders in {t1 - t0:.1f} s ({root})")
    # Ingest in a fresh process so that its peak memory is the ingest's alone.
    code = (
        "import json, sys, time; from qmlib.ingest import ingest_community; t = time.perf_counter(); "
        f"r = ingest_community('bench', {str(root / 'data')!r}, {str(root / 'params')!r}, {str(root / 'outputs')!r}); "
        "wo = r.summary.set_index('table').loc['work_orders']; "
        "print(json.dumps({'seconds': time.perf_counter() - t, 'rows': r.rows_read, "
        "'wo': [int(wo.rows_read), int(wo.rows_accepted), int(wo.rows_rejected)]}))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    elapsed, rows = figures["seconds"], figures["rows"]
    read, accepted, rejected = figures["wo"]
    print(f"ingest: {rows:,} rows in {elapsed:.2f} s = {rows / elapsed:,.0f} rows/s")
    print(f"work_orders: read {read:,}, accepted {accepted:,}, rejected {rejected:,}")
    print(f"peak memory of the ingest process (max RSS): {peak_mb:,.0f} MB")
    print(f"goal: < 15 s and < 2048 MB -> {'met' if elapsed < 15 and peak_mb < 2048 else 'NOT met'}")


if __name__ == "__main__":
    main()
