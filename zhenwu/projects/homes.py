"""重点项目 on the role homes: a village's projects, and the clerk's missing weekly reports."""

from __future__ import annotations

from django.urls import reverse

from zhenwu.core import scoping
from zhenwu.core.homes import (
    HomeItem,
    HomeSection,
    register_village_section,
    register_work_queue,
)
from zhenwu.projects import selectors
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
        _item(user, p, p.pk in late, f"{p.get_status_display()}" + (" · 上周周报未报" if p.pk in late else ""))
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
    items = [_item(user, p, True, "上周周报未报") for p in missing["last"]]
    items += [_item(user, p, False, "本周周报待报") for p in missing["this"]]
    return HomeSection(
        key="projects-queue",
        label="周调度：待报周报",
        items=items[:30],
        total=len(items),
        list_url=reverse("projects:project_list"),
        empty="周报均已报送",
    )
