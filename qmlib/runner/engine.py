"""Papermill engine ``qm_warm``: notebooks run in a kernel that stays warm.

Starting a Jupyter kernel and importing pandas/matplotlib/qmlib costs about a
second per notebook, which dominates a batch of small communities. This engine
keeps one kernel per worker thread (a process-pool worker has one thread; a
Dask worker may have several) and reuses it for every notebook of every
community that thread runs.

Papermill still does everything else: parameter injection, the output
notebook, cell timing metadata and error cells. The output notebook is
saved when the notebook starts and ends (also after an error) and at most
every :attr:`WarmKernelEngine.save_every` seconds in between, instead of at
the start and end of every cell (see :func:`_throttle_saves`).

In a pool worker of ``qm run`` the kernel is a fork of the batch's kernel
zygote (:mod:`.zygote`), which imported all of that once; elsewhere (a
notebook session, ``--jobs 1``, Dask) it is launched as usual.

The kernel starts with :data:`PRELUDE`: it imports the notebooks' modules
once (:data:`PRELOAD`), without ``rfc3987-syntax`` (jsonschema's optional IRI
checker, ~3 s to import, unused by nbformat), and ``gc.freeze()``-s them.

Before each notebook the kernel is reset (see :data:`PRELUDE`):

* ``get_ipython().reset(new_session=True)`` (``%reset -f`` plus a new
  history session): user namespace, ``In``/``Out``, ``_``, ``sys.last_*`` are
  cleared and the execution counter restarts at 1, so the saved notebook
  looks like a fresh run; ``sys.modules`` stays, which is the point (imports
  are already done);
* the working directory is set to the notebook's directory (papermill's
  ``cwd``: relative default parameters such as ``data_dir = "../data"`` work);
* ``os.environ``, ``sys.path``, ``warnings.filters``, the root logger's
  handlers/level, IPython event callbacks and matplotlib's ``rcParams`` are
  restored to a snapshot taken right after the kernel started, and every
  open figure is closed;
* ``gc.collect()`` frees the previous community's frames (the modules
  imported by the prelude were frozen with ``gc.freeze()``, so a full
  collection only walks what the notebooks made).

The kernel talks to its client over IPC sockets in a private temporary
directory ``qm-kernel-<pid>-*`` (local only, no TCP port, no plain-text
warning); folders left by killed workers are removed when a kernel starts.

What still leaks, by design: imported modules and their module-level state
(e.g. ``functools.lru_cache`` caches in qmlib, fonts registered with
matplotlib's font manager), threads started by a notebook, and the global
random generators' state. qmlib code must not keep per-community state at
module level; the one cache that holds data, the stage frames of
:mod:`qmlib.stages`, is keyed by the file's bytes, bounded, and hands out copies.

If the kernel dies, or a notebook ends other than normally (a timeout, a dead
kernel, an interrupt), the kernel is thrown away and the next notebook gets a
fresh one. A kernel is also replaced after :attr:`WarmKernelEngine.max_uses`
notebooks to bound memory growth.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

from qmlib.errors import WarmKernelError

from . import zygote

#: Modules imported by :data:`PRELUDE` when a kernel starts (those of the pipeline notebooks).
PRELOAD: tuple[str, ...] = (
    "IPython.display",
    "numpy",
    "pandas",
    "scipy.stats",
    "statsmodels.stats.proportion",
    "statsmodels.stats.rates",
    "matplotlib.pyplot",
    "seaborn",
    "qmlib.ingest",
    "qmlib.ingest.quality",
    "qmlib.metrics",
    "qmlib.figures",
    "qmlib.figures.cache",
    "qmlib.report",
    "qmlib.report.charts",
    "qmlib.control_charts",
    "qmlib.shortcomings",
    "qmlib.shortcomings.ranking",
    "qmlib.plan",
    "qmlib.params",
    "qmlib.labels",
)

#: Collector thresholds of the batch's long-lived processes (warm kernels and pool workers),
#: instead of CPython's (700, 10, 10). A community allocates millions of container objects
#: (pandas, matplotlib artists, WeasyPrint boxes) that mostly die young; with the default
#: thresholds the collector runs thousands of times per community and its older generations
#: walk everything alive again. Measured on four synthetic communities in one process
#: (``run_inprocess``, alternating, two rounds): 5.73/5.62 → 5.37/5.38 CPU s per community
#: (−5 %). Python documents the thresholds: https://docs.python.org/3/library/gc.html#gc.set_threshold
GC_THRESHOLD = (50_000, 20, 100)

#: Runs once in every new kernel: pre-imports :data:`PRELOAD`, takes the snapshot that each
#: reset restores (``{preload!r}`` and ``{gc_threshold!r}`` are filled in).
PRELUDE = r"""
def __qm_prelude():
    import gc, importlib, logging, os, sys, types, warnings
    from IPython import get_ipython

    # jsonschema (imported by nbformat, which qmlib.report uses) builds the RFC 3987 grammar of
    # rfc3987-syntax at import, ~3 s, for its "iri" format checker; nbformat's schemas use no
    # format, so the kernel does without it.
    sys.modules.setdefault("rfc3987_syntax", None)
    # the imports of the notebooks, once per kernel instead of in the first community's notebooks
    for name in {preload!r}:
        try:
            importlib.import_module(name)
        except Exception:
            pass
    state = types.ModuleType("_qm_warm_state")
    try:
        import matplotlib
        import matplotlib.pyplot  # activates the inline backend, as a notebook's import would
        state.rc = dict(matplotlib.rcParams)
    except Exception:
        state.rc = None
    ip = get_ipython()
    state.environ = dict(os.environ)
    state.path = list(sys.path)
    state.filters = list(warnings.filters)
    state.root_handlers = list(logging.root.handlers)
    state.root_level = logging.root.level
    state.callbacks = {name: list(cbs) for name, cbs in ip.events.callbacks.items()}

    def reset(cwd):
        ip = get_ipython()
        os.chdir(cwd)
        if os.environ != state.environ:
            os.environ.clear()
            os.environ.update(state.environ)
        sys.path[:] = state.path
        warnings.filters[:] = state.filters
        getattr(warnings, "_filters_mutated", lambda: None)()
        logging.root.handlers[:] = state.root_handlers
        logging.root.setLevel(state.root_level)
        for name, cbs in state.callbacks.items():
            ip.events.callbacks[name][:] = cbs
        if state.rc is not None and "matplotlib.pyplot" in sys.modules:
            import matplotlib
            import matplotlib.pyplot as plt
            plt.close("all")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                matplotlib.rcParams.update(state.rc)
        ip.reset(new_session=True)
        gc.collect()

    state.reset = reset
    sys.modules["_qm_warm_state"] = state
    # what was imported lives as long as the kernel: move it out of the collector's sight, so
    # that the full collections during and between notebooks only walk the notebooks' objects
    gc.collect()
    gc.freeze()
    gc.set_threshold(*{gc_threshold!r})

__qm_prelude()
del __qm_prelude
get_ipython().reset(new_session=True)
"""


def prelude_code() -> str:
    """:data:`PRELUDE` with its placeholders filled in: the code a new kernel runs first."""
    return PRELUDE.replace("{preload!r}", repr(PRELOAD)).replace("{gc_threshold!r}", repr(GC_THRESHOLD))


#: Runs before every notebook (``{cwd!r}`` is filled in).
RESET = '__import__("_qm_warm_state").reset({cwd!r})'


@dataclass(eq=False)
class WarmKernel:
    """One running kernel with its manager and (async) client."""

    kernel_name: str
    km: AsyncKernelManager
    kc: Any
    uses: int = 0
    pid: int | None = None
    sockets: str | None = None
    tag: str | None = None
    owner: int = field(default_factory=threading.get_ident)

    def is_alive(self) -> bool:
        """Whether the kernel process is still running."""
        try:
            return bool(run_sync(self.km.is_alive)())
        except Exception:
            return False

    def run(self, code: str, timeout: float) -> None:
        """Execute ``code`` (outputs discarded, not in history); raise :class:`WarmKernelError` if it fails."""
        reply = run_sync(self.kc.execute_interactive)(
            code, silent=False, store_history=False, timeout=timeout, output_hook=lambda msg: None
        )
        content = reply.get("content", {})
        if content.get("status") != "ok":
            raise WarmKernelError(
                f"warm-kernel reset failed: {content.get('ename')}: {content.get('evalue')}"
            )

    def shutdown(self) -> None:
        """Stop the kernel (immediately) and release its resources; never raises."""
        with contextlib.suppress(Exception):
            self.kc.stop_channels()
        try:
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:
            self.kill()
        self.cleanup()

    def cleanup(self) -> None:
        """Remove the connection file and the IPC socket directory."""
        with contextlib.suppress(Exception):
            run_sync(self.km.cleanup_resources)()
        if self.sockets:
            shutil.rmtree(self.sockets, ignore_errors=True)

    def kill(self) -> None:
        """SIGKILL the kernel process (safe from a signal handler)."""
        if self.pid:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
        if self.sockets:
            shutil.rmtree(self.sockets, ignore_errors=True)


_local = threading.local()
_all_kernels: set[WarmKernel] = set()
_registry_lock = threading.Lock()


def _remove_orphan_socket_dirs() -> None:
    """Delete ``qm-kernel-<pid>-*`` socket folders whose process no longer exists (a SIGKILLed worker)."""
    for folder in Path(tempfile.gettempdir()).glob("qm-kernel-*-*"):
        pid = folder.name.split("-")[2]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass


def _start_kernel(kernel_name: str, cwd: str, startup_timeout: float) -> WarmKernel:
    _remove_orphan_socket_dirs()
    sockets = tempfile.mkdtemp(prefix=f"qm-kernel-{os.getpid()}-")
    km = AsyncKernelManager(kernel_name=kernel_name, transport="ipc", ip=os.path.join(sockets, "k"))
    if zygote.address() is not None:  # a pool worker of qm run: fork the kernel from the zygote
        km.kernel_id = str(uuid.uuid4())
        km.provisioner = zygote.ZygoteProvisioner(
            kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km
        )
    try:
        run_sync(km.start_kernel)(cwd=cwd, extra_arguments=["--HistoryManager.hist_file=:memory:"])
    except BaseException:
        shutil.rmtree(sockets, ignore_errors=True)
        raise
    kc = km.client()
    kc.allow_stdin = False
    kc.start_channels()
    warm = WarmKernel(kernel_name=kernel_name, km=km, kc=kc, sockets=sockets)
    warm.pid = getattr(getattr(km, "provisioner", None), "pid", None)
    with _registry_lock:
        _all_kernels.add(warm)
    try:
        run_sync(kc.wait_for_ready)(timeout=startup_timeout)
        warm.run(
            prelude_code(),
            timeout=max(startup_timeout, 120),
        )
    except BaseException:
        discard_kernel(warm)
        raise
    return warm


def discard_kernel(warm: WarmKernel | None = None) -> None:
    """Shut down ``warm`` (default: this thread's kernel) and forget it."""
    if warm is None:
        current: WarmKernel | None = getattr(_local, "kernel", None)
        if current is None:
            return
        warm = current
    local_kernel: object = getattr(_local, "kernel", None)
    if local_kernel is warm:
        _local.kernel = None
    with _registry_lock:
        _all_kernels.discard(warm)
    warm.shutdown()


def current_kernel() -> WarmKernel | None:
    """This thread's warm kernel, if one is running (for tests and diagnostics)."""
    return getattr(_local, "kernel", None)


def acquire_kernel(
    kernel_name: str, cwd: str, startup_timeout: float = 60, max_uses: int = 0, tag: str | None = None
) -> WarmKernel:
    """This thread's warm kernel, reset for a new notebook; started when needed.

    A running kernel is replaced when it is dead, runs another kernel spec,
    has served ``max_uses`` notebooks, or was started with another ``tag``
    (the runner passes a hash of the qmlib sources, so a long-lived Dask
    worker never runs new notebooks against stale qmlib modules).
    """
    warm: WarmKernel | None = getattr(_local, "kernel", None)
    if warm is not None and (
        warm.kernel_name != kernel_name
        or (max_uses and warm.uses >= max_uses)
        or (tag is not None and warm.tag != tag)
        or not warm.is_alive()
    ):
        discard_kernel(warm)
        warm = None
    for attempt in (1, 2):
        if warm is None:
            warm = _start_kernel(kernel_name, cwd, startup_timeout)
            warm.tag = tag
            _local.kernel = warm
        try:
            warm.run(RESET.format(cwd=cwd), timeout=60)
            return warm
        except Exception:
            discard_kernel(warm)
            warm = None
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def shutdown_all() -> None:
    """Shut down every warm kernel of this process (at exit or when a worker stops)."""
    with _registry_lock:
        kernels = list(_all_kernels)
        _all_kernels.clear()
    _local.kernel = None
    for warm in kernels:
        if warm.owner == threading.get_ident():
            warm.shutdown()
        else:  # its client belongs to another thread's event loop
            warm.kill()
            warm.cleanup()


def kill_all() -> None:
    """SIGKILL every warm kernel of this process (for a SIGTERM handler)."""
    for warm in list(_all_kernels):
        warm.kill()


atexit.register(shutdown_all)


class WarmKernelEngine(Engine):
    """Papermill engine that executes notebooks in this thread's warm kernel.

    Accepts the same options as papermill's ``nbclient`` engine, plus
    ``kernel_tag`` (see :func:`acquire_kernel`). The kernel's working
    directory is ``resources["metadata"]["path"]`` when given (the runner
    passes the notebooks directory), else the current directory.
    """

    #: Replace the kernel after this many notebooks (0: never).
    max_uses: int = 500
    #: Save the output notebook at most this often while it runs (seconds; 0: at every cell).
    save_every: float = 10.0

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        stdout_file: Any = None,
        stderr_file: Any = None,
        start_timeout: float = 60,
        execution_timeout: float | None = None,
        **kwargs: Any,
    ) -> Any:
        """Execute ``nb_man.nb`` cell by cell in the warm kernel (papermill's contract)."""
        tag = kwargs.pop("kernel_tag", None)
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        resources = kwargs.get("resources") or {}
        cwd = str(resources.get("metadata", {}).get("path") or os.getcwd())
        warm = acquire_kernel(kernel_name, cwd, startup_timeout=start_timeout, max_uses=cls.max_uses, tag=tag)
        final_kwargs = merge_kwargs(
            safe_kwargs,
            timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        client = PapermillNotebookClient(nb_man, km=warm.km, **final_kwargs)
        client.kc = warm.kc
        finished = False
        real_save = _throttle_saves(nb_man, cls.save_every)
        try:
            nb = client.execute(cleanup_kc=False)
            finished = True
        finally:
            # papermill's notebook_complete (which runs next, also after an error) saves the
            # final state with the real save
            nb_man.save = real_save
            warm.uses += 1
            if not finished or not warm.is_alive():
                discard_kernel(warm)
        return nb


def _throttle_saves(nb_man: Any, every: float) -> Any:
    """Make ``nb_man.save`` write at most every ``every`` seconds; return the real save.

    Papermill rewrites the whole output notebook (embedded PNGs and all) at
    the start and the end of every cell: about a hundred JSON serialisations
    per community for four short notebooks. The output notebook is still
    written when the notebook starts and ends (also when a cell fails, times
    out or the kernel dies: papermill's ``notebook_complete`` runs in a
    ``finally``), and during a cell longer than ``every`` seconds.
    """
    real_save = nb_man.save
    if every <= 0:
        return real_save

    def save(**kwargs: Any) -> None:
        last = getattr(nb_man, "last_save_time", None)
        if last is None or (nb_man.now() - last).total_seconds() >= every:
            real_save(**kwargs)

    nb_man.save = save
    return real_save
