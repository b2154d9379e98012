"""Plan rows: the playbook's actions for every shortcoming, then the routine mechanisms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..labels import metric_label, t
from ..metrics.compute import first_rows
from ..params import Params
from ..privacy import mask_pii
from ..shortcomings import result_frames
from ..units import better_of, decimals, is_missing, is_percent, unit_of
from .rules import named_owner, owner_role, reachable_target
from .schema import Action, Playbook, load_playbook
from .targets import finite_or_none, fmt_target, next_target

PLAN_COLUMNS: list[str] = [
    "community_id",
    "action_id",
    "shortcoming_id",
    "action",
    "owner_role",
    "due_on",
    "kpi",
    "kpi_target",
    "pdca_stage",
]
PLAN_EXTRA_COLUMNS: list[str] = [
    "kind",
    "severity",
    "kpi_metric_id",
    "kpi_current",
    "kpi_target_text",
    "owner",
]


class _Values:
    """The value of the first row of every (metric_id, period) of a metrics frame, looked up
    once (a plan asks for a few dozen of them)."""

    def __init__(self, metrics: pd.DataFrame) -> None:
        self.first: dict[tuple[str, str], Any] = {
            key: row[0] for key, row in first_rows(metrics, "value").items()
        }


def _latest(metrics: _Values, metric_id: str, params: Params) -> float | None:
    """Value of the metric in the last period that has one."""
    for period in reversed(params.period_names):
        key = (metric_id, period)
        if key in metrics.first:
            v = finite_or_none(metrics.first[key])
            if v is not None:
                return v
    return None


def _value(metrics: _Values, metric_id: str, period: str) -> float | None:
    key = (metric_id, period)
    return finite_or_none(metrics.first[key]) if key in metrics.first else None


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _row(
    act: Action,
    finding: Mapping[str, Any] | None,
    metrics: _Values,
    params: Params,
    playbook: Playbook,
    lang: str,
) -> dict[str, Any]:
    """One plan row from an action and (optionally) the finding it answers.

    The row's target is provisional (the playbook's benchmark); :func:`_apply_rules`
    turns it into the reachable, shared target and fills the texts.
    """
    f = finding or {}
    f_metric = str(f.get("metric_id") or "")
    subject_label = str(f.get("subject_label") or f.get("subject") or "")
    subject_keys = [k.strip() for k in str(f.get("subject") or "").split(",") if k.strip()]
    fill = _SafeDict(
        subject=subject_label, metric=metric_label(f_metric, lang) if f_metric else subject_label
    )
    kpi_metric = None
    if act.kpi.metric is not None:
        kpi_metric = f_metric if act.kpi.metric == "{metric_id}" else act.kpi.metric
        kpi_metric = kpi_metric or None
    current = None
    benchmark = None
    if kpi_metric:
        better = better_of(kpi_metric)
        kpi_text = metric_label(kpi_metric, lang)
        if act.kpi.per_subject and subject_label:
            kpi_text = t("plan.kpi_subject", lang).format(kpi=kpi_text, subject=subject_label)
            current = finite_or_none(f.get("value"))
        else:  # 当前值 = the latest period's value (the follow-up when there is one)
            current = _latest(metrics, kpi_metric, params)
        reference = finite_or_none(f.get("reference")) if kpi_metric == f_metric else None
        benchmark = next_target(
            kpi_metric, act.target, current, reference, _value(metrics, kpi_metric, "quality_month")
        )
    else:
        better = act.kpi.better
        kpi_text = act.kpi.label.get(lang).format_map(fill) if act.kpi.label else ""
        if act.target.method == "fixed":
            benchmark = float(act.target.value)  # type: ignore[arg-type]
    if act.cadence:
        kpi_text = t("doc.plan.kpi_cadence", lang).format(
            kpi=kpi_text, cadence=t(f"doc.plan.cadence.{act.cadence}", lang)
        )
    by_subject = act.owner_by_subject if subject_keys else {}
    role = owner_role(subject_keys, by_subject, act.owner_role, params.staff, playbook.coordinator)
    due = params.as_of_date + dt.timedelta(days=act.due_days)
    return {
        "community_id": params.community_id,
        "shortcoming_id": str(f.get("shortcoming_id") or ""),
        "action": "",
        "owner_role": playbook.role(role, lang),
        "due_on": due.isoformat(),
        "kpi": mask_pii(kpi_text),
        "kpi_target": benchmark,
        "pdca_stage": act.stage,
        "kind": str(f.get("kind") or ""),
        "severity": str(f.get("severity") or ""),
        "kpi_metric_id": kpi_metric or "",
        "kpi_current": current,
        "kpi_target_text": "",
        "owner": named_owner(role, params.owners) if role in params.owners else playbook.role(role, lang),
        "_template": act.action.get(lang),
        "_fill": fill,
        "_horizon": act.due_days,
        "_better": better,
        "_unit": None if kpi_metric else act.kpi.unit,
        "_subject": subject_label if (kpi_metric and act.kpi.per_subject and subject_label) else "",
    }


def _focus(finding: Mapping[str, Any], insights: list[dict], lang: str) -> str:
    """The cause an insight names for ``finding`` ("设备“DT-11-1”占设备故障的50%"), or "".

    ``insights``: :func:`qmlib.insights.links.cause_records` of the insights frame."""
    from ..insights.links import cause_phrase, causes_of

    causes = causes_of(dict(finding), insights, limit=1)
    if not causes:
        return ""
    subject = str(causes[0].get("subject") or "")
    if subject and subject in str(finding.get("subject") or ""):
        return ""  # the finding is already about that subject (its actions name it)
    return cause_phrase(causes[0], lang)


def _shown(metric_id: str, value: float) -> str:
    """A value as the report shows it (shares in %)."""
    unit = unit_of(metric_id)
    return f"{value * 100:.1f}%" if is_percent(unit) else f"{value:.{decimals(unit)}f}"


def _apply_rules(rows: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Reachable targets, one per KPI, and the texts that quote them (:mod:`qmlib.plan.rules`).

    Rows checked by the same metric (and, for a subject's KPI, the same subject) share the
    target computed from the first (highest-ranked) row's current value and
    benchmark over the longest horizon among them. Labelled KPIs (counts of
    named items) keep their fixed target.
    """
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        if row["kpi_metric_id"]:
            groups.setdefault((row["kpi_metric_id"], row["_subject"]), []).append(row)
    for (metric_id, _), group in groups.items():
        first = group[0]
        horizon = max(r["_horizon"] for r in group)
        target = reachable_target(metric_id, first["kpi_current"], first["kpi_target"], horizon)
        for r in group:
            r["kpi_target"] = target
            r["kpi_current"] = first["kpi_current"]
    for row in rows:
        kpi_id: str | None = row["kpi_metric_id"] or None
        text = fmt_target(kpi_id, row["kpi_target"], row["_better"], row["_unit"])
        row["kpi_target_text"] = text
        fill = row.pop("_fill")
        if not text and kpi_id and row["kpi_current"] is not None:  # already the best: keep it there
            text = t("doc.plan.keep", lang).format(value=_shown(kpi_id, row["kpi_current"]))
        fill.update(kpi=row["kpi"], target=text)
        row["action"] = mask_pii(row.pop("_template").format_map(fill))
        for key in ("_horizon", "_better", "_unit", "_subject"):
            row.pop(key)
    return rows


def _as_playbook(playbook: Playbook | Path | str | None) -> Playbook:
    if isinstance(playbook, Playbook):
        return playbook
    return load_playbook(playbook)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    cols = PLAN_COLUMNS + PLAN_EXTRA_COLUMNS
    df = pd.DataFrame(rows, columns=[c for c in cols if c != "action_id"])
    df.insert(1, "action_id", [f"A{i:0{max(2, len(str(len(df))))}d}" for i in range(1, len(df) + 1)])
    for col in ("kpi_target", "kpi_current"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("Float64")
    return df[cols]


def routine_mechanisms(
    results: Any, params: Params, lang: str | None = None, playbook: Playbook | Path | str | None = None
) -> pd.DataFrame:
    """The playbook's routine mechanisms as plan rows (``shortcoming_id`` empty).

    Their targets use ``hold``: keep the better of the quality-month and the
    latest level of the KPI metric (empty when the metric has no value).
    The same rows end :func:`build_plan` (unless ``include_routine=False``).
    """
    pb = _as_playbook(playbook)
    lang = lang or params.language
    metrics = _Values(result_frames(results)["metrics"])
    rows = [_row(act, None, metrics, params, pb, lang) for act in pb.routine_mechanisms]
    return _frame(_apply_rules(rows, lang))


def build_plan(
    shortcomings: pd.DataFrame,
    results: Any,
    params: Params,
    playbook: Playbook | Path | str | None = None,
    lang: str | None = None,
    *,
    include_routine: bool = True,
    insights: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The improvement plan: columns :data:`PLAN_COLUMNS` then :data:`PLAN_EXTRA_COLUMNS`.

    ``shortcomings`` is the frame of :func:`qmlib.shortcomings.find_shortcomings`
    (or shortcomings.csv read back); ``results`` the metric results (for
    current values); ``playbook`` a :class:`Playbook`, a YAML path, or None for
    the packaged one; ``lang`` defaults to ``params.language``. Rules: module
    docstring. ``insights`` (insights.csv): when an insight explains a
    shortcoming (its ``explains`` column; :func:`qmlib.insights.links.causes_of`),
    the actions for it name the cause (the slow category, the failing
    elevator), not only the pooled metric.
    """
    pb = _as_playbook(playbook)
    lang = lang or params.language
    from ..insights.links import cause_records

    metrics = _Values(result_frames(results)["metrics"])
    records = cause_records(insights)
    rows: list[dict[str, Any]] = []
    sc = shortcomings
    if "rank" in sc.columns:
        sc = sc.sort_values("rank", kind="stable")
    for finding in sc.to_dict("records"):
        finding = {k: (None if is_missing(v) else v) for k, v in finding.items()}
        focus = _focus(finding, records, lang)
        for i, act in enumerate(pb.actions_for(str(finding.get("kind") or "default"))):
            row = _row(act, finding, metrics, params, pb, lang)
            # the action text is filled once the targets are set (_apply_rules): change its template
            cause = focus.replace("{", "{{").replace("}", "}}")
            if focus and i == 0 and finding.get("kind") == "target_missed":
                # the playbook's first action asks to analyse the cause; the insight has found it
                row["_template"] = t("plan.act_on_cause", lang).format(cause=cause)
            elif focus and i == 0:
                row["_template"] = row["_template"] + t("plan.focus", lang).format(cause=cause)
            rows.append(row)
    if include_routine:
        rows.extend(_row(act, None, metrics, params, pb, lang) for act in pb.routine_mechanisms)
    return _frame(_apply_rules(rows, lang))


# ---- writing -----------------------------------------------------------------
