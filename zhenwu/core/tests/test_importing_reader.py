"""Reading uploaded ledgers, finding their header, writing exports and templates (no database)."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from zhenwu.core.importing.parsers import parse_amount, parse_date, parse_text
from zhenwu.core.importing.reader import (
    ColumnSpec,
    HeaderMatch,
    ImportFileError,
    Sheet,
    column_letter,
    find_header,
    header_unit,
    iter_rows,
    normalize_header,
    read_table,
)
from zhenwu.core.importing.writer import template_xlsx, write_csv, write_xlsx

COLUMNS = [
    ColumnSpec("name", "项目名称", synonyms=("名称", "项目"), required=True),
    ColumnSpec("signed_on", "签约时间", synonyms=("签约日期",), required=True),
    ColumnSpec("investment", "计划总投资", synonyms=("总投资",)),
    ColumnSpec("village", "所属村", synonyms=("村（社区）",)),
]


def make_xlsx(path, rows, merges=(), start="A1", sheets_before=()):
    """Write ``rows`` starting at ``start``; ``merges`` are ranges like "A1:D1"."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for title, hidden in sheets_before:
        extra = wb.create_sheet(title, 0)
        extra["A1"] = "选项"
        if hidden:
            extra.sheet_state = "hidden"
        else:
            extra["A1"] = None
    start_cell = ws[start]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.cell(row=start_cell.row + r, column=start_cell.column + c, value=value)
    for rng in merges:
        ws.merge_cells(rng)
    wb.active = wb.worksheets.index(ws)
    wb.save(path)
    return path


def records(sheet, header, **kwargs):
    return list(iter_rows(sheet, header, **kwargs))


# --- basic xlsx ------------------------------------------------------------------------------


def test_plain_header_in_first_row(tmp_path):
    path = make_xlsx(
        tmp_path / "a.xlsx",
        [
            ["序号", "项目名称", "签约时间", "计划总投资（万元）", "负责人"],
            [1, "光伏电站", date(2025, 3, 5), 1200, "张三"],
            [2, "冷链仓储", "2025年4月1日", "1.2亿元", "李四"],
        ],
    )
    sheet = read_table(path, "a.xlsx")
    header = find_header(sheet, COLUMNS)
    assert header.row == 1
    assert header.columns == {"name": 1, "signed_on": 2, "investment": 3}
    assert header.labels["investment"] == "计划总投资（万元）"
    assert header.units == {"investment": "万元"}
    assert header.unrecognised == [(0, "序号"), (4, "负责人")]
    assert header.missing == ["village"]
    assert header.describe("investment") == "计划总投资（万元）（D列）"
    rows = records(sheet, header)
    assert [r for r, _ in rows] == [2, 3]
    first = rows[0][1]
    assert first == {
        "name": "光伏电站",
        "signed_on": date(2025, 3, 5),
        "investment": 1200.0,
    }
    assert parse_amount(rows[1][1]["investment"]) == Decimal("12000")
    assert parse_date(rows[1][1]["signed_on"]) == date(2025, 4, 1)


def test_title_rows_blank_rows_and_footer(tmp_path):
    path = make_xlsx(
        tmp_path / "b.xlsx",
        [
            ["XX镇2025年重点项目台账"],
            ["填报单位：XX镇经发办", None, None, "单位：万元"],
            [],
            ["项目名称", "签约时间", "总投资", "村（社区）"],
            ["光伏电站", "2025.3.5", 1200, "东村"],
            [None, None, None, None],
            ["冷链仓储", "2025/4/1", 800, "西村"],
            ["合  计", None, 2000, None],
            ["填表人：王五", None, None, None],
        ],
        merges=["A1:D1"],
    )
    sheet = read_table(path, "b.xlsx")
    header = find_header(sheet, COLUMNS)
    assert header.row == 4
    assert header.first_data_row == 5
    assert set(header.columns) == {"name", "signed_on", "investment", "village"}
    data = iter_rows(sheet, header)
    rows = list(data)
    assert [r for r, _ in rows] == [5, 7]
    assert rows[1][1]["village"] == "西村"
    assert data.footer_row == 8


def test_header_not_in_column_a(tmp_path):
    path = make_xlsx(
        tmp_path / "c.xlsx",
        [["项目名称", "签约时间"], ["光伏电站", "2025-03-05"]],
        start="C3",
    )
    sheet = read_table(path, "c.xlsx")
    header = find_header(sheet, COLUMNS)
    assert header.row == 3
    assert header.columns == {"name": 2, "signed_on": 3}
    assert header.letter("name") == "C"
    assert records(sheet, header) == [(4, {"name": "光伏电站", "signed_on": "2025-03-05"})]


def test_two_level_merged_header(tmp_path):
    columns = [
        ColumnSpec("name", "项目名称", required=True),
        ColumnSpec("total", "计划总投资", required=True),
        ColumnSpec("fixed", "其中固定资产", synonyms=("固定资产投资",)),
        ColumnSpec("year_plan", "年度计划投资"),
    ]
    path = make_xlsx(
        tmp_path / "d.xlsx",
        [
            ["2025年重点项目表"],
            ["项目名称", "计划总投资（万元）", None, "年度计划投资"],
            [None, "总额", "其中固定资产", None],
            ["光伏电站", 1200, 1000, 300],
            ["冷链仓储", 800, 600, 200],
        ],
        merges=["A1:D1", "A2:A3", "B2:C2", "D2:D3"],
    )
    sheet = read_table(path, "d.xlsx")
    header = find_header(sheet, columns)
    assert header.row == 3
    assert header.first_data_row == 4
    assert header.columns == {"name": 0, "total": 1, "fixed": 2, "year_plan": 3}
    assert header.labels["total"] == "计划总投资（万元）/总额"
    assert header.units["total"] == "万元"
    assert header.unrecognised == []
    assert header.duplicates == {}
    assert records(sheet, header) == [
        (4, {"name": "光伏电站", "total": 1200.0, "fixed": 1000.0, "year_plan": 300.0}),
        (5, {"name": "冷链仓储", "total": 800.0, "fixed": 600.0, "year_plan": 200.0}),
    ]


def test_two_level_header_parent_plus_child_synonym(tmp_path):
    columns = [
        ColumnSpec("name", "项目名称", required=True),
        ColumnSpec("plan_2025", "2025年计划", synonyms=("年度计划2025年",)),
        ColumnSpec("plan_2026", "2026年计划", synonyms=("年度计划2026年",)),
    ]
    path = make_xlsx(
        tmp_path / "e.xlsx",
        [
            ["项目名称", "年度计划", None],
            [None, "2025年", "2026年"],
            ["光伏电站", 100, 200],
        ],
        merges=["A1:A2", "B1:C1"],
    )
    sheet = read_table(path, "e.xlsx")
    header = find_header(sheet, columns)
    assert header.row == 2
    assert header.columns == {"name": 0, "plan_2025": 1, "plan_2026": 2}
    assert records(sheet, header) == [
        (3, {"name": "光伏电站", "plan_2025": 100.0, "plan_2026": 200.0})
    ]


def test_merged_upper_header_row_when_sub_headers_are_not_declared(tmp_path):
    # Only the parent is declared: the header is row 2, but data starts under the merge.
    columns = [ColumnSpec("name", "项目名称", required=True), ColumnSpec("total", "计划总投资")]
    path = make_xlsx(
        tmp_path / "f.xlsx",
        [
            ["标题"],
            ["项目名称", "计划总投资", None],
            [None, "2025年", "2026年"],
            ["光伏电站", 100, 200],
        ],
        merges=["A2:A3", "B2:C2"],
    )
    sheet = read_table(path, "f.xlsx")
    header = find_header(sheet, columns)
    assert header.row == 2
    assert header.first_data_row == 4
    assert header.duplicates == {}
    assert records(sheet, header) == [(4, {"name": "光伏电站", "total": 100.0})]


def test_column_number_row_under_header_is_skipped(tmp_path):
    path = make_xlsx(
        tmp_path / "g.xlsx",
        [
            ["序号", "项目名称", "签约时间", "总投资"],
            ["甲", 1, 2, 3],
            [1, "光伏电站", "2025-03-05", 100],
        ],
    )
    sheet = read_table(path, "g.xlsx")
    header = find_header(sheet, COLUMNS)
    assert header.first_data_row == 3
    assert [r for r, _ in records(sheet, header)] == [3]


def test_subtotal_section_and_prenumbered_empty_rows(tmp_path):
    path = make_xlsx(
        tmp_path / "h.xlsx",
        [
            ["序号", "项目名称", "签约时间", "总投资"],
            ["一、续建项目", None, None, 300],
            [1, "光伏电站", "2025-03-05", 100],
            [2, "冷链仓储", "2025-03-06", 200],
            ["小计", None, None, 300],
            ["（二）新建项目"],
            [3, "总计划投资调度中心", "2025-03-07", 50],
            [4],
            [5],
        ],
    )
    sheet = read_table(path, "h.xlsx")
    header = find_header(sheet, COLUMNS)
    data = iter_rows(sheet, header)
    assert [(r, v["name"]) for r, v in data] == [
        (3, "光伏电站"),
        (4, "冷链仓储"),
        (7, "总计划投资调度中心"),
    ]
    assert data.skipped == [(2, "分类标题行"), (5, "小计行"), (6, "分类标题行")]
    assert data.footer_row is None


@pytest.mark.parametrize(
    ("footer", "is_footer"),
    [
        ("合计", True),
        ("合 计", True),
        ("合计（万元）", True),
        ("总计：", True),
        ("填表人：张三", True),
        ("填表人 张三", True),
        ("注：1. 金额单位为万元", True),
        ("说明", True),
        ("总计划投资调度中心", False),
        ("注塑厂扩建", False),
        ("说明书印刷厂", False),
    ],
)
def test_footer_detection(footer, is_footer):
    sheet = Sheet(rows=[["项目名称", "签约时间"], ["甲项目", "2025-1-1"], [footer, "2025-1-2"]])
    header = find_header(sheet, COLUMNS)
    data = iter_rows(sheet, header)
    names = [v["name"] for _, v in data]
    assert names == (["甲项目"] if is_footer else ["甲项目", footer])
    assert data.footer_row == (3 if is_footer else None)


def test_repeated_header_rows_are_skipped():
    sheet = Sheet(
        rows=[
            ["序号", "项目名称", "签约时间"],
            ["1", "甲", "2025-1-1"],
            ["序号", "项目名称", "签约时间"],
            ["1", "乙", "2025-1-2"],
            ["", "项目名称", "签约日期"],  # not identical to the header: kept
        ]
    )
    data = iter_rows(sheet, find_header(sheet, COLUMNS))
    assert [v["name"] for _, v in data] == ["甲", "乙", "项目名称"]
    assert data.skipped == [(3, "重复的表头行")]


def test_footer_words_are_extensible():
    sheet = Sheet(rows=[["项目名称", "签约时间"], ["甲", "2025-1-1"], ["以下空白"], ["乙", "x"]])
    header = find_header(sheet, COLUMNS)
    rows = records(sheet, header, footer_words=("以下空白",))
    assert [v["name"] for _, v in rows] == ["甲"]


def test_fill_merged_data_cells(tmp_path):
    columns = [
        ColumnSpec("village", "所属村", fill_merged=True),
        ColumnSpec("name", "项目名称", required=True),
    ]
    path = make_xlsx(
        tmp_path / "i.xlsx",
        [["所属村", "项目名称"], ["东村", "甲"], [None, "乙"], ["西村", "丙"]],
        merges=["A2:A3"],
    )
    sheet = read_table(path, "i.xlsx")
    rows = records(sheet, find_header(sheet, columns))
    assert [v["village"] for _, v in rows] == ["东村", "东村", "西村"]


# --- header matching -------------------------------------------------------------------------


def test_normalize_header():
    assert normalize_header(" 项目\n名称 ") == "项目名称"
    assert normalize_header("*计划总投资（万元）：") == "计划总投资(万元)"
    assert normalize_header("ＡＢＣ") == "abc"
    assert normalize_header(12.0) == "12"


def test_header_unit():
    assert header_unit("总投资（万元）") == "万元"
    assert header_unit("总投资(亿元)") == "亿元"
    assert header_unit("占地面积（㎡）") == "平方米"
    assert header_unit("占地【亩】") == "亩"
    assert header_unit("完成率（%）") == "%"
    assert header_unit("金额（单位：元）") == "元"
    assert header_unit("项目名称") is None
    assert header_unit("备注（其他说明）") is None


def test_header_synonyms_brackets_and_case():
    columns = [
        ColumnSpec("name", "项目名称", required=True),
        ColumnSpec("code", "统一社会信用代码", synonyms=("信用代码", "USCC")),
    ]
    rows = [["项目 名称（全称）", "uscc"], ["甲", "91"]]
    header = find_header(rows, columns)
    assert header.columns == {"name": 0, "code": 1}


def test_exact_name_beats_name_without_brackets():
    columns = [
        ColumnSpec("wan", "投资（万元）"),
        ColumnSpec("yi", "投资（亿元）"),
        ColumnSpec("name", "项目名称", required=True),
    ]
    header = find_header([["项目名称", "投资（亿元）", "投资（万元）"]], columns)
    assert header.columns == {"name": 0, "yi": 1, "wan": 2}


def test_duplicate_header_reported():
    header = find_header([["项目名称", "签约时间", "项目名称"]], COLUMNS)
    assert header.columns["name"] == 0
    assert header.duplicates == {"name": [2]}


def test_missing_required_columns_named():
    rows = [["XX镇台账"], ["项目名称", "总投资"], ["甲", 1]]
    with pytest.raises(ImportFileError) as exc:
        find_header(rows, COLUMNS)
    assert str(exc.value).startswith("未找到表头：缺少必填列「签约时间」")


def test_no_header_at_all():
    with pytest.raises(ImportFileError) as exc:
        find_header([["a", "b"], [1, 2]], COLUMNS)
    assert "缺少必填列「项目名称」「签约时间」" in str(exc.value)
    optional = [ColumnSpec("x", "甲"), ColumnSpec("y", "乙")]
    with pytest.raises(ImportFileError, match="没有任何一行包含所需的列"):
        find_header([["a", "b"]], optional)


def test_header_beyond_scan_rows_not_found():
    rows = [["说明"]] * 25 + [["项目名称", "签约时间"]]
    with pytest.raises(ImportFileError):
        find_header(rows, COLUMNS)
    assert find_header(rows, COLUMNS, scan_rows=30).row == 26


def test_column_letter():
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_columnspec_is_extensible():
    from dataclasses import dataclass

    @dataclass
    class LedgerColumn(ColumnSpec):
        unit: str = "万元"

    col = LedgerColumn("investment", "总投资", synonyms=["投资额"], unit="亿元")
    assert col.synonyms == ("投资额",)
    assert col.names == ("总投资", "投资额")
    assert find_header([["总投资"]], [col]).columns == {"investment": 0}


# --- CSV -------------------------------------------------------------------------------------


def test_csv_gb18030(tmp_path):
    text = 'XX镇项目台账\n项目名称,签约时间,总投资\n光伏电站,2025/3/5,"1,200"\n\n合计,,1200\n'
    path = tmp_path / "ledger.csv"
    path.write_bytes(text.encode("gb18030"))
    sheet = read_table(path, "ledger.csv")
    assert sheet.source == "csv"
    header = find_header(sheet, COLUMNS)
    assert header.row == 2
    assert records(sheet, header) == [
        (3, {"name": "光伏电站", "signed_on": "2025/3/5", "investment": "1,200"})
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_csv_encodings_and_tabs(encoding):
    text = "项目名称\t签约时间\r\n光伏电站\t2025-03-05\r\n"
    sheet = read_table(io.BytesIO(text.encode(encoding)), "导出.csv")
    header = find_header(sheet, COLUMNS)
    assert records(sheet, header) == [(2, {"name": "光伏电站", "signed_on": "2025-03-05"})]


def test_csv_two_level_header_without_merges():
    text = "项目名称,计划总投资,,\n,总额,其中固定资产,\n甲,100,80,\n"
    columns = [
        ColumnSpec("name", "项目名称", required=True),
        ColumnSpec("total", "计划总投资"),
        ColumnSpec("fixed", "固定资产", synonyms=("计划总投资其中固定资产",)),
    ]
    sheet = read_table(text.encode(), "a.csv")
    header = find_header(sheet, columns)
    assert header.row == 2
    assert header.columns == {"name": 0, "total": 1, "fixed": 2}
    assert records(sheet, header) == [(3, {"name": "甲", "total": "100", "fixed": "80"})]


def test_tab_separated_text_named_xls():
    data = "项目名称\t签约时间\n甲\t2025-03-05\n".encode("gb18030")
    sheet = read_table(data, "export.xls")
    assert find_header(sheet, COLUMNS).columns == {"name": 0, "signed_on": 1}


# --- bad files -------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def _zip_bytes(names):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in names:
            zf.writestr(name, "x")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "fragment"),
    [
        (PNG, "ledger.xlsx", "图片（PNG）"),
        (PNG, "ledger.csv", "图片（PNG）"),
        (b"", "ledger.xlsx", "文件是空的"),
        (b"   \n", "ledger.csv", "文件是空的"),
        (_zip_bytes(["a.txt"]), "ledger.xlsx", "压缩包"),
        (_zip_bytes(["word/document.xml"]), "ledger.xlsx", "Word 文档"),
        (b"PK\x03\x04garbage", "ledger.xlsx", "已损坏"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "ledger.xls", "已损坏"),
        (b"%PDF-1.4 ...", "ledger.xlsx", "PDF"),
        (b"<html><body><table><tr><td>1</td></tr></table>", "ledger.xls", "网页（HTML）"),
        (b"\x00\x01\x02\x03binary", "ledger.csv", "不是文本表格"),
    ],
)
def test_not_a_spreadsheet(tmp_path, data, filename, fragment):
    path = tmp_path / filename
    path.write_bytes(data)
    with pytest.raises(ImportFileError) as exc:
        read_table(path, filename)
    message = str(exc.value)
    assert message.startswith("文件不是有效的 Excel（.xlsx）或 CSV 文件：")
    assert fragment in message


@pytest.mark.parametrize("filename", ["ledger.png", "ledger.docx", "ledger"])
def test_unsupported_extension(filename):
    with pytest.raises(ImportFileError, match="不支持的文件类型"):
        read_table(b"a,b\n", filename)


def test_file_object_and_default_filename(tmp_path):
    path = make_xlsx(tmp_path / "j.xlsx", [["项目名称", "签约时间"], ["甲", 45721]])
    with open(path, "rb") as f:
        f.read(10)  # read_table rewinds
        sheet = read_table(f)
    rows = records(sheet, find_header(sheet, COLUMNS))
    assert parse_date(rows[0][1]["signed_on"]) == date(2025, 3, 5)


def test_hidden_and_empty_leading_sheets_are_passed_over(tmp_path):
    path = make_xlsx(
        tmp_path / "k.xlsx",
        [["项目名称", "签约时间"], ["甲", "2025-03-05"]],
        sheets_before=[("下拉选项", True), ("Sheet0", False)],
    )
    sheet = read_table(path, "k.xlsx")
    assert records(sheet, find_header(sheet, COLUMNS))[0][1]["name"] == "甲"


def test_workbook_with_only_empty_sheet(tmp_path):
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(ImportFileError, match="是空的"):
        read_table(path, "empty.xlsx")


# --- writer and round trip -------------------------------------------------------------------


EXPORT_HEADERS = ["项目名称", "签约时间", "计划总投资（万元）", "所属村", "备注"]
EXPORT_ROWS = [
    ["光伏电站", date(2025, 3, 5), Decimal("1200.5"), "东村", "=SUM(A1)"],
    ["冷链仓储", date(2024, 12, 31), Decimal("0.35"), None, "第一行\n第二行"],
    ["「特殊」项目\x07", date(2025, 1, 1), Decimal("12000"), "西村", True],
]


def _roundtrip_records(sheet):
    header = find_header(sheet, [*COLUMNS, ColumnSpec("note", "备注")])
    return header, [
        (
            parse_text(v["name"]),
            parse_date(v["signed_on"]),
            parse_amount(v["investment"]),
            parse_text(v["village"]),
            parse_text(v["note"]),
        )
        for _, v in iter_rows(sheet, header)
    ]


EXPECTED_ROUNDTRIP = [
    ("光伏电站", date(2025, 3, 5), Decimal("1200.5"), "东村", "=SUM(A1)"),
    ("冷链仓储", date(2024, 12, 31), Decimal("0.35"), None, "第一行\n第二行"),
    ("「特殊」项目", date(2025, 1, 1), Decimal("12000"), "西村", "是"),
]


@pytest.mark.parametrize("title", [None, "XX镇2025年重点项目台账"])
def test_xlsx_round_trip(title):
    data = write_xlsx(EXPORT_HEADERS, iter(EXPORT_ROWS), title=title, sheet_name="项目")
    sheet = read_table(data, "export.xlsx")
    assert sheet.name == "项目"
    header, rows = _roundtrip_records(sheet)
    assert header.row == (2 if title else 1)
    assert rows == EXPECTED_ROUNDTRIP
    # dates are real Excel dates with a date format; amounts are numbers
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    date_cell = ws.cell(row=header.row + 1, column=2)
    assert isinstance(date_cell.value, datetime) and date_cell.number_format == "yyyy-mm-dd"
    assert ws.cell(row=header.row + 1, column=3).data_type == "n"
    assert ws.cell(row=header.row + 1, column=5).data_type == "s"  # not a formula
    assert ws.freeze_panes == f"A{header.row + 1}"
    assert ws.cell(row=header.row, column=1).font.bold
    if title:
        assert ws["A1"].value == title
        assert "A1:E1" in {str(r) for r in ws.merged_cells.ranges}


def test_csv_round_trip():
    data = write_csv(EXPORT_HEADERS, EXPORT_ROWS)
    assert data.startswith(b"\xef\xbb\xbf")
    sheet = read_table(data, "export.csv")
    _, rows = _roundtrip_records(sheet)
    assert rows == [
        ("光伏电站", date(2025, 3, 5), Decimal("1200.5"), "东村", "=SUM(A1)"),
        ("冷链仓储", date(2024, 12, 31), Decimal("0.35"), None, "第一行\n第二行"),
        ("「特殊」项目\x07", date(2025, 1, 1), Decimal("12000"), "西村", "是"),
    ]
    assert b"\t=SUM(A1)" in data  # formula injection neutralised


def test_template(tmp_path):
    class ChoiceColumn(ColumnSpec):
        def template_choices(self):
            return ["在建", "已竣工"]

    columns = [
        ColumnSpec("name", "项目名称", synonyms=("名称",), required=True, help_text="全称"),
        ColumnSpec("signed_on", "签约时间", required=True, help_text="如 2025-03-05"),
        ChoiceColumn("status", "项目状态"),
    ]
    data = template_xlsx(columns)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == ["项目名称", "签约时间", "项目状态"]
    assert ws["A1"].comment.text.startswith("全称")
    help_ws = wb["填表说明"]
    table = [[c.value for c in row] for row in help_ws.iter_rows()]
    assert ["项目名称", "必填", "全称", "名称"] in table
    assert ["项目状态", "选填", None, None] in table or ["项目状态", "选填", "", ""] in table
    assert wb["选项"].sheet_state == "hidden"
    validation = ws.data_validations.dataValidation[0]
    assert str(validation.sqref) == "C2:C5000"
    assert validation.formula1 == "'选项'!$A$1:$A$2"
    # the empty template is found by the reader; filling a row makes it importable
    sheet = read_table(data, "template.xlsx")
    header = find_header(sheet, columns)
    assert header.row == 1 and list(iter_rows(sheet, header)) == []
    ws["A2"], ws["B2"] = "甲", "2025-03-05"
    buf = io.BytesIO()
    wb.save(buf)
    sheet = read_table(buf.getvalue(), "template.xlsx")
    assert records(sheet, find_header(sheet, columns)) == [
        (2, {"name": "甲", "signed_on": "2025-03-05", "status": None})
    ]


def test_header_match_is_a_dataclass():
    m = HeaderMatch(row=3, columns={"name": 0})
    assert m.first_data_row == 4
