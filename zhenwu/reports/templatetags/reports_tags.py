"""The download buttons other modules' pages show: `{% load reports_tags %}` then
`{% bulletin_button town month %}` (the ranking page) or `{% dispatch_button plan as_of %}`
(the board). Each renders nothing for a reader who may not have the document."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from zhenwu.core.scoping import reads_whole_town

register = template.Library()


def _town_query(user, town_id: int) -> str:
    return "" if user.town_id else f"&town={town_id}"


@register.simple_tag(takes_context=True)
def bulletin_button(context, town, month):
    from zhenwu.reports.views import BULLETIN_MODELS

    user = context["request"].user
    if town is None or not reads_whole_town(user, town.pk, BULLETIN_MODELS):
        return ""
    return format_html(
        '<a class="btn btn-sm btn-outline-primary" href="{}?month={}{}" '
        'data-testid="bulletin-docx">{}</a>',
        reverse("reports:bulletin"),
        f"{month:%Y-%m}",
        _town_query(user, town.pk),
        _("下载通报（Word）"),
    )


@register.simple_tag(takes_context=True)
def dispatch_button(context, plan, as_of):
    from zhenwu.reports.views import DISPATCH_MODELS

    user = context["request"].user
    if plan is None or not reads_whole_town(user, plan.town_id, DISPATCH_MODELS):
        return ""
    return format_html(
        '<a class="btn btn-sm btn-outline-primary" href="{}?week={}{}" '
        'data-testid="dispatch-docx"><i class="bi bi-file-earmark-word"></i> {}</a>',
        reverse("reports:dispatch"),
        as_of.isoformat(),
        _town_query(user, plan.town_id),
        _("下载调度简报（Word）"),
    )
