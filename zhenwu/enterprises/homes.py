"""企业培育 on the role homes: a village's firms, and the clerk's 培育库 near the threshold."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext

from zhenwu.core import scoping
from zhenwu.core.homes import (
    HomeItem,
    HomeSection,
    register_village_section,
    register_work_queue,
)
from zhenwu.enterprises import selectors
from zhenwu.enterprises.models import Enterprise


def _url(user, obj) -> tuple[str, str]:
    if scoping.can(user, scoping.CHANGE, obj):
        return reverse("enterprises:enterprise_edit", args=[obj.pk]), "更新"
    return reverse("enterprises:enterprise_detail", args=[obj.pk]), "查看"


def _village_note(obj) -> str:
    """What a village cadre reads under a firm's name: its trade and how far it is on the way
    into the 四上 statistics (培育中 … 在库报数)."""
    industry = obj.industry
    parts = [industry.name if industry else "", obj.get_entry_status_display()]
    return " · ".join(p for p in parts if p)


@register_village_section("enterprises", "企业", order=40)
def village_enterprises(user, villages, today):
    qs = scoping.restrict(Enterprise.objects.filter(village__in=villages), user)
    items = []
    for obj in qs.order_by("name")[:20]:
        url, action = _url(user, obj)
        items.append(HomeItem(title=obj.name, url=url, note=_village_note(obj), action=action))
    return HomeSection(
        key="enterprises",
        label="企业",
        items=items,
        total=qs.count(),
        list_url=reverse("enterprises:enterprise_list"),
        empty="本村暂无登记企业",
    )


@register_work_queue("enterprises", "培育库", order=40)
def pool_near_threshold(user, today):
    if user.town_id is None:
        return None
    qs = scoping.restrict(Enterprise.objects.all(), user)
    members = selectors.pool(qs, user.town, as_of=selectors.as_of_default(user.town, today))
    items = []
    for s in members[:15]:
        url, action = _url(user, s.enterprise)
        note = s.category_label or ""
        if s.gap_wan is not None:
            note += " · " + gettext("距入统门槛差 %(gap)s 万元") % {"gap": f"{s.gap_wan:,.0f}"}
        if s.deadline:
            note += " · " + gettext("材料截止 %(date)s") % {"date": f"{s.deadline:%Y-%m-%d}"}
        items.append(
            HomeItem(
                title=s.enterprise.name,
                url=url,
                note=note.strip(" ·"),
                due_soon=bool(s.deadline and (s.deadline - today).days <= 14),
                overdue=bool(s.deadline and s.deadline < today),
                action=action,
            )
        )
    return HomeSection(
        key="enterprises-queue",
        label="培育库：临近门槛与入库截止",
        items=items,
        total=len(members),
        list_url=reverse("enterprises:pool"),
        empty="培育库暂无企业",
    )
