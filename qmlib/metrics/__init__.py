"""Stage 2: the metrics of contract section 4.

>>> from qmlib.metrics import compute_all, write_metric_outputs
>>> res = compute_all(tables, params)
>>> write_metric_outputs(res, out_dir)
"""

from __future__ import annotations

from .base import Estimate, Sample
from .changes import CHANGES_COLUMNS
from .compute import METRICS_COLUMNS, MetricResults, compute_all, write_metric_outputs
from .requirements import computable, removed_metrics
from .targets import TARGETS_COLUMNS

__all__ = [
    "CHANGES_COLUMNS",
    "METRICS_COLUMNS",
    "TARGETS_COLUMNS",
    "Estimate",
    "MetricResults",
    "Sample",
    "computable",
    "compute_all",
    "removed_metrics",
    "write_metric_outputs",
]
