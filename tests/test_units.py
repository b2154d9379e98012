"""Metric units and directions (qmlib.units), the one home the report, figures, findings and plan use."""

from __future__ import annotations

import math

import pandas as pd

from qmlib.units import better_of, decimals, is_missing, is_percent, stored_decimals, unit_of


def test_unit_and_direction_come_from_the_catalog() -> None:
    assert unit_of("repair_timely_rate") == "share"
    assert better_of("repair_timely_rate") == 1
    assert unit_of("complaint_rate") == "per100hh30d"
    assert better_of("complaint_rate") == -1
    assert better_of("hazard_count") == 0
    # dimensioned ids resolve to their base metric
    assert unit_of("satisfaction_index.cleaning") == "points"
    assert better_of("equipment_failure_rate.elevator") == -1


def test_unknown_ids_have_no_unit_and_no_direction() -> None:
    assert unit_of("no_such_metric") == ""
    assert better_of("no_such_metric") == 0
    assert unit_of("repair_timely_rate.x") == ""  # not a dimensioned metric


def test_decimals_in_display_and_stored_units() -> None:
    assert is_percent("share") and is_percent("ratio") and not is_percent("points")
    assert decimals("share") == 1 and stored_decimals("share") == 3  # 95.3% = 0.953
    assert decimals("points") == stored_decimals("points") == 1
    assert decimals("rating") == 2 and decimals("count") == 0
    assert decimals("") == 2 and decimals("", default=1) == 1


def test_is_missing() -> None:
    assert is_missing(None) and is_missing(math.nan) and is_missing(pd.NA) and is_missing(pd.NaT)
    assert not is_missing(0) and not is_missing("") and not is_missing([1, 2])


def test_one_p_formatter_for_report_evidence_and_insights() -> None:
    """Shortcomings' evidence and insights use units.fmt_p: never "p=0.050" next to a significant mark."""
    from qmlib.insights.base import fmt_p as insight_p
    from qmlib.report.fmt import fmt_p as report_p
    from qmlib.shortcomings.base import fmt_p as finding_p
    from qmlib.units import fmt_p

    for p, text in ((0.0499, "p<0.05"), (0.05, "p=0.050"), (0.00049, "p<0.001"), (0.0234, "p=0.023")):
        assert fmt_p(p, "zh") == report_p(p, "zh") == finding_p(p, "en") == insight_p(p, "zh") == text
    assert (fmt_p(None, "zh"), insight_p(None, "zh"), finding_p(None, "zh")) == ("—", "", "p=—")
