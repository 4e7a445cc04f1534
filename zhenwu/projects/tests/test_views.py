"""Pages: the shared battery for every surface, the Gantt pages, 三未 lists, promotion."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhenwu.core.testing import ResourceBattery
from zhenwu.projects import services
from zhenwu.projects.models import Milestone, Problem, Project, ProjectStatus, WeeklyReport
from zhenwu.projects.resources import (
    milestone_resource,
    problem_resource,
    project_resource,
    weekly_resource,
)
from zhenwu.projects.tests.factories import D, make_network, make_project


class TestProjectSurface(ResourceBattery):
    resource = project_resource
    api_path = "projects"

    def make(self, world, village):
        return make_project(world, village, deadline=D("2025-12-31"))

    def form_data(self, world):
        cats = services.ensure_categories(world.town)
        return {
            "name": "表单新建项目",
            "category": cats["key"].pk,
            "status": ProjectStatus.PLANNING,
            "village": world.villages[0].pk,
            "total_investment": "1200",
        }


class TestMilestoneSurface(ResourceBattery):
    resource = milestone_resource

    def make(self, world, village):
        project = make_project(world, village, deadline=D("2025-12-31"))
        return make_network(project, [("施工", 20, {"percent_complete": Decimal(30)})])["施工"]

    def form_data(self, world):
        project = make_project(world, world.villages[0], deadline=D("2025-12-31"))
        return {"project": project.pk, "name": "验收", "order": 1, "duration": 5,
                "percent_complete": "0"}  # fmt: skip


class TestProblemSurface(ResourceBattery):
    resource = problem_resource

    def make(self, world, village):
        project = make_project(world, village)
        return Problem.objects.create(
            town=project.town, project=project, description=f"问题{project.pk}",
            raised_on=date(2025, 3, 1), deadline=date(2025, 3, 20),
        )  # fmt: skip

    def form_data(self, world):
        project = make_project(world, world.villages[0])
        return {"project": project.pk, "description": "施工用电", "raised_on": "2025-03-01",
                "level": "city", "status": "open"}  # fmt: skip


class TestWeeklyReportSurface(ResourceBattery):
    resource = weekly_resource

    def make(self, world, village):
        project = make_project(world, village)
        return WeeklyReport.objects.create(
            town=project.town, project=project, week=date(2025, 6, 9), text="进展",
            percent=Decimal(10),
        )  # fmt: skip

    def form_data(self, world):
        project = make_project(world, world.villages[0])
        return {"project": project.pk, "week": "2025-06-12", "text": "本周主体施工",
                "percent": "35", "investment_completed": "120"}  # fmt: skip


def test_project_form_gate_message_names_field(world):
    cats = services.ensure_categories(world.town)
    response = world.client("staff").post(
        reverse("projects:project_add"),
        {"name": "未落实专班", "category": cats["key"].pk, "status": "building",
         "actual_start": "2025-03-01"},
    )  # fmt: skip
    assert response.status_code == 400
    errors = response.context["form"].errors["status"][0]
    assert "包保领导" in errors and "专班成员" in errors and "推进方案" in errors
    assert not Project.objects.filter(name="未落实专班").exists()


def test_project_form_bad_dates_named(world):
    cats = services.ensure_categories(world.town)
    response = world.client("staff").post(
        reverse("projects:project_add"),
        {"name": "日期颠倒", "category": cats["key"].pk, "status": "planning",
         "planned_start": "2025-06-01", "planned_finish": "2025-05-01", "area_mu": "-3"},
    )  # fmt: skip
    assert response.status_code == 400
    form = response.context["form"]
    assert "planned_finish" in form.errors and "area_mu" in form.errors


def test_project_detail_shows_schedule_problems_reports(world):
    p = make_project(world, world.villages[0], deadline=D("2025-10-31"))
    make_network(p, [("设计", 10), ("施工", 20)], [("设计", "施工", 0)])
    Problem.objects.create(
        town=world.town, project=p, description="征迁未完成", raised_on=D("2025-03-01")
    )
    page = world.client("leader").get(reverse("projects:project_detail", args=[p.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "倒排工期" in text and "征迁未完成" in text and "周调度" in text
    assert 'data-testid="forecast-finish"' in text


def test_gantt_page_critical_path_shading_today(world):
    p = make_project(world, world.villages[0], deadline=D("2025-10-31"))
    make_network(
        p, [("设计", 10), ("审批", 5), ("施工", 20)], [("设计", "施工", 0), ("审批", "施工", 0)]
    )
    response = world.client("leader").get(
        reverse("projects:project_gantt", args=[p.pk]), {"as_of": "2025-09-01"}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert 'data-milestone="设计" data-critical="true"' in text
    assert 'data-milestone="审批" data-critical="false"' in text
    assert 'data-testid="critical-path">设计 → 施工<' in text
    assert 'data-makeup="2025-09-28"' in text and 'data-makeup="2025-10-11"' in text
    assert 'data-off="2025-10-01"' in text  # 国庆 block starts on 10-01
    assert 'data-testid="gantt-today"' in text
    assert "@page" not in text  # print rules live in the stylesheet
    assert "data-print" in text


def test_gantt_404_out_of_scope(world):
    p = make_project(world, world.villages[1], deadline=D("2025-10-31"))
    assert (
        world.client("village").get(reverse("projects:project_gantt", args=[p.pk])).status_code
        == 404
    )
    foreign = make_project(world, town=world.other_town)
    assert (
        world.client("admin").get(reverse("projects:project_gantt", args=[foreign.pk])).status_code
        == 404
    )


def test_wall_chart_query_count_does_not_grow(world):
    def add(n):
        for _ in range(n):
            p = make_project(world, world.villages[0], deadline=D("2025-12-31"))
            make_network(p, [("A", 5), ("B", 10), ("C", 0)], [("A", "B", 1), ("B", "C", 0)])
            Problem.objects.create(
                town=world.town, project=p, description="x", raised_on=D("2025-01-02")
            )

    add(1)
    client = world.client("leader")
    url = reverse("projects:wall_gantt")
    client.get(url, {"as_of": "2025-06-01"})  # warm the per-process caches (calendar, types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"as_of": "2025-06-01"}).status_code == 200
    add(6)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"as_of": "2025-06-01"})
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="wall-row"') == 7
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_wall_chart_scoped_for_village_cadre(world):
    own = make_project(world, world.villages[0], deadline=D("2025-12-31"), name="本村项目")
    other = make_project(world, world.villages[1], deadline=D("2025-12-31"), name="他村项目")
    for p in (own, other):
        make_network(p, [("A", 5)])
    text = world.client("village").get(reverse("projects:wall_gantt")).content.decode()
    assert "本村项目" in text and "他村项目" not in text


def test_sanwei_filter_on_list_and_page(world):
    late = make_project(
        world, world.villages[0], name="逾期在建", actual_start=D("2025-01-10"),
        building_since=D("2025-02-01"), deadline=D("2025-05-31"),
    )  # fmt: skip
    make_project(world, world.villages[0], name="正常项目", deadline=D("2026-12-31"))
    client = world.client("leader")
    text = client.get(
        reverse("projects:project_list"), {"sanwei": "building_not_finished", "as_of": "2025-06-30"}
    ).content.decode()
    assert "逾期在建" in text and "正常项目" not in text
    page = client.get(reverse("projects:sanwei"), {"as_of": "2025-06-30"}).content.decode()
    assert "逾期在建" in page and "建设未竣工" in page
    assert late.pk


def test_freeze_baseline_view(world):
    p = make_project(world, world.villages[0], deadline=D("2025-10-31"))
    make_network(p, [("A", 5)])
    url = reverse("projects:baseline_freeze", args=[p.pk])
    assert world.client("leader").post(url).status_code == 404
    response = world.client("staff").post(url)
    assert response.status_code == 302 and p.baselines.count() == 1


def test_milestone_edit_form_refuses_future_actual(world):
    p = make_project(world, world.villages[0], deadline=D("2025-10-31"))
    m = make_network(p, [("A", 5)])["A"]
    response = world.client("staff").post(
        reverse("projects:milestone_edit", args=[m.pk]),
        {"name": "A", "order": 0, "duration": 5, "percent_complete": "0",
         "actual_start": "2099-01-01", "version": m.version},
    )  # fmt: skip
    assert response.status_code == 400
    assert "实际开始日期不能晚于今天" in response.content.decode()
    m.refresh_from_db()
    assert m.actual_start is None


@pytest.fixture
def investment(world):
    from zhenwu.investment.models import Investment

    return Investment.objects.create(
        town=world.town, code="ZS-2025-901", name="测试新材料项目", stage="started",
        signed_on=D("2025-02-01"), started_on=D("2025-04-01"), village=world.villages[0],
        planned_total_wan=Decimal("12000"), leader=world.users["leader"],
    )  # fmt: skip


def test_promote_investment(world, investment):
    url = reverse("projects:project_promote", args=[investment.pk])
    client = world.client("staff")
    assert "确认转为重点项目" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    project = Project.objects.get(investment=investment)
    assert project.name == "测试新材料项目" and project.village == world.villages[0]
    assert project.total_investment == Decimal("12000") and project.leader == world.users["leader"]
    assert project.category.key == "key" and project.status == ProjectStatus.PREPARING
    assert project.actual_start == D("2025-04-01")
    # a second POST goes to the existing project, no duplicate
    assert client.post(url).status_code == 302
    assert Project.objects.filter(investment=investment).count() == 1


def test_promote_scoping_and_not_started(world, investment):
    url = reverse("projects:project_promote", args=[investment.pk])
    assert world.client("other_admin").get(url).status_code == 404
    assert world.client("leader").get(url).status_code == 404  # reads, may not create
    investment.started_on = None
    investment.stage = "signed"
    investment.save()
    response = world.client("staff").post(url)
    assert response.status_code == 400 and "尚未开工" in response.content.decode()
    assert not Project.objects.filter(investment=investment).exists()


def test_milestone_import_refuses_future_actual_and_unknown_project(world):
    import io

    from openpyxl import Workbook

    from zhenwu.projects.resources import MilestoneLedger

    make_project(world, world.villages[0], name="导入项目", deadline=D("2025-12-31"))

    def run(*rows):
        wb = Workbook()
        ws = wb.active
        ws.append(["项目", "节点名称", "工期", "实际开始"])
        for r in rows:
            ws.append(list(r))
        buf = io.BytesIO()
        wb.save(buf)
        return MilestoneLedger().run(
            io.BytesIO(buf.getvalue()), "m.xlsx", user=world.users["staff"]
        )

    report = run(["没有这个项目", "施工", 5, None])
    assert not report.ok and "找不到项目" in report.errors[0].message
    assert report.errors[0].column == "项目" and report.errors[0].row == 2
    report = run(["导入项目", "设计", 10, "2099-01-01"])
    assert not report.ok
    assert report.errors[0].column == "实际开始" and "晚于今天" in report.errors[0].message
    assert not Milestone.objects.filter(project__name="导入项目").exists()
    report = run(["导入项目", "设计", 10, "2025-03-03"])
    assert report.ok and report.created == 1


def test_children_follow_their_project_to_the_recycle_bin(world):
    from zhenwu.core import services as core_services

    p = make_project(world, world.villages[0], deadline=D("2025-12-31"))
    make_network(
        p, [("回收站节点甲", 1), ("回收站节点乙", 1)], [("回收站节点甲", "回收站节点乙", 0)]
    )
    Problem.objects.create(town=world.town, project=p, description="x", raised_on=D("2025-01-02"))
    listing = reverse("projects:milestone_list")
    assert "回收站节点甲" in world.client("leader").get(listing).content.decode()
    core_services.soft_delete(p, acting_user=world.users["admin"])
    assert not Milestone.objects.filter(project_id=p.pk).exists()
    assert not Problem.objects.filter(project_id=p.pk).exists()
    assert "回收站节点甲" not in world.client("leader").get(listing).content.decode()
    core_services.restore(Project.all_objects.get(pk=p.pk), acting_user=world.users["admin"])
    assert Milestone.objects.filter(project_id=p.pk).count() == 2


def test_add_pages_preselect_the_project(world):
    p = make_project(world, world.villages[0], deadline=D("2025-12-31"))
    client = world.client("staff")
    for name in ("projects:milestone_add", "projects:problem_add", "projects:weeklyreport_add"):
        response = client.get(reverse(name), {"project": p.pk})
        assert response.status_code == 200
        assert response.context["form"]["project"].value() == p.pk, name
    assert world.client("leader").get(reverse("projects:milestone_add")).status_code == 404


def test_detail_flags_missing_weekly_report(world):
    p = make_project(world, world.villages[0], actual_start=D("2025-05-01"))
    url = reverse("projects:project_detail", args=[p.pk])
    client = world.client("leader")
    assert "上周未报" in client.get(url, {"as_of": "2025-06-11"}).content.decode()
    WeeklyReport.objects.create(town=world.town, project=p, week=D("2025-06-02"), text="x")
    assert "上周未报" not in client.get(url, {"as_of": "2025-06-11"}).content.decode()
