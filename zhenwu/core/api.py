"""The platform's API: tokens, villages, departments, the change log, and the ID tool."""

# No `from __future__ import annotations`: django-ninja reads the handlers' annotations at
# runtime (`payload: in_schema` is a closure variable, `datetime` a module global).

from datetime import datetime
from typing import Literal

from django.contrib.auth import authenticate
from django.contrib.contenttypes.models import ContentType
from django.http import QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from zhenwu.core import idnumbers, scoping
from zhenwu.core.api_base import ErrorOut, Pagination, crud_router
from zhenwu.core.api_schemas import model_schemas
from zhenwu.core.changelog_read import masked_values, present
from zhenwu.core.models import ApiToken, Department, ObjectChange, Village
from zhenwu.core.paging import page_keys, rows_by_key

auth_router = Router(tags=["认证"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: datetime


@auth_router.post("/token", auth=None, response={200: TokenOut, 401: ErrorOut, 429: ErrorOut})
def issue_token(request, payload: TokenIn):
    """Exchange a username and password for a bearer token."""
    try:
        request.POST  # noqa: B018  (the lockout reads it; a malformed form body is no 500)
    except MultiPartParserError:
        request._post, request._files = QueryDict(), MultiValueDict()
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        return Status(401, {"detail": "用户名或密码错误"})
    raw = ApiToken.issue(user)
    row = ApiToken.objects.get(digest=ApiToken.hash(raw))
    return {"token": raw, "expires_at": row.expires_at}


# A village's surface is the model's (the demo-name marker is the demo's, read-only here),
# with the kind's label computed.
VillageOut, VillageIn, VillagePatch = model_schemas(
    Village,
    read_only=("is_demo_name",),
    extra_out={"kind_label": (str, lambda obj: obj.get_kind_display(), "类型名称")},
)

villages_router = crud_router(
    Village,
    out_schema=VillageOut,
    in_schema=VillageIn,
    patch_schema=VillagePatch,
    tags=["村（社区）"],
    filters={"kind": "kind"},
)


DepartmentOut = model_schemas(Department)[0]

departments_router = crud_router(Department, out_schema=DepartmentOut, tags=["部门"])


class FieldChangeOut(Schema):
    field: str
    label: str
    before: str | None
    after: str | None
    summary: str | None = None


class ChangeOut(Schema):
    """One entry. `before`/`after` are the stored values (for machines; personal numbers
    masked unless the caller may see them); `changes` are the changed fields as people read
    them: labels, choice labels, 是/否, local times, related records by name."""

    id: int
    time: datetime
    user: str = Field(..., alias="user_name")
    source: str
    action: str
    model: str = Field(..., alias="content_type.model")
    app: str = Field(..., alias="content_type.app_label")
    object_id: int
    object_repr: str
    town_id: int | None
    village_id: int | None
    changed_fields: list[str]
    before: dict | None
    after: dict | None
    changes: list[FieldChangeOut]

    @staticmethod
    def resolve_before(obj, context):
        return masked_values(obj, obj.before, context["request"].auth)

    @staticmethod
    def resolve_after(obj, context):
        return masked_values(obj, obj.after, context["request"].auth)

    @staticmethod
    def resolve_changes(obj):
        return [c.as_dict() for c in obj.display_changes]


class ChangePagination(Pagination):
    """A page of entries, presented for the caller in bulk (related names: one query per
    related model, not per entry)."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        # The page's keys and the total in one query, then the rows by key (core/paging.py).
        keys, total = page_keys(queryset, pagination.offset, pagination.limit)
        if total is None:  # past the end, or nothing matches
            total = self._items_count(queryset)
        items = rows_by_key(queryset, keys)
        return {self.items_attribute: present(items, request.auth), "count": total}


change_router = Router(tags=["变更记录"])


@change_router.get("", response=list[ChangeOut])
@paginate(ChangePagination)
def change_log(
    request,
    model: str | None = None,
    object_id: int | None = None,
    action: str | None = None,
    since: datetime | None = None,
    **kwargs,
):
    """The global change log, newest first, filtered to what the caller may see."""
    if since is not None and not 1900 <= since.year <= 2200:
        # 0001-01-01 cannot be converted to the database's time zone (was a 500).
        raise HttpError(422, "since 超出范围，应在 1900—2200 年之间（YYYY-MM-DDTHH:MM:SS）")
    qs = ObjectChange.objects.select_related("content_type")
    if model:
        # Narrowed before the gate, so that it checks this model's records only.
        qs = qs.about(ContentType.objects.filter(model=model.lower()))
    qs = scoping.restrict(qs, request.auth)
    if object_id is not None:
        qs = qs.filter(object_id=object_id)
    if action:
        qs = qs.filter(action=action)
    if since:
        qs = qs.filter(time__gte=since)
    return qs


tools_router = Router(tags=["工具"])


class ValidateIdIn(Schema):
    kind: Literal["resident_id", "uscc"]
    value: str


class ValidateIdOut(Schema):
    valid: bool
    errors: list[str]
    warnings: list[str]


@tools_router.post("/validate-id", response=ValidateIdOut)
def validate_id(request, payload: ValidateIdIn):
    """Check a 公民身份号码 (GB 11643-1999) or 统一社会信用代码 (GB 32100-2015). Stores nothing."""
    if payload.kind == "resident_id":
        result = idnumbers.validate_resident_id(payload.value, today=timezone.localdate())
    else:
        result = idnumbers.validate_uscc(payload.value)
    return {"valid": result.valid, "errors": result.errors, "warnings": result.warnings}
