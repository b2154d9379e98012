"""Benchmark of batch execution: naive command lines vs ``qm run`` vs plain Python.

    python bench/batch.py [--communities 40] [--seed 0] [--jobs N] [--naive-sample 10]
                          [--compare-engines] [--also-serial] [--source DIR] [--notebooks-dir DIR]
                          [--portfolio 1000]

Generates N synthetic communities with ``qmlib.synth.generate`` into a
temporary folder (or uses ``--source DIR`` with ``DIR/data`` and
``DIR/params``), then measures:

(a) a naive loop: per community, one ``papermill`` command per notebook and
    one ``jupyter nbconvert --to html --no-input`` (sequential; by default on
    a sample of ``--naive-sample`` communities, the rate is extrapolated);
(b) ``qm run --all --force`` with ``--jobs`` workers and the warm-kernel engine
    (``--compare-engines`` adds the nbclient engine, ``--also-serial`` adds
    ``--jobs 1``);
(c) the same qmlib calls in one Python process without notebooks, through
    ``qmlib.pipeline.run_inprocess(community_id, data_dir, params_dir,
    out_dir)`` when it exists (sequential).

Prints communities per minute for each and the ratios a/b and b/c (time per
community of the first divided by that of the second), then times the
portfolio roll-up for ``--portfolio`` communities (bench/portfolio_rollup.py).
A script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Measure:
    """One method's figures."""

    label: str
    communities: int
    seconds: float
    ok: int
    failed: int
    note: str = ""

    @property
    def per_community(self) -> float:
        return self.seconds / self.communities if self.communities else float("nan")

    @property
    def per_minute(self) -> float:
        return 60.0 / self.per_community if self.communities and self.seconds > 0 else float("nan")

    def line(self) -> str:
        return (
            f"{self.label:<48} {self.communities:>4} comm. {self.seconds:>8.1f} s "
            f"{self.per_community:>7.2f} s/comm. {self.per_minute:>7.2f} comm./min "
            f"(ok {self.ok}, failed {self.failed}){' ' + self.note if self.note else ''}"
        )


def qm_command() -> list[str]:
    exe = shutil.which("qm")
    return [exe] if exe else [sys.executable, "-m", "qmlib.cli"]


def list_notebooks(notebooks_dir: Path) -> list[Path]:
    return sorted(p for p in notebooks_dir.glob("[0-9][0-9]_*.ipynb") if p.is_file())


def prepare(args: argparse.Namespace, work: Path) -> tuple[Path, Path, list[str], str]:
    """data dir, params dir, ids and a description of the communities."""
    if args.source:
        source = Path(args.source).resolve()
        data, params = source / "data", source / "params"
        ids = sorted(p.stem for p in params.glob("*.yaml"))[: args.communities]
        return data, params, ids, f"from {source}"
    try:
        synth = importlib.import_module("qmlib.synth")
    except ModuleNotFoundError:
        sys.exit("qmlib.synth is not available: use --source DIR (with DIR/data and DIR/params)")
    t0 = time.perf_counter()
    synth.generate(args.communities, work, args.seed)
    took = time.perf_counter() - t0
    ids = sorted(p.stem for p in (work / "params").glob("*.yaml"))
    return work / "data", work / "params", ids, f"synthetic, seed {args.seed}, generated in {took:.1f} s"


def naive(ids: list[str], data: Path, params: Path, notebooks: list[Path], out: Path) -> Measure:
    """(a): papermill and jupyter nbconvert command lines, one process per notebook."""
    ok = failed = 0
    t0 = time.perf_counter()
    for cid in ids:
        folder = out / cid / "notebooks"
        folder.mkdir(parents=True, exist_ok=True)
        good = True
        for nb in notebooks:
            cmd = ["papermill", str(nb), str(folder / nb.name), "--cwd", str(nb.parent), "--no-progress-bar"]
            for key, value in (
                ("community_id", cid),
                ("data_dir", data),
                ("params_dir", params),
                ("out_dir", out),
            ):
                cmd += ["-p", key, str(value)]
            if subprocess.run(cmd, capture_output=True).returncode != 0:
                good = False
                break
        if good and any(nb.name == "04_plan.ipynb" for nb in notebooks):
            cmd = ["jupyter", "nbconvert", "--to", "html", "--no-input", "--output-dir", str(out / cid)]
            cmd += ["--output", "report", str(folder / "04_plan.ipynb")]
            good = subprocess.run(cmd, capture_output=True).returncode == 0
        ok += good
        failed += not good
    return Measure(
        "(a) naive papermill + nbconvert CLI, sequential", len(ids), time.perf_counter() - t0, ok, failed
    )


def qm_run(data: Path, params: Path, nb_dir: Path, out: Path, jobs: int, engine: str, n: int) -> Measure:
    """(b): ``qm run --all`` (process start-up included)."""
    cmd = [*qm_command(), "run", "--all", "--force", "--no-progress", "--jobs", str(jobs), "--engine", engine]
    cmd += ["--data-dir", str(data), "--params-dir", str(params), "--out-dir", str(out)]
    cmd += ["--notebooks-dir", str(nb_dir)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    try:
        counts = json.loads((out / "run.json").read_text(encoding="utf-8"))["counts"]
    except (OSError, ValueError, KeyError):
        counts = {"ok": 0, "failed": n}
        print(proc.stdout, proc.stderr, file=sys.stderr)
    return Measure(
        f"(b) qm run --all --jobs {jobs} --engine {engine}",
        n,
        seconds,
        counts.get("ok", 0),
        counts.get("failed", 0),
    )


def inprocess(ids: list[str], data: Path, params: Path, out: Path) -> Measure | None:
    """(c): ``qmlib.pipeline.run_inprocess`` in this process, or ``None`` when it does not exist."""
    try:
        pipeline = importlib.import_module("qmlib.pipeline")
    except ModuleNotFoundError:
        return None
    run = getattr(pipeline, "run_inprocess", None)
    if run is None:
        return None
    ok = failed = 0
    t0 = time.perf_counter()
    for cid in ids:
        try:
            run(cid, data, params, out)
            ok += 1
        except Exception as exc:
            failed += 1
            print(f"(c) {cid}: {type(exc).__name__}: {exc}", file=sys.stderr)
    return Measure(
        "(c) qmlib.pipeline.run_inprocess, sequential", len(ids), time.perf_counter() - t0, ok, failed
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communities", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--naive-sample", type=int, default=10, help="communities for (a); 0 = all")
    parser.add_argument("--compare-engines", action="store_true", help="also qm run --engine nbclient")
    parser.add_argument("--also-serial", action="store_true", help="also qm run --jobs 1")
    parser.add_argument("--source", help="use DIR/data and DIR/params instead of generating")
    parser.add_argument("--notebooks-dir", default=str(REPO / "notebooks"))
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--portfolio", type=int, default=1000,
                        help="also time the portfolio roll-up for this many communities (0: skip)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="qm-bench-"))
    try:
        data, params, ids, origin = prepare(args, work)
        nb_dir = Path(args.notebooks_dir).resolve()
        notebooks = list_notebooks(nb_dir)
        print(
            f"{len(ids)} communities ({origin}); notebooks: {', '.join(p.name for p in notebooks) or 'none'}"
        )
        print(f"{len(os.sched_getaffinity(0))} cores; work folder {work}")
        results: dict[str, Measure] = {}

        sample = ids if args.naive_sample <= 0 else ids[: args.naive_sample]
        results["a"] = naive(sample, data, params, notebooks, work / "out_a")
        if len(sample) < len(ids):
            results["a"].note = f"[sample of {len(sample)}; rate extrapolated]"
        print(results["a"].line(), flush=True)

        results["b"] = qm_run(data, params, nb_dir, work / "out_b", args.jobs, "qm_warm", len(ids))
        print(results["b"].line(), flush=True)
        if args.compare_engines:
            results["b_nbclient"] = qm_run(
                data, params, nb_dir, work / "out_b_nb", args.jobs, "nbclient", len(ids)
            )
            print(results["b_nbclient"].line(), flush=True)
        if args.also_serial:
            results["b_serial"] = qm_run(data, params, nb_dir, work / "out_b1", 1, "qm_warm", len(ids))
            print(results["b_serial"].line(), flush=True)

        c = inprocess(ids, data, params, work / "out_c")
        if c is None:
            print("(c) unavailable: qmlib.pipeline.run_inprocess does not exist")
        else:
            results["c"] = c
            print(c.line())

        a, b = results["a"], results["b"]
        print(
            f"a/b = {a.per_community / b.per_community:.2f}  (qm run is that many times faster than the naive loop)"
        )
        if "b_nbclient" in results:
            ratio = results["b_nbclient"].per_community / b.per_community
            print(f"nbclient/qm_warm = {ratio:.2f}  (same qm run, fresh kernel per notebook vs warm kernel)")
        if "c" in results:
            print(
                f"b/c = {b.per_community / results['c'].per_community:.2f}  (cost of notebooks over plain Python)"
            )
        else:
            print("b/c = unavailable")
        if args.portfolio:
            # the company roll-up at scale (replicated outputs of the demo communities)
            subprocess.run([sys.executable, str(REPO / "bench" / "portfolio_rollup.py"),
                            "--communities", str(args.portfolio)], check=False)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
