from django import template
from django.utils import timezone

from zhenwu.core import scoping, timeline
from zhenwu.core.services import attachments_for
from zhenwu.enterprises import selectors
from zhenwu.enterprises.forms import EntryStatusForm
from zhenwu.enterprises.models import (
    ENTRY_ORDER,
    ChecklistItem,
    Enterprise,
    EntryEvent,
    EntryStatus,
)
from zhenwu.enterprises.views import sparkline_points

register = template.Library()


@register.inclusion_tag("enterprises/partials/enterprise_panel.html", takes_context=True)
def enterprise_panel(context, ent):
    """Classification, entry workflow and checklist on the firm's detail page."""
    request = context["request"]
    user = request.user
    as_of = selectors.as_of_default(ent.town, timezone.localdate())
    status = selectors.firm_statuses(Enterprise.objects.filter(pk=ent.pk), ent.town, as_of=as_of)[0]
    items = list(
        scoping.restrict(ChecklistItem.objects.filter(enterprise=ent), user).order_by("pk")
    )
    for item in items:
        item.files = list(scoping.restrict(attachments_for(item), user))
    events = scoping.restrict(
        EntryEvent.objects.filter(enterprise=ent).select_related("actor"), user
    ).order_by(*timeline.ORDERING)
    can_change = scoping.can(user, scoping.CHANGE, ent)
    if ent.entry_status == EntryStatus.WITHDRAWN:
        next_status = EntryStatus.CANDIDATE
    elif ent.entry_status == EntryStatus.REPORTING:
        next_status = EntryStatus.WITHDRAWN
    else:
        next_status = ENTRY_ORDER[ENTRY_ORDER.index(ent.entry_status) + 1]
    return {
        "object": ent,
        "st": status,
        "as_of": as_of,
        "spark": sparkline_points(status.series),
        "items": items,
        "events": events,
        "can_change": can_change,
        "form": EntryStatusForm(initial={"date": timezone.localdate()}),
        "statuses": EntryStatus.choices,
        "next_status": next_status,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
