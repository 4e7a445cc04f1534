"""The work calendar page: a year at a glance, and the administrators' override table."""

from __future__ import annotations

import calendar as pycal
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenwu.core import workcalendar
from zhenwu.core.models import HolidayOverride
from zhenwu.core.services import attributed


class HolidayOverrideForm(forms.ModelForm):
    class Meta:
        model = HolidayOverride
        fields = ["date", "is_workday", "name", "source_doc"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.widget.attrs["class"] = (
                "form-check-input" if isinstance(f.widget, forms.CheckboxInput) else "form-control"
            )


def _year_grid(year: int):
    cal = workcalendar.get_calendar()
    months = []
    for month in range(1, 13):
        weeks = []
        for week in pycal.Calendar().monthdatescalendar(year, month):
            weeks.append(
                [
                    {
                        "day": d,
                        "in_month": d.month == month,
                        "work": cal.is_workday(d),
                        "weekend": d.weekday() >= 5,
                    }
                    for d in week
                ]
            )
        months.append({"month": month, "weeks": weeks})
    return months


@login_required
def holiday_list(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        # The year grid shows whole weeks, which spill past 9999-12-31; a work plan needs
        # nothing outside these bounds anyway.
        if not 1900 <= year <= 2199:
            raise ValueError(year)
    except ValueError:
        year = today.year
    form = HolidayOverrideForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_town_admin:
            raise Http404
        if form.is_valid():
            with attributed(request.user):
                form.save()
            messages.success(request, "已保存节假日调整。")
            return HttpResponseRedirect(
                reverse("core:holiday_list") + f"?year={form.instance.date.year}"
            )
    cal = workcalendar.get_calendar()
    return render(
        request,
        "core/holiday_list.html",
        {
            "form": form,
            "year": year,
            "confirmed": cal.is_confirmed(date(year, 6, 30)),
            "covered": workcalendar.chinese_calendar_years(),
            "months": _year_grid(year),
            "overrides": HolidayOverride.objects.filter(date__year=year),
            "workdays": cal.workdays_between(date(year, 1, 1), date(year + 1, 1, 1))
            if year < 9999
            else None,
            "can_edit": request.user.is_town_admin,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def holiday_delete(request, pk):
    if not request.user.is_town_admin:
        raise Http404
    obj = get_object_or_404(HolidayOverride, pk=pk)
    with attributed(request.user):
        obj.delete()
    messages.success(request, f"已删除 {obj.date} 的调整。")
    return HttpResponseRedirect(reverse("core:holiday_list") + f"?year={obj.date.year}")
