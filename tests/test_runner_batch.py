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


class _FakeZygote:
    address = "/nonexistent/zygote.sock"
    closed = False

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize(("engine", "zygote_used"), [("qm_warm", True), ("nbclient", False)])
def test_the_pool_forks_warm_kernels_from_one_zygote_and_stops_it(
    monkeypatch: pytest.MonkeyPatch, engine: str, zygote_used: bool
) -> None:
    from qmlib.runner import zygote

    started: list[_FakeZygote] = []
    seen: list[tuple] = []

    def start() -> _FakeZygote:
        started.append(_FakeZygote())
        return started[-1]

    monkeypatch.setattr(zygote, "start_zygote", start)
    monkeypatch.setattr(batch, "_run_executor", lambda *args: seen.append(args[5]))
    batch._run_pool(["c1", "c2"], {"engine": engine}, 2, lambda r: None, False)
    assert len(started) == int(zygote_used)
    assert all(z.closed for z in started)
    # the workers' initializer gets the zygote's address (debug, log file, address)
    assert seen == [(False, None, _FakeZygote.address if zygote_used else None)]


def test_a_worker_uses_the_zygote_it_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    import signal

    from qmlib.runner import zygote

    monkeypatch.setattr(signal, "signal", lambda *a: None)
    monkeypatch.setattr(batch, "configure_logging", lambda *a: None)
    monkeypatch.setattr(batch.gc, "set_threshold", lambda *a: None)
    monkeypatch.setattr(batch.gc, "freeze", lambda: None)
    monkeypatch.setattr(batch.multiprocessing.util, "Finalize", lambda *a, **k: None)
    try:
        batch._init_worker(False, None, "/tmp/z.sock")
        assert zygote.address() == "/tmp/z.sock"
    finally:
        zygote.set_address(None)
