"""Kernel zygote: warm kernels forked from a process that has already imported what they need.

Every pool worker of ``qm run`` starts one warm kernel (:mod:`.engine`).
Started with ``python -m ipykernel_launcher``, a kernel spends about 3 CPU s
importing ipykernel, pandas, SciPy, statsmodels, matplotlib and qmlib (the
prelude's :data:`~qmlib.runner.engine.PRELOAD`) and loading the jieba
dictionary, in every worker, while the worker waits. The zygote does that
once per batch, in parallel with the forkserver's preload (a core is idle
then), and each worker's kernel is a ``fork()`` of it: started in about
0.1 s, its imported modules shared copy-on-write.

This is the zygote pattern of Android's app start-up (one pre-initialised
process that forks every app: https://source.android.com/docs/core/runtime/zygote)
and of Python's own ``multiprocessing`` forkserver, applied to Jupyter
kernels; jupyter_client's kernel provisioners are the documented way to
launch a kernel differently (https://jupyter-client.readthedocs.io/en/stable/provisioning.html).

How it works:

* :func:`start_zygote` (the ``qm`` process, before it starts the pool) runs
  :func:`serve` in a new Python process. The zygote imports and warms up
  (:func:`_warm_up`), freezes what it imported out of the collector's sight,
  then serves requests on the Unix socket (mode 0600, in a private folder).
  It exits when the ``qm`` process closes its stdin (or dies).
* A worker's :class:`ZygoteProvisioner` sends the kernel's command line,
  working directory and environment, exactly what jupyter_client would give
  ``Popen``; the zygote forks; the child starts a new session (as
  jupyter_client's ``start_new_session``), takes the directory, environment,
  ``sys.argv`` and ``sys.path`` of ``python -m ipykernel_launcher`` and runs
  ``ipykernel``'s ``launch_new_instance()``. The kernel exits when the worker
  that asked for it dies (a pidfd on ``JPY_PARENT_PID``, as ipykernel's own
  parent poller does for a kernel's parent).
* Anything unexpected falls back to the usual ``Popen`` launch: no zygote
  (``--jobs 1``, Dask), a zygote that died or refuses (it forks only while
  single-threaded), a command line that is not ``-m ipykernel_launcher``, or a
  matplotlib backend other than the one the zygote imported.

The kernel is the zygote's child, not the worker's: :class:`ForkedKernel`
gives the provisioner a ``Popen``-like handle over its pid (a pidfd tells
when it ends; the zygote reaps it, so its exit status is not known here and
reads as -1 unless the worker killed it).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning.local_provisioner import LocalProvisioner

#: What a forked kernel would otherwise import or build itself (``module`` or ``module:callable``,
#: called once), in this order: ipykernel (:data:`KERNEL`), the prelude's modules
#: (:data:`~qmlib.runner.engine.PRELOAD`), then :data:`FIRST_USE`.
KERNEL: tuple[str, ...] = ("ipykernel.kernelapp", "ipykernel.ipkernel")
#: What the notebooks import or build during a kernel's first community (measured: the kernel's
#: sys.modules after one community), ending with the residents'-voice tokenizer (jieba's
#: dictionary, ~0.8 s, loaded by the first 03 notebook of every kernel).
FIRST_USE: tuple[str, ...] = (
    "qmlib.stages",
    "qmlib.plan.history",
    "qmlib.documents.write",
    "pyarrow.parquet",
    "pyarrow.dataset",
    "pyarrow.csv",
    "python_calamine",
    "openpyxl",
    "matplotlib.backends.backend_agg",
    "qmlib.figures.fonts:cjk_font_name",
    "qmlib.insights.voice:_tokenizer",
)

#: The matplotlib backend ipykernel selects (``MPLBACKEND``) when the environment names none.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
#: The zygote's Unix socket, in its private folder.
SOCKET = "zygote.sock"
#: ``python -m`` of the kernel command line the zygote can stand in for.
LAUNCHER = ("-m", "ipykernel_launcher")

_address: str | None = None


def set_address(address: str | None) -> None:
    """Use the zygote at ``address`` for the kernels this process starts (None: launch them as usual)."""
    global _address
    _address = address


def address() -> str | None:
    """The zygote this process's kernels are forked from, if any."""
    return _address


# --- the qm process ---------------------------------------------------------------------------


@dataclass
class Zygote:
    """A running zygote (the ``qm`` process's handle)."""

    process: subprocess.Popen[bytes]
    folder: Path

    @property
    def address(self) -> str:
        return str(self.folder / SOCKET)

    def close(self) -> None:
        """Ask the zygote to exit (its stdin closes) and remove its folder; kernels it forked keep
        running until their workers stop them."""
        with contextlib.suppress(OSError):
            if self.process.stdin:
                self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_zygote() -> Zygote:
    """Start a zygote process; it imports in the background. Its socket listens from the start (this
    process binds it and hands it over), so a worker's request waits for the warm-up, never fails."""
    folder = Path(tempfile.mkdtemp(prefix=f"qm-zygote-{os.getpid()}-"))
    address = str(folder / SOCKET)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(address)
        os.chmod(address, 0o600)
        listener.listen(64)
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys; from qmlib.runner.zygote import serve; serve(int(sys.argv[1]))",
                str(listener.fileno()),
            ],
            stdin=subprocess.PIPE,
            pass_fds=(listener.fileno(),),
            start_new_session=True,  # Ctrl-C goes to qm, which stops it
        )
    return Zygote(process, folder)


# --- the zygote process -----------------------------------------------------------------------


def _warm_up() -> None:
    """Import and build :data:`KERNEL`, the prelude's modules and :data:`FIRST_USE` as a kernel would.

    rfc3987-syntax stays out as in the prelude: the ``qmlib.runner`` package, imported to start
    this process, keeps it out (see engine.PRELUDE)."""
    from .engine import PRELOAD

    # as ipykernel does before the notebooks import matplotlib
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    for spec in (*KERNEL, *PRELOAD, *FIRST_USE):
        name, _, attr = spec.partition(":")
        try:
            module = importlib.import_module(name)
            if attr:
                getattr(module, attr)()
        except Exception:  # the kernel will meet (and report) the same problem
            pass


def _request(conn: socket.socket) -> dict[str, Any]:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    request: dict[str, Any] = json.loads(data)
    return request


def _can_fork_for(request: dict[str, Any]) -> str | None:
    """Why the zygote cannot stand in for ``request``'s command line (None: it can)."""
    argv = request.get("argv") or []
    if tuple(argv[1:3]) != LAUNCHER:
        return f"not a {' '.join(LAUNCHER)} command line"
    backend = (request.get("env") or {}).get("MPLBACKEND") or INLINE_BACKEND
    if backend != os.environ.get("MPLBACKEND"):
        return f"MPLBACKEND {backend!r} is not the zygote's"
    # Python threads only: the native pools of OpenBLAS and jemalloc (numpy, pyarrow) that start at
    # import have fork handlers, as in multiprocessing's forkserver, which preloads them too
    if threading.active_count() != 1:
        return "the zygote runs Python threads"
    return None


def _watch_parent(pid: int) -> None:
    """Exit when process ``pid`` (the worker that asked for this kernel) ends."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        return  # no pidfd here: the worker kills its kernel on exit (engine.shutdown_all)

    def wait() -> None:
        select.select([fd], [], [])
        os._exit(1)

    threading.Thread(target=wait, name="qm-parent-watch", daemon=True).start()


def _become_kernel(request: dict[str, Any]) -> None:
    """In the forked child: set up as ``python -m ipykernel_launcher ARGS`` and run the kernel."""
    code = 1
    try:
        os.setsid()
        for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        launcher = importlib.util.find_spec("ipykernel_launcher")
        sys.argv = [str(launcher and launcher.origin), *request["argv"][3:]]
        parent = int(request["env"].get("JPY_PARENT_PID") or 0)
        if parent:
            # ipykernel reads JPY_PARENT_PID when it is imported, here in the zygote: say it again
            sys.argv.append(f"--IPKernelApp.parent_handle={parent}")
            _watch_parent(parent)
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _reap(_signum: int = 0, _frame: Any = None) -> None:
    """Collect ended kernels (SIGCHLD), so that their CPU time counts as the zygote's children's
    and reaches ``qm``'s (``getrusage``), as a launched kernel's does."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def serve(fd: int) -> None:
    """The zygote: warm up, then fork a kernel per request on the listening socket ``fd`` until
    stdin closes."""
    # as ipykernel_launcher: not the current folder on sys.path (the kernel puts it back)
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    listener = socket.socket(fileno=fd)
    _warm_up()
    import gc

    gc.collect()
    gc.freeze()  # the children share these pages; the collector need not touch them
    signal.signal(signal.SIGCHLD, _reap)
    stdin = sys.stdin.fileno()
    while True:
        ready, _, _ = select.select([listener, stdin], [], [])
        if stdin in ready and not os.read(stdin, 1024):
            break  # qm closed the pipe or died
        if listener not in ready:
            continue
        conn, _ = listener.accept()
        with conn:
            try:
                request = _request(conn)
                refusal = _can_fork_for(request)
            except (OSError, ValueError) as exc:
                refusal, request = f"bad request: {exc}", {}
            if refusal:
                with contextlib.suppress(OSError):
                    conn.sendall(json.dumps({"error": refusal}).encode() + b"\n")
                continue
            pid = os.fork()
            if pid == 0:
                listener.close()
                conn.close()
                _become_kernel(request)
            with contextlib.suppress(OSError):
                conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
    listener.close()


# --- the worker: a provisioner that asks the zygote -------------------------------------------


class ForkedKernel:
    """A ``subprocess.Popen``-like handle over a kernel forked by the zygote (not our child)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._pidfd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self._pidfd = None

    def poll(self) -> int | None:
        if self.returncode is not None:
            return self.returncode
        if self._pidfd is not None:
            ended = bool(select.select([self._pidfd], [], [], 0)[0])
        else:
            try:
                os.kill(self.pid, 0)
                ended = False
            except ProcessLookupError:
                ended = True
        if ended:
            self.returncode = -1 if self.returncode is None else self.returncode
            if self._pidfd is not None:
                os.close(self._pidfd)
                self._pidfd = None
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self._pidfd is not None and self.returncode is None:
            if not select.select([self._pidfd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
        else:
            deadline = None if timeout is None else time.monotonic() + timeout
            while self.poll() is None:
                if deadline is not None and time.monotonic() > deadline:
                    raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
                time.sleep(0.05)
        code = self.poll()
        return -1 if code is None else code

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def fork_kernel(argv: list[str], cwd: str, env: dict[str, str], timeout: float = 120) -> int:
    """Ask the zygote at :func:`address` for a kernel; its pid. Raises ``OSError`` (no zygote,
    or it cannot stand in) or ``ValueError`` (a garbled answer)."""
    if _address is None:
        raise OSError("no kernel zygote")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)  # the zygote answers once it has warmed up
        conn.connect(_address)
        conn.sendall(json.dumps({"argv": argv, "cwd": cwd, "env": env}).encode() + b"\n")
        answer = _request(conn)
    if "pid" not in answer:
        raise OSError(f"the kernel zygote declined: {answer.get('error')}")
    return int(answer["pid"])


class ZygoteProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, launching the kernel as a fork of the zygote when one
    is set (:func:`set_address`), else (or when the zygote declines) with ``Popen`` as usual."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        if _address is None:
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launch_kernel
        cwd = str(kwargs.get("cwd") or os.getcwd())
        try:
            pid = fork_kernel([os.path.expanduser(s) for s in cmd], cwd, env)
        except (OSError, ValueError):
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid)  # type: ignore[assignment]  # Popen's interface, duck-typed
        self.pid = pid
        self.pgid = pid  # the child called setsid()
        self.cwd = cwd
        connection_info: KernelConnectionInfo = self.connection_info
        return connection_info
