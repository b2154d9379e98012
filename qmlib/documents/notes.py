"""The narrative the report's authors write: ``notes/<community_id>.md``.

A Markdown file with one ``#`` (or ``##``) heading per report section; the
text and photos under a heading are placed at the end of the matching
section of report.html, report.docx and report.pdf. A heading matches a
section by its key (``foreword``, ``targets``, ``activities``, ``results``,
``shortcomings``, ``plan``, ``appendix``) or by its name in either language,
with or without the numbering ("二、核心工作举措与亮点", "核心工作举措与亮点",
"2. Key initiatives and highlights", "activities").

HTML comments ``<!-- … -->`` are ignored. Under a heading: paragraphs (separated by blank lines), bullet items
(``- text``) and photos ``![caption](photos/lobby.jpg)`` (PNG or JPEG,
relative to the Markdown file). Text before the first heading belongs to the
foreword. A heading that matches no section, or a photo that is missing, is an
error naming the file and line (:class:`~qmlib.errors.NotesError`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import NotesError
from ..labels import t

SECTION_KEYS: tuple[str, ...] = (
    "foreword",
    "targets",
    "activities",
    "results",
    "shortcomings",
    "plan",
    "appendix",
)
#: Label keys whose text names a section (document and report headings, both languages).
_HEADING_LABELS: dict[str, tuple[str, ...]] = {
    "foreword": ("doc.sec.foreword", "report.sec.summary"),
    "targets": ("doc.sec.targets", "report.sec.targets"),
    "activities": ("doc.sec.activities", "report.sec.activities"),
    "results": ("doc.sec.results", "report.sec.results"),
    "shortcomings": ("doc.sec.shortcomings", "report.sec.shortcomings"),
    "plan": ("doc.sec.plan", "report.sec.plan"),
    "appendix": ("doc.sec.appendix", "report.sec.appendix"),
}
_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|\d+[.、．)]|[（(][一二三四五六七八九十\d]+[）)])\s*"
)
_IMAGE = re.compile(r"^!\[(?P<caption>[^\]]*)\]\((?P<path>[^)\s]+)\)\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HEADING = re.compile(r"^(#{1,2})\s+(?P<text>.+?)\s*#*\s*$")
PHOTO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


@dataclass(frozen=True)
class Block:
    """A paragraph (``kind`` "p"), a bullet item ("li") or a photo ("img": ``path`` and caption ``text``)."""

    kind: str
    text: str
    path: Path | None = None


@dataclass
class Notes:
    """Blocks per section key; empty when there is no narrative file."""

    source: Path | None = None
    sections: dict[str, list[Block]] = field(default_factory=dict)

    def get(self, key: str) -> list[Block]:
        return self.sections.get(key, [])

    def __bool__(self) -> bool:
        return any(self.sections.values())


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", _NUMBERING.sub("", text)).lower()


def section_key(heading: str) -> str | None:
    """The section a heading names, or None."""
    want = _plain(heading)
    if want in SECTION_KEYS:
        return want
    for key, label_keys in _HEADING_LABELS.items():
        for label_key in label_keys:
            for lang in ("zh", "en"):
                name = _plain(t(label_key, lang).split("：")[0].split(":")[0])
                if name and (want == name or (len(want) >= 2 and (want in name or name in want))):
                    return key
    return None


def parse_notes(text: str, source: Path) -> Notes:
    """Parse the Markdown text of ``source`` (photos are resolved relative to it)."""
    # HTML comments (<!-- … -->) are the authors' own remarks: dropped, keeping the line numbers
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    notes = Notes(source=source)
    key = "foreword"
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            notes.sections.setdefault(key, []).append(Block("p", " ".join(paragraph)))
            paragraph.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        heading = _HEADING.match(line)
        if heading:
            flush()
            found = section_key(heading.group("text"))
            if found is None:
                names = "、".join(t(_HEADING_LABELS[k][0], "zh") for k in SECTION_KEYS)
                raise NotesError(
                    str(source),
                    number,
                    f"heading {heading.group('text')!r} names no report section (expected one of: "
                    f"{names}; or {', '.join(SECTION_KEYS)})",
                )
            key = found
            continue
        if not line:
            flush()
            continue
        image = _IMAGE.match(line)
        if image:
            flush()
            path = (source.parent / image.group("path")).resolve()
            if path.suffix.lower() not in PHOTO_TYPES:
                raise NotesError(
                    str(source), number, f"photo {image.group('path')!r} must be a PNG or JPEG file"
                )
            if not path.is_file():
                raise NotesError(
                    str(source), number, f"photo {image.group('path')!r} not found (looked for {path})"
                )
            notes.sections.setdefault(key, []).append(Block("img", image.group("caption").strip(), path))
            continue
        if line.startswith(("- ", "* ", "+ ")):
            flush()
            notes.sections.setdefault(key, []).append(Block("li", line[2:].strip()))
            continue
        paragraph.append(line)
    flush()
    return notes


def notes_path(params_dir: Path | str, community_id: str, notes: str | None = None) -> Path:
    """Where the narrative of a community is: params ``notes`` (relative to the params folder), else
    ``notes/<id>.md`` beside the params folder."""
    params_dir = Path(params_dir)
    if notes:
        path = Path(notes)
        return path if path.is_absolute() else params_dir / path
    return params_dir.parent / "notes" / f"{community_id}.md"


def load_notes(params_dir: Path | str | None, community_id: str, notes: str | None = None) -> Notes:
    """The community's narrative, or empty :class:`Notes` when there is no file.

    A file named in params (``notes``) must exist.
    """
    if params_dir is None:
        return Notes()
    path = notes_path(params_dir, community_id, notes)
    if not path.is_file():
        if notes:
            raise NotesError(str(path), 0, "narrative file named by params 'notes' not found")
        return Notes()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise NotesError(str(path), 0, "not UTF-8 text (save it as UTF-8)") from None
    return parse_notes(text, path)
