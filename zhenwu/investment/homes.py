"""招商引资 on the role homes: a village's projects, and the clerk's follow-ups and stale leads."""

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
from zhenwu.investment import selectors
from zhenwu.investment.models import Investment, Stage
from zhenwu.investment.rules import FOLLOW_UP_STAGES


def _item(obj, today, user) -> HomeItem:
    nxt = getattr(obj, "next_follow_up_on", None)
    overdue = bool(nxt and nxt < today and obj.stage in FOLLOW_UP_STAGES)
    note = obj.get_stage_display()
    if nxt:
        note += " · " + gettext("下次跟进 %(date)s") % {"date": f"{nxt:%Y-%m-%d}"}
    if obj.flags_text:
        note += f" · {obj.flags_text}"
    can_change = scoping.can(user, scoping.CHANGE, obj)
    return HomeItem(
        title=obj.name,
        url=reverse(
            "investment:investment_edit" if can_change else "investment:investment_detail",
            args=[obj.pk],
        ),
        note=note,
        overdue=overdue,
        due_soon=bool(nxt and today <= nxt <= today + timedelta(days=7)),
        action="更新" if can_change else "查看",
    )


@register_village_section("investment", "招商项目", order=30)
def village_investments(user, villages, today):
    qs = scoping.restrict(Investment.objects.filter(village__in=villages), user).exclude(
        stage=Stage.TERMINATED
    )
    rows = list(selectors.list_queryset(qs).order_by("-pk")[:20])
    return HomeSection(
        key="investment",
        label="招商项目",
        items=[_item(o, today, user) for o in rows],
        total=qs.count(),
        list_url=reverse("investment:investment_list"),
        empty="本村暂无招商项目",
    )


@register_work_queue("investment", "招商跟进", order=30)
def follow_ups_due(user, today):
    qs = scoping.restrict(Investment.objects.filter(stage__in=FOLLOW_UP_STAGES), user)
    flagged = selectors.list_queryset(qs)
    due = list(
        flagged.filter(
            next_follow_up_on__isnull=False, next_follow_up_on__lte=today + timedelta(days=7)
        ).order_by("next_follow_up_on", "pk")[:30]
    )
    stale = [
        o
        for o in flagged.filter(stage__in=[Stage.LEAD, Stage.NEGOTIATING]).order_by("pk")
        if any(key == "stale" for key, _, _ in o.flags(today))
    ][:30]
    items = [_item(o, today, user) for o in due]
    for o in stale:
        item = _item(o, today, user)
        item.overdue, item.note = True, gettext("久未跟进") + f" · {item.note}"
        items.append(item)
    return HomeSection(
        key="investment-queue",
        label="招商跟进：本周到期与久未跟进",
        items=items,
        total=len(items),
        list_url=reverse("investment:investment_list"),
        empty="本周没有到期的跟进",
    )
