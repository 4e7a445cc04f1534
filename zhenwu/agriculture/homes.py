"""守粮安 on the role homes: a village field chief's plots due for a patrol and the open
farmland findings of their villages; the agriculture office's queue of after-photos waiting for
acceptance; and, for the leaders who approve, the orders escalated because their deadline passed.
(The 强特色 half, if it adds home sections, keeps them in its own file.)"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext

from zhenwu.agriculture import selectors_farmland as selectors
from zhenwu.agriculture import services_farmland as services
from zhenwu.agriculture.models.farmland import FieldChief, PatrolFinding, Plot
from zhenwu.core import scoping
from zhenwu.core.homes import (
    HomeItem,
    HomeSection,
    register_todo,
    register_village_section,
    register_work_queue,
)
from zhenwu.core.rectification import OPEN_STATUSES, RectificationStatus


def _finding_item(f, today, action):
    note = f"{f.village.name} · {f.get_status_display()}"
    if f.deadline:
        note += " · " + gettext("时限 %(date)s") % {"date": f"{f.deadline:%Y-%m-%d}"}
    return HomeItem(
        title=f"{f.plot.code} · {f.get_category_display()}",
        url=reverse("agriculture:patrolfinding_detail", args=[f.pk]) + "#rectification",
        note=note,
        action=action,
        overdue=f.is_overdue(today),
    )


@register_village_section("agriculture", "耕地保护（田长）", order=46)
def village_farmland(user, villages, today):
    qs = scoping.restrict(
        PatrolFinding.objects.filter(village__in=villages, status__in=OPEN_STATUSES), user
    ).select_related("village", "plot")
    items = [_finding_item(f, today, "整改") for f in qs.order_by("deadline", "pk")[:15]]
    chiefs = FieldChief.objects.filter(user=user, is_active=True, town_id=user.town_id)
    due = 0
    if chiefs.exists() and user.town_id:
        intervals = services.setting_of(user.town).intervals()
        plots = scoping.restrict(Plot.objects.all(), user)
        for chief in chiefs:
            cov = selectors.chief_coverage(chief, intervals=intervals, today=today, plots=plots)
            due += len(cov.due)
    if due:
        items.insert(
            0,
            HomeItem(
                title=gettext("应巡图斑 %(n)s 块") % {"n": due},
                url=reverse("agriculture:my_plots"),
                note=gettext("超过巡田周期未巡查"),
                action="巡田",
                overdue=True,
            ),
        )
    return HomeSection(
        key="farmland",
        label="耕地保护（田长）",
        items=items,
        total=qs.count() + (1 if due else 0),
        list_url=reverse("agriculture:my_plots"),
        empty="暂无应巡图斑和待整改的耕地问题",
    )


@register_work_queue("agriculture", "耕地问题待验收", order=46)
def farmland_waiting_acceptance(user, today):
    if user.town_id is None or not services.may_verify(user):
        return None
    qs = scoping.restrict(
        PatrolFinding.objects.filter(status=RectificationStatus.SUBMITTED), user, scoping.CHANGE
    ).select_related("village", "plot")
    total = qs.count()
    if not total:
        return None
    return HomeSection(
        key="farmland-accept",
        label="耕地问题待验收",
        items=[_finding_item(f, today, "验收") for f in qs.order_by("rectified_at", "pk")[:15]],
        total=total,
        list_url=reverse("agriculture:patrolfinding_list") + "?status=submitted",
    )


@register_todo("agriculture", "逾期耕地问题（已上报）", order=21)
def farmland_escalated(user, today):
    if not scoping.can_approve(user):
        return None
    qs = scoping.restrict(
        PatrolFinding.objects.filter(escalated=True, status__in=OPEN_STATUSES), user
    ).select_related("village", "plot")
    total = qs.count()
    if not total:
        return None
    return HomeSection(
        key="farmland-escalated",
        label="逾期耕地问题（已上报）",
        items=[_finding_item(f, today, "督促") for f in qs.order_by("deadline", "pk")[:15]],
        total=total,
        list_url=reverse("agriculture:patrolfinding_list"),
    )
