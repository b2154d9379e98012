"""Plain statistics (qmlib/documents/wording.py) and p-values that agree with their marker (report/fmt.fmt_p)."""

from __future__ import annotations

import pytest

from qmlib.documents.wording import change_statement, is_small, verdict
from qmlib.report.fmt import fmt_p


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.000255, "p<0.001"),
        (0.0496, "p<0.05"),  # never "p=0.050" next to a significant marker
        (0.0504, "p=0.050"),
        (0.164, "p=0.164"),
        (0.023, "p=0.023"),
    ],
)
def test_p_text_agrees_with_the_flag(p, text):
    assert fmt_p(p, "zh") == text


def test_change_statements_zh():
    assert (
        change_statement("satisfaction_index", 8.088, 0.000255, "true")
        == "提升 8.1 分，超出抽样波动范围（p<0.001），属改善"
    )
    assert (
        change_statement("satisfaction_index", 3.41, 0.164, "false")
        == "变化在抽样波动范围内，不能认定为改善（p=0.164）"
    )
    # lower is better: a significant rise of complaints is a deterioration
    assert (
        change_statement("complaint_rate", 0.4, 0.01, True)
        == "提升 0.40，超出抽样波动范围（p=0.010），确有变差，需要正视"
    )
    assert (
        change_statement("complaint_rate", 0.4, 0.3, False)
        == "变化在抽样波动范围内，不能认定为变差（p=0.300）"
    )
    # shares in percentage points, a small sample flagged
    assert (
        change_statement("repair_timely_rate", 0.124, 0.001, True, n=8)
        == "提升 12.4 个百分点，超出抽样波动范围（p=0.001），属改善；样本较少（n=8），仅供参考"
    )
    assert (
        change_statement("repair_arrival_minutes_median", -6.0, None, None)
        == "下降 6.0 分钟（未做显著性检验）"
    )
    assert change_statement("satisfaction_index", 0.0, 0.9, False) == "与基线持平"


def test_change_statements_en():
    assert (
        change_statement("satisfaction_index", 8.088, 0.000255, True, "en")
        == "up 8.1 points, beyond sampling noise (p<0.001), an improvement"
    )
    assert (
        change_statement("satisfaction_index", -2.0, 0.4, False, "en")
        == "within sampling noise: not a proven deterioration (p=0.400)"
    )


def test_verdict_and_small_sample():
    assert verdict("satisfaction_index", 8.1, "true") == "better"
    assert verdict("complaint_rate", 0.4, "true") == "worse"
    assert verdict("complaint_rate", 0.4, "false") == "neutral"
    assert verdict("complaint_rate", None, "true") == "unknown"
    assert is_small(9) and not is_small(10) and not is_small(None)
