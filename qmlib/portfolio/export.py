"""The board as ``board.xlsx`` (one sheet per table) and ``report.pdf`` (WeasyPrint, A4).

xlsx: headers in the report language, codes as labels, every text cell
formula-escaped with :func:`qmlib.outputs.escape_text_cells`. PDF: the rendered
``report.html`` printed by WeasyPrint on A4 with the CJK font shipped by
``mplfonts`` loaded through ``@font-face`` (embedded and subset, so the text
can be selected and extracted); nothing is downloaded.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from ..labels import metric_label, t
from ..outputs import atomic_write_bytes, escape_text_cells
from ..schema import ENGLISH
from .assemble import Board


def _enum(kind: str, value: object, lang: str) -> object:
    if pd.isna(value):
        return None
    return ENGLISH.get(kind, {}).get(str(value), str(value)) if lang == "en" else str(value)


def _date(value: object) -> object:
    return None if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def board_tables(b: Board, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """Sheet name → table with labelled headers (the same content as the HTML board)."""
    name = t("portfolio.community", lang)
    ids = "ID"
    sheets: dict[str, pd.DataFrame] = {}
    hz = b.hazards
    sheets[t("portfolio.sheet.hazards", lang)] = pd.DataFrame(
        {
            ids: hz["community_id"],
            name: hz["name"],
            t("portfolio.col.hazard_id", lang): hz["hazard_id"],
            t("portfolio.col.area", lang): hz["area"],
            t("portfolio.col.severity", lang): [_enum("hazard_severity", v, lang) for v in hz["severity"]],
            t("portfolio.col.found", lang): [_date(v) for v in hz["found_at"]],
            t("portfolio.col.due", lang): [_date(v) for v in hz["due"]],
            t("portfolio.col.days_over", lang): hz["days_over"].astype("Int64"),
        }
    )
    inc = b.incidents
    sheets[t("portfolio.sheet.incidents", lang)] = pd.DataFrame(
        {
            ids: inc["community_id"],
            name: inc["name"],
            t("portfolio.col.incident_id", lang): inc["incident_id"],
            t("portfolio.col.type", lang): inc["type"],
            t("portfolio.col.severity", lang): [_enum("incident_severity", v, lang) for v in inc["severity"]],
            t("portfolio.col.date", lang): [_date(v) for v in inc["occurred_at"]],
            t("portfolio.col.injuries", lang): inc["injuries"],
        }
    )
    k = b.kpis
    sheets[t("portfolio.sheet.board", lang)] = pd.DataFrame(
        {
            ids: k["community_id"],
            name: k["community_id"].map(b.names),
            t("ui.metric", lang): [metric_label(m, lang) for m in k["metric_id"]],
            t("portfolio.col.value", lang): k["value"],
            "n": k["n"],
            t("portfolio.col.status", lang): [t(f"portfolio.rag.{r}", lang) for r in k["rag"]],
            t("portfolio.col.basis", lang): [t(f"portfolio.basis.{x}", lang) for x in k["basis"]],
            t("portfolio.funnel.company", lang): k["benchmark"],
            t("portfolio.col.trend", lang): [
                t(f"portfolio.trend.{x}", lang) if x else None for x in k["trend"]
            ],
        }
    )
    rows = []
    for m, f in b.funnels.items():
        for r in f.points.itertuples():
            rows.append(
                {
                    ids: r.community_id,
                    name: b.names.get(r.community_id, r.community_id),
                    t("ui.metric", lang): metric_label(m, lang),
                    t("portfolio.col.value", lang): r.value,
                    "n": r.n,
                    t("portfolio.funnel.company", lang): f.theta0,
                    "95% low": r.lo95,
                    "95% high": r.hi95,
                    "99.8% low": r.lo998,
                    "99.8% high": r.hi998,
                    t("portfolio.col.status", lang): t(f"portfolio.funnel.{r.status}", lang)
                    if r.status in ("worse", "better")
                    else None,
                }
            )
    sheets[t("portfolio.sheet.funnels", lang)] = pd.DataFrame(rows)
    p = b.problems
    sheets[t("portfolio.sheet.problems", lang)] = pd.DataFrame(
        {
            t("portfolio.finding", lang): [t(f"finding.kind.{x}", lang) for x in p["kind"]],
            t("portfolio.share_of_communities", lang): p["count"],
            t("portfolio.which", lang): [", ".join(b.names.get(c, c) for c in cs) for cs in p["communities"]],
        }
    )
    pl = b.plan
    sheets[t("portfolio.sheet.plan", lang)] = pd.DataFrame(
        {
            t("portfolio.finding", lang): [t(f"finding.kind.{x}", lang) for x in pl["kind"]],
            t("portfolio.share_of_communities", lang): pl["communities"],
            t("portfolio.plan.new", lang): pl["new"],
            t("portfolio.plan.covered", lang): pl["covered"],
        }
    )
    h = b.history
    if not h.empty:
        grid = h.pivot_table(index="metric_id", columns="month", values="value", aggfunc="first")
        grid.index = [metric_label(m, lang) for m in grid.index]
        grid.index.name = t("ui.metric", lang)
        sheets[t("portfolio.sheet.history", lang)] = grid.reset_index()
    mv = b.moves
    if not mv.empty:
        sheets[t("portfolio.sheet.moves", lang)] = pd.DataFrame(
            {
                ids: mv["community_id"],
                name: mv["name"],
                t("portfolio.history.improved", lang): [
                    ", ".join(metric_label(m, lang) for m in x) for x in mv["improved"]
                ],
                t("portfolio.history.relapsed", lang): [
                    ", ".join(metric_label(m, lang) for m in x) for x in mv["relapsed"]
                ],
            }
        )
    sel = b.rollup.selection
    if sel is not None:
        sheets[t("portfolio.sheet.scope", lang)] = pd.DataFrame(
            {
                ids: sel["community_id"],
                t("portfolio.col.pooled", lang): [
                    t("portfolio.yes" if x else "portfolio.no", lang) for x in sel["pooled"]
                ],
                t("portfolio.col.reason", lang): [
                    None if x in ("ran", "unchanged", "found") else t(f"portfolio.reason.{x}", lang)
                    for x in sel["reason"]
                ],
            }
        )
    return sheets


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One sheet per table, bold header row, text cells formula-escaped."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, frame in sheets.items():
        ws = wb.create_sheet(title[:31])
        safe = escape_text_cells(frame.astype(object).where(frame.notna(), None))
        ws.append([str(c) for c in safe.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in safe.itertuples(index=False):
            ws.append([None if v is None or (isinstance(v, float) and v != v) else v for v in row])
        for i, col in enumerate(safe.columns, start=1):
            width = max([len(str(col))] + [len(str(v)) for v in safe[col].head(200) if v is not None])
            ws.column_dimensions[ws.cell(1, i).column_letter].width = min(60, max(8, width + 2))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_xlsx(b: Board, path: Path | str, lang: str = "zh") -> Path:
    """Write ``board.xlsx``; returns its path."""
    path = Path(path)
    atomic_write_bytes(path, xlsx_bytes(board_tables(b, lang)))
    return path


def pdf_css(lang: str = "zh") -> str:
    """A4 page, the mplfonts CJK font via @font-face, page numbers in ``lang`` as in the
    community reports ("第 3 页 / 共 14 页"), tables fitted to the page; the sections follow one
    another, the first right under the cover (report.css starts every major section on a new
    page; a user style sheet needs ``!important`` to win over an author's rule)."""
    from ..documents.pdf import FONT_STACK, font_face_css, page_footer_css

    return f"""
{font_face_css()}
{page_footer_css(t("doc.page", lang))}
@page {{ size: A4; margin: 14mm 12mm 16mm; }}
html, body, .qm-report, table, th, td, h1, h2, h3, p, li, a, span, dt, dd, button, caption, figcaption {{
  font-family: {FONT_STACK} !important; }}
body {{ font-size: 9.5pt; }}
.qm-toc {{ display: none; }}
.qm-table-wrap {{ overflow: visible !important; border: none; }}
.qm-table {{ font-size: 7.5pt; width: 100%; }}
table.qm-board thead th {{ min-width: 0 !important; white-space: normal; }}
.qm-board .qm-rag {{ padding: 1px 3px; white-space: nowrap; }}
.qm-funnels {{ display: block; }}
.qm-funnels figure {{ break-inside: avoid; }}
img {{ max-width: 100%; height: auto; }}
section.qm-section {{ break-before: auto !important; }}
h2 {{ break-after: avoid; }}
"""


def write_pdf(html_path: Path | str, pdf_path: Path | str, lang: str = "zh") -> Path:
    """Print ``report.html`` to an A4 PDF with WeasyPrint (scripts are ignored; links kept).

    Through :func:`qmlib.documents.pdf.render_pdf`, the fast path every qm PDF takes (shared
    fonts, charts embedded as they are, no network)."""
    from ..documents.pdf import render_pdf

    html_path, pdf_path = Path(html_path), Path(pdf_path)
    atomic_write_bytes(pdf_path, render_pdf(html_path, pdf_css(lang)))
    return pdf_path
