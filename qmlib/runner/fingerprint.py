"""Fingerprints that decide whether a community must run again.

A community's fingerprint is a SHA-256 over, in this order: a format tag, the
qmlib version, a hash of every file of the qmlib package (code, templates,
playbook), the community's data files (relative path and content), its params
file, the pipeline notebooks (name and content) and ``extra`` files (the
narrative notes/<id>.md, its photos and a company Word template). It is written to
``outputs/<id>/.fingerprint`` only when the community succeeded; a run whose
fingerprint equals the stored one is skipped unless ``--force``.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from pathlib import Path

import qmlib

FINGERPRINT_FILE = ".fingerprint"
_FORMAT = b"qm-fingerprint-v1"
_CHUNK = 1 << 20

_source_cache: tuple[tuple, str] | None = None
_source_lock = threading.Lock()


def _hash_file(h: hashlib._Hash, path: Path) -> None:
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)


def _files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _qmlib_files() -> list[Path]:
    root = Path(qmlib.__file__).resolve().parent
    return [
        p for p in _files_under(root) if "__pycache__" not in p.parts and p.suffix not in {".pyc", ".pyo"}
    ]


def qmlib_source_hash() -> str:
    """SHA-256 of the qmlib package files (re-hashed only when a file's size or mtime changes)."""
    global _source_cache
    root = Path(qmlib.__file__).resolve().parent
    files = _qmlib_files()
    signature = tuple((str(p.relative_to(root)), p.stat().st_size, p.stat().st_mtime_ns) for p in files)
    with _source_lock:
        if _source_cache is not None and _source_cache[0] == signature:
            return _source_cache[1]
    h = hashlib.sha256()
    for path in files:
        h.update(str(path.relative_to(root)).encode() + b"\0")
        _hash_file(h, path)
        h.update(b"\0")
    digest = h.hexdigest()
    with _source_lock:
        _source_cache = (signature, digest)
    return digest


def compute_fingerprint(
    data_folder: Path, params_file: Path, notebooks: Iterable[Path], extra: Iterable[Path] = ()
) -> str:
    """The fingerprint of one community's run (see the module docstring)."""
    h = hashlib.sha256()
    h.update(_FORMAT + b"\0" + qmlib.__version__.encode() + b"\0" + qmlib_source_hash().encode() + b"\0")
    h.update(b"data\0")
    if data_folder.is_dir():
        for path in _files_under(data_folder):
            h.update(path.relative_to(data_folder).as_posix().encode() + b"\0")
            _hash_file(h, path)
            h.update(b"\0")
    h.update(b"params\0")
    if params_file.is_file():
        _hash_file(h, params_file)
    h.update(b"\0notebooks\0")
    for nb in notebooks:
        h.update(nb.name.encode() + b"\0")
        _hash_file(h, nb)
        h.update(b"\0")
    extra = [p for p in extra if p.is_file()]
    if extra:  # only then: fingerprints of communities without notes or template stay as they were
        h.update(b"extra\0")
        for path in extra:
            h.update(path.name.encode() + b"\0")
            _hash_file(h, path)
            h.update(b"\0")
    return h.hexdigest()


def read_fingerprint(community_out: Path) -> str | None:
    """The fingerprint stored in ``outputs/<id>/``, or ``None``."""
    try:
        return (community_out / FINGERPRINT_FILE).read_text(encoding="ascii").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def write_fingerprint(community_out: Path, fingerprint: str) -> None:
    """Store ``fingerprint`` in ``community_out`` (a staging folder, before the swap)."""
    (community_out / FINGERPRINT_FILE).write_text(fingerprint + "\n", encoding="ascii")
