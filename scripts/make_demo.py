"""Regenerate the shipped demo deterministically.

Writes data/demo01..demo03/, params/demo01..demo03.yaml (repository root) and
the planted truth to tests/truth/demo01..demo03.json (not under data/, where a
folder would look like a community). Run from anywhere:

    python scripts/make_demo.py
"""

from __future__ import annotations

from pathlib import Path

from qmlib.synth import generate

ROOT = Path(__file__).resolve().parents[1]
DEMO_COMMUNITIES = 3
DEMO_SEED = 0


def main() -> list[str]:
    ids = generate(DEMO_COMMUNITIES, ROOT, seed=DEMO_SEED, truth_dir=ROOT / "tests" / "truth")
    print("wrote", ", ".join(ids))
    return ids


if __name__ == "__main__":
    main()
