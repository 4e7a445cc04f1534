"""The bulk variant of the write services: many records of one model validated with the model's
own rules and written in one short transaction, with their change-log entries written in bulk.

Every ledger import writes through here (DESIGN.md "One write path"):

    cleaner = RowCleaner(Investment, exclude=["town"])
    errors = cleaner.clean(obj)            # {field: [messages]} — the model's own rules
    result = bulk_save(Investment, create=[...], update=[(obj, ["stage", …]), …],
                       acting_user=user, source=Source.IMPORT)

- `RowCleaner.clean` is `full_clean()` without the uniqueness checks (the caller matched the
  natural key) and without per-row queries: each field's `clean()` (type, choices, max length,
  validators) runs once per *distinct* value of the column, the model's `clean()` once per row.
  Foreign keys arrive resolved (through the gate), so only their presence is checked. A model
  whose `clean()` looks for clashes in the database skips that look-up while
  ``obj._bulk_checked`` is set.
- `bulk_save` runs after every row has passed, so the write lock is held only for the inserts
  and updates: `bulk_create`/`bulk_update` in batches of ``BATCH`` rows, and the change-log
  entries in batches too. Updates are refused as a whole (`StaleEdit`) if any record was
  changed by someone else since it was read (its `version` moved).
- Change log: one entry per record (``create`` with the snapshot, ``update`` with the changed
  fields before and after) — or, when the model declares ``changelog_bulk_parent``, one
  ``update`` entry per parent record holding the rows it gained or changed under the
  pseudo-field ``changelog_bulk_field`` (the monthly figures: one entry per firm and import).
"""

from __future__ import annotations

import datetime
import json
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import signals
from django.db.models.base import ModelState
from django.utils import timezone

from zhenwu.core.actor import Source, acting_as, current_actor
from zhenwu.core.changelog import _jsonable, _secret, _village_id

BATCH = 2000
_UNHASHABLE = object()


class StaleEdit(Exception):
    """Records changed by someone else between reading and writing."""

    def __init__(self, objs):
        self.objs = list(objs)
        names = "、".join(f"「{o}」" for o in self.objs[:5])
        more = f"等 {len(self.objs)} 条记录" if len(self.objs) > 5 else ""
        super().__init__(f"{names}{more}在导入期间已被他人修改，请重新导入。")


class RowCleaner:
    """The model's own validation for many rows of one model, each distinct value once.

    A field still holding the very value it was created or loaded with (the model's default
    on a new record, the stored value on an existing one) is not checked again per row: its
    result is the default's, checked once, or the stored record's."""

    def __init__(self, model: type[models.Model], exclude: Iterable[str] = ()):
        self.model = model
        exclude = set(exclude)
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if f.name not in exclude and f.editable and not f.primary_key
        ]
        self._cache: dict[str, dict] = {f.attname: {} for f in self.fields}
        # Plain text fields (no choices, only the length and NUL validators): a non-empty
        # text within the length is valid without going through `Field.clean` — the check
        # that matters for columns of distinct values (names, numbers), which no cache helps.
        self._plain_text = {
            f.attname: f.max_length
            for f in self.fields
            if isinstance(f, models.CharField | models.TextField)
            and not f.choices
            and all(isinstance(v, _TEXT_VALIDATORS) for v in f.validators)
        }
        self._has_clean = model.clean is not models.Model.clean
        self._defaults: dict | None = None
        self._default_errors: dict[str, list[str]] = {}

    def _check(self, f, raw, obj, errors) -> None:
        if f.is_relation:
            if raw is None and not f.null and not f.blank:
                errors.setdefault(f.name, []).append(f"「{f.verbose_name}」为必填项，不能为空")
            return
        if f.blank and raw in f.empty_values:
            return
        if raw.__class__ is str and raw and "\x00" not in raw and f.attname in self._plain_text:
            limit = self._plain_text[f.attname]
            if limit is None or len(raw) <= limit:
                return
        cache = self._cache[f.attname]
        try:
            key = (raw.__class__, raw)
            hit = cache.get(key, _UNHASHABLE)
        except TypeError:  # lists, dicts (JSON fields)
            key, hit = None, _UNHASHABLE
        if hit is _UNHASHABLE:
            if raw.__class__ is str and "\x00" in raw:  # as `textrules.nul_free` on save
                hit = (False, [f"「{f.verbose_name}」不能包含空字符（NUL）"])
            else:
                hit = None
            try:
                hit = hit or (True, f.clean(raw, obj))
            except ValidationError as exc:
                hit = (False, exc.messages)
            if key is not None:
                cache[key] = hit
        ok, value = hit
        if ok:
            if value is not raw:
                setattr(obj, f.attname, value)
        else:
            errors.setdefault(f.name, []).extend(value)

    def _prototype_defaults(self) -> dict:
        """The model's defaults (as `new_record` sets them) and what checking them gives."""
        if self._defaults is None:
            probe = new_record(self.model)  # builds the prototype
            proto = _PROTOTYPES.get(self.model)
            self._defaults = dict(proto[0]) if proto else {}
            for f in self.fields:
                if f.attname in self._defaults:
                    found: dict = {}
                    self._check(f, self._defaults[f.attname], probe, found)
                    if found:
                        self._default_errors[f.name] = found[f.name]
        return self._defaults

    def clean(self, obj) -> dict[str | None, list[str]]:
        """{field name (None for the row as a whole): [messages]}; empty when the row passes.
        Cleaned values are set on ``obj`` as ``full_clean`` does."""
        errors: dict[str | None, list[str]] = {}
        d = obj.__dict__
        loaded = d.get("_loaded_values")
        if loaded is None and obj.pk is None:
            base, base_errors = self._prototype_defaults(), self._default_errors
        else:
            base, base_errors = loaded or {}, None
        for f in self.fields:
            raw = d.get(f.attname, _MISSING)
            if raw is _MISSING:
                raw = getattr(obj, f.attname)
            elif raw is base.get(f.attname, _MISSING):
                if base_errors and f.name in base_errors:
                    errors.setdefault(f.name, []).extend(base_errors[f.name])
                continue
            self._check(f, raw, obj, errors)
        if self._has_clean and not errors:
            obj._bulk_checked = True
            try:
                obj.clean()
            except ValidationError as exc:
                for name, messages in _error_items(exc):
                    errors.setdefault(name, []).extend(messages)
            finally:
                del obj._bulk_checked
        return errors


_MISSING = object()
_TEXT_VALIDATORS = (validators.MaxLengthValidator, validators.ProhibitNullCharactersValidator)


def _error_items(exc: ValidationError):
    if hasattr(exc, "error_dict"):
        return [
            (None if k == "__all__" else k, [m for e in v for m in e.messages])
            for k, v in exc.error_dict.items()
        ]
    return [(None, exc.messages)]


@dataclass
class BulkResult:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)


def bulk_save(
    model: type[models.Model],
    *,
    create: Sequence[models.Model] = (),
    update: Sequence[tuple[models.Model, Sequence[str]]] = (),
    acting_user,
    source: str = Source.IMPORT,
    after_write=None,
) -> BulkResult:
    """Insert ``create`` and save the ``update`` pairs (record, changed field names) in one
    transaction, versions bumped, change log in bulk. ``after_write(result)`` runs inside the
    same transaction (timeline events, checklists). Raises `StaleEdit` (nothing written) if a
    record to update has been changed since it was read."""
    result = BulkResult()
    update = [(obj, list(changed)) for obj, changed in update if changed]
    with transaction.atomic(), acting_as(acting_user, source):
        now = timezone.now()
        if update:
            _check_versions(model, [obj for obj, _ in update])
        if create:
            result.created = insert_rows(model, list(create), now=now)
        if update:
            names = {"version", "updated_at"} if hasattr(model, "version") else set()
            for obj, changed in update:
                names.update(changed)
                if hasattr(obj, "version"):
                    obj.version += 1
                    obj.updated_at = now
            fields = sorted(_field_name(model, n) for n in names)
            model.objects.bulk_update([obj for obj, _ in update], fields, batch_size=BATCH)
            result.updated = [obj for obj, _ in update]
        _log(model, result.created, update, now)
        attnames = [f.attname for f in model._meta.concrete_fields]
        get = operator.itemgetter(*attnames)
        for obj in result.created:
            obj._loaded_values = dict(zip(attnames, get(obj.__dict__), strict=True))
        for obj, _ in update:
            obj._loaded_values = {a: getattr(obj, a) for a in attnames}
        if after_write is not None:
            after_write(result)
    return result


def new_record(model: type[models.Model], /, **values) -> models.Model:
    """An unsaved record with the model's defaults and ``values`` — what ``model(**values)``
    gives, without `Model.__init__`'s per-field work (an import builds thousands of records:
    the defaults are taken once per model from a prototype; callable defaults are called for
    each record, so no two records share a mutable default)."""
    proto = _PROTOTYPES.get(model)
    if proto is None:
        if signals.post_init.has_listeners(model) or signals.pre_init.has_listeners(model):
            return model(**values)
        instance = model()
        proto = _PROTOTYPES[model] = (
            {k: v for k, v in instance.__dict__.items() if k != "_state"},
            [
                (f.attname, f)
                for f in model._meta.concrete_fields
                if f.has_default() and callable(f.default)
            ],
        )
    defaults, fresh = proto
    obj = model.__new__(model)
    d = obj.__dict__
    d.update(defaults)
    for attname, f in fresh:
        d[attname] = f.get_default()
    d["_state"] = ModelState()
    for name, value in values.items():
        setattr(obj, name, value)
    return obj


_PROTOTYPES: dict[type, tuple[dict, list]] = {}


def insert_rows(model, objs: list, *, want_ids: bool = True, now=None) -> list:
    """Insert unsaved records of one model, fields read straight from each record's
    ``__dict__`` (auto-now fields set to ``now``). SQLite: one `executemany` of a prepared
    INSERT — the ids are the consecutive rowids ending at ``last_insert_rowid()``, which holds
    inside the transaction that has the write lock. PostgreSQL: `bulk_create` when the ids are
    wanted (RETURNING), else `executemany` too."""
    if not objs:
        return []
    conn = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    pk = meta.pk
    with_pk = getattr(objs[0], pk.attname) is not None
    if conn.vendor != "sqlite" and want_ids and not with_pk:
        return model.objects.bulk_create(objs, batch_size=BATCH)
    fields = [f for f in meta.concrete_fields if with_pk or f is not pk]
    auto = [
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    if auto:
        stamp = now or timezone.now()
        for obj in objs:
            d = obj.__dict__
            for a in auto:
                d[a] = stamp
    get = operator.itemgetter(*[f.attname for f in fields])
    if len(fields) == 1:
        rows = [(get(obj.__dict__),) for obj in objs]
    else:
        rows = [get(obj.__dict__) for obj in objs]
    last = insert_values(model, fields, rows, conn=conn, want_last_id=want_ids and not with_pk)
    if last is not None:
        first = last - len(objs) + 1
        for i, obj in enumerate(objs):
            obj.__dict__[pk.attname] = first + i
    for obj in objs:
        state = obj._state
        state.adding = False
        state.db = conn.alias
    return objs


def insert_values(model, fields, rows, *, conn=None, want_last_id=False):
    """Insert ``rows`` (tuples of Python values, in the order of ``fields``) into the model's
    table with one prepared statement, converting column by column what the database needs
    converted. Returns ``last_insert_rowid()`` on SQLite when asked for."""
    conn = conn or connections[DEFAULT_DB_ALIAS]
    if not rows:
        return None
    converters = [_db_converter(f, conn) for f in fields]
    if any(c is not None for c in converters):
        columns = list(zip(*rows, strict=True))
        for i, conv in enumerate(converters):
            if conv is not None:
                columns[i] = list(map(conv, columns[i]))
        rows = list(zip(*columns, strict=True))
    q = conn.ops.quote_name
    sql = (
        f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with conn.cursor() as cursor:
        for i in range(0, len(rows), 10 * BATCH):
            cursor.executemany(sql, rows[i : i + 10 * BATCH])
        if want_last_id and conn.vendor == "sqlite":
            cursor.execute("SELECT last_insert_rowid()")
            return cursor.fetchone()[0]
    return None


_IDENTITY_TYPES = frozenset(
    {
        "AutoField", "BigAutoField", "SmallAutoField", "BigIntegerField", "BooleanField",
        "CharField", "ForeignKey", "IntegerField", "OneToOneField", "PositiveBigIntegerField",
        "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField", "TextField",
    }
)  # fmt: skip

_UTC = datetime.UTC


def _db_converter(f, conn):
    """value → what the database stores, as `Field.get_db_prep_save` gives it; None when the
    value goes in as it is. SQLite has fast paths for the common types (everything else goes
    through Django); PostgreSQL goes through Django for all but the plain types."""
    kind = f.get_internal_type()
    if kind in _IDENTITY_TYPES:
        return _plain_str if f.choices else None
    if conn.vendor != "sqlite":
        return lambda v: f.get_db_prep_save(v, conn)
    if kind == "DateField":
        return _iso_date
    if kind == "DecimalField":
        return _decimal_text
    if kind == "DateTimeField" and settings.USE_TZ:
        return _utc_datetime(f, conn)
    if kind == "JSONField":
        encoder = f.encoder
        return lambda v: None if v is None else json.dumps(v, cls=encoder)
    return lambda v: f.get_db_prep_save(v, conn)


def _iso_date(v):
    return None if v is None else v.isoformat()


def _decimal_text(v):
    return None if v is None else str(v)


def _utc_datetime(f, conn):
    """Aware datetimes as SQLite stores them with USE_TZ (naive UTC text); the last value is
    remembered, as a batch usually carries one timestamp."""
    last = [None, None]

    def convert(v):
        if v is None:
            return None
        if v is last[0]:
            return last[1]
        if not isinstance(v, datetime.datetime):  # a date or text: as Django converts it
            return f.get_db_prep_save(v, conn)
        text = str(v.astimezone(_UTC).replace(tzinfo=None) if v.tzinfo is not None else v)
        last[0], last[1] = v, text
        return text

    return convert


def _plain_str(v):
    return v if v is None or type(v) is str else (v.value if hasattr(v, "value") else v)


def _field_name(model, name: str) -> str:
    f = model._meta.get_field(name)
    return f.name


def _check_versions(model, objs) -> None:
    if not hasattr(model, "version"):
        return
    seen = {obj.pk: obj for obj in objs}
    stale = []
    ids = list(seen)
    for i in range(0, len(ids), 5000):
        chunk = ids[i : i + 5000]
        for pk, version in model._base_manager.filter(pk__in=chunk).values_list("pk", "version"):
            obj = seen[pk]
            loaded = (getattr(obj, "_loaded_values", None) or {}).get("version", obj.version)
            if version != loaded:
                stale.append(obj)
    if stale:
        raise StaleEdit(stale)


_LOG_FIELDS = (
    "time", "user", "user_name", "source", "request_id", "action", "content_type",
    "object_id", "object_repr", "town", "village", "before", "after", "changed_fields",
)  # fmt: skip


def _log(model, created, update, now) -> None:
    """The change-log entries of one bulk write, inserted as rows (no ObjectChange objects):
    a ``create`` entry with the snapshot per new record, an ``update`` entry with the changed
    fields per changed record — the same entries the signal receivers write for one save."""
    from zhenwu.core.base import ChangeLoggedModel

    if not issubclass(model, ChangeLoggedModel):
        return  # as the signal receivers: only change-logged models are logged
    actor = current_actor()
    parent_name = getattr(model, "changelog_bulk_parent", None)
    if parent_name:
        rows = _grouped_entries(model, parent_name, created, update, actor, now)
    else:
        rows = _create_entries(model, created, actor, now)
        ignore = set(getattr(model, "changelog_ignore_fields", ()))
        head = _entry_head(model, actor, now, "update")
        for obj, changed in update:
            loaded = getattr(obj, "_loaded_values", None) or {}
            attnames = [
                model._meta.get_field(n).attname
                for n in changed
                if model._meta.get_field(n).name not in ignore
            ]
            before = {a: _jsonable(loaded.get(a)) for a in attnames}
            after = {a: _jsonable(getattr(obj, a)) for a in attnames}
            changed_names = [a for a in attnames if before[a] != after[a]]
            if changed_names:
                rows.append((*head, *_entry_tail(obj, before, after, changed_names)))
    _insert_entries(rows)


def _entry_head(model, actor, now, action) -> tuple:
    user = actor.user if getattr(actor.user, "pk", None) else None
    return (
        now,
        user.pk if user else None,
        (user.display_name if user else "") or "",
        actor.source,
        actor.request_id,
        action,
        ContentType.objects.get_for_model(model).pk,
    )


def _entry_tail(obj, before, after, changed) -> tuple:
    return (
        obj.pk,
        str(obj)[:200],
        getattr(obj, "town_id", None),
        _village_id(obj),
        before,
        after,
        changed,
    )


def _create_entries(model, created, actor, now) -> list[tuple]:
    """One ``create`` entry per new record, its snapshot built column by column (each field's
    values made JSON-ready by one converter for the whole column)."""
    if not created:
        return []
    head = _entry_head(model, actor, now, "create")
    fields = model._meta.concrete_fields
    attnames = [f.attname for f in fields]
    get = operator.itemgetter(*attnames)
    columns = list(zip(*(get(obj.__dict__) for obj in created), strict=True))
    secret = set(getattr(model, "changelog_secret_fields", ()))
    for i, f in enumerate(fields):
        if f.name in secret:
            columns[i] = [_secret(v) for v in columns[i]]
        elif f.get_internal_type() not in _IDENTITY_TYPES or f.choices:
            columns[i] = [_jsonable(v) for v in columns[i]]
    town_id = hasattr(model, "town_id")
    pk = model._meta.pk.attname
    rows = []
    for obj, values in zip(created, zip(*columns, strict=True), strict=True):
        d = obj.__dict__
        rows.append(
            (
                *head,
                d[pk],
                str(obj)[:200],
                d.get("town_id") if town_id else None,
                _village_id(obj),
                None,
                dict(zip(attnames, values, strict=True)),
                [],
            )
        )
    return rows


def _insert_entries(rows: list[tuple]) -> None:
    from zhenwu.core.models import ObjectChange

    if rows:
        fields = [ObjectChange._meta.get_field(n) for n in _LOG_FIELDS]
        insert_values(ObjectChange, fields, rows)


def _grouped_entries(model, parent_name, created, update, actor, now) -> list[tuple]:
    """One 'update' entry per parent: {pseudo-field: {row key: {field: value}}}."""
    pseudo = model.changelog_bulk_field
    fields = list(model.changelog_bulk_values)
    after: dict[int, dict] = {}
    before: dict[int, dict] = {}
    parents: dict[int, Any] = {}
    parent_attname = model._meta.get_field(parent_name).attname
    for obj in created:
        pid = getattr(obj, parent_attname)
        parents.setdefault(pid, obj)
        after.setdefault(pid, {})[obj.changelog_bulk_key()] = {
            k: obj.changelog_bulk_text(k, getattr(obj, k))
            for k in fields
            if getattr(obj, k) is not None
        }
    for obj, changed in update:
        pid = getattr(obj, parent_attname)
        parents.setdefault(pid, obj)
        loaded = getattr(obj, "_loaded_values", None) or {}
        names = [k for k in fields if k in changed]
        key = obj.changelog_bulk_key()
        after.setdefault(pid, {})[key] = {
            k: obj.changelog_bulk_text(k, getattr(obj, k)) for k in names
        }
        before.setdefault(pid, {})[key] = {
            k: obj.changelog_bulk_text(k, loaded.get(k)) for k in names
        }
    parent_model = model._meta.get_field(parent_name).related_model
    head = _entry_head(parent_model, actor, now, "update")
    entries = []
    for pid in sorted(after):
        parent = getattr(parents[pid], parent_name)  # set by the caller: no query
        tail = _entry_tail(
            parent, {pseudo: before[pid]} if pid in before else None, {pseudo: after[pid]}, [pseudo]
        )
        entries.append((*head, *tail))
    return entries
