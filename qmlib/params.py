"""Community parameters: ``params/<community_id>.yaml`` (contract section 3).

Loaded with a safe YAML loader (libyaml when available) and validated with a pydantic schema that
forbids unknown keys. Every problem becomes a :class:`~qmlib.errors.ParamsError`
naming the file and the key.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from pathlib import Path
from typing import Literal, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .catalog import is_known_metric
from .errors import DuplicateKeyError, ParamsError
from .validation import first_problem

#: libyaml's safe loader when available (about 10x faster), else PyYAML's; both are safe.
_BaseSafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SafeLoader(_BaseSafeLoader):  # type: ignore[misc,valid-type]
    """The safe loader, refusing a mapping that repeats a key (YAML says keys are unique;
    PyYAML would silently keep the last value)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                if key in seen:
                    raise DuplicateKeyError(str(key), seen[key], line)
                seen[key] = line
            except TypeError:  # unhashable key: the base loader reports it
                pass
        return super().construct_mapping(node, deep=deep)


#: The whole id (``fullmatch``): ``"x1\n"`` does not match.
COMMUNITY_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
#: Ids that cannot name a community: ``outputs/portfolio/`` holds the company report.
RESERVED_IDS: frozenset[str] = frozenset({"portfolio"})
#: The contract's period names (CONTRACT.md section 2), in order.
PeriodName = Literal["baseline", "quality_month", "followup"]
PERIOD_NAMES: tuple[PeriodName, ...] = ("baseline", "quality_month", "followup")

#: Roles of the packaged playbook (qmlib/playbook.yaml) that ``owners`` may name besides ``staff``.
PLAN_ROLES: tuple[str, ...] = ("项目经理", "客服", "工程", "秩序", "保洁", "绿化")

URGENCY_KEYS = {"普通": "普通", "normal": "普通", "紧急": "紧急", "urgent": "紧急"}
SEVERITY_KEYS = {
    "一般": "一般",
    "minor": "一般",
    "较大": "较大",
    "major": "较大",
    "重大": "重大",
    "critical": "重大",
}


def _canonical_keys(value: dict, mapping: dict[str, str], what: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, minutes in value.items():
        canon = mapping.get(str(key).strip().lower()) or mapping.get(str(key).strip())
        if canon is None:
            raise ValueError(f"unknown {what} {key!r}; accepted: {', '.join(mapping)}")
        out[canon] = minutes
    return out


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _no_bool(value: object) -> object:
    """Refuse ``true``/``false`` where a number is expected (pydantic would read them as 1/0)."""
    if isinstance(value, bool):
        raise ValueError("expected a number, not true/false")
    return value


def _finite_non_negative(key: str, number: float) -> None:
    if isinstance(number, bool):
        raise ValueError(f"{key}: expected a number, not true/false")
    if not math.isfinite(number):
        raise ValueError(f"{key} must be a finite number")
    if number < 0:
        raise ValueError(f"{key} must be ≥ 0")


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones()) - {"localtime", "Factory", "posixrules"}


class Sla(Strict):
    repair_arrival_minutes: dict[str, float] = Field(default_factory=lambda: {"普通": 30.0, "紧急": 15.0})
    complaint_response_hours: float = 24.0
    hazard_due_days: dict[str, float] = Field(default_factory=lambda: {"一般": 7.0, "较大": 3.0, "重大": 1.0})
    maintenance_tolerance_days: float = Field(default=3.0, ge=0)

    @field_validator("complaint_response_hours")
    @classmethod
    def _positive_hours(cls, value: float) -> float:
        if value < 0:
            raise ValueError("must be ≥ 0")
        return value

    @field_validator("complaint_response_hours", "maintenance_tolerance_days", mode="before")
    @classmethod
    def _number(cls, value: object) -> object:
        return _no_bool(value)

    @field_validator("repair_arrival_minutes", mode="before")
    @classmethod
    def _urgency(cls, value: object) -> object:
        if isinstance(value, dict):
            merged = {"普通": 30.0, "紧急": 15.0}
            merged.update(_canonical_keys(value, URGENCY_KEYS, "urgency"))
            return merged
        return value

    @field_validator("hazard_due_days", mode="before")
    @classmethod
    def _severity(cls, value: object) -> object:
        if isinstance(value, dict):
            merged = {"一般": 7.0, "较大": 3.0, "重大": 1.0}
            merged.update(_canonical_keys(value, SEVERITY_KEYS, "severity"))
            return merged
        return value

    @field_validator("repair_arrival_minutes", "hazard_due_days")
    @classmethod
    def _non_negative(cls, value: dict[str, float]) -> dict[str, float]:
        for key, number in value.items():
            _finite_non_negative(key, number)
        return value


class Target(Strict):
    metric: str
    kind: Literal["delta", "relative_change", "at_least", "at_most"]
    value: float
    period: PeriodName | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _number(cls, value: object) -> object:
        return _no_bool(value)

    @field_validator("metric")
    @classmethod
    def _known(cls, value: str) -> str:
        if not is_known_metric(value):
            raise ValueError(f"unknown metric {value!r} (see the metric list in CONTRACT.md section 4)")
        return value

    @model_validator(mode="after")
    def _nonzero_change(self) -> Target:
        if self.kind in ("delta", "relative_change") and self.value == 0:
            raise ValueError(f"a {self.kind} target of 0 is not allowed: use at_least or at_most")
        return self


class Params(Strict):
    community_id: str
    name: str
    company: str | None = None
    households: int = Field(gt=0)
    staff: dict[str, int] = Field(default_factory=dict)
    periods: dict[PeriodName, tuple[dt.date, dt.date]]
    as_of: dt.date | None = None
    timezone: str = "Asia/Shanghai"
    survey_scale: Literal[5, 10, 100] = 5
    sla: Sla = Field(default_factory=Sla)
    inspection_pass_score: float = 80.0
    training_pass_score: float = 60.0
    targets: list[Target] = Field(default_factory=list)
    language: Literal["zh", "en"] = "zh"
    # ---- front matter of the documents (all optional; see docs/DOCUMENTS.md) -------------
    theme: str | None = Field(default=None, max_length=200)
    organisation: str | None = Field(default=None, max_length=500)
    foreword: str | None = Field(default=None, max_length=20000)
    signed_by: str | None = Field(default=None, max_length=200)
    owners: dict[str, str] = Field(default_factory=dict)
    notes: str | None = Field(default=None, max_length=500)
    docx_template: str | None = Field(default=None, max_length=500)

    @field_validator("theme", "organisation", "foreword", "signed_by", "notes", "docx_template")
    @classmethod
    def _front_text(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = str(value).strip()
        if not value:
            raise ValueError("must not be empty (leave the key out instead)")
        return value

    @field_validator("owners")
    @classmethod
    def _owners(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        known = set(info.data.get("staff") or {}) | set(PLAN_ROLES)
        out: dict[str, str] = {}
        for role, person in value.items():
            role, person = str(role).strip(), "" if person is None else str(person).strip()
            if role not in known:
                raise ValueError(f"unknown role {role!r}; known roles: {', '.join(sorted(known))}")
            if not person:
                raise ValueError(f"role {role!r} needs a person's name")
            out[role] = person
        return out

    @field_validator("community_id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not COMMUNITY_ID.fullmatch(value):
            raise ValueError("must match [a-z0-9][a-z0-9_-]{0,63} (the whole value)")
        if value in RESERVED_IDS:
            raise ValueError(f"{value!r} is reserved (outputs/{value}/ holds the company report)")
        return value

    @field_validator("as_of")
    @classmethod
    def _as_of_after_quality_month(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        """``as_of`` before the end of the quality month would judge open work too early."""
        quality_month = (info.data.get("periods") or {}).get("quality_month")
        if value is not None and quality_month is not None and value < quality_month[1]:
            raise ValueError(
                f"{value} is before the end of periods.quality_month ({quality_month[1]}): "
                "give an as_of on or after the last day of the quality month"
            )
        return value

    @field_validator("households", "inspection_pass_score", "training_pass_score", mode="before")
    @classmethod
    def _number(cls, value: object) -> object:
        return _no_bool(value)

    @field_validator("staff", mode="before")
    @classmethod
    def _staff_numbers(cls, value: object) -> object:
        if isinstance(value, dict):
            for role, count in value.items():
                if isinstance(count, bool):
                    raise ValueError(f"headcount of {role}: expected a number, not true/false")
        return value

    @field_validator("staff")
    @classmethod
    def _staff(cls, value: dict[str, int]) -> dict[str, int]:
        for role, count in value.items():
            if count < 0:
                raise ValueError(f"headcount of {role} must be ≥ 0")
        return {str(k): v for k, v in value.items()}

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        """An IANA zone name (``Asia/Shanghai``); ``localtime`` (the machine's zone) is refused,
        since a report must not depend on the machine that runs it."""
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Asia/Shanghai") from exc
        if value not in _time_zones():
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Asia/Shanghai")
        return value

    @model_validator(mode="after")
    def _periods(self) -> Params:
        for name in ("baseline", "quality_month"):
            if name not in self.periods:
                raise ValueError(f"periods.{name} is required")
        previous: tuple[str, dt.date] | None = None
        for name in PERIOD_NAMES:
            if name not in self.periods:
                continue
            start, end = self.periods[name]
            if end < start:
                raise ValueError(f"periods.{name} ends ({end}) before it starts ({start})")
            if previous and start <= previous[1]:
                raise ValueError(
                    f"periods.{name} ({start}) must start after periods.{previous[0]} ends "
                    f"({previous[1]}): periods may not overlap and must be in the order "
                    "baseline < quality_month < followup"
                )
            previous = (name, end)
        for target in self.targets:
            if target.period is not None and target.period not in self.periods:
                raise ValueError(f"targets: period {target.period!r} is not in periods")
        return self

    # ---- derived -------------------------------------------------------
    @property
    def period_names(self) -> list[PeriodName]:
        """Periods present, in contract order."""
        return [p for p in PERIOD_NAMES if p in self.periods]

    @property
    def last_period(self) -> PeriodName:
        return self.period_names[-1]

    def period_dates(self, period: str) -> tuple[dt.date, dt.date]:
        """``(start, end)`` of the period named ``period``; ``KeyError`` when it is not configured."""
        return self.periods[cast(PeriodName, period)]

    @property
    def as_of_date(self) -> dt.date:
        """``as_of``, defaulting to the last day of the last period."""
        return self.as_of or self.periods[self.last_period][1]

    @property
    def staff_total(self) -> int:
        return sum(self.staff.values())

    def target_period(self, target: Target) -> PeriodName:
        return target.period or self.last_period


def parse_params(raw: object, source: str = "<params>") -> Params:
    """Validate a mapping loaded from YAML; raise ParamsError naming the key."""
    if not isinstance(raw, dict):
        raise ParamsError(source, "(file)", "expected a YAML mapping of keys to values")
    try:
        return Params.model_validate(raw)
    except ValidationError as exc:
        key, msg = first_problem(exc, "unknown key (not in CONTRACT.md section 3)")
        raise ParamsError(source, key, msg) from None


def load_params(path: Path | str, community_id: str | None = None) -> Params:
    """Read and validate ``params/<id>.yaml``.

    The file stem, ``community_id`` inside the file and the requested id
    must agree (contract section 1).
    """
    path = Path(path)
    if not path.is_file():
        raise ParamsError(str(path), "(file)", "params file not found")
    try:
        raw = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=SafeLoader)
    except DuplicateKeyError as exc:
        raise ParamsError(str(path), exc.key, str(exc)) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ParamsError(str(path), "(file)", f"not valid YAML: {exc}") from None
    params = parse_params(raw, str(path))
    if params.community_id != path.stem:
        raise ParamsError(
            str(path),
            "community_id",
            f"{params.community_id!r} does not match the file name {path.stem!r}",
        )
    if community_id is not None and community_id != params.community_id:
        raise ParamsError(str(path), "community_id", f"expected {community_id!r}")
    return params
