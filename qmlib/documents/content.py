"""What the documents show, read from a community's stage outputs.

:func:`load_document_data` reads ``metrics.csv``, ``changes.csv``,
``targets.csv``, ``shortcomings.csv``, ``plan.csv``, ``ingest_summary.csv``,
``clean/activities.parquet`` and the chart PNGs under ``figures/`` of
``outputs/<id>/``; a missing file gives an empty table (the document then
says there is nothing to show). Titles and the running header are built
here so that Word, PDF and the brief say the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..labels import t
from ..labels.documents import MONTHS_EN
from ..params import Params

#: The stage outputs a document reads (file stem → attribute).
STAGE_FILES: tuple[str, ...] = (
    "metrics",
    "changes",
    "targets",
    "shortcomings",
    "plan",
    "ingest_summary",
    "insights",
)
#: Charts in the order of the report's §三 (file stem under figures/; caption label report.chart.<stem>).
FIGURE_ORDER: tuple[str, ...] = (
    "trends",
    "satisfaction",
    "satisfaction_dims",
    "complaints",
    "complaint_pareto",
    "repairs",
    "arrival",
    "equipment",
    "safety",
    "inspections",
    "training",
)


@dataclass
class DocumentData:
    """One community's stage outputs, as the documents read them."""

    folder: Path
    params: Params
    lang: str
    metrics: pd.DataFrame = field(default_factory=pd.DataFrame)
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    targets: pd.DataFrame = field(default_factory=pd.DataFrame)
    shortcomings: pd.DataFrame = field(default_factory=pd.DataFrame)
    plan: pd.DataFrame = field(default_factory=pd.DataFrame)
    ingest_summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    insights: pd.DataFrame = field(default_factory=pd.DataFrame)
    activities: pd.DataFrame = field(default_factory=pd.DataFrame)
    figures: dict[str, Path] = field(default_factory=dict)
    generated_on: dt.date = field(default_factory=dt.date.today)
    #: The previous quality month's start and its actions checked on this run's data
    #: (:func:`qmlib.plan.history.follow_up`); None when no earlier plan was kept.
    previous: tuple[dt.date, pd.DataFrame] | None = None

    def row(self, table: str, metric_id: str, period: str) -> dict | None:
        """The ``metrics``/``changes`` row of (metric, period), or None (indexed on first use)."""
        index = self._index.get(table)
        if index is None:
            frame = getattr(self, table)
            index = (
                {}
                if frame.empty
                else {(str(r["metric_id"]), str(r["period"])): r for r in frame.to_dict("records")}
            )
            self._index[table] = index
        return index.get((metric_id, period))

    _index: dict[str, dict] = field(default_factory=dict, repr=False)


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file() or path.stat().st_size == 0:
        return pd.DataFrame()
    try:
        return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=True)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()


def figure_paths(folder: Path) -> dict[str, Path]:
    """The report's chart PNGs under ``folder/figures``, in report order."""
    fig_dir = folder / "figures"
    found = {stem: fig_dir / f"{stem}.png" for stem in FIGURE_ORDER if (fig_dir / f"{stem}.png").is_file()}
    return found


def load_document_data(folder: Path | str, params: Params, lang: str | None = None) -> DocumentData:
    """Read the stage outputs of ``folder`` (``outputs/<id>``) for the documents."""
    folder = Path(folder)
    data = DocumentData(folder=folder, params=params, lang=lang or params.language)
    for stem in STAGE_FILES:
        setattr(data, stem, _read(folder / f"{stem}.csv"))
    acts = folder / "clean" / "activities.parquet"
    if acts.is_file():
        data.activities = pd.read_parquet(acts)
    data.figures = figure_paths(folder)
    data.previous = previous_follow_up(folder, params, data.metrics)
    return data


def previous_follow_up(
    folder: Path, params: Params, metrics: pd.DataFrame
) -> tuple[dt.date, pd.DataFrame] | None:
    """The earlier quality month's plan checked on ``metrics`` (None when there is none)."""
    from ..plan.history import follow_up, previous_plan

    found = previous_plan(folder, params)
    if found is None:
        return None
    start, plan = found
    return start, follow_up(plan, metrics, params)


def month_text(day: dt.date, lang: str) -> str:
    """ "2025年9月" / "September 2025"."""
    return t("doc.pdca.month", lang).format(
        year=day.year, month=day.month, month_name=MONTHS_EN[day.month - 1]
    )


def month_fields(params: Params, lang: str) -> dict[str, str]:
    """``year``, ``month`` and ``month_name`` of the quality month's start, and the community name."""
    start = params.periods["quality_month"][0]
    return {
        "year": str(start.year),
        "month": str(start.month),
        "month_name": MONTHS_EN[start.month - 1],
        "name": params.name,
    }


def document_title(params: Params, lang: str) -> str:
    """ "2025年9月 翠湖花园质量月工作总结" / "翠湖花园: Quality Month Summary, September 2025"."""
    return t("doc.title", lang).format(**month_fields(params, lang))


def brief_title(params: Params, lang: str) -> str:
    return t("doc.brief_title", lang).format(**month_fields(params, lang))


def running_header(params: Params, lang: str) -> str:
    """Running header of the PDFs: community and quality month."""
    return t("doc.running_header", lang).format(**month_fields(params, lang))


def page_label(lang: str) -> str:
    return t("doc.page", lang)
