"""Labels are translated where they are declared: model and field names, help texts, choice
labels, navigation entries are `gettext_lazy` strings, and a page renders them in the reader's
language. The data doors do not follow the reader: ledger headers and choice words, exported
files, import templates and the rules that look a label up (`core.people.kind_for`) speak the
source language (Chinese, `LANGUAGE_CODE`) whoever asks, as they did when labels were plain
strings. `source_text` gives one label in it; `in_source_language` runs a whole door in it."""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils import translation
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy

# The class of a `gettext_lazy(...)` label: it keeps the declared text as its one argument.
_LAZY_LABEL = type(gettext_lazy(""))


def source_text(label) -> str:
    """`label` (a lazy label, or a plain string) as declared, whatever language is active."""
    if isinstance(label, str):
        return label
    if type(label) is _LAZY_LABEL and len(label._args) == 1:
        return label._args[0]  # the declared text itself: no language switch per call
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)


def in_source_language(func):
    """Run `func` with the source language active (a ledger's import, export, template)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return func(*args, **kwargs)

    return wrapper


def _choice_display(self, field):
    """`get_<field>_display()` from a {value: text} table built once per field and language.
    Django's own builds `dict(make_hashable(field.flatchoices))` on every call, which hashes —
    so translates — every lazy choice label of the field to show one: with lazy labels that was
    most of a list page's time (50 rows × 20 columns × every choice). The labels are translated
    when the table is built, not at each call (an import naming 14,000 checklist items in its
    change log spent 0.6 s translating the same seven labels)."""
    key = (field, translation.get_language())
    table = _CHOICE_TABLES.get(key)
    if table is None:
        table = {
            make_hashable(value): force_str(label, strings_only=True)
            for value, label in field.flatchoices
        }
        if not isinstance(field.choices, CallableChoiceIterator):  # fixed choices: keep
            _CHOICE_TABLES[key] = table
    value = getattr(self, field.attname)
    return force_str(table.get(make_hashable(value), value), strings_only=True)


_CHOICE_TABLES: dict = {}


def install_choice_display(models) -> int:
    """Give each model field with choices the table-driven `get_<field>_display` (unless the
    model wrote its own). Called once from `CoreConfig.ready`; returns how many it replaced."""
    from functools import partialmethod

    from django.db.models import Model

    replaced = 0
    for model in models:
        for field in model._meta.fields:
            if not field.choices:
                continue
            name = f"get_{field.name}_display"
            current = model.__dict__.get(name)
            if isinstance(current, partialmethod) and current.func is Model._get_FIELD_display:
                setattr(model, name, partialmethod(_choice_display, field=field))
                replaced += 1
    return replaced
