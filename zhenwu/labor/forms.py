"""Forms of the labour module: each saves through the module's services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenwu.core import scoping
from zhenwu.core.forms import ResourceForm
from zhenwu.core.ledgers import MASK_CHAR
from zhenwu.core.tables import mask, may_see_personal
from zhenwu.labor import services
from zhenwu.labor.models import Attendance, Certificate, Enrollment, Placement, Worker

DATE = {"type": "date"}

WORKER_FIELDS = [
    "name",
    "resident_id",
    "village",
    "phone",
    "trade",
    "skill_level",
    "employment_status",
    "employer",
    "work_place",
    "destination",
    "income_band",
    "note",
]


class WorkerForm(ResourceForm):
    """Personal numbers stay masked in the form for users who may not see them; a masked
    value sent back keeps the stored number."""

    class Meta:
        model = Worker
        fields = WORKER_FIELDS
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident_id"].help_text = _(
            "18位公民身份号码；15位老证号会自动升为18位；性别、出生日期按号码自动判断"
        )
        if self.instance.pk and not may_see_personal(self.user):
            for name, kind in (("resident_id", "id"), ("phone", "phone")):
                self.initial[name] = mask(getattr(self.instance, name), kind)

    def _keep_masked(self, name):
        value = self.cleaned_data.get(name)
        if self.instance.pk and value and MASK_CHAR in value:
            return Worker.objects.get(pk=self.instance.pk).__dict__[name]
        return value

    def clean_resident_id(self):
        return self._keep_masked("resident_id")

    def clean_phone(self):
        return self._keep_masked("phone")

    def save_via_service(self, acting_user):
        data = {n: self.cleaned_data[n] for n in WORKER_FIELDS if n in self.cleaned_data}
        if self.instance.pk:
            return services.worker_update(
                self.instance,
                data=data,
                acting_user=acting_user,
                expected_version=self.cleaned_data.get("version"),
            )
        return services.worker_create(town=self.town(), data=data, acting_user=acting_user)


CERT_FIELDS = [
    "worker",
    "kind",
    "trade",
    "level",
    "number",
    "issuer",
    "issued_on",
    "expires_on",
    "exam",
]


class CertificateForm(ResourceForm):
    class Meta:
        model = Certificate
        fields = CERT_FIELDS
        widgets = {
            "issued_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "expires_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        }

    def save_via_service(self, acting_user):
        data = {n: self.cleaned_data[n] for n in CERT_FIELDS if n in self.cleaned_data}
        if self.instance.pk:
            from zhenwu.core import services as core

            return core.update_object(
                self.instance,
                data=data,
                acting_user=acting_user,
                expected_version=self.cleaned_data.get("version"),
            )
        worker = data.pop("worker")
        exam = data.pop("exam", None)
        return services.certify(worker=worker, exam=exam, data=data, acting_user=acting_user)


PLACEMENT_FIELDS = [
    "worker",
    "enterprise",
    "employer",
    "project",
    "place",
    "destination",
    "start_date",
    "end_date",
    "wage_band",
    "note",
]


class PlacementForm(ResourceForm):
    class Meta:
        model = Placement
        fields = PLACEMENT_FIELDS
        widgets = {
            "start_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        }

    def save_via_service(self, acting_user):
        data = {n: self.cleaned_data[n] for n in PLACEMENT_FIELDS if n in self.cleaned_data}
        if self.instance.pk:
            return services.update_placement(
                self.instance,
                data=data,
                acting_user=acting_user,
                expected_version=self.cleaned_data.get("version"),
            )
        worker = data.pop("worker")
        return services.record_placement(worker=worker, data=data, acting_user=acting_user)


class EnrollForm(forms.Form):
    """On a session's page: add a trainee by resident ID or exact name."""

    who = forms.CharField(
        label=_("学员（身份证号码或姓名）"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "autocomplete": "off"}
        ),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_who(self):
        from zhenwu.labor.rules import check_resident_id

        text = self.cleaned_data["who"].strip()
        qs = scoping.restrict(Worker.objects.all(), self.user)
        check = check_resident_id(text)
        if check.valid:
            found = list(qs.filter(resident_id=check.normalized)[:2])
        else:
            found = list(qs.filter(name=text)[:2])
        if not found:
            raise forms.ValidationError(f"找不到务工人员「{text}」，请先在务工人员名册中登记。")
        if len(found) > 1:
            raise forms.ValidationError(f"有多人名为「{text}」，请填写身份证号码。")
        return found[0]


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(label=_("出勤"), choices=Attendance.choices)


class CertifyForm(forms.Form):
    exam = forms.ModelChoiceField(label=_("考核"), queryset=None, required=True)
    number = forms.CharField(label=_("证书编号"), max_length=50)

    def __init__(self, *args, exams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exam"].queryset = exams
        self.fields["exam"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["number"].widget.attrs["class"] = "form-control form-control-sm"


class EnrollmentForm(ResourceForm):
    class Meta:
        model = Enrollment
        fields = ["session", "worker", "attendance", "hours_attended", "note"]
