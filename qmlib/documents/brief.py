"""``brief.html`` and ``brief.pdf``: the quality month on at most two A4 pages, for leadership.

Community and period; four to six KPI cards coloured red/amber/green by
:func:`rag`; the targets met and missed; the top three risks (the three
highest-ranked shortcomings, by name); the six to eight actions that matter
most (:func:`key_actions`) with owner and due date. Everything comes from the
stage outputs through :mod:`.tables`; nothing is recomputed.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from ..labels import metric_label, t
from ..outputs import atomic_write_bytes
from ..report.fmt import fmt_value, is_missing
from ..report.sections import CARD_METRICS
from . import tables as tb
from .content import DocumentData, brief_title, document_title, page_label, running_header
from .pdf import html_to_pdf
from .wording import flag, is_small, verdict

TEMPLATES = Path(__file__).with_name("templates")
MIN_CARDS, MAX_CARDS = 4, 6
MIN_ACTIONS, MAX_ACTIONS = 6, 8
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
STAGE_ORDER = {"Do": 0, "Act": 1, "Plan": 2, "Check": 3}


def rag(data: DocumentData, metric_id: str) -> str:
    """Red/amber/green of a KPI card.

    red: a target on the metric was missed, or a later period is
    significantly worse than the baseline; green: otherwise, when every
    target on it was met or the quality month is significantly better;
    amber: the rest (within sampling noise, no test, or a small sample,
    which never decides a colour on its own).
    """
    achieved = [flag(r.get("achieved")) for r in tb.records(data.targets) if r.get("metric_id") == metric_id]
    if False in achieved:
        return "red"
    verdicts = {}
    for period in data.params.period_names[1:]:
        row = tb.change_row(data, metric_id, period)
        if row is not None and not is_small(tb.min_n(data, metric_id, period)):
            verdicts[period] = verdict(metric_id, row.get("change"), row.get("significant"))
    if "worse" in verdicts.values():
        return "red"
    if (achieved and all(a is True for a in achieved)) or verdicts.get("quality_month") == "better":
        return "green"
    return "amber"


def cards(data: DocumentData) -> list[dict]:
    """Four to six KPI cards: targeted metrics first, then the report's key metrics.

    Each shows the quality month's value and its change against the
    baseline in words, and the follow-up value when there is one.
    """
    lang = data.lang
    ids = list(dict.fromkeys([str(r["metric_id"]) for r in tb.records(data.targets)] + list(CARD_METRICS)))
    out = []
    for mid in ids:
        row = tb.change_row(data, mid, "quality_month")
        if row is None:
            continue
        follow = tb.change_row(data, mid, "followup")
        colour = rag(data, mid)
        out.append(
            {
                "label": metric_label(mid, lang),
                "value": fmt_value(mid, row.get("value")),
                "period": t("period.quality_month", lang),
                "baseline": fmt_value(mid, row.get("baseline_value")),
                "statement": tb.statement(data, mid, "quality_month"),
                "followup": ""
                if follow is None
                else t("report.card.followup", lang).format(value=fmt_value(mid, follow.get("value")))
                + (" · " + tb.statement(data, mid, "followup")),
                "rag": colour,
                "rag_label": t(f"doc.brief.rag.{colour}", lang),
            }
        )
        if len(out) == MAX_CARDS:
            break
    return out


def risks(data: DocumentData, limit: int = 3) -> list[dict]:
    """The ``limit`` highest-ranked shortcomings: name, severity and evidence."""
    rows = sorted(tb.records(data.shortcomings), key=lambda r: float(r.get("rank") or 1e9))[:limit]
    lang = data.lang
    out = []
    for r in rows:
        subject = "" if is_missing(r.get("subject_label")) else tb.text(r.get("subject_label"))
        name = t(f"finding.kind.{r.get('kind')}", lang)
        if subject and subject not in name:
            name = t("doc.brief.risk_name", lang).format(kind=name, subject=subject)
        found = tb.causes(data, str(r.get("shortcoming_id")), limit=1)
        out.append(
            {
                "name": name,
                "severity": t(f"finding.severity.{r.get('severity')}", lang),
                "level": str(r.get("severity")),
                "evidence": tb.text(r.get("evidence")),
                "cause": t("doc.brief.cause", lang).format(text=found[0]) if found else "",
            }
        )
    return out


def key_actions(data: DocumentData) -> list[dict]:
    """Six to eight actions: by the rank of the shortcoming they answer, the doing stages first.

    One action per shortcoming in rank order, then a second one per
    shortcoming, then routine mechanisms, until :data:`MAX_ACTIONS`; an
    action worded like one already chosen (two missed targets on one metric) is not repeated.
    """
    actions, routines = tb.split_plan(data)
    rank = {str(r.get("shortcoming_id")): float(r.get("rank") or 1e9) for r in tb.records(data.shortcomings)}
    actions = sorted(
        actions,
        key=lambda r: (
            rank.get(str(r.get("shortcoming_id")), 1e9),
            STAGE_ORDER.get(str(r.get("pdca_stage")), 9),
            str(r.get("due_on")),
        ),
    )
    chosen: list[dict] = []
    for round_ in (0, 1):
        seen: dict[str, int] = {}
        for r in actions:
            sid = str(r.get("shortcoming_id"))
            seen[sid] = seen.get(sid, 0) + 1
            duplicate = any(str(c.get("action")) == str(r.get("action")) for c in chosen)
            if seen[sid] == round_ + 1 and r not in chosen and not duplicate and len(chosen) < MAX_ACTIONS:
                chosen.append(r)
    for r in routines:
        if len(chosen) >= MIN_ACTIONS:
            break
        chosen.append(r)
    lang = data.lang
    return [
        {
            "id": str(r.get("action_id") or ""),
            "action": tb.text(r.get("action")),
            "owner": tb.owner(r, lang),
            "due": tb.fmt_date(r.get("due_on")),
            "kpi": tb.kpi_target(r),
        }
        for r in chosen
    ]


def targets(data: DocumentData) -> dict[str, list[str]]:
    lang = data.lang
    out: dict[str, list[str]] = {"met": [], "missed": [], "unknown": []}
    for r in tb.records(data.targets):
        mid = str(r["metric_id"])
        text = t("doc.brief.target_item", lang).format(
            metric=metric_label(mid, lang),
            target=tb.target_words(r, lang),
            period=t(f"period.{r['period']}", lang),
            actual=fmt_value(mid, r.get("actual_value")),
        )
        f = flag(r.get("achieved"))
        out["met" if f is True else "missed" if f is False else "unknown"].append(text)
    return out


def brief_html(data: DocumentData) -> str:
    """The brief as a self-contained HTML page (inline CSS, no script, no remote resource)."""
    p, lang = data.params, data.lang
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    template = env.get_template("brief.html.j2")
    qs, qe = p.periods["quality_month"]
    labels = {
        k.removeprefix("doc.brief."): t(k, lang)
        for k in (
            "doc.brief.kpis",
            "doc.brief.targets",
            "doc.brief.targets_met",
            "doc.brief.targets_missed",
            "doc.brief.targets_unknown",
            "doc.brief.no_targets",
            "doc.brief.risks",
            "doc.brief.no_risks",
            "doc.brief.actions",
            "doc.brief.no_actions",
            "doc.brief.rag_legend",
            "doc.brief.count",
        )
    }
    labels.update({k: t(f"doc.col.{k}", lang) for k in ("action", "owner", "due", "kpi_target", "baseline")})
    return template.render(
        lang="zh-CN" if lang == "zh" else "en",
        title=brief_title(p, lang),
        community=p.name,
        company=p.company or "",
        period=t("report.meta.period_range", lang).format(start=qs.isoformat(), end=qe.isoformat()),
        period_label=t("doc.period", lang),
        as_of_label=t("doc.as_of", lang),
        as_of=p.as_of_date.isoformat(),
        cards=cards(data),
        targets=targets(data),
        risks=risks(data),
        actions=key_actions(data),
        labels=labels,
        footer=t("doc.brief.footer", lang).format(title=document_title(p, lang), community_id=p.community_id),
        css=Markup((TEMPLATES / "brief.css").read_text(encoding="utf-8")),
    )


def write_brief(data: DocumentData, folder: Path | str) -> tuple[Path, Path]:
    """Write ``brief.html`` and ``brief.pdf`` into ``folder``; return both paths."""
    folder = Path(folder)
    html = brief_html(data)
    html_path = folder / "brief.html"
    atomic_write_bytes(html_path, html.encode("utf-8"))
    html_path.chmod(0o644)
    pdf_path = html_to_pdf(
        html,
        folder / "brief.pdf",
        header=running_header(data.params, data.lang),
        page_label=page_label(data.lang),
        base_url=str(folder),
    )
    return html_path, pdf_path
