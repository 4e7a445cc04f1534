"""The demo's projects: consistent by construction, idempotent, schedulable."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from zhenwu.core.testdb import DEMO_PASSWORD
from zhenwu.core.workcalendar import get_calendar
from zhenwu.plan.indicators import IndicatorContext, get_indicator
from zhenwu.projects import selectors
from zhenwu.projects.models import Milestone, Problem, Project, ProjectStatus, WeeklyReport


@pytest.fixture
def demo(demo_db, db):
    return demo_db


def test_demo_projects(demo):
    names = set(Project.objects.values_list("name", flat=True))
    for name in (
        "光大管道",
        "秦望环保（二期）",
        "盘活万鑫建材",
        "南口加油站",
        "2025年高标准农田建设项目",
    ):
        assert name in names
    assert Project.objects.filter(category__key="livelihood", is_demo=True).count() == 5
    cal = get_calendar()
    for p in Project.objects.all():
        ms = list(Milestone.objects.filter(project=p))
        assert 8 <= len(ms) <= 15, p
        ps = selectors.project_schedule(p, as_of=date(2025, 6, 30))
        assert ps.ok, (p, ps.error)
        # actual dates respect every link: a successor never starts before its predecessor ends
        for row in ps.rows:
            for pred, _lag, _dep in row.predecessors:
                if row.milestone.actual_start and pred.actual_finish:
                    assert row.milestone.actual_start >= pred.actual_finish, (p, row.milestone)
        for m in ms:
            if m.actual_start:
                assert m.actual_start <= date(2026, 11, 20)
                assert cal.is_workday(m.actual_start) or m.duration == 0
        assert p.baselines.exists(), p
        if p.status in (ProjectStatus.BUILDING, ProjectStatus.COMPLETED, ProjectStatus.OPERATING):
            assert p.leader_id and p.team.exists() and p.plan_text  # 一项目一领导一专班一方案
    station = Project.objects.get(name="南口加油站")
    assert station.status == ProjectStatus.BUILDING and station.actual_finish is None
    assert Problem.objects.filter(project=station, status="open").exists()
    assert WeeklyReport.objects.filter(project=station).count() > 20


def test_demo_livelihood_shortfall_and_idempotent(demo):
    ctx = IndicatorContext(
        town=Project.objects.first().town, year=2025, as_of=date(2026, 11, 20),
        params={"category": "livelihood"},
    )  # fmt: skip
    assert get_indicator("projects.completed_count").evaluate(ctx) == 4
    counts = (Project.objects.count(), Milestone.objects.count(), WeeklyReport.objects.count())
    call_command("demo", password=DEMO_PASSWORD, stdout=io.StringIO())
    assert (
        Project.objects.count(),
        Milestone.objects.count(),
        WeeklyReport.objects.count(),
    ) == counts


def test_demo_farmland_project_has_every_section6_field(demo):
    from zhenwu.projects.models import FARMLAND_WORKS, FarmlandDetail

    project = Project.objects.get(name="2025年高标准农田建设项目")
    detail = FarmlandDetail.objects.get(project=project)
    detail.full_clean()
    for name in (
        "approval_no", "area_mu", "water_saving_mu", "new_farmland_mu", "fiscal_funds",
        "central_funds", "provincial_funds", "local_funds", "social_funds",
        "design_approval_no", "design_approved_on", "contractor", "supervisor",
        "completed_on", "county_checked_on", "accepted_on", "mapped_on", "keeper",
        *(n for n, _s, _h in FARMLAND_WORKS),
    ):  # fmt: skip
        assert getattr(detail, name) not in (None, ""), name
    assert detail.has_sign_board and detail.mapping_status == "stored"
    # the sources add up to the total investment, exactly
    assert detail.fiscal_funds + detail.social_funds == project.total_investment
    # the stages are the actual finishes of the milestones of the same name
    for field, name in (
        ("completed_on", "完工"), ("county_checked_on", "县级初验"), ("accepted_on", "竣工验收")
    ):  # fmt: skip
        assert Milestone.objects.get(project=project, name=name).actual_finish == getattr(
            detail, field
        )
    assert project.actual_start <= detail.completed_on <= detail.accepted_on <= detail.mapped_on
