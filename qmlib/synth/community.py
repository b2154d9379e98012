"""People and calendar: a community's constants (households, staff, buildings, SLA, periods),
its planted-effect profile, params and targets, and the random time/id helpers the tables share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .vocab import (
    COMMUNITY_NAMES,
    COMPANIES,
    DEFAULT_PERIODS,
    EFFECT_DEFAULTS,
    HOUR_WEIGHTS,
    PERIOD_NAMES,
    PLANTED_COMMENTS,
    PLANTED_INITIATIVES,
    SIZES,
    TZ,
)


@dataclass
class Community:
    """Everything the table generators need to know about one community."""

    cid: str
    rng: np.random.Generator
    variant: int
    name: str
    company: str
    households: int
    staff: dict[str, int]
    buildings: list[str]
    scale: int
    language: str
    effects: dict[str, dict]
    factor: float
    periods: dict[str, tuple[dt.date, dt.date]] = field(default_factory=lambda: dict(DEFAULT_PERIODS))
    sla: dict = field(default_factory=dict)

    @property
    def as_of(self) -> dt.date:
        return self.periods[PERIOD_NAMES[-1]][1]

    @property
    def cut(self) -> pd.Timestamp:
        """End of the as_of day: nothing in an export happens at or after it."""
        return pd.Timestamp(self.as_of) + pd.Timedelta(days=1)

    def bounds(self, period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
        start, end = self.periods[period]
        return pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1)

    def days(self, period: str) -> int:
        start, end = self.periods[period]
        return (end - start).days + 1

    def effect(self, name: str) -> dict | None:
        return self.effects.get(name)

    @property
    def clean(self) -> bool:
        """No planted effects and no bad rows: few problems and achievable targets."""
        return not self.effects


# =============================================================================
# Public API
# =============================================================================
def community_id_for(index: int, last_index: int) -> str:
    """``demo01`` … ``demo99``; a batch reaching index 100 uses ``c0001`` … for all its ids."""
    if last_index <= 99:
        return f"demo{index:02d}"
    return f"c{index:0{max(4, len(str(last_index)))}d}"


def default_effects(index: int) -> dict[str, dict]:
    """The effects planted in community number ``index`` by :func:`generate`.

    Index 1, 4, 7, … gain +8 points in the quality month (fading to 30 % in the
    follow-up, repairs faster then slower again); 2, 5, 8, … no change;
    3, 6, 9, … lose 6 points. Every tenth community is clean (``{}``).
    """
    if index % 10 == 0:
        return {}
    k = (index - 1) % 3
    satisfaction = (
        {"baseline": 70.0, "change": 8.0, "retention": 0.3},
        {"baseline": 74.0, "change": 0.0, "retention": 0.0},
        {"baseline": 76.0, "change": -6.0, "retention": 0.5},
    )[k]
    speed = (
        {"quality_month": 0.7, "followup": 0.9},
        {"quality_month": 1.0, "followup": 1.0},
        {"quality_month": 1.25, "followup": 1.1},
    )[k]
    slow = ("水电维修", "管道疏通", "门窗维修", "公共照明")[(index - 1) % 4]
    dominant = ("停车管理", "噪音扰民", "环境卫生", "物业收费")[(index - 1) % 4]
    return {
        "satisfaction": satisfaction,
        "repair_speed": speed,
        "low_building": {"gap": -15.0},
        "failing_elevator": {"failures": 5 + index % 3},
        "overdue_critical_hazard": {},
        "slow_repair_category": {"category": slow, "factor": 3.0},
        "dominant_complaint": {"category": dominant, "share": 0.45},
        "bad_rows": {},
        **_insight_effects(index),
    }


def _insight_effects(index: int) -> dict[str, dict]:
    """Causes for the insights stage to find (communities 4, 5, …; the shipped demos 1–3 keep theirs):
    a comment many residents write and an initiative whose domain improves."""
    if index < 4:
        return {}
    return {
        "frequent_comment": {"text": PLANTED_COMMENTS[index % len(PLANTED_COMMENTS)], "count": 40},
        "initiative_effect": {**PLANTED_INITIATIVES[index % len(PLANTED_INITIATIVES)], "change": 12.0},
    }


def community_profile(index: int) -> dict:
    """Keyword arguments of :func:`generate_community` for community number ``index``.

    Community 2, 12, … use a 10-point survey; 3, 13, … have an English report
    (and English headers and enumerations).
    """
    return {
        "variant": index - 1,
        "effects": default_effects(index),
        "survey_scale": 10 if index % 10 == 2 else 5,
        "language": "en" if index % 10 == 3 else "zh",
        "name": COMMUNITY_NAMES[(index - 1) % len(COMMUNITY_NAMES)]
        + ("" if index <= len(COMMUNITY_NAMES) else f"{(index - 1) // len(COMMUNITY_NAMES) + 1}期"),
    }


# =============================================================================
# Community set-up
# =============================================================================
def _resolve_effects(effects: dict | None) -> dict[str, dict]:
    """Merge the requested effects with :data:`EFFECT_DEFAULTS`."""
    requested = {k: {} for k in EFFECT_DEFAULTS} if effects is None else effects
    out: dict[str, dict] = {}
    for key, value in requested.items():
        if key not in EFFECT_DEFAULTS:
            raise ValueError(f"unknown effect {key!r}; known: {', '.join(EFFECT_DEFAULTS)}")
        out[key] = {**EFFECT_DEFAULTS[key], **(value or {})}
    return out


def make_community(
    cid: str,
    rng: np.random.Generator,
    size: str,
    effects: dict | None,
    variant: int | None,
    survey_scale: int | None,
    language: str | None,
    name: str | None,
) -> Community:
    """Draw the community's constants (households, staff, buildings, SLA)."""
    variant = int(rng.integers(0, 1000)) if variant is None else variant
    households = int(rng.integers(8, 31)) * 100
    staff = {
        "客服": max(2, round(households / 320)),
        "工程": max(3, round(households / 240)),
        "秩序": max(6, round(households / 130)),
        "保洁": max(5, round(households / 160)),
        "绿化": max(2, round(households / 600)),
    }
    n_buildings = int(np.clip(households // 160, 6, 18))
    pattern = ("{}栋", "{}号楼", "{}幢")[variant % 3]
    buildings = [pattern.format(i) for i in range(1, n_buildings + 1)]
    sla_variants: tuple[dict, ...] = (
        {},
        {"repair_arrival_minutes": {"normal": 30, "urgent": 15}, "complaint_response_hours": 24},
        {
            "repair_arrival_minutes": {"普通": 30, "紧急": 15},
            "hazard_due_days": {"一般": 7, "较大": 3, "重大": 1},
            "maintenance_tolerance_days": 3,
        },
    )
    return Community(
        cid=cid,
        rng=rng,
        variant=variant,
        name=name or str(rng.choice(COMMUNITY_NAMES)),
        company=COMPANIES[variant % len(COMPANIES)],
        households=households,
        staff=staff,
        buildings=buildings,
        scale=survey_scale or 5,
        language=language or "zh",
        effects=_resolve_effects(effects),
        factor=SIZES[size],
        sla=sla_variants[variant % 3],
    )


def arrival_sla(c: Community) -> dict[str, float]:
    """Repair arrival SLA in minutes by Chinese urgency (params keys may be English)."""
    raw = c.sla.get("repair_arrival_minutes", {})
    names = {"normal": "普通", "urgent": "紧急"}
    out = {"普通": 30.0, "紧急": 15.0}
    out.update({names.get(k, k): float(v) for k, v in raw.items()})
    return out


def params_dict(c: Community) -> dict:
    """The params YAML content (contract section 3)."""
    params: dict = {
        "community_id": c.cid,
        "name": c.name,
        "company": c.company,
        "households": c.households,
        "staff": dict(c.staff),
        "periods": {p: [s, e] for p, (s, e) in c.periods.items()},
        "as_of": c.as_of,
        "timezone": TZ,
        "survey_scale": c.scale,
    }
    if c.sla:
        params["sla"] = c.sla
    params["inspection_pass_score"] = 80
    params["training_pass_score"] = 60
    params["targets"] = _targets(c)
    params["language"] = c.language
    return params


TARGET_POOL: tuple[dict, ...] = (
    {"metric": "satisfaction_index", "kind": "delta", "value": 3, "period": "quality_month"},
    {"metric": "repair_timely_rate", "kind": "at_least", "value": 0.9, "period": "quality_month"},
    {"metric": "hazard_rectification_rate", "kind": "at_least", "value": 0.95, "period": "quality_month"},
    {"metric": "complaint_rate", "kind": "relative_change", "value": -0.1},
    {"metric": "training_coverage", "kind": "at_least", "value": 0.8, "period": "quality_month"},
    {"metric": "equipment_failure_rate", "kind": "relative_change", "value": -0.1, "period": "quality_month"},
    {"metric": "inspection_score", "kind": "delta", "value": 2, "period": "quality_month"},
    {"metric": "satisfaction_index", "kind": "at_least", "value": 75, "period": "followup"},
)


CLEAN_TARGETS: tuple[dict, ...] = (
    {"metric": "satisfaction_index", "kind": "at_least", "value": 75, "period": "quality_month"},
    {"metric": "repair_timely_rate", "kind": "at_least", "value": 0.8, "period": "quality_month"},
    {"metric": "hazard_rectification_rate", "kind": "at_least", "value": 0.9, "period": "quality_month"},
    {"metric": "training_coverage", "kind": "at_least", "value": 0.7, "period": "quality_month"},
)


def _targets(c: Community) -> list[dict]:
    """3–5 targets; the first always is the satisfaction delta (a clean community: reachable levels)."""
    if c.clean:
        return [dict(t) for t in CLEAN_TARGETS]
    n = int(c.rng.integers(3, 6))
    rest = c.rng.choice(np.arange(1, len(TARGET_POOL)), size=n - 1, replace=False)
    return [dict(TARGET_POOL[i]) for i in [0, *sorted(int(x) for x in rest)]]


# =============================================================================
# Random building blocks
# =============================================================================
def random_times(rng: np.random.Generator, n: int, start: pd.Timestamp, days: int) -> np.ndarray:
    """``n`` random local times (µs resolution) in ``[start, start + days)``, daytime heavy."""
    day = rng.integers(0, days, n)
    hour = rng.choice(24, n, p=HOUR_WEIGHTS)
    micros = (day * 86400 + hour * 3600 + rng.integers(0, 3600, n)) * 1_000_000 + rng.integers(
        0, 1_000_000, n
    )
    return np.datetime64(start.to_datetime64(), "us") + micros.astype("timedelta64[us]")


def random_dates(rng: np.random.Generator, n: int, start: pd.Timestamp, days: int) -> np.ndarray:
    """``n`` random dates (midnight) in ``[start, start + days)``."""
    return np.datetime64(start.to_datetime64(), "us") + (rng.integers(0, days, n) * 86_400_000_000).astype(
        "timedelta64[us]"
    )


def whole_minutes(values: np.ndarray) -> np.ndarray:
    """Minutes (float) as a µs timedelta array."""
    return (np.asarray(values) * 60_000_000).astype("int64").astype("timedelta64[us]")


def before_cut(s: pd.Series, c: Community) -> pd.Series:
    """Blank the times that lie after the export (at or after the end of as_of)."""
    return s.where(s < c.cut)


def period_counts(c: Community, low: float, high: float, mult: dict[str, float]) -> dict[str, int]:
    """Rows per period: a monthly rate drawn in [low, high] × size × period multiplier."""
    monthly = c.rng.uniform(low, high) * c.factor
    return {p: max(1, round(monthly * c.days(p) / 30 * mult.get(p, 1.0))) for p in c.periods}


def make_ids(prefix: str, n: int, start: int = 1, width: int = 4) -> list[str]:
    """Sequential keys ``prefix0001`` …"""
    width = max(width, len(str(start + n)))
    return (prefix + pd.Series(np.arange(start, start + n)).astype(str).str.zfill(width)).tolist()


def weighted_choice(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), n, p=p / p.sum())]
