"""Regenerate the shipped demo deterministically.

Writes data/demo01..demo03/, params/demo01..demo03.yaml (repository root) and
the planted truth to tests/truth/demo01..demo03.json (not under data/, where a
folder would look like a community). Run from anywhere:

    python scripts/make_demo.py

``python scripts/make_demo.py /tmp/demo`` writes the same tree under
``/tmp/demo`` instead (``data/``, ``params/``, ``tests/truth/``), to check that
the generator still reproduces the shipped demo byte for byte::

    diff -r /tmp/demo/data data && diff -r /tmp/demo/tests/truth tests/truth
"""

from __future__ import annotations

import sys
from pathlib import Path

from qmlib.synth import generate

ROOT = Path(__file__).resolve().parents[1]
DEMO_COMMUNITIES = 3
DEMO_SEED = 0


def main(root: Path = ROOT) -> list[str]:
    ids = generate(DEMO_COMMUNITIES, root, seed=DEMO_SEED, truth_dir=root / "tests" / "truth")
    print("wrote", ", ".join(ids))
    return ids


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
