"""Which communities and which notebooks a ``qm run`` covers.

A community id must match ``[a-z0-9][a-z0-9_-]{0,63}`` as a whole string
(contract section 1: ``"x1\n"`` does not match) and may not be the reserved
``portfolio``; ids are checked before any path is built from them, so ``../x``
never reaches the filesystem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import qmlib
from qmlib.errors import SelectionError
from qmlib.params import COMMUNITY_ID, RESERVED_IDS

ID_RULE = "[a-z0-9][a-z0-9_-]{0,63}"
#: Pipeline notebooks are ``NN_name.ipynb``, run in sorted order.
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
#: The notebook whose executed copy becomes report.html.
REPORT_NOTEBOOK = "04_plan.ipynb"


def is_valid_id(community_id: str) -> bool:
    """``True`` when ``community_id`` follows contract section 1 (and is not reserved)."""
    return COMMUNITY_ID.fullmatch(community_id) is not None and community_id not in RESERVED_IDS


def check_id(community_id: str) -> str:
    """Return ``community_id`` or raise :class:`SelectionError` naming the rule."""
    if community_id in RESERVED_IDS:
        raise SelectionError(
            f"invalid community id {community_id!r}: it is reserved "
            f"(outputs/{community_id}/ holds the company report)"
        )
    if not is_valid_id(community_id):
        raise SelectionError(f"invalid community id {community_id!r}: it must match {ID_RULE}")
    return community_id


def params_file(params_dir: Path, community_id: str) -> Path:
    """``params/<id>.yaml`` (after validating the id)."""
    return params_dir / f"{check_id(community_id)}.yaml"


def data_folder(data_dir: Path, community_id: str) -> Path:
    """``data/<id>/`` (after validating the id)."""
    return data_dir / check_id(community_id)


@dataclass
class Selection:
    """The communities to run, plus warnings about names that were ignored."""

    ids: list[str]
    warnings: list[str] = field(default_factory=list)


def discover(data_dir: Path, params_dir: Path) -> Selection:
    """Every ``params/*.yaml`` stem and every ``data/*/`` folder, sorted.

    Hidden names are ignored silently; names that are not valid ids are
    ignored with a warning. A community with only one of the two is kept:
    its run then fails with a clear message.
    """
    names: set[str] = set()
    if params_dir.is_dir():
        names |= {p.stem for p in params_dir.glob("*.yaml") if p.is_file()}
    if data_dir.is_dir():
        names |= {p.name for p in data_dir.iterdir() if p.is_dir()}
    selection = Selection(ids=[])
    for name in sorted(names):
        if name.startswith("."):
            continue
        if is_valid_id(name):
            selection.ids.append(name)
        elif name in RESERVED_IDS:
            selection.warnings.append(f"ignoring {name!r}: a reserved name, not a community id")
        else:
            selection.warnings.append(f"ignoring {name!r}: not a valid community id ({ID_RULE})")
    if not selection.ids:
        raise SelectionError(f"no communities found: no {params_dir}/*.yaml and no folders in {data_dir}/")
    return selection


def select(ids: list[str], run_all: bool, data_dir: Path, params_dir: Path) -> Selection:
    """The communities named on the command line, or all of them with ``--all``.

    Raises :class:`SelectionError` for: neither or both of ids/``--all``, an
    invalid id, or an id that has neither a params file nor a data folder.
    """
    if run_all and ids:
        raise SelectionError("give community ids or --all, not both")
    if run_all:
        return discover(data_dir, params_dir)
    if not ids:
        raise SelectionError("no community given: name one or more ids, or use --all")
    unique = list(dict.fromkeys(ids))
    for community_id in unique:
        check_id(community_id)
    unknown = [
        c for c in unique if not params_file(params_dir, c).exists() and not data_folder(data_dir, c).exists()
    ]
    if unknown:
        names = ", ".join(unknown)
        raise SelectionError(
            f"unknown community id: {names} (no {params_dir}/<id>.yaml and no {data_dir}/<id>/ folder)"
        )
    return Selection(ids=unique)


def default_notebooks_dir() -> Path:
    """The pipeline notebooks shipped in the package, ``qmlib/notebooks/``.

    They are package data, so an installed wheel runs without the repository;
    the repository's top-level ``notebooks/`` (the copy analysts open in
    JupyterLab) is kept identical to them by ``tests/test_packaging.py``.
    """
    return Path(qmlib.__file__).resolve().parent / "notebooks"


def list_notebooks(notebooks_dir: Path) -> list[Path]:
    """The pipeline notebooks present in ``notebooks_dir``, in run order."""
    return sorted(p for p in notebooks_dir.glob(NOTEBOOK_GLOB) if p.is_file())


def check_notebooks(notebooks_dir: Path) -> list[Path]:
    """:func:`list_notebooks`, raising :class:`SelectionError` when there are none."""
    if not notebooks_dir.is_dir():
        raise SelectionError(f"notebooks folder not found: {notebooks_dir}")
    notebooks = list_notebooks(notebooks_dir)
    if not notebooks:
        raise SelectionError(f"no notebooks ({NOTEBOOK_GLOB}) in {notebooks_dir}")
    return notebooks
