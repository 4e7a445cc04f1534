"""The village page's records, from the modules' registered village sections (core/homes.py)."""

from django import template
from django.utils import timezone

from zhenwu.core import homes

register = template.Library()


@register.simple_tag(takes_context=True)
def village_sections(context, village):
    return homes.village_sections(context["user"], [village], timezone.localdate())
