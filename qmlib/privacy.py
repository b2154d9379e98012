"""Masking personal data in free text written to outputs.

Every reader-facing string passes through :func:`mask_pii`: the HTML helpers
(:func:`qmlib.report.markup.esc`), the text cells of every CSV and xlsx file
(:func:`qmlib.outputs.escape_formula`) and labels built from data
(:func:`qmlib.labels.metric_label`).

Before matching, a copy of the text is normalised one character for one
character: full-width digits ``０``–``９`` become ``0``–``9``, full-width or
typographic plus signs, hyphens and dashes become ``+``/``-``, and any space
(including the ideographic and no-break spaces) becomes `` ``. Matches found in
the normalised copy replace the same positions of the original text, so text
around a number is never changed.

Rules (applied in this order, each only to a number that is not part of a
longer run of digits):

- 18-character mainland ID-card numbers, ``\\d{17}[\\dXx]``, also written in
  groups ``6 8 4`` with a space or a hyphen (``110101 19900307 1234``) or after
  letters (``ID110101199003071234``): keep the first 6 (region) and last 4
  characters, mask the 8 in between: ``110101********1234``.
- Mainland mobile numbers, ``1[3-9]\\d{9}``, also as ``3 4 4`` groups with a
  space or a hyphen, and with a ``+86``/``86`` country code before them: keep the
  first 3 and last 4 digits: ``13812345678`` → ``138****5678``,
  ``+86 138-1234-5678`` → ``+86 138****5678``.

Text that is not a string (None, NaN, numbers) is returned unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

_FULL_WIDTH_DIGITS: dict[int, int | str] = {0xFF10 + i: ord("0") + i for i in range(10)}
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SPACES = "\u00a0\u2002\u2003\u2009\u202f\u3000\t"
#: One character for one character, so positions in the normalised copy are positions in the text.
NORMALISE = str.maketrans(
    {
        **_FULL_WIDTH_DIGITS,
        0xFF0B: "+",
        **{ord(c): "-" for c in _DASHES},
        **{ord(c): " " for c in _SPACES},
        0xFF38: "X",
        0xFF58: "x",
    }
)

_SEP = "[ -]?"
ID_CARD = re.compile(rf"(?<![0-9])([0-9]{{6}}){_SEP}([0-9]{{8}}){_SEP}([0-9]{{3}}[0-9Xx])(?![0-9A-Za-z])")
PHONE = re.compile(
    rf"(?<![0-9.])((?:\+?86{_SEP})?)(1[3-9][0-9]){_SEP}([0-9]{{4}}){_SEP}([0-9]{{4}})(?![0-9])"
)
_CANDIDATE = re.compile(r"[0-9\uff10-\uff19]{3}")


def _masked_id(m: re.Match[str]) -> str:
    return f"{m.group(1)}********{m.group(3)[-4:]}"


def _masked_phone(m: re.Match[str]) -> str:
    return f"{m.group(1)}{m.group(2)}****{m.group(4)}"


def _substitute(
    text: str, norm: str, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]
) -> tuple[str, str]:
    """Replace the matches of ``pattern`` in ``norm`` at the same places in ``text``."""
    out, out_norm, last = [], [], 0
    for m in pattern.finditer(norm):
        masked = repl(m)
        out.append(text[last : m.start()])
        out_norm.append(norm[last : m.start()])
        out.append(masked)
        out_norm.append(masked)
        last = m.end()
    if not out:
        return text, norm
    out.append(text[last:])
    out_norm.append(norm[last:])
    return "".join(out), "".join(out_norm)


def mask_pii(text: str) -> str:
    """Mask ID-card and mobile numbers in ``text`` (see the module docstring)."""
    if not isinstance(text, str) or not _CANDIDATE.search(text):
        return text
    norm = text.translate(NORMALISE)
    text, norm = _substitute(text, norm, ID_CARD, _masked_id)
    text, _ = _substitute(text, norm, PHONE, _masked_phone)
    return text


def mask_frame(df: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """A copy of ``df`` with :func:`mask_pii` applied to the text cells of ``columns``
    (default: every object/string column)."""
    out = df.copy()
    cols = (
        columns
        if columns is not None
        else [
            c
            for c in out.columns
            if pd.api.types.is_object_dtype(out[c]) or pd.api.types.is_string_dtype(out[c])
        ]
    )
    for col in cols:
        if col in out.columns:
            out[col] = out[col].map(mask_pii, na_action="ignore")
    return out


__all__ = ["ID_CARD", "NORMALISE", "PHONE", "mask_frame", "mask_pii"]
