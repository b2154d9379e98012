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

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from qmlib.errors import QmError
from qmlib.ingest import ingest_community
from qmlib.ingest.readers import CONTROL_CHARS
from qmlib.labels import t
from qmlib.schema import TABLES

PARAMS = """community_id: p001
name: 测试
households: 100
staff: {客服: 2}
periods:
  baseline: [2025-08-01, 2025-08-31]
  quality_month: [2025-09-01, 2025-09-30]
"""

JUNK = st.sampled_from(
    [
        "",
        " ",
        "  \t",
        '=HYPERLINK("http://x")',
        "+1",
        "-1",
        "@cmd",
        "1e400",
        "-0",
        "NaN",
        "null",
        "是",
        "否",
        "2025-02-30",
        "2025/13/01",
        "9999-12-31 23:59",
        "1900-01-01",
        "0000-00-00",
        "12:30",
        "2025年9月",
        "T",
        "紧急",
        "urgent",
        "URGENT ",
        "电梯",
        "fire",
        "重大",
        "critical",
        "非常满意",
        "基本满意",
        "101",
        "5.5",
        "0",
        "1,000",
        "x" * 300,
        "\u200b",
        "１２",
        "２０２５－０９－０１",
        "None",
        "TRUE",
        "n/a",
        "—",
    ]
)
VALID = st.sampled_from(
    [
        "2025-09-01 08:30",
        "2025/9/1 8:30",
        "2025年9月1日 8:30",
        "2025-09-01T00:30:00Z",
        "2025-09-01",
        "2025-08-15 23:59:59",
        "2025-10-31T16:00:00+00:00",
        "4",
        "3",
        "5",
        "80",
        "1",
        "普通",
        "维保",
        "故障",
        "检测",
        "自查",
        "社区活动",
        "A1",
        "B2",
        "水电",
        "客服",
    ]
)
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


def _community(files: dict[str, bytes]) -> Path:
    root = Path(tempfile.mkdtemp(prefix="qm-prop-"))
    folder = root / "data" / "p001"
    folder.mkdir(parents=True)
    (root / "params").mkdir()
    (root / "params" / "p001.yaml").write_text(PARAMS, encoding="utf-8")
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return root


def _csv_bytes(headers: list[str], rows: list[list[str]], trailing: str = "") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    lines = buf.getvalue().split("\n")[:-1]
    return "".join(line + (trailing if i else "") + "\n" for i, line in enumerate(lines)).encode("utf-8")


def _ingest(root: Path):
    return ingest_community("p001", root / "data", root / "params", root / "outputs", write=False)


def _comparable(frame):
    return frame.drop(columns=["_source_file"]).reset_index(drop=True)


@settings(max_examples=25, deadline=None)
@given(table=messy_table(), rows_only=st.booleans())
def test_a_trailing_comma_on_every_row_changes_nothing(table, rows_only: bool) -> None:
    """An empty, unnamed last column (a trailing comma on every data row, with or without
    one on the header) is ignored: the same rows are accepted, with the same values."""
    name, headers, rows = table
    base_files = (
        {}
        if name == "surveys"
        else {"surveys.csv": _csv_bytes(["response_id", "surveyed_at", "overall"], [])}
    )
    plain = _community({**base_files, f"{name}.csv": _csv_bytes(headers, rows)})
    data = _csv_bytes(headers, rows, trailing=",")
    if not rows_only:
        data = data.replace(b"\n", b",\n", 1)
    trailing = _community({**base_files, f"{name}.csv": data})
    try:
        try:
            expected = _ingest(plain)
        except QmError:
            return
        got = _ingest(trailing)
        a = expected.summary.set_index("table").loc[name]
        b = got.summary.set_index("table").loc[name]
        assert (a.rows_read, a.rows_accepted, a.rows_rejected) == (
            b.rows_read,
            b.rows_accepted,
            b.rows_rejected,
        )
        pd.testing.assert_frame_equal(_comparable(expected.tables[name]), _comparable(got.tables[name]))
    finally:
        shutil.rmtree(plain, ignore_errors=True)
        shutil.rmtree(trailing, ignore_errors=True)


CONTROL = st.text(
    st.sampled_from(["a", "水", " ", "\x0b", "\x0c", "\x1b", "\x7f", "\x01", "\x85"]), max_size=6
)


@settings(max_examples=25, deadline=None)
@given(cells=st.lists(CONTROL, min_size=1, max_size=15))
def test_control_characters_never_stop_a_community(cells: list[str]) -> None:
    """Control characters in text cells are replaced by spaces: every row stays, no clean text
    cell holds one, and the summary counts the cells changed."""
    rows = [[f"W{i}", "2025-09-01 08:00", f"水电{c}", c] for i, c in enumerate(cells)]
    root = _community(
        {
            "surveys.csv": _csv_bytes(["response_id", "surveyed_at", "overall"], []),
            "work_orders.csv": _csv_bytes(["order_id", "reported_at", "category", "building"], rows),
        }
    )
    try:
        result = _ingest(root)
        clean = result.tables["work_orders"]
        assert len(clean) == len(cells)
        for col in ("category", "building"):
            assert not clean[col].dropna().str.contains(CONTROL_CHARS).any()
        # each bad cell appears twice in a row (category and building)
        changed = 2 * sum(bool(CONTROL_CHARS.search(c)) for c in cells)
        notes = result.summary.set_index("table").loc["work_orders", "notes"]
        assert notes == (t("ingest.note.control_chars", "zh").format(n=changed) if changed else "")
    finally:
        shutil.rmtree(root, ignore_errors=True)


@settings(max_examples=15, deadline=None)
@given(table=messy_table(), dimension=st.sampled_from(["A1", "A1:B2", "A1:XFD1048576", "C3:D4", None]))
def test_xlsx_reads_every_row_whatever_its_declared_range(table, dimension) -> None:
    """The same cells as CSV and as xlsx (with any declared used range) give the same counts."""
    from corpus.make_cases import xlsx

    name, headers, rows = table
    base = (
        {}
        if name == "surveys"
        else {"surveys.csv": _csv_bytes(["response_id", "surveyed_at", "overall"], [])}
    )
    as_csv = _community({**base, f"{name}.csv": _csv_bytes(headers, rows)})
    cells = [[c if c.strip() else None for c in r] for r in rows]
    as_xlsx = _community({**base, f"{name}.xlsx": xlsx([headers, *cells], dimension)})
    try:
        try:
            expected = _ingest(as_csv).summary.set_index("table").loc[name]
        except QmError:
            return
        got = _ingest(as_xlsx).summary.set_index("table").loc[name]
        assert got.rows_read == expected.rows_read
        assert got.rows_accepted == expected.rows_accepted
    finally:
        shutil.rmtree(as_csv, ignore_errors=True)
        shutil.rmtree(as_xlsx, ignore_errors=True)
