"""Forms of the land module: each saves through the module's services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenwu.core.forms import ResourceForm
from zhenwu.land import rules, services
from zhenwu.land.models import Campaign, Dispute, Hearing, Stage

DATE = {"type": "date"}

CAMPAIGN_FIELDS = [
    "name",
    "project",
    "investment",
    "approval_no",
    "scope",
    "target_mu",
    "target_households",
    "start_date",
    "handover_deadline",
    "handed_over_on",
    "leader",
    "team",
    "note",
]


class CampaignForm(ResourceForm):
    class Meta:
        model = Campaign
        fields = CAMPAIGN_FIELDS
        widgets = {
            "scope": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "start_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "handover_deadline": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "handed_over_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        }

    def save_via_service(self, acting_user):
        data = {n: self.cleaned_data[n] for n in CAMPAIGN_FIELDS if n in self.cleaned_data}
        m2m = {"team": data.pop("team")} if "team" in data else None
        if self.instance.pk:
            return services.campaign_update(
                self.instance,
                data=data,
                acting_user=acting_user,
                expected_version=self.cleaned_data.get("version"),
                m2m=m2m,
            )
        return services.campaign_create(
            town=self.town(), data=data, acting_user=acting_user, m2m=m2m
        )


class AdvanceForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("阶段"), choices=[(k, Stage(k).label) for k in rules.STAGE_KEYS]
    )
    on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs=DATE))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StepForm(forms.Form):
    duration = forms.IntegerField(label=_("工期"), min_value=1, max_value=3650)
    actual_start = forms.DateField(
        label=_("实际开始"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    actual_finish = forms.DateField(
        label=_("实际完成"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ContactForm(forms.Form):
    contacted_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs=DATE))
    who = forms.CharField(label=_("接谈人"), max_length=60)
    said = forms.CharField(label=_("谈话内容"), widget=forms.Textarea(attrs={"rows": 2}))
    next_step = forms.CharField(label=_("下一步"), max_length=200, required=False)


class MapUploadForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    file = forms.FileField(label=_("村界底图文件（经纬度坐标）"))


DISPUTE_FIELDS = [
    "household",
    "kind",
    "raised_on",
    "summary",
    "status",
    "resolved_on",
    "resolution",
]


class DisputeForm(ResourceForm):
    class Meta:
        model = Dispute
        fields = DISPUTE_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "resolution": forms.Textarea(attrs={"rows": 2}),
            "raised_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "resolved_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        }


HEARING_FIELDS = [
    "campaign",
    "village",
    "group",
    "household",
    "applicant",
    "requested_on",
    "held_on",
    "outcome",
]


class HearingForm(ResourceForm):
    class Meta:
        model = Hearing
        fields = HEARING_FIELDS
        widgets = {
            "outcome": forms.Textarea(attrs={"rows": 2}),
            "requested_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "held_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        }
