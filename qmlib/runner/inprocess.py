"""Papermill engine ``qm_inprocess``: a notebook's cells run in this Python process.

For the company board after a batch (:func:`qmlib.portfolio.build_portfolio`):
its notebook is a dozen cells that call qmlib and ``display(HTML(...))``.
Starting a Jupyter kernel for it, and importing the pipeline's modules in
that kernel (:data:`qmlib.runner.engine.PRELUDE`), cost more than the board
itself (about 5 CPU s and 10-15 s of wall time after every batch, measured on
16 communities); in this process the board only imports what it uses.

Papermill does everything else as with a kernel: parameter injection, the
output notebook, the cells' papermill metadata and timing, the error cell
and :class:`~papermill.exceptions.PapermillExecutionError` for a failing
cell. Each cell's outputs are what a kernel would record for these
notebooks:

* ``display(obj)`` (from ``IPython.display``) -> ``display_data`` with the
  object's MIME bundle (IPython's :class:`~IPython.core.formatters.DisplayFormatter`);
* the value of a cell's last expression, when not ``None`` -> ``execute_result``;
* ``print`` and warnings -> ``stream`` outputs (``stdout``/``stderr``);
* an exception -> an ``error`` output (ename, evalue, traceback) and the
  notebook stops there, as nbclient does.

The output notebook is written when the notebook starts and ends (also after
an error) and at most every :attr:`InProcessEngine.save_every` seconds in
between (:func:`qmlib.runner.engine._throttle_saves`).

Not supported (a kernel is needed): IPython magics and shell escapes
(``%``/``!`` lines are a SyntaxError), ``input()``, interactive widgets, and
matplotlib figures left open at the end of a cell (the inline backend would
show them; here they are closed and not shown: the board embeds its charts
as HTML). The cells share one namespace per notebook; imported modules stay
imported in this process.
"""

from __future__ import annotations

import ast
import contextlib
import io
import sys
import traceback
import warnings
from typing import Any

from papermill.engines import Engine, papermill_engines

NAME = "qm_inprocess"


class _Capture:
    """Outputs of one cell: display calls, printed text, the last expression's value."""

    def __init__(self, formatter: Any) -> None:
        self.formatter = formatter
        self.outputs: list[Any] = []
        self.stdout = io.StringIO()
        self.stderr = io.StringIO()

    def _flush_streams(self) -> None:
        from nbformat.v4 import new_output

        for name, buf in (("stdout", self.stdout), ("stderr", self.stderr)):
            text = buf.getvalue()
            if text:
                self.outputs.append(new_output("stream", name=name, text=text))
                buf.seek(0)
                buf.truncate()

    def display(self, *objs: Any, **kwargs: Any) -> None:
        from nbformat.v4 import new_output

        self._flush_streams()
        for obj in objs:
            if kwargs.get("raw"):
                data, metadata = obj, {}
            else:
                data, metadata = self.formatter.format(obj)
            if data:
                self.outputs.append(new_output("display_data", data=data, metadata=metadata))

    def result(self, value: Any, count: int) -> None:
        from nbformat.v4 import new_output

        self._flush_streams()
        data, metadata = self.formatter.format(value)
        self.outputs.append(new_output("execute_result", data=data, metadata=metadata, execution_count=count))

    def error(self, exc: BaseException) -> None:
        from nbformat.v4 import new_output

        self._flush_streams()
        tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
        self.outputs.append(
            new_output(
                "error",
                ename=type(exc).__name__,
                evalue=str(exc),
                traceback=[line.rstrip("\n") for line in tb],
            )
        )


#: The capture of the cell running now (a notebook's namespace keeps the ``display`` it imported,
#: so that function must find the current cell's capture itself).
_current: list[_Capture] = []


def _display(*objs: Any, **kwargs: Any) -> None:
    """``IPython.display.display`` while a notebook runs here: into the running cell's outputs."""
    if not _current:
        raise RuntimeError("display() outside a cell of a notebook run by the qm_inprocess engine")
    _current[-1].display(*objs, **kwargs)


@contextlib.contextmanager
def _displays_here() -> Any:
    """``IPython.display.display`` (and its home module's) is :func:`_display` meanwhile."""
    import IPython.core.display_functions as home
    import IPython.display as public

    saved = (public.display, home.display)
    public.display = home.display = _display
    try:
        yield
    finally:
        public.display, home.display = saved


def run_cell(source: str, namespace: dict[str, Any], capture: _Capture, count: int) -> bool:
    """Execute one cell's ``source`` in ``namespace``; outputs go to ``capture``; False when it raised."""
    filename = f"<cell In[{count}]>"
    try:
        tree = ast.parse(source, filename=filename)
        last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        if last is not None:
            tree.body.pop()
        _current.append(capture)
        try:
            with (
                contextlib.redirect_stdout(capture.stdout),
                contextlib.redirect_stderr(capture.stderr),
                warnings.catch_warnings(),
            ):
                warnings.simplefilter("default")  # a kernel shows a warning once per location too
                exec(compile(tree, filename, "exec"), namespace)
                value = (
                    eval(compile(ast.Expression(last.value), filename, "eval"), namespace) if last else None
                )
        finally:
            _current.pop()
        if value is not None:
            capture.result(value, count)
    except Exception as exc:
        capture.error(exc)
        return False
    finally:
        _close_figures()
    capture._flush_streams()
    return True


def _close_figures() -> None:
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


class InProcessEngine(Engine):
    """Papermill engine that executes a notebook's code cells in this process (see the module)."""

    #: Save the output notebook at most this often while it runs (seconds; 0: at every cell), as
    #: :class:`~qmlib.runner.engine.WarmKernelEngine` does: papermill rewrites the whole notebook
    #: at the start and end of every cell, and the board's notebook holds the board's HTML.
    save_every: float = 10.0

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
        """Execute ``nb_man.nb`` cell by cell (papermill's contract); stops at the first error."""
        from IPython.core.formatters import DisplayFormatter

        from .engine import _throttle_saves

        formatter = DisplayFormatter()
        namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__}
        real_save = _throttle_saves(nb_man, cls.save_every)
        try:
            with _displays_here():
                cls._execute_cells(nb_man, namespace, formatter)
        finally:
            nb_man.save = real_save  # papermill's notebook_complete saves the final state
        return nb_man.nb

    @staticmethod
    def _execute_cells(nb_man: Any, namespace: dict[str, Any], formatter: Any) -> None:
        count = 0
        for index, cell in enumerate(nb_man.nb.cells):
            nb_man.cell_start(cell, index)
            try:
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                count += 1
                cell.execution_count = count
                capture = _Capture(formatter)
                ok = run_cell(cell.source, namespace, capture, count)
                cell.outputs = capture.outputs
                if not ok:
                    nb_man.cell_exception(cell, cell_index=index)
                    break
            finally:
                nb_man.cell_complete(cell, cell_index=index)


papermill_engines.register(NAME, InProcessEngine)
