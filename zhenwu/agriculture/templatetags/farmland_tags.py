"""Panels of 守粮安 pages: the shared rectification panel on a finding, a plot's patrols and
findings, a patrol's findings."""

from django import template
from django.urls import reverse
from django.utils import timezone

from zhenwu.agriculture import services_farmland as services
from zhenwu.agriculture.models.farmland import Patrol, PatrolFinding
from zhenwu.core import scoping
from zhenwu.core.rectification import RectificationStatus

register = template.Library()


@register.inclusion_tag("core/partials/rectification_panel.html", takes_context=True)
def farmland_rectification(context, finding):
    request = context["request"]
    user = request.user
    may_change = scoping.can(user, scoping.CHANGE, finding)
    return {
        "f": finding,
        "overdue": finding.is_overdue(timezone.localdate()),
        "may_rectify": may_change and finding.may_be_rectified,
        "may_verify": may_change
        and services.may_verify(user)
        and finding.status == RectificationStatus.SUBMITTED,
        "rectify_url": reverse("agriculture:farmland_rectify", args=[finding.pk]),
        "verify_url": reverse("agriculture:farmland_verify", args=[finding.pk]),
        "recurrence_text": "反弹：同一图斑同类问题在销号后再次发现。",
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }


@register.inclusion_tag("agriculture/farmland/findings_table.html", takes_context=True)
def farmland_findings(context, plot=None, patrol=None):
    user = context["request"].user
    qs = PatrolFinding.objects.all()
    if plot is not None:
        qs = qs.filter(plot=plot)
    if patrol is not None:
        qs = qs.filter(patrol=patrol)
    qs = scoping.restrict(qs, user).select_related("plot", "village")
    today = timezone.localdate()
    rows = list(qs.order_by("-found_on", "-pk")[:50])
    for f in rows:
        f.overdue_now = f.is_overdue(today)
    return {"findings": rows}


@register.inclusion_tag("agriculture/farmland/plot_patrols.html", takes_context=True)
def plot_patrols(context, plot):
    user = context["request"].user
    patrols = (
        scoping.restrict(Patrol.objects.filter(plots=plot), user)
        .select_related("patroller", "village")
        .order_by("-patrolled_on", "-pk")[:20]
    )
    return {"patrols": list(patrols)}
