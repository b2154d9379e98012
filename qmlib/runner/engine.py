"""Papermill engine registered as ``qm_warm`` (placeholder until the runner lands)."""

from __future__ import annotations

from papermill.engines import NBClientEngine


class WarmKernelEngine(NBClientEngine):
    """Executes notebooks with nbclient; the warm-kernel variant replaces this."""
