"""Running one community: the pipeline notebooks, the report, the swap.

:func:`run_community` is the unit of work of every executor (in-process,
process pool, Dask). It never raises for a problem of the community itself
(bad data, a failing cell, a dead kernel): it returns a failed
:class:`CommunityResult`. Only interrupts (``KeyboardInterrupt``,
``SystemExit``) propagate, after the staging folder is removed.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import socket
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import papermill as pm
from papermill.engines import papermill_engines
from papermill.exceptions import PapermillExecutionError

from qmlib import report as report_module
from qmlib.errors import QmError
from qmlib.params import load_params

from . import engine as warm_engine
from .communities import REPORT_NOTEBOOK, check_id, default_notebooks_dir, list_notebooks
from .fingerprint import (
    FINGERPRINT_FILE,
    compute_fingerprint,
    qmlib_source_hash,
    read_fingerprint,
    write_fingerprint,
)
from .render import carry_history, document_inputs, documents_of, write_documents
from .result import CommunityResult, Outputs, Status, _now, error_message, failed_result
from .staging import FAILED_DIR, discard_failed, keep_failed, staging_root, swap_into_place

log = logging.getLogger(__name__)

#: ``renderer(executed_notebook, report_html, lang)`` writes report.html.
Renderer = Callable[[Path, Path, str], object]

__all__ = ["CommunityResult", "Outputs", "Renderer", "error_message", "failed_result", "run_community"]

ENGINES = ("qm_warm", "nbclient")

papermill_engines.register("qm_warm", warm_engine.WarmKernelEngine)


def _show(path: Path) -> str:
    """``path`` relative to the current directory when it is below it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


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
        log.debug("%s: executing %s", community_id, nb.name)
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


def report_language(params_file: Path, community_id: str) -> str:
    """The params' ``language`` (read with :func:`qmlib.params.load_params`); ``zh`` if unreadable."""
    try:
        return load_params(params_file, community_id).language
    except QmError:
        return "zh"


def _previous_outputs(final: Path) -> dict[str, Any]:
    """The ``outputs`` fields of a failed run: the previous outputs kept in ``final``, if any."""
    if not final.is_dir():
        return {"outputs": "none"}
    stamp = final / FINGERPRINT_FILE
    written = stamp if stamp.is_file() else final
    when = dt.datetime.fromtimestamp(written.stat().st_mtime).astimezone().isoformat(timespec="seconds")
    report = final / "report.html"
    return {
        "outputs": "previous",
        "previous_finished_at": when,
        "report": f"{final.name}/report.html" if report.is_file() else None,
    }


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
    renderer: Renderer | None = None,
) -> CommunityResult:
    """Run the pipeline for one community and swap its outputs into ``out_dir/<id>``.

    Steps: validate the id; check ``params/<id>.yaml`` and ``data/<id>/``;
    compute the fingerprint and return ``skipped`` when it equals the stored
    one (unless ``force``); execute the notebooks of ``notebooks_dir`` in
    order into ``out_dir/.tmp-<id>-<pid>/<id>/`` (that staging root is the
    notebooks' ``out_dir`` parameter; the kernel's working directory is
    ``notebooks_dir``); render ``report.html`` from the executed 04_plan
    notebook with ``renderer`` (default: :func:`qmlib.report.render_report`, looked up when
    called); write the fingerprint; swap the staging folder
    into ``out_dir/<id>``.

    Only a complete, successful run replaces ``out_dir/<id>``. A failed run
    (a failing cell, a full disk, ...) leaves the previous outputs in place
    and moves its own folder to ``out_dir/.failed/<id>/`` for audit; the
    result says so (``outputs``: ``"previous"`` or ``"none"``).
    """
    t0 = time.monotonic()
    started = _now()
    worker = f"{socket.gethostname()}:{os.getpid()}"

    def result(status: Status, **fields: Any) -> CommunityResult:
        res = CommunityResult(
            community_id=community_id,
            status=status,
            duration_s=round(time.monotonic() - t0, 3),
            started_at=started,
            finished_at=_now(),
            worker=worker,
            **fields,
        )
        log.info("%s", res.describe())
        return res

    try:
        check_id(community_id)
    except QmError as exc:
        return result("failed", error_type=type(exc).__name__, error=str(exc))
    data_dir, params_dir, out_dir = (Path(p).resolve() for p in (data_dir, params_dir, out_dir))
    nb_dir = Path(notebooks_dir).resolve() if notebooks_dir else default_notebooks_dir()
    data = data_dir / community_id
    params = params_dir / f"{community_id}.yaml"
    final = out_dir / community_id
    problem = None
    if not params.is_file() and not data.is_dir():
        problem = f"no params file {_show(params)} and no data folder {_show(data)}/"
    elif not params.is_file():
        problem = f"no params file {_show(params)} (the data folder {_show(data)}/ exists)"
    elif not data.is_dir():
        problem = f"no data folder {_show(data)}/ (the params file {_show(params)} exists)"
    if problem:
        return result("failed", error_type="MissingInput", error=problem, **_previous_outputs(final))

    notebooks = list_notebooks(nb_dir)
    try:
        fingerprint = compute_fingerprint(data, params, notebooks, document_inputs(params))
    except OSError as exc:
        return result(
            "failed",
            error_type=type(exc).__name__,
            error=f"cannot read the inputs: {exc}",
            **_previous_outputs(final),
        )
    if not force and read_fingerprint(final) == fingerprint:
        report = final / "report.html"
        return result(
            "skipped",
            fingerprint=fingerprint,
            report=f"{community_id}/report.html" if report.exists() else None,
            outputs="unchanged",
            documents=documents_of(final),
        )

    root = staging_root(out_dir, community_id)
    log.info("%s: running in %s", community_id, root)
    try:
        if root.exists():
            shutil.rmtree(root)
        work = root / community_id
        try:
            (work / "notebooks").mkdir(parents=True)
            carry_history(final, work)  # earlier months' plans: 04 follows them up, the swap keeps them
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
                if renderer is None:
                    renderer = report_module.render_report
                try:
                    renderer(executed, work / "report.html", report_language(params, community_id))
                except Exception as exc:
                    raise _Failure(
                        notebook="report",
                        error_type=type(exc).__name__,
                        error=(str(exc) if isinstance(exc, QmError) else f"{type(exc).__name__}: {exc}"),
                        traceback=None if isinstance(exc, QmError) else traceback.format_exc(),
                    ) from None
                try:
                    write_documents(work, params)
                except Exception as exc:
                    raise _Failure(
                        notebook="documents",
                        error_type=type(exc).__name__,
                        error=(str(exc) if isinstance(exc, QmError) else f"{type(exc).__name__}: {exc}"),
                        traceback=None if isinstance(exc, QmError) else traceback.format_exc(),
                    ) from None
            write_fingerprint(work, fingerprint)
            swap_into_place(work, final)
        except _Failure as exc:
            return _failed(result, exc.fields, work, final, community_id)
        except OSError as exc:  # a full disk, a read-only folder, ...: the previous outputs stay
            return _failed(
                result,
                {
                    "error_type": type(exc).__name__,
                    "error": f"cannot write the outputs of {community_id}: {exc}",
                    "traceback": traceback.format_exc(),
                },
                work,
                final,
                community_id,
            )
        log.info("%s: outputs swapped into %s", community_id, final)
        discard_failed(out_dir, community_id)
        report = final / "report.html"
        return result(
            "ok",
            fingerprint=fingerprint,
            report=f"{community_id}/report.html" if report.exists() else None,
            outputs="new",
            documents=documents_of(final),
        )
    except Exception as exc:  # a bug of the runner or a filesystem problem: report it, go on
        return result(
            "failed",
            error_type=type(exc).__name__,
            error=f"{type(exc).__name__}: {exc}",
            traceback=traceback.format_exc(),
            **_previous_outputs(final),
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _failed(
    result: Callable[..., CommunityResult], fields: dict[str, Any], work: Path, final: Path, community_id: str
) -> CommunityResult:
    """A failed result; the failed run's folder goes to ``.failed/<id>/``, ``final`` is untouched."""
    kept = None
    try:
        kept = keep_failed(work, final.parent, community_id)
    except OSError as exc:  # keeping the audit copy is best effort
        log.warning("%s: cannot keep the failed run's folder: %s", community_id, exc)
    executed = fields.get("executed_notebook")
    if executed:
        relative = f"{FAILED_DIR}/{community_id}/" + executed.split("/", 1)[1]
        fields = {**fields, "executed_notebook": relative if kept else None}
    return result("failed", **fields, **_previous_outputs(final))
