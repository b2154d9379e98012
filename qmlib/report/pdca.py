"""上期改进计划跟踪 in report.html: the previous quality month's actions checked on this run's data.

The rows and the sentence come from :func:`qmlib.documents.tables.follow_up_table`
(one home for the follow-up, shared with report.docx); this module lays them
out as an HTML block that opens §五.
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from ..labels import t
from ..params import Params
from .markup import badge, h3, html_table, para

STATUS_BADGE = {"achieved": "good", "not_achieved": "medium", "overdue": "bad", "not_checkable": "neutral"}


def follow_up_html(folder: Path | str, params: Params, lang: str) -> Markup:
    """The follow-up block for the community folder ``folder`` (empty when no earlier plan was kept)."""
    from ..documents.content import load_document_data
    from ..documents.tables import follow_up_table

    data = load_document_data(Path(folder), params, lang)
    intro, header, rows = follow_up_table(data)
    if not rows:
        return Markup("")
    statuses = list(data.previous[1]["status"]) if data.previous is not None else []
    body = [
        [*row[:-1], badge(row[-1], STATUS_BADGE.get(status, "neutral"))]
        for row, status in zip(rows, statuses, strict=True)
    ]
    return (
        h3(t("doc.pdca.title", lang))
        + para(intro)
        + html_table(header, body, nowrap=(0, 2, 3, 5, 6, 7), class_="qm-table--followup")
    )
