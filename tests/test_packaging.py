"""qmlib installs anywhere: notebooks and templates are package data; a wheel runs the demo.

The pipeline notebooks live in the package (``qmlib/notebooks/``, what
``qm run`` executes by default); the top-level ``notebooks/`` is the copy
analysts open in JupyterLab. The two must stay identical: after editing one,
copy it over the other (``cp notebooks/*.ipynb qmlib/notebooks/``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from qmlib.runner.communities import default_notebooks_dir

ROOT = Path(__file__).resolve().parents[1]


def test_package_notebooks_equal_the_top_level_notebooks() -> None:
    top = {p.name: p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")}
    packaged = {p.name: p.read_bytes() for p in (ROOT / "qmlib" / "notebooks").glob("*.ipynb")}
    assert sorted(top) == sorted(packaged)
    differ = [name for name in top if top[name] != packaged[name]]
    assert not differ, f"notebooks/ and qmlib/notebooks/ differ: {differ} (copy the edited one over)"


def test_qm_run_uses_the_packaged_notebooks() -> None:
    assert default_notebooks_dir() == ROOT / "qmlib" / "notebooks"


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_runs_a_demo_community(tmp_path: Path) -> None:
    """Build the wheel, install it (not editable) in a new venv, run ``qm run`` outside the repository."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src)
    shutil.copytree(ROOT / "qmlib", src / "qmlib", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    wheels = tmp_path / "wheels"
    env = _clean_env()
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(src)],
        check=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    (wheel,) = wheels.glob("qmlib-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for data in (
        "qmlib/notebooks/01_ingest.ipynb",
        "qmlib/notebooks/04_plan.ipynb",
        "qmlib/notebooks/portfolio.ipynb",
        "qmlib/playbook.yaml",
        "qmlib/report/templates/qm_report/index.html.j2",
    ):
        assert data in names, data

    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=300
    )
    python, qm = venv / "bin" / "python", venv / "bin" / "qm"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True,
        env=env,
        timeout=600,
    )
    where = subprocess.run(
        [str(python), "-c", "import qmlib; print(qmlib.__file__)"],
        check=True,
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout.strip()
    assert Path(where).is_relative_to(venv), where  # the wheel's qmlib, not the repository's

    # nbconvert's own templates ("lab", which qm_report extends) are data files of the nbconvert
    # installed beside the base interpreter; a --system-site-packages venv looks for Jupyter data
    # only under its own prefix, so point it at the base one (a venv with nbconvert installed in it
    # has them under its own prefix).
    env["JUPYTER_PATH"] = str(Path(sys.base_prefix) / "share" / "jupyter")
    work = tmp_path / "work"  # no notebooks/ folder anywhere near: they come from the package
    (work / "data").mkdir(parents=True)
    (work / "params").mkdir()
    shutil.copytree(ROOT / "data" / "demo01", work / "data" / "demo01")
    shutil.copy(ROOT / "params" / "demo01.yaml", work / "params")
    run = subprocess.run(
        [str(qm), "run", "demo01", "--jobs", "1", "--no-progress"],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr
    out = work / "outputs"
    assert (out / "demo01" / "report.html").is_file()
    assert (out / "portfolio" / "report.html").is_file()
    assert "1 ok" in run.stdout
