"""Tables of the portfolio report (labelled for display)."""

from __future__ import annotations

import pandas as pd

from ..catalog import metric_def
from ..labels import metric_label, t

PERIODS = ("baseline", "quality_month", "followup")


def _fmt(metric_id: str, value: float) -> str:
    if pd.isna(value):
        return "—"
    if metric_def(metric_id).kind == "share":
        return f"{value:.1%}"
    return f"{value:,.2f}"


def pooled_table(pooled: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """One row per metric, one column per period: ``value (n=…)``."""
    if pooled.empty:
        return pd.DataFrame()
    frame = pooled.copy()
    frame["cell"] = [f"{_fmt(m, v)} (n={int(n):,})" for m, v, n in
                     zip(frame["metric_id"], frame["value"], frame["n"], strict=True)]
    table = frame.pivot(index="metric_id", columns="period", values="cell")
    table = table.reindex(columns=[p for p in PERIODS if p in table.columns])
    table.index = [metric_label(m, lang) for m in table.index]
    table.columns = [t(f"period.{p}", lang) for p in table.columns]
    return table.fillna("—")


def ranked_changes(changes: pd.DataFrame, names: dict[str, str], metric_id: str = "satisfaction_index",
                   period: str = "quality_month", top: int = 5, lang: str = "zh") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(best, worst) communities by the change of one metric in one period."""
    if changes.empty:
        return pd.DataFrame(), pd.DataFrame()
    sub = changes[(changes["metric_id"] == metric_id) & (changes["period"] == period)].dropna(subset=["change"])
    sub = sub.sort_values("change", ascending=False)
    cols = {"community_id": t("portfolio.community", lang), "baseline_value": t("period.baseline", lang),
            "value": t(f"period.{period}", lang), "change": t("ui.change", lang), "p_value": t("ui.p_value", lang)}

    def show(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame[list(cols)].copy()
        out["community_id"] = out["community_id"].map(lambda c: names.get(c, c))
        return out.rename(columns=cols).reset_index(drop=True)

    return show(sub.head(top)), show(sub.tail(top).iloc[::-1])


def common_shortcomings(shortcomings: pd.DataFrame, total: int, lang: str = "zh") -> pd.DataFrame:
    """Shortcoming categories by the number of communities they occur in."""
    if shortcomings.empty:
        return pd.DataFrame()
    key = "kind" if "kind" in shortcomings.columns else "category"
    counts = shortcomings.groupby(key)["community_id"].nunique().sort_values(ascending=False).head(12)
    return pd.DataFrame({
        t("ui.metric", lang) if key == "category" else key: [t(f"finding.{k}", lang) for k in counts.index],
        t("portfolio.share_of_communities", lang): [f"{n} / {total}" for n in counts.to_numpy()],
    })
