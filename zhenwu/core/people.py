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
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zhenwu.core import scoping
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
        label = str(model._meta.get_field(field_name).verbose_name)
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
