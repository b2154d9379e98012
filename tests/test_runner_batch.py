"""Unit tests of qmlib/runner/batch.py that need no kernel (the batch runs are in test_runner.py)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from papermill.exceptions import PapermillExecutionError

from qmlib.errors import QmError
from qmlib.runner import batch


def _raising(exc: BaseException):
    def hook(out_dir: Path, params_dir: Path) -> None:
        raise exc

    return hook


def test_a_hook_that_succeeds_has_no_failure(tmp_path: Path) -> None:
    calls: list[tuple[Path, Path]] = []
    assert batch.after_batch_failure(lambda o, p: calls.append((o, p)), tmp_path, tmp_path / "p") is None
    assert calls == [(tmp_path, tmp_path / "p")]


@pytest.mark.parametrize(
    ("exc", "line"),
    [
        (QmError("no metrics to pool\nsecond line"), "no metrics to pool"),
        (ValueError("bad value"), "ValueError: bad value"),
        (PapermillExecutionError(3, 1, "x", "InputFileError", "a.csv: missing", []), "a.csv: missing"),
        (PapermillExecutionError(3, 1, "x", "KeyError", "'k'", []), "KeyError: 'k'"),
        (RuntimeError(""), "RuntimeError:"),
        (QmError("   "), "failed"),
    ],
)
def test_a_hook_failure_becomes_one_line(tmp_path: Path, exc: Exception, line: str) -> None:
    assert batch.after_batch_failure(_raising(exc), tmp_path, tmp_path) == line


def test_an_interrupt_in_the_hook_is_not_swallowed(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt):
        batch.after_batch_failure(_raising(KeyboardInterrupt()), tmp_path, tmp_path)


def test_the_hook_of_qm_run_runs_in_a_worker_and_can_be_sent_there() -> None:
    from qmlib.cli import PortfolioHook

    hook = pickle.loads(pickle.dumps(PortfolioHook()))
    assert isinstance(hook, PortfolioHook)
    assert hook.runs_in_worker is True
