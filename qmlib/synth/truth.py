"""The truth file: what was planted, where, and what the valid rows show (contract formulas)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import TABLE_ORDER
from .bad_rows import Plant
from .community import Community, arrival_sla
from .styles import TableStyle
from .surveys import satisfaction_levels, to_index
from .vocab import PERIOD_NAMES


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
    sla = arrival_sla(c)
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
        lv = satisfaction_levels(c)
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
        out["low_building"] = {
            **e["low_building"],
            "responses": int(inb.sum()),
            "observed_gap": _round(idx[inb].mean() - idx[~inb].mean()),
        }
    if "failing_elevator" in e:
        ev = v["asset_events"]
        f = ev[ev["asset_id"].eq(e["failing_elevator"]["asset_id"]) & ev["kind"].eq("故障")]
        others = ev[ev["kind"].eq("故障") & ev["asset_id"].ne(e["failing_elevator"]["asset_id"])]
        out["failing_elevator"] = {
            **e["failing_elevator"],
            "event_ids": ids["failures"],
            "failures_by_period": {p: int(_in_period(c, f["occurred_at"], p).sum()) for p in c.periods},
            "max_failures_other_assets": int(others["asset_id"].value_counts().max()) if len(others) else 0,
        }
    if "overdue_critical_hazard" in e and ids["overdue_hazard"]:
        hz = v["hazards"].set_index("hazard_id").loc[ids["overdue_hazard"]]
        out["overdue_critical_hazard"] = {
            **e["overdue_critical_hazard"],
            "hazard_id": ids["overdue_hazard"],
            "severity": "重大",
            "area": hz["area"],
            "found_at": str(hz["found_at"]),
            "due_on": str(hz["due_on"].date()),
            "rectified_at": None,
        }
    if "slow_repair_category" in e:
        out["slow_repair_category"] = {
            **e["slow_repair_category"],
            **_slow_truth(c, v, e["slow_repair_category"]),
        }
    if "dominant_complaint" in e:
        cp = v["complaints"][v["complaints"]["valid"].fillna(True)]
        shares = cp["category"].value_counts(normalize=True)
        out["dominant_complaint"] = {
            **e["dominant_complaint"],
            "observed_share": _round(shares.get(e["dominant_complaint"]["category"], 0.0)),
            "observed_top": str(shares.index[0]),
        }
    if "frequent_comment" in e:
        s = v["surveys"]
        mine = s["comment"].eq(e["frequent_comment"]["text"])
        out["frequent_comment"] = {
            **e["frequent_comment"],
            "observed_count": int(mine.sum()),
            "by_period": {p: int((mine & _in_period(c, s["surveyed_at"], p)).sum()) for p in c.periods},
        }
    if "initiative_effect" in e:
        eff = e["initiative_effect"]
        act = v["activities"]
        held = act[act["title"].eq(eff["title"]) & act["category"].eq(eff["category"])]
        s = v["surveys"]
        dim = to_index(s[eff["dimension"]].dropna(), c.scale)
        at = s.loc[dim.index, "surveyed_at"]
        means = {p: _round(dim[_in_period(c, at, p)].mean()) for p in c.periods}
        out["initiative_effect"] = {
            **eff,
            "metric_id": f"satisfaction_index.{eff['dimension']}",
            "sessions_by_period": {p: int(_in_period(c, held["held_on"], p).sum()) for p in c.periods},
            "observed_dimension_index": means,
        }
    return out


def _slow_truth(c: Community, v: dict[str, pd.DataFrame], eff: dict) -> dict:
    wo = v["work_orders"]
    wo = wo[~wo["status"].str.lower().isin(["已取消", "cancelled"])]
    arr, timely = _arrival(wo, arrival_sla(c))
    late = ~timely
    inc = wo["category"].eq(eff["category"])
    return {
        "observed_median_minutes": _round(arr[inc].median()),
        "observed_median_minutes_others": _round(arr[~inc].median()),
        "share_of_orders": _round(inc.mean()),
        "share_of_sla_misses": _round(inc[late].mean()) if late.any() else None,
        "observed_top_miss_category": str(wo.loc[late, "category"].value_counts().index[0])
        if late.any()
        else None,
    }


def truth_dict(
    c: Community,
    v: dict[str, pd.DataFrame],
    frames: dict[str, pd.DataFrame],
    styles: dict[str, TableStyle],
    plants: list[Plant],
    ids: dict,
    params: dict,
    meta: dict | None,
) -> dict:
    observed = observed_metrics(c, v)
    last = PERIOD_NAMES[-1]
    targets = []
    for t in params["targets"]:
        ok, actual = _achieved(t, observed, last)
        targets.append(
            {**t, "period": t.get("period") or last, "actual_value": actual, "expected_achieved": ok}
        )
    files = {}
    for table in TABLE_ORDER:
        st = styles[table]
        n_bad = sum(p.table == table for p in plants)
        files[table] = {
            "file": f"{table}.{st.extension}",
            "format": st.fmt,
            "encoding": st.encoding,
            "header_style": st.header,
            "time_style": st.time_style,
            "bool_style": st.bool_style,
            "enum_lang": st.enum_lang,
            "score_style": st.score_style if table == "surveys" else None,
            "extra_columns": (["序号"] if st.row_number else []) + list(st.extras),
            "dropped_columns": list(st.drop),
            "rows_read": len(frames[table]),
            "rows_rejected": n_bad,
            "rows_accepted": len(frames[table]) - n_bad,
        }
    bad = [
        {
            "table": p.table,
            "source_file": files[p.table]["file"],
            "source_row": p.row + 2,
            "key": p.key,
            "column": p.column,
            "kind": p.kind,
            "value": None if p.value is None else str(p.value),
        }
        for p in sorted(plants, key=lambda p: (TABLE_ORDER.index(p.table), p.row))
    ]
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
