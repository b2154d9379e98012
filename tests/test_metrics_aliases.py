"""Metrics do not depend on header spellings or row order (property-based, hypothesis).

The shipped demo community's raw exports are rewritten with a random accepted
header name for every column and rows in a random order; ingest + metrics
must give the same metrics.csv values.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qmlib.ingest import find_table_file, ingest_community, read_table_file
from qmlib.metrics import compute_all
from qmlib.schema import TABLES

ROOT = Path(__file__).resolve().parents[1]
CID = "demo01"


def _metrics(data_dir: Path, params_dir: Path, out_dir: Path) -> pd.DataFrame:
    result = ingest_community(CID, data_dir, params_dir, out_dir)
    metrics = compute_all(result.tables, result.params).metrics
    return metrics.set_index(["metric_id", "period"]).sort_index()[["value", "n", "ci_low", "ci_high"]]


BASELINE = _metrics(ROOT / "data", ROOT / "params", Path(tempfile.mkdtemp(prefix="qm-alias-")))
RAW = {
    name: read_table_file(path, TABLES[name])
    for name in TABLES
    if (path := find_table_file(ROOT / "data" / CID, name)) is not None
}


def _order_keeping_duplicates(keys: pd.Series, rng: np.random.Generator) -> np.ndarray:
    """A random row order in which rows sharing a key keep their relative order.

    (Which of two rows with the same key is kept depends on file order by
    contract: the first is kept. Shuffling must not change that choice.)
    """
    rank = pd.Series(rng.random(len(keys)), index=keys.index)
    for _, group in keys.groupby(keys, sort=False):
        if len(group) > 1:
            rank[group.index] = np.sort(rank[group.index].to_numpy())
    return np.argsort(rank.to_numpy(), kind="stable")


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_aliases_and_row_order_do_not_change_metrics(seed: int, tmp_path_factory) -> None:
    rng = np.random.default_rng(seed)
    root = tmp_path_factory.mktemp("alias")
    folder = root / "data" / CID
    folder.mkdir(parents=True)
    shutil.copytree(ROOT / "params", root / "params")
    for name, raw in RAW.items():
        spec = TABLES[name]
        frame = raw.frame.drop(columns=["_source_row"])
        frame = frame.iloc[_order_keeping_duplicates(frame[spec.key], rng)]
        headers = {}
        for col in spec.columns:
            if col.name in frame.columns:
                options = col.accepted_headers
                headers[col.name] = options[int(rng.integers(len(options)))]
        frame = frame.rename(columns=headers)
        frame.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8-sig" if seed % 2 else "gb18030")
    got = _metrics(root / "data", root / "params", root / "outputs")
    pd.testing.assert_frame_equal(got, BASELINE, check_exact=False, rtol=1e-9, atol=1e-12)
