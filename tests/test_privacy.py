"""Masking of phone and ID-card numbers (qmlib/privacy.py) and the places every reader-facing
string passes through: the HTML helpers, the CSV/xlsx text cells and labels built from data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from qmlib.labels import metric_label
from qmlib.outputs import escape_formula, write_csv
from qmlib.privacy import NORMALISE, mask_pii
from qmlib.report.markup import esc, html_table, resident_text, tag

PHONE, ID = "13812345678", "110101199003071234"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+8613812345678", "+86138****5678"),
        ("8613812345678", "86138****5678"),
        ("138 1234 5678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("+86 138-1234-5678", "+86 138****5678"),
        ("１３８１２３４５６７８", "138****5678"),
        ("＋８６ １３８－１２３４－５６７８", "+86 138****5678"),  # the matched span is rewritten
        ("138\u30001234\u30005678", "138****5678"),
        ("110101199003071234", "110101********1234"),
        ("11010119900307123X", "110101********123X"),
        ("110101 19900307 1234", "110101********1234"),
        ("110101-19900307-1234", "110101********1234"),
        ("ID110101199003071234", "ID110101********1234"),
        ("１１０１０１１９９００３０７１２３４", "110101********1234"),
        ("联系13812345678，身份证110101199003071234。", "联系138****5678，身份证110101********1234。"),
    ],
)
def test_spellings_are_masked(text: str, masked: str) -> None:
    assert mask_pii(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "2025-09-01 13:45:00",  # a time stamp
        "0.13812345678",  # a fraction
        "138123456789",  # twelve digits: not a mobile number
        "12812345678",  # 12x is not a mobile prefix
        "WO20250901123456789",  # a 17-digit order number
        "共 138 户，1234 人",
        "满意度 86.5，较基线 +2.3",
        "",
    ],
)
def test_neighbours_are_left_alone(text: str) -> None:
    assert mask_pii(text) == text


def test_non_text_is_unchanged() -> None:
    assert mask_pii(None) is None  # type: ignore[arg-type]
    assert mask_pii(13812345678) == 13812345678  # type: ignore[arg-type]


_SEPS = st.sampled_from(["", " ", "-", "\u3000", "－", "\u2013"])
_WIDTH = st.sampled_from([False, True])


def _full_width(s: str) -> str:
    return "".join(chr(ord(c) - ord("0") + 0xFF10) if c.isdigit() else c for c in s)


@settings(max_examples=200, deadline=None)
@given(
    prefix=st.sampled_from(["", "电话", "tel:", "手机 ", "+86", "+86 ", "86", "＋86-"]),
    second=st.sampled_from("3456789"),
    middle=st.text("0123456789", min_size=4, max_size=4),
    last=st.text("0123456789", min_size=4, max_size=4),
    s1=_SEPS,
    s2=_SEPS,
    wide=_WIDTH,
    suffix=st.sampled_from(["", "。", " 谢谢", "，", ")"]),
)
def test_every_phone_spelling_loses_its_middle_digits(
    prefix, second, middle, last, s1, s2, wide, suffix
) -> None:
    number = f"1{second}8{s1}{middle}{s2}{last}"
    text = prefix + (_full_width(number) if wide else number) + suffix
    out = mask_pii(text)
    assert f"1{second}8****{last}" in out
    digits = "".join(c for c in out.translate(NORMALISE) if c.isdigit())
    assert f"1{second}8{middle}{last}" not in digits


@settings(max_examples=200, deadline=None)
@given(
    prefix=st.sampled_from(["", "ID", "身份证", "证件号：", "No."]),
    region=st.text("0123456789", min_size=6, max_size=6),
    birth=st.dates().map(lambda d: d.strftime("%Y%m%d")).filter(lambda s: len(s) == 8),
    tail=st.text("0123456789", min_size=3, max_size=3),
    check=st.sampled_from("0123456789Xx"),
    sep=st.sampled_from(["", " ", "-"]),
    wide=_WIDTH,
)
def test_every_id_card_spelling_loses_its_birth_date(prefix, region, birth, tail, check, sep, wide) -> None:
    number = f"{region}{sep}{birth}{sep}{tail}{check}"
    out = mask_pii(prefix + (_full_width(number) if wide else number))
    assert out == f"{prefix}{region}********{tail}{check}"


# ---- the chokepoints -----------------------------------------------------------------------
def test_html_helpers_mask_every_string() -> None:
    assert str(esc(f"<b>{PHONE}</b>")) == "&lt;b&gt;138****5678&lt;/b&gt;"
    assert str(resident_text(ID)) == "110101********1234"
    assert PHONE not in str(tag("td", f"电话 {PHONE}", title=PHONE))
    assert PHONE not in str(html_table(["名称"], [[f"翠湖 {PHONE}"]]))


def test_csv_and_xlsx_text_cells_are_masked(tmp_path: Path) -> None:
    assert escape_formula(f"={PHONE}") == "'=138****5678"
    df = pd.DataFrame({"evidence": [f"回访 {PHONE}", f"身份证 {ID}"], "n": [1, 2]})
    text = write_csv(df, tmp_path / "x.csv").read_text(encoding="utf-8-sig")
    assert PHONE not in text and ID not in text and "138****5678" in text


def test_plan_xlsx_is_masked(tmp_path: Path) -> None:
    from qmlib.plan import write_plan

    plan = pd.DataFrame(
        [
            {
                "community_id": "c1",
                "action_id": "A1",
                "shortcoming_id": "S1",
                "action": f"联系业主 {PHONE}",
                "owner_role": "客服",
                "due_on": "2025-11-05",
                "kpi": f"身份证 {ID}",
                "kpi_target": 0.9,
                "pdca_stage": "Do",
            }
        ]
    )
    _, xlsx = write_plan(plan, tmp_path)
    cells = [c.value for row in load_workbook(xlsx).active.iter_rows() for c in row]
    assert not any(isinstance(v, str) and (PHONE in v or ID in v) for v in cells)
    assert any(isinstance(v, str) and "138****5678" in v for v in cells)


def test_metric_label_from_data_is_masked() -> None:
    label = metric_label(f"inspection_score.{PHONE}", "zh")
    assert PHONE not in label and "138****5678" in label
    assert metric_label("inspection_score.保洁", "zh").endswith("保洁")
