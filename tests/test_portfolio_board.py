"""The company action board on synthetic communities (``qm synth -n 8``), over two quality months.

The communities run through the analysis stages in-process (ingest, metrics,
shortcomings: no notebooks), a stub report.html stands for each community's
report, and ``run.json`` is written by hand so that the pooling rules can be
checked. Month 1 uses params copies with every period shifted one month
earlier; month 2 the generated params.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from qmlib.ingest import ingest_community
from qmlib.metrics import compute_all, write_metric_outputs
from qmlib.params import load_params
from qmlib.portfolio import select_communities
from qmlib.portfolio.assemble import build_board
from qmlib.portfolio.export import board_tables, xlsx_bytes
from qmlib.portfolio.funnel import HEADLINE_KPIS
from qmlib.portfolio.history import status_history
from qmlib.portfolio.sections import all_sections
from qmlib.shortcomings import find_shortcomings, write_shortcomings

IDS = [f"demo{i:02d}" for i in range(1, 9)]
FORMULA_NAME = '=HYPERLINK("http://x")花园'
STUB = (
    "<!DOCTYPE html><html><body>"
    + "".join(
        f'<h2 id="{s}">{s}</h2><p style="height:400px"></p>'
        for s in ("sec-summary", "sec-targets", "sec-results", "sec-shortcomings", "sec-plan")
    )
    + "</body></html>"
)


def _shift(value: object, months: int) -> dt.date:
    d = pd.Timestamp(value) + pd.DateOffset(months=months)
    return (d + pd.offsets.MonthEnd(0)).date() if pd.Timestamp(value).is_month_end else d.date()


def shifted_params(src: Path, dst: Path, months: int) -> Path:
    """Copies of every params file with the periods and as_of moved by ``months``."""
    dst.mkdir(parents=True, exist_ok=True)
    for path in sorted(src.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["periods"] = {k: [_shift(a, months), _shift(b, months)] for k, (a, b) in data["periods"].items()}
        data["as_of"] = _shift(data["as_of"], months)
        (dst / path.name).write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    return dst


def run_stages(data: Path, params: Path, out: Path, ids: list[str]) -> None:
    """Ingest, metrics and shortcomings in-process (what notebooks 01–03 write), plus a stub report."""
    for cid in ids:
        r = ingest_community(cid, data, params, out)
        results = compute_all(r.tables, r.params)
        write_metric_outputs(results, out / cid)
        found = find_shortcomings(
            r.tables, results, r.params, ingest_summary=r.summary, rejects=r.rejects, lang=r.params.language
        )
        write_shortcomings(found, out / cid)
        (out / cid / "report.html").write_text(STUB, encoding="utf-8")


def write_run(out: Path, statuses: dict[str, str], params: Path) -> None:
    run = {
        "schema": "qm-run/1",
        "status": "finished",
        "options": {"params_dir": str(params)},
        "communities": {c: {"community_id": c, "status": s} for c, s in statuses.items()},
    }
    (out / "run.json").write_text(json.dumps(run), encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("board")
    subprocess.run(
        [sys.executable, "-m", "qmlib", "synth", "-n", "8", "--out", str(root / "synth")],
        check=True,
        capture_output=True,
    )
    month2 = root / "synth" / "params"
    name_file = month2 / "demo02.yaml"
    data = yaml.safe_load(name_file.read_text(encoding="utf-8"))
    data["name"] = FORMULA_NAME
    name_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    month1 = shifted_params(month2, root / "params_m1", -1)
    out = root / "outputs"
    # month 1: all eight ran
    run_stages(root / "synth" / "data", month1, out, IDS)
    write_run(out, dict.fromkeys(IDS, "ok"), month1)
    board1 = build_board(out, month1)
    # month 2: demo08's rerun failed (its month-1 folder stays), demo07 unchanged (skipped), an old folder
    run_stages(root / "synth" / "data", month2, out, IDS[:6])
    shutil.copytree(out / "demo01", out / "old01")
    write_run(out, {**dict.fromkeys(IDS[:6], "ok"), "demo07": "skipped", "demo08": "failed"}, month2)
    return {
        "root": root,
        "out": out,
        "month1": month1,
        "month2": month2,
        "board1": board1,  # type: ignore[dict-item]
        "data": root / "synth" / "data",
    }


@pytest.fixture(scope="module")
def board(site):
    return build_board(site["out"], site["month2"])


def test_pools_exactly_the_successful_and_unchanged_communities(site, board) -> None:
    sel = select_communities(site["out"]).set_index("community_id")
    assert sorted(board.ids) == IDS[:7]
    assert sel.loc["demo07", "reason"] == "unchanged" and bool(sel.loc["demo07", "pooled"])
    assert sel.loc["demo08", "reason"] == "failed" and not sel.loc["demo08", "pooled"]
    assert sel.loc["old01", "reason"] == "not_in_batch" and not sel.loc["old01", "pooled"]
    html = str(all_sections(board, "en"))
    assert "Left out" in html and "demo08" in html and "old01" in html


def _independent_overdue(out: Path, params_dir: Path, cid: str) -> pd.DataFrame:
    """Overdue 较大/重大 hazards by hand: known and open at the end of the as_of day, due date passed."""
    p = load_params(params_dir / f"{cid}.yaml", cid)
    h = pd.read_parquet(out / cid / "clean" / "hazards.parquet")
    as_of = pd.Timestamp(p.as_of_date)
    cutoff = as_of + pd.Timedelta(days=1)
    due_days = h["severity"].map(lambda s: p.sla.hazard_due_days[s]).astype(float)
    due = h["found_at"].dt.normalize() + pd.to_timedelta(due_days, unit="D")
    if "due_on" in h.columns:
        due = pd.to_datetime(h["due_on"]).where(h["due_on"].notna(), due)
    days_over = (as_of - due.dt.normalize()).dt.days
    keep = (
        (h["found_at"] < cutoff)
        & (h["rectified_at"].isna() | (h["rectified_at"] >= cutoff))
        & h["severity"].isin(["较大", "重大"])
        & (days_over > 0)
    )
    return pd.DataFrame(
        {
            "community_id": cid,
            "hazard_id": h.loc[keep, "hazard_id"].astype(str),
            "days_over": days_over[keep].astype(int),
        }
    )


def test_every_overdue_major_hazard_is_listed_with_its_age(site, board) -> None:
    expected = pd.concat([_independent_overdue(site["out"], site["month2"], c) for c in IDS[:7]])
    assert len(expected) > 0
    got = board.hazards[["community_id", "hazard_id", "days_over"]].astype(
        {"days_over": int, "hazard_id": str}
    )
    key = ["community_id", "hazard_id", "days_over"]
    assert sorted(map(tuple, got[key].to_numpy().tolist())) == sorted(
        map(tuple, expected[key].to_numpy().tolist())
    )
    # sorted by severity (重大 first), then most overdue
    sev = board.hazards["severity"].map({"重大": 0, "较大": 1}).to_numpy()
    assert list(sev) == sorted(sev)
    for s in set(sev):
        days = board.hazards.loc[sev == s, "days_over"].tolist()
        assert days == sorted(days, reverse=True)
    html = str(all_sections(board, "zh"))
    for r in board.hazards.itertuples():
        assert f'href="../{r.community_id}/report.html#sec-shortcomings"' in html
        assert f">{r.hazard_id}<" in html


def test_serious_incidents_are_listed(site, board) -> None:
    rows = []
    for cid in IDS[:7]:
        p = load_params(site["month2"] / f"{cid}.yaml", cid)
        path = site["out"] / cid / "clean" / "incidents.parquet"
        if not path.is_file():
            continue
        inc = pd.read_parquet(path)
        lo = pd.Timestamp(min(a for a, _ in p.periods.values()))
        hi = min(
            pd.Timestamp(max(b for _, b in p.periods.values())) + pd.Timedelta(days=1),
            pd.Timestamp(p.as_of_date) + pd.Timedelta(days=1),
        )
        keep = inc["severity"].isin(["较大", "重大"]) & (inc["occurred_at"] >= lo) & (inc["occurred_at"] < hi)
        rows += [(cid, str(i)) for i in inc.loc[keep, "incident_id"]]
    assert sorted(
        zip(board.incidents["community_id"], board.incidents["incident_id"].astype(str), strict=True)
    ) == sorted(rows)


def test_kpi_board_has_a_status_for_every_community_and_kpi(board) -> None:
    k = board.kpis
    assert len(k) == len(board.ids) * len(HEADLINE_KPIS)
    assert set(k["rag"]) <= {"red", "amber", "green", "unknown"}
    targets = board.rollup.targets
    t = targets[(targets["period"] == "quality_month") & targets["metric_id"].isin(HEADLINE_KPIS)]
    for r in t.itertuples():
        cell = k[(k.community_id == r.community_id) & (k.metric_id == r.metric_id)].iloc[0]
        assert cell["basis"] == "target"
        if str(r.achieved).lower() in ("true", "false"):
            assert cell["rag"] == ("green" if str(r.achieved).lower() == "true" else "red")
    html = str(all_sections(board, "en"))
    assert "(delta)" not in html and "(at_least)" not in html and "relative_change" not in html
    for cid in board.ids:
        assert f'href="../{cid}/report.html"' in html


def test_funnels_rank_at_least_five_kpis(board) -> None:
    assert len(board.funnels) >= 5
    for m, f in board.funnels.items():
        assert len(f.points) == len(board.ids) or m in ("equipment_failure_rate",)
        assert (f.points["lo998"] <= f.points["lo95"] + 1e-12).all()
        assert (f.points["hi95"] <= f.points["hi998"] + 1e-12).all()
    html = str(all_sections(board, "zh"))
    assert html.count('class="qm-figure"') >= 5
    assert "箱线" not in html and 'id="distribution"' not in html  # 7 communities: no box plots


def test_two_months_build_a_history_and_show_the_change(site, board) -> None:
    assert site["board1"].month == "2025-08" and board.month == "2025-09"
    assert sorted(board.history["month"].unique()) == ["2025-08", "2025-09"]
    status = status_history(site["out"] / "portfolio")
    # independent comparison of the two months' statuses
    rank = {"red": 0, "amber": 1, "green": 2}
    a = status[status.month == "2025-08"].set_index(["community_id", "metric_id"])["rag"].map(rank)
    b = status[status.month == "2025-09"].set_index(["community_id", "metric_id"])["rag"].map(rank)
    both = pd.concat([a.rename("a"), b.rename("b")], axis=1, join="inner").dropna()
    improved = both[both.b > both.a].reset_index().groupby("community_id")["metric_id"].agg(sorted).to_dict()
    relapsed = both[both.b < both.a].reset_index().groupby("community_id")["metric_id"].agg(sorted).to_dict()
    assert improved or relapsed  # the shifted month differs, so some status changed
    moves = board.moves.set_index("community_id")
    assert {c: sorted(v) for c, v in moves["relapsed"].items() if v} == relapsed
    assert {c: sorted(v) for c, v in moves["improved"].items() if v} == improved
    html = str(all_sections(board, "en"))
    assert "2025-08" in html and "2025-09" in html and "improved or relapsed" in html
    # a rerun of the same month replaces its partition
    again = build_board(site["out"], site["month2"])
    assert sorted(again.history["month"].unique()) == ["2025-08", "2025-09"]
    assert len(again.history) == len(board.history)


def test_xlsx_has_one_sheet_per_table_and_escapes_formulas(board) -> None:
    import io

    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(board_tables(board, "en"))))
    assert {
        "Overdue hazards",
        "Serious incidents",
        "KPI board",
        "Funnels",
        "Common problems",
        "Company plan",
        "History",
        "Scope",
    } <= set(wb.sheetnames)
    values = [c.value for row in wb["KPI board"].iter_rows() for c in row]
    assert "'" + FORMULA_NAME in values and FORMULA_NAME not in values
    assert wb["Overdue hazards"].max_row == len(board.hazards) + 1
