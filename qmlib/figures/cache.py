"""PNG cache of the report's charts, shared by notebooks 02 and 04.

Notebook 02 draws every chart; the ones the report also shows are saved as
``outputs/<id>/figures/<name>.png`` (compact palette PNGs, also handy to paste
into other documents). Notebook 04 then embeds those files instead of drawing
the same charts again. A cache is valid only for the exact inputs it was drawn
from: its key is a hash of the clean tables, the params file, the language and
the qmlib version, stored in ``figures/.key``; any difference means redraw.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import qmlib

from ..outputs import atomic_write_bytes

FIGURES_DIR = "figures"
KEY_FILE = ".key"


def inputs_key(community_folder: Path, params_file: Path, lang: str) -> str:
    """sha256 over the clean Parquet files, the params file, ``lang`` and the qmlib version."""
    digest = hashlib.sha256(f"{qmlib.__version__}|{lang}|".encode())
    for path in sorted((community_folder / "clean").glob("*.parquet")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(Path(params_file).read_bytes() if Path(params_file).is_file() else b"")
    return digest.hexdigest()


class ChartCache:
    """PNG files of named charts under ``<community folder>/figures/``, valid for one key."""

    def __init__(self, community_folder: Path, key: str) -> None:
        self.folder = Path(community_folder) / FIGURES_DIR
        self.key = key

    @property
    def valid(self) -> bool:
        key_file = self.folder / KEY_FILE
        return key_file.is_file() and key_file.read_text(encoding="ascii").strip() == self.key

    def get(self, name: str) -> bytes | None:
        """The cached PNG of ``name``, or None when absent or drawn from other inputs."""
        path = self.folder / f"{name}.png"
        return path.read_bytes() if self.valid and path.is_file() else None

    def put(self, name: str, png: bytes) -> None:
        if not self.valid:
            for old in self.folder.glob("*.png"):
                old.unlink()
            atomic_write_bytes(self.folder / KEY_FILE, self.key.encode("ascii"))
        atomic_write_bytes(self.folder / f"{name}.png", png)
