"""The row-level rules of contract section 4, one function each.

Every stage that needs to know whether a work order is cancelled, a repair
timely, a complaint valid, a hazard or a maintenance job on time, or what a
survey score is on the 0–100 index calls these functions; nothing
recomputes a rule on its own (``tests/test_rules.py`` runs every user of a
rule on the same rows and checks that they agree). Defaults (SLA minutes,
hazard due days, the maintenance tolerance) come from params only.

All functions take a clean table (docs/ARCHITECTURE.md types) and return a
Series aligned with its index; an optional column the export lacks is
treated as documented (no ``status``: nothing cancelled; no ``urgency``:
普通; no ``arrived_at``: nothing timely, and so on).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

# ---- durations -----------------------------------------------------------------


def seconds_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """``end − start`` in seconds as float (NaN where either is missing)."""
    return (pd.to_datetime(end) - pd.to_datetime(start)).dt.total_seconds().astype("float64")


def elapsed_seconds(rows: pd.DataFrame, start: str, end: str) -> pd.Series:
    """``rows[end] − rows[start]`` in seconds; across a daylight-saving change the instants
    written by ingest (``_utc_<column>``, present only in zones that change their offset) are
    used, so a 20-minute arrival counts 20 minutes, not the wall-clock 80."""
    seconds = seconds_between(rows[start], rows[end])
    a, b = f"_utc_{start}", f"_utc_{end}"
    if a in rows.columns and b in rows.columns:
        exact = seconds_between(rows[a], rows[b])
        seconds = exact.where(exact.notna(), seconds)
    return seconds


# ---- work orders ---------------------------------------------------------------

#: ``status`` values (stripped, case-folded) that mark a cancelled order (contract section 2).
CANCELLED_STATUSES: tuple[str, ...] = ("已取消", "cancelled")
#: Urgency of an order whose ``urgency`` is empty (contract default).
DEFAULT_URGENCY = "普通"


def is_cancelled(df: pd.DataFrame) -> pd.Series:
    """True where ``status.strip().casefold()`` is 已取消 or cancelled.

    No ``status`` column or an empty status: not cancelled.
    """
    if "status" not in df.columns:
        return pd.Series(False, index=df.index, dtype=bool)
    status = df["status"].astype("string").str.strip().str.casefold()
    return status.isin(CANCELLED_STATUSES).fillna(False).astype(bool)


def active_orders(df: pd.DataFrame) -> pd.DataFrame:
    """The non-cancelled orders (:func:`is_cancelled` false)."""
    return df[~is_cancelled(df).to_numpy(dtype=bool)]


def urgency_of(df: pd.DataFrame) -> pd.Series:
    """``urgency`` of each order as ``string``; empty or no column = 普通."""
    if "urgency" not in df.columns:
        return pd.Series(DEFAULT_URGENCY, index=df.index, dtype="string")
    return df["urgency"].astype("string").fillna(DEFAULT_URGENCY)


def arrival_minutes(df: pd.DataFrame) -> pd.Series:
    """``(arrived_at − reported_at)`` in minutes (float); NaN without ``arrived_at``."""
    if "arrived_at" not in df.columns:
        return pd.Series(float("nan"), index=df.index, dtype="float64")
    return elapsed_seconds(df, "reported_at", "arrived_at") / 60.0


def sla_minutes(df: pd.DataFrame, sla: Mapping[str, float]) -> pd.Series:
    """Arrival SLA of each order: ``sla[urgency]`` minutes (params ``sla.repair_arrival_minutes``)."""
    return urgency_of(df).map(dict(sla)).astype("float64")


def repair_timely(df: pd.DataFrame, sla: Mapping[str, float]) -> pd.Series:
    """True where ``arrived_at − reported_at ≤ sla[urgency]`` minutes.

    Compared in seconds: ``Δt[s] ≤ sla[urgency] × 60``. No ``arrived_at`` (in
    the row or in the export) = not timely. Cancelled orders are not
    excluded here: callers select :func:`active_orders` first.
    """
    if "arrived_at" not in df.columns:
        return pd.Series(False, index=df.index, dtype=bool)
    seconds = elapsed_seconds(df, "reported_at", "arrived_at")
    return (seconds <= sla_minutes(df, sla) * 60.0).fillna(False).astype(bool)


def rework_eligible(df: pd.DataFrame) -> pd.Series:
    """True where the order counts for the rework rate: ``completed_at`` and a ``reworked`` value.

    (``completed_at`` present at all, not limited to as_of, as the contract
    says.) Either column missing from the export: no order counts.
    """
    if "completed_at" not in df.columns or "reworked" not in df.columns:
        return pd.Series(False, index=df.index, dtype=bool)
    return (df["completed_at"].notna() & df["reworked"].astype("boolean").notna()).fillna(False).astype(bool)


def is_reworked(df: pd.DataFrame) -> pd.Series:
    """True where ``reworked`` is true; empty or no column = not reworked."""
    if "reworked" not in df.columns:
        return pd.Series(False, index=df.index, dtype=bool)
    return df["reworked"].astype("boolean").fillna(False).astype(bool)


# ---- complaints ----------------------------------------------------------------


def is_valid_complaint(df: pd.DataFrame) -> pd.Series:
    """True where ``valid`` is true or empty (its default is true); no column = all valid."""
    if "valid" not in df.columns:
        return pd.Series(True, index=df.index, dtype=bool)
    return df["valid"].astype("boolean").fillna(True).astype(bool)


def valid_complaints(df: pd.DataFrame) -> pd.DataFrame:
    """The valid complaints (:func:`is_valid_complaint`)."""
    return df[is_valid_complaint(df).to_numpy(dtype=bool)]


def response_timely(df: pd.DataFrame, response_hours: float) -> pd.Series:
    """True where ``responded_at − received_at ≤ complaint_response_hours``.

    Compared in seconds (``Δt[s] ≤ hours × 3600``); no ``responded_at`` = not timely.
    """
    if "responded_at" not in df.columns:
        return pd.Series(False, index=df.index, dtype=bool)
    seconds = elapsed_seconds(df, "received_at", "responded_at")
    return (seconds <= response_hours * 3600.0).fillna(False).astype(bool)


# ---- hazards -------------------------------------------------------------------

#: Severity of a hazard whose ``severity`` is empty (contract default).
DEFAULT_HAZARD_SEVERITY = "一般"


def hazard_severity(df: pd.DataFrame) -> pd.Series:
    """``severity`` of each hazard as ``string``; empty or no column = 一般."""
    if "severity" not in df.columns:
        return pd.Series(DEFAULT_HAZARD_SEVERITY, index=df.index, dtype="string")
    return df["severity"].astype("string").fillna(DEFAULT_HAZARD_SEVERITY)


def hazard_due(df: pd.DataFrame, due_days: Mapping[str, float]) -> pd.Series:
    """Due date of each hazard, as 00:00 of the due day.

    ``due_on`` when given, else ``date(found_at) + hazard_due_days[severity]``
    days, truncated to the day (severity empty = 一般; ``due_days`` is params
    ``sla.hazard_due_days``).
    """
    offset_days = hazard_severity(df).map(dict(due_days)).astype("float64")
    computed = (
        pd.to_datetime(df["found_at"]).dt.normalize() + pd.to_timedelta(offset_days, unit="D")
    ).dt.normalize()
    if "due_on" in df.columns:
        due_on = pd.to_datetime(df["due_on"]).dt.normalize()
        return due_on.where(due_on.notna(), computed)
    return computed


def hazard_on_time(df: pd.DataFrame, due_days: Mapping[str, float]) -> pd.Series:
    """True where ``rectified_at < hazard_due + 1 day`` (the due day counts, inclusively).

    Not rectified (or no ``rectified_at`` column) = not on time.
    """
    if "rectified_at" not in df.columns:
        return pd.Series(False, index=df.index, dtype=bool)
    deadline = hazard_due(df, due_days) + pd.Timedelta(days=1)
    rectified = pd.to_datetime(df["rectified_at"])
    return (rectified.notna() & (rectified < deadline)).fillna(False).astype(bool)


# ---- asset events ----------------------------------------------------------------

FAILURE = "故障"
MAINTENANCE = "维保"


def is_failure(df: pd.DataFrame) -> pd.Series:
    """True where ``kind`` is 故障 (failure)."""
    return df["kind"].astype("string").eq(FAILURE).fillna(False).astype(bool)


def is_maintenance(df: pd.DataFrame) -> pd.Series:
    """True where ``kind`` is 维保 (planned maintenance)."""
    return df["kind"].astype("string").eq(MAINTENANCE).fillna(False).astype(bool)


def restore_hours(df: pd.DataFrame) -> pd.Series:
    """``(restored_at − occurred_at)`` of each event in hours (float, :func:`elapsed_seconds`);
    NaN where either is missing."""
    if "restored_at" not in df.columns or "occurred_at" not in df.columns:
        return pd.Series(float("nan"), index=df.index, dtype="float64")
    return elapsed_seconds(df, "occurred_at", "restored_at") / 3600.0


def maintenance_deadline(scheduled_on: pd.Series, tolerance_days: float) -> pd.Series:
    """Exclusive deadline: 00:00 after the day of ``scheduled_on + maintenance_tolerance_days``.

    ``deadline = floor_day(scheduled_on + tolerance days) + 1 day``, so a job
    done at any time on the last tolerated day is on time. With a fractional
    tolerance the last day is the day the sum falls on: scheduled 09-01 with
    2.5 days → 09-03 12:00 → deadline 09-04 00:00.
    """
    last_day = pd.to_datetime(scheduled_on) + pd.to_timedelta(tolerance_days, unit="D")
    return last_day.dt.normalize() + pd.Timedelta(days=1)


def maintenance_on_time(df: pd.DataFrame, tolerance_days: float) -> pd.Series:
    """True where ``occurred_at < maintenance_deadline(scheduled_on)``; not done = late.

    Early counts as on time.
    """
    if "occurred_at" not in df.columns or "scheduled_on" not in df.columns:
        return pd.Series(False, index=df.index, dtype=bool)
    deadline = maintenance_deadline(df["scheduled_on"], tolerance_days)
    occurred = pd.to_datetime(df["occurred_at"])
    return (occurred.notna() & (occurred < deadline)).fillna(False).astype(bool)


# ---- incidents -------------------------------------------------------------------

#: Incident severities that make an incident serious (contract: 较大 or 重大).
SERIOUS_INCIDENT_SEVERITIES: tuple[str, ...] = ("较大", "重大")


def is_serious_incident(df: pd.DataFrame) -> pd.Series:
    """True where the incident ``severity`` is 较大 or 重大 (empty = 轻微, not serious)."""
    if "severity" not in df.columns:
        return pd.Series(False, index=df.index, dtype=bool)
    return df["severity"].astype("string").isin(SERIOUS_INCIDENT_SEVERITIES).fillna(False).astype(bool)


# ---- inspections ------------------------------------------------------------------


def inspection_passed(df: pd.DataFrame, pass_score: float) -> pd.Series:
    """True where ``score ≥ inspection_pass_score``; no score = not passed.

    (The pass rate counts only the inspections that have a score.)
    """
    return (df["score"].astype("float64") >= pass_score).fillna(False).astype(bool)


# ---- surveys ---------------------------------------------------------------------

#: "Satisfied" threshold of ``overall`` on each survey scale (contract: ≥ 4, ≥ 8, ≥ 80).
SATISFIED_AT: dict[int, float] = {5: 4.0, 10: 8.0, 100: 80.0}


def is_satisfied(df: pd.DataFrame, scale: int) -> pd.Series:
    """True where ``overall ≥ SATISFIED_AT[scale]`` (4 of 5, 8 of 10, 80 of 100); no score = not satisfied.

    (The satisfaction rate counts only the responses that have ``overall``.)
    """
    return (df["overall"].astype("float64") >= SATISFIED_AT[scale]).fillna(False).astype(bool)


def to_index(scores: pd.Series, scale: int) -> pd.Series:
    """Survey scores on the 0–100 index (float; missing stays missing).

    5-point ``(x − 1) × 25``; 10-point ``(x − 1) / 9 × 100``; 100-point ``x``.
    """
    x = pd.to_numeric(scores, errors="coerce").astype("float64")
    if scale == 5:
        return (x - 1.0) * 25.0
    if scale == 10:
        return (x - 1.0) / 9.0 * 100.0
    if scale == 100:
        return x
    raise ValueError(f"unsupported survey scale {scale!r}")


__all__ = [
    "CANCELLED_STATUSES",
    "DEFAULT_HAZARD_SEVERITY",
    "DEFAULT_URGENCY",
    "FAILURE",
    "MAINTENANCE",
    "SATISFIED_AT",
    "SERIOUS_INCIDENT_SEVERITIES",
    "active_orders",
    "arrival_minutes",
    "hazard_due",
    "hazard_on_time",
    "hazard_severity",
    "inspection_passed",
    "is_cancelled",
    "is_failure",
    "is_maintenance",
    "is_reworked",
    "is_satisfied",
    "is_serious_incident",
    "is_valid_complaint",
    "maintenance_deadline",
    "maintenance_on_time",
    "repair_timely",
    "response_timely",
    "restore_hours",
    "rework_eligible",
    "sla_minutes",
    "to_index",
    "urgency_of",
    "valid_complaints",
]
