"""Unit tests of the warm-kernel engine that need no kernel (the kernel tests are in test_runner.py)."""

from __future__ import annotations

import datetime as dt

from qmlib.runner import engine as warm_engine


class FakeManager:
    """The part of papermill's NotebookExecutionManager that the save throttle uses."""

    def __init__(self) -> None:
        self.clock = dt.datetime(2026, 1, 1, 12, 0, 0)
        self.last_save_time = self.clock
        self.saves: list[dt.datetime] = []

    def now(self) -> dt.datetime:
        return self.clock

    def save(self, **kwargs: object) -> None:
        self.saves.append(self.clock)
        self.last_save_time = self.clock


def test_intermediate_saves_are_throttled_and_the_real_save_is_returned() -> None:
    nb_man = FakeManager()
    real = warm_engine._throttle_saves(nb_man, every=10)
    for second in (1, 2, 9):  # cell starts and ends within 10 s of the notebook's start: no write
        nb_man.clock = dt.datetime(2026, 1, 1, 12, 0, second)
        nb_man.save()
    assert nb_man.saves == []
    nb_man.clock = dt.datetime(2026, 1, 1, 12, 0, 10)
    nb_man.save()  # 10 s after the last write
    nb_man.clock = dt.datetime(2026, 1, 1, 12, 0, 15)
    nb_man.save()
    assert nb_man.saves == [dt.datetime(2026, 1, 1, 12, 0, 10)]
    nb_man.save = real  # what the engine restores before papermill's notebook_complete
    nb_man.save()
    assert nb_man.saves[-1] == dt.datetime(2026, 1, 1, 12, 0, 15)


def test_save_every_zero_keeps_every_save() -> None:
    nb_man = FakeManager()
    warm_engine._throttle_saves(nb_man, every=0)
    nb_man.save()
    nb_man.save()
    assert len(nb_man.saves) == 2


def test_prelude_blocks_rfc3987_and_preloads_the_notebook_modules() -> None:
    code = warm_engine.prelude_code()
    compile(code, "<prelude>", "exec")  # valid Python once filled in
    assert 'sys.modules.setdefault("rfc3987_syntax", None)' in code
    assert "qmlib.report" in warm_engine.PRELOAD and "gc.freeze()" in code


def _worker_gc() -> tuple[tuple[int, int, int], int]:
    import gc

    from qmlib.runner.batch import _init_worker

    gc.collect()
    _init_worker(False)
    return gc.get_threshold(), gc.get_freeze_count()


def test_kernels_and_workers_collect_garbage_less_often() -> None:
    """The warm kernel's prelude and the pool worker's initializer both raise the collector's
    thresholds to GC_THRESHOLD (CPython's default is (700, 10, 10)) and freeze what the process
    imported before its first community."""
    import multiprocessing

    assert warm_engine.GC_THRESHOLD[0] > 700
    assert f"gc.set_threshold(*{warm_engine.GC_THRESHOLD!r})" in warm_engine.prelude_code()
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        threshold, frozen = pool.apply(_worker_gc)
    assert threshold == warm_engine.GC_THRESHOLD
    assert frozen > 10_000  # the imported modules' objects
