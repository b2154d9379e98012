"""Reading a table file into raw cells, and matching its headers.

A table file is ``<table>.csv`` (UTF-8, UTF-8 with BOM, or GB18030/GBK,
detected by strict decoding in that order) or ``<table>.xlsx`` (first sheet).
Cells are returned unparsed: strings for CSV; for xlsx, whatever openpyxl
gives (str, int, float, bool, datetime). Empty cells are ``""``/``None``.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputFileError
from ..schema import TableSpec

ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")
SOURCE_ROW = "_source_row"


@dataclass
class RawTable:
    """Raw cells of one file with canonical column names where matched.

    ``frame`` has one column per matched canonical column, plus the extra
    (unmatched) columns under their trimmed header, plus ``_source_row``
    (the row number a spreadsheet shows, header = 1). Entirely empty rows are
    dropped (they are not rows of data).
    """

    path: Path
    frame: pd.DataFrame
    extra_columns: list[str]
    encoding: str | None


def find_table_file(folder: Path, table: str) -> Path | None:
    """``folder/<table>.csv`` or ``.xlsx`` (extension case-insensitive); error if both."""
    if not folder.is_dir():
        return None
    found = [
        p
        for p in folder.iterdir()
        if p.is_file() and p.stem == table and p.suffix.lower() in (".csv", ".xlsx")
    ]
    if len(found) > 1:
        names = ", ".join(sorted(p.name for p in found))
        raise InputFileError(str(folder), f"more than one file for table {table!r}: {names}", "exactly one")
    return found[0] if found else None


def detect_encoding(data: bytes, path: Path) -> str:
    """The encoding of CSV bytes: UTF-8 (with or without BOM), else GB18030 (a superset of GBK).

    Detection is by strict decoding, so a file is never read with the wrong encoding.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(str(path), "is saved as UTF-16 text, which is not accepted",
                             "a CSV file saved as UTF-8 or GBK (in Excel: CSV UTF-8)")
    if b"\x00" in data[:65536]:
        raise InputFileError(str(path), "is not a text CSV file (it contains binary data)",
                             "a CSV file in UTF-8 or GB18030/GBK, or an .xlsx workbook")
    for encoding in ENCODINGS:
        try:
            data.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    raise InputFileError(str(path), "cannot be decoded as UTF-8 or GB18030/GBK text",
                         "a CSV file saved as UTF-8 or GBK")


def _parse_csv(data: bytes, encoding: str) -> pd.DataFrame:
    """Parse CSV bytes into string cells.

    Files without quote characters or blank lines take pyarrow's multi-threaded
    parser; the others pandas' C parser, which keeps blank lines (so row
    numbers match the spreadsheet) and quoted line breaks.
    """
    simple = b'"' not in data and b"\n\n" not in data and b"\n\r\n" not in data
    if simple:
        try:
            return pd.read_csv(io.BytesIO(data), encoding=encoding, dtype=str, keep_default_na=False,
                               na_values=[], engine="pyarrow").fillna("")
        except Exception:  # pyarrow refuses some irregular files: the C parser decides
            pass
    return pd.read_csv(io.BytesIO(data), encoding=encoding, dtype=str, keep_default_na=False,
                       na_filter=False, skip_blank_lines=False, header=0, engine="c")


def read_csv_cells(path: Path) -> tuple[pd.DataFrame, str]:
    """All cells of a CSV as strings (empty cells ``""``), header row not included."""
    data = path.read_bytes()
    if not data.strip():
        raise InputFileError(str(path), "is empty (no header row)", "a header row with the column names")
    encoding = detect_encoding(data, path)
    try:
        frame = _parse_csv(data, encoding)
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputFileError(str(path), f"is not a valid CSV file ({exc})".strip()) from None
    frame.columns = [str(c) for c in frame.columns]
    return frame, encoding


def read_xlsx_cells(path: Path) -> pd.DataFrame:
    """All cells of the first sheet of an xlsx workbook; the first row is the header."""
    import openpyxl  # imported lazily: most tables are CSV

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputFileError(str(path), f"cannot be opened as an Excel workbook ({type(exc).__name__})",
                             "an .xlsx file saved by Excel or WPS") from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None or all(v is None or str(v).strip() == "" for v in header):
            raise InputFileError(str(path), "the first sheet is empty (no header row)",
                                 "a header row with the column names")
        width = len(header)
        body = [tuple(row[:width]) + (None,) * (width - len(row)) for row in rows]
    except InputFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise InputFileError(str(path), f"cannot be read as an Excel workbook ({type(exc).__name__})",
                             "an .xlsx file saved by Excel or WPS") from None
    finally:
        book.close()
    names = ["" if h is None else str(h) for h in header]
    frame = pd.DataFrame(body, columns=range(width), dtype=object)
    frame.columns = names
    return frame


def _norm_header(name: str) -> str:
    return " ".join(str(name).split()).lower()


def match_headers(columns: list[str], spec: TableSpec, path: Path) -> tuple[dict[int, str], list[int]]:
    """Map column positions to canonical names; return (matched, extra positions).

    Headers are compared after trimming spaces, case-insensitively, against the
    canonical name and every alias. A canonical column named twice is an error.
    """
    lookup: dict[str, str] = {}
    for col in spec.columns:
        for header in col.accepted_headers:
            lookup[_norm_header(header)] = col.name
    matched: dict[int, str] = {}
    seen: dict[str, str] = {}
    extras: list[int] = []
    for pos, header in enumerate(columns):
        canonical = lookup.get(_norm_header(header))
        if canonical is None:
            extras.append(pos)
            continue
        if canonical in seen:
            raise InputFileError(
                str(path),
                f"columns {seen[canonical]!r} and {header.strip()!r} both mean {canonical!r}",
                "each column only once",
            )
        seen[canonical] = header.strip()
        matched[pos] = canonical
    missing = [c for c in spec.required if c.name not in seen]
    if missing:
        col = missing[0]
        raise InputFileError(
            str(path),
            f"required column {col.name!r} is missing",
            "a header named " + " / ".join(col.accepted_headers),
        )
    return matched, extras


def _is_empty_cell(values: pd.Series) -> pd.Series:
    if values.dtype == object:
        return values.map(lambda v: v is None or (isinstance(v, str) and v.strip() == "") or v != v)
    return values.isna() | values.astype(str).str.strip().eq("")


def read_table_file(path: Path, spec: TableSpec) -> RawTable:
    """Read one table file, match its headers and number its rows."""
    if path.suffix.lower() == ".xlsx":
        frame, encoding = read_xlsx_cells(path), None
    else:
        frame, encoding = read_csv_cells(path)
    matched, extra_pos = match_headers(list(frame.columns), spec, path)
    data: dict[str, pd.Series] = {}
    for pos, canonical in matched.items():
        data[canonical] = frame.iloc[:, pos]
    extra_names: list[str] = []
    for pos in extra_pos:
        name = str(frame.columns[pos]).strip() or f"column_{pos + 1}"
        while name in data or name in extra_names:
            name += "_"
        extra_names.append(name)
        data[name] = frame.iloc[:, pos]
    out = pd.DataFrame(data, index=frame.index)
    out[SOURCE_ROW] = pd.RangeIndex(2, len(frame) + 2)
    if len(out):
        cells = out.drop(columns=[SOURCE_ROW])
        if cells.shape[1]:
            empty = pd.concat([_is_empty_cell(cells[c]) for c in cells.columns], axis=1).all(axis=1)
            out = out[~empty]
    return RawTable(path=path, frame=out.reset_index(drop=True), extra_columns=extra_names, encoding=encoding)
