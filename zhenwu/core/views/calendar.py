"""The work calendar page: a year at a glance, and the override table.

National overrides (no town) belong to the deployment's administrators (superusers); a town's
administrator adds and removes local working-day changes of their own town only."""

from __future__ import annotations

import calendar as pycal
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from zhenwu.core import workcalendar
from zhenwu.core.models import HolidayOverride
from zhenwu.core.services import attributed


class HolidayOverrideForm(forms.ModelForm):
    class Meta:
        model = HolidayOverride
        fields = ["date", "is_workday", "name", "source_doc"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_date(self):
        day = self.cleaned_data["date"]
        same = HolidayOverride.objects.filter(date=day, town_id=self.instance.town_id)
        if same.exclude(pk=self.instance.pk).exists():
            where = "本镇" if self.instance.town_id else "全国"
            raise forms.ValidationError(f"{day} 已有{where}调整，请先删除原调整。")
        return day

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.widget.attrs["class"] = (
                "form-check-input" if isinstance(f.widget, forms.CheckboxInput) else "form-control"
            )


def _year_grid(year: int, town=None):
    cal = workcalendar.get_calendar(town)
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


def _may_edit(user) -> bool:
    """Superusers edit national overrides; a town's administrator their town's local ones."""
    return user.is_superuser or (user.is_town_admin and user.town_id is not None)


#: The calendar grid's column heads, Monday first.
WEEKDAYS = [
    pgettext_lazy("weekday", d) for d in ("一", "二", "三", "四", "五", "六", "日")
]  # fmt: skip


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
    user = request.user
    town_id = user.town_id
    local = HolidayOverride(town_id=None if user.is_superuser else town_id)
    form = HolidayOverrideForm(request.POST or None, instance=local)
    if request.method == "POST":
        if not _may_edit(user):
            raise Http404
        if form.is_valid():
            with attributed(request.user):
                form.save()
            messages.success(request, "已保存节假日调整。")
            return HttpResponseRedirect(
                reverse("core:holiday_list") + f"?year={form.instance.date.year}"
            )
    cal = workcalendar.get_calendar(town_id)
    visible = Q(town__isnull=True) | Q(town_id=town_id) if town_id else Q(town__isnull=True)
    return render(
        request,
        "core/holiday_list.html",
        {
            "form": form,
            "year": year,
            "confirmed": cal.is_confirmed(date(year, 6, 30)),
            "covered": workcalendar.chinese_calendar_years(),
            "months": _year_grid(year, town_id),
            "weekdays": WEEKDAYS,
            "overrides": HolidayOverride.objects.filter(visible, date__year=year).select_related(
                "town"
            ),
            "workdays": cal.workdays_between(date(year, 1, 1), date(year + 1, 1, 1))
            if year < 9999
            else None,
            "can_edit": _may_edit(user),
            "edits_national": user.is_superuser,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def holiday_delete(request, pk):
    if not _may_edit(request.user):
        raise Http404
    mine = HolidayOverride.objects.all()
    if not request.user.is_superuser:
        mine = mine.filter(town_id=request.user.town_id)  # a town removes only its own
    obj = get_object_or_404(mine, pk=pk)
    with attributed(request.user):
        obj.delete()
    messages.success(request, f"已删除 {obj.date} 的调整。")
    return HttpResponseRedirect(reverse("core:holiday_list") + f"?year={obj.date.year}")
