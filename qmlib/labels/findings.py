"""Shortcoming categories, severities and evidence sentence templates."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
}
