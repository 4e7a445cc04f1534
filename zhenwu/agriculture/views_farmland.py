"""守粮安 pages beyond the generic surface: recording a patrol (a phone form), a chief's page
(我的田块: the plots due for a patrol, the open findings in their villages), and the
rectification actions on a finding (the shared flow). They parse, call a service or selector,
render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from zhenwu.agriculture import selectors_farmland as selectors
from zhenwu.agriculture import services_farmland as services
from zhenwu.agriculture.forms_farmland import PatrolForm
from zhenwu.agriculture.models.farmland import FieldChief, Patrol, PatrolFinding, Plot
from zhenwu.core import scoping
from zhenwu.core.models import Village
from zhenwu.core.rectification import OPEN_STATUSES
from zhenwu.core.services import StaleEdit
from zhenwu.core.views.generic import safe_next


class RecordPatrolView(LoginRequiredMixin, View):
    """/agriculture/patrols/record/ — a field chief records a patrol (and a problem found)."""

    template = "agriculture/farmland/patrol_record.html"

    def _choices(self, request):
        user = request.user
        if not services.may_record_patrols(user):
            raise Http404
        villages = scoping.restrict(Village.objects.filter(town_id=user.town_id), user)
        allowed = services.patroller_village_ids(user, user.town)
        if allowed is not None:
            villages = villages.filter(pk__in=allowed)
        plots = scoping.restrict(
            Plot.objects.filter(village__in=villages).select_related("village"), user
        )
        return villages, plots

    def get(self, request):
        villages, plots = self._choices(request)
        initial = {}
        if villages.count() == 1:
            initial["village"] = villages.first()
        form = PatrolForm(villages=villages, plots=plots, initial=initial)
        return render(request, self.template, {"form": form})

    def post(self, request):
        villages, plots = self._choices(request)
        form = PatrolForm(request.POST, villages=villages, plots=plots)
        if form.is_valid():
            d = form.cleaned_data
            findings = []
            if d.get("finding_category"):
                findings.append(
                    {
                        "plot": d["finding_plot"],
                        "category": d["finding_category"],
                        "action": d["finding_action"],
                        "area_mu": d.get("finding_area_mu"),
                        "note": d.get("finding_note", ""),
                        "photos": request.FILES.getlist("finding_photos"),
                    }
                )
            try:
                patrol = services.record_patrol(
                    town=request.user.town,
                    village=d["village"],
                    plots=d["plots"],
                    patrolled_on=d["patrolled_on"],
                    gps_points=d.get("gps_points") or None,
                    note=d.get("note", ""),
                    photos=request.FILES.getlist("photos"),
                    findings=findings,
                    acting_user=request.user,
                )
            except ValidationError as exc:
                for field, errs in exc.message_dict.items():
                    target = field if field in form.fields else None
                    if field == "plot":
                        target = "finding_plot"
                    elif field == "category":
                        target = "finding_category"
                    for err in errs:
                        form.add_error(target, err)
            else:
                n = len(findings)
                messages.success(request, f"巡田记录已保存{f'，登记问题{n}个' if n else ''}。")
                return HttpResponseRedirect(patrol.get_absolute_url())
        return render(request, self.template, {"form": form}, status=400)


class ChiefPlotsView(LoginRequiredMixin, View):
    """/agriculture/my-plots/ (the signed-in chief) and /agriculture/field-chiefs/<pk>/plots/
    (any chief, for the town): the plots due for a patrol, recent patrols, open findings."""

    def get(self, request, pk=None):
        user = request.user
        today = timezone.localdate()
        if pk is None:
            chiefs = list(
                scoping.restrict(FieldChief.objects.filter(user=user, is_active=True), user)
                .select_related("user")
                .prefetch_related("villages")
            )
        else:
            chiefs = [
                get_object_or_404(
                    scoping.restrict(FieldChief.objects.select_related("user"), user), pk=pk
                )
            ]
        town = chiefs[0].town if chiefs else user.town
        intervals = services.setting_of(town).intervals() if town else {}
        plots = scoping.restrict(Plot.objects.all(), user)
        rows = []
        for chief in chiefs:
            cov = selectors.chief_coverage(chief, intervals=intervals, today=today, plots=plots)
            mine = selectors.chief_plots(chief, plots)
            findings = scoping.restrict(
                PatrolFinding.objects.filter(plot__in=mine, status__in=OPEN_STATUSES), user
            ).select_related("plot", "village")
            patrols = scoping.restrict(
                Patrol.objects.filter(patroller=chief.user), user
            ).select_related("village")[:10]
            rows.append(
                {
                    "coverage": cov,
                    "findings": list(findings.order_by("deadline", "pk")[:50]),
                    "patrols": list(patrols),
                }
            )
        return render(
            request,
            "agriculture/farmland/chief_plots.html",
            {
                "rows": rows,
                "mine": pk is None,
                "today": today,
                "may_record": scoping.can_write_model(user, Patrol),
            },
        )


def _finding(request, pk, action=scoping.VIEW):
    return get_object_or_404(
        scoping.restrict(PatrolFinding.objects.all(), request.user, action), pk=pk
    )


def _back(request, finding):
    return HttpResponseRedirect(safe_next(request, finding.get_absolute_url()))


class RectifyView(LoginRequiredMixin, View):
    def post(self, request, pk):
        finding = _finding(request, pk, scoping.CHANGE)
        try:
            services.submit_rectification(
                finding,
                photo=request.FILES.get("photo"),
                note=request.POST.get("note", ""),
                acting_user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "整改照片已上传，等待农业服务中心验收。")
        return _back(request, finding)


class VerifyView(LoginRequiredMixin, View):
    def post(self, request, pk):
        finding = _finding(request, pk, scoping.CHANGE)
        try:
            if request.POST.get("decision") == "accept":
                services.accept(finding, acting_user=request.user)
                messages.success(request, "已验收销号。")
            else:
                services.send_back(
                    finding, note=request.POST.get("note", ""), acting_user=request.user
                )
                messages.success(request, "已退回重新整改。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        except StaleEdit as exc:
            messages.error(request, exc.message)
        return _back(request, finding)


def my_plots_url():
    return reverse("agriculture:my_plots")
