"""Reading insights.csv back, and the root-cause links it carries.

The ``explains`` column of insights.csv lists the shortcoming ids (and
``target:<metric>@<period>``) an insight explains. From it:

- :func:`causes_of` — the insights that explain one shortcoming, best first:
  a bad typical case, then an outstanding value of a level (Tang et al.
  2017), then the driver of a change (Adtributor), each subject once;
- :func:`stories` — the shortcomings grouped by their first cause, so that
  a cause and every problem it explains read as one story (cause under
  effect) in the report, and the plan's actions can name the cause.

Both are pure functions of the frames; the report (``ReportInputs.insights``)
and the plan (:func:`qmlib.plan.build_plan`) read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..labels import LABELS, metric_label, t
from ..units import is_missing

#: Order in which insights are preferred as the cause of a shortcoming
#: (``kind``, ``method``): a concrete case first, then a level driver, then a change driver.
CAUSE_ORDER: tuple[tuple[str, str], ...] = (
    ("case", "join"),
    ("driver", "outstanding_top"),
    ("driver", "adtributor"),
)

_FLOATS = ("value", "reference", "share_of_change", "share_of_total", "p_value", "score")


def empty_frame() -> pd.DataFrame:
    """An insights frame without rows (what the report gets when the stage did not run)."""
    from . import INSIGHT_COLUMNS

    return pd.DataFrame({c: pd.Series(dtype="object") for c in INSIGHT_COLUMNS})


def read_insights(folder: Path | str) -> pd.DataFrame:
    """``<folder>/insights.csv`` as written by :func:`qmlib.insights.write_insights`.

    Text columns stay text (empty cells become ""), numbers are floats,
    ``rank``/``n`` integers. A missing file gives an empty frame.
    """
    path = Path(folder) / "insights.csv"
    if not path.exists():
        return empty_frame()
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for col in _FLOATS:
        if col in df.columns:
            df[col] = pd.to_numeric(df[col].replace("", None), errors="coerce").astype("Float64")
    for col in ("rank", "n"):
        if col in df.columns:
            df[col] = pd.to_numeric(df[col].replace("", None), errors="coerce").astype("Int64")
    return df


def explained_ids(value: object) -> list[str]:
    """The ids of an ``explains`` cell."""
    if is_missing(value):
        return []
    return [x for x in str(value).split(";") if x]


def cause_records(insights: pd.DataFrame | list[dict] | None) -> list[dict]:
    """The rows of an insights frame as :func:`causes_of` reads them (no rows when the frame
    has none or no ``explains`` column). A caller that asks for the causes of many
    shortcomings converts the frame once and passes this list."""
    if isinstance(insights, list):
        return insights
    if insights is None or insights.empty or "explains" not in insights.columns:
        return []
    return insights.to_dict("records")


def causes_of(
    shortcoming: dict | str, insights: pd.DataFrame | list[dict] | None, limit: int = 2
) -> list[dict]:
    """Insights that explain a shortcoming (a shortcomings.csv row or its id), best first.

    ``insights``: the insights frame, or its :func:`cause_records`.

    Only insights that point the bad way are causes (a bad case, an
    outstanding share of the bad outcomes, a change driver that moved the
    metric the wrong way); a change driver (Adtributor) explains a
    shortcoming of its own period only, and only with a share of the
    change in (0, 1] (above 1 the rest of the change went the other way). Order: :data:`CAUSE_ORDER`, then
    score; each subject once (its best insight).
    """
    records = cause_records(insights)
    if not records:
        return []
    row_of = shortcoming if isinstance(shortcoming, dict) else {"shortcoming_id": shortcoming}
    sid = str(row_of.get("shortcoming_id"))
    s_period = "" if is_missing(row_of.get("period")) else str(row_of.get("period"))
    order = {k: i for i, k in enumerate(CAUSE_ORDER)}
    hits = []
    for row in records:
        key = (str(row.get("kind")), str(row.get("method")))
        if (
            key not in order
            or str(row.get("direction")) != "bad"
            or sid not in explained_ids(row.get("explains"))
        ):
            continue
        if key[1] == "adtributor" and (not s_period or str(row.get("period")) != s_period):
            continue
        share = row.get("share_of_change")
        if key[1] == "adtributor" and (share is None or is_missing(share) or not 0 < float(share) <= 1):
            continue  # more than the whole change: other parts moved the other way; not "the" cause
        score = 0.0 if is_missing(row.get("score")) else float(row["score"])
        hits.append(((order[key], -score), row))
    hits.sort(key=lambda h: h[0])
    out: list[dict] = []
    seen: set[str] = set()
    for _, row in hits:
        subject = str(row.get("subject"))
        if subject in seen:
            continue
        seen.add(subject)
        out.append(dict(row))  # the caller's own dict (the records may serve many calls)
        if len(out) == limit:
            break
    return out


def _share(x: object) -> str:
    return "" if is_missing(x) else f"{float(x) * 100:.0f}%"  # type: ignore[arg-type]


def cause_phrase(cause: dict, lang: str) -> str:
    """A short phrase naming a cause: "设备“DT-11-1”占设备故障的50%" (labels ``insight.report.cause_*``)."""
    label = str(cause.get("label") or cause.get("subject") or "")
    mid = str(cause.get("metric_id") or "")
    if str(cause.get("method")) == "adtributor" and not is_missing(cause.get("share_of_change")):
        period = t(f"period.{cause.get('period')}", lang)
        return t("insight.report.cause_change", lang).format(
            subject=label,
            share=_share(cause.get("share_of_change")),
            metric=metric_label(mid, lang),
            period=period.lower() if lang == "en" else period,
        )
    if not is_missing(cause.get("share_of_total")):
        key = f"insight.bad.{mid.split('.', 1)[0]}"
        outcome = t(key, lang) if key in LABELS else metric_label(mid, lang)
        return t("insight.report.cause_level", lang).format(
            subject=label, share=_share(cause.get("share_of_total")), outcome=outcome
        )
    return label


@dataclass
class Story:
    """Shortcomings (``effects``, in rank order) and the insights that explain them (``causes``)."""

    effects: list[dict]
    causes: list[dict] = field(default_factory=list)

    @property
    def cause_ids(self) -> list[str]:
        return [str(c.get("insight_id")) for c in self.causes]


def stories(shortcomings: pd.DataFrame | None, insights: pd.DataFrame | None, limit: int = 2) -> list[Story]:
    """The shortcomings in rank order, those sharing their first cause grouped into one story."""
    if shortcomings is None or shortcomings.empty:
        return []
    sc = shortcomings.sort_values("rank", kind="stable") if "rank" in shortcomings.columns else shortcomings
    out: list[Story] = []
    by_cause: dict[str, Story] = {}
    records = cause_records(insights)
    for row in sc.to_dict("records"):
        causes = causes_of(row, records, limit)
        first = str(causes[0].get("insight_id")) if causes else ""
        if first and first in by_cause:
            story = by_cause[first]
            story.effects.append(row)
            for c in causes[1:]:
                if c.get("insight_id") not in story.cause_ids and len(story.causes) < limit:
                    story.causes.append(c)
            continue
        story = Story(effects=[row], causes=list(causes))
        out.append(story)
        if first:
            by_cause[first] = story
    return out


__all__ = [
    "CAUSE_ORDER",
    "Story",
    "cause_phrase",
    "cause_records",
    "causes_of",
    "empty_frame",
    "explained_ids",
    "read_insights",
    "stories",
]
