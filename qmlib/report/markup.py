"""Safe HTML building blocks for the report.

Every value that reaches the HTML goes through :func:`esc` (``html.escape``
semantics via :mod:`markupsafe`): a plain ``str`` is always escaped, only a
:class:`markupsafe.Markup` made by the helpers here passes unchanged.
Free text written by residents or staff (activity titles, descriptions,
evidence sentences) goes through :func:`resident_text`, which first masks phone
and ID-card numbers with :func:`qmlib.privacy.mask_pii`.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from ..privacy import mask_pii
from .fmt import is_missing

Cell = Any  # str/number (escaped) or Markup (already safe)

_ID_OK = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def esc(value: object) -> Markup:
    """Escaped text of ``value``, phone and ID-card numbers masked (every string that
    reaches the HTML passes here, so a number in a label or a params name is masked too);
    missing values become an empty string."""
    if isinstance(value, Markup):
        return value
    if is_missing(value):
        return Markup("")
    return escape(mask_pii(str(value)))


def resident_text(value: object) -> Markup:
    """Free text from the data: phone/ID numbers masked, then escaped (the same as :func:`esc`)."""
    return esc(value)


def tag(name: str, content: object = "", /, **attrs: object) -> Markup:
    """``<name attr="…">content</name>``; ``class_`` gives ``class``; attribute values escaped."""
    parts = [name]
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        attr = key.rstrip("_").replace("_", "-")
        parts.append(attr if value is True else f'{attr}="{escape(mask_pii(str(value)))}"')
    return Markup(f"<{' '.join(parts)}>{esc(content)}</{name}>")


def join(items: Iterable[object], sep: str = "") -> Markup:
    """Concatenate escaped items."""
    return Markup(sep).join(esc(i) for i in items)


def anchor_id(value: str) -> str:
    """Check that ``value`` is a safe HTML id (letters, digits, ``-``, ``_``)."""
    if not _ID_OK.fullmatch(value):
        raise ValueError(f"not a safe id: {value!r}")
    return value


def section(sec_id: str, title: str, body: object, major: bool = True) -> Markup:
    """A report section: ``<section>`` with an ``<h2 id>`` (the TOC links to the id)."""
    sid = anchor_id(sec_id)
    classes = "qm-section qm-major" if major else "qm-section"
    heading = tag("h2", title, id=sid, class_="qm-h2")
    return Markup(f'<section class="{classes}" aria-labelledby="{sid}">{heading}{esc(body)}</section>')


def h3(title: str) -> Markup:
    return tag("h3", title, class_="qm-h3")


def para(text: object, class_: str | None = None) -> Markup:
    return tag("p", text, class_=class_)


def bullet_list(items: Iterable[object], class_: str | None = None) -> Markup:
    return tag("ul", join(tag("li", i) for i in items), class_=class_)


def badge(text: str, kind: str) -> Markup:
    """A coloured label; ``kind`` ∈ good, bad, neutral, high, medium, low, info."""
    return tag("span", text, class_=f"qm-badge qm-badge--{kind}")


def html_table(
    header: Sequence[Cell],
    rows: Iterable[Sequence[Cell]],
    *,
    numeric: Iterable[int] = (),
    nowrap: Iterable[int] = (),
    class_: str = "",
    group_rows: dict[int, str] | None = None,
    caption: str | None = None,
) -> Markup:
    """A table in a horizontally scrollable wrapper.

    ``numeric``: column indexes aligned right; ``nowrap``: columns that never
    wrap (dates, ids, short labels); ``group_rows``: a row index →
    a group title shown as a full-width row before that row. Cells are escaped
    unless they are :class:`Markup`.
    """
    num, nw = set(numeric), set(nowrap)

    def cls(i: int) -> str | None:
        names = (["num"] if i in num else []) + (["nw"] if i in nw else [])
        return " ".join(names) or None

    head = join(tag("th", h, scope="col", class_=cls(i)) for i, h in enumerate(header))
    body_rows: list[Markup] = []
    ncols = len(header)
    for r, row in enumerate(rows):
        if group_rows and r in group_rows:
            body_rows.append(
                tag("tr", tag("th", group_rows[r], colspan=ncols, scope="rowgroup"), class_="qm-group")
            )
        body_rows.append(tag("tr", join(tag("td", c, class_=cls(i)) for i, c in enumerate(row))))
    cap = tag("caption", caption) if caption else Markup("")
    table = tag(
        "table",
        cap + tag("thead", tag("tr", head)) + tag("tbody", join(body_rows)),
        class_=f"qm-table {class_}".strip(),
    )
    return tag("div", table, class_="qm-table-wrap")


@dataclass
class Chart:
    """A chart for the report: caption and a matplotlib Figure, or its PNG from the chart cache.

    A chart with neither (no data) is skipped.
    """

    caption: str
    figure: Any | None
    alt: str = ""
    png: bytes | None = None


def figure_png(fig: Any) -> tuple[str, int, int, float]:
    """A matplotlib Figure as base64 PNG: (data, width_px, height_px, dpi); pyplot figures are closed.

    Uses :func:`qmlib.figures.to_png` (a compact palette PNG at the charts' DPI).
    """
    import matplotlib.pyplot as plt

    from ..figures import DPI, to_png

    data = to_png(fig)
    plt.close(fig)
    return png_info(data, float(DPI))


def png_info(data: bytes, dpi: float) -> tuple[str, int, int, float]:
    """(base64 data, width_px, height_px, dpi) of PNG bytes (size read from the IHDR chunk)."""
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    return base64.b64encode(data).decode("ascii"), width, height, dpi


def figure_html(chart: Chart) -> Markup:
    """``<figure>`` with the chart as an embedded PNG (data: URI) and its caption.

    The image is shown at its physical size (pixels × 96 / dpi CSS pixels) and
    never wider than its container.
    """
    if chart.figure is None and chart.png is None:
        return Markup("")
    if chart.png is not None:
        from ..figures import DPI

        data, width, height, dpi = png_info(chart.png, float(DPI))
    else:
        data, width, height, dpi = figure_png(chart.figure)
    scale = 96.0 / dpi
    img = Markup('<img src="data:image/png;base64,{}" alt="{}" width="{}" height="{}">').format(
        data, chart.alt or chart.caption, round(width * scale), round(height * scale)
    )
    caption = tag("figcaption", chart.caption) if chart.caption else Markup("")
    return tag("figure", img + caption, class_="qm-figure")
