"""The documents people hand on: ``report.docx``, ``report.pdf``, ``brief.html``/``brief.pdf``.

One concern per module:

- :mod:`.pdf` — :func:`html_to_pdf`, HTML → A4 PDF with WeasyPrint (shared by every PDF qm writes);
- :mod:`.content` — the stage outputs a document reads, titles and running header;
- :mod:`.wording` — changes in plain words, p-values that agree with their marker;
- :mod:`.tables` — the rows Word and the brief show;
- :mod:`.docx` — ``report.docx`` with docxtpl on a replaceable template;
- :mod:`.brief` — ``brief.html`` and ``brief.pdf``;
- :mod:`.write` — :func:`write_documents`, all of them for one community.
"""

from __future__ import annotations

from .pdf import html_to_pdf
from .write import DOCUMENT_FILES, find_template, write_documents

__all__ = ["DOCUMENT_FILES", "find_template", "html_to_pdf", "write_documents"]
