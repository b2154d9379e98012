"""Rules that make a plan a manager would sign: reachable targets, current values, owners, cadence.

**Current value.** ``kpi_current`` is the KPI metric's value in the latest
period that has one (the follow-up when there is one), not the quality
month's; a KPI measured for a subject (a building, a category) keeps the
finding's value for that subject.

**Reachable targets.** The playbook's method (``improve``, ``reference``,
``hold``, ``fixed``; :func:`qmlib.plan.targets.next_target`) gives the level to
aim at, the *benchmark*. The target asked for by the due date closes a share
of the gap from the current value to that benchmark in proportion to the time
given (a linear glide path, :data:`FULL_GAP_DAYS` days for the whole gap):

    target = current + s · (benchmark − current),  s = min(1, horizon_days / 90)

rounded to the unit's digits towards the better side. Time-bound and
achievable targets after Doran (1981), "There's a S.M.A.R.T. way to write
management's goals and objectives", *Management Review* 70(11):35–36; gap
closure in proportion to time as in the "glide path" of target setting (e.g.
U.S. DHHS, Healthy People 2020 target-setting methods, 2011).

- never equal to the current value: when rounding leaves it there, it moves
  one display step (0.1 point, 0.1 percentage point …) to the better side;
- never beyond the metric's range, and no target at all when the current value
  already is the best possible (no "≥ 100%" for a rate at 100%; no "≤ 0" for a
  count at 0): the KPI is then shown without a target;
- one target per KPI: every action checked by the same metric (and subject)
  gets the target computed once, for the longest horizon among them, from the
  benchmark of the highest-ranked finding.

**Owners.** ``owner_role`` is the role the playbook names for the finding's
subject (``owner_by_subject``); when the subject lists items for different
roles (parking *and* cleaning complaints) or the community has no staff in that
role, the coordinating role (:data:`COORDINATOR`) owns it, so no action goes to
a role that cannot do it. ``owner`` is the person params ``owners`` names for
that role, else the role.

**Cadence.** A routine mechanism (长效机制) states how often it runs
(``cadence``: weekly, monthly, quarterly); its first check is due no earlier
than one cycle ahead, and its KPI says the period it is counted over
("培训覆盖率（按季度统计）").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from ..units import better_of, unit_of
from .targets import DIGITS, RANGES

#: Days over which the whole gap to the benchmark may be closed.
FULL_GAP_DAYS = 90
#: The role that coordinates actions spanning several roles (the playbook's ``coordinator`` default).
COORDINATOR = "项目经理"


def gap_share(horizon_days: float) -> float:
    """Share of the gap to close by the due date: ``min(1, horizon / 90)`` (at least one day)."""
    return min(1.0, max(1.0, float(horizon_days)) / FULL_GAP_DAYS)


def best_value(metric_id: str | None, better: int | None = None, unit: str | None = None) -> float | None:
    """The best value a metric can take (100% for a rate that should rise, 0 for a count that should fall)."""
    b = (better_of(metric_id) if metric_id else 0) if better is None else better
    lo, hi = RANGES.get(unit or (unit_of(metric_id) if metric_id else ""), (0.0, None))
    return hi if b > 0 else lo if b < 0 else None


def at_best(
    metric_id: str | None, current: float | None, better: int | None = None, unit: str | None = None
) -> bool:
    """True when ``current`` already is the best value of the metric."""
    best = best_value(metric_id, better, unit)
    return (
        current is not None
        and best is not None
        and (
            current >= best if (better or (better_of(metric_id) if metric_id else 0)) > 0 else current <= best
        )
    )


def reachable_target(
    metric_id: str | None,
    current: float | None,
    benchmark: float | None,
    horizon_days: float,
    better: int | None = None,
    unit: str | None = None,
) -> float | None:
    """The target of a KPI by the due date (module docstring); None when there is nothing to ask.

    Without a current value the benchmark itself is the target (it cannot be
    scaled); without a benchmark there is no target.
    """
    b = (better_of(metric_id) if metric_id else 0) if better is None else better
    unit = unit or (unit_of(metric_id) if metric_id else "")
    if benchmark is None or b == 0:
        return benchmark
    lo, hi = RANGES.get(unit, (0.0, None))
    digits = DIGITS.get(unit, 2)
    step = 10.0**-digits
    if current is None:
        return benchmark
    if at_best(metric_id, current, b, unit):
        return None
    raw = current + gap_share(horizon_days) * (benchmark - current)
    scaled = round(raw / step, 6)
    target = (math.ceil(scaled) if b > 0 else math.floor(scaled)) * step
    if b * (target - current) < step / 2:  # not better than now by at least one display step
        target = (
            (math.floor(round(current / step, 6)) + 1) * step
            if b > 0
            else (math.ceil(round(current / step, 6)) - 1) * step
        )
    if lo is not None:
        target = max(target, lo)
    if hi is not None:
        target = min(target, hi)
    target = round(target, digits)
    if b * (target - current) <= 0:
        return None
    return target


def owner_role(
    subject_keys: Iterable[str],
    by_subject: Mapping[str, str],
    default: str,
    staff: Mapping[str, int] | None = None,
    coordinator: str = COORDINATOR,
) -> str:
    """The role that can do the action (module docstring: Owners)."""
    roles = {by_subject.get(k.strip(), default) for k in subject_keys if k and k.strip()} or {default}
    role = roles.pop() if len(roles) == 1 else coordinator
    if staff and role in staff and staff[role] <= 0:
        return coordinator
    return role


def named_owner(role: str, owners: Mapping[str, str]) -> str:
    """The person params ``owners`` names for ``role``, else the role itself."""
    return owners.get(role, role)
