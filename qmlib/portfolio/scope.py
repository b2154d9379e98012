"""Which communities the company board pools (light: the batch hook imports it)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

#: Folder of the board under the outputs folder.
PORTFOLIO_DIR = "portfolio"


def community_ids(out_dir: Path) -> list[str]:
    """Communities with a metrics.csv under ``out_dir`` (sorted)."""
    return sorted(p.parent.name for p in out_dir.glob("*/metrics.csv") if not p.parent.name.startswith("."))


#: run.json statuses whose outputs are pooled: ran successfully in this batch, or skipped as unchanged.
POOLED_STATUSES = {"ok": "ran", "skipped": "unchanged"}


def select_communities(out_dir: Path) -> pd.DataFrame:
    """Which communities the portfolio pools, and why (columns community_id, status, pooled, reason).

    With ``run.json`` (a ``qm run`` batch): exactly the communities that ran
    successfully in this batch (reason ``ran``) or were skipped as unchanged
    and still have valid outputs, i.e. a ``metrics.csv`` (``unchanged``).
    Failed or not-run communities are left out even when an older folder
    exists (``failed``, ``not_run``), and so are folders of communities that
    were not part of the batch (``not_in_batch``) and skipped communities
    without outputs (``no_outputs``). Without ``run.json`` (the notebook run
    by hand) every folder with a ``metrics.csv`` is pooled (``found``).
    """
    found = set(community_ids(out_dir))
    rows: list[dict[str, object]] = []
    run_path = out_dir / "run.json"
    run = None
    if run_path.is_file():
        try:
            run = json.loads(run_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            run = None
    if not isinstance(run, dict) or not isinstance(run.get("communities"), dict):
        rows = [{"community_id": c, "status": "", "pooled": True, "reason": "found"} for c in sorted(found)]
    else:
        batch = run["communities"]
        for cid in sorted(batch):
            status = str((batch[cid] or {}).get("status", ""))
            if status in POOLED_STATUSES and cid in found:
                rows.append(
                    {"community_id": cid, "status": status, "pooled": True, "reason": POOLED_STATUSES[status]}
                )
            else:
                reason = "no_outputs" if status in POOLED_STATUSES else (status or "not_run")
                rows.append({"community_id": cid, "status": status, "pooled": False, "reason": reason})
        for cid in sorted(found - set(batch)):
            rows.append({"community_id": cid, "status": "", "pooled": False, "reason": "not_in_batch"})
    return pd.DataFrame(rows, columns=["community_id", "status", "pooled", "reason"])
