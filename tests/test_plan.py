"""The improvement plan, the playbook and PII masking."""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import yaml
from helpers import make_params as base_params

from qmlib.outputs import read_csv
from qmlib.plan import (
    DEFAULT_PLAYBOOK,
    PLAN_COLUMNS,
    PlaybookError,
    TargetRule,
    build_plan,
    fmt_target,
    load_playbook,
    next_target,
    parse_playbook,
    routine_mechanisms,
    write_plan,
)
from qmlib.privacy import mask_frame, mask_pii
from qmlib.shortcomings import KIND_CATEGORY, KINDS, SHORTCOMING_COLUMNS

#: t01 with 1000 households and as_of after the follow-up (helpers.BASE_PARAMS otherwise).
make_params = partial(base_params, name="测试花园", households=1000, as_of="2025-11-05")


def metrics_frame() -> dict[str, pd.DataFrame]:
    rows = [
        ("repair_timely_rate", "baseline", 0.80),
        ("repair_timely_rate", "quality_month", 0.95),
        ("repair_timely_rate", "followup", 0.85),
        ("satisfaction_index", "baseline", 70.0),
        ("satisfaction_index", "quality_month", 80.0),
        ("satisfaction_index", "followup", 72.0),
        ("complaint_rate", "followup", 2.0),
        ("inspection_pass_rate", "quality_month", 0.9),
        ("inspection_pass_rate", "followup", 0.8),
    ]
    df = pd.DataFrame(rows, columns=["metric_id", "period", "value"]).assign(community_id="t01", n=100)
    return {"metrics": df}


def finding(kind: str, **kw: Any) -> dict[str, Any]:
    row = {c: None for c in SHORTCOMING_COLUMNS}
    row.update(
        community_id="t01",
        kind=kind,
        category=KIND_CATEGORY[kind],
        severity="medium",
        metric_id="",
        evidence="…",
        subject="x",
        subject_label="x",
    )
    row.update(kw)
    return row


def frame(*rows: dict[str, Any]) -> pd.DataFrame:
    df = pd.DataFrame(list(rows), columns=SHORTCOMING_COLUMNS)
    df["shortcoming_id"] = [f"S{i:02d}" for i in range(1, len(df) + 1)]
    df["rank"] = range(1, len(df) + 1)
    return df


# ---------------------------------------------------------------- playbook
def test_default_playbook_maps_every_kind() -> None:
    pb = load_playbook()
    assert set(pb.kinds) >= KINDS
    sc = frame(*[finding(k, metric_id="satisfaction_index") for k in sorted(KINDS)])
    plan = build_plan(sc, metrics_frame(), make_params(), include_routine=False)
    assert set(plan["kind"]) == KINDS
    assert set(plan["shortcoming_id"]) == set(sc["shortcoming_id"])
    assert list(plan.columns[: len(PLAN_COLUMNS)]) == PLAN_COLUMNS
    assert plan["action_id"].tolist() == [f"A{i:02d}" for i in range(1, len(plan) + 1)]
    assert set(plan["pdca_stage"]) <= {"Plan", "Do", "Check", "Act"}
    assert plan["action"].str.len().gt(0).all() and not plan["action"].str.contains("{", regex=False).any()


def test_due_dates_are_as_of_plus_days() -> None:
    pb = load_playbook()
    params = make_params()
    sc = frame(finding("hazard_overdue", subject="H1", subject_label="H1"))
    plan = build_plan(sc, metrics_frame(), params, include_routine=False)
    expected = [
        (params.as_of_date + dt.timedelta(days=a.due_days)).isoformat() for a in pb.kinds["hazard_overdue"]
    ]
    assert plan["due_on"].tolist() == expected == ["2025-11-08", "2025-12-05"]
    assert plan["action"].iloc[0].startswith("对逾期隐患H1立即落实整改")
    assert plan["owner_role"].tolist() == ["工程", "项目经理"]


def test_targets_from_findings() -> None:
    params = make_params()
    sc = frame(
        # a repair category at 40% on time vs 90% for the rest: reach the rest
        finding(
            "repair_sla_lag",
            metric_id="repair_timely_rate",
            subject="category=水电",
            subject_label="报修类别“水电”",
            value=0.4,
            reference=0.9,
        ),
        # a gain that faded: back to the quality-month level 80.0
        finding("gain_not_held", metric_id="satisfaction_index", value=72.0, reference=80.0),
    )
    plan = build_plan(sc, metrics_frame(), params, include_routine=False)
    sla = plan[plan["kind"] == "repair_sla_lag"].iloc[0]
    assert sla["kpi"] == "报修及时到场率（报修类别“水电”）"
    # reachable by the due date (qmlib/plan/rules.py): the two actions share one target over the longer
    # horizon, 45 days: 0.4 + min(1, 45/90)·(0.9 − 0.4) = 0.65
    assert sla["kpi_current"] == pytest.approx(0.4) and sla["kpi_target"] == pytest.approx(0.65)
    assert sla["kpi_target_text"] == "≥ 65.0%" and sla["owner_role"] == "工程"
    held = plan[plan["kind"] == "gain_not_held"]
    # current = the latest period's 72.0; 60 days: 72 + (2/3)·(80 − 72) = 77.33 → 77.4 (rounded up)
    assert held["kpi_current"].tolist() == [72.0, 72.0]
    assert held["kpi_target"].tolist() == [77.4, 77.4]
    assert "与目标≥ 77.4" in held.iloc[1]["action"]


def test_owner_by_subject_and_english() -> None:
    sc = frame(
        finding(
            "lagging_dimension",
            metric_id="satisfaction_index.cleaning",
            subject="cleaning",
            subject_label="Cleaning",
            value=60.0,
            reference=75.0,
        )
    )
    plan = build_plan(sc, metrics_frame(), make_params(), lang="en", include_routine=False)
    assert plan["owner_role"].tolist() == ["Cleaning"]
    assert plan["kpi"].tolist() == ["Satisfaction index: Cleaning"]
    assert plan["action"].iloc[0].startswith("Draw up an improvement plan for the weak dimension “Cleaning”")


def test_next_target_rules() -> None:
    improve = TargetRule(method="improve", value=0.5)
    # share, higher is better: close half the gap to 1
    assert next_target("repair_timely_rate", improve, 0.8) == pytest.approx(0.9)
    # rate, lower is better: halve it; rounding goes the better way (down)
    assert next_target("complaint_rate", improve, 1.235) == pytest.approx(0.61)
    # rating: range [1, 5]
    assert next_target("repair_rating", improve, 4.0) == pytest.approx(4.5)
    # reference is never worse than the current value, and is clipped
    ref = TargetRule(method="reference")
    assert next_target("repair_timely_rate", ref, 0.95, reference=0.9) == pytest.approx(0.95)
    assert next_target("repair_timely_rate", ref, 0.5, reference=1.3) == pytest.approx(1.0)
    # no reference: improve by half
    assert next_target("satisfaction_index", ref, 60.0) == pytest.approx(80.0)
    # hold: the better of the quality month and now
    hold = TargetRule(method="hold")
    assert next_target("satisfaction_index", hold, 72.0, quality_month=80.0) == pytest.approx(80.0)
    assert next_target("complaint_rate", hold, 1.5, quality_month=1.2) == pytest.approx(1.2)
    assert next_target("satisfaction_index", hold, None) is None
    assert next_target("hazard_count", TargetRule(method="fixed", value=0), 3.0) == 0
    assert fmt_target("complaint_rate", 1.2, -1) == "≤ 1.20"
    assert fmt_target("repair_timely_rate", 0.9, 1) == "≥ 90.0%"
    assert fmt_target(None, 0.0, -1) == "0"


def test_routine_mechanisms_hold_the_quality_month() -> None:
    rm = routine_mechanisms(metrics_frame(), make_params(), "zh")
    assert len(rm) >= 3 and (rm["shortcoming_id"] == "").all()
    insp = rm[rm["kpi_metric_id"] == "inspection_pass_rate"].iloc[0]
    # monthly mechanism, 30 days: 0.8 + (1/3)·(0.9 − 0.8) = 0.8333 → 0.834
    assert insp["kpi_current"] == pytest.approx(0.8) and insp["kpi_target"] == pytest.approx(0.834)
    assert insp["kpi"] == "品质检查合格率（按月统计）"
    sat = rm[rm["kpi_metric_id"] == "satisfaction_index"].iloc[0]
    # quarterly survey, 90 days: the whole gap back to the quality month's 80.0
    assert sat["kpi_target"] == pytest.approx(80.0) and sat["kpi"] == "满意度指数（按季度统计）"
    plan = build_plan(
        frame(finding("training_gap", metric_id="training_coverage")), metrics_frame(), make_params()
    )
    assert plan["shortcoming_id"].tolist()[-len(rm) :] == [""] * len(rm)


# ---------------------------------------------------------------- playbook errors
def _raw() -> dict:
    return yaml.safe_load(DEFAULT_PLAYBOOK.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (lambda r: r["kinds"].update(no_such_kind=r["kinds"]["hazard_overdue"]), "kinds", "no_such_kind"),
        (lambda r: r["kinds"].pop("repeat_failure"), "kinds", "repeat_failure"),
        (
            lambda r: r["kinds"]["hazard_overdue"][0].update(stage="Later"),
            "kinds.hazard_overdue[0].stage",
            "",
        ),
        (
            lambda r: r["kinds"]["hazard_overdue"][0].update(due_days=-1),
            "kinds.hazard_overdue[0].due_days",
            "",
        ),
        (
            lambda r: r["kinds"]["hazard_overdue"][0]["action"].update(zh="整改{who}"),
            "kinds.hazard_overdue[0].action.zh",
            "{who}",
        ),
        (
            lambda r: r["kinds"]["hazard_overdue"][1].update(kpi={"metric": "nps"}),
            "kinds.hazard_overdue[1].kpi",
            "nps",
        ),
        (
            lambda r: r["kinds"]["hazard_overdue"][0].update(colour="red"),
            "kinds.hazard_overdue[0].colour",
            "unknown key",
        ),
    ],
)
def test_playbook_errors_name_the_key(change: Any, key: str, message: str) -> None:
    raw = _raw()
    change(raw)
    with pytest.raises(PlaybookError) as err:
        parse_playbook(raw, "company.yaml")
    assert err.value.key == key
    assert str(err.value).startswith(f"company.yaml: {key}: ")
    assert message in str(err.value)


def test_company_playbook_with_default(tmp_path: Path) -> None:
    pb = {
        "roles": {"经理": "Manager"},
        "kinds": {
            "default": [
                {
                    "stage": "D",
                    "owner_role": "经理",
                    "due_days": 10,
                    "action": {"zh": "处理{subject}", "en": "Handle {subject}"},
                    "kpi": {"metric": "{metric_id}"},
                    "target": {"method": "improve", "value": 0.2},
                }
            ],
        },
    }
    path = tmp_path / "company.yaml"
    path.write_text(yaml.safe_dump(pb, allow_unicode=True), encoding="utf-8")
    sc = frame(
        finding("repeat_failure", metric_id="satisfaction_index", subject="EL-1", subject_label="EL-1")
    )
    plan = build_plan(sc, metrics_frame(), make_params(), playbook=path)
    assert plan["action"].tolist() == ["处理EL-1"] and plan["pdca_stage"].tolist() == ["Do"]
    # satisfaction 72.0 now: the benchmark closes 20% of the gap to 100 → 77.6; in 10 days a ninth of
    # the way there: 72 + (10/90)·5.6 = 72.62 → 72.7
    assert plan["kpi_target"].tolist() == [pytest.approx(72.7)]
    assert plan["due_on"].tolist() == ["2025-11-15"]
    with pytest.raises(PlaybookError, match="not found"):
        load_playbook(tmp_path / "missing.yaml")


def test_a_playbook_is_validated_once_per_content_and_an_edited_file_is_read_again(tmp_path: Path) -> None:
    from qmlib.plan import schema

    raw = yaml.safe_load(schema.DEFAULT_PLAYBOOK.read_text(encoding="utf-8"))
    raw["coordinator"] = "项目经理"
    path = tmp_path / "company.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    first = load_playbook(path)
    assert first.coordinator == "项目经理"
    before = len(schema._VALIDATED)
    again = load_playbook(path)
    assert len(schema._VALIDATED) == before  # the same bytes: no second validation
    assert again == first and again is not first  # each caller gets its own copy
    again.kinds.clear()  # what one caller does to its copy is not seen by the next
    assert load_playbook(path).kinds == first.kinds
    # the same size and (on a coarse clock) the same mtime: the bytes decide
    stat = path.stat()
    path.write_text(
        path.read_text(encoding="utf-8").replace("coordinator: 项目经理", "coordinator: 项目主管")
    )
    import os

    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    assert load_playbook(path).coordinator == "项目主管"
    # an edit that breaks the file is reported, not hidden by the earlier version
    path.write_text("kinds: [", encoding="utf-8")
    with pytest.raises(PlaybookError, match="not valid YAML"):
        load_playbook(path)


# ---------------------------------------------------------------- writing
def test_write_plan_escapes_formulas(tmp_path: Path) -> None:
    sc = frame(finding("data_missing_tables", subject="x", subject_label='=HYPERLINK("http://x")'))
    plan = build_plan(sc, metrics_frame(), make_params(), include_routine=False)
    plan.loc[0, "action"] = "=1+1 清理"
    plan.loc[0, "kpi"] = "-5 项"
    csv_path, xlsx_path = write_plan(plan, tmp_path)
    back = read_csv(csv_path)
    assert list(back.columns[: len(PLAN_COLUMNS)]) == PLAN_COLUMNS
    assert back.loc[0, "action"] == "'=1+1 清理"
    ws = openpyxl.load_workbook(xlsx_path).active
    header = [c.value for c in ws[1]]
    assert header[:4] == ["项目编号", "措施编号", "对应问题", "整改措施"]
    row = {h: c.value for h, c in zip(header, ws[2], strict=True)}
    assert row["整改措施"] == "'=1+1 清理"
    assert row["验证指标"] == "'-5 项"
    assert row["PDCA阶段"] == "计划（P）"
    assert row["目标值"] == 0


# ---------------------------------------------------------------- privacy
def test_mask_pii() -> None:
    assert mask_pii("业主13812345678来电") == "业主138****5678来电"
    assert (
        mask_pii("身份证110101199003071234，电话 15900001111") == "身份证110101********1234，电话 159****1111"
    )
    assert mask_pii("11010119900307123X") == "110101********123X"
    assert mask_pii("工单12345678901234567890") == "工单12345678901234567890"  # 20 digits: neither
    assert mask_pii("12812345678") == "12812345678"  # second digit 2: not a mobile number
    assert mask_pii(None) is None  # type: ignore[arg-type]
    df = mask_frame(pd.DataFrame({"a": ["tel 13912345678", None], "b": [1, 2]}))
    assert df["a"].tolist()[0] == "tel 139****5678" and df["b"].tolist() == [1, 2]


def test_plan_masks_pii() -> None:
    sc = frame(finding("repeat_failure", subject="13812345678", subject_label="13812345678"))
    plan = build_plan(sc, metrics_frame(), make_params(), include_routine=False)
    assert plan["action"].str.contains("138****5678", regex=False).all()
    assert not plan["action"].str.contains("13812345678", regex=False).any()
    assert not plan["kpi"].str.contains("13812345678", regex=False).any()
