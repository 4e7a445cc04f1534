"""API plumbing shared by every module: bearer-token auth, the scoping gate, error shapes,
and a generic CRUD router so each model gets its API from a few lines."""

# No `from __future__ import annotations`: django-ninja reads the handlers' annotations at
# runtime (`payload: in_schema` is a closure variable, `datetime` a module global).

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from zhenwu.core import scoping, services
from zhenwu.core.actor import Actor, Source, _current
from zhenwu.core.models import ApiToken


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` from POST /api/v1/auth/token; a signed-in browser
    session works too (same-origin pages call the API), with CSRF enforced by ninja."""

    def authenticate(self, request, token):
        digest = ApiToken.hash(token)
        row = ApiToken.objects.select_related("user").filter(digest=digest).first()
        if row is None or row.expires_at <= timezone.now() or not row.user.is_active:
            return None
        now = timezone.now()
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
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


class Pagination(LimitOffsetPagination):
    """`{"items": [...], "count": n}` with `?limit=&offset=` (DESIGN.md)."""


class ErrorOut(Schema):
    detail: Any


def get_scoped(model, request, pk, action=scoping.VIEW):
    obj = scoping.restrict(model.objects.all(), request.auth, action).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


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

    @router.get("", response=list[out_schema])
    @paginate(Pagination)
    def list_items(request, **kwargs):
        qs = base(request)
        for param, lookup in (filters or {}).items():
            value = request.GET.get(param)
            if value not in (None, ""):
                qs = qs.filter(**{lookup: value})
        return qs

    @router.get("/{int:pk}", response={200: out_schema, 404: ErrorOut})
    def get_item(request, pk: int):
        obj = base(request).filter(pk=pk).first()
        if obj is None:
            return Status(404, {"detail": "未找到"})
        return obj

    if in_schema is not None:

        @router.post("", response={201: out_schema, 404: ErrorOut, 422: ErrorOut})
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
            "/{int:pk}", response={200: out_schema, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
        )
        def update_item(request, pk: int, payload: patch_schema or in_schema):
            obj = base(request, scoping.CHANGE).filter(pk=pk).first()
            if obj is None:
                return Status(404, {"detail": "未找到"})
            data = payload.dict(exclude_unset=True)
            version = data.pop("version", None)
            try:
                obj = (update or _default_update)(request, obj, data, version)
            except services.StaleEdit as exc:
                return Status(409, {"detail": str(exc)})
            except ValidationError as exc:
                return Status(422, {"detail": validation_detail(exc)})
            return obj

        @router.delete("/{int:pk}", response={204: None, 404: ErrorOut})
        def delete_item(request, pk: int):
            obj = base(request, scoping.DELETE).filter(pk=pk).first()
            if obj is None:
                return Status(404, {"detail": "未找到"})
            services.soft_delete(obj, acting_user=request.auth)
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
