"""Forms of the 强特色 half: each saves through `services_bases`."""

from __future__ import annotations

from django import forms

from zhenwu.agriculture import services_bases as services
from zhenwu.agriculture.models import Base, Season
from zhenwu.core.forms import ResourceForm

BASE_FIELDS = [
    "name",
    "crop",
    "planting_mode",
    "area_mu",
    "village",
    "other_villages",
    "operator_kind",
    "enterprise",
    "operator_name",
    "start_year",
    "investment",
    "lat",
    "lng",
    "outline",
    "note",
]

SEASON_FIELDS = [
    "base",
    "label",
    "planted_area_mu",
    "planting_date",
    "harvest_start",
    "harvest_end",
    "output_amount",
    "output_unit",
    "output_value",
    "sales_channels",
    "jobs_created",
    "workers",
    "note",
]


def _data(form) -> dict:
    return {
        name: form.cleaned_data[name] for name in form._meta.fields if name in form.cleaned_data
    }


class BaseForm(ResourceForm):
    class Meta:
        model = Base
        fields = BASE_FIELDS
        widgets = {
            "outline": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 3}),
            "other_villages": forms.CheckboxSelectMultiple,
        }

    def save_via_service(self, acting_user):
        data = _data(self)
        if self.instance.pk:
            return services.base_update(
                self.instance,
                data=data,
                acting_user=acting_user,
                expected_version=self.cleaned_data.get("version"),
            )
        return services.base_create(town=self.town(), data=data, acting_user=acting_user)


class SeasonForm(ResourceForm):
    class Meta:
        model = Season
        fields = SEASON_FIELDS
        widgets = {
            "planting_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "harvest_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "harvest_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "sales_channels": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def save_via_service(self, acting_user):
        data = _data(self)
        if self.instance.pk:
            return services.season_update(
                self.instance,
                data=data,
                acting_user=acting_user,
                expected_version=self.cleaned_data.get("version"),
            )
        base = data.pop("base")
        return services.season_create(base=base, data=data, acting_user=acting_user)
