"""Writes of the 强特色 half. Each takes `acting_user`, is atomic, validates with `full_clean()`
(the rules in `rules_bases`) and lands in the change log (the shared write services)."""

from __future__ import annotations

from contextlib import nullcontext

from django.db import transaction
from django.db.models import Q

from zhenwu.agriculture import rules_bases as rules
from zhenwu.agriculture.models import Base, Season
from zhenwu.core import services

BASE_M2M = ("other_villages",)
SEASON_M2M = ("sales_channels", "workers")


def _split(data: dict, names) -> tuple[dict, dict]:
    values = dict(data)
    m2m = {k: values.pop(k) for k in names if k in values}
    return values, m2m


def _refresh_warning(base: Base, acting_user=None) -> Base:
    """Store the base's warning as it stands now (over all its villages: the other villages
    are set only after the row is saved). A derived field: saved alone, without a new version
    (an editor holding the base's form is not made stale by a plot edited elsewhere; their save
    recomputes the warning anyway), but through `save()`, so the change log records it,
    attributed to whoever's write changed it."""
    warning = rules.base_warning(base)
    if warning != base.warning:
        base.warning = warning
        with services.attributed(acting_user) if acting_user else nullcontext():
            base.save(update_fields=["warning", "updated_at"])
    return base


@transaction.atomic
def refresh_warnings(town, *, villages=None, acting_user=None) -> int:
    """Recompute the stored warnings of the town's bases — of those touching `villages` (ids;
    as main or other village) when given — after the farmland on record changed under them
    (the plots are the other side of the comparison). Returns how many changed."""
    bases = Base.objects.filter(town=town).select_related("village")
    if villages is not None:
        ids = [v for v in villages if v is not None]
        if not ids:
            return 0
        bases = bases.filter(Q(village_id__in=ids) | Q(other_villages__in=ids)).distinct()
    changed = 0
    farmland: dict = {}  # village id → its farmland, summed once for all these bases
    for base in bases.order_by("pk"):
        before = base.warning
        base._farmland_by_village = farmland
        if _refresh_warning(base, acting_user).warning != before:
            changed += 1
    return changed


# --- plots: the other side of the comparison ----------------------------------------------
#
# Why receivers, not a call in each door: a plot is written by the generic doors — the form,
# the API (create, PATCH, DELETE), the recycle bin's restore, the admin, the shell — which call
# the platform's services (`core.services`) directly, with no module hook for a delete or a
# restore. A receiver on the plot's save is the one place no such door skips (the reason the
# change log itself is kept by receivers, docs/architecture.md). The warning stays a stored
# field, not computed on read, because the pages, the API, the export and the dashboard read it
# as a column, and its history (when a base began to exceed its farmland) belongs in the log.
# A bulk write of plots (`bulk_create`/`bulk_update`, no ledger does it today) would have to
# call `refresh_warnings(town, villages=…)` itself.


def plot_before_save(sender, instance, raw=False, **kwargs):
    """Remember which villages' farmland this save changes (the plot's village before and
    after, when its area, village or deletion changes — or any new plot's village)."""
    if raw:
        return
    loaded = getattr(instance, "_loaded_values", None)
    if loaded is None or instance._state.adding:
        instance._farmland_touched = {instance.village_id}
        return
    moved = any(
        loaded.get(name, value) != value
        for name, value in (
            ("village_id", instance.village_id),
            ("area_mu", instance.area_mu),
            ("is_deleted", instance.is_deleted),
        )
    )
    instance._farmland_touched = {loaded.get("village_id"), instance.village_id} if moved else set()


def plot_after_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    touched = instance.__dict__.pop("_farmland_touched", {instance.village_id})
    if touched:
        refresh_warnings(instance.town_id, villages=touched)


def plot_after_delete(sender, instance, **kwargs):
    refresh_warnings(instance.town_id, villages={instance.village_id})


@transaction.atomic
def base_create(*, town, data: dict, acting_user) -> Base:
    values, m2m = _split(data, BASE_M2M)
    base = services.create_object(Base, town=town, data=values, acting_user=acting_user, m2m=m2m)
    return _refresh_warning(base, acting_user)


@transaction.atomic
def base_update(base: Base, *, data: dict, acting_user, expected_version=None) -> Base:
    values, m2m = _split(data, BASE_M2M)
    base = services.update_object(
        base, data=values, acting_user=acting_user, expected_version=expected_version, m2m=m2m
    )
    return _refresh_warning(base, acting_user)


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
