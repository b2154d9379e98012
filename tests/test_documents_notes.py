"""The authors' narrative notes/<id>.md: parsed by heading, placed in HTML and Word, errors named by line."""

from __future__ import annotations

import docx
import pytest
from PIL import Image

from qmlib.documents.content import load_document_data
from qmlib.documents.docx import write_docx
from qmlib.documents.notes import load_notes, notes_path, parse_notes, section_key
from qmlib.errors import NotesError
from qmlib.report.front import foreword_html, notes_html

try:
    from documents_fixture import make_params, write_folder
except ImportError:  # pragma: no cover
    from tests.documents_fixture import make_params, write_folder

NOTES = """<!-- 写给同事的备注，
不进入报告 -->
本月以“用心服务”为主题。

# 二、核心工作举措与亮点

组织了 14 项活动，业主反响良好（联系人 13812345678）。

![大堂焕新](photos/lobby.png)

## 五、未来展望与改进计划
- 十一月完成电梯更新
- 十二月开展满意度回访
"""


@pytest.fixture()
def notes_file(tmp_path):
    folder = tmp_path / "notes"
    (folder / "photos").mkdir(parents=True)
    Image.new("RGB", (80, 50), (30, 80, 160)).save(folder / "photos" / "lobby.png")
    path = folder / "demo01.md"
    path.write_text(NOTES, encoding="utf-8")
    (tmp_path / "params").mkdir()
    return path


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("前言", "foreword"),
        ("二、核心工作举措与亮点", "activities"),
        ("核心工作举措与亮点", "activities"),
        ("2. Key initiatives and highlights", "activities"),
        ("plan", "plan"),
        ("五、未来展望与改进计划", "plan"),
        ("附录", "appendix"),
        ("天气", None),
    ],
)
def test_section_key(heading, key):
    assert section_key(heading) == key


def test_parse_and_locate(notes_file, tmp_path):
    assert notes_path(tmp_path / "params", "demo01") == notes_file
    notes = load_notes(tmp_path / "params", "demo01")
    assert [b.kind for b in notes.get("foreword")] == ["p"]
    assert [b.kind for b in notes.get("activities")] == ["p", "img"]
    assert notes.get("activities")[1].text == "大堂焕新"
    assert [b.text for b in notes.get("plan")] == ["十一月完成电梯更新", "十二月开展满意度回访"]
    assert not load_notes(tmp_path / "params", "demo02")  # no file: nothing, no error


def test_errors_name_the_file_and_line(tmp_path):
    with pytest.raises(NotesError, match=r"x\.md, line 5: heading '天气' names no report section"):
        parse_notes("<!-- a\nb -->\ntext\n\n# 天气\n", tmp_path / "x.md")
    with pytest.raises(NotesError, match=r"line 2: photo 'missing.png' not found"):
        parse_notes("# 前言\n![a](missing.png)\n", tmp_path / "x.md")
    with pytest.raises(NotesError, match="PNG or JPEG"):
        parse_notes("# 前言\n![a](a.gif)\n", tmp_path / "x.md")
    with pytest.raises(NotesError, match="not found"):
        load_notes(tmp_path, "demo01", "elsewhere.md")


def test_notes_in_html_are_masked_and_embedded(notes_file, tmp_path):
    notes = load_notes(tmp_path / "params", "demo01")
    html = str(notes_html(notes, "activities"))
    assert "138****5678" in html and "13812345678" not in html
    assert 'src="data:image/png;base64,' in html and "<figcaption>大堂焕新</figcaption>" in html
    assert "<li>十一月完成电梯更新</li>" in str(notes_html(notes, "plan"))
    fw = str(foreword_html(make_params("zh", foreword="各位领导：\n\n现将工作总结如下。"), notes, "zh"))
    assert 'id="sec-foreword"' in fw and "<p>各位领导：</p>" in fw and "用心服务" in fw
    assert str(foreword_html(make_params("zh"), None, "zh")) == ""


def test_notes_and_front_matter_in_word(notes_file, tmp_path):
    folder = write_folder(tmp_path / "out", "zh", figure=False)
    params = make_params(
        "zh",
        theme="用心服务 品质提升",
        organisation="项目质量月领导小组",
        signed_by="翠湖花园项目部",
        foreword="各位领导：\n\n现将质量月工作总结如下。",
    )
    out = write_docx(
        load_document_data(folder, params),
        tmp_path / "r.docx",
        notes=load_notes(tmp_path / "params", "demo01"),
    )
    document = docx.Document(str(out))
    texts = [p.text for p in document.paragraphs]
    assert "质量月主题：用心服务 品质提升" in texts and "报告人：翠湖花园项目部" in texts
    assert "组织领导：项目质量月领导小组" in texts
    i = texts.index("前言")
    assert texts[i + 1 : i + 4] == ["各位领导：", "现将质量月工作总结如下。", "本月以“用心服务”为主题。"]
    j = texts.index("二、核心工作举措与亮点")
    assert any("138****5678" in x for x in texts[j:]) and not any("13812345678" in x for x in texts)
    assert len(document.inline_shapes) == 1  # the photo
    assert "大堂焕新" in texts


def test_notes_and_photos_are_part_of_the_fingerprint(notes_file, tmp_path):
    """Editing the narrative or a photo makes `qm run` run the community again."""
    import yaml

    from qmlib.runner.fingerprint import compute_fingerprint
    from qmlib.runner.render import document_inputs

    try:
        from documents_fixture import PARAMS
    except ImportError:  # pragma: no cover
        from tests.documents_fixture import PARAMS

    params_file = tmp_path / "params" / "demo01.yaml"
    params_file.write_text(yaml.safe_dump(PARAMS, allow_unicode=True), encoding="utf-8")
    files = document_inputs(params_file)
    assert files == [notes_file, notes_file.parent / "photos" / "lobby.png"]
    before = compute_fingerprint(tmp_path / "data", params_file, [], files)
    notes_file.write_text(NOTES + "\n补充一句。\n", encoding="utf-8")
    assert compute_fingerprint(tmp_path / "data", params_file, [], document_inputs(params_file)) != before
    # no narrative, no template: the fingerprint is what it was without documents
    assert compute_fingerprint(tmp_path / "data", params_file, [], []) == compute_fingerprint(
        tmp_path / "data", params_file, []
    )
