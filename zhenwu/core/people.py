"""The one people-picker: who may be chosen as the person on a record.

Every door that lets a user name a person — the form's drop-down, the API's `*_id`, a ledger's
name cell — asks `eligible()`, so they agree. A person field offers the people who can hold that
role on a record of that town:

- 包保领导 (`LEADER`): the town's leaders (书记、镇长 …);
- 责任人 (`STAFF`): the town's department staff — of the record's department when it has one;
- everyone else (`MEMBER`: 包保干部、专班成员、承办人、填报人): any working account of the town
  (not the city/county viewers, who read only).

Always active accounts of the record's town only, and only people the choosing user may see
(`restrict()`). The person a record already names stays choosable on that record, so that
editing an old record whose person no longer fits does not force a change.

A model says which kind each person field is with `person_roles = {"field": KIND}`; without it
the kind follows the field's label (`KIND_BY_LABEL`).

People named in ledgers before they have an account: an import keeps a 包保领导 without an
account as text beside the foreign key (`leader_name` beside `leader`, found by
`Ledger.person_text_attr`) and reports a warning. When an account with that name appears —
created, or renamed to it — `link_named_records` points those records at it (through the bulk
write service, so the change log shows the link, source "system").
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.db.models.signals import post_save
from django.dispatch import receiver

from zhenwu.core import scoping
from zhenwu.core.actor import Source
from zhenwu.core.labels import source_text
from zhenwu.core.models import Role, User

LEADER = "leader"
STAFF = "staff"
MEMBER = "member"

KIND_BY_LABEL = {
    "包保领导": LEADER,
    "分管领导": LEADER,
    "责任人": STAFF,
}

KIND_LABELS = {LEADER: "领导", STAFF: "科室人员", MEMBER: "本镇在职人员"}


def kind_for(model, field_name: str) -> str:
    declared = getattr(model, "person_roles", None) or {}
    if field_name in declared:
        return declared[field_name]
    try:
        label = source_text(model._meta.get_field(field_name).verbose_name)
    except Exception:
        return MEMBER
    return KIND_BY_LABEL.get(label, MEMBER)


def eligible(user, kind: str = MEMBER, town=None, *, department=None, keep=None) -> QuerySet[User]:
    """The people `user` may choose for a person field of `kind` on a record of `town`
    (default: the user's town). `keep`: a user (or id, or list of them) the record names
    already, kept choosable."""
    town_id = getattr(town, "pk", town) if town is not None else getattr(user, "town_id", None)
    qs = scoping.restrict(User.objects.all(), user, scoping.VIEW)
    if town_id is None:
        return qs.none()
    people = Q(is_active=True, town_id=town_id) & ~Q(role=Role.VIEWER)
    if kind == LEADER:
        people &= Q(role=Role.LEADER)
    elif kind == STAFF:
        people &= Q(role=Role.STAFF)
        if department is not None:
            people &= Q(departments=department)
    kept = _ids(keep)
    if kept:
        people |= Q(pk__in=kept, town_id=town_id)
    return qs.filter(people).distinct().order_by("username")


def _ids(keep) -> list[int]:
    if keep is None:
        return []
    if not isinstance(keep, (list, tuple, set, QuerySet)):
        keep = [keep]
    return [getattr(k, "pk", k) for k in keep if k is not None]


def not_eligible_message(kind: str, value) -> str:
    return f"找不到可选的人员（{value}）：须为本镇在职的{KIND_LABELS.get(kind, '人员')}"


def pick(user, model, field_name: str, value, *, town=None, current=None, department=None):
    """The User with id (or User) `value` if `user` may choose them for `model.field_name`,
    else a ValidationError naming the field. None stays None."""
    from django.core.exceptions import ValidationError

    if value is None:
        return None
    pk = getattr(value, "pk", value)
    kind = kind_for(model, field_name)
    found = eligible(user, kind, town, department=department, keep=current).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field_name: not_eligible_message(kind, pk)})
    return found


def pick_many(user, model, field_name: str, values, *, town=None, current=None):
    """Several people for a many-to-many person field (专班成员)."""
    from django.core.exceptions import ValidationError

    wanted = {getattr(v, "pk", v) for v in values}
    kind = kind_for(model, field_name)
    found = list(eligible(user, kind, town, keep=current).filter(pk__in=wanted))
    missing = wanted - {u.pk for u in found}
    if missing:
        shown = "、".join(str(m) for m in sorted(missing))
        raise ValidationError({field_name: not_eligible_message(kind, shown)})
    return found


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
        # Keys first: most saves of an account find nothing to link, and loading these wide
        # records to learn that cost more than the rest of the save.
        ids = list(qs.values_list("pk", flat=True))
        if not ids:
            continue
        objs = list(model.objects.filter(pk__in=ids))
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
