"""metrics.csv, changes.csv and targets.csv as files (contract section 5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from qmlib.metrics import compute_all, write_metric_outputs
from qmlib.params import parse_params

B, Q = "baseline", "quality_month"


def params() -> Any:
    return parse_params(
        {
            "community_id": "t04",
            "name": "test",
            "households": 3,
            "periods": {B: ["2025-08-01", "2025-08-31"], Q: ["2025-09-01", "2025-09-30"]},
            "targets": [
                {"metric": "satisfaction_index", "kind": "delta", "value": 10},
                {"metric": "satisfaction_index", "kind": "at_least", "value": 99},
                {"metric": "satisfaction_index.cleaning", "kind": "at_least", "value": 1},
            ],
        }
    )


def tables() -> dict[str, pd.DataFrame]:
    return {
        "surveys": pd.DataFrame(
            {
                "response_id": pd.Series(["a", "b", "c"], dtype="string"),
                "surveyed_at": pd.Series(
                    pd.to_datetime(["2025-08-01", "2025-08-02", "2025-09-01"]), dtype="datetime64[ns]"
                ),
                "overall": [4.0, 3.0, 5.0],
            }
        )
    }


def test_files(tmp_path: Path) -> None:
    res = compute_all(tables(), params())
    write_metric_outputs(res, tmp_path)
    metrics = (tmp_path / "metrics.csv").read_bytes()
    assert metrics.startswith(b"\xef\xbb\xbf")
    lines = metrics.decode("utf-8-sig").splitlines()
    assert lines[0] == "community_id,metric_id,period,value,n,ci_low,ci_high"
    # baseline: 75, 50 → mean 62.5, n 2, t interval (a full-precision float pair)
    assert lines[1].startswith("t04,satisfaction_index,baseline,62.5,2,")
    # QM has one response: value, n, then two empty interval cells
    assert "t04,satisfaction_index,quality_month,100.0,1,," in lines
    # coverage 1/3 in full precision
    assert f"t04,survey_coverage,{Q},{1 / 3!r},1,," in lines

    changes = (tmp_path / "changes.csv").read_text(encoding="utf-8-sig").splitlines()
    assert changes[0] == (
        "community_id,metric_id,period,baseline_value,value,change,relative_change,p_value,significant"
    )
    # satisfaction_index: QM has 1 value → p-value and significant empty
    assert "t04,satisfaction_index,quality_month,62.5,100.0,37.5,0.6,," in changes

    targets = (tmp_path / "targets.csv").read_text(encoding="utf-8-sig").splitlines()
    assert targets == [
        "community_id,metric_id,kind,period,target,baseline_value,actual_value,change,achieved",
        "t04,satisfaction_index,delta,quality_month,10.0,62.5,100.0,37.5,true",
        "t04,satisfaction_index,at_least,quality_month,99.0,62.5,100.0,,true",
        "t04,satisfaction_index.cleaning,at_least,quality_month,1.0,,,,",
    ]


def test_significant_written_lowercase(tmp_path: Path) -> None:
    res = compute_all(tables(), params())
    res.changes.loc[0, "significant"] = False
    write_metric_outputs(res, tmp_path)
    changes = (tmp_path / "changes.csv").read_text(encoding="utf-8-sig").splitlines()
    assert changes[1].endswith(",false")
    back = pd.read_csv(tmp_path / "metrics.csv", encoding="utf-8-sig")
    assert list(back["metric_id"]) == list(res.metrics["metric_id"])


def test_first_rows_keys_the_first_row_of_each_metric_and_period() -> None:
    from qmlib.metrics.compute import first_rows

    metrics = pd.DataFrame(
        {
            "metric_id": ["a", "a", "a", "b", None],
            "period": ["baseline", "quality_month", "baseline", "baseline", "baseline"],
            "value": [1.0, 2.0, 9.0, float("nan"), 5.0],
            "n": [10, 20, 90, 0, 5],
        }
    )
    rows = first_rows(metrics, "value", "n")
    assert set(rows) == {("a", "baseline"), ("a", "quality_month"), ("b", "baseline")}
    assert rows[("a", "baseline")] == (1.0, 10)  # the first of the two rows
    assert rows[("a", "quality_month")] == (2.0, 20)
    assert first_rows(metrics.iloc[0:0], "value") == {}
