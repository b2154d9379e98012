"""Stage 4: the improvement plan (整改计划) — PDCA actions for every shortcoming,
plus the routine mechanisms that keep the quality month's gains.

>>> plan = build_plan(shortcomings, results, params)          # packaged playbook
>>> plan = build_plan(shortcomings, results, params, playbook="company.yaml")
>>> write_plan(plan, out_dir / community_id)                   # plan.csv + plan.xlsx

The playbook (``qmlib/playbook.yaml``; schema in its header) maps every
finding kind to actions. For each shortcoming, in rank order, each action of
its kind becomes one plan row:

- ``action``: the playbook text in ``lang`` with ``{subject}`` (the finding's
  ``subject_label``), ``{metric}`` (label of its metric), ``{kpi}`` and
  ``{target}`` (the formatted next target) filled in; phone and ID-card
  numbers masked;
- ``owner_role``: ``owner_by_subject`` of the first item of the finding's
  ``subject`` if listed, else ``owner_role`` (the zh role; in English the
  playbook's ``roles`` translation);
- ``due_on`` = as_of + ``due_days`` (ISO date);
- ``kpi``: the metric label (with the subject for ``per_subject`` KPIs) or
  the playbook's own label; ``kpi_metric_id`` the metric id or empty;
- ``kpi_target``: the next target as a number in the metric's unit (shares
  as fractions like metrics.csv), see :func:`next_target`;
  ``kpi_target_text`` the same formatted with ≥ / ≤;
- ``pdca_stage``: ``Plan``, ``Do``, ``Check`` or ``Act`` (labels
  ``plan.stage.<stage>``: 计划（P）/执行（D）/检查（C）/处理（A）).

``action_id`` is A01, A02, … in plan order (findings by rank, then the
routine mechanisms, whose ``shortcoming_id`` is empty).

Modules: :mod:`~qmlib.plan.schema` (playbook schema, validated),
:mod:`~qmlib.plan.targets` (KPI target rules), :mod:`~qmlib.plan.build`
(plan rows), :mod:`~qmlib.plan.write` (plan.csv / plan.xlsx).
"""

from __future__ import annotations

from .build import PLAN_COLUMNS, PLAN_EXTRA_COLUMNS, build_plan, routine_mechanisms
from .schema import (
    DEFAULT_PLAYBOOK,
    PDCA_STAGES,
    Action,
    Kpi,
    Playbook,
    PlaybookError,
    TargetRule,
    Text,
    load_playbook,
    parse_playbook,
)
from .targets import DIGITS, RANGES, fmt_target, next_target
from .write import plan_xlsx_bytes, write_plan

__all__ = [
    "DEFAULT_PLAYBOOK",
    "DIGITS",
    "PDCA_STAGES",
    "PLAN_COLUMNS",
    "PLAN_EXTRA_COLUMNS",
    "RANGES",
    "Action",
    "Kpi",
    "Playbook",
    "PlaybookError",
    "TargetRule",
    "Text",
    "build_plan",
    "fmt_target",
    "load_playbook",
    "next_target",
    "parse_playbook",
    "plan_xlsx_bytes",
    "routine_mechanisms",
    "write_plan",
]
