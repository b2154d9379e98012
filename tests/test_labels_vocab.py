"""Data terms in an English report (qmlib/labels/vocab.py)."""

from __future__ import annotations

from qmlib.labels import metric_label, term


def test_known_terms_are_translated_names_are_not():
    assert metric_label("inspection_score.垃圾分类", "en") == "Inspection score: Waste sorting"
    assert metric_label("inspection_score.垃圾分类", "zh") == "品质检查得分·垃圾分类"
    assert term("停车管理", "en") == "Parking" and term("停车管理", "zh") == "停车管理"
    assert term("10幢", "en") == "10幢"  # a building's name stays as it is
