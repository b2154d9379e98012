"""Shared fixtures. The builders themselves are in ``tests/helpers.py`` (importable
from module-level helpers too); a fixture hands them to a test."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from helpers import make_params as _make_params

from qmlib.params import Params


@pytest.fixture
def make_params() -> Callable[..., Params]:
    """``make_params(**overrides)``: params of a test community (``helpers.BASE_PARAMS`` + overrides)."""
    return _make_params


@pytest.fixture
def params() -> Params:
    """The default test community's params (``helpers.BASE_PARAMS``)."""
    return _make_params()
