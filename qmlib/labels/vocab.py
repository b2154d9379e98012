"""Common property-management terms found as values in the data, with their English.

Inspection areas, complaint and repair categories, hazard areas and complaint
channels are free text in the exports (not enumerations of the contract), but
most companies use the same words. An English report shows these names in
English when they are listed here (``term.<value>``), and the value itself
otherwise. Names of places and people (buildings, assets, activities) are not
translated.
"""

from __future__ import annotations

_TERMS: dict[str, str] = {
    # inspection areas
    "保洁": "Cleaning",
    "绿化": "Greening",
    "垃圾分类": "Waste sorting",
    "安全秩序": "Security",
    "客户服务": "Customer service",
    "设施设备": "Facilities",
    # complaint categories
    "停车管理": "Parking",
    "噪音扰民": "Noise",
    "环境卫生": "Cleanliness",
    "物业收费": "Service fees",
    "维修服务": "Repairs",
    "服务态度": "Staff attitude",
    "绿化养护": "Landscaping",
    "宠物管理": "Pets",
    # repair categories
    "水电维修": "Plumbing and electrics",
    "管道疏通": "Drain clearing",
    "门窗维修": "Doors and windows",
    "公共照明": "Common-area lighting",
    "土建维修": "Building repairs",
    "门禁对讲": "Door entry and intercom",
    "电梯": "Elevators",
    "其他": "Other",
    # hazard areas
    "消防": "Fire safety",
    "电气": "Electrical",
    "高空坠物": "Falling objects",
    "治安": "Public order",
    "燃气": "Gas",
    "防汛": "Flood prevention",
    # complaint channels
    "电话": "Phone",
    "微信公众号": "WeChat account",
    "前台": "Front desk",
    "业主群": "Residents' group chat",
    "12345热线": "12345 hotline",
}

LABELS: dict[str, tuple[str, str]] = {f"term.{zh}": (zh, en) for zh, en in _TERMS.items()}
