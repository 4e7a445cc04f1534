"""A year under way in the demo (issue 11 §2): beside the seed's 2025 plan, `zhenwu demo` loads
a plan for the current year with the same themes and targets, its records dated relative to
the day the demo is loaded — green, yellow and red targets, a time progress between 0 and
100 %, tasks due this week, recent follow-ups; a re-run refreshes it and keeps users' data."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from zhenwu.core.models import User
from zhenwu.investment.models import FollowUp, Investment
from zhenwu.plan import selectors, services
from zhenwu.plan.models import Plan, ProgressReport, Target, Task

PASSWORD = "Demo-Pass-2025"


def load(today: date | None = None):
    args = {"password": PASSWORD, "stdout": io.StringIO()}
    if today is not None:
        args["today"] = today.isoformat()
    call_command("demo", **args)


def load_on_the_real_day() -> date:
    """`zhenwu demo` without a date, and the day it loaded on: if the town's midnight passed
    while it ran (the load takes a minute), load again — a re-run settles on the new day."""
    before = timezone.localdate()
    load()
    after = timezone.localdate()
    if after != before:
        load()
    return after


def board(as_of: date | None = None) -> str:
    c = Client()
    c.force_login(User.objects.get(username="leader"))
    url = "/plan/board/" + (f"?as_of={as_of.isoformat()}" if as_of else "")
    response = c.get(url)
    assert response.status_code == 200
    return response.content.decode()


def check_year_under_way(year: int, today: date, as_of: date | None, users_reports=()):
    plan = Plan.objects.get(year=year)
    seed = Plan.objects.get(year=2025)
    assert plan.copied_from == seed and plan.town == seed.town
    names = lambda p: sorted(  # noqa: E731
        (t.measure.theme.order, t.measure.order, t.order, t.target_value)
        for t in Target.objects.filter(measure__theme__plan=p).select_related("measure__theme")
    )
    assert names(plan) == names(seed)  # same themes, measures and target figures
    states = selectors.evaluate_plan(plan, today)
    colours = {s.status for s in states}
    assert {"green", "yellow", "red"} <= colours, [(s.target.name, s.status) for s in states]
    _, rollup = selectors.plan_tree(plan, states)
    assert Decimal(0) < rollup.time_progress < Decimal(1)
    html = board(as_of)
    assert f"{year}年 南口镇工作计划" in html  # the board opens on the current year
    for colour in ("green", "yellow", "red"):
        assert f'data-status="{colour}"' in html, colour
    assert 'data-testid="plan-link"' in html  # the 2025 plan one click away
    # Records dated relative to the load day, all marked as demo.
    reports = ProgressReport.objects.filter(target__measure__theme__plan=plan)
    assert reports.exists()
    assert not reports.filter(is_demo=False).exclude(pk__in=users_reports).exists()
    assert reports.filter(date=today).exists()
    assert not reports.filter(date__gt=today).exists()
    assert reports.filter(date__lt=today - timedelta(days=25)).exists() or today.month == 1
    tasks = Task.objects.filter(plan=plan)
    assert tasks.count() >= 5 and not tasks.filter(is_demo=False).exists()
    week = today + timedelta(days=7)
    assert tasks.filter(status__in=["assigned", "signed", "in_progress"], deadline__gte=today,
                        deadline__lte=week).exists()  # fmt: skip
    assert tasks.filter(deadline__lt=today, status="in_progress").exists()  # overdue
    assert tasks.filter(status="completed").exists()  # waiting for the leader's 销号
    assert tasks.filter(assigned_by__role="inspector").exists()
    signed = Investment.objects.filter(signed_on__year=year, signed_on__lte=today)
    assert signed.exists() and not Investment.objects.filter(signed_on__gt=today).exists()
    assert all(
        "演示数据" in i.note for i in Investment.objects.filter(code__startswith=f"ZS-{year}-")
    )
    recent = FollowUp.objects.filter(on_date__gte=today - timedelta(days=14), on_date__lte=today)
    assert recent.exists()
    assert FollowUp.objects.filter(next_on__gte=today, next_on__lte=week).exists()
    return plan


@pytest.mark.django_db
def test_demo_mid_year_then_refreshed_on_the_real_day():
    real = timezone.localdate()
    mid = date(real.year, 6, 15)
    if real.year == 2025:
        pytest.skip("the seed's year is the year under way")
    load(mid)
    plan = check_year_under_way(real.year, mid, mid)
    seed = Plan.objects.get(year=2025)
    # The seed's 2025 plan is untouched: its year-end outcome stands.
    outcome = {s.target.name: (s.actual, s.status) for s in selectors.evaluate_plan(seed, real)}
    assert outcome["全年签约招商项目"] == (Decimal(30), "red")
    assert outcome["重点项目开工"][1] == "green"

    # A user's own report and investment on the current plan.
    # (a target reported by hand: one no module computes yet)
    target = (
        Target.objects.filter(measure__theme__plan=plan, indicator_key="").order_by("pk").first()
    )
    mine = services.report_progress(
        target, value=1, on=mid, note="本人填报", acting_user=User.objects.get(username="admin")
    )
    own = Investment.objects.create(
        town=plan.town, code="ZS-OWN-001", name="用户自己录入的项目", planned_total_wan=100
    )

    real = load_on_the_real_day()  # later: the real today
    if real.month == 12 and real.day == 31:
        pytest.skip("on 31 December the year is over (time progress 100%)")
    plan = check_year_under_way(real.year, real, None, users_reports=[mine.pk])
    assert Plan.objects.filter(year=real.year).count() == 1
    assert ProgressReport.objects.filter(pk=mine.pk, value=1, is_demo=False).exists()
    assert Investment.objects.filter(pk=own.pk, name="用户自己录入的项目").exists()
    counts = (Task.objects.count(), ProgressReport.objects.count(), Investment.objects.count())
    if load_on_the_real_day() != real:
        return  # midnight passed in Shanghai: a new day's records, not a same-day re-run
    # idempotent on the same day (the load above)
    assert (Task.objects.count(), ProgressReport.objects.count(), Investment.objects.count()) == (
        counts
    )
    assert outcome == {
        s.target.name: (s.actual, s.status) for s in selectors.evaluate_plan(seed, real)
    }
