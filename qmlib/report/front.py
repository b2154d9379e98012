"""Front matter and the authors' narrative in report.html.

- :func:`front_lines`: the cover lines from params (质量月主题 theme, 组织领导
  organisation, 报告人 signed_by), in the cover's ``(label, value)`` form;
- :func:`foreword_html`: 前言 — the params ``foreword`` (paragraphs at blank
  lines) followed by the narrative's foreword blocks; empty when neither exists;
- :func:`notes_html`: the narrative blocks of one section
  (:mod:`qmlib.documents.notes`): paragraphs, bullet items, and photos embedded
  as data: URIs so the report stays one self-contained file.

All text goes through :func:`~qmlib.report.markup.resident_text` (masked, escaped).
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from markupsafe import Markup

from ..labels import t
from .markup import bullet_list, join, resident_text, tag

if TYPE_CHECKING:  # pragma: no cover
    from ..documents.notes import Notes
    from ..params import Params

#: Photos larger than this are refused (the report is one file people mail around).
MAX_PHOTO_BYTES = 3 * 1024 * 1024


def report_title(params: Params, lang: str) -> str:
    """ "2025年9月 翠湖花园质量月工作总结": the same title as report.docx and report.pdf."""
    from ..documents.content import document_title

    return document_title(params, lang)


def owner_of(row: dict) -> str:
    """The named owner of a plan row (``owner``) when the plan has one, else its ``owner_role``."""
    from .fmt import is_missing

    for col in ("owner", "owner_role"):
        value = row.get(col)
        if not is_missing(value) and str(value).strip():
            return str(value)
    return ""


def front_lines(params: Params, lang: str) -> list[tuple[str, str]]:
    """``(label, value)`` cover lines of the params front matter that is given."""
    out = []
    for key in ("theme", "organisation", "signed_by"):
        value = getattr(params, key, None)
        if value:
            out.append((t(f"doc.{key}", lang), value))
    return out


def _photo(block) -> Markup:
    from ..documents.notes import PHOTO_TYPES
    from ..errors import NotesError

    data = block.path.read_bytes()
    if len(data) > MAX_PHOTO_BYTES:
        raise NotesError(
            str(block.path),
            0,
            f"photo is {len(data) / 1e6:.1f} MB; at most {MAX_PHOTO_BYTES / 1e6:.0f} MB (resize it)",
        )
    mime = PHOTO_TYPES[block.path.suffix.lower()]
    src = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    caption = tag("figcaption", resident_text(block.text)) if block.text else Markup("")
    return tag(
        "figure",
        Markup('<img src="{}" alt="{}">').format(src, block.text) + caption,
        class_="qm-figure qm-note-photo",
    )


def notes_html(notes: Notes | None, key: str) -> Markup:
    """The narrative blocks of section ``key`` as HTML (empty when there are none)."""
    if not notes:
        return Markup("")
    parts: list[Markup] = []
    items: list[Markup] = []
    for block in notes.get(key):
        if block.kind == "li":
            items.append(resident_text(block.text))
            continue
        if items:
            parts.append(bullet_list(items))
            items = []
        parts.append(_photo(block) if block.kind == "img" else tag("p", resident_text(block.text)))
    if items:
        parts.append(bullet_list(items))
    if not parts:
        return Markup("")
    return tag("div", join(parts), class_="qm-notes")


def foreword_html(params: Params, notes: Notes | None, lang: str) -> Markup:
    """前言: the params foreword and the narrative's foreword, or nothing."""
    parts: list[Markup] = []
    foreword = getattr(params, "foreword", None)
    if foreword:
        parts.extend(
            tag("p", resident_text(" ".join(p.split()))) for p in foreword.split("\n\n") if p.strip()
        )
    body = join(parts) + notes_html(notes, "foreword")
    if not body:
        return Markup("")
    heading = tag("h2", t("doc.sec.foreword", lang), id="sec-foreword", class_="qm-h2")
    return Markup(
        '<section class="qm-section qm-foreword" aria-labelledby="sec-foreword">{}{}</section>'
    ).format(heading, body)
