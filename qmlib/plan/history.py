"""PDCA across months: each run keeps its plan, and the next one checks it.

A finished run keeps ``plan.csv``, ``targets.csv`` and ``metrics.csv`` under
``outputs/<id>/history/<quality-month start>/`` (:func:`save_history`); the
runner carries the ``history/`` folder over from the previous outputs into the
new ones (:func:`carry_history`), so it survives the staging swap.

When a quality month earlier than the current one has a kept plan
(:func:`previous_plan`), §五 opens with 上期改进计划跟踪: every earlier action
whose KPI is a metric of the current data is checked on its latest value
(:func:`follow_up`):

- ``achieved``: the value meets the action's target (≥ for a metric that
  should rise, ≤ for one that should fall);
- ``overdue``: not met and the action's due date is before the current data's as-of date;
- ``not_achieved``: not met, the due date not yet passed;
- ``not_checkable``: the KPI is not a metric of metrics.csv (a count of
  named items, a subject's own value) or has no target.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd

from ..catalog import is_known_metric
from ..labels import metric_label
from ..params import Params
from ..units import better_of

HISTORY = "history"
#: Files kept for every quality month.
KEPT: tuple[str, ...] = ("plan.csv", "targets.csv", "metrics.csv")
STATUSES: tuple[str, ...] = ("achieved", "not_achieved", "overdue", "not_checkable")
FOLLOW_UP_COLUMNS: list[str] = [
    "action_id",
    "action",
    "owner_role",
    "due_on",
    "kpi",
    "kpi_metric_id",
    "kpi_target",
    "kpi_target_text",
    "value_now",
    "period_now",
    "status",
]


def month_key(params: Params) -> str:
    """The history folder name of a run: its quality month's first day (ISO)."""
    return params.periods["quality_month"][0].isoformat()


def save_history(folder: Path | str, params: Params) -> Path:
    """Copy the run's plan, targets and metrics to ``folder/history/<quality-month start>/``."""
    folder = Path(folder)
    dest = folder / HISTORY / month_key(params)
    dest.mkdir(parents=True, exist_ok=True)
    for name in KEPT:
        src = folder / name
        if src.is_file():
            shutil.copy2(src, dest / name)
    return dest


def carry_history(previous: Path | str, new: Path | str) -> list[str]:
    """Copy ``previous/history/*`` into ``new/history/`` (months already in ``new`` are kept); return the months."""
    src = Path(previous) / HISTORY
    if not src.is_dir():
        return []
    carried = []
    for month in sorted(p for p in src.iterdir() if p.is_dir()):
        dest = Path(new) / HISTORY / month.name
        if not dest.exists():
            shutil.copytree(month, dest)
            carried.append(month.name)
    return carried


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig") if path.is_file() else pd.DataFrame()


def previous_plan(folder: Path | str, params: Params) -> tuple[dt.date, pd.DataFrame] | None:
    """The plan of the latest quality month before the current one, with that month's start."""
    root = Path(folder) / HISTORY
    if not root.is_dir():
        return None
    current = params.periods["quality_month"][0]
    months = []
    for entry in root.iterdir():
        try:
            start = dt.date.fromisoformat(entry.name)
        except ValueError:
            continue
        if start < current and (entry / "plan.csv").is_file():
            months.append((start, entry))
    if not months:
        return None
    start, entry = max(months)
    return start, _read(entry / "plan.csv")


def _latest(metrics: pd.DataFrame, metric_id: str, params: Params) -> tuple[float | None, str | None]:
    rows = metrics[metrics["metric_id"] == metric_id] if not metrics.empty else metrics
    for period in reversed(params.period_names):
        hit = rows[rows["period"] == period] if not rows.empty else rows
        if not hit.empty and pd.notna(hit["value"].iloc[0]):
            return float(hit["value"].iloc[0]), period
    return None, None


def _is_metric_kpi(row: dict) -> bool:
    """True when the KPI is the metric itself (not a subject's share of it, not a labelled count)."""
    mid = row.get("kpi_metric_id")
    if not isinstance(mid, str) or not mid or not is_known_metric(mid.split(".")[0]):
        return False
    return str(row.get("kpi") or "") in (metric_label(mid, "zh"), metric_label(mid, "en"))


def follow_up(plan: pd.DataFrame, metrics: pd.DataFrame, params: Params) -> pd.DataFrame:
    """Each earlier action with its KPI's value now and a status (module docstring)."""
    rows = []
    as_of = params.as_of_date
    for r in plan.to_dict("records"):
        r = {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in r.items()}
        status, value, period = "not_checkable", None, None
        target = r.get("kpi_target")
        if _is_metric_kpi(r) and target is not None:
            mid = str(r["kpi_metric_id"])
            value, period = _latest(metrics, mid, params)
            if value is not None:
                better = better_of(mid)
                met = (value >= float(target) - 1e-9) if better > 0 else (value <= float(target) + 1e-9)
                due = dt.date.fromisoformat(str(r.get("due_on"))[:10]) if r.get("due_on") else None
                status = (
                    "achieved" if met else ("overdue" if due is not None and due < as_of else "not_achieved")
                )
        rows.append(
            {
                "action_id": r.get("action_id"),
                "action": r.get("action"),
                "owner_role": r.get("owner") or r.get("owner_role"),
                "due_on": r.get("due_on"),
                "kpi": r.get("kpi"),
                "kpi_metric_id": r.get("kpi_metric_id") or "",
                "kpi_target": target,
                "kpi_target_text": r.get("kpi_target_text") or "",
                "value_now": value,
                "period_now": period or "",
                "status": status,
            }
        )
    return pd.DataFrame(rows, columns=FOLLOW_UP_COLUMNS)
