"""load_by_content: one decode per content of a file, copies handed out, bounded."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import pytest

from qmlib.content_cache import load_by_content


def test_decodes_once_per_content_and_again_when_the_bytes_change(tmp_path: Path) -> None:
    calls: list[bytes] = []

    def decode(data: bytes) -> list[str]:
        calls.append(data)
        return data.decode().split(",")

    cache: OrderedDict = OrderedDict()
    path = tmp_path / "a.txt"
    path.write_text("x,y", encoding="utf-8")
    first = load_by_content(cache, path, decode, list, max_items=4)
    first.append("mine")  # the caller's copy
    assert load_by_content(cache, path, decode, list, max_items=4) == ["x", "y"]
    assert calls == [b"x,y"]
    path.write_text("x,z", encoding="utf-8")  # same size: the bytes decide
    assert load_by_content(cache, path, decode, list, max_items=4) == ["x", "z"]
    assert calls == [b"x,y", b"x,z"] and len(cache) == 2


def test_bounded_oldest_out_and_large_files_not_kept(tmp_path: Path) -> None:
    cache: OrderedDict = OrderedDict()
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(str(i) * (i + 1), encoding="utf-8")
        load_by_content(cache, tmp_path / f"{i}.txt", bytes.decode, str, max_items=2, max_bytes=2)
    # 0.txt (1 byte) and 1.txt (2 bytes) are kept; 2.txt (3 bytes) is over max_bytes: decoded, not kept
    assert [Path(k[0]).name for k in cache] == ["0.txt", "1.txt"]
    (tmp_path / "3.txt").write_text("3", encoding="utf-8")
    load_by_content(cache, tmp_path / "3.txt", bytes.decode, str, max_items=2)
    assert [Path(k[0]).name for k in cache] == ["1.txt", "3.txt"]


def test_a_failing_decode_is_not_cached(tmp_path: Path) -> None:
    cache: OrderedDict = OrderedDict()
    path = tmp_path / "bad.txt"
    path.write_bytes(b"\xff")
    with pytest.raises(UnicodeDecodeError):
        load_by_content(cache, path, bytes.decode, str, max_items=2)
    assert not cache
