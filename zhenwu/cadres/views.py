"""/cadres/ — 干部责任清单: every cadre with what they answer for, and one cadre's records."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext

from zhenwu.cadres import selectors
from zhenwu.core.tables import mask, may_see_personal


def _gate(request):
    if not selectors.may_view(request.user):
        raise Http404


@login_required
def cadre_list(request):
    _gate(request)
    people = list(selectors.cadres(request.user))
    counts = selectors.duty_counts(request.user, people)
    labels = [label for label in selectors.DUTY_LABELS if any(label in c for c in counts.values())]
    rows = [
        {
            "person": p,
            "counts": [(gettext(label), counts[p.pk].get(label, 0)) for label in labels],
            "total": sum(counts[p.pk].values()),
        }
        for p in people
    ]
    # The duties are found by their Chinese labels; a page shows them in the reader's language.
    labels = [gettext(label) for label in labels]
    return render(request, "cadres/cadre_list.html", {"rows": rows, "labels": labels})


@login_required
def cadre_detail(request, pk):
    _gate(request)
    person = get_object_or_404(selectors.cadres(request.user), pk=pk)
    phone = person.phone if may_see_personal(request.user) else mask(person.phone, "phone")
    return render(
        request,
        "cadres/cadre_detail.html",
        {
            "person": person,
            "phone": phone,
            "groups": selectors.cadre_duties(request.user, person),
        },
    )
