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
"""

from __future__ import annotations

import datetime as dt
import io
import math
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .catalog import is_known_metric, metric_def
from .errors import QmError
from .labels import metric_label, t
from .outputs import atomic_write_bytes, escape_formula, write_csv
from .params import Params
from .privacy import mask_pii
from .shortcomings import KINDS, result_frames
from .validation import first_problem

PLAN_COLUMNS: list[str] = [
    "community_id", "action_id", "shortcoming_id", "action", "owner_role", "due_on", "kpi", "kpi_target",
    "pdca_stage",
]
PLAN_EXTRA_COLUMNS: list[str] = ["kind", "severity", "kpi_metric_id", "kpi_current", "kpi_target_text"]
PDCA_STAGES: tuple[str, ...] = ("Plan", "Do", "Check", "Act")
DEFAULT_PLAYBOOK = Path(__file__).with_name("playbook.yaml")
PLACEHOLDERS = frozenset({"subject", "metric", "kpi", "target"})

#: (low, high) of a metric's values by catalog unit; None = unbounded on that side.
RANGES: dict[str, tuple[float | None, float | None]] = {
    "share": (0.0, 1.0),
    "ratio": (0.0, 1.0),
    "points": (0.0, 100.0),
    "rating": (1.0, 5.0),
}
#: Decimal places of a target by unit (shares as fractions: 0.953 = 95.3%).
DIGITS: dict[str, int] = {
    "share": 3, "ratio": 3, "points": 1, "rating": 2, "minutes": 1, "hours": 1,
    "per100hh30d": 2, "per100assets30d": 2, "count": 0,
}


class PlaybookError(QmError):
    """A playbook file that does not follow the schema; names the file and the key."""

    def __init__(self, path: str, key: str, problem: str) -> None:
        self.path, self.key, self.problem = path, key, problem
        super().__init__(f"{path}: {key}: {problem}")


# ---- playbook schema ---------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_placeholders(text: str) -> str:
    for _, name, _, _ in string.Formatter().parse(text):
        if name is not None and name not in PLACEHOLDERS:
            raise ValueError(f"unknown placeholder {{{name}}}; allowed: {', '.join(sorted(PLACEHOLDERS))}")
    return text


class Text(_Strict):
    """A bilingual text."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    @field_validator("zh", "en")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        return _check_placeholders(value)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class Kpi(_Strict):
    """A metric (``{metric_id}`` = the finding's own) or a labelled count/check."""

    metric: str | None = None
    per_subject: bool = False
    label: Text | None = None
    better: Literal[-1, 1] = -1
    unit: Literal["count", "share"] = "count"

    @model_validator(mode="after")
    def _one(self) -> Kpi:
        if (self.metric is None) == (self.label is None):
            raise ValueError("give exactly one of metric or label")
        if self.metric is not None and self.metric != "{metric_id}" and not is_known_metric(self.metric):
            raise ValueError(f"unknown metric {self.metric!r} (see CONTRACT.md section 4)")
        return self


class TargetRule(_Strict):
    method: Literal["improve", "reference", "hold", "fixed"]
    value: float | None = None

    @model_validator(mode="after")
    def _value(self) -> TargetRule:
        if self.method == "fixed" and self.value is None:
            raise ValueError("method fixed needs a value")
        if self.method == "improve" and self.value is not None and not 0 < self.value <= 1:
            raise ValueError("improve value must be in (0, 1]")
        return self


class Action(_Strict):
    stage: Literal["Plan", "Do", "Check", "Act"]
    owner_role: str = Field(min_length=1)
    owner_by_subject: dict[str, str] = Field(default_factory=dict)
    due_days: int = Field(ge=0)
    action: Text
    kpi: Kpi
    target: TargetRule

    @field_validator("stage", mode="before")
    @classmethod
    def _stage(cls, value: object) -> object:
        if isinstance(value, str):
            short = {"p": "Plan", "d": "Do", "c": "Check", "a": "Act"}
            key = value.strip().lower()
            return short.get(key) or {s.lower(): s for s in PDCA_STAGES}.get(key, value)
        return value


class Playbook(_Strict):
    version: Literal[1] = 1
    roles: dict[str, str] = Field(default_factory=dict)
    kinds: dict[str, list[Action]]
    routine_mechanisms: list[Action] = Field(default_factory=list)

    @field_validator("kinds")
    @classmethod
    def _kinds(cls, kinds: dict[str, list[Action]]) -> dict[str, list[Action]]:
        unknown = sorted(k for k in kinds if k not in KINDS and k != "default")
        if unknown:
            raise ValueError(f"unknown finding kind {unknown[0]!r}; known: {', '.join(sorted(KINDS))}")
        missing = sorted(KINDS - set(kinds))
        if missing and "default" not in kinds:
            raise ValueError(f"no actions for finding kinds {', '.join(missing)} (add them or a 'default' entry)")
        for kind, actions in kinds.items():
            if not actions:
                raise ValueError(f"{kind}: needs at least one action")
        return kinds

    def actions_for(self, kind: str) -> list[Action]:
        return self.kinds.get(kind) or self.kinds.get("default", [])

    def role(self, role: str, lang: str) -> str:
        return self.roles.get(role, role) if lang == "en" else role


def parse_playbook(raw: object, source: str = "<playbook>") -> Playbook:
    """Validate a mapping loaded from YAML; raise :class:`PlaybookError` naming the key."""
    if not isinstance(raw, dict):
        raise PlaybookError(source, "(file)", "expected a YAML mapping")
    try:
        return Playbook.model_validate(raw)
    except ValidationError as exc:
        key, msg = first_problem(exc, "unknown key (see the schema at the top of qmlib/playbook.yaml)")
        raise PlaybookError(source, key, msg) from None


def load_playbook(path: Path | str | None = None) -> Playbook:
    """Read and validate a playbook YAML (default: the packaged ``qmlib/playbook.yaml``)."""
    path = Path(path) if path is not None else DEFAULT_PLAYBOOK
    if not path.is_file():
        raise PlaybookError(str(path), "(file)", "playbook file not found")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PlaybookError(str(path), "(file)", f"not valid YAML: {exc}") from None
    return parse_playbook(raw, str(path))


# ---- targets -----------------------------------------------------------------


def _unit(metric_id: str) -> str:
    try:
        return metric_def(metric_id).unit
    except KeyError:
        return ""


def _better(metric_id: str) -> int:
    try:
        return metric_def(metric_id).better
    except KeyError:
        return 0


def _finite(x: object) -> float | None:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def next_target(
    metric_id: str,
    rule: TargetRule,
    current: float | None,
    reference: float | None = None,
    quality_month: float | None = None,
    better: int | None = None,
) -> float | None:
    """The next target of a KPI.

    With ``b`` = the metric's ``better`` (+1/−1), ``[lo, hi]`` its range
    (shares and ratios [0, 1], 0–100 scores [0, 100], ratings [1, 5], others
    [0, ∞)) and ``best`` = hi when b = +1, lo when b = −1:

    - ``improve`` f (default 0.5): bounded metrics ``current + f·(best − current)``
      (close a share f of the gap); unbounded ``current·(1 + b·f)``;
    - ``reference``: ``reference`` (baseline, rest, quality-month level,
      missed target), else ``improve`` 0.5;
    - ``hold``: the better of ``quality_month`` and ``current``;
    - ``fixed``: ``rule.value``.

    The result is clipped to ``[lo, hi]``, is never worse than ``current``
    (max for b = +1, min for b = −1) and is rounded to the unit's digits
    (:data:`DIGITS`) towards the better side (up for b = +1, down for b = −1),
    so rounding never makes it easier. None when the value it needs is missing.
    """
    b = _better(metric_id) if better is None else better
    unit = _unit(metric_id)
    lo, hi = RANGES.get(unit, (0.0, None))
    f = rule.value if rule.value is not None else 0.5
    if rule.method == "fixed":
        return float(rule.value)  # type: ignore[arg-type]
    if rule.method == "hold":
        values = [v for v in (quality_month, current) if v is not None]
        if not values:
            return None
        target = max(values) if b >= 0 else min(values)
    elif rule.method == "reference" and reference is not None:
        target = reference
    else:
        if current is None:
            return None
        if rule.method == "reference":
            f = 0.5
        if b > 0 and hi is not None:
            target = current + f * (hi - current)
        elif b < 0:
            target = current + f * ((lo or 0.0) - current)
        else:
            target = current * (1 + b * f)
    if lo is not None:
        target = max(target, lo)
    if hi is not None:
        target = min(target, hi)
    if current is not None and b != 0:
        target = max(target, current) if b > 0 else min(target, current)
    digits = DIGITS.get(unit, 2)
    scaled = round(target * 10**digits, 6)
    scaled = math.ceil(scaled) if b > 0 else math.floor(scaled) if b < 0 else round(scaled)
    out = scaled / 10**digits
    if lo is not None:
        out = max(out, lo)
    if hi is not None:
        out = min(out, hi)
    return out


def fmt_target(metric_id: str | None, value: float | None, better: int, unit: str | None = None) -> str:
    """"≥ 95.0%" / "≤ 1.25" / "0"; empty when there is no target.

    ``unit`` overrides the metric's unit (labelled KPIs: "count" or "share")."""
    if value is None:
        return ""
    unit = unit or (_unit(metric_id) if metric_id else "")
    if unit in ("share", "ratio"):
        text = f"{value * 100:.1f}%"
    else:
        digits = DIGITS.get(unit, 2) if metric_id else (0 if float(value).is_integer() else 2)
        text = f"{value:.{digits}f}"
    if value == 0 and better < 0:
        return text
    return ("≥ " if better > 0 else "≤ ") + text


# ---- plan --------------------------------------------------------------------


def _latest(metrics: pd.DataFrame, metric_id: str, params: Params) -> float | None:
    """Value of the metric in the last period that has one."""
    if metrics.empty:
        return None
    rows = metrics[metrics["metric_id"] == metric_id]
    for period in reversed(params.period_names):
        hit = rows[rows["period"] == period]
        if not hit.empty:
            v = _finite(hit["value"].iloc[0])
            if v is not None:
                return v
    return None


def _value(metrics: pd.DataFrame, metric_id: str, period: str) -> float | None:
    if metrics.empty:
        return None
    hit = metrics[(metrics["metric_id"] == metric_id) & (metrics["period"] == period)]
    return None if hit.empty else _finite(hit["value"].iloc[0])


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _row(
    act: Action,
    finding: Mapping[str, Any] | None,
    metrics: pd.DataFrame,
    params: Params,
    playbook: Playbook,
    lang: str,
) -> dict[str, Any]:
    """One plan row from an action and (optionally) the finding it answers."""
    f = finding or {}
    f_metric = str(f.get("metric_id") or "")
    subject_label = str(f.get("subject_label") or f.get("subject") or "")
    subject_key = str(f.get("subject") or "").split(",")[0]
    fill = _SafeDict(subject=subject_label, metric=metric_label(f_metric, lang) if f_metric else subject_label)
    kpi_metric = None
    if act.kpi.metric is not None:
        kpi_metric = f_metric if act.kpi.metric == "{metric_id}" else act.kpi.metric
        kpi_metric = kpi_metric or None
    current = None
    target = None
    if kpi_metric:
        better = _better(kpi_metric)
        kpi_text = metric_label(kpi_metric, lang)
        same = kpi_metric == f_metric and _finite(f.get("value")) is not None
        if act.kpi.per_subject and subject_label:
            kpi_text = t("plan.kpi_subject", lang).format(kpi=kpi_text, subject=subject_label)
        current = _finite(f.get("value")) if (same or act.kpi.per_subject) else None
        if current is None and not act.kpi.per_subject:
            current = _latest(metrics, kpi_metric, params)
        reference = _finite(f.get("reference")) if kpi_metric == f_metric else None
        target = next_target(
            kpi_metric, act.target, current, reference, _value(metrics, kpi_metric, "quality_month")
        )
    else:
        better = act.kpi.better
        kpi_text = act.kpi.label.get(lang).format_map(fill) if act.kpi.label else ""
        if act.target.method == "fixed":
            target = float(act.target.value)  # type: ignore[arg-type]
    target_text = fmt_target(kpi_metric, target, better, None if kpi_metric else act.kpi.unit)
    fill.update(kpi=kpi_text, target=target_text)
    role = act.owner_by_subject.get(subject_key, act.owner_role)
    due = params.as_of_date + dt.timedelta(days=act.due_days)
    return {
        "community_id": params.community_id,
        "shortcoming_id": str(f.get("shortcoming_id") or ""),
        "action": mask_pii(act.action.get(lang).format_map(fill)),
        "owner_role": playbook.role(role, lang),
        "due_on": due.isoformat(),
        "kpi": mask_pii(kpi_text),
        "kpi_target": target,
        "pdca_stage": act.stage,
        "kind": str(f.get("kind") or ""),
        "severity": str(f.get("severity") or ""),
        "kpi_metric_id": kpi_metric or "",
        "kpi_current": current,
        "kpi_target_text": target_text,
    }


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
    metrics = result_frames(results)["metrics"]
    rows = [_row(act, None, metrics, params, pb, lang) for act in pb.routine_mechanisms]
    return _frame(rows)


def build_plan(
    shortcomings: pd.DataFrame,
    results: Any,
    params: Params,
    playbook: Playbook | Path | str | None = None,
    lang: str | None = None,
    *,
    include_routine: bool = True,
) -> pd.DataFrame:
    """The improvement plan: columns :data:`PLAN_COLUMNS` then :data:`PLAN_EXTRA_COLUMNS`.

    ``shortcomings`` is the frame of :func:`qmlib.shortcomings.find_shortcomings`
    (or shortcomings.csv read back); ``results`` the metric results (for
    current values); ``playbook`` a :class:`Playbook`, a YAML path, or None for
    the packaged one; ``lang`` defaults to ``params.language``. Rules: module
    docstring.
    """
    pb = _as_playbook(playbook)
    lang = lang or params.language
    metrics = result_frames(results)["metrics"]
    rows: list[dict[str, Any]] = []
    sc = shortcomings
    if "rank" in sc.columns:
        sc = sc.sort_values("rank", kind="stable")
    for finding in sc.to_dict("records"):
        finding = {k: (None if _is_missing(v) else v) for k, v in finding.items()}
        for act in pb.actions_for(str(finding.get("kind") or "default")):
            rows.append(_row(act, finding, metrics, params, pb, lang))
    if include_routine:
        rows.extend(_row(act, None, metrics, params, pb, lang) for act in pb.routine_mechanisms)
    return _frame(rows)


def _is_missing(v: object) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


# ---- writing -----------------------------------------------------------------


def plan_xlsx_bytes(df: pd.DataFrame, lang: str = "zh") -> bytes:
    """plan.xlsx: one sheet, headers in ``lang`` (``plan.col.<column>``), PDCA stages
    labelled, every text cell starting with = + - @ (or tab/CR) prefixed with ``'``."""
    wb = Workbook()
    ws = wb.active
    ws.title = t("plan.sheet", lang)[:31]
    cols = [c for c in [*PLAN_COLUMNS, "kpi_target_text"] if c in df.columns]
    ws.append([t(f"plan.col.{c}", lang) for c in cols])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for record in df[cols].to_dict("records"):
        out = []
        for col in cols:
            v = record[col]
            if _is_missing(v):
                out.append(None)
            elif col == "pdca_stage":
                out.append(escape_formula(t(f"plan.stage.{v}", lang)))
            elif isinstance(v, str):
                out.append(escape_formula(v))
            else:
                out.append(float(v) if col == "kpi_target" else v)
        ws.append(out)
    widths = {"action": 60, "kpi": 28, "shortcoming_id": 10, "action_id": 10, "due_on": 12}
    for i, col in enumerate(cols, start=1):
        letter = ws.cell(row=1, column=i).column_letter
        ws.column_dimensions[letter].width = widths.get(col, 14)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_plan(df: pd.DataFrame, out_dir: Path | str, lang: str = "zh") -> tuple[Path, Path]:
    """Write ``<out_dir>/plan.csv`` (contract columns first, via write_csv) and ``plan.xlsx``."""
    out_dir = Path(out_dir)
    cols = PLAN_COLUMNS + [c for c in df.columns if c not in PLAN_COLUMNS]
    csv_path = write_csv(df, out_dir / "plan.csv", columns=cols)
    xlsx_path = out_dir / "plan.xlsx"
    atomic_write_bytes(xlsx_path, plan_xlsx_bytes(df, lang))
    return csv_path, xlsx_path


__all__ = [
    "DEFAULT_PLAYBOOK",
    "PDCA_STAGES",
    "PLAN_COLUMNS",
    "PLAN_EXTRA_COLUMNS",
    "Playbook",
    "PlaybookError",
    "build_plan",
    "fmt_target",
    "load_playbook",
    "next_target",
    "parse_playbook",
    "plan_xlsx_bytes",
    "routine_mechanisms",
    "write_plan",
]
