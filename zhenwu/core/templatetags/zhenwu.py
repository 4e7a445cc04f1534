from django import template
from django.contrib.contenttypes.models import ContentType

from zhenwu.core.tables import format_value

register = template.Library()


@register.filter
def content_type_id(obj):
    return ContentType.objects.get_for_model(obj.__class__).pk


@register.filter
def fmt(value):
    return format_value(value)


@register.filter
def light(status):
    """CSS class for a traffic light status (green / yellow / red / None)."""
    return f"light light-{status or 'none'}"
