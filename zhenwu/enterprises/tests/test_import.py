"""Excel import of the register and the monthly figures: row + column errors, mixed units,
duplicate USCC, dry run, all-or-nothing, CLI JSON."""

import io
import json
from decimal import Decimal

from openpyxl import Workbook

from zhenwu.core.models import ObjectChange
from zhenwu.enterprises.ledgers import EnterpriseLedger, MonthlyFigureLedger
from zhenwu.enterprises.models import ChecklistItem, Enterprise, MonthlyFigure
from zhenwu.enterprises.tests.helpers import make_enterprise, uscc


def xlsx(rows, title=None) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def run(ledger, rows, world, who="staff", dry_run=False, title=None):
    return ledger().run(xlsx(rows, title), "t.xlsx", user=world.users[who], dry_run=dry_run)


HEAD = ["企业名称", "统一社会信用代码", "行业代码", "所在村（社区）", "防水企业"]


def test_enterprise_import_creates_with_checklists_and_change_log(world):
    before = ObjectChange.objects.count()
    report = run(
        EnterpriseLedger,
        [
            HEAD,
            ["甲防水公司", uscc(501), "C3033", "村1", "是"],
            ["乙商贸", uscc(502), "F52", "村2", "否"],
        ],
        world,
        title="南口镇企业名录（2025）",
    )
    assert report.ok, [e.as_dict() for e in report.errors]
    assert report.created == 2
    ent = Enterprise.objects.get(name="甲防水公司")
    assert ent.is_waterproofing and ent.village.name == "村1" and ent.entry_route == "upgrade"
    assert ChecklistItem.objects.filter(enterprise=ent).count() == 7
    assert ObjectChange.objects.count() >= before + 2 + 14
    item_log = ObjectChange.objects.filter(content_type__model="checklistitem").last()
    assert item_log.user == world.users["staff"] and item_log.source == "import"


def test_enterprise_import_row_and_column_errors_store_nothing(world):
    make_enterprise(world, uscc=uscc(503), name="已有公司")
    report = run(
        EnterpriseLedger,
        [
            HEAD,
            ["好公司", uscc(504), "C29", "村1", "否"],
            ["坏代码", uscc(505), "C99", "村1", "否"],
            ["坏信用码", "91421081MA4000505X", "C29", "村1", "否"],
            ["重复一", uscc(506), "C29", "村1", "否"],
            ["重复二", uscc(506), "C29", "村1", "否"],
            ["无村", uscc(507), "C29", "月球村", "否"],
        ],
        world,
    )
    assert not report.ok
    errors = {(e.row, e.column) for e in report.errors}
    assert (3, "行业代码") in errors
    assert (4, "统一社会信用代码") in errors
    assert (7, "所在村（社区）") in errors
    messages = " ".join(e.message for e in report.errors)
    assert "不存在" in messages
    assert not Enterprise.objects.filter(name="好公司").exists()
    # duplicates inside one file (no other errors)
    report = run(
        EnterpriseLedger,
        [
            HEAD,
            ["重复一", uscc(506), "C29", "村1", "否"],
            ["重复二", uscc(506), "C29", "村1", "否"],
        ],
        world,
    )
    assert not report.ok and report.errors[0].row == 3 and "重复" in report.errors[0].message


def test_enterprise_import_matches_existing_by_uscc(world):
    ent = make_enterprise(world, uscc=uscc(508), name="旧名称")
    report = run(EnterpriseLedger, [HEAD, ["新名称", uscc(508), "C29", "村1", "否"]], world)
    assert report.ok and (report.created, report.updated) == (0, 1)
    ent.refresh_from_db()
    assert ent.name == "新名称"


FIG = ["企业", "月份", "营业收入", "主营业务收入", "从业人员", "税收"]


def test_monthly_import_by_uscc_or_name_and_dry_run(world):
    a = make_enterprise(world, uscc=uscc(601), name="月报甲")
    make_enterprise(world, uscc=uscc(602), name="月报乙")
    rows = [
        FIG,
        [uscc(601), "2025-01", 120, 118, 30, 3.5],
        ["月报乙", "2025年2月", "80万", 75, 12, "0.2万元"],
    ]
    before = ObjectChange.objects.count()
    report = run(MonthlyFigureLedger, rows, world, dry_run=True)
    assert report.ok and report.created == 2
    assert not MonthlyFigure.objects.exists() and ObjectChange.objects.count() == before
    report = run(MonthlyFigureLedger, rows, world)
    assert report.ok and report.created == 2, [e.as_dict() for e in report.errors]
    f = MonthlyFigure.objects.get(enterprise=a)
    assert f.month.isoformat() == "2025-01-01" and f.revenue == 120
    # one change-log entry per firm (not per row), holding the months it created
    entries = ObjectChange.objects.filter(
        content_type__model="enterprise", changed_fields=["monthly_figures"]
    )
    assert entries.count() == 2
    assert entries.get(object_id=a.pk).after["monthly_figures"] == {
        "2025-01": {"revenue": "120", "main_revenue": "118", "employees": 30, "taxes": "3.50"}
    }
    # re-import: unchanged
    report = run(MonthlyFigureLedger, rows, world)
    assert report.ok and (report.created, report.updated) == (0, 0)


def test_monthly_import_mixed_units_in_one_column_is_refused(world):
    make_enterprise(world, uscc=uscc(603), name="混用")
    rows = [
        FIG,
        [uscc(603), "2025-01", "120万元", 118, 30, 3],
        [uscc(603), "2025-02", "1250000元", 118, 30, 3],
        [uscc(603), "2025-03", "130万元", 118, 30, 3],
    ]
    report = run(MonthlyFigureLedger, rows, world)
    assert not report.ok
    (err,) = report.errors
    assert err.column == "营业收入" and err.row == 3
    assert "混用" in err.message and "万元" in err.message and "元" in err.message
    assert not MonthlyFigure.objects.exists()
    # bare numbers (万元) mixed with 元 cells are mixed too
    rows = [
        FIG,
        [uscc(603), "2025-01", 120, 118, 30, 3],
        [uscc(603), "2025-02", "1250000元", 118, 30, 3],
    ]
    assert not run(MonthlyFigureLedger, rows, world).ok
    # 万元 and 亿元 together are one family: fine
    rows = [
        FIG,
        [uscc(603), "2025-01", "0.012亿元", 118, 30, 3],
        [uscc(603), "2025-02", "130万", 118, 30, 3],
    ]
    assert run(MonthlyFigureLedger, rows, world).ok


def test_monthly_import_negative_unknown_firm_and_duplicate_month(world):
    make_enterprise(world, uscc=uscc(604), name="负数")
    rows = [
        FIG,
        [uscc(604), "2025-01", -5, 1, 1, 1],
        ["不存在的公司", "2025-01", 5, 1, 1, 1],
        [uscc(604), "2025-13", 5, 1, 1, 1],
    ]
    report = run(MonthlyFigureLedger, rows, world)
    assert not report.ok
    cells = {(e.row, e.column): e.message for e in report.errors}
    assert "负数" in cells[(2, "营业收入")]
    assert "找不到企业" in cells[(3, "企业")]
    assert (4, "月份") in cells
    report = run(
        MonthlyFigureLedger,
        [FIG, [uscc(604), "2025-01", 5, 1, 1, 1], [uscc(604), "2025.1", 6, 1, 1, 1]],
        world,
    )
    assert not report.ok and "重复" in report.errors[0].message
    assert not MonthlyFigure.objects.exists()


def test_village_cadre_imports_only_own_firms(world):
    make_enterprise(world, world.villages[1], uscc=uscc(605), name="别村企业")
    report = run(
        MonthlyFigureLedger, [FIG, [uscc(605), "2025-01", 5, 1, 1, 1]], world, who="village"
    )
    assert not report.ok and not MonthlyFigure.objects.exists()


def test_cli_import_json(world, tmp_path, capsys):
    import pytest
    from django.core.management import call_command

    make_enterprise(world, uscc=uscc(606), name="命令行")
    path = tmp_path / "m.xlsx"
    rows = [FIG, [uscc(606), "2025-03", 5, 1, 1, 1], [uscc(606), "2025-04", "3元", 1, 1, 1]]
    path.write_bytes(xlsx(rows).read())
    with pytest.raises(SystemExit) as exc:
        call_command("import", "monthly-figures", str(path), "--json", "--user", "admin_t")
    assert exc.value.code == 1
    data = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert data["ok"] is False and data["errors"][0]["column"] == "营业收入"
    assert data["errors"][0]["row"] == 3
    assert not MonthlyFigure.objects.exists()


def test_monthly_import_reads_the_unit_in_the_header(world):
    make_enterprise(world, uscc=uscc(607), name="元为单位")
    head = ["企业", "月份", "营业收入（元）", "主营业务收入（元）", "税收（万元）"]
    rows = [head, [uscc(607), "2025-01", 1200000, "1180000元", 3.5]]
    report = run(MonthlyFigureLedger, rows, world)
    assert report.ok, [e.as_dict() for e in report.errors]
    f = MonthlyFigure.objects.get()
    assert (f.revenue, f.main_revenue, f.taxes) == (120, 118, Decimal("3.5"))
    # a 万元 cell in a column whose header says 元 is a mix
    rows = [head, [uscc(607), "2025-02", 1200000, "118万元", 3.5]]
    report = run(MonthlyFigureLedger, rows, world)
    assert not report.ok and report.errors[0].column == "主营业务收入"
