"""Forms of the inspections module: each saves through the module's services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenwu.core import services as core
from zhenwu.core.forms import ResourceForm
from zhenwu.core.models import Role, User
from zhenwu.inspections import services
from zhenwu.inspections.models import (
    Checklist,
    ChecklistItem,
    ChecklistSection,
    Finding,
    Round,
)

ROUND_FIELDS = [
    "title",
    "kind",
    "starts_at",
    "ends_on",
    "checklist",
    "inspectors",
    "note",
    "revisit_from",
    "revisit_to",
]


class RoundForm(ResourceForm):
    """A new round draws its units and spots (`services.draw_round`); an edit changes the
    round's own fields."""

    class Meta:
        model = Round
        fields = ROUND_FIELDS
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "revisit_from": forms.DateInput(attrs={"type": "date"}),
            "revisit_to": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        town = self.town()
        self.fields["inspectors"].queryset = User.objects.filter(
            town=town, is_active=True, role__in=[Role.INSPECTOR, Role.STAFF, Role.ADMIN]
        )
        self.fields["checklist"].required = False
        if self.instance.pk:
            # The sheets were drawn and scored under this checklist: it is not swapped later.
            self.fields["checklist"].queryset = Checklist.objects.filter(town=town)
            self.fields["checklist"].disabled = True
            self.fields["checklist"].help_text = _("抽签后不能更换评分细则")
        else:
            self.fields["checklist"].queryset = Checklist.objects.filter(town=town, is_active=True)
            self.fields["checklist"].help_text = _(
                "留空则用本镇最新启用的细则；细则也决定抽查村数和每村点位数"
            )
        self.fields["ends_on"].required = False
        for name in ("revisit_from", "revisit_to"):
            self.fields[name].help_text = _("仅复查：复查这段时间内上传了整改照片的问题")
            if self.instance.pk:
                self.fields[name].disabled = True
        self.fields["revisit_from"].help_text += "；留空为上次复查之后（或开始前 30 天）起"
        self.fields["title"].required = False
        self.fields["title"].help_text = _(
            "留空则按日期自动命名；保存后系统随机抽取本轮检查的村和点位"
        )

    def clean(self):
        data = super().clean()
        start = data.get("starts_at")
        if start and not data.get("ends_on"):
            from django.utils import timezone

            data["ends_on"] = timezone.localtime(start).date()
        return data

    def _post_clean(self):
        # The checklist is chosen by the service on create.
        if not self.instance.pk and not self.cleaned_data.get("checklist"):
            self.instance.checklist = services.default_checklist(self.town())
        super()._post_clean()

    def save_via_service(self, acting_user):
        d = self.cleaned_data
        if self.instance.pk:
            data = {n: d[n] for n in ROUND_FIELDS if n in d and n != "inspectors"}
            for fixed in ("checklist", "revisit_from", "revisit_to"):
                data.pop(fixed, None)
            return core.update_object(
                self.instance,
                data=data,
                acting_user=acting_user,
                expected_version=d.get("version"),
                m2m={"inspectors": list(d.get("inspectors") or [])},
            )
        return services.draw_round(
            town=self.town(),
            starts_at=d["starts_at"],
            kind=d["kind"],
            title=d.get("title") or "",
            inspectors=list(d.get("inspectors") or []),
            ends_on=d.get("ends_on"),
            checklist=d.get("checklist"),
            note=d.get("note") or "",
            revisit_from=d.get("revisit_from"),
            revisit_to=d.get("revisit_to"),
            acting_user=acting_user,
        )


class FindingForm(ResourceForm):
    class Meta:
        model = Finding
        fields = ["count", "note", "responsible", "deadline"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"})}

    def save_via_service(self, acting_user):
        d = self.cleaned_data
        return services.update_finding(
            self.instance,
            data={n: d[n] for n in ("count", "note", "responsible", "deadline") if n in d},
            acting_user=acting_user,
            expected_version=d.get("version"),
        )


class _ParseOnly(forms.ModelForm):
    """Parses and checks the fields; the model's own validation runs in the service (which
    knows the parent row and the town), whose errors the view shows."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "order" in self.fields:
            self.fields["order"].required = False

    def clean(self):
        data = super().clean()
        if data.get("order") is None:
            data.pop("order", None)  # left empty: the model's default (0), or kept on edit
        return data

    def _post_clean(self):
        pass


class ChecklistRulesForm(_ParseOnly):
    class Meta:
        model = Checklist
        fields = list(services.RULE_FIELDS)
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if select else ("form-control form-control-sm")
            )


class SectionForm(_ParseOnly):
    class Meta:
        model = ChecklistSection
        fields = list(services.SECTION_FIELDS)


class ItemForm(_ParseOnly):
    class Meta:
        model = ChecklistItem
        fields = list(services.ITEM_FIELDS)
