"""The 强特色 dashboard (/agriculture/bases-dashboard/): area by crop, output and output value,
jobs, and every base as a card. It parses, calls a selector, renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from zhenwu.agriculture import selectors_bases as selectors
from zhenwu.agriculture.models import Base, Season
from zhenwu.core import scoping
from zhenwu.core.models import Town


def _town(request):
    user = request.user
    if user.town is not None:
        return user.town
    towns = scoping.restrict(Town.objects.order_by("pk"), user)
    wanted = request.GET.get("town", "")
    town = (towns.filter(pk=int(wanted)) if wanted.isdigit() else towns).first()
    if town is None:
        raise Http404
    return town


class DashboardView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        town = _town(request)
        today = timezone.localdate()
        raw = request.GET.get("year", "").strip()
        valid = raw.isdigit() and 2000 <= int(raw) <= 2100
        year = int(raw) if valid else today.year
        if raw and not valid:
            messages.error(request, f"年度「{raw[:10]}」无效，已显示{year}年。")
        d = selectors.dashboard(
            bases=scoping.restrict(Base.objects.filter(town=town), user),
            seasons=scoping.restrict(Season.objects.filter(town=town), user),
            year=year,
            as_of=today,
        )
        return render(
            request,
            "agriculture/bases/dashboard.html",
            {"d": d, "years": range(today.year, today.year - 5, -1)},
        )
