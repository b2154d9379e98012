"""The ``qm_inprocess`` papermill engine (qmlib/runner/inprocess.py): cells run in this process."""

from __future__ import annotations

from pathlib import Path

import IPython.display
import nbformat
import papermill as pm
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from papermill.exceptions import PapermillExecutionError

from qmlib.runner import inprocess


def write_nb(path: Path, *cells: object) -> Path:
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def run(tmp_path: Path, nb: Path, **parameters: object) -> nbformat.NotebookNode:
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(
        str(nb), str(out), parameters=parameters, engine_name=inprocess.NAME, progress_bar=False
    )
    return nbformat.read(out, as_version=4)


def test_outputs_are_those_a_kernel_records(tmp_path: Path) -> None:
    params = new_code_cell("x = 1")
    params.metadata["tags"] = ["parameters"]
    nb = write_nb(
        tmp_path / "nb.ipynb",
        new_markdown_cell("# title"),
        params,
        new_code_cell(
            "from IPython.display import HTML, display\nprint('hello', x)\ndisplay(HTML('<b>a</b>'))"
        ),
        new_code_cell("display(HTML(f'<i>{x}</i>'))"),  # display imported by an earlier cell
        new_code_cell("x + 1"),
        new_code_cell("y = None\ny"),
    )
    done = run(tmp_path, nb, x=41)
    code = [c for c in done.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2, 3, 4, 5, 6]
    assert code[1].metadata["tags"] == ["injected-parameters"]
    first = code[2].outputs
    assert [o.output_type for o in first] == ["stream", "display_data"]
    assert first[0].name == "stdout" and first[0].text == "hello 41\n"
    assert first[1].data["text/html"] == "<b>a</b>"
    assert first[1].data["text/plain"] == "<IPython.core.display.HTML object>"
    # the display of cell 4 lands in cell 4, not in the cell that imported display
    assert [o.data["text/html"] for o in code[3].outputs] == ["<i>41</i>"]
    assert [(o.output_type, o.data["text/plain"], o.execution_count) for o in code[4].outputs] == [
        ("execute_result", "42", 5)
    ]
    assert code[5].outputs == []  # None is not shown
    assert done.metadata.papermill.parameters == {"x": 41}
    assert all("papermill" in c.metadata and c.metadata.papermill.status == "completed" for c in code)
    assert IPython.display.display is not inprocess._display  # restored


def test_a_failing_cell_stops_the_notebook_with_papermills_error(tmp_path: Path) -> None:
    nb = write_nb(
        tmp_path / "nb.ipynb",
        new_code_cell("a = 1"),
        new_code_cell("print('before')\n{}['missing']"),
        new_code_cell("b = 2"),
    )
    with pytest.raises(PapermillExecutionError) as err:
        run(tmp_path, nb)
    assert (err.value.ename, err.value.evalue, err.value.exec_count) == ("KeyError", "'missing'", 2)
    done = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    code = [c for c in done.cells if c.cell_type == "code"]
    failed = code[1]
    assert [o.output_type for o in failed.outputs] == ["stream", "error"]
    assert failed.outputs[0].text == "before\n"
    assert any("KeyError" in line for line in failed.outputs[1].traceback)
    assert code[2].execution_count is None and code[2].outputs == []  # not run
    assert IPython.display.display is not inprocess._display


def test_display_outside_a_cell_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="outside a cell"):
        inprocess._display("x")
