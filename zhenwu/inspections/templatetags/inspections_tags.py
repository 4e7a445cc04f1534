from django import template
from django.utils import timezone

from zhenwu.core import scoping
from zhenwu.inspections import services
from zhenwu.inspections.models import (
    ChecklistItem,
    Finding,
    FindingStatus,
    RoundKind,
    Sheet,
    Spot,
)

register = template.Library()


@register.inclusion_tag("inspections/round_panel.html", takes_context=True)
def round_panel(context, rnd):
    user = context["request"].user
    sheets = list(Sheet.objects.filter(round=rnd).select_related("village"))
    ids = {i for s in sheets for i in (s.spot_ids or [])}
    names = dict(Spot.all_objects.filter(pk__in=ids).values_list("pk", "name"))
    for s in sheets:
        s.spot_names = [names[i] for i in (s.spot_ids or []) if i in names]
    findings = scoping.restrict(Finding.objects.filter(round=rnd), user).select_related(
        "village", "item"
    )
    sheets = (
        [s for s in sheets if scoping.can(user, "view", s)] if user.role == "village" else sheets
    )
    if rnd.kind == RoundKind.REINSPECTION:
        wanted = {r.get("finding") for s in sheets for r in (s.revisits or [])}
        seen = {
            f.pk: f
            for f in scoping.restrict(Finding.objects.filter(pk__in=wanted), user).select_related(
                "item", "spot", "round"
            )
        }
        for s in sheets:
            s.revisit_rows = [
                {
                    **r,
                    "f": seen[r.get("finding")],
                    "label": services.REVISIT_OUTCOMES.get(r.get("outcome"), "待复查"),
                }
                for r in (s.revisits or [])
                if r.get("finding") in seen
            ]
    return {
        "round": rnd,
        "sheets": sheets,
        "findings": findings,
        "may_capture": services.may_verify(user) and rnd.status != "closed",
        "items": list(ChecklistItem.objects.filter(section__checklist_id=rnd.checklist_id))
        if services.may_verify(user) and rnd.status != "closed"
        else [],
        "may_revisit": rnd.kind == RoundKind.REINSPECTION
        and rnd.started
        and services.may_verify(user),
        "may_close": rnd.status != "closed" and rnd.started and services.may_close(user, rnd),
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("inspections/finding_panel.html", takes_context=True)
def finding_panel(context, finding):
    request = context["request"]
    user = request.user
    may_change = scoping.can(user, scoping.CHANGE, finding)
    return {
        "f": finding,
        "overdue": finding.is_overdue(timezone.localdate()),
        "may_rectify": may_change
        and finding.status in (FindingStatus.OPEN, FindingStatus.RETURNED),
        "may_verify": may_change
        and services.may_verify(user)
        and finding.status == FindingStatus.SUBMITTED,
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
