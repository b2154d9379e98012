"""Period assignment (contract section 4): each time in the period whose [start, end + 1 day) holds it."""

from __future__ import annotations

import pandas as pd
from helpers import make_params

from qmlib.periods import assign_periods, bounds


def test_assign_periods_at_the_bounds_and_the_same_on_every_dtype() -> None:
    params = make_params()
    names = list(params.period_names)
    edges = [x for p in names for x in bounds(params, p)]
    times = pd.Series(
        [edges[0] - pd.Timedelta(microseconds=1)]
        + [e + d for e in edges for d in (pd.Timedelta(0), pd.Timedelta(-1, "ns"), pd.Timedelta(hours=12))]
        + [pd.NaT],
        dtype="datetime64[ns]",
    )
    got = assign_periods(times, params)
    assert got.dtype == "string" and got.index.equals(times.index)
    expected: list[object] = [pd.NA]
    for e in edges:
        inside = [p for p in names if bounds(params, p)[0] <= e < bounds(params, p)[1]]
        before = [
            p for p in names if bounds(params, p)[0] <= e - pd.Timedelta(1, "ns") < bounds(params, p)[1]
        ]
        noon = [p for p in names if bounds(params, p)[0] <= e + pd.Timedelta(hours=12) < bounds(params, p)[1]]
        expected += [
            inside[-1] if inside else pd.NA,
            before[-1] if before else pd.NA,
            noon[-1] if noon else pd.NA,
        ]
    expected.append(pd.NA)
    assert got.tolist() == expected
    assert got.iloc[1] == names[0] and pd.isna(got.iloc[0]) and pd.isna(got.iloc[-1])
    # NumPy path (datetime64[ns]) and the pandas path (other resolutions, tz-aware, object) agree
    shifted = times.set_axis(times.index + 10)
    pd.testing.assert_series_equal(assign_periods(shifted, params), got.set_axis(shifted.index))
    pd.testing.assert_series_equal(
        assign_periods(times.astype("datetime64[us]"), params).iloc[2:-1], got.iloc[2:-1]
    )
    pd.testing.assert_series_equal(assign_periods(times.astype(object), params), got)
