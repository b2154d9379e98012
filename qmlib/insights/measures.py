"""The metrics that can be broken down by a dimension of their rows.

A :class:`Measure` says which rows a metric is computed from (e.g. the
non-cancelled work orders, the valid complaints, the failures), which
dimensions those rows carry (category, urgency, building, asset, ...), and
how each row counts towards the metric. Every rule (cancelled, valid,
timely, due, on time, satisfied, passed) is the row-level function of
:mod:`qmlib.metrics.rules` that the metric functions themselves call, and a
metric is broken down only when :func:`qmlib.metrics.requirements.computable`
says the export gives it; this module never re-implements a rule or a
requirement.

Rules are applied once to all rows of a measure; a breakdown by a dimension
is then a grouped sum per dimension value (``numpy.bincount``):

- shares and means: ``(num, den)`` per row — a flag and 1 where the row is
  eligible (shares), a value and 1 where it has one (means); the value of a
  subset is ``Σnum / Σden``, as the metric function computes it;
- per-exposure rates and counts: the number of events per dimension value,
  turned into the metric by the contract formula of :mod:`qmlib.metrics.base`
  with the community's full exposure, so that the values of disjoint subsets
  add up to the pooled value (what Adtributor needs).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..catalog import metric_def
from ..metrics import rules
from ..metrics.base import Estimate, count_estimate, rate_estimate
from ..metrics.equipment import asset_types
from ..metrics.requirements import computable
from ..params import Params
from ..periods import anchor_times, assign_periods, by_as_of, days
from ..schema import ENGLISH, SURVEY_DIMENSIONS

#: Label of an element whose dimension value is missing.
MISSING = ""

#: rows → per-row ``(num, den)`` of a share or a mean
Outcome = Callable[[pd.DataFrame], tuple[pd.Series, pd.Series]]
#: ``(event count, days of the period)`` → the rate or count
OfCount = Callable[[int, int], "Estimate | None"]


@dataclass(frozen=True)
class Measure:
    """A metric and the rows it is computed from.

    ``rows(tables)`` returns the eligible rows (None when the metric is not
    :func:`~qmlib.metrics.requirements.computable` from the tables) with the
    dimension columns ``dims`` present. Shares and means have an
    ``outcome`` (the row-level rule as ``(num, den)`` per row); rates and
    counts an ``of_count`` (the metric from an event count and the period's
    days).
    """

    metric_id: str
    table: str
    dims: tuple[str, ...]
    rows: Callable[..., pd.DataFrame | None]  # (tables[, memo])
    outcome: Outcome | None = None
    of_count: OfCount | None = None

    @property
    def kind(self) -> str:
        return metric_def(self.metric_id).kind

    @property
    def better(self) -> int:
        return metric_def(self.metric_id).better


# ---- row sources -----------------------------------------------------------


def group_column(dim: str) -> str:
    """Name of the grouping copy of a dimension column (the original stays untouched for the rules)."""
    return f"_by_{dim}"


def _with(df: pd.DataFrame, dims: tuple[str, ...]) -> pd.DataFrame:
    """Rows with a text grouping column for every dimension (missing values = :data:`MISSING`)."""
    extra = {}
    for d in dims:
        col = df[d].astype(object) if d in df.columns else pd.Series(None, index=df.index, dtype=object)
        extra[group_column(d)] = np.where(pd.isna(col), MISSING, col.astype(str)).astype(object)
    return df.assign(**extra)


#: ``rows(tables, memo=None)``: the eligible rows, None when the metric is not computable.
#: Measures with the same row source (the same table, selection and dimensions) share one
#: frame through ``memo`` (a dict that lives as long as the tables, :class:`Breakdowns`).
Rows = Callable[..., pd.DataFrame | None]


def _memoized(memo: dict | None, key: tuple, build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    if memo is None:
        return build()
    if key not in memo:
        memo[key] = build()
    return memo[key]


def _rows_of(
    metric_id: str, table: str, select: Callable[[pd.DataFrame], pd.DataFrame], dims: tuple[str, ...]
) -> Rows:
    """The rows ``select`` keeps of ``table``, when ``metric_id`` is computable from the tables."""

    def rows(tables: Mapping[str, pd.DataFrame], memo: dict | None = None) -> pd.DataFrame | None:
        if not computable(metric_id, tables):
            return None
        return _memoized(memo, ("rows", table, select, dims), lambda: _with(select(tables[table]), dims))

    return rows


def _selected(rule: Callable[[pd.DataFrame], pd.Series]) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda df: df[rule(df).to_numpy(dtype=bool)]


def _events_of(metric_id: str, rule: Callable[[pd.DataFrame], pd.Series], zh_type: str | None = None) -> Rows:
    """Asset events the ``rule`` keeps (:func:`~qmlib.metrics.rules.is_failure` /
    :func:`~qmlib.metrics.rules.is_maintenance`), with the asset's type and
    location joined; of one asset type when ``zh_type`` is given."""

    def rows(tables: Mapping[str, pd.DataFrame], memo: dict | None = None) -> pd.DataFrame | None:
        if not computable(metric_id, tables):
            return None
        return _memoized(memo, ("events", rule, zh_type), lambda: build(tables))

    def build(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
        ev = tables["asset_events"]
        ev = ev[rule(ev).to_numpy(dtype=bool)]
        missing = {
            c: pd.Series(pd.NaT, index=ev.index, dtype="datetime64[ns]")
            for c in ("occurred_at", "scheduled_on")
            if c not in ev.columns
        }
        if missing:
            ev = ev.assign(**missing)
        assets = tables.get("assets")
        if assets is not None and not assets.empty:
            first = assets.drop_duplicates("asset_id")
            info = first.set_index(first["asset_id"].astype(str))
            ids = ev["asset_id"].astype(str)
            ev = ev.assign(
                asset_type=ids.map(info["type"].astype("string")).astype("string"),
                location=ids.map(info["location"].astype("string")).astype("string")
                if "location" in info.columns
                else pd.Series(pd.NA, index=ev.index, dtype="string"),
            )
        ev = _with(ev, ASSET_DIMS)
        if zh_type is not None:
            ev = ev[ev[group_column("asset_type")].eq(zh_type).to_numpy(dtype=bool)]
        return ev

    return rows


WORK_ORDER_DIMS = ("category", "urgency", "building")
COMPLAINT_DIMS = ("category", "channel")
ASSET_DIMS = ("asset_id", "asset_type")
HAZARD_DIMS = ("area", "severity")
INSPECTION_DIMS = ("dimension", "inspector")
SURVEY_DIMS = ("building",)

#: table → (the rows its metrics are computed from, the dimensions they carry)
_SOURCES: dict[str, tuple[Callable[[pd.DataFrame], pd.DataFrame], tuple[str, ...]]] = {
    "surveys": (lambda df: df, SURVEY_DIMS),
    "complaints": (rules.valid_complaints, COMPLAINT_DIMS),
    "work_orders": (rules.active_orders, WORK_ORDER_DIMS),
    "hazards": (lambda df: df, HAZARD_DIMS),
    "inspections": (lambda df: df, INSPECTION_DIMS),
}


def _n_assets(tables: Mapping[str, pd.DataFrame], zh_type: str | None = None) -> int:
    assets = tables.get("assets")
    if assets is None:
        return 0
    if zh_type is None:
        return len(assets)
    return int(assets["type"].astype("string").eq(zh_type).fillna(False).sum())


# ---- row-level outcomes (shares and means) -----------------------------------


def _mean_of(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A mean's ``(value, 1)`` per row that has a value, ``(0, 0)`` per row without."""
    x = values.astype("float64")
    return x.fillna(0.0), x.notna().astype("float64")


def _share_of(flags: pd.Series, eligible: pd.Series | None = None) -> tuple[pd.Series, pd.Series]:
    """A share's ``(flag, 1)`` per eligible row (every row when ``eligible`` is None), ``(0, 0)`` per other."""
    den = (
        pd.Series(1.0, index=flags.index)
        if eligible is None
        else eligible.astype("boolean").fillna(False).astype("float64")
    )
    num = flags.astype("boolean").fillna(False).astype("float64") * den
    return num, den


def _outcome(metric_id: str, params: Params) -> Outcome:
    """The row-level rule of a share or mean metric, from :mod:`qmlib.metrics.rules`."""
    base, _, suffix = metric_id.partition(".")
    sla = params.sla
    scale = params.survey_scale
    outcomes: dict[str, Outcome] = {
        "satisfaction_index": lambda r: _mean_of(rules.to_index(r[suffix or "overall"], scale)),
        "satisfaction_rate": lambda r: _share_of(rules.is_satisfied(r, scale), r["overall"].notna()),
        "complaint_closure_rate": lambda r: _share_of(by_as_of(r["closed_at"], params)),
        "complaint_response_timely_rate": lambda r: _share_of(
            rules.response_timely(r, sla.complaint_response_hours)
        ),
        "repair_timely_rate": lambda r: _share_of(rules.repair_timely(r, sla.repair_arrival_minutes)),
        "repair_completion_rate": lambda r: _share_of(by_as_of(r["completed_at"], params)),
        "repair_rework_rate": lambda r: _share_of(rules.is_reworked(r), rules.rework_eligible(r)),
        "equipment_mttr_hours": lambda r: _mean_of(rules.restore_hours(r)),
        "maintenance_on_time_rate": lambda r: _share_of(
            rules.maintenance_on_time(r, sla.maintenance_tolerance_days)
        ),
        "hazard_rectification_rate": lambda r: _share_of(by_as_of(r["rectified_at"], params)),
        "hazard_on_time_rate": lambda r: _share_of(rules.hazard_on_time(r, sla.hazard_due_days)),
        "inspection_score": lambda r: _mean_of(r["score"]),
        "inspection_pass_rate": lambda r: _share_of(
            rules.inspection_passed(r, params.inspection_pass_score), r["score"].notna()
        ),
    }
    return outcomes[base]


def _of_count(metric_id: str, tables: Mapping[str, pd.DataFrame], params: Params) -> OfCount:
    """Rates and counts from an event count: the contract formula's one home, metrics.base."""
    base, _, suffix = metric_id.partition(".")
    if base == "complaint_rate":
        return lambda c, d: rate_estimate(c, params.households, d)
    if base == "equipment_failure_rate":
        zh = {type_english(z): z for z in ENGLISH["asset_type"]}.get(suffix) if suffix else None
        units = _n_assets(tables, zh)
        return lambda c, d: rate_estimate(c, units, d)
    if base == "hazard_count":
        return lambda c, d: count_estimate(c)
    raise KeyError(f"no event-count formula for {metric_id!r}")


#: the metrics broken down, in catalog order (``satisfaction_index`` also per survey dimension)
BROKEN_DOWN: tuple[str, ...] = (
    "satisfaction_index",
    "satisfaction_rate",
    "complaint_rate",
    "complaint_closure_rate",
    "complaint_response_timely_rate",
    "repair_timely_rate",
    "repair_completion_rate",
    "repair_rework_rate",
    "equipment_failure_rate",
    "equipment_mttr_hours",
    "maintenance_on_time_rate",
    "hazard_count",
    "hazard_rectification_rate",
    "hazard_on_time_rate",
    "inspection_score",
    "inspection_pass_rate",
)


def measures(tables: Mapping[str, pd.DataFrame], params: Params) -> list[Measure]:
    """Every decomposable metric the tables allow (in catalog order)."""
    out: list[Measure] = []

    def add(metric_id: str, rows: Rows, table: str, dims: tuple[str, ...]) -> None:
        if metric_def(metric_id).kind in ("share", "mean"):
            out.append(Measure(metric_id, table, dims, rows, outcome=_outcome(metric_id, params)))
        else:
            out.append(Measure(metric_id, table, dims, rows, of_count=_of_count(metric_id, tables, params)))

    for metric_id in BROKEN_DOWN:
        table = metric_def(metric_id).table
        if table == "asset_events":
            if metric_id == "equipment_failure_rate":
                if not computable(metric_id, tables):
                    continue
                add(metric_id, _events_of(metric_id, rules.is_failure), table, ASSET_DIMS)
                for english, zh in asset_types(tables["assets"]).items():
                    add(
                        f"{metric_id}.{english}",
                        _events_of(metric_id, rules.is_failure, zh),
                        table,
                        ("asset_id",),
                    )
            else:
                rule = rules.is_maintenance if metric_id == "maintenance_on_time_rate" else rules.is_failure
                add(metric_id, _events_of(metric_id, rule), table, ASSET_DIMS)
            continue
        select, dims = _SOURCES[table]
        add(metric_id, _rows_of(metric_id, table, select, dims), table, dims)
        if metric_id == "satisfaction_index":
            for dim in SURVEY_DIMENSIONS:
                variant = f"{metric_id}.{dim}"
                if computable(variant, tables):
                    add(variant, _rows_of(variant, table, select, dims), table, dims)
    return out


# ---- periods and elements ------------------------------------------------------


@dataclass
class Prepared:
    """The rows of one measure with their period (``period``), ready to group.

    ``codes(dim)`` factorizes a dimension once; ``num`` and ``den`` are the
    per-row outcome of a share or a mean (None for rates and counts).
    """

    measure: Measure
    rows: pd.DataFrame
    period: np.ndarray
    _codes: dict[str, tuple[np.ndarray, list[str]]]
    #: per-row (num, den) of the row-level rule, when the measure has one
    num: np.ndarray | None = None
    den: np.ndarray | None = None

    def codes(self, dim: str) -> tuple[np.ndarray, list[str]]:
        if dim not in self._codes:
            codes, uniques = pd.factorize(self.rows[group_column(dim)], sort=True)
            self._codes[dim] = (codes, [str(u) for u in uniques])
        return self._codes[dim]


@dataclass(frozen=True)
class Point:
    """A metric value of one element in one period, with its n (value None: no value)."""

    value: float | None
    n: int


def prepare(
    measure: Measure, tables: Mapping[str, pd.DataFrame], params: Params, memo: dict | None = None
) -> Prepared | None:
    """Rows of ``measure`` in the analysis periods, tagged with their period and, for shares
    and means, with their row-level outcome; None when the metric is not computable.

    ``memo`` (a dict that lives as long as ``tables`` and ``params``): measures with the same
    row source share their rows, periods and dimension codes (which are read, never changed).
    """
    rows = measure.rows(tables, memo) if memo is not None else measure.rows(tables)
    if rows is None:
        return None
    # keyed by the rows frame itself (held in the entry, so its id is not reused)
    key = ("periods", id(rows))
    hit = memo.get(key) if memo is not None else None
    if hit is None or hit[0] is not rows:
        period = assign_periods(anchor_times(measure.table, rows), params)
        keep = period.notna().to_numpy(dtype=bool)
        hit = (rows, rows[keep], period[keep].astype(object).to_numpy(), {})
        if memo is not None:
            memo[key] = hit
    _, rows, periods, codes = hit
    num = den = None
    if measure.outcome is not None:
        n_s, d_s = measure.outcome(rows)
        num, den = n_s.to_numpy(dtype=float), d_s.to_numpy(dtype=float)
    return Prepared(measure, rows, periods, codes, num, den)


PARTS_COLUMNS = ["element", "num", "den", "value", "n"]


def element_parts(prep: Prepared, dim: str, period: str | None, params: Params) -> pd.DataFrame:
    """Per element of ``dim`` in ``period`` (None: all periods together): ``num``, ``den``
    (NaN for rates/counts), ``value``, ``n``.

    Every element seen in any period is listed (no rows in this period: 0
    for rates and counts, no value for shares and means). Shares and means
    are the sums of the row-level outcome per element (``value = num / den``,
    ``n = den``); rates and counts the metric of the element's event count
    with the community's exposure over the period's days.
    """
    m = prep.measure
    codes, elements = prep.codes(dim)
    if period is None:
        d = sum(days(params, p) for p in params.period_names)
        in_p = np.ones(len(codes), dtype=bool)
    else:
        d = days(params, period)
        in_p = prep.period == period
    k = len(elements)
    sel = codes[in_p]
    if prep.num is not None and prep.den is not None:
        num = np.bincount(sel, weights=prep.num[in_p], minlength=k)
        den = np.bincount(sel, weights=prep.den[in_p], minlength=k)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
        return pd.DataFrame(
            {
                "element": elements,
                "num": num,
                "den": den,
                "value": [None if np.isnan(v) else float(v) for v in value],
                "n": den.astype(int),
            },
            columns=PARTS_COLUMNS,
        )
    if m.of_count is None:
        raise ValueError(f"measure {m.metric_id!r} has neither a row outcome nor an event-count formula")
    counts = np.bincount(sel, minlength=k)
    recs = []
    for element, c in zip(elements, counts, strict=True):
        est = m.of_count(int(c), d)
        v = None if est is None else float(est.value)
        recs.append((element, 0.0 if v is None else v, np.nan, v, int(c)))
    return pd.DataFrame.from_records(recs, columns=PARTS_COLUMNS)


class Breakdowns:
    """The measures of one community with their rows and element parts, computed once.

    Finders share one instance (``InsightContext.breakdowns``), so a metric
    broken down by a dimension for a change is not computed again for a level.
    """

    def __init__(self, tables: Mapping[str, pd.DataFrame], params: Params) -> None:
        self.tables = tables
        self.params = params
        self._measures = {m.metric_id: m for m in measures(tables, params)}
        self._prepared: dict[str, Prepared | None] = {}
        self._memo: dict = {}  # rows shared by measures of one source (:func:`prepare`)
        self._parts: dict[tuple[str, str, str], pd.DataFrame] = {}
        self._points: dict[tuple[str, str, str], dict[str, Point]] = {}

    def all(self) -> list[Measure]:
        return list(self._measures.values())

    def measure(self, metric_id: str) -> Measure | None:
        return self._measures.get(metric_id)

    def prepared(self, metric_id: str) -> Prepared | None:
        if metric_id not in self._prepared:
            m = self._measures.get(metric_id)
            self._prepared[metric_id] = (
                None if m is None else prepare(m, self.tables, self.params, self._memo)
            )
        return self._prepared[metric_id]

    def parts(self, metric_id: str, dim: str, period: str) -> pd.DataFrame:
        """:func:`element_parts` of a metric by ``dim`` in ``period`` ("*": all periods)."""
        key = (metric_id, dim, period)
        if key not in self._parts:
            prep = self.prepared(metric_id)
            self._parts[key] = (
                pd.DataFrame(columns=PARTS_COLUMNS)
                if prep is None
                else element_parts(prep, dim, None if period == "*" else period, self.params)
            )
        return self._parts[key]

    def points(self, metric_id: str, dim: str, element: str) -> dict[str, Point]:
        """The metric of one element in every period (contract order)."""
        out: dict[str, Point] = {}
        for period in self.params.period_names:
            key = (metric_id, dim, period)
            if key not in self._points:
                parts = self.parts(metric_id, dim, period)
                self._points[key] = {
                    str(e): Point(None if v is None or pd.isna(v) else float(v), int(n))
                    for e, v, n in zip(parts["element"], parts["value"], parts["n"], strict=True)
                }
            out[period] = self._points[key].get(element, Point(None, 0))
        return out

    def window(self, metric_id: str, dim: str) -> pd.DataFrame:
        """Per element, over all periods together: ``num``, ``den``, ``value``, ``n``."""
        return self.parts(metric_id, dim, "*")


def type_english(zh: str) -> str:
    return ENGLISH["asset_type"].get(zh, zh)


__all__ = [
    "ASSET_DIMS",
    "BROKEN_DOWN",
    "COMPLAINT_DIMS",
    "HAZARD_DIMS",
    "INSPECTION_DIMS",
    "MISSING",
    "SURVEY_DIMS",
    "WORK_ORDER_DIMS",
    "Breakdowns",
    "Measure",
    "Point",
    "Prepared",
    "element_parts",
    "group_column",
    "measures",
    "prepare",
    "type_english",
]
