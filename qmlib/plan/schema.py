"""The playbook (``qmlib/playbook.yaml``): its pydantic schema, validated on load.

A file that does not follow the schema raises :class:`PlaybookError` naming the
file and the key."""

from __future__ import annotations

import string
from collections import OrderedDict
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..catalog import is_known_metric
from ..content_cache import load_by_content
from ..errors import PlaybookError
from ..shortcomings import KINDS
from ..validation import first_problem

PDCA_STAGES: tuple[str, ...] = ("Plan", "Do", "Check", "Act")
DEFAULT_PLAYBOOK = Path(__file__).parent.parent / "playbook.yaml"
PLACEHOLDERS = frozenset({"subject", "metric", "kpi", "target"})


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


#: Days of one cycle of a routine mechanism's ``cadence``.
CADENCE_DAYS: dict[str, int] = {"weekly": 7, "monthly": 30, "quarterly": 90}


class Action(_Strict):
    stage: Literal["Plan", "Do", "Check", "Act"]
    owner_role: str = Field(min_length=1)
    owner_by_subject: dict[str, str] = Field(default_factory=dict)
    due_days: int = Field(ge=0)
    action: Text
    kpi: Kpi
    target: TargetRule
    cadence: Literal["weekly", "monthly", "quarterly"] | None = None

    @model_validator(mode="after")
    def _cadence(self) -> Action:
        if self.cadence is not None and self.due_days < CADENCE_DAYS[self.cadence]:
            raise ValueError(
                f"a {self.cadence} mechanism is first checked one cycle ahead: due_days must be "
                f"≥ {CADENCE_DAYS[self.cadence]} (got {self.due_days})"
            )
        return self

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
    #: The role that owns an action whose subject spans several roles, or whose role has no staff.
    coordinator: str = Field(default="项目经理", min_length=1)
    kinds: dict[str, list[Action]]
    routine_mechanisms: list[Action] = Field(default_factory=list)

    @field_validator("routine_mechanisms")
    @classmethod
    def _routines_have_cadence(cls, actions: list[Action]) -> list[Action]:
        for i, act in enumerate(actions):
            if act.cadence is None:
                raise ValueError(
                    f"routine mechanism {i + 1} needs a cadence (weekly, monthly or quarterly), "
                    "so that its KPI is counted over the same period"
                )
        return actions

    @field_validator("kinds")
    @classmethod
    def _kinds(cls, kinds: dict[str, list[Action]]) -> dict[str, list[Action]]:
        unknown = sorted(k for k in kinds if k not in KINDS and k != "default")
        if unknown:
            raise ValueError(f"unknown finding kind {unknown[0]!r}; known: {', '.join(sorted(KINDS))}")
        missing = sorted(KINDS - set(kinds))
        if missing and "default" not in kinds:
            raise ValueError(
                f"no actions for finding kinds {', '.join(missing)} (add them or a 'default' entry)"
            )
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


#: Playbooks validated in this process, by (file, digest of its bytes); a few at most.
_VALIDATED: OrderedDict[tuple[str, bytes], Playbook] = OrderedDict()
_VALIDATED_MAX = 8


def load_playbook(path: Path | str | None = None) -> Playbook:
    """Read and validate a playbook YAML (default: the packaged ``qmlib/playbook.yaml``).

    Parsed and validated once per content of the file in a process (every community of a
    batch uses the same playbook): the file is read each time and its bytes hashed, so an
    edited file is validated again. The caller gets its own (deep) copy.
    """
    path = Path(path) if path is not None else DEFAULT_PLAYBOOK
    if not path.is_file():
        raise PlaybookError(str(path), "(file)", "playbook file not found")

    def decode(data: bytes) -> Playbook:
        try:
            # as Path.read_text decodes: BOM dropped, universal newlines
            raw = yaml.safe_load(data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise PlaybookError(str(path), "(file)", f"not valid YAML: {exc}") from None
        return parse_playbook(raw, str(path))

    return load_by_content(
        _VALIDATED, path, decode, lambda playbook: playbook.model_copy(deep=True), max_items=_VALIDATED_MAX
    )


# ---- targets -----------------------------------------------------------------
