"""``outputs/run.json``: the state of the current (or last) batch.

Schema (``"schema": "qm-run/1"``)::

    {
      "schema": "qm-run/1",
      "qm_version": "0.1.0",
      "status": "running" | "finished" | "interrupted",
      "started_at": "2025-11-24T15:02:11+08:00",
      "finished_at": null | "...",
      "duration_s": null | 83.2,
      "options": {"data_dir", "params_dir", "out_dir", "notebooks_dir": absolute paths,
                  "notebooks": ["01_ingest.ipynb", ...], "engine": "qm_warm",
                  "jobs": 8, "scheduler": null | "tcp://...", "force": false},
      "counts": {"ok": 37, "failed": 1, "skipped": 2, "pending": 0, "not_run": 0},
      "communities": {
        "<id>": {"community_id", "status": "pending" | "ok" | "failed" | "skipped" | "not_run",
                 "duration_s", "started_at", "finished_at",
                 "notebook", "cell_index", "execution_count",   # where it failed (else null)
                 "error_type", "error", "traceback",             # what failed (else null)
                 "fingerprint", "executed_notebook", "report",  # paths relative to out_dir
                 "outputs": "new" | "unchanged" | "previous" | "none",
                 "previous_finished_at": null | "...",
                 "worker": "host:pid"},
        ...
      },
      "portfolio": null | {"status": "ok" | "failed", "error": null | "..."}
    }

``outputs`` says what ``<id>/`` holds after the run: this run's outputs
(``new``), the unchanged outputs of a skipped community (``unchanged``), or,
after a failure, the outputs of the last successful run (``previous``, written
at ``previous_finished_at``; ``report`` then links that run's report) or none
(``none``). A failed run never replaces ``<id>/``: its executed notebooks are
in ``.failed/<id>/notebooks/`` (``executed_notebook``).

``pending`` communities have only ``community_id`` and ``status``;
``not_run`` marks those an interrupt stopped before they ran. The file is
rewritten atomically (at most once a second while running, and at the end).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import qmlib
from qmlib.outputs import atomic_write_bytes

from .result import CommunityResult

RUN_JSON = "run.json"
SCHEMA = "qm-run/1"


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


class RunRecord:
    """Keeps ``run.json`` in step with a batch."""

    def __init__(self, out_dir: Path, ids: list[str], options: dict[str, Any], min_interval: float = 1.0):
        self.path = out_dir / RUN_JSON
        self.min_interval = min_interval
        self._t0 = time.monotonic()
        self._last_save = 0.0
        self.results: dict[str, CommunityResult] = {}
        self.data: dict[str, Any] = {
            "schema": SCHEMA,
            "qm_version": qmlib.__version__,
            "status": "running",
            "started_at": _now(),
            "finished_at": None,
            "duration_s": None,
            "options": options,
            "counts": {},
            "communities": {c: {"community_id": c, "status": "pending"} for c in ids},
            "portfolio": None,
        }
        self.save()

    def counts(self) -> dict[str, int]:
        """Number of communities per status."""
        counts = {"ok": 0, "failed": 0, "skipped": 0, "pending": 0, "not_run": 0}
        for entry in self.data["communities"].values():
            counts[entry["status"]] = counts.get(entry["status"], 0) + 1
        return counts

    def update(self, result: CommunityResult) -> None:
        """Record a finished community (saved at most every ``min_interval`` seconds)."""
        self.results[result.community_id] = result
        self.data["communities"][result.community_id] = result.to_json()
        self.save(force=False)

    def finish(self, status: str) -> None:
        """Mark the batch ``finished`` or ``interrupted`` and save."""
        if status != "finished":
            for entry in self.data["communities"].values():
                if entry["status"] == "pending":
                    entry["status"] = "not_run"
        self.data["status"] = status
        self.data["finished_at"] = _now()
        self.data["duration_s"] = round(time.monotonic() - self._t0, 3)
        self.save()

    def set_portfolio(self, status: str, error: str | None = None) -> None:
        """Record the outcome of the portfolio hook and save."""
        self.data["portfolio"] = {"status": status, "error": error}
        self.save()

    def save(self, force: bool = True) -> None:
        """Write ``run.json`` atomically (throttled unless ``force``)."""
        now = time.monotonic()
        if not force and now - self._last_save < self.min_interval:
            return
        self._last_save = now
        self.data["counts"] = self.counts()
        text = json.dumps(self.data, ensure_ascii=False, indent=2)
        atomic_write_bytes(self.path, (text + "\n").encode("utf-8"))
