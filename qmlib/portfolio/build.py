"""Build the company board after a batch: ``outputs/portfolio/report.html``, ``report.pdf``, ``board.xlsx``.

:func:`build_portfolio` runs ``notebooks/portfolio.ipynb`` (which computes the
board, records the month in the history and writes ``board.xlsx``), renders
its HTML and prints the PDF. It first fingerprints everything the board
reads (:func:`inputs_fingerprint`); when nothing changed since the last build
and the three files exist, it returns at once, so a rerun of an unchanged
batch costs almost nothing.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import qmlib

from ..outputs import atomic_write_bytes
from ..runner.index import report_language
from .scope import PORTFOLIO_DIR, select_communities

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "portfolio.ipynb"  # package data
FINGERPRINT = "fingerprint.json"
OUTPUTS = ("report.html", "report.pdf", "board.xlsx")
#: Files of a pooled community the board reads.
COMMUNITY_FILES = (
    "metrics.csv",
    "changes.csv",
    "targets.csv",
    "shortcomings.csv",
    "plan.csv",
    "insights.csv",
    "report.html",
    "clean/hazards.parquet",
    "clean/incidents.parquet",
    "clean/assets.parquet",
    "clean/work_orders.parquet",
)


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _code_hash() -> str:
    h = hashlib.sha256(qmlib.__version__.encode())
    files = [*sorted(Path(__file__).parent.glob("*.py")), NOTEBOOK]
    files += [Path(qmlib.__file__).parent / "labels" / "portfolio.py"]
    for path in files:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def inputs_fingerprint(out_dir: Path, params_dir: Path, lang: str) -> str:
    """Hash of what the board reads: the pooled selection, each pooled community's files
    (size and mtime) and params (content), the other months' history, the code and ``lang``."""
    selection = select_communities(out_dir)
    state: dict[str, object] = {
        "lang": lang,
        "code": _code_hash(),
        # pooled or not (and why not): ran vs unchanged is not shown and does not count
        "selection": [
            [c, bool(p), "" if p else r]
            for c, p, r in zip(
                selection["community_id"], selection["pooled"], selection["reason"], strict=True
            )
        ],
    }
    files: dict[str, list[int] | str | None] = {}
    for cid in selection.loc[selection["pooled"], "community_id"]:
        for name in COMMUNITY_FILES:
            files[f"{cid}/{name}"] = _stat(out_dir / cid / name)
        params = params_dir / f"{cid}.yaml"
        files[f"params/{cid}"] = hashlib.sha256(params.read_bytes()).hexdigest() if params.is_file() else None
    history = out_dir / PORTFOLIO_DIR / "history"
    state["files"] = files
    state["history"] = sorted(str(p.relative_to(history)) for p in history.glob("month=*/*.parquet"))
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def build_portfolio(
    out_dir: Path | str,
    params_dir: Path | str = "params",
    lang: str | None = None,
    engine_name: str | None = "qm_inprocess",
    force: bool = False,
) -> Path:
    """Build (or keep, when its inputs are unchanged) the board; returns ``portfolio/report.html``.

    The notebook runs in this process (papermill engine ``qm_inprocess``,
    :mod:`qmlib.runner.inprocess`): no kernel to start and no pipeline
    modules to import for a dozen cells; ``engine_name="qm_warm"`` or
    ``"nbclient"`` runs it in a kernel instead.

    ``lang`` defaults to the batch's report language (:func:`qmlib.runner.index.report_language`).
    """
    import papermill as pm

    from ..report import render_report
    from ..runner import inprocess  # noqa: F401  # registers the qm_inprocess engine
    from .export import write_pdf

    out_dir, params_dir = Path(out_dir).resolve(), Path(params_dir).resolve()
    target = out_dir / PORTFOLIO_DIR
    target.mkdir(parents=True, exist_ok=True)
    if lang is None:
        selection = select_communities(out_dir)
        lang = report_language(params_dir, list(selection.loc[selection["pooled"], "community_id"]))
    fingerprint = inputs_fingerprint(out_dir, params_dir, lang)
    stamp = target / FINGERPRINT
    html = target / "report.html"
    if not force and all((target / name).is_file() for name in OUTPUTS) and stamp.is_file():
        try:
            if json.loads(stamp.read_text(encoding="utf-8")).get("inputs") == fingerprint:
                return html
        except ValueError:
            pass
    stamp.unlink(missing_ok=True)
    executed = target / "portfolio.ipynb"
    pm.execute_notebook(
        str(NOTEBOOK),
        str(executed),
        parameters={"out_dir": str(out_dir), "params_dir": str(params_dir), "lang": lang},
        cwd=str(NOTEBOOK.parent),
        progress_bar=False,
        log_output=False,
        engine_name=engine_name,
    )
    render_report(executed, html, lang)
    write_pdf(html, target / "report.pdf", lang)
    # the notebook recorded this month in the history: fingerprint the state after the build
    after = inputs_fingerprint(out_dir, params_dir, lang)
    atomic_write_bytes(stamp, json.dumps({"inputs": after}).encode("utf-8"))
    return html
