"""Panels of the land pages: a household's hearings."""

from django import template

from zhenwu.core import scoping
from zhenwu.land import selectors
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
