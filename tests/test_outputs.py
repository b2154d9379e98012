"""Contract CSV writing: BOM, full precision, empty for missing, no formula injection."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from qmlib.outputs import escape_formula, write_csv


@pytest.mark.parametrize(
    ("raw", "written"),
    [("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+cmd", "'+cmd"), ("-cmd", "'-cmd"),
     ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("-2", "-2"), ("+3.5", "+3.5"), ("1e5", "1e5"),
     ("电梯", "电梯"), ("a=b", "a=b")],
)
def test_escape_formula(raw: str, written: str) -> None:
    assert escape_formula(raw) == written


def test_write_csv_escapes_text_but_not_numbers(tmp_path: Path) -> None:
    frame = pd.DataFrame({"text": ["=1+1", "ok", None], "value": [-1.5, 0.1 + 0.2, None],
                          "n": pd.array([-3, 2, None], dtype="Int64")})
    path = write_csv(frame, tmp_path / "x.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines == ["text,value,n", "'=1+1,-1.5,-3", "ok,0.30000000000000004,2", ",,"]
    assert oct(os.stat(path).st_mode & 0o777) != oct(0o600)  # an ordinary file, not mkstemp's 0600
