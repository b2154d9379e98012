"""Render the executed report notebook to a self-contained ``report.html``.

:func:`render_report` runs nbconvert's :class:`~nbconvert.HTMLExporter` with
the ``qm_report`` template of this package (inheriting from ``lab``):

- no code, no prompts, no streams or errors, no ``parameters`` /
  ``injected-parameters`` cell (removed by tag), no cells tagged ``qm-hide``;
- every ``<h2 id>`` in the outputs becomes an entry of the table of contents
  (:class:`TocPreprocessor`), placed after the cell tagged ``qm-toc-after``;
- CSS inlined, images embedded as data: URIs, no script at all.

After rendering, :func:`remote_resources` must find no ``src``/``href`` that
points to the network; otherwise rendering fails (the contract asks for a
report that works offline).
"""

from __future__ import annotations

import functools
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

from ..labels import t
from ..outputs import atomic_write_bytes

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "qm_report"
#: Cells with these tags never reach the HTML.
REMOVED_TAGS = frozenset({"parameters", "injected-parameters", "qm-hide", "remove_cell"})
LANGUAGE_CODES = {"zh": "zh-CN", "en": "en"}


class _HeadingParser(HTMLParser):
    """Collect ``<h1>`` texts and ``<h2 id>`` (id, text) pairs of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.h1: list[str] = []
        self.h2: list[tuple[str, str]] = []
        self._current: tuple[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2") and self._current is None:
            self._current = (tag, dict(attrs).get("id"))
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if self._current is not None and tag == self._current[0]:
            text = " ".join("".join(self._text).split())
            kind, ident = self._current
            if kind == "h1":
                self.h1.append(text)
            elif ident:
                self.h2.append((ident, text))
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._text.append(data)


class TocPreprocessor(Preprocessor):
    """Put the ``<h2 id>`` headings of all HTML outputs into ``resources['qm_toc']``.

    Also sets ``resources['qm_title']`` (the first ``<h1>``) and
    ``resources['qm_toc_after']`` (whether a cell is tagged ``qm-toc-after``).
    """

    def preprocess(self, nb: Any, resources: dict) -> tuple[Any, dict]:
        parser = _HeadingParser()
        toc_after = False
        for cell in nb.cells:
            if "qm-toc-after" in cell.metadata.get("tags", []):
                toc_after = True
            for output in cell.get("outputs", []):
                html = output.get("data", {}).get("text/html")
                if html:
                    parser.feed(html if isinstance(html, str) else "".join(html))
        parser.close()
        resources["qm_toc"] = [{"id": i, "text": text} for i, text in parser.h2]
        resources["qm_toc_after"] = toc_after
        if parser.h1:
            resources["qm_title"] = parser.h1[0]
        return nb, resources


class _ResourceParser(HTMLParser):
    """Find ``src``/``href``/``srcset``/``poster``/``data`` attributes that load from the network."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.remote: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "srcset", "poster", "data", "action") and value:
                v = value.strip().lower()
                if v.startswith(("http:", "https:", "//", "ftp:", "ws:", "wss:")):
                    self.remote.append(f"<{tag} {name}={value[:120]}>")
        if tag == "link":
            self.remote.extend(
                f"<link href={v}>" for k, v in attrs if k == "href" and v and not v.startswith("#")
            )

    def handle_data(self, data: str) -> None:
        pass


def remote_resources(html: str) -> list[str]:
    """Every attribute of ``html`` that would fetch something from the network (or a ``<link>``)."""
    parser = _ResourceParser()
    parser.feed(html)
    parser.close()
    remote = parser.remote
    lowered = html.lower()
    for needle in ("@import", "url(http", "url(//", "url('http", 'url("http'):
        if needle in lowered:
            remote.append(f"css {needle}")
    return remote


@functools.cache
def make_exporter(lang: str = "zh") -> HTMLExporter:
    """The configured HTMLExporter (template ``qm_report``, code and prompts excluded).

    One per language and process: nbconvert compiles its Jinja2 templates when an
    exporter is built (about a third of a render), and the exporter and its
    preprocessors keep no state between notebooks, so a warm worker reuses it.
    """
    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_output_stdin=True,
        embed_images=True,
        anchor_link_text="",
        language_code="en" if lang == "en" else "zh",
    )
    remover = TagRemovePreprocessor(remove_cell_tags=set(REMOVED_TAGS), enabled=True)
    exporter.register_preprocessor(remover, enabled=True)
    exporter.register_preprocessor(TocPreprocessor(), enabled=True)
    return exporter


def render_html(nb: Any, lang: str = "zh") -> str:
    """The report HTML of an executed notebook node (see :func:`render_report`)."""
    exporter = make_exporter(lang)
    resources = {
        "qm_lang": LANGUAGE_CODES.get(lang, lang),
        "qm_title": t("report.sec.summary", lang),
        "qm_toc_title": t("report.toc", lang),
        "metadata": {"name": "report"},
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def render_report(executed_nb: Path, html_path: Path, lang: str) -> Path:
    """Render an executed report notebook (``04_plan.ipynb``) to ``html_path``.

    ``lang`` ("zh" or "en") sets ``<html lang>`` and the TOC title; the
    section text itself comes from the notebook outputs. Raises
    ``ValueError`` when the HTML would load anything from the network.
    Returns ``html_path``.
    """
    nb = nbformat.read(str(executed_nb), as_version=4)
    html = render_html(nb, lang)
    remote = remote_resources(html)
    if remote:
        raise ValueError(f"report.html would load remote resources: {remote[:5]}")
    html_path = Path(html_path)
    atomic_write_bytes(html_path, html.encode("utf-8"))
    html_path.chmod(0o644)  # a document to share, not a private temp file
    return html_path
