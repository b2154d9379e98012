"""Stage 3: shortcomings (不足之处) of a community, ranked, with evidence.

>>> from qmlib.shortcomings import find_shortcomings, write_shortcomings
>>> df = find_shortcomings(tables, results, params, ingest_summary=s, rejects=r, signals=sig)
>>> write_shortcomings(df, out_dir / community_id)

Finding families (one module each, every finder a pure function of a
:class:`~qmlib.shortcomings.base.Context`):

- :mod:`.metric_findings`: ``target_missed``, ``metric_worsened``,
  ``failure_rate_up`` (equipment failure rates), ``gain_not_held`` (category
  ``routine_mechanism``);
- :mod:`.service`: ``repair_sla_lag``, ``open_backlog`` (work orders,
  complaints, hazards by age), ``hazard_overdue``, ``serious_incident``;
- :mod:`.equipment`: ``repeat_failure``, ``maintenance_late``;
- :mod:`.concentration`: ``pareto_complaints``, ``pareto_repairs``,
  ``lagging_building``, ``lagging_dimension``, ``training_gap``;
- :mod:`.chart_signals`: ``control_signal``;
- :mod:`.data_quality`: ``data_rejects``, ``data_missing_tables``.

Severity and ranking: :mod:`.ranking`. Output columns: contract section 5
first (community_id, shortcoming_id, category, severity, metric_id, evidence),
then ``kind, rank, score, subject, subject_label, period, value, reference, n``
(``subject``: machine-readable, e.g. ``category=水电维修``; ``subject_label``:
the same for people, in ``lang``; ``value``: current value of ``metric_id`` for
the subject; ``reference``: the level good looks like — baseline, rest of the
community, quality-month level or target).
``category`` and ``severity`` are codes (labels: ``finding.category.<code>``,
``finding.severity.<code>``); ``evidence`` is one sentence in ``lang`` with
phone and ID-card numbers masked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..outputs import write_csv
from ..params import Params
from ..privacy import mask_pii
from .base import Context, Finding, Rules
from .chart_signals import control_signal
from .concentration import lagging_building, lagging_dimension, pareto, training_gap
from .data_quality import data_missing_tables, data_rejects
from .equipment import maintenance_late, repeat_failure
from .metric_findings import metric_findings
from .ranking import KIND_CATEGORY, KINDS, assess, shortcoming_ids
from .service import backlog, hazard_overdue, repair_sla_lag, serious_incident

CONTRACT_COLUMNS: list[str] = [
    "community_id",
    "shortcoming_id",
    "category",
    "severity",
    "metric_id",
    "evidence",
]
EXTRA_COLUMNS: list[str] = [
    "kind",
    "rank",
    "score",
    "subject",
    "subject_label",
    "period",
    "value",
    "reference",
    "n",
]
SHORTCOMING_COLUMNS: list[str] = CONTRACT_COLUMNS + EXTRA_COLUMNS

#: Every finder, in the order they run (the order does not affect the ranking).
FINDERS: tuple[Callable[[Context], list[Finding]], ...] = (
    metric_findings,
    hazard_overdue,
    serious_incident,
    repeat_failure,
    maintenance_late,
    repair_sla_lag,
    backlog,
    pareto,
    lagging_building,
    lagging_dimension,
    training_gap,
    control_signal,
    data_rejects,
    data_missing_tables,
)

_FRAMES = {
    "metrics": ["community_id", "metric_id", "period", "value", "n", "ci_low", "ci_high"],
    "changes": [
        "community_id",
        "metric_id",
        "period",
        "baseline_value",
        "value",
        "change",
        "relative_change",
        "p_value",
        "significant",
    ],
    "targets": [
        "community_id",
        "metric_id",
        "kind",
        "period",
        "target",
        "baseline_value",
        "actual_value",
        "change",
        "achieved",
    ],
}


def result_frames(results: Any) -> dict[str, pd.DataFrame]:
    """metrics / changes / targets frames from a ``MetricResults``, a dict of frames, or None."""
    out: dict[str, pd.DataFrame] = {}
    for name, cols in _FRAMES.items():
        frame = results.get(name) if isinstance(results, Mapping) else getattr(results, name, None)
        out[name] = frame.copy() if isinstance(frame, pd.DataFrame) else pd.DataFrame(columns=cols)
    return out


def empty_shortcomings() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in SHORTCOMING_COLUMNS})


def find_shortcomings(
    tables: Mapping[str, pd.DataFrame],
    results: Any,
    params: Params,
    *,
    ingest_summary: pd.DataFrame | None = None,
    rejects: pd.DataFrame | None = None,
    signals: pd.DataFrame | None = None,
    lang: str | None = None,
    rules: Rules | None = None,
) -> pd.DataFrame:
    """All shortcomings of one community, ranked; columns :data:`SHORTCOMING_COLUMNS`.

    ``results`` is ``qmlib.metrics.compute_all(tables, params)`` (or any object
    / mapping with ``metrics``, ``changes``, ``targets`` frames). ``lang``
    defaults to ``params.language``. ``rules`` overrides the thresholds
    (:class:`~qmlib.shortcomings.base.Rules`). ``rank`` is 1, 2, … and
    ``shortcoming_id`` S01, S02, … in the same order.
    """
    frames = result_frames(results)
    ctx = Context(
        tables=tables,
        params=params,
        rules=rules or Rules(),
        lang=lang or params.language,
        metrics=frames["metrics"],
        changes=frames["changes"],
        targets=frames["targets"],
        ingest_summary=ingest_summary,
        rejects=rejects,
        signals=signals,
    )
    findings: list[Finding] = []
    for finder in FINDERS:
        findings.extend(finder(ctx))
    ranked = assess(findings, ctx.rules)
    if not ranked:
        return empty_shortcomings()
    ids = shortcoming_ids(len(ranked))
    df = pd.DataFrame(
        {
            "community_id": params.community_id,
            "shortcoming_id": ids,
            "category": [f.category for f in ranked],
            "severity": [f.severity for f in ranked],
            "metric_id": [f.metric_id or "" for f in ranked],
            "evidence": [mask_pii(f.evidence) for f in ranked],
            "kind": [f.kind for f in ranked],
            "rank": list(range(1, len(ranked) + 1)),
            "score": [f.score for f in ranked],
            "subject": [mask_pii(f.subject) for f in ranked],
            "subject_label": [mask_pii(f.label) for f in ranked],
            "period": [f.period for f in ranked],
            "value": pd.array([f.value for f in ranked], dtype="Float64"),
            "reference": pd.array([f.reference for f in ranked], dtype="Float64"),
            "n": pd.array([f.n for f in ranked], dtype="Int64"),
        }
    )
    return df[SHORTCOMING_COLUMNS]


def write_shortcomings(df: pd.DataFrame, out_dir: Path | str) -> Path:
    """Write ``<out_dir>/shortcomings.csv`` (``out_dir`` = ``outputs/<community_id>``)."""
    cols = CONTRACT_COLUMNS + [c for c in df.columns if c not in CONTRACT_COLUMNS]
    return write_csv(df, Path(out_dir) / "shortcomings.csv", columns=cols)


__all__ = [
    "CONTRACT_COLUMNS",
    "FINDERS",
    "KINDS",
    "KIND_CATEGORY",
    "SHORTCOMING_COLUMNS",
    "Context",
    "Finding",
    "Rules",
    "empty_shortcomings",
    "find_shortcomings",
    "result_frames",
    "write_shortcomings",
]
