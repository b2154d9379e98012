"""Ingest one community: raw exports → typed clean tables, rejects and a summary.

Writes to ``<out_dir>/<community_id>/``:

- ``clean/<table>.parquet``: accepted rows, typed (see docs/ARCHITECTURE.md);
- ``rejects.csv``: table, source_file, source_row, column, value, reason;
- ``ingest_summary.csv``: table, source_file, rows_read, rows_accepted,
  rows_rejected (rows_read = rows_accepted + rows_rejected), then
  ``missing_columns`` (the optional canonical columns the file lacks,
  ``;``-separated) and ``notes`` (cells changed by a documented ingest rule,
  columns ignored, files named like a table that were not read).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pandas.api.types import pandas_dtype

from ..errors import InputFileError, QmError
from ..labels import t
from ..outputs import write_csv
from ..params import COMMUNITY_ID, RESERVED_IDS, Params, load_params
from ..schema import REQUIRED_TABLES, TABLE_ORDER, TABLES
from .parsers import ParseContext
from .readers import read_table_file, scan_folder
from .validate import REJECT_COLUMNS, SUMMARY_COLUMNS, TableResult, validate_table

CLEAN_DIR = "clean"


@dataclass
class IngestResult:
    params: Params
    tables: dict[str, pd.DataFrame]
    summary: pd.DataFrame
    rejects: pd.DataFrame

    @property
    def rows_read(self) -> int:
        return int(self.summary["rows_read"].sum()) if len(self.summary) else 0


def check_community_id(community_id: str) -> str:
    """Refuse ids that do not match the contract as a whole string (and so could escape a
    folder), and the reserved id ``portfolio``."""
    if not isinstance(community_id, str) or not COMMUNITY_ID.fullmatch(community_id):
        raise QmError(
            f"community id {community_id!r} is not valid: it must match "
            "[a-z0-9][a-z0-9_-]{0,63} (lower-case letters, digits, _ and -)"
        )
    if community_id in RESERVED_IDS:
        raise QmError(
            f"community id {community_id!r} is reserved (outputs/{community_id}/ holds the "
            "company report): choose another id"
        )
    return community_id


def community_paths(
    community_id: str, data_dir: Path | str, params_dir: Path | str, out_dir: Path | str
) -> tuple[Path, Path, Path]:
    """(data folder, params file, output folder) of a community, after checking its id."""
    check_community_id(community_id)
    return (
        Path(data_dir) / community_id,
        Path(params_dir) / f"{community_id}.yaml",
        Path(out_dir) / community_id,
    )


def read_tables(data_folder: Path, params: Params) -> list[TableResult]:
    """Read and validate every table file present in a community's data folder."""
    ctx = ParseContext(timezone=params.timezone, survey_scale=params.survey_scale, lang=params.language)
    results: list[TableResult] = []
    known_assets: set[str] | None = None
    scan = scan_folder(data_folder, TABLE_ORDER)
    for name in TABLE_ORDER:
        spec = TABLES[name]
        path = scan.files.get(name)
        ignored = [
            t("ingest.note.ignored_file", params.language).format(table=name) + f" ({p.name})"
            for p in scan.ignored.get(name, [])
        ]
        if path is None:
            for p, note in zip(scan.ignored.get(name, []), ignored, strict=True):
                results.append(TableResult.ignored_file(name, p.name, note))
            if name in REQUIRED_TABLES:
                raise InputFileError(
                    str(data_folder / f"{name}.csv"),
                    f"required table {name!r} is missing",
                    f"{name}.csv or {name}.xlsx in {data_folder}",
                )
            continue
        raw = read_table_file(path, spec, params.language)
        raw.notes.extend(ignored)
        result = validate_table(raw, spec, ctx, known_assets=known_assets)
        if name == "assets":
            known_assets = set(result.clean["asset_id"].dropna().astype(str))  # type: ignore[index]  # validate_table always sets clean
        results.append(result)
    return results


def ingest_community(
    community_id: str,
    data_dir: Path | str = "data",
    params_dir: Path | str = "params",
    out_dir: Path | str = "outputs",
    *,
    write: bool = True,
) -> IngestResult:
    """Ingest one community and (by default) write its clean tables, rejects and summary."""
    data_folder, params_file, out_folder = community_paths(community_id, data_dir, params_dir, out_dir)
    params = load_params(params_file, community_id)
    if not data_folder.is_dir():
        raise InputFileError(
            str(data_folder), "data folder not found", f"a folder {community_id}/ with the table files"
        )
    results = read_tables(data_folder, params)
    tables = {r.table: r.clean for r in results if r.clean is not None}
    summary = pd.DataFrame([r.summary for r in results], columns=SUMMARY_COLUMNS)
    frames = [r.rejects for r in results if len(r.rejects)]
    rejects = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=REJECT_COLUMNS)
    if write:
        write_ingest_outputs(out_folder, tables, summary, rejects)
    return IngestResult(params=params, tables=tables, summary=summary, rejects=rejects)


def write_ingest_outputs(
    out_folder: Path, tables: dict[str, pd.DataFrame], summary: pd.DataFrame, rejects: pd.DataFrame
) -> None:
    clean_dir = out_folder / CLEAN_DIR
    clean_dir.mkdir(parents=True, exist_ok=True)
    for old in clean_dir.glob("*.parquet"):
        if old.stem not in tables:
            old.unlink()
    for name, frame in tables.items():
        tmp = clean_dir / f".{name}.parquet.tmp"
        frame.to_parquet(tmp, index=False)
        tmp.replace(clean_dir / f"{name}.parquet")
    write_csv(summary, out_folder / "ingest_summary.csv", SUMMARY_COLUMNS)
    write_csv(rejects, out_folder / "rejects.csv", REJECT_COLUMNS)


def ensure_ingested(
    community_id: str, data_dir: Path | str, params_dir: Path | str, out_dir: Path | str
) -> bool:
    """Run the ingest stage when its outputs are missing, so that a later notebook runs alone.

    Returns True when it ingested. Outputs that exist are used as they are:
    the stages are meant to run in order (``qm run`` always runs them all).
    """
    folder = Path(out_dir) / check_community_id(community_id)
    if (folder / CLEAN_DIR).is_dir() and (folder / "ingest_summary.csv").is_file():
        return False
    ingest_community(community_id, data_dir, params_dir, out_dir)
    return True


_DTYPES = {
    "text": "string",
    "enum": "string",
    "bool": "boolean",
    "number": "float64",
    "score": "float64",
    "rating": "float64",
    "integer": "Int64",
}


def _retype(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    spec = TABLES[name]
    for col in spec.columns:
        if col.name not in frame.columns:
            continue
        dtype = pandas_dtype("datetime64[ns]" if col.kind in ("timestamp", "date") else _DTYPES[col.kind])
        if frame[col.name].dtype != dtype:  # (the dtypes, not their names: also the storage)
            frame[col.name] = frame[col.name].astype(dtype)
    return frame


def load_clean(
    out_dir: Path | str, community_id: str, read: Callable[[Path], pd.DataFrame] = pd.read_parquet
) -> dict[str, pd.DataFrame]:
    """The clean tables written by :func:`ingest_community` (absent tables are absent).

    ``read`` reads one Parquet file (:func:`qmlib.stages.cached_parquet` decodes each file once
    per content in a process).
    """
    check_community_id(community_id)
    clean_dir = Path(out_dir) / community_id / CLEAN_DIR
    if not clean_dir.is_dir():
        raise QmError(f"{clean_dir}: no clean tables; run the ingest stage (01_ingest) first")
    tables: dict[str, pd.DataFrame] = {}
    for name in TABLE_ORDER:
        path = clean_dir / f"{name}.parquet"
        if path.is_file():
            tables[name] = _retype(name, read(path))
    return tables


def load_ingest_report(out_dir: Path | str, community_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ingest_summary, rejects) as written by the ingest stage."""
    folder = Path(out_dir) / check_community_id(community_id)
    summary = pd.read_csv(folder / "ingest_summary.csv", encoding="utf-8-sig")
    rejects = pd.read_csv(folder / "rejects.csv", encoding="utf-8-sig", dtype={"value": str})
    return summary, rejects


__all__ = [
    "IngestResult",
    "check_community_id",
    "community_paths",
    "ensure_ingested",
    "ingest_community",
    "load_clean",
    "load_ingest_report",
]
