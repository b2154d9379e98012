"""Values decoded from files once per content of the file in a process.

A batch worker reads the same small files again and again: each notebook loads the
stage frames of the stages before it, and every community validates the same playbook.
:func:`load_by_content` decodes a file once per *content*: the file is read every time
and its bytes hashed (BLAKE2b), so a file written again — by this or another process,
even within the file system's timestamp resolution — is decoded again, and another
file with the same bytes is its own entry. The cache is an ``OrderedDict`` keyed by
(resolved path, digest), bounded, oldest out first; callers get copies, never the
cached value.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def load_by_content(
    cache: OrderedDict[tuple[str, bytes], T],
    path: Path | str,
    decode: Callable[[bytes], T],
    copy: Callable[[T], T],
    *,
    max_items: int,
    max_bytes: int | None = None,
) -> T:
    """``decode(bytes of path)``, taken from ``cache`` when the file's bytes were decoded before.

    ``copy`` makes the caller's own copy of a cached value. A file larger than
    ``max_bytes`` is decoded every time and not kept; at most ``max_items``
    values are kept. What ``decode`` raises propagates (nothing is cached).
    """
    data = Path(path).read_bytes()
    key = (str(Path(path).resolve()), hashlib.blake2b(data, digest_size=20).digest())
    known = cache.get(key)
    if known is not None:
        cache.move_to_end(key)
        return copy(known)
    value = decode(data)
    if max_bytes is not None and len(data) > max_bytes:
        return value
    cache[key] = value
    while len(cache) > max_items:
        cache.popitem(last=False)
    return copy(value)
