"""CJK font and theme set-up for every chart.

Chinese text needs a font with CJK glyphs. No system font is assumed: the
Noto Sans CJK SC file shipped by the ``mplfonts`` package is registered with
matplotlib's font manager, then the seaborn theme is applied and the font
settings are put on top of it (``sns.set_theme`` resets the font rcParams).
DejaVu Sans (bundled with matplotlib) stays in the fallback list for the few
symbols Noto Sans CJK lacks.
"""

from __future__ import annotations

import functools
import importlib.resources
from pathlib import Path

import matplotlib as mpl
import seaborn as sns
from matplotlib import font_manager

#: File name of the CJK font inside ``mplfonts/fonts``.
FONT_FILE = "NotoSansCJKsc-Regular.otf"
#: Resolution of every figure (and of the PNGs shown in notebooks and the report).
DPI = 120


@functools.cache
def cjk_font_path() -> Path:
    """Path of the Noto Sans CJK SC file shipped by ``mplfonts``."""
    path = Path(str(importlib.resources.files("mplfonts") / "fonts" / FONT_FILE))
    if not path.is_file():
        raise FileNotFoundError(f"CJK font not found: {path} (reinstall the mplfonts package)")
    return path


@functools.cache
def cjk_font_name() -> str:
    """Register the CJK font with matplotlib (once) and return its family name."""
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def _rc(font: str) -> dict[str, object]:
    """The rcParams that must hold after the seaborn theme."""
    return {
        "font.family": ["sans-serif"],
        "font.sans-serif": [font, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "axes.titlesize": 11,
        "axes.titleweight": "normal",
        "axes.labelsize": 9.5,
        "xtick.labelsize": 8.5,
        "ytick.labelsize": 8.5,
        "legend.fontsize": 8.5,
        "legend.title_fontsize": 9,
        "figure.titlesize": 12.5,
        "figure.titleweight": "normal",
        "axes.edgecolor": "#B0B4BA",
        "grid.color": "#E6E8EB",
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _is_set(font: str) -> bool:
    rc = mpl.rcParams
    return (
        list(rc["font.sans-serif"][:1]) == [font]
        and not rc["axes.unicode_minus"]
        and rc["figure.dpi"] == DPI
        and rc["axes.facecolor"] in ("white", "#FFFFFF", "#ffffff", (1.0, 1.0, 1.0, 1.0))
    )


def setup_fonts() -> str:
    """Make Chinese render and apply the qm theme; returns the CJK font family name.

    Idempotent and cheap when repeated: the font file is registered once and
    the theme is re-applied only when the rcParams no longer carry it (for
    example after someone called ``sns.set_theme`` or ``mpl.rcdefaults``).
    """
    font = cjk_font_name()
    if _is_set(font):
        return font
    sns.set_theme(context="notebook", style="whitegrid", font=font)
    mpl.rcParams.update(_rc(font))  # type: ignore[arg-type]  # stubs want Literal rc keys; _rc uses valid ones
    return font
