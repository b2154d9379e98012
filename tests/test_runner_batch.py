"""Unit tests of qmlib/runner/batch.py that need no kernel (the batch runs are in test_runner.py)."""

from __future__ import annotations

import threading

from qmlib.runner import batch


def test_prepare_runs_once_in_a_thread_and_its_failure_is_not_raised() -> None:
    calls: list[str] = []

    def prepare() -> None:
        calls.append(threading.current_thread().name)
        raise ImportError("no such module")

    preparing = batch._Prepare(prepare)
    preparing.start()
    preparing.start()  # once only
    preparing.wait()
    assert calls == ["qm-prepare"]


def test_without_a_prepare_nothing_runs() -> None:
    preparing = batch._Prepare(None)
    preparing.start()
    preparing.wait()
    assert preparing.thread is None


def test_the_hook_of_qm_run_prepares_the_boards_imports() -> None:
    import subprocess
    import sys

    code = (
        "import sys\nfrom qmlib.cli import PortfolioHook\nPortfolioHook().prepare()\n"
        "print(all(m in sys.modules for m in ('qmlib.portfolio.sections', 'qmlib.runner.inprocess', 'duckdb')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
