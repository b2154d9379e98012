"""Everything the company board shows, computed once: :func:`build_board`.

The notebook (``notebooks/portfolio.ipynb``), the HTML/PDF report and
``board.xlsx`` all read the :class:`Board` this returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .board import act_now, common_problems, company_plan, insight_drivers, kpi_board
from .funnel import HEADLINE_KPIS, Funnel, funnels
from .history import batch_month, changes_since_last, company_history, record_month, status_history
from .rollup import PORTFOLIO_DIR, Portfolio, build_rollup

PERIOD = "quality_month"


@dataclass
class Board:
    rollup: Portfolio
    out_dir: Path
    funnels: dict[str, Funnel]
    hazards: pd.DataFrame
    incidents: pd.DataFrame
    kpis: pd.DataFrame
    problems: pd.DataFrame
    drivers: pd.DataFrame | None
    plan: pd.DataFrame
    month: str | None
    history: pd.DataFrame
    status_history: pd.DataFrame
    moves: pd.DataFrame
    names: dict[str, str] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return list(self.rollup.communities["community_id"])

    def has_report(self, community_id: str) -> bool:
        return (self.out_dir / community_id / "report.html").is_file()


def build_board(out_dir: Path | str, params_dir: Path | str, months: int = 6) -> Board:
    """Roll up the batch, compute every board table and record this month in the history."""
    out_dir = Path(out_dir).resolve()
    rollup = build_rollup(out_dir, params_dir)
    comm = rollup.communities
    ids = list(comm["community_id"])
    names = dict(zip(comm["community_id"], comm["name"], strict=True))
    fun = funnels(rollup.metrics, comm, PERIOD)
    hazards, incidents = act_now(out_dir, params_dir, comm)
    kpis = kpi_board(rollup.metrics, rollup.targets, rollup.changes, fun, ids, PERIOD)
    portfolio_dir = out_dir / PORTFOLIO_DIR
    month = batch_month(comm)
    if month is not None and ids:
        pooled = rollup.pooled
        company = pooled[(pooled["period"] == PERIOD) & pooled["metric_id"].isin(HEADLINE_KPIS)]
        status = kpis[["community_id", "metric_id", "value", "rag"]].assign(
            name=kpis["community_id"].map(names)
        )
        record_month(portfolio_dir, month, company[["metric_id", "value", "n", "communities"]], status)
    statuses = status_history(portfolio_dir, months)
    return Board(
        rollup=rollup,
        out_dir=out_dir,
        funnels=fun,
        hazards=hazards,
        incidents=incidents,
        kpis=kpis,
        problems=common_problems(rollup.shortcomings),
        drivers=insight_drivers(out_dir, ids),
        plan=company_plan(rollup.shortcomings, len(ids)),
        month=month,
        history=company_history(portfolio_dir, months),
        status_history=statuses,
        moves=changes_since_last(statuses, month) if month else pd.DataFrame(),
        names=names,
    )
