"""The 招商引资项目台账 import: good file, bad cells reported by row + column, mixed units,
stage moved backwards, dry run, and the command line."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from zhenwu.core.importing.writer import write_xlsx
from zhenwu.core.models import ObjectChange
from zhenwu.investment.ledgers import InvestmentLedger
from zhenwu.investment.models import Investment, InvestmentEvent, Stage
from zhenwu.investment.tests.factories import make_investment, valid_uscc

pytestmark = pytest.mark.django_db

HEADERS = [
    "项目编号",
    "项目名称",
    "投资方统一社会信用代码",
    "行业代码",
    "项目类型",
    "计划总投资（万元）",
    "所在村",
    "阶段",
    "签约时间",
    "开工时间",
]


def sheet(rows, headers=HEADERS, title=True) -> io.BytesIO:
    data = write_xlsx(headers, rows, sheet_name="台账")
    return io.BytesIO(data)


def run(world, rows, headers=HEADERS, dry_run=False, who="staff"):
    return InvestmentLedger().run(
        sheet(rows, headers), "台账.xlsx", user=world.users[who], dry_run=dry_run
    )


def good_rows(world):
    v = world.villages[0].name
    return [
        [
            "ZS-01",
            "新型涂料项目",
            valid_uscc(1),
            "C2641",
            "工业",
            "1.2亿元",
            v,
            "开工",
            "2025年2月18日",
            "2025/4/8",
        ],
        ["ZS-02", "炉渣综合利用", "", "C3039", "工业", "8000", v, "签约", "2025.3.26", None],
        ["ZS-03", "蔬菜基地", "", "A0141", "农业", "3,500", "", "线索", None, None],
    ]


def errors(report):
    return [(e.row, e.column, e.message) for e in report.errors]


def test_good_file(world):
    report = run(world, good_rows(world))
    assert report.ok, errors(report)
    assert (report.rows, report.created, report.updated) == (3, 3, 0)
    first = Investment.objects.get(code="ZS-01")
    assert first.planned_total_wan == Decimal(12000) and first.stage == Stage.STARTED
    assert first.started_on == date(2025, 4, 8) and first.signed_on == date(2025, 2, 18)
    assert first.negotiating_on == date(2025, 2, 18)  # skipped stage takes the next date
    assert first.village == world.villages[0]
    assert InvestmentEvent.objects.filter(kind="imported").count() == 3
    assert ObjectChange.objects.filter(source="import").count() >= 3


def test_dry_run_leaves_db_unchanged(world):
    before = ObjectChange.objects.count()
    report = run(world, good_rows(world), dry_run=True)
    assert report.ok and report.created == 3
    assert not Investment.objects.exists() and ObjectChange.objects.count() == before


def test_bad_cells_reported_with_row_and_column(world):
    rows = good_rows(world)
    rows[0][2] = "91110108717743469A"  # wrong check character
    rows[1][5] = "-50"  # negative amount
    rows[2][3] = "C9999"  # industry code that does not exist
    report = run(world, rows)
    assert not report.ok
    found = errors(report)
    # the header is row 1; data rows are 2, 3, 4 as Excel shows them
    assert any(
        r == 2 and c == "投资方统一社会信用代码" and "校验位错误" in m for r, c, m in found
    ), found
    assert any(r == 3 and c == "计划总投资（万元）" and "不能为负数" in m for r, c, m in found), (
        found
    )
    assert any(r == 4 and c == "行业代码" and "C9999" in m for r, c, m in found), found
    assert not Investment.objects.exists()


def test_mixed_units_in_one_column_store_nothing(world):
    rows = good_rows(world)
    rows.append(
        ["ZS-04", "元计项目", "", "C2641", "工业", "35000000元", "", "签约", "2025-05-01", None]
    )
    report = run(world, rows)
    assert not report.ok
    found = errors(report)
    assert [(r, c) for r, c, _ in found] == [(5, "计划总投资（万元）")], found
    assert "单位混用" in found[0][2] and "元" in found[0][2]
    assert not Investment.objects.exists()


def test_a_column_all_in_yuan_is_converted(world):
    rows = [
        ["ZS-05", "甲", "", "", "工业", "35000000元", "", "签约", "2025-05-01", None],
        ["ZS-06", "乙", "", "", "工业", "2000000元", "", "签约", "2025-05-02", None],
    ]
    report = run(world, rows)
    assert report.ok, errors(report)
    assert Investment.objects.get(code="ZS-05").planned_total_wan == Decimal(3500)


def test_duplicate_code_in_file(world):
    rows = good_rows(world)
    rows[1][0] = "ZS-01"
    report = run(world, rows)
    assert not report.ok and any(
        r == 3 and c == "项目编号" and "重复" in m for r, c, m in errors(report)
    )
    assert not Investment.objects.exists()


def test_stage_moved_backwards_is_refused(world):
    make_investment(
        world,
        code="ZS-01",
        stage="started",
        signed_on=date(2025, 2, 1),
        started_on=date(2025, 4, 1),
    )
    rows = [["ZS-01", "新型涂料项目", "", "", "工业", "12000", "", "签约", "2025-02-01", None]]
    report = run(world, rows)
    assert not report.ok
    assert any(r == 2 and c == "阶段" and "阶段不能倒退" in m for r, c, m in errors(report)), (
        errors(report)
    )
    assert Investment.objects.get(code="ZS-01").stage == Stage.STARTED


def test_update_moves_stage_forward_with_event(world):
    inv = make_investment(world, code="ZS-01", signed_on=date(2025, 2, 1), name="涂料")
    rows = [["ZS-01", "涂料", "", "", "工业", "5000", "", "开工", "2025-02-01", "2025-05-01"]]
    report = run(world, rows)
    assert report.ok and report.updated == 1, errors(report)
    inv.refresh_from_db()
    assert inv.stage == Stage.STARTED
    event = inv.events.order_by("-id").first()
    assert event.kind == "imported" and event.from_stage == "signed"


def test_other_town_rows_are_not_touched(world):
    make_investment(world, town=world.other_town, code="ZS-01")
    report = run(world, good_rows(world))
    assert report.ok and report.created == 3
    assert Investment.objects.filter(code="ZS-01").count() == 2


def test_readers_cannot_import(world):
    report = run(world, good_rows(world), who="leader")
    assert not report.ok and not Investment.objects.exists()


def test_command_line_json(world, tmp_path):
    path = tmp_path / "台账.xlsx"
    rows = good_rows(world)
    rows[1][5] = "800万元"
    rows[2][5] = "8000000元"
    path.write_bytes(sheet(rows).getvalue())
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "investments", str(path), "--json", "--user", "staff_t", stdout=out)
    assert exit_info.value.code == 1
    report = json.loads(out.getvalue())
    assert report["ok"] is False and report["created"] == 0
    assert report["errors"] and all(e["column"] == "计划总投资（万元）" for e in report["errors"])
    assert not Investment.objects.exists()


def test_export_round_trip_after_demo_like_data(world):
    make_investment(
        world,
        world.villages[0],
        code="R1",
        contact_phone="13907161234",
        investor_uscc=valid_uscc(3),
    )
    make_investment(
        world,
        world.villages[1],
        code="R2",
        stage="started",
        started_on=date(2025, 6, 1),
        land_mu=Decimal("12.5"),
    )
    ledger = InvestmentLedger()
    from zhenwu.core.ledgers import export_bytes

    qs = Investment.objects.filter(town=world.town)
    for who in ("admin", "staff"):  # staff sees masked phones: they re-import unchanged too
        content, _, _ = export_bytes(ledger, qs, world.users[who])
        report = InvestmentLedger().run(io.BytesIO(content), "export.xlsx", user=world.users[who])
        assert report.ok, errors(report)
        assert (report.created, report.updated) == (0, 0)
    assert Investment.objects.get(code="R1").contact_phone == "13907161234"


def test_import_page_reports_mixed_units_and_stores_nothing(world):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    rows = good_rows(world)
    rows[2][5] = "35000000元"
    upload = SimpleUploadedFile("台账.xlsx", sheet(rows).getvalue())
    response = world.client("staff").post(reverse("investment:investment_import"), {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "单位混用" in html and "计划总投资（万元）" in html
    assert not Investment.objects.exists()
    assert world.client("staff").get(reverse("investment:investment_template")).status_code == 200
