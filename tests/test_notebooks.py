"""The notebooks as an analyst runs them: papermill, default parameters, and each one alone."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill as pm
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
STAGES = ("01_ingest", "02_metrics", "03_shortcomings", "04_plan")
pytestmark = pytest.mark.slow


def test_notebooks_are_committed_clean_with_a_parameters_cell() -> None:
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), path.name
        tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name


def test_stages_run_in_order_with_default_parameters(tmp_path: Path) -> None:
    """As in JupyterLab: cwd notebooks/, defaults (demo01, ../data, ../params, ../outputs)."""
    for stage in STAGES:
        pm.execute_notebook(str(NOTEBOOKS / f"{stage}.ipynb"), str(tmp_path / f"{stage}.ipynb"),
                            cwd=str(NOTEBOOKS), progress_bar=False)
    out = ROOT / "outputs" / "demo01"
    for name in ("metrics.csv", "changes.csv", "targets.csv", "shortcomings.csv", "plan.csv"):
        assert (out / name).is_file()
    executed = nbformat.read(tmp_path / "04_plan.ipynb", as_version=4)
    html = "".join(o.get("data", {}).get("text/html", "") for c in executed.cells if c.cell_type == "code"
                   for o in c.outputs)
    assert "一、" in html and "五、" in html


@pytest.mark.parametrize("stage", ["02_metrics", "04_plan"])
def test_a_later_notebook_runs_alone(stage: str, tmp_path: Path) -> None:
    """papermill notebooks/<stage>.ipynb out.ipynb -p community_id demo02 (contract section 6)."""
    out = tmp_path / "outputs"
    pm.execute_notebook(str(NOTEBOOKS / f"{stage}.ipynb"), str(tmp_path / "out.ipynb"), cwd=str(NOTEBOOKS),
                        progress_bar=False,
                        parameters={"community_id": "demo02", "data_dir": str(ROOT / "data"),
                                    "params_dir": str(ROOT / "params"), "out_dir": str(out)})
    assert (out / "demo02" / "clean" / "surveys.parquet").is_file()
    expected = "metrics.csv" if stage == "02_metrics" else "plan.csv"
    assert (out / "demo02" / expected).is_file()
