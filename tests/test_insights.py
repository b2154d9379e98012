"""find_insights on small hand-built communities: planted drivers found first, none where none planted."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from helpers import text, ts

from qmlib.insights import CONTRACT_COLUMNS, INSIGHT_COLUMNS, find_insights, write_insights
from qmlib.insights.caveats import cochran_n
from qmlib.insights.voice import group_comments, polarity_of, theme_of, tokens
from qmlib.metrics import compute_all
from qmlib.outputs import read_csv
from qmlib.params import Params, parse_params


def make_params(**overrides: Any) -> Params:
    raw: dict[str, Any] = {
        "community_id": "t01",
        "name": "test",
        "households": 100,
        "staff": {"客服": 4},
        "periods": {"baseline": ["2025-08-01", "2025-08-31"], "quality_month": ["2025-09-01", "2025-09-30"]},
    }
    raw.update(overrides)
    return parse_params(raw)


def orders(timely: dict[tuple[str, str], tuple[int, int]]) -> pd.DataFrame:
    """Work orders: (category, month) → (timely, total); arrival 10 min (timely) or 60 min (late)."""
    rows = []
    for (category, month), (ok, total) in timely.items():
        for i in range(total):
            reported = pd.Timestamp(f"2025-{month}-02 08:00") + pd.Timedelta(hours=7 * i)
            rows.append(
                {
                    "order_id": f"{category}{month}{i:02d}",
                    "reported_at": reported,
                    "arrived_at": reported + pd.Timedelta(minutes=10 if i < ok else 60),
                    "category": category,
                    "urgency": "普通",
                    "building": "1栋" if i % 2 else "2栋",
                }
            )
    df = pd.DataFrame(rows)
    for col in ("order_id", "category", "urgency", "building"):
        df[col] = df[col].astype("string")
    return df


def surveys(n_per_month: int = 10, comments: list[str] | None = None) -> pd.DataFrame:
    dates = [f"2025-08-{d:02d}" for d in range(1, n_per_month + 1)] + [
        f"2025-09-{d:02d}" for d in range(1, n_per_month + 1)
    ]
    comments = comments or [None] * len(dates)
    return pd.DataFrame(
        {
            "response_id": text(*[f"R{i}" for i in range(len(dates))]),
            "surveyed_at": ts(*dates),
            "building": text(*["1栋"] * len(dates)),
            "overall": pd.Series([4.0] * len(dates)),
            "comment": text(*comments),
        }
    )


def run(tables: dict[str, pd.DataFrame], params: Params, lang: str = "zh") -> pd.DataFrame:
    return find_insights(tables, compute_all(tables, params), params, None, lang)


def test_slow_category_is_the_first_driver_of_the_on_time_change():
    params = make_params()
    tables = {
        "surveys": surveys(),
        "work_orders": orders(
            {
                ("水电维修", "08"): (2, 10),
                ("水电维修", "09"): (9, 10),
                ("土建维修", "08"): (9, 10),
                ("土建维修", "09"): (9, 10),
            }
        ),
    }
    df = run(tables, params)
    assert list(df.columns) == INSIGHT_COLUMNS
    drivers = df[df["kind"] == "driver"]
    top = drivers.iloc[0]
    assert (top["metric_id"], top["period"], top["dimension"], top["subject"]) == (
        "repair_timely_rate",
        "quality_month",
        "category",
        "水电维修",
    )
    # EP = ((11 + 9 − 2) / 20 − 11/20) / (18/20 − 11/20) = 1
    assert top["share_of_change"] == pytest.approx(1.0)
    assert top["value"] == pytest.approx(0.9) and top["reference"] == pytest.approx(0.2)
    assert "20%（n=10） → 质量月 90%（n=10）" in top["evidence"]
    assert top["rank"] == 1
    assert "土建维修" not in set(drivers["subject"])


def test_nothing_changed_no_drivers():
    params = make_params()
    tables = {
        "surveys": surveys(),
        "work_orders": orders(
            {
                ("水电维修", "08"): (8, 10),
                ("水电维修", "09"): (8, 10),
                ("土建维修", "08"): (9, 10),
                ("土建维修", "09"): (9, 10),
            }
        ),
    }
    df = run(tables, params)
    assert df[df["kind"] == "driver"].empty
    assert df[df["kind"] == "case"].empty


def test_voice_groups_near_duplicates_and_links_the_metric():
    texts = (
        ["垃圾分类点有异味"] * 6
        + ["垃圾分类点有异味！"] * 2
        + ["电梯经常故障，希望尽快解决"] * 3
        + ["电梯又故障了，希望尽快解决"]
        + ["小区绿化不错"] * 3
        + [None] * 5
    )
    params = make_params()
    df = run({"surveys": surveys(comments=texts)}, params)
    voice = df[df["kind"] == "voice"].reset_index(drop=True)
    assert voice.loc[0, "subject"] == "垃圾分类点有异味"
    assert voice.loc[0, "value"] == 8 and voice.loc[0, "reference"] == 15
    assert voice.loc[0, "dimension"] == "environment"
    assert voice.loc[0, "metric_id"] == ""  # no cleaning dimension in these surveys
    elevator = voice[voice["dimension"] == "elevator"].iloc[0]
    assert elevator["value"] == 4  # 3 + the near duplicate
    good = voice[voice["subject"] == "小区绿化不错"].iloc[0]
    assert good["direction"] == "good" and good["rank"] > elevator["rank"]


def test_voice_helpers():
    assert theme_of(tokens("电梯经常故障")) == "elevator"
    assert polarity_of(tokens("维修人员态度很好")) == "good"
    assert polarity_of(tokens("希望加强停车管理")) == "bad"
    groups, member = group_comments(pd.Series(["门禁经常失灵", "门禁经常失灵。", "快递柜太少"]), 0.6)
    assert [g.count for g in groups] == [2, 1]
    assert member["门禁经常失灵"] == 0


def test_cochran_sample_size_and_coverage_caveat():
    # n0 = 1.96² × 0.25 / 0.05² = 384.15; N = 2000 → 384.15 / (1 + 383.15 / 2000) = 322.4 → 323
    assert cochran_n(2000, 0.05, 1.959963984540054) == 323
    assert cochran_n(100, 0.05, 1.959963984540054) == 80
    params = make_params()
    df = run({"surveys": surveys()}, params, "en")
    cov = df[(df["kind"] == "caveat") & (df["dimension"] == "coverage")]
    assert set(cov["period"]) == {"baseline", "quality_month"}
    assert cov.iloc[0]["value"] == pytest.approx(0.10) and cov.iloc[0]["reference"] == pytest.approx(0.80)
    missing = df[(df["kind"] == "caveat") & (df["dimension"] == "missing_table")]
    assert "work_orders" in set(missing["subject"])


def test_initiative_names_the_change_of_its_domain_as_an_association():
    params = make_params()
    acts = pd.DataFrame(
        {
            "activity_id": text("A1", "A2"),
            "held_on": ts("2025-09-10", "2025-09-12"),
            "category": text("员工培训", "员工培训"),
            "title": text("工程技能比武", "工程技能比武"),
            "participants": pd.array([30, 20], dtype="Int64"),
        }
    )
    tables = {
        "surveys": surveys(),
        "activities": acts,
        "work_orders": orders(
            {
                ("水电维修", "08"): (2, 10),
                ("水电维修", "09"): (9, 10),
                ("土建维修", "08"): (9, 10),
                ("土建维修", "09"): (9, 10),
            }
        ),
    }
    df = run(tables, params)
    ini = df[df["kind"] == "initiative"].iloc[0]
    assert (ini["subject"], ini["dimension"], ini["metric_id"]) == (
        "工程技能比武",
        "repairs",
        "repair_timely_rate",
    )
    assert ini["value"] == pytest.approx(0.9) and ini["reference"] == pytest.approx(0.55)
    assert "不能证明因果" in ini["evidence"] and "50人次" in ini["evidence"]


def test_write_insights_contract_columns_first(tmp_path):
    params = make_params()
    df = run({"surveys": surveys()}, params)
    path = write_insights(df, tmp_path)
    back = read_csv(path)
    assert list(back.columns[: len(CONTRACT_COLUMNS)]) == CONTRACT_COLUMNS
    assert len(back) == len(df)


def test_breakdowns_share_rows_between_measures_of_one_source_without_changing_them() -> None:
    """Breakdowns prepares measures of the same rows once (memo); each Prepared is what
    prepare() makes alone, and the parts line up element by element (drivers._aligned)."""
    import numpy as np

    from qmlib.insights.drivers import _aligned
    from qmlib.insights.measures import Breakdowns, measures, prepare

    wo = orders(
        {("水电", "08"): (8, 10), ("水电", "09"): (3, 10), ("门窗", "08"): (9, 10), ("门窗", "09"): (9, 9)}
    )
    wo.loc[3, "category"] = pd.NA
    wo["completed_at"] = wo["arrived_at"] + pd.Timedelta(hours=1)
    tables = {"work_orders": wo, "surveys": surveys()}
    params = make_params()
    bd = Breakdowns(tables, params)
    ms = measures(tables, params)
    assert {m.metric_id for m in ms} >= {"repair_timely_rate", "repair_completion_rate", "satisfaction_index"}
    for m in ms:
        alone, shared = prepare(m, tables, params), bd.prepared(m.metric_id)
        assert (alone is None) == (shared is None)
        if alone is None:
            continue
        pd.testing.assert_frame_equal(shared.rows, alone.rows)
        assert list(shared.period) == list(alone.period)
        for a, b in ((alone.num, shared.num), (alone.den, shared.den)):
            assert (a is None and b is None) or np.array_equal(a, b)
        for dim in m.dims:
            assert shared.codes(dim)[1] == alone.codes(dim)[1]
            assert np.array_equal(shared.codes(dim)[0], alone.codes(dim)[0])
    timely, completion = bd.prepared("repair_timely_rate"), bd.prepared("repair_completion_rate")
    assert timely.rows is completion.rows  # one frame for both
    # the aligned parts: one row per element, sorted, missing numbers 0, as the outer join gave
    f = bd.parts("repair_timely_rate", "category", "baseline")
    a = bd.parts("repair_timely_rate", "category", "quality_month")
    both = _aligned(f, a)
    merged = (
        f[["element", "num", "den"]]
        .merge(a[["element", "num", "den"]], on="element", how="outer", suffixes=("_f", "_a"))
        .sort_values("element", kind="stable")
        .reset_index(drop=True)
    )
    assert list(both["element"]) == list(merged["element"]) == ["", "水电", "门窗"]
    for c in ("num_f", "num_a", "den_f", "den_a"):
        assert both[c].tolist() == merged[c].astype(float).fillna(0.0).tolist()
    assert both["num_f"].tolist() == [1.0, 7.0, 9.0] and both["den_a"].tolist() == [0.0, 10.0, 9.0]
    # parts that list other elements take the outer join
    g = _aligned(f.iloc[1:], a)
    assert list(g["element"]) == ["", "水电", "门窗"] and g["den_f"].tolist() == [0.0, 9.0, 10.0]
