"""The targets ledger: export re-imports unchanged, new targets under existing measures, cell
errors for a bad indicator key, bad JSON and an unknown measure (all or nothing), dry run, the
import page, the template and `zhenwu import targets`."""

import io
import json
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from zhenwu.core.importing.writer import write_xlsx
from zhenwu.core.models import Department, ObjectChange
from zhenwu.plan.ledgers import TargetLedger
from zhenwu.plan.models import Measure, Target, Theme
from zhenwu.plan.tests.factories import make_target


@pytest.fixture
def targets(world):
    dept = Department.objects.get(town=world.town, name="综合专班")
    a = make_target(
        world.town,
        name="签约项目数",
        value=12,
        unit="个",
        indicator_key="investment.signed_count",
        indicator_params={"year": 2025},
        leader=world.users["leader"],
        department=dept,
        deadline=date(2025, 11, 30),
        yellow_margin=D("7.5"),
    )
    b = make_target(world.town, name="走访企业", value=40, unit="家", curve="stepped")
    return a, b


def export(world) -> bytes:
    r = world.client("admin").get(reverse("plan:target_export"))
    assert r.status_code == 200
    return b"".join(r.streaming_content) if r.streaming else r.content


def rows_of(content: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in ws.iter_rows(values_only=True)]


def run(world, rows, *, dry_run=False, who="admin"):
    headers = rows[0]
    content = write_xlsx(headers, rows[1:])
    return TargetLedger().run(
        io.BytesIO(content), "targets.xlsx", user=world.users[who], dry_run=dry_run
    )


def new_row(headers, **cells):
    base = {
        "计划年度": 2025,
        "板块": "板块一",
        "举措": "举措一",
        "指标": "新增规上企业",
        "单位": "家",
        "目标值": 3,
        "比较方式": "不低于（≥）",
        "计算指标": "",
        "指标参数": "",
        "权重": 2,
        "包保领导": "leader_t",
        "责任部门": "综合专班",
        "进度曲线": "按月阶梯",
        "完成时限": "2025-12-20",
        "黄灯容差（百分点）": 5,
    }
    base.update(cells)
    return [base.get(h) for h in headers]


def test_export_reimports_unchanged(world, targets):
    content = export(world)
    rows = rows_of(content)
    header = rows[0]
    assert header[:4] == ["计划年度", "板块", "举措", "指标"]
    first = dict(zip(header, rows[1], strict=False))
    assert first["指标参数"] == '{"year": 2025}' and first["包保领导"] == "leader_t"
    before = ObjectChange.objects.count()
    report = TargetLedger().run(io.BytesIO(content), "t.xlsx", user=world.users["admin"])
    assert report.ok, [e.as_dict() for e in report.errors]
    assert (report.created, report.updated, report.rows) == (0, 0, 2)
    assert ObjectChange.objects.count() == before


SHARES = [5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100]


def test_a_custom_curve_exports_and_reimports_unchanged(world, targets):
    """The 12 month-end percentages travel in their own column: a target on a custom curve
    re-imports unchanged, and a new one is created with its curve (a bad list is a cell
    error naming the column)."""
    make_target(world.town, name="自定义曲线指标", value=10, curve="custom", curve_shares=SHARES)
    rows = rows_of(export(world))
    header = rows[0]
    col = header.index("月度累计进度（%）")
    custom = next(r for r in rows[1:] if r[header.index("指标")] == "自定义曲线指标")
    assert custom[col] == "5,10,20,30,40,50,60,70,80,90,95,100"
    report = run(world, rows)
    assert report.ok, [e.as_dict() for e in report.errors]
    assert (report.created, report.updated) == (0, 0)
    rows.append(
        new_row(
            header,
            指标="新曲线指标",
            进度曲线="自定义月度进度",
            **{"月度累计进度（%）": "5，10、20,30,40,50,60,70,80,90,95,100%"},
        )
    )
    report = run(world, rows)
    assert report.ok, [e.as_dict() for e in report.errors]
    assert Target.objects.get(name="新曲线指标").curve_shares == [float(s) for s in SHARES]
    rows[-1] = new_row(
        header, 指标="坏曲线指标", 进度曲线="自定义月度进度", **{"月度累计进度（%）": "5,十,20"}
    )
    report = run(world, rows)
    assert not report.ok
    assert report.errors[0].column == "月度累计进度（%）"
    assert not Target.objects.filter(name="坏曲线指标").exists()


def test_a_row_added_to_the_export_creates_one_target(world, targets):
    rows = rows_of(export(world))
    rows.append(new_row(rows[0]))
    report = run(world, rows)
    assert report.ok, [e.as_dict() for e in report.errors]
    assert (report.created, report.updated) == (1, 0)
    t = Target.objects.get(name="新增规上企业")
    assert t.measure == targets[0].measure and t.town == world.town
    assert (t.unit, t.target_value, t.weight, t.curve) == ("家", D(3), D(2), "stepped")
    assert t.leader == world.users["leader"] and t.department.name == "综合专班"
    assert (t.deadline, t.yellow_margin, t.indicator_key) == (date(2025, 12, 20), D(5), "")
    assert t.indicator_params == {}
    assert ObjectChange.objects.filter(object_id=t.pk, source="import").exists()
    # and the new export re-imports unchanged
    report = TargetLedger().run(io.BytesIO(export(world)), "t.xlsx", user=world.users["admin"])
    assert report.ok and (report.created, report.updated) == (0, 0)


def test_edited_cells_update_the_matching_target(world, targets):
    rows = rows_of(export(world))
    header = rows[0]
    row = rows[1]
    row[header.index("目标值")] = 15
    row[header.index("指标参数")] = '{"year": 2024}'
    report = run(world, rows)
    assert report.ok and (report.created, report.updated) == (0, 1)
    a = Target.objects.get(pk=targets[0].pk)
    assert a.target_value == D(15) and a.indicator_params == {"year": 2024}
    assert a.version == targets[0].version + 1


def test_new_target_under_another_existing_measure(world, targets):
    theme = Theme.objects.get(town=world.town, name="板块一")
    Measure.objects.create(town=world.town, theme=theme, name="举措二")
    rows = rows_of(export(world))
    rows.append(new_row(rows[0], 举措="举措二", 指标="招商签约额"))
    report = run(world, rows)
    assert report.ok and report.created == 1
    assert Target.objects.get(name="招商签约额").measure.name == "举措二"


@pytest.mark.parametrize(
    ("cells", "column", "needle"),
    [
        ({"计算指标": "investment.no_such_thing"}, "计算指标", "investment.no_such_thing"),
        ({"指标参数": "{year: 2025"}, "指标参数", "JSON"),
        ({"指标参数": "[1, 2]"}, "指标参数", "JSON 对象"),
        ({"举措": "不存在的举措"}, "举措", "不存在的举措"),
        ({"板块": "别的板块"}, "举措", "别的板块"),
        ({"计划年度": 2031}, "举措", "2031年"),
    ],
)
def test_bad_cells_are_reported_and_nothing_is_stored(world, targets, cells, column, needle):
    rows = rows_of(export(world))
    rows[1][rows[0].index("目标值")] = 99  # a valid change alongside: must not be stored
    rows.append(new_row(rows[0], **cells))
    before = ObjectChange.objects.count()
    report = run(world, rows)
    assert not report.ok
    errors = [e.as_dict() for e in report.errors]
    assert any(
        e["row"] == len(rows) and e["column"] == column and needle in e["message"] for e in errors
    ), errors
    assert (report.created, report.updated) == (0, 0)
    assert Target.objects.count() == 2
    assert Target.objects.get(pk=targets[0].pk).target_value == D(12)
    assert ObjectChange.objects.count() == before


def test_dry_run_stores_nothing(world, targets):
    rows = rows_of(export(world))
    rows[1][rows[0].index("目标值")] = 99
    rows.append(new_row(rows[0]))
    before = ObjectChange.objects.count()
    report = run(world, rows, dry_run=True)
    assert report.ok and report.dry_run
    assert (report.created, report.updated) == (1, 1)
    assert Target.objects.count() == 2
    assert Target.objects.get(pk=targets[0].pk).target_value == D(12)
    assert ObjectChange.objects.count() == before


def test_other_towns_measures_are_not_found(world, targets):
    make_target(world.other_town, name="外镇指标")  # 2025 / 板块一 / 举措一 in the other town
    rows = rows_of(export(world))
    assert len(rows) == 3  # the other town's target is not exported
    # the names of this town's leader and department are not found there either
    report = run(world, [rows[0], new_row(rows[0])], who="other_admin")
    assert {e.column for e in report.errors} == {"包保领导", "责任部门"}
    row = new_row(rows[0], 包保领导="", 责任部门="外镇专班")
    report = run(world, [rows[0], row], who="other_admin")
    assert report.ok and report.created == 1
    created = Target.objects.get(name="新增规上企业")
    assert created.town == world.other_town and created.measure.town == world.other_town


def test_readers_cannot_import(world, targets):
    rows = rows_of(export(world))
    rows.append(new_row(rows[0]))
    report = run(world, rows, who="leader")
    assert not report.ok and Target.objects.count() == 2


def test_import_page_template_and_cli(world, targets, tmp_path):
    client = world.client("admin")
    assert client.get(reverse("plan:target_import")).status_code == 200
    r = client.get(reverse("plan:target_template"))
    assert r.status_code == 200
    template = b"".join(r.streaming_content) if r.streaming else r.content
    assert "计算指标" in [c for row in rows_of(template)[:3] for c in row if c]
    list_page = client.get(reverse("plan:target_list")).content.decode()
    assert reverse("plan:target_import") in list_page
    rows = rows_of(export(world))
    rows.append(new_row(rows[0]))
    path = tmp_path / "targets.xlsx"
    path.write_bytes(write_xlsx(rows[0], rows[1:]))
    out = io.StringIO()
    call_command("import", "targets", str(path), "--json", "--user", "admin_t", stdout=out)
    data = json.loads(out.getvalue())
    assert data["ok"] and (data["created"], data["updated"]) == (1, 0)
    # a bad key through the CLI: exit status 1, the error names row and column
    rows.append(new_row(rows[0], 指标="坏指标", 计算指标="nope.key"))
    path.write_bytes(write_xlsx(rows[0], rows[1:]))
    out = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("import", "targets", str(path), "--json", "--user", "admin_t", stdout=out)
    assert exc.value.code == 1
    data = json.loads(out.getvalue())
    assert not data["ok"]
    assert data["errors"][0]["row"] == len(rows) and data["errors"][0]["column"] == "计算指标"
