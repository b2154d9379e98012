"""The runner (qm run): warm kernels, failures, resumability, atomic outputs, lock, pool, Dask.

Uses the tiny fixture notebooks of tests/fixtures/runner/notebooks (copied to a
temporary folder per test), never the real pipeline notebooks. Fixture
behaviour: 01 writes ``kernel.txt`` (notebook, kernel pid, cwd) and sets
``ingest_secret``; 02 asserts that ``ingest_secret`` is gone and fails when
the community's data has ``fail.txt`` (RuntimeError) or ``qmfail.txt`` (a
QmError); 01 hangs when the data has ``hang``. Tests that execute notebooks
are marked ``slow`` (the project's marker for tests that run notebooks).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from qmlib.errors import QmError
from qmlib.runner import engine as warm_engine
from qmlib.runner import fingerprint, staging
from qmlib.runner.batch import run_batch
from qmlib.runner.communities import SelectionError, select
from qmlib.runner.execute import error_message, run_community
from qmlib.runner.fingerprint import compute_fingerprint, read_fingerprint
from qmlib.runner.lock import OutputsLockedError, outputs_lock
from qmlib.runner.render import basic_render

FIXTURE_NOTEBOOKS = Path(__file__).parent / "fixtures" / "runner" / "notebooks"


@pytest.fixture
def portfolio_calls() -> list[Path]:
    """Calls of the after-batch hook :func:`batch` passes (the real portfolio needs real outputs)."""
    return []


@pytest.fixture(autouse=True)
def pinned_source_hash(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A fixed qmlib source hash: other people edit qmlib while the tests run."""
    value = ["source-v1"]
    monkeypatch.setattr(fingerprint, "qmlib_source_hash", lambda: value[0])
    return value


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """data/, params/, notebooks/ (fixture copies) under a temporary folder."""
    shutil.copytree(FIXTURE_NOTEBOOKS, tmp_path / "notebooks")
    (tmp_path / "data").mkdir()
    (tmp_path / "params").mkdir()
    return tmp_path


def add_community(site: Path, cid: str, **files: str) -> None:
    """A community with a one-row surveys.csv, a params file and extra data files."""
    folder = site / "data" / cid
    folder.mkdir()
    (folder / "surveys.csv").write_text("response_id,overall\n1,5\n", encoding="utf-8")
    for name, text in files.items():
        (folder / name.replace("_txt", ".txt")).write_text(text, encoding="utf-8")
    (site / "params" / f"{cid}.yaml").write_text(
        f"community_id: {cid}\nname: <i>{cid}</i> 花园\nlanguage: en\n", encoding="utf-8"
    )


def kwargs(site: Path, **extra: object) -> dict:
    return {
        "data_dir": site / "data",
        "params_dir": site / "params",
        "out_dir": site / "outputs",
        "notebooks_dir": site / "notebooks",
        **extra,
    }


def batch(site: Path, ids: list[str], after_batch=None, **extra: object):
    """run_batch with the nbconvert fallback renderer and a recording after-batch hook."""
    calls: list[Path] = []
    outcome = run_batch(
        ids,
        progress=False,
        renderer=basic_render,
        after_batch=after_batch or (lambda out_dir, params_dir: calls.append(out_dir)),
        **kwargs(site, **extra),
    )
    outcome.hook_calls = calls  # type: ignore[attr-defined]
    return outcome


def run_one(cid: str, site: Path, **extra: object):
    """run_community with the nbconvert fallback renderer (independent of qmlib.report)."""
    return run_community(cid, renderer=basic_render, **kwargs(site, **extra))


def kernel_lines(site: Path, cid: str) -> list[list[str]]:
    text = (site / "outputs" / cid / "kernel.txt").read_text(encoding="utf-8")
    return [line.split(" ", 2) for line in text.splitlines()]


# --- warm kernel --------------------------------------------------------------------------------


@pytest.mark.slow
def test_warm_engine_reuses_one_kernel_with_a_clean_namespace(site: Path) -> None:
    add_community(site, "c1")
    add_community(site, "c2")
    for cid in ("c1", "c2"):
        result = run_one(cid, site, force=True)
        assert result.status == "ok", result.describe()
    lines = kernel_lines(site, "c1") + kernel_lines(site, "c2")
    assert [line[0] for line in lines] == ["01", "02", "03", "04"] * 2
    pids = {line[1] for line in lines}
    assert pids == {str(warm_engine.current_kernel().pid)}  # one kernel for 8 notebooks
    assert {line[2] for line in lines} == {str((site / "notebooks").resolve())}  # cwd = notebooks dir
    # 02 asserts that 01's variable is gone; execution counts restart at 1 in every notebook
    nb = nbformat.read(site / "outputs" / "c2" / "notebooks" / "02_metrics.ipynb", as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))


@pytest.mark.slow
def test_warm_reset_restores_process_state(tmp_path: Path) -> None:
    def notebook(path: Path, source: str) -> Path:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
        nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, path)
        return path

    dirty = notebook(
        tmp_path / "dirty.ipynb",
        "import os, sys, matplotlib, matplotlib.pyplot as plt\n"
        "os.environ['QM_LEAK'] = '1'; sys.path.append('/leak'); os.chdir('/')\n"
        "matplotlib.rcParams['lines.linewidth'] = 9; plt.figure(); leaked = 1",
    )
    check = notebook(
        tmp_path / "check.ipynb",
        "import os, sys, matplotlib, matplotlib.pyplot as plt\n"
        "assert 'leaked' not in globals()\n"
        "assert 'QM_LEAK' not in os.environ and '/leak' not in sys.path\n"
        f"assert os.getcwd() == {str(tmp_path)!r}, os.getcwd()\n"
        "assert matplotlib.rcParams['lines.linewidth'] != 9 and plt.get_fignums() == []",
    )
    resources = {"metadata": {"path": str(tmp_path)}}
    pm.execute_notebook(
        dirty, tmp_path / "o1.ipynb", engine_name="qm_warm", progress_bar=False, resources=resources
    )
    pid = warm_engine.current_kernel().pid
    pm.execute_notebook(
        check, tmp_path / "o2.ipynb", engine_name="qm_warm", progress_bar=False, resources=resources
    )
    assert warm_engine.current_kernel().pid == pid


@pytest.mark.slow
def test_dead_kernel_is_replaced(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os; os._exit(1)")])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "die.ipynb")
    ok = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    ok.metadata.kernelspec = nb.metadata.kernelspec
    nbformat.write(ok, tmp_path / "ok.ipynb")
    pm.execute_notebook(
        tmp_path / "ok.ipynb", tmp_path / "o.ipynb", engine_name="qm_warm", progress_bar=False
    )
    before = warm_engine.current_kernel().pid
    with pytest.raises(Exception):  # noqa: B017 - DeadKernelError or a papermill error, depending on timing
        pm.execute_notebook(
            tmp_path / "die.ipynb", tmp_path / "o.ipynb", engine_name="qm_warm", progress_bar=False
        )
    pm.execute_notebook(
        tmp_path / "ok.ipynb", tmp_path / "o.ipynb", engine_name="qm_warm", progress_bar=False
    )
    assert warm_engine.current_kernel().pid != before


@pytest.mark.slow
def test_cell_timeout_fails_the_community_and_replaces_the_busy_kernel(site: Path) -> None:
    add_community(site, "c1", hang="")
    add_community(site, "c2")
    hung = run_one("c1", site, cell_timeout=1)
    assert hung.status == "failed" and hung.error_type == "CellTimeoutError"
    assert (hung.notebook, hung.cell_index) == ("01_ingest.ipynb", 4)
    assert hung.executed_notebook == ".failed/c1/notebooks/01_ingest.ipynb"
    assert hung.outputs == "none" and not (site / "outputs" / "c1").exists()
    assert run_one("c2", site).status == "ok"


# --- failures, run.json, index ----------------------------------------------------------------------


@pytest.mark.slow
def test_failing_community_is_recorded_and_the_others_finish(site: Path) -> None:
    add_community(site, "c1")
    add_community(site, "c2", fail_txt="boom <here>")
    add_community(site, "c3", qmfail_txt="must be > 0")
    (site / "params" / "c4.yaml").write_text("community_id: c4\n", encoding="utf-8")  # no data folder
    outcome = batch(site, ["c1", "c2", "c3", "c4"])
    assert outcome.exit_code == 1
    run = json.loads((site / "outputs" / "run.json").read_text(encoding="utf-8"))
    assert run["status"] == "finished"
    assert run["counts"] == {"ok": 1, "failed": 3, "skipped": 0, "pending": 0, "not_run": 0}
    c = run["communities"]
    assert c["c1"]["status"] == "ok" and c["c1"]["report"] == "c1/report.html"
    assert c["c2"]["status"] == "failed"
    assert c["c2"]["notebook"] == "02_metrics.ipynb"
    assert c["c2"]["cell_index"] == 5  # markdown, parameters, injected parameters, 3 code cells
    assert c["c2"]["error"] == "RuntimeError: boom <here>"
    assert c["c2"]["executed_notebook"] == ".failed/c2/notebooks/02_metrics.ipynb"
    assert (c["c1"]["outputs"], c["c2"]["outputs"], c["c4"]["outputs"]) == ("new", "none", "none")
    assert c["c3"]["error"] == "params/x.yaml: households: must be > 0"  # a QmError: its message alone
    assert "no data folder" in c["c4"]["error"]
    # the failed notebook is kept under .failed/ (never as c2/); later notebooks did not run
    out = site / "outputs"
    assert (out / ".failed" / "c2" / "notebooks" / "02_metrics.ipynb").exists()
    assert not (out / ".failed" / "c2" / "notebooks" / "03_shortcomings.ipynb").exists()
    assert not (out / "c2").exists() and read_fingerprint(out / "c1") is not None
    assert not (out / "c4").exists()
    assert "c2 (02_metrics.ipynb cell 5)" in outcome.summary and "run.json" in outcome.summary
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="c1/report.html"' in index
    assert "&lt;i&gt;c1&lt;/i&gt; 花园" in index and "boom &lt;here&gt;" in index
    assert "<i>" not in index
    assert (out / "c1" / "report.html").read_text(encoding="utf-8").count("Plan for c1") == 1
    assert outcome.hook_calls == [out]


@pytest.mark.slow
def test_portfolio_failure_is_reported_without_changing_statuses(site: Path) -> None:
    def broken(out_dir: Path, params_dir: Path) -> None:
        raise QmError("no metrics to pool")

    add_community(site, "c1")
    outcome = batch(site, ["c1"], after_batch=broken)
    assert outcome.exit_code == 0
    run = json.loads((site / "outputs" / "run.json").read_text(encoding="utf-8"))
    assert run["portfolio"] == {"status": "failed", "error": "no metrics to pool"}
    assert run["communities"]["c1"]["status"] in ("ok", "skipped")


def test_error_message_shows_qm_errors_plainly() -> None:
    assert (
        error_message("ParamsError", "p.yaml: households: must be > 0") == "p.yaml: households: must be > 0"
    )
    assert error_message("InputFileError", "x.csv: missing") == "x.csv: missing"
    assert error_message("KeyError", "'x'") == "KeyError: 'x'"


# --- resumability ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_unchanged_community_is_skipped_and_changes_rerun(site: Path, pinned_source_hash: list[str]) -> None:
    add_community(site, "c1")
    status = lambda **kw: run_one("c1", site, **kw).status  # noqa: E731
    assert status() == "ok"
    fp = read_fingerprint(site / "outputs" / "c1")
    assert status() == "skipped"
    assert status(force=True) == "ok"
    (site / "data" / "c1" / "surveys.csv").write_text("response_id,overall\n1,4\n", encoding="utf-8")
    assert status() == "ok"
    assert read_fingerprint(site / "outputs" / "c1") != fp
    assert status() == "skipped"
    with (site / "params" / "c1.yaml").open("a", encoding="utf-8") as fh:
        fh.write("households: 10\n")
    assert status() == "ok"
    nb = site / "notebooks" / "03_shortcomings.ipynb"
    nb.write_text(
        nb.read_text(encoding="utf-8").replace("shortcoming_id", "shortcoming_id "), encoding="utf-8"
    )
    assert status() == "ok"
    assert status() == "skipped"
    pinned_source_hash[0] = "source-v2"  # qmlib upgraded
    assert status() == "ok"
    assert status() == "skipped"


def test_fingerprint_covers_data_params_and_notebooks(site: Path) -> None:
    add_community(site, "c1")
    data, params = site / "data" / "c1", site / "params" / "c1.yaml"
    nbs = sorted((site / "notebooks").glob("*.ipynb"))
    base = compute_fingerprint(data, params, nbs)
    assert compute_fingerprint(data, params, nbs) == base
    assert compute_fingerprint(data, params, nbs[:-1]) != base
    (data / "extra.csv").write_text("a\n", encoding="utf-8")
    assert compute_fingerprint(data, params, nbs) != base


# --- atomic outputs -------------------------------------------------------------------------------


@pytest.mark.slow
def test_killed_run_leaves_previous_outputs_untouched(site: Path) -> None:
    add_community(site, "c1")
    assert run_one("c1", site).status == "ok"
    out = site / "outputs"
    before = {p.relative_to(out): p.read_bytes() for p in (out / "c1").rglob("*") if p.is_file()}
    (site / "data" / "c1" / "hang").write_text("", encoding="utf-8")
    cmd = [sys.executable, "-m", "qmlib.cli", "run", "c1", "--jobs", "1", "--no-progress"]
    cmd += [f"--{k.replace('_', '-')}={v}" for k, v in kwargs(site).items()]
    proc = subprocess.Popen(
        cmd, cwd=site, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        marker = site / "data" / "c1.started"
        deadline = time.monotonic() + 45
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the run never reached the hanging cell"
            time.sleep(0.1)
        assert list(out.glob(".tmp-c1-*/c1/notebooks/01_ingest.ipynb"))  # mid-run, in staging
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
    after = {p.relative_to(out): p.read_bytes() for p in (out / "c1").rglob("*") if p.is_file()}
    assert after == before
    assert list(out.glob(".tmp-c1-*"))
    (site / "data" / "c1" / "hang").unlink()
    outcome = batch(site, ["c1"])  # removes the stale staging folder; inputs equal the kept outputs'
    assert outcome.exit_code == 0 and outcome.results["c1"].status == "skipped"
    assert not list(out.glob(".tmp-*"))


@pytest.mark.slow
def test_failed_rerun_keeps_the_previous_outputs(site: Path) -> None:
    """Issue 10 item 2: only a complete, successful run replaces outputs/<id>."""
    add_community(site, "c1")
    add_community(site, "c2")
    assert batch(site, ["c1", "c2"]).exit_code == 0
    out = site / "outputs"
    before = {p.relative_to(out): p.read_bytes() for p in (out / "c1").rglob("*") if p.is_file()}
    assert (out / "c1" / "report.html").is_file()
    (site / "data" / "c1" / "fail.txt").write_text("broken export", encoding="utf-8")
    outcome = batch(site, ["c1", "c2"])
    assert outcome.exit_code == 1
    after = {p.relative_to(out): p.read_bytes() for p in (out / "c1").rglob("*") if p.is_file()}
    assert after == before  # report.html, fingerprint and all: the last good outputs
    entry = json.loads((out / "run.json").read_text(encoding="utf-8"))["communities"]["c1"]
    assert entry["status"] == "failed" and entry["outputs"] == "previous"
    assert entry["previous_finished_at"] and entry["report"] == "c1/report.html"
    assert entry["executed_notebook"] == ".failed/c1/notebooks/02_metrics.ipynb"
    assert (out / entry["executed_notebook"]).is_file()
    assert (
        json.loads((out / "run.json").read_text(encoding="utf-8"))["communities"]["c2"]["outputs"]
        == "unchanged"
    )
    # fixed inputs: the next success replaces the outputs and drops the failed run's folder
    (site / "data" / "c1" / "fail.txt").unlink()
    (site / "data" / "c1" / "more.csv").write_text("a\n1\n", encoding="utf-8")
    outcome = batch(site, ["c1"])
    assert outcome.results["c1"].status == "ok" and outcome.results["c1"].outputs == "new"
    assert not (out / ".failed" / "c1").exists()


@pytest.mark.slow
@pytest.mark.parametrize("where", ["report", "fingerprint", "swap"])
def test_full_disk_on_force_keeps_the_previous_outputs(
    site: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """A write that fails with ENOSPC (report, fingerprint, the swap itself) on --force."""
    import errno

    from qmlib.runner import execute

    add_community(site, "c1")
    assert run_one("c1", site).status == "ok"
    out = site / "outputs"
    before = {p.relative_to(out): p.read_bytes() for p in (out / "c1").rglob("*") if p.is_file()}

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    renderer = basic_render
    if where == "report":
        renderer = full  # type: ignore[assignment]
    elif where == "fingerprint":
        monkeypatch.setattr(execute, "write_fingerprint", full)
    else:
        monkeypatch.setattr(execute, "swap_into_place", full)
    result = run_community("c1", renderer=renderer, **kwargs(site, force=True))
    assert result.status == "failed" and "No space left on device" in (result.error or "")
    assert result.outputs == "previous" and result.report == "c1/report.html"
    after = {p.relative_to(out): p.read_bytes() for p in (out / "c1").rglob("*") if p.is_file()}
    assert after == before
    assert not list(out.glob(".tmp-*"))


def test_swap_replaces_the_folder_with_or_without_renameat2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for exchange in (True, False):
        final, new = tmp_path / "c1", tmp_path / ".tmp-c1-1" / "c1"
        final.mkdir(exist_ok=True)
        (final / "old.txt").write_text("old", encoding="utf-8")
        new.mkdir(parents=True)
        (new / "new.txt").write_text("new", encoding="utf-8")
        if not exchange:
            monkeypatch.setattr(staging, "_exchange", lambda a, b: False)
        staging.swap_into_place(new, final)
        assert sorted(p.name for p in final.iterdir()) == ["new.txt"]
        assert not new.exists()
        shutil.rmtree(tmp_path / ".tmp-c1-1")
        shutil.rmtree(final)
    assert not list(tmp_path.iterdir())


def test_clean_stale_removes_staging_and_restores_interrupted_swaps(tmp_path: Path) -> None:
    (tmp_path / ".tmp-c1-123" / "c1").mkdir(parents=True)
    (tmp_path / ".old-c2-77").mkdir()  # crash between the two renames: c2 is missing
    (tmp_path / ".old-c3-78").mkdir()
    (tmp_path / "c3").mkdir()
    staging.clean_stale(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c2", "c3"]


# --- lock, selection ------------------------------------------------------------------------------


def test_second_run_on_the_same_outputs_is_refused(site: Path) -> None:
    add_community(site, "c1")
    with outputs_lock(site / "outputs"), pytest.raises(OutputsLockedError, match="in use by another qm run"):
        batch(site, ["c1"])
    assert not (site / "outputs" / "c1").exists()


def test_selection_validates_ids_before_building_paths(site: Path) -> None:
    add_community(site, "c1")
    (site / "data" / "Bad Name").mkdir()
    (site / "params" / "c2.yaml").write_text("community_id: c2\n", encoding="utf-8")
    data, params = site / "data", site / "params"
    all_ = select([], True, data, params)
    assert all_.ids == ["c1", "c2"] and "Bad Name" in all_.warnings[0]
    assert select(["c1", "c1"], False, data, params).ids == ["c1"]
    for bad in (["../c1"], ["C1"], ["nope"], []):
        with pytest.raises(SelectionError):
            select(bad, False, data, params)
    with pytest.raises(SelectionError):
        select(["c1"], True, data, params)
    with pytest.raises(SelectionError, match="no communities found"):
        select([], True, site / "none", site / "none")
    assert issubclass(SelectionError, QmError)


# --- parallel executors ---------------------------------------------------------------------------


def _without_report(site: Path) -> None:
    (site / "notebooks" / "04_plan.ipynb").unlink()  # workers would use the real report renderer


class HookInWorker:
    """A picklable after-batch hook that asks to run in a pool worker: writes its pid, may fail."""

    runs_in_worker = True

    def __init__(self, fail: str | None = None) -> None:
        self.fail = fail

    def __call__(self, out_dir: Path, params_dir: Path) -> None:
        (out_dir / "hook.pid").write_text(str(os.getpid()), encoding="utf-8")
        if self.fail:
            raise QmError(f"{self.fail}\nsecond line")


@pytest.mark.slow
def test_process_pool_runs_communities_in_parallel(site: Path) -> None:
    _without_report(site)
    add_community(site, "c1")
    add_community(site, "c2", fail_txt="pool boom")
    outcome = batch(site, ["c1", "c2"], jobs=2, after_batch=HookInWorker())
    assert {c: r.status for c, r in outcome.results.items()} == {"c1": "ok", "c2": "failed"}
    assert outcome.results["c2"].error == "RuntimeError: pool boom"
    assert outcome.exit_code == 1
    workers = {r.worker for r in outcome.results.values()}
    assert all(not w.endswith(f":{os.getpid()}") for w in workers)
    assert not (site / "outputs" / "c1" / "report.html").exists()
    # the portfolio hook ran once, in one of the pool's workers, after the communities
    hook_pid = (site / "outputs" / "hook.pid").read_text(encoding="utf-8")
    assert hook_pid != str(os.getpid())
    assert any(w.endswith(f":{hook_pid}") for w in workers)
    run = json.loads((site / "outputs" / "run.json").read_text(encoding="utf-8"))
    assert run["portfolio"] == {"status": "ok", "error": None}
    # the kernel zygote the workers forked their kernels from is gone with its socket folder
    assert not list(Path(tempfile.gettempdir()).glob(f"qm-zygote-{os.getpid()}-*"))


@pytest.mark.slow
def test_a_hook_failing_in_a_worker_is_recorded_as_one_line(site: Path) -> None:
    _without_report(site)
    add_community(site, "c1")
    add_community(site, "c2")
    outcome = batch(site, ["c1", "c2"], jobs=2, after_batch=HookInWorker(fail="no metrics to pool"))
    assert outcome.exit_code == 0
    run = json.loads((site / "outputs" / "run.json").read_text(encoding="utf-8"))
    assert run["portfolio"] == {"status": "failed", "error": "no metrics to pool"}
    assert (site / "outputs" / "hook.pid").read_text(encoding="utf-8") != str(os.getpid())


@pytest.mark.slow
def test_pool_workers_are_replaced_after_their_quota(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker runs at most WORKER_MAX_COMMUNITIES communities (bounded memory); a fresh one takes over."""
    from qmlib.runner import batch as batch_module

    assert warm_engine.WarmKernelEngine.max_uses == batch_module.WORKER_MAX_COMMUNITIES * 4
    monkeypatch.setattr(batch_module, "WORKER_MAX_COMMUNITIES", 1)
    _without_report(site)
    for cid in ("c1", "c2", "c3"):
        add_community(site, cid)
    outcome = batch(site, ["c1", "c2", "c3"], jobs=2)
    assert {r.status for r in outcome.results.values()} == {"ok"}
    assert len({r.worker for r in outcome.results.values()}) == 3


@pytest.mark.slow
def test_dask_local_cluster(site: Path) -> None:
    distributed = pytest.importorskip("distributed")
    _without_report(site)
    add_community(site, "c1")
    add_community(site, "c2", fail_txt="dask boom")
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        outcome = batch(site, ["c1", "c2"], scheduler=cluster.scheduler_address)
    assert outcome.results["c1"].status == "ok"
    assert outcome.results["c2"].error == "RuntimeError: dask boom"
    run = json.loads((site / "outputs" / "run.json").read_text(encoding="utf-8"))
    assert run["options"]["scheduler"].startswith("tcp://")
    assert run["communities"]["c2"]["notebook"] == "02_metrics.ipynb"
    assert read_fingerprint(site / "outputs" / "c1") is not None
