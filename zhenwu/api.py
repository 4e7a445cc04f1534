"""The JSON API under /api/v1/ (django-ninja). OpenAPI at /api/v1/openapi.json, docs at
/api/v1/docs (served from this host). Every module adds its routers here."""

from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from zhenwu.core import asof
from zhenwu.core.api import (
    auth_router,
    change_router,
    departments_router,
    tools_router,
    villages_router,
)
from zhenwu.core.api_base import TokenAuth, session_auth
from zhenwu.core.asof import AsOfError
from zhenwu.enterprises.api import router as enterprises_router
from zhenwu.investment.api import router as investment_router
from zhenwu.labor.api import router as labor_router
from zhenwu.plan.api import router as plan_router
from zhenwu.projects.api import router as projects_router

api = NinjaAPI(
    title="镇务 API",
    version="1",
    description="乡镇工作计划指挥平台接口。先 POST /api/v1/auth/token 取得令牌，再以 Authorization: Bearer <token> 调用。",
    auth=[TokenAuth(), session_auth],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "未找到"}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": "未找到"}, status=404)


@api.exception_handler(DataError)
def bad_data(request, exc):
    # A value the database refuses (a NUL character, a number out of range): the caller's
    # input, not a server fault.
    return api.create_response(
        request,
        {"detail": [{"field": None, "message": "数据无效：含非法字符或超出范围"}]},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    return api.create_response(request, {"detail": "未登录或令牌无效"}, status=401)


@api.exception_handler(AsOfError)
def unreadable_as_of(request, exc):
    """One answer for an unreadable `?as_of=` on every endpoint (core.asof)."""
    return api.create_response(
        request, {"detail": [{"field": "as_of", "message": str(exc)}]}, status=422
    )


@api.exception_handler(ValidationError)
def invalid(request, exc):
    details = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")]
        message = _zh(err)
        if loc == [asof.PARAM] and err.get("type", "").startswith("date"):
            # the same words as every other door (core.asof)
            message = asof.error_message(request.GET.get(asof.PARAM, ""))
        details.append({"field": ".".join(loc) or None, "message": message})
    return api.create_response(request, {"detail": details}, status=422)


def _zh(err) -> str:
    kind = err.get("type", "")
    field = ".".join(str(p) for p in err.get("loc", [])[-1:])
    messages = {
        "missing": f"缺少必填字段「{field}」",
        "int_parsing": f"字段「{field}」应为整数",
        "float_parsing": f"字段「{field}」应为数字",
        "date_from_datetime_parsing": f"字段「{field}」应为日期 YYYY-MM-DD",
        "date_parsing": f"字段「{field}」应为日期 YYYY-MM-DD",
        "literal_error": f"字段「{field}」取值无效",
        "string_type": f"字段「{field}」应为文本",
        "bool_parsing": f"字段「{field}」应为 true/false",
        "json_invalid": "请求体不是有效的 JSON",
    }
    return messages.get(kind, f"字段「{field}」无效：{err.get('msg', '')}")


api.add_router("/auth", auth_router)
api.add_router("/villages", villages_router)
api.add_router("/departments", departments_router)
api.add_router("/change-log", change_router)
api.add_router("/tools", tools_router)

# Each module's router declares its own paths (plural nouns, DESIGN.md "Interfaces").
api.add_router("", plan_router)
api.add_router("", investment_router)
api.add_router("", enterprises_router)
api.add_router("", projects_router)
api.add_router("", labor_router)
