"""qm: quality-month analysis for property-management communities."""

from __future__ import annotations

__version__ = "0.1.0"
