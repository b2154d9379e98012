"""Reading a table file into raw cells, and matching its headers.

A table file is ``<table>.csv`` (UTF-8, UTF-8 with BOM, or GB18030/GBK,
detected per file by strict decoding; a file mixing UTF-8 and GBK lines is
refused) or ``<table>.xlsx`` (first sheet, read with calamine, which reads the
cells that are there rather than trusting the sheet's declared used range).
Cells are returned unparsed: strings for CSV; for xlsx, whatever calamine gives
(str, float, bool, datetime). Empty cells are ``""``/``None``.

Ingest rules applied here (docs/CONTRACT_ADDITIONS.md):

- the header is the first row; a column with an empty header and no value in
  any row (e.g. a trailing comma on every line) is ignored;
- control characters (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, U+007F–U+009F)
  in a text cell are replaced by a space, and counted in the table's ``notes``;
- a quote that opens a cell and is not closed on that line but swallows whole
  following rows, or a quote character followed by text, is a clear error.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError
from ..schema import TableSpec

ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")
SOURCE_ROW = "_source_row"
#: xlsx rows wider than this are scanned cell by cell for the columns that hold a value.
WIDE_ROW = 256
TABLE_SUFFIXES = (".csv", ".xlsx")
#: Characters that are not text (and that xlsx cannot hold): replaced by a space on ingest.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")
#: A UTF-8 encoded CJK character (lead byte E3–E9 and two continuation bytes).
_UTF8_CJK = re.compile(rb"[\xe3-\xe9][\x80-\xbf][\x80-\xbf]")


@dataclass
class RawTable:
    """Raw cells of one file with canonical column names where matched.

    ``frame`` has one column per matched canonical column, plus the extra
    (unmatched) columns under their trimmed header, plus ``_source_row``
    (the row number a spreadsheet shows, header = 1). Entirely empty rows are
    dropped (they are not rows of data). ``notes`` are ingest notes for the
    summary (cells changed by a documented rule, columns ignored).
    """

    path: Path
    frame: pd.DataFrame
    extra_columns: list[str]
    encoding: str | None
    notes: list[str] = field(default_factory=list)


@dataclass
class FolderScan:
    """The table files of a data folder, and the files named like a table that are not read."""

    files: dict[str, Path]
    ignored: dict[str, list[Path]]


def scan_folder(folder: Path, tables: tuple[str, ...] | list[str]) -> FolderScan:
    """Find ``<table>.csv`` / ``<table>.xlsx`` for every table (names in any case).

    Two files for one table is an error naming both; an ``.xls`` file (the old
    binary Excel format) is an error asking for .xlsx or .csv; any other file
    named like a table (``work_orders.tsv``) is listed as ignored.
    """
    files: dict[str, Path] = {}
    ignored: dict[str, list[Path]] = {}
    if not folder.is_dir():
        return FolderScan(files, ignored)
    wanted = {t.lower(): t for t in tables}
    found: dict[str, list[Path]] = {}
    for p in sorted(folder.iterdir()):
        if not p.is_file() or p.name.startswith((".", "~$")):
            continue
        table = wanted.get(p.stem.lower())
        if table is None:
            continue
        suffix = p.suffix.lower()
        if suffix == ".xls":
            raise InputFileError(
                str(p),
                "is an old binary Excel file (.xls), which is not read",
                f"save it as {table}.xlsx (Excel Workbook) or {table}.csv (CSV UTF-8)",
            )
        if suffix in TABLE_SUFFIXES:
            found.setdefault(table, []).append(p)
        else:
            ignored.setdefault(table, []).append(p)
    for table, paths in found.items():
        if len(paths) > 1:
            names = ", ".join(sorted(p.name for p in paths))
            raise InputFileError(
                str(folder), f"more than one file for table {table!r}: {names}", "exactly one"
            )
        files[table] = paths[0]
    return FolderScan(files, ignored)


def find_table_file(folder: Path, table: str) -> Path | None:
    """``folder/<table>.csv`` or ``.xlsx`` (name and extension in any case); error if both."""
    return scan_folder(folder, [table]).files.get(table)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def detect_encoding(data: bytes, path: Path) -> str:
    """The encoding of CSV bytes: UTF-8 (with or without BOM), else GB18030 (a superset of GBK).

    Detection is by strict decoding of the whole file, so a file is never read
    with the wrong encoding. A file in which some lines are UTF-8 Chinese and
    others are not UTF-8 (GBK) is refused, naming its first line in the other
    encoding: decoding it as GB18030 would garble every UTF-8 cell.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(
            str(path),
            "is saved as UTF-16 text, which is not accepted",
            "a CSV file saved as UTF-8 or GBK (in Excel: CSV UTF-8)",
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputFileError(
            str(path),
            f"is not a text CSV file (it contains binary data: a NUL byte on line {_line_of(data, nul)})",
            "a CSV file in UTF-8 or GB18030/GBK, or an .xlsx workbook",
        )
    try:
        data.decode("utf-8-sig")
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    _refuse_mixed(data, path)
    try:
        data.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        pass
    raise InputFileError(
        str(path), "cannot be decoded as UTF-8 or GB18030/GBK text", "a CSV file saved as UTF-8 or GBK"
    )


def _refuse_mixed(data: bytes, path: Path) -> None:
    """Raise when the file has both UTF-8 Chinese lines and lines that are not UTF-8."""
    utf8_lines: list[int] = []
    other_lines: list[int] = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            other_lines.append(number)
            continue
        if _UTF8_CJK.search(line):
            utf8_lines.append(number)
    if utf8_lines and other_lines:
        if len(utf8_lines) >= len(other_lines):
            where = f"line {other_lines[0]} is not UTF-8 (GBK?) while line {utf8_lines[0]} is UTF-8"
        else:
            where = f"line {utf8_lines[0]} is UTF-8 while line {other_lines[0]} is GBK"
        raise InputFileError(
            str(path),
            f"mixes two text encodings: {where} ({len(utf8_lines)} UTF-8 line(s), {len(other_lines)} other)",
            "one encoding for the whole file: save it again as CSV UTF-8",
        )


def _check_quotes(text: str, path: Path, width: int) -> list[list[str]]:
    """Parse quoted CSV text strictly with the csv module; refuse a quote that swallows rows.

    A quote must close its cell (a closing quote followed by text is an error);
    a quoted cell that runs over lines which themselves look like whole rows
    (as many commas as the header) is an unbalanced quote, not a comment with a
    line break.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as exc:
        raise InputFileError(
            str(path),
            f"is not a valid CSV file: a quote is not closed or is followed by "
            f"text (near line {reader.line_num}: {exc})",
            'quotes only around a whole cell, closed on the same row ("a, b")',
        ) from None
    if width >= 3:
        line = 1
        for row in rows:
            for cell in row:
                if "\n" in cell or "\r" in cell:
                    inner = re.split("\r\n|\r|\n", cell)[1:]
                    if any(part.count(",") >= width - 1 for part in inner):
                        raise InputFileError(
                            str(path),
                            f"a quote opened on line {line} is not closed until a later line, so the "
                            f"rows between would be read as one cell",
                            'quotes only around a whole cell ("a, b"); remove the stray quote',
                        )
            line += sum(c.count("\n") for c in row) + 1
    return rows


def _parse_csv(data: bytes, text: str, encoding: str, path: Path) -> pd.DataFrame:
    """Parse CSV bytes into string cells, the header row included (as row 0).

    Files without quote characters take pyarrow's multi-threaded parser when
    every row has the same number of fields, else pandas' C parser (which keeps
    blank lines, so row numbers match the spreadsheet); files with quotes are
    parsed strictly by the csv module.
    """
    header_width = next(csv.reader(io.StringIO(text.split("\n", 1)[0]))).__len__() if text else 0
    if '"' in text:
        rows = _check_quotes(text, path, header_width)
        width = max((len(r) for r in rows), default=0)
        return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
    lines = text.count("\n")
    width = max((line.count(",") for line in text.split("\n")), default=0) + 1
    if "\n\n" not in text and "\n\r\n" not in text and "\r" not in text.replace("\r\n", ""):
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                dtype=str,
                header=None,
                names=range(width),
                keep_default_na=False,
                na_values=[],
                engine="pyarrow",
            ).fillna("")
            if len(frame) >= lines - 1:
                return frame
        except Exception:  # pyarrow refuses irregular rows: the C parser decides
            pass
    frame = pd.read_csv(
        io.StringIO(text),
        dtype=str,
        header=None,
        names=range(width),
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        engine="c",
        quoting=csv.QUOTE_NONE,
    )
    return frame.fillna("")


def read_csv_cells(path: Path) -> tuple[pd.DataFrame, str]:
    """All cells of a CSV as strings (empty cells ``""``); row 0 is the header."""
    data = path.read_bytes()
    if not data.strip():
        raise InputFileError(str(path), "is empty (no header row)", "a header row with the column names")
    encoding = detect_encoding(data, path)
    text = data.decode(encoding)
    if text.endswith("\n"):
        text = text[:-1].removesuffix("\r")
    try:
        frame = _parse_csv(data, text, encoding, path)
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputFileError(str(path), f"is not a valid CSV file ({exc})".strip()) from None
    return frame.astype("string"), encoding


def _xlsx_cell(value: object) -> object:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def read_xlsx_cells(path: Path) -> pd.DataFrame:
    """All cells of the first sheet of an xlsx workbook; row 0 is the header.

    Read with calamine (python-calamine), which reads the cells present in the
    sheet: a stale or huge declared used range (``<dimension ref="A1:XFD1048576">``)
    neither cuts rows nor costs memory. Columns right of the last non-empty cell
    are not kept, so memory and time follow the real content.
    """
    from python_calamine import CalamineWorkbook  # imported lazily: most tables are CSV

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own kinds on damaged files
        raise InputFileError(
            str(path),
            f"cannot be opened as an Excel workbook ({type(exc).__name__})",
            "an .xlsx file saved by Excel or WPS",
        ) from None
    try:
        if not book.sheet_names:
            raise InputFileError(str(path), "has no sheet", "an .xlsx file saved by Excel or WPS")
        sheet = book.get_sheet_by_index(0)
        rows: list[Sequence[object]] = []
        narrow = 0  # the widest row of at most WIDE_ROW cells
        wide_used: set[int] = set()  # columns with a value, in wider rows
        for row in sheet.iter_rows():
            last = len(row)
            while last and _blank(row[last - 1]):
                last -= 1
            row = row[:last]
            if last <= WIDE_ROW:
                narrow = max(narrow, last)
            else:
                wide_used.update(i for i, v in enumerate(row) if not _blank(v))
            rows.append(row)
        start_row, start_col = sheet.start or (0, 0)
        end_row = (sheet.end or (len(rows) - 1, 0))[0]
    except InputFileError:
        raise
    except Exception as exc:
        raise InputFileError(
            str(path),
            f"cannot be read as an Excel workbook ({type(exc).__name__})",
            "an .xlsx file saved by Excel or WPS",
        ) from None
    finally:
        book.close()
    # columns that hold no value in any row are not kept: memory follows the content
    keep = sorted(set(range(narrow)) | wide_used)
    if keep == list(range(len(keep))):
        body = [[_xlsx_cell(v) for v in r] + [""] * (len(keep) - len(r)) for r in rows]
    else:
        body = [[_xlsx_cell(r[i]) if i < len(r) else "" for i in keep] for r in rows]
    # calamine's range starts at the first used cell: put the columns (and, in versions that
    # leave them out, the rows) before it back, so that row and column numbers are the sheet's
    if len(rows) == end_row - start_row + 1 and start_row:
        padding: list[list[object]] = [[""] * len(keep) for _ in range(start_row)]
        body = padding + body
    if not body or all(_blank(v) for v in body[0]):
        raise InputFileError(
            str(path), "the first sheet is empty (no header row)", "a header row with the column names"
        )
    return pd.DataFrame(body, columns=[start_col + i for i in keep], dtype=object)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _norm_header(name: str) -> str:
    return " ".join(str(name).split()).lower()


def match_headers(columns: list[str], spec: TableSpec, path: Path) -> tuple[dict[int, str], list[int]]:
    """Map column positions to canonical names; return (matched, extra positions).

    Headers are compared after trimming spaces, case-insensitively, against the
    canonical name and every alias. A canonical column named twice (``overall,
    overall`` or ``问卷编号,编号``) is an error.
    """
    lookup: dict[str, str] = {}
    for col in spec.columns:
        for header in col.accepted_headers:
            lookup[_norm_header(header)] = col.name
    matched: dict[int, str] = {}
    seen: dict[str, tuple[int, str]] = {}
    extras: list[int] = []
    for pos, header in enumerate(columns):
        canonical = lookup.get(_norm_header(header))
        if canonical is None:
            extras.append(pos)
            continue
        if canonical in seen:
            first_pos, first = seen[canonical]
            if _norm_header(first) == _norm_header(header):
                problem = (
                    f"the header {header.strip()!r} appears twice (columns {first_pos + 1} and {pos + 1}), "
                    f"so it is unclear which column holds {canonical!r}"
                )
            else:
                problem = (
                    f"columns {first!r} and {header.strip()!r} both mean {canonical!r} "
                    f"(columns {first_pos + 1} and {pos + 1})"
                )
            raise InputFileError(str(path), problem, "each column only once")
        seen[canonical] = (pos, header.strip())
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


def _blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """True for the rows whose every cell is empty (None, NaN or only white space).

    Column by column, stopping at the first column after which no row can be
    blank any more (usually the first: an id that every row has).
    """
    blank = np.ones(len(frame), dtype=bool)
    for i in range(frame.shape[1]):
        if not blank.any():
            break
        blank &= _is_empty_cell(frame.iloc[:, i]).to_numpy(dtype=bool)
    return blank


def _is_empty_cell(values: pd.Series) -> pd.Series:
    if values.dtype == object:
        return values.map(lambda v: v is None or (isinstance(v, str) and v.strip() == "") or v != v)
    return (values.isna() | values.astype("string").str.strip().eq("")).fillna(True).astype(bool)


def _replace_control_chars(frame: pd.DataFrame) -> int:
    """Replace control characters in text cells by a space (in place); return the cells changed."""
    changed = 0
    for col in frame.columns:
        values = frame[col]
        if values.dtype != object:
            bad = values.str.contains(CONTROL_CHARS, regex=True).fillna(False).astype(bool)
            if bad.any():
                frame.loc[bad, col] = values[bad].str.replace(CONTROL_CHARS, " ", regex=True)
                changed += int(bad.sum())
            continue
        is_text = values.map(lambda v: isinstance(v, str))
        if not is_text.any():
            continue
        text = values[is_text].astype(str)
        bad = text.str.contains(CONTROL_CHARS, regex=True)
        if bad.any():
            frame.loc[bad[bad].index, col] = text[bad].str.replace(CONTROL_CHARS, " ", regex=True)
            changed += int(bad.sum())
    return changed


def read_table_file(path: Path, spec: TableSpec, lang: str = "en") -> RawTable:
    """Read one table file, match its headers and number its rows.

    Row 0 of the cells is the header. A column with an empty header and no
    value is ignored (a trailing comma on every line); one with values is kept
    as an extra column ``column_<n>``.
    """
    from ..labels import t

    notes: list[str] = []
    if path.suffix.lower() == ".xlsx":
        cells, encoding = read_xlsx_cells(path), None
        check_controls = True
    else:
        cells, encoding = read_csv_cells(path)
        check_controls = bool(_CONTROL_BYTES.search(path.read_bytes())) if len(cells) else False
    if check_controls:
        changed = _replace_control_chars(cells)
        if changed:
            notes.append(t("ingest.note.control_chars", lang).format(n=changed))
    header = ["" if v is None else str(v) for v in cells.iloc[0].tolist()] if len(cells) else []
    positions = [int(c) for c in cells.columns]  # 0-based column of the sheet
    body = cells.iloc[1:]
    keep = [
        i
        for i, name in enumerate(header)
        if name.strip() or (len(body) and not bool(_is_empty_cell(body.iloc[:, i]).all()))
    ]
    dropped = len(header) - len(keep)
    if dropped and path.suffix.lower() != ".xlsx":
        notes.append(t("ingest.note.empty_columns", lang).format(n=dropped))
    header = [header[i] for i in keep]
    body = body.iloc[:, keep]
    matched, extra_pos = match_headers(header, spec, path)
    data: dict[str, pd.Series] = {}
    for pos, canonical in matched.items():
        data[canonical] = body.iloc[:, pos]
    extra_names: list[str] = []
    for pos in extra_pos:
        name = header[pos].strip() or f"column_{positions[keep[pos]] + 1}"
        while name in data or name in extra_names:
            name += "_"
        extra_names.append(name)
        data[name] = body.iloc[:, pos]
    out = pd.DataFrame(data, index=body.index)
    out[SOURCE_ROW] = pd.RangeIndex(2, len(body) + 2)
    if len(out):
        cols = out.drop(columns=[SOURCE_ROW])
        if cols.shape[1]:
            out = out[~_blank_rows(cols)]
    return RawTable(
        path=path, frame=out.reset_index(drop=True), extra_columns=extra_names, encoding=encoding, notes=notes
    )
