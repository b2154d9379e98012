"""Re-export of :mod:`qmlib.catalog` (the catalog lives outside this package so
that params validation can use it without importing scipy and statsmodels)."""

from __future__ import annotations

from ..catalog import DIMENSIONED, METRICS, MetricDef, MetricKind, base_metric, is_known_metric, metric_def

__all__ = [
    "DIMENSIONED",
    "METRICS",
    "MetricDef",
    "MetricKind",
    "base_metric",
    "is_known_metric",
    "metric_def",
]
