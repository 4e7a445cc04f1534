"""Small plans for the plan's tests (the `world` fixture gives towns, villages and users)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from zhenwu.core.actor import Source, acting_as
from zhenwu.plan.models import Measure, Plan, ProgressReport, Target, Theme


def make_plan(town, year=2025, name="工作计划") -> Plan:
    with acting_as(None, Source.SYSTEM):
        plan = Plan.objects.create(town=town, year=year, name=name)
        return plan


def make_target(town, plan=None, *, name="指标", value=100, year=2025, **kw) -> Target:
    with acting_as(None, Source.SYSTEM):
        plan = plan or Plan.objects.filter(town=town, year=year).first() or make_plan(town, year)
        theme = Theme.objects.filter(plan=plan).first() or Theme.objects.create(
            town=town, plan=plan, name="板块一"
        )
        measure = Measure.objects.filter(theme=theme).first() or Measure.objects.create(
            town=town, theme=theme, name="举措一"
        )
        return Target.objects.create(
            town=town, measure=measure, name=name, target_value=Decimal(value), **kw
        )


def report(target, value, on: date) -> ProgressReport:
    with acting_as(None, Source.SYSTEM):
        return ProgressReport.objects.create(
            town=target.town, target=target, value=Decimal(value), date=on
        )


def assigned_task(world, *, title="清淤整治", deadline: date | None = None, **kw):
    """A task the leader assigns to the staff member of 综合专班 (through the service), due in
    30 days unless `deadline` says otherwise."""
    from datetime import timedelta

    from zhenwu.core.models import Department
    from zhenwu.plan import services

    dept = Department.objects.get(town=world.town, name="综合专班")
    return services.task_assign(
        town=world.town,
        title=title,
        acting_user=world.users["leader"],
        assignee=world.users["staff"],
        assignee_department=dept,
        deadline=deadline or date.today() + timedelta(days=30),
        **kw,
    )
