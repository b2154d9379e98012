"""HTML → A4 PDF with WeasyPrint, Chinese text embedded and extractable.

:func:`html_to_pdf` renders an HTML file or string to PDF. Besides the
document's own CSS it adds :func:`print_css`: an A4 page with page numbers
("第 3 页 / 共 12 页" / "Page 3 of 12"), an optional running header (for
example community and period), tables that do not break inside a row, figures
kept with their captions, and the CJK font shipped by ``mplfonts`` declared with
``@font-face`` (registered through the shared font configuration). The font stack
(:data:`FONT_STACK`) puts the system's DejaVu Sans and Noto Sans CJK SC first where they
are installed (fonts-noto-cjk has a real Bold face) and the bundled face after them, so
that a machine without any CJK font still sets every Chinese character (bold text then
looks regular: the bundled face is Regular only and WeasyPrint does not embolden).
Nothing is downloaded. WeasyPrint subsets and embeds the fonts with a ToUnicode map, so
the Chinese text of the PDF can be searched and copied.

Speed (issue 14; a 24-page report costs about 40 % of what it did): every PDF
goes through :func:`render_pdf`, which shares one ``FontConfiguration`` per process
(:func:`font_configuration`), embeds palette PNGs as they are (:mod:`.pdf_png`) and
pauses Python's cyclic garbage collector while WeasyPrint builds its hundreds of
thousands of boxes (:func:`gc_paused`). The layout side is the documents' own print
CSS: no flex, grid or auto-layout tables (see ``report.css``, ``@media print``).

WeasyPrint: https://doc.courtbouillon.org/weasyprint/ (CSS Paged Media,
https://www.w3.org/TR/css-page-3/).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
from collections.abc import Iterator
from pathlib import Path

from ..outputs import atomic_write_bytes

#: Family name under which the bundled CJK font is declared.
FONT_FAMILY = "QM CJK"
#: The Noto Sans CJK SC file of ``mplfonts`` — the same file :func:`qmlib.figures.fonts.cjk_font_path`
#: gives the charts (a test checks they agree); found here without importing matplotlib.
FONT_FILE = "NotoSansCJKsc-Regular.otf"


def font_path() -> Path:
    """Path of the CJK font shipped by ``mplfonts``."""
    import importlib.resources

    path = Path(str(importlib.resources.files("mplfonts") / "fonts" / FONT_FILE))
    if not path.is_file():
        raise FileNotFoundError(f"CJK font not found: {path} (reinstall the mplfonts package)")
    return path


@functools.lru_cache(maxsize=1)
def font_configuration():
    """One WeasyPrint ``FontConfiguration`` per process, shared by every PDF.

    A new configuration per document scans the system fonts again and copies the 16 MB
    CJK font of each ``@font-face`` rule into a fresh temporary folder; a shared one does
    it once (WeasyPrint keys the copies by their rule)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _css_string(text: str) -> str:
    """``text`` as a double-quoted CSS string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def font_face_css() -> str:
    """``@font-face`` rule for the bundled Noto Sans CJK SC Regular, as :data:`FONT_FAMILY`."""
    url = font_path().as_uri()
    return f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{url}"); font-weight: 400; }}\n'


#: Font stack of every PDF: the system's sans-serif fonts first (on a machine with
#: fonts-noto-cjk: DejaVu Sans for Latin, Noto Sans CJK Regular *and Bold* for Chinese), then
#: the bundled face, which sets every Chinese character the system fonts cannot (a machine
#: without CJK fonts: the PDF is still readable, bold text then looks regular).
FONT_STACK = f'"DejaVu Sans", "Noto Sans CJK SC", "{FONT_FAMILY}", sans-serif'


#: Style of the page margin boxes (the footer's page numbers, the running header).
MARGIN_BOX = f"font-family: {FONT_STACK}; font-size: 8.5pt; color: #7b8794;"


def page_footer_css(page_label: str = "{page} / {pages}") -> str:
    """``@page`` rule printing ``page_label`` ("第 {page} 页 / 共 {pages} 页") at the bottom of every
    page; ``!important``, so that it replaces the "3 / 23" footer of report.css's print rules."""
    before, _, rest = page_label.partition("{page}")
    middle, _, after = rest.partition("{pages}")
    counter = " ".join(
        part
        for part in (
            _css_string(before) if before else "",
            "counter(page)",
            _css_string(middle) if middle else "",
            "counter(pages)" if _ else "",
            _css_string(after) if after else "",
        )
        if part
    )
    return f"@page {{ @bottom-center {{ content: {counter} !important; {MARGIN_BOX} }} }}\n"


def print_css(header: str = "", page_label: str = "{page} / {pages}") -> str:
    """The print style sheet added to every PDF.

    ``header`` is the running header (top right of every page but the
    first); ``page_label`` the footer with ``{page}``/``{pages}`` placeholders.
    """
    head = f"@top-right {{ content: {_css_string(header)}; }}" if header else ""
    return (
        font_face_css()
        + page_footer_css(page_label)
        + f"""
@page {{
  size: A4;
  margin: 18mm 15mm 18mm 15mm;
  @top-right {{ content: none; }}
}}
@page :first {{ @top-right {{ content: none; }} }}
@page body:first {{ @top-right {{ content: none; }} }}
@page body {{
  {head.replace("@top-right {", "@top-right { " + MARGIN_BOX + " ") if head else ""}
}}
html, body {{ font-family: {FONT_STACK}; }}
body {{ page: body; }}
body * {{ font-family: {FONT_STACK} !important; }}
table {{ border-collapse: collapse; }}
thead {{ display: table-header-group; }}
tr, td, th {{ break-inside: avoid; page-break-inside: avoid; }}
figure, .qm-figure, .qm-kpi, .qm-highlight, .qm-card {{ break-inside: avoid; page-break-inside: avoid; }}
figure img, .qm-figure img {{ max-width: 100%; height: auto; }}
figcaption {{ break-before: avoid; page-break-before: avoid; }}
h1, h2, h3, h4 {{ break-after: avoid; page-break-after: avoid; }}
.qm-table-wrap {{ overflow: visible !important; }}
.qm-toc, nav.qm-toc, script {{ display: none !important; }}
a {{ color: inherit; text-decoration: none; }}
"""
    )


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector, then collect once.

    WeasyPrint allocates a few million objects for a report; with the collector on, each
    full collection walks them and everything the process already holds (pandas, charts)
    again — 0.4 to 0.9 CPU s per report in a ``qm run`` process. Paused, the cycles it
    leaves (about 170,000 objects) are collected once at the end; peak memory is the same
    (measured: 274 vs 275 MB). Nothing changes when the caller had the collector off.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect(0)  # everything made while paused is still in the youngest generation


def render_pdf(html: Path | str, css: str, *, base_url: str | None = None) -> bytes:
    """PDF bytes of ``html`` (a path to an HTML file, or the HTML text) with the user style sheet ``css``.

    Only ``data:`` and ``file:`` URLs are fetched (no network); relative URLs resolve
    against ``base_url``, by default the HTML file's folder. Shared by every PDF qm writes
    (report, brief, portfolio) so that all of them take the fast path described above.
    """
    # WeasyPrint warns about every CSS property it does not support (grid gaps, variables in
    # screen media ...); those are not problems of the PDF.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    with gc_paused():
        return _write_pdf(html, css, base_url)  # its objects are gone (but for cycles) before the collection


def _write_pdf(html: Path | str, css: str, base_url: str | None) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    from .pdf_png import install

    install()  # palette PNGs (the charts) go into the PDF as they are
    fonts = font_configuration()
    local_only = URLFetcher(allowed_protocols=("data", "file"))
    if isinstance(html, Path) or (isinstance(html, str) and "<" not in html and Path(html).is_file()):
        path = Path(html)
        document = HTML(filename=str(path), base_url=base_url or str(path.parent), url_fetcher=local_only)
    else:
        document = HTML(string=str(html), base_url=base_url or ".", url_fetcher=local_only)
    # parsed with the font configuration, so that the bundled face of @font-face is registered
    # (a style sheet parsed without it ignores @font-face: on a machine without system CJK fonts
    # every Chinese character came out as a blank box)
    return document.write_pdf(stylesheets=[CSS(string=css, font_config=fonts)], font_config=fonts)


def html_to_pdf(
    html: Path | str,
    pdf_path: Path | str,
    *,
    header: str = "",
    page_label: str = "{page} / {pages}",
    base_url: str | None = None,
) -> Path:
    """Render ``html`` (a path to an HTML file, or the HTML text) to an A4 PDF at ``pdf_path``.

    ``header`` is the running header of every page but the first (e.g.
    "翠湖花园 · 2025年9月"); ``page_label`` the page-number footer with
    ``{page}`` and ``{pages}``. Images must be embedded (``data:`` URIs) or
    local files (resolved against ``base_url``, default the HTML file's
    folder); remote URLs are refused. Returns ``pdf_path``.
    """
    pdf = render_pdf(html, print_css(header, page_label), base_url=base_url)
    pdf_path = Path(pdf_path)
    atomic_write_bytes(pdf_path, pdf)
    pdf_path.chmod(0o644)
    return pdf_path
