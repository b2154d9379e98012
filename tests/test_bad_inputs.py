"""The corpus of bad inputs (tests/corpus/<case>/): each gives its expected answer.

Every case is a tiny community: ``data/<case>/``, ``params/<case>.yaml`` and
``expected.yaml``. ``error`` lists fragments of the one clear message it must
give; otherwise ``accepted``/``rejected`` give exact row counts per table, and
nothing may be lost (rows_read = rows_accepted + rows_rejected).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from qmlib.errors import QmError
from qmlib.ingest import ingest_community
from qmlib.ingest.quality import OUTSIDE, rows_by_period

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.yaml").is_file())


@pytest.mark.parametrize("case", CASES)
def test_bad_input_case(case: str, tmp_path: Path) -> None:
    root = CORPUS / case
    expected = yaml.safe_load((root / "expected.yaml").read_text(encoding="utf-8"))
    out = tmp_path / "outputs"
    if "error" in expected:
        with pytest.raises(QmError) as err:
            ingest_community(case, root / "data", root / "params", out)
        for fragment in expected["error"]:
            assert str(fragment) in str(err.value), str(err.value)
        assert "Traceback" not in str(err.value)
        return
    result = ingest_community(case, root / "data", root / "params", out)
    summary = result.summary.set_index("table")
    assert (summary.rows_read == summary.rows_accepted + summary.rows_rejected).all()
    assert {t: len(df) for t, df in result.tables.items()} == expected["accepted"]
    rejected = {t: int(n) for t, n in summary.rows_rejected.items() if n}
    assert rejected == expected.get("rejected", {})
    assert len(result.rejects) == sum(rejected.values())
    for table, columns in expected.get("reject_columns", {}).items():
        assert set(result.rejects.loc[result.rejects.table == table, "column"]) == set(columns)
    for table, n in expected.get("outside_periods", {}).items():
        assert rows_by_period(result.tables, result.params).loc[table, OUTSIDE] == n
    summary_rows = result.summary.set_index("table")
    for table, fragments in expected.get("notes", {}).items():
        for fragment in fragments:
            assert str(fragment) in str(summary_rows.loc[table, "notes"]), summary_rows.loc[table, "notes"]
    for table, columns in expected.get("missing_columns", {}).items():
        assert summary_rows.loc[table, "missing_columns"] == columns
    for table, columns in expected.get("clean_values", {}).items():
        for column, values in columns.items():
            assert result.tables[table][column].tolist() == values
    for table, columns in expected.get("extra_columns", {}).items():
        for column in columns:
            assert column in result.tables[table].columns
    if "longest_comment" in expected:
        assert result.tables["surveys"]["comment"].str.len().max() == expected["longest_comment"]
    if "rejects_csv_escaped" in expected:
        text = (out / case / "rejects.csv").read_text(encoding="utf-8-sig")
        assert expected["rejects_csv_escaped"] in text


def test_rejects_keep_the_raw_value(tmp_path: Path) -> None:
    root = CORPUS / "negative-and-huge-numbers"
    result = ingest_community("negative-and-huge-numbers", root / "data", root / "params", tmp_path)
    training = result.rejects[result.rejects.table == "training"]
    values = dict(zip(training.source_row, training.value, strict=True))
    assert values[2] == "-2" and values[3] == "1e400"


def test_corpus_is_not_modified(tmp_path: Path) -> None:
    """Ingest reads the corpus and writes only under out_dir."""
    copy = tmp_path / "copy"
    shutil.copytree(CORPUS / "header-only", copy)
    before = sorted(p.relative_to(copy) for p in copy.rglob("*"))
    ingest_community("header-only", copy / "data", copy / "params", tmp_path / "out")
    assert sorted(p.relative_to(copy) for p in copy.rglob("*")) == before
