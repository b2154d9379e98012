"""End to end, as a user runs it: ``qm run`` on the shipped demo communities.

The real notebooks run under papermill (warm kernels), nbconvert renders the
reports. A second batch is killed with SIGKILL mid-run and resumed: its
outputs must equal those of the uninterrupted batch. A batch interrupted with
Ctrl-C (SIGINT to the whole process group, as a terminal sends it) exits 130
without a traceback. A rerun that fails keeps the previous outputs.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMOS = ("demo01", "demo02")
CONTRACT_CSV = {
    "metrics.csv": ["community_id", "metric_id", "period", "value", "n", "ci_low", "ci_high"],
    "changes.csv": [
        "community_id",
        "metric_id",
        "period",
        "baseline_value",
        "value",
        "change",
        "relative_change",
        "p_value",
        "significant",
    ],
    "targets.csv": [
        "community_id",
        "metric_id",
        "kind",
        "period",
        "target",
        "baseline_value",
        "actual_value",
        "change",
        "achieved",
    ],
    "shortcomings.csv": ["community_id", "shortcoming_id", "category", "severity", "metric_id", "evidence"],
    "plan.csv": [
        "community_id",
        "action_id",
        "shortcoming_id",
        "action",
        "owner_role",
        "due_on",
        "kpi",
        "kpi_target",
        "pdca_stage",
    ],
    "ingest_summary.csv": ["table", "source_file", "rows_read", "rows_accepted", "rows_rejected"],
    "rejects.csv": ["table", "source_file", "source_row", "column", "value", "reason"],
}
pytestmark = pytest.mark.slow


def qm(*args: str, cwd: Path, **popen: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "qmlib", *args],
        cwd=cwd,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


@contextlib.contextmanager
def reaped(proc: subprocess.Popen) -> Iterator[subprocess.Popen]:
    """On the way out, SIGKILL ``proc``'s process group if it still runs and drain its pipes."""
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        if proc.stdout is not None and not proc.stdout.closed:
            proc.communicate()


def wait_for(pattern: str, folder: Path, proc: subprocess.Popen, timeout: float = 600) -> Path:
    """Poll until a path matching ``pattern`` exists under ``folder`` (the run's state), then return it."""
    deadline = time.monotonic() + timeout
    while True:
        found = sorted(folder.glob(pattern))
        if found:
            return found[0]
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"{pattern} never appeared"
        time.sleep(0.1)


def zygote_processes() -> set[int]:
    """Pids of kernel zygotes and the kernels they forked (which keep the zygote's command line)."""
    pids = set()
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes()
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"qmlib.runner.zygote" in cmdline and state != "Z":
            pids.add(int(proc.name))
    return pids


def assert_gone(pids: set[int], within: float = 15) -> None:
    """The processes ``pids`` end within ``within`` seconds (nothing left behind)."""
    deadline = time.monotonic() + within
    while (left := pids & zygote_processes()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not left, f"left running: {sorted(left)}"


def workspace(tmp: Path) -> Path:
    for name in ("data", "params"):
        (tmp / name).mkdir(parents=True)
        for cid in DEMOS:
            src = ROOT / name / (cid if name == "data" else f"{cid}.yaml")
            dst = tmp / name / src.name
            shutil.copytree(src, dst) if src.is_dir() else shutil.copyfile(src, dst)
    return tmp


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = workspace(tmp_path_factory.mktemp("site_a"))
    proc = qm("run", "--all", "--jobs", "2", "--no-progress", cwd=site)
    stdout, stderr = proc.communicate(timeout=900)
    assert proc.returncode == 0, stderr
    assert "2 ok" in stdout
    return site / "outputs"


def test_every_contract_file_is_written(uninterrupted: Path) -> None:
    for cid in DEMOS:
        folder = uninterrupted / cid
        for name, columns in CONTRACT_CSV.items():
            raw = (folder / name).read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf"), name
            frame = pd.read_csv(folder / name, encoding="utf-8-sig")
            assert list(frame.columns[: len(columns)]) == columns, name
            if name not in ("rejects.csv", "ingest_summary.csv"):
                assert set(frame["community_id"]) <= {cid}
        for nb in ("01_ingest", "02_metrics", "03_shortcomings", "04_plan"):
            assert (folder / "notebooks" / f"{nb}.ipynb").is_file()
        html = (folder / "report.html").read_text(encoding="utf-8")
        for heading in ("一、", "二、", "三、", "四、", "五、"):
            assert heading in html
        assert "<script" not in html.lower() and "injected-parameters" not in html
        assert len(html.encode()) < 3 * 1024 * 1024
    run = json.loads((uninterrupted / "run.json").read_text(encoding="utf-8"))
    assert {c: v["status"] for c, v in run["communities"].items()} == dict.fromkeys(DEMOS, "ok")
    index = (uninterrupted / "index.html").read_text(encoding="utf-8")
    assert all(f"{cid}/report.html" in index for cid in DEMOS)
    assert (uninterrupted / "portfolio" / "report.html").is_file()


def test_planted_findings_reach_the_report(uninterrupted: Path) -> None:
    truth = json.loads((ROOT / "tests" / "truth" / "demo01.json").read_text(encoding="utf-8"))
    shortcomings = pd.read_csv(uninterrupted / "demo01" / "shortcomings.csv", encoding="utf-8-sig")
    evidence = " ".join(shortcomings["evidence"].astype(str))
    assert truth["effects"]["overdue_critical_hazard"]["hazard_id"] in evidence
    assert truth["effects"]["failing_elevator"]["asset_id"] in evidence
    html = (uninterrupted / "demo01" / "report.html").read_text(encoding="utf-8")
    assert truth["effects"]["overdue_critical_hazard"]["hazard_id"] in html


def test_killed_batch_resumes_to_identical_outputs(uninterrupted: Path, tmp_path: Path) -> None:
    site = workspace(tmp_path)
    out = site / "outputs"
    with reaped(qm("run", "--all", "--jobs", "1", "--no-progress", cwd=site)) as proc:
        wait_for("demo01/report.html", out, proc)
        wait_for(".tmp-demo02-*/demo02/notebooks/01_ingest.ipynb", out, proc)  # demo02 under way, staged
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert not (out / "demo02" / "report.html").exists()  # nothing half-written in place
    resumed = qm("run", "--all", "--jobs", "1", "--no-progress", cwd=site)
    stdout, stderr = resumed.communicate(timeout=900)
    assert resumed.returncode == 0, stderr
    assert "1 ok" in stdout and "1 skipped" in stdout
    assert not list(out.glob(".tmp-*"))
    for cid in DEMOS:
        for name in CONTRACT_CSV:
            assert (out / cid / name).read_bytes() == (uninterrupted / cid / name).read_bytes(), (cid, name)
        assert (out / cid / "report.html").is_file()


@pytest.mark.parametrize(
    "moment", [".tmp-demo01-*/demo01/notebooks/02_metrics.ipynb", "portfolio/portfolio.ipynb"]
)
def test_ctrl_c_exits_130_without_a_traceback(tmp_path: Path, moment: str) -> None:
    """Issue 10 item 12: SIGINT to qm and its kernels (a terminal's Ctrl-C) mid-notebook or mid-portfolio."""
    site = workspace(tmp_path)
    before = zygote_processes()
    with reaped(qm("run", "--all", "--jobs", "2", "--no-progress", cwd=site)) as proc:
        wait_for(moment, site / "outputs", proc)
        started = zygote_processes() - before  # the kernel zygote, and its kernels while they run
        assert started or moment.startswith("portfolio")
        os.killpg(proc.pid, signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    for noise in ("Traceback", "Task exception was never retrieved", "DeadKernelError", "KeyboardInterrupt"):
        assert noise not in stdout + stderr, stdout + stderr
    run = json.loads((site / "outputs" / "run.json").read_text(encoding="utf-8"))
    if moment.startswith("portfolio"):  # the communities had finished; the portfolio was cut short
        assert proc.returncode in (0, 130), stderr
    else:
        assert proc.returncode == 130, stderr
        assert "interrupted" in stderr and run["status"] == "interrupted"
    assert not list((site / "outputs").glob(".tmp-*"))
    assert_gone(started)


def test_a_killed_pool_batch_leaves_no_kernel_behind(tmp_path: Path) -> None:
    """SIGKILL to qm and its workers: the kernel zygote (own session) sees its stdin close and
    exits, the kernels it forked see their workers (pidfd) and their parent (ipykernel's poller)
    end; none keeps running."""
    site = workspace(tmp_path)
    before = zygote_processes()
    with reaped(qm("run", "--all", "--jobs", "2", "--no-progress", cwd=site)) as proc:
        wait_for(".tmp-demo0*/demo0*/notebooks/02_metrics.ipynb", site / "outputs", proc)
        started = zygote_processes() - before
        assert len(started) >= 2  # the zygote and its kernels (one per worker)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert_gone(started)


def test_a_failed_rerun_keeps_the_last_good_report(uninterrupted: Path, tmp_path: Path) -> None:
    """Issue 10 item 2: one vertical tab in a category of demo01, rerun: demo01's report stays."""
    site = workspace(tmp_path)
    shutil.copytree(uninterrupted, site / "outputs")
    before = (site / "outputs" / "demo01" / "report.html").read_bytes()
    path = site / "data" / "demo01" / "work_orders.csv"
    raw = path.read_bytes()
    encoding = "utf-8" if "水电维修".encode() in raw else "gb18030"
    category = "水电维修".encode(encoding)
    assert category in raw
    path.write_bytes(
        raw.replace(category, "水电\x0b维修".encode(encoding))
    )  # every row: it reaches plan.xlsx
    proc = qm("run", "--all", "--jobs", "1", "--no-progress", cwd=site)
    _, stderr = proc.communicate(timeout=900)
    run = json.loads((site / "outputs" / "run.json").read_text(encoding="utf-8"))
    entry = run["communities"]["demo01"]
    assert run["communities"]["demo02"]["status"] == "skipped"
    report = site / "outputs" / "demo01" / "report.html"
    assert report.is_file()  # either way, demo01 has a report
    if entry["status"] == "failed":  # the previous run's outputs, said so in run.json
        assert proc.returncode == 1
        assert entry["outputs"] == "previous" and entry["report"] == "demo01/report.html"
        assert report.read_bytes() == before
        assert (site / "outputs" / entry["executed_notebook"]).is_file()
    else:  # control characters handled on ingest: a new, complete report
        assert proc.returncode == 0 and entry["outputs"] == "new", stderr
