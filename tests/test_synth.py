"""Tests of the synthetic data generator (qmlib.synth).

The exported files are read back with a small validator written here from
CONTRACT.md section 2 (independent of the ingest code), so that the tests
check what the files say, not what the generator meant.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qmlib.params import load_params
from qmlib.schema import SURVEY_LABELS, TABLE_ORDER, TABLES
from qmlib.synth import (
    EFFECT_DEFAULTS,
    LARGE_TABLE_ROWS,
    community_id_for,
    format_dates,
    format_times,
    generate,
    generate_community,
    score_probs,
)

TZ = "Asia/Shanghai"
BOOLS = {"是", "否", "y", "n", "yes", "no", "true", "false", "1", "0"}
ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$"
)
SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
CN = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日(?: ?(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


# ---- an independent reader/validator -------------------------------------------------
def parse_time(value: object, date_only: bool) -> pd.Timestamp:
    """Contract timestamp/date → naive local Timestamp; ValueError when unparseable."""
    if isinstance(value, dt.datetime | dt.date):
        return pd.Timestamp(value)
    text = str(value).strip()
    for rx in (ISO, SLASH, CN):
        m = rx.match(text)
        if not m:
            continue
        y, mo, d = (int(m.group(i)) for i in (1, 2, 3))
        has_time = m.group(4) is not None
        if date_only and has_time:
            raise ValueError(text)
        dt.date(y, mo, d)  # raises for 2025-09-31
        if rx is ISO and m.group(7):
            ts = pd.Timestamp(text.replace(" ", "T"))
            return ts.tz_convert(TZ).tz_localize(None)
        return pd.Timestamp(text.replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-"))
    raise ValueError(text)


def _blank_to_none(v: object) -> object:
    return None if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)) or v == "" else v


def read_export(path: Path, info: dict) -> pd.DataFrame:
    """A table file → canonical column names, raw cells, ``_row`` = spreadsheet row."""
    if info["format"] == "xlsx":
        raw = pd.read_excel(path, dtype=object, sheet_name=0)
    else:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=info["encoding"])
    spec = TABLES[path.stem]
    names = {h.lower(): col.name for col in spec.columns for h in col.accepted_headers}
    df = raw.rename(columns=lambda h: names.get(str(h).strip().lower(), f"_extra:{h}"))
    df = df[[c for c in df.columns if not c.startswith("_extra:")]].copy()
    df = df.astype(object).map(_blank_to_none).astype(object)
    df = df.where(df.notna(), None)
    df["_row"] = np.arange(2, len(df) + 2)
    return df


def _check_value(col, value, scale: int):
    """Parsed value, or raise ValueError."""
    if col.kind in ("timestamp", "date"):
        return parse_time(value, col.kind == "date")
    if col.kind == "bool":
        if str(value).strip().lower() not in BOOLS:
            raise ValueError(value)
        return str(value).strip().lower() in {"是", "y", "yes", "true", "1"}
    if col.kind == "enum":
        key = str(value).strip().lower()
        if key not in col.enum:
            raise ValueError(value)
        return col.enum[key]
    if col.kind == "score":
        if isinstance(value, str) and value in SURVEY_LABELS and scale == 5:
            return SURVEY_LABELS[value]
        x = float(value)
        if not (1 <= x <= scale) or x != int(x):
            raise ValueError(value)
        return x
    if col.kind in ("number", "rating", "integer"):
        x = float(value)
        lo = 1 if col.kind == "rating" else col.minimum
        hi = 5 if col.kind == "rating" else col.maximum
        if (lo is not None and x < lo) or (hi is not None and x > hi):
            raise ValueError(value)
        return x
    return str(value)


def validate(path: Path, info: dict, scale: int, asset_ids: set[str] | None, roles: set[str]):
    """Return (accepted rows as canonical values, {source_row: column} of rejected rows)."""
    table = path.stem
    spec = TABLES[table]
    df = read_export(path, info)
    rejected: dict[int, str] = {}
    seen: set[str] = set()
    good = []
    for rec in df.to_dict("records"):
        row, out, bad = rec["_row"], {}, None
        for col in spec.columns:
            if col.name not in rec:
                continue
            value = rec[col.name]
            if value is None:
                out[col.name] = None
                if col.required:
                    bad = bad or col.name
                continue
            try:
                out[col.name] = _check_value(col, value, scale)
            except ValueError:
                bad = bad or col.name
        if table == "asset_events" and bad is None:
            if out["kind"] in ("故障", "检测") and out.get("occurred_at") is None:
                bad = "occurred_at"
            if out["kind"] == "维保" and out.get("scheduled_on") is None:
                bad = "scheduled_on"
            if out["asset_id"] not in asset_ids:
                bad = "asset_id"
        if table == "training" and bad is None:
            assert out["role"] in roles
        for first, later in spec.order_rules:
            if (
                bad is None
                and out.get(first) is not None
                and out.get(later) is not None
                and out[later] < out[first]
            ):
                bad = later
        key = out.get(spec.key)
        if bad is None and key in seen:
            bad = spec.key
        if bad is None:
            seen.add(key)
            good.append(out)
        else:
            rejected[row] = bad
    return pd.DataFrame(good), rejected


def load_valid(
    root: Path, cid: str, truth: dict
) -> tuple[dict[str, pd.DataFrame], dict[str, dict[int, str]]]:
    params = load_params(root / "params" / f"{cid}.yaml")
    frames, rejects = {}, {}
    for table in TABLE_ORDER:
        info = truth["files"][table]
        ids = set(frames["assets"]["asset_id"]) if table == "asset_events" else None
        frames[table], rejects[table] = validate(
            root / "data" / cid / info["file"], info, params.survey_scale, ids, set(params.staff)
        )
    return frames, rejects


def _in(t: pd.Series, truth: dict, period: str) -> pd.Series:
    lo, hi = truth["periods"][period]
    return (t >= pd.Timestamp(lo)) & (t < pd.Timestamp(hi) + pd.Timedelta(days=1))


# ---- fixtures ---------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, list[str], dict[str, dict]]:
    root = tmp_path_factory.mktemp("synth")
    ids = generate(3, root, seed=0)
    truths = {cid: json.loads((root / "truth" / f"{cid}.json").read_text(encoding="utf-8")) for cid in ids}
    return root, ids, truths


@pytest.fixture(scope="module")
def parsed(demo):
    root, ids, truths = demo
    return {cid: load_valid(root, cid, truths[cid]) for cid in ids}


# ---- tests --------------------------------------------------------------------
def test_ids_and_layout(demo):
    root, ids, truths = demo
    assert ids == ["demo01", "demo02", "demo03"]
    for cid in ids:
        files = sorted(p.name for p in (root / "data" / cid).iterdir())
        assert len(files) == 10
        assert {Path(f).stem for f in files} == set(TABLE_ORDER)
        assert any(f.endswith(".xlsx") for f in files)
        assert truths[cid]["community_id"] == cid and truths[cid]["seed"] == 0


def test_community_ids():
    assert community_id_for(7, 12) == "demo07"
    assert community_id_for(7, 150) == "c0007"
    assert community_id_for(12345, 12345) == "c12345"


def test_params_load(demo):
    root, ids, truths = demo
    scales, languages = set(), set()
    for cid in ids:
        p = load_params(root / "params" / f"{cid}.yaml", cid)
        assert 800 <= p.households <= 3000
        assert set(p.staff) == {"客服", "工程", "秩序", "保洁", "绿化"}
        assert 3 <= len(p.targets) <= 5
        assert p.as_of_date == dt.date(2025, 10, 31)
        assert p.households == truths[cid]["households"]
        scales.add(p.survey_scale)
        languages.add(p.language)
    assert scales == {5, 10} and languages == {"zh", "en"}


def test_encodings_and_formats(demo):
    root, ids, truths = demo
    encodings, time_styles, bool_styles, headers = set(), set(), set(), set()
    excel_dates = 0
    for cid in ids:
        for table, info in truths[cid]["files"].items():
            path = root / "data" / cid / info["file"]
            raw = path.read_bytes()
            headers.add(info["header_style"])
            time_styles.add(info["time_style"])
            if table in ("work_orders", "complaints", "activities"):
                bool_styles.add(info["bool_style"])
            if info["format"] == "xlsx":
                assert raw[:2] == b"PK"
                cells = pd.read_excel(path, dtype=object).to_numpy().ravel()
                excel_dates += sum(isinstance(v, dt.datetime) for v in cells)
                continue
            encodings.add(info["encoding"])
            assert raw.startswith(b"\xef\xbb\xbf") == (info["encoding"] == "utf-8-sig")
            if info["encoding"] in ("gbk", "gb18030") and not raw.isascii():
                with pytest.raises(UnicodeDecodeError):
                    raw.decode("utf-8")
                raw.decode("gbk")
    assert encodings == {"utf-8", "utf-8-sig", "gbk", "gb18030"}
    assert {"canonical", "alias", "alias_alt"} <= headers
    assert {"ymd_hm", "slash", "cn", "iso_z", "iso_offset", "iso_frac_utc", "mixed", "excel"} <= time_styles
    assert {"zh", "yn", "10", "tf", "yesno"} == bool_styles
    assert excel_dates > 100


def test_sizes_are_demo_sized(demo):
    root, ids, truths = demo
    ranges = {
        "surveys": (300, 600),
        "work_orders": (400, 900),
        "complaints": (40, 120),
        "assets": (30, 80),
        "hazards": (30, 80),
        "inspections": (60, 150),
        "training": (80, 200),
        "activities": (10, 25),
        "incidents": (0, 6),
    }
    for cid in ids:
        for table, (lo, hi) in ranges.items():
            assert lo <= truths[cid]["files"][table]["rows_read"] <= hi, (cid, table)
    total = sum(p.stat().st_size for p in (root / "data").rglob("*") if p.is_file())
    assert total < 2_000_000


def test_only_planted_rows_are_invalid(demo, parsed):
    _, ids, truths = demo
    for cid in ids:
        _, rejects = parsed[cid]
        bad = truths[cid]["bad_rows"]
        assert 0.004 < len(bad) / sum(f["rows_read"] for f in truths[cid]["files"].values()) < 0.012
        for table in TABLE_ORDER:
            expected = {b["source_row"]: b["column"] for b in bad if b["table"] == table}
            assert rejects[table] == expected, (cid, table)
            assert truths[cid]["files"][table]["rows_rejected"] == len(expected)
    kinds = {b["kind"] for cid in ids for b in truths[cid]["bad_rows"]}
    assert {
        "missing_required",
        "unparseable_date",
        "duplicate_key",
        "score_off_scale",
        "rating_out_of_range",
        "negative_hours",
        "enum_not_listed",
        "time_order",
        "unknown_asset",
    } <= kinds


def test_planted_cells_are_where_truth_says(demo):
    root, ids, truths = demo
    for cid in ids:
        tables = {b["table"] for b in truths[cid]["bad_rows"]}
        files = truths[cid]["files"]
        read = {t: read_export(root / "data" / cid / files[t]["file"], files[t]) for t in tables}
        for b in truths[cid]["bad_rows"]:
            df = read[b["table"]]
            row = df.iloc[b["source_row"] - 2]
            cell = row[b["column"]]
            if isinstance(cell, int | float) and not isinstance(cell, bool):
                assert float(cell) == float(b["value"])
            else:
                assert (None if cell is None else str(cell)) == b["value"]
            if b["kind"] == "duplicate_key":
                earlier = df.iloc[: b["source_row"] - 2][b["column"]].astype(str).tolist()
                assert b["key"] in earlier


def test_observed_metrics_match_files(demo, parsed):
    _, ids, truths = demo
    for cid in ids:
        v, _ = parsed[cid]
        scale = truths[cid]["survey_scale"]
        obs = truths[cid]["observed"]
        for p in truths[cid]["periods"]:
            s = v["surveys"][_in(v["surveys"]["surveyed_at"], truths[cid], p)]
            index = ((s["overall"] - 1) * (25 if scale == 5 else 100 / 9)).mean()
            assert index == pytest.approx(obs["satisfaction_index"][p], abs=1e-5)
            wo = v["work_orders"]
            wo = wo[
                _in(wo["reported_at"], truths[cid], p)
                & ~wo["status"].str.lower().isin(["已取消", "cancelled"])
            ]
            arrival = (wo["arrived_at"] - wo["reported_at"]).dt.total_seconds() / 60
            timely = arrival.le(wo["urgency"].map({"普通": 30, "紧急": 15})).fillna(False)
            assert timely.mean() == pytest.approx(obs["repair_timely_rate"][p], abs=1e-5)
            assert _in(v["hazards"]["found_at"], truths[cid], p).sum() == obs["hazard_count"][p]


def test_planted_effects_are_in_the_data(demo, parsed):
    _, ids, truths = demo
    changes = []
    for cid in ids:
        v, _ = parsed[cid]
        eff = truths[cid]["effects"]
        ev = v["asset_events"]
        elevator = eff["failing_elevator"]
        fails = ev[ev["asset_id"].eq(elevator["asset_id"]) & ev["kind"].eq("故障")]
        assert len(fails) == elevator["failures"] >= 5
        assert sorted(fails["event_id"]) == sorted(elevator["event_ids"])
        assert v["assets"].set_index("asset_id").loc[elevator["asset_id"], "type"] == "电梯"
        others = ev[ev["kind"].eq("故障") & ev["asset_id"].ne(elevator["asset_id"])]
        assert others["asset_id"].value_counts().max() <= 2

        hz = v["hazards"].set_index("hazard_id")
        overdue = hz.loc[eff["overdue_critical_hazard"]["hazard_id"]]
        assert overdue["severity"] == "重大" and pd.isna(overdue["rectified_at"])
        assert overdue["due_on"] < pd.Timestamp(truths[cid]["as_of"])
        others = hz[hz["severity"].eq("重大") & hz.index.to_series().ne(overdue.name)]
        assert others["rectified_at"].notna().all()

        slow = eff["slow_repair_category"]
        assert slow["observed_median_minutes"] > 2 * slow["observed_median_minutes_others"]
        assert slow["share_of_sla_misses"] > 2.5 * slow["share_of_orders"]
        assert slow["observed_top_miss_category"] == slow["category"]

        dom = eff["dominant_complaint"]
        assert dom["observed_top"] == dom["category"] and dom["observed_share"] > 0.3

        low = eff["low_building"]
        assert low["observed_gap"] < -7
        assert low["building"] in set(v["surveys"]["building"])
        changes.append(eff["satisfaction"]["planted_change"]["quality_month"])
    assert changes[0] >= 8 and 0 in changes and min(changes) < 0
    gain = truths["demo01"]["effects"]["satisfaction"]["observed_index"]
    assert gain["quality_month"] - gain["baseline"] > 5
    assert gain["baseline"] < gain["followup"] < gain["quality_month"]


def test_targets_in_truth(demo):
    root, ids, truths = demo
    for cid in ids:
        params = load_params(root / "params" / f"{cid}.yaml")
        assert [t["metric"] for t in truths[cid]["targets"]] == [t.metric for t in params.targets]
        assert any(t["expected_achieved"] is not None for t in truths[cid]["targets"])
    assert truths["demo01"]["targets"][0]["expected_achieved"] is True


def test_deterministic_by_seed(demo, tmp_path):
    root, _, _ = demo
    generate(1, tmp_path / "a", seed=0)
    for p in (root / "data" / "demo01").iterdir():
        assert (tmp_path / "a" / "data" / "demo01" / p.name).read_bytes() == p.read_bytes(), p.name
    assert (tmp_path / "a" / "params" / "demo01.yaml").read_bytes() == (
        root / "params" / "demo01.yaml"
    ).read_bytes()
    generate(1, tmp_path / "b", seed=1)
    a = (tmp_path / "a" / "data" / "demo01" / "work_orders.csv").read_bytes()
    assert (tmp_path / "b" / "data" / "demo01" / "work_orders.csv").read_bytes() != a


def test_start_index_gives_the_same_community(demo, tmp_path):
    root, _, _ = demo
    assert generate(1, tmp_path, seed=0, start_index=2, truth_dir=tmp_path / "t") == ["demo02"]
    assert (tmp_path / "t" / "demo02.json").is_file()
    assert (tmp_path / "data" / "demo02" / "complaints.csv").read_bytes() == (
        root / "data" / "demo02" / "complaints.csv"
    ).read_bytes()


def test_clean_community(tmp_path):
    truth = generate_community(
        "clean01", tmp_path, np.random.default_rng(5), size="tiny", effects={}, variant=4
    )
    assert truth["clean"] is True and truth["bad_rows"] == [] and truth["effects"] == {}
    v, rejects = load_valid(tmp_path, "clean01", truth)
    assert all(not r for r in rejects.values())
    hz = v["hazards"]
    assert hz.loc[hz["severity"].eq("重大"), "rectified_at"].notna().all()
    assert hz["rectified_at"].notna().mean() > 0.95
    failures = v["asset_events"].query("kind == '故障'")["asset_id"].value_counts()
    assert failures.max() <= 2
    index = truth["observed"]["satisfaction_index"]
    assert max(index.values()) - min(index.values()) < 3
    assert not v["incidents"].get("severity", pd.Series(dtype=object)).isin(["较大", "重大"]).any()
    assert all(t["expected_achieved"] for t in truth["targets"])
    assert v["work_orders"]["completed_at"].notna().mean() > 0.95


def test_partial_effects_and_overrides(tmp_path):
    truth = generate_community(
        "part01",
        tmp_path,
        np.random.default_rng(3),
        size="tiny",
        effects={"satisfaction": {"change": -5.0, "retention": 0.0}, "failing_elevator": {"failures": 7}},
    )
    assert set(truth["effects"]) == {"satisfaction", "failing_elevator"}
    assert truth["effects"]["satisfaction"]["planted_change"] == {"quality_month": -5.0, "followup": 0.0}
    assert truth["effects"]["failing_elevator"]["failures"] == 7
    assert truth["bad_rows"] == []
    with pytest.raises(ValueError, match="unknown effect"):
        generate_community("x", tmp_path, np.random.default_rng(0), effects={"nope": {}})
    assert set(EFFECT_DEFAULTS) >= set(truth["effects"])


def test_large_work_orders_are_one_plain_csv(tmp_path):
    n = LARGE_TABLE_ROWS + 1
    truth = generate_community("big01", tmp_path, np.random.default_rng(0), size="tiny", work_orders=n)
    info = truth["files"]["work_orders"]
    assert info == {
        **info,
        "file": "work_orders.csv",
        "encoding": "utf-8",
        "rows_read": n,
        "extra_columns": [],
    }
    raw = (tmp_path / "data" / "big01" / "work_orders.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(tmp_path / "data" / "big01" / "work_orders.csv", dtype=str, keep_default_na=False)
    assert len(df) == n
    assert df.columns[0] == "工单号"
    iso = df["报修时间"].str.match(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
    assert iso.sum() >= n - len(truth["bad_rows"])


def test_time_formats_are_the_right_instant():
    s = pd.Series(pd.to_datetime(["2025-09-01 08:30:00", None]))
    assert list(format_times(s, "iso_z")) == ["2025-09-01T00:30:00Z", None]
    assert format_times(s, "iso_offset")[0] == "2025-09-01T08:30:00+08:00"
    assert format_times(s, "iso_frac_utc")[0] == "2025-09-01 00:30:00.000000+00:00"
    assert format_times(s, "slash")[0] == "2025/9/1 8:30"
    assert format_times(s, "cn")[0] == "2025年9月1日 8:30"
    assert format_dates(s, "slash")[0] == "2025/9/1"
    assert format_dates(s, "excel")[0] == dt.date(2025, 9, 1)


def test_score_distribution_has_the_planted_mean():
    for scale in (5, 10):
        values = np.arange(1, scale + 1)
        p = score_probs(62.5, scale)
        mean = p @ values
        index = (mean - 1) * 25 if scale == 5 else (mean - 1) / 9 * 100
        assert index == pytest.approx(62.5, abs=1e-6)


def _content(path: Path) -> bytes | list:
    """File bytes; for xlsx every sheet's cells (value, type, number format).

    Cell content rather than the zip members: the XML spelling depends on whether
    openpyxl finds lxml installed (``"/>"`` against ``" />"``), not on the generator.
    """
    if path.suffix != ".xlsx":
        return path.read_bytes()
    import openpyxl

    book = openpyxl.load_workbook(path)
    return [
        (sheet.title, [[(c.value, c.data_type, c.number_format) for c in row] for row in sheet.iter_rows()])
        for sheet in book.worksheets
    ]


def test_shipped_demo_is_up_to_date(demo):
    """data/demo0*, params/demo0*.yaml and tests/truth/ are what scripts/make_demo.py writes."""
    root, ids, truths = demo
    repo = Path(__file__).resolve().parents[1]
    if not (repo / "data" / "demo01").is_dir():
        pytest.skip("demo data not shipped")
    for cid in ids:
        shipped = json.loads((repo / "tests" / "truth" / f"{cid}.json").read_text(encoding="utf-8"))
        assert shipped == truths[cid], f"stale demo: run python scripts/make_demo.py ({cid})"
        assert (repo / "params" / f"{cid}.yaml").read_bytes() == (
            root / "params" / f"{cid}.yaml"
        ).read_bytes()
        for info in truths[cid]["files"].values():
            fresh, old = root / "data" / cid / info["file"], repo / "data" / cid / info["file"]
            assert _content(old) == _content(fresh), f"stale demo file {old}"
