"""The campaigns on the projects' wall chart (挂图作战), beside the key projects: one row per
campaign in progress, its statutory steps as bars (forecast dates), the 交地 deadline marked."""

from __future__ import annotations

from django.urls import reverse

from zhenwu.core import scoping
from zhenwu.land import selectors
from zhenwu.land.models import Campaign
from zhenwu.projects.gantt import register_wall_source


@register_wall_source
def campaign_rows(user, as_of) -> list[dict]:
    campaigns = scoping.restrict(
        Campaign.objects.select_related("leader").filter(handed_over_on__isnull=True), user
    ).order_by("handover_deadline", "pk")
    out = []
    for s in selectors.schedules_for(campaigns, as_of=as_of):
        c = s.campaign
        if not s.ok or not s.rows:
            continue
        light = "red" if s.days_short else "green"
        out.append(
            {
                "name": f"征收：{c.name}",
                "url": reverse("land:campaign_progress", args=[c.pk]),
                "subtitle": f"双征 · {c.leader or '—'}",
                "start": s.rows[0].start,
                "finish": max(s.rows[-1].finish, c.handover_deadline),
                "deadline": c.handover_deadline,
                "days_short": s.days_short,
                "light": light,
                "bars": [
                    {
                        "label": r.label,
                        "start": r.start,
                        "finish": r.finish,
                        "critical": r.critical,
                        "done": r.status == "finished",
                    }
                    for r in s.rows
                ],
            }
        )
    return out
