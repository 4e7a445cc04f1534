"""Rules every text field of every model obeys, whatever door the value came through (form,
API, import, admin, shell): checked once, before any save, by a `pre_save` receiver."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save

OUR_APPS = {
    "core",
    "plan",
    "investment",
    "enterprises",
    "projects",
    "labor",
    "inspections",
    "land",
    "agriculture",
}


def nul_free(sender, instance, raw=False, **kwargs) -> None:
    """Refuse NUL characters in any text field: PostgreSQL cannot store them (a 500 there),
    SQLite stores them silently and they then break exports and searches."""
    if raw or sender._meta.app_label not in OUR_APPS:
        return
    errors = {}
    for field in sender._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname, None)
        if isinstance(value, str) and "\x00" in value:
            errors[field.name] = f"「{field.verbose_name}」不能包含空字符（NUL）"
    if errors:
        raise ValidationError(errors)


def connect() -> None:
    pre_save.connect(nul_free, dispatch_uid="zhenwu-nul-free")
