"""Labels of the portfolio (company-level) report."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "portfolio.title": ("公司质量月汇总报告", "Company quality-month portfolio report"),
    "portfolio.communities": ("小区数", "Communities"),
    "portfolio.pooled": ("公司整体指标（按分子分母汇总）", "Company KPIs (pooled from numerators and denominators)"),
    "portfolio.distribution": ("各小区指标分布", "KPI distribution across communities"),
    "portfolio.heatmap": ("各小区目标达成情况", "Target attainment by community"),
    "portfolio.best": ("提升最多的小区", "Largest gains"),
    "portfolio.worst": ("提升最少或下降的小区", "Smallest gains or losses"),
    "portfolio.ranking": ("小区排名", "Community ranking"),
    "portfolio.finding": ("问题类型", "Kind of shortcoming"),
    "portfolio.shortcomings": ("最常见的问题", "Most common shortcomings"),
    "portfolio.community": ("小区", "Community"),
    "portfolio.target": ("目标", "Target"),
    "portfolio.share_of_communities": ("涉及小区数", "Communities affected"),
    "portfolio.status": ("运行状态", "Run status"),
    "portfolio.method": (
        "公司整体指标由各小区的分子与分母汇总计算（比率 = Σ达标数 / Σ样本数；均值 = Σ(均值×n) / Σn；"
        "每百户·30天投诉率 = Σ投诉数×100×30 / Σ(户数×天数)），而不是对各小区的比率取平均；"
        "到场时长分位数由全部工单重新计算。",
        "Company KPIs are pooled from each community's numerators and denominators (share = Σ successes / Σ n; "
        "mean = Σ(mean×n) / Σn; complaints per 100 households per 30 days = Σ complaints×100×30 / "
        "Σ(households×days)), never averaged across communities; arrival-time percentiles are recomputed "
        "over all orders.",
    ),
}
