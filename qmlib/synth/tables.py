"""The valid rows of each table other than surveys (work orders, complaints, assets and their
events, hazards, inspections, employees, training, activities, incidents), with the planted effects."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .community import (
    Community,
    before_cut,
    make_ids,
    period_counts,
    random_dates,
    random_times,
    weighted_choice,
    whole_minutes,
)
from .surveys import surveys_table
from .vocab import (
    ACTIVITY_TITLES,
    COMPLAINT_CATEGORIES,
    COMPLAINT_CHANNELS,
    COURSES,
    HAZARD_AREAS,
    INCIDENT_TYPES,
    INSPECTION_DIMENSIONS,
    PERIOD_NAMES,
    REPAIR_CATEGORIES,
    ROLES,
    STATUS,
)


def _work_orders(c: Community, total: int | None) -> pd.DataFrame:
    """Repair orders (vectorised: fast for a million rows)."""
    rng = c.rng
    mult = {"quality_month": 1.1}
    if total is None:
        counts = period_counts(c, 150, 280, mult)
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
        parts_t.append(random_times(rng, n, start, c.days(p)))
        parts_f.append(np.full(n, speed.get(p, 1.0)))
    order = np.argsort(np.concatenate(parts_t), kind="stable")
    reported = np.concatenate(parts_t)[order]
    period_factor = np.concatenate(parts_f)[order]
    n = len(reported)
    category = weighted_choice(rng, REPAIR_CATEGORIES, n)
    urgent = rng.random(n) < 0.15
    cancelled = rng.random(n) < 0.02
    factor = period_factor * (np.where(category == slow["category"], slow["factor"], 1.0) if slow else 1.0)
    arrival = np.maximum(1.0, np.where(urgent, 7.0, 13.0) * factor * np.exp(0.5 * rng.standard_normal(n)))
    rep = pd.Series(reported)
    arrived = rep + whole_minutes(arrival)
    dispatched = rep + whole_minutes(arrival * rng.uniform(0.05, 0.4, n))
    duration = 45.0 * np.exp(rng.standard_normal(n)) * np.where(category == "土建维修", 6.0, 1.0)
    completed = arrived + whole_minutes(duration)
    arrived = arrived.mask(cancelled | (rng.random(n) < 0.015))
    dispatched = dispatched.mask(cancelled & (rng.random(n) < 0.5))
    completed = completed.mask(cancelled | (rng.random(n) < (0.0 if c.clean else 0.02)))
    dispatched, arrived, completed = (before_cut(s, c) for s in (dispatched, arrived, completed))
    status_words = STATUS[c.language]
    status = np.select(
        [cancelled, completed.notna().to_numpy(), arrived.notna().to_numpy(), dispatched.notna().to_numpy()],
        [
            status_words["cancelled"],
            status_words["done"],
            status_words["arrived"],
            status_words["dispatched"],
        ],
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
    return pd.DataFrame(
        {
            "order_id": make_ids("BX", n, width=5),
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
        }
    )


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
    times = np.sort(
        np.concatenate([random_times(rng, n, c.bounds(p)[0], c.days(p)) for p, n in counts.items()])
    )
    n = len(times)
    received = pd.Series(times)
    responded = received + whole_minutes(60 * 2.0 * np.exp(1.2 * rng.standard_normal(n)))
    closed = responded + whole_minutes(60 * 30.0 * np.exp(rng.standard_normal(n)))
    responded = before_cut(responded.mask(rng.random(n) < (0.0 if c.clean else 0.03)), c)
    closed = before_cut(closed.mask(responded.isna() | (rng.random(n) < (0.0 if c.clean else 0.06))), c)
    channel = weighted_choice(rng, COMPLAINT_CHANNELS, n)
    return pd.DataFrame(
        {
            "complaint_id": make_ids("TS", n),
            "received_at": times,
            "responded_at": responded,
            "closed_at": closed,
            "category": weighted_choice(rng, _complaint_weights(c), n),
            "channel": channel,
            "valid": pd.array(rng.random(n) > 0.08, dtype="boolean"),
            "escalated": pd.array((channel == "12345热线") | (rng.random(n) < 0.02), dtype="boolean"),
        }
    )


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
        for t in random_times(rng, k, start, window_days):
            rows.append(_failure(c, asset_id, pd.Timestamp(t), type_))
    planted: list[dict] = []
    if fail is not None:
        seg = window_days / fail["failures"]
        for i in range(fail["failures"]):
            day0 = start + pd.Timedelta(days=int(i * seg))
            span = max(1, int(seg) - 1)
            t = pd.Timestamp(random_times(rng, 1, day0, span)[0])
            planted.append(_failure(c, fail["asset_id"], t, "电梯"))
        rows += planted
    for asset_id in assets.loc[assets["type"].isin(["电梯", "消防"]), "asset_id"]:
        if rng.random() < 0.35:
            t = pd.Timestamp(random_times(rng, 1, start, window_days)[0])
            rows.append(
                {
                    "asset_id": asset_id,
                    "kind": "检测",
                    "scheduled_on": pd.NaT,
                    "occurred_at": t,
                    "restored_at": pd.NaT,
                }
            )
    df = pd.DataFrame(rows)
    anchor = df["occurred_at"].where(df["kind"].ne("维保"), df["scheduled_on"])
    df = (
        df.assign(_anchor=anchor)
        .sort_values("_anchor", kind="stable", ignore_index=True)
        .drop(columns="_anchor")
    )
    df.insert(0, "event_id", make_ids("JL", len(df), width=5))
    for col in ("scheduled_on", "occurred_at", "restored_at"):
        df[col] = pd.to_datetime(df[col]).astype("datetime64[us]")
    planted_ids = [
        e
        for e, a, k in zip(df["event_id"], df["asset_id"], df["kind"], strict=True)
        if fail is not None and a == fail["asset_id"] and k == "故障"
    ]
    return df, planted_ids


def _maintenance(
    c: Community, asset_id: str, every: int, start: pd.Timestamp, end: pd.Timestamp
) -> list[dict]:
    """Scheduled maintenance every ``every`` days; mostly on time, a few late or not done."""
    rng = c.rng
    out = []
    day = start + pd.Timedelta(days=int(rng.integers(0, every)))
    while day < end:
        delay = int(rng.choice([0, 1, 2, 3, 5, 8], p=[0.72, 0.12, 0.07, 0.04, 0.02, 0.03]))
        done = day + pd.Timedelta(
            days=delay, hours=int(rng.integers(8, 17)), minutes=int(rng.integers(0, 60))
        )
        not_done = rng.random() < 0.02 or done >= c.cut
        out.append(
            {
                "asset_id": asset_id,
                "kind": "维保",
                "scheduled_on": day,
                "occurred_at": pd.NaT if not_done else done,
                "restored_at": pd.NaT,
            }
        )
        day += pd.Timedelta(days=every)
    return out


def _failure(c: Community, asset_id: str, t: pd.Timestamp, type_: str) -> dict:
    hours = (2.5 if type_ == "电梯" else 6.0) * float(np.exp(0.6 * c.rng.standard_normal()))
    restored = t + pd.Timedelta(minutes=round(hours * 60))
    return {
        "asset_id": asset_id,
        "kind": "故障",
        "scheduled_on": pd.NaT,
        "occurred_at": t,
        "restored_at": restored if restored < c.cut else pd.NaT,
    }


HAZARD_DUE_DAYS = {"一般": 7, "较大": 3, "重大": 1}


def _hazards(c: Community) -> tuple[pd.DataFrame, str | None]:
    """Hazards (more found in the quality month); returns the planted overdue 重大 hazard id."""
    rng = c.rng
    counts = period_counts(c, 9, 14, {"quality_month": 2.2})
    found = np.sort(
        np.concatenate([random_times(rng, n, c.bounds(p)[0], c.days(p)) for p, n in counts.items()])
    )
    n = len(found)
    severity = rng.choice(["一般", "较大", "重大"], n, p=[0.8, 0.16, 0.04])
    found_s = pd.Series(found)
    # 重大 hazards are always fixed within hours (a clean community has no overdue 重大).
    found_s = found_s.mask(
        (severity == "重大") & (found_s > c.cut - pd.Timedelta(days=1)), found_s - pd.Timedelta(days=2)
    )
    due_days = np.array([HAZARD_DUE_DAYS[s] for s in severity])
    due = found_s.dt.normalize() + pd.to_timedelta(due_days, unit="D").to_numpy()
    due = due.where(rng.random(n) < 0.75)
    scale_days = np.select([severity == "重大", severity == "较大"], [0.15, 1.2], 2.5)
    hours = np.minimum(
        scale_days * 24 * np.exp(0.7 * rng.standard_normal(n)), np.where(severity == "重大", 20, 1e4)
    )
    rect = found_s + whole_minutes(hours * 60)
    rect = rect.mask((severity == "一般") & (rng.random(n) < (0.05 if not c.clean else 0.0)))
    rect = rect.where(rect < c.cut)
    df = pd.DataFrame(
        {
            "found_at": found_s.astype("datetime64[us]"),
            "area": weighted_choice(rng, HAZARD_AREAS, n),
            "severity": severity,
            "due_on": due.astype("datetime64[us]"),
            "rectified_at": rect.astype("datetime64[us]"),
        }
    )
    overdue = c.effect("overdue_critical_hazard")
    planted_at = None
    if overdue is not None:
        lo, hi = c.bounds(overdue["period"])
        planted_at = pd.Timestamp(
            random_times(rng, 1, lo + pd.Timedelta(days=3), max(1, (hi - lo).days - 6))[0]
        )
        row = {
            "found_at": planted_at,
            "area": "消防",
            "severity": "重大",
            "due_on": planted_at.normalize() + pd.Timedelta(days=1),
            "rectified_at": pd.NaT,
        }
        df = pd.concat([df, pd.DataFrame([row]).astype(df.dtypes.to_dict())], ignore_index=True)
        df = df.sort_values("found_at", kind="stable", ignore_index=True)
    df.insert(0, "hazard_id", make_ids("YH", len(df)))
    planted_id = None
    if planted_at is not None:
        hit = df["found_at"].eq(planted_at) & df["rectified_at"].isna() & df["severity"].eq("重大")
        planted_id = str(df.loc[hit, "hazard_id"].iloc[0])
    return df, planted_id


def _inspections(c: Community) -> pd.DataFrame:
    rng = c.rng
    counts = period_counts(c, 20, 30, {"quality_month": 2.0})
    gain = 3.0 if not c.clean else 0.0
    parts = []
    for p, n in counts.items():
        mean = (88.0 if c.clean else 84.0) + (gain if p == "quality_month" else gain / 3)
        parts.append(
            pd.DataFrame(
                {
                    "inspected_on": random_dates(rng, n, c.bounds(p)[0], c.days(p)),
                    "score": np.clip(np.round((mean + 5.5 * rng.standard_normal(n)) * 2) / 2, 40, 100),
                }
            )
        )
    df = pd.concat(parts, ignore_index=True).sort_values("inspected_on", kind="stable", ignore_index=True)
    n = len(df)
    df.insert(1, "dimension", rng.choice(INSPECTION_DIMENSIONS, n))
    df["inspector"] = rng.choice(["自查", "公司", "第三方"], n, p=[0.6, 0.3, 0.1])
    df.insert(0, "inspection_id", make_ids("JC", n))
    return df


def _employees(c: Community) -> pd.DataFrame:
    ids: list[str] = []
    roles: list[str] = []
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
                rows.append(
                    {
                        "employee_id": emp,
                        "role": role,
                        "course": str(course),
                        "trained_on": random_dates(rng, 1, start, c.days(p))[0],
                        "hours": float(rng.choice([1.0, 1.5, 2.0, 3.0, 4.0])),
                        "score": score if rng.random() < 0.85 else np.nan,
                    }
                )
    df = pd.DataFrame(rows).sort_values(["trained_on", "employee_id"], kind="stable", ignore_index=True)
    df["trained_on"] = df["trained_on"].astype("datetime64[us]")
    df.insert(0, "record_id", make_ids("PX", len(df)))
    return df


def _activities(c: Community) -> pd.DataFrame:
    rng = c.rng
    counts = {
        p: max(1, round(rng.integers(8, 15) * max(c.factor, 0.35)))
        if p == "quality_month"
        else int(rng.integers(1, 4))
        for p in c.periods
    }
    rows = []
    cats = list(ACTIVITY_TITLES)
    for p, n in counts.items():
        for t in random_dates(rng, n, c.bounds(p)[0], c.days(p)):
            cat = str(rng.choice(cats))
            title = str(rng.choice(ACTIVITY_TITLES[cat]))
            rows.append(
                {
                    "held_on": t,
                    "category": cat,
                    "title": title,
                    "description": f"{c.name}{title}" if rng.random() < 0.7 else None,
                    "participants": int(rng.integers(8, 260)) if rng.random() < 0.9 else None,
                    "highlight": bool(p == "quality_month" and rng.random() < 0.3),
                }
            )
    planted = c.effect("initiative_effect")
    if planted is not None:  # held twice in the quality month, before most of its surveys
        for t in random_dates(rng, 2, c.bounds("quality_month")[0], 10):
            rows.append(
                {
                    "held_on": t,
                    "category": planted["category"],
                    "title": planted["title"],
                    "description": f"{c.name}{planted['title']}",
                    "participants": int(rng.integers(80, 260)),
                    "highlight": True,
                }
            )
    df = pd.DataFrame(rows).sort_values("held_on", kind="stable", ignore_index=True)
    df["held_on"] = df["held_on"].astype("datetime64[us]")
    df["participants"] = df["participants"].astype("Int64")
    df["highlight"] = df["highlight"].astype("boolean")
    df.insert(0, "activity_id", make_ids("HD", len(df), width=3))
    return df


def _incidents(c: Community) -> pd.DataFrame:
    rng = c.rng
    lam = 0.9 if not c.clean else 0.3
    counts = {p: int(rng.poisson(lam)) for p in c.periods}
    total = sum(counts.values())
    if total > 6:
        counts = {p: min(n, 2) for p, n in counts.items()}
    times = np.sort(
        np.concatenate([random_times(rng, n, c.bounds(p)[0], c.days(p)) for p, n in counts.items()])
    )
    n = len(times)
    sev_p = [0.6, 0.3, 0.1, 0.0] if not c.clean else [1.0, 0.0, 0.0, 0.0]
    return pd.DataFrame(
        {
            "incident_id": make_ids("SG", n, width=3),
            "occurred_at": times.astype("datetime64[us]"),
            "type": rng.choice(INCIDENT_TYPES, n),
            "severity": rng.choice(["轻微", "一般", "较大", "重大"], n, p=sev_p),
            "injuries": pd.array(rng.choice([0, 0, 0, 1, 1, 2], n), dtype="Int64"),
        }
    )


def generate_tables(c: Community, work_orders: int | None) -> tuple[dict[str, pd.DataFrame], dict]:
    """All canonical tables plus the identifiers of planted effects."""
    low = c.effect("low_building")
    if low is not None and low["building"] is None:
        low["building"] = str(c.rng.choice(c.buildings[1:]))
    frames: dict[str, pd.DataFrame] = {
        "surveys": surveys_table(c),
        "work_orders": _work_orders(c, work_orders),
    }
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
