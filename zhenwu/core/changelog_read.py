"""Reading the change log: who sees which entry, and how an entry reads to them.

Visibility — an entry is visible exactly when its record is:

- An entry (and a comment, an attachment) is about one record, named by (content type, id).
  It is visible to a user when `scoping.restrict()` of *that record's model* lets the user view
  the record — soft-deleted records included, for whoever could see them before the delete.
  The entry's own town/village columns decide nothing: a town-level investment that answers 404
  to a village cadre has a change log that is invisible to them too.
- Comments and attachments are themselves records of a record: visible when their parent is,
  so their entries are too.
- User accounts are seen by whoever manages them (`views.users.users_in_scope`: a town's
  administrators) and by the account holder; their entries follow.
- Entries of records that no longer exist (purged) are shown to the administrators of the
  entry's town only: there is no record left to ask.
- A superuser sees everything.

It is one query: each model contributes `content_type = M AND object_id IN (restrict(M))` to a
single WHERE clause, so the cost does not grow with the number of entries. Entries already
limited to some content types (`ObjectChange.objects.about(...)`, the API's `model` filter) get
only those models' subqueries.

Values — `present(entries, user)` gives each entry `display_changes`: the changed fields with
their labels and values as people read them (choice labels, 是/否, local time as
「2026年11月29日 20:18」, dates as 「2025年3月5日」, related records by name) and personal numbers
masked unless the user may see them (`tables.may_see_personal`). `masked_values()` masks the raw
`before`/`after` the API hands to machines. Related names are fetched for the whole page in a
fixed number of queries, never per entry nor per related model: a town record's name is the
`object_repr` of its latest entry the user may read (`_names_from_log`), accounts and towns are
read directly.
"""

from __future__ import annotations

import contextlib
import decimal
import json
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_date, parse_datetime

from zhenwu.core import formats, scoping
from zhenwu.core.base import ChangeLoggedModel, TownScopedModel

# --------------------------------------------------------------------------- visibility


@cache
def _logged_models() -> tuple[type, ...]:
    return tuple(m for m in apps.get_models() if issubclass(m, ChangeLoggedModel))


@cache
def _parent_models() -> tuple[type, ...]:
    """Models a comment or attachment can hang on (every town record but those two)."""
    from zhenwu.core.models import AttachedToRecord

    return tuple(
        m
        for m in apps.get_models()
        if issubclass(m, TownScopedModel) and not issubclass(m, AttachedToRecord)
    )


def viewable_records(model, user) -> QuerySet:
    """The rows of `model` that `user` may view, soft-deleted ones included."""
    from zhenwu.core.models import User

    if model is User:
        from zhenwu.core.views.users import users_in_scope

        if not scoping._active(user):
            return User.objects.none()
        return User.objects.filter(Q(pk__in=users_in_scope(user).values("pk")) | Q(pk=user.pk))
    manager = getattr(model, "all_objects", model._default_manager)
    return scoping.restrict(manager.all(), user, scoping.VIEW)


# Within one reading of the log (`one_reading()`), each model's condition for one user is built
# once: the entries, their comments' and attachments' parents and the names on the page all
# ask for the same models' conditions, and building them was most of a village cadre's page.
_READING: ContextVar[dict | None] = ContextVar("zhenwu_changelog_reading", default=None)


@contextlib.contextmanager
def one_reading():
    """A block in which the visibility conditions built for a user are kept and reused (one
    page or API call: the same user, the same moment). Nested blocks share the outer one."""
    token = _READING.set({}) if _READING.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _READING.reset(token)


def _record_condition(user, model, ct_id: int, ct_field: str, id_field: str) -> Q:
    memo = _READING.get()
    key = (id(user), user.pk, model, ct_field, id_field)
    if memo is not None and key in memo:
        return memo[key]
    q = Q(
        **{
            f"{ct_field}_id": ct_id,
            f"{id_field}__in": viewable_records(model, user).values("pk"),
        }
    )
    if memo is not None:
        memo[key] = q
    return q


def records_q(user, models_, *, ct_field: str = "content_type", id_field: str = "object_id") -> Q:
    """A Q matching rows whose (ct_field, id_field) names a record of `models_` the user may
    view. One subquery per model, all in one WHERE clause."""
    from zhenwu.core.models import User

    cts = ContentType.objects.get_for_models(*models_)
    q = Q(pk__in=[])
    town_wide = []
    for model in models_:
        if model is not User and scoping.views_whole_town(user, model):
            # Every row of the town, deleted ones included: the rows' own town says it (an
            # entry, comment or attachment carries its record's town), no subquery needed.
            town_wide.append(cts[model].pk)
            continue
        q |= _record_condition(user, model, cts[model].pk, ct_field, id_field)
    if town_wide:
        q |= Q(**{f"{ct_field}_id__in": sorted(town_wide), "town_id": user.town_id})
    return q


def visible_entries(queryset: QuerySet, user) -> QuerySet:
    """The change-log entries of `queryset` that `user` may read (see the module docstring)."""
    if not scoping._active(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    models_ = _logged_models()
    about = getattr(queryset, "_about", None)
    if about is not None:
        # The entries are already limited to these content types (`ObjectChange...about()`):
        # only their models' subqueries can match, so only those are built.
        cts = ContentType.objects.get_for_models(*models_)
        models_ = tuple(m for m in models_ if cts[m].pk in about)
    with one_reading():
        q = records_q(user, models_)
    if user.is_town_admin and user.town_id:
        # Their town's entries, those of purged records included.
        q = Q(town_id=user.town_id) | q
    return queryset.filter(q)


def visible_attached(queryset: QuerySet, user, action: str) -> QuerySet:
    """Comments and attachments: the row's own scope, and for reading, a visible parent."""
    queryset = scoping.restrict_rows(queryset, user, action)
    if action != scoping.VIEW or not scoping._active(user) or user.is_superuser:
        return queryset
    return queryset.filter(records_q(user, _parent_models()))


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Change:
    """One changed field as people read it."""

    field: str  # the stored key (a field's attname, e.g. "village_id")
    label: str
    before: str | None
    after: str | None
    summary: str | None = None  # a one-line summary instead of before → after

    def as_dict(self) -> dict:
        d = {"field": self.field, "label": self.label, "before": self.before, "after": self.after}
        if self.summary is not None:
            d["summary"] = self.summary
        return d


HIDDEN = "（无权查看）"
EMPTY = "—"


def personal_fields_of(model) -> frozenset[str]:
    from zhenwu.core.tables import personal_fields_of as of

    return of(model)


def _fields_by_key(model) -> dict:
    out = {}
    for f in model._meta.concrete_fields:
        out[f.attname] = f
        out[f.name] = f
    return out


# Dates read as everywhere else in the product (`core/formats.py`): 2025年3月5日, and for a
# moment in time 2026年11月29日 20:18 in local time.
long_date = long_datetime = formats.date_long


def _decimal(value) -> str:
    try:
        return formats.number(decimal.Decimal(str(value)))
    except (decimal.InvalidOperation, ValueError):
        return str(value)


def _plain(field, value, names) -> str:
    """One stored (JSON) value of one field, as people read it. Personal masking is done
    by the caller; `names` maps (related model, pk) to a display name."""
    if value is None or value == "" or value == []:
        return EMPTY
    if field is None:
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if field.choices:
        labels = {str(k): v for k, v in field.flatchoices}
        label = labels.get(str(value))
        return str(label) if label is not None else str(value)
    if isinstance(field, models.BooleanField):
        return "是" if value else "否"
    if isinstance(field, models.DateTimeField):
        parsed = parse_datetime(str(value))
        return long_datetime(parsed) if parsed else str(value)
    if isinstance(field, models.DateField):
        parsed = parse_date(str(value))
        return long_date(parsed) if parsed else str(value)
    if field.is_relation and field.many_to_one:
        return names.get((field.related_model, value), f"#{value}")
    if isinstance(field, models.DecimalField):
        return _decimal(value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or EMPTY
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _related_names(entries, user) -> dict:
    """{(model, pk): name} for every foreign key value on the page, in a fixed number of
    queries whatever the number of entries and of models they name (`_names_from_log`).
    Records the user may not view read 「（无权查看）」."""
    from zhenwu.core.models import User

    wanted: dict[type, set] = {}
    for entry in entries:
        model = entry.content_type.model_class()
        if model is None:
            continue
        fields = _fields_by_key(model)
        for key in entry.changed_fields or ():
            field = fields.get(key)
            if field is None or not (field.is_relation and field.many_to_one):
                continue
            for side in (entry.before, entry.after):
                value = (side or {}).get(key)
                if value not in (None, ""):
                    wanted.setdefault(field.related_model, set()).add(value)
    names = {}
    records: dict[type, set] = {}
    for model, ids in wanted.items():
        if model is ContentType:
            for pk in ids:
                try:
                    ct = ContentType.objects.get_for_id(pk)  # the content-type cache
                except (ContentType.DoesNotExist, TypeError, ValueError):
                    continue
                cls = ct.model_class()
                names[(model, pk)] = str(cls._meta.verbose_name) if cls else ct.model
        elif model is User or not issubclass(model, TownScopedModel):
            # People's names and towns are not secret: pickers and pages show them. (A fixed
            # few models of the platform: accounts, towns.)
            for obj in model._base_manager.filter(pk__in=ids):
                names[(model, obj.pk)] = str(obj)
        else:
            records[model] = ids
    names.update(_names_from_log(records, user))
    for model, ids in wanted.items():
        for pk in ids:
            names.setdefault((model, pk), HIDDEN)
    return names


def _names_from_log(wanted: dict[type, set], user) -> dict:
    """{(model, pk): name} of the town records `wanted` that `user` may view, from the change
    log itself: a record's name is the `object_repr` of its latest entry, and its entries are
    visible exactly when it is (`visible_entries`) — so one query answers for every model at
    once (the visibility subqueries of just those models in one WHERE clause) instead of one
    query per related model. A record with no entry at all (written before the log, or by a
    bulk path that did not log) is read from its table: one more query finds them, and only
    their models are asked."""
    from django.db.models import Max

    from zhenwu.core.models import ObjectChange

    if not wanted:
        return {}
    cts = ContentType.objects.get_for_models(*wanted)
    model_of = {cts[m].pk: m for m in wanted}
    ids_of = {m: {int(i) for i in ids if str(i).lstrip("-").isdigit()} for m, ids in wanted.items()}
    about = Q(pk__in=[])
    for model, ids in ids_of.items():
        about |= Q(content_type_id=cts[model].pk, object_id__in=sorted(ids))
    entries = ObjectChange.objects.about(cts[m] for m in wanted).filter(about)
    latest = (
        visible_entries(entries, user)
        .order_by()
        .values("content_type_id", "object_id")
        .annotate(last=Max("pk"))
        .values("last")
    )
    names = {}
    for ct_id, pk, name in ObjectChange.objects.filter(pk__in=latest).values_list(
        "content_type_id", "object_id", "object_repr"
    ):
        names[(model_of[ct_id], pk)] = name
    unnamed = Q(pk__in=[])
    for model, ids in ids_of.items():
        rest = sorted(pk for pk in ids if (model, pk) not in names)
        if rest:
            unnamed |= Q(content_type_id=cts[model].pk, object_id__in=rest)
    if unnamed == Q(pk__in=[]):
        return names
    logged = set(
        ObjectChange.objects.filter(unnamed)
        .order_by()
        .values_list("content_type_id", "object_id")
        .distinct()
    )
    for model, ids in ids_of.items():
        unlogged = [
            pk for pk in ids if (model, pk) not in names and (cts[model].pk, pk) not in logged
        ]
        if unlogged:
            for obj in viewable_records(model, user).filter(pk__in=unlogged):
                names[(model, obj.pk)] = str(obj)
    return names


def _changes(entry, user, names, may_see) -> list[Change]:
    from zhenwu.core.models import PSEUDO_FIELD_LABELS, _months_summary
    from zhenwu.core.tables import mask, personal_kind

    model = entry.content_type.model_class()
    fields = _fields_by_key(model) if model else {}
    personal = personal_fields_of(model) if model else frozenset()
    before, after = entry.before or {}, entry.after or {}
    out = []
    for key in entry.changed_fields or ():
        if key in PSEUDO_FIELD_LABELS:
            summary = str(_months_summary(before.get(key), after.get(key)))
            out.append(Change(key, PSEUDO_FIELD_LABELS[key], None, None, summary))
            continue
        field = fields.get(key)
        label = str(field.verbose_name) if field is not None else key
        values = []
        for side in (before, after):
            if key not in side:
                values.append(None)
                continue
            raw = side.get(key)
            if field is not None and field.name in personal and not may_see:
                values.append(mask(str(raw or ""), personal_kind(field.name)) or EMPTY)
            else:
                values.append(_plain(field, raw, names))
        out.append(Change(key, label, values[0], values[1]))
    return out


def present(entries, user) -> list:
    """Give each entry `display_changes` for this user, fetching related names in bulk."""
    from zhenwu.core.tables import may_see_personal

    entries = list(entries)
    names = _related_names(entries, user)
    may_see = may_see_personal(user)
    for entry in entries:
        entry._display_changes = _changes(entry, user, names, may_see)
    return entries


def masked_values(entry, values: dict | None, user) -> dict | None:
    """The raw before/after of an entry with personal numbers masked for this user."""
    from zhenwu.core.tables import mask, may_see_personal, personal_kind

    if values is None or may_see_personal(user):
        return values
    model = entry.content_type.model_class()
    if model is None:
        return values
    personal = personal_fields_of(model)
    if not personal:
        return values
    fields = _fields_by_key(model)
    out = dict(values)
    for key, value in values.items():
        field = fields.get(key)
        if field is not None and field.name in personal and value:
            out[key] = mask(str(value), personal_kind(field.name))
    return out
