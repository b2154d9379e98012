"""report.docx, report.pdf and brief.html/pdf from hand-made stage outputs (tests/documents_fixture.py).

The documents are read back the way a person's tools would: python-docx for
Word (headings, tables, pictures, no unmasked phone/ID numbers), pypdf for the
PDFs (A4, page counts, extractable Chinese), and the PDF pages are rendered to
PNG with pdftoppm (kept under outputs/test-artifacts/ or $QM_TEST_ARTIFACTS for a person to look at).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pypdf
import pytest

from qmlib.documents import html_to_pdf, write_documents
from qmlib.documents.content import document_title, load_document_data
from qmlib.documents.docx import write_docx

try:
    from documents_fixture import ID_NO, PHONE, make_params, write_folder, write_report_html
except ImportError:  # pragma: no cover
    from tests.documents_fixture import ID_NO, PHONE, make_params, write_folder, write_report_html

REPO = Path(__file__).resolve().parents[1]
A4 = (595.28, 841.89)  # points
PII = re.compile(rf"{PHONE}|{ID_NO}")


def artifacts() -> Path:
    folder = Path(os.environ.get("QM_TEST_ARTIFACTS", REPO / "outputs" / "test-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module", params=["zh", "en"])
def written(request, tmp_path_factory) -> tuple[str, Path, dict]:
    lang = request.param
    folder = write_folder(tmp_path_factory.mktemp(f"docs-{lang}"), lang)
    write_report_html(folder, lang)
    paths = write_documents(folder, make_params(lang), lang)
    return lang, folder, paths


def _docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
    return "\n".join(parts)


def test_title_carries_year_and_month():
    assert document_title(make_params("zh"), "zh") == "2025年9月 翠湖花园质量月工作总结"
    assert document_title(make_params("en"), "en") == "翠湖花园: Quality Month Summary, September 2025"


def test_writes_every_document(written):
    _, folder, paths = written
    assert set(paths) == {"report.docx", "report.pdf", "brief.pdf", "brief.html"}
    for path in paths.values():
        assert path.parent == folder and path.stat().st_size > 1000


def test_docx_has_word_headings_tables_pictures(written):
    lang, folder, _ = written
    document = docx.Document(str(folder / "report.docx"))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    h1 = [text for style, text in headings if style == "Heading 1"]
    if lang == "zh":
        assert headings[0] == ("Title", "2025年9月 翠湖花园质量月工作总结")
        assert h1 == [
            "前言",
            "一、目标回顾",
            "二、核心工作举措与亮点",
            "三、取得的成效与量化数据",
            "四、存在的问题与不足",
            "五、未来展望与改进计划",
            "附录",
        ]
    else:
        assert h1[0] == "Foreword" and h1[-1] == "Appendix" and h1[5] == "5. Outlook and improvement plan"
    # targets, results, shortcomings, actions, routines, metric details, ingest: real Word tables
    assert len(document.tables) == 7
    targets = document.tables[0]
    assert len(targets.rows) == 3  # header + two targets
    first = [c.text for c in targets.rows[1].cells]
    assert first[3:5] == ["68.8", "76.8"]
    assert "p<0.001" in first[6]
    # the figure is a picture, the TOC a field, page numbers a PAGE field in the footer
    assert len(document.inline_shapes) == 1
    body_xml = document.element.xml
    assert "TOC \\o" in body_xml
    assert "PAGE" in document.sections[0].footer._element.xml
    assert "w:tblHeader" in body_xml and "w:cantSplit" in body_xml


def test_docx_carries_the_insights(written):
    lang, folder, _ = written
    document = docx.Document(str(folder / "report.docx"))
    texts = [p.text for p in document.paragraphs]
    if lang == "zh":
        i = texts.index("原因分析")
        assert texts[i + 1] == "S02：保洁分项得分 78.0，拉低了品质检查得分（占变化的 62%）。"
        assert "业主声音" in texts and "12 条评论提到夜间噪音（联系 138****5678）。" in texts
        # residents' voice and bad cases belong to 四、问题与不足; initiatives to 二、举措与亮点
        sec = {h: texts.index(h) for h in texts if h[:2] in ("二、", "三、", "四、", "五、")}
        two, three, four, five = (
            next(i for h, i in sec.items() if h.startswith(k)) for k in ("二", "三", "四", "五")
        )
        assert four < texts.index("业主声音") < five
        if "举措与成效" in texts:
            assert two < texts.index("举措与成效") < three
        assert texts.index("（四）比较的局限") > texts.index("（三）方法说明")


def test_docx_masks_phone_and_id_numbers(written):
    _, folder, _ = written
    text = _docx_text(docx.Document(str(folder / "report.docx")))
    assert not PII.search(text)
    assert "138****5678" in text and "110101********1234" in text


def test_docx_english_has_no_chinese_labels(written):
    lang, folder, _ = written
    if lang != "en":
        pytest.skip("English only")
    document = docx.Document(str(folder / "report.docx"))
    # Chinese may appear only in data values (the community's name, the fixture's free text, table names of the
    # data); headings and table headers must be English
    for p in document.paragraphs:
        if p.style.name.startswith("Heading"):
            assert not re.search(r"[\u4e00-\u9fff]", p.text), p.text
    for table in document.tables:
        header = " ".join(c.text for c in table.rows[0].cells)
        assert not re.search(r"[\u4e00-\u9fff]", header), header


def test_plain_statistics_in_the_results_table(written):
    lang, folder, _ = written
    results = docx.Document(str(folder / "report.docx")).tables[1]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in results.rows[1:]}
    if lang == "zh":
        sat = rows["满意度指数"]
        assert sat[4] == "提升 8.1 分，超出抽样波动范围（p<0.001），属改善"
        assert sat[5] == "变化在抽样波动范围内，不能认定为改善（p=0.164）"
        # p = 0.0496 is significant: shown as p<0.05, never as "p=0.050"
        assert "p<0.05" in rows["品质检查得分"][4] and "p=0.050" not in rows["品质检查得分"][4]
        # n < 10 is a small sample
        assert "样本较少（n=6）" in rows["报修及时到场率"][4]
    else:
        assert rows["Satisfaction index"][4].startswith("up 8.1 points, beyond sampling noise (p<0.001)")


def test_report_pdf_is_a4_with_chinese_text(written):
    lang, folder, _ = written
    reader = pypdf.PdfReader(str(folder / "report.pdf"))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.5)
    first = reader.pages[0].extract_text()
    assert "翠湖花园质量月工作总结" in first and "满意度指数提升 8.1 分" in first
    second = reader.pages[1].extract_text()
    assert ("第 2 页" in second) if lang == "zh" else ("Page 2 of" in second)
    assert "翠湖花园" in second  # running header


def test_brief_fits_two_a4_pages(written):
    lang, folder, _ = written
    reader = pypdf.PdfReader(str(folder / "brief.pdf"))
    assert 1 <= len(reader.pages) <= 2
    text = "".join(p.extract_text() for p in reader.pages)
    assert not PII.search(text)
    if lang == "zh":
        assert "2025年9月 翠湖花园质量月工作简报" in text
        for word in (
            "关键指标",
            "目标完成情况",
            "三大风险",
            "重点行动",
            "较大及以上隐患逾期：YH0018",
            "主要原因：保洁分项得分 78.0",
        ):
            assert word in text
    html = (folder / "brief.html").read_text(encoding="utf-8")
    assert html.count('class="b-card b-') == 4  # the four metrics of the fixture
    assert "b-card b-green" in html and "b-card b-red" in html  # satisfaction met, inspection missed


def test_pdf_font_is_the_charts_font():
    from qmlib.documents.pdf import font_path
    from qmlib.figures.fonts import cjk_font_path

    assert font_path() == cjk_font_path()


def test_html_to_pdf_refuses_remote_resources(tmp_path):
    html = '<html><body><p>测试</p><img src="https://example.com/x.png"></body></html>'
    path = html_to_pdf(html, tmp_path / "x.pdf")
    # the remote image is not fetched (the fetcher allows data: and file: only); the text is there
    assert "测试" in pypdf.PdfReader(str(path)).pages[0].extract_text()


def test_company_template_replaces_the_default(tmp_path):
    """A company template with the documented placeholders is used as is."""
    from docx.enum.text import WD_BREAK  # noqa: F401  (python-docx is what a company would use too)

    folder = write_folder(tmp_path / "c", "zh", figure=False)
    template = tmp_path / "company.docx"
    d = docx.Document()
    d.add_paragraph("某某物业公司 红头文件")
    d.add_paragraph("{{ title }}", style="Title")
    for key in ("foreword", "targets", "plan"):
        d.add_paragraph(f"{{{{ headings.{key} }}}}", style="Heading 1")
        d.add_paragraph(f"{{{{p sections.{key} }}}}")
    d.save(str(template))
    data = load_document_data(folder, make_params("zh"))
    out = write_docx(data, tmp_path / "r.docx", template=template)
    document = docx.Document(str(out))
    assert document.paragraphs[0].text == "某某物业公司 红头文件"
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "前言",
        "一、目标回顾",
        "五、未来展望与改进计划",
    ]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_pages_render_to_png(written):
    lang, folder, _ = written
    out = artifacts() / f"documents-{lang}"
    out.mkdir(parents=True, exist_ok=True)
    for name in ("report", "brief"):
        subprocess.run(
            ["pdftoppm", "-r", "50", "-png", str(folder / f"{name}.pdf"), str(out / name)], check=True
        )
    pngs = sorted(out.glob("brief*.png"))
    assert 1 <= len(pngs) <= 2
    from PIL import Image

    with Image.open(pngs[0]) as im:
        assert im.size[1] > im.size[0]  # portrait A4
        low, high = im.convert("L").getextrema()
        assert low < 100 and high > 200  # something drawn, not a blank page
    print("PDF pages as PNG:", out)
