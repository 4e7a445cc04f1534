"""Table and detail rendering from a resource declaration: labels from verbose names, choice
labels, related objects as links, personal numbers masked unless the user may see them."""

from __future__ import annotations

import datetime
import decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext as _

from zhenwu.core import formats, fragments, lights
from zhenwu.core.idnumbers import mask_phone, mask_resident_id
from zhenwu.core.labels import source_text
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
        return str(getattr(f, "verbose_name", name))  # lazy: in the reader's language
    attr = getattr(model, name, None)
    return str(
        getattr(attr, "short_description", None)
        or getattr(getattr(attr, "fget", None), "short_description", name)
    )


def is_amount(model, name) -> bool:
    """An amount in 万元: the product shows it with separators, in 亿元 from 10,000 万元 on."""
    f = field_of(model, name)
    return isinstance(f, models.DecimalField) and "万元" in source_text(f.verbose_name)


def display_value(obj, name, user=None, personal=(), long_dates=False):
    """(text, url) for one field of one object, formatted for people (core.formats): dates
    compact in tables and long on detail pages, amounts in 万元/亿元, choices by their label."""
    f = field_of(obj.__class__, name)
    # A model says how a stored code reads for people with `get_<field>_display()` (Django's
    # own for choices; by hand for codes without choices: indicator keys, module lists …).
    describe = getattr(obj, f"get_{name}_display", None)
    if callable(describe) and not (f is not None and f.choices):
        return describe() or "—", None
    if is_amount(obj.__class__, name):
        value = getattr(obj, name, None)
        return (formats.amount(value) if value is not None else "—"), None
    if long_dates and isinstance(f, (models.DateField, models.DateTimeField)):
        value = getattr(obj, name, None)
        return (formats.date_long(value) if value else "—"), None
    if f is not None and f.choices and not f.many_to_many:
        return getattr(obj, f"get_{name}_display")(), None
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
    if isinstance(value, (datetime.datetime, datetime.date)):
        return formats.date_cell(value)
    if isinstance(value, decimal.Decimal):
        return formats.number(value)
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value) or "—"
    return str(value)


def header_label(model, name) -> str:
    """A column's header; amount cells carry their unit (万元/亿元), so the header drops it."""
    label = label_of(model, name)
    if is_amount(model, name):
        label = label.replace("（万元）", "").replace("(万元)", "")
    return label


STATUS_NAMES = ("light", "status", "stage", "state", "entry_status")


class CardLayout:
    """Which list columns a phone card shows (zhenwu/jinja2/core/object_cards.html): a title, a status
    (with its traffic light when the record has one), up to four fields and the amount. Each part
    comes from the resource (`card_title`, `card_status`, `card_fields`, `card_amount`) or, by
    default, from the list columns: the first is the title, the first status-like column the
    status, the first 万元 column the amount, and up to four of the rest the fields."""

    def __init__(self, resource):
        r, cols, model = resource, list(resource.list_columns), resource.model
        self.title = r.card_title or (cols[0] if cols else None)
        self.status = r.card_status or next(
            (c for c in cols if c in STATUS_NAMES or c.endswith("_status")), None
        )
        self.amount = r.card_amount or next((c for c in cols if is_amount(model, c)), None)
        used = {self.title, self.status, self.amount}
        if r.card_fields is not None:
            self.fields = list(r.card_fields)
        else:
            self.fields = [c for c in cols if c not in used and not is_amount(model, c)][:4]


def record_light(obj, status_value=None) -> str | None:
    """The record's traffic light if it has one (a `light` attribute or a light-valued status)."""
    value = getattr(obj, "light", None)
    if callable(value):
        value = value()
    if value in lights.LABELS:
        return value
    if status_value in lights.LABELS:
        return status_value
    return None


class Table:
    def __init__(self, resource, user, rows=(), sort: str = "", empty_text=None):
        self.resource = resource
        self.user = user
        self.rows = rows
        self.empty_text = empty_text or _("没有符合条件的记录")
        self.sort = sort
        self.model = resource.model
        self._values: dict = {}
        self._labels: dict = {}

    def sortable_names(self) -> set[str]:
        """The columns a reader may sort by: never a personal number the reader sees masked
        (the order of masked IDs would give away the hidden birth dates)."""
        if self.resource.sortable is not None:
            names = set(self.resource.sortable)
        else:
            names = set()
            for name in self.resource.list_columns:
                f = field_of(self.model, name)
                if f is not None and f.concrete and not f.many_to_many:
                    names.add(name)
        if not may_see_personal(self.user):
            names -= personal_fields_of(self.model)
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
                    "label": self.label(name),
                    "sortable": name in sortable,
                    "current": current,
                    "descending": descending,
                    "next_sort": (name if descending or not current else f"-{name}"),
                }
            )
        return out

    def value(self, obj, name) -> tuple[str, str | None]:
        """`display_value` of one cell, computed once per page: the table and the phone
        cards show the same rows."""
        key = (obj.pk, name)
        cell = self._values.get(key)
        if cell is None:
            cell = self._values[key] = display_value(
                obj, name, self.user, self.resource.personal_fields
            )
        return cell

    def label(self, name) -> str:
        label = self._labels.get(name)
        if label is None:
            label = self._labels[name] = header_label(self.model, name)
        return label

    def body(self):
        for obj in self.rows:
            cells = []
            for i, name in enumerate(self.resource.list_columns):
                text, url = self.value(obj, name)
                if i == 0:
                    url = url_for(obj)
                cells.append(format_html('<a href="{}">{}</a>', url, text) if url else text)
            yield obj, cells

    def rows_html(self):
        """The table's rows (`body`) as HTML, or one row saying there are none."""
        return fragments.render(
            "core/table_rows.html",
            rows=self.body(),
            colspan=len(self.resource.list_columns),
            empty=self.empty_text,
        )

    def cards_html(self):
        """The same rows as a phone's cards (`cards`) as HTML."""
        return fragments.render("core/object_cards.html", cards=self.cards(), empty=self.empty_text)

    def cards(self):
        """The same rows as cards for a phone: dicts of url, title, status, light, amount and
        (label, text) fields — personal numbers masked exactly as in the table."""
        layout = CardLayout(self.resource)
        for obj in self.rows:
            title = self.value(obj, layout.title)[0] if layout.title else str(obj)
            status = light = None
            if layout.status:
                status = self.value(obj, layout.status)[0]
                light = record_light(obj, getattr(obj, layout.status, None))
                if light and status in lights.LABELS:
                    status = lights.label(light)
            else:
                light = record_light(obj)
            fields = []
            for name in layout.fields:
                text, _url = self.value(obj, name)
                if text in ("", "—"):
                    continue
                fields.append((self.label(name), text))
            yield {
                "obj": obj,
                "url": url_for(obj),
                "title": title,
                "status": status,
                "light": light,
                "amount": self.value(obj, layout.amount)[0] if layout.amount else None,
                "amount_label": self.label(layout.amount) if layout.amount else "",
                "fields": fields,
            }


def detail_rows(resource, obj, user):
    names = resource.detail_fields or resource.form_fields or resource.list_columns
    rows = []
    for name in names:
        text, url = display_value(obj, name, user, resource.personal_fields, long_dates=True)
        rows.append(
            (
                header_label(obj.__class__, name),  # amounts carry their unit (万元/亿元)
                format_html('<a href="{}">{}</a>', url, text) if url else text,
            )
        )
    return rows
