"""Write the generated cases of the bad-input corpus (run from the repository root).

``python tests/corpus/make_cases.py`` (re)creates the cases listed in CASES below:
each is ``tests/corpus/<case>/`` with ``data/<case>/``, ``params/<case>.yaml``
and ``expected.yaml``. Binary inputs (xlsx with a stale or huge declared used
range, GBK bytes, NUL bytes) are easier to write from code than by hand; the
files are committed, so the tests do not run this script.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import yaml
from openpyxl import Workbook

CORPUS = Path(__file__).parent

PARAMS = """community_id: {cid}
name: 坏数据样例
households: 500
staff: {{客服: 3, 工程: 4}}
periods:
  baseline: [2025-08-01, 2025-08-31]
  quality_month: [2025-09-01, 2025-09-30]
  followup: [2025-10-01, 2025-10-31]
"""
SURVEYS = "问卷编号,调查日期,总体满意度\nR1,2025-08-03,4\nR2,2025-09-03,5\n"


def case(
    name: str,
    files: dict[str, str | bytes],
    expected: dict,
    params: str | None = None,
    params_name: str | None = None,
) -> None:
    root = CORPUS / name
    shutil.rmtree(root, ignore_errors=True)
    data = root / "data" / name
    data.mkdir(parents=True)
    (root / "params").mkdir()
    text = (
        (params if params is not None else PARAMS)
        .replace("{cid}", name)
        .replace("{{", "{")
        .replace("}}", "}")
    )
    (root / "params" / f"{params_name or name}.yaml").write_text(text, encoding="utf-8")
    for fname, content in files.items():
        path = data / fname
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    (root / "expected.yaml").write_text(
        yaml.safe_dump(expected, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def xlsx(rows: list[list[object]], dimension: str | None = None, extra_cells: str = "") -> bytes:
    """An xlsx workbook of ``rows``; ``dimension`` overwrites the declared used range."""
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    if dimension is None and not extra_cells:
        return buf.getvalue()
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode("utf-8")
                if dimension is not None:
                    xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>', xml)
                if extra_cells:
                    xml = xml.replace("</row>", extra_cells + "</row>", 1)
                data = xml.encode("utf-8")
            dst.writestr(item, data)
    return out.getvalue()


SURVEY_ROWS = [["问卷编号", "调查日期", "总体满意度"]] + [
    [f"R{i}", f"2025-09-{i % 28 + 1:02d}", 4] for i in range(1, 21)
]
PHONE = "138" + "1234" + "5678"


def main() -> None:
    # --- xlsx: the declared used range is not trusted (issue 10, items 1 and 9) ---------------
    case("xlsx-stale-dimension", {"surveys.xlsx": xlsx(SURVEY_ROWS, "A1:C3")}, {"accepted": {"surveys": 20}})
    case("xlsx-dimension-a1", {"surveys.xlsx": xlsx(SURVEY_ROWS, "A1")}, {"accepted": {"surveys": 20}})
    case(
        "xlsx-huge-used-range",
        {"surveys.xlsx": xlsx(SURVEY_ROWS[:6], "A1:XFD1048576")},
        {"accepted": {"surveys": 5}},
    )
    case(
        "xlsx-16384-columns",
        {
            "surveys.xlsx": xlsx(
                SURVEY_ROWS[:6], "A1:XFD6", '<c r="XFD1" t="inlineStr"><is><t>far</t></is></c>'
            )
        },
        {"accepted": {"surveys": 5}},
    )
    offset = xlsx([[None, *r] for r in SURVEY_ROWS[:4]] + [[None], [None, None, None, None, None, "备注"]])
    # the header starts in column B; a value alone in an unnamed column (row 6) is a row: rejected
    case(
        "xlsx-offset-columns",
        {"surveys.xlsx": offset},
        {"accepted": {"surveys": 3}, "rejected": {"surveys": 1}, "extra_columns": {"surveys": ["column_6"]}},
    )
    date_rows = [["问卷编号", "调查日期", "总体满意度"]]
    import datetime as dt

    date_rows += [[f"R{i}", dt.datetime(2025, 9, i), 4] for i in range(1, 4)]
    case(
        "xlsx-date-cells",
        {"surveys.xlsx": xlsx(date_rows, "A1:C2")},
        {"accepted": {"surveys": 3}, "outside_periods": {"surveys": 0}},
    )

    # --- control characters are replaced by a space, and noted (item 5) -----------------------
    case(
        "control-characters",
        {
            "surveys.csv": SURVEYS,
            "work_orders.csv": "工单号,报修时间,报修类别\nW1,2025-09-01 08:00,水\x0b电\nW2,2025-09-01 09:00,门\x1b窗\x7f\nW3,2025-09-01 10:00,照明\n",
        },
        {
            "accepted": {"surveys": 2, "work_orders": 3},
            "notes": {"work_orders": ["2"]},
            "clean_values": {"work_orders": {"category": ["水 电", "门 窗", "照明"]}},
        },
    )

    # --- out-of-range numbers are rejected with a reason (item 6) -------------------------------
    case(
        "numbers-beyond-bounds",
        {
            "surveys.csv": SURVEYS,
            "incidents.csv": "事故编号,发生时间,事故类型,受伤人数\nI1,2025-09-01 08:00,跌倒,1e20\nI2,2025-09-02 08:00,跌倒,inf\nI3,2025-09-03 08:00,跌倒,2\nI4,2025-09-04 08:00,跌倒,10000\n",
            "training.csv": "记录编号,员工编号,岗位,课程,培训日期,学时\nT1,E1,客服,礼仪,2025-09-01,1e308\nT2,E2,客服,礼仪,2025-09-01,1e308\nT3,E3,客服,礼仪,2025-09-01,-inf\nT4,E4,客服,礼仪,2025-09-01,744\nT5,E5,客服,礼仪,2025-09-01,NaN\n",
        },
        {
            "accepted": {"surveys": 2, "incidents": 2, "training": 1},
            "rejected": {"incidents": 2, "training": 4},
            "reject_columns": {"incidents": ["injuries"], "training": ["hours"]},
        },
    )

    # --- timestamps that do not name a day (item 10) --------------------------------------------
    case(
        "incomplete-timestamps",
        {
            "surveys.csv": SURVEYS,
            "work_orders.csv": (
                "工单号,报修时间,报修类别\nW1,2025,水电\nW2,2025-09,水电\nW3,today,水电\nW4,now,水电\n"
                "W5,2025-09-01,水电\nW6,20250901,水电\nW7,2025年9月1日 8时30分,水电\nW8,2025/9/1 8:30,水电\n"
                "W9,2025-09-01T00:30:00Z,水电\nW10,2025年9月,水电\nW11,Now,水电\n"
            ),
        },
        {
            "accepted": {"surveys": 2, "work_orders": 5},
            "rejected": {"work_orders": 6},
            "reject_columns": {"work_orders": ["reported_at"]},
        },
    )

    # --- one encoding per file (item 10) ---------------------------------------------------------
    mixed = (
        "问卷编号,调查日期,总体满意度,意见建议\nR1,2025-09-01,4,很好\n".encode()
        + "R2,2025-09-02,5,保洁及时\n".encode("gbk")
        + "R3,2025-09-03,4,绿化不错\n".encode()
    )
    case(
        "mixed-utf8-gbk",
        {"surveys.csv": mixed},
        {"error": ["surveys.csv", "mixes two text encodings", "line 3"]},
    )
    case(
        "gbk-file",
        {"surveys.csv": "问卷编号,调查日期,总体满意度,意见建议\nR1,2025-09-01,4,保洁及时\n".encode("gbk")},
        {"accepted": {"surveys": 1}},
    )
    case(
        "repeated-header",
        {"surveys.csv": "response_id,surveyed_at,overall,overall\nR1,2025-09-01,4,5\n"},
        {"error": ["surveys.csv", "'overall' appears twice", "columns 3 and 4"]},
    )

    # --- CSV structure (item 11) -----------------------------------------------------------------
    case(
        "unbalanced-quote",
        {
            "work_orders.csv": (
                '工单号,报修时间,报修类别,楼栋\nW1,2025-09-01 08:00,"水电,1栋\nW2,2025-09-01 09:00,门窗,2栋\n'
                'W3,2025-09-01 10:00,照明,3栋\nW4,2025-09-01 11:00,"门窗",4栋\n'
            ),
            "surveys.csv": SURVEYS,
        },
        {"error": ["work_orders.csv", "quote"]},
    )
    case(
        "quote-followed-by-text",
        {
            "surveys.csv": '问卷编号,调查日期,总体满意度,意见建议\nR1,2025-09-01,4,"很好"吗\nR2,2025-09-02,5,ok\n',
        },
        {"error": ["surveys.csv", "quote"]},
    )
    case(
        "quoted-line-break",
        {
            "surveys.csv": '问卷编号,调查日期,总体满意度,意见建议\nR1,2025-09-01,4,"第一行\n第二行, 还有"\nR2,2025-09-02,5,ok\n',
        },
        {"accepted": {"surveys": 2}},
    )
    case(
        "trailing-comma",
        {
            "surveys.csv": "问卷编号,调查日期,总体满意度\nR1,2025-08-03,4,\nR2,2025-09-03,5,\n",
            "work_orders.csv": "工单号,报修时间,报修类别,\nW1,2025-09-01 08:00,水电,\nW2,2025-09-01 09:00,门窗,\n",
        },
        {
            "accepted": {"surveys": 2, "work_orders": 2},
            "notes": {"surveys": ["1"], "work_orders": ["1"]},
            "clean_values": {
                "work_orders": {"category": ["水电", "门窗"]},
                "surveys": {"overall": [4.0, 5.0]},
            },
        },
    )
    case(
        "value-under-no-header",
        {
            "surveys.csv": "问卷编号,调查日期,总体满意度\nR1,2025-08-03,4,x\nR2,2025-09-03,5,\n",
        },
        {"accepted": {"surveys": 2}, "extra_columns": {"surveys": ["column_4"]}},
    )
    big = SURVEYS.encode() + b"".join(f"R{i},2025-09-03,5\n".encode() for i in range(3, 7000))
    case(
        "nul-after-64k",
        {"surveys.csv": big + b"R9999,2025-09-03,\x005\n"},
        {"error": ["surveys.csv", "binary", "NUL", "line 7001"]},
    )
    case(
        "file-name-case",
        {"surveys.csv": SURVEYS, "Work_Orders.CSV": "工单号,报修时间,报修类别\nW1,2025-09-01 08:00,水电\n"},
        {"accepted": {"surveys": 2, "work_orders": 1}},
    )
    case(
        "xls-file",
        {"surveys.csv": SURVEYS, "work_orders.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100},
        {"error": ["work_orders.xls", ".xls", "work_orders.xlsx"]},
    )
    case(
        "tsv-file",
        {
            "surveys.csv": SURVEYS,
            "work_orders.tsv": "工单号\t报修时间\t报修类别\nW1\t2025-09-01 08:00\t水电\n",
        },
        {"accepted": {"surveys": 2}, "notes": {"work_orders": ["work_orders.tsv", ".csv"]}},
    )
    case(
        "missing-optional-columns",
        {
            "surveys.csv": SURVEYS,
            "work_orders.csv": "工单号,报修时间,报修类别,到场时间\nW1,2025-09-01 08:00,水电,2025-09-01 08:20\n",
        },
        {
            "accepted": {"surveys": 2, "work_orders": 1},
            "missing_columns": {
                "surveys": "building;customer_service;cleaning;greening;security;repairs;facilities;comment",
                "work_orders": "dispatched_at;completed_at;urgency;building;status;reworked;rating",
            },
        },
    )

    # --- daylight-saving time zones (item 15) ------------------------------------------------------
    dst_params = PARAMS.replace("periods:", "timezone: America/New_York\nperiods:").replace(
        "2025-10-01, 2025-10-31", "2025-10-01, 2025-11-30"
    )
    case(
        "dst-offsets",
        {
            "surveys.csv": SURVEYS,
            "work_orders.csv": (
                "工单号,报修时间,到场时间,报修类别\n"
                # fall back: 01:50 EDT, then 01:10 EST is 20 minutes later
                "W1,2025-11-02T01:50:00-04:00,2025-11-02T01:10:00-05:00,水电\n"
                "W2,2025-11-02 01:50:00-04:00,2025-11-02 01:10:00-05:00,水电\n"
                # spring forward (in the baseline's year before): 01:50 EST, then 03:10 EDT
                "W3,2025-03-09T01:50:00-05:00,2025-03-09T03:10:00-04:00,水电\n"
                # a wrong order, even with offsets: 01:10 EST is after 01:50 EDT only by 20 min
                "W4,2025-11-02T01:10:00-05:00,2025-11-02T01:50:00-04:00,水电\n"
            ),
        },
        {
            "accepted": {"surveys": 2, "work_orders": 3},
            "rejected": {"work_orders": 1},
            "reject_columns": {"work_orders": ["arrived_at"]},
        },
        params=dst_params,
    )

    # --- params (item 8 and 13, contract v1.1 section 1) ------------------------------------------
    def bad_params(name: str, change: str, fragments: list[str]) -> None:
        case(name, {"surveys.csv": SURVEYS}, {"error": [f"{name}.yaml", *fragments]}, params=PARAMS + change)

    bad_params("params-as-of-early", "as_of: 2025-09-15\n", ["as_of", "2025-09-30"])
    bad_params("params-households-bool", "", ["households", "true/false"])
    text = (CORPUS / "params-households-bool" / "params" / "params-households-bool.yaml").read_text(
        encoding="utf-8"
    )
    (CORPUS / "params-households-bool" / "params" / "params-households-bool.yaml").write_text(
        text.replace("households: 500", "households: true"), encoding="utf-8"
    )
    bad_params("params-duplicate-key", "households: 600\n", ["households", "twice", "lines 3 and 9"])
    bad_params(
        "params-nan-target",
        "targets:\n  - {metric: satisfaction_index, kind: at_least, value: .nan}\n",
        ["targets[0].value", "finite"],
    )
    bad_params(
        "params-inf-target",
        "targets:\n  - {metric: satisfaction_index, kind: at_least, value: .inf}\n",
        ["targets[0].value", "finite"],
    )
    bad_params(
        "params-negative-sla",
        "sla:\n  complaint_response_hours: -24\n",
        ["sla.complaint_response_hours", "≥ 0"],
    )
    bad_params(
        "params-negative-sla-minutes",
        "sla:\n  repair_arrival_minutes: {普通: -30}\n",
        ["sla.repair_arrival_minutes", "≥ 0"],
    )
    bad_params("params-nan-sla", "sla:\n  hazard_due_days: {一般: .nan}\n", ["sla.hazard_due_days", "finite"])
    bad_params("params-localtime", "timezone: localtime\n", ["timezone", "localtime"])
    case("portfolio", {"surveys.csv": SURVEYS}, {"error": ["'portfolio'", "reserved"]})


if __name__ == "__main__":
    main()
