"""Ledgers as township offices really send them (issue 11 §1): a title row and a 填报单位 row
above the header, a 序号 column and no code column, merged cells, amounts in 亿元/万元/bare
numbers, Chinese dates, status words as clerks write them, section titles, blank separator
rows, a 合计 row and a 填表人 line under the data, and 包保 leaders who have no account yet.
Each imports with warnings and no errors; a re-import changes nothing; rows without a code
are matched by name; people get linked once their account exists."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from zhenwu.core.importing import parsers as p
from zhenwu.core.ledgers import name_key
from zhenwu.core.models import ChoiceSynonym, ObjectChange, Role
from zhenwu.core.testing import make_user
from zhenwu.enterprises.ledgers import EnterpriseLedger, MonthlyFigureLedger
from zhenwu.enterprises.models import Enterprise, MonthlyFigure
from zhenwu.enterprises.tests.helpers import make_enterprise, uscc
from zhenwu.investment.ledgers import InvestmentLedger
from zhenwu.investment.models import Investment, Stage
from zhenwu.investment.tests.factories import make_investment
from zhenwu.projects.models import Project, ProjectStatus
from zhenwu.projects.resources import ProjectLedger

pytestmark = pytest.mark.django_db


def office_sheet(title, unit_line, header, rows, *, merges=()) -> bytes:
    """A sheet as an office keeps it: title and 填报单位 lines merged across the table."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    width = len(header)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.append([unit_line])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.append(header)
    for r in rows:
        ws.append(r)
    for r0, c0, r1, c1 in merges:
        ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run(ledger_cls, content, world, who="staff", dry_run=False):
    return ledger_cls().run(
        io.BytesIO(content), "台账.xlsx", user=world.users[who], dry_run=dry_run
    )


def problems(report):
    return [(e.row, e.column, e.message) for e in report.errors]


def warnings(report):
    return [(w.row, w.column, w.message) for w in report.warnings]


# --- 招商引资项目台账 ------------------------------------------------------------------------

INVESTMENT_HEADER = [
    "序号", "项目名称", "投资方", "所属产业", "项目类型", "计划总投资（万元）",
    "签约时间", "开工时间", "投产时间", "项目状态", "包保领导", "所在村", "备注",
]  # fmt: skip


def investment_ledger(world) -> bytes:
    leader = world.users["leader"].full_name
    rows = [
        ["一、工业项目"],
        [1, "新型涂料生产线", "湖北某涂料有限公司", "新材料", "工业", "1.2亿元",
         "2025年2月18日", "2025.4.8", None, "在建", leader, "村1", ""],
        [2, "炉渣综合利用", "石首某建材公司", "建材", "工业", "8000",
         "2025/3/26", None, None, "已签约", "王建国", "村1", "合并单元格的村"],
        [3, "ＬＥＤ　灯具组装", "深圳某光电", "电子", "工业", "3,500万元",
         date(2025, 1, 10), date(2025, 3, 1), "2025年6月30日", "已投产", "王建国", "村2", ""],
        [None] * 13,
        ["二、农业项目"],
        [4, "蔬菜基地", "本地合作社", "农业", "农业", "0.3亿", None, None, None, "洽谈中",
         "", "", "意向较强"],
        [5, "稻虾共作", "某农业公司", "农业", "农业", "", None, None, None, "意向", "", "", ""],
        ["合计", None, None, None, None, "23800", None, None, None, None, None, None, None],
        ["填表人：张三", None, None, "审核人：李四"],
    ]  # fmt: skip
    # 所在村 merged over rows 5–6 (the first two projects, both in 村1)
    return office_sheet(
        "南口镇2025年招商引资项目台账",
        "填报单位：南口镇招商办（盖章）            填报日期：2025年6月30日",
        INVESTMENT_HEADER,
        rows,
        merges=[(5, 12, 6, 12)],
    )


def test_investment_ledger_without_codes_imports_with_warnings(world):
    content = investment_ledger(world)
    dry = run(InvestmentLedger, content, world, dry_run=True)
    assert dry.ok, problems(dry)
    assert (dry.rows, dry.created) == (5, 5) and not Investment.objects.exists()
    assert any("王建国" in w[2] for w in warnings(dry))

    report = run(InvestmentLedger, content, world)
    assert report.ok, problems(report)
    assert (report.rows, report.created, report.updated) == (5, 5, 0)
    got = {i.name: i for i in Investment.objects.all()}
    assert set(got) == {
        "新型涂料生产线",
        "炉渣综合利用",
        "ＬＥＤ　灯具组装",
        "蔬菜基地",
        "稻虾共作",
    }
    coating, slag, led = got["新型涂料生产线"], got["炉渣综合利用"], got["ＬＥＤ　灯具组装"]
    # status words as the office wrote them
    assert coating.stage == Stage.STARTED and slag.stage == Stage.SIGNED
    assert led.stage == Stage.COMPLETED and got["蔬菜基地"].stage == Stage.NEGOTIATING
    assert got["稻虾共作"].stage == Stage.LEAD
    # amounts in 亿元, bare 万元 and with 万元, dates in every spelling
    assert coating.planned_total_wan == Decimal(12000) and slag.planned_total_wan == 8000
    assert led.planned_total_wan == 3500 and got["蔬菜基地"].planned_total_wan == 3000
    assert coating.signed_on == date(2025, 2, 18) and coating.started_on == date(2025, 4, 8)
    assert led.completed_on == date(2025, 6, 30)
    # the merged 所在村 cell counts for both rows it covers
    assert coating.village == world.villages[0] and slag.village == world.villages[0]
    assert led.village == world.villages[1] and got["蔬菜基地"].village is None
    # generated codes, unique in the town
    codes = {i.code for i in got.values()}
    assert len(codes) == 5 and all(c.startswith("ZS-") for c in codes)
    # a leader with an account is linked; one without is kept as text, with a warning
    assert coating.leader == world.users["leader"] and coating.leader_name == ""
    assert slag.leader is None and slag.leader_name == "王建国"
    flagged = [(w[0], w[1]) for w in warnings(report) if "王建国" in w[2]]
    assert flagged == [(6, "包保领导"), (7, "包保领导")]
    assert not any("序号" in w[1] for w in warnings(report) if w[1])
    # the 合计 row and the 填表人 line are not records
    assert not Investment.objects.filter(name__contains="合计").exists()

    # a re-import matches every row by name and changes nothing
    logged = ObjectChange.objects.count()
    again = run(InvestmentLedger, content, world)
    assert again.ok, problems(again)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert ObjectChange.objects.count() == logged
    matched = {(m["row"], m["record"]) for m in again.matched}
    assert (5, "新型涂料生产线") in matched and (7, "ＬＥＤ　灯具组装") in matched
    assert any("按名称对应到已有记录「新型涂料生产线」" in w[2] for w in warnings(again))


def test_rows_match_by_name_after_normalising_width_and_spaces(world):
    existing = make_investment(world, code="ZS-01", name="LED 灯具组装", stage=Stage.SIGNED)
    content = office_sheet(
        "台账",
        "填报单位：招商办",
        ["序号", "项目名称", "项目状态"],
        [[1, "ＬＥＤ灯具  组装", "在建"]],
    )
    report = run(InvestmentLedger, content, world, dry_run=True)
    assert report.ok, problems(report)
    assert report.matched == [{"row": 4, "id": existing.pk, "record": "LED 灯具组装"}]
    assert (report.created, report.updated) == (0, 1)
    assert name_key("ＬＥＤ灯具  组装") == name_key("LED 灯具组装")


def test_two_records_with_the_same_name_ask_for_the_code_column(world):
    make_investment(world, code="ZS-01", name="同名项目")
    make_investment(world, code="ZS-02", name="同名项目")
    content = office_sheet("台账", "", ["序号", "项目名称"], [[1, "同名项目"]])
    report = run(InvestmentLedger, content, world)
    assert not report.ok
    ((row, column, message),) = problems(report)
    assert (row, column) == (4, "项目名称") and "ZS-01" in message and "项目编号" in message


def test_unknown_status_word_names_the_closest_choice(world):
    content = office_sheet("台账", "", ["项目名称", "项目状态"], [["甲项目", "已签"]])
    report = run(InvestmentLedger, content, world)
    ((row, column, message),) = problems(report)
    assert (row, column) == (4, "阶段") and "您是否指「签约」？" in message


def test_administrators_extend_the_synonym_table(world):
    content = office_sheet("台账", "", ["项目名称", "项目状态"], [["乙项目", "落地开工"]])
    assert not run(InvestmentLedger, content, world).ok
    ChoiceSynonym.objects.create(
        model="investment.investment", field="stage", word="落地开工", value="started"
    )
    report = run(InvestmentLedger, content, world, dry_run=True)
    assert report.ok, problems(report)


def test_the_seeded_synonyms_are_valid_choices():
    from django.apps import apps

    for syn in ChoiceSynonym.objects.all():
        f = apps.get_model(syn.model)._meta.get_field(syn.field)
        assert syn.value in {v for v, _ in f.choices}, syn
    assert ChoiceSynonym.objects.filter(word="已签约", value="signed").exists()


def test_a_person_is_linked_when_their_account_is_created(world):
    run(InvestmentLedger, investment_ledger(world), world)
    assert Investment.objects.filter(leader_name="王建国").count() == 2
    wang = make_user("wangjg", Role.LEADER, world.town)
    wang.full_name = "王建国"
    wang.save()
    linked = Investment.objects.filter(leader=wang)
    assert linked.count() == 2 and not Investment.objects.filter(leader_name="王建国").exists()
    entry = ObjectChange.objects.filter(
        content_type__model="investment", object_id=linked.first().pk, source="system"
    ).last()
    assert entry is not None and "leader_id" in entry.changed_fields
    # an account of another town with the same name links nothing there
    # and the office's ledger, imported again, now finds the account: nothing changes
    again = run(InvestmentLedger, investment_ledger(world), world)
    assert again.ok and (again.created, again.updated) == (0, 0)
    assert not any("王建国" in w[2] for w in warnings(again))


def test_the_import_page_shows_warnings(world):
    upload = SimpleUploadedFile("招商台账.xlsx", investment_ledger(world))
    response = world.client("staff").post(
        reverse("investment:investment_import"), {"file": upload, "dry_run": "on"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-warnings"' in html
    assert "王建国" in html and not Investment.objects.exists()


# --- 企业名录 -------------------------------------------------------------------------------


def test_enterprise_register_as_an_office_keeps_it(world):
    header = ["序号", "企业名称", "统一社会信用代码", "行业代码", "所在村", "法定代表人",
              "联系电话", "包保干部", "防水企业", "入库途径"]  # fmt: skip
    rows = [
        [1, "南口防水材料有限公司", uscc(901), "C3031", "村1", "刘一", "13900000001",
         "李卫东", "是", "年度入库"],
        [2, "南口商贸有限公司", uscc(902), "F5212", "村1", "陈二", "", "", "否", "月度入库"],
        [None] * 10,
        [3, "南口建筑劳务有限公司", uscc(903), "E4710", "村2", "张三", "", "", "否", ""],
        ["合计：3户"],
    ]  # fmt: skip
    content = office_sheet(
        "南口镇“四上”企业培育库", "填报单位：经发办", header, rows, merges=[(4, 5, 5, 5)]
    )
    report = run(EnterpriseLedger, content, world)
    assert report.ok, problems(report)
    assert (report.created, report.rows) == (3, 3)
    firm = Enterprise.objects.get(uscc=uscc(901))
    assert firm.cadre is None and firm.cadre_name == "李卫东" and firm.is_waterproofing
    assert Enterprise.objects.get(uscc=uscc(902)).village == world.villages[0]  # merged cell
    assert [(w[0], w[1]) for w in warnings(report) if w[1] == "包保干部"] == [(4, "包保干部")]
    again = run(EnterpriseLedger, content, world)
    assert again.ok and (again.created, again.updated) == (0, 0), problems(again)


def test_enterprises_match_by_name_when_the_file_has_no_uscc(world):
    firm = make_enterprise(world, uscc=uscc(904), name="南口机械厂")
    content = office_sheet(
        "企业名单",
        "",
        ["序号", "企业名称", "行业代码", "法定代表人"],
        [[1, "南口机械厂", firm.industry_code, "赵四"]],
    )
    report = run(EnterpriseLedger, content, world)
    assert report.ok, problems(report)
    assert report.updated == 1 and report.matched[0]["id"] == firm.pk
    firm.refresh_from_db()
    assert firm.legal_rep == "赵四"


# --- 重点项目台账 ---------------------------------------------------------------------------


def test_key_projects_ledger_as_an_office_keeps_it(world):
    header = ["序号", "项目名称", "项目类别", "建设年度", "项目状态", "所在村（社区）",
              "包保领导", "总投资", "年度计划投资", "计划开工时间", "计划竣工时间", "备注"]  # fmt: skip
    rows = [
        ["（一）续建项目"],
        [1, "滨江大道改造", "重点项目", 2025, "前期工作", "村1", "孙建军", "1.5亿",
         "5000万", "2025年9月1日", "2026.6.30", ""],
        [2, "村级活动中心", "民生实事", 2025, "谋划中", "村2", "", "800", "800",
         None, None, "拟申报"],
        [None] * 12,
        [3, "高标准农田二期", "高标准农田", 2025, "储备", "村3", world.users["leader"].full_name,
         "2,000万元", "", None, None, ""],
        ["合计", None, None, None, None, None, None, "17800", None, None, None, None],
    ]  # fmt: skip
    content = office_sheet("2025年重点项目推进台账", "填报单位：项目办", header, rows)
    report = run(ProjectLedger, content, world)
    assert report.ok, problems(report)
    assert (report.rows, report.created) == (3, 3)
    road = Project.objects.get(name="滨江大道改造")
    assert road.status == ProjectStatus.PREPARING and road.total_investment == 15000
    assert road.leader is None and road.leader_name == "孙建军"
    assert road.planned_start == date(2025, 9, 1) and road.planned_finish == date(2026, 6, 30)
    assert Project.objects.get(name="高标准农田二期").status == ProjectStatus.PLANNING
    assert [(w[0], w[1]) for w in warnings(report)] == [(5, "包保领导")]
    again = run(ProjectLedger, content, world)
    assert again.ok and (again.created, again.updated) == (0, 0), problems(again)


# --- 企业月度经营数据 -----------------------------------------------------------------------


def test_monthly_figures_as_an_office_sends_them(world):
    make_enterprise(world, uscc=uscc(911), name="月报一厂")
    make_enterprise(world, uscc=uscc(912), name="月报二厂")
    header = ["序号", "企业名称", "月份", "营业收入（万元）", "主营业务收入（万元）",
              "从业人员", "税收（万元）"]  # fmt: skip
    rows = [
        [1, "月报一厂", "2025年1月", 120, "118", 30, 3.5],
        [2, "月报一厂", "2025年2月", "0.013亿元", 128, 31, "3.6万"],
        [None] * 7,
        [3, "月报二厂", "2025.1", "80万元", 75, 12, 2],
        ["合计", None, None, 330, 321, 73, 9.1],
    ]  # fmt: skip
    content = office_sheet("规上企业月度经营情况", "填报单位：经发办  单位：万元", header, rows)
    report = run(MonthlyFigureLedger, content, world)
    assert report.ok, problems(report)
    assert (report.rows, report.created) == (3, 3)
    feb = MonthlyFigure.objects.get(enterprise__name="月报一厂", month=date(2025, 2, 1))
    assert feb.revenue == 130 and feb.taxes == Decimal("3.6")
    again = run(MonthlyFigureLedger, content, world)
    assert again.ok and (again.created, again.updated) == (0, 0), problems(again)


# --- formulas without a cached result (issue 9.6) ----------------------------------------


def test_a_formula_never_calculated_is_named_as_such(world):
    from zhenwu.core.tests.xlsx_parts import inline, number, row, xlsx

    content = xlsx(
        [
            row(1, inline("A1", "项目名称"), inline("B1", "计划总投资（万元）")),
            row(2, inline("A2", "甲项目"), number("B2", 100)),
            row(
                3,
                '<c r="A3" t="str"><f>A2&amp;"二期"</f></c>'.encode(),
                b'<c r="B3"><f>B2*2</f></c>',
            ),
        ]
    )
    report = InvestmentLedger().run(io.BytesIO(content), "program.xlsx", user=world.users["staff"])
    assert not report.ok
    cells = {(e.row, e.column): e.message for e in report.errors}
    assert set(cells) == {(3, "项目名称"), (3, "计划总投资（万元）")}
    assert all("公式" in m and "Excel 或 WPS" in m and "保存" in m for m in cells.values())
    assert not any("必填" in m for m in cells.values())


# --- one write path: queries do not grow with rows -----------------------------------------


def _batches(n):
    """Statements a bulk insert of n investments needs: the rows, their change-log entries
    and their timeline events, each in batches as large as the database allows."""
    from zhenwu.investment.models import InvestmentEvent

    total = 0
    for model in (Investment, ObjectChange, InvestmentEvent):
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        size = min(2000, connection.ops.bulk_batch_size(fields, [None] * n) or n)
        total += -(-n // size)  # the entries: one per investment and one per event
        if model is ObjectChange:
            total += -(-n // size)
    return total


def _queries_for(world, n):
    rows = [[i, f"项目{i:05d}", "工业", f"{i}万", "村1", "已签约", "2025-03-01"] for i in range(n)]
    content = office_sheet(
        "台账",
        "",
        ["序号", "项目名称", "项目类型", "计划总投资", "所在村", "状态", "签约时间"],
        rows,
    )
    with CaptureQueriesContext(connection) as ctx:
        report = run(InvestmentLedger, content, world)
    assert report.ok and report.created == n, problems(report)
    with CaptureQueriesContext(connection) as again:
        report = run(InvestmentLedger, content, world)
    assert report.ok and report.unchanged == n
    return len(ctx.captured_queries), len(again.captured_queries)


def test_import_queries_do_not_grow_with_rows(world):
    (small, small_again) = _queries_for(world, 20)
    Investment.all_objects.all().delete()
    ObjectChange.objects.all().delete()
    (large, large_again) = _queries_for(world, 400)
    # a re-import that changes nothing: the same queries whatever the rows
    assert large_again == small_again
    # an import that creates: only more batches
    assert large - small <= _batches(400) - _batches(20), (small, large)


def test_closest_choice_edges():
    lookup = {"签约": "signed", "开工": "started", "竣工投产": "completed"}
    labels = {"signed": "签约", "started": "开工", "completed": "竣工投产"}
    assert p.closest_choice("已签", lookup, labels) == "签约"
    assert p.closest_choice("投产了", lookup, labels) == "竣工投产"
    assert p.closest_choice("xyz", lookup, labels) == ""
    assert p.closest_choice("", lookup, labels) == ""


def test_empty_cells_clear_optional_fields_and_keep_required_ones(world):
    inv = make_investment(
        world, code="ZS-90", name="清空测试", project_type="agricultural", source="online"
    )
    content = office_sheet(
        "台账",
        "",
        ["项目编号", "项目名称", "项目类型", "招商方式", "备注"],
        [["ZS-90", "清空测试", "", "", ""]],
    )
    report = run(InvestmentLedger, content, world)
    assert report.ok, problems(report)
    inv.refresh_from_db()
    # 项目类型 may not be empty: the stored value stays; 招商方式 and 备注 may: they are cleared
    assert inv.project_type == "agricultural" and inv.source == "" and inv.note == ""
