"""Palette reduction of rendered charts (qmlib.figures.palette)."""

from __future__ import annotations

import numpy as np
from PIL import Image

from qmlib.figures import palette as P


def _rgba(rgb: np.ndarray) -> np.ndarray:
    """An opaque RGBA buffer (height × width × 4, uint8) of an RGB array."""
    alpha = np.full((*rgb.shape[:2], 1), 255, dtype=np.uint8)
    return np.ascontiguousarray(np.concatenate([rgb.astype(np.uint8), alpha], axis=2))


def _decoded(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB")).astype(int)


def test_few_colours_are_kept_exactly():
    rgb = np.zeros((40, 50, 3), dtype=np.uint8)
    rgb[:] = (255, 255, 255)
    rgb[10:20, :] = (246, 249, 253)  # follow-up shading, 9 levels from white at most
    rgb[25:30, 5:45] = (31, 95, 168)
    rgb[0, 0] = (1, 2, 3)
    image = P.palette_image(_rgba(rgb))
    assert image.mode == "P" and image.size == (50, 40)
    assert len(image.getpalette()) == 4 * 3
    assert np.array_equal(_decoded(image), rgb.astype(int))


def test_frequent_colours_exact_and_rare_ones_close():
    """More than 256 colours: the EXACT most frequent stay exact, the blends stay close.

    The regression this guards: Pillow's fast octree mapped white to (252, 253, 254)
    and merged the follow-up shading (246, 249, 253) into it.
    """
    rng = np.random.default_rng(3)
    rgb = np.zeros((120, 200, 3), dtype=np.uint8)
    rgb[:] = (255, 255, 255)
    rgb[:, 100:] = (246, 249, 253)
    rgb[40:60, 20:60] = (31, 95, 168)
    rgb[70:90, 20:60] = (154, 160, 166)
    # 1,200 rare anti-aliasing-like colours, one pixel each
    rare = rng.integers(0, 256, size=(1200, 3), dtype=np.uint8)
    ys, xs = np.divmod(np.arange(1200), 200)
    rgb[100 + ys, xs] = rare
    image = P.palette_image(_rgba(rgb))
    out = _decoded(image)
    n_colors = len(np.unique(rgb.reshape(-1, 3), axis=0))
    assert n_colors > P.PALETTE
    assert len(image.getpalette()) == P.PALETTE * 3
    for colour in [(255, 255, 255), (246, 249, 253), (31, 95, 168), (154, 160, 166)]:
        mask = (rgb == colour).all(axis=2)
        assert (out[mask] == colour).all(), colour
    error = np.abs(out - rgb.astype(int)).max(axis=2)
    assert error[:100].max() == 0  # everything but the rare row block is exact
    # 1,200 random colours in 128 octree entries: measured max channel error 38
    assert 0 < error.max() <= 48


def test_exact_entries_are_the_most_frequent_colours():
    counts = [(5, (9, 9, 9)), (50, (1, 1, 1)), (7, (3, 3, 3))]
    rgb, palette, index = P.choose_palette(counts)
    assert rgb.tolist() == [[1, 1, 1], [3, 3, 3], [9, 9, 9]]
    assert palette.tolist() == rgb.tolist()
    assert index.tolist() == [0, 1, 2]


def test_photo_like_images_fall_back_to_median_cut():
    rng = np.random.default_rng(5)
    rgb = rng.integers(0, 256, size=(80, 80, 3), dtype=np.uint8)  # 6,400 colours > MAX_COLORS
    image = P.palette_image(_rgba(rgb))
    assert image.mode == "P" and image.size == (80, 80)
    assert len(image.getpalette()) <= P.PALETTE * 3
