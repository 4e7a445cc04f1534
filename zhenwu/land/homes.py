"""双征 on the role homes: a 包户 cadre's own households still to settle (their to-do, open
disputes first), a village's households in requisition on 我的村 and the village page, and the
双征办's queue of open disputes with the last contact's next step."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Prefetch, Value, When
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
from zhenwu.land import rules
from zhenwu.land.models import Dispute, DisputeContact, DisputeStatus, Household, Stage

#: Households shown per section; the list behind the section's link has the rest. The
#: cadre's own to-do shows fewer: it sits above everything else on a phone.
SHOWN = 15
SHOWN_MINE = 5


def _open_households(user, **filters):
    """Households not yet settled, open disputes first, then the least advanced. (A dispute is
    said in the item's note, not as 已逾期: nothing is late about it.)"""
    stage_rank = Case(
        *[When(stage=key, then=Value(i)) for i, key in enumerate(rules.STAGE_KEYS)],
        output_field=IntegerField(),
    )
    qs = Household.objects.filter(**filters).exclude(stage=Stage.SETTLE)
    return (
        scoping.restrict(qs, user)
        .select_related("village", "campaign")
        .order_by("-open_dispute", stage_rank, "campaign", "number", "pk")
    )


def _household_item(h, *, with_village=True) -> HomeItem:
    nxt = rules.next_stage(h.stage)
    note = [h.campaign.name]
    if with_village:
        note.append(h.village.name)
    note.append(gettext("当前：%(stage)s") % {"stage": h.get_stage_display()})
    if h.open_dispute:
        note.append("⚠ " + gettext("有未化解的矛盾纠纷"))
    return HomeItem(
        title=f"{h.head_name}（{h.number}）",
        url=reverse("land:household_detail", args=[h.pk]),
        note=" · ".join(note),
        action=f"推进到{rules.STAGE_LABELS[nxt]}" if nxt else "查看",
    )


@register_todo("land", "我包的户", order=30)
def my_households(user, today):
    """The households a cadre is responsible for (包户) and that are not settled yet."""
    if not user.town_id:
        return None
    qs = _open_households(user, cadre=user)
    total = qs.count()
    if not total:
        return None
    return HomeSection(
        key="land-mine",
        label="我包的户",
        items=[_household_item(h) for h in qs[:SHOWN_MINE]],
        total=total,
        list_url=reverse("land:household_list") + f"?cadre={user.pk}",
    )


@register_village_section("land", "双征（被征收户）", order=48)
def village_households(user, villages, today):
    qs = _open_households(user, village__in=villages)
    total = qs.count()
    one = len(villages) == 1
    url = reverse("land:household_list")
    return HomeSection(
        key="land",
        label="双征（被征收户）",
        items=[_household_item(h, with_village=not one) for h in qs[:SHOWN]],
        total=total,
        list_url=url + (f"?village={villages[0].pk}" if one else ""),
        empty="暂无在征收中的户",
    )


@register_work_queue("land", "矛盾纠纷待化解", order=48)
def open_disputes(user, today):
    contacts = DisputeContact.objects.order_by("-contacted_on", "-pk")
    qs = (
        scoping.restrict(Dispute.objects.filter(status=DisputeStatus.OPEN), user)
        .select_related("household", "household__village")
        .prefetch_related(Prefetch("contacts", queryset=contacts))
        .order_by("raised_on", "pk")
    )
    total = qs.count()
    if not total:
        return None
    items = []
    for d in qs[:SHOWN]:
        last = d.contacts.all()[:1]
        note = [
            d.household.village.name,
            gettext("%(date)s 提出") % {"date": f"{d.raised_on:%Y-%m-%d}"},
        ]
        if last:
            note.append(gettext("%(date)s 接谈") % {"date": f"{last[0].contacted_on:%m-%d}"})
            if last[0].next_step:
                note.append(gettext("下一步：%(step)s") % {"step": last[0].next_step})
        else:
            note.append(gettext("尚未接谈"))
        items.append(
            HomeItem(
                title=f"{d.household.head_name}（{d.household.number}）· {d.get_kind_display()}",
                url=reverse("land:dispute_detail", args=[d.pk]),
                note=" · ".join(note),
                action="接谈",
            )
        )
    return HomeSection(
        key="land-disputes",
        label="矛盾纠纷待化解",
        items=items,
        total=total,
        list_url=reverse("land:dispute_list") + "?status=open",
    )
