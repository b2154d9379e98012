"""Masking personal data in free text written to outputs.

Rules (applied in this order, each only to a run of digits that is not part
of a longer run of digits):

- 18-character mainland ID-card numbers, ``\\d{17}[\\dXx]``: keep the first 6
  (region) and last 4 characters, mask the 8 in between:
  ``110101199003071234`` → ``110101********1234``.
- Mainland mobile numbers, ``1[3-9]\\d{9}``: keep the first 3 and last 4
  digits: ``13812345678`` → ``138****5678``.

Text that is not a string (None, NaN, numbers) is returned unchanged.
"""

from __future__ import annotations

import re

import pandas as pd

ID_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_pii(text: str) -> str:
    """Mask ID-card and mobile numbers in ``text`` (see the module docstring)."""
    if not isinstance(text, str):
        return text
    text = ID_CARD.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return PHONE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def mask_frame(df: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """A copy of ``df`` with :func:`mask_pii` applied to the text cells of ``columns``
    (default: every object/string column)."""
    out = df.copy()
    cols = columns if columns is not None else [
        c for c in out.columns
        if pd.api.types.is_object_dtype(out[c]) or pd.api.types.is_string_dtype(out[c])
    ]
    for col in cols:
        if col in out.columns:
            out[col] = out[col].map(mask_pii, na_action="ignore")
    return out


__all__ = ["ID_CARD", "PHONE", "mask_frame", "mask_pii"]
