"""Params validation (contract section 3 and docs/CONTRACT_ADDITIONS.md): each bad value is a
ParamsError naming the key."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from qmlib.errors import ParamsError
from qmlib.params import COMMUNITY_ID, load_params, parse_params

BASE = {
    "community_id": "c001",
    "name": "翠湖花园",
    "households": 500,
    "periods": {
        "baseline": ["2025-08-01", "2025-08-31"],
        "quality_month": ["2025-09-01", "2025-09-30"],
        "followup": ["2025-10-01", "2025-10-31"],
    },
}


def params(**changes: object) -> dict:
    raw = {**BASE, **changes}
    return {k: v for k, v in raw.items() if v is not None}


@pytest.mark.parametrize(
    ("changes", "key", "fragment"),
    [
        ({"households": True}, "households", "true/false"),
        ({"households": False}, "households", "true/false"),
        ({"staff": {"客服": True}}, "staff", "true/false"),
        ({"inspection_pass_score": True}, "inspection_pass_score", "true/false"),
        ({"inspection_pass_score": math.nan}, "inspection_pass_score", "finite"),
        ({"training_pass_score": math.inf}, "training_pass_score", "finite"),
        (
            {"targets": [{"metric": "satisfaction_index", "kind": "at_least", "value": math.nan}]},
            "targets[0].value",
            "finite",
        ),
        (
            {"targets": [{"metric": "satisfaction_index", "kind": "delta", "value": -math.inf}]},
            "targets[0].value",
            "finite",
        ),
        (
            {"targets": [{"metric": "satisfaction_index", "kind": "at_least", "value": True}]},
            "targets[0].value",
            "true/false",
        ),
        ({"sla": {"complaint_response_hours": -1}}, "sla.complaint_response_hours", "≥ 0"),
        ({"sla": {"complaint_response_hours": math.inf}}, "sla.complaint_response_hours", "finite"),
        ({"sla": {"maintenance_tolerance_days": -0.5}}, "sla.maintenance_tolerance_days", "0"),
        ({"sla": {"repair_arrival_minutes": {"urgent": -15}}}, "sla.repair_arrival_minutes", "≥ 0"),
        (
            {"sla": {"repair_arrival_minutes": {"普通": math.nan}}},
            "sla.repair_arrival_minutes.普通",
            "finite",
        ),
        ({"sla": {"hazard_due_days": {"major": math.inf}}}, "sla.hazard_due_days.较大", "finite"),
        ({"timezone": "localtime"}, "timezone", "localtime"),
        ({"timezone": "Factory"}, "timezone", "Factory"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Mars/Olympus"),
        ({"as_of": "2025-09-29"}, "as_of", "2025-09-30"),
        ({"as_of": "2025-08-31"}, "as_of", "quality_month"),
        ({"community_id": "portfolio"}, "community_id", "reserved"),
        ({"community_id": "x1\n"}, "community_id", "whole value"),
        ({"community_id": "C001"}, "community_id", "[a-z0-9]"),
    ],
)
def test_bad_params_name_the_key(changes: dict, key: str, fragment: str) -> None:
    with pytest.raises(ParamsError) as err:
        parse_params(params(**changes), "p.yaml")
    assert err.value.key == key, str(err.value)
    assert fragment in str(err.value)


@pytest.mark.parametrize(
    "changes",
    [
        {"as_of": "2025-09-30"},  # the last day of the quality month is allowed
        {"as_of": "2025-10-15"},
        {"timezone": "America/New_York"},
        {"timezone": "UTC"},
        {"sla": {"complaint_response_hours": 0, "repair_arrival_minutes": {"urgent": 0}}},
        {"households": 1, "inspection_pass_score": 0},
    ],
)
def test_good_neighbours_are_accepted(changes: dict) -> None:
    parse_params(params(**changes), "p.yaml")


def test_as_of_without_followup_may_be_the_quality_month_end() -> None:
    raw = params(as_of="2025-09-30")
    raw["periods"] = {k: v for k, v in raw["periods"].items() if k != "followup"}
    assert parse_params(raw).as_of_date.isoformat() == "2025-09-30"


def write(tmp_path: Path, text: str, name: str = "c001") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


YAML = """community_id: c001
name: 翠湖花园
households: 500
periods:
  baseline: [2025-08-01, 2025-08-31]
  quality_month: [2025-09-01, 2025-09-30]
"""


def test_duplicate_top_level_key(tmp_path: Path) -> None:
    with pytest.raises(ParamsError) as err:
        load_params(write(tmp_path, YAML + "households: 600\n"))
    assert err.value.key == "households"
    assert "twice" in str(err.value) and "lines 3 and 7" in str(err.value)


def test_duplicate_nested_key(tmp_path: Path) -> None:
    text = YAML + "sla:\n  complaint_response_hours: 24\n  complaint_response_hours: 48\n"
    with pytest.raises(ParamsError) as err:
        load_params(write(tmp_path, text))
    assert err.value.key == "complaint_response_hours"
    assert "lines 8 and 9" in str(err.value)


def test_yaml_nan_and_inf_literals(tmp_path: Path) -> None:
    for literal in (".nan", ".inf", "-.inf"):
        text = YAML + f"targets:\n  - {{metric: satisfaction_index, kind: at_least, value: {literal}}}\n"
        with pytest.raises(ParamsError) as err:
            load_params(write(tmp_path, text))
        assert err.value.key == "targets[0].value"


def test_yaml_true_households(tmp_path: Path) -> None:
    with pytest.raises(ParamsError) as err:
        load_params(write(tmp_path, YAML.replace("households: 500", "households: yes")))
    assert err.value.key == "households"


def test_the_same_value_under_two_keys_is_fine(tmp_path: Path) -> None:
    load_params(write(tmp_path, YAML + "inspection_pass_score: 60\ntraining_pass_score: 60\n"))


@pytest.mark.parametrize("value", ["c1\n", "c1\n\n", "\nc1", "c1 ", "../c1", "c1/x", "-c1", "a" * 65, ""])
def test_community_id_must_match_as_a_whole(value: str) -> None:
    assert COMMUNITY_ID.fullmatch(value) is None
    with pytest.raises(ParamsError):
        parse_params(params(community_id=value))
