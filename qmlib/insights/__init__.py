"""Stage 3b: insights — what explains the figures (insights.csv, contract §5).

>>> from qmlib.insights import find_insights, write_insights
>>> df = find_insights(tables, results, params, shortcomings, lang)
>>> write_insights(df, out_dir / community_id)

Finder families (one module each; every finder is a pure function of an
:class:`~qmlib.insights.base.InsightContext`, run in the order of
:data:`FINDERS`):

- :mod:`.drivers`: ``driver`` rows — Adtributor drivers of changes
  (Bhagwan et al., NSDI 2014) and outstanding values of levels (Tang et al.,
  SIGMOD 2017);
- :mod:`.cases`: ``case`` rows — typical cases joined across tables by
  asset, building, category and period, good and bad;
- :mod:`.voice`: ``voice`` rows — themes of residents' comments (jieba with a
  property-management dictionary, near-duplicate grouping);
- :mod:`.initiatives`: ``initiative`` rows — the change of the metrics of an
  initiative's domain, as an association with its p-value;
- :mod:`.caveats`: ``caveat`` rows — what limits a comparison.

Columns: the contract's (:data:`CONTRACT_COLUMNS`), then :data:`EXTRA_COLUMNS`
(``explains``: the shortcoming ids and ``target:<metric>@<period>`` an
insight explains, ``;``-separated; see docs/CONTRACT_ADDITIONS.md). Rows are
ordered by kind (driver, case, voice, initiative, caveat) and, within a
kind, by score; ``rank`` restarts at 1 for every kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..outputs import write_csv
from ..params import Params
from ..privacy import mask_pii
from ..shortcomings import result_frames
from .base import Insight, InsightContext, InsightRules
from .cases import cases
from .caveats import caveats
from .drivers import drivers
from .initiatives import initiatives
from .measures import Breakdowns
from .voice import voice

CONTRACT_COLUMNS: list[str] = [
    "community_id",
    "insight_id",
    "kind",
    "metric_id",
    "period",
    "dimension",
    "subject",
    "value",
    "reference",
    "share_of_change",
    "evidence",
]
EXTRA_COLUMNS: list[str] = [
    "rank",
    "score",
    "direction",
    "explains",
    "label",
    "share_of_total",
    "p_value",
    "n",
    "method",
]
INSIGHT_COLUMNS: list[str] = CONTRACT_COLUMNS + EXTRA_COLUMNS

KINDS: tuple[str, ...] = ("driver", "case", "voice", "initiative", "caveat")

#: Every finder, in the order they run. ``cases`` reads the drivers found before it.
FINDERS: tuple[Callable[[InsightContext, list[Insight]], list[Insight]], ...] = (
    drivers,
    cases,
    voice,
    initiatives,
    caveats,
)


def empty_insights() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in INSIGHT_COLUMNS})


def rank_insights(found: list[Insight], rules: InsightRules) -> list[Insight]:
    """Order by kind, then score (desc), keeping at most ``rules.max_per_kind`` of each kind."""
    out: list[Insight] = []
    for kind in KINDS:
        of_kind = [i for i in found if i.kind == kind]
        of_kind.sort(key=lambda i: -i.score)
        out.extend(of_kind[: rules.max_per_kind.get(kind, len(of_kind))])
    return out


def find_insights(
    tables: Mapping[str, pd.DataFrame],
    results: Any,
    params: Params,
    shortcomings: pd.DataFrame | None = None,
    lang: str | None = None,
    *,
    rules: InsightRules | None = None,
) -> pd.DataFrame:
    """All insights of one community; columns :data:`INSIGHT_COLUMNS`.

    ``results``: ``qmlib.metrics.compute_all(tables, params)`` or a mapping
    with ``metrics``, ``changes``, ``targets`` frames (as read from the CSVs).
    ``shortcomings``: the frame of :func:`qmlib.shortcomings.find_shortcomings`
    (its ids appear in ``explains``). ``lang`` defaults to ``params.language``.
    """
    frames = result_frames(results)
    ctx = InsightContext(
        tables=tables,
        params=params,
        rules=rules or InsightRules(),
        lang=lang or params.language,
        metrics=frames["metrics"],
        changes=frames["changes"],
        targets=frames["targets"],
        shortcomings=shortcomings if shortcomings is not None else pd.DataFrame(),
        breakdowns=Breakdowns(tables, params),
    )
    found: list[Insight] = []
    for finder in FINDERS:
        found.extend(finder(ctx, found))
    ranked = rank_insights(found, ctx.rules)
    if not ranked:
        return empty_insights()
    ranks: dict[str, int] = {}
    rank_col = []
    for ins in ranked:
        ranks[ins.kind] = ranks.get(ins.kind, 0) + 1
        rank_col.append(ranks[ins.kind])
    df = pd.DataFrame(
        {
            "community_id": params.community_id,
            "insight_id": [f"I{i:02d}" for i in range(1, len(ranked) + 1)],
            "kind": [i.kind for i in ranked],
            "metric_id": [i.metric_id for i in ranked],
            "period": [i.period for i in ranked],
            "dimension": [i.dimension for i in ranked],
            "subject": [mask_pii(i.subject) for i in ranked],
            "value": pd.array([i.value for i in ranked], dtype="Float64"),
            "reference": pd.array([i.reference for i in ranked], dtype="Float64"),
            "share_of_change": pd.array([i.share_of_change for i in ranked], dtype="Float64"),
            "evidence": [mask_pii(i.evidence) for i in ranked],
            "rank": rank_col,
            "score": [round(i.score, 6) for i in ranked],
            "direction": [i.direction for i in ranked],
            "explains": [";".join(dict.fromkeys(i.explains)) for i in ranked],
            "label": [mask_pii(i.label) for i in ranked],
            "share_of_total": pd.array([i.share_of_total for i in ranked], dtype="Float64"),
            "p_value": pd.array([i.p_value for i in ranked], dtype="Float64"),
            "n": pd.array([i.n for i in ranked], dtype="Int64"),
            "method": [i.method for i in ranked],
        }
    )
    return df[INSIGHT_COLUMNS]


def write_insights(df: pd.DataFrame, folder: Path | str) -> Path:
    """Write ``<folder>/insights.csv`` (``folder`` = ``outputs/<community_id>``)."""
    cols = CONTRACT_COLUMNS + [c for c in df.columns if c not in CONTRACT_COLUMNS]
    return write_csv(df, Path(folder) / "insights.csv", columns=cols)


__all__ = [
    "CONTRACT_COLUMNS",
    "EXTRA_COLUMNS",
    "FINDERS",
    "INSIGHT_COLUMNS",
    "KINDS",
    "Insight",
    "InsightContext",
    "InsightRules",
    "empty_insights",
    "find_insights",
    "rank_insights",
    "write_insights",
]
