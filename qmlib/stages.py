"""The pipeline's stages and the one layout of a community's output folder.

Each stage has a ``run_<stage>`` function (compute from the previous stages'
outputs, write its own) and a ``load_<stage>`` function (read back what
``run_<stage>`` wrote, running the stage first when its outputs are missing,
so that every notebook also runs alone). Stage outputs are the interface:
notebook 03 loads what 02 wrote, 04 loads what 02 and 03 wrote, and
:mod:`qmlib.pipeline` calls the same functions without notebooks.

Layout of ``<out_dir>/<community_id>/`` (:class:`Layout`):

=========================  ==============  ================================================
path                       stage           what
=========================  ==============  ================================================
clean/<table>.parquet      ingest          typed clean tables (:func:`qmlib.ingest.load_clean`)
ingest_summary.csv         ingest          contract section 5
rejects.csv                ingest          contract section 5
metrics.csv                metrics         contract section 5
changes.csv                metrics         contract section 5
targets.csv                metrics         contract section 5
figures/*.png, .key        metrics         the report's charts (:mod:`qmlib.figures.cache`)
shortcomings.csv           shortcomings    contract section 5
insights.csv               insights        contract section 5 (notebook 03 runs this stage too)
plan.csv, plan.xlsx        plan            contract section 5
report.html                report          rendered from the executed 04_plan notebook
notebooks/*.ipynb          runner          executed notebooks (audit)
stage/<frame>.parquet      every stage     the stage's frames, typed, read back exactly
=========================  ==============  ================================================

The CSV files are the contract's (for people and other tools); the Parquet
frames under ``stage/`` are what the next stage reads, because a CSV loses
types (nullable integers and booleans, missing text versus empty text).
Frames per stage: :data:`STAGES` (``frames``).

Outputs that exist are used as they are: the stages are meant to run in order
(``qm run`` always runs them all in a fresh folder).
"""

from __future__ import annotations

import io
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from .content_cache import load_by_content
from .errors import StageOutputError
from .outputs import atomic_write_bytes
from .params import COMMUNITY_ID, Params, load_params

STAGE_DIR = "stage"


@dataclass(frozen=True)
class Layout:
    """Paths of every file the stages write for one community (``folder`` = ``outputs/<id>``)."""

    folder: Path

    @property
    def clean_dir(self) -> Path:
        return self.folder / "clean"

    @property
    def stage_dir(self) -> Path:
        return self.folder / STAGE_DIR

    @property
    def figures_dir(self) -> Path:
        return self.folder / "figures"

    @property
    def notebooks_dir(self) -> Path:
        return self.folder / "notebooks"

    @property
    def report_html(self) -> Path:
        return self.folder / "report.html"

    @property
    def plan_xlsx(self) -> Path:
        return self.folder / "plan.xlsx"

    def csv(self, name: str) -> Path:
        """A contract CSV: ``metrics`` → ``outputs/<id>/metrics.csv``."""
        return self.folder / f"{name}.csv"

    def frame(self, name: str) -> Path:
        """A stage frame: ``metrics`` → ``outputs/<id>/stage/metrics.parquet``."""
        return self.stage_dir / f"{name}.parquet"


@dataclass
class Community:
    """One community's inputs and output folder, as the notebooks' parameters give them."""

    community_id: str
    data_dir: Path | str = "data"
    params_dir: Path | str = "params"
    out_dir: Path | str = "outputs"

    def __post_init__(self) -> None:
        if not isinstance(self.community_id, str) or not COMMUNITY_ID.fullmatch(self.community_id):
            raise StageOutputError(
                f"community id {self.community_id!r} is not valid: it must match "
                "[a-z0-9][a-z0-9_-]{0,63} (lower-case letters, digits, _ and -)"
            )
        self.data_dir, self.params_dir, self.out_dir = (
            Path(p) for p in (self.data_dir, self.params_dir, self.out_dir)
        )

    @property
    def params_file(self) -> Path:
        return Path(self.params_dir) / f"{self.community_id}.yaml"

    @property
    def layout(self) -> Layout:
        return Layout(Path(self.out_dir) / self.community_id)

    @cached_property
    def params(self) -> Params:
        return load_params(self.params_file, self.community_id)

    @property
    def lang(self) -> str:
        return self.params.language


# ---- frames ------------------------------------------------------------------


def write_frame(df: pd.DataFrame, path: Path) -> Path:
    """Write ``df`` as Parquet (atomically), keeping its pandas dtypes."""
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    atomic_write_bytes(path, buf.getvalue())
    return path


#: Frames decoded in this process, by (file, digest of its bytes): each notebook reads the
#: frames of the stages before it, and the next stage of the same notebook reads them again.
_DECODED: OrderedDict[tuple[str, bytes], pd.DataFrame] = OrderedDict()
#: At most this many frames are kept (a community has about 20); the oldest go first.
DECODED_MAX = 48
#: Files larger than this are decoded every time (the cache is for the many small frames).
DECODED_MAX_BYTES = 32 << 20


def cached_parquet(path: Path) -> pd.DataFrame:
    """``pd.read_parquet(path)``, decoded once per content of the file in this process.

    The file is read every time and its bytes are hashed
    (:func:`qmlib.content_cache.load_by_content`): a frame is only reused when the
    same file has the same bytes, so a file written again (by this or another
    process, even within the file system's timestamp resolution) is decoded again,
    and another community's file is another key. The caller gets its own copy.
    Raises what ``pd.read_parquet`` raises.
    """
    return load_by_content(
        _DECODED,
        path,
        lambda data: pd.read_parquet(io.BytesIO(data)),
        lambda frame: frame.copy(deep=True),
        max_items=DECODED_MAX,
        max_bytes=DECODED_MAX_BYTES,
    )


def read_frame(path: Path) -> pd.DataFrame:
    """Read a frame written by :func:`write_frame` (same columns, dtypes and values).

    Decoded once per content of the file in a process (:func:`cached_parquet`).
    """
    try:
        return cached_parquet(path)
    except (OSError, ValueError) as exc:
        raise StageOutputError(
            f"{path}: cannot read this stage output ({exc}); run the stage again"
        ) from None


def _have(c: Community, frames: tuple[str, ...]) -> bool:
    return all(c.layout.frame(name).is_file() for name in frames)


# ---- stage 1: ingest -----------------------------------------------------------

INGEST_FRAMES = ("ingest_summary", "rejects")


def run_ingest(c: Community) -> Any:
    """Raw exports → clean tables, rejects.csv, ingest_summary.csv (+ their frames).

    Returns the :class:`qmlib.ingest.IngestResult`.
    """
    from .ingest import ingest_community

    result = ingest_community(c.community_id, c.data_dir, c.params_dir, c.out_dir)
    write_frame(result.summary, c.layout.frame("ingest_summary"))
    write_frame(result.rejects, c.layout.frame("rejects"))
    return result


def load_ingest(c: Community) -> Any:
    """The ingest stage's outputs as an :class:`~qmlib.ingest.IngestResult` (ingesting when missing)."""
    from .ingest import IngestResult, load_clean

    if not (c.layout.clean_dir.is_dir() and _have(c, INGEST_FRAMES)):
        return run_ingest(c)
    return IngestResult(
        params=c.params,
        tables=load_clean(c.out_dir, c.community_id, read=cached_parquet),
        summary=read_frame(c.layout.frame("ingest_summary")),
        rejects=read_frame(c.layout.frame("rejects")),
    )


# ---- stage 2: metrics ----------------------------------------------------------

METRIC_FRAMES = ("metrics", "changes", "targets", "signals")


@dataclass
class MetricFrames:
    """What the metrics stage hands on: metrics, changes and targets (contract section 5,
    ``significant``/``achieved`` as pandas ``boolean``) and the control-chart signals
    (:func:`qmlib.control_charts.signals`). Accepted wherever a ``MetricResults`` is."""

    metrics: pd.DataFrame
    changes: pd.DataFrame
    targets: pd.DataFrame
    signals: pd.DataFrame


def run_metrics(c: Community, ingest: Any = None) -> MetricFrames:
    """Clean tables → metrics.csv, changes.csv, targets.csv and the control-chart signals."""
    from .control_charts import signals as control_signals
    from .metrics import compute_all, write_metric_outputs

    ingest = ingest if ingest is not None else load_ingest(c)
    results = compute_all(ingest.tables, c.params)
    write_metric_outputs(results, c.layout.folder)
    frames = MetricFrames(
        results.metrics, results.changes, results.targets, control_signals(ingest.tables, c.params)
    )
    for name in METRIC_FRAMES:
        write_frame(getattr(frames, name), c.layout.frame(name))
    return frames


def load_metrics(c: Community) -> MetricFrames:
    """The metrics stage's frames (running the stage when they are missing)."""
    if not _have(c, METRIC_FRAMES):
        return run_metrics(c)
    return MetricFrames(*(read_frame(c.layout.frame(name)) for name in METRIC_FRAMES))


# ---- stage 3: shortcomings -----------------------------------------------------


def run_shortcomings(c: Community, ingest: Any = None, metrics: MetricFrames | None = None) -> pd.DataFrame:
    """Clean tables, metrics, signals and the ingest report → shortcomings.csv (ranked)."""
    from .shortcomings import find_shortcomings, write_shortcomings

    ingest = ingest if ingest is not None else load_ingest(c)
    metrics = metrics if metrics is not None else load_metrics(c)
    found = find_shortcomings(
        ingest.tables,
        metrics,
        c.params,
        ingest_summary=ingest.summary,
        rejects=ingest.rejects,
        signals=metrics.signals,
        lang=c.lang,
    )
    write_shortcomings(found, c.layout.folder)
    write_frame(found, c.layout.frame("shortcomings"))
    return found


def load_shortcomings(c: Community) -> pd.DataFrame:
    """The shortcomings stage's frame (running the stage when it is missing)."""
    if not _have(c, ("shortcomings",)):
        return run_shortcomings(c)
    return read_frame(c.layout.frame("shortcomings"))


# ---- stage 3b: insights ----------------------------------------------------------


def run_insights(
    c: Community,
    ingest: Any = None,
    metrics: MetricFrames | None = None,
    shortcomings: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Clean tables, metrics and shortcomings → insights.csv (what explains the figures)."""
    from .insights import find_insights, write_insights

    ingest = ingest if ingest is not None else load_ingest(c)
    metrics = metrics if metrics is not None else load_metrics(c)
    shortcomings = shortcomings if shortcomings is not None else load_shortcomings(c)
    found = find_insights(ingest.tables, metrics, c.params, shortcomings, c.lang)
    write_insights(found, c.layout.folder)
    write_frame(found, c.layout.frame("insights"))
    return found


def load_insights(c: Community) -> pd.DataFrame:
    """The insights stage's frame (running the stage when it is missing)."""
    if not _have(c, ("insights",)):
        return run_insights(c)
    return read_frame(c.layout.frame("insights"))


# ---- stage 4: plan (and the report's inputs) -----------------------------------


def run_plan(
    c: Community,
    shortcomings: pd.DataFrame | None = None,
    metrics: MetricFrames | None = None,
    insights: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Shortcomings, metrics and insights → plan.csv and plan.xlsx (PDCA actions aimed at the
    causes the insights name, then routine mechanisms)."""
    from .plan import build_plan, write_plan

    metrics = metrics if metrics is not None else load_metrics(c)
    shortcomings = shortcomings if shortcomings is not None else load_shortcomings(c)
    insights = insights if insights is not None else load_insights(c)
    plan = build_plan(shortcomings, metrics, c.params, lang=c.lang, insights=insights)
    write_plan(plan, c.layout.folder, c.lang)
    write_frame(plan, c.layout.frame("plan"))
    return plan


def load_plan(c: Community) -> pd.DataFrame:
    """The plan stage's frame (running the stage when it is missing)."""
    if not _have(c, ("plan",)):
        return run_plan(c)
    return read_frame(c.layout.frame("plan"))


def report_inputs(
    c: Community,
    ingest: Any = None,
    metrics: MetricFrames | None = None,
    shortcomings: pd.DataFrame | None = None,
    plan: pd.DataFrame | None = None,
    insights: pd.DataFrame | None = None,
) -> Any:
    """:class:`qmlib.report.ReportInputs` from the stages' outputs (loaded unless given)."""
    from .report import ReportInputs

    ingest = ingest if ingest is not None else load_ingest(c)
    metrics = metrics if metrics is not None else load_metrics(c)
    shortcomings = shortcomings if shortcomings is not None else load_shortcomings(c)
    plan = plan if plan is not None else load_plan(c)
    insights = insights if insights is not None else load_insights(c)
    from .documents.notes import load_notes

    return ReportInputs(
        params=c.params,
        tables=ingest.tables,
        lang=c.lang,
        metrics=metrics.metrics,
        changes=metrics.changes,
        targets=metrics.targets,
        shortcomings=shortcomings,
        plan=plan,
        ingest_summary=ingest.summary,
        rejects=ingest.rejects,
        insights=insights,
        notes=load_notes(
            c.params_dir, c.community_id, c.params.notes
        ),  # notes/<id>.md, the authors' narrative
        folder=c.layout.folder,  # history/ of earlier quality months: §五 follows up the previous plan
    )


def chart_cache(c: Community) -> Any:
    """The report charts' PNG cache of this community (drawn by 02, embedded by 04)."""
    from .figures.cache import ChartCache, inputs_key

    return ChartCache(c.layout.folder, inputs_key(c.layout.folder, c.params_file, c.lang))


# ---- the registry ----------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """One stage: its ``run``/``load`` functions and the frames it writes under ``stage/``."""

    name: str
    run: Callable[..., Any]
    load: Callable[[Community], Any]
    frames: tuple[str, ...] = field(default=())

    def complete(self, c: Community) -> bool:
        """``True`` when every frame of this stage exists for ``c``."""
        return _have(c, self.frames)


#: The stages in run order. A new stage goes here, with its run/load functions above.
STAGES: tuple[Stage, ...] = (
    Stage("ingest", run_ingest, load_ingest, INGEST_FRAMES),
    Stage("metrics", run_metrics, load_metrics, METRIC_FRAMES),
    Stage("shortcomings", run_shortcomings, load_shortcomings, ("shortcomings",)),
    Stage("insights", run_insights, load_insights, ("insights",)),
    Stage("plan", run_plan, load_plan, ("plan",)),
)


def stage(name: str) -> Stage:
    """The stage called ``name``."""
    for s in STAGES:
        if s.name == name:
            return s
    raise KeyError(f"no stage {name!r}; stages: {', '.join(s.name for s in STAGES)}")


def run_all(c: Community) -> dict[str, Any]:
    """Run every stage in order; return each stage's result by name."""
    return {s.name: s.run(c) for s in STAGES}


__all__ = [
    "INGEST_FRAMES",
    "METRIC_FRAMES",
    "STAGES",
    "STAGE_DIR",
    "Community",
    "Layout",
    "MetricFrames",
    "Stage",
    "chart_cache",
    "load_ingest",
    "load_insights",
    "load_metrics",
    "load_plan",
    "load_shortcomings",
    "read_frame",
    "report_inputs",
    "run_all",
    "run_ingest",
    "run_insights",
    "run_metrics",
    "run_plan",
    "run_shortcomings",
    "stage",
    "write_frame",
]
