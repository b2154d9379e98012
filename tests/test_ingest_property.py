"""Property-based (hypothesis): ingest never loses a row and never crashes on messy tables.

Tables are generated with any header spelling the contract accepts, cells
drawn from valid values, near misses and junk (empty, spaces, formulas,
control characters, huge numbers, long text, Chinese), in UTF-8 or GB18030.
Whatever the content: every data row is either accepted or rejected
(rows_read = rows_accepted + rows_rejected = non-empty rows), rejects.csv has
one line per rejected row, and the only exception allowed is a clear QmError.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from qmlib.errors import QmError
from qmlib.ingest import ingest_community
from qmlib.schema import TABLES

PARAMS = """community_id: p001
name: 测试
households: 100
staff: {客服: 2}
periods:
  baseline: [2025-08-01, 2025-08-31]
  quality_month: [2025-09-01, 2025-09-30]
"""

JUNK = st.sampled_from([
    "", " ", "  \t", "=HYPERLINK(\"http://x\")", "+1", "-1", "@cmd", "1e400", "-0", "NaN", "null", "是", "否",
    "2025-02-30", "2025/13/01", "9999-12-31 23:59", "1900-01-01", "0000-00-00", "12:30", "2025年9月", "T",
    "紧急", "urgent", "URGENT ", "电梯", "fire", "重大", "critical", "非常满意", "基本满意", "101", "5.5", "0",
    "1,000", "x" * 300, "\u200b", "１２", "２０２５－０９－０１", "None", "TRUE", "n/a", "—",
])
VALID = st.sampled_from([
    "2025-09-01 08:30", "2025/9/1 8:30", "2025年9月1日 8:30", "2025-09-01T00:30:00Z", "2025-09-01",
    "2025-08-15 23:59:59", "2025-10-31T16:00:00+00:00", "4", "3", "5", "80", "1", "普通", "维保", "故障",
    "检测", "自查", "社区活动", "A1", "B2", "水电", "客服",
])
# control characters excluded: a bare CR is a line break to every CSV reader (and to Excel)
CELL = st.one_of(JUNK, VALID, st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12))


@st.composite
def messy_table(draw: st.DrawFn) -> tuple[str, list[str], list[list[str]]]:
    name = draw(st.sampled_from(sorted(TABLES)))
    spec = TABLES[name]
    columns = [c for c in spec.columns if c.required or draw(st.booleans())]
    headers = [draw(st.sampled_from(c.accepted_headers)) for c in columns]
    if draw(st.booleans()):
        headers.append("备注")
    n = draw(st.integers(0, 25))
    keys = st.sampled_from(["K1", "K2", "K3", "K4", "", "K5"])
    rows = [[draw(keys), *[draw(CELL) for _ in headers[1:]]] for _ in range(n)]
    return name, headers, rows


def _write(path: Path, headers: list[str], rows: list[list[str]], encoding: str) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding, errors="replace"))


@settings(max_examples=40, deadline=None)
@given(table=messy_table(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_ingest_never_loses_a_row(table: tuple[str, list[str], list[list[str]]], encoding: str) -> None:
    name, headers, rows = table
    root = Path(tempfile.mkdtemp(prefix="qm-prop-"))
    try:
        folder = root / "data" / "p001"
        folder.mkdir(parents=True)
        (root / "params").mkdir()
        (root / "params" / "p001.yaml").write_text(PARAMS, encoding="utf-8")
        if name != "surveys":
            _write(folder / "surveys.csv", ["response_id", "surveyed_at", "overall"], [], "utf-8")
        _write(folder / f"{name}.csv", headers, rows, encoding)
        try:
            result = ingest_community("p001", root / "data", root / "params", root / "outputs")
        except QmError:
            return  # a clear, named error (e.g. an unreadable file) is an allowed outcome
        summary = result.summary.set_index("table").loc[name]
        non_empty = sum(1 for r in rows if any(c.strip() for c in r))
        assert summary.rows_read == non_empty
        assert summary.rows_read == summary.rows_accepted + summary.rows_rejected
        assert len(result.tables[name]) == summary.rows_accepted
        assert (result.rejects["table"] == name).sum() == summary.rows_rejected
        key = TABLES[name].key
        accepted_keys = result.tables[name][key]
        assert accepted_keys.notna().all() and not accepted_keys.duplicated().any()
    finally:
        shutil.rmtree(root, ignore_errors=True)
