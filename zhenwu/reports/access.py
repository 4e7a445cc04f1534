"""Who may have a document. A 通报 or a 调度简报 is the whole town's picture, so it is issued
only to readers whose scope is the whole town for every record it is made of: administrators,
leaders, staff and inspectors of the town, a superuser, a city/county viewer. A village cadre
reads only their own villages' findings and projects: the document would show them what their
scope hides, and a document cut to their scope would not be the town's — so it is not found
(404), as everything out of scope is. The rule is the gate's (`scoping.reads_whole_town`)."""

from __future__ import annotations

from django.http import Http404

from zhenwu.core import scoping
from zhenwu.core.models import Town
from zhenwu.core.scoping import reads_whole_town


def town_for(request, models) -> Town:
    """The town of the document: the user's own, or the one `?town=<id>` names among those
    they read (a superuser or a county viewer); 404 when there is none or the user may not
    have the town's documents."""
    user = request.user
    towns = scoping.restrict(Town.objects.order_by("pk"), user)
    if user.is_authenticated and user.town_id is not None:
        towns = towns.filter(pk=user.town_id)
    wanted = request.GET.get("town", "")
    town = (towns.filter(pk=int(wanted)) if wanted.isdigit() else towns).first()
    if town is None or not reads_whole_town(user, town.pk, models):
        raise Http404
    return town
