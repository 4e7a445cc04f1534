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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from zhenwu.core.actor import Source, acting_as, current_actor
from zhenwu.core.changelog import _entry, _jsonable, snapshot_values

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
    """The model's own validation for many rows of one model, each distinct value once."""

    def __init__(self, model: type[models.Model], exclude: Iterable[str] = ()):
        self.model = model
        exclude = set(exclude)
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if f.name not in exclude and f.editable and not f.primary_key
        ]
        self._cache: dict[str, dict] = {f.attname: {} for f in self.fields}
        self._has_clean = model.clean is not models.Model.clean

    def clean(self, obj) -> dict[str | None, list[str]]:
        """{field name (None for the row as a whole): [messages]}; empty when the row passes.
        Cleaned values are set on ``obj`` as ``full_clean`` does."""
        errors: dict[str | None, list[str]] = {}
        for f in self.fields:
            raw = getattr(obj, f.attname)
            if f.is_relation:
                if raw is None and not f.null and not f.blank:
                    errors.setdefault(f.name, []).append(f"「{f.verbose_name}」为必填项，不能为空")
                continue
            if f.blank and raw in f.empty_values:
                continue
            cache = self._cache[f.attname]
            try:
                key = (raw.__class__, raw)
                hit = cache.get(key, _UNHASHABLE)
            except TypeError:  # lists, dicts (JSON fields)
                key, hit = None, _UNHASHABLE
            if hit is _UNHASHABLE:
                try:
                    hit = (True, f.clean(raw, obj))
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
            for obj in create:
                if hasattr(obj, "updated_at"):
                    obj.updated_at = now
            result.created = insert_rows(model, list(create))
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
        for obj in result.created:
            obj._loaded_values = {
                f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields
            }
        for obj, _ in update:
            obj._loaded_values = {
                f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields
            }
        if after_write is not None:
            after_write(result)
    return result


def insert_rows(model, objs: list, *, want_ids: bool = True) -> list:
    """Insert unsaved records of one model. PostgreSQL: `bulk_create` (ids come back with
    RETURNING). SQLite: one `executemany` of a prepared INSERT (Django's bulk_create there
    compiles a statement per 999 parameters — 22 rows of a wide model — and that compiling is
    most of an import's write time); the ids are the consecutive rowids ending at
    ``last_insert_rowid()``, which holds inside the transaction that has the write lock."""
    if not objs:
        return []
    if connection.vendor != "sqlite":
        return model.objects.bulk_create(objs, batch_size=BATCH)
    meta = model._meta
    pk = meta.pk
    fields = [
        f for f in meta.concrete_fields if not (f is pk and getattr(objs[0], f.attname) is None)
    ]
    ops = connection.ops
    prepared = [_sqlite_value(f, ops) for f in fields]
    auto = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    for obj in objs:
        for f in auto:
            f.pre_save(obj, True)
    attnames = [f.attname for f in fields]
    rows = [
        tuple(conv(getattr(obj, a)) for conv, a in zip(prepared, attnames, strict=True))
        for obj in objs
    ]
    q = ops.quote_name
    sql = (
        f"INSERT INTO {q(meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        if want_ids and pk in meta.concrete_fields and pk not in fields:
            cursor.execute("SELECT last_insert_rowid()")
            last = cursor.fetchone()[0]
            for i, obj in enumerate(objs):
                setattr(obj, pk.attname, last - len(objs) + 1 + i)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


_IDENTITY_TYPES = frozenset(
    {
        "AutoField", "BigAutoField", "SmallAutoField", "BigIntegerField", "BooleanField",
        "CharField", "ForeignKey", "IntegerField", "OneToOneField", "PositiveBigIntegerField",
        "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField", "TextField",
    }
)  # fmt: skip


def _sqlite_value(f, ops):
    """value → what SQLite stores, as `Field.get_db_prep_save` would give it (fast paths for
    the common types; everything else through Django)."""
    kind = f.get_internal_type()
    if kind in _IDENTITY_TYPES and not f.choices:
        return _identity
    if kind in _IDENTITY_TYPES:
        return _plain_str  # TextChoices members as their value
    if kind == "DateField":
        return lambda v: None if v is None else v.isoformat()
    if kind == "DecimalField":
        return lambda v: None if v is None else str(v)
    return lambda v: f.get_db_prep_save(v, connection)


def _identity(v):
    return v


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


def _log(model, created, update, now) -> None:
    from zhenwu.core.base import ChangeLoggedModel
    from zhenwu.core.models import ObjectChange

    if not issubclass(model, ChangeLoggedModel):
        return  # as the signal receivers: only change-logged models are logged
    actor = current_actor()
    parent_name = getattr(model, "changelog_bulk_parent", None)
    entries = []
    if parent_name:
        entries = _grouped_entries(model, parent_name, created, update, actor)
    else:
        for obj in created:
            entries.append(_entry(obj, "create", None, snapshot_values(obj), [], actor))
        ignore = set(getattr(model, "changelog_ignore_fields", ()))
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
                entries.append(_entry(obj, "update", before, after, changed_names, actor))
    for entry in entries:
        entry.time = now
    insert_rows(ObjectChange, entries, want_ids=False)


def _grouped_entries(model, parent_name, created, update, actor) -> list:
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
    ct = ContentType.objects.get_for_model(parent_model)
    entries = []
    for pid in sorted(after):
        parent = getattr(parents[pid], parent_name)  # set by the caller: no query
        entry = _entry(
            parent,
            "update",
            {pseudo: before[pid]} if pid in before else None,
            {pseudo: after[pid]},
            [pseudo],
            actor,
        )
        entry.content_type_id = ct.pk
        entries.append(entry)
    return entries
