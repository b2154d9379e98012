"""Every human-readable label, in Chinese and English, in one place.

``t(key, lang)`` looks a key up; an unknown key falls back to the key itself
so that a missing label is visible, never a crash. Keys are grouped by prefix
(``metric.<id>``, ``period.<name>``, ``fig.<name>``, ``finding.<kind>``,
``report.<part>`` ...). The labels live in this package's modules, one per
concern (core, figures, findings, report); no other module holds Chinese
display text. Sentence templates use ``str.format`` placeholders.
"""

from __future__ import annotations

from ..privacy import mask_pii
from . import core, documents, figures, findings, ingest, insights, portfolio, report, vocab

LABELS: dict[str, tuple[str, str]] = {}
for _module in (core, documents, figures, findings, ingest, insights, portfolio, report, vocab):
    _dupes = LABELS.keys() & _module.LABELS.keys()
    if _dupes:
        raise RuntimeError(f"label keys defined twice: {sorted(_dupes)}")
    LABELS.update(_module.LABELS)


def t(key: str, lang: str = "zh") -> str:
    """The label of ``key`` in ``lang`` ("zh" or "en"); the key itself if unknown."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def metric_label(metric_id: str, lang: str = "zh") -> str:
    """Label of a metric id, including ``<base>.<dimension>`` variants (a dimension from
    the data is shown with phone and ID-card numbers masked)."""
    if metric_id in (k.removeprefix("metric.") for k in LABELS if k.startswith("metric.")):
        return t(f"metric.{metric_id}", lang)
    base, _, suffix = metric_id.partition(".")
    base_label = t(f"metric.{base}", lang)
    if not suffix:
        return base_label
    for prefix in ("dimension", "asset_type"):
        key = f"{prefix}.{suffix}"
        if key in LABELS:
            return f"{base_label}·{t(key, lang)}" if lang == "zh" else f"{base_label}: {t(key, lang)}"
    suffix = mask_pii(suffix)
    return f"{base_label}·{suffix}" if lang == "zh" else f"{base_label}: {term(suffix, lang)}"


def term(value: str, lang: str = "zh") -> str:
    """A property-management term found in the data (``保洁``, ``停车管理`` …) in ``lang``; the value itself
    when it is not a known term (see :mod:`qmlib.labels.vocab`)."""
    key = f"term.{value}"
    return t(key, lang) if key in LABELS else value
