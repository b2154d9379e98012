"""``write_documents``: every document of one community from its stage outputs.

Called by the runner right after nbconvert has written ``report.html``
(and by :func:`qmlib.pipeline.run_inprocess`). Writes into ``folder``:

- ``report.docx`` (:mod:`.docx`),
- ``report.pdf`` from ``report.html`` (:mod:`.pdf`; skipped when there is no report.html),
- ``brief.html`` and ``brief.pdf`` (:mod:`.brief`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ParamsError
from ..params import Params

if TYPE_CHECKING:  # pragma: no cover
    from .notes import Notes

#: Documents written for every community, in the order they are listed (run.json, index.html).
DOCUMENT_FILES: tuple[str, ...] = ("report.docx", "report.pdf", "brief.pdf", "brief.html")


def find_template(params: Params, params_dir: Path | str | None) -> Path | None:
    """The Word template of a community: params ``docx_template`` (relative to the params folder),
    else ``<params_dir>/templates/report.docx`` when it exists, else None (the shipped default)."""
    if params_dir is None:
        return None
    if params.docx_template:
        path = Path(params.docx_template)
        path = path if path.is_absolute() else Path(params_dir) / path
        if not path.is_file():
            raise ParamsError(
                str(Path(params_dir) / f"{params.community_id}.yaml"),
                "docx_template",
                f"Word template not found: {path}",
            )
        return path
    path = Path(params_dir) / "templates" / "report.docx"
    return path if path.is_file() else None


def write_documents(
    folder: Path | str,
    params: Params,
    lang: str | None = None,
    *,
    params_dir: Path | str | None = None,
    template: Path | str | None = None,
    notes: Notes | None = None,
) -> dict[str, Path]:
    """Write report.docx, report.pdf, brief.html and brief.pdf into ``folder``; return name → path.

    ``params_dir`` (when given) locates a company Word template (:func:`find_template`) and the
    narrative ``notes/<id>.md`` (:func:`~qmlib.documents.notes.load_notes`) unless ``template``
    or ``notes`` are passed.
    """
    from .brief import write_brief  # heavy (docxtpl, WeasyPrint): imported when documents are written
    from .content import load_document_data, page_label, running_header
    from .docx import write_docx
    from .notes import load_notes
    from .pdf import html_to_pdf

    folder = Path(folder)
    lang = lang or params.language
    data = load_document_data(folder, params, lang)
    template = template or find_template(params, params_dir)
    if notes is None:
        notes = load_notes(params_dir, params.community_id, params.notes)
    written: dict[str, Path] = {"report.docx": write_docx(data, folder / "report.docx", template, notes)}
    html = folder / "report.html"
    if html.is_file():
        written["report.pdf"] = html_to_pdf(
            html, folder / "report.pdf", header=running_header(params, lang), page_label=page_label(lang)
        )
    brief_html, brief_pdf = write_brief(data, folder)
    written["brief.pdf"], written["brief.html"] = brief_pdf, brief_html
    return written
