"""The ``qm`` command.

Exit codes of ``qm run``:

* 0 - every community succeeded (or was skipped as unchanged);
* 1 - at least one community failed (the others still ran);
* 2 - nothing was run: a usage error, an invalid or unknown community id,
  no communities found, no notebooks, the outputs folder is locked by another
  ``qm run``, or the Dask scheduler cannot be reached;
* 130 - interrupted (Ctrl-C); rerun the same command to resume.

User errors are printed as one line; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import errno
import logging
import os
import sys
import traceback
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

import qmlib
from qmlib.errors import QmError

app = typer.Typer(
    name="qm",
    help="Quality-month (物业质量月) analysis: run the notebooks, build the reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)
log = logging.getLogger(__name__)


#: ``qmlib.figures.style.NOTEBOOK_FIGURES_ENV``, spelled out: importing qmlib.figures loads
#: matplotlib, which ``qm run`` does not need before its workers start (a test checks they agree).
NOTEBOOK_FIGURES_ENV = "QM_NOTEBOOK_FIGURES"


class PortfolioHook:
    """``qm run``'s after-batch hook: :func:`qmlib.portfolio.build_portfolio`, imported late.

    With a process pool the batch runs it in a worker (:attr:`runs_in_worker`):
    the workers imported pandas, matplotlib, qmlib.report and WeasyPrint in
    the forkserver and warmed their fonts on the communities, so the board
    does not pay for them again in the ``qm`` process after the last community.
    """

    runs_in_worker = True

    def __call__(self, out_dir: Path, params_dir: Path) -> object:
        from qmlib.portfolio import build_portfolio

        return build_portfolio(out_dir, params_dir)


class EngineName(StrEnum):
    """Papermill engines ``qm run`` can use."""

    qm_warm = "qm_warm"
    nbclient = "nbclient"


def _fail(exc: BaseException, debug: bool, code: int) -> typer.Exit:
    """Print ``exc`` as one line (plus the traceback with ``--debug``); return the Exit to raise."""
    log.debug("qm failed", exc_info=exc)  # the log file keeps the traceback
    if debug:
        err.print(escape("".join(traceback.format_exception(exc))))
    message = str(exc) if isinstance(exc, QmError) else f"{type(exc).__name__}: {exc}"
    err.print(f"[red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        out.print(f"qm {qmlib.__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """qm: quality-month analysis for property-management communities."""


@app.command()
def run(
    ids: Annotated[list[str] | None, typer.Argument(help="Community ids (see params/<id>.yaml).")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every community in params/ and data/.")] = False,
    data_dir: Annotated[Path, typer.Option(help="Raw exports, one folder per community.")] = Path("data"),
    params_dir: Annotated[Path, typer.Option(help="params/<id>.yaml files.")] = Path("params"),
    out_dir: Annotated[Path, typer.Option(help="Where outputs/<id>/, run.json, index.html go.")] = Path(
        "outputs"
    ),
    notebooks_dir: Annotated[
        Path | None, typer.Option(help="Pipeline notebooks (default: the ones installed with qmlib).")
    ] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Parallel workers (default: CPU cores).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Rerun communities whose inputs did not change.")] = False,
    engine: Annotated[
        EngineName,
        typer.Option(help="qm_warm reuses one kernel per worker; nbclient starts one per notebook."),
    ] = EngineName.qm_warm,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler tcp://HOST:PORT (workers share the filesystem).")
    ] = None,
    cell_timeout: Annotated[
        float | None, typer.Option(min=1, help="Fail a cell that runs longer than this many seconds.")
    ] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show the progress bar.")] = True,
    debug: Annotated[bool, typer.Option(help="Show tracebacks and papermill's log.")] = False,
    log_file: Annotated[
        Path | None,
        typer.Option(help="Append a detailed log (every community, every notebook) to this file."),
    ] = None,
    notebook_figures: Annotated[
        bool,
        typer.Option(
            "--notebook-figures/--no-notebook-figures",
            help="Also draw the notebook-only charts in the executed notebooks (the report's charts always).",
        ),
    ] = False,
) -> None:
    """Run the pipeline for communities: qm run c001 c002, or qm run --all."""
    # the workers and their kernels inherit it (qmlib.figures.notebook_figures)
    os.environ[NOTEBOOK_FIGURES_ENV] = "1" if notebook_figures else "0"
    # light imports only: the workers start before this process imports the pipeline (the pool's
    # workers import it in the forkserver; the board imports it after the batch, in PortfolioHook)
    from qmlib.runner.batch import BatchInterrupted, run_batch
    from qmlib.runner.communities import check_notebooks, default_notebooks_dir, select

    try:
        selection = select(list(ids or []), all_, data_dir, params_dir)
        for warning in selection.warnings:
            err.print(f"[yellow]warning:[/] {escape(warning)}")
        nb_dir = notebooks_dir or default_notebooks_dir()
        check_notebooks(nb_dir)
        outcome = run_batch(
            selection.ids,
            data_dir=data_dir,
            params_dir=params_dir,
            out_dir=out_dir,
            notebooks_dir=nb_dir,
            engine=engine.value,
            force=force,
            jobs=jobs,
            scheduler=scheduler,
            cell_timeout=cell_timeout,
            progress=progress and err.is_terminal,
            console=err,
            debug=debug,
            after_batch=PortfolioHook(),
            log_file=log_file.resolve() if log_file else None,
        )
    except BatchInterrupted as exc:
        err.print(f"[yellow]{escape(exc.message)}[/]", soft_wrap=True)
        raise typer.Exit(130) from None
    except QmError as exc:
        raise _fail(exc, debug, 2) from None
    except OSError as exc:  # the outputs folder cannot be written: read-only, not a folder, disk full
        raise _fail(QmError(outputs_problem(out_dir, exc)), debug, 2) from None
    out.print(escape(outcome.summary), soft_wrap=True)
    raise typer.Exit(outcome.exit_code)


def outputs_problem(out_dir: Path, exc: OSError) -> str:
    """One sentence for an OSError while writing the outputs folder."""
    reason = exc.strerror or str(exc)
    where = exc.filename or out_dir
    hints = {
        errno.ENOSPC: "the disk is full: free some space, then run the same command again to resume",
        errno.EDQUOT: "the disk quota is used up: free some space, then run the same command again to resume",
        errno.EROFS: "the file system is read-only: choose another --out-dir",
        errno.EEXIST: "a file of that name is in the way: --out-dir must be a folder",
        errno.ENOTDIR: "a file of that name is in the way: --out-dir must be a folder",
    }
    hint = hints.get(exc.errno or 0, "check that --out-dir is a folder you can write to")
    return f"cannot write the outputs folder {where}: {reason} ({hint})"


@app.command()
def synth(
    communities: Annotated[
        int, typer.Option("--communities", "-n", min=1, help="How many communities.")
    ] = 10,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write data/ and params/ into.")] = Path(
        "."
    ),
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same data).")] = 0,
    debug: Annotated[bool, typer.Option(help="Show tracebacks.")] = False,
) -> None:
    """Generate synthetic communities with planted effects (for demos and benchmarks)."""
    from qmlib.synth import generate

    try:
        generate(communities, Path(out_dir), seed)
    except Exception as exc:
        raise _fail(exc, debug, 1) from None
    out.print(f"wrote {communities} synthetic communities to {escape(str(out_dir))}")


def main() -> None:
    """Console-script entry point (``qm``)."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]")
        sys.exit(130)


if __name__ == "__main__":
    main()
