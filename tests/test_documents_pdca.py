"""PDCA across months, end to end: two runs of the pipeline, the second follows up the first one's plan.

Run 1 is the demo community's September quality month; run 2 the same data
read as an October quality month (baseline September). Run 2 finds run 1's
plan under history/2025-09-01/ and opens §五 with 上期改进计划跟踪, in
report.html and report.docx.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pandas as pd
import pytest
import yaml

from qmlib.pipeline import run_inprocess

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def test_second_run_follows_up_the_first_plan(tmp_path):
    params_dir, out_dir = tmp_path / "params", tmp_path / "outputs"
    params_dir.mkdir()
    raw = yaml.safe_load((REPO / "params" / "demo01.yaml").read_text(encoding="utf-8"))
    (params_dir / "demo01.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    run_inprocess("demo01", REPO / "data", params_dir, out_dir)
    folder = out_dir / "demo01"
    first_plan = pd.read_csv(folder / "plan.csv", encoding="utf-8-sig")
    assert (folder / "history" / "2025-09-01" / "plan.csv").is_file()
    assert "上期改进计划跟踪" not in (folder / "report.html").read_text(encoding="utf-8")

    raw["periods"] = {"baseline": ["2025-09-01", "2025-09-30"], "quality_month": ["2025-10-01", "2025-10-31"]}
    raw["targets"] = [t for t in raw["targets"] if t.get("period") != "followup"]
    raw["as_of"] = "2025-12-31"  # the September plan's first due dates have passed
    (params_dir / "demo01.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    run_inprocess("demo01", REPO / "data", params_dir, out_dir)

    assert sorted(p.name for p in (folder / "history").iterdir()) == ["2025-09-01", "2025-10-01"]
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "上期改进计划跟踪" in html
    assert html.index("上期改进计划跟踪") > html.index("五、未来展望与持续改进计划")
    document = docx.Document(str(folder / "report.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings.index("上期改进计划跟踪") == headings.index("五、未来展望与改进计划") + 1
    follow = next(t for t in document.tables if t.rows[0].cells[-1].text == "状态")
    assert len(follow.rows) == 1 + len(first_plan)
    statuses = {r.cells[-1].text for r in follow.rows[1:]}
    assert statuses <= {"已达成", "未达成", "逾期未达成", "无法用指标核对"}
    assert "逾期未达成" in statuses or "已达成" in statuses
    # the action with the September satisfaction target is checked on October's value
    sat = [r for r in follow.rows[1:] if r.cells[4].text == "满意度指数"]
    assert sat and all("质量月" in r.cells[6].text for r in sat)
    shutil.rmtree(out_dir)
