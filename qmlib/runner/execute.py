"""Running one community: the pipeline notebooks, the report, the swap.

:func:`run_community` is the unit of work of every executor (in-process,
process pool, Dask). It never raises for a problem of the community itself
(bad data, a failing cell, a dead kernel): it returns a failed
:class:`CommunityResult`. Only interrupts (``KeyboardInterrupt``,
``SystemExit``) propagate, after the staging folder is removed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import time
import traceback
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import nbformat
import papermill as pm
from papermill.engines import papermill_engines
from papermill.exceptions import PapermillExecutionError

import qmlib
from qmlib.errors import QmError

from . import engine as warm_engine
from .communities import REPORT_NOTEBOOK, check_id, default_notebooks_dir, list_notebooks
from .fingerprint import compute_fingerprint, qmlib_source_hash, read_fingerprint, write_fingerprint
from .render import render_report, report_language
from .staging import staging_root, swap_into_place

Status = Literal["ok", "failed", "skipped"]
ENGINES = ("qm_warm", "nbclient")

papermill_engines.register("qm_warm", warm_engine.WarmKernelEngine)


@dataclass
class CommunityResult:
    """What happened to one community (one entry of ``run.json``)."""

    community_id: str
    status: Status
    duration_s: float
    started_at: str
    finished_at: str
    notebook: str | None = None
    """The notebook that failed (``"report"`` when rendering report.html failed)."""
    cell_index: int | None = None
    """0-based index of the failing cell in the executed notebook (papermill's numbering)."""
    execution_count: int | None = None
    """The failing cell's ``In [n]`` number."""
    error_type: str | None = None
    error: str | None = None
    traceback: str | None = None
    """Python traceback, only for errors of the runner itself (not for cell errors)."""
    fingerprint: str | None = None
    executed_notebook: str | None = None
    """Path of the failed executed notebook, relative to the outputs folder."""
    report: str | None = None
    """``<id>/report.html`` when it exists."""
    worker: str = ""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the ``run.json`` entry)."""
        return asdict(self)

    def describe(self) -> str:
        """One line: ``c007 failed in 02_metrics.ipynb cell 5 (In [4]): KeyError: 'x'``."""
        if self.status != "failed":
            return f"{self.community_id} {self.status} ({self.duration_s:.1f} s)"
        where = ""
        if self.notebook:
            where = f" in {self.notebook}"
            if self.cell_index is not None:
                where += f" cell {self.cell_index}"
                if self.execution_count is not None:
                    where += f" (In [{self.execution_count}])"
        return f"{self.community_id} failed{where}: {self.error}"


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _show(path: Path) -> str:
    """``path`` relative to the current directory when it is below it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@cache
def _qm_error_names() -> frozenset[str]:
    """Names of QmError and its subclasses, found in the qmlib sources.

    A notebook's error reaches us only as ``ename`` (the class name), so the
    hierarchy is read from ``class X(Base)`` lines of every qmlib module
    (without importing them), plus the subclasses already imported.
    """
    names = {"QmError"}
    stack = [QmError]
    while stack:
        for sub in stack.pop().__subclasses__():
            names.add(sub.__name__)
            stack.append(sub)
    pattern = re.compile(r"^class\s+(\w+)\s*\(([^)]*)\)", re.MULTILINE)
    edges: list[tuple[str, set[str]]] = []
    for path in Path(qmlib.__file__).resolve().parent.rglob("*.py"):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for name, bases in pattern.findall(text):
            edges.append((name, {b.strip().rsplit(".", 1)[-1] for b in bases.split(",")}))
    changed = True
    while changed:
        changed = False
        for name, bases in edges:
            if name not in names and bases & names:
                names.add(name)
                changed = True
    return frozenset(names)


def error_message(ename: str, evalue: str) -> str:
    """A user error (QmError) shows its message alone; anything else ``Type: message``."""
    evalue = (evalue or "").strip()
    if ename in _qm_error_names():
        return evalue or ename
    return f"{ename}: {evalue}" if evalue else ename


def _first_line(text: str) -> str:
    for line in str(text).splitlines():
        if line.strip():
            return line.strip()
    return ""


class _Failure(Exception):
    """Internal: carries the failure fields of :class:`CommunityResult`."""

    def __init__(self, **fields: Any) -> None:
        super().__init__(fields.get("error"))
        self.fields = fields


def _running_cell(executed: Path) -> tuple[int | None, int | None]:
    """Index and ``In [n]`` of the last cell papermill started, from a saved notebook."""
    try:
        nb = nbformat.read(executed, as_version=4)
    except Exception:
        return None, None
    found: tuple[int | None, int | None] = (None, None)
    for index, cell in enumerate(nb.cells):
        if cell.get("metadata", {}).get("papermill", {}).get("start_time"):
            found = (index, cell.get("execution_count"))
    return found


def _execute_notebooks(
    community_id: str,
    notebooks: list[Path],
    notebooks_dir: Path,
    params: dict[str, str],
    work: Path,
    engine: str,
    cell_timeout: float | None,
    kernel_tag: str,
) -> None:
    """Run every notebook into ``work/notebooks``; raise :class:`_Failure` at the first error."""
    extra: dict[str, Any] = {"resources": {"metadata": {"path": str(notebooks_dir)}}}
    if engine == "qm_warm":
        extra["kernel_tag"] = kernel_tag
    else:  # a fresh kernel per notebook: keep its start-up warnings (plain-text TCP) off the terminal
        extra["extra_arguments"] = ["--IPKernelApp.log_level=ERROR"]
    for nb in notebooks:
        output = work / "notebooks" / nb.name
        relative = f"{community_id}/notebooks/{nb.name}"
        try:
            pm.execute_notebook(
                str(nb),
                str(output),
                parameters=params,
                engine_name=engine,
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=True,
                execution_timeout=cell_timeout,
                **extra,
            )
        except PapermillExecutionError as exc:
            raise _Failure(
                notebook=nb.name,
                cell_index=exc.cell_index,
                execution_count=exc.exec_count,
                error_type=exc.ename,
                error=error_message(exc.ename, exc.evalue),
                executed_notebook=relative,
            ) from None
        except Exception as exc:  # a timeout, a dead kernel, ...: papermill raised before marking errors
            cell_index, execution_count = _running_cell(output)
            raise _Failure(
                notebook=nb.name,
                cell_index=cell_index,
                execution_count=execution_count,
                error_type=type(exc).__name__,
                error=f"{type(exc).__name__}: {_first_line(str(exc)) or 'no message'}",
                traceback=traceback.format_exc(),
                executed_notebook=relative if output.exists() else None,
            ) from None


def run_community(
    community_id: str,
    data_dir: Path | str,
    params_dir: Path | str,
    out_dir: Path | str,
    *,
    notebooks_dir: Path | str | None = None,
    engine: str = "qm_warm",
    force: bool = False,
    cell_timeout: float | None = None,
) -> CommunityResult:
    """Run the pipeline for one community and swap its outputs into ``out_dir/<id>``.

    Steps: validate the id; check ``params/<id>.yaml`` and ``data/<id>/``;
    compute the fingerprint and return ``skipped`` when it equals the stored
    one (unless ``force``); execute the notebooks of ``notebooks_dir`` in
    order into ``out_dir/.tmp-<id>-<pid>/<id>/`` (that staging root is the
    notebooks' ``out_dir`` parameter; the kernel's working directory is
    ``notebooks_dir``); render ``report.html`` from the executed 04_plan
    notebook; write the fingerprint (success only); swap the staging folder
    into ``out_dir/<id>``. A failed community's folder is swapped in too
    (with its failed notebook, without a fingerprint).
    """
    t0 = time.monotonic()
    started = _now()
    worker = f"{socket.gethostname()}:{os.getpid()}"

    def result(status: Status, **fields: Any) -> CommunityResult:
        return CommunityResult(
            community_id=community_id,
            status=status,
            duration_s=round(time.monotonic() - t0, 3),
            started_at=started,
            finished_at=_now(),
            worker=worker,
            **fields,
        )

    try:
        check_id(community_id)
    except QmError as exc:
        return result("failed", error_type=type(exc).__name__, error=str(exc))
    data_dir, params_dir, out_dir = (Path(p).resolve() for p in (data_dir, params_dir, out_dir))
    nb_dir = Path(notebooks_dir).resolve() if notebooks_dir else default_notebooks_dir()
    data = data_dir / community_id
    params = params_dir / f"{community_id}.yaml"
    problem = None
    if not params.is_file() and not data.is_dir():
        problem = f"no params file {_show(params)} and no data folder {_show(data)}/"
    elif not params.is_file():
        problem = f"no params file {_show(params)} (the data folder {_show(data)}/ exists)"
    elif not data.is_dir():
        problem = f"no data folder {_show(data)}/ (the params file {_show(params)} exists)"
    if problem:
        return result("failed", error_type="MissingInput", error=problem)

    notebooks = list_notebooks(nb_dir)
    try:
        fingerprint = compute_fingerprint(data, params, notebooks)
    except OSError as exc:
        return result("failed", error_type=type(exc).__name__, error=f"cannot read the inputs: {exc}")
    final = out_dir / community_id
    if not force and read_fingerprint(final) == fingerprint:
        report = final / "report.html"
        return result(
            "skipped",
            fingerprint=fingerprint,
            report=f"{community_id}/report.html" if report.exists() else None,
        )

    root = staging_root(out_dir, community_id)
    try:
        if root.exists():
            shutil.rmtree(root)
        work = root / community_id
        (work / "notebooks").mkdir(parents=True)
        failure: dict[str, Any] | None = None
        try:
            _execute_notebooks(
                community_id,
                notebooks,
                nb_dir,
                {
                    "community_id": community_id,
                    "data_dir": str(data_dir),
                    "params_dir": str(params_dir),
                    "out_dir": str(root),
                },
                work,
                engine,
                cell_timeout,
                qmlib_source_hash(),
            )
            if any(nb.name == REPORT_NOTEBOOK for nb in notebooks):
                executed = work / "notebooks" / REPORT_NOTEBOOK
                try:
                    render_report(executed, work / "report.html", report_language(params))
                except Exception as exc:
                    raise _Failure(
                        notebook="report",
                        error_type=type(exc).__name__,
                        error=(str(exc) if isinstance(exc, QmError) else f"{type(exc).__name__}: {exc}"),
                        traceback=None if isinstance(exc, QmError) else traceback.format_exc(),
                    ) from None
            write_fingerprint(work, fingerprint)
        except _Failure as exc:
            failure = exc.fields
        try:
            swap_into_place(work, final)
        except OSError as exc:
            return result(
                "failed",
                error_type=type(exc).__name__,
                error=f"cannot move the outputs into {_show(final)}: {exc}",
                **({k: v for k, v in (failure or {}).items() if k in ("notebook", "cell_index")}),
            )
        if failure is not None:
            return result("failed", **failure)
        report = final / "report.html"
        return result(
            "ok", fingerprint=fingerprint, report=f"{community_id}/report.html" if report.exists() else None
        )
    except Exception as exc:  # a bug of the runner or a filesystem problem: report it, go on
        return result(
            "failed",
            error_type=type(exc).__name__,
            error=f"{type(exc).__name__}: {exc}",
            traceback=traceback.format_exc(),
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def failed_result(community_id: str, error: str, error_type: str = "RunnerError") -> CommunityResult:
    """A failed result made outside :func:`run_community` (a worker that died, a Dask error)."""
    now = _now()
    return CommunityResult(
        community_id=community_id,
        status="failed",
        duration_s=0.0,
        started_at=now,
        finished_at=now,
        error_type=error_type,
        error=error,
    )
