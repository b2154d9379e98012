"""After the report notebook: the documents and the plan history.

``qm run`` passes :func:`qmlib.report.render_report` to the runner for
``report.html``; :func:`basic_render` (nbconvert's plain HTML exporter, inputs
and prompts hidden) is the stand-in the runner tests pass instead.
:func:`write_documents` then writes report.docx, report.pdf and
brief.html/pdf (:mod:`qmlib.documents`) and keeps the run's plan for the
next quality month (:func:`qmlib.plan.history.save_history`);
:func:`carry_history` brings the kept plans of earlier runs into the staging
folder before the notebooks run, so that 04_plan can follow them up and they
survive the swap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from qmlib.outputs import atomic_write_bytes

Renderer = Callable[[Path, Path, str], object]
log = logging.getLogger(__name__)


def basic_render(executed_nb: Path, html_path: Path, lang: str) -> None:
    """nbconvert ``HTMLExporter`` without inputs or prompts (the fallback)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _resources = exporter.from_filename(str(executed_nb))
    if f'<html lang="{lang}"' not in body:
        body = body.replace("<html>", f'<html lang="{lang}">', 1)
    atomic_write_bytes(html_path, body.encode("utf-8"))


def carry_history(previous: Path, work: Path) -> list[str]:
    """Copy ``previous/history/`` (the outputs being replaced) into the staging folder ``work``."""
    from qmlib.plan.history import carry_history as carry

    return carry(previous, work)


def _has_metrics(path: Path) -> bool:
    """True when ``path`` is a metrics.csv with the contract's columns (metric_id, period, value)."""
    try:
        with path.open(encoding="utf-8-sig") as fh:
            header = {c.strip() for c in fh.readline().split(",")}
    except OSError:
        return False
    return {"metric_id", "period", "value"} <= header


def write_documents(work: Path, params_path: Path) -> list[str]:
    """Write the documents of a rendered community folder and keep its plan; return the file names written."""
    from qmlib.documents import write_documents as write
    from qmlib.params import load_params
    from qmlib.plan.history import save_history

    if not _has_metrics(work / "metrics.csv"):
        # a pipeline without qm's metrics stage (a test or partial pipeline): nothing to put in a document
        log.info("%s: no metrics.csv of contract §5, no documents written", work.name)
        return []
    params = load_params(params_path)
    written = write(work, params, params.language, params_dir=params_path.parent)
    save_history(work, params)
    return list(written)


def documents_of(folder: Path) -> list[str]:
    """``<id>/<file>`` of every document present in a community folder (run.json, index.html)."""
    from qmlib.documents.write import DOCUMENT_FILES

    return [f"{folder.name}/{name}" for name in DOCUMENT_FILES if (folder / name).is_file()]


def document_inputs(params_path: Path) -> list[Path]:
    """Files besides data and params that change a community's documents: its narrative
    (notes/<id>.md and the photos it shows) and a company Word template (for the fingerprint)."""
    from qmlib.documents.notes import load_notes
    from qmlib.documents.write import find_template
    from qmlib.errors import QmError
    from qmlib.params import load_params

    try:
        params = load_params(params_path)
        notes = load_notes(params_path.parent, params.community_id, params.notes)
        template = find_template(params, params_path.parent)
    except QmError:
        return []  # the run itself reports the problem
    files = [notes.source] if notes.source is not None else []
    files += [b.path for blocks in notes.sections.values() for b in blocks if b.path is not None]
    if template is not None:
        files.append(template)
    return files
