"""Synthetic property-management exports with planted effects (``qm synth``).

:func:`generate` writes, for communities ``demo01``, ``demo02``, ...::

    <out_dir>/data/<id>/<table>.csv | <table>.xlsx     all 10 tables of CONTRACT.md section 2
    <out_dir>/params/<id>.yaml                         contract section 3
    <truth_dir or out_dir/truth>/<id>.json             what was planted, and where

The exports look like real ones: Chinese header aliases (sometimes the English
canonical names, an alternative alias, stray spaces, extra columns such as
``序号``/``备注``/``登记人``), mixed timestamp formats (``2025-09-01 08:30``,
``2025/9/1 8:30``, ``2025年9月1日 8:30``, ISO 8601 in UTC or with an offset,
real Excel date cells), UTF-8 / UTF-8 with BOM / GBK / GB18030 CSV files and at
least one ``.xlsx`` per community, booleans as 是/否, Y/N, 1/0, true/false,
yes/no, enumerations in Chinese or English, survey scores as numbers or labels.

Planted effects (``effects`` of :func:`generate_community`; every key is
optional and ``effects={}`` gives a *clean* community: no effects and no bad
rows):

``satisfaction``            ``{baseline, change, retention}``: satisfaction index (0–100) is
                            ``baseline`` in the baseline, ``baseline + change`` in the quality
                            month and ``baseline + change × retention`` in the follow-up.
``repair_speed``            arrival-time multipliers ``{quality_month, followup}`` (fading gain).
``low_building``            ``{building, gap}``: one building's scores are ``gap`` points lower.
``failing_elevator``        ``{asset_id, failures}``: one elevator fails ``failures`` times
                            spread over the analysis window (no other asset fails > 2 times).
``overdue_critical_hazard`` ``{period}``: one 重大 hazard, due the next day, never rectified.
``slow_repair_category``    ``{category, factor}``: arrival times of that category × ``factor``.
``dominant_complaint``      ``{category, share}``: that complaint category's expected share.
``bad_rows``                ``{}``: plant ~0.5–1 % invalid rows (recorded in the truth file).
``frequent_comment``        ``{text, count}``: ``count`` survey responses (any period) carry the
                            comment ``text`` (truth: ``observed_count``, ``by_period``).
``initiative_effect``       ``{category, title, dimension, change}``: the initiative ``title`` is held
                            twice early in the quality month and the survey ``dimension`` is
                            ``change`` points higher then (half of it in the follow-up); truth:
                            ``metric_id``, ``sessions_by_period``, ``observed_dimension_index``.

``frequent_comment`` and ``initiative_effect`` are planted from community 4 on
(:func:`default_effects`), so the shipped demos 1–3 are unchanged; like every
effect they are absent from clean communities (every tenth).

A clean community (``effects={}``) also has good service levels: satisfaction index
80 in every period, no orders/complaints left open for good, every hazard rectified,
no serious incident and reachable ``at_least`` targets, so it should produce
(almost) no shortcomings.

Apart from the planted bad rows every row is valid, so ingest must reject
exactly the rows listed under ``bad_rows`` of the truth file.

Truth file (``schema_version`` 1), keys:

``community_id``, ``seed``/``index`` (from :func:`generate`), ``clean``, ``name``,
``survey_scale``, ``language``, ``households``, ``periods`` ({period: [start, end]}), ``as_of``;
``files``: {table: {file, format, encoding, header_style, time_style, bool_style, enum_lang,
score_style, extra_columns, dropped_columns, rows_read, rows_rejected, rows_accepted}};
``bad_rows``: [{table, source_file, source_row (header = 1), key, column, kind, value}] with
kind in missing_required, unparseable_date, duplicate_key (the later row; ``key`` is the
repeated key), score_off_scale, score_out_of_range, rating_out_of_range, negative_hours,
negative_count, enum_not_listed, time_order (``column`` is the later timestamp), unknown_asset;
``effects``: {effect: its parameters + identifiers + what the valid rows show};
``observed``: {metric: {period: value}} computed from the valid rows by the contract
formulas (satisfaction_index, satisfaction_rate, survey_responses, repair_timely_rate,
repair_arrival_minutes_median, repair_completion_rate, complaint_count, complaint_rate,
equipment_failures, equipment_failure_rate, hazard_count, hazard_rectification_rate,
inspection_score, training_coverage, activity_count, incident_count);
``targets``: the params targets with ``period`` filled in, ``actual_value`` and
``expected_achieved`` (true/false, null when the metric is not in ``observed``).

Community ids: ``demo01`` … ``demo99`` (``f"demo{i:02d}"``); when a batch
reaches an index above 99 every id of that batch is ``f"c{i:04d}"`` (wider
when needed), so ids of one batch always sort in index order. Each community
draws from its own stream ``numpy.random.default_rng([seed, index])``: a
community is the same whatever the batch size, and the output is
byte-for-byte deterministic (xlsx files included).

Modules: :mod:`~qmlib.synth.vocab` (constants), :mod:`~qmlib.synth.community`
(people, calendar, effects profile, params), :mod:`~qmlib.synth.surveys` and
:mod:`~qmlib.synth.tables` (the valid rows with the planted effects),
:mod:`~qmlib.synth.styles` and :mod:`~qmlib.synth.bad_rows` (messing up the
exports), :mod:`~qmlib.synth.write` (files), :mod:`~qmlib.synth.truth` (truth
file), :mod:`~qmlib.synth.generate` (entry points).
"""

from __future__ import annotations

from .community import community_id_for, community_profile, default_effects
from .generate import generate, generate_community
from .styles import format_dates, format_times
from .surveys import score_probs, to_index
from .truth import observed_metrics
from .vocab import EFFECT_DEFAULTS, LARGE_TABLE_ROWS, SIZES

__all__ = [
    "EFFECT_DEFAULTS",
    "LARGE_TABLE_ROWS",
    "SIZES",
    "community_id_for",
    "community_profile",
    "default_effects",
    "format_dates",
    "format_times",
    "generate",
    "generate_community",
    "observed_metrics",
    "score_probs",
    "to_index",
]
