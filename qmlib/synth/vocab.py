"""Vocabulary and constants of the generator: data values (not display labels), periods, sizes,
export-style choices, effect defaults and the bad-row plan."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np

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
    "翠湖花园",
    "锦绣华庭",
    "阳光水岸",
    "金桂苑",
    "御景湾",
    "枫林绿洲",
    "海棠湾",
    "星河名邸",
    "龙湖春江",
    "紫荆花园",
    "绿城桂语",
    "碧水云天",
    "万科城市花园",
    "滨江一号",
    "香樟园",
    "书香门第",
    "世纪嘉园",
    "东方明珠苑",
    "丽景华府",
    "和谐家园",
)
COMPANIES = (
    "示例物业服务有限公司",
    "安居物业服务有限公司",
    "锦程物业管理有限公司",
    "恒信物业服务有限公司",
    "华悦物业管理有限公司",
)
REPAIR_CATEGORIES = {
    "水电维修": 0.30,
    "管道疏通": 0.12,
    "门窗维修": 0.12,
    "公共照明": 0.10,
    "土建维修": 0.10,
    "门禁对讲": 0.10,
    "电梯": 0.06,
    "其他": 0.10,
}
COMPLAINT_CATEGORIES = (
    "停车管理",
    "噪音扰民",
    "环境卫生",
    "物业收费",
    "维修服务",
    "服务态度",
    "安全秩序",
    "绿化养护",
    "宠物管理",
)
COMPLAINT_CHANNELS = {"电话": 0.35, "微信公众号": 0.25, "前台": 0.18, "业主群": 0.12, "12345热线": 0.10}
HAZARD_AREAS = {
    "消防": 0.25,
    "电气": 0.18,
    "电梯": 0.10,
    "高空坠物": 0.12,
    "治安": 0.08,
    "设施设备": 0.15,
    "燃气": 0.05,
    "防汛": 0.07,
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
    "希望加强停车管理",
    "维修人员态度很好",
    "电梯经常故障，希望尽快解决",
    "小区绿化不错",
    "保洁需要加强",
    "快递柜太少",
    "夜间噪音较大",
    "门禁经常失灵",
    "物业响应及时",
    "希望多组织社区活动",
    "垃圾分类点有异味",
)
SURVEY_LABELS_BY_SCORE = {
    5: ("非常满意",),
    4: ("满意",),
    3: ("一般", "基本满意"),
    2: ("不满意",),
    1: ("非常不满意",),
}
STATUS = {
    "zh": {
        "cancelled": "已取消",
        "done": "已完成",
        "arrived": "处理中",
        "dispatched": "已派单",
        "new": "待派单",
    },
    "en": {
        "cancelled": "Cancelled",
        "done": "completed",
        "arrived": "in progress",
        "dispatched": "dispatched",
        "new": "pending",
    },
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
    "ymd_hm": "min",
    "slash": "min",
    "cn": "min",
    "ymd_hms": "s",
    "iso_z": "s",
    "iso_offset": "s",
    "iso_t": "s",
    "excel": "s",
    "iso_frac_utc": None,
}
DATE_STYLE_OF = {"slash": "slash", "cn": "cn", "excel": "excel"}  # others: "ymd"
ENCODINGS = ("utf-8-sig", "utf-8", "gbk", "utf-8-sig", "gb18030")
BOOL_STYLES = {
    "zh": ("是", "否"),
    "yn": ("Y", "N"),
    "10": ("1", "0"),
    "tf": ("true", "false"),
    "yesno": ("yes", "no"),
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
    "frequent_comment": {"text": "地下车库渗水严重，希望尽快处理", "count": 40},
    "initiative_effect": {
        "category": "安全秩序",
        "title": "夜间巡逻加强月",
        "dimension": "security",
        "change": 12.0,
    },
}
#: Planted comments and initiatives of ``frequent_comment`` / ``initiative_effect``
#: (community index ≥ 4, so the shipped demos 1–3 stay as they are).
PLANTED_COMMENTS = (
    "地下车库渗水严重，希望尽快处理",
    "楼道灯坏了很久没人修",
    "单元门禁刷卡总是失灵",
    "小区门口垃圾堆放太久",
)
PLANTED_INITIATIVES = (
    {"category": "安全秩序", "title": "夜间巡逻加强月", "dimension": "security"},
    {"category": "环境卫生", "title": "垃圾分类宣传周", "dimension": "cleaning"},
    {"category": "客户服务", "title": "管家上门走访", "dimension": "customer_service"},
    {"category": "设施设备", "title": "楼道照明全面检修", "dimension": "facilities"},
)
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
