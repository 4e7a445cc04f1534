"""Pages beyond the generic surface: the 培育库 (cultivation pool), the entry-status move and
the checklist toggle. They parse, call a selector or service, render (STYLE.md habit 4)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views import View

from zhenwu.core import asof, scoping
from zhenwu.core.models import Town
from zhenwu.core.services import attachments_for
from zhenwu.core.views.generic import safe_next
from zhenwu.enterprises import selectors, services
from zhenwu.enterprises.forms import EntryStatusForm
from zhenwu.enterprises.models import ChecklistItem, Enterprise, EntryStatus


def parse_as_of(request, town) -> tuple[datetime.date, str | None]:
    """The pool's as-of date: by default the last month with figures (core.asof otherwise)."""
    return asof.for_page(request, default=selectors.as_of_default(town, timezone.localdate()))


def sparkline_points(series, width=120, height=28) -> str:
    """SVG polyline points of a month series (server-side sparkline, no script needed)."""
    values = [float(v) for v in series]
    if not values:
        return ""
    top = max(max(values), 0.0) or 1.0
    low = min(min(values), 0.0)
    span = (top - low) or 1.0
    step = width / max(len(values) - 1, 1)
    pts = []
    for i, v in enumerate(values):
        y = height - 2 - (v - low) / span * (height - 4)
        pts.append(f"{i * step:.1f},{y:.1f}")
    if len(pts) == 1:
        pts.append(f"{width:.1f},{pts[0].split(',')[1]}")
    return " ".join(pts)


class PoolView(LoginRequiredMixin, View):
    """/enterprises/pool/ — firms near the threshold, their gap, trend, forecast, cadre,
    next batch deadline, papers and entry status; `?as_of=` replays an earlier date."""

    def get(self, request):
        user = request.user
        town = user.town
        if town is None:  # city/county viewers: the town asked for, or the first one
            towns = scoping.restrict(Town.objects.order_by("pk"), user)
            wanted = request.GET.get("town", "")
            town = (towns.filter(pk=int(wanted)) if wanted.isdigit() else towns).first()
            if town is None:
                raise Http404
        as_of, _ = parse_as_of(request, town)  # an unreadable date warns on the page
        qs = scoping.restrict(Enterprise.objects.filter(town=town), user)
        village = request.GET.get("village", "")
        if village.isdigit():
            qs = qs.filter(village_id=int(village))
        members = selectors.pool(qs, town, as_of=as_of)
        for m in members:
            m.spark = sparkline_points(m.series)
        # Same rule as the indicator: approvals (入库 events) dated this year up to the date.
        new_this_year = (
            qs.filter(
                events__to_status=EntryStatus.APPROVED,
                events__on_date__gte=datetime.date(as_of.year, 1, 1),
                events__on_date__lte=as_of,
                events__is_deleted=False,
            )
            .distinct()
            .count()
        )
        setting = selectors.pool_setting(town)
        ctx = {
            "members": members,
            "as_of": as_of,
            "year": as_of.year,
            "share_pct": round(setting.pool_share * 100),
            "setting": setting,
            "new_this_year": new_this_year,
            "villages": scoping.allowed_villages(user, scoping.VIEW),
            "village": village,
            "can_edit": scoping.can_write_model(user, Enterprise),
        }
        return render(request, "enterprises/pool.html", ctx)


class EntryStatusView(LoginRequiredMixin, View):
    def post(self, request, pk):
        ent = get_object_or_404(
            scoping.restrict(Enterprise.objects.all(), request.user, scoping.CHANGE), pk=pk
        )
        form = EntryStatusForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for e in errors:
                    messages.error(request, e)
        else:
            try:
                services.move_entry_status(
                    ent,
                    form.cleaned_data["to_status"],
                    acting_user=request.user,
                    on=form.cleaned_data["date"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                label = EntryStatus(form.cleaned_data["to_status"]).label
                messages.success(request, f"「{ent}」已推进到「{label}」。")
        return HttpResponseRedirect(safe_next(request, ent.get_absolute_url() + "#entry"))


class ChecklistToggleView(LoginRequiredMixin, View):
    """Tick or untick one document of the entry checklist (htmx swaps the row)."""

    def post(self, request, pk):
        item = get_object_or_404(
            scoping.restrict(
                ChecklistItem.objects.select_related("enterprise"), request.user, scoping.CHANGE
            ),
            pk=pk,
        )
        done = request.POST.get("done") in ("1", "true", "on")
        services.set_checklist_item(item, done=done, acting_user=request.user)
        if request.htmx:
            item.files = list(scoping.restrict(attachments_for(item), request.user))
            return render(
                request,
                "enterprises/partials/checklist_item.html",
                {"item": item, "can_change": True, "object": item.enterprise},
            )
        messages.success(request, f"已更新「{item}」。")
        return HttpResponseRedirect(
            safe_next(request, item.enterprise.get_absolute_url() + "#checklist")
        )
