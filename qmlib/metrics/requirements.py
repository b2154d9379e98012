"""Which metrics an export can give: the catalog's requirements table, read two ways.

Contract section 4: "an export that lacks an optional column leaves out the
metrics that need it". What each metric needs is declared once, next to the
metric, in :mod:`qmlib.catalog` (``needs``, ``needs_tables``). The
calculators ask :func:`computable` before computing a metric; the report and
``ingest_summary`` ask :func:`removed_metrics` which metrics a missing column
took away. Both read the same table, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from ..catalog import COLUMN_VARIANTS, METRICS, metric_def, needed_columns


def computable(metric_id: str, tables: Mapping[str, pd.DataFrame]) -> bool:
    """True when ``tables`` has the metric's table, every table in ``needs_tables``
    and every optional column it needs (:func:`qmlib.catalog.needed_columns`)."""
    definition = metric_def(metric_id)
    if definition.table not in tables or any(t not in tables for t in definition.needs_tables):
        return False
    columns = tables[definition.table].columns
    return all(c in columns for c in needed_columns(metric_id))


def removed_metrics(missing: Mapping[str, Iterable[str]]) -> dict[str, dict[str, list[str]]]:
    """The metrics that missing optional columns leave out.

    ``missing`` maps a table to the optional columns its export lacks (as in
    the ``missing_columns`` of ingest_summary). Returns ``{table: {column:
    [metric_id, ...]}}`` with only the columns that remove at least one
    metric, metrics in catalog order; ``satisfaction_index.<dimension>`` is
    removed by a missing dimension column, and ``equipment_failure_rate``
    stands for its per-type variants too. A column without a metric that
    needs it (``building``, ``comment``, a column with a default) is not listed.

    >>> removed_metrics({"work_orders": ["arrived_at", "building"]})
    {'work_orders': {'arrived_at': ['repair_arrival_minutes_median', 'repair_arrival_minutes_p90', 'repair_timely_rate']}}
    """
    out: dict[str, dict[str, list[str]]] = {}
    for table, columns in missing.items():
        for column in columns:
            hit: list[str] = []
            for metric_id, definition in METRICS.items():
                if definition.table != table:
                    continue
                variants = tuple(f"{metric_id}.{c}" for c in COLUMN_VARIANTS.get(metric_id, ()))
                for candidate in (metric_id, *variants):
                    if column in needed_columns(candidate):
                        hit.append(candidate)
            if hit:
                out.setdefault(table, {})[column] = hit
    return out


__all__ = ["computable", "removed_metrics"]
