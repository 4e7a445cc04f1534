"""The change log: every create, update, delete and restore of every change-logged model,
from any door (UI, API, import, admin, shell), with before and after.

Recorded from model signals (as NetBox does) so that no path can write without a trace;
`QuerySet.update()` bypasses signals, so domain code never uses it on logged models
(bulk paths call `log_bulk_create` themselves).
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from zhenwu.core.actor import current_actor
from zhenwu.core.base import ChangeLoggedModel


def _secret(value) -> str:
    """A secret field is logged as a short fingerprint: a change shows, the value does not."""
    if not value:
        return ""
    return "已设置·" + hashlib.sha256(str(value).encode()).hexdigest()[:6]


def _jsonable(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, decimal.Decimal):
        # Plain notation ("120", "123.4"), never "1.2E+2".
        return format(value.normalize(), "f")
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def snapshot_values(instance) -> dict:
    """The record's concrete field values keyed by attname (FKs as ids), JSON-ready."""
    data = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if field.name in instance.changelog_secret_fields:
            value = _secret(value)
        data[field.attname] = _jsonable(value)
    return data


def _loaded_snapshot(instance) -> dict | None:
    """The values the instance was loaded with (already Python values), JSON-ready."""
    loaded = getattr(instance, "_loaded_values", None)
    if loaded is None:
        return None
    data = {}
    for field in instance._meta.concrete_fields:
        if field.attname not in loaded:
            continue
        value = loaded[field.attname]
        if field.name in instance.changelog_secret_fields:
            value = _secret(value)
        data[field.attname] = _jsonable(value)
    return data


def _village_id(instance):
    path = getattr(instance, "village_path", None)
    if path and "__" not in path and hasattr(instance, f"{path}_id"):
        return getattr(instance, f"{path}_id")  # one step away: no query
    if hasattr(instance, "village_of") and path:
        village = instance.village_of()
        return village.pk if village is not None else None
    if instance.__class__.__name__ == "Village":
        return instance.pk
    return None


def _entry(instance, action: str, before, after, changed, actor=None):
    """An unsaved ObjectChange for one write, attributed to the current actor."""
    from zhenwu.core.models import ObjectChange

    actor = actor or current_actor()
    user = actor.user if getattr(actor.user, "pk", None) else None
    return ObjectChange(
        user=user,
        user_name=(user.display_name if user else "") or "",
        source=actor.source,
        request_id=actor.request_id,
        action=action,
        content_type=ContentType.objects.get_for_model(instance.__class__),
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        town_id=getattr(instance, "town_id", None),
        village_id=_village_id(instance),
        before=before,
        after=after,
        changed_fields=changed,
    )


def record(instance, action: str, before: dict | None, after: dict | None, changed: list[str]):
    entry = _entry(instance, action, before, after, changed)
    entry.save()
    return entry


def log_bulk_create(instances) -> None:
    """For bulk paths (imports) that bypass signals: one 'create' entry per new row, in bulk."""
    from zhenwu.core.models import ObjectChange

    actor = current_actor()
    rows = [_entry(i, "create", None, snapshot_values(i), [], actor) for i in instances]
    ObjectChange.objects.bulk_create(rows, batch_size=1000)


@receiver(post_save)
def _on_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, ChangeLoggedModel):
        return
    after = snapshot_values(instance)
    if created:
        record(instance, "create", None, after, [])
    else:
        before = _loaded_snapshot(instance)
        ignore = set(instance.changelog_ignore_fields)
        if before is None:
            changed = [k for k in after if k not in ignore]
        else:
            changed = [
                k for k in after if k not in ignore and k in before and before[k] != after[k]
            ]
        if changed:
            action = "update"
            if "is_deleted" in changed:
                action = "delete" if after.get("is_deleted") else "restore"
            record(instance, action, before, after, changed)
    # The saved values become the new "loaded" state, so a second save logs only its own diff.
    instance._loaded_values = {
        f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields
    }


@receiver(post_delete)
def _on_delete(sender, instance, **kwargs):
    if not isinstance(instance, ChangeLoggedModel):
        return
    before = snapshot_values(instance)
    record(instance, "purge" if hasattr(instance, "is_deleted") else "delete", before, None, [])
