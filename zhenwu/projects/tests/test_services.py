"""Services: the 在建 gate (一项目一领导一专班一方案), dependency cycles refused with nothing
stored, baselines, weekly reports, problem closing and promotion from the investment ledger."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from zhenwu.core.testing import changes_of
from zhenwu.projects import selectors, services
from zhenwu.projects.models import (
    Baseline,
    FarmlandDetail,
    Milestone,
    MilestoneDependency,
    Problem,
    ProblemStatus,
    Project,
    ProjectStatus,
    WeeklyReport,
)
from zhenwu.projects.tests.factories import D, make_network, make_project


def _building_data(world, **extra):
    cats = services.ensure_categories(world.town)
    data = {
        "name": "新建项目",
        "category": cats["key"],
        "status": ProjectStatus.BUILDING,
        "actual_start": D("2025-03-01"),
    }
    data.update(extra)
    return data


def test_gate_refuses_building_without_leader_team_plan(world):
    staff = world.users["staff"]
    with pytest.raises(ValidationError) as exc:
        services.project_create(town=world.town, data=_building_data(world), acting_user=staff)
    message = exc.value.message_dict["status"][0]
    assert "包保领导" in message and "专班成员" in message and "推进方案" in message
    assert not Project.objects.filter(name="新建项目").exists()


def test_gate_names_only_what_is_missing_and_passes_when_complete(world):
    staff = world.users["staff"]
    data = _building_data(world, leader=world.users["leader"], plan_text="方案")
    with pytest.raises(ValidationError) as exc:
        services.project_create(town=world.town, data=data, acting_user=staff)
    assert exc.value.message_dict["status"][0].endswith("尚缺：专班成员")
    project = services.project_create(town=world.town, data=data, team=[staff], acting_user=staff)
    assert project.status == ProjectStatus.BUILDING
    assert list(project.team.all()) == [staff]
    assert changes_of(project).last().action == "create"


def test_gate_on_update_and_team_removal(world):
    staff = world.users["staff"]
    project = make_project(world)
    with pytest.raises(ValidationError):
        services.project_update(
            project, data={"status": ProjectStatus.BUILDING, "actual_start": D("2025-03-01")},
            acting_user=staff,
        )  # fmt: skip
    project.refresh_from_db()
    assert project.status == ProjectStatus.PREPARING
    project = services.project_update(
        project,
        data={"status": ProjectStatus.BUILDING, "actual_start": D("2025-03-01"),
              "leader": world.users["leader"], "plan_text": "方案"},
        team=[staff], acting_user=staff,
    )  # fmt: skip
    with pytest.raises(ValidationError):  # emptying the team of a project under construction
        services.project_update(project, data={}, team=[], acting_user=staff)


def test_farmland_detail_and_per_mu_investment(world):
    staff = world.users["staff"]
    cats = services.ensure_categories(world.town)
    project = services.project_create(
        town=world.town,
        data={
            "name": "高标准农田",
            "category": cats["farmland"],
            "total_investment": Decimal(2600),
        },
        farmland={
            "area_mu": Decimal(10000),
            "fiscal_funds": Decimal(2300),
            "build_type": "upgrade",
        },
        acting_user=staff,
    )
    detail = FarmlandDetail.objects.get(project=project)
    assert detail.per_mu_investment == Decimal("2600.00")  # 2600万元 / 10000亩 = 2600元/亩
    assert detail.get_build_type_display() == "改造提升"


def test_dependency_cycle_is_refused_naming_the_milestones(world):
    project = make_project(world, deadline=D("2025-12-31"))
    ms = make_network(
        project, [("设计", 5), ("招标", 5), ("施工", 5)], [("设计", "招标", 0), ("招标", "施工", 0)]
    )
    before = MilestoneDependency.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.dependency_add(
            predecessor=ms["施工"], successor=ms["设计"], lag=0, acting_user=world.users["staff"]
        )
    message = exc.value.messages[0]
    assert "循环" in message and "设计" in message and "招标" in message and "施工" in message
    assert MilestoneDependency.objects.count() == before


def test_dependency_self_and_cross_project_refused(world):
    a = make_project(world)
    b = make_project(world)
    ma = make_network(a, [("甲", 1)])
    mb = make_network(b, [("乙", 1)])
    staff = world.users["staff"]
    with pytest.raises(ValidationError, match="自身"):
        services.dependency_add(predecessor=ma["甲"], successor=ma["甲"], acting_user=staff)
    with pytest.raises(ValidationError, match="同一项目"):
        services.dependency_add(predecessor=ma["甲"], successor=mb["乙"], acting_user=staff)


def test_dependency_form_refuses_cycle_with_message(world):
    project = make_project(world, village=world.villages[0], deadline=D("2025-12-31"))
    ms = make_network(project, [("设计", 5), ("施工", 5)], [("设计", "施工", 0)])
    client = world.client("staff")
    url = reverse("projects:dependency_add", args=[project.pk])
    response = client.post(
        url, {"predecessor": ms["施工"].pk, "successor": ms["设计"].pk, "lag": 0}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "循环依赖" in page and "设计 → 施工 → 设计" in page
    assert MilestoneDependency.objects.filter(successor=ms["设计"]).count() == 0
    # readers cannot add links
    assert world.client("leader").post(url, {}).status_code == 404


def test_milestone_delete_drops_its_links(world):
    project = make_project(world, deadline=D("2025-12-31"))
    ms = make_network(project, [("A", 1), ("B", 1)], [("A", "B", 0)])
    services.milestone_delete(ms["A"], acting_user=world.users["staff"])
    assert not MilestoneDependency.objects.filter(successor=ms["B"]).exists()
    ps = selectors.project_schedule(project)
    assert [r.milestone.name for r in ps.rows] == ["B"] and ps.ok


def test_actual_dates_in_the_future_are_refused(world):
    project = make_project(world, deadline=D("2025-12-31"))
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.milestone_create(
            project=project,
            data={"name": "A", "duration": 1, "actual_start": tomorrow},
            acting_user=world.users["staff"],
        )
    assert "actual_start" in exc.value.message_dict
    assert not Milestone.objects.filter(project=project).exists()


def test_freeze_baseline_and_planned_vs_current(world):
    project = make_project(world, deadline=D("2025-06-30"))
    ms = make_network(project, [("A", 5), ("B", 5)], [("A", "B", 0)])
    baseline = services.freeze_baseline(project, acting_user=world.users["staff"])
    assert baseline.project_finish == D("2025-06-30")
    assert baseline.data[str(ms["B"].pk)] == {
        "name": "B", "start": "2025-06-24", "finish": "2025-06-30",
    }  # fmt: skip
    # The plan grows: the current plan moves, the baseline stays.
    ms["A"].duration = 10
    ms["A"].save()
    ps = selectors.project_schedule(project, as_of=D("2025-05-01"))
    row = next(r for r in ps.rows if r.milestone.name == "A")
    assert row.baseline_start == D("2025-06-17") and row.plan.late_start == D("2025-06-10")
    assert Baseline.objects.filter(project=project).count() == 1


def test_freeze_baseline_without_milestones_is_refused(world):
    project = make_project(world, deadline=D("2025-06-30"))
    with pytest.raises(ValidationError, match="尚未设置节点"):
        services.freeze_baseline(project, acting_user=world.users["staff"])


def test_weekly_report_normalises_week_and_updates_completed_investment(world):
    project = make_project(world)
    report = services.weekly_report_file(
        project=project,
        data={"week": D("2025-06-12"), "text": "主体施工", "percent": Decimal(40),
              "investment_completed": Decimal(420)},
        acting_user=world.users["staff"],
    )  # fmt: skip
    assert report.week == D("2025-06-09") and report.reporter == world.users["staff"]
    project.refresh_from_db()
    assert project.completed_investment == Decimal(420)
    with pytest.raises(ValidationError):  # one report per project and week
        services.weekly_report_file(
            project=project, data={"week": D("2025-06-09"), "text": "重复"},
            acting_user=world.users["staff"],
        )  # fmt: skip
    assert WeeklyReport.objects.filter(project=project).count() == 1


def test_missing_reports(world):
    started = make_project(world, actual_start=D("2025-05-01"), status=ProjectStatus.PREPARING)
    make_project(world)  # not started: owes no report
    as_of = D("2025-06-11")  # this week: 06-09, last week: 06-02
    missing = selectors.missing_reports(Project.objects.all(), as_of)
    assert missing["last"] == [started] and missing["this"] == [started]
    WeeklyReport.objects.create(town=world.town, project=started, week=D("2025-06-02"), text="x")
    missing = selectors.missing_reports(Project.objects.all(), as_of)
    assert missing["last"] == [] and missing["this"] == [started]


def test_problem_close_and_open_problems_as_of(world):
    project = make_project(world)
    problem = Problem.objects.create(
        town=world.town, project=project, description="用电增容", raised_on=D("2025-03-01"),
        deadline=D("2025-03-20"),
    )  # fmt: skip
    with pytest.raises(ValidationError):
        services.problem_close(problem, resolution="  ", acting_user=world.users["staff"])
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN
    services.problem_close(
        problem, resolution="供电所已增容", closed_on=D("2025-03-18"),
        acting_user=world.users["staff"],
    )  # fmt: skip
    assert list(selectors.open_problems(world.town, as_of=D("2025-03-10"))) == [problem]
    assert list(selectors.open_problems(world.town, as_of=D("2025-03-18"))) == []
    assert list(selectors.open_problems(world.town, as_of=D("2025-02-28"))) == []
    with pytest.raises(ValidationError, match="已销号"):
        services.problem_close(problem, resolution="again", acting_user=world.users["staff"])


def test_problem_close_view(world):
    project = make_project(world, village=world.villages[0])
    problem = Problem.objects.create(
        town=world.town, project=project, description="青苗补偿", raised_on=date(2025, 3, 1)
    )
    url = reverse("projects:problem_close", args=[problem.pk])
    assert world.client("leader").post(url, {"resolution": "x"}).status_code == 404
    response = world.client("staff").post(url, {"resolution": ""}, follow=True)
    assert "销号须填写解决情况" in response.content.decode()
    world.client("staff").post(url, {"resolution": "已补偿到位"})
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED and problem.resolution == "已补偿到位"
