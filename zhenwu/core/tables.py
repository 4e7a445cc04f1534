"""Table and detail rendering from a resource declaration: labels from verbose names, choice
labels, related objects as links, personal numbers masked unless the user may see them."""

from __future__ import annotations

import datetime
import decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext

from zhenwu.core.idnumbers import mask_phone, mask_resident_id
from zhenwu.core.registry import url_for


def may_see_personal(user) -> bool:
    """Who reads personal numbers (resident IDs, phones) in full: a superuser, and an account
    an administrator has given 可查看完整证件号. Everyone else — the record's editor included —
    reads them masked through every door (docs/architecture.md "Personal numbers")."""
    return bool(user and (user.is_superuser or getattr(user, "can_see_personal_numbers", False)))


_resources_loaded = False


def _load_resources() -> None:
    """Every app's `resources` module, so the registry is whole even before the URLconf has
    been imported (a shell, a command, a test): a personal field must never go unmasked
    because its Resource was not registered yet."""
    global _resources_loaded
    if not _resources_loaded:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("resources")
        _resources_loaded = True


def personal_fields_of(model) -> frozenset[str]:
    """The personal fields of a model: its Resource's `personal_fields`, and for models
    without a Resource (the User account) the model's own `personal_fields`."""
    from zhenwu.core.registry import resource_for

    _load_resources()
    resource = resource_for(model)
    declared = set(getattr(model, "personal_fields", ()) or ())
    if resource is not None:
        declared.update(resource.personal_fields)
    return frozenset(declared)


def mask(value: str, kind: str) -> str:
    if not value:
        return value
    return mask_phone(value) if kind == "phone" else mask_resident_id(value)


def personal_kind(field_name: str) -> str:
    return "phone" if "phone" in field_name or "mobile" in field_name else "id"


def field_of(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def label_of(model, name) -> str:
    f = field_of(model, name)
    if f is not None:
        return gettext(str(getattr(f, "verbose_name", name)))
    attr = getattr(model, name, None)
    return str(
        getattr(attr, "short_description", None)
        or getattr(getattr(attr, "fget", None), "short_description", name)
    )


def display_value(obj, name, user=None, personal=()):
    """(text, url) for one field of one object, formatted for people."""
    f = field_of(obj.__class__, name)
    if f is not None and f.choices and not f.many_to_many:
        return gettext(str(getattr(obj, f"get_{name}_display")())), None
    value = getattr(obj, name, None)
    if callable(value) and not isinstance(value, models.Manager):
        value = value()
    if f is not None and f.many_to_many:
        items = list(value.all())
        return "、".join(str(i) for i in items), None
    if name in personal and not may_see_personal(user):
        return mask(str(value or ""), personal_kind(name)), None
    if isinstance(value, models.Model):
        return str(value), url_for(value)
    return format_value(value), None


def format_value(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return formats.date_format(value.astimezone() if value.tzinfo else value, "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
        return text
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value) or "—"
    return str(value)


class Table:
    def __init__(self, resource, user, rows=(), sort: str = ""):
        self.resource = resource
        self.user = user
        self.rows = rows
        self.sort = sort
        self.model = resource.model

    def sortable_names(self) -> set[str]:
        if self.resource.sortable is not None:
            return set(self.resource.sortable)
        names = set()
        for name in self.resource.list_columns:
            f = field_of(self.model, name)
            if f is not None and f.concrete and not f.many_to_many:
                names.add(name)
        return names

    def headers(self):
        sortable = self.sortable_names()
        out = []
        for name in self.resource.list_columns:
            current = self.sort.lstrip("-") == name
            descending = current and self.sort.startswith("-")
            out.append(
                {
                    "name": name,
                    "label": label_of(self.model, name),
                    "sortable": name in sortable,
                    "current": current,
                    "descending": descending,
                    "next_sort": (name if descending or not current else f"-{name}"),
                }
            )
        return out

    def body(self):
        personal = self.resource.personal_fields
        for obj in self.rows:
            cells = []
            for i, name in enumerate(self.resource.list_columns):
                text, url = display_value(obj, name, self.user, personal)
                if i == 0:
                    url = url_for(obj)
                cells.append(format_html('<a href="{}">{}</a>', url, text) if url else text)
            yield obj, cells


def detail_rows(resource, obj, user):
    names = resource.detail_fields or resource.form_fields or resource.list_columns
    rows = []
    for name in names:
        text, url = display_value(obj, name, user, resource.personal_fields)
        rows.append(
            (
                label_of(obj.__class__, name),
                format_html('<a href="{}">{}</a>', url, text) if url else text,
            )
        )
    return rows
