"""Writes of the 强特色 half. Each takes `acting_user`, is atomic, validates with `full_clean()`
(the rules in `rules_bases`) and lands in the change log (the shared write services)."""

from __future__ import annotations

from django.db import transaction

from zhenwu.agriculture import rules_bases as rules
from zhenwu.agriculture.models import Base, Season
from zhenwu.core import services

BASE_M2M = ("other_villages",)
SEASON_M2M = ("sales_channels", "workers")


def _split(data: dict, names) -> tuple[dict, dict]:
    values = dict(data)
    m2m = {k: values.pop(k) for k in names if k in values}
    return values, m2m


def _refresh_warning(base: Base) -> Base:
    """The stored warning over all the base's villages (the other villages are set only after
    the row is saved); a derived field, so it is written without a new version."""
    warning = rules.base_warning(base)
    if warning != base.warning:
        Base.all_objects.filter(pk=base.pk).update(warning=warning)
        base.warning = warning
    return base


def refresh_warnings(town) -> int:
    """Recompute every base's stored warning in the town — after the farmland on record
    changed under them (the plots are the other side of the comparison). Returns how many
    changed."""
    changed = 0
    for base in Base.objects.filter(town=town).select_related("village"):
        before = base.warning
        if _refresh_warning(base).warning != before:
            changed += 1
    return changed


@transaction.atomic
def base_create(*, town, data: dict, acting_user) -> Base:
    values, m2m = _split(data, BASE_M2M)
    base = services.create_object(Base, town=town, data=values, acting_user=acting_user, m2m=m2m)
    return _refresh_warning(base)


@transaction.atomic
def base_update(base: Base, *, data: dict, acting_user, expected_version=None) -> Base:
    values, m2m = _split(data, BASE_M2M)
    base = services.update_object(
        base, data=values, acting_user=acting_user, expected_version=expected_version, m2m=m2m
    )
    return _refresh_warning(base)


@transaction.atomic
def season_create(*, base: Base, data: dict, acting_user) -> Season:
    values, m2m = _split(data, SEASON_M2M)
    values["base"] = base
    return services.create_object(
        Season, town=base.town, data=values, acting_user=acting_user, m2m=m2m
    )


@transaction.atomic
def season_update(season: Season, *, data: dict, acting_user, expected_version=None) -> Season:
    values, m2m = _split(data, SEASON_M2M)
    return services.update_object(
        season, data=values, acting_user=acting_user, expected_version=expected_version, m2m=m2m
    )
