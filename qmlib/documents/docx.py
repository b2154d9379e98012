"""``report.docx``: the whole report as an editable Word document (docxtpl).

The template (default ``templates/report.docx`` of this package, made by
``scripts/make_docx_template.py``; a company may supply its own, see
docs/DOCUMENTS.md) holds the page set-up, styles, running header, page
numbers, the cover placeholders and one ``Heading 1`` plus one block
placeholder per section. Each block is a docxtpl sub-document built here with
python-docx: real Word tables (style ``Table Grid``, cell text style ``QM Table
Text``), the chart PNGs of ``figures/`` as pictures with captions, and
paragraphs. Styles missing from a company template fall back to Word's
defaults.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate

from ..labels import t
from ..outputs import atomic_write_bytes
from ..privacy import mask_pii
from ..report.sections import method_notes
from . import tables as tb
from .content import DocumentData, document_title, running_header
from .notes import Block as NoteBlock
from .notes import Notes

DEFAULT_TEMPLATE = Path(__file__).with_name("templates") / "report.docx"
#: Sections of the template, in order (placeholders ``headings.<key>`` and ``sections.<key>``).
SECTION_KEYS: tuple[str, ...] = (
    "foreword",
    "targets",
    "activities",
    "results",
    "shortcomings",
    "plan",
    "appendix",
)
#: Width of the pictures (the type area of the default template is 156 mm) and of the authors' photos.
PICTURE_WIDTH = Mm(150)
PHOTO_WIDTH = Mm(120)


class Block:
    """A sub-document of the template with helpers for paragraphs, tables and pictures."""

    def __init__(self, tpl: DocxTemplate) -> None:
        self.doc = tpl.new_subdoc()
        self._ids = _style_ids_cached(tpl)
        self._styles = set(self._ids)

    def style(self, name: str, fallback: str = "Normal") -> str | None:
        return name if name in self._styles else (fallback if fallback in self._styles else None)

    def _styled(self, paragraph, name: str | None) -> None:
        """Set a paragraph style by its id (python-docx's lookup by name is slow for big tables)."""
        sid = self._ids.get(name) if name else None
        if sid:
            paragraph._p.style = sid

    def add(self, text: str = "", style: str = "Normal"):
        p = self.doc.add_paragraph(text)
        self._styled(p, self.style(style))
        return p

    def para(self, text: str, style: str = "Normal") -> None:
        self.add(text, style)

    def note(self, text: str) -> None:
        self.para(text, "QM Note")

    def heading(self, text: str, level: int = 2) -> None:
        self.add(text, f"Heading {level}")

    def bullets(self, items: list[str]) -> None:
        for item in items:
            self.add(item, "List Bullet")

    def table(
        self,
        header: list[str],
        rows: list[list[str]],
        widths_mm: list[float] | None = None,
        font_pt: float | None = None,
    ) -> None:
        table = self.doc.add_table(rows=1 + len(rows), cols=len(header))
        if "Table Grid" in self._ids:
            table._tbl.tblPr.style = self._ids["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        cell_style = self.style("QM Table Text")
        for r, values in enumerate([header, *rows]):
            row = table.rows[r]
            _no_split(row)
            if r == 0:
                _repeat_header(row)
            cells = row.cells  # python-docx builds this list anew on every access
            for c, value in enumerate(values):
                cell = cells[c]
                p = cell.paragraphs[0]
                self._styled(p, cell_style)
                run = p.add_run(str(value))
                if r == 0:
                    run.bold = True
                if font_pt:
                    run.font.size = Pt(font_pt)
                if widths_mm:
                    cell.width = Mm(widths_mm[c])
        self.add("", "QM Note")

    def picture(self, path: Path, caption: str, width=PICTURE_WIDTH) -> None:
        p = self.add("", "QM Figure")
        p.add_run().add_picture(str(path), width=width)
        if caption:
            self.add(caption, "Caption")

    def notes(self, blocks: list[NoteBlock]) -> None:
        """The authors' narrative for this section: paragraphs, bullet items, photos (text masked)."""
        for block in blocks:
            if block.kind == "img" and block.path is not None:
                self.picture(block.path, mask_pii(block.text), width=PHOTO_WIDTH)
            elif block.kind == "li":
                self.bullets([mask_pii(block.text)])
            else:
                self.para(mask_pii(block.text))


def style_ids(tpl: DocxTemplate) -> dict[str, str]:
    """Paragraph and table style names of the template → their ids."""
    return {st.name: st.style_id for st in tpl.get_docx().styles if st.name and st.style_id}


def _style_ids_cached(tpl: DocxTemplate) -> dict[str, str]:
    """:func:`style_ids` computed once per template object (every section's block asks for them)."""
    ids = getattr(tpl, "_qm_style_ids", None)
    if ids is None:
        ids = style_ids(tpl)
        tpl._qm_style_ids = ids
    return ids


def _no_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


# ---------------------------------------------------------------------------
# sections
# ---------------------------------------------------------------------------
def foreword(tpl: DocxTemplate, data: DocumentData, text: str | None = None) -> Block:
    """The params ``foreword`` (paragraphs split at blank lines), else a sentence on the quality month."""
    p, lang = data.params, data.lang
    b = Block(tpl)
    if text:
        for part in text.strip().split("\n\n"):
            b.para(mask_pii(" ".join(part.split())))
    else:
        qs, qe = p.periods["quality_month"]
        bs, be = p.periods["baseline"]
        b.para(
            t("doc.foreword.default", lang).format(
                name=p.name,
                start=qs.isoformat(),
                end=qe.isoformat(),
                base_start=bs.isoformat(),
                base_end=be.isoformat(),
            )
        )
    return b


def targets(tpl: DocxTemplate, data: DocumentData) -> Block:
    lang = data.lang
    b = Block(tpl)
    header, rows = tb.targets_table(data)
    if not rows:
        b.para(t("doc.targets.none", lang))
        return b
    b.para(t("doc.targets.intro", lang))
    b.table(header, rows, [26, 26, 14, 15, 15, 15, 45], font_pt=9)
    b.para(t("doc.targets.tally", lang).format(**tb.target_tally(data)))
    return b


def insight_bullets(
    b: Block, data: DocumentData, kind: str, limit: int, direction: str | None = None
) -> None:
    """A heading and the evidence of the best ``limit`` insights of ``kind`` (of one direction)."""
    rows = tb.insights_of(data, kind)
    if direction is not None:
        rows = [r for r in rows if tb.text(r.get("direction")) == direction]
    found = [x for x in (tb.text(r.get("evidence")) for r in rows[:limit]) if x]
    if found:
        b.heading(t(f"doc.insights.{kind}", data.lang))
        b.bullets(found)


def activities(tpl: DocxTemplate, data: DocumentData) -> Block:
    lang = data.lang
    b = Block(tpl)
    count, participants, rows = tb.activities(data)
    if not count:
        b.para(t("doc.activities.none", lang))
        return b
    b.para(t("doc.activities.intro", lang).format(count=count, participants=f"{participants:,}"))
    b.table(
        [t("doc.col.date", lang), t("doc.col.category", lang), t("doc.col.activity", lang)],
        [list(r) for r in rows],
        [28, 30, 98],
        font_pt=10,
    )
    insight_bullets(b, data, "initiative", 3)  # §二: initiatives and their association with results
    insight_bullets(b, data, "case", 3, direction="good")  # §二: good typical cases
    return b


def results(tpl: DocxTemplate, data: DocumentData) -> Block:
    lang = data.lang
    b = Block(tpl)
    header, rows = tb.results_table(data)
    if not rows:
        b.para(t("doc.results.none", lang))
    else:
        b.para(t("doc.results.intro", lang))
        n_periods = len(data.params.period_names)
        statement_width = (156 - 28 - 14 * n_periods) / max(1, n_periods - 1)
        b.table(header, rows, [28] + [14] * n_periods + [statement_width] * (n_periods - 1), font_pt=8.5)
        b.note(t("doc.stat.legend", lang))
    for i, (stem, path) in enumerate(data.figures.items(), start=1):
        caption = t("doc.figure", lang).format(n=i, caption=t(f"report.chart.{stem}", lang))
        b.picture(path, caption)
    return b


def shortcomings(tpl: DocxTemplate, data: DocumentData) -> Block:
    lang = data.lang
    b = Block(tpl)
    header, rows = tb.shortcomings_table(data)
    if not rows:
        b.para(t("doc.shortcomings.none", lang))
        return b
    b.para(t("doc.shortcomings.intro", lang).format(count=len(rows)))
    b.table(header, rows, [12, 16, 22, 106], font_pt=9.5)
    insight_bullets(b, data, "case", 3, direction="bad")  # §四: bad typical cases
    insight_bullets(b, data, "voice", 5)  # §四: residents' voice
    explained = [(sid, tb.causes(data, sid)) for sid in (r[0] for r in rows)]
    explained = [(sid, found) for sid, found in explained if found]
    if explained:
        b.heading(t("doc.insights.causes", lang))
        b.bullets(
            [
                t("doc.insights.cause_item", lang).format(id=sid, text=t("report.list_sep", lang).join(found))
                for sid, found in explained
            ]
        )
    return b


def plan(tpl: DocxTemplate, data: DocumentData, extra: list[Block] | None = None) -> Block:
    lang = data.lang
    b = Block(tpl)
    intro, header, rows = tb.follow_up_table(data)
    if rows:
        b.heading(t("doc.pdca.title", lang))
        b.para(intro)
        b.table(header, rows, [10, 44, 15, 18, 22, 15, 18, 14], font_pt=8.5)
    b.para(t("doc.plan.intro", lang))
    actions, routines = tb.split_plan(data)
    b.heading(t("doc.plan.actions", lang))
    if actions:
        header, rows = tb.actions_table(actions, lang)
        b.table(header, rows, [11, 49, 16, 19, 25, 12, 12, 12], font_pt=8.5)
    else:
        b.para(t("doc.plan.none", lang))
    if routines:
        b.heading(t("doc.plan.routines", lang))
        header, rows = tb.actions_table(routines, lang, routine=True)
        b.table(header, rows, [56, 16, 19, 25, 14, 14, 12], font_pt=8.5)
    return b


def appendix(tpl: DocxTemplate, data: DocumentData) -> Block:
    lang = data.lang
    b = Block(tpl)
    b.heading(t("doc.appendix.metrics", lang))
    header, rows = tb.metric_details(data)
    if rows:
        width = (156 - 40) / max(1, len(header) - 1)
        b.table(header, rows, [40] + [width] * (len(header) - 1), font_pt=8)
    b.heading(t("doc.appendix.ingest", lang))
    header, rows = tb.ingest_table(data)
    if rows:
        b.table(header, rows, [28, 44, 28, 28, 28], font_pt=9)
    b.heading(t("doc.appendix.methods", lang))
    for note in method_notes(data.params, lang):
        b.para(note, "QM Note")
    caveats = [tb.text(r.get("evidence")) for r in tb.insights_of(data, "caveat")]
    if any(caveats):
        b.heading(t("doc.insights.caveat", lang))
        b.bullets([x for x in caveats if x])
    return b


# ---------------------------------------------------------------------------
# the document
# ---------------------------------------------------------------------------
def front_matter(data: DocumentData) -> dict[str, str]:
    """theme, organisation, foreword, signed_by from params (empty strings when not given)."""
    p = data.params
    return {k: getattr(p, k, None) or "" for k in ("theme", "organisation", "foreword", "signed_by")}


def context(tpl: DocxTemplate, data: DocumentData, notes: Notes | None = None) -> dict:
    """The template's placeholders (documented in docs/DOCUMENTS.md)."""
    p, lang = data.params, data.lang
    front = front_matter(data)
    qs, qe = p.periods["quality_month"]
    sections = {
        "foreword": foreword(tpl, data, front.get("foreword")),
        "targets": targets(tpl, data),
        "activities": activities(tpl, data),
        "results": results(tpl, data),
        "shortcomings": shortcomings(tpl, data),
        "plan": plan(tpl, data),
        "appendix": appendix(tpl, data),
    }
    for key, block in sections.items():
        if notes:
            block.notes(notes.get(key))
    return {
        "title": document_title(p, lang),
        "running_header": running_header(p, lang),
        "community": p.name,
        "company": p.company or "",
        "theme": front.get("theme") or "",
        "organisation": front.get("organisation") or "",
        "signed_by": front.get("signed_by") or "",
        "period": t("report.meta.period_range", lang).format(start=qs.isoformat(), end=qe.isoformat()),
        "as_of": p.as_of_date.isoformat(),
        "date": (data.generated_on or dt.date.today()).isoformat(),
        "closing": "",
        "labels": {
            **{
                k: t(f"doc.{k}", lang) + t("doc.colon", lang)
                for k in ("theme", "organisation", "signed_by", "company", "period", "as_of", "date")
            },
            "toc": t("doc.toc", lang),
            "toc_hint": t("doc.toc_hint", lang),
        },
        "headings": {k: t(f"doc.sec.{k}", lang) for k in SECTION_KEYS},
        "sections": {k: v.doc for k, v in sections.items()},
    }


def write_docx(
    data: DocumentData, docx_path: Path | str, template: Path | str | None = None, notes: Notes | None = None
) -> Path:
    """Render ``report.docx`` from ``data`` on ``template`` (default: the shipped one), with the
    authors' ``notes`` placed in their sections."""
    tpl = DocxTemplate(str(template or DEFAULT_TEMPLATE))
    tpl.render(context(tpl, data, notes), autoescape=True)
    import io

    buffer = io.BytesIO()
    tpl.save(buffer)
    path = Path(docx_path)
    atomic_write_bytes(path, buffer.getvalue())
    path.chmod(0o644)
    return path
