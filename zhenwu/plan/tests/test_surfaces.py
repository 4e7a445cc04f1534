"""The registered surfaces (battery), the targets API, progress reports and copying a plan."""

from datetime import date, timedelta
from decimal import Decimal as D

from django.core.files.uploadedfile import SimpleUploadedFile

from zhenwu.core.models import Department
from zhenwu.core.services import attachments_for
from zhenwu.core.testing import ResourceBattery
from zhenwu.plan import services
from zhenwu.plan.models import Measure, Plan, ProgressReport, Target, Task
from zhenwu.plan.resources import report_resource, target_resource, task_resource
from zhenwu.plan.tests.factories import make_plan, make_target, report


class TestTargetSurface(ResourceBattery):
    resource = target_resource
    api_path = "targets"

    def make(self, world, village):
        n = Target.all_objects.count() + 1
        return make_target(village.town, name=f"指标{n}", value=10 + n)

    def form_data(self, world):
        measure = Measure.objects.filter(town=world.town).first() or make_target(world.town).measure
        return {
            "measure": measure.pk,
            "name": "新指标",
            "unit": "个",
            "target_value": "12",
            "comparison": "gte",
            "indicator_key": "",
            "indicator_params": "",
            "weight": "1",
            "curve": "linear",
            "curve_shares": "",
            "yellow_margin": "10",
            "report_frequency": "monthly",
            "order": "1",
        }


class TestTaskSurface(ResourceBattery):
    resource = task_resource
    api_path = "tasks"

    def make(self, world, village):
        town = village.town
        leader = world.users["leader" if town == world.town else "other_admin"]
        dept = Department.objects.filter(town=town).first()
        n = Task.all_objects.count() + 1
        return services.task_assign(
            town=town,
            title=f"督办{n}",
            acting_user=leader,
            assignee_department=dept,
            deadline=date.today() + timedelta(days=10),
        )

    def form_data(self, world):
        dept = Department.objects.get(town=world.town, name="综合专班")
        return {
            "title": "新督办",
            "source": "meeting",
            "source_note": "党委会",
            "assignee_department": dept.pk,
            "workdays": "5",
        }


def test_target_form_rejects_bad_input_naming_the_field(world):
    target = make_target(world.town)
    client = world.client("staff")
    data = TestTargetSurface().form_data(world)
    for field, value, message in [
        ("target_value", "-1", "目标值不能为负数"),
        ("indicator_key", "nope.none", "nope.none"),
        ("indicator_params", "[1,2]", "JSON 对象"),
        ("yellow_margin", "150", "黄灯容差"),
    ]:
        bad = {**data, field: value}
        r = client.post("/plan/targets/add/", bad)
        assert r.status_code == 400, field
        assert message in str(r.context["form"].errors[field]), field
    bad = {**data, "curve": "custom", "curve_shares": "10,20"}
    r = client.post("/plan/targets/add/", bad)
    assert r.status_code == 400 and "12个" in str(r.context["form"].errors)
    assert Target.objects.count() == 1 and target.pk


def test_api_targets_fields_and_as_of(world):
    t = make_target(world.town, name="签约", value=35)
    report(t, 14, date(2025, 5, 31))
    report(t, 36, date(2025, 12, 1))
    api = world.api("leader")
    item = api.get("targets", as_of="2025-06-30").json()["items"][0]
    for key in (
        "id", "name", "unit", "target_value", "actual_value", "expected_value", "progress",
        "time_progress", "status", "forecast_value", "indicator",
    ):  # fmt: skip
        assert key in item, key
    assert item["actual_value"] == 14 and item["target_value"] == 35
    assert item["indicator"] is None
    assert item["status"] == "yellow"  # 14 of an expected 17.36: 9.6 points behind (< 10)
    assert abs(item["expected_value"] - 35 * 181 / 365) < 0.001
    assert abs(item["progress"] - 14 / 35) < 0.0001
    assert abs(item["time_progress"] - 181 / 365) < 0.0001
    assert abs(item["forecast_value"] - 14 / (181 / 365)) < 0.01
    outcome = api.get(f"targets/{t.pk}", as_of="2026-02-01").json()
    assert outcome["actual_value"] == 36 and outcome["status"] == "green"
    r = api.get("targets", as_of="2025-13-01")
    assert r.status_code == 422 and "无法识别" in str(r.json()["detail"])
    assert world.api("other_admin").get(f"targets/{t.pk}").status_code == 404
    assert api.get("targets", status="green", as_of="2026-02-01").json()["count"] == 1


def test_manual_report_page_with_evidence_changes_the_board(world):
    t = make_target(world.town, name="暗访次数", value=52, unit="次")
    client = world.client("staff")
    board = client.get("/plan/board/").content.decode()
    assert "暗访次数" in board
    r = client.post(
        f"/plan/targets/{t.pk}/report/",
        {
            "date": date.today().isoformat(),
            "value": "-3",
            "note": "",
        },
    )
    assert r.status_code == 400 and "不能为负数" in r.content.decode()
    assert not ProgressReport.objects.exists()
    photo = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    r = client.post(
        f"/plan/targets/{t.pk}/report/",
        {"date": date.today().isoformat(), "value": "30", "note": "第30次暗访", "evidence": photo},
    )
    assert r.status_code == 302
    rep = ProgressReport.objects.get()
    assert rep.value == 30 and rep.reported_by == world.users["staff"]
    assert attachments_for(rep).count() == 1
    # Readers cannot report; computed targets cannot be reported on.
    assert world.client("leader").get(f"/plan/targets/{t.pk}/report/").status_code == 404
    assert world.client("other_admin").get(f"/plan/targets/{t.pk}/report/").status_code == 404


def test_computed_target_refuses_manual_reports(world):
    t = make_target(world.town, name="自动", indicator_key="plan.tasks_closed_count", value=3)
    assert world.client("staff").get(f"/plan/targets/{t.pk}/report/").status_code == 404
    try:
        services.report_progress(t, value=1, acting_user=world.users["staff"])
    except Exception as exc:
        assert "自动计算" in str(exc)
    else:
        raise AssertionError("a computed target took a manual report")


def test_drill_down_lists_counted_records_for_the_viewer(world):
    t = make_target(world.town, name="销号任务", indicator_key="plan.tasks_closed_count", value=2)
    dept = Department.objects.get(town=world.town, name="综合专班")
    staff, leader = world.users["staff"], world.users["leader"]
    for i in range(2):
        task = services.task_assign(
            town=world.town,
            title=f"已销号{i}",
            acting_user=leader,
            assignee_department=dept,
            deadline=date.today() + timedelta(days=3),
        )
        services.task_sign(task, acting_user=staff)
        services.task_complete(task, note="完成", acting_user=staff)
        services.task_close(task, acting_user=leader)
    t.measure.theme.plan.year = date.today().year
    t.measure.theme.plan.save()
    board = world.client("leader").get("/plan/board/").content.decode()
    assert f"/plan/targets/{t.pk}/records/" in board
    page = world.client("leader").get(f"/plan/targets/{t.pk}/records/").content.decode()
    assert "已销号0" in page and "已销号1" in page and 'data-testid="records-count">2<' in page
    # Manual targets drill to their reports.
    m = make_target(world.town, name="手工", value=5)
    report(m, 3, date(2025, 3, 1))
    page = world.client("leader").get(f"/plan/targets/{m.pk}/records/?as_of=2025-06-30")
    assert "2025-03-01" in page.content.decode()


def test_copy_plan_to_next_year(world):
    t = make_target(world.town, name="签约", value=35, deadline=date(2025, 9, 30))
    report(t, 10, date(2025, 3, 1))
    plan = t.measure.theme.plan
    client = world.client("staff")
    r = client.post(
        f"/plan/plans/{plan.pk}/copy/", {"year": 2026, "name": plan.name, "factor": "1.1"}
    )
    assert r.status_code == 302
    new = Plan.objects.get(year=2026)
    copied = Target.objects.get(measure__theme__plan=new)
    assert copied.target_value == D(39)  # 35 × 1.1 = 38.5, whole targets stay whole
    assert copied.deadline == date(2026, 9, 30) and not copied.reports.exists()
    assert copied.measure.name == t.measure.name and copied.pk != t.pk
    # Same year and name again: refused with a message, nothing created.
    r = client.post(
        f"/plan/plans/{plan.pk}/copy/", {"year": 2026, "name": plan.name, "factor": "1"}
    )
    assert r.status_code == 400 and "同名计划" in r.content.decode()
    assert Plan.objects.filter(year=2026).count() == 1
    assert world.client("leader").get(f"/plan/plans/{plan.pk}/copy/").status_code == 404


def test_board_filters_and_pages_for_every_role(world):
    plan = make_plan(world.town)
    a = make_target(world.town, plan, name="甲指标", value=10)
    b = make_target(world.town, plan, name="乙指标", value=10)
    report(a, 10, date(2025, 2, 1))
    b.leader = world.users["leader"]
    b.save()
    for who in ("admin", "leader", "staff", "village", "inspector", "viewer"):
        r = world.client(who).get("/plan/board/?as_of=2025-06-30")
        assert r.status_code == 200, who
    client = world.client("leader")
    html = client.get("/plan/board/?as_of=2025-06-30&colour=green").content.decode()
    assert "甲指标" in html and "乙指标" not in html
    html = client.get(
        f"/plan/board/?as_of=2025-06-30&leader={world.users['leader'].pk}"
    ).content.decode()
    assert "乙指标" in html and "甲指标" not in html
    html = client.get("/plan/board/?as_of=not-a-date").content.decode()
    assert "无法识别" in html and "已按" in html
    assert client.get("/plan/bigscreen/?as_of=2025-06-30").status_code == 200
    r = client.get("/plan/bigscreen/?as_of=2025-06-30", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and b"every 60s" in r.content and b"<html" not in r.content
    assert client.get(f"/plan/targets/{a.pk}/").status_code == 200
    assert world.client("other_admin").get("/plan/board/").content.decode().count("甲指标") == 0
    assert client.get("/").status_code == 302


class TestProgressReportSurface(ResourceBattery):
    resource = report_resource

    def make(self, world, village):
        town = village.town
        target = Target.objects.filter(town=town, indicator_key="").first() or make_target(town)
        n = ProgressReport.all_objects.count() + 1
        return report(target, n, date(2025, 1, 1) + timedelta(days=n))

    def form_data(self, world):
        target = make_target(world.town, name="填报指标")
        return {"target": target.pk, "date": "2025-03-31", "value": "12.5", "note": "三月"}


def test_report_import_matches_names_and_refuses_bad_rows(world, tmp_path):
    from zhenwu.plan.ledgers import ProgressReportLedger

    veg = make_target(world.town, name="蔬菜基地", value=2000, unit="亩")
    make_target(world.town, name="自动指标", indicator_key="plan.tasks_closed_count")
    csv = tmp_path / "r.csv"
    csv.write_text(
        "指标名称,日期,累计完成,备注\n"
        '蔬菜基地,2025年3月31日,"1,200",三月\n'
        "2025年 · 蔬菜基地,2025/4/30,1300,四月\n",
        encoding="utf-8",
    )
    staff = world.users["staff"]
    result = ProgressReportLedger().run(csv.open("rb"), "r.csv", user=staff)
    assert result.ok, [e.as_dict() for e in result.errors]
    assert result.created == 2 and veg.reports.count() == 2
    assert veg.reports.get(date=date(2025, 4, 30)).reported_by == staff
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "指标,填报日期,累计完成值\n"
        "自动指标,2025-03-31,1\n"
        "不存在,2025-03-31,1\n"
        "蔬菜基地,2025-13-01,1\n"
        "蔬菜基地,2025-05-31,-5\n",
        encoding="utf-8",
    )
    result = ProgressReportLedger().run(bad.open("rb"), "bad.csv", user=staff)
    assert not result.ok and ProgressReport.objects.count() == 2
    errors = {(e.row, e.column): e.message for e in result.errors}
    assert "自动计算" in errors[(2, "指标")]
    assert "找不到" in errors[(3, "指标")]
    assert (4, "填报日期") in errors and (5, "累计完成值") in errors


def test_responsible_department_reports_without_the_plan_module(world):
    from zhenwu.core.testing import make_user

    farm = Department.objects.create(town=world.town, name="农业服务中心", modules=["agriculture"])
    farmer = make_user("farmer", "staff", world.town, departments=[farm])
    base = make_target(world.town, name="蔬菜基地", value=2000, unit="亩")
    other = make_target(world.town, name="别的指标", value=10)
    base.department = farm
    base.save()
    client = world.client(None)
    client.force_login(farmer)
    assert client.get(f"/plan/targets/{base.pk}/").content.decode().count("add-report") == 1
    r = client.post(f"/plan/targets/{base.pk}/report/", {"date": "2025-06-30", "value": "900"})
    assert r.status_code == 302 and base.reports.get().value == 900
    assert client.get(f"/plan/targets/{other.pk}/report/").status_code == 404
    assert "add-report" not in client.get(f"/plan/targets/{other.pk}/").content.decode()
    try:
        services.report_progress(other, value=1, acting_user=farmer)
    except Exception as exc:
        assert "责任部门" in str(exc)
    else:
        raise AssertionError("a user outside the responsible department reported")


def test_api_files_a_progress_report(world):
    t = make_target(world.town, name="暗访", value=52, unit="次")
    api = world.api("staff")
    r = api.post(f"targets/{t.pk}/reports", {"value": "26", "date": "2025-06-30", "note": "过半"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert (
        body["actual_value"] == 26 and body["status"] == "green" and body["as_of"] == "2025-06-30"
    )
    r = api.post(f"targets/{t.pk}/reports", {"value": "-1", "date": "2025-07-31"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "value"
    r = api.post(f"targets/{t.pk}/reports", {"value": "abc"})
    assert r.status_code == 422
    assert t.reports.count() == 1
    assert world.api("leader").post(f"targets/{t.pk}/reports", {"value": "30"}).status_code == 404
    auto = make_target(world.town, name="自动", indicator_key="plan.tasks_closed_count")
    assert api.post(f"targets/{auto.pk}/reports", {"value": "1"}).status_code == 404
    assert (
        world.api("other_admin").post(f"targets/{t.pk}/reports", {"value": "1"}).status_code == 404
    )


def test_completing_a_task_on_the_page_keeps_the_evidence(world):
    dept = Department.objects.get(town=world.town, name="综合专班")
    task = services.task_assign(
        town=world.town,
        title="清淤",
        acting_user=world.users["leader"],
        assignee_department=dept,
        deadline=date.today() + timedelta(days=5),
    )
    client = world.client("staff")
    client.post(f"/plan/tasks/{task.pk}/act/sign/")
    pdf = SimpleUploadedFile("验收单.pdf", b"%PDF-1.4 done", content_type="application/pdf")
    r = client.post(f"/plan/tasks/{task.pk}/act/complete/", {"note": "已完成", "evidence": pdf})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.status == "completed"
    assert [a.name for a in attachments_for(task)] == ["验收单.pdf"]
