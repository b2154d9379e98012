"""Ingest (contract section 2): aliases, encodings, formats, and every rejection rule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from qmlib.errors import InputFileError, ParamsError, QmError
from qmlib.ingest import ingest_community, load_clean
from qmlib.ingest.parsers import ParseContext, parse_bool, parse_datetime
from qmlib.outputs import read_csv
from qmlib.schema import TABLES, Column

PARAMS = """\
community_id: c001
name: 翠湖花园
households: 1000
staff: {客服: 5, 工程: 5}
periods:
  baseline: [2025-08-01, 2025-08-31]
  quality_month: [2025-09-01, 2025-09-30]
  followup: [2025-10-01, 2025-10-31]
language: en
"""


def valid_value(col: Column) -> str:
    """A valid raw cell for a column (all timestamps equal so order rules pass)."""
    return {
        "text": "X1",
        "timestamp": "2025-09-01 08:30",
        "date": "2025-09-01",
        "bool": "是",
        "number": "80",
        "integer": "3",
        "score": "4",
        "rating": "5",
    }.get(col.kind) or next(iter(col.enum.values()))  # type: ignore[union-attr]


def community(tmp_path: Path, files: dict[str, str | bytes], params: str = PARAMS) -> Path:
    """Write data/c001/<files> and params/c001.yaml; always add a valid surveys.csv."""
    data = tmp_path / "data" / "c001"
    data.mkdir(parents=True)
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "c001.yaml").write_text(params, encoding="utf-8")
    files = {"surveys.csv": "response_id,surveyed_at,overall\nR1,2025-09-01,4\n", **files}
    for name, content in files.items():
        path = data / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return tmp_path


def run(root: Path):
    return ingest_community("c001", root / "data", root / "params", root / "outputs")


def one_row_csv(
    table: str, header_for: dict[str, str] | None = None, overrides: dict[str, str] | None = None
) -> str:
    spec = TABLES[table]
    header_for = header_for or {}
    overrides = overrides or {}
    headers = [header_for.get(c.name, c.name) for c in spec.columns]
    values = [overrides.get(c.name, valid_value(c)) for c in spec.columns]
    return ",".join(headers) + "\n" + ",".join(values) + "\n"


ALIASES = [(t, c.name, a) for t, spec in TABLES.items() for c in spec.columns for a in c.aliases]


@pytest.mark.parametrize(("table", "column", "alias"), ALIASES)
def test_every_alias_is_accepted(tmp_path: Path, table: str, column: str, alias: str) -> None:
    files = {f"{table}.csv": one_row_csv(table, {column: f"  {alias.upper()} "})}
    if table == "asset_events":
        files["assets.csv"] = "asset_id,type\nX1,elevator\n"
    if table == "surveys":
        files = {"surveys.csv": one_row_csv("surveys", {column: alias})}
    result = run(community(tmp_path, files))
    clean = result.tables[table]
    assert len(clean) == 1, result.rejects.to_dict("records")
    assert column in clean.columns
    assert clean[column].notna().all()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    text = "问卷编号,调查日期,楼栋,总体满意度,意见建议\nR1,2025-09-01,一号楼,非常满意,电梯很干净\n"
    root = community(tmp_path, {"surveys.csv": text.encode(encoding)})
    clean = run(root).tables["surveys"]
    assert clean.loc[0, "building"] == "一号楼"
    assert clean.loc[0, "comment"] == "电梯很干净"
    assert clean.loc[0, "overall"] == 5.0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-09-01 08:30", "2025-09-01 08:30:00"),
        ("2025-09-01 08:30:15", "2025-09-01 08:30:15"),
        ("2025/9/1 8:30", "2025-09-01 08:30:00"),
        ("2025年9月1日 8:30", "2025-09-01 08:30:00"),
        ("2025-09-01T08:30:00", "2025-09-01 08:30:00"),
        ("2025-09-01T00:30:00Z", "2025-09-01 08:30:00"),
        ("2018-02-21 14:03:38.398316+00:00", "2018-02-21 22:03:38.398316"),
        ("2025-09-01T10:30:00+10:00", "2025-09-01 08:30:00"),
        ("2025-09-01", "2025-09-01 00:00:00"),
        ("2025/9/1", "2025-09-01 00:00:00"),
    ],
)
def test_timestamp_formats(raw: str, expected: str) -> None:
    values, bad = parse_datetime(pd.Series([raw], dtype=str), ParseContext())
    assert not bad.any()
    assert values.iloc[0] == pd.Timestamp(expected)


def test_offsets_use_the_community_time_zone() -> None:
    values, _ = parse_datetime(pd.Series(["2025-09-01T00:30:00Z"]), ParseContext(timezone="Asia/Tokyo"))
    assert values.iloc[0] == pd.Timestamp("2025-09-01 09:30")


@pytest.mark.parametrize("raw", ["2025-13-01", "yesterday", "2025-02-30 08:00", "12:30"])
def test_unparseable_timestamps_are_flagged(raw: str) -> None:
    _, bad = parse_datetime(pd.Series([raw], dtype=str), ParseContext())
    assert bad.all()


def test_booleans() -> None:
    raw = pd.Series(["是", "否", "Y", "n", "YES", "no", "True", "false", "1", "0", "", "maybe"], dtype=str)
    values, bad = parse_bool(raw)
    assert values.tolist()[:10] == [True, False] * 5
    assert pd.isna(values.iloc[10]) and not bad.iloc[10]
    assert bad.iloc[11]


def test_xlsx_with_excel_date_cells(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["工单号", "报修时间", "到场时间", "报修类别", "紧急程度", "是否返修", "回访评分"])
    sheet.append(["W1", dt.datetime(2025, 9, 1, 8, 30), "2025/9/1 8:50", "水电", "urgent", True, 5])
    sheet.append(["W2", dt.datetime(2025, 9, 2, 9, 0), None, "门窗", None, None, None])
    root = community(tmp_path, {})
    book.save(root / "data" / "c001" / "work_orders.xlsx")
    clean = run(root).tables["work_orders"]
    assert clean["reported_at"].tolist() == [
        pd.Timestamp("2025-09-01 08:30"),
        pd.Timestamp("2025-09-02 09:00"),
    ]
    assert clean["urgency"].tolist() == ["紧急", "普通"]  # English value, then the default
    assert clean.loc[0, "reworked"] is True or bool(clean.loc[0, "reworked"]) is True
    assert clean.loc[0, "rating"] == 5.0


def test_enumerations_in_chinese_or_english(tmp_path: Path) -> None:
    assets = "设备编号,设备类型\nA1,电梯\nA2,Elevator\nA3,CCTV\nA4,楼宇自控\n"
    clean = run(community(tmp_path, {"assets.csv": assets})).tables["assets"]
    assert clean["type"].tolist() == ["电梯", "电梯", "安防监控", "楼宇自控"]


def test_defaults_are_filled(tmp_path: Path) -> None:
    complaints = "complaint_id,received_at,category\nC1,2025-09-01 08:00,噪音\n"
    hazards = "hazard_id,found_at,area\nH1,2025-09-01 08:00,消防\n"
    root = community(tmp_path, {"complaints.csv": complaints, "hazards.csv": hazards})
    tables = run(root).tables
    assert bool(tables["complaints"].loc[0, "valid"]) is True
    assert bool(tables["complaints"].loc[0, "escalated"]) is False
    assert tables["hazards"].loc[0, "severity"] == "一般"


WORK_ORDERS = """\
工单号,报修时间,到场时间,完成时间,报修类别,紧急程度,状态,是否返修,回访评分,登记人
W1,2025-09-01 08:00,2025-09-01 08:20,2025-09-01 10:00,水电,紧急,已完成,否,5,张三
W2,2025-09-01 08:00,2025-09-01 07:50,,水电,普通,,,,
W1,2025-09-02 08:00,,,门窗,普通,,,,
W4,,,,门窗,普通,,,,
W5,2025-09-01 25:00,,,门窗,普通,,,,
W6,2025-09-01 08:00,,,门窗,特急,,,,
W7,2025-09-01 08:00,,,门窗,普通,,,7,
W8,2025-09-01 08:00,,,,普通,,,,
W9,2025-09-01 08:00,,,门窗,普通,,也许,,

W11,2025-09-01 08:00,,2025-08-31 08:00,门窗,普通,,,,
"""


def test_every_rejection_rule_is_reported_with_row_column_and_reason(tmp_path: Path) -> None:
    root = community(tmp_path, {"work_orders.csv": WORK_ORDERS})
    result = run(root)
    rejects = result.rejects[result.rejects["table"] == "work_orders"].set_index("source_row")
    expected = {
        3: ("arrived_at", "before"),  # arrived before reported
        4: ("order_id", "repeats row 2"),
        5: ("reported_at", "required"),
        6: ("reported_at", "date-time"),
        7: ("urgency", "normal"),
        8: ("rating", "1–5"),
        9: ("category", "required"),
        10: ("reworked", "yes/no"),
        12: ("completed_at", "before"),
    }
    assert sorted(rejects.index) == sorted(expected)
    for row, (column, words) in expected.items():
        assert rejects.loc[row, "column"] == column
        assert words in rejects.loc[row, "reason"], rejects.loc[row, "reason"]
    assert rejects.loc[8, "value"] == "7"
    summary = result.summary.set_index("table").loc["work_orders"]
    assert (summary.rows_read, summary.rows_accepted, summary.rows_rejected) == (10, 1, 9)
    clean = result.tables["work_orders"]
    assert clean["order_id"].tolist() == ["W1"]
    assert "登记人" in clean.columns  # extra columns are kept


def test_outputs_written_as_contract_says(tmp_path: Path) -> None:
    root = community(tmp_path, {"work_orders.csv": WORK_ORDERS})
    run(root)
    out = root / "outputs" / "c001"
    assert (out / "rejects.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    summary = read_csv(out / "ingest_summary.csv")
    assert list(summary.columns) == [
        "table",
        "source_file",
        "rows_read",
        "rows_accepted",
        "rows_rejected",
        "missing_columns",
        "notes",
    ]
    assert (summary.rows_read == summary.rows_accepted + summary.rows_rejected).all()
    rejects = read_csv(out / "rejects.csv")
    assert list(rejects.columns) == ["table", "source_file", "source_row", "column", "value", "reason"]
    assert len(rejects) == summary.rows_rejected.sum()
    tables = load_clean(root / "outputs", "c001")
    assert str(tables["work_orders"]["reported_at"].dtype) == "datetime64[ns]"
    assert str(tables["work_orders"]["urgency"].dtype) == "string"


def test_asset_events_rules(tmp_path: Path) -> None:
    assets = "asset_id,type\nE1,elevator\n"
    events = (
        "event_id,asset_id,kind,scheduled_on,occurred_at,restored_at\n"
        "V1,E1,failure,,2025-09-01 08:00,2025-09-01 10:00\n"
        "V2,E9,failure,,2025-09-01 08:00,\n"
        "V3,E1,maintenance,,,\n"
        "V4,E1,故障,,,\n"
        "V5,E1,维保,2025-09-05,,\n"
        "V6,E1,failure,,2025-09-01 08:00,2025-09-01 07:00\n"
    )
    result = run(community(tmp_path, {"assets.csv": assets, "asset_events.csv": events}))
    rejects = result.rejects.set_index("source_row")
    assert rejects.loc[3, "column"] == "asset_id" and "asset register" in rejects.loc[3, "reason"]
    assert rejects.loc[4, "column"] == "scheduled_on"
    assert rejects.loc[5, "column"] == "occurred_at"
    assert rejects.loc[7, "column"] == "restored_at"
    assert result.tables["asset_events"]["event_id"].tolist() == ["V1", "V5"]


def test_survey_scales_and_labels(tmp_path: Path) -> None:
    surveys = "编号,日期,总体评价,保洁\nR1,2025-09-01,8,10\nR2,2025-09-01,11,5\nR3,2025-09-01,满意,5\n"
    params = PARAMS + "survey_scale: 10\n"
    result = run(community(tmp_path, {"surveys.csv": surveys}, params))
    assert result.tables["surveys"]["response_id"].tolist() == ["R1"]
    reasons = result.rejects.set_index("source_row")["reason"]
    assert "10-point" in reasons.loc[3] and "10-point" in reasons.loc[4]


def test_training_negative_hours_and_score_range(tmp_path: Path) -> None:
    training = (
        "record_id,employee_id,role,course,trained_on,hours,score\n"
        "T1,E1,客服,礼仪,2025-09-01,2,90\nT2,E2,客服,礼仪,2025-09-01,-1,90\n"
        "T3,E3,客服,礼仪,2025-09-01,,101\nT4,E4,客服,礼仪,2025-09-01,,\n"
    )
    result = run(community(tmp_path, {"training.csv": training}))
    clean = result.tables["training"]
    assert clean["record_id"].tolist() == ["T1", "T4"]
    assert clean["hours"].tolist() == [2.0, 0.0]  # documented default 0
    reasons = result.rejects.set_index("source_row")
    assert reasons.loc[3, "column"] == "hours" and reasons.loc[4, "column"] == "score"


def test_blank_lines_keep_spreadsheet_row_numbers(tmp_path: Path) -> None:
    surveys = "response_id,surveyed_at,overall\nR1,2025-09-01,4\n\n\nR2,not a date,4\n"
    result = run(community(tmp_path, {"surveys.csv": surveys}))
    assert result.rejects["source_row"].tolist() == [5]
    assert result.summary.loc[0, "rows_read"] == 2


def test_header_only_file_is_an_empty_table(tmp_path: Path) -> None:
    result = run(community(tmp_path, {"incidents.csv": "incident_id,occurred_at,type\n"}))
    assert len(result.tables["incidents"]) == 0


@pytest.mark.parametrize(
    ("files", "words"),
    [
        (
            {"work_orders.csv": "order_id,reported_at\nW1,2025-09-01\n"},
            ["work_orders.csv", "category", "报修类别", "类别"],
        ),
        ({"work_orders.csv": ""}, ["work_orders.csv", "empty"]),
        ({"work_orders.csv": b"\x00\x01\x02garbage"}, ["work_orders.csv", "binary"]),
        ({"work_orders.xlsx": b"PK\x03\x04truncated"}, ["work_orders.xlsx", "Excel"]),
        ({"work_orders.csv": "工单号,报修时间,类别,报修类别\n"}, ["both mean", "category"]),
    ],
)
def test_unreadable_files_give_one_clear_error(tmp_path: Path, files: dict, words: list[str]) -> None:
    with pytest.raises(InputFileError) as err:
        run(community(tmp_path, files))
    for word in words:
        assert word in str(err.value)


def test_missing_surveys_is_an_error(tmp_path: Path) -> None:
    root = community(tmp_path, {})
    (root / "data" / "c001" / "surveys.csv").unlink()
    with pytest.raises(InputFileError, match="surveys"):
        run(root)


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (lambda s: s + "colour: blue\n", "colour"),
        (lambda s: s.replace("households: 1000", "households: many"), "households"),
        (lambda s: s.replace("households: 1000", "households: 0"), "households"),
        (lambda s: s.replace("[2025-09-01, 2025-09-30]", "[2025-08-15, 2025-09-30]"), "periods"),
        (lambda s: s + "targets:\n  - {metric: happiness, kind: delta, value: 2}\n", "targets[0].metric"),
        (lambda s: s + "targets:\n  - {metric: satisfaction_index, kind: delta, value: 0}\n", "targets[0]"),
        (lambda s: s.replace("community_id: c001", "community_id: c002"), "community_id"),
        (lambda s: s + "survey_scale: 7\n", "survey_scale"),
    ],
)
def test_bad_params_name_the_key(tmp_path: Path, edit, key: str) -> None:
    root = community(tmp_path, {}, edit(PARAMS))
    with pytest.raises(ParamsError) as err:
        run(root)
    assert f": {key}" in str(err.value)
    assert "c001.yaml" in str(err.value)


@pytest.mark.parametrize("bad_id", ["../etc", "C001", "", "a/b", "x" * 65])
def test_community_ids_cannot_escape_folders(tmp_path: Path, bad_id: str) -> None:
    with pytest.raises(QmError, match="not valid"):
        ingest_community(bad_id, tmp_path, tmp_path, tmp_path)


def test_dst_arrival_counts_real_minutes() -> None:
    """Across a daylight-saving change an arrival 20 minutes after the report counts 20, with
    explicit offsets or as wall-clock time (America/New_York, corpus case dst-offsets)."""
    from qmlib.metrics.repairs import arrival_minutes

    root = Path(__file__).parent / "corpus" / "dst-offsets"
    result = ingest_community("dst-offsets", root / "data", root / "params", root / "unused", write=False)
    orders = result.tables["work_orders"]
    assert orders["order_id"].tolist() == ["W1", "W2", "W3"]
    assert arrival_minutes(orders).tolist() == [20.0, 20.0, 20.0]
    # wall-clock times keep the contract's meaning: local time, the offset dropped
    assert str(orders.loc[2, "arrived_at"]) == "2025-03-09 03:10:00"


def test_dst_wall_clock_times_without_offsets(tmp_path: Path) -> None:
    from qmlib.metrics.repairs import arrival_minutes

    root = community(
        tmp_path,
        {
            "work_orders.csv": "工单号,报修时间,到场时间,报修类别\nW1,2025-03-09 01:50,2025-03-09 03:10,水电\n"
            "W2,2025-09-09 01:50,2025-09-09 03:10,水电\n",
        },
    )
    params = root / "params" / "c001.yaml"
    params.write_text(params.read_text(encoding="utf-8") + "timezone: America/New_York\n", encoding="utf-8")
    result = run(root)
    assert arrival_minutes(result.tables["work_orders"]).tolist() == [20.0, 80.0]


def test_no_instant_columns_without_daylight_saving(tmp_path: Path) -> None:
    root = community(tmp_path, {"work_orders.csv": WORK_ORDERS})
    assert not [c for c in run(root).tables["work_orders"].columns if c.startswith("_utc_")]


@pytest.mark.parametrize("case", ["xlsx-huge-used-range", "xlsx-16384-columns"])
def test_xlsx_time_follows_the_content(case: str) -> None:
    """A 5-row sheet declaring 16,384 columns (or the whole sheet) reads in well under a second
    of CPU (openpyxl took 564 s and 128 GiB)."""
    import time

    root = Path(__file__).parent / "corpus" / case
    start = time.process_time()
    result = ingest_community(case, root / "data", root / "params", root / "unused", write=False)
    assert time.process_time() - start < 2.0
    assert int(result.summary.set_index("table").loc["surveys", "rows_read"]) == 5


def test_blank_rows_need_every_cell_empty_in_text_and_xlsx_columns() -> None:
    import numpy as np

    from qmlib.ingest.readers import _blank_rows, _is_empty_cell

    frame = pd.DataFrame(
        {
            "a": pd.array(["x", " ", "", None, "  "], dtype="string"),
            "b": pd.Series([None, float("nan"), " \t", 3.0, ""], dtype=object),
            "c": pd.array(["", "", "", "", "z"], dtype="string"),
        }
    )
    assert _blank_rows(frame).tolist() == [False, True, True, False, False]
    reference = np.logical_and.reduce([_is_empty_cell(frame[c]).to_numpy() for c in frame.columns])
    assert np.array_equal(_blank_rows(frame), reference)
    assert _blank_rows(frame[["a"]]).tolist() == [False, True, True, True, True]
    assert _blank_rows(frame.iloc[:0]).tolist() == []
