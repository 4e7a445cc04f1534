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


def source_text(label) -> str:
    """`label` (a lazy label, or a plain string) as declared, whatever language is active."""
    if isinstance(label, str):
        return label
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)


def in_source_language(func):
    """Run `func` with the source language active (a ledger's import, export, template)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return func(*args, **kwargs)

    return wrapper
