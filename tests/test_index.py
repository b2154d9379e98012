"""outputs/index.html: Jinja2 template with autoescape, report language, previous-outputs note."""

from __future__ import annotations

import os
from pathlib import Path

from qmlib.runner.index import render_index, report_language, write_index


def _site(tmp_path: Path, lang: str) -> tuple[Path, dict]:
    params = tmp_path / "params"
    params.mkdir()
    for cid, name in (("c1", "<i>c1</i> 花园"), ("c2", "二号院")):
        (params / f"{cid}.yaml").write_text(f"name: '{name}'\nlanguage: {lang}\n", encoding="utf-8")
    out = tmp_path / "outputs"
    for cid in ("c1", "c2"):
        (out / cid).mkdir(parents=True)
        (out / cid / "report.html").write_text("<html></html>", encoding="utf-8")
    run = {
        "status": "finished",
        "started_at": "2025-11-24T15:02:11+08:00",
        "options": {"params_dir": str(params)},
        "counts": {"ok": 1, "failed": 1},
        "communities": {
            "c1": {"status": "ok", "duration_s": 12.34},
            "c2": {
                "status": "failed",
                "notebook": "02_metrics.ipynb",
                "cell_index": 4,
                "error": "ValueError: <script>alert(1)</script>",
                "outputs": "previous",
                "previous_finished_at": "2025-11-20T10:00:00+08:00",
            },
        },
        "portfolio": {"status": "ok", "error": None},
    }
    return out, run


def test_index_escapes_everything_and_follows_the_report_language(tmp_path: Path) -> None:
    out, run = _site(tmp_path, "en")
    page = render_index(out, run)
    assert '<html lang="en">' in page
    assert "&lt;i&gt;c1&lt;/i&gt; 花园" in page and "<i>" not in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="c1/report.html"' in page and 'href="c2/report.html"' in page
    assert "Quality-month run" in page and "02_metrics.ipynb, cell 4" in page
    # the failed rerun kept the previous outputs: the index says so
    assert "outputs from the previous run (2025-11-20T10:00:00+08:00)" in page
    assert page.count("outputs from the previous run") == 1
    # no portfolio folder yet: no link although the hook said ok
    assert "portfolio/report.html" not in page


def test_index_in_chinese_links_the_board(tmp_path: Path) -> None:
    out, run = _site(tmp_path, "zh")
    (out / "portfolio").mkdir()
    for name in ("report.html", "report.pdf", "board.xlsx"):
        (out / "portfolio" / name).write_bytes(b"x")
    page = render_index(out, run)
    assert '<html lang="zh-CN">' in page and "质量月批量运行" in page and "显示的是上一次运行的结果" in page
    assert 'href="portfolio/report.html">公司行动看板</a>' in page
    assert 'href="portfolio/report.pdf"' in page and 'href="portfolio/board.xlsx"' in page
    run["portfolio"] = {"status": "failed", "error": "x"}
    assert "portfolio/report.html" not in render_index(out, run)


def test_report_language_is_the_most_common_one(tmp_path: Path) -> None:
    for i, lang in enumerate(("en", "en", "zh")):
        (tmp_path / f"c{i}.yaml").write_text(f"language: {lang}\n", encoding="utf-8")
    assert report_language(tmp_path, ["c0", "c1", "c2"]) == "en"
    assert report_language(tmp_path, ["c2"]) == "zh"
    assert report_language(None, ["c0"]) == "zh"


def test_unchanged_index_is_not_rewritten(tmp_path: Path) -> None:
    out, run = _site(tmp_path, "zh")
    path = write_index(out, run)
    os.utime(path, ns=(1, 1))
    write_index(out, run)
    assert path.stat().st_mtime_ns == 1
    run["communities"]["c1"]["duration_s"] = 1.0
    write_index(out, run)
    assert path.stat().st_mtime_ns != 1


def test_index_links_each_document_that_exists(tmp_path: Path) -> None:
    out, run = _site(tmp_path, "zh")
    for name in ("report.docx", "brief.pdf"):  # report.html from _site; no report.pdf
        (out / "c1" / name).write_bytes(b"x")
    html = write_index(out, run).read_text(encoding="utf-8")
    for href in ("c1/report.html", "c1/report.docx", "c1/brief.pdf"):
        assert f'href="{href}"' in html
    assert "c1/report.pdf" not in html
