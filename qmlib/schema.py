"""The input tables of the contract (CONTRACT.md section 2) as data.

Every table is a :class:`TableSpec`: its columns in order (the first is the
unique key), which are required, their value type, and the header names that
are accepted for them. The ingest stage, the synthetic-data generator and the
tests all read these specs, so the contract is written down once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ValueKind = Literal["text", "timestamp", "date", "bool", "enum", "number", "integer", "score", "rating"]


@dataclass(frozen=True)
class Column:
    """One column of an input table.

    ``kind`` decides how raw text is parsed; ``enum`` maps every accepted
    spelling (Chinese or English, compared case-insensitively) to the
    canonical Chinese value; ``minimum``/``maximum`` bound numbers as the
    contract says, ``limit`` bounds them where the contract gives no maximum
    (every number, integer and rating column has an upper bound, so no value
    can overflow a sum or an integer column);
    ``default`` fills an empty optional cell (documented defaults only).
    """

    name: str
    kind: ValueKind
    aliases: tuple[str, ...] = ()
    required: bool = False
    enum: dict[str, str] | None = None
    minimum: float | None = None
    maximum: float | None = None
    #: A plausibility limit where the contract gives no maximum (hours, counts): a larger
    #: value is an export or typing error, rejected with its own reason.
    limit: float | None = None
    default: object | None = None

    @property
    def accepted_headers(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class TableSpec:
    name: str
    label_zh: str
    columns: tuple[Column, ...]
    anchor: str
    #: (earlier, later) column pairs: the later may not precede the earlier.
    order_rules: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def key(self) -> str:
        return self.columns[0].name

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


def _enum(*pairs: tuple[str, str]) -> dict[str, str]:
    """Map Chinese and English spellings (lower-cased) to the Chinese value."""
    out: dict[str, str] = {}
    for zh, en in pairs:
        out[zh.lower()] = zh
        out[en.lower()] = zh
    return out


URGENCY = _enum(("普通", "normal"), ("紧急", "urgent"))
ASSET_TYPE = _enum(
    ("电梯", "elevator"),
    ("消防", "fire"),
    ("供水", "water"),
    ("供电", "power"),
    ("楼宇自控", "bas"),
    ("安防监控", "cctv"),
    ("其他", "other"),
)
EVENT_KIND = _enum(("故障", "failure"), ("维保", "maintenance"), ("检测", "inspection"))
HAZARD_SEVERITY = _enum(("一般", "minor"), ("较大", "major"), ("重大", "critical"))
INSPECTOR = _enum(("自查", "self"), ("公司", "company"), ("第三方", "third_party"))
ACTIVITY_CATEGORY = _enum(
    ("设施设备", "facilities"),
    ("环境卫生", "environment"),
    ("安全秩序", "safety"),
    ("客户服务", "service"),
    ("员工培训", "training"),
    ("社区活动", "community"),
)
INCIDENT_SEVERITY = _enum(("轻微", "minor"), ("一般", "moderate"), ("较大", "major"), ("重大", "critical"))

#: English value of every enumeration's Chinese value (for labels and metric ids).
ENGLISH: dict[str, dict[str, str]] = {
    "urgency": {"普通": "normal", "紧急": "urgent"},
    "asset_type": {
        "电梯": "elevator",
        "消防": "fire",
        "供水": "water",
        "供电": "power",
        "楼宇自控": "bas",
        "安防监控": "cctv",
        "其他": "other",
    },
    "event_kind": {"故障": "failure", "维保": "maintenance", "检测": "inspection"},
    "hazard_severity": {"一般": "minor", "较大": "major", "重大": "critical"},
    "inspector": {"自查": "self", "公司": "company", "第三方": "third_party"},
    "activity_category": {
        "设施设备": "facilities",
        "环境卫生": "environment",
        "安全秩序": "safety",
        "客户服务": "service",
        "员工培训": "training",
        "社区活动": "community",
    },
    "incident_severity": {"轻微": "minor", "一般": "moderate", "较大": "major", "重大": "critical"},
}

#: Survey label → 5-point score (contract section 2).
SURVEY_LABELS: dict[str, float] = {
    "非常满意": 5.0,
    "满意": 4.0,
    "一般": 3.0,
    "基本满意": 3.0,
    "不满意": 2.0,
    "非常不满意": 1.0,
}

SURVEY_DIMENSIONS: tuple[str, ...] = (
    "customer_service",
    "cleaning",
    "greening",
    "security",
    "repairs",
    "facilities",
)

# Upper bounds of the count and hour columns. The contract gives only "≥ 0"; a
# value beyond these is a typing or export error (1e20 injuries, 1e308 hours),
# and accepting it would turn sums and rates into inf. Rejected rows name the
# range (docs/CONTRACT_ADDITIONS.md).
#: Hours of one training record: more than a month of round-the-clock training is an error.
MAX_TRAINING_HOURS = 744.0
#: Participants of one activity.
MAX_PARTICIPANTS = 1_000_000.0
#: People injured in one incident.
MAX_INJURIES = 10_000.0

C = Column

TABLES: dict[str, TableSpec] = {
    "surveys": TableSpec(
        "surveys",
        "满意度调查",
        (
            C("response_id", "text", ("问卷编号", "编号"), required=True),
            C("surveyed_at", "date", ("调查日期", "日期"), required=True),
            C("building", "text", ("楼栋",)),
            C("overall", "score", ("总体满意度", "总体评价"), required=True),
            C("customer_service", "score", ("客户服务",)),
            C("cleaning", "score", ("保洁",)),
            C("greening", "score", ("绿化",)),
            C("security", "score", ("安全秩序",)),
            C("repairs", "score", ("维修服务",)),
            C("facilities", "score", ("设施设备",)),
            C("comment", "text", ("意见建议", "备注")),
        ),
        anchor="surveyed_at",
    ),
    "work_orders": TableSpec(
        "work_orders",
        "报修工单",
        (
            C("order_id", "text", ("工单号", "工单编号"), required=True),
            C("reported_at", "timestamp", ("报修时间",), required=True),
            C("dispatched_at", "timestamp", ("派单时间",)),
            C("arrived_at", "timestamp", ("到场时间", "上门时间")),
            C("completed_at", "timestamp", ("完成时间",)),
            C("category", "text", ("报修类别", "类别"), required=True),
            C("urgency", "enum", ("紧急程度",), enum=URGENCY, default="普通"),
            C("building", "text", ("楼栋",)),
            C("status", "text", ("状态",)),
            C("reworked", "bool", ("是否返修",)),
            C("rating", "rating", ("回访评分", "回访满意度"), minimum=1, maximum=5),
        ),
        anchor="reported_at",
        order_rules=(
            ("reported_at", "dispatched_at"),
            ("reported_at", "arrived_at"),
            ("reported_at", "completed_at"),
        ),
    ),
    "complaints": TableSpec(
        "complaints",
        "投诉",
        (
            C("complaint_id", "text", ("投诉编号",), required=True),
            C("received_at", "timestamp", ("投诉时间", "受理时间"), required=True),
            C("responded_at", "timestamp", ("响应时间",)),
            C("closed_at", "timestamp", ("办结时间", "关闭时间")),
            C("category", "text", ("投诉类别", "类别"), required=True),
            C("channel", "text", ("渠道",)),
            C("valid", "bool", ("是否有效",), default=True),
            C("escalated", "bool", ("是否升级",), default=False),
        ),
        anchor="received_at",
        order_rules=(("received_at", "responded_at"), ("received_at", "closed_at")),
    ),
    "assets": TableSpec(
        "assets",
        "设备台账",
        (
            C("asset_id", "text", ("设备编号",), required=True),
            C("type", "enum", ("设备类型",), required=True, enum=ASSET_TYPE),
            C("location", "text", ("位置",)),
        ),
        anchor="",
    ),
    "asset_events": TableSpec(
        "asset_events",
        "设备运行维保记录",
        (
            C("event_id", "text", ("记录编号",), required=True),
            C("asset_id", "text", ("设备编号",), required=True),
            C("kind", "enum", ("记录类型",), required=True, enum=EVENT_KIND),
            C("scheduled_on", "date", ("计划日期",)),
            C("occurred_at", "timestamp", ("发生时间", "执行时间")),
            C("restored_at", "timestamp", ("恢复时间",)),
        ),
        anchor="occurred_at",
        order_rules=(("occurred_at", "restored_at"),),
    ),
    "hazards": TableSpec(
        "hazards",
        "隐患排查",
        (
            C("hazard_id", "text", ("隐患编号",), required=True),
            C("found_at", "timestamp", ("发现时间",), required=True),
            C("area", "text", ("隐患类别", "类别"), required=True),
            C("severity", "enum", ("隐患等级", "等级"), enum=HAZARD_SEVERITY, default="一般"),
            C("due_on", "date", ("整改期限",)),
            C("rectified_at", "timestamp", ("整改完成时间",)),
        ),
        anchor="found_at",
        order_rules=(("found_at", "rectified_at"),),
    ),
    "inspections": TableSpec(
        "inspections",
        "品质检查",
        (
            C("inspection_id", "text", ("检查编号",), required=True),
            C("inspected_on", "date", ("检查日期",), required=True),
            C("dimension", "text", ("检查项目", "专业"), required=True),
            C("score", "number", ("得分",), required=True, minimum=0, maximum=100),
            C("inspector", "enum", ("检查方",), enum=INSPECTOR),
        ),
        anchor="inspected_on",
    ),
    "training": TableSpec(
        "training",
        "员工培训",
        (
            C("record_id", "text", ("记录编号",), required=True),
            C("employee_id", "text", ("员工编号", "工号"), required=True),
            C("role", "text", ("岗位",), required=True),
            C("course", "text", ("课程",), required=True),
            C("trained_on", "date", ("培训日期",), required=True),
            C("hours", "number", ("学时",), minimum=0, limit=MAX_TRAINING_HOURS, default=0.0),
            C("score", "number", ("考核成绩",), minimum=0, maximum=100),
        ),
        anchor="trained_on",
    ),
    "activities": TableSpec(
        "activities",
        "质量月举措",
        (
            C("activity_id", "text", ("活动编号",), required=True),
            C("held_on", "date", ("日期",), required=True),
            C("category", "enum", ("类别",), required=True, enum=ACTIVITY_CATEGORY),
            C("title", "text", ("名称", "举措"), required=True),
            C("description", "text", ("内容",)),
            C("participants", "integer", ("参与人数",), minimum=0, limit=MAX_PARTICIPANTS),
            C("highlight", "bool", ("是否亮点",)),
        ),
        anchor="held_on",
    ),
    "incidents": TableSpec(
        "incidents",
        "安全事故",
        (
            C("incident_id", "text", ("事故编号",), required=True),
            C("occurred_at", "timestamp", ("发生时间",), required=True),
            C("type", "text", ("事故类型",), required=True),
            C("severity", "enum", ("等级",), enum=INCIDENT_SEVERITY, default="轻微"),
            C("injuries", "integer", ("受伤人数",), minimum=0, limit=MAX_INJURIES),
        ),
        anchor="occurred_at",
    ),
}

#: Tables in the order they are ingested (assets before asset_events).
TABLE_ORDER: tuple[str, ...] = tuple(TABLES)
REQUIRED_TABLES: tuple[str, ...] = ("surveys",)
