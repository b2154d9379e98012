"""``qm run --scheduler tcp://host:port``: one Dask task per community.

Workers must share the filesystem with the submitting machine (the same
absolute data/params/outputs/notebooks paths) and have qmlib installed.
Each task is :func:`~qmlib.runner.execute.run_community`; with the warm
engine every worker thread keeps its own kernel across tasks. A worker plugin
kills those kernels when the worker closes.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

from distributed import Client, as_completed
from distributed.diagnostics.plugin import WorkerPlugin

from qmlib.errors import SchedulerError

from . import engine
from .execute import CommunityResult, failed_result, run_community


class WarmKernelCleanup(WorkerPlugin):
    """Kill the warm kernels of a worker process when the worker closes."""

    name = "qm-warm-kernel-cleanup"

    def teardown(self, worker: Any) -> None:
        """Called by the worker on close."""
        engine.shutdown_all()


def run_on_dask(
    ids: list[str],
    task_kwargs: dict[str, Any],
    scheduler: str,
    on_result: Callable[[CommunityResult], None],
    connect_timeout: str = "10s",
) -> None:
    """Submit every community to ``scheduler`` and call ``on_result`` as each finishes.

    On ``KeyboardInterrupt`` the outstanding tasks are cancelled and the
    interrupt re-raised.
    """
    try:
        client = Client(scheduler, timeout=connect_timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerError(f"cannot connect to the Dask scheduler {scheduler}: {exc}") from exc
    with client:
        # kernels also die with their parent if the plugin cannot be registered
        with contextlib.suppress(Exception):
            client.register_plugin(WarmKernelCleanup())
        token = uuid.uuid4().hex[:8]
        task = partial(run_community, **task_kwargs)
        futures = {
            client.submit(task, cid, key=f"qm-run-{cid}-{token}", pure=False, retries=0): cid for cid in ids
        }
        try:
            for future in as_completed(futures, loop=client.loop):
                cid = futures[future]
                try:
                    result = future.result()
                except Exception as exc:
                    result = failed_result(cid, f"Dask task failed: {type(exc).__name__}: {exc}", "DaskError")
                on_result(result)
        except BaseException:
            client.cancel(list(futures))
            raise
