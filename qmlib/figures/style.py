"""Shared look of every chart: palette, figure factory, number formats, PNG output.

One palette for the whole report. Periods always have the same colours:
baseline grey, quality month a strong blue, follow-up a lighter blue.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..labels import t
from ..params import Params
from ..periods import bounds
from ..units import is_percent
from ..units import unit_of as metric_unit  # noqa: F401 (re-exported for the figure modules)
from .fonts import DPI, setup_fonts
from .layout import fit_axes
from .palette import palette_image

PERIOD_COLORS: dict[str, str] = {
    "baseline": "#9AA0A6",
    "quality_month": "#1F5FA8",
    "followup": "#8DB6E3",
}
INK = "#2B2F33"
MUTED = "#6B7280"
ACCENT = "#E07B39"  # cumulative lines, SLA and pass marks
SIGNAL = "#C62828"  # points beyond control limits
RUN = "#F2A93B"  # runs of 8
LIMIT = "#B54A4A"
#: Colour of each funnel stage (hazards): found, rectified, on time.
STAGE_ALPHA = (0.45, 0.75, 1.0)

#: Width of a full-width chart in inches (≈ 1000 px at DPI).
WIDTH = 8.4


def new_figure(
    height: float, nrows: int = 1, ncols: int = 1, width: float = WIDTH, **subplot_kw: Any
) -> tuple[Figure, np.ndarray]:
    """A Figure (not managed by pyplot) and a 2-D array of axes.

    The figure starts with constrained layout (figures that are never passed
    to :func:`decorate` keep it); :func:`decorate` replaces it with a fixed
    layout computed once (:mod:`qmlib.figures.layout`).
    """
    setup_fonts()
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)
    return fig, axes


def period_label(period: str, lang: str) -> str:
    return t(f"period.{period}", lang)


def period_color(period: str) -> str:
    return PERIOD_COLORS.get(period, MUTED)


def with_n(label: str, n: int | float, lang: str) -> str:
    """``label (n=12)`` in the label table's style."""
    return t("fig.label_n", lang).format(label=label, n=_int(n))


def _int(n: float | int | None) -> str:
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return "–"
    return f"{round(float(n)):,}"


def scale(unit: str) -> float:
    return 100.0 if is_percent(unit) else 1.0


def fmt_value(value: float | None, unit: str) -> str:
    """A metric value for display: shares as ``85.3%``, counts whole, others 1–2 decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if is_percent(unit):
        return f"{value * 100:.1f}%"
    if unit == "count":
        return f"{value:,.0f}"
    if unit in ("points", "minutes", "hours"):
        return f"{value:.1f}"
    if unit in ("rating", "per100hh30d", "per100assets30d") or abs(value) < 10:
        return f"{value:.2f}"
    return f"{value:.1f}"


def unit_label(unit: str, lang: str) -> str:
    """Axis label of a unit (``%``, ``分钟`` …); empty when unknown."""
    return t(f"fig.unit.{unit}", lang) if unit else ""


def percent_axis(ax: Axes, axis: str = "y", decimals: int = 0) -> None:
    """Format an axis holding percentages (values already × 100)."""
    from matplotlib.ticker import PercentFormatter

    fmt = PercentFormatter(xmax=100, decimals=decimals)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def shade_periods(ax: Axes, params: Params, lang: str, label: bool = True) -> None:
    """Shade the quality month (strong colour, light alpha) on a date x axis; mark the follow-up start."""
    if "quality_month" in params.periods:
        lo, hi = bounds(params, "quality_month")
        ax.axvspan(
            lo,
            hi,
            color=PERIOD_COLORS["quality_month"],
            alpha=0.09,
            lw=0,
            label=period_label("quality_month", lang) if label else None,
            zorder=0,
        )
    if "followup" in params.periods:
        lo, hi = bounds(params, "followup")
        ax.axvspan(
            lo,
            hi,
            color=PERIOD_COLORS["followup"],
            alpha=0.07,
            lw=0,
            label=period_label("followup", lang) if label else None,
            zorder=0,
        )


def date_axis(ax: Axes, lang: str) -> None:
    """Compact month/day ticks on a date x axis."""
    import matplotlib.dates as mdates

    loc = mdates.AutoDateLocator(minticks=4, maxticks=9)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.DateFormatter(t("fig.date_format", lang)))


#: Heights (inches) of the bands reserved around the axes: title, bottom legend, note.
TITLE_BAND = 0.42
LEGEND_BAND = 0.32
NOTE_BAND = 0.26


TITLE_GID = "qm-title"
NOTE_GID = "qm-note"


def chart_title(fig: Figure) -> str | None:
    """The title :func:`decorate` gave a figure (None when it has none)."""
    for text in fig.texts:
        if text.get_gid() == TITLE_GID:
            return text.get_text()
    return None


def _text_width(text: str, size: float) -> float:
    """Rough width in inches of one line of text: CJK characters 1 em, others 0.55 em."""
    ems = sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in text)
    return ems * size / 72


def decorate(
    fig: Figure,
    title: str,
    note: str | None = None,
    handles: list | None = None,
    legend: str = "top",
) -> None:
    """Frame a chart: title band on top (title left), optional legend, grey note at the bottom.

    The axes grid is then placed once between the bands, with room for its
    tick labels, axis labels and titles (:func:`~qmlib.figures.layout.fit_axes`),
    so that no text collides with the axes and a save draws the figure once. ``legend="top"`` puts the legend at the
    right of the title, or on a row of its own under it when both do not
    fit (short legends: the periods); ``"bottom"`` in its own band above the
    note (long legends: control charts).
    """
    height, width = fig.get_figheight(), fig.get_figwidth()
    handles = handles or []
    note_h = NOTE_BAND if note else 0.0
    ncols = 3 if len(handles) > 4 else max(len(handles), 1)
    rows = math.ceil(len(handles) / ncols)
    legend_h = LEGEND_BAND + 0.2 * (rows - 1) if handles and legend == "bottom" else 0.0
    top_band, legend_y = TITLE_BAND, 1 - 0.04 / height
    if handles and legend == "top":
        title_w = _text_width(title, 12.5)
        legend_w = sum(_text_width(h.get_label(), 8.5) + 4.2 * 8.5 / 72 for h in handles)
        if title_w + legend_w + 0.4 > width:
            top_band = TITLE_BAND + 0.26
            legend_y = 1 - (TITLE_BAND - 0.04) / height
    bottom = (note_h + legend_h) / height
    top = top_band / height
    fit_axes(fig, (0.0, bottom, 1.0, 1.0 - top - bottom))
    fig.text(0.012, 1 - 0.07 / height, title, ha="left", va="top", fontsize=12.5, color=INK, gid=TITLE_GID)
    if handles and legend == "bottom":
        fig.legend(
            handles=handles,
            loc="lower center",
            bbox_to_anchor=(0.5, note_h / height),
            ncols=ncols,
            frameon=False,
            borderaxespad=0.2,
        )
    elif handles:
        fig.legend(
            handles=handles,
            loc="upper right",
            bbox_to_anchor=(0.995, legend_y),
            ncols=len(handles),
            frameon=False,
            borderaxespad=0.0,
        )
    if note:
        fig.text(0.012, 0.04 / height, note, ha="left", va="bottom", fontsize=7.5, color=MUTED, gid=NOTE_GID)


def period_handles(periods: Sequence[str], lang: str) -> list:
    """Legend patches of the periods in their colours."""
    from matplotlib.patches import Patch

    return [Patch(color=period_color(p), label=period_label(p, lang)) for p in periods]


def to_png(fig: Figure, quantize: bool = True) -> bytes:
    """Render a figure to PNG bytes (white background, the figure's own layout).

    The figure is drawn once with the Agg renderer and its pixels are encoded
    directly (no intermediate PNG). With ``quantize`` the image is reduced to
    a 256-colour palette that keeps the chart's frequent colours exact
    (:func:`~qmlib.figures.palette.palette_image`), visually identical at
    about a third of the size; without it (charts shown once in a notebook)
    it is a fast RGB PNG.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    fig.set_dpi(DPI)
    fig.set_facecolor("white")
    canvas.draw()
    size = canvas.get_width_height()
    out = io.BytesIO()
    if quantize:
        palette_image(canvas.buffer_rgba()).save(out, format="PNG", compress_level=6)
    else:
        img = Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
        img.save(out, format="PNG", compress_level=3)
    return out.getvalue()


#: Environment variable that turns the notebook-only charts off (``0``/``false``/``no``/``off``).
NOTEBOOK_FIGURES_ENV = "QM_NOTEBOOK_FIGURES"


def notebook_figures() -> bool:
    """Whether the notebook-only charts (those not in the report) are drawn and shown.

    On by default (a notebook opened in JupyterLab shows them). A batch that
    keeps only the report sets ``QM_NOTEBOOK_FIGURES=0`` in the workers'
    environment (the kernels inherit it), so that :func:`show` draws nothing;
    a notebook can also test this before building such a chart.
    """
    return os.environ.get(NOTEBOOK_FIGURES_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


def show(fig: Figure | None) -> None:
    """Display a notebook-only chart as a PNG; nothing when ``fig`` is None or they are off.

    Notebook-only charts skip the palette reduction (drawn once, shown once);
    the report's charts are shown with :func:`show_png` from the chart cache.
    See :func:`notebook_figures` for turning them off in a batch.
    """
    if fig is None or not notebook_figures():
        return
    show_png(to_png(fig, quantize=False))


def show_png(png: bytes) -> None:
    """Display PNG bytes in a notebook."""
    from IPython.display import Image, display

    display(Image(data=png, format="png"))
