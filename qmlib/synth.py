"""Synthetic property-management exports with planted effects (``qm synth``).

:func:`generate` writes, for communities ``demo01``, ``demo02``, ...::

    <out_dir>/data/<id>/<table>.csv | <table>.xlsx     all 10 tables of CONTRACT.md section 2
    <out_dir>/params/<id>.yaml                         contract section 3
    <truth_dir or out_dir/truth>/<id>.json             what was planted, and where

The exports look like real ones: Chinese header aliases (sometimes the English
canonical names, an alternative alias, stray spaces, extra columns such as
``序号``/``备注``/``登记人``), mixed timestamp formats (``2025-09-01 08:30``,
``2025/9/1 8:30``, ``2025年9月1日 8:30``, ISO 8601 in UTC or with an offset,
real Excel date cells), UTF-8 / UTF-8 with BOM / GBK / GB18030 CSV files and at
least one ``.xlsx`` per community, booleans as 是/否, Y/N, 1/0, true/false,
yes/no, enumerations in Chinese or English, survey scores as numbers or labels.

Planted effects (``effects`` of :func:`generate_community`; every key is
optional and ``effects={}`` gives a *clean* community: no effects and no bad
rows):

``satisfaction``            ``{baseline, change, retention}``: satisfaction index (0–100) is
                            ``baseline`` in the baseline, ``baseline + change`` in the quality
                            month and ``baseline + change × retention`` in the follow-up.
``repair_speed``            arrival-time multipliers ``{quality_month, followup}`` (fading gain).
``low_building``            ``{building, gap}``: one building's scores are ``gap`` points lower.
``failing_elevator``        ``{asset_id, failures}``: one elevator fails ``failures`` times
                            spread over the analysis window (no other asset fails > 2 times).
``overdue_critical_hazard`` ``{period}``: one 重大 hazard, due the next day, never rectified.
``slow_repair_category``    ``{category, factor}``: arrival times of that category × ``factor``.
``dominant_complaint``      ``{category, share}``: that complaint category's expected share.
``bad_rows``                ``{}``: plant ~0.5–1 % invalid rows (recorded in the truth file).

A clean community (``effects={}``) also has good service levels: satisfaction index
80 in every period, no orders/complaints left open for good, every hazard rectified,
no serious incident and reachable ``at_least`` targets, so it should produce
(almost) no shortcomings.

Apart from the planted bad rows every row is valid, so ingest must reject
exactly the rows listed under ``bad_rows`` of the truth file.

Truth file (``schema_version`` 1), keys:

``community_id``, ``seed``/``index`` (from :func:`generate`), ``clean``, ``name``,
``survey_scale``, ``language``, ``households``, ``periods`` ({period: [start, end]}), ``as_of``;
``files``: {table: {file, format, encoding, header_style, time_style, bool_style, enum_lang,
score_style, extra_columns, dropped_columns, rows_read, rows_rejected, rows_accepted}};
``bad_rows``: [{table, source_file, source_row (header = 1), key, column, kind, value}] with
kind in missing_required, unparseable_date, duplicate_key (the later row; ``key`` is the
repeated key), score_off_scale, score_out_of_range, rating_out_of_range, negative_hours,
negative_count, enum_not_listed, time_order (``column`` is the later timestamp), unknown_asset;
``effects``: {effect: its parameters + identifiers + what the valid rows show};
``observed``: {metric: {period: value}} computed from the valid rows by the contract
formulas (satisfaction_index, satisfaction_rate, survey_responses, repair_timely_rate,
repair_arrival_minutes_median, repair_completion_rate, complaint_count, complaint_rate,
equipment_failures, equipment_failure_rate, hazard_count, hazard_rectification_rate,
inspection_score, training_coverage, activity_count, incident_count);
``targets``: the params targets with ``period`` filled in, ``actual_value`` and
``expected_achieved`` (true/false, null when the metric is not in ``observed``).

Community ids: ``demo01`` … ``demo99`` (``f"demo{i:02d}"``); when a batch
reaches an index above 99 every id of that batch is ``f"c{i:04d}"`` (wider
when needed), so ids of one batch always sort in index order. Each community
draws from its own stream ``numpy.random.default_rng([seed, index])``: a
community is the same whatever the batch size, and the output is
byte-for-byte deterministic (xlsx files included).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import yaml
from scipy.special import ndtr, ndtri

from .schema import SURVEY_DIMENSIONS, TABLE_ORDER, TABLES, Column

TZ = "Asia/Shanghai"
COMMUNITY_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
PERIOD_NAMES = ("baseline", "quality_month", "followup")
DEFAULT_PERIODS: dict[str, tuple[dt.date, dt.date]] = {
    "baseline": (dt.date(2025, 8, 1), dt.date(2025, 8, 31)),
    "quality_month": (dt.date(2025, 9, 1), dt.date(2025, 9, 30)),
    "followup": (dt.date(2025, 10, 1), dt.date(2025, 10, 31)),
}
#: Row-count multiplier of each ``size``.
SIZES: dict[str, float] = {"tiny": 0.2, "demo": 1.0, "large": 10.0}
#: Above this many work orders the table is written as one plain UTF-8 CSV.
LARGE_TABLE_ROWS = 50_000

# ---- vocabulary (data values, not display labels) ------------------------
COMMUNITY_NAMES = (
    "翠湖花园", "锦绣华庭", "阳光水岸", "金桂苑", "御景湾", "枫林绿洲", "海棠湾", "星河名邸",
    "龙湖春江", "紫荆花园", "绿城桂语", "碧水云天", "万科城市花园", "滨江一号", "香樟园", "书香门第",
    "世纪嘉园", "东方明珠苑", "丽景华府", "和谐家园",
)
COMPANIES = (
    "示例物业服务有限公司", "安居物业服务有限公司", "锦程物业管理有限公司", "恒信物业服务有限公司",
    "华悦物业管理有限公司",
)
REPAIR_CATEGORIES = {
    "水电维修": 0.30, "管道疏通": 0.12, "门窗维修": 0.12, "公共照明": 0.10,
    "土建维修": 0.10, "门禁对讲": 0.10, "电梯": 0.06, "其他": 0.10,
}
COMPLAINT_CATEGORIES = (
    "停车管理", "噪音扰民", "环境卫生", "物业收费", "维修服务", "服务态度", "安全秩序", "绿化养护", "宠物管理",
)
COMPLAINT_CHANNELS = {"电话": 0.35, "微信公众号": 0.25, "前台": 0.18, "业主群": 0.12, "12345热线": 0.10}
HAZARD_AREAS = {
    "消防": 0.25, "电气": 0.18, "电梯": 0.10, "高空坠物": 0.12, "治安": 0.08,
    "设施设备": 0.15, "燃气": 0.05, "防汛": 0.07,
}
INSPECTION_DIMENSIONS = ("保洁", "绿化", "垃圾分类", "安全秩序", "客户服务", "设施设备")
ROLES = ("客服", "工程", "秩序", "保洁", "绿化")
COURSES = {
    "客服": ("服务礼仪规范", "投诉处理技巧", "客户沟通与回访"),
    "工程": ("电梯困人应急救援", "配电房安全操作", "二次供水设施维护"),
    "秩序": ("消防应急演练", "巡逻岗位规范", "车辆停放管理"),
    "保洁": ("垃圾分类操作", "清洁剂安全使用", "公共区域保洁标准"),
    "绿化": ("苗木修剪养护", "农药安全使用", "草坪病虫害防治"),
}
ACTIVITY_TITLES = {
    "设施设备": ("电梯安全专项检查", "公共设施设备大排查", "楼道照明全面检修", "二次供水水箱清洗"),
    "环境卫生": ("园区环境大扫除", "楼道杂物集中清理", "垃圾分类宣传周", "绿化补种与修剪"),
    "安全秩序": ("消防应急疏散演练", "高空抛物专项宣传", "电动车充电安全排查", "夜间巡逻加强月"),
    "客户服务": ("业主开放日", "满意度入户回访", "物业服务公示栏更新", "管家上门走访"),
    "员工培训": ("全员服务礼仪培训", "工程技能比武", "秩序维护岗位练兵"),
    "社区活动": ("中秋邻里游园会", "社区义诊", "儿童安全知识课堂", "便民服务日"),
}
INCIDENT_TYPES = ("滑倒摔伤", "电梯困人", "车辆剐蹭", "高空坠物", "盗窃", "电动车起火")
SURVEY_COMMENTS = (
    "希望加强停车管理", "维修人员态度很好", "电梯经常故障，希望尽快解决", "小区绿化不错", "保洁需要加强",
    "快递柜太少", "夜间噪音较大", "门禁经常失灵", "物业响应及时", "希望多组织社区活动", "垃圾分类点有异味",
)
SURVEY_LABELS_BY_SCORE = {5: ("非常满意",), 4: ("满意",), 3: ("一般", "基本满意"), 2: ("不满意",), 1: ("非常不满意",)}
STATUS = {
    "zh": {"cancelled": "已取消", "done": "已完成", "arrived": "处理中", "dispatched": "已派单", "new": "待派单"},
    "en": {"cancelled": "Cancelled", "done": "completed", "arrived": "in progress", "dispatched": "dispatched",
           "new": "pending"},
}
EXTRA_COLUMNS = ("备注", "登记人", "联系电话", "房号", "处理人", "小区")
REGISTRARS = ("王工", "李工", "张丽", "刘洋", "陈静", "赵磊", "孙敏", "周涛")
REMARKS = ("", "", "", "", "已电话回访", "业主不在家", "已拍照存档", "跟进中", "同步至工作群")

# Hours of the day at which things are reported (daytime heavy).
_HOURS = np.array([1, 1, 1, 1, 1, 2, 4, 8, 12, 12, 11, 9, 7, 9, 10, 10, 9, 9, 10, 10, 8, 5, 3, 2], float)
HOUR_WEIGHTS = _HOURS / _HOURS.sum()

# ---- export styles --------------------------------------------------------
TIME_STYLES = ("ymd_hm", "slash", "cn", "iso_z", "ymd_hms", "iso_offset", "iso_frac_utc", "mixed", "iso_t")
MIXED_STYLES = ("ymd_hm", "slash", "cn", "ymd_hms")
#: Resolution a timestamp style shows (canonical values are floored to it).
TIME_PRECISION = {
    "ymd_hm": "min", "slash": "min", "cn": "min", "ymd_hms": "s", "iso_z": "s", "iso_offset": "s",
    "iso_t": "s", "excel": "s", "iso_frac_utc": None,
}
DATE_STYLE_OF = {"slash": "slash", "cn": "cn", "excel": "excel"}  # others: "ymd"
ENCODINGS = ("utf-8-sig", "utf-8", "gbk", "utf-8-sig", "gb18030")
BOOL_STYLES = {
    "zh": ("是", "否"), "yn": ("Y", "N"), "10": ("1", "0"), "tf": ("true", "false"), "yesno": ("yes", "no"),
}
HEADER_STYLES = ("alias", "alias", "alias_alt", "alias", "alias_alt", "canonical")
UNPARSEABLE_DATES = ("2025-13-05", "2025/9/31", "不详", "9月某日", "2025-02-30 10:00")

EFFECT_DEFAULTS: dict[str, dict] = {
    "satisfaction": {"baseline": 70.0, "change": 8.0, "retention": 0.3},
    "repair_speed": {"quality_month": 0.7, "followup": 0.9},
    "low_building": {"building": None, "gap": -15.0},
    "failing_elevator": {"asset_id": None, "failures": 6},
    "overdue_critical_hazard": {"period": "quality_month"},
    "slow_repair_category": {"category": "水电维修", "factor": 3.0},
    "dominant_complaint": {"category": "停车管理", "share": 0.45},
    "bad_rows": {},
}
#: Satisfaction index of a community without a ``satisfaction`` effect.
CLEAN_SATISFACTION = 80.0

# (table, kind, column): the bad rows every community gets, then a few rotating extras.
BAD_ROWS_BASE: tuple[tuple[str, str, str], ...] = (
    ("surveys", "missing_required", "overall"),
    ("surveys", "score_off_scale", "overall"),
    ("surveys", "duplicate_key", "response_id"),
    ("surveys", "unparseable_date", "surveyed_at"),
    ("work_orders", "time_order", "completed_at"),
    ("work_orders", "rating_out_of_range", "rating"),
    ("work_orders", "enum_not_listed", "urgency"),
    ("work_orders", "missing_required", "category"),
    ("work_orders", "unparseable_date", "reported_at"),
    ("complaints", "time_order", "closed_at"),
    ("asset_events", "unknown_asset", "asset_id"),
    ("hazards", "enum_not_listed", "severity"),
    ("training", "negative_hours", "hours"),
)
BAD_ROWS_EXTRA: tuple[tuple[str, str, str], ...] = (
    ("work_orders", "duplicate_key", "order_id"),
    ("asset_events", "missing_required", "occurred_at"),
    ("surveys", "score_off_scale", "cleaning"),
    ("hazards", "time_order", "rectified_at"),
    ("inspections", "score_out_of_range", "score"),
    ("activities", "enum_not_listed", "category"),
    ("complaints", "duplicate_key", "complaint_id"),
    ("training", "missing_required", "employee_id"),
    ("incidents", "enum_not_listed", "severity"),
    ("inspections", "missing_required", "inspection_id"),
    ("activities", "negative_count", "participants"),
    ("asset_events", "time_order", "restored_at"),
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


@dataclass
class TableStyle:
    """How one table is exported."""

    fmt: str  # csv | xlsx
    encoding: str | None
    header: str  # alias | alias_alt | canonical
    time_style: str
    bool_style: str
    enum_lang: str  # zh | en
    score_style: str  # number | label | mixed
    extras: tuple[str, ...] = ()
    row_number: bool = False
    spaced: tuple[str, ...] = ()  # canonical columns whose header gets stray spaces
    title_case: bool = False
    drop: tuple[str, ...] = ()  # optional columns left out of the export
    crlf: bool = False
    notes_sheet: bool = False

    @property
    def extension(self) -> str:
        return "xlsx" if self.fmt == "xlsx" else "csv"


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


def generate(
    n_communities: int,
    out_dir: Path,
    seed: int = 0,
    *,
    start_index: int = 1,
    size: str = "demo",
    truth_dir: Path | None = None,
) -> list[str]:
    """Write ``out_dir/data/<id>/<table>.csv|xlsx``, ``out_dir/params/<id>.yaml`` and
    ``truth_dir/<id>.json`` (default ``out_dir/truth``) for ``n_communities``
    communities numbered from ``start_index``; return their ids.

    ``size``: ``tiny`` (×0.2 rows, for fast tests), ``demo`` (CONTRACT-sized demo:
    ~500 surveys, ~650 work orders, …) or ``large`` (×10). Community ``i`` gets
    :func:`community_profile` ``(i)`` and the random stream ``default_rng([seed, i])``.
    """
    if n_communities < 0 or start_index < 1:
        raise ValueError("n_communities must be ≥ 0 and start_index ≥ 1")
    out_dir = Path(out_dir)
    last = start_index + n_communities - 1
    ids: list[str] = []
    for index in range(start_index, last + 1):
        cid = community_id_for(index, last)
        rng = np.random.default_rng([seed, index])
        generate_community(
            cid, out_dir, rng, size=size, truth_dir=truth_dir,
            meta={"seed": seed, "index": index}, **community_profile(index),
        )
        ids.append(cid)
    return ids


def generate_community(
    community_id: str,
    out_dir: Path,
    rng: np.random.Generator,
    *,
    size: str = "demo",
    effects: dict | None = None,
    work_orders: int | None = None,
    truth_dir: Path | None = None,
    variant: int | None = None,
    survey_scale: int | None = None,
    language: str | None = None,
    name: str | None = None,
    meta: dict | None = None,
) -> dict:
    """Generate one community and return its truth dict (also written as JSON).

    ``effects=None`` plants every effect with default parameters; a dict
    plants only its keys (values override :data:`EFFECT_DEFAULTS`), so
    ``effects={}`` is a clean community without effects or bad rows.
    ``work_orders=N`` makes the work_orders table exactly N rows long (bad
    rows included); above :data:`LARGE_TABLE_ROWS` it is one plain UTF-8 CSV.
    ``variant`` rotates the export styles (random when None).
    """
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}")
    if not COMMUNITY_ID.match(community_id):
        raise ValueError(f"community id {community_id!r} must match [a-z0-9][a-z0-9_-]{{0,63}}")
    out_dir = Path(out_dir)
    truth_dir = Path(truth_dir) if truth_dir is not None else out_dir / "truth"
    c = _community(community_id, rng, size, effects, variant, survey_scale, language, name)
    frames, ids = _generate_tables(c, work_orders)
    styles = {t: _table_style(c, t, len(frames[t])) for t in TABLE_ORDER}
    for table in TABLE_ORDER:
        frames[table] = _floor_times(frames[table], table, styles[table], c.variant)
    plants = _plant_bad_rows(c, frames, styles, ids["protected"]) if "bad_rows" in c.effects else []
    valid = _valid_frames(frames, plants)
    params = _params_dict(c)
    truth = _truth(c, valid, frames, styles, plants, ids, params, meta)
    _write_all(c, out_dir, frames, styles, plants, params)
    truth_dir.mkdir(parents=True, exist_ok=True)
    (truth_dir / f"{community_id}.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return truth


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


def _community(
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
        {"repair_arrival_minutes": {"普通": 30, "紧急": 15}, "hazard_due_days": {"一般": 7, "较大": 3, "重大": 1},
         "maintenance_tolerance_days": 3},
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


def _arrival_sla(c: Community) -> dict[str, float]:
    """Repair arrival SLA in minutes by Chinese urgency (params keys may be English)."""
    raw = c.sla.get("repair_arrival_minutes", {})
    names = {"normal": "普通", "urgent": "紧急"}
    out = {"普通": 30.0, "紧急": 15.0}
    out.update({names.get(k, k): float(v) for k, v in raw.items()})
    return out


def _params_dict(c: Community) -> dict:
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
def _times(rng: np.random.Generator, n: int, start: pd.Timestamp, days: int) -> np.ndarray:
    """``n`` random local times (µs resolution) in ``[start, start + days)``, daytime heavy."""
    day = rng.integers(0, days, n)
    hour = rng.choice(24, n, p=HOUR_WEIGHTS)
    micros = (day * 86400 + hour * 3600 + rng.integers(0, 3600, n)) * 1_000_000 + rng.integers(0, 1_000_000, n)
    return np.datetime64(start.to_datetime64(), "us") + micros.astype("timedelta64[us]")


def _dates(rng: np.random.Generator, n: int, start: pd.Timestamp, days: int) -> np.ndarray:
    """``n`` random dates (midnight) in ``[start, start + days)``."""
    return np.datetime64(start.to_datetime64(), "us") + (rng.integers(0, days, n) * 86_400_000_000).astype(
        "timedelta64[us]"
    )


def _minutes(values: np.ndarray) -> np.ndarray:
    """Minutes (float) as a µs timedelta array."""
    return (np.asarray(values) * 60_000_000).astype("int64").astype("timedelta64[us]")


def _before_cut(s: pd.Series, c: Community) -> pd.Series:
    """Blank the times that lie after the export (at or after the end of as_of)."""
    return s.where(s < c.cut)


def _period_counts(c: Community, low: float, high: float, mult: dict[str, float]) -> dict[str, int]:
    """Rows per period: a monthly rate drawn in [low, high] × size × period multiplier."""
    monthly = c.rng.uniform(low, high) * c.factor
    return {p: max(1, round(monthly * c.days(p) / 30 * mult.get(p, 1.0))) for p in c.periods}


def _ids(prefix: str, n: int, start: int = 1, width: int = 4) -> list[str]:
    """Sequential keys ``prefix0001`` …"""
    width = max(width, len(str(start + n)))
    return (prefix + pd.Series(np.arange(start, start + n)).astype(str).str.zfill(width)).tolist()


def _weighted(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), n, p=p / p.sum())]


# ---- survey scores ----------------------------------------------------------
def score_values(scale: int) -> np.ndarray:
    """The possible answers of a survey scale."""
    return np.arange(0, 101) if scale == 100 else np.arange(1, scale + 1)


def to_index(x: np.ndarray | pd.Series, scale: int):
    """Survey score → 0–100 index (contract section 4)."""
    if scale == 5:
        return (x - 1) * 25.0
    if scale == 10:
        return (x - 1) / 9 * 100.0
    return x * 1.0


def _index_to_score(index: float, scale: int) -> float:
    if scale == 5:
        return 1 + index / 25
    if scale == 10:
        return 1 + index * 9 / 100
    return index


def score_probs(mean_index: float, scale: int) -> np.ndarray:
    """A bell-shaped distribution over the scale's answers whose mean index is exactly ``mean_index``."""
    values = score_values(scale).astype(float)
    target = _index_to_score(float(np.clip(mean_index, 3, 97)), scale)
    spread = (values[-1] - values[0]) / 4.5
    lo, hi = values[0] - 4 * spread, values[-1] + 4 * spread
    for _ in range(80):
        mid = (lo + hi) / 2
        w = np.exp(-((values - mid) ** 2) / (2 * spread**2))
        if (w / w.sum()) @ values < target:
            lo = mid
        else:
            hi = mid
    w = np.exp(-((values - (lo + hi) / 2) ** 2) / (2 * spread**2))
    return w / w.sum()


def _quantile_scores(u: np.ndarray, mean_index: np.ndarray, scale: int) -> np.ndarray:
    """Inverse-CDF: uniform ``u`` → score of the distribution with each row's mean index."""
    values = score_values(scale)
    out = np.empty(len(u), dtype=float)
    for m in np.unique(mean_index):
        rows = mean_index == m
        cdf = np.cumsum(score_probs(float(m), scale))
        out[rows] = values[np.minimum(np.searchsorted(cdf, u[rows], side="right"), len(values) - 1)]
    return out


def _draw_overall(
    rng: np.random.Generator, mean_index: np.ndarray, groups: np.ndarray, scale: int
) -> tuple[np.ndarray, np.ndarray]:
    """Overall scores and their normal scores ``z``.

    Uniforms are stratified within each group (period × building flag: ``(perm + U) / n``),
    so each group's sample follows its planted distribution closely: the observed
    index differs from the planted one by a fraction of a point.
    """
    u = np.empty(len(mean_index))
    for g in np.unique(groups):
        rows = np.flatnonzero(groups == g)
        u[rows] = (rng.permutation(len(rows)) + rng.random(len(rows))) / len(rows)
    return _quantile_scores(u, mean_index, scale), ndtri(u)


def _draw_scores(
    rng: np.random.Generator, mean_index: np.ndarray, latent: np.ndarray, scale: int, rho: float = 0.6
) -> np.ndarray:
    """Scores with the given expected index per row, correlated with ``latent`` (Gaussian copula)."""
    u = ndtr(rho * latent + np.sqrt(1 - rho**2) * rng.standard_normal(len(latent)))
    return _quantile_scores(u, mean_index, scale)


# =============================================================================
# Tables (canonical values: Chinese enums, naive local datetimes, floats, booleans)
# =============================================================================
def _satisfaction_levels(c: Community) -> dict[str, float]:
    """Planted satisfaction index per period."""
    eff = c.effect("satisfaction")
    if eff is None:
        return dict.fromkeys(c.periods, CLEAN_SATISFACTION)
    base, change, keep = eff["baseline"], eff["change"], eff["retention"]
    return {"baseline": base, "quality_month": base + change, "followup": base + change * keep}


DIMENSION_OFFSETS = {
    "customer_service": 2.0, "cleaning": 3.0, "greening": 1.0, "security": 0.0, "repairs": -5.0, "facilities": -3.0,
}


def _surveys(c: Community) -> pd.DataFrame:
    """Survey responses: per-period level, a low building, correlated dimension scores."""
    rng = c.rng
    counts = _period_counts(c, 130, 170, {"quality_month": 1.35, "followup": 0.85})
    levels = _satisfaction_levels(c)
    low = c.effect("low_building")
    parts = []
    for p, n in counts.items():
        start, _ = c.bounds(p)
        parts.append(pd.DataFrame({"surveyed_at": _dates(rng, n, start, c.days(p)), "_level": levels[p]}))
    df = pd.concat(parts, ignore_index=True).sort_values("surveyed_at", kind="stable", ignore_index=True)
    n = len(df)
    df["building"] = rng.choice(c.buildings, n)
    gap = np.where(df["building"].eq(low["building"]) if low else False, low["gap"] if low else 0.0, 0.0)
    mean = np.round(df["_level"].to_numpy() + gap, 6)
    groups = df["surveyed_at"].dt.strftime("%Y%m").astype(int).to_numpy() * 2 + (gap != 0)
    df["overall"], latent = _draw_overall(rng, mean, groups, c.scale)
    for dim in SURVEY_DIMENSIONS:
        offset = DIMENSION_OFFSETS[dim] if not c.clean else DIMENSION_OFFSETS[dim] / 3
        scores = _draw_scores(rng, np.round(mean + offset, 6), latent, c.scale)
        df[dim] = np.where(rng.random(n) < 0.02, np.nan, scores)
    df["comment"] = np.where(rng.random(n) < 0.3, rng.choice(SURVEY_COMMENTS, n), None)
    prefix = "WJ" if c.variant % 3 != 1 else "2025"
    df.insert(0, "response_id", _ids(prefix, n, width=5 if prefix == "WJ" else 6))
    return df.drop(columns="_level")


def _work_orders(c: Community, total: int | None) -> pd.DataFrame:
    """Repair orders (vectorised: fast for a million rows)."""
    rng = c.rng
    mult = {"quality_month": 1.1}
    if total is None:
        counts = _period_counts(c, 150, 280, mult)
    else:
        w = np.array([c.days(p) * mult.get(p, 1.0) for p in c.periods])
        raw = np.floor(total * w / w.sum()).astype(int)
        raw[-1] += total - raw.sum()
        counts = dict(zip(c.periods, raw.tolist(), strict=True))
    speed = c.effect("repair_speed") or {}
    slow = c.effect("slow_repair_category")
    parts_t, parts_f = [], []
    for p, n in counts.items():
        start, _ = c.bounds(p)
        parts_t.append(_times(rng, n, start, c.days(p)))
        parts_f.append(np.full(n, speed.get(p, 1.0)))
    order = np.argsort(np.concatenate(parts_t), kind="stable")
    reported = np.concatenate(parts_t)[order]
    period_factor = np.concatenate(parts_f)[order]
    n = len(reported)
    category = _weighted(rng, REPAIR_CATEGORIES, n)
    urgent = rng.random(n) < 0.15
    cancelled = rng.random(n) < 0.02
    factor = period_factor * (np.where(category == slow["category"], slow["factor"], 1.0) if slow else 1.0)
    arrival = np.maximum(1.0, np.where(urgent, 7.0, 13.0) * factor * np.exp(0.5 * rng.standard_normal(n)))
    rep = pd.Series(reported)
    arrived = rep + _minutes(arrival)
    dispatched = rep + _minutes(arrival * rng.uniform(0.05, 0.4, n))
    duration = 45.0 * np.exp(rng.standard_normal(n)) * np.where(category == "土建维修", 6.0, 1.0)
    completed = arrived + _minutes(duration)
    arrived = arrived.mask(cancelled | (rng.random(n) < 0.015))
    dispatched = dispatched.mask(cancelled & (rng.random(n) < 0.5))
    completed = completed.mask(cancelled | (rng.random(n) < (0.0 if c.clean else 0.02)))
    dispatched, arrived, completed = (_before_cut(s, c) for s in (dispatched, arrived, completed))
    status_words = STATUS[c.language]
    status = np.select(
        [cancelled, completed.notna().to_numpy(), arrived.notna().to_numpy(), dispatched.notna().to_numpy()],
        [status_words["cancelled"], status_words["done"], status_words["arrived"], status_words["dispatched"]],
        status_words["new"],
    )
    done = completed.notna().to_numpy()
    reworked = pd.array(np.where(done, rng.random(n) < 0.04, False), dtype="boolean")
    reworked[~done] = pd.NA
    timely = arrival <= np.where(urgent, 15.0, 30.0)
    good = np.array([0.01, 0.02, 0.07, 0.30, 0.60])
    poor = np.array([0.05, 0.10, 0.25, 0.35, 0.25])
    rating = np.where(timely, rng.choice(np.arange(1, 6), n, p=good), rng.choice(np.arange(1, 6), n, p=poor))
    rated = done & (rng.random(n) < 0.65)
    return pd.DataFrame({
        "order_id": _ids("BX", n, width=5),
        "reported_at": reported,
        "dispatched_at": dispatched,
        "arrived_at": arrived,
        "completed_at": completed,
        "category": category,
        "urgency": np.where(urgent, "紧急", "普通"),
        "building": rng.choice(c.buildings, n),
        "status": status,
        "reworked": reworked,
        "rating": pd.Series(rating, dtype="Int64").where(rated, pd.NA).to_numpy(dtype=object),
    })


def _complaint_weights(c: Community) -> dict[str, float]:
    """Category weights: one dominant category (Pareto) or nearly uniform (clean)."""
    dom = c.effect("dominant_complaint")
    if dom is None:
        return dict.fromkeys(COMPLAINT_CATEGORIES, 1.0)
    others = [k for k in COMPLAINT_CATEGORIES if k != dom["category"]]
    zipf = 1.0 / np.arange(2, len(others) + 2)
    zipf = zipf / zipf.sum() * (1 - dom["share"])
    return {dom["category"]: dom["share"], **dict(zip(others, zipf.tolist(), strict=True))}


def _complaints(c: Community) -> pd.DataFrame:
    rng = c.rng
    eff = c.effect("satisfaction")
    change = eff["change"] if eff else 0.0
    keep = eff["retention"] if eff else 0.0
    mult = {"quality_month": max(0.4, 1 - 0.03 * change), "followup": max(0.4, 1 - 0.03 * change * keep)}
    per_month = rng.uniform(14, 30) + c.households / 500
    counts = {p: max(1, round(per_month * c.factor * c.days(p) / 30 * mult.get(p, 1.0))) for p in c.periods}
    times = np.sort(np.concatenate([_times(rng, n, c.bounds(p)[0], c.days(p)) for p, n in counts.items()]))
    n = len(times)
    received = pd.Series(times)
    responded = received + _minutes(60 * 2.0 * np.exp(1.2 * rng.standard_normal(n)))
    closed = responded + _minutes(60 * 30.0 * np.exp(rng.standard_normal(n)))
    responded = _before_cut(responded.mask(rng.random(n) < (0.0 if c.clean else 0.03)), c)
    closed = _before_cut(closed.mask(responded.isna() | (rng.random(n) < (0.0 if c.clean else 0.06))), c)
    channel = _weighted(rng, COMPLAINT_CHANNELS, n)
    return pd.DataFrame({
        "complaint_id": _ids("TS", n),
        "received_at": times,
        "responded_at": responded,
        "closed_at": closed,
        "category": _weighted(rng, _complaint_weights(c), n),
        "channel": channel,
        "valid": pd.array(rng.random(n) > 0.08, dtype="boolean"),
        "escalated": pd.array((channel == "12345热线") | (rng.random(n) < 0.02), dtype="boolean"),
    })


ASSET_KINDS = (  # type, id prefix, location pattern, count range
    ("消防", "XF", ("消防泵房", "消控室", "地下车库", "{b}"), (5, 10)),
    ("供水", "GS", ("生活水泵房", "地下室水箱间", "{b}屋面水箱"), (2, 6)),
    ("供电", "GD", ("1号配电房", "2号配电房", "{b}配电间"), (3, 8)),
    ("楼宇自控", "LK", ("监控中心",), (1, 3)),
    ("安防监控", "AF", ("南门岗", "北门岗", "监控中心", "{b}单元门"), (3, 8)),
    ("其他", "QT", ("南门道闸", "北门道闸", "地下车库入口"), (2, 5)),
)


def _assets(c: Community) -> pd.DataFrame:
    """Elevators (1–2 per building) and other equipment."""
    rng = c.rng
    ids, types, locs = [], [], []
    for i, b in enumerate(c.buildings, start=1):
        for k in range(1, 3 if rng.random() < 0.5 else 2):
            ids.append(f"DT-{i:02d}-{k}")
            types.append("电梯")
            locs.append(f"{b}{k}号梯")
    for type_, prefix, places, (lo, hi) in ASSET_KINDS:
        for k in range(1, int(rng.integers(lo, hi + 1)) + 1):
            ids.append(f"{prefix}-{k:03d}")
            types.append(type_)
            locs.append(str(rng.choice(places)).format(b=rng.choice(c.buildings)))
    return pd.DataFrame({"asset_id": ids, "type": types, "location": locs})


def _asset_events(c: Community, assets: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Maintenance schedules, failures (one elevator keeps failing) and inspections.

    Returns the events and the event ids of the planted elevator failures.
    """
    rng = c.rng
    start, _ = c.bounds("baseline")
    end = c.bounds(PERIOD_NAMES[-1])[1]
    window_days = (end - start).days
    rows: list[dict] = []
    for asset_id, type_ in zip(assets["asset_id"], assets["type"], strict=True):
        rows += _maintenance(c, asset_id, 15 if type_ == "电梯" else 30, start, end)
    fail = c.effect("failing_elevator")
    elevators = assets.loc[assets["type"].eq("电梯"), "asset_id"].tolist()
    if fail is not None and fail["asset_id"] is None:
        fail["asset_id"] = str(rng.choice(elevators))
    for asset_id, type_ in zip(assets["asset_id"], assets["type"], strict=True):
        if fail is not None and asset_id == fail["asset_id"]:
            continue
        k = min(2, int(rng.poisson((0.07 if type_ == "电梯" else 0.03) * window_days / 30)))
        for t in _times(rng, k, start, window_days):
            rows.append(_failure(c, asset_id, pd.Timestamp(t), type_))
    planted: list[dict] = []
    if fail is not None:
        seg = window_days / fail["failures"]
        for i in range(fail["failures"]):
            day0 = start + pd.Timedelta(days=int(i * seg))
            span = max(1, int(seg) - 1)
            t = pd.Timestamp(_times(rng, 1, day0, span)[0])
            planted.append(_failure(c, fail["asset_id"], t, "电梯"))
        rows += planted
    for asset_id in assets.loc[assets["type"].isin(["电梯", "消防"]), "asset_id"]:
        if rng.random() < 0.35:
            t = pd.Timestamp(_times(rng, 1, start, window_days)[0])
            rows.append({"asset_id": asset_id, "kind": "检测", "scheduled_on": pd.NaT, "occurred_at": t,
                         "restored_at": pd.NaT})
    df = pd.DataFrame(rows)
    anchor = df["occurred_at"].where(df["kind"].ne("维保"), df["scheduled_on"])
    df = df.assign(_anchor=anchor).sort_values("_anchor", kind="stable", ignore_index=True).drop(columns="_anchor")
    df.insert(0, "event_id", _ids("JL", len(df), width=5))
    for col in ("scheduled_on", "occurred_at", "restored_at"):
        df[col] = pd.to_datetime(df[col]).astype("datetime64[us]")
    planted_ids = [
        e for e, a, k in zip(df["event_id"], df["asset_id"], df["kind"], strict=True)
        if fail is not None and a == fail["asset_id"] and k == "故障"
    ]
    return df, planted_ids


def _maintenance(c: Community, asset_id: str, every: int, start: pd.Timestamp, end: pd.Timestamp) -> list[dict]:
    """Scheduled maintenance every ``every`` days; mostly on time, a few late or not done."""
    rng = c.rng
    out = []
    day = start + pd.Timedelta(days=int(rng.integers(0, every)))
    while day < end:
        delay = int(rng.choice([0, 1, 2, 3, 5, 8], p=[0.72, 0.12, 0.07, 0.04, 0.02, 0.03]))
        done = day + pd.Timedelta(days=delay, hours=int(rng.integers(8, 17)), minutes=int(rng.integers(0, 60)))
        not_done = rng.random() < 0.02 or done >= c.cut
        out.append({"asset_id": asset_id, "kind": "维保", "scheduled_on": day,
                    "occurred_at": pd.NaT if not_done else done, "restored_at": pd.NaT})
        day += pd.Timedelta(days=every)
    return out


def _failure(c: Community, asset_id: str, t: pd.Timestamp, type_: str) -> dict:
    hours = (2.5 if type_ == "电梯" else 6.0) * float(np.exp(0.6 * c.rng.standard_normal()))
    restored = t + pd.Timedelta(minutes=round(hours * 60))
    return {"asset_id": asset_id, "kind": "故障", "scheduled_on": pd.NaT, "occurred_at": t,
            "restored_at": restored if restored < c.cut else pd.NaT}


HAZARD_DUE_DAYS = {"一般": 7, "较大": 3, "重大": 1}


def _hazards(c: Community) -> tuple[pd.DataFrame, str | None]:
    """Hazards (more found in the quality month); returns the planted overdue 重大 hazard id."""
    rng = c.rng
    counts = _period_counts(c, 9, 14, {"quality_month": 2.2})
    found = np.sort(np.concatenate([_times(rng, n, c.bounds(p)[0], c.days(p)) for p, n in counts.items()]))
    n = len(found)
    severity = rng.choice(["一般", "较大", "重大"], n, p=[0.8, 0.16, 0.04])
    found_s = pd.Series(found)
    # 重大 hazards are always fixed within hours (a clean community has no overdue 重大).
    found_s = found_s.mask((severity == "重大") & (found_s > c.cut - pd.Timedelta(days=1)),
                           found_s - pd.Timedelta(days=2))
    due_days = np.array([HAZARD_DUE_DAYS[s] for s in severity])
    due = found_s.dt.normalize() + pd.to_timedelta(due_days, unit="D").to_numpy()
    due = due.where(rng.random(n) < 0.75)
    scale_days = np.select([severity == "重大", severity == "较大"], [0.15, 1.2], 2.5)
    hours = np.minimum(scale_days * 24 * np.exp(0.7 * rng.standard_normal(n)), np.where(severity == "重大", 20, 1e4))
    rect = found_s + _minutes(hours * 60)
    rect = rect.mask((severity == "一般") & (rng.random(n) < (0.05 if not c.clean else 0.0)))
    rect = rect.where(rect < c.cut)
    df = pd.DataFrame({"found_at": found_s.astype("datetime64[us]"),
                       "area": _weighted(rng, HAZARD_AREAS, n), "severity": severity,
                       "due_on": due.astype("datetime64[us]"), "rectified_at": rect.astype("datetime64[us]")})
    overdue = c.effect("overdue_critical_hazard")
    planted_at = None
    if overdue is not None:
        lo, hi = c.bounds(overdue["period"])
        planted_at = pd.Timestamp(_times(rng, 1, lo + pd.Timedelta(days=3), max(1, (hi - lo).days - 6))[0])
        row = {"found_at": planted_at, "area": "消防", "severity": "重大",
               "due_on": planted_at.normalize() + pd.Timedelta(days=1), "rectified_at": pd.NaT}
        df = pd.concat([df, pd.DataFrame([row]).astype(df.dtypes.to_dict())], ignore_index=True)
        df = df.sort_values("found_at", kind="stable", ignore_index=True)
    df.insert(0, "hazard_id", _ids("YH", len(df)))
    planted_id = None
    if planted_at is not None:
        hit = df["found_at"].eq(planted_at) & df["rectified_at"].isna() & df["severity"].eq("重大")
        planted_id = str(df.loc[hit, "hazard_id"].iloc[0])
    return df, planted_id


def _inspections(c: Community) -> pd.DataFrame:
    rng = c.rng
    counts = _period_counts(c, 20, 30, {"quality_month": 2.0})
    gain = 3.0 if not c.clean else 0.0
    parts = []
    for p, n in counts.items():
        mean = (88.0 if c.clean else 84.0) + (gain if p == "quality_month" else gain / 3)
        parts.append(pd.DataFrame({
            "inspected_on": _dates(rng, n, c.bounds(p)[0], c.days(p)),
            "score": np.clip(np.round((mean + 5.5 * rng.standard_normal(n)) * 2) / 2, 40, 100),
        }))
    df = pd.concat(parts, ignore_index=True).sort_values("inspected_on", kind="stable", ignore_index=True)
    n = len(df)
    df.insert(1, "dimension", rng.choice(INSPECTION_DIMENSIONS, n))
    df["inspector"] = rng.choice(["自查", "公司", "第三方"], n, p=[0.6, 0.3, 0.1])
    df.insert(0, "inspection_id", _ids("JC", n))
    return df


def _employees(c: Community) -> pd.DataFrame:
    ids, roles = [], []
    for role in ROLES:
        for _ in range(c.staff[role]):
            ids.append(f"GH{len(ids) + 101:04d}")
            roles.append(role)
    return pd.DataFrame({"employee_id": ids, "role": roles})


def _training(c: Community) -> pd.DataFrame:
    """Each employee is trained with a period-dependent probability (campaign in the quality month)."""
    rng = c.rng
    staff = _employees(c)
    reach = {"baseline": 0.35, "quality_month": 0.9, "followup": 0.3}
    rows = []
    for p in c.periods:
        start, _ = c.bounds(p)
        for emp, role in zip(staff["employee_id"], staff["role"], strict=True):
            if rng.random() >= reach.get(p, 0.3):
                continue
            for course in rng.choice(COURSES[role], int(rng.integers(1, 4)), replace=False):
                score = float(np.clip(round(82 + 10 * rng.standard_normal()), 0, 100))
                rows.append({
                    "employee_id": emp, "role": role, "course": str(course),
                    "trained_on": _dates(rng, 1, start, c.days(p))[0],
                    "hours": float(rng.choice([1.0, 1.5, 2.0, 3.0, 4.0])),
                    "score": score if rng.random() < 0.85 else np.nan,
                })
    df = pd.DataFrame(rows).sort_values(["trained_on", "employee_id"], kind="stable", ignore_index=True)
    df["trained_on"] = df["trained_on"].astype("datetime64[us]")
    df.insert(0, "record_id", _ids("PX", len(df)))
    return df


def _activities(c: Community) -> pd.DataFrame:
    rng = c.rng
    counts = {p: max(1, round(rng.integers(8, 15) * max(c.factor, 0.35))) if p == "quality_month"
              else int(rng.integers(1, 4)) for p in c.periods}
    rows = []
    cats = list(ACTIVITY_TITLES)
    for p, n in counts.items():
        for t in _dates(rng, n, c.bounds(p)[0], c.days(p)):
            cat = str(rng.choice(cats))
            title = str(rng.choice(ACTIVITY_TITLES[cat]))
            rows.append({"held_on": t, "category": cat, "title": title,
                         "description": f"{c.name}{title}" if rng.random() < 0.7 else None,
                         "participants": int(rng.integers(8, 260)) if rng.random() < 0.9 else None,
                         "highlight": bool(p == "quality_month" and rng.random() < 0.3)})
    df = pd.DataFrame(rows).sort_values("held_on", kind="stable", ignore_index=True)
    df["held_on"] = df["held_on"].astype("datetime64[us]")
    df["participants"] = df["participants"].astype("Int64")
    df["highlight"] = df["highlight"].astype("boolean")
    df.insert(0, "activity_id", _ids("HD", len(df), width=3))
    return df


def _incidents(c: Community) -> pd.DataFrame:
    rng = c.rng
    lam = 0.9 if not c.clean else 0.3
    counts = {p: int(rng.poisson(lam)) for p in c.periods}
    total = sum(counts.values())
    if total > 6:
        counts = {p: min(n, 2) for p, n in counts.items()}
    times = np.sort(np.concatenate([_times(rng, n, c.bounds(p)[0], c.days(p)) for p, n in counts.items()]))
    n = len(times)
    sev_p = [0.6, 0.3, 0.1, 0.0] if not c.clean else [1.0, 0.0, 0.0, 0.0]
    return pd.DataFrame({
        "incident_id": _ids("SG", n, width=3),
        "occurred_at": times.astype("datetime64[us]"),
        "type": rng.choice(INCIDENT_TYPES, n),
        "severity": rng.choice(["轻微", "一般", "较大", "重大"], n, p=sev_p),
        "injuries": pd.array(rng.choice([0, 0, 0, 1, 1, 2], n), dtype="Int64"),
    })


def _generate_tables(c: Community, work_orders: int | None) -> tuple[dict[str, pd.DataFrame], dict]:
    """All canonical tables plus the identifiers of planted effects."""
    low = c.effect("low_building")
    if low is not None and low["building"] is None:
        low["building"] = str(c.rng.choice(c.buildings[1:]))
    frames: dict[str, pd.DataFrame] = {"surveys": _surveys(c), "work_orders": _work_orders(c, work_orders)}
    frames["complaints"] = _complaints(c)
    frames["assets"] = _assets(c)
    frames["asset_events"], failures = _asset_events(c, frames["assets"])
    frames["hazards"], overdue = _hazards(c)
    frames["inspections"] = _inspections(c)
    frames["training"] = _training(c)
    frames["activities"] = _activities(c)
    frames["incidents"] = _incidents(c)
    protected = {"asset_events": set(failures), "hazards": {overdue} if overdue else set()}
    return frames, {"failures": failures, "overdue_hazard": overdue, "protected": protected}


# =============================================================================
# Export styles
# =============================================================================
def _table_style(c: Community, table: str, n_rows: int) -> TableStyle:
    """Rotate formats, encodings, header styles, … so that a few communities cover them all."""
    v, j = c.variant, TABLE_ORDER.index(table)
    if table == "work_orders" and n_rows > LARGE_TABLE_ROWS:
        return TableStyle("csv", "utf-8", "alias", "ymd_hms", "zh", "zh", "number")
    rng = c.rng
    fmt = "xlsx" if (v + j) % 4 == 0 else "csv"
    time_style = "excel" if fmt == "xlsx" and (v + j) % 8 != 4 else TIME_STYLES[(3 * v + j) % len(TIME_STYLES)]
    en = c.language == "en"
    header = "canonical" if en else HEADER_STYLES[(v + j) % len(HEADER_STYLES)]
    names = [col.name for col in TABLES[table].columns]
    spaced = tuple(rng.choice(names, 2, replace=False).tolist()) if (v + j) % 3 == 1 else ()
    extras: tuple[str, ...] = ()
    if (v + j) % 2 == 0:
        taken = {h.lower() for col in TABLES[table].columns for h in col.accepted_headers}
        pool = [e for e in EXTRA_COLUMNS if e.lower() not in taken]
        extras = tuple(rng.choice(pool, int(rng.integers(1, 3)), replace=False).tolist())
    score_style = "number" if c.scale != 5 else ("label", "number", "mixed")[v % 3]
    optional = {"work_orders": ("dispatched_at",), "complaints": ("channel",), "activities": ("description",)}
    drop = optional.get(table, ()) if (v + j) % 5 == 3 else ()
    return TableStyle(
        fmt=fmt,
        encoding=None if fmt == "xlsx" else ENCODINGS[(2 * v + j) % len(ENCODINGS)],
        header=header,
        time_style=time_style,
        bool_style=tuple(BOOL_STYLES)[(v + 2 * j) % len(BOOL_STYLES)],
        enum_lang="en" if en or (v + j) % 5 == 2 else "zh",
        score_style=score_style,
        extras=extras,
        row_number=(v + j) % 7 == 5,
        spaced=spaced,
        title_case=en and (v + j) % 4 == 1,
        drop=drop,
        crlf=(2 * v + j) % 5 in (2, 4),
        notes_sheet=fmt == "xlsx" and (v + j) % 8 == 0,
    )


def _row_styles(table: str, style: TableStyle, n: int, seed: int) -> np.ndarray | None:
    """Timestamp style of every row for ``mixed`` tables (stable by seed); None when uniform."""
    if style.time_style != "mixed":
        return None
    rng = np.random.default_rng([seed, TABLE_ORDER.index(table)])
    return np.array(MIXED_STYLES, dtype=object)[rng.integers(0, len(MIXED_STYLES), n)]


def _style_groups(style: TableStyle, row_styles: np.ndarray | None) -> list[tuple[str, np.ndarray | slice]]:
    """(time style, rows) pairs covering the table."""
    if row_styles is None:
        return [(style.time_style, slice(None))]
    return [(str(st), row_styles == st) for st in MIXED_STYLES if (row_styles == st).any()]


def _floor_times(df: pd.DataFrame, table: str, style: TableStyle, seed: int) -> pd.DataFrame:
    """Floor timestamps to the precision their export format shows (so truth == file)."""
    cols = [c.name for c in TABLES[table].columns if c.kind == "timestamp" and c.name in df.columns]
    if not cols:
        return df
    df = df.copy()
    for st, rows in _style_groups(style, _row_styles(table, style, len(df), seed)):
        unit = TIME_PRECISION[st]
        if unit is None:
            continue
        for col in cols:
            if isinstance(rows, slice):
                df[col] = df[col].dt.floor(unit)
            else:
                df.loc[rows, col] = df.loc[rows, col].dt.floor(unit)
    return df


# ---- cell formatting (every formatter returns an object array, None = empty cell) ----
def _cells(s: pd.Series, fn) -> np.ndarray:
    """Apply ``fn`` to the present values of ``s``; missing values become None."""
    out = np.full(len(s), None, dtype=object)
    mask = s.notna().to_numpy()
    if mask.any():
        vals = fn(s[mask])
        out[mask] = vals.to_numpy(dtype=object) if isinstance(vals, pd.Series) else np.asarray(vals, dtype=object)
    return out


def _parts(s: pd.Series) -> tuple[pd.Series, ...]:
    return (s.dt.year.astype(str), s.dt.month.astype(str), s.dt.day.astype(str),
            s.dt.hour.astype(str), s.dt.strftime("%M"))


def _times_as(sub: pd.Series, style: str):
    if style == "excel":
        return [t.to_pydatetime() for t in sub]
    if style in ("ymd_hm", "ymd_hms", "iso_t"):
        fmt = {"ymd_hm": "%Y-%m-%d %H:%M", "ymd_hms": "%Y-%m-%d %H:%M:%S", "iso_t": "%Y-%m-%dT%H:%M:%S"}[style]
        return sub.dt.strftime(fmt)
    if style in ("slash", "cn"):
        y, m, d, hh, mm = _parts(sub)
        if style == "slash":
            return y + "/" + m + "/" + d + " " + hh + ":" + mm
        return y + "年" + m + "月" + d + "日 " + hh + ":" + mm
    if style in ("iso_z", "iso_frac_utc"):
        utc = sub.dt.tz_localize(TZ).dt.tz_convert("UTC")
        return utc.dt.strftime("%Y-%m-%dT%H:%M:%SZ" if style == "iso_z" else "%Y-%m-%d %H:%M:%S.%f+00:00")
    if style == "iso_offset":
        z = sub.dt.tz_localize(TZ).dt.strftime("%z")
        return sub.dt.strftime("%Y-%m-%dT%H:%M:%S") + z.str[:3] + ":" + z.str[3:]
    raise ValueError(f"unknown time style {style!r}")


def _dates_as(sub: pd.Series, style: str):
    style = DATE_STYLE_OF.get(style, "ymd")
    if style == "excel":
        return [t.date() for t in sub]
    if style == "ymd":
        return sub.dt.strftime("%Y-%m-%d")
    y, m, d, _, _ = _parts(sub)
    return y + "/" + m + "/" + d if style == "slash" else y + "年" + m + "月" + d + "日"


def format_times(s: pd.Series, style: str) -> np.ndarray:
    """Timestamps (naive local) → cells: ``ymd_hm`` 2025-09-01 08:30, ``ymd_hms``, ``slash``
    2025/9/1 8:30, ``cn`` 2025年9月1日 8:30, ``iso_t`` 2025-09-01T08:30:00, ``iso_z``
    2025-09-01T00:30:00Z (UTC), ``iso_offset`` 2025-09-01T08:30:00+08:00, ``iso_frac_utc``
    2025-09-01 00:30:00.123456+00:00, ``excel`` (datetime objects for real Excel date cells)."""
    return _cells(s, lambda sub: _times_as(sub, style))


def format_dates(s: pd.Series, style: str) -> np.ndarray:
    """Dates → cells: ``2025-09-01``, ``2025/9/1``, ``2025年9月1日`` or Excel dates (by the table's time style)."""
    return _cells(s, lambda sub: _dates_as(sub, style))


def _format_number(s: pd.Series, xlsx: bool) -> np.ndarray:
    """Numbers: integral values without a decimal point."""
    vals = pd.to_numeric(s, errors="coerce").astype(float)
    present = vals[vals.notna()]
    integral = bool((present == np.round(present)).all())
    if xlsx:
        return _cells(vals, lambda sub: sub.astype("int64").tolist() if integral else sub.tolist())
    if integral:
        return _cells(vals, lambda sub: sub.astype("int64").astype(str))
    return _cells(vals, lambda sub: [str(int(v)) if v == int(v) else repr(float(v)) for v in sub])


def _format_bool(s: pd.Series, style: TableStyle) -> np.ndarray:
    if style.fmt == "xlsx" and style.bool_style == "tf":
        return _cells(s, lambda sub: sub.astype(bool).tolist())  # real Excel TRUE/FALSE cells
    yes, no = BOOL_STYLES[style.bool_style]
    return _cells(s, lambda sub: np.where(sub.to_numpy(dtype=bool), yes, no))


def english_of(col: Column) -> dict[str, str]:
    """Chinese enumeration value → its English spelling."""
    return {zh: en for en, zh in (col.enum or {}).items() if en != zh.lower()}


def _format_text(s: pd.Series) -> np.ndarray:
    return _cells(s, lambda sub: sub.astype(object))


def _format_enum(s: pd.Series, col: Column, style: TableStyle) -> np.ndarray:
    if style.enum_lang == "zh":
        return _format_text(s)
    eng = english_of(col)
    word = (lambda v: eng.get(v, v).title()) if style.title_case else (lambda v: eng.get(v, v))
    return _cells(s, lambda sub: [word(v) for v in sub])


def _format_scores(s: pd.Series, style: TableStyle, rng: np.random.Generator) -> np.ndarray:
    """Survey scores as numbers or (5-point only) satisfaction labels."""
    nums = _format_number(s, style.fmt == "xlsx")
    if style.score_style == "number":
        return nums
    use_label = np.ones(len(s), bool) if style.score_style == "label" else rng.random(len(s)) < 0.5
    labels = [
        None if pd.isna(v) else SURVEY_LABELS_BY_SCORE[int(v)][int(r * len(SURVEY_LABELS_BY_SCORE[int(v)]))]
        for v, r in zip(s, rng.random(len(s)), strict=True)
    ]
    return np.where(use_label & s.notna().to_numpy(), np.array(labels, dtype=object), nums)


def _format_column(df: pd.DataFrame, col: Column, style: TableStyle, row_styles: np.ndarray | None,
                   rng: np.random.Generator) -> np.ndarray:
    """One canonical column → export cells."""
    s = df[col.name]
    if col.kind in ("timestamp", "date"):
        fn = format_times if col.kind == "timestamp" else format_dates
        out = np.full(len(s), None, dtype=object)
        for st, rows in _style_groups(style, row_styles):
            out[rows] = fn(s[rows], st)
        return out
    if col.kind == "score":
        return _format_scores(s, style, rng)
    if col.kind in ("number", "rating", "integer"):
        return _format_number(s, style.fmt == "xlsx")
    if col.kind == "bool":
        return _format_bool(s, style)
    if col.kind == "enum":
        return _format_enum(s, col, style)
    return _format_text(s)


def _header(col: Column, style: TableStyle) -> str:
    if style.header == "canonical" or not col.aliases:
        name = col.name.title() if style.title_case else col.name
    else:
        name = col.aliases[0] if style.header == "alias" else col.aliases[-1]
    if col.name in style.spaced:
        name = f" {name} " if len(name) % 2 else f"{name}  "
    return name


def _extra_values(c: Community, name: str, n: int) -> list:
    rng = c.rng
    if name == "备注":
        return rng.choice(REMARKS, n).tolist()
    if name in ("登记人", "处理人"):
        return rng.choice(REGISTRARS, n).tolist()
    if name == "联系电话":
        return [f"1{rng.integers(30, 90)}****{rng.integers(1000, 10000)}" for _ in range(n)]
    if name == "房号":
        return [f"{rng.integers(1, 19)}-{rng.integers(1, 4)}-{rng.integers(1, 33)}{rng.integers(1, 5):02d}"
                for _ in range(n)]
    return [c.name] * n


# =============================================================================
# Planted bad rows
# =============================================================================
@dataclass
class Plant:
    """One invalid row: ``row`` is its 0-based data position (source_row = row + 2)."""

    table: str
    kind: str
    column: str
    row: int
    value: object
    key: str | None


def _candidates(table: str, kind: str, column: str, df: pd.DataFrame, taken: set[int]) -> np.ndarray:
    """Rows that may be corrupted for this kind (one problem per row, effects untouched)."""
    ok = np.ones(len(df), bool)
    ok[list(taken)] = False
    if table == "asset_events":
        need = {"occurred_at": "故障", "restored_at": "故障"}.get(column)
        if need:
            ok &= df["kind"].eq(need).to_numpy()
        if column == "restored_at":
            ok &= df["restored_at"].notna().to_numpy()
    if kind == "duplicate_key":
        ok[0] = False
    if table == "work_orders" and column in ("completed_at", "rating"):
        ok &= df["completed_at"].notna().to_numpy()
    if table == "complaints" and column == "closed_at":
        ok &= df["closed_at"].notna().to_numpy()
    if table == "hazards" and column == "rectified_at":
        ok &= df["rectified_at"].notna().to_numpy()
    return np.flatnonzero(ok)


def _bad_value(c: Community, p: Plant, df: pd.DataFrame, style: TableStyle, taken: set[int]) -> object:
    """The raw cell value that makes row ``p.row`` invalid."""
    rng = c.rng
    row = df.iloc[p.row]
    if p.kind == "missing_required":
        return None
    if p.kind == "unparseable_date":
        return str(rng.choice(UNPARSEABLE_DATES))
    if p.kind == "duplicate_key":
        q = int(rng.integers(0, p.row))
        while q in taken:
            q = int(rng.integers(0, p.row))
        taken.add(q)
        return str(df.iloc[q, 0])
    if p.kind == "score_off_scale":
        return int(c.scale + rng.integers(1, 3))
    if p.kind == "score_out_of_range":
        return int(rng.choice([105, 120, -5]))
    if p.kind == "rating_out_of_range":
        return 7
    if p.kind in ("negative_hours", "negative_count"):
        return -int(rng.integers(1, 6))
    if p.kind == "enum_not_listed":
        return {"urgency": "特急", "severity": "严重" if p.table == "hazards" else "特大",
                "category": "文体活动", "inspector": "物业自查"}[p.column]
    if p.kind == "unknown_asset":
        return "DT-99-9"
    if p.kind == "time_order":
        earlier_col = {"completed_at": "reported_at", "closed_at": "received_at",
                       "rectified_at": "found_at", "restored_at": "occurred_at"}[p.column]
        t = row[earlier_col] - pd.Timedelta(hours=int(rng.integers(2, 30)))
        rows = _row_styles(p.table, style, len(df), c.variant)
        return format_times(pd.Series([t]), style.time_style if rows is None else str(rows[p.row]))[0]
    raise ValueError(p.kind)


def _bad_plan(c: Community) -> list[tuple[str, str, str]]:
    """Which bad rows this community gets: the base list plus three rotating extras."""
    k = len(BAD_ROWS_EXTRA)
    extra = [BAD_ROWS_EXTRA[(3 * c.variant + i) % k] for i in range(3)]
    return list(BAD_ROWS_BASE) + extra


def _plant_bad_rows(c: Community, frames: dict[str, pd.DataFrame], styles: dict[str, TableStyle],
                    protected: dict[str, set]) -> list[Plant]:
    """Choose rows to corrupt; the cell overrides are applied when the file is written."""
    plants: list[Plant] = []
    taken: dict[str, set[int]] = {t: set() for t in TABLE_ORDER}
    for table, df in frames.items():
        keys = protected.get(table, set())
        if keys:
            taken[table] |= set(np.flatnonzero(df.iloc[:, 0].isin(keys)))
    for table, kind, column in _bad_plan(c):
        df = frames[table]
        if column in styles[table].drop:
            continue
        if sum(p.table == table for p in plants) >= max(1, len(df) // 10):
            continue  # keep small tables mostly valid
        rows = _candidates(table, kind, column, df, taken[table])
        if kind == "duplicate_key":
            first_free = next(i for i in range(len(df)) if i not in taken[table])
            rows = rows[rows > first_free]
        if len(rows) == 0:
            continue
        r = int(c.rng.choice(rows))
        taken[table].add(r)
        p = Plant(table, kind, column, r, None, None)
        p.value = _bad_value(c, p, df, styles[table], taken[table])
        key = p.value if column == TABLES[table].key else df.iloc[r, 0]
        p.key = None if key is None else str(key)
        plants.append(p)
    return plants


def _valid_frames(frames: dict[str, pd.DataFrame], plants: list[Plant]) -> dict[str, pd.DataFrame]:
    """The canonical tables without the corrupted rows (what ingest must accept)."""
    out = {}
    for table, df in frames.items():
        rows = [p.row for p in plants if p.table == table]
        out[table] = df.drop(index=df.index[rows]).reset_index(drop=True)
    return out


# =============================================================================
# Writing
# =============================================================================
def render_table(c: Community, table: str, df: pd.DataFrame, style: TableStyle,
                 plants: list[Plant]) -> pd.DataFrame:
    """Canonical table → the export grid (header names as written, cells as written)."""
    spec = TABLES[table]
    rng = np.random.default_rng([c.variant, TABLE_ORDER.index(table), 7])
    row_styles = _row_styles(table, style, len(df), c.variant)
    cols = [col for col in spec.columns if col.name in df.columns and col.name not in style.drop]
    cells = {col.name: _format_column(df, col, style, row_styles, rng) for col in cols}
    for p in plants:
        if p.table == table:
            cells[p.column][p.row] = p.value
    grid = pd.DataFrame({_header(col, style): cells[col.name] for col in cols}, dtype=object)
    for i, extra in enumerate(style.extras):
        pos = min(len(grid.columns), 2 + 3 * i) if extra != "备注" else len(grid.columns)
        grid.insert(pos, extra, _extra_values(c, extra, len(df)))
    if style.row_number:
        grid.insert(0, "序号", np.arange(1, len(df) + 1))
    return grid


def _write_csv(grid: pd.DataFrame, path: Path, style: TableStyle) -> None:
    grid.to_csv(path, index=False, encoding=style.encoding, lineterminator="\r\n" if style.crlf else "\n")


FIXED_XLSX_TIME = "2025-11-01T00:00:00Z"


def _write_xlsx(grid: pd.DataFrame, path: Path, style: TableStyle, sheet: str) -> None:
    """First sheet holds the table; timestamps are real Excel dates; output is deterministic."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append(list(grid.columns))
    for row in grid.itertuples(index=False, name=None):
        ws.append([None if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in row])
    if style.notes_sheet:
        notes = wb.create_sheet("说明")
        notes.append(["本表由物业管理系统导出，仅供质量月分析使用。"])
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_deterministic_zip(buf.getvalue()))


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite an xlsx with fixed timestamps (entries and document properties)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + FIXED_XLSX_TIME.encode(),
                              body)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 11, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, body)
    return out.getvalue()


class _PlainDumper(yaml.SafeDumper):
    """A YAML dumper that never writes anchors/aliases (``&id001``)."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _write_all(c: Community, out_dir: Path, frames: dict[str, pd.DataFrame], styles: dict[str, TableStyle],
               plants: list[Plant], params: dict) -> None:
    data_dir = out_dir / "data" / c.cid
    data_dir.mkdir(parents=True, exist_ok=True)
    for table in TABLE_ORDER:
        for ext in ("csv", "xlsx"):
            (data_dir / f"{table}.{ext}").unlink(missing_ok=True)
        style = styles[table]
        grid = render_table(c, table, frames[table], style, plants)
        path = data_dir / f"{table}.{style.extension}"
        if style.fmt == "xlsx":
            _write_xlsx(grid, path, style, TABLES[table].label_zh if c.language == "zh" else table)
        else:
            _write_csv(grid, path, style)
    params_dir = out_dir / "params"
    params_dir.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(params, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False, default_flow_style=None,
                     width=120)
    (params_dir / f"{c.cid}.yaml").write_text(
        f"# synthetic community generated by qmlib.synth ({c.name})\n{text}", encoding="utf-8"
    )


# =============================================================================
# Truth
# =============================================================================
def _in_period(c: Community, t: pd.Series, period: str) -> pd.Series:
    lo, hi = c.bounds(period)
    return (t >= lo) & (t < hi)


def _share(mask: pd.Series) -> float | None:
    return float(mask.mean()) if len(mask) else None


def _round(x: float | None, digits: int = 6) -> float | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else round(float(x), digits)


def observed_metrics(c: Community, v: dict[str, pd.DataFrame]) -> dict[str, dict[str, float | None]]:
    """A few contract metrics computed from the valid canonical rows (an independent cross-check)."""
    out: dict[str, dict[str, float | None]] = {}
    sla = _arrival_sla(c)
    cut = c.cut
    n_assets = len(v["assets"])
    for p in c.periods:
        s = v["surveys"][_in_period(c, v["surveys"]["surveyed_at"], p)]
        idx = to_index(s["overall"], c.scale)
        good = {5: 4, 10: 8, 100: 80}[c.scale]
        wo = v["work_orders"]
        wo = wo[_in_period(c, wo["reported_at"], p)]
        wo = wo[~wo["status"].str.lower().isin(["已取消", "cancelled"])]
        arr, timely = _arrival(wo, sla)
        cp = v["complaints"]
        cp = cp[_in_period(c, cp["received_at"], p) & cp["valid"].fillna(True)]
        ev = v["asset_events"]
        fails = ev[ev["kind"].eq("故障") & _in_period(c, ev["occurred_at"], p)]
        hz = v["hazards"][_in_period(c, v["hazards"]["found_at"], p)]
        ins = v["inspections"][_in_period(c, v["inspections"]["inspected_on"], p)]
        tr = v["training"][_in_period(c, v["training"]["trained_on"], p)]
        values = {
            "satisfaction_index": float(idx.mean()) if len(s) else None,
            "satisfaction_rate": _share(s["overall"] >= good),
            "survey_responses": float(len(s)),
            "repair_arrival_minutes_median": float(arr.median()) if arr.notna().any() else None,
            "repair_timely_rate": _share(timely),
            "repair_completion_rate": _share(wo["completed_at"].notna() & (wo["completed_at"] < cut)),
            "complaint_count": float(len(cp)),
            "complaint_rate": len(cp) * 100 / c.households * 30 / c.days(p),
            "equipment_failures": float(len(fails)),
            "equipment_failure_rate": len(fails) * 100 / n_assets * 30 / c.days(p),
            "hazard_count": float(len(hz)),
            "hazard_rectification_rate": _share(hz["rectified_at"].notna() & (hz["rectified_at"] < cut)),
            "inspection_score": float(ins["score"].mean()) if len(ins) else None,
            "training_coverage": tr["employee_id"].nunique() / sum(c.staff.values()),
            "activity_count": float(_in_period(c, v["activities"]["held_on"], p).sum()),
            "incident_count": float(_in_period(c, v["incidents"]["occurred_at"], p).sum()),
        }
        for metric, value in values.items():
            out.setdefault(metric, {})[p] = _round(value)
    return out


def _arrival(wo: pd.DataFrame, sla: dict[str, float]) -> tuple[pd.Series, pd.Series]:
    """Arrival minutes (NaN without arrived_at) and whether each order met its urgency's SLA."""
    arr = (pd.to_datetime(wo["arrived_at"]) - pd.to_datetime(wo["reported_at"])).dt.total_seconds() / 60
    limit = wo["urgency"].astype(object).map(sla).astype(float)
    return arr.astype(float), pd.Series(arr.to_numpy(float) <= limit.to_numpy(float), index=wo.index)


def _achieved(target: dict, observed: dict, last: str) -> tuple[bool | None, float | None]:
    """Contract section 4 target rule on the observed values (None when undeterminable)."""
    values = observed.get(target["metric"])
    if values is None:
        return None, None
    period = target.get("period") or last
    actual, base = values.get(period), values.get("baseline")
    if actual is None:
        return None, None
    kind, goal = target["kind"], target["value"]
    if kind in ("at_least", "at_most"):
        return (actual >= goal if kind == "at_least" else actual <= goal), actual
    if base is None or (kind == "relative_change" and base == 0):
        return None, actual
    change = actual - base if kind == "delta" else (actual - base) / base
    return (change >= goal if goal > 0 else change <= goal), actual


def _effects_truth(c: Community, v: dict[str, pd.DataFrame], ids: dict, observed: dict) -> dict:
    """Every planted effect: its parameters, identifiers and what the valid data shows."""
    out: dict[str, dict] = {}
    e = c.effects
    if "satisfaction" in e:
        lv = _satisfaction_levels(c)
        out["satisfaction"] = {
            **e["satisfaction"],
            "planted_index": lv,
            "planted_change": {p: round(lv[p] - lv["baseline"], 6) for p in lv if p != "baseline"},
            "observed_index": observed["satisfaction_index"],
        }
    if "repair_speed" in e:
        out["repair_speed"] = {
            "arrival_factor": {"baseline": 1.0, **e["repair_speed"]},
            "observed_timely_rate": observed["repair_timely_rate"],
            "observed_median_minutes": observed["repair_arrival_minutes_median"],
        }
    if "low_building" in e:
        s = v["surveys"]
        idx = to_index(s["overall"], c.scale)
        inb = s["building"].eq(e["low_building"]["building"])
        out["low_building"] = {**e["low_building"], "responses": int(inb.sum()),
                               "observed_gap": _round(idx[inb].mean() - idx[~inb].mean())}
    if "failing_elevator" in e:
        ev = v["asset_events"]
        f = ev[ev["asset_id"].eq(e["failing_elevator"]["asset_id"]) & ev["kind"].eq("故障")]
        others = ev[ev["kind"].eq("故障") & ev["asset_id"].ne(e["failing_elevator"]["asset_id"])]
        out["failing_elevator"] = {
            **e["failing_elevator"], "event_ids": ids["failures"],
            "failures_by_period": {p: int(_in_period(c, f["occurred_at"], p).sum()) for p in c.periods},
            "max_failures_other_assets": int(others["asset_id"].value_counts().max()) if len(others) else 0,
        }
    if "overdue_critical_hazard" in e and ids["overdue_hazard"]:
        hz = v["hazards"].set_index("hazard_id").loc[ids["overdue_hazard"]]
        out["overdue_critical_hazard"] = {
            **e["overdue_critical_hazard"], "hazard_id": ids["overdue_hazard"], "severity": "重大",
            "area": hz["area"], "found_at": str(hz["found_at"]), "due_on": str(hz["due_on"].date()),
            "rectified_at": None,
        }
    if "slow_repair_category" in e:
        out["slow_repair_category"] = {**e["slow_repair_category"], **_slow_truth(c, v, e["slow_repair_category"])}
    if "dominant_complaint" in e:
        cp = v["complaints"][v["complaints"]["valid"].fillna(True)]
        shares = cp["category"].value_counts(normalize=True)
        out["dominant_complaint"] = {**e["dominant_complaint"],
                                     "observed_share": _round(shares.get(e["dominant_complaint"]["category"], 0.0)),
                                     "observed_top": str(shares.index[0])}
    return out


def _slow_truth(c: Community, v: dict[str, pd.DataFrame], eff: dict) -> dict:
    wo = v["work_orders"]
    wo = wo[~wo["status"].str.lower().isin(["已取消", "cancelled"])]
    arr, timely = _arrival(wo, _arrival_sla(c))
    late = ~timely
    inc = wo["category"].eq(eff["category"])
    return {
        "observed_median_minutes": _round(arr[inc].median()),
        "observed_median_minutes_others": _round(arr[~inc].median()),
        "share_of_orders": _round(inc.mean()),
        "share_of_sla_misses": _round(inc[late].mean()) if late.any() else None,
        "observed_top_miss_category": str(wo.loc[late, "category"].value_counts().index[0]) if late.any() else None,
    }


def _truth(c: Community, v: dict[str, pd.DataFrame], frames: dict[str, pd.DataFrame],
           styles: dict[str, TableStyle], plants: list[Plant], ids: dict, params: dict,
           meta: dict | None) -> dict:
    observed = observed_metrics(c, v)
    last = PERIOD_NAMES[-1]
    targets = []
    for t in params["targets"]:
        ok, actual = _achieved(t, observed, last)
        targets.append({**t, "period": t.get("period") or last, "actual_value": actual, "expected_achieved": ok})
    files = {}
    for table in TABLE_ORDER:
        st = styles[table]
        n_bad = sum(p.table == table for p in plants)
        files[table] = {
            "file": f"{table}.{st.extension}", "format": st.fmt, "encoding": st.encoding,
            "header_style": st.header, "time_style": st.time_style,
            "bool_style": st.bool_style, "enum_lang": st.enum_lang,
            "score_style": st.score_style if table == "surveys" else None,
            "extra_columns": (["序号"] if st.row_number else []) + list(st.extras),
            "dropped_columns": list(st.drop),
            "rows_read": len(frames[table]), "rows_rejected": n_bad, "rows_accepted": len(frames[table]) - n_bad,
        }
    bad = [{"table": p.table, "source_file": files[p.table]["file"], "source_row": p.row + 2, "key": p.key,
            "column": p.column, "kind": p.kind, "value": None if p.value is None else str(p.value)}
           for p in sorted(plants, key=lambda p: (TABLE_ORDER.index(p.table), p.row))]
    return {
        "schema_version": 1,
        "community_id": c.cid,
        **(meta or {}),
        "clean": c.clean,
        "name": c.name,
        "survey_scale": c.scale,
        "language": c.language,
        "households": c.households,
        "periods": {p: [str(s), str(e)] for p, (s, e) in c.periods.items()},
        "as_of": str(c.as_of),
        "files": files,
        "bad_rows": bad,
        "effects": _effects_truth(c, v, ids, observed),
        "observed": observed,
        "targets": targets,
    }


__all__ = [
    "EFFECT_DEFAULTS",
    "LARGE_TABLE_ROWS",
    "SIZES",
    "community_id_for",
    "community_profile",
    "default_effects",
    "format_dates",
    "format_times",
    "generate",
    "generate_community",
    "observed_metrics",
    "score_probs",
    "to_index",
]

