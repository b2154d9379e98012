"""A batch of communities: executor, progress bar, run.json, index, summary.

Executors: in this process when one job suffices (``--jobs 1`` or a single
community), a process pool (forkserver) of ``jobs`` workers otherwise, or a
Dask cluster with ``--scheduler``. Every executor runs
:func:`~qmlib.runner.execute.run_community`, so the results are the same.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import multiprocessing.util
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papermill.exceptions import PapermillExecutionError
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from qmlib.errors import BatchInterrupted, QmError

from .communities import default_notebooks_dir, list_notebooks
from .index import write_index
from .lock import outputs_lock
from .logs import configure_logging
from .record import RUN_JSON, RunRecord
from .result import CommunityResult, error_message, failed_result
from .staging import clean_stale

if TYPE_CHECKING:
    from .execute import Renderer

OnResult = Callable[[CommunityResult], None]
#: ``after_batch(out_dir, params_dir)``: run once after the communities (the portfolio report).
AfterBatch = Callable[[Path, Path], object]

log = logging.getLogger(__name__)


@dataclass
class BatchOutcome:
    """The result of :func:`run_batch`."""

    results: dict[str, CommunityResult]
    exit_code: int
    summary: str
    run_json: Path
    index_html: Path | None


def default_jobs() -> int:
    """The number of CPU cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


#: Communities a pool worker runs before it is replaced by a fresh one (forked from the
#: forkserver, so cheap). WeasyPrint and Pango leave a little memory behind per document
#: (measured: a worker's RSS grew 474 → 560 MB over 40 communities in one process, about
#: 1 MB per community; the warm kernel stayed flat at 456 MB). 125 communities of the four
#: pipeline notebooks are the warm kernel's ``max_uses`` (500 notebooks), so the worker is
#: replaced when its kernel would be anyway and no extra kernel start is paid.
WORKER_MAX_COMMUNITIES = 125

#: Imported once by the forkserver, before it forks the pool's workers: everything a worker
#: needs for a community (the runner, papermill and the warm-kernel engine, qmlib.report and
#: its charts, the Word/PDF documents and what they import when first used, measured as a
#: worker's sys.modules after one community) and for the portfolio board, so that no worker
#: imports them again. The kernel zygote imports in parallel and takes a little longer
#: (measured: about 3.1 against 3.5 s), and the first notebooks wait for it anyway.
WORKER_PRELOAD = [
    "qmlib.runner.execute",
    "qmlib.documents",
    "qmlib.documents.brief",
    "qmlib.documents.docx",
    "qmlib.documents.pdf",
    "qmlib.documents.pdf_png",
    "qmlib.plan.history",
    "weasyprint",
    "docxtpl",
    "pyarrow.parquet",
    "pyarrow.dataset",
    "ipykernel.kernelspec",
    "mplfonts",
    "qmlib.runner.inprocess",
    "qmlib.portfolio.build",
    "qmlib.portfolio.assemble",
    "qmlib.portfolio.sections",
    "qmlib.portfolio.export",
    "duckdb",
]

WORKER_DIED = "a worker process died (killed, or out of memory?); rerun to retry"


def run_community(community_id: str, **kwargs: Any) -> CommunityResult:
    """:func:`qmlib.runner.execute.run_community`, imported when first called.

    The ``qm`` process submits this function to the pool, so it need not
    import the pipeline (papermill's engines, qmlib.report, matplotlib) before
    its workers start; the workers have it from the forkserver's preload.
    """
    from .execute import run_community as run

    return run(community_id, **kwargs)


def _init_worker(debug: bool, log_file: Path | None = None, zygote_address: str | None = None) -> None:
    """Process-pool worker set-up: Ctrl-C is the parent's business; kernels die with the worker and
    are forked from the batch's kernel zygote (:mod:`.zygote`)."""
    from . import engine as warm_engine
    from . import zygote

    zygote.set_address(zygote_address)

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def on_term(signum: int, _frame: Any) -> None:
        warm_engine.kill_all()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    multiprocessing.util.Finalize(None, warm_engine.shutdown_all, exitpriority=10)
    configure_logging(debug, log_file)
    # what the forkserver preloaded lives as long as the worker: out of the collector's sight, so
    # that collections neither walk it nor write to its pages (which the workers share with the
    # forkserver until written): https://docs.python.org/3/library/gc.html#gc.freeze
    gc.freeze()
    gc.set_threshold(*warm_engine.GC_THRESHOLD)


def _raise_interrupt_on_sigterm() -> Any:
    """Treat SIGTERM like Ctrl-C during the batch (main thread only); return the previous handler."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def on_term(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, on_term)


def _run_serial(ids: list[str], kwargs: dict[str, Any], on_result: OnResult) -> None:
    for cid in ids:
        on_result(run_community(cid, **kwargs))


def _run_pool(
    ids: list[str],
    kwargs: dict[str, Any],
    jobs: int,
    on_result: OnResult,
    debug: bool,
    log_file: Path | None = None,
    then: Callable[[Callable[..., Future[Any]]], object] | None = None,
) -> None:
    """Run ``ids`` on a pool of ``jobs`` workers; then ``then(submit)`` while the pool is still up.

    ``then`` gets the pool's ``submit``: :func:`run_batch` uses it to build the
    portfolio report in a worker, which has imported everything the board
    needs (pandas, matplotlib, qmlib.report, WeasyPrint) in the forkserver
    and warmed its fonts on the communities, while this process writes the
    index.
    """
    from .zygote import start_zygote

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(WORKER_PRELOAD)
    zygote = start_zygote() if kwargs.get("engine") == "qm_warm" else None
    try:
        _run_executor(ids, kwargs, jobs, on_result, ctx, (debug, log_file, zygote and zygote.address), then)
    finally:
        if zygote is not None:
            zygote.close()


def _run_executor(
    ids: list[str],
    kwargs: dict[str, Any],
    jobs: int,
    on_result: OnResult,
    ctx: Any,
    initargs: tuple[Any, ...],
    then: Callable[[Callable[..., Future[Any]]], object] | None,
) -> None:
    executor = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=ctx,
        initializer=_init_worker,
        initargs=initargs,
        max_tasks_per_child=WORKER_MAX_COMMUNITIES,
    )
    futures: dict[Future[CommunityResult], str] = {}
    try:
        futures = {executor.submit(run_community, cid, **kwargs): cid for cid in ids}
        for future in as_completed(futures):
            cid = futures[future]
            try:
                result = future.result()
            except BrokenProcessPool:
                result = failed_result(cid, WORKER_DIED, "WorkerDied")
            except Exception as exc:
                result = failed_result(cid, f"{type(exc).__name__}: {exc}")
            on_result(result)
        if then is not None:
            then(executor.submit)
    except BaseException:
        processes = list((getattr(executor, "_processes", None) or {}).values())  # gone after shutdown()
        for process in processes:
            process.terminate()  # SIGTERM: the worker kills its kernel and exits
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(timeout=10)
        raise
    executor.shutdown(wait=True)


class _Display:
    """The one progress bar (or nothing with ``--no-progress``) and failure lines."""

    def __init__(self, total: int, enabled: bool, console: Console, debug: bool) -> None:
        self.console = console
        self.debug = debug
        self.counts = {"ok": 0, "skipped": 0, "failed": 0}
        self.total = total
        self.progress: Progress | None = None
        if enabled:
            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("[bold]qm run[/]"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[tally]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=console,
            )
            self.task = self.progress.add_task("run", total=total, tally=self._tally())

    def _tally(self) -> str:
        left = self.total - sum(self.counts.values())
        return (
            f"[green]{self.counts['ok']} ok[/] [dim]{self.counts['skipped']} skipped[/] "
            f"[red]{self.counts['failed']} failed[/] {left} left"
        )

    def __enter__(self) -> _Display:
        if self.progress:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the progress bar (again: no-op)."""
        if self.progress:
            self.progress.stop()

    def add(self, result: CommunityResult) -> None:
        self.counts[result.status] = self.counts.get(result.status, 0) + 1
        if result.status == "failed":
            self.console.print(f"[red]✗[/] {escape(result.describe())}", highlight=False, soft_wrap=True)
            if self.debug and result.traceback:
                self.console.print(escape(result.traceback), highlight=False, soft_wrap=True)
        if self.progress:
            self.progress.update(self.task, advance=1, tally=self._tally())


def after_batch_failure(after_batch: AfterBatch, out_dir: Path, params_dir: Path) -> str | None:
    """Run the after-batch hook (the portfolio report); return its failure as one line, None if it
    succeeded. Never raises an ``Exception``; runs in this process or in a pool worker."""
    try:
        after_batch(out_dir, params_dir)
    except PapermillExecutionError as exc:  # a cell of the portfolio notebook failed: its error
        message = error_message(exc.ename, exc.evalue)
    except QmError as exc:
        message = str(exc)
    except Exception as exc:
        log.debug("portfolio report failed", exc_info=True)
        message = f"{type(exc).__name__}: {exc}"
    else:
        return None
    return message.strip().splitlines()[0] if message.strip() else "failed"


def _record_after_batch(record: RunRecord, console: Console, failure: str | None) -> None:
    """Put the hook's outcome in run.json; print a failure as one line."""
    if failure is None:
        record.set_portfolio("ok")
        return
    record.set_portfolio("failed", failure)
    console.print(f"[yellow]![/] portfolio report failed: {escape(failure)}", highlight=False, soft_wrap=True)


def _spinner(console: Console, shown: bool) -> contextlib.AbstractContextManager[object]:
    return console.status("building the portfolio report…") if shown else contextlib.nullcontext()


def _show(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def summary_line(record: RunRecord, out_dir: Path, elapsed: float) -> str:
    """One line: counts, speed, the failed communities and where to look."""
    counts = record.counts()
    total = len(record.data["communities"])
    rate = total / elapsed * 60 if elapsed > 0 else 0.0
    parts = [f"{counts[s]} {s}" for s in ("ok", "skipped", "failed", "not_run") if counts.get(s)]
    line = f"qm run: {total} communities in {elapsed:.1f} s ({rate:.1f}/min): {', '.join(parts) or 'nothing run'}"
    failed = [r for r in record.results.values() if r.status == "failed"]
    if failed:
        shown = []
        for r in failed[:5]:
            where = f" ({r.notebook}" + (f" cell {r.cell_index}" if r.cell_index is not None else "") + ")"
            shown.append(r.community_id + (where if r.notebook else ""))
        more = f" and {len(failed) - 5} more" if len(failed) > 5 else ""
        line += (
            f". Failed: {', '.join(shown)}{more}; see {_show(out_dir / RUN_JSON)} "
            f"and the notebooks in {_show(out_dir)}/<id>/notebooks/"
        )
    return line + f". Index: {_show(out_dir / 'index.html')}"


def run_batch(
    ids: list[str],
    *,
    data_dir: Path,
    params_dir: Path,
    out_dir: Path,
    notebooks_dir: Path | None = None,
    engine: str = "qm_warm",
    force: bool = False,
    jobs: int | None = None,
    scheduler: str | None = None,
    cell_timeout: float | None = None,
    progress: bool = True,
    console: Console | None = None,
    debug: bool = False,
    renderer: Renderer | None = None,
    after_batch: AfterBatch | None = None,
    log_file: Path | None = None,
) -> BatchOutcome:
    """Run ``ids`` under the outputs lock; keep run.json current; write index.html.

    ``renderer`` turns each executed report notebook into report.html
    (default :func:`qmlib.report.render_report`); ``after_batch`` runs once
    after the communities (``qm run`` passes
    :func:`qmlib.portfolio.build_portfolio`); ``log_file`` also receives the
    pool workers' log records.

    Raises :class:`~qmlib.runner.lock.OutputsLockedError` when another run
    holds ``out_dir`` and :class:`BatchInterrupted` on Ctrl-C (after
    recording the interruption and removing unfinished staging folders).
    """
    console = console or Console(stderr=True)
    data_dir, params_dir, out_dir = (Path(p).resolve() for p in (data_dir, params_dir, out_dir))
    nb_dir = Path(notebooks_dir).resolve() if notebooks_dir else default_notebooks_dir()
    jobs = max(1, min(jobs or default_jobs(), len(ids)))
    kwargs: dict[str, Any] = {
        "data_dir": data_dir,
        "params_dir": params_dir,
        "out_dir": out_dir,
        "notebooks_dir": nb_dir,
        "engine": engine,
        "force": force,
        "cell_timeout": cell_timeout,
    }
    if renderer is not None:
        kwargs["renderer"] = renderer
    options = {
        "data_dir": str(data_dir),
        "params_dir": str(params_dir),
        "out_dir": str(out_dir),
        "notebooks_dir": str(nb_dir),
        "notebooks": [p.name for p in list_notebooks(nb_dir)],
        "engine": engine,
        "jobs": None if scheduler else jobs,
        "scheduler": scheduler,
        "force": force,
    }
    configure_logging(debug, log_file)
    t0 = time.monotonic()
    log.info(
        "qm run: %d communities, jobs=%s, engine=%s, out_dir=%s", len(ids), options["jobs"], engine, out_dir
    )
    with outputs_lock(out_dir):
        for line in clean_stale(out_dir):
            console.print(f"[dim]{escape(line)}[/]", highlight=False, soft_wrap=True)
        record = RunRecord(out_dir, ids, options)
        display = _Display(len(ids), progress, console, debug)

        def on_result(result: CommunityResult) -> None:
            record.update(result)
            display.add(result)

        previous_term = _raise_interrupt_on_sigterm()
        in_pool = not scheduler and jobs > 1
        hook_in_worker = after_batch is not None and in_pool and getattr(after_batch, "runs_in_worker", False)
        index: Path | None = None

        def finish(submit: Callable[..., Future[Any]] | None = None) -> None:
            """After the communities: run.json, the index, the hook (in a worker when ``submit``)."""
            nonlocal index
            display.stop()  # the spinner below is rich's one live display
            hook = submit(after_batch_failure, after_batch, out_dir, params_dir) if submit else None
            record.finish("finished")
            index = write_index(out_dir, record.data)
            if after_batch is None:
                return
            with _spinner(console, progress):
                if hook is None:
                    failure = after_batch_failure(after_batch, out_dir, params_dir)
                else:
                    try:
                        failure = hook.result()
                    except BrokenProcessPool:
                        failure = WORKER_DIED
                    except Exception as exc:  # e.g. the hook could not be sent to the worker
                        failure = f"{type(exc).__name__}: {exc}"
            _record_after_batch(record, console, failure)
            index = write_index(out_dir, record.data)  # again, now with the portfolio's link

        try:
            with display:
                if scheduler:
                    from .distributed import run_on_dask

                    run_on_dask(ids, kwargs, scheduler, on_result)
                elif not in_pool:
                    _run_serial(ids, kwargs, on_result)
                else:
                    _run_pool(
                        ids, kwargs, jobs, on_result, debug, log_file, then=finish if hook_in_worker else None
                    )
        except KeyboardInterrupt:
            record.finish("interrupted")
            clean_stale(out_dir)
            write_index(out_dir, record.data)
            left = record.counts()["not_run"]
            raise BatchInterrupted(
                f"interrupted: {left} communities did not run (see {_show(out_dir / RUN_JSON)}); "
                "run the same command again to resume: finished communities are skipped"
            ) from None
        finally:
            if previous_term is not None:
                signal.signal(signal.SIGTERM, previous_term)
        if not hook_in_worker:
            finish()
    failed = any(r.status == "failed" for r in record.results.values())
    return BatchOutcome(
        results=dict(record.results),
        exit_code=1 if failed else 0,
        summary=summary_line(record, out_dir, time.monotonic() - t0),
        run_json=record.path,
        index_html=index,
    )
