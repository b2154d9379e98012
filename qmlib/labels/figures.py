"""Chart titles, axis labels and legends."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
}
