"""``outputs/index.html``: one self-contained page listing every community.

Rows come from the batch's ``run.json`` data; community folders (valid id,
with a ``notebooks/`` folder) in the outputs directory that were not part of
this batch are listed after them (status ``earlier run``). All text is HTML-escaped; links are relative, so
the outputs folder can be moved or zipped.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from qmlib.outputs import atomic_write_bytes

from ..privacy import mask_pii
from .communities import is_valid_id
from .fingerprint import read_fingerprint

INDEX_HTML = "index.html"

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
margin:2rem;color:#1f2933}
h1{font-size:1.4rem;margin:0 0 .3rem}
p.meta{color:#52606d;margin:0 0 1rem}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #e4e7eb;padding:.4rem .6rem;text-align:left;vertical-align:top}
th{background:#f5f7fa}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#0b7a3e}.failed{color:#b42318;font-weight:600}.skipped{color:#52606d}
.not_run,.pending,.earlier{color:#8a6d00}
td.err{font-family:ui-monospace,monospace;font-size:.85em;white-space:pre-wrap}
"""


def _display_name(params_dir: Path | None, community_id: str) -> str:
    if params_dir is None:
        return ""
    try:
        data = yaml.safe_load((params_dir / f"{community_id}.yaml").read_text(encoding="utf-8"))
    except Exception:
        return ""
    name = data.get("name") if isinstance(data, dict) else None
    return mask_pii(str(name)) if name is not None else ""


def _link(href: str, text: str) -> str:
    return f'<a href="{html.escape(quote(href), quote=True)}">{html.escape(text)}</a>'


def _row(out_dir: Path, params_dir: Path | None, cid: str, entry: dict[str, Any]) -> str:
    status = entry.get("status", "")
    duration = entry.get("duration_s")
    links = []
    if (out_dir / cid / "report.html").exists():
        links.append(_link(f"{cid}/report.html", "report.html"))
    if entry.get("executed_notebook"):
        links.append(_link(entry["executed_notebook"], "failed notebook"))
    error = ""
    if status == "failed":
        where = entry.get("notebook") or ""
        if entry.get("cell_index") is not None:
            where += f", cell {entry['cell_index']}"
        error = (f"{where}: " if where else "") + (entry.get("error") or "")
    css = "earlier" if status == "earlier run" else status
    return (
        "<tr>"
        f"<td>{html.escape(cid)}</td>"
        f"<td>{html.escape(_display_name(params_dir, cid))}</td>"
        f'<td class="{html.escape(css)}">{html.escape(status)}</td>'
        f'<td class="num">{"" if duration is None else f"{float(duration):.1f}"}</td>'
        f"<td>{' · '.join(links)}</td>"
        f'<td class="err">{html.escape(error)}</td>'
        "</tr>"
    )


def write_index(out_dir: Path, run: dict[str, Any]) -> Path:
    """Write ``out_dir/index.html`` from ``run`` (the run.json data); return its path."""
    options = run.get("options", {})
    params_dir = Path(options["params_dir"]) if options.get("params_dir") else None
    communities: dict[str, dict[str, Any]] = dict(run.get("communities", {}))
    if out_dir.is_dir():
        for entry in sorted(out_dir.iterdir()):
            if (
                entry.is_dir()
                and is_valid_id(entry.name)
                and (entry / "notebooks").is_dir()  # a community's outputs, not e.g. the portfolio's
                and entry.name not in communities
            ):
                communities[entry.name] = {
                    "status": "earlier run",
                    "fingerprint": read_fingerprint(entry),
                }
    counts = run.get("counts", {})
    summary = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    rows = "\n".join(_row(out_dir, params_dir, cid, entry) for cid, entry in communities.items())
    portfolio = ((run.get("portfolio") or {}).get("status") == "ok"
                 and (out_dir / "portfolio" / "report.html").is_file())
    portfolio_link = ' · <a href="portfolio/report.html">portfolio report</a>' if portfolio else ""
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>qm run: {html.escape(str(len(run.get("communities", {}))))} communities</title>
<style>{_CSS}</style>
</head>
<body>
<h1>Quality-month run</h1>
<p class="meta">{html.escape(summary)} · started {html.escape(str(run.get("started_at", "")))}
· status {html.escape(str(run.get("status", "")))} · details in <a href="run.json">run.json</a>{portfolio_link}</p>
<table>
<thead><tr><th>community</th><th>name</th><th>status</th><th>seconds</th><th>outputs</th><th>error</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</body>
</html>
"""
    path = out_dir / INDEX_HTML
    atomic_write_bytes(path, page.encode("utf-8"))
    return path
