"""The notebooks as an analyst runs them: papermill, default parameters, and each one alone.

Every test works in a temporary folder (never the repository's own outputs/).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import papermill as pm
import pytest

from qmlib import stages

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
STAGES = ("01_ingest", "02_metrics", "03_shortcomings", "04_plan")
pytestmark = pytest.mark.slow


def site(tmp_path: Path, cid: str = "demo01") -> Path:
    """notebooks/, data/<cid>/, params/<cid>.yaml under ``tmp_path`` (the repository's shape)."""
    shutil.copytree(NOTEBOOKS, tmp_path / "notebooks")
    shutil.copytree(ROOT / "data" / cid, tmp_path / "data" / cid)
    (tmp_path / "params").mkdir()
    shutil.copy(ROOT / "params" / f"{cid}.yaml", tmp_path / "params")
    return tmp_path


def run(notebook: str, out: Path, cwd: Path, **parameters: str) -> nbformat.NotebookNode:
    pm.execute_notebook(
        str(cwd / f"{notebook}.ipynb"),
        str(out),
        cwd=str(cwd),
        progress_bar=False,
        parameters=parameters or None,
    )
    return nbformat.read(out, as_version=4)


def html_outputs(nb: nbformat.NotebookNode) -> str:
    """Everything of the executed notebook that a browser renders as HTML or Markdown."""
    return "".join(
        o.get("data", {}).get(kind, "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        for kind in ("text/html", "text/markdown")
    )


def test_notebooks_are_committed_clean_with_a_parameters_cell() -> None:
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), path.name
        tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name


def test_stages_run_in_order_with_default_parameters(tmp_path: Path) -> None:
    """As in JupyterLab: cwd notebooks/, defaults (demo01, ../data, ../params, ../outputs)."""
    root = site(tmp_path / "site")
    for stage in STAGES:
        run(stage, tmp_path / f"{stage}.ipynb", root / "notebooks")
    out = root / "outputs" / "demo01"
    for name in ("metrics.csv", "changes.csv", "targets.csv", "shortcomings.csv", "plan.csv"):
        assert (out / name).is_file(), name
    assert len(pd.read_csv(out / "shortcomings.csv", encoding="utf-8-sig")) > 0
    html = html_outputs(nbformat.read(tmp_path / "04_plan.ipynb", as_version=4))
    assert "一、" in html and "五、" in html


@pytest.mark.parametrize("stage", ["02_metrics", "04_plan"])
def test_a_later_notebook_runs_alone(stage: str, tmp_path: Path) -> None:
    """papermill notebooks/<stage>.ipynb out.ipynb -p community_id demo02 (contract section 6)."""
    out = tmp_path / "outputs"
    assert not out.exists()
    run(
        stage,
        tmp_path / "out.ipynb",
        NOTEBOOKS,
        community_id="demo02",
        data_dir=str(ROOT / "data"),
        params_dir=str(ROOT / "params"),
        out_dir=str(out),
    )
    assert (out / "demo02" / "clean" / "surveys.parquet").is_file()
    expected = "metrics.csv" if stage == "02_metrics" else "plan.csv"
    assert (out / "demo02" / expected).is_file()


def test_notebook_04_shows_the_shortcomings_03_wrote(tmp_path: Path) -> None:
    """04 loads stage 3's frame: a shortcoming edited after 03 ran shows up in 04's report."""
    params = {
        "community_id": "demo03",
        "data_dir": str(ROOT / "data"),
        "params_dir": str(ROOT / "params"),
        "out_dir": str(tmp_path / "outputs"),
    }
    for stage in STAGES[:3]:
        run(stage, tmp_path / f"{stage}.ipynb", NOTEBOOKS, **params)
    c = stages.Community("demo03", ROOT / "data", ROOT / "params", tmp_path / "outputs")
    found = stages.load_shortcomings(c)
    marker = "MARKER-written-by-stage-3"
    stages.write_frame(
        found.assign(evidence=found["evidence"].where(found.index != 0, marker)),
        c.layout.frame("shortcomings"),
    )
    html = html_outputs(run("04_plan", tmp_path / "04.ipynb", NOTEBOOKS, **params))
    assert marker in html


def test_notebooks_escape_resident_text(tmp_path: Path) -> None:
    """Issue 10 item 4: a <script> in a category never lands raw in an executed notebook or its HTML."""
    from nbconvert import HTMLExporter

    root = site(tmp_path / "site")
    attack = "<script>alert(1)</script>"
    for name, category in (("complaints.csv", "停车管理"), ("work_orders.csv", "水电维修")):
        path = root / "data" / "demo01" / name
        raw = path.read_bytes()
        encoding = "utf-8" if raw.startswith(b"\xef\xbb\xbf") or category.encode() in raw else "gb18030"
        assert category.encode(encoding) in raw, name
        path.write_bytes(raw.replace(category.encode(encoding), attack.encode(encoding)))
    executed = {}
    for stage in STAGES:
        executed[stage] = run(stage, tmp_path / f"{stage}.ipynb", root / "notebooks")
    sc = pd.read_csv(root / "outputs" / "demo01" / "shortcomings.csv", encoding="utf-8-sig")
    assert sc["evidence"].str.contains(attack, regex=False).any()  # the attack reaches 03's table
    shown = html_outputs(executed["03_shortcomings"])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    for stage, nb in executed.items():
        assert attack not in html_outputs(nb), stage
        body, _ = HTMLExporter().from_notebook_node(nb)
        assert attack not in body, stage
    assert "alert(1)" in json.dumps(executed["03_shortcomings"], ensure_ascii=False)
