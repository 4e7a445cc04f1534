"""API plumbing shared by every module: bearer-token auth, the scoping gate, error shapes,
and a generic CRUD router so each model gets its API from a few lines."""

# No `from __future__ import annotations`: django-ninja reads the handlers' annotations at
# runtime (`payload: in_schema` is a closure variable, `datetime` a module global).

from datetime import date, timedelta
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
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
        @paginate(Pagination)
        def list_items(request, filters: Query[filter_model], **kwargs):
            return filtered(request, filters)

    else:

        @router.get("", response=list[out_schema], operation_id=f"{op}_list")
        @paginate(Pagination)
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
                obj = (create or _default_create(model))(request, data)
            except ValidationError as exc:
                return Status(422, {"detail": validation_detail(exc)})
            if not scoping.can(request.auth, scoping.VIEW, obj):
                raise Http404
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
                return Status(422, {"detail": [VERSION_REQUIRED]})
            try:
                obj = (update or _default_update)(request, obj, data, version)
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


def _default_create(model):
    def create(request, data):
        fk = {}
        for name in list(data):
            f = model._meta.get_field(name)
            if f.is_relation and f.many_to_one:
                fk[f.attname] = data.pop(name)
        return services.create_object(
            model, town=request.auth.town, data={**data, **fk}, acting_user=request.auth
        )

    return create


def _default_update(request, obj, data, version):
    fixed = {}
    for name, value in data.items():
        f = obj._meta.get_field(name)
        fixed[f.attname if (f.is_relation and f.many_to_one) else name] = value
    return services.update_object(
        obj, data=fixed, acting_user=request.auth, expected_version=version
    )
