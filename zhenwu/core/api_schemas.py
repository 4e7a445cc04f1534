"""API schemas derived from a model's fields, for the resources whose API is plain CRUD
(plans, themes, measures, categories, rules, settings …): one declaration — the model — gives
the output, create and PATCH shapes. Names are the same in and out: a foreign key is
`<name>_id` both ways. Output carries `id`, `town_id` and `version`; PATCH requires
`version` (409 when stale)."""

# No `from __future__ import annotations`: pydantic reads these annotations at runtime.

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db import models
from ninja import Field, Schema
from pydantic import create_model

from zhenwu.core.labels import source_text

# A JSON number such as 1e400 parses as infinity; refuse it (422) rather than compute with it.
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]

SYSTEM_FIELDS = {"id", "town", "is_deleted", "deleted_at", "created_at", "updated_at", "version"}
MAX_INT = 2**63 - 1
POSITIVE = (
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
)


def _python_type(field: models.Field, *, output: bool):
    if field.is_relation:
        return Annotated[int, Field(ge=1, le=MAX_INT)] if not output else int
    if field.choices and isinstance(field, models.CharField):
        values = [str(value) for value, _ in field.flatchoices]
        if field.blank and "" not in values:
            values.append("")  # a blank choice field stores "" (不填)
        return Literal[tuple(values)]
    if isinstance(field, models.BooleanField):
        return bool
    if isinstance(field, models.DecimalField):
        return float if output else Decimal
    if isinstance(field, models.FloatField):
        return float if output else FiniteFloat
    if isinstance(field, models.AutoField | models.IntegerField):
        if output:
            return int
        low = 0 if isinstance(field, POSITIVE) else -MAX_INT
        return Annotated[int, Field(ge=low, le=MAX_INT)]
    if isinstance(field, models.DateTimeField):
        return datetime
    if isinstance(field, models.DateField):
        return date
    if isinstance(field, models.JSONField):
        return Any
    return str


def model_schemas(
    model,
    *,
    read_only: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    create_only: tuple[str, ...] = (),
    update_only: tuple[str, ...] = (),
    required: tuple[str, ...] = (),
    optional: tuple[str, ...] = (),
    types: dict[str, Any] | None = None,
    extra_out: dict[str, tuple] | None = None,
    extra_in: dict[str, tuple] | None = None,
    aliases: dict[str, str] | None = None,
):
    """(Out, In, Patch) for `model`, derived from its concrete fields; the one way a module
    overrides them is these keyword arguments, declared as data beside the `crud_router` call:

    - `read_only`: returned, not accepted. `exclude`: neither. Non-editable fields are
      read-only anyway.
    - `create_only`: accepted on create, not by PATCH (a placement's worker).
      `update_only`: accepted by PATCH only (a finding's deadline, set after it is found).
    - `required`: required on create although the model lets them be blank; `optional`:
      not required on create although the model requires them (the service fills them in).
    - `types={name: type}`: a stricter input type than the field's (a bound, a list).
    - `extra_out={name: (type, resolver)}` (or `(type, resolver, description)`): a computed
      read-only output key; `resolver(obj)` — or `resolver(obj, context)` for one that needs
      the request — as ninja's `resolve_<name>`.
    - `extra_in={name: (type, default)}` (or with a description): an input that is not a
      field of the record — an action's detail such as a finding's photos. Declared
      `writeOnly` in the OpenAPI (unless Out returns a key of that name: a many-to-many's
      ids), the only input besides aliases not returned by Out.
    - `aliases={old: attname}`: a deprecated input name (`village` for `village_id`), accepted
      by In and PATCH, `deprecated` in the OpenAPI and mapped to the attname before
      validation; both given and different is a 422 naming the old name.
    """
    name = model.__name__
    types = types or {}
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name not in SYSTEM_FIELDS and f.name not in exclude
    ]
    out = {"id": (int, ...), "town_id": (int | None, None), "version": (int, ...)}
    create = {}
    patch = {"version": (int, Field(..., description="读取记录时的版本号（过期则 409）"))}
    for f in fields:
        key = f.attname
        label = source_text(f.verbose_name)  # the API speaks the source language
        out_type = _python_type(f, output=True)
        out[key] = (out_type | None if f.null else out_type, Field(None, description=label))
        if f.name in read_only or key in read_only or not f.editable:
            continue
        in_type = types.get(key, types.get(f.name)) or _python_type(f, output=False)
        names = (f.name, key)
        is_required = any(n in required for n in names) or not (
            f.null or f.blank or f.has_default() or any(n in optional for n in names)
        )
        if any(n in update_only for n in names):
            pass
        elif is_required:
            create[key] = (in_type, Field(..., description=label))
        else:
            create[key] = (in_type | None, Field(None, description=label))
        if not any(n in create_only for n in names):
            patch[key] = (in_type | None, Field(None, description=label))
    resolvers = {}
    for key, spec in (extra_out or {}).items():
        out_type, resolver, *description = spec
        out[key] = (out_type, Field(None, description=description[0] if description else None))
        resolvers[f"resolve_{key}"] = staticmethod(resolver)
    for key, spec in (extra_in or {}).items():
        in_type, default, *description = spec
        extra = None if key in out else {"writeOnly": True}
        text = description[0] if description else None
        create[key] = (in_type, Field(default, description=text, json_schema_extra=extra))
        if key not in create_only:
            patch[key] = (in_type | None, Field(None, description=text, json_schema_extra=extra))
    out_base = type(f"{name}OutBase", (Schema,), resolvers) if resolvers else Schema
    return (
        create_model(f"{name}Out", __base__=out_base, **out),
        _with_aliases(create_model(f"{name}In", __base__=Schema, **create), aliases),
        _with_aliases(create_model(f"{name}Patch", __base__=Schema, **patch), aliases),
    )


def _with_aliases(schema, aliases: dict[str, str] | None):
    """`schema` taking each deprecated name of `aliases` ({old: attname}) for its attname."""
    from pydantic import field_validator, model_validator
    from pydantic_core import PydanticCustomError

    aliases = {old: new for old, new in (aliases or {}).items() if new in schema.model_fields}
    if not aliases:
        return schema
    fields = {}
    for old, new in aliases.items():
        target = schema.model_fields[new]
        fields[old] = (
            target.annotation | None,
            Field(None, description=f"旧名，同 {new}", deprecated=True),
        )

    def _run_root_validator(cls, data, handler, info):
        # Replaces ninja's root validator by name (as `with_row_input` does): the body is
        # still a mapping here, before ninja wraps it in its per-field getter.
        from ninja.schema import DjangoGetter

        if isinstance(data, dict) and any(old in data for old in aliases):
            data = dict(data)
            for old, new in aliases.items():
                if old in data and (new not in data or data[new] == data[old]):
                    data[new] = data.pop(old)
            # What is left under an old name conflicts with its new name (below).
        return handler(DjangoGetter(data, cls, info.context))

    def conflict(cls, value, info):
        new = aliases[info.field_name]
        raise PydanticCustomError(
            "alias_conflict",
            "「{old}」是「{new}」的旧名，两者同时给出且取值不同：只给「{new}」",
            {"old": info.field_name, "new": new},
        )

    return create_model(
        schema.__name__,
        __base__=schema,
        __validators__={
            "_run_root_validator": model_validator(mode="wrap")(_run_root_validator),
            "alias_conflict": field_validator(*aliases, mode="after")(conflict),
        },
        **fields,
    )


def masked(out_schema, model):
    """`out_schema` with the model's personal fields (`tables.personal_fields_of`) masked for a
    caller who may not read them in full (`tables.may_see_personal`) — the API's one home for
    the rule, applied by `crud_router` to every resource, so no schema masks by hand."""
    from pydantic import ValidationInfo, model_validator

    from zhenwu.core.tables import mask, may_see_personal, personal_fields_of, personal_kind

    fields = [f for f in sorted(personal_fields_of(model)) if f in out_schema.model_fields]
    if not fields or "mask_personal" in out_schema.__pydantic_decorators__.model_validators:
        return out_schema

    def mask_personal(self, info: ValidationInfo):
        request = (info.context or {}).get("request")
        if not may_see_personal(getattr(request, "auth", None)):
            for name in fields:
                value = getattr(self, name, None)
                if isinstance(value, str) and value:
                    setattr(self, name, mask(value, personal_kind(name)))
        return self

    return create_model(
        out_schema.__name__,
        __base__=out_schema,
        __validators__={"mask_personal": model_validator(mode="after")(mask_personal)},
    )


class Row(dict):
    """An output row read by `row_reader`: every value already as ninja's getter would give
    it, so the schema validates it as a plain mapping (in pydantic's core, no Python call per
    field)."""

    __slots__ = ()


def _converted(value):
    """What ninja's `DjangoGetter` makes of an attribute: managers and querysets as lists,
    callables called (`get_stage_display`), files as their URL."""
    if isinstance(value, models.Manager):
        return list(value.all())
    if isinstance(value, models.QuerySet):
        return list(value)
    if callable(value):
        return value()
    if isinstance(value, models.fields.files.FieldFile):
        return value.url if value else None
    return value


def row_reader(schema):
    """`obj -> Row` for a list of `schema`, or None where the schema needs ninja's getter
    (a resolver that takes the request context, a dotted alias). Reading each field once, by
    a getter compiled here, is what makes a 50-row list cost little more than its query: the
    generic getter looks up resolvers and converts every one of 40 fields × 50 rows."""
    from operator import attrgetter

    resolvers = getattr(schema, "_ninja_resolvers", {})
    steps = []
    for name, field in schema.model_fields.items():
        key = field.validation_alias or field.alias or name
        if not isinstance(key, str) or "." in key:
            return None
        resolver = resolvers.get(key)
        if resolver is not None:
            if resolver._takes_context or not resolver._static:
                return None
            steps.append((key, resolver._func, False))
        else:
            steps.append((key, attrgetter(key), True))

    def read(obj) -> Row:
        row = Row()
        for key, get, convert in steps:
            try:
                value = get(obj)
            except AttributeError:
                continue  # missing, as for ninja's getter: the field's default or a 422
            if convert and (callable(value) or isinstance(value, models.fields.files.FieldFile)):
                value = _converted(value)
            row[key] = value
        return row

    return read


def with_row_input(schema):
    """`schema`, validating a `Row` directly; any other input is wrapped in ninja's per-field
    getter, as ninja's own root validator (which this one replaces by name) does."""
    from ninja.schema import DjangoGetter
    from pydantic import model_validator

    def _run_root_validator(cls, values, handler, info):
        if type(values) is Row:
            return handler(values)
        config = cls.model_config
        if config.get("extra") == "forbid" or config.get("validate_assignment", False):
            handler(values)
        return handler(DjangoGetter(values, cls, info.context))

    return create_model(
        schema.__name__,
        __base__=schema,
        __validators__={"_run_root_validator": model_validator(mode="wrap")(_run_root_validator)},
    )


class TimelineEventOut(Schema):
    """One step of any timeline (`core.timeline.TimelineEvent`): a task's 督办环节, an
    enterprise's 入库进程, an investment's 项目动态 — the same keys for all three. `details`
    holds the subclass's own columns (`new_deadline`; `from_status`/`to_status`;
    `from_stage`/`to_stage`)."""

    id: int
    kind: str
    kind_label: str
    headline: str
    on_date: date
    recorded_at: datetime
    actor_id: int | None
    actor: str | None
    note: str
    details: dict[str, Any]

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_headline(obj) -> str:
        return str(obj.headline)

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor_name or None

    @staticmethod
    def resolve_details(obj) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in obj.own_fields}
