"""Forms shared by every model: a ModelForm that knows its user (related choices pass through
the scoping gate), carries the record's version (optimistic concurrency) and saves through the
generic services; and list filters built from the resource declaration."""

from __future__ import annotations

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhenwu.core import scoping, services
from zhenwu.core.base import TownScopedModel
from zhenwu.core.models import Town, User, Village

WIDGETS = {
    models.DateField: lambda: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    models.TextField: lambda: forms.Textarea(attrs={"rows": 3}),
}


class ResourceForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, resource=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.resource = resource
        self.warnings: list[str] = []
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self._mask_personal_numbers()
        for name, field in self.fields.items():
            self._scope_choices(name, field)
            translate_field(field)
            blank_choice_label(field)
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            if isinstance(widget, forms.SelectMultiple):
                css = "form-select"
                widget.attrs.setdefault("size", 6)
            if isinstance(widget, forms.CheckboxSelectMultiple):
                css = "form-check-input"
            widget.attrs.setdefault("class", css)

    def _scope_choices(self, name, field):
        if not isinstance(field, forms.ModelChoiceField):
            return
        model = field.queryset.model
        if model is Village:
            field.queryset = scoping.allowed_villages(self.user)
        elif model is User:
            field.queryset = self.people_for(name)
        elif model is Town or issubclass(model, TownScopedModel):
            field.queryset = scoping.restrict(field.queryset, self.user)

    def people_for(self, name):
        """Who may be chosen for the person field `name` (`core.people`): the kind the field
        holds, of the record's town, keeping whom the record names already."""
        from zhenwu.core import people

        model = self._meta.model
        current = None
        if self.instance.pk:
            f = model._meta.get_field(name)
            if f.many_to_many:
                current = list(getattr(self.instance, name).values_list("pk", flat=True))
            else:
                current = getattr(self.instance, f.attname, None)
        town = (
            self.instance.town_id
            if self.instance.pk and hasattr(self.instance, "town_id")
            else None
        )
        department = getattr(self.instance, "department", None) if self.instance.pk else None
        return people.eligible(
            self.user,
            people.kind_for(model, name),
            town,
            keep=current,
            department=department if isinstance(department, models.Model) else None,
        )

    def _mask_personal_numbers(self):
        mask_personal_numbers(self, self.user)

    def clean(self):
        return keep_masked_numbers(self, super().clean())

    @classmethod
    def for_resource(cls, resource):
        model = resource.model
        widgets = {}
        for name in resource.form_fields:
            try:
                f = model._meta.get_field(name)
            except Exception:
                continue
            for ftype, factory in WIDGETS.items():
                if isinstance(f, ftype):
                    widgets[name] = factory()
        return forms.modelform_factory(
            model, form=cls, fields=resource.form_fields, widgets=widgets
        )

    def town(self):
        if self.instance.pk:
            return self.instance.town
        return self.user.town

    def save_via_service(self, acting_user):
        """Create or update through the generic services; modules override for domain rules."""
        data = {}
        m2m = {}
        for name in self._meta.fields:
            if name not in self.cleaned_data:
                continue
            f = self.instance._meta.get_field(name)
            if f.many_to_many:
                m2m[name] = self.cleaned_data[name]
            else:
                data[name] = self.cleaned_data[name]
        if self.instance.pk:
            return services.update_object(
                self.instance,
                data=data,
                acting_user=acting_user,
                expected_version=self.cleaned_data.get("version"),
                m2m=m2m,
            )
        return services.create_object(
            self._meta.model, town=self.town(), data=data, acting_user=acting_user, m2m=m2m
        )

    def _post_clean(self):
        # The town is set by the service; make full_clean's unique checks see it on create.
        if not self.instance.pk and self.user is not None and self.user.town_id:
            self.instance.town_id = self.user.town_id
        super()._post_clean()


def mask_personal_numbers(form, user) -> None:
    """The edit form is a door like any other: a user without the permission sees the stored
    personal numbers masked (`138****5678`); sending the masked value back keeps the stored
    number, typing a new one replaces it (`keep_masked_numbers`). What they type is echoed
    back only on the same form when it is shown again with errors (docs/architecture.md
    "Personal numbers")."""
    from zhenwu.core.tables import mask, may_see_personal, personal_fields_of, personal_kind

    form._masked = {}
    if not form.instance.pk or may_see_personal(user):
        return
    for name in personal_fields_of(form._meta.model):
        if name not in form.fields:
            continue
        stored = getattr(form.instance, name, "") or ""
        if not stored:
            continue
        masked = mask(stored, personal_kind(name))
        form._masked[name] = (masked, stored)
        form.initial[name] = masked
        form.fields[name].help_text = _("已打码显示；不修改则保留原号码，重新输入即替换")


def keep_masked_numbers(form, data: dict) -> dict:
    """A masked number sent back unchanged keeps the stored one."""
    for name, (masked, stored) in getattr(form, "_masked", {}).items():
        if (data.get(name) or "").strip() == masked:
            data[name] = stored
    return data


def translate_field(field) -> None:
    """Labels from the model (field names, help texts, choice labels) are lazy and render in
    the user's language by themselves. A label a form gives as a plain string (a form's own
    extra field, a choice label composed in code) is looked up in the catalogue here."""
    if isinstance(field.label, str) and field.label:
        field.label = gettext(field.label)
    if isinstance(field.help_text, str) and field.help_text:
        field.help_text = gettext(field.help_text)
    choices = getattr(field, "choices", None)
    if choices and not isinstance(field, forms.ModelChoiceField):
        field.choices = [(v, gettext(lbl) if isinstance(lbl, str) else lbl) for v, lbl in choices]


BLANK = _("（请选择）")


def blank_choice_label(field) -> None:
    """A form's empty choice reads （请选择）, not Django's "---------"."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label is not None:
            field.empty_label = BLANK
        return
    choices = getattr(field, "choices", None)
    if choices and isinstance(field, forms.ChoiceField):
        field.choices = [
            (v, BLANK if v in ("", None) and str(lbl).startswith("---") else lbl)
            for v, lbl in choices
        ]


def build_filterset(resource, data, queryset, user):
    """A django-filter FilterSet from `resource.filter_fields` (or the resource's own class)."""
    if resource.filterset_class is not None:
        fs = resource.filterset_class(data or None, queryset=queryset, request=None)
        for field in fs.form.fields.values():
            clean_filter_choices(field)
        return fs
    meta = type("Meta", (), {"model": resource.model, "fields": resource.filter_fields})
    fs_class = type(
        f"{resource.model.__name__}FilterSet", (django_filters.FilterSet,), {"Meta": meta}
    )
    fs = fs_class(data or None, queryset=queryset)
    for name, flt in fs.filters.items():
        field = fs.form.fields.get(name)
        if isinstance(flt, django_filters.ModelChoiceFilter) and field is not None:
            if field.queryset.model is Village:
                field.queryset = scoping.restrict(Village.objects.all(), user)
            elif issubclass(field.queryset.model, TownScopedModel):
                field.queryset = scoping.restrict(field.queryset, user)
            elif field.queryset.model is User and user.town_id:
                field.queryset = field.queryset.filter(town_id=user.town_id)
        if field is not None:
            translate_field(field)
            field.widget.attrs.setdefault(
                "class",
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm",
            )
            field.required = False
            clean_filter_choices(field)
    return fs


ALL = _("全部")
BOOLEAN_FILTER_CHOICES = (("", ALL), ("true", _("是")), ("false", _("否")))


def clean_filter_choices(field) -> None:
    """A filter offers 全部 once, then the real choices: no second "---------" from a blank
    model choice, and no 未知 (unknown) default on yes/no filters (issue 10 item 9)."""
    if isinstance(field, forms.ModelChoiceField):
        field.empty_label = ALL
        return
    if isinstance(field, forms.NullBooleanField) or isinstance(
        field.widget, forms.NullBooleanSelect
    ):
        field.widget = forms.Select(
            choices=BOOLEAN_FILTER_CHOICES,
            attrs=field.widget.attrs,
        )
        return
    choices = getattr(field, "choices", None)
    if choices and isinstance(field, forms.ChoiceField):
        real = [(v, lbl) for v, lbl in choices if v not in ("", None)]
        if hasattr(field, "empty_label"):  # django-filter adds its empty choice when rendering
            field.empty_label = ALL
            field.choices = real
        else:
            field.choices = [("", ALL), *real]
