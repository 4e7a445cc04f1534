from django import template
from django.utils import timezone

from zhenwu.core import scoping
from zhenwu.inspections import services
from zhenwu.inspections.models import ChecklistItem, Finding, FindingStatus, Sheet, Spot

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
    return {
        "round": rnd,
        "sheets": sheets,
        "findings": findings,
        "may_capture": services.may_verify(user) and rnd.status != "closed",
        "items": list(ChecklistItem.objects.filter(section__checklist_id=rnd.checklist_id))
        if services.may_verify(user) and rnd.status != "closed"
        else [],
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
