"""The company action board: what to act on now, the community × KPI board, common problems.

Every table here is a DataFrame of plain values (ids, numbers, codes); the
HTML and xlsx views (``sections.py``, ``export.py``) turn codes into labels.

- **Act now** lists every overdue major/critical hazard and every serious
  incident of the pooled communities, one row each. Which hazards are overdue
  and which incidents are serious is decided by the community rules
  (:func:`qmlib.shortcomings.service.overdue_hazard_rows`,
  :func:`~qmlib.shortcomings.service.serious_incident_rows`), never recomputed here.
- **Community × KPI board**: one row per community and headline KPI with a
  red/amber/green status. Basis ``target`` where the community has a target
  for the KPI in the quality month (achieved → green, missed → red, cannot be
  judged → unknown); otherwise basis ``benchmark``: the company's pooled value
  with the funnel limits of :mod:`.funnel` (worse than the 95 % limit → red;
  inside the limits and worse than the company value → amber; at or better
  than the company value → green). A significant change against the baseline
  (``changes.csv``) is marked with its direction (improved / worsened).
- **Common problems**: shortcoming kinds (and insight drivers, when
  ``insights.csv`` exists) with the communities they occur in; the company
  plan orders the kinds greedily by the communities they cover (each kind
  maps to one playbook action family), with the cumulative coverage.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..catalog import metric_def
from ..params import load_params
from ..shortcomings.base import Context, Rules
from ..shortcomings.service import overdue_hazard_rows, serious_incident_rows
from .funnel import HEADLINE_KPIS, Funnel

SEVERITY_ORDER = {"重大": 0, "较大": 1, "一般": 2, "轻微": 3}
RAG_ORDER = {"red": 0, "amber": 1, "green": 2, "unknown": 3}
ACT_HAZARD_COLUMNS = ["community_id", "name", "hazard_id", "area", "severity", "found_at", "due", "days_over"]
ACT_INCIDENT_COLUMNS = ["community_id", "name", "incident_id", "type", "severity", "occurred_at", "injuries"]


def _read_table(out_dir: Path, cid: str, table: str) -> pd.DataFrame | None:
    path = out_dir / cid / "clean" / f"{table}.parquet"
    return pd.read_parquet(path) if path.is_file() else None


def act_now(
    out_dir: Path | str, params_dir: Path | str, communities: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(overdue major/critical hazards, serious incidents) of every community in ``communities``.

    Hazards sorted by severity (重大 first) then days overdue (most first);
    incidents by severity then date (oldest first).
    """
    out_dir, params_dir = Path(out_dir), Path(params_dir)
    hazards, incidents = [], []
    empty = pd.DataFrame()
    for cid, name in zip(communities["community_id"], communities["name"], strict=True):
        path = params_dir / f"{cid}.yaml"
        if not path.is_file():
            continue
        tables = {k: v for k in ("hazards", "incidents") if (v := _read_table(out_dir, cid, k)) is not None}
        if not tables:
            continue
        params = load_params(path, cid)
        ctx = Context(
            tables=tables,
            params=params,
            rules=Rules(),
            lang=params.language,
            metrics=empty,
            changes=empty,
            targets=empty,
        )
        h = overdue_hazard_rows(ctx)
        if h is not None and not h.empty:
            hazards.append(h.assign(community_id=cid, name=name))
        i = serious_incident_rows(ctx)
        if i is not None and not i.empty:
            incidents.append(i.assign(community_id=cid, name=name))
    hz = pd.concat(hazards, ignore_index=True) if hazards else pd.DataFrame(columns=ACT_HAZARD_COLUMNS)
    if "due" not in hz.columns:
        hz["due"] = pd.NaT
    hz = hz.reindex(columns=ACT_HAZARD_COLUMNS)
    hz = hz.assign(_s=hz["severity"].map(SEVERITY_ORDER)).sort_values(
        ["_s", "days_over", "community_id", "hazard_id"], ascending=[True, False, True, True]
    )
    inc = pd.concat(incidents, ignore_index=True) if incidents else pd.DataFrame(columns=ACT_INCIDENT_COLUMNS)
    inc = inc.reindex(columns=ACT_INCIDENT_COLUMNS)
    inc = inc.assign(_s=inc["severity"].map(SEVERITY_ORDER)).sort_values(
        ["_s", "occurred_at", "community_id", "incident_id"]
    )
    return hz.drop(columns="_s").reset_index(drop=True), inc.drop(columns="_s").reset_index(drop=True)


def _bool(value: object) -> bool | None:
    text = str(value).strip().lower()
    return True if text == "true" else False if text == "false" else None


def kpi_board(
    metrics: pd.DataFrame,
    targets: pd.DataFrame,
    changes: pd.DataFrame,
    funnels: dict[str, Funnel],
    ids: list[str],
    period: str = "quality_month",
    kpis: tuple[str, ...] = HEADLINE_KPIS,
) -> pd.DataFrame:
    """Long table: community_id, metric_id, value, n, rag, basis, target, benchmark, change, significant, trend.

    ``trend`` is ``improved``/``worsened`` for a significant change in the KPI's
    better direction / the other one, else empty.
    """

    def index(frame: pd.DataFrame, cols: list[str]) -> dict:
        if frame.empty or not set(cols) <= set(frame.columns):
            return {}
        sub = frame[(frame["period"] == period) & frame["metric_id"].isin(kpis)]
        return {(r["community_id"], r["metric_id"]): r for _, r in sub.iterrows()}

    m_idx = index(metrics, ["community_id", "metric_id", "period", "value"])
    t_idx = index(targets, ["community_id", "metric_id", "period", "achieved"])
    c_idx = index(changes, ["community_id", "metric_id", "period", "change"])
    rows = []
    for cid in ids:
        for kpi in kpis:
            better = metric_def(kpi).better
            m = m_idx.get((cid, kpi))
            value = float(m["value"]) if m is not None and pd.notna(m["value"]) else float("nan")
            n = float(m["n"]) if m is not None and pd.notna(m.get("n")) else float("nan")
            f = funnels.get(kpi)
            benchmark = f.theta0 if f is not None else float("nan")
            tgt = t_idx.get((cid, kpi))
            if tgt is not None:
                basis, target = "target", tgt.get("target")
                achieved = _bool(tgt["achieved"])
                rag = "unknown" if achieved is None or value != value else ("green" if achieved else "red")
            else:
                basis, target = "benchmark", float("nan")
                rag = "unknown"
                if f is not None and value == value:
                    point = f.points[f.points["community_id"] == cid]
                    status = point["status"].iloc[0] if not point.empty else "unknown"
                    if status in ("worse", "warn_worse"):
                        rag = "red"
                    elif status == "unknown":
                        rag = "unknown"
                    else:
                        rag = "green" if (value - benchmark) * better >= 0 else "amber"
            c = c_idx.get((cid, kpi))
            change = float(c["change"]) if c is not None and pd.notna(c["change"]) else float("nan")
            significant = _bool(c["significant"]) if c is not None and "significant" in c else None
            trend = ""
            if significant and change == change and better:
                trend = "improved" if change * better > 0 else "worsened"
            rows.append(
                {
                    "community_id": cid,
                    "metric_id": kpi,
                    "value": value,
                    "n": n,
                    "rag": rag,
                    "basis": basis,
                    "target": target,
                    "benchmark": benchmark,
                    "change": change,
                    "significant": significant,
                    "trend": trend,
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "community_id",
            "metric_id",
            "value",
            "n",
            "rag",
            "basis",
            "target",
            "benchmark",
            "change",
            "significant",
            "trend",
        ],
    )


def common_problems(shortcomings: pd.DataFrame, min_communities: int = 2) -> pd.DataFrame:
    """Shortcoming kinds found in at least ``min_communities`` communities: kind, communities (list), count."""
    if shortcomings.empty or "kind" not in shortcomings.columns:
        return pd.DataFrame(columns=["kind", "communities", "count"])
    groups = (
        shortcomings.dropna(subset=["kind"]).groupby("kind")["community_id"].agg(lambda s: sorted(set(s)))
    )
    frame = pd.DataFrame({"kind": groups.index, "communities": groups.to_numpy()})
    frame["count"] = frame["communities"].map(len)
    frame = frame[frame["count"] >= min_communities]
    return frame.sort_values(["count", "kind"], ascending=[False, True]).reset_index(drop=True)


#: Dimensions whose values are community-specific (a building, an asset): never "shared" across communities.
LOCAL_DIMENSIONS = frozenset({"building", "asset", "asset_id"})
DRIVER_COLUMNS = ["metric_id", "dimension", "subject", "label", "communities", "count"]


def insight_drivers(out_dir: Path | str, ids: list[str], min_communities: int = 2) -> pd.DataFrame | None:
    """Insight drivers (``insights.csv`` rows of kind ``driver``) shared by several communities.

    A driver is the same when its metric, dimension and subject are (e.g. complaint rate ·
    category · 电梯); drivers of community-specific dimensions (building, asset) are left
    out. None when no community has an ``insights.csv`` (the insights stage did not run).
    Columns: metric_id, dimension, subject, label (of the first community), communities, count.
    """
    out_dir = Path(out_dir)
    frames = []
    for cid in ids:
        path = out_dir / cid / "insights.csv"
        if path.is_file():
            frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
            frame["community_id"] = cid
            frames.append(frame)
    if not frames:
        return None
    data = pd.concat(frames, ignore_index=True)
    if not {"kind", "metric_id", "dimension", "subject"} <= set(data.columns):
        return pd.DataFrame(columns=DRIVER_COLUMNS)
    if "label" not in data.columns:
        data["label"] = data["subject"]
    data = data[
        (data["kind"] == "driver") & ~data["dimension"].isin(LOCAL_DIMENSIONS) & (data["subject"] != "")
    ]
    if data.empty:
        return pd.DataFrame(columns=DRIVER_COLUMNS)
    key = ["metric_id", "dimension", "subject"]
    grouped = data.groupby(key, sort=True).agg(
        label=("label", "first"), communities=("community_id", lambda s: sorted(set(s)))
    )
    frame = grouped.reset_index()
    frame["count"] = frame["communities"].map(len)
    frame = frame[frame["count"] >= min_communities]
    return frame.sort_values(["count", *key], ascending=[False, True, True, True]).reset_index(drop=True)[
        DRIVER_COLUMNS
    ]


def company_plan(shortcomings: pd.DataFrame, total: int, max_actions: int = 5) -> pd.DataFrame:
    """Greedy set cover: the action families (shortcoming kinds) that reach the most communities.

    Each step takes the kind that adds the most not-yet-covered communities
    (ties, and once every community is covered: more communities in all, then kind). Columns: kind, communities
    (count), new (communities added), covered (cumulative), share (covered / total).
    """
    cols = ["kind", "communities", "new", "covered", "share"]
    if shortcomings.empty or "kind" not in shortcomings.columns or total <= 0:
        return pd.DataFrame(columns=cols)
    sets = shortcomings.dropna(subset=["kind"]).groupby("kind")["community_id"].agg(set).to_dict()
    covered: set[str] = set()
    rows: list[dict[str, object]] = []
    while sets and len(rows) < max_actions:
        kind = max(sorted(sets), key=lambda k: (len(sets[k] - covered), len(sets[k])))
        new = len(sets[kind] - covered)
        covered |= sets[kind]
        rows.append(
            {
                "kind": kind,
                "communities": len(sets[kind]),
                "new": new,
                "covered": len(covered),
                "share": len(covered) / total,
            }
        )
        del sets[kind]
    return pd.DataFrame(rows, columns=cols)
