"""Run the portfolio notebook and render ``outputs/portfolio/report.html``."""

from __future__ import annotations

from pathlib import Path

import papermill as pm

from .rollup import PORTFOLIO_DIR

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "portfolio.ipynb"  # package data


def build_portfolio(out_dir: Path | str, params_dir: Path | str = "params", lang: str = "zh",
                    engine_name: str | None = "qm_warm") -> Path:
    """Execute ``notebooks/portfolio.ipynb`` for ``out_dir`` and render its HTML report.

    Returns the path of ``outputs/portfolio/report.html``.
    """
    from ..report import render_report

    out_dir, params_dir = Path(out_dir).resolve(), Path(params_dir).resolve()
    target = out_dir / PORTFOLIO_DIR
    target.mkdir(parents=True, exist_ok=True)
    executed = target / "portfolio.ipynb"
    pm.execute_notebook(
        str(NOTEBOOK), str(executed),
        parameters={"out_dir": str(out_dir), "params_dir": str(params_dir), "lang": lang},
        cwd=str(NOTEBOOK.parent), progress_bar=False, log_output=False, engine_name=engine_name,
    )
    return render_report(executed, target / "report.html", lang)
