"""The company board (portfolio/report.html built by build_portfolio) in headless Chromium.

Links resolve (files exist, anchors exist), the KPI table sorts, nothing is cut
off on a 390-px phone; the PDF and xlsx exist; a rebuild with unchanged inputs
is skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

try:  # sibling test modules: tests/ is on sys.path (rootdir-relative if tests/ becomes a package)
    from cdp_browser import HeadlessChromium, find_chromium
    from test_portfolio_board import IDS, run_stages, write_run
except ImportError:  # pragma: no cover
    from tests.cdp_browser import HeadlessChromium, find_chromium
    from tests.test_portfolio_board import IDS, run_stages, write_run

from qmlib.portfolio import build_portfolio

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
            pytest.fail("Chromium not found")
        pytest.skip("Chromium not found")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("board-browser")
    subprocess.run(
        [sys.executable, "-m", "qmlib", "synth", "-n", "8", "--out", str(root)],
        check=True,
        capture_output=True,
    )
    out = root / "outputs"
    run_stages(root / "data", root / "params", out, IDS)
    write_run(out, dict.fromkeys(IDS, "ok"), root / "params")
    return build_portfolio(out, root / "params")


LINKS = """[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"""
OVERFLOW = """(() => {
  const w = window.innerWidth;
  const cut = [...document.querySelectorAll('body *')].filter(e => {
    // wide tables and charts scroll inside their frame (report.css: a chart keeps a legible width)
    const frame = e.closest('.qm-table-wrap, .qm-figure');
    if (frame && frame !== e && getComputedStyle(frame).overflowX === 'auto') return false;
    const r = e.getBoundingClientRect();
    return r.width > 0 && (r.right > w + 1 || r.left < -1);
  }).map(e => e.tagName + '.' + e.className).slice(0, 10);
  return {cut, pageWidth: document.documentElement.scrollWidth, viewport: w,
          wraps: [...document.querySelectorAll('.qm-table-wrap')].filter(
            x => x.scrollWidth > x.clientWidth && getComputedStyle(x).overflowX !== 'auto').length};
})()"""
COLUMN = """[...document.querySelectorAll('#kpi-board-table tbody tr')].map(
  r => r.cells[%d].getAttribute('data-v')).filter(v => v !== '').map(Number)"""


def test_outputs_exist_and_an_unchanged_rebuild_is_skipped(built: Path) -> None:
    folder = built.parent
    assert (folder / "report.pdf").read_bytes()[:5] == b"%PDF-"
    assert (folder / "board.xlsx").stat().st_size > 5000
    before = {p: p.stat().st_mtime_ns for p in (built, folder / "report.pdf", folder / "board.xlsx")}
    t0 = time.monotonic()
    build_portfolio(
        folder.parent, Path(json.loads((folder.parent / "run.json").read_text())["options"]["params_dir"])
    )
    assert time.monotonic() - t0 < 10
    assert {p: p.stat().st_mtime_ns for p in before} == before


def test_pdf_text_is_extractable(built: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(str(built.parent / "report.pdf"))
    text = "".join(page.extract_text() for page in reader.pages[:3])
    assert "公司质量月行动看板" in text and "立即处理" in text
    first = reader.pages[0].extract_text()
    # page numbers in the board's language, as in the community reports
    assert f"第 1 页 / 共 {len(reader.pages)} 页" in first
    # the first section follows the cover: page 1 is not the cover alone
    assert "公司质量月行动看板" in first and "立即处理" in first
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)  # A4


def test_board_links_resolve_and_the_table_sorts(chromium: str, built: Path) -> None:
    with HeadlessChromium(chromium) as browser:
        page = browser.open(built, width=1280, height=900)
        hrefs = page.evaluate(LINKS)
        assert page.console_errors == []
        # every community report is linked; every link resolves to a file and an existing anchor
        for cid in IDS:
            assert any(h.startswith(f"../{cid}/report.html") for h in hrefs), cid
        for href in hrefs:
            parts = urlsplit(href)
            assert not parts.scheme, href
            target = (built.parent / unquote(parts.path)).resolve() if parts.path else built
            assert target.is_file(), href
            if parts.fragment:
                assert f'id="{parts.fragment}"' in target.read_text(encoding="utf-8"), href
        # sort by the first KPI column, then reverse
        page.evaluate("document.querySelectorAll('#kpi-board-table thead th button')[1].click()")
        asc = page.evaluate(COLUMN % 1)
        assert len(asc) >= 5 and asc == sorted(asc)
        page.evaluate("document.querySelectorAll('#kpi-board-table thead th button')[1].click()")
        desc = page.evaluate(COLUMN % 1)
        assert desc == sorted(asc, reverse=True)
        assert (
            page.evaluate(
                "document.querySelectorAll('#kpi-board-table thead th')[1].getAttribute('aria-sort')"
            )
            == "descending"
        )


def test_nothing_is_cut_off_on_a_phone(chromium: str, built: Path) -> None:
    with HeadlessChromium(chromium) as browser:
        page = browser.open(built, width=390, height=844, mobile=True)
        facts = page.evaluate(OVERFLOW)
        assert facts["pageWidth"] <= facts["viewport"] + 1, facts
        assert facts["cut"] == [] and facts["wraps"] == 0, facts
