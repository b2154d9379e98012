"""The metrics of contract section 4, as data: id, statistical kind, direction.

``kind`` decides the confidence interval and the significance test:

- ``mean``: t interval; Welch's t-test.
- ``share``: Wilson interval; pooled two-proportion z-test.
- ``rate``: per-exposure rate; no interval; Poisson score test.
- ``count``, ``percentile``, ``coverage``, ``per_capita``: no interval, no test.

``better`` is +1 when a higher value is better, -1 when lower is better and
0 when neither (counts of activities, hazards found).

``needs`` is the requirements table of contract section 4 ("an export that
lacks an optional column leaves out the metrics that need it"): the optional
columns of ``table`` the metric reads (required columns are always there),
and ``needs_tables`` the other tables it needs. ``satisfaction_index.<dimension>``
also needs the survey column ``<dimension>`` (:func:`needed_columns`). The
metric calculators decide from this table whether a metric can be computed
(:func:`qmlib.metrics.requirements.computable`), and
:func:`qmlib.metrics.requirements.removed_metrics` reads it to say which
metrics a missing column removed.

``value_range`` is the range the value of a mean can take; its t interval
is clipped to it (contract v1.1: 0–100 for indexes and scores, 1–5 for
ratings, ≥ 0 for hours). ``None`` is an open end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .schema import SURVEY_DIMENSIONS

MetricKind = Literal["mean", "share", "rate", "count", "percentile", "coverage", "per_capita"]


@dataclass(frozen=True)
class MetricDef:
    metric_id: str
    kind: MetricKind
    table: str
    group: str
    better: int
    unit: str = ""
    needs: tuple[str, ...] = ()
    needs_tables: tuple[str, ...] = ()
    value_range: tuple[float | None, float | None] = (None, None)


_DEFS = (
    MetricDef(
        "satisfaction_index", "mean", "surveys", "satisfaction", +1, "points", value_range=(0.0, 100.0)
    ),
    MetricDef("satisfaction_rate", "share", "surveys", "satisfaction", +1, "share"),
    MetricDef("survey_coverage", "coverage", "surveys", "satisfaction", +1, "ratio"),
    MetricDef("complaint_rate", "rate", "complaints", "complaints", -1, "per100hh30d"),
    MetricDef("complaint_closure_rate", "share", "complaints", "complaints", +1, "share", ("closed_at",)),
    MetricDef(
        "complaint_response_timely_rate", "share", "complaints", "complaints", +1, "share", ("responded_at",)
    ),
    MetricDef(
        "repair_arrival_minutes_median",
        "percentile",
        "work_orders",
        "repairs",
        -1,
        "minutes",
        ("arrived_at",),
    ),
    MetricDef(
        "repair_arrival_minutes_p90", "percentile", "work_orders", "repairs", -1, "minutes", ("arrived_at",)
    ),
    MetricDef("repair_timely_rate", "share", "work_orders", "repairs", +1, "share", ("arrived_at",)),
    MetricDef("repair_completion_rate", "share", "work_orders", "repairs", +1, "share", ("completed_at",)),
    MetricDef(
        "repair_rework_rate", "share", "work_orders", "repairs", -1, "share", ("completed_at", "reworked")
    ),
    MetricDef(
        "repair_rating", "mean", "work_orders", "repairs", +1, "rating", ("rating",), value_range=(1.0, 5.0)
    ),
    MetricDef(
        "equipment_failure_rate",
        "rate",
        "asset_events",
        "equipment",
        -1,
        "per100assets30d",
        ("occurred_at",),
        ("assets",),
    ),
    MetricDef(
        "equipment_mttr_hours",
        "mean",
        "asset_events",
        "equipment",
        -1,
        "hours",
        ("occurred_at", "restored_at"),
        value_range=(0.0, None),
    ),
    MetricDef(
        "maintenance_on_time_rate",
        "share",
        "asset_events",
        "equipment",
        +1,
        "share",
        ("scheduled_on", "occurred_at"),
    ),
    MetricDef("hazard_count", "count", "hazards", "safety", 0, "count"),
    MetricDef("hazard_rectification_rate", "share", "hazards", "safety", +1, "share", ("rectified_at",)),
    MetricDef("hazard_on_time_rate", "share", "hazards", "safety", +1, "share", ("rectified_at",)),
    MetricDef(
        "inspection_score", "mean", "inspections", "inspections", +1, "points", value_range=(0.0, 100.0)
    ),
    MetricDef("inspection_pass_rate", "share", "inspections", "inspections", +1, "share"),
    MetricDef("training_coverage", "coverage", "training", "training", +1, "ratio"),
    MetricDef("training_hours_per_employee", "per_capita", "training", "training", +1, "hours"),
    MetricDef("training_pass_rate", "share", "training", "training", +1, "share", ("score",)),
    MetricDef("incident_count", "count", "incidents", "safety", -1, "count"),
    MetricDef("serious_incident_count", "count", "incidents", "safety", -1, "count"),
    MetricDef("activity_count", "count", "activities", "activities", 0, "count"),
)

METRICS: dict[str, MetricDef] = {m.metric_id: m for m in _DEFS}

#: Metrics that have per-dimension / per-type variants ``<base>.<suffix>``.
DIMENSIONED: tuple[str, ...] = ("satisfaction_index", "inspection_score", "equipment_failure_rate")


def base_metric(metric_id: str) -> str:
    """``satisfaction_index.cleaning`` → ``satisfaction_index``."""
    return metric_id.split(".", 1)[0]


def metric_def(metric_id: str) -> MetricDef:
    """The definition of a metric id, including dimensioned variants."""
    base = base_metric(metric_id)
    if base not in METRICS or (base != metric_id and base not in DIMENSIONED):
        raise KeyError(metric_id)
    return METRICS[base]


#: Dimensioned metrics whose variant ``<base>.<column>`` reads the survey column ``<column>``.
COLUMN_VARIANTS: dict[str, tuple[str, ...]] = {"satisfaction_index": SURVEY_DIMENSIONS}


def needed_columns(metric_id: str) -> tuple[str, ...]:
    """Optional columns of its table that a metric id needs (its ``needs``, plus the
    dimension column of ``satisfaction_index.<dimension>``)."""
    definition = metric_def(metric_id)
    base = base_metric(metric_id)
    if base != metric_id and base in COLUMN_VARIANTS:
        return (*definition.needs, metric_id.split(".", 1)[1])
    return definition.needs


def is_known_metric(metric_id: str) -> bool:
    try:
        metric_def(metric_id)
    except KeyError:
        return False
    return metric_id.count(".") <= 1 and not metric_id.endswith(".")
