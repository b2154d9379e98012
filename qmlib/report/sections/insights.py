"""What explains the figures, in the report: blocks built from insights.csv (``ReportInputs.insights``).

- :func:`top_risks` — the sentence of the summary's first paragraph naming the
  top three risks (the first three root-cause stories of the shortcomings);
- :func:`activities_insights` — §二: initiative effects (association with
  p-value) and good typical cases;
- :func:`results_drivers` — §三: under each headline change, the drivers that
  account for it (Adtributor) and the caveats that limit it;
- :func:`shortcoming_stories`, :func:`bad_cases`, :func:`residents_voice` —
  §四: root-cause chains (cause under effect, one story), bad cases not told
  in a story, and residents' voice.

Insight evidence sentences are written by the insights stage in the
community's language; they carry residents' words, so they go through
:func:`~qmlib.report.markup.resident_text` (masked, escaped). Every block is
empty when there are no insights (a report without the stage still builds).
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from ...catalog import METRICS
from ...insights.links import Story, cause_phrase, cause_records, causes_of, stories
from ...labels import metric_label, t
from ..fmt import fmt_change, fmt_p, is_missing
from ..markup import badge, bullet_list, h3, join, para, resident_text, tag
from .common import ReportInputs, as_bool, label_or, period_in_text, records

SEVERITY_KIND = {"high": "high", "medium": "medium", "low": "low"}

#: Caveats about the survey sample are told under these metrics' changes.
SURVEY_METRICS: tuple[str, ...] = ("satisfaction_index", "satisfaction_rate")


def _rows(r: ReportInputs, kind: str, method: str | None = None, direction: str | None = None) -> list[dict]:
    ins = r.insights
    if ins is None or ins.empty:
        return []
    out = []
    for row in records(ins):
        if str(row.get("kind")) != kind:
            continue
        if method is not None and str(row.get("method")) != method:
            continue
        if direction is not None and str(row.get("direction")) != direction:
            continue
        out.append(row)
    return out


def _sentence(text: object, lang: str) -> str:
    """Evidence as a sentence: first letter upper-cased in English, trailing stop removed."""
    s = "" if is_missing(text) else str(text).strip()
    s = s.rstrip("。.")
    if lang == "en" and s:
        s = s[:1].upper() + s[1:]
    return s


def _evidence(row: dict, lang: str) -> Markup:
    end = "。" if lang == "zh" else "."
    return resident_text(_sentence(row.get("evidence"), lang) + end)


# ---- summary ------------------------------------------------------------------


def top_risks(r: ReportInputs, limit: int = 3) -> Markup:
    """ "本期需优先关注的风险：（1）…；（2）…" — the first ``limit`` shortcoming stories, by name."""
    lang = r.lang or "zh"
    told = stories(r.shortcomings, r.insights)[:limit]
    if not told:
        return Markup("")
    items = []
    for i, story in enumerate(told, start=1):
        first = story.effects[0]
        text = f"{first.get('shortcoming_id')} {_sentence(first.get('evidence'), lang)}"
        cause = story.causes[0] if story.causes else None
        if cause is not None and str(cause.get("subject")) not in str(first.get("subject")):
            text += t("insight.report.risk_cause", lang).format(cause=cause_phrase(cause, lang))
        more = [
            t("insight.report.effect_name", lang).format(
                id=e.get("shortcoming_id"),
                category=label_or(f"finding.category.{e.get('category')}", e.get("category"), lang),
                subject=e.get("subject_label") or "",
            )
            for e in story.effects[1:]
        ]
        if more:
            text += t("insight.report.risk_also", lang).format(
                ids=t("insight.word.list_sep", lang).join(more)
            )
        items.append(t("insight.report.risk_item", lang).format(i=i, text=text))
    head = t("insight.report.risks", lang).format(n=len(items))
    sep = t("insight.word.clause_sep", lang)
    end = "。" if lang == "zh" else "."
    return tag("span", resident_text(head + sep.join(items) + end), class_="qm-risks")


# ---- §二 activities -----------------------------------------------------------------


def activities_insights(r: ReportInputs, limit: int = 5) -> Markup:
    """Initiative effects (association, p-value) and good typical cases."""
    lang = r.lang or "zh"
    parts: list[Markup] = []
    inits = _rows(r, "initiative")
    if inits:
        parts.append(h3(t("insight.report.initiatives", lang)))
        parts.append(para(t("insight.report.initiatives_note", lang), "qm-note"))
        items = []
        for row in inits[:limit]:
            kind = "good" if str(row.get("direction")) == "good" else "bad"
            mark = badge(t(f"insight.report.direction.{kind}", lang), kind)
            items.append(mark + Markup(" ") + _evidence(row, lang))
        parts.append(bullet_list(items, class_="qm-insights"))
    causes = {str(c.get("subject")) for s in stories(r.shortcomings, r.insights) for c in s.causes}
    good = [c for c in _rows(r, "case", direction="good") if str(c.get("subject")) not in causes]
    if good:
        parts.append(h3(t("insight.report.good_cases", lang)))
        parts.append(bullet_list([_evidence(row, lang) for row in good[:limit]], class_="qm-insights"))
    return join(parts)


# ---- §三 results ------------------------------------------------------------------


def _change_rows(r: ReportInputs) -> dict[tuple[str, str], dict]:
    return {(str(c["metric_id"]), str(c["period"])): c for c in records(r.changes)}


def _caveat_targets(row: dict, survey_metric: str) -> list[tuple[str, str]]:
    """(metric_id, period) of the changes a caveat limits, in order of preference (the first shown wins)."""
    mid, period = str(row.get("metric_id") or ""), str(row.get("period") or "")
    if mid == "survey_coverage" or (mid in SURVEY_METRICS and str(row.get("dimension")) == "collection"):
        periods = [period] if period and period != "baseline" else ["quality_month", "followup"]
        return [(survey_metric, p) for p in periods]
    return [(mid, period)] if period and period != "baseline" else [(mid, "quality_month"), (mid, "followup")]


def results_drivers(r: ReportInputs, per_change: int = 2) -> Markup:
    """§三: each headline change with the drivers that account for it and the caveats that limit it."""
    lang = r.lang or "zh"
    drivers = _rows(r, "driver", method="adtributor")
    caveats = _rows(r, "caveat")
    if not drivers and not caveats:
        return Markup("")
    # headline changes: the significant ones (a change within the noise is not decomposed in the report)
    changes = {k: c for k, c in _change_rows(r).items() if as_bool(c.get("significant")) is True}
    by_change: dict[tuple[str, str], list[dict]] = {}
    for row in drivers:
        key = (str(row.get("metric_id")), str(row.get("period")))
        if key in changes and len(by_change.setdefault(key, [])) < per_change:
            by_change[key].append(row)
    for key in [k for k in changes if k[0] in SURVEY_METRICS]:
        by_change.setdefault(key, [])
    limits: dict[tuple[str, str], list[dict]] = {}
    used: set[str] = set()
    survey_metric = next((m for m in SURVEY_METRICS if any(k[0] == m for k in by_change)), SURVEY_METRICS[0])
    for row in caveats:
        for key in _caveat_targets(row, survey_metric):
            if key in by_change:
                limits.setdefault(key, []).append(row)
                used.add(str(row.get("insight_id")))
                break
    order = {m: i for i, m in enumerate(METRICS)}
    periods: dict[str, int] = {p: i for i, p in enumerate(r.params.period_names)}
    keys = sorted(
        by_change, key=lambda k: (periods.get(k[1], 99), order.get(k[0].split(".", 1)[0], 999), k[0])
    )
    items = []
    for key in keys:
        if not by_change[key] and not limits.get(key):
            continue
        c = changes[key]
        head = t("insight.report.change_head", lang).format(
            metric=metric_label(key[0], lang),
            period=period_in_text(key[1], lang),
            change=fmt_change(key[0], c.get("change"), lang),
            p=fmt_p(c.get("p_value"), lang),
        )
        body = [tag("li", _evidence(d, lang), class_="qm-driver") for d in by_change[key]]
        if not body:  # a significant survey change was decomposed by building; nothing stands out
            body.append(tag("li", t("insight.report.no_driver", lang), class_="qm-driver"))
        body += [tag("li", _evidence(cv, lang), class_="qm-caveat") for cv in limits.get(key, [])]
        items.append(tag("li", tag("strong", head) + tag("ul", join(body))))
    parts: list[Markup] = []
    if items:
        parts.append(h3(t("insight.report.drivers", lang)))
        parts.append(tag("ul", join(items), class_="qm-insights qm-drivers"))
    rest = [cv for cv in caveats if str(cv.get("insight_id")) not in used]
    if rest:
        parts.append(h3(t("insight.report.caveats", lang)))
        parts.append(bullet_list(_caveat_items(rest, lang), class_="qm-insights qm-note"))
    return join(parts)


def _caveat_items(rows: list[dict], lang: str, max_small: int = 3) -> list[Markup]:
    """Caveat sentences; more than ``max_small`` tiny-sample caveats become one line."""
    small = [cv for cv in rows if str(cv.get("dimension")) == "sample"]
    if len(small) <= max_small:
        return [_evidence(cv, lang) for cv in rows]
    items = [_evidence(cv, lang) for cv in rows if str(cv.get("dimension")) != "sample"]
    listed = t("insight.word.list_sep", lang).join(
        t("insight.report.small_item", lang).format(
            metric=metric_label(str(cv.get("metric_id")), lang),
            period=period_in_text(str(cv.get("period")), lang),
            n="" if is_missing(cv.get("n")) else int(cv["n"]),
        )
        for cv in small
    )
    min_n = next((int(float(cv["reference"])) for cv in small if not is_missing(cv.get("reference"))), "")
    items.append(resident_text(t("insight.report.small", lang).format(min_n=min_n, items=listed)))
    return items


# ---- §四 shortcomings ------------------------------------------------------------------


def _effect_line(row: dict, lang: str) -> Markup:
    sev = str(row.get("severity", ""))
    return join(
        [
            tag("span", row.get("shortcoming_id"), class_="qm-id"),
            Markup(" "),
            badge(label_or(f"finding.severity.{sev}", sev, lang), SEVERITY_KIND.get(sev, "neutral")),
            Markup(" "),
            tag(
                "span",
                label_or(f"finding.category.{row.get('category')}", row.get("category"), lang),
                class_="qm-story-cat",
            ),
            Markup(" "),
            resident_text(row.get("evidence")),
        ]
    )


def _under(label_key: str, row: dict, lang: str) -> Markup:
    return tag(
        "p",
        tag("span", t(label_key, lang), class_="qm-cause-label") + Markup(" ") + _evidence(row, lang),
        class_="qm-cause",
    )


def _story_html(story: Story, voices: list[dict], lang: str) -> Markup:
    effects = join(tag("p", _effect_line(e, lang), class_="qm-effect") for e in story.effects)
    metrics = {str(e.get("metric_id")) for e in story.effects}
    heard = [v for v in voices if str(v.get("metric_id")) in metrics][:1]
    if not story.causes and not heard:
        return tag("div", effects, class_="qm-story")
    under = join(_under("insight.report.cause", c, lang) for c in story.causes)
    under += join(_under("insight.report.heard", v, lang) for v in heard)
    return tag("div", effects + under, class_="qm-story qm-story--caused" if story.causes else "qm-story")


def shortcoming_stories(r: ReportInputs) -> Markup:
    """The shortcomings as root-cause stories: problems that share a cause together, the cause under
    them, and the residents' comments about the same metric."""
    lang = r.lang or "zh"
    told = stories(r.shortcomings, r.insights)
    voices = _rows(r, "voice", direction="bad")
    return tag("div", join(_story_html(s, voices, lang) for s in told), class_="qm-stories")


def bad_cases(r: ReportInputs, limit: int = 5) -> Markup:
    """Bad typical cases that no story above told."""
    lang = r.lang or "zh"
    ins = cause_records(r.insights)
    told = {str(c.get("insight_id")) for row in records(r.shortcomings) for c in causes_of(row, ins)}
    subjects = {str(row.get("subject")) for row in records(r.shortcomings)}  # a problem listed above already
    rows = [
        c
        for c in _rows(r, "case", direction="bad")
        if str(c.get("insight_id")) not in told and str(c.get("subject")) not in subjects
    ]
    if not rows:
        return Markup("")
    return h3(t("insight.report.bad_cases", lang)) + bullet_list(
        [_evidence(c, lang) for c in rows[:limit]], class_="qm-insights"
    )


def residents_voice(r: ReportInputs, limit: int = 6, praise: int = 2) -> Markup:
    """Themes of residents' comments with their count per period and a quoted comment."""
    lang = r.lang or "zh"
    rows = _rows(r, "voice", direction="bad")[:limit] + _rows(r, "voice", direction="good")[:praise]
    if not rows:
        return Markup("")
    items = []
    for row in rows:
        theme = label_or(f"insight.theme.{row.get('dimension')}", row.get("dimension"), lang)
        kind = "good" if str(row.get("direction")) == "good" else "bad"
        items.append(badge(theme, kind) + Markup(" ") + _evidence(row, lang))
    total = next((row.get("reference") for row in rows if not is_missing(row.get("reference"))), None)
    intro = t("insight.report.voice_intro", lang).format(n="" if total is None else int(float(total)))
    return (
        h3(t("insight.report.voice", lang))
        + para(intro, "qm-note")
        + bullet_list(items, class_="qm-insights qm-voice")
    )


def has_insights(r: ReportInputs) -> bool:
    ins = r.insights
    return isinstance(ins, pd.DataFrame) and not ins.empty


__all__ = [
    "SURVEY_METRICS",
    "activities_insights",
    "bad_cases",
    "cause_phrase",
    "has_insights",
    "residents_voice",
    "results_drivers",
    "shortcoming_stories",
    "top_risks",
]
