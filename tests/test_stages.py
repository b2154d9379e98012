"""Stage outputs as the interface: one layout, typed frames read back exactly, missing stages run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qmlib import pipeline, stages
from qmlib.errors import StageOutputError

ROOT = Path(__file__).resolve().parents[1]


def community(out: Path, cid: str = "demo01") -> stages.Community:
    return stages.Community(cid, ROOT / "data", ROOT / "params", out)


def test_layout_names_every_file_of_a_community(tmp_path: Path) -> None:
    layout = community(tmp_path).layout
    assert layout.folder == tmp_path / "demo01"
    assert layout.csv("metrics") == tmp_path / "demo01" / "metrics.csv"
    assert layout.frame("shortcomings") == tmp_path / "demo01" / "stage" / "shortcomings.parquet"
    assert layout.clean_dir == tmp_path / "demo01" / "clean"
    assert layout.report_html == tmp_path / "demo01" / "report.html"
    assert layout.plan_xlsx == tmp_path / "demo01" / "plan.xlsx"


def test_registry_lists_the_stages_in_run_order() -> None:
    assert [s.name for s in stages.STAGES] == ["ingest", "metrics", "shortcomings", "insights", "plan"]
    assert stages.stage("metrics").frames == ("metrics", "changes", "targets", "signals")
    with pytest.raises(KeyError, match="no stage 'nope'"):
        stages.stage("nope")


@pytest.mark.parametrize("bad", ["../x", "x1\n", "X1", ""])
def test_community_ids_must_match_as_a_whole(bad: str, tmp_path: Path) -> None:
    with pytest.raises(StageOutputError, match="is not valid"):
        stages.Community(bad, tmp_path, tmp_path, tmp_path)


def test_frames_keep_nullable_types_and_missing_versus_empty_text(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "n": pd.array([1, None, 3], dtype="Int64"),
            "ok": pd.array([True, None, False], dtype="boolean"),
            "id": pd.array(["a", None, ""], dtype="string"),
            "x": pd.array([0.1, None, 1e300], dtype="Float64"),
            "text": ["", None, "<b>x</b>"],
            "when": pd.to_datetime(["2025-09-01 08:00", None, "2025-09-30 00:00"]),
        }
    )
    path = stages.write_frame(frame, tmp_path / "stage" / "f.parquet")
    back = stages.read_frame(path)
    pd.testing.assert_frame_equal(back, frame)
    assert back["text"].iloc[0] == "" and pd.isna(back["text"].iloc[1])  # a CSV makes both NaN
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in ("a", "b")})
    pd.testing.assert_frame_equal(stages.read_frame(stages.write_frame(empty, tmp_path / "e.parquet")), empty)


def test_an_unreadable_frame_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "stage" / "metrics.parquet"
    path.parent.mkdir()
    path.write_bytes(b"not parquet")
    with pytest.raises(StageOutputError, match=r"metrics\.parquet: cannot read this stage output"):
        stages.read_frame(path)


def test_a_frame_is_decoded_once_per_content_and_a_rewritten_file_is_read_again(tmp_path: Path) -> None:
    import os

    path = stages.write_frame(pd.DataFrame({"x": [1.0, 2.0], "id": ["a", "b"]}), tmp_path / "f.parquet")
    first = stages.read_frame(path)
    key = next(reversed(stages._DECODED))
    assert key[0] == str(path.resolve())
    first.loc[0, "x"] = 99.0  # a caller's change stays in its copy
    assert stages.read_frame(path)["x"].tolist() == [1.0, 2.0]
    assert next(reversed(stages._DECODED)) == key  # no second entry for the same bytes
    # rewritten with the same size and the old mtime (a coarse clock): the bytes decide
    stat = path.stat()
    stages.write_frame(pd.DataFrame({"x": [3.0, 4.0], "id": ["c", "d"]}), path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    back = stages.read_frame(path)
    assert back["x"].tolist() == [3.0, 4.0] and back["id"].tolist() == ["c", "d"]
    # another community's file with the same bytes is its own entry
    other = tmp_path / "other" / "f.parquet"
    other.parent.mkdir()
    other.write_bytes(path.read_bytes())
    stages.read_frame(other)
    assert next(reversed(stages._DECODED))[0] == str(other.resolve())
    # a frame that cannot be read is not cached, and a deleted file is an error
    path.write_bytes(b"not parquet")
    with pytest.raises(StageOutputError, match="cannot read this stage output"):
        stages.read_frame(path)
    path.unlink()
    with pytest.raises(StageOutputError, match="cannot read this stage output"):
        stages.read_frame(path)


def test_the_frame_cache_keeps_a_bounded_number_of_frames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stages, "DECODED_MAX", 3)
    for i in range(6):
        stages.read_frame(stages.write_frame(pd.DataFrame({"i": [i]}), tmp_path / f"{i}.parquet"))
    assert len(stages._DECODED) == 3
    assert [k[0] for k in stages._DECODED] == [str((tmp_path / f"{i}.parquet").resolve()) for i in (3, 4, 5)]


def test_clean_tables_loaded_again_after_a_new_ingest(tmp_path: Path) -> None:
    c = community(tmp_path)
    stages.run_ingest(c)
    before = stages.load_ingest(c).tables["work_orders"]
    # the clean table is replaced (as a new ingest would): the next load reads the new rows
    clean = c.layout.clean_dir / "work_orders.parquet"
    fewer = pd.read_parquet(clean).iloc[:5]
    fewer.to_parquet(clean, index=False)
    after = stages.load_ingest(c).tables["work_orders"]
    assert len(before) > 5 and len(after) == 5
    assert after["order_id"].tolist() == before["order_id"].tolist()[:5]
    pd.testing.assert_series_equal(after.dtypes, before.dtypes)


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> stages.Community:
    """demo01 through every stage in one process (qmlib.pipeline, as bench/batch.py runs it)."""
    out = tmp_path_factory.mktemp("out")
    report = pipeline.run_inprocess("demo01", ROOT / "data", ROOT / "params", out)
    assert report == out / "demo01" / "report.html" and report.is_file()
    return community(out)


@pytest.mark.slow
def test_each_stage_reads_back_exactly_what_it_computed(ran: stages.Community) -> None:
    from qmlib.control_charts import signals
    from qmlib.ingest import ingest_community
    from qmlib.metrics import compute_all
    from qmlib.plan import build_plan
    from qmlib.shortcomings import find_shortcomings

    fresh = ingest_community("demo01", ROOT / "data", ROOT / "params", write=False)
    ingest = stages.load_ingest(ran)
    pd.testing.assert_frame_equal(ingest.summary, fresh.summary)
    pd.testing.assert_frame_equal(ingest.rejects, fresh.rejects)
    results = compute_all(fresh.tables, fresh.params)
    loaded = stages.load_metrics(ran)
    for name in ("metrics", "changes", "targets"):
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(results, name))
    pd.testing.assert_frame_equal(loaded.signals, signals(fresh.tables, fresh.params))
    found = find_shortcomings(
        fresh.tables,
        results,
        fresh.params,
        ingest_summary=fresh.summary,
        rejects=fresh.rejects,
        signals=loaded.signals,
    )
    assert len(found) > 0
    pd.testing.assert_frame_equal(stages.load_shortcomings(ran), found)
    from qmlib.insights import find_insights

    insights = find_insights(fresh.tables, results, fresh.params, found, fresh.params.language)
    pd.testing.assert_frame_equal(stages.load_insights(ran), insights)
    pd.testing.assert_frame_equal(
        stages.load_plan(ran), build_plan(found, results, fresh.params, insights=insights)
    )
    # the contract CSVs sit beside the frames
    for name in (
        "ingest_summary",
        "rejects",
        "metrics",
        "changes",
        "targets",
        "shortcomings",
        "insights",
        "plan",
    ):
        assert ran.layout.csv(name).is_file(), name
    assert all(s.complete(ran) for s in stages.STAGES)


@pytest.mark.slow
def test_a_later_stage_runs_the_missing_earlier_ones(tmp_path: Path) -> None:
    c = community(tmp_path, "demo02")
    plan = stages.load_plan(c)  # nothing ran yet: ingest, metrics, shortcomings, insights, plan run now
    assert len(plan) > 0
    assert {s.name for s in stages.STAGES if s.complete(c)} == {
        "ingest",
        "metrics",
        "shortcomings",
        "insights",
        "plan",
    }
    assert (c.layout.clean_dir / "work_orders.parquet").is_file()


@pytest.mark.slow
def test_the_plan_stage_uses_the_shortcomings_frame_as_written(tmp_path: Path) -> None:
    """Stage 4 reads stage 3's output; it never finds the shortcomings again."""
    c = community(tmp_path, "demo03")
    shortcomings = stages.run_shortcomings(c)
    assert len(shortcomings) > 1
    kept = shortcomings.iloc[:1]
    stages.write_frame(kept, c.layout.frame("shortcomings"))
    plan = stages.run_plan(c)
    linked = set(plan["shortcoming_id"].dropna()) - {""}
    assert linked == set(kept["shortcoming_id"])
