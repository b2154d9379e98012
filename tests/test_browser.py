"""report.html in a real browser: headless Chromium over the DevTools protocol.

Opens the fixture report (tests/test_report.py) from a file: URL, on a desktop
and on a phone-sized viewport, and checks what a reader sees: the five
section headings, every image decoded, TOC links that land on their
sections, no console error, no request leaving the file, no page-wide
horizontal scrolling on a phone. Screenshots (and a PDF print) are saved to
``outputs/test-artifacts/`` (or ``$QM_TEST_ARTIFACTS``) and their paths printed.

Needs Debian's ``chromium`` (``.ci/install-browser.sh``). Outside CI a
missing Chromium skips these tests; in CI (``CI=true``) it fails them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

try:  # sibling test modules: tests/ is on sys.path (rootdir-relative if tests/ becomes a package)
    from cdp_browser import HeadlessChromium, find_chromium
    from test_report import HEADINGS, build_fixture_report
except ImportError:  # pragma: no cover
    from tests.cdp_browser import HeadlessChromium, find_chromium
    from tests.test_report import HEADINGS, build_fixture_report

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.fixture(scope="module")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        message = "Chromium not found (apt-get install chromium fonts-noto-cjk; see .ci/install-browser.sh)"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def artifacts() -> Path:
    folder = Path(os.environ.get("QM_TEST_ARTIFACTS", REPO / "outputs" / "test-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def report_zh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_report(tmp_path_factory.mktemp("browser"), "zh")


PAGE_FACTS = """(() => {
  const imgs = [...document.images];
  const toc = [...document.querySelectorAll('nav.qm-toc a')].map(a => a.getAttribute('href'));
  return {
    h2: [...document.querySelectorAll('h2')].map(h => h.textContent.trim()),
    images: imgs.length,
    brokenImages: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 40)),
    tocMissing: toc.filter(h => !h.startsWith('#') || !document.getElementById(h.slice(1))),
    tocCount: toc.length,
    scripts: document.scripts.length,
    pageWidth: document.documentElement.scrollWidth,
    viewportWidth: window.innerWidth,
    tableWraps: [...document.querySelectorAll('.qm-table-wrap')].filter(
        w => w.scrollWidth > w.clientWidth && getComputedStyle(w).overflowX !== 'auto').length,
    fontFamily: getComputedStyle(document.body).fontFamily,
  };
})()"""


def _check(page, lang: str = "zh") -> dict:
    facts = page.evaluate(PAGE_FACTS)
    for heading in HEADINGS[lang]:
        assert heading in facts["h2"], (heading, facts["h2"])
    assert facts["images"] >= 1 and facts["brokenImages"] == [], facts
    assert facts["tocCount"] >= 6 and facts["tocMissing"] == [], facts
    assert facts["scripts"] == 0
    assert page.console_errors == [], page.console_errors
    remote = [u for u in page.requests if not u.startswith(("file:", "data:"))]
    assert remote == [], remote
    return facts


def test_desktop_report_in_chromium(chromium: str, report_zh: Path, artifacts: Path) -> None:
    with HeadlessChromium(chromium) as browser:
        page = browser.open(report_zh, width=1280, height=900)
        facts = _check(page)
        assert facts["pageWidth"] <= facts["viewportWidth"]
        # a TOC link scrolls to its section
        y = page.evaluate(
            "(() => { document.documentElement.style.scrollBehavior = 'auto';"
            " document.querySelector('nav.qm-toc a[href=\"#sec-plan\"]').click();"
            " return document.getElementById('sec-plan').getBoundingClientRect().top; })()"
        )
        assert abs(y) < 40, y
        page.evaluate("window.scrollTo(0, 0)")
        shot = page.screenshot(artifacts / "report-desktop.png", full_page=True)
        pdf = page.print_pdf(artifacts / "report-print.pdf")
    assert shot.stat().st_size > 10_000 and pdf.read_bytes()[:5] == b"%PDF-"
    print(f"\nscreenshot: {shot}\nprint: {pdf}\nfacts: {json.dumps(facts, ensure_ascii=False)[:300]}")


def test_phone_report_in_chromium(chromium: str, report_zh: Path, artifacts: Path) -> None:
    with HeadlessChromium(chromium) as browser:
        page = browser.open(report_zh, width=390, height=844, mobile=True)
        facts = _check(page)
        # the page itself never scrolls sideways: wide tables scroll inside their wrapper
        assert facts["pageWidth"] <= facts["viewportWidth"] + 1, facts
        assert facts["tableWraps"] == 0
        shot = page.screenshot(artifacts / "report-phone.png", full_page=True)
    print(f"\nscreenshot: {shot}")
