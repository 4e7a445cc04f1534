"""Pages beyond the generic surface: the brand dashboard, and on a training session's page
enrolling trainees, recording attendance and issuing certificates. They parse, call a
selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views import View

from zhenwu.core import scoping
from zhenwu.core.models import Town, Village
from zhenwu.core.views.generic import safe_next
from zhenwu.labor import selectors, services
from zhenwu.labor.forms import AttendanceForm, CertifyForm, EnrollForm
from zhenwu.labor.models import (
    Certificate,
    Enrollment,
    Exam,
    Placement,
    TrainingSession,
    Worker,
)


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
    """/labor/dashboard/ — trained, certified and placed this year; by village and skill
    level; destinations and the share placed outside the province; income bands."""

    def get(self, request):
        user = request.user
        town = _town(request)
        today = timezone.localdate()
        raw = request.GET.get("year", "").strip()
        valid = raw.isdigit() and 2000 <= int(raw) <= 2100
        year = int(raw) if valid else today.year
        if raw and not valid:
            messages.error(request, f"年度「{raw[:10]}」无效，已显示{year}年。")

        def scoped(model):
            return scoping.restrict(model.objects.filter(town=town), user)

        d = selectors.dashboard(
            workers=scoped(Worker),
            enrollments=scoped(Enrollment),
            certificates=scoped(Certificate),
            placements=scoped(Placement),
            villages=scoping.restrict(Village.objects.filter(town=town), user).filter(
                pk__in=scoping.allowed_villages(user, scoping.VIEW)
            ),
            year=year,
            as_of=today,
        )
        return render(
            request,
            "labor/dashboard.html",
            {"d": d, "chart": d.chart_data(), "years": range(today.year, today.year - 5, -1)},
        )


def _back(request, obj):
    return HttpResponseRedirect(safe_next(request, obj.get_absolute_url() + "#trainees"))


def _errors(request, exc: ValidationError):
    for m in exc.messages:
        messages.error(request, m)


class EnrollView(LoginRequiredMixin, View):
    def post(self, request, pk):
        session = get_object_or_404(
            scoping.restrict(TrainingSession.objects.all(), request.user), pk=pk
        )
        if not scoping.can_write_model(request.user, Enrollment):
            raise Http404
        form = EnrollForm(request.POST, user=request.user)
        if not form.is_valid():
            for errs in form.errors.values():
                for e in errs:
                    messages.error(request, e)
            return _back(request, session)
        worker = form.cleaned_data["who"]
        if not scoping.can(request.user, scoping.CHANGE, worker):
            raise Http404
        try:
            services.enroll(session=session, worker=worker, acting_user=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, f"已将「{worker}」加入「{session}」。")
        return _back(request, session)


def _enrollment(request, pk):
    return get_object_or_404(
        scoping.restrict(
            Enrollment.objects.select_related("session", "worker"), request.user, scoping.CHANGE
        ),
        pk=pk,
    )


class AttendanceView(LoginRequiredMixin, View):
    def post(self, request, pk):
        e = _enrollment(request, pk)
        form = AttendanceForm(request.POST)
        if form.is_valid():
            try:
                services.set_attendance(
                    e, attendance=form.cleaned_data["attendance"], acting_user=request.user
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(
                    request, f"已登记「{e.worker}」出勤：{e.get_attendance_display()}。"
                )
        else:
            messages.error(request, "出勤状态无效。")
        return _back(request, e.session)


class CertifyView(LoginRequiredMixin, View):
    def post(self, request, pk):
        e = _enrollment(request, pk)
        exams = scoping.restrict(Exam.objects.filter(session=e.session), request.user)
        form = CertifyForm(request.POST, exams=exams)
        if not scoping.can_write_model(request.user, Certificate):
            raise Http404
        if form.is_valid():
            try:
                cert = services.certify(
                    worker=e.worker,
                    exam=form.cleaned_data["exam"],
                    data={"number": form.cleaned_data["number"].strip()},
                    acting_user=request.user,
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, f"已为「{e.worker}」登记证书 {cert.number}。")
        else:
            for errs in form.errors.values():
                for m in errs:
                    messages.error(request, m)
        return _back(request, e.session)
