"""人居环境 on the role homes: the village's open rectification orders (overdue first), the
inspectors' and 人居办's queue of after-photos waiting for acceptance, and — for the leaders who
approve — the orders escalated because their deadline passed (`services.escalate_overdue`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext

from zhenwu.core import scoping
from zhenwu.core.homes import (
    HomeItem,
    HomeSection,
    register_todo,
    register_village_section,
    register_work_queue,
)
from zhenwu.inspections.models import OPEN_STATUSES, Finding, FindingStatus


@register_village_section("inspections", "人居环境整改", order=45)
def village_findings(user, villages, today):
    qs = scoping.restrict(
        Finding.objects.filter(village__in=villages, status__in=OPEN_STATUSES), user
    ).select_related("village", "item")
    items = []
    for f in qs.order_by("deadline", "pk")[:20]:
        overdue = f.is_overdue(today)
        note = f"{f.village.name} · {f.get_status_display()}"
        if f.deadline:
            note += " · " + gettext("时限 %(date)s") % {"date": f"{f.deadline:%Y-%m-%d}"}
        items.append(
            HomeItem(
                title=f.item.name,
                url=reverse("inspections:finding_detail", args=[f.pk]) + "#rectification",
                note=note,
                action="整改",
                overdue=overdue,
            )
        )
    return HomeSection(
        key="inspections",
        label="人居环境整改",
        items=items,
        total=qs.count(),
        list_url=reverse("inspections:finding_list"),
        empty="本村暂无待整改问题",
    )


@register_work_queue("inspections", "待验收整改", order=45)
def waiting_acceptance(user, today):
    if user.town_id is None:
        return None
    qs = scoping.restrict(
        Finding.objects.filter(status=FindingStatus.SUBMITTED), user, scoping.CHANGE
    ).select_related("village", "item")
    items = [
        HomeItem(
            title=f"{f.village.name} · {f.item.name}",
            url=reverse("inspections:finding_detail", args=[f.pk]) + "#rectification",
            note=gettext("整改时限 %(date)s") % {"date": f"{f.deadline:%Y-%m-%d}"}
            if f.deadline
            else "",
            action="验收",
        )
        for f in qs.order_by("rectified_at", "pk")[:15]
    ]
    return HomeSection(
        key="inspections-accept",
        label="待验收整改",
        items=items,
        total=qs.count(),
        list_url=reverse("inspections:finding_list") + "?status=submitted",
        empty="暂无待验收的整改",
    )


@register_todo("inspections", "逾期整改（已上报）", order=20)
def escalated_to_leaders(user, today):
    """Overdue orders escalate to the leader: they appear in the to-dos of those who approve
    (书记、镇长、管理员), oldest deadline first, until an inspector accepts the rectification
    (an after-photo waiting for acceptance keeps it on the list)."""
    if not scoping.can_approve(user):
        return None
    qs = scoping.restrict(
        Finding.objects.filter(escalated=True, status__in=OPEN_STATUSES), user
    ).select_related("village", "item")
    total = qs.count()
    if not total:
        return None
    items = [
        HomeItem(
            title=f"{f.village.name} · {f.item.name}",
            url=reverse("inspections:finding_detail", args=[f.pk]) + "#rectification",
            note=gettext("整改时限 %(date)s，已逾期") % {"date": f"{f.deadline:%Y-%m-%d}"}
            if f.deadline
            else gettext("已逾期"),
            overdue=True,
            action="督促",
        )
        for f in qs.order_by("deadline", "pk")[:15]
    ]
    return HomeSection(
        key="inspections-escalated",
        label="逾期整改（已上报）",
        items=items,
        total=total,
        list_url=reverse("inspections:finding_list"),
    )
