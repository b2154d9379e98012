"""Writing the plan: ``plan.csv`` (contract columns first) and ``plan.xlsx``."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ..labels import t
from ..outputs import atomic_write_bytes, escape_formula, write_csv
from ..units import is_missing
from .build import PLAN_COLUMNS


def plan_xlsx_bytes(df: pd.DataFrame, lang: str = "zh") -> bytes:
    """plan.xlsx: one sheet, headers in ``lang`` (``plan.col.<column>``), PDCA stages
    labelled, every text cell starting with = + - @ (or tab/CR) prefixed with ``'``."""
    wb = Workbook()
    ws = wb.active
    ws.title = t("plan.sheet", lang)[:31]
    cols = [c for c in [*PLAN_COLUMNS, "kpi_target_text"] if c in df.columns]
    ws.append([t(f"plan.col.{c}", lang) for c in cols])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for record in df[cols].to_dict("records"):
        out = []
        for col in cols:
            v = record[col]
            if is_missing(v):
                out.append(None)
            elif col == "pdca_stage":
                out.append(escape_formula(t(f"plan.stage.{v}", lang)))
            elif isinstance(v, str):
                out.append(escape_formula(v))
            else:
                out.append(float(v) if col == "kpi_target" else v)
        ws.append(out)
    widths = {"action": 60, "kpi": 28, "shortcoming_id": 10, "action_id": 10, "due_on": 12}
    for i, col in enumerate(cols, start=1):
        letter = ws.cell(row=1, column=i).column_letter
        ws.column_dimensions[letter].width = widths.get(col, 14)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_plan(df: pd.DataFrame, out_dir: Path | str, lang: str = "zh") -> tuple[Path, Path]:
    """Write ``<out_dir>/plan.csv`` (contract columns first, via write_csv) and ``plan.xlsx``."""
    out_dir = Path(out_dir)
    cols = PLAN_COLUMNS + [c for c in df.columns if c not in PLAN_COLUMNS]
    csv_path = write_csv(df, out_dir / "plan.csv", columns=cols)
    xlsx_path = out_dir / "plan.xlsx"
    atomic_write_bytes(xlsx_path, plan_xlsx_bytes(df, lang))
    return csv_path, xlsx_path
