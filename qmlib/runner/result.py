"""What happened to one community: :class:`CommunityResult` (one entry of ``run.json``).

Light on purpose (no papermill, pandas or matplotlib): the ``qm`` process
receives these from the workers and must not import the pipeline to read them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from qmlib.errors import is_user_error

Status = Literal["ok", "failed", "skipped"]
Outputs = Literal["new", "unchanged", "previous", "none"]


@dataclass
class CommunityResult:
    """What happened to one community (one entry of ``run.json``)."""

    community_id: str
    status: Status
    duration_s: float
    started_at: str
    finished_at: str
    notebook: str | None = None
    """The notebook that failed (``"report"`` when rendering report.html failed, ``"documents"`` when the
    Word/PDF documents failed)."""
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
    """Path of the failed executed notebook, relative to the outputs folder
    (``.failed/<id>/notebooks/<nb>``: a failed run never replaces ``<id>/``)."""
    report: str | None = None
    """``<id>/report.html`` when it exists (after a failure: the previous run's report)."""
    outputs: Outputs | None = None
    """What ``<id>/`` holds after this run: ``"new"`` (this run's outputs), ``"unchanged"``
    (skipped: the outputs of the same inputs), ``"previous"`` (this run failed; the outputs
    of the last successful run are kept), ``"none"`` (this run failed, no earlier outputs)."""
    previous_finished_at: str | None = None
    """With ``outputs == "previous"``: when those previous outputs were written."""
    documents: list[str] = field(default_factory=list)
    """``<id>/report.docx``, ``<id>/report.pdf``, ``<id>/brief.pdf``, ``<id>/brief.html`` that exist."""
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


def error_message(ename: str, evalue: str) -> str:
    """A user error (QmError) shows its message alone; anything else ``Type: message``."""
    evalue = (evalue or "").strip()
    if is_user_error(ename):
        return evalue or ename
    return f"{ename}: {evalue}" if evalue else ename


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
