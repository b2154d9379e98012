"""report.html: render_report on executed notebooks.

Two sources:

- a small fixture notebook (built here with nbformat, executed with
  papermill) that shows every section of a hand-made ReportInputs with hostile
  resident text, in zh and en;
- the real ``notebooks/04_plan.ipynb`` on a synthetic community (``slow``).
"""

from __future__ import annotations

import pickle
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from qmlib.report import remote_resources, render_html, render_report

try:  # sibling test module: tests/ is on sys.path (rootdir-relative if tests/ becomes a package)
    from test_report_sections import make_inputs
except ImportError:  # pragma: no cover
    from tests.test_report_sections import make_inputs

REPO = Path(__file__).resolve().parents[1]
MAX_BYTES = 3 * 1024 * 1024
HEADINGS = {
    "zh": [
        "一、质量月目标回顾",
        "二、核心工作举措与亮点",
        "三、取得的成效与量化数据",
        "四、存在的问题与不足",
        "五、未来展望与持续改进计划",
        "附录：数据质量与方法说明",
    ],
    "en": [
        "1. Quality-month targets",
        "2. Key initiatives and highlights",
        "3. Results in numbers",
        "4. Problems and shortcomings",
        "5. Outlook and continuous-improvement plan",
        "Appendix: data quality and methods",
    ],
}

SETUP = """\
import pickle
import matplotlib
matplotlib.use("Agg")
from matplotlib.figure import Figure
from IPython.display import HTML, display
from qmlib import report
from qmlib.figures import setup_fonts
setup_fonts()
with open(inputs_path, "rb") as fh:
    r = pickle.load(fh)
fig = Figure(figsize=(7, 3.2), layout="constrained")
ax = fig.subplots()
ax.bar(["基线期", "质量月", "巩固期"], [72.1, 78.4, 77.9], color=["#9aa5b1", "#1f4e79", "#5b8fc7"])
ax.set_ylim(60, 85)
ax.set_title("满意度指数 / Satisfaction index")
print("setup done")
"""


def fixture_notebook() -> nbformat.NotebookNode:
    """A report notebook in the shape of 04_plan: hidden intro, parameters, setup, one cell per section."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        new_markdown_cell("# Fixture report notebook (hidden in the report)", metadata={"tags": ["qm-hide"]}),
        new_code_cell('inputs_path = ""', metadata={"tags": ["parameters"]}),
        new_code_cell(SETUP),
        new_code_cell(
            "display(HTML(report.cover(r)))\ndisplay(HTML(report.summary(r)))",
            metadata={"tags": ["qm-toc-after"]},
        ),
        new_code_cell("display(HTML(report.targets_section(r)))"),
        new_code_cell("display(HTML(report.activities_section(r)))"),
        new_code_cell("display(HTML(report.results_section(r, [report.Chart('图 1　满意度指数', fig)])))"),
        new_code_cell("display(HTML(report.shortcomings_section(r)))"),
        new_code_cell("display(HTML(report.plan_section(r)))"),
        new_code_cell("display(HTML(report.appendix_section(r)))\n'a plain text result'"),
    ]
    return nb


def build_fixture_report(folder: Path, lang: str) -> Path:
    """Execute the fixture notebook with papermill for ``lang`` and render its report.html."""
    import papermill as pm

    folder.mkdir(parents=True, exist_ok=True)
    inputs = folder / f"inputs_{lang}.pkl"
    inputs.write_bytes(pickle.dumps(make_inputs(lang)))
    source, executed = folder / "fixture.ipynb", folder / f"executed_{lang}.ipynb"
    nbformat.write(fixture_notebook(), str(source))
    pm.execute_notebook(
        str(source),
        str(executed),
        parameters={"inputs_path": str(inputs)},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(folder),
    )
    return render_report(executed, folder / f"report_{lang}.html", lang)


class _Doc(HTMLParser):
    """ids, TOC links, images, h2 texts and tags of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.toc_links: list[str] = []
        self.img_src: list[str] = []
        self.h2: list[str] = []
        self.tags: set[str] = set()
        self._in_nav = self._in_h2 = False
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.add(tag)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "nav":
            self._in_nav = True
        if tag == "a" and self._in_nav:
            self.toc_links.append(a.get("href") or "")
        if tag == "img":
            self.img_src.append(a.get("src") or "")
        if tag == "h2":
            self._in_h2, self._text = True, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_nav = False
        if tag == "h2" and self._in_h2:
            self.h2.append("".join(self._text).strip())
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self._text.append(data)


def parse(html: str) -> _Doc:
    doc = _Doc()
    doc.feed(html)
    doc.close()
    return doc


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("report")
    return {lang: build_fixture_report(folder, lang).read_text(encoding="utf-8") for lang in ("zh", "en")}


def assert_clean_report(html: str, lang: str) -> _Doc:
    """The checks every report.html must pass."""
    doc = parse(html)
    # no code, prompts, streams or parameters
    assert "<pre" not in html
    assert "injected-parameters" not in html and "celltag_" not in html
    assert "jp-InputArea" not in html and "highlight-ipynb" not in html
    assert "In&nbsp;[" not in html and "Out[" not in html
    # headings and TOC
    for heading in HEADINGS[lang]:
        assert heading in doc.h2, heading
    assert len(doc.toc_links) >= 6
    for href in doc.toc_links:
        assert href.startswith("#") and href[1:] in doc.ids, href
    # self-contained, no script at all
    assert remote_resources(html) == []
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", html, re.I)
    assert "script" not in doc.tags and "link" not in doc.tags and "iframe" not in doc.tags
    assert doc.img_src and all(s.startswith("data:image/png;base64,") for s in doc.img_src)
    assert len(html.encode("utf-8")) < MAX_BYTES
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in html
    return doc


@pytest.mark.slow
def test_fixture_report_is_clean(reports: dict[str, str]) -> None:
    for lang, html in reports.items():
        assert_clean_report(html, lang)
        assert "setup done" not in html and "a plain text result" not in html
        assert "inputs_path" not in html and "Fixture report notebook" not in html


@pytest.mark.slow
def test_hostile_text_cannot_inject(reports: dict[str, str]) -> None:
    html = reports["zh"]
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=" in html
    assert "13812345678" not in html and "138****5678" in html
    assert "110101199003071234" not in html


@pytest.mark.slow
def test_english_report_has_english_headings(reports: dict[str, str]) -> None:
    html = reports["en"]
    assert (
        "<title>翠湖花园: Quality Month Summary, September 2025</title>" in html
    )  # the title carries the month
    for zh in HEADINGS["zh"]:
        assert zh not in html
    assert ">Contents<" in html


@pytest.mark.slow
def test_toc_follows_summary(reports: dict[str, str]) -> None:
    html = reports["zh"]
    nav = re.search(r"<nav [^>]*class=\"qm-toc\"", html)
    assert nav is not None
    assert html.index('id="sec-summary"') < nav.start() < html.index('id="sec-targets"')


def test_remote_resources_are_refused(tmp_path: Path) -> None:
    nb = new_notebook()
    cell = new_code_cell("x", metadata={})
    cell.outputs = [
        new_output(
            "display_data",
            data={"text/html": '<h2 id="sec-x">x</h2><img src="https://example.invalid/a.png">'},
        )
    ]
    nb.cells = [cell]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, str(path))
    assert remote_resources(render_html(nb)) == ["<img src=https://example.invalid/a.png>"]
    with pytest.raises(ValueError, match="remote"):
        render_report(path, tmp_path / "report.html", "zh")
    assert not (tmp_path / "report.html").exists()


def test_render_drops_code_streams_errors_and_tagged_cells() -> None:
    nb = new_notebook()
    params = new_code_cell('community_id = "x"', metadata={"tags": ["parameters"]})
    injected = new_code_cell('community_id = "secret-injected"', metadata={"tags": ["injected-parameters"]})
    shown = new_code_cell("SOURCE_CODE_MARKER = 1")
    shown.outputs = [
        new_output("stream", name="stdout", text="STDOUT_MARKER\n"),
        new_output("stream", name="stderr", text="STDERR_MARKER\n"),
        new_output(
            "display_data",
            data={"text/html": '<h1>T</h1><h2 id="sec-a">A</h2>', "text/plain": "PLAIN_MARKER"},
        ),
        new_output("execute_result", data={"text/plain": "RESULT_MARKER"}, execution_count=3),
    ]
    hidden = new_code_cell("y")
    hidden.metadata["tags"] = ["qm-hide"]
    hidden.outputs = [new_output("display_data", data={"text/html": "HIDDEN_MARKER"})]
    nb.cells = [
        new_markdown_cell("MD_HIDDEN", metadata={"tags": ["qm-hide"]}),
        params,
        injected,
        shown,
        hidden,
    ]
    html = render_html(nb, "zh")
    for marker in (
        "secret-injected",
        "SOURCE_CODE_MARKER",
        "STDOUT_MARKER",
        "STDERR_MARKER",
        "PLAIN_MARKER",
        "RESULT_MARKER",
        "HIDDEN_MARKER",
        "MD_HIDDEN",
        "community_id",
    ):
        assert marker not in html, marker
    assert '<a href="#sec-a">A</a>' in html and "<title>T</title>" in html


# ---------------------------------------------------------------------------
# the real report notebook on a synthetic community
# ---------------------------------------------------------------------------
def build_real_report(folder: Path, community_id: str = "demo01", lang: str | None = None) -> Path:
    """Synthesize a community, ingest it, execute notebooks/04_plan.ipynb, render report.html."""
    import papermill as pm
    import yaml

    from qmlib.ingest import ingest_community
    from qmlib.synth import generate

    generate(1, folder, seed=7)
    params_file = folder / "params" / f"{community_id}.yaml"
    if lang:
        data = yaml.safe_load(params_file.read_text(encoding="utf-8"))
        data["language"] = lang
        params_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    data_dir, params_dir, out_dir = folder / "data", folder / "params", folder / "outputs"
    result = ingest_community(community_id, data_dir, params_dir, out_dir)
    executed = out_dir / community_id / "notebooks" / "04_plan.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    pm.execute_notebook(
        str(REPO / "notebooks" / "04_plan.ipynb"),
        str(executed),
        parameters={
            "community_id": community_id,
            "data_dir": str(data_dir),
            "params_dir": str(params_dir),
            "out_dir": str(out_dir),
        },
        kernel_name="python3",
        progress_bar=False,
        cwd=str(REPO / "notebooks"),
    )
    return render_report(executed, out_dir / community_id / "report.html", lang or result.params.language)


@pytest.fixture(scope="module")
def real_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("real")
    return build_real_report(folder)


@pytest.mark.slow
def test_real_report_notebook(real_report: Path) -> None:
    html = real_report.read_text(encoding="utf-8")
    doc = assert_clean_report(html, "zh")
    assert len(doc.img_src) >= 4  # the key charts are there
    out = real_report.parent
    assert (out / "plan.csv").is_file() and (out / "plan.xlsx").is_file()
    assert "翠湖花园" in html or "demo01" in html


def test_notebook_is_committed_without_outputs() -> None:
    nb = nbformat.read(str(REPO / "notebooks" / "04_plan.ipynb"), as_version=4)
    nbformat.validate(nb)
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert sum("parameters" in t for t in tags) == 1
    assert sum("qm-toc-after" in t for t in tags) == 1
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    params_cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    for line in (
        'community_id = "demo01"',
        'data_dir = "../data"',
        'params_dir = "../params"',
        'out_dir = "../outputs"',
    ):
        assert line in params_cell.source


def test_template_files_are_there() -> None:
    from qmlib.report.render import TEMPLATE_DIR, TEMPLATE_NAME

    folder = TEMPLATE_DIR / TEMPLATE_NAME
    assert (folder / "conf.json").is_file() and (folder / "index.html.j2").is_file()
    assert (folder / "static" / "report.css").is_file()
    css = (folder / "static" / "report.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css
