"""API plumbing shared by every module: bearer-token auth, the scoping gate, error shapes,
and a generic CRUD router so each model gets its API from a few lines."""

# No `from __future__ import annotations`: django-ninja reads the handlers' annotations at
# runtime (`payload: in_schema` is a closure variable, `datetime` a module global).

from datetime import date, timedelta
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf
from pydantic import create_model

from zhenwu.core import scoping, services
from zhenwu.core.actor import Actor, Source, _current
from zhenwu.core.api_schemas import masked, row_reader, with_row_input
from zhenwu.core.models import ApiToken

TOKEN_USE_SECONDS = 60  # a token's last use is recorded at most once a minute


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` from POST /api/v1/auth/token; a signed-in browser
    session works too (same-origin pages call the API), with CSRF enforced by ninja."""

    def authenticate(self, request, token):
        digest = ApiToken.hash(token)
        row = ApiToken.objects.select_related("user").filter(digest=digest).first()
        if row is None or row.expires_at <= timezone.now() or not row.user.is_active:
            return None
        now = timezone.now()
        if (
            row.last_used_at is None
            or (now - row.last_used_at).total_seconds() >= TOKEN_USE_SECONDS
        ):
            # At most one write a minute per token, and a conditional one: of several
            # concurrent requests only one updates; the rest read only (issue 9).
            stale = Q(last_used_at__isnull=True) | Q(
                last_used_at__lt=now - timedelta(seconds=TOKEN_USE_SECONDS)
            )
            ApiToken.objects.filter(stale, pk=row.pk).update(last_used_at=now)
        request.user = row.user
        _current.set(Actor(user=row.user, source=Source.API))
        return row.user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session (same-origin pages call the API). A plain function would
    skip CSRF (ninja's views are csrf_exempt), so unsafe methods check the CSRF token here —
    only when a session user is present, so a token client with a bad token still gets 401."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "CSRF 校验失败：请刷新页面后重试。")
        _current.set(Actor(user=user, source=Source.API))
        return user


session_auth = SessionAuth()


MAX_OFFSET = 2**31 - 1  # far beyond any list; a larger offset is a 422, not an overflow (500)
MAX_ID = 2**63 - 1  # the largest id a database column holds


class Pagination(LimitOffsetPagination):
    """`{"items": [...], "count": n}` with `?limit=&offset=` (DESIGN.md). Both bounded, and
    the bounds are in the OpenAPI: `?offset=9223372036854775808` answers 422, not 500."""

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, *, reader=None, **kwargs):
        super().__init__(**kwargs)
        self.reader = reader  # `api_schemas.row_reader` of the list's schema, if it has one

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        if self.reader is not None:
            page[self.items_attribute] = [self.reader(obj) for obj in page[self.items_attribute]]
        return page


def filter_schema(model, filters: dict[str, str], name: str):
    """The typed query parameters of a list's filters (`{param: ORM lookup}`): an id or a
    year that is not a number answers 422 naming the parameter, and the OpenAPI declares
    each filter with its type."""
    fields = {}
    for param, lookup in filters.items():
        fields[param] = (_filter_type(model, lookup) | None, Field(None))
    return create_model(name, __base__=Schema, **fields)


def _filter_type(model, lookup: str):
    parts = lookup.split("__")
    if parts[-1] in ("year",):
        return Annotated[int, Field(ge=1, le=9999)]
    field = None
    current = model
    for part in parts:
        field = current._meta.get_field(part)
        if field.is_relation and field.related_model is not None and part != parts[-1]:
            current = field.related_model
    if field.is_relation or isinstance(field, models.AutoField | models.IntegerField):
        return Annotated[int, Field(ge=-MAX_ID, le=MAX_ID)]
    if isinstance(field, models.BooleanField):
        return bool
    if isinstance(field, models.DateField):
        return date
    return str


class ErrorOut(Schema):
    detail: Any


def get_scoped(model, request, pk, action=scoping.VIEW):
    obj = scoping.restrict(model.objects.all(), request.auth, action).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


VERSION_REQUIRED = {
    "field": "version",
    "message": "缺少必填字段「version」：请带上读取记录时的版本号，以免覆盖他人的修改",
}


def validation_detail(exc: ValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": m} for field, errs in exc.message_dict.items() for m in errs
        ]
    return [{"field": None, "message": m} for m in exc.messages]


def crud_router(
    model,
    *,
    out_schema,
    in_schema=None,
    patch_schema=None,
    queryset=None,
    tags=None,
    create=None,
    update=None,
    filters: dict | None = None,
) -> Router:
    """List/detail (+ create/update/delete when an input schema is given) for one model,
    every call through `restrict()`. `create(request, data) -> obj` and
    `update(request, obj, data) -> obj` default to the generic services."""
    router = Router(tags=tags or [str(model._meta.verbose_name)])
    out_schema = masked(out_schema, model)
    reader = row_reader(out_schema)  # lists read each row's fields once (see api_schemas)
    if reader is not None:
        out_schema = with_row_input(out_schema)

    def base(request, action=scoping.VIEW) -> QuerySet:
        qs = queryset() if queryset else model.objects.all()
        return scoping.restrict(qs, request.auth, action)

    op = model._meta.model_name  # unique operation ids: "investment_list", "village_update" …
    filter_model = filter_schema(model, filters, f"{model.__name__}Filters") if filters else None

    def filtered(request, given) -> QuerySet:
        qs = base(request)
        for param, lookup in (filters or {}).items():
            value = getattr(given, param, None) if given is not None else None
            if value is not None and value != "":
                qs = qs.filter(**{lookup: value})
        return qs

    if filter_model is not None:

        @router.get("", response=list[out_schema], operation_id=f"{op}_list")
        @paginate(Pagination, reader=reader)
        def list_items(request, filters: Query[filter_model], **kwargs):
            return filtered(request, filters)

    else:

        @router.get("", response=list[out_schema], operation_id=f"{op}_list")
        @paginate(Pagination, reader=reader)
        def list_items(request, **kwargs):
            return filtered(request, None)

    @router.get("/{int:pk}", response={200: out_schema, 404: ErrorOut}, operation_id=f"{op}_get")
    def get_item(request, pk: int):
        obj = base(request).filter(pk=pk).first()
        if obj is None:
            return Status(404, {"detail": "未找到"})
        return obj

    if in_schema is not None:

        @router.post(
            "",
            response={201: out_schema, 404: ErrorOut, 422: ErrorOut},
            operation_id=f"{op}_create",
        )
        def create_item(request, payload: in_schema):
            if not scoping.can_write_model(request.auth, model):
                return Status(404, {"detail": "未找到"})
            data = payload.dict(exclude_unset=True)
            try:
                with transaction.atomic():
                    obj = (create or _default_create(model))(request, data)
                    # Still the writer's after the save, checked before the commit.
                    services.check_saved_in_scope(obj, request.auth)
            except ValidationError as exc:
                return Status(422, {"detail": validation_detail(exc)})
            return Status(201, obj)

        @router.patch(
            "/{int:pk}",
            response={200: out_schema, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
            operation_id=f"{op}_update",
        )
        def update_item(request, pk: int, payload: patch_schema or in_schema):
            obj = base(request, scoping.CHANGE).filter(pk=pk).first()
            if obj is None:
                return Status(404, {"detail": "未找到"})
            data = payload.dict(exclude_unset=True)
            version = data.pop("version", None)
            if version is None:
                # Without the version read, two clients would overwrite each other silently.
                # Derived PATCH schemas require it (a missing one is refused at validation with
                # the same words); this guards a module's own patch schema or `"version": null`.
                return Status(422, {"detail": [VERSION_REQUIRED]})
            try:
                with transaction.atomic():
                    obj = (update or _default_update)(request, obj, data, version)
                    services.check_saved_in_scope(obj, request.auth)
            except services.StaleEdit as exc:
                return Status(409, {"detail": str(exc)})
            except ValidationError as exc:
                return Status(422, {"detail": validation_detail(exc)})
            return obj

        @router.delete(
            "/{int:pk}",
            response={204: None, 404: ErrorOut, 409: ErrorOut},
            operation_id=f"{op}_delete",
        )
        def delete_item(request, pk: int):
            obj = base(request, scoping.DELETE).filter(pk=pk).first()
            if obj is None:
                return Status(404, {"detail": "未找到"})
            try:
                services.soft_delete(obj, acting_user=request.auth)
            except services.StillReferenced as exc:
                return Status(409, {"detail": str(exc)})
            return Status(204, None)

    return router


def related_choice(user, model, field, value, *, obj=None, town=None):
    """The related record a body names by id for `model.field`, if `user` may use it — the same
    gate as the form's choices: villages the user may attach records to, people through
    `core.people`, everything else through `restrict()`. Otherwise a ValidationError naming
    the field (422)."""
    from zhenwu.core import people
    from zhenwu.core.models import User, Village

    if value is None:
        return None
    related = field.related_model
    current = getattr(obj, field.attname, None) if obj is not None else None
    if related is User:
        return people.pick(user, model, field.name, value, town=town, current=current)
    if related is Village:
        qs = scoping.allowed_villages(user)
        message = "村（社区）不存在或不在您的管辖范围"
    else:
        manager = getattr(related, "objects", related._default_manager)
        qs = scoping.restrict(manager.all(), user, scoping.VIEW)
        message = f"{related._meta.verbose_name}不存在或不在您的管辖范围"
    pk = getattr(value, "pk", value)
    found = qs.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field.name: f"{message}（{pk}）"})
    return found


def resolve_relations(user, model, data: dict, *, obj=None) -> dict:
    """Turn the foreign-key ids of an API body (`village`, `village_id` …) into records the
    user may use (`related_choice`); a bad one is a 422 naming its field."""
    from django.core.exceptions import FieldDoesNotExist

    town = obj.town_id if obj is not None and hasattr(obj, "town_id") else user.town_id
    out = {}
    for name, value in data.items():
        try:
            f = model._meta.get_field(name)
        except FieldDoesNotExist:
            f = next((x for x in model._meta.concrete_fields if x.attname == name), None)
        if f is None or not f.is_relation or f.many_to_many or f.one_to_many:
            out[name] = value
            continue
        if f.name == "town":
            raise ValidationError({name: "乡镇由系统按您的账号确定，不能指定"})
        out[f.name] = related_choice(user, model, f, value, obj=obj, town=town)
    return out


def _default_create(model):
    def create(request, data):
        data = resolve_relations(request.auth, model, data)
        return services.create_object(
            model, town=request.auth.town, data=data, acting_user=request.auth
        )

    return create


def _default_update(request, obj, data, version):
    data = resolve_relations(request.auth, obj.__class__, data, obj=obj)
    return services.update_object(
        obj, data=data, acting_user=request.auth, expected_version=version
    )
