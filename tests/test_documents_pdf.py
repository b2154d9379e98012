"""The PDF fast path (issue 14): print CSS that WeasyPrint lays out without measuring content,
palette PNGs embedded as they are (qmlib/documents/pdf_png.py), fonts and GC handled per process.

The layout tests render small documents with the real style sheets (report.css, brief.css) and read
WeasyPrint's box tree: which boxes are flex/grid containers, which tables use the fixed layout and
what width each column got.
"""

from __future__ import annotations

import gc
import io
import logging
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from qmlib.documents.pdf import font_configuration, gc_paused, html_to_pdf, print_css
from qmlib.documents.pdf_png import install, palette_png

REPO = Path(__file__).resolve().parents[1]
REPORT_CSS = REPO / "qmlib" / "report" / "templates" / "qm_report" / "static" / "report.css"
BRIEF_CSS = REPO / "qmlib" / "documents" / "templates" / "brief.css"

#: Every kind of report table with its columns (qmlib/report/sections/*, qmlib/report/pdca.py) and
#: the index of its main text column, which takes the width the other columns leave.
TABLE_KINDS = {
    "qm-table--results": (6, None),
    "qm-table--plan": (8, 2),
    "qm-table--routines": (5, 0),
    "qm-table--next": (4, 0),
    "qm-table--followup": (8, 1),
    "qm-table--findings": (5, 4),
    "qm-table--list": (4, 2),
    "qm-table--compact": (4, 0),
    "qm-table--rejects": (4, 2),
}


def _table(kind: str, ncols: int) -> str:
    head = "".join(f"<th>h{i}</th>" for i in range(ncols))
    row = "".join(f"<td>c{i}</td>" for i in range(ncols))
    return f'<div class="qm-table-wrap"><table class="qm-table {kind}"><thead><tr>{head}</tr></thead><tbody><tr>{row}</tr></tbody></table></div>'


def _render(html: str, css_path: Path):
    from weasyprint import CSS, HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    css = css_path.read_text(encoding="utf-8")
    page = f"<html lang='zh-CN'><head><style>{css}</style></head><body class='qm-report qm-brief'>{html}</body></html>"
    return HTML(string=page).render(stylesheets=[CSS(string=print_css("header"))])


def _boxes(document):
    def walk(box):
        yield box
        for child in getattr(box, "children", ()):
            yield from walk(child)

    for page in document.pages:
        yield from walk(page._page_box)


def _by_class(document, name: str) -> list:
    return [
        b
        for b in _boxes(document)
        if b.element is not None and name in (b.element.get("class") or "").split()
    ]


@pytest.fixture(scope="module")
def report_doc():
    cards = "".join('<div class="qm-kpi"><div class="qm-card-value">1</div></div>' for _ in range(4))
    body = (
        '<header class="qm-cover"><dl class="qm-meta"><div><dt>a</dt><dd>1</dd></div><div><dt>b</dt><dd>2</dd></div>'
        "<div><dt>c</dt><dd>3</dd></div><div><dt>d</dt><dd>4</dd></div></dl></header>"
        f'<div class="qm-kpis">{cards}</div>'
        '<div class="qm-highlights"><div class="qm-highlight"><h4>x</h4></div><div class="qm-highlight"><h4>y</h4></div></div>'
        '<div class="qm-figures"><figure class="qm-figure"><figcaption>f</figcaption></figure></div>'
        '<section class="qm-section" aria-labelledby="sec-shortcomings"><div class="qm-stories">'
        '<div class="qm-story"><p class="qm-effect">e</p></div><div class="qm-story"><p>f</p></div></div></section>'
        + "".join(_table(kind, n) for kind, (n, _) in TABLE_KINDS.items())
        + f'<section class="qm-section" aria-labelledby="sec-targets">{_table("", 7)}</section>'
        + f'<section class="qm-section" aria-labelledby="sec-appendix">{_table("", 5)}</section>'
    )
    return _render(body, REPORT_CSS)


def test_report_print_has_no_flex_or_grid(report_doc):
    from weasyprint.formatting_structure import boxes

    for name in ("qm-stories", "qm-meta", "qm-kpis", "qm-highlights", "qm-figures"):
        found = _by_class(report_doc, name)
        assert found, name
        for box in found:
            assert not isinstance(box, (boxes.FlexContainerBox, boxes.GridContainerBox)), (name, type(box))
    stories = _by_class(report_doc, "qm-stories")[0]
    assert isinstance(stories, boxes.BlockBox) and stories.style["display"] == ("block", "flow")
    # the four KPI cards still share one row in equal widths (a fixed-layout table row)
    kpis = _by_class(report_doc, "qm-kpi")
    assert len({round(b.position_y, 1) for b in kpis}) == 1
    assert max(b.width for b in kpis) - min(b.width for b in kpis) < 0.5


def _table_box(document, kind: str | None, index: int = 0):
    """The table of class ``kind``, or (``kind`` None) the ``index``-th table without a kind."""
    from weasyprint.formatting_structure import boxes

    tables = [b for b in _boxes(document) if isinstance(b, boxes.TableBox)]
    if kind:
        return next(t for t in tables if kind in (t.element.get("class") or "").split())
    return [t for t in tables if (t.element.get("class") or "").split() == ["qm-table"]][index]


def _shares(table) -> list[float]:
    return [w / table.width for w in table.column_widths]


@pytest.mark.parametrize("kind", sorted(TABLE_KINDS))
def test_every_report_table_kind_has_designed_fixed_columns(report_doc, kind):
    ncols, main = TABLE_KINDS[kind]
    table = _table_box(report_doc, kind)
    assert table.style["table_layout"] == "fixed"
    shares = _shares(table)
    assert len(shares) == ncols
    assert sum(shares) == pytest.approx(1.0, abs=1e-6)  # the wrapper's full width, no gap
    assert min(shares) >= 0.055, shares  # no squeezed column (ids need ~6 %)
    if main is not None:
        assert shares[main] == max(shares), shares  # the text column is the widest
        assert shares[main] >= 0.25, shares


def test_results_columns_are_sized_for_values_and_verdicts(report_doc):
    shares = _shares(_table_box(report_doc, "qm-table--results"))
    assert shares[0] == pytest.approx(0.16)  # metric
    assert [round(s, 4) for s in (shares[1], shares[2], shares[4])] == [0.15, 0.15, 0.15]  # values
    assert shares[3] == pytest.approx(0.195) and shares[5] == pytest.approx(0.195)  # changes share the rest


def test_plain_tables_are_fixed_too(report_doc):
    targets = _shares(_table_box(report_doc, None, 0))  # in sec-targets
    assert [round(s * 100, 2) for s in targets] == [22, 17, 12, 11, 12, 10, 16]
    ingest = _shares(_table_box(report_doc, None, 1))  # in sec-appendix
    assert round(ingest[0] * 100, 2) == 28 and [round(s * 100, 2) for s in ingest[1:]] == [18] * 4


def test_brief_print_has_no_flex_or_grid():
    from weasyprint.formatting_structure import boxes

    card = '<div class="b-card b-green"><div class="b-card-top"><span>l</span><span class="b-rag">ok</span></div></div>'
    body = (
        f'<div class="b-cards"><div class="b-row">{card * 3}</div><div class="b-row">{card * 2}</div></div>'
        '<div class="b-targets"><div>met</div><div>missed</div></div>'
        '<table class="b-actions"><thead><tr><th>a</th><th>o</th><th>d</th><th>k</th></tr></thead>'
        "<tbody><tr><td>x</td><td>y</td><td>z</td><td>w</td></tr></tbody></table>"
    )
    document = _render(body, BRIEF_CSS)
    for name in ("b-cards", "b-targets", "b-card-top"):
        for box in _by_class(document, name):
            assert not isinstance(box, (boxes.FlexContainerBox, boxes.GridContainerBox)), name
    cards = _by_class(document, "b-card")
    assert len(cards) == 5 and len({round(b.position_y) for b in cards}) == 2  # rows of three, then two
    assert len({round(b.width, 1) for b in cards}) == 1  # equal widths
    first_row = [b for b in cards if round(b.position_y) == round(cards[0].position_y)]
    assert len({round(b.height, 1) for b in first_row}) == 1  # equal heights in a row, as the grid had
    actions = _table_box(document, "b-actions")
    assert actions.style["table_layout"] == "fixed"
    assert [round(s * 100) for s in _shares(actions)[1:]] == [11, 13, 12]  # owner, due, target (zh)


def _png(mode: str, colours: int = 64, **info) -> bytes:
    """A small chart-like PNG: a grey ramp (so that an 8-bit palette is needed), a red line, a blue rule."""
    image = Image.new("RGB", (40, 30), "white")
    for x in range(40):
        for y in range(20, 30):
            image.putpixel((x, y), (x * 6, x * 6, x * 6))
        image.putpixel((x, x % 20), (200, 30, 30))
        image.putpixel((x, 5), (20, 60, 200))
    if mode == "P":
        image = image.quantize(colors=colours)
    elif mode == "RGBA":
        image = image.convert("RGBA")
    out = io.BytesIO()
    image.save(out, format="PNG", **info)
    return out.getvalue()


def test_palette_png_is_read_from_its_chunks():
    data = _png("P")
    width, height, palette, idat = palette_png(data)
    assert (width, height) == (40, 30)
    assert data[24:26] == b"\x08\x03"  # IHDR: 8 bits per index, colour type 3 (palette)
    assert len(palette) % 3 == 0 and 17 * 3 <= len(palette) <= 64 * 3
    import zlib

    assert len(zlib.decompress(idat)) == 30 * (40 + 1)  # a filter byte + one index per pixel, per row
    assert palette_png(_png("RGB")) is None
    assert palette_png(_png("RGBA")) is None
    assert palette_png(_png("P", transparency=0)) is None  # tRNS needs WeasyPrint's soft mask
    assert palette_png(_png("P", colours=4)) is None  # 2-bit indexes: WeasyPrint's route
    assert palette_png(b"GIF89a...") is None


def test_palette_chart_is_embedded_indexed_with_the_same_pixels(tmp_path):
    import base64

    data = _png("P")
    html = (
        '<html><body><p>图表</p><img style="width:40px" src="data:image/png;base64,'
        + base64.b64encode(data).decode()
        + '"></body></html>'
    )
    path = html_to_pdf(html, tmp_path / "chart.pdf")
    page = pypdf.PdfReader(str(path)).pages[0]
    xobjects = page["/Resources"]["/XObject"]
    (image,) = [xobjects[k].get_object() for k in xobjects]
    assert image["/ColorSpace"][0] == "/Indexed" and image["/ColorSpace"][1] == "/DeviceRGB"
    assert image["/Width"] == 40 and image["/Height"] == 30
    assert image._data == palette_png(data)[3]  # the raw stream is the PNG's own IDAT, not re-encoded
    extracted = page.images[0].image.convert("RGB")
    assert extracted.tobytes() == Image.open(io.BytesIO(data)).convert("RGB").tobytes()


def test_other_images_take_weasyprints_route(tmp_path):
    import base64

    html = f'<html><body><img src="data:image/png;base64,{base64.b64encode(_png("RGBA")).decode()}"></body></html>'
    page = pypdf.PdfReader(str(html_to_pdf(html, tmp_path / "rgba.pdf"))).pages[0]
    xobjects = page["/Resources"]["/XObject"]
    (image,) = [xobjects[k].get_object() for k in xobjects]
    assert image["/ColorSpace"] == "/DeviceRGB" and "/SMask" in image


def test_install_is_idempotent():
    import weasyprint.images as images

    assert install() is True and install() is True
    assert getattr(images.RasterImage, "qm_indexed_png", False)
    names = [c.__name__ for c in images.RasterImage.__mro__]
    assert names.count("IndexedPNG") == 1 and "RasterImage" in names  # wrapped once, not twice


def test_font_configuration_is_shared():
    assert font_configuration() is font_configuration()


def test_gc_paused_pauses_and_restores():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # a caller who had it off keeps it off
    finally:
        gc.enable()


def _font_names(pdf: Path) -> set[str]:
    """Base font names embedded in a PDF, without their subset prefix (``ABCDEF+``)."""
    names = set()
    for page in pypdf.PdfReader(pdf).pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


def test_chinese_is_set_in_the_bundled_font_on_a_machine_without_cjk_fonts(tmp_path):
    """The bundled mplfonts face (@font-face, registered with the shared font configuration) sets the
    Chinese text when the system has no CJK font: a fontconfig that sees only an empty font folder."""
    import subprocess
    import sys

    fonts = tmp_path / "fonts"
    fonts.mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(FONTS_CONF.format(fonts=fonts, cache=tmp_path / "cache"), encoding="utf-8")
    pdf = tmp_path / "x.pdf"
    code = (
        "import sys; from qmlib.documents.pdf import html_to_pdf; "
        "html_to_pdf('<p>物业质量月 <b>加粗</b></p>', sys.argv[1])"
    )
    env = {**__import__("os").environ, "FONTCONFIG_FILE": str(conf)}
    subprocess.run([sys.executable, "-c", code, str(pdf)], check=True, env=env, cwd=REPO, timeout=120)
    assert {name for name in _font_names(pdf) if name.startswith("QM-CJK")}, _font_names(pdf)
    assert "物业质量月" in pypdf.PdfReader(pdf).pages[0].extract_text()


def test_system_cjk_fonts_keep_bold_where_installed(tmp_path):
    """With the system's Noto Sans CJK installed (CI installs fonts-noto-cjk for the browser), bold
    Chinese text is set in its Bold face; the bundled Regular-only face is the fallback."""
    import subprocess

    listed = subprocess.run(
        ["fc-list", ":family=Noto Sans CJK SC:style=Bold"], capture_output=True, text=True
    )
    if not listed.stdout.strip():
        pytest.skip("no system Noto Sans CJK SC Bold")
    pdf = html_to_pdf("<p>物业质量月 <b>加粗</b></p>", tmp_path / "x.pdf")
    assert "Noto-Sans-CJK-SC-Bold" in _font_names(pdf)


def test_the_page_label_wins_over_the_documents_own_page_footer(tmp_path):
    """report.css numbers printed pages "3 / 23" for browsers; the PDF's label in the report's
    language ("第 3 页 / 共 23 页") must replace it (user !important beats the author's rule)."""
    html = (
        '<html><head><style>@page { @bottom-center { content: counter(page) " / " counter(pages); } }'
        "</style></head><body><p>物业</p></body></html>"
    )
    pdf = html_to_pdf(html, tmp_path / "x.pdf", page_label="第 {page} 页 / 共 {pages} 页")
    text = pypdf.PdfReader(pdf).pages[0].extract_text()
    assert "第 1 页 / 共 1 页" in text
    assert "1 / 1" not in text


def test_the_board_pdf_numbers_its_pages_in_its_language(tmp_path):
    """The company board's PDF (portfolio/export.py) takes the same page label as the reports."""
    from qmlib.portfolio.export import pdf_css, write_pdf

    assert 'content: "Page " counter(page) " of " counter(pages) !important' in pdf_css("en")
    html = tmp_path / "report.html"
    html.write_text(
        '<html><head><style>@page { @bottom-center { content: counter(page) " / " counter(pages); } }'
        "</style></head><body><p>看板</p></body></html>",
        encoding="utf-8",
    )
    text = pypdf.PdfReader(write_pdf(html, tmp_path / "en.pdf", "en")).pages[0].extract_text()
    assert "Page 1 of 1" in text and "1 / 1" not in text
    text = pypdf.PdfReader(write_pdf(html, tmp_path / "zh.pdf", "zh")).pages[0].extract_text()
    assert "第 1 页 / 共 1 页" in text
