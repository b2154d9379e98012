"""Residents' voice: themes of the survey (and complaint) comments, counted per period.

1. **Segmentation**: jieba (a Chinese word segmenter, HMM + prefix
   dictionary) with the small property-management dictionary shipped as
   ``pm_dict.txt`` (one ``word frequency tag`` a line). Its tag names a theme
   (``elevator``, ``environment``, ``parking``, …), a polarity (``pos``,
   ``neg``, ``ask``: a request), or a survey word (``visit``, ``survey``,
   used by :mod:`.caveats`).
2. **Near-duplicate grouping**: two comments are near duplicates when the
   Jaccard resemblance of their word sets is at least
   ``InsightRules.voice_similarity`` (Broder, "On the resemblance and
   containment of documents", 1997). Distinct texts are taken by falling
   frequency; each joins the first group whose representative it resembles,
   or starts a new one.
3. **Theme → metric**: a group's theme is the first theme word of its
   representative; the theme links to the metric it is about
   (:data:`THEME_METRICS`, the first that the community has).

Each group with at least ``voice_min_count`` comments is one ``voice`` row:
``subject`` = its most frequent text (masked with :mod:`qmlib.privacy`),
``value`` = comments in the analysis window, ``reference`` = all comments,
``dimension`` = the theme, evidence = counts per period.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..periods import assign_periods
from ..privacy import mask_pii
from .base import Insight, InsightContext

DICT_PATH = Path(__file__).with_name("pm_dict.txt")

#: theme → metrics it is about, most specific first.
THEME_METRICS: dict[str, tuple[str, ...]] = {
    "elevator": (
        "equipment_failure_rate.elevator",
        "equipment_failure_rate",
        "satisfaction_index.facilities",
    ),
    "environment": ("satisfaction_index.cleaning", "inspection_score.垃圾分类", "inspection_score.保洁"),
    "parking": ("satisfaction_index.security",),
    "noise": ("satisfaction_index.security",),
    "security": ("satisfaction_index.security",),
    "access": ("satisfaction_index.facilities",),
    "delivery": ("satisfaction_index.facilities",),
    "facilities": ("satisfaction_index.facilities",),
    "repairs": ("satisfaction_index.repairs", "repair_timely_rate"),
    "service": ("satisfaction_index.customer_service", "complaint_response_timely_rate"),
    "greening": ("satisfaction_index.greening",),
    "community": ("satisfaction_index.customer_service",),
}
POLARITY = ("pos", "neg", "ask")
#: extra text columns of complaints that hold the resident's words, if an export has one
COMPLAINT_TEXT_COLUMNS = ("content", "description", "内容", "投诉内容", "描述", "详情")
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


@functools.lru_cache(maxsize=1)
def _dictionary() -> dict[str, str]:
    tags: dict[str, str] = {}
    for line in DICT_PATH.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3:
            tags[parts[0]] = parts[2]
    return tags


@functools.lru_cache(maxsize=1)
def _tokenizer():
    """A private jieba tokenizer with the property-management dictionary (built once per process)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.load_userdict(str(DICT_PATH))
    return tok


def tokens(text: str) -> list[str]:
    """Words of a comment (jieba, precise mode), punctuation and spaces dropped."""
    return [w for w in _tokenizer().lcut(text) if not _PUNCT.fullmatch(w)]


def tag_of(word: str) -> str | None:
    return _dictionary().get(word)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a ∩ b| / |a ∪ b| (1 for two empty sets)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


@dataclass
class Group:
    """Near-duplicate comments: the representative's words and every text with its count."""

    words: frozenset[str]
    texts: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(self.texts.values())

    @property
    def example(self) -> str:
        return max(self.texts.items(), key=lambda kv: (kv[1], -len(kv[0])))[0]


def group_comments(texts: pd.Series, similarity: float) -> tuple[list[Group], dict[str, int]]:
    """Near-duplicate groups of ``texts`` and the group of each distinct normalised text.

    A group keeps the original texts (with punctuation) and their counts.
    """
    norm = texts.map(normalise)
    counts = texts[norm != ""].value_counts()
    groups: list[Group] = []
    member: dict[str, int] = {}
    for text, count in counts.items():
        key = normalise(text)
        if key in member:
            groups[member[key]].texts[text] = groups[member[key]].texts.get(text, 0) + int(count)
            continue
        words = frozenset(tokens(key))
        for gi, g in enumerate(groups):
            if jaccard(words, g.words) >= similarity:
                g.texts[text] = int(count)
                member[key] = gi
                break
        else:
            groups.append(Group(words, {text: int(count)}))
            member[key] = len(groups) - 1
    return groups, member


def normalise(text: object) -> str:
    """A comment without spaces and punctuation (the key of exact duplicates)."""
    return _PUNCT.sub("", str(text))


def theme_of(words: frozenset[str] | list[str]) -> str:
    for w in words:
        tag = tag_of(w)
        if tag in THEME_METRICS:
            return tag
    return "other"


def polarity_of(words: list[str]) -> str:
    """``good`` when the words praise and nothing complains or asks, else ``bad``."""
    tags = {tag_of(w) for w in words}
    return "good" if "pos" in tags and not tags & {"neg", "ask"} else "bad"


def _comments(ctx: InsightContext) -> pd.DataFrame:
    """Comment text with its period, from surveys (and complaints with a text column)."""
    frames = []
    s = ctx.tables.get("surveys")
    if s is not None and "comment" in s.columns:
        frames.append(
            pd.DataFrame({"text": s["comment"], "period": assign_periods(s["surveyed_at"], ctx.params)})
        )
    c = ctx.tables.get("complaints")
    if c is not None:
        col = next((x for x in COMPLAINT_TEXT_COLUMNS if x in c.columns), None)
        if col is not None:
            frames.append(
                pd.DataFrame({"text": c[col], "period": assign_periods(c["received_at"], ctx.params)})
            )
    if not frames:
        return pd.DataFrame(columns=["text", "period"])
    out = pd.concat(frames, ignore_index=True)
    keep = out["text"].notna().to_numpy(dtype=bool) & out["period"].notna().to_numpy(dtype=bool)
    out = out[keep]
    out = out.assign(text=out["text"].astype(str).str.strip())
    return out[out["text"] != ""]


def _metric_for(ctx: InsightContext, theme: str) -> str:
    have = set(ctx.metrics["metric_id"]) if not ctx.metrics.empty else set()
    return next((m for m in THEME_METRICS.get(theme, ()) if m in have), "")


def voice(ctx: InsightContext, found: list[Insight] | None = None) -> list[Insight]:
    """One ``voice`` insight per theme group with at least ``voice_min_count`` comments."""
    comments = _comments(ctx)
    if comments.empty:
        return []
    rules = ctx.rules
    groups, member = group_comments(comments["text"], rules.voice_similarity)
    gid = comments["text"].map(normalise).map(member).to_numpy()
    total = len(comments)
    out: list[Insight] = []
    for gi, g in enumerate(groups):
        if g.count < rules.voice_min_count:
            continue
        words = tokens(g.example)
        theme = theme_of(words)
        direction = polarity_of(words)
        per = comments["period"][np.asarray(gid == gi, dtype=bool)].value_counts()
        trail = " → ".join(
            ctx.text("insight.word.count_n", period=ctx.period(p), n=int(per.get(p, 0)))
            for p in ctx.params.period_names
        )
        metric_id = _metric_for(ctx, theme)
        example = mask_pii(g.example)
        key = "insight.ev.voice" if metric_id else "insight.ev.voice_nometric"
        evidence = ctx.text(
            key,
            count=g.count,
            example=example,
            theme=ctx.text(f"insight.theme.{theme}"),
            trail=trail,
            metric=ctx.metric(metric_id) if metric_id else "",
        )
        share = g.count / total
        out.append(
            Insight(
                kind="voice",
                evidence=evidence,
                metric_id=metric_id,
                period="",
                dimension=theme,
                subject=example,
                label=example,
                value=float(g.count),
                reference=float(total),
                share_of_total=share,
                n=g.count,
                direction=direction,
                method="jieba+jaccard",
                score=share * (1.0 if direction == "bad" else 0.5),
            )
        )
    return out


__all__ = [
    "THEME_METRICS",
    "Group",
    "group_comments",
    "jaccard",
    "polarity_of",
    "theme_of",
    "tokens",
    "voice",
]
