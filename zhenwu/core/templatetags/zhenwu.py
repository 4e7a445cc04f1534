"""The product's template filters (built in: no `{% load %}` needed). Every page formats dates,
amounts and traffic lights through these, so a value reads the same everywhere."""

from django import template
from django.contrib.contenttypes.models import ContentType

from zhenwu.core import formats, lights
from zhenwu.core.tables import format_value

register = template.Library()


@register.filter
def content_type_id(obj):
    return ContentType.objects.get_for_model(obj.__class__).pk


@register.filter
def fmt(value):
    return format_value(value)


@register.filter
def date_long(value):
    """2026年11月30日 (with a time: 2026年11月29日 20:18) — headings, detail pages."""
    return formats.date_long(value)


@register.filter
def date_short(value):
    """11月30日 (another year keeps its year) — inside sentences and cards."""
    return formats.date_short(value)


@register.filter
def date_cell(value):
    """2026-11-30 (with a time: 2026-11-29 20:18) — table cells and form values."""
    return formats.date_cell(value)


@register.filter
def amount(value):
    """万元 amounts: 1,700万元; from 10,000 万元 on: 9.51亿元."""
    return formats.amount(value)


@register.filter
def num(value, places=2):
    """A number with thousands separators and no trailing zeros: 95,100 · 1,656 · 3.5."""
    return formats.number(value, int(places))


@register.filter
def light(status):
    """CSS class for a traffic light status (green / yellow / red / done / none)."""
    return lights.css_class(status)


@register.filter
def light_label(status):
    """The product's word for a traffic light status (绿灯 / 黄灯 / 红灯 / 已完成 / 无法判断)."""
    return lights.label(status)
