"""The company-level portfolio report over every community of a batch."""

from __future__ import annotations

from .build import build_portfolio
from .rollup import Portfolio, build_rollup

__all__ = ["Portfolio", "build_portfolio", "build_rollup"]
