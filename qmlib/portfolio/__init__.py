"""The company action board over the communities of a batch.

Light on purpose: the batch hook imports only :func:`build_portfolio`, which
returns at once when the board's inputs are unchanged. The board itself is
computed by :func:`qmlib.portfolio.assemble.build_board`.
"""

from __future__ import annotations

from .build import build_portfolio
from .scope import select_communities

__all__ = ["build_portfolio", "select_communities"]
