"""Entry points: :func:`generate` (a batch) and :func:`generate_community` (one community)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..schema import TABLE_ORDER
from .bad_rows import plant_bad_rows, valid_frames
from .community import community_id_for, community_profile, make_community, params_dict
from .styles import floor_times, table_style
from .tables import generate_tables
from .truth import truth_dict
from .vocab import COMMUNITY_ID, SIZES
from .write import write_all


def generate(
    n_communities: int,
    out_dir: Path,
    seed: int = 0,
    *,
    start_index: int = 1,
    size: str = "demo",
    truth_dir: Path | None = None,
) -> list[str]:
    """Write ``out_dir/data/<id>/<table>.csv|xlsx``, ``out_dir/params/<id>.yaml`` and
    ``truth_dir/<id>.json`` (default ``out_dir/truth``) for ``n_communities``
    communities numbered from ``start_index``; return their ids.

    ``size``: ``tiny`` (×0.2 rows, for fast tests), ``demo`` (CONTRACT-sized demo:
    ~500 surveys, ~650 work orders, …) or ``large`` (×10). Community ``i`` gets
    :func:`community_profile` ``(i)`` and the random stream ``default_rng([seed, i])``.
    """
    if n_communities < 0 or start_index < 1:
        raise ValueError("n_communities must be ≥ 0 and start_index ≥ 1")
    out_dir = Path(out_dir)
    last = start_index + n_communities - 1
    ids: list[str] = []
    for index in range(start_index, last + 1):
        cid = community_id_for(index, last)
        rng = np.random.default_rng([seed, index])
        generate_community(
            cid,
            out_dir,
            rng,
            size=size,
            truth_dir=truth_dir,
            meta={"seed": seed, "index": index},
            **community_profile(index),
        )
        ids.append(cid)
    return ids


def generate_community(
    community_id: str,
    out_dir: Path,
    rng: np.random.Generator,
    *,
    size: str = "demo",
    effects: dict | None = None,
    work_orders: int | None = None,
    truth_dir: Path | None = None,
    variant: int | None = None,
    survey_scale: int | None = None,
    language: str | None = None,
    name: str | None = None,
    meta: dict | None = None,
) -> dict:
    """Generate one community and return its truth dict (also written as JSON).

    ``effects=None`` plants every effect with default parameters; a dict
    plants only its keys (values override :data:`EFFECT_DEFAULTS`), so
    ``effects={}`` is a clean community without effects or bad rows.
    ``work_orders=N`` makes the work_orders table exactly N rows long (bad
    rows included); above :data:`LARGE_TABLE_ROWS` it is one plain UTF-8 CSV.
    ``variant`` rotates the export styles (random when None).
    """
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}")
    if not COMMUNITY_ID.fullmatch(community_id):
        raise ValueError(f"community id {community_id!r} must match [a-z0-9][a-z0-9_-]{{0,63}}")
    out_dir = Path(out_dir)
    truth_dir = Path(truth_dir) if truth_dir is not None else out_dir / "truth"
    c = make_community(community_id, rng, size, effects, variant, survey_scale, language, name)
    frames, ids = generate_tables(c, work_orders)
    styles = {t: table_style(c, t, len(frames[t])) for t in TABLE_ORDER}
    for table in TABLE_ORDER:
        frames[table] = floor_times(frames[table], table, styles[table], c.variant)
    plants = plant_bad_rows(c, frames, styles, ids["protected"]) if "bad_rows" in c.effects else []
    valid = valid_frames(frames, plants)
    params = params_dict(c)
    truth = truth_dict(c, valid, frames, styles, plants, ids, params, meta)
    write_all(c, out_dir, frames, styles, plants, params)
    truth_dir.mkdir(parents=True, exist_ok=True)
    (truth_dir / f"{community_id}.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return truth
