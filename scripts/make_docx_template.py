"""Write qm's default Word template ``qmlib/documents/templates/report.docx``.

Run from the repository root: ``python scripts/make_docx_template.py``. The
template is a python-docx document with a Chinese official-document look
(after GB/T 9704-2012, 党政机关公文格式): A4, 37/35/28/26 mm margins, title in
方正小标宋简体 22 pt, level-1 headings in 黑体 16 pt, level-2 in 楷体_GB2312,
body in 仿宋_GB2312; each font carries fallbacks in the font table (宋体/SimSun,
黑体/SimHei, Noto Serif/Sans CJK SC) so that Word or LibreOffice without the
founder fonts substitutes sensibly. Page numbers ("— 1 —") in the footer, the
running header and a table-of-contents field Word fills on opening.

The docxtpl placeholders it contains are listed in docs/DOCUMENTS.md; a
company can replace the template with its own letterhead keeping them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

OUT = Path(__file__).resolve().parents[1] / "qmlib" / "documents" / "templates" / "report.docx"

#: East-Asian font → fallbacks (written to the font table as w:altName).
FONTS: dict[str, tuple[str, ...]] = {
    "方正小标宋简体": ("宋体", "SimSun", "Noto Serif CJK SC"),
    "黑体": ("SimHei", "Noto Sans CJK SC"),
    "楷体_GB2312": ("楷体", "KaiTi", "Noto Serif CJK SC"),
    "仿宋_GB2312": ("仿宋", "FangSong", "宋体", "Noto Serif CJK SC"),
    "宋体": ("SimSun", "Noto Serif CJK SC"),
}
LATIN = "Times New Roman"


def set_fonts(
    style_or_run,
    east_asia: str,
    size: float | None = None,
    bold: bool | None = None,
    color: RGBColor | None = None,
) -> None:
    """Latin font, East-Asian font, size, weight and colour of a style or run."""
    font = style_or_run.font
    font.name = LATIN
    rpr = style_or_run.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), LATIN)
    rfonts.set(qn("w:eastAsia"), east_asia)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = color


def paragraph_format(
    style,
    *,
    before: float = 0,
    after: float = 0,
    line: float | None = None,
    first_indent: float | None = None,
    align=None,
    keep_next: bool = False,
) -> None:
    pf = style.paragraph_format
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    if line is not None:
        pf.line_spacing = Pt(line)
    if first_indent is not None:
        pf.first_line_indent = Pt(first_indent)
    if align is not None:
        pf.alignment = align
    pf.keep_with_next = keep_next


def field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A complex field (PAGE, TOC …) in ``paragraph``."""

    def fld(kind: str):
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            el.set(qn("w:dirty"), "true")
        return el

    run = paragraph.add_run()
    run._r.append(fld("begin"))
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    run = paragraph.add_run()
    run._r.append(fld("separate"))
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    run._r.append(fld("end"))


def font_table(doc) -> None:
    """Declare every East-Asian font with its fallbacks (w:altName) and GB2312 charset."""
    part = None
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            part = rel.target_part
    if part is None:
        return
    from lxml import etree

    root = etree.fromstring(part.blob)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    for name, alts in FONTS.items():
        font = etree.SubElement(root, f"{{{w}}}font")
        font.set(f"{{{w}}}name", name)
        alt = etree.SubElement(font, f"{{{w}}}altName")
        alt.set(f"{{{w}}}val", ",".join(alts))
        charset = etree.SubElement(font, f"{{{w}}}charset")
        charset.set(f"{{{w}}}val", "86")
        family = etree.SubElement(font, f"{{{w}}}family")
        family.set(f"{{{w}}}val", "modern" if name == "黑体" else "roman")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


#: Elements that follow w:updateFields in the schema's sequence of w:settings (ECMA-376 CT_Settings).
AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
)


def update_fields_on_open(doc) -> None:
    """Ask Word to update the fields (TOC, PAGE) when the file is opened; placed where the schema wants it."""
    settings = doc.settings.element
    el = OxmlElement("w:updateFields")
    el.set(qn("w:val"), "true")
    for child in settings:
        if child.tag in {qn(f"w:{name}") for name in AFTER_UPDATE_FIELDS}:
            child.addprevious(el)
            return
    settings.append(el)


def build() -> Document:
    doc = Document()
    styles = doc.styles
    ink = RGBColor(0, 0, 0)
    normal = styles["Normal"]
    set_fonts(normal, "仿宋_GB2312", 14, color=ink)
    paragraph_format(normal, after=0, line=26, first_indent=28, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    title = styles["Title"]
    set_fonts(title, "方正小标宋简体", 22, bold=False, color=ink)
    paragraph_format(title, before=12, after=18, line=36, first_indent=0, align=WD_ALIGN_PARAGRAPH.CENTER)
    title.element.get_or_add_pPr()
    # the default Title style draws a blue rule under the title; an official document has none
    pbdr = title.element.pPr.find(qn("w:pBdr"))
    if pbdr is not None:
        title.element.pPr.remove(pbdr)
    for level, (font, size) in {1: ("黑体", 16), 2: ("楷体_GB2312", 15), 3: ("仿宋_GB2312", 14)}.items():
        st = styles[f"Heading {level}"]
        set_fonts(st, font, size, bold=level == 3, color=ink)
        paragraph_format(st, before=12 if level == 1 else 6, after=6, line=28, first_indent=0, keep_next=True)
        st.font.italic = False
    caption = styles["Caption"]
    set_fonts(caption, "仿宋_GB2312", 10.5, bold=False, color=ink)
    paragraph_format(caption, before=2, after=8, line=16, first_indent=0, align=WD_ALIGN_PARAGRAPH.CENTER)
    caption.font.italic = False
    table_text = styles.add_style("QM Table Text", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    set_fonts(table_text, "宋体", 10.5, color=ink)
    paragraph_format(table_text, line=15, first_indent=0, align=WD_ALIGN_PARAGRAPH.LEFT)
    figure = styles.add_style("QM Figure", WD_STYLE_TYPE.PARAGRAPH)
    figure.base_style = normal
    paragraph_format(
        figure, before=6, line=None, first_indent=0, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True
    )
    figure.paragraph_format.line_spacing = 1.0
    meta = styles.add_style("QM Cover Meta", WD_STYLE_TYPE.PARAGRAPH)
    meta.base_style = normal
    set_fonts(meta, "仿宋_GB2312", 14, color=ink)
    paragraph_format(meta, line=28, first_indent=0, align=WD_ALIGN_PARAGRAPH.CENTER)
    note = styles.add_style("QM Note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = normal
    set_fonts(note, "仿宋_GB2312", 10.5, color=RGBColor(0x40, 0x40, 0x40))
    paragraph_format(note, before=2, after=6, line=16, first_indent=0)
    for name in ("List Bullet", "List Number"):
        set_fonts(styles[name], "仿宋_GB2312", 14, color=ink)
        paragraph_format(styles[name], line=26, first_indent=0)
    toc1 = (
        styles.add_style("TOC 1", WD_STYLE_TYPE.PARAGRAPH)
        if "TOC 1" not in [s.name for s in styles]
        else styles["TOC 1"]
    )
    toc1.base_style = normal
    paragraph_format(toc1, line=26, first_indent=0)

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(20)
    section.different_first_page_header_footer = True

    header = section.header.paragraphs[0]
    header.text = "{{ running_header }}"
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.paragraph_format.first_line_indent = Pt(0)
    for run in header.runs:
        set_fonts(run, "宋体", 9)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.paragraph_format.first_line_indent = Pt(0)
    footer.add_run("— ")
    field(footer, "PAGE", "1")
    footer.add_run(" —")
    for run in footer.runs:
        set_fonts(run, "宋体", 14)
    # first page: page number too, no running header
    first_footer = section.first_page_footer.paragraphs[0]
    first_footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    first_footer.paragraph_format.first_line_indent = Pt(0)
    first_footer.add_run("— ")
    field(first_footer, "PAGE", "1")
    first_footer.add_run(" —")

    # ---- cover ----------------------------------------------------------------
    doc.add_paragraph("{{ title }}", style="Title")
    doc.add_paragraph("{%p if theme %}", style="QM Cover Meta")
    doc.add_paragraph("{{ labels.theme }}{{ theme }}", style="QM Cover Meta")
    doc.add_paragraph("{%p endif %}", style="QM Cover Meta")
    doc.add_paragraph("{{ labels.company }}{{ company }}", style="QM Cover Meta")
    doc.add_paragraph("{%p if organisation %}", style="QM Cover Meta")
    doc.add_paragraph("{{ labels.organisation }}{{ organisation }}", style="QM Cover Meta")
    doc.add_paragraph("{%p endif %}", style="QM Cover Meta")
    doc.add_paragraph("{{ labels.period }}{{ period }}", style="QM Cover Meta")
    doc.add_paragraph("{{ labels.as_of }}{{ as_of }}", style="QM Cover Meta")
    doc.add_paragraph("{%p if signed_by %}", style="QM Cover Meta")
    doc.add_paragraph("{{ labels.signed_by }}{{ signed_by }}", style="QM Cover Meta")
    doc.add_paragraph("{%p endif %}", style="QM Cover Meta")
    doc.add_paragraph("{{ labels.date }}{{ date }}", style="QM Cover Meta")
    toc_title = doc.add_paragraph("{{ labels.toc }}", style="QM Cover Meta")
    toc_title.paragraph_format.space_before = Pt(24)
    for run in toc_title.runs:
        set_fonts(run, "黑体", 16)
    toc = doc.add_paragraph(style="Normal")
    toc.paragraph_format.first_line_indent = Pt(0)
    field(toc, 'TOC \\o "1-2" \\h \\z \\u', "{{ labels.toc_hint }}")
    toc.add_run().add_break(WD_BREAK.PAGE)

    # ---- body: one heading and one block per section -----------------------------
    for key in ("foreword", "targets", "activities", "results", "shortcomings", "plan", "appendix"):
        doc.add_paragraph(f"{{{{ headings.{key} }}}}", style="Heading 1")
        doc.add_paragraph(f"{{{{p sections.{key} }}}}")
    doc.add_paragraph("{%p if closing %}")
    doc.add_paragraph("{{ closing }}")
    doc.add_paragraph("{%p endif %}")

    font_table(doc)
    update_fields_on_open(doc)
    return doc


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    build().save(str(out))
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
