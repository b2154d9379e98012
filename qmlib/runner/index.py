"""``outputs/index.html``: one self-contained page listing every community.

Rendered from the Jinja2 template ``templates/index.html.j2`` with autoescape
on, so every value (ids, names, error messages) is HTML-escaped. Rows come
from the batch's ``run.json`` data; community folders (valid id, with a
``notebooks/`` folder) in the outputs directory that were not part of this
batch are listed after them (status "earlier run"). A failed community
whose folder still holds the outputs of an earlier successful run
(``outputs: "previous"`` in its run.json entry) says so next to its status.
The page follows the report language of the batch (the most common
``language`` of its params); links are relative, so the outputs folder can be
moved or zipped. The page is rewritten only when its text changes.
"""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape

from qmlib.labels import t
from qmlib.outputs import atomic_write_bytes

from ..privacy import mask_pii
from .communities import is_valid_id
from .fingerprint import read_fingerprint

INDEX_HTML = "index.html"
TEMPLATE_DIR = Path(__file__).parent / "templates"
HTML_LANG = {"zh": "zh-CN", "en": "en"}
#: run.json status → label key suffix and CSS class.
STATUS_KEYS = {
    "ok": "ok",
    "failed": "failed",
    "skipped": "skipped",
    "pending": "pending",
    "not_run": "not_run",
    "earlier run": "earlier",
}


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )


def _params(params_dir: Path | None, community_id: str) -> dict[str, Any]:
    if params_dir is None:
        return {}
    try:
        data = yaml.safe_load((params_dir / f"{community_id}.yaml").read_text(encoding="utf-8"))
    except Exception:
        return {}
    return data if isinstance(data, dict) else {}


def report_language(params_dir: Path | None, ids: list[str]) -> str:
    """The batch's report language: the most common ``language`` of the params (``zh`` by default)."""
    langs: Counter[str] = Counter()
    for cid in ids:
        lang = _params(params_dir, cid).get("language")
        if lang in HTML_LANG:
            langs[lang] += 1
    return sorted(langs.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if langs else "zh"


#: The files of a community that index.html links, in this order, when they exist.
INDEX_DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("report.html", "index.report"),
    ("report.docx", "index.docx"),
    ("report.pdf", "index.pdf"),
    ("brief.pdf", "index.brief"),
)


def _display_name(params_dir: Path | None, community_id: str) -> str:
    name = _params(params_dir, community_id).get("name")
    return mask_pii(str(name)) if name is not None else ""


def _row(
    out_dir: Path, params_dir: Path | None, cid: str, entry: dict[str, Any], lang: str
) -> dict[str, Any]:
    status = str(entry.get("status", ""))
    key = STATUS_KEYS.get(status)
    duration = entry.get("duration_s")
    links = []
    for name, label in INDEX_DOCUMENTS:
        if (out_dir / cid / name).exists():
            links.append({"href": quote(f"{cid}/{name}"), "text": t(label, lang)})
    if entry.get("executed_notebook"):
        links.append(
            {"href": quote(str(entry["executed_notebook"])), "text": t("index.failed_notebook", lang)}
        )
    error = ""
    if status == "failed":
        where = entry.get("notebook") or ""
        if entry.get("cell_index") is not None:
            where += f", {t('index.cell', lang)} {entry['cell_index']}"
        error = (f"{where}: " if where else "") + (entry.get("error") or "")
    previous = ""
    if entry.get("outputs") == "previous":
        previous = t("index.previous_outputs", lang)
        if entry.get("previous_finished_at"):
            previous += f" ({entry['previous_finished_at']})"
    return {
        "id": cid,
        "name": _display_name(params_dir, cid),
        "status": t(f"index.status.{key}", lang) if key else status,
        "css": key or "",
        "previous": previous,
        "seconds": "" if duration is None else f"{float(duration):.1f}",
        "links": links,
        "error": error,
    }


def render_index(out_dir: Path, run: dict[str, Any]) -> str:
    """The text of ``index.html`` for ``run`` (the run.json data)."""
    options = run.get("options", {})
    params_dir = Path(options["params_dir"]) if options.get("params_dir") else None
    communities: dict[str, dict[str, Any]] = dict(run.get("communities", {}))
    lang = report_language(params_dir, list(communities))
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
    summary = ", ".join(
        f"{n} {t(f'index.status.{STATUS_KEYS.get(s, s)}', lang)}" for s, n in counts.items() if n
    )
    portfolio_dir = out_dir / "portfolio"
    portfolio = (run.get("portfolio") or {}).get("status") == "ok" and (
        portfolio_dir / "report.html"
    ).is_file()
    labels = {k: t(f"index.{k}", lang) for k in ("portfolio", "details", "started", "batch_status")}
    labels |= {
        k: t(f"index.col.{k}", lang) for k in ("community", "name", "status", "seconds", "outputs", "error")
    }
    return (
        _environment()
        .get_template("index.html.j2")
        .render(
            html_lang=HTML_LANG.get(lang, lang),
            title=t("index.title", lang),
            summary=summary,
            started_at=str(run.get("started_at", "")),
            batch_status=str(run.get("status", "")),
            portfolio=portfolio,
            portfolio_pdf=portfolio and (portfolio_dir / "report.pdf").is_file(),
            portfolio_xlsx=portfolio and (portfolio_dir / "board.xlsx").is_file(),
            labels=labels,
            rows=[_row(out_dir, params_dir, cid, entry, lang) for cid, entry in communities.items()],
        )
    )


def write_index(out_dir: Path, run: dict[str, Any]) -> Path:
    """Write ``out_dir/index.html`` from ``run`` (the run.json data) unless unchanged; return its path."""
    path = out_dir / INDEX_HTML
    data = render_index(out_dir, run).encode("utf-8")
    try:
        if path.read_bytes() == data:
            return path
    except OSError:
        pass
    atomic_write_bytes(path, data)
    return path
