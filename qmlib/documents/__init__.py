"""The documents people hand on: ``report.docx``, ``report.pdf``, ``brief.html``/``brief.pdf``.

One concern per module: :mod:`.pdf` (HTML → A4 PDF with WeasyPrint),
the rest follow. :func:`qmlib.documents.pdf.html_to_pdf` is the shared entry for any PDF.
"""

from __future__ import annotations

from .pdf import html_to_pdf

__all__ = ["html_to_pdf"]
