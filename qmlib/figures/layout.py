"""Fixed chart layout: axes positions computed once, from text metrics, without drawing.

Matplotlib's constrained layout finds the margins by asking every axis for
its tight bounding box, which lays out every tick label and title again on
each save, and a figure with a layout engine is drawn twice per ``savefig``
(once to lay out, once to render). For the report's charts this was about
two thirds of the time per community.

:func:`fit_axes` does the same job once, when the chart is finished: it
measures the strings that sit outside the axes (tick labels, axis labels,
axes titles) with the font's metrics (cached per worker), sets the gridspec
margins and spacing in inches, and removes the layout engine. The figure is
then drawn exactly once when saved, with the same bands as before: title and
legend above, note and bottom legend below, ``PAD`` inches around each axes
(constrained layout's default ``w_pad``/``h_pad``).

The measurements are conservative (the tick labels of the final view limits,
the rotated extent of rotated labels); ``tests/test_figures.py`` checks on
every chart that no text leaves the figure or overlaps another axes.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.gridspec import GridSpecBase, SubplotSpec
from matplotlib.textpath import text_to_path

#: Space (inches) kept around each axes' decorations, as constrained layout's w_pad / h_pad.
PAD = 3 / 72


def _rc_float(key: str) -> float:
    """A numeric rcParam named at run time (the stubs type the keys as literals)."""
    return float(mpl.rcParams[key])  # type: ignore[index]  # key built from the axis name


def _axis_name(axis: Axis) -> str:
    """``"x"`` or ``"y"``: set by XAxis / YAxis at run time, missing from the stubs."""
    return axis.axis_name  # type: ignore[attr-defined]  # class attribute of XAxis / YAxis


def _spec(ax: Axes) -> SubplotSpec:
    """``ax``'s subplot spec (:func:`fit_axes` keeps only the axes that have one)."""
    spec = ax.get_subplotspec()
    assert spec is not None
    return spec


@functools.lru_cache(maxsize=4096)
def text_size(text: str, size: float, weight: str = "normal") -> tuple[float, float]:
    """Width and height (inches) of one line of ``text`` at ``size`` points in the chart font.

    Uses the font files themselves (CJK font with its fallbacks), cached per
    worker: the same few hundred strings recur in every community.
    """
    if not text:
        return 0.0, 0.0
    prop = FontProperties(family=list(mpl.rcParams["font.sans-serif"]), size=size, weight=weight)
    width, height, _descent = text_to_path.get_text_width_height_descent(text, prop, ismath=False)
    return width / 72, max(height, 1.05 * size) / 72


def _lines_size(text: str, size: float, linespacing: float = 1.2) -> tuple[float, float]:
    """Width and height (inches) of a possibly multi-line string."""
    lines = text.split("\n")
    widths = [text_size(line, size)[0] for line in lines]
    return max(widths), size / 72 * (1 + linespacing * (len(lines) - 1)) * 1.05


def _tick_labels(axis: Axis) -> tuple[list[str], list[float], float, float]:
    """Visible major tick labels of ``axis`` (strings, positions in axes fraction), font size, rotation."""
    lo, hi = sorted(axis.get_view_interval())
    locs = [float(v) for v in axis.get_majorticklocs()]
    transform = axis.get_transform()
    a, b = transform.transform([lo, hi])
    tol = 1e-9 * max(abs(b - a), 1.0)
    keep = [v for v in locs if lo - tol <= v <= hi + tol] if np.all(np.isfinite([a, b])) else []
    labels = axis.get_major_formatter().format_ticks(keep) if keep else []
    fracs = [float((transform.transform(v) - a) / (b - a)) if b != a else 0.5 for v in keep]
    ticks = axis.get_major_ticks(1) if keep else []
    size, rotation = _rc_float(f"{_axis_name(axis)}tick.labelsize"), 0.0
    if ticks:
        label = (
            ticks[0].label1
            if ticks[0].label1.get_visible() or not ticks[0].label2.get_visible()
            else ticks[0].label2
        )
        size, rotation = float(label.get_fontsize()), label.get_rotation()
    return [str(s) for s in labels], fracs, size, rotation


def _tick_pad(axis: Axis) -> float:
    """Inches between the spine and the tick labels: tick length plus pad.

    Matplotlib offsets the labels by the tick length even when the tick
    marks themselves are off (the seaborn theme hides them).
    """
    name = _axis_name(axis)
    ticks = axis.majorTicks
    # Tick.get_pad returns the pad (points); the stubs declare None
    pad = float(ticks[0].get_pad()) if len(ticks) else _rc_float(f"{name}tick.major.pad")  # type: ignore[func-returns-value, arg-type]
    return (_rc_float(f"{name}tick.major.size") + pad) / 72


class _Needs:
    """Inches needed outside one axes, per side."""

    def __init__(self) -> None:
        self.left = self.right = self.bottom = self.top = 0.0


def _axes_needs(ax: Axes, approx_width: float, approx_height: float) -> _Needs:
    """What ``ax`` (and its twins) needs outside its box, estimated from text metrics.

    ``approx_width`` and ``approx_height`` are the axes' current size (inches), for the tick
    labels and titles that overhang its ends.
    """
    needs = _Needs()
    for axes in [ax, *_twins(ax)]:
        _axis_needs(axes, needs, approx_width, approx_height)
    title_h = 0.0
    # the side titles (set_title(loc=...)) are only reachable as private attributes
    for title, where in ((ax.title, "center"), (ax._left_title, "left"), (ax._right_title, "right")):  # type: ignore[attr-defined]
        if title.get_visible() and title.get_text():
            title_w, height = _lines_size(title.get_text(), float(title.get_fontsize()))
            title_h = max(title_h, height)
            # a title wider than its axes overhangs into the neighbour's gap
            over = title_w - approx_width
            if where == "center":
                needs.left, needs.right = max(needs.left, over / 2), max(needs.right, over / 2)
            elif where == "left":
                needs.right = max(needs.right, over)
            else:
                needs.left = max(needs.left, over)
    if title_h:
        needs.top = max(needs.top, title_h + float(mpl.rcParams["axes.titlepad"]) / 72)
    return needs


def _twins(ax: Axes) -> list[Axes]:
    """Axes sharing ``ax``'s grid cell (``twinx``)."""
    spec = ax.get_subplotspec()
    return [
        other
        for other in ax.figure.axes
        if other is not ax and other.get_visible() and other.get_subplotspec() == spec
    ]


def _axis_needs(ax: Axes, needs: _Needs, approx_width: float, approx_height: float) -> None:
    x_params = ax.xaxis.get_tick_params()
    y_params = ax.yaxis.get_tick_params()
    # y axis: labels left and/or right
    labels, fracs, size, rotation = _tick_labels(ax.yaxis)
    width = max((_lines_size(s, size)[0] for s in labels), default=0.0)
    ylabel = ax.yaxis.label
    ylabel_w = 0.0
    if ylabel.get_visible() and ylabel.get_text():
        length, thickness = _lines_size(ylabel.get_text(), float(ylabel.get_fontsize()))
        ylabel_w = thickness + ax.yaxis.labelpad / 72
        # a (rotated) label longer than its axes is tall overhangs both ends
        needs.top = max(needs.top, (length - approx_height) / 2)
        needs.bottom = max(needs.bottom, (length - approx_height) / 2)
    label_side = ax.yaxis.get_label_position()
    shown = labels and (y_params.get("labelleft", True) or y_params.get("labelright", False))
    for text, frac in zip(labels, fracs, strict=True) if shown else []:
        # labels centred on a tick near an end of the axis overhang it by up to half their height
        half = _lines_size(text, size)[1] / 2
        needs.bottom = max(needs.bottom, half - frac * approx_height)
        needs.top = max(needs.top, half - (1 - frac) * approx_height)
    for side in ("left", "right"):
        space = 0.0
        if y_params.get(f"label{side}", side == "left") and labels:
            space = width + _tick_pad(ax.yaxis)
        if label_side == side:
            space += ylabel_w
        setattr(needs, side, max(getattr(needs, side), space))
    # x axis: labels at the bottom (the charts never put them on top)
    labels, fracs, size, rotation = _tick_labels(ax.xaxis)
    space = 0.0
    if x_params.get("labelbottom", True) and labels:
        theta = math.radians(rotation % 180)
        sizes = [_lines_size(s, size) for s in labels]
        height = max(w * abs(math.sin(theta)) + h * abs(math.cos(theta)) for w, h in sizes)
        space = height + _tick_pad(ax.xaxis)
        # labels overhanging the axes' ends: centred ones by half their width, right-aligned
        # rotated ones by their whole projected width
        for (w, h), frac in zip(sizes, fracs, strict=True):
            if theta:
                over_left = w * abs(math.cos(theta)) + h * abs(math.sin(theta)) / 2 - frac * approx_width
                over_right = h / 2 - (1 - frac) * approx_width
            else:
                over_left = w / 2 - frac * approx_width
                over_right = w / 2 - (1 - frac) * approx_width
            needs.left = max(needs.left, over_left)
            needs.right = max(needs.right, over_right)
    xlabel = ax.xaxis.label
    if xlabel.get_visible() and xlabel.get_text():
        space += _lines_size(xlabel.get_text(), float(xlabel.get_fontsize()))[1] + ax.xaxis.labelpad / 72
    needs.bottom = max(needs.bottom, space)


def fit_axes(fig: Figure, rect: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)) -> None:
    """Place the figure's subplot grid inside ``rect`` (left, bottom, width, height, figure fraction).

    Margins and the gap at each row and column boundary leave room for the
    tick labels, axis labels and titles on both sides plus :data:`PAD`; the
    grid's height and width ratios are kept. The layout engine is then
    removed, so a save draws the figure once with these positions.
    """
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.get_subplotspec() is not None]
    primary: list[Axes] = []
    for ax in axes:
        if not any(ax in _twins(p) for p in primary):
            primary.append(ax)
    if not primary:
        fig.set_layout_engine("none")
        return
    grid = _spec(primary[0]).get_gridspec()
    nrows, ncols = grid.get_geometry()
    needed = [np.zeros(ncols), np.zeros(ncols), np.zeros(nrows), np.zeros(nrows)]
    # Tick locators choose their ticks from the axes' size, so the labels measured before
    # placing may differ from those drawn after: measure again at the new place until the
    # room reserved (never shrinking) holds every label (two passes, rarely three).
    for _ in range(4):
        grown = False
        for ax in primary:
            pos = ax.get_position()
            needs = _axes_needs(ax, pos.width * fig.get_figwidth(), pos.height * fig.get_figheight())
            spec = _spec(ax)
            rows, cols = spec.rowspan, spec.colspan
            for arr, index, value in (
                (needed[0], cols.start, needs.left),
                (needed[1], cols.stop - 1, needs.right),
                (needed[2], rows.start, needs.top),
                (needed[3], rows.stop - 1, needs.bottom),
            ):
                if value > arr[index] + 1e-3:
                    arr[index] = value
                    grown = True
        if not grown:
            break
        _place(fig, grid, rect, *needed)
    fix_title_positions(fig)
    fix_empty_label_positions(fig)
    fig.set_layout_engine("none")


def fix_title_positions(fig: Figure) -> None:
    """Tell matplotlib the axes titles stay where ``set_title`` put them (y = 1 plus the pad).

    At every draw, ``Axes.draw`` asks where the titles go
    (``_update_title_position``): for each titled axes it computes the tight
    bounding box of its x axis (every tick label; the charts hide the tick
    marks, so the ticks' position reads "unknown" and the box is always
    computed) and of its y axis (for an offset text that might collide), then
    moves the title up only if something reaches above the axes. Here nothing
    does: x tick labels and labels at the bottom, no offset text. That check
    cost 0.3 CPU s of 2.4 for the 11 report charts; it is turned off (the
    same as ``set_title(..., y=1.0)``) for axes where it cannot move the
    title, and kept for any axes where it could.
    """
    for ax in fig.axes:
        titles = (ax.title, ax._left_title, ax._right_title)  # type: ignore[attr-defined]  # side titles are private
        if not ax.get_visible() or not any(title.get_text() for title in titles):
            continue
        if all(_title_cannot_move(other) for other in [ax, *_twins(ax)]):
            # the attribute set_title(y=...) sets; no public setter without re-styling the title
            ax._autotitlepos = False  # type: ignore[attr-defined]


def fix_empty_label_positions(fig: Figure) -> None:
    """Skip placing axis labels that have no text.

    At every draw each axis places its label below (left of) its tick labels,
    which lays out the ticks a second time (``_update_ticks`` and every tick
    label's extent) even when the label is empty, as on most of the report's
    axes. ``set_label_coords`` fixes an empty label on the spine (inside the
    axes, so that it adds nothing to a tight bounding box); an axis with a
    label keeps matplotlib's placement.
    """
    for ax in fig.axes:
        for axis, coords in ((ax.xaxis, (0.5, 0.0)), (ax.yaxis, (0.0, 0.5))):
            if not axis.label.get_text():
                axis.set_label_coords(*coords)


def _title_cannot_move(ax: Axes) -> bool:
    """Nothing of ``ax`` reaches above its top: no x tick labels or x label on top, no y offset text."""
    params = ax.xaxis.get_tick_params()
    return (
        not params.get("labeltop", False)
        and ax.xaxis.get_label_position() == "bottom"
        and not ax.yaxis.get_major_formatter().get_offset()
        and not ax.child_axes
    )


def _place(
    fig: Figure,
    grid: GridSpecBase,
    rect: tuple[float, float, float, float],
    left: np.ndarray,
    right: np.ndarray,
    top: np.ndarray,
    bottom: np.ndarray,
) -> None:
    """Set the position of every axes of ``grid`` from the room needed at each boundary (inches)."""
    nrows, ncols = grid.get_geometry()
    width_in, height_in = fig.get_figwidth(), fig.get_figheight()
    x0, y0, w, h = rect
    box_w, box_h = w * width_in, h * height_in
    margin_l = left[0] + PAD
    margin_r = right[-1] + PAD
    margin_t = top[0] + PAD
    margin_b = bottom[-1] + PAD
    # the gap between two neighbours holds the decorations of both (one gap per boundary)
    gap_w = np.append(right[:-1] + left[1:] + 2 * PAD, 0.0)
    gap_h = np.append(bottom[:-1] + top[1:] + 2 * PAD, 0.0)
    ratio_w = np.asarray(grid.get_width_ratios() or [1.0] * ncols, dtype=float)
    ratio_h = np.asarray(grid.get_height_ratios() or [1.0] * nrows, dtype=float)
    col_w = max(box_w - margin_l - margin_r - gap_w.sum(), 0.1 * ncols) * ratio_w / ratio_w.sum()
    row_h = max(box_h - margin_t - margin_b - gap_h.sum(), 0.1 * nrows) * ratio_h / ratio_h.sum()
    col_x = x0 * width_in + margin_l + np.concatenate([[0.0], np.cumsum(col_w + gap_w)[:-1]])
    row_top = (y0 + h) * height_in - margin_t - np.concatenate([[0.0], np.cumsum(row_h + gap_h)[:-1]])
    for ax in fig.axes:
        spec = ax.get_subplotspec()
        if spec is None or spec.get_gridspec() is not grid:
            continue
        rows, cols = spec.rowspan, spec.colspan
        x_left = col_x[cols.start]
        x_right = col_x[cols.stop - 1] + col_w[cols.stop - 1]
        y_top = row_top[rows.start]
        y_bottom = row_top[rows.stop - 1] - row_h[rows.stop - 1]
        ax.set_position(
            (
                x_left / width_in,
                y_bottom / height_in,
                (x_right - x_left) / width_in,
                (y_top - y_bottom) / height_in,
            )
        )


def texts_outside(fig: Figure) -> Iterable[str]:
    """For tests: the texts (tick labels, labels, titles) that leave the figure after a draw."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]  # the Agg canvas has one
    fig.draw(renderer)
    bounds = fig.bbox
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for text in [
            *ax.get_xticklabels(),
            *ax.get_yticklabels(),
            ax.xaxis.label,
            ax.yaxis.label,
            ax.title,
            ax._left_title,  # type: ignore[attr-defined]  # private: the left title
        ]:
            if not text.get_visible() or not text.get_text():
                continue
            box = text.get_window_extent(renderer)
            if (
                box.x0 < bounds.x0 - 1
                or box.x1 > bounds.x1 + 1
                or box.y0 < bounds.y0 - 1
                or box.y1 > bounds.y1 + 1
            ):
                yield text.get_text()
