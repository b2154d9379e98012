"""Writing output files the way contract section 5 says.

CSV: UTF-8 with a BOM, comma separated, full precision, no index column,
missing values empty. Text cells that start with ``= + - @`` (or a tab or
carriage return) are prefixed with ``'`` so that Excel never evaluates them as
formulas; numeric columns stay plain numbers.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pandas as pd

from .privacy import mask_pii

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def escape_formula(value: object) -> object:
    """A text cell made safe to open: phone and ID-card numbers masked
    (:func:`qmlib.privacy.mask_pii`), then ``'=1+1'`` → ``"'=1+1"``; non-text values and
    plain numbers (``-2``) are unchanged.

    Every text cell of every CSV and xlsx file passes here. A cell that is just a
    signed number cannot run as a formula, so the raw value of a rejected ``-2`` stays ``-2``.
    """
    if not isinstance(value, str):
        return value
    value = mask_pii(value)
    if value.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def escape_text_cells(df: pd.DataFrame) -> pd.DataFrame:
    """Escape formula-like text in the object/string columns of ``df``."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(escape_formula, na_action="ignore")
    return out


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def fsync_dir(folder: Path) -> None:
    """Flush ``folder``'s entries (a rename into it) to disk; a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover - Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some filesystems refuse fsync on a folder
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place.

    Readers never see a half-written file, and after a power cut the file is
    either the old one or the new one: the data is ``fsync``-ed before the
    rename and the folder after it. The file gets the permissions an ordinary
    ``open()`` would give it (0666 less the umask), not mkstemp's 0600.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_csv(df: pd.DataFrame, path: Path | str, columns: list[str] | None = None) -> Path:
    """Write a contract CSV: BOM, full precision (repr of floats), no index."""
    path = Path(path)
    frame = df if columns is None else df.reindex(columns=columns)
    frame = escape_text_cells(frame)
    text = frame.to_csv(index=False, lineterminator="\n", float_format=None)
    atomic_write_bytes(path, ("\ufeff" + text).encode("utf-8"))
    return path


def read_csv(path: Path | str) -> pd.DataFrame:
    """Read a CSV written by :func:`write_csv` (for later stages and tests)."""
    return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=True)
