"""Labels of the insights stage (insights.csv evidence, report sections).

Keys:

- ``insight.kind.<kind>``: driver, case, voice, initiative, caveat.
- ``insight.dim.<dimension>`` (``insight.dim.<table>.category``): dimension names.
- ``insight.bad.<metric_id>``: the bad outcome counted by a level driver.
- ``insight.ev.<kind>[.<variant>]``: evidence sentence templates.
- ``insight.theme.<code>``: themes of residents' comments.
- ``insight.domain.<code>``: domains of initiatives.
- ``insight.word.*``: words used inside sentences.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # ---- kinds ------------------------------------------------------------------
    "insight.kind.driver": ("驱动因素", "Driver"),
    "insight.kind.case": ("典型案例", "Typical case"),
    "insight.kind.voice": ("业主之声", "Residents' voice"),
    "insight.kind.initiative": ("举措成效", "Initiative effect"),
    "insight.kind.caveat": ("解读提示", "Caveat"),
    # ---- dimensions --------------------------------------------------------------
    "insight.dim.work_orders.category": ("报修类别", "repair category"),
    "insight.dim.complaints.category": ("投诉类别", "complaint category"),
    "insight.dim.urgency": ("紧急程度", "urgency"),
    "insight.dim.building": ("楼栋", "building"),
    "insight.dim.channel": ("投诉渠道", "channel"),
    "insight.dim.asset_id": ("设备", "asset"),
    "insight.dim.asset_type": ("设备类型", "asset type"),
    "insight.dim.area": ("隐患类别", "hazard area"),
    "insight.dim.severity": ("隐患等级", "hazard severity"),
    "insight.dim.dimension": ("检查项目", "inspection item"),
    "insight.dim.inspector": ("检查方", "inspector"),
    "insight.dim.theme": ("主题", "theme"),
    # ---- bad outcomes counted by a level driver -------------------------------------
    "insight.bad.satisfaction_rate": ("未达“满意”的答卷", "responses below satisfied"),
    "insight.bad.complaint_rate": ("有效投诉", "valid complaints"),
    "insight.bad.complaint_closure_rate": ("未办结的有效投诉", "valid complaints not closed"),
    "insight.bad.complaint_response_timely_rate": ("未及时响应的有效投诉", "valid complaints answered late"),
    "insight.bad.repair_timely_rate": ("未按时到场的报修", "late repair arrivals"),
    "insight.bad.repair_completion_rate": ("未完成的报修", "repairs not completed"),
    "insight.bad.repair_rework_rate": ("返修", "reworked repairs"),
    "insight.bad.equipment_failure_rate": ("设备故障", "equipment failures"),
    "insight.bad.maintenance_on_time_rate": ("超期或未执行的维保", "late or missed maintenance jobs"),
    "insight.bad.hazard_rectification_rate": ("未整改的隐患", "hazards not rectified"),
    "insight.bad.hazard_on_time_rate": ("未按期整改的隐患", "hazards not rectified on time"),
    "insight.bad.inspection_pass_rate": ("不合格的检查", "failed inspections"),
    # ---- evidence sentences ---------------------------------------------------------
    "insight.ev.driver_change": (
        "{subject}的{metric}：{trail}；可解释{period}变化（{change}）的{share}。",
        "{metric} for {subject}: {trail}; accounts for {share} of the {period} change ({change}).",
    ),
    "insight.ev.driver_level": (
        "{subject}占全部{outcome}的{share}（{total}次中{bad}次）；{metric}：{trail}。",
        "{subject} accounts for {share} of all {outcome} ({bad} of {total}); {metric}: {trail}.",
    ),
    "insight.ev.case_asset": (
        "{building}：{asset}在{first}至{last}期间故障{count}次，占全小区故障的{share}（{total}次）",
        "{building}: {asset} failed {count} times between {first} and {last}, {share} of all {total} failures",
    ),
    "insight.ev.case_building_low": (
        "{building}满意度指数{value}（n={n}），全小区最低（其余楼栋{rest}，n={rest_n}，{p}）",
        "{building} has the lowest satisfaction index, {value} (n={n}; other buildings {rest}, n={rest_n}, {p})",
    ),
    "insight.ev.case_building_orders": (
        "该楼栋报修按时到场率{value}（n={n}），其余楼栋{rest}",
        "its repairs arrived on time {value} of the time (n={n}; other buildings {rest})",
    ),
    "insight.ev.case_good": (
        "{subject}的{metric}：{trail}（{change}，{p}），质量月成效在巩固期得到保持",
        "{metric} for {subject}: {trail} ({change}, {p}); the quality-month gain held in the follow-up",
    ),
    "insight.ev.case_good_plain": (
        "{subject}的{metric}：{trail}（{change}，{p}）",
        "{metric} for {subject}: {trail} ({change}, {p})",
    ),
    "insight.ev.case_good_not_held": (
        "{subject}的{metric}：{trail}（{change}，{p}），但质量月成效在巩固期未能保持",
        "{metric} for {subject}: {trail} ({change}, {p}), but the quality-month gain did not hold in the follow-up",
    ),
    "insight.ev.voice": (
        "{count}条意见与“{example}”相近（{theme}）：{trail}；关联指标：{metric}。",
        "{count} comments like “{example}” ({theme}): {trail}; related metric: {metric}.",
    ),
    "insight.ev.voice_nometric": (
        "{count}条意见与“{example}”相近（{theme}）：{trail}。",
        "{count} comments like “{example}” ({theme}): {trail}.",
    ),
    "insight.ev.initiative": (
        "{title}（{sessions}，{participants}人次，{dates}）之后，{metric}由基线期{base}变为{period}{value}（{change}，{p}）；这是同期变化的关联，不能证明因果。",
        "After {title} ({sessions}, {participants} participants, {dates}), {metric} went from {base} in the baseline to {value} in the {period} ({change}, {p}); this is an association over the same period, not proof of cause.",
    ),
    "insight.ev.caveat_coverage": (
        "{period}问卷{n}份，覆盖{coverage}的住户（{households}户）；要在95%置信度下达到±{margin}的误差，需要约{needed}份（{needed_share}），对比结论需谨慎。",
        "The {period} survey has {n} responses, {coverage} of {households} households; a ±{margin} margin at 95% confidence needs about {needed} ({needed_share}), so read comparisons with care.",
    ),
    "insight.ev.caveat_survey_visits": (
        "{period}开展了员工入户的满意度调查（{titles}，{dates}），{share}的{period}问卷（{n_on}/{n}份）在这些日期收集；收集方式不同于基线期，满意度变化可能部分来自调查方式。",
        "Staff went door to door for surveys in the {period} ({titles}, {dates}); {share} of the {period} responses ({n_on} of {n}) were collected on those days. The collection differs from the baseline, so part of the satisfaction change may come from how it was asked.",
    ),
    "insight.ev.caveat_channel": (
        "问卷的{column}在各期构成不同（卡方检验{p}）：{trail}；满意度对比可能受收集方式影响。",
        "The surveys' {column} mix differs between periods (chi-square {p}): {trail}; the satisfaction comparison may reflect how surveys were collected.",
    ),
    "insight.ev.caveat_small": (
        "{metric}在{period}只有{n}个样本（少于{min_n}），其数值和变化波动大，仅供参考。",
        "{metric} rests on only {n} observations in the {period} (fewer than {min_n}); its value and change are indicative only.",
    ),
    "insight.ev.caveat_missing_days": (
        "{table}在{period}有{count}没有任何记录（{dates}），而该期日均{mean}条；这些天的数据可能未导出。",
        "{table}: no rows on {count} of the {period} ({dates}), against {mean} a day on average; "
        "those days may be missing from the export.",
    ),
    "insight.ev.caveat_missing_table": (
        "未提供{table}，相关指标缺失（不是零）。",
        "{table} was not supplied; its metrics are missing (not zero).",
    ),
    "insight.ev.caveat_missing_columns": (
        "{table}缺少字段{columns}，依赖这些字段的指标缺失。",
        "{table} lacks the column(s) {columns}; the metrics that need them are missing.",
    ),
    # ---- themes of residents' comments ----------------------------------------------
    "insight.theme.elevator": ("电梯", "elevators"),
    "insight.theme.environment": ("环境卫生", "cleanliness"),
    "insight.theme.parking": ("停车", "parking"),
    "insight.theme.noise": ("噪音", "noise"),
    "insight.theme.access": ("门禁", "access control"),
    "insight.theme.delivery": ("快递", "parcel lockers"),
    "insight.theme.repairs": ("维修", "repairs"),
    "insight.theme.service": ("服务态度与响应", "service and response"),
    "insight.theme.greening": ("绿化", "greenery"),
    "insight.theme.community": ("社区活动", "community activities"),
    "insight.theme.security": ("安全秩序", "security"),
    "insight.theme.facilities": ("设施设备", "facilities"),
    "insight.theme.other": ("其他", "other"),
    # ---- initiative domains -----------------------------------------------------------
    "insight.domain.facilities": ("设施设备", "facilities"),
    "insight.domain.environment": ("环境卫生", "environment"),
    "insight.domain.security": ("安全秩序", "security"),
    "insight.domain.service": ("客户服务", "customer service"),
    "insight.domain.repairs": ("工程维修", "repairs"),
    "insight.domain.community": ("社区活动", "community"),
    "insight.domain.training": ("员工培训", "training"),
    # ---- words ------------------------------------------------------------------------
    "insight.subject": ("{dim}“{value}”", "{dim} “{value}”"),
    "insight.word.located": ("（{location}）", " ({location})"),
    "insight.word.unknown": ("（未填写）", "(not recorded)"),
    "insight.word.times": ("{n}次", "{n}"),
    "insight.word.value_n": ("{value}（n={n}）", "{value} (n={n})"),
    "insight.word.count_n": ("{period}{n}条", "{n} in the {period}"),
    "insight.word.pp": ("个百分点", " pp"),
    "insight.word.sessions": ("{n}场", "{n} sessions"),
    "insight.word.days": ("{n}天", "{n} days"),
    "insight.word.days_one": ("{n}天", "one day"),
    "insight.word.sessions_one": ("{n}场", "one session"),
    "insight.word.list_sep": ("、", ", "),
    "insight.word.clause_sep": ("；", "; "),
    "insight.word.no_p": ("无检验", "no test"),
}

# ---- report blocks built from insights.csv (qmlib/report/sections/insights.py) ----------------------
LABELS.update(
    {
        "insight.report.risks": ("本期需优先关注的{n}项风险：", "The {n} risks to act on first: "),
        "insight.report.risk_item": ("（{i}）{text}", "({i}) {text}"),
        "insight.report.risk_cause": ("，主因是{cause}", ", mainly because {cause}"),
        "insight.report.risk_also": ("，同一原因还导致{ids}", ", and the same cause is behind {ids}"),
        "insight.report.effect_name": ("{id}（{category}：{subject}）", "{id} ({category}: {subject})"),
        "insight.report.cause_level": (
            "{subject}占{outcome}的{share}",
            "{subject} accounts for {share} of {outcome}",
        ),
        "insight.report.cause_change": (
            "{subject}可解释{metric}{period}变化的{share}",
            "{subject} accounts for {share} of the {period} change in {metric}",
        ),
        "insight.report.cause": ("原因分析", "Root cause"),
        "insight.report.heard": ("业主反映", "Residents say"),
        "insight.report.initiatives": ("举措与成效的关联", "Initiatives and the results of their domain"),
        "insight.report.initiatives_note": (
            "下列变化与举措同期发生，p值检验的是指标变化本身；这是关联，不能证明举措带来了变化。",
            "Each change below happened in the same period as the initiative; the p-value tests the change itself. "
            "This is an association, not proof that the initiative caused it.",
        ),
        "insight.report.direction.good": ("改善", "improved"),
        "insight.report.direction.bad": ("变差", "worsened"),
        "insight.report.good_cases": ("典型案例（质量月的改善）", "Typical cases: quality-month gains"),
        "insight.report.small": (
            "以下指标在个别时期样本少于{min_n}个，数值和变化波动大，仅供参考：{items}。",
            "These figures rest on fewer than {min_n} observations in a period, so their values and changes are "
            "indicative only: {items}.",
        ),
        "insight.report.small_item": ("{metric}（{period}，n={n}）", "{metric} ({period}, n={n})"),
        "insight.report.bad_cases": ("典型案例（问题）", "Typical cases: problems"),
        "insight.report.drivers": ("变化从何而来", "What drove the changes"),
        "insight.report.change_head": (
            "{metric}，{period}{change}（{p}）",
            "{metric}, {period}: {change} ({p})",
        ),
        "insight.report.caveats": ("解读提示", "Caveats"),
        "insight.report.no_driver": (
            "变化遍及各楼栋：没有哪个楼栋能单独解释其大部分（Adtributor）。",
            "A broad change across buildings: no single building accounts for most of it (Adtributor).",
        ),
        "insight.report.voice": ("业主之声", "Residents' voice"),
        "insight.report.voice_intro": (
            "问卷和投诉中的{n}条文字意见，按主题和相近表述归组（结巴分词加相似度分组），列出条数最多的主题及各期条数；引用的原话已隐去个人信息。",
            "The {n} written comments in surveys and complaints, grouped by theme and near-identical wording "
            "(jieba segmentation and similarity grouping); the largest themes with their count per period. "
            "Quoted comments have personal details masked.",
        ),
        "insight.report.stories_intro": (
            "同一原因导致的问题合并为一条，原因列在问题之下。",
            "Problems with the same cause are told together, with the cause under them.",
        ),
    }
)
LABELS.update(
    {
        "plan.focus": ("（重点针对主因：{cause}）", " (focus on the main cause: {cause})"),
    }
)
LABELS.update(
    {
        "plan.act_on_cause": (
            "针对主因（{cause}）制定专项整改，分解到责任岗位并制定月度推进计划",
            "Act on the main cause ({cause}) with a dedicated fix, assigned to the roles responsible, with a monthly plan",
        ),
    }
)
