"""Contract CSV writing: BOM, full precision, empty for missing, no formula injection."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from qmlib.outputs import escape_formula, write_csv


@pytest.mark.parametrize(
    ("raw", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+cmd", "'+cmd"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("-2", "-2"),
        ("+3.5", "+3.5"),
        ("1e5", "1e5"),
        ("电梯", "电梯"),
        ("a=b", "a=b"),
    ],
)
def test_escape_formula(raw: str, written: str) -> None:
    assert escape_formula(raw) == written


def test_write_csv_escapes_text_but_not_numbers(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "text": ["=1+1", "ok", None],
            "value": [-1.5, 0.1 + 0.2, None],
            "n": pd.array([-3, 2, None], dtype="Int64"),
        }
    )
    path = write_csv(frame, tmp_path / "x.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines == ["text,value,n", "'=1+1,-1.5,-3", "ok,0.30000000000000004,2", ",,"]
    assert oct(os.stat(path).st_mode & 0o777) != oct(0o600)  # an ordinary file, not mkstemp's 0600


def test_atomic_write_fsyncs_the_file_before_the_rename_and_the_folder_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import stat

    from qmlib import outputs

    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        mode = os.fstat(fd).st_mode
        events.append("fsync-dir" if stat.S_ISDIR(mode) else "fsync-file")
        real_fsync(fd)

    def replace(src: str, dst: object) -> None:
        events.append("rename")
        real_replace(src, dst)

    monkeypatch.setattr(outputs.os, "fsync", fsync)
    monkeypatch.setattr(outputs.os, "replace", replace)
    target = tmp_path / "sub" / "a.bin"
    outputs.atomic_write_bytes(target, b"payload")
    assert events == ["fsync-file", "rename", "fsync-dir"]
    assert target.read_bytes() == b"payload"
    assert [p.name for p in target.parent.iterdir()] == ["a.bin"]  # no temporary file left


def test_atomic_write_leaves_the_old_file_when_the_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from qmlib import outputs

    target = tmp_path / "a.csv"
    target.write_bytes(b"old")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outputs.os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        outputs.atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]
