"""``compute_all``: every metric, change and target of contract section 4.

``tables`` maps a table name to its clean DataFrame (see docs/ARCHITECTURE.md).
A table missing from the dict was not supplied: its metrics are absent. A table
with zero rows gives 0 for counts, rates and coverage, and no value for shares
and means.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..outputs import write_csv
from ..params import Params
from . import (
    complaints,
    equipment,
    hazards,
    incidents_activities,
    inspections,
    repairs,
    satisfaction,
    training,
)
from .base import Estimate, MetricMap, Sample
from .catalog import METRICS, base_metric
from .changes import CHANGES_COLUMNS, compute_changes
from .targets import TARGETS_COLUMNS, compute_targets

METRICS_COLUMNS: list[str] = ["community_id", "metric_id", "period", "value", "n", "ci_low", "ci_high"]


def first_rows(metrics: pd.DataFrame, *columns: str) -> dict[tuple[str, str], tuple[Any, ...]]:
    """``columns`` of the first row of every (metric_id, period) of a metrics frame, by key.

    One pass over the frame, for callers that look a few dozen metrics up (the
    shortcomings' finders, the plan) instead of filtering the frame for each.
    Rows whose metric_id or period is not a string are left out.
    """
    rows: dict[tuple[str, str], tuple[Any, ...]] = {}
    if metrics.empty:
        return rows
    values = zip(*(metrics[c].tolist() for c in ("metric_id", "period", *columns)), strict=True)
    for metric_id, period, *rest in values:
        if isinstance(metric_id, str) and isinstance(period, str):
            rows.setdefault((metric_id, period), tuple(rest))
    return rows


#: Domain calculators, in the catalog's group order.
DOMAINS: tuple[Callable[[dict[str, pd.DataFrame], Params], MetricMap], ...] = (
    satisfaction.compute,
    complaints.compute,
    repairs.compute,
    equipment.compute,
    hazards.compute,
    inspections.compute,
    training.compute,
    incidents_activities.compute,
)

_CATALOG_ORDER = {metric_id: i for i, metric_id in enumerate(METRICS)}


@dataclass
class MetricResults:
    """Everything stage 2 computes for one community.

    - ``metrics``: metrics.csv (community_id, metric_id, period, value, n, ci_low, ci_high)
    - ``changes``: changes.csv (…, p_value, significant as pandas ``boolean``)
    - ``targets``: targets.csv (…, achieved as pandas ``boolean``)
    - ``samples``: ``{(metric_id, period): Sample}`` for every row of ``metrics``
      (observations of means and percentiles, successes/trials of shares,
      events/exposure of rates, numerator/denominator of ratios, counts)
    - ``estimates``: ``{metric_id: {period: Estimate}}``, the same data keyed for lookup
    """

    metrics: pd.DataFrame
    changes: pd.DataFrame
    targets: pd.DataFrame
    samples: dict[tuple[str, str], Sample]
    estimates: MetricMap = field(default_factory=dict)

    def value(self, metric_id: str, period: str) -> float | None:
        """The value of a metric in a period, or None when it has none."""
        est = self.estimates.get(metric_id, {}).get(period)
        return None if est is None else est.value


def collect(tables: dict[str, pd.DataFrame], params: Params) -> MetricMap:
    """All estimates, ordered by catalog metric, then variant, then period."""
    merged: MetricMap = {}
    for domain in DOMAINS:
        merged.update(domain(tables, params))
    period_order: dict[str, int] = {p: i for i, p in enumerate(params.period_names)}
    ordered_ids = sorted(merged, key=lambda m: _CATALOG_ORDER.get(base_metric(m), len(_CATALOG_ORDER)))
    return {m: dict(sorted(merged[m].items(), key=lambda kv: period_order[kv[0]])) for m in ordered_ids}


def metrics_frame(estimates: MetricMap, params: Params) -> pd.DataFrame:
    """metrics.csv as a DataFrame: one row per metric and period that has a value."""
    rows = [
        {
            "metric_id": metric_id,
            "period": period,
            "value": est.value,
            "n": est.n,
            "ci_low": est.ci_low,
            "ci_high": est.ci_high,
        }
        for metric_id, by_period in estimates.items()
        for period, est in by_period.items()
    ]
    frame = pd.DataFrame(rows, columns=METRICS_COLUMNS[1:])
    frame.insert(0, "community_id", params.community_id)
    return frame.astype(
        {
            "community_id": "string",
            "metric_id": "string",
            "period": "string",
            "value": "float64",
            "n": "Int64",
            "ci_low": "float64",
            "ci_high": "float64",
        }
    )[METRICS_COLUMNS]


def compute_all(tables: dict[str, pd.DataFrame], params: Params) -> MetricResults:
    """Compute metrics, changes against the baseline and targets (contract section 4)."""
    estimates = collect(tables, params)
    samples: dict[tuple[str, str], Sample] = {
        (metric_id, period): est.sample
        for metric_id, by_period in estimates.items()
        for period, est in by_period.items()
    }
    return MetricResults(
        metrics=metrics_frame(estimates, params),
        changes=compute_changes(estimates, params),
        targets=compute_targets(estimates, params),
        samples=samples,
        estimates=estimates,
    )


def _csv_bool(series: pd.Series) -> pd.Series:
    """pandas boolean → ``true``/``false``/missing (written as empty)."""
    return series.astype("boolean").map({True: "true", False: "false"}, na_action="ignore").astype(object)


def write_metric_outputs(res: MetricResults, out_dir: Path | str) -> None:
    """Write metrics.csv, changes.csv and targets.csv into ``out_dir`` (contract section 5)."""
    out = Path(out_dir)
    changes = res.changes.assign(significant=_csv_bool(res.changes["significant"]))
    targets = res.targets.assign(achieved=_csv_bool(res.targets["achieved"]))
    write_csv(res.metrics, out / "metrics.csv", columns=METRICS_COLUMNS)
    write_csv(changes, out / "changes.csv", columns=CHANGES_COLUMNS)
    write_csv(targets, out / "targets.csv", columns=TARGETS_COLUMNS)


__all__ = [
    "DOMAINS",
    "METRICS_COLUMNS",
    "Estimate",
    "MetricResults",
    "compute_all",
    "metrics_frame",
    "write_metric_outputs",
]
