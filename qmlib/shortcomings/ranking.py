"""Severity and ranking rules of shortcomings, in one place.

Severity of each kind (``facts`` are set by the finder):

=====================  ==========================================================  =====================================  ==========
kind                   high                                                        medium                                 low
=====================  ==========================================================  =====================================  ==========
hazard_overdue         always (a major/critical hazard open past its due date)
serious_incident       always (a 较大/重大 incident in the window)
repeat_failure         life-safety asset (电梯, 消防) or failures ≥ 2 × threshold    otherwise
target_missed          the metric moved the wrong way vs baseline, or safety group  otherwise
metric_worsened        key metric (satisfaction_index/_rate, complaint_rate,         otherwise
                       hazard_*, incident) or abs(relative change) ≥ 20%
failure_rate_up        life-safety asset type (elevator, fire)                      otherwise
gain_not_held          the follow-up fell to or below the baseline                  otherwise
repair_sla_lag         the group is urgent (紧急) orders                             otherwise
maintenance_late       on-time share < 70%                                          otherwise
lagging_building       gap to the rest ≥ 15 points                                  otherwise
lagging_dimension                                                                   always
training_gap                                                                        a role with headcount has no training  otherwise
open_backlog                                                                        oldest > 30 days or ≥ 10 past min age  otherwise
pareto_*                                                                            top category ≥ 50%                     otherwise
control_signal                                                                      a point beyond the control limits      otherwise
data_rejects                                                                        rejected share ≥ 20%                   otherwise
data_missing_tables                                                                                                        always
=====================  ==========================================================  =====================================  ==========

Score = severity weight (high 3, medium 2, low 1) + impact, impact in
[0, 1) from the facts (the size of the problem: relative change, share gap,
counts scaled to 0–1; see :func:`impact`). Order: every non-data-quality
finding before the data-quality limits; then severity (high first); then
category priority (:data:`CATEGORY_ORDER`: safety, targets, equipment,
deterioration, routine mechanisms, timeliness, lagging areas, backlog,
concentration, training, process signals); then impact descending; then
kind (:data:`KIND_ORDER`) and subject, so the order is deterministic. IDs ``S01``, ``S02`` … follow that order
(three digits when there are 100 or more). Each kind keeps at most
``Rules.max_per_kind[kind]`` findings, the highest-scoring.
"""

from __future__ import annotations

from ..catalog import metric_def
from .base import Finding, Rules, clip01

SEVERITY_WEIGHT: dict[str, int] = {"high": 3, "medium": 2, "low": 1}

CATEGORY_ORDER: tuple[str, ...] = (
    "safety",
    "target",
    "equipment",
    "deterioration",
    "routine_mechanism",
    "timeliness",
    "lagging",
    "backlog",
    "concentration",
    "training",
    "stability",
    "data_quality",
)

#: Every finding kind and its category, in tie-break order.
KIND_CATEGORY: dict[str, str] = {
    "hazard_overdue": "safety",
    "serious_incident": "safety",
    "target_missed": "target",
    "repeat_failure": "equipment",
    "failure_rate_up": "equipment",
    "maintenance_late": "equipment",
    "metric_worsened": "deterioration",
    "gain_not_held": "routine_mechanism",
    "repair_sla_lag": "timeliness",
    "lagging_building": "lagging",
    "lagging_dimension": "lagging",
    "open_backlog": "backlog",
    "pareto_complaints": "concentration",
    "pareto_repairs": "concentration",
    "training_gap": "training",
    "control_signal": "stability",
    "data_rejects": "data_quality",
    "data_missing_tables": "data_quality",
}
KIND_ORDER: tuple[str, ...] = tuple(KIND_CATEGORY)
KINDS: frozenset[str] = frozenset(KIND_CATEGORY)

KEY_METRICS: frozenset[str] = frozenset(
    {
        "satisfaction_index",
        "satisfaction_rate",
        "complaint_rate",
        "hazard_rectification_rate",
        "hazard_on_time_rate",
        "incident_count",
        "serious_incident_count",
    }
)


#: Asset types whose failures endanger people (English values and Chinese data values).
LIFE_SAFETY_TYPES: frozenset[str] = frozenset({"elevator", "fire", "电梯", "消防"})


def _group(metric_id: str) -> str:
    try:
        return metric_def(metric_id).group
    except KeyError:
        return ""


def severity(f: Finding, rules: Rules) -> str:
    """The severity of a finding by the table in the module docstring."""
    k, x = f.kind, f.facts
    if k in ("hazard_overdue", "serious_incident"):
        return "high"
    if k == "repeat_failure":
        life = x.get("asset_type") in LIFE_SAFETY_TYPES
        return "high" if life or x["count"] >= 2 * x["threshold"] else "medium"
    if k == "target_missed":
        return "high" if x.get("wrong_way") or _group(f.metric_id) == "safety" else "medium"
    if k == "metric_worsened":
        return "high" if f.metric_id in KEY_METRICS or abs(x.get("relative") or 0.0) >= 0.20 else "medium"
    if k == "failure_rate_up":
        return "high" if f.metric_id.rpartition(".")[2] in LIFE_SAFETY_TYPES else "medium"
    if k == "gain_not_held":
        return "high" if x.get("below_baseline") else "medium"
    if k == "repair_sla_lag":
        return "high" if x.get("urgent") else "medium"
    if k == "maintenance_late":
        return "high" if x["on_time"] < 0.70 else "medium"
    if k == "lagging_building":
        return "high" if x["gap"] >= 15.0 else "medium"
    if k == "lagging_dimension":
        return "medium"
    if k == "training_gap":
        return "medium" if x["zero_roles"] > 0 else "low"
    if k == "open_backlog":
        return "medium" if x["over_old"] > 0 or x["over_min_age"] >= 10 else "low"
    if k.startswith("pareto_"):
        return "medium" if x["top_share"] >= 0.50 else "low"
    if k == "control_signal":
        return "medium" if x.get("beyond_limits") else "low"
    if k == "data_rejects":
        return "medium" if x["share"] >= rules.reject_share_medium else "low"
    return "low"


def impact(f: Finding) -> float:
    """Size of the problem in [0, 1), used to order findings of equal severity.

    relative change (worsened, failure rate), share of the gain lost, the gap
    in share (SLA) or points / 20 (lagging), shortfall from the target,
    counts / 10 (hazards, incidents, backlog past min age / 20), failures /
    (3 × threshold), late maintenance share, top category share, 1 − lowest
    training coverage, signals / 10, rejected share.
    """
    k, x = f.kind, f.facts
    if k in ("metric_worsened", "failure_rate_up"):
        return clip01(abs(x.get("relative") or 0.0))
    if k == "gain_not_held":
        return clip01(x["lost"])
    if k == "target_missed":
        return clip01(x.get("shortfall", 0.5))
    if k == "repair_sla_lag":
        return clip01(x["gap"])
    if k in ("lagging_building", "lagging_dimension"):
        return clip01(x["gap"] / 20.0)
    if k in ("hazard_overdue", "serious_incident"):
        return clip01(x["count"] / 10.0)
    if k == "repeat_failure":
        return clip01(x["count"] / (3.0 * x["threshold"]))
    if k == "maintenance_late":
        return clip01(1.0 - x["on_time"])
    if k == "open_backlog":
        return clip01(x["over_min_age"] / 20.0)
    if k.startswith("pareto_"):
        return clip01(x["top_share"])
    if k == "training_gap":
        return clip01(1.0 - x["min_coverage"])
    if k == "control_signal":
        return clip01(x["count"] / 10.0)
    if k == "data_rejects":
        return clip01(x["share"])
    return 0.0


def assess(findings: list[Finding], rules: Rules) -> list[Finding]:
    """Set severity and score, keep at most ``max_per_kind`` per kind, sort by rank."""
    for f in findings:
        f.category = KIND_CATEGORY.get(f.kind, f.category)
        f.severity = severity(f, rules)
        f.score = round(SEVERITY_WEIGHT[f.severity] + impact(f), 6)
    kept: list[Finding] = []
    by_kind: dict[str, list[Finding]] = {}
    for f in findings:
        by_kind.setdefault(f.kind, []).append(f)
    for kind, group in by_kind.items():
        group = sorted(group, key=lambda f: -f.score)
        limit = rules.max_per_kind.get(kind)
        kept.extend(group[:limit] if limit is not None else group)
    return sorted(kept, key=sort_key)


def sort_key(f: Finding) -> tuple:
    """Data-quality last; severity; category priority; impact descending; kind, subject."""
    cat = CATEGORY_ORDER.index(f.category) if f.category in CATEGORY_ORDER else len(CATEGORY_ORDER)
    kind = KIND_ORDER.index(f.kind) if f.kind in KIND_ORDER else len(KIND_ORDER)
    return (f.category == "data_quality", -SEVERITY_WEIGHT[f.severity], cat, -f.score, kind, f.subject)


def shortcoming_ids(count: int) -> list[str]:
    """``S01`` … in rank order (``S001`` … when there are 100 or more)."""
    width = max(2, len(str(count)))
    return [f"S{i:0{width}d}" for i in range(1, count + 1)]
