"""People named in ledgers before they have an account.

An import keeps a 包保领导 without an account as text beside the foreign key (`leader_name`
beside `leader`, found by `Ledger.person_text_attr`) and reports a warning. When an account
with that name appears — created, or renamed to it — `link_named_records` points those records
at it (through the bulk write service, so the change log shows the link, source "system")."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from zhenwu.core.actor import Source


def person_fields() -> list[tuple[type, str, str]]:
    """(model, foreign key, text field) for every ledger column that may name a person."""
    from zhenwu.core.ledgers import all_ledgers
    from zhenwu.core.models import User

    out = []
    for ledger_cls in all_ledgers().values():
        ledger = ledger_cls.__new__(ledger_cls)  # declarations only
        for c in ledger_cls.columns:
            if c.kind != "fk":
                continue
            f = _field(ledger_cls.model, c.attr)
            if f is None or f.related_model is not User:
                continue
            text = ledger.person_text_attr(c)
            if text and (ledger_cls.model, c.attr, text) not in out:
                out.append((ledger_cls.model, c.attr, text))
    return out


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


def link_named_records(user, *, acting_user=None) -> int:
    """Point the records of the user's town that name them (by full name or user name) and
    have no linked person at the user. Returns how many records were linked."""
    from zhenwu.core.bulk import bulk_save

    if not user.is_active or user.town_id is None:
        return 0
    names = {n.strip() for n in (user.full_name, user.username) if n and n.strip()}
    linked = 0
    for model, fk, text in person_fields():
        qs = model.objects.filter(
            town_id=user.town_id, **{f"{fk}__isnull": True, f"{text}__in": names}
        )
        objs = list(qs)
        if not objs:
            continue
        for obj in objs:
            setattr(obj, fk, user)
            setattr(obj, text, "")
        bulk_save(
            model,
            update=[(obj, [fk, text]) for obj in objs],
            acting_user=acting_user,
            source=Source.SYSTEM,
        )
        linked += len(objs)
    return linked


_NAME_FIELDS = {"full_name", "username", "is_active", "town", "town_id"}


@receiver(post_save, dispatch_uid="zhenwu.people.link_on_user_save")
def _link_on_user_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    """On a new account, or a save that may change its name (not a login's last_login)."""
    from zhenwu.core.models import User

    if raw or sender is not User:
        return
    if update_fields is not None and not (set(update_fields) & _NAME_FIELDS):
        return
    link_named_records(instance)
