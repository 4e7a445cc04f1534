"""Forms: the register's edit form saves through the enterprise services (checklist kept in
step with the entry route); the entry-status form moves the status through one event."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenwu.core.forms import ResourceForm
from zhenwu.enterprises import services
from zhenwu.enterprises.models import Enterprise, EntryStatus, MonthlyFigure

ENTERPRISE_FIELDS = [
    "name",
    "uscc",
    "industry_code",
    "address",
    "village",
    "legal_rep",
    "contact_name",
    "contact_phone",
    "qualification",
    "has_development_activity",
    "is_waterproofing",
    "platform_joined_on",
    "cadre",
    "entry_route",
    "note",
]


class EnterpriseForm(ResourceForm):
    class Meta:
        model = Enterprise
        fields = ENTERPRISE_FIELDS
        widgets = {
            "platform_joined_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def save_via_service(self, acting_user):
        data = {n: self.cleaned_data[n] for n in ENTERPRISE_FIELDS if n in self.cleaned_data}
        if self.instance.pk:
            return services.update_enterprise(
                self.instance,
                data=data,
                acting_user=acting_user,
                expected_version=self.cleaned_data.get("version"),
            )
        return services.create_enterprise(town=self.town(), data=data, acting_user=acting_user)


class MonthlyFigureForm(ResourceForm):
    month = forms.DateField(
        label=_("月份"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": "月份格式应为 2025-03。", "required": "请填写月份。"},
    )

    class Meta:
        model = MonthlyFigure
        fields = [
            "enterprise",
            "month",
            "revenue",
            "main_revenue",
            "output_value",
            "employees",
            "taxes",
        ]

    def clean_month(self):
        value = self.cleaned_data["month"]
        return value.replace(day=1) if value else value


class EntryStatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("推进到"), choices=EntryStatus.choices)
    date = forms.DateField(
        label=_("日期"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
        error_messages={"invalid": "日期格式应为 2025-03-05。", "required": "请填写日期。"},
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=services.STEP_NOTE_MAX)
