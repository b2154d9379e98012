"""Report section headings, summary and appendix text."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
}
