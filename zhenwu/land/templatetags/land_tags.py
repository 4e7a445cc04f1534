"""Panels of the land pages: a household's progress and its hearings."""

from django import template
from django.utils.translation import gettext as _

from zhenwu.core import asof, scoping
from zhenwu.land import rules, selectors
from zhenwu.land.resources import hearing_resource

register = template.Library()


@register.inclusion_tag("land/partials/household_hearings.html", takes_context=True)
def household_hearings(context, household):
    """The hearings that concern a household (its own and its campaign's collective ones),
    with date, state and what is due — cards, readable on a phone."""
    user = context["request"].user
    rows = selectors.hearings_of(household, user)
    for row in rows:
        row.may_change = scoping.can(user, scoping.CHANGE, row.hearing)
    return {"rows": rows, "may_add": hearing_resource.may_add(user), "household": household}


@register.inclusion_tag("land/partials/household_progress.html", takes_context=True)
def household_progress(context, household):
    """A household's stages in order with their dates, the current one marked, and — for
    whoever may change it — the next stage to record (the same form as on 一户一档)."""
    request = context["request"]
    dates = household.stage_dates()
    keys = rules.STAGE_KEYS
    current = keys.index(household.stage) if household.stage in keys else -1
    steps = [
        {
            "label": _(label),
            "date": dates.get(field),
            "reached": i <= current,
            "current": i == current,
        }
        for i, (_key, label, field) in enumerate(rules.STAGES)
    ]
    following = rules.next_stage(household.stage)
    return {
        "h": household,
        "steps": steps,
        "next_stage": following,
        "next_label": _(rules.STAGE_LABELS[following]) if following else "",
        "today": asof.today(),
        "can_change": scoping.can(request.user, scoping.CHANGE, household),
        "next_url": request.get_full_path(),
    }


@register.inclusion_tag("land/partials/campaign_state.html")
def campaign_state(campaign):
    """A campaign's state in one line, as of today (the same line as on its wall board)."""
    return {
        "campaign": campaign,
        "progress": selectors.campaign_progress(campaign, as_of=asof.today()),
    }
