"""The ``qm`` command line: exit codes, messages, options (fixture notebooks, in-process)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import types
from pathlib import Path

import pytest
from typer.testing import CliRunner

import qmlib
from qmlib.cli import app
from qmlib.errors import QmError
from qmlib.runner import fingerprint, render
from qmlib.runner.lock import outputs_lock

FIXTURE_NOTEBOOKS = Path(__file__).parent / "fixtures" / "runner" / "notebooks"
runner = CliRunner()


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fallback report renderer, no real portfolio, a fixed qmlib source hash.

    ``qm run`` renders with ``qmlib.report.render_report`` and builds the board
    with ``qmlib.portfolio.build_portfolio``, both looked up when called;
    replacing the two attributes replaces what it uses.
    """
    monkeypatch.setattr("qmlib.report.render_report", render.basic_render)
    monkeypatch.setattr("qmlib.portfolio.build_portfolio", lambda out_dir, params_dir: None)
    monkeypatch.setattr(fingerprint, "qmlib_source_hash", lambda: "pinned")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with data/, params/ and the fixture notebooks; it is the CWD."""
    shutil.copytree(FIXTURE_NOTEBOOKS, tmp_path / "nbs")
    for cid in ("c1", "c2"):
        (tmp_path / "data" / cid).mkdir(parents=True)
        (tmp_path / "data" / cid / "surveys.csv").write_text("response_id,overall\n1,5\n", encoding="utf-8")
        (tmp_path / "params").mkdir(exist_ok=True)
        (tmp_path / "params" / f"{cid}.yaml").write_text(f"community_id: {cid}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def qm(*args: str):
    return runner.invoke(app, list(args))


def qm_run(*args: str):
    return qm("run", *args, "--notebooks-dir", "nbs", "--jobs", "1", "--no-progress")


def test_version() -> None:
    result = qm("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"qm {qmlib.__version__}"


@pytest.mark.slow
def test_run_all_exit_0_then_skip(site: Path) -> None:
    result = qm_run("--all")
    assert result.exit_code == 0, result.output
    assert "2 ok" in result.stdout
    assert (site / "outputs" / "c1" / "report.html").exists()
    assert (site / "outputs" / "index.html").exists()
    again = qm_run("c1", "c2")
    assert again.exit_code == 0 and "2 skipped" in again.stdout
    forced = qm_run("c1", "--force", "--engine", "nbclient")
    assert forced.exit_code == 0 and "1 ok" in forced.stdout


@pytest.mark.slow
def test_run_exit_1_when_a_community_fails(site: Path) -> None:
    (site / "data" / "c2" / "qmfail.txt").write_text("must be > 0", encoding="utf-8")
    result = qm_run("--all")
    assert result.exit_code == 1
    assert (
        "c2 failed in 02_metrics.ipynb cell 5 (In [5]): params/x.yaml: households: must be > 0"
        in result.stderr
    )
    assert "Traceback" not in result.output
    assert "1 ok, 1 failed" in result.stdout and "run.json" in result.stdout
    run = json.loads((site / "outputs" / "run.json").read_text(encoding="utf-8"))
    assert run["communities"]["c1"]["status"] == "ok"
    assert run["communities"]["c2"]["cell_index"] == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "no community given"),
        (("../etc",), "invalid community id '../etc'"),
        (("c1", "--all"), "not both"),
        (("nope",), "unknown community id: nope"),
        (("c1", "--jobs", "0"), "--jobs"),
        (("c1", "--engine", "warp"), "--engine"),
    ],
)
def test_usage_errors_exit_2(site: Path, args: tuple[str, ...], message: str) -> None:
    result = qm("run", *args, "--notebooks-dir", "nbs")
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (site / "outputs").exists()


def test_no_communities_and_no_notebooks_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = qm("run", "--all")
    assert result.exit_code == 2 and "no communities found" in result.stderr
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "c1.yaml").write_text("community_id: c1\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    result = qm("run", "c1", "--notebooks-dir", "empty")
    assert result.exit_code == 2 and "no notebooks" in result.stderr


def test_locked_outputs_exit_2(site: Path) -> None:
    with outputs_lock(site / "outputs"):
        result = qm_run("c1")
    assert result.exit_code == 2
    assert "in use by another qm run" in result.stderr and "pid" in result.stderr


def test_debug_shows_the_traceback(site: Path) -> None:
    assert "Traceback" in qm_run("nope", "--debug").stderr


def test_synth_calls_generate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls = []
    fake = types.ModuleType("qmlib.synth")
    fake.generate = lambda n, out, seed: calls.append((n, out, seed))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "qmlib.synth", fake)
    result = qm("synth", "--communities", "3", "--out", str(tmp_path), "--seed", "7")
    assert result.exit_code == 0, result.output
    assert calls == [(3, tmp_path, 7)]


def test_synth_user_error_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def generate(n: int, out: Path, seed: int) -> None:
        raise QmError(f"{out}: not empty")

    fake = types.ModuleType("qmlib.synth")
    fake.generate = generate  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "qmlib.synth", fake)
    result = qm("synth", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {tmp_path}: not empty"


def test_outputs_folder_in_the_way_is_a_clear_error(site: Path) -> None:
    (site / "blocked").write_text("not a folder", encoding="utf-8")
    result = qm_run("c1", "--out-dir", "blocked")
    assert result.exit_code == 2
    assert "cannot write the outputs folder" in result.output and "must be a folder" in result.output
    assert "Traceback" not in result.output


def test_disk_full_is_a_clear_error(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import qmlib.runner.batch as batch

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(site / "outputs" / "run.json"))

    monkeypatch.setattr(batch, "run_batch", full)
    result = qm_run("c1")
    assert result.exit_code == 2
    assert "No space left on device" in result.output and "disk is full" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_log_file_records_each_community(site: Path) -> None:
    (site / "data" / "c2" / "fail.txt").write_text("boom", encoding="utf-8")
    result = qm_run("--all", "--log-file", "qm.log")
    assert result.exit_code == 1
    log = (site / "qm.log").read_text(encoding="utf-8")
    assert "qmlib.runner.batch INFO: qm run: 2 communities" in log
    assert "qmlib.runner.execute DEBUG: c1: executing 01_ingest.ipynb" in log
    assert "qmlib.runner.execute INFO: c1 ok" in log
    assert "qmlib.runner.execute INFO: c2 failed in 02_metrics.ipynb cell 5" in log
    assert "DEBUG" not in result.output  # the terminal shows no log without --debug


@pytest.mark.parametrize(("flag", "expected"), [((), "0"), (("--notebook-figures",), "1")])
def test_notebook_only_charts_are_off_in_a_batch_unless_asked(
    site: Path, monkeypatch: pytest.MonkeyPatch, flag: tuple[str, ...], expected: str
) -> None:
    """The workers and their kernels inherit QM_NOTEBOOK_FIGURES from ``qm run``."""
    import qmlib.runner.batch as batch
    from qmlib.figures import NOTEBOOK_FIGURES_ENV

    seen: list[str | None] = []

    def record(*args: object, **kwargs: object) -> None:
        seen.append(os.environ.get(NOTEBOOK_FIGURES_ENV))
        raise OSError(28, "No space left on device", "x")  # stop here with a clear error (exit 2)

    monkeypatch.setenv(NOTEBOOK_FIGURES_ENV, "unset-by-test")
    monkeypatch.setattr(batch, "run_batch", record)
    qm_run("c1", *flag)
    assert seen == [expected]


def test_notebook_figures_variable_is_qmlib_figures_one() -> None:
    from qmlib import cli
    from qmlib.figures.style import NOTEBOOK_FIGURES_ENV

    assert cli.NOTEBOOK_FIGURES_ENV == NOTEBOOK_FIGURES_ENV


def test_qm_run_imports_no_pipeline_before_its_workers_start() -> None:
    """What ``qm run`` imports before the pool starts (the workers import the pipeline themselves).

    (papermill itself is imported, and with it the qm_warm engine module, its entry point.)"""
    code = (
        "import sys, qmlib.cli, qmlib.runner.batch, qmlib.runner.communities\n"
        "heavy = ('matplotlib', 'scipy', 'statsmodels', 'qmlib.figures', 'qmlib.report', 'nbconvert',"
        " 'qmlib.runner.execute', 'qmlib.portfolio.assemble', 'duckdb')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
