"""The brief and the report on a 390-px phone in headless Chromium: nothing cut off, charts legible.

A table wider than the screen must sit inside a horizontally scrolling
container (or reflow); charts keep at least 500 CSS px (their text stays
readable; the figure scrolls sideways). Screenshots go to
outputs/test-artifacts/ (or $QM_TEST_ARTIFACTS).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

try:
    from cdp_browser import HeadlessChromium, find_chromium
    from documents_fixture import make_params, write_folder
    from test_report import build_fixture_report
except ImportError:  # pragma: no cover
    from tests.cdp_browser import HeadlessChromium, find_chromium
    from tests.documents_fixture import make_params, write_folder
    from tests.test_report import build_fixture_report

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow

PHONE_FACTS = """(() => {
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
  const cut = [...document.querySelectorAll('table, figure img, .b-card, .qm-kpi, p, li')].filter(el => {
      const r = el.getBoundingClientRect(); return r.width > 0 && r.right > window.innerWidth + 1 && !scrolls(el); });
  return {
    pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth,
    cut: cut.map(el => el.tagName + '.' + el.className).slice(0, 5),
    chartWidths: [...document.querySelectorAll('.qm-figure img')].map(i => Math.round(i.getBoundingClientRect().width)),
  };
})()"""


@pytest.fixture(scope="module")
def browser():
    path = find_chromium()
    if path is None:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail("Chromium not found")
        pytest.skip("Chromium not found")
    with HeadlessChromium(path) as b:
        yield b


def _artifacts() -> Path:
    folder = Path(os.environ.get("QM_TEST_ARTIFACTS", REPO / "outputs" / "test-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_brief_on_a_phone(browser, tmp_path):
    from qmlib.documents.brief import brief_html
    from qmlib.documents.content import load_document_data

    folder = write_folder(tmp_path / "c", "zh")
    page_path = tmp_path / "brief.html"
    page_path.write_text(brief_html(load_document_data(folder, make_params("zh"))), encoding="utf-8")
    page = browser.open(page_path, width=390, height=844, mobile=True)
    facts = page.evaluate(PHONE_FACTS)
    page.screenshot(_artifacts() / "brief-390.png")
    assert facts["pageWidth"] <= facts["viewport"] and facts["cut"] == []
    # the action table reflows into cards on a phone: every owner and due date still labelled
    labels = page.evaluate(
        "[...document.querySelectorAll('.b-actions td[data-label]')]"
        ".map(td => getComputedStyle(td, '::before').content).slice(0, 3)"
    )
    assert labels and all("责任人" in x or "完成时限" in x or "目标值" in x for x in labels)


def test_report_on_a_phone(browser, tmp_path):
    report = build_fixture_report(tmp_path / "r", "zh")
    page = browser.open(report, width=390, height=844, mobile=True)
    facts = page.evaluate(PHONE_FACTS)
    page.screenshot(_artifacts() / "report-390.png")
    assert facts["pageWidth"] <= facts["viewport"] and facts["cut"] == []
    assert facts["chartWidths"] and min(facts["chartWidths"]) >= 500
