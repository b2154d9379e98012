"""Benchmark of batch execution: naive command lines vs ``qm run`` vs plain Python.

    python bench/batch.py [--communities 16] [--seed 0] [--jobs 2] [--naive-sample 3]
                          [--compare-engines] [--also-serial] [--source DIR] [--notebooks-dir DIR]
                          [--portfolio 1000,3000] [--memory 0] [--no-documents]

Generates N synthetic communities with ``qmlib.synth.generate`` into a
temporary folder (or uses ``--source DIR`` with ``DIR/data`` and
``DIR/params``), then measures:

(a) a naive loop: per community, one ``papermill`` command per notebook,
    one ``jupyter nbconvert --to html --no-input`` and one ``python`` process
    that writes the documents (``report.docx``, ``report.pdf``, ``brief``) as
    ``qm run`` does, so that (a) and (b) deliver the same files
    (``--no-documents`` leaves that step out); sequential; by default on a
    sample of ``--naive-sample`` communities, the rate is extrapolated;
(b) ``qm run --all --force`` with ``--jobs`` workers and the warm-kernel engine
    (``--compare-engines`` adds the nbclient engine, ``--also-serial`` adds
    ``--jobs 1``);
(c) the same qmlib calls in one Python process without notebooks, through
    ``qmlib.pipeline.run_inprocess(community_id, data_dir, params_dir,
    out_dir)`` when it exists (sequential).

Prints seconds per community and communities per minute for each, the
ratios a/b (goal ≥ 10) and b/c (time per community of the first divided by
that of the second), the peak RSS of every process of (b) by role (main,
worker, kernel zygote, kernel; sampled every 0.2 s with psutil) and of (c), and the time
projected for 3,000 communities on this machine: (b)'s time per community
(start-up included, so conservative) × 3,000 plus the portfolio roll-up
timed at 3,000 communities. Then times the portfolio roll-up for each count
of ``--portfolio`` (bench/portfolio_rollup.py) and, with ``--memory N``,
runs N communities one after the other in one warm kernel (this process's
``run_community``) and prints the kernel's and this process's RSS along the
way, to show whether memory grows with the number of communities.

The machine may be shared: the three methods run one after the other in
one run, so compare the ratios, not the seconds with another run.
A script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

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
    cpu_seconds: float = float("nan")
    """User + system CPU time of the method's processes (kernels included)."""
    steady: float | None = None
    """Seconds per community once started (from run.json; qm run only)."""
    peak_rss: dict[str, float] = field(default_factory=dict)
    """Peak RSS (MB) by process role: the largest of its processes, and how many there were."""

    @property
    def per_community(self) -> float:
        return self.seconds / self.communities if self.communities else float("nan")

    @property
    def per_minute(self) -> float:
        return 60.0 / self.per_community if self.communities and self.seconds > 0 else float("nan")

    @property
    def cpu_per_community(self) -> float:
        return self.cpu_seconds / self.communities if self.communities else float("nan")

    def line(self) -> str:
        return (
            f"{self.label:<48} {self.communities:>4} comm. {self.seconds:>8.1f} s "
            f"{self.per_community:>7.2f} s/comm. {self.per_minute:>7.2f} comm./min "
            f"{self.cpu_per_community:>7.2f} CPU s/comm. "
            f"(ok {self.ok}, failed {self.failed}){' ' + self.note if self.note else ''}"
        )


def children_cpu() -> float:
    """CPU seconds used by this process's finished (reaped) descendants so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def steady_rate(run_json: Path, jobs: int) -> float | None:
    """Seconds per community after each worker's first community (start-up and kernel start excluded)."""
    import datetime as dt

    try:
        items = json.loads(run_json.read_text(encoding="utf-8"))["communities"]
        rows = items.values() if isinstance(items, dict) else items
        finished = sorted(dt.datetime.fromisoformat(r["finished_at"]) for r in rows if r["status"] == "ok")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if len(finished) <= jobs:
        return None
    return (finished[-1] - finished[jobs - 1]).total_seconds() / (len(finished) - jobs)


class RssMonitor:
    """Peak RSS of a process tree, by role, sampled in a background thread."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid = pid
        self.interval = interval
        self.peaks: dict[int, tuple[str, float]] = {}
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def role(proc: psutil.Process, root: int) -> str:
        try:
            cmd = " ".join(proc.cmdline())
        except psutil.Error:
            return "other"
        if proc.pid == root:
            return "main"
        if "qmlib.runner.zygote" in cmd:
            # warm kernels are forked from the kernel zygote: same command line
            try:
                return "zygote" if proc.ppid() == root else "kernel"
            except psutil.Error:
                return "kernel"
        if "forkserver" in cmd and "main(" in cmd:
            # the pool's workers are forked from the forkserver: same command line
            try:
                return "forkserver" if proc.ppid() == root else "worker"
            except psutil.Error:
                return "worker"
        if "resource_tracker" in cmd:
            return "other"
        if "ipykernel" in cmd:
            return "kernel"
        return "worker" if "python" in cmd else "other"

    def _sample(self) -> None:
        try:
            root = psutil.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return
        for proc in procs:
            try:
                rss = proc.memory_info().rss / 2**20
                times = proc.cpu_times()
            except psutil.Error:
                continue
            self.cpu[proc.pid] = times.user + times.system
            role, peak = self.peaks.get(proc.pid, (None, 0.0))
            if role is None:
                role = self.role(proc, self.pid)
            self.peaks[proc.pid] = (role, max(peak, rss))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> RssMonitor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> dict[str, float]:
        """role → peak RSS (MB) of the largest process of that role; ``role#`` → number of processes."""
        out: dict[str, float] = {"cpu_sampled": sum(self.cpu.values())}
        for role, peak in self.peaks.values():
            out[role] = max(out.get(role, 0.0), peak)
            out[role + "#"] = out.get(role + "#", 0) + 1
        return out


def rss_text(peaks: dict[str, float]) -> str:
    roles = [r for r in ("main", "forkserver", "worker", "zygote", "kernel") if r in peaks]
    return ", ".join(f"{r} {peaks[r]:.0f} MB (max of {int(peaks[r + '#'])})" for r in roles)


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


def naive(
    ids: list[str], data: Path, params: Path, notebooks: list[Path], out: Path, documents: bool = True
) -> Measure:
    """(a): papermill and jupyter nbconvert command lines, one process per notebook.

    With ``documents`` (the default) one more process per community writes the documents that
    ``qm run`` writes after the report (Word, PDF, brief), so that (a) and (b) deliver the same files.
    """
    ok = failed = 0
    docs_seconds = 0.0
    cpu0 = children_cpu()
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
        if good and documents:
            # the documents qm run hands on (report.docx, report.pdf, brief.html/pdf): one more
            # process per community, calling the same function qm run calls after nbconvert
            d0 = time.perf_counter()
            code = "import sys; from pathlib import Path; from qmlib.runner.render import write_documents; "
            code += "write_documents(Path(sys.argv[1]), Path(sys.argv[2]))"
            cmd = [sys.executable, "-c", code, str(out / cid), str(params / f"{cid}.yaml")]
            good = subprocess.run(cmd, capture_output=True).returncode == 0
            docs_seconds += time.perf_counter() - d0
        ok += good
        failed += not good
    seconds = time.perf_counter() - t0
    label = "(a) naive papermill + nbconvert CLI" + (" + documents" if documents else "") + ", sequential"
    measure = Measure(label, len(ids), seconds, ok, failed, cpu_seconds=children_cpu() - cpu0)
    if documents and ids:
        measure.note = f"[documents step: {docs_seconds / len(ids):.2f} s/comm.]"
    return measure


def qm_run(data: Path, params: Path, nb_dir: Path, out: Path, jobs: int, engine: str, n: int) -> Measure:
    """(b): ``qm run --all`` (process start-up included)."""
    cmd = [*qm_command(), "run", "--all", "--force", "--no-progress", "--jobs", str(jobs), "--engine", engine]
    cmd += ["--data-dir", str(data), "--params-dir", str(params), "--out-dir", str(out)]
    cmd += ["--notebooks-dir", str(nb_dir)]
    cpu0 = children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with RssMonitor(proc.pid) as monitor:
        stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - t0
    try:
        counts = json.loads((out / "run.json").read_text(encoding="utf-8"))["counts"]
    except (OSError, ValueError, KeyError):
        counts = {"ok": 0, "failed": n}
        print(stdout, stderr, file=sys.stderr)
    return Measure(
        f"(b) qm run --all --jobs {jobs} --engine {engine}",
        n,
        seconds,
        counts.get("ok", 0),
        counts.get("failed", 0),
        peak_rss=monitor.summary(),
        # the workers and kernels are not all reaped through qm's process: take the larger of
        # the reaped tree's rusage and the CPU times psutil sampled from the live processes
        cpu_seconds=max(children_cpu() - cpu0, monitor.summary()["cpu_sampled"]),
        steady=steady_rate(out / "run.json", jobs),
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
    cpu0 = self_cpu()
    t0 = time.perf_counter()
    for cid in ids:
        try:
            run(cid, data, params, out)
            ok += 1
        except Exception as exc:
            failed += 1
            print(f"(c) {cid}: {type(exc).__name__}: {exc}", file=sys.stderr)
    rss = psutil.Process().memory_info().rss / 2**20
    return Measure(
        "(c) qmlib.pipeline.run_inprocess, sequential",
        len(ids),
        time.perf_counter() - t0,
        ok,
        failed,
        peak_rss={"main": rss, "main#": 1},
        cpu_seconds=self_cpu() - cpu0,
    )


def rss_mb(pid: int) -> float:
    try:
        return psutil.Process(pid).memory_info().rss / 2**20
    except psutil.Error:
        return float("nan")


def memory_check(ids: list[str], data: Path, params: Path, nb_dir: Path, out: Path, n: int) -> None:
    """Run ``n`` communities (cycling over ``ids``) in this process's warm kernel; print RSS along the way."""
    from qmlib.runner import engine as warm_engine
    from qmlib.runner.execute import run_community

    rows: list[tuple[int, float, float]] = []
    t0 = time.perf_counter()
    for i in range(n):
        result = run_community(ids[i % len(ids)], data, params, out, notebooks_dir=nb_dir, force=True)
        if result.status != "ok":
            print(f"  memory check: {result.describe()}", file=sys.stderr)
        kernel = warm_engine.current_kernel()
        rows.append(
            (i + 1, rss_mb(kernel.pid) if kernel and kernel.pid else float("nan"), rss_mb(os.getpid()))
        )
    took = time.perf_counter() - t0
    marks = sorted({1, 2, 5, 10, 20, 50, 100, n} & set(range(1, n + 1)))
    print(
        f"memory: {n} communities in one warm kernel ({took:.0f} s, kernel replaced after "
        f"{warm_engine.WarmKernelEngine.max_uses} notebooks); RSS after community k:"
    )
    for k in marks:
        _, kernel_mb, own_mb = rows[k - 1]
        print(f"  k={k:>4}: kernel {kernel_mb:7.1f} MB   worker (this process) {own_mb:7.1f} MB")
    half = rows[len(rows) // 2 :]
    if len(half) >= 2:
        slope_k = (half[-1][1] - half[0][1]) / (half[-1][0] - half[0][0])
        slope_w = (half[-1][2] - half[0][2]) / (half[-1][0] - half[0][0])
        print(
            f"  growth over the second half: kernel {slope_k:+.2f} MB/community, "
            f"worker {slope_w:+.2f} MB/community"
        )
    warm_engine.shutdown_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communities", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--naive-sample", type=int, default=3, help="communities for (a); 0 = all")
    parser.add_argument("--compare-engines", action="store_true", help="also qm run --engine nbclient")
    parser.add_argument("--also-serial", action="store_true", help="also qm run --jobs 1")
    parser.add_argument("--source", help="use DIR/data and DIR/params instead of generating")
    parser.add_argument("--notebooks-dir", default=str(REPO / "notebooks"))
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--portfolio",
        default="1000,3000",
        help="time the portfolio roll-up for these numbers of communities (0: skip)",
    )
    parser.add_argument(
        "--notebook-figures",
        action="store_true",
        help="keep the notebook-only charts in (a) and (b) (QM_NOTEBOOK_FIGURES=1)",
    )
    parser.add_argument(
        "--no-documents",
        action="store_true",
        help="(a) without the documents step (then (a) writes fewer files than (b))",
    )
    parser.add_argument(
        "--memory",
        type=int,
        default=0,
        help="run this many communities in one warm kernel and print the RSS (0: skip)",
    )
    args = parser.parse_args()

    # (a) and (b) run with the same setting, inherited by papermill, the workers and the kernels
    os.environ["QM_NOTEBOOK_FIGURES"] = "1" if args.notebook_figures else "0"
    work = Path(tempfile.mkdtemp(prefix="qm-bench-"))
    try:
        data, params, ids, origin = prepare(args, work)
        nb_dir = Path(args.notebooks_dir).resolve()
        notebooks = list_notebooks(nb_dir)
        print(
            f"{len(ids)} communities ({origin}); notebooks: {', '.join(p.name for p in notebooks) or 'none'}"
        )
        load = os.getloadavg()
        print(
            f"notebook-only charts in (a) and (b): {'drawn' if args.notebook_figures else 'off'} "
            f"(QM_NOTEBOOK_FIGURES={os.environ['QM_NOTEBOOK_FIGURES']}); the report's charts always"
        )
        print(
            f"{len(os.sched_getaffinity(0))} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
            f"(the machine may be shared: read the ratios); work folder {work}"
        )
        results: dict[str, Measure] = {}

        sample = ids if args.naive_sample <= 0 else ids[: args.naive_sample]
        results["a"] = naive(sample, data, params, notebooks, work / "out_a", documents=not args.no_documents)
        if len(sample) < len(ids):
            results["a"].note += f" [sample of {len(sample)}; rate extrapolated]"
        print(results["a"].line(), flush=True)
        print(f"    load average after (a): {os.getloadavg()[0]:.1f}", flush=True)

        results["b"] = qm_run(data, params, nb_dir, work / "out_b", args.jobs, "qm_warm", len(ids))
        print(results["b"].line(), flush=True)
        print(f"    load average after (b): {os.getloadavg()[0]:.1f}", flush=True)
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
        print()
        print(
            f"a/b = {a.per_community / b.per_community:.1f} wall, {a.cpu_per_community / b.cpu_per_community:.1f} CPU"
            f"  (qm run is that many times faster than the naive loop; goal >= 10)"
        )
        if b.steady:
            print(
                f"a/b once started = {a.per_community / b.steady:.1f}  ((b) after each worker's first community: "
                f"{b.steady:.2f} s/community; start-up, kernel start, portfolio and index: "
                f"{b.seconds - b.steady * b.communities:.0f} s)"
            )
        if "b_nbclient" in results:
            ratio = results["b_nbclient"].per_community / b.per_community
            print(f"nbclient/qm_warm = {ratio:.2f}  (same qm run, fresh kernel per notebook vs warm kernel)")
        if "c" in results:
            c = results["c"]
            print(
                f"b/c = {b.per_community / c.per_community:.2f} wall (b on {args.jobs} workers, c in one process), "
                f"{b.cpu_per_community / c.cpu_per_community:.2f} CPU  (cost of notebooks and papermill over plain Python)"
            )
        else:
            print("b/c = unavailable")
        print(f"peak RSS (b): {rss_text(b.peak_rss)}")
        if "c" in results:
            print(
                f"RSS (c) after {results['c'].communities} communities in one process: "
                f"{results['c'].peak_rss['main']:.0f} MB"
            )
        portfolio: dict[int, float] = {}
        counts = [int(x) for x in str(args.portfolio).split(",") if x.strip() and int(x) > 0]
        for count in counts:
            # the company roll-up at scale (replicated outputs of the demo communities)
            proc = subprocess.run(
                [sys.executable, str(REPO / "bench" / "portfolio_rollup.py"), "--communities", str(count)],
                capture_output=True,
                text=True,
            )
            print(proc.stdout.strip() or proc.stderr.strip())
            for line in proc.stdout.splitlines():
                if line.startswith("roll-up of") and "communities" in line:
                    portfolio[count] = float(line.split(":")[1].split(" s")[0])
        roll = portfolio.get(3000, 0.0)
        fixed = b.seconds - (b.steady or b.per_community) * b.communities
        wall_3000 = fixed + (b.steady or b.per_community) * 3000 + roll
        cores = len(os.sched_getaffinity(0))
        cpu_3000 = b.cpu_per_community * 3000 / min(cores, args.jobs) + roll
        print(f"projected for 3,000 communities with qm run --jobs {args.jobs} on this machine:")
        print(
            f"  at the load measured now: {wall_3000 / 3600:.2f} h (start-up {fixed:.0f} s + 3,000 x "
            f"{(b.steady or b.per_community):.2f} s + portfolio roll-up {roll:.0f} s)"
        )
        print(
            f"  unshared (CPU time of (b) / {min(cores, args.jobs)} cores): {cpu_3000 / 3600:.2f} h "
            f"(goal < 3 h: {'met' if cpu_3000 < 3 * 3600 else 'NOT met'})"
        )
        if args.memory:
            memory_check(ids, data, params, nb_dir, work / "out_mem", args.memory)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
