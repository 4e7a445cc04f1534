"""重点项目 on the role homes: a village's projects, and the clerk's missing weekly reports."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext

from zhenwu.core import scoping
from zhenwu.core.homes import (
    HomeItem,
    HomeSection,
    register_village_section,
    register_work_queue,
)
from zhenwu.projects import selectors
from zhenwu.projects.models import FINISHED_STATUSES as FINISHED
from zhenwu.projects.models import Project


def _item(user, obj, overdue=False, note="") -> HomeItem:
    can_change = scoping.can(user, scoping.CHANGE, obj)
    return HomeItem(
        title=obj.name,
        url=reverse(
            "projects:project_edit" if can_change else "projects:project_detail", args=[obj.pk]
        ),
        note=note or obj.get_status_display(),
        overdue=overdue,
        action="更新" if can_change else "查看",
    )


@register_village_section("projects", "项目", order=50)
def village_projects(user, villages, today):
    qs = scoping.restrict(Project.objects.filter(village__in=villages), user)
    rows = list(qs.order_by("-pk")[:20])
    missing = selectors.missing_reports(rows, today)
    late = {p.pk for p in missing["last"]}
    items = [
        _item(user, p, p.pk in late, f"{p.get_status_display()}" + (" · " + gettext("上周周报未报") if p.pk in late else ""))
        for p in rows
    ]  # fmt: skip
    return HomeSection(
        key="projects",
        label="项目",
        items=items,
        total=qs.count(),
        list_url=reverse("projects:project_list"),
        empty="本村暂无项目",
    )


@register_work_queue("projects", "周调度", order=50)
def weekly_reports_missing(user, today):
    qs = scoping.restrict(Project.objects.all(), user)
    missing = selectors.missing_reports(qs, today)
    items = [_item(user, p, True, gettext("上周周报未报")) for p in missing["last"]]
    items += [_item(user, p, False, gettext("本周周报待报")) for p in missing["this"]]
    return HomeSection(
        key="projects-queue",
        label="周调度：待报周报",
        items=items[:30],
        total=len(items),
        list_url=reverse("projects:project_list"),
        empty="周报均已报送",
    )


@register_work_queue("projects", "节点", order=45)
def milestones_due(user, today):
    """Unfinished milestones whose latest allowed finish (倒排工期) falls this week or has passed."""
    qs = scoping.restrict(Project.objects.exclude(status__in=FINISHED), user)
    week = today + timedelta(days=7)
    items = []
    for ps in selectors.schedules_for(qs, as_of=today):
        for row in ps.rows:
            if not row.plan or not row.forecast or row.forecast.status == "finished":
                continue
            latest = row.plan.late_finish
            if latest > week:
                continue
            m = row.milestone
            can_change = scoping.can(user, scoping.CHANGE, m)
            items.append(
                HomeItem(
                    title=f"{ps.project.name} · {m.name}",
                    url=reverse(
                        "projects:milestone_edit" if can_change else "projects:milestone_detail",
                        args=[m.pk],
                    ),
                    note=gettext("最迟完成 %(latest)s · 预计完成 %(finish)s")
                    % {"latest": f"{latest:%Y-%m-%d}", "finish": f"{row.finish:%Y-%m-%d}"},
                    overdue=latest < today,
                    due_soon=latest >= today,
                    action="更新" if can_change else "查看",
                )
            )
    items.sort(key=lambda i: (not i.overdue, i.note))
    return HomeSection(
        key="milestones-queue",
        label="节点：本周到期与已超期",
        items=items[:30],
        total=len(items),
        list_url=reverse("projects:wall_gantt"),
        empty="本周没有到期的节点",
    )
