"""The import/export framework end to end, through the `villages` ledger, the CLI contract of
DESIGN.md ("Interfaces") and the pages: Excel row numbers under title rows, every bad cell
named by row + column in Chinese, all-or-nothing, dry runs, files that are not spreadsheets,
GB18030 CSV, round trips, templates, and masked personal numbers."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook, load_workbook
from PIL import Image

from zhenwu.core.ledgers import Column, Ledger, ledger_for
from zhenwu.core.models import Department, HolidayOverride, ObjectChange, Village
from zhenwu.core.resources import VillageLedger, department_resource

HEADER = ["序号", "村名", "类型", "户籍人口", "面积", "书记"]


def workbook(rows, *, title="南口镇村（社区）基本情况表") -> bytes:
    """A sheet as clerks make them: a merged title row, a blank row, then the header (row 3)."""
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
        ws.append([])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD_ROWS = [
    [1, "村1", "村", 1200, "3000亩", "甲"],  # updates 村1
    [2, "新一村", "行政村", "2,300", "", "乙"],
    [3, "新社区", "社区", "三千", "", ""],
]


def run_cli(tmp_path, *args, name="villages.xlsx", content: bytes | None = None):
    """`zhenwu import …` in-process: (exit status, stdout)."""
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    out = io.StringIO()
    try:
        call_command("import", "villages", str(path), *args, stdout=out, stderr=io.StringIO())
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


def run_json(tmp_path, content, *args, name="villages.xlsx"):
    code, out = run_cli(tmp_path, "--json", *args, name=name, content=content)
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1, out  # exactly one JSON object on stdout
    return code, json.loads(lines[0])


def state():
    return sorted(
        Village.all_objects.values_list("name", "kind", "population", "secretary", "version")
    )


# --- the CLI contract -----------------------------------------------------------------------


def test_json_report_shape_and_exit_status_when_ok(world, tmp_path):
    code, report = run_json(tmp_path, workbook(GOOD_ROWS))
    assert code == 0
    assert report == {
        "ok": True,
        "rows": 3,
        "created": 2,
        "updated": 1,
        "errors": [],
        "warnings": [],
    }
    assert Village.objects.get(name="新社区").kind == "community"
    assert Village.objects.get(name="新社区").population == 3000
    assert Village.objects.get(name="新一村").population == 2300
    assert str(Village.objects.get(name="村1").area_mu) == "3000.00"


def test_bad_cell_names_excel_row_and_column_and_writes_nothing(world, tmp_path):
    rows = [*GOOD_ROWS, [4, "坏村", "村", "abc", "", ""]]
    before, changes = state(), ObjectChange.objects.count()
    code, report = run_json(tmp_path, workbook(rows))
    assert code == 1
    assert report["ok"] is False and (report["created"], report["updated"]) == (0, 0)
    # Title row 1, blank row 2, header row 3: the fourth data row is Excel row 7.
    assert report["errors"] == [
        {"row": 7, "column": "户籍人口", "message": "无法识别的数字「abc」"}
    ]
    assert state() == before and ObjectChange.objects.count() == changes


def test_every_bad_cell_is_reported(world, tmp_path):
    rows = [
        [1, "甲村", "镇", 10, "", ""],
        [2, "", "村", -5, "", ""],
        [3, "乙村", "村", 1, "很大", ""],
    ]
    code, report = run_json(tmp_path, workbook(rows))
    assert code == 1
    where = {(e["row"], e["column"]) for e in report["errors"]}
    assert where == {(4, "类型"), (5, "名称"), (5, "户籍人口"), (6, "面积（亩）")}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e["message"]) for e in report["errors"])
    assert not Village.objects.filter(name__in=["甲村", "乙村"]).exists()


def test_duplicate_rows_in_one_file_are_reported(world, tmp_path):
    rows = [[1, "新村", "村", 1, "", ""], [2, "新村", "村", 2, "", ""]]
    code, report = run_json(tmp_path, workbook(rows))
    assert code == 1
    assert report["errors"][0]["row"] == 5 and "与第4行重复" in report["errors"][0]["message"]


def test_dry_run_changes_nothing_and_reports_what_it_would_do(world, tmp_path):
    before, changes = state(), ObjectChange.objects.count()
    code, report = run_json(tmp_path, workbook(GOOD_ROWS), "--dry-run")
    assert code == 0
    assert (report["ok"], report["rows"], report["created"], report["updated"]) == (True, 3, 2, 1)
    assert state() == before and ObjectChange.objects.count() == changes


def test_png_renamed_xlsx_is_a_clear_message(world, tmp_path):
    buf = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buf, "PNG")
    code, report = run_json(tmp_path, buf.getvalue(), name="村名册.xlsx")
    assert code == 1
    (error,) = report["errors"]
    assert error["message"].startswith("文件不是有效的 Excel")
    assert (error["row"], error["column"]) == (0, "")
    assert "Traceback" not in error["message"]


def test_text_output_is_chinese_without_traceback(world, tmp_path):
    code, out = run_cli(tmp_path, name="x.xlsx", content=b"not a spreadsheet at all")
    assert code == 1
    assert "导入失败" in out and "Traceback" not in out


def test_sheet_without_recognisable_header_names_the_missing_column(world, tmp_path):
    wb = Workbook()
    wb.active.append(["甲", "乙", "丙"])
    wb.active.append(["1", "2", "3"])
    buf = io.BytesIO()
    wb.save(buf)
    code, report = run_json(tmp_path, buf.getvalue())
    assert code == 1
    assert "名称" in report["errors"][0]["message"]


def test_empty_sheet_is_a_message(world, tmp_path):
    code, report = run_json(tmp_path, workbook([]))
    assert code == 1 and report["errors"][0]["message"] == "表格中没有数据行。"


def test_missing_file_and_unknown_ledger_are_json_errors(world, tmp_path):
    code, report = run_json(tmp_path, None, name="nope.xlsx")
    assert code == 1 and "找不到文件" in report["errors"][0]["message"]
    out = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("import", "nonsense", str(tmp_path / "x.xlsx"), "--json", stdout=out)
    assert exc.value.code == 1
    assert "未知台账" in json.loads(out.getvalue())["errors"][0]["message"]


def test_csv_in_gb18030(world, tmp_path):
    text = "村名,户籍人口,党支部书记\r\n新村,1500,张三\r\n村2,800,\r\n"
    code, report = run_json(tmp_path, text.encode("gb18030"), name="villages.csv")
    assert code == 0, report
    assert (report["created"], report["updated"]) == (1, 1)
    assert Village.objects.get(name="新村").secretary == "张三"


def test_csv_utf8_with_bom(world, tmp_path):
    text = "\ufeff名称,户籍人口\n新村,1500\n"
    code, report = run_json(tmp_path, text.encode("utf-8"), name="villages.csv")
    assert code == 0 and report["created"] == 1


def test_export_then_import_is_unchanged(world, tmp_path):
    Village.objects.filter(pk=world.villages[0].pk).update(population=1234, area_mu="12.5")
    out = tmp_path / "out.xlsx"
    call_command("export", "villages", str(out), stdout=io.StringIO())
    sheet = load_workbook(out).active
    headers = [c.value for c in sheet[1]]
    assert headers == [c.label for c in VillageLedger.columns]
    assert sheet.max_row == 4  # header + the three villages of the town (not the other town's)
    before, changes = state(), ObjectChange.objects.count()
    code, report = run_json(tmp_path, out.read_bytes(), name="out.xlsx")
    assert code == 0 and (report["created"], report["updated"]) == (0, 0)
    assert state() == before and ObjectChange.objects.count() == changes


def test_csv_export_round_trips_too(world, tmp_path):
    out = tmp_path / "out.csv"
    call_command("export", "villages", str(out), stdout=io.StringIO())
    code, report = run_json(tmp_path, out.read_bytes(), name="out.csv")
    assert code == 0 and (report["created"], report["updated"]) == (0, 0)


def test_import_as_a_reader_is_refused(world, tmp_path):
    path = tmp_path / "v.xlsx"
    path.write_bytes(workbook(GOOD_ROWS))
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import", "villages", str(path), "--json", "--user", "leader_t", stdout=out)
    assert "没有导入" in json.loads(out.getvalue())["errors"][0]["message"]
    assert not Village.objects.filter(name="新一村").exists()


# --- dates, through a throwaway ledger with a date column --------------------------------


class HolidayLedger(Ledger):
    """Villages have no date column; the holiday override table has one (not registered)."""

    key = "holidays-test"
    model = HolidayOverride
    match_on = ("date",)
    columns = [
        Column("date", "日期", kind="date", required=True),
        Column("is_workday", "是否工作日", kind="bool"),
        Column("name", "名称", required=True),
    ]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("2027年2月11日", date(2027, 2, 11)), ("2027.2.11", date(2027, 2, 11)),
     ("2027/2/11", date(2027, 2, 11)), (46429, date(2027, 2, 11)),
     ("2025年13月1日", None), ("2027-02-30", None), ("明天", None)],
)  # fmt: skip
def test_date_cells(world, cell, expected):
    wb = Workbook()
    wb.active.append(["日期", "是否工作日", "名称"])
    wb.active.append([cell, "否", "春节"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    report = HolidayLedger().run(buf, "h.xlsx", user=world.users["admin"])
    if expected is None:
        (error,) = report.errors
        assert (error.row, error.column) == (2, "日期")
        assert str(cell) in error.message
        assert not HolidayOverride.objects.exists()
    else:
        assert report.ok, report.errors
        assert HolidayOverride.objects.get().date == expected


# --- the pages --------------------------------------------------------------------------------


def test_template_download_has_the_headers(world):
    response = world.client("admin").get("/villages/template/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [c.value for row in sheet.iter_rows(max_row=5) for c in row if c.value]
    for column in VillageLedger.columns:
        assert column.label in values, column.label


def test_import_page_has_a_progress_bar(world):
    response = world.client("admin").get("/villages/import/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-upload-progress" in html and 'role="progressbar"' in html


def test_import_page_shows_the_error_report(world):
    upload = SimpleUploadedFile("v.xlsx", workbook([[1, "坏村", "村", "abc", "", ""]]))
    response = world.client("admin").post("/villages/import/", {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="import-report"' in html and "无法识别的数字「abc」" in html
    assert "<td>4</td>" in html and "户籍人口" in html
    assert not Village.objects.filter(name="坏村").exists()


def test_import_page_success_and_dry_run(world):
    client = world.client("admin")
    upload = SimpleUploadedFile("v.xlsx", workbook(GOOD_ROWS))
    response = client.post("/villages/import/", {"file": upload, "dry_run": "on"})
    assert response.status_code == 200 and "检查通过（未写入）" in response.content.decode()
    assert not Village.objects.filter(name="新一村").exists()
    upload = SimpleUploadedFile("v.xlsx", workbook(GOOD_ROWS))
    response = client.post("/villages/import/", {"file": upload})
    assert response.status_code == 200 and "导入成功" in response.content.decode()
    entry = ObjectChange.objects.filter(object_repr="新一村").get()
    assert (entry.source, entry.user) == ("import", world.users["admin"])


def test_import_page_without_a_file_is_a_field_message(world):
    response = world.client("admin").post("/villages/import/", {})
    assert response.status_code == 400
    assert "请选择要导入的文件。" in response.content.decode()


@pytest.mark.parametrize("who", ["leader", "village", "viewer", "staff"])
def test_import_page_is_404_without_write_permission(world, who):
    client = world.client(who)
    assert client.get("/villages/import/").status_code == 404
    upload = SimpleUploadedFile("v.xlsx", workbook(GOOD_ROWS))
    assert client.post("/villages/import/", {"file": upload}).status_code == 404
    assert not Village.objects.filter(name="新一村").exists()


def test_export_follows_the_list_filters(world):
    Village.objects.create(town=world.town, name="某社区", kind="community", order=9)
    response = world.client("leader").get("/villages/export/?kind=community")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["某社区"]


def test_export_as_csv(world):
    response = world.client("leader").get("/villages/export/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "村1" in response.content.decode("utf-8-sig")


# --- masked personal numbers ----------------------------------------------------------------


@pytest.fixture
def phone_dept(world):
    return Department.objects.create(town=world.town, name="招商办", phone="13812345678")


def _export_rows(client, query=""):
    response = client.get("/departments/export/" + query)
    assert response.status_code == 200
    return [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active]


def test_staff_see_phone_numbers_masked_in_list_and_export(world, phone_dept):
    client = world.client("staff")
    html = client.get("/departments/").content.decode()
    assert "138****5678" in html and "13812345678" not in html
    rows = _export_rows(client)
    assert ["招商办" in r for r in rows].count(True) == 1
    flat = str(rows)
    assert "138****5678" in flat and "13812345678" not in flat
    assert "13812345678" not in client.get(f"/departments/{phone_dept.pk}/").content.decode()


def test_admin_with_the_right_sees_full_numbers(world, phone_dept):
    client = world.client("admin")
    assert "13812345678" in client.get("/departments/").content.decode()
    assert "13812345678" in str(_export_rows(client))


class DepartmentPhoneLedger(Ledger):
    """A ledger with a phone column, to re-import a masked export (not registered)."""

    key = "departments-phone-test"
    model = Department
    match_on = ("name",)
    columns = [
        Column("name", "名称", required=True),
        Column("phone", "联系电话", kind="phone"),
    ]


def test_reimporting_a_masked_export_keeps_the_full_number(world, phone_dept):
    headers, rows = DepartmentPhoneLedger().export_rows(
        Department.objects.filter(pk=phone_dept.pk), world.users["staff"]
    )
    rows = list(rows)
    assert rows == [["招商办", "138****5678"]]
    wb = Workbook()
    wb.active.append(headers)
    wb.active.append(rows[0])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    report = DepartmentPhoneLedger().run(buf, "d.xlsx", user=world.users["admin"])
    assert report.ok and (report.created, report.updated) == (0, 0)
    phone_dept.refresh_from_db()
    assert phone_dept.phone == "13812345678"


def test_masked_number_cannot_create_a_record(world):
    wb = Workbook()
    wb.active.append(["名称", "联系电话"])
    wb.active.append(["新科室", "138****5678"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    report = DepartmentPhoneLedger().run(buf, "d.xlsx", user=world.users["admin"])
    assert not report.ok and report.errors[0].row == 2
    assert not Department.objects.filter(name="新科室").exists()


def test_derived_export_ledger_masks_personal_fields(world, phone_dept):
    ledger = ledger_for(department_resource)
    _, rows = ledger.export_rows(Department.objects.filter(pk=phone_dept.pk), world.users["staff"])
    assert "138****5678" in next(iter(rows))
