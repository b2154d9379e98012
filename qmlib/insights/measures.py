"""The metrics that can be broken down by a dimension of their rows.

A :class:`Measure` says which rows a metric is computed from (e.g. the
non-cancelled work orders, the valid complaints, the failures), which
dimensions those rows carry (category, urgency, building, asset, ...), and
how the metric is computed on a subset of them. The computation is always
the metric's own function in :mod:`qmlib.metrics` (one home for every rule:
cancelled, valid, timely, due, on time); this module never re-implements a
rule, it only calls those functions on the rows of one dimension value.

:func:`components` turns an :class:`~qmlib.metrics.base.Estimate` into the
additive parts Adtributor needs: ``(numerator, denominator)`` for shares
(successes, trials) and means (sum, n), ``(value, None)`` for per-exposure
rates and counts, whose values computed on disjoint subsets with the
community's full exposure add up to the pooled value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..catalog import metric_def
from ..metrics import complaints, equipment, hazards, inspections, repairs, satisfaction
from ..metrics.base import Estimate, count_estimate, rate_estimate
from ..params import Params
from ..periods import anchor_times, assign_periods, by_as_of, days
from ..schema import ENGLISH, SURVEY_DIMENSIONS

#: Label of an element whose dimension value is missing.
MISSING = ""

Estimator = Callable[[pd.DataFrame, Params, int], "Estimate | None"]


@dataclass(frozen=True)
class Measure:
    """A metric and the rows it is computed from.

    ``rows(tables)`` returns the eligible rows (None when the table or a
    needed column is missing) with the dimension columns ``dims`` present;
    ``estimate(rows, params, days)`` is the metric on any subset of them
    (``days`` is the length of the period for per-exposure rates); it reads
    only the columns ``uses``.
    """

    metric_id: str
    table: str
    dims: tuple[str, ...]
    rows: Callable[[Mapping[str, pd.DataFrame]], pd.DataFrame | None]
    estimate: Estimator
    #: the columns ``estimate`` reads (subsets carry only these, which keeps them cheap)
    uses: tuple[str, ...] = ()
    #: shares and means: the row-level rule as ``(num, den)`` per row (a flag or a
    #: value, and 1 where the row is eligible); breakdowns are then sums
    outcome: Callable[[pd.DataFrame], tuple[pd.Series, pd.Series]] | None = None
    #: rates and counts: the metric from an event count and the period's days
    of_count: Callable[[int, int], Estimate | None] | None = None

    @property
    def kind(self) -> str:
        return metric_def(self.metric_id).kind

    @property
    def better(self) -> int:
        return metric_def(self.metric_id).better


def components(kind: str, est: Estimate | None) -> tuple[float, float | None]:
    """Additive parts of an estimate: shares/means ``(num, den)``, rates/counts ``(value, None)``.

    No estimate (no eligible rows) is ``(0, 0)`` for shares and means and
    ``(0, None)`` for rates and counts.
    """
    if kind in ("share", "mean"):
        if est is None:
            return 0.0, 0.0
        if kind == "share":
            return float(est.sample.numerator or 0), float(est.sample.denominator or 0)
        return float(est.value) * est.n, float(est.n)
    return (0.0 if est is None else float(est.value)), None


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


def _needs(tables: Mapping[str, pd.DataFrame], table: str, *cols: str) -> pd.DataFrame | None:
    df = tables.get(table)
    if df is None or any(c not in df.columns for c in cols):
        return None
    return df


def _active_orders(*cols: str) -> Callable[[Mapping[str, pd.DataFrame]], pd.DataFrame | None]:
    def rows(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame | None:
        df = _needs(tables, "work_orders", *cols)
        return None if df is None else _with(repairs.active_orders(df), WORK_ORDER_DIMS)
    return rows


def _valid_complaints(*cols: str) -> Callable[[Mapping[str, pd.DataFrame]], pd.DataFrame | None]:
    def rows(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame | None:
        df = _needs(tables, "complaints", *cols)
        return None if df is None else _with(complaints.valid_complaints(df), COMPLAINT_DIMS)
    return rows


def _events_of(kind_value: str, *cols: str) -> Callable[[Mapping[str, pd.DataFrame]], pd.DataFrame | None]:
    """Asset events of one kind (故障 / 维保), with the asset's type and location joined."""
    def rows(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame | None:
        ev = _needs(tables, "asset_events", *cols)
        if ev is None:
            return None
        ev = ev[ev["kind"].astype("string").eq(kind_value).fillna(False).to_numpy(dtype=bool)]
        missing = {c: pd.Series(pd.NaT, index=ev.index, dtype="datetime64[ns]")
                   for c in ("occurred_at", "scheduled_on") if c not in ev.columns}
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
                if "location" in info.columns else pd.Series(pd.NA, index=ev.index, dtype="string"),
            )
        return _with(ev, ASSET_DIMS)
    return rows


def _plain(table: str, dims: tuple[str, ...], *cols: str) -> Callable[[Mapping[str, pd.DataFrame]], pd.DataFrame | None]:
    def rows(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame | None:
        df = _needs(tables, table, *cols)
        return None if df is None else _with(df, dims)
    return rows


WORK_ORDER_DIMS = ("category", "urgency", "building")
COMPLAINT_DIMS = ("category", "channel")
ASSET_DIMS = ("asset_id", "asset_type")
HAZARD_DIMS = ("area", "severity")
INSPECTION_DIMS = ("dimension", "inspector")
SURVEY_DIMS = ("building",)


def _n_assets(tables: Mapping[str, pd.DataFrame], zh_type: str | None = None) -> int:
    assets = tables.get("assets")
    if assets is None:
        return 0
    if zh_type is None:
        return len(assets)
    return int(assets["type"].astype("string").eq(zh_type).fillna(False).sum())


def _eligible_mean(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    x = values.astype("float64")
    return x.fillna(0.0), x.notna().astype("float64")


def _flags(flags: pd.Series) -> tuple[pd.Series, pd.Series]:
    f = pd.Series(flags).astype("boolean").fillna(False).astype("float64")
    return f, pd.Series(1.0, index=f.index)


#: Metrics whose row-level rule is exposed by :mod:`qmlib.metrics` (the fast path). The
#: others are computed by calling the metric's function on the rows of each element.
OUTCOMES: dict[str, str] = {
    "satisfaction_index": "to_index",
    "inspection_score": "score",
    "repair_completion_rate": "by_as_of",
    "complaint_closure_rate": "by_as_of",
    "hazard_rectification_rate": "by_as_of",
}

_BY_AS_OF_COLUMN = {
    "repair_completion_rate": "completed_at",
    "complaint_closure_rate": "closed_at",
    "hazard_rectification_rate": "rectified_at",
}


def _outcome(metric_id: str, params: Params) -> Callable[[pd.DataFrame], tuple[pd.Series, pd.Series]]:
    base, _, suffix = metric_id.partition(".")
    if base == "satisfaction_index":
        col = suffix or "overall"
        return lambda r: _eligible_mean(satisfaction.to_index(r[col], params.survey_scale))
    if base == "inspection_score":
        return lambda r: _eligible_mean(r["score"])
    col = _BY_AS_OF_COLUMN[base]
    return lambda r: _flags(by_as_of(r[col], params))


def _of_count(metric_id: str, tables: Mapping[str, pd.DataFrame], params: Params
              ) -> Callable[[int, int], Estimate | None] | None:
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
    return None


def measures(tables: Mapping[str, pd.DataFrame], params: Params) -> list[Measure]:
    """Every decomposable metric the tables allow (in catalog order)."""
    sla = params.sla
    scale = params.survey_scale
    hh = params.households
    out: list[Measure] = []

    def add(metric_id: str, table: str, dims: tuple[str, ...], rows, estimate: Estimator,
            uses: tuple[str, ...] = ()) -> None:
        out.append(Measure(metric_id, table, dims, rows, estimate, uses,
                           OUTCOMES.get(metric_id.split(".", 1)[0]) and _outcome(metric_id, params),
                           _of_count(metric_id, tables, params)))

    add("satisfaction_index", "surveys", SURVEY_DIMS, _plain("surveys", SURVEY_DIMS, "overall"),
        lambda r, p, d: satisfaction.satisfaction_index(r, scale), ("overall",))
    surveys = tables.get("surveys")
    for dim in SURVEY_DIMENSIONS:
        if surveys is not None and dim in surveys.columns:
            add(f"satisfaction_index.{dim}", "surveys", SURVEY_DIMS, _plain("surveys", SURVEY_DIMS, dim),
                lambda r, p, d, dim=dim: satisfaction.satisfaction_index(r, scale, dim), (dim,))
    add("satisfaction_rate", "surveys", SURVEY_DIMS, _plain("surveys", SURVEY_DIMS, "overall"),
        lambda r, p, d: satisfaction.satisfaction_rate(r, scale), ("overall",))
    add("complaint_rate", "complaints", COMPLAINT_DIMS, _valid_complaints(),
        lambda r, p, d: complaints.complaint_rate(r, hh, d), ())
    add("complaint_closure_rate", "complaints", COMPLAINT_DIMS, _valid_complaints("closed_at"),
        lambda r, p, d: complaints.complaint_closure_rate(r, p), ("closed_at",))
    add("complaint_response_timely_rate", "complaints", COMPLAINT_DIMS, _valid_complaints("responded_at"),
        lambda r, p, d: complaints.complaint_response_timely_rate(r, sla.complaint_response_hours), ("received_at", "responded_at"))
    add("repair_timely_rate", "work_orders", WORK_ORDER_DIMS, _active_orders("arrived_at"),
        lambda r, p, d: repairs.repair_timely_rate(r, sla.repair_arrival_minutes), ("reported_at", "arrived_at", "urgency"))
    add("repair_completion_rate", "work_orders", WORK_ORDER_DIMS, _active_orders("completed_at"),
        lambda r, p, d: repairs.repair_completion_rate(r, p), ("completed_at",))
    add("repair_rework_rate", "work_orders", WORK_ORDER_DIMS, _active_orders("completed_at", "reworked"),
        lambda r, p, d: repairs.repair_rework_rate(r), ("completed_at", "reworked"))
    if tables.get("assets") is not None:
        n_all = _n_assets(tables)
        add("equipment_failure_rate", "asset_events", ASSET_DIMS, _events_of(equipment.FAILURE),
            lambda r, p, d: equipment.equipment_failure_rate(r, n_all, d), ())
        for english, zh in equipment.asset_types(tables["assets"]).items():
            n_type = _n_assets(tables, zh)
            add(f"equipment_failure_rate.{english}", "asset_events", ("asset_id",),
                _typed_failures(zh),
                lambda r, p, d, n_type=n_type: equipment.equipment_failure_rate(r, n_type, d), ())
    add("equipment_mttr_hours", "asset_events", ASSET_DIMS, _events_of(equipment.FAILURE, "restored_at"),
        lambda r, p, d: equipment.equipment_mttr_hours(r), ("occurred_at", "restored_at"))
    add("maintenance_on_time_rate", "asset_events", ASSET_DIMS,
        _events_of(equipment.MAINTENANCE, "scheduled_on", "occurred_at"),
        lambda r, p, d: equipment.maintenance_on_time_rate(r, sla.maintenance_tolerance_days), ("scheduled_on", "occurred_at"))
    add("hazard_count", "hazards", HAZARD_DIMS, _plain("hazards", HAZARD_DIMS),
        lambda r, p, d: hazards.hazard_count(r), ())
    add("hazard_rectification_rate", "hazards", HAZARD_DIMS, _plain("hazards", HAZARD_DIMS, "rectified_at"),
        lambda r, p, d: hazards.hazard_rectification_rate(r, p), ("rectified_at",))
    add("hazard_on_time_rate", "hazards", HAZARD_DIMS, _plain("hazards", HAZARD_DIMS, "rectified_at"),
        lambda r, p, d: hazards.hazard_on_time_rate(r, sla.hazard_due_days), ("found_at", "rectified_at", "severity", "due_on"))
    add("inspection_score", "inspections", INSPECTION_DIMS, _plain("inspections", INSPECTION_DIMS),
        lambda r, p, d: inspections.inspection_score(r), ("score",))
    add("inspection_pass_rate", "inspections", INSPECTION_DIMS, _plain("inspections", INSPECTION_DIMS),
        lambda r, p, d: inspections.inspection_pass_rate(r, params.inspection_pass_score), ("score",))
    return out


def _typed_failures(zh_type: str) -> Callable[[Mapping[str, pd.DataFrame]], pd.DataFrame | None]:
    base = _events_of(equipment.FAILURE)

    def rows(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame | None:
        ev = base(tables)
        if ev is None:
            return None
        return ev[ev[group_column("asset_type")].eq(zh_type).to_numpy(dtype=bool)]
    return rows


# ---- periods and elements ------------------------------------------------------


@dataclass
class Prepared:
    """The rows of one measure with their period (``_period``), ready to group.

    ``slim`` holds only the columns the estimator reads, so taking the rows
    of one element is cheap; ``codes(dim)`` factorizes a dimension once.
    """

    measure: Measure
    rows: pd.DataFrame
    slim: pd.DataFrame
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


def prepare(measure: Measure, tables: Mapping[str, pd.DataFrame], params: Params) -> Prepared | None:
    """Rows of ``measure`` in the analysis periods, tagged with their period; None without rows source."""
    rows = measure.rows(tables)
    if rows is None:
        return None
    period = assign_periods(anchor_times(measure.table, rows), params)
    keep = period.notna().to_numpy(dtype=bool)
    rows = rows[keep]
    slim = rows[[c for c in measure.uses if c in rows.columns]]
    num = den = None
    if measure.outcome is not None:
        n_s, d_s = measure.outcome(rows)
        num, den = n_s.to_numpy(dtype=float), d_s.to_numpy(dtype=float)
    return Prepared(measure, rows, slim, period[keep].astype(object).to_numpy(), {}, num, den)


PARTS_COLUMNS = ["element", "num", "den", "value", "n"]


def element_parts(prep: Prepared, dim: str, period: str | None, params: Params) -> pd.DataFrame:
    """Per element of ``dim`` in ``period`` (None: all periods together): ``num``, ``den``
    (NaN for rates/counts), ``value``, ``n``.

    Every element seen in any period is listed (no rows in this period: the
    metric of an empty subset, i.e. 0 for rates and counts, no value for
    shares and means). The metric is the measure's own function, called on
    the rows of each element.
    """
    m = prep.measure
    codes, elements = prep.codes(dim)
    if period is None:
        d = sum(days(params, p) for p in params.period_names)
        in_p = np.ones(len(codes), dtype=bool)
    else:
        d = days(params, period)
        in_p = prep.period == period
    if prep.num is not None or m.of_count is not None:
        return _fast_parts(prep, codes, elements, in_p, d)
    recs = []
    for k, element in enumerate(elements):
        grp = prep.slim.iloc[np.flatnonzero(in_p & (codes == k))]
        est = m.estimate(grp, params, d)
        num, den = components(m.kind, est)
        recs.append((element, num, np.nan if den is None else den,
                     None if est is None else est.value, 0 if est is None else est.n))
    return pd.DataFrame.from_records(recs, columns=PARTS_COLUMNS)


def _fast_parts(prep: Prepared, codes: np.ndarray, elements: list[str], in_p: np.ndarray, d: int) -> pd.DataFrame:
    """:func:`element_parts` from the row-level rule (sums per element) or from event counts."""
    m = prep.measure
    k = len(elements)
    sel = codes[in_p]
    if prep.num is not None and prep.den is not None:
        num = np.bincount(sel, weights=prep.num[in_p], minlength=k)
        den = np.bincount(sel, weights=prep.den[in_p], minlength=k)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
        return pd.DataFrame({"element": elements, "num": num, "den": den,
                             "value": [None if np.isnan(v) else float(v) for v in value],
                             "n": den.astype(int)}, columns=PARTS_COLUMNS)
    counts = np.bincount(sel, minlength=k)
    recs = []
    for element, c in zip(elements, counts, strict=True):
        est = m.of_count(int(c), d) if m.of_count is not None else None
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
        self._parts: dict[tuple[str, str, str], pd.DataFrame] = {}
        self._points: dict[tuple[str, str, str], dict[str, Point]] = {}

    def all(self) -> list[Measure]:
        return list(self._measures.values())

    def measure(self, metric_id: str) -> Measure | None:
        return self._measures.get(metric_id)

    def prepared(self, metric_id: str) -> Prepared | None:
        if metric_id not in self._prepared:
            m = self._measures.get(metric_id)
            self._prepared[metric_id] = None if m is None else prepare(m, self.tables, self.params)
        return self._prepared[metric_id]

    def parts(self, metric_id: str, dim: str, period: str) -> pd.DataFrame:
        """:func:`element_parts` of a metric by ``dim`` in ``period`` ("*": all periods)."""
        key = (metric_id, dim, period)
        if key not in self._parts:
            prep = self.prepared(metric_id)
            self._parts[key] = (pd.DataFrame(columns=PARTS_COLUMNS) if prep is None
                                else element_parts(prep, dim, None if period == "*" else period, self.params))
        return self._parts[key]

    def points(self, metric_id: str, dim: str, element: str) -> dict[str, Point]:
        """The metric of one element in every period (contract order)."""
        out = {}
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
    "components",
    "element_parts",
    "group_column",
    "measures",
    "prepare",
    "type_english",
]
