"""/search/ — one search box over every list a user has in their menu (全站搜索).

A clerk looking for 张三's household, a worker, an enterprise or a project types the name once
instead of guessing which ledger holds it. Each registered resource with a menu entry and
`search_fields` is searched through the same gate and the same condition as its own list's
search box (`generic.search_condition`: a personal number matches only whole for a reader who
sees it masked), at most one query per resource; each group shows its first records as the
list's phone cards and links to the list filtered by the same words for the rest."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from zhenwu.core import homes, scoping
from zhenwu.core.registry import all_resources, nav_items
from zhenwu.core.tables import Table
from zhenwu.core.views.generic import search_condition

#: Records shown per group; the list behind 「查看全部」 has the rest.
PER_GROUP = 5
#: Longer input is cut: nobody types more to find a record, and it bounds the LIKE patterns.
MAX_QUERY = 50


def searchable_resources(user) -> list:
    """The resources a user searches: those with a search box and a menu entry the user sees,
    in menu order."""
    modules = homes.menu_modules(user)
    order = {item.url_name: i for i, item in enumerate(nav_items())}
    out = []
    for resource in all_resources():
        nav = resource.nav
        if nav is None or not resource.search_fields:
            continue
        if modules is not None and resource.app_label not in modules:
            continue
        if nav.visible is not None and not nav.visible(user):
            continue
        out.append(resource)
    return sorted(out, key=lambda r: order.get(r.nav.url_name, len(order)))


def search_groups(user, q: str) -> list[dict]:
    """For each searchable resource with a match: its label, its first cards, and whether the
    list has more (one query per resource: PER_GROUP + 1 rows)."""
    groups = []
    for resource in searchable_resources(user):
        qs = resource.model.objects.all()
        if resource.select_related:
            qs = qs.select_related(*resource.select_related)
        qs = scoping.restrict(qs, user).filter(search_condition(resource, q, user))
        if not qs.ordered:
            qs = qs.order_by("-pk")
        rows = list(qs[: PER_GROUP + 1])
        if not rows:
            continue
        list_url = reverse(resource.url_name("list"))
        groups.append(
            {
                "label": resource.nav.label,
                "cards": list(Table(resource, user, rows=rows[:PER_GROUP]).cards()),
                "more": len(rows) > PER_GROUP,
                "list_url": f"{list_url}?{urlencode({'q': q})}",
            }
        )
    return groups


@login_required
def search(request):
    q = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    groups = search_groups(request.user, q) if q else []
    return render(
        request,
        "core/search.html",
        {
            "q": q,
            "groups": groups,
            "searched": [str(r.nav.label) for r in searchable_resources(request.user)],
            "empty_text": _("没有找到包含「%(q)s」的记录。") % {"q": q},
        },
    )
