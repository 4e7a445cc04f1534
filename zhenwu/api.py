"""The JSON API under /api/v1/ (django-ninja). OpenAPI at /api/v1/openapi.json, docs at
/api/v1/docs (served from this host). Every module adds its routers here."""

import re

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from zhenwu.agriculture.api import router as agriculture_router
from zhenwu.cadres.api import router as cadres_router
from zhenwu.core import asof
from zhenwu.core.api import (
    auth_router,
    change_router,
    departments_router,
    tools_router,
    villages_router,
)
from zhenwu.core.api_base import VERSION_REQUIRED, TokenAuth, session_auth, validation_detail
from zhenwu.core.asof import AsOfError
from zhenwu.enterprises.api import router as enterprises_router
from zhenwu.inspections.api import router as inspections_router
from zhenwu.investment.api import router as investment_router
from zhenwu.labor.api import router as labor_router
from zhenwu.land.api import router as land_router
from zhenwu.notices.api import router as notices_router
from zhenwu.plan.api import router as plan_router
from zhenwu.projects.api import router as projects_router

ERROR_CODES = {
    "401": "未登录或令牌无效",
    "403": "CSRF 校验失败（浏览器会话的写操作）",
    "404": "未找到，或不在您的管辖范围",
    "409": "版本冲突，或记录仍被引用",
    "422": "输入无效（detail 列出字段与中文原因）",
}


class ZhenwuAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Every status an operation can answer is declared, in the one error shape: 401 (no
        or bad token), 404 (out of scope, or a path id no record has), 422 (bad input, query
        parameters included), and for writes 403 (CSRF) and 409 (stale version, still
        referenced)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault(
            "ErrorOut",
            {"title": "ErrorOut", "type": "object", "properties": {"detail": {"title": "Detail"}},
             "required": ["detail"]},
        )  # fmt: skip
        ref = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for methods in schema.get("paths", {}).values():
            for method, operation in methods.items():
                # ninja keys declared responses by int (200, 401 …); one key per status, or
                # the JSON carries "401" twice and Swagger UI refuses the whole document.
                responses = {str(k): v for k, v in operation.get("responses", {}).items()}
                operation["responses"] = responses
                codes = ["401", "404", "422"]
                if method != "get":
                    codes += ["403", "409"]
                for code in codes:
                    responses.setdefault(code, {"description": ERROR_CODES[code], "content": ref})
        return schema


api = ZhenwuAPI(
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


@api.exception_handler(HttpError)
def http_error(request, exc):
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        # A body that is not JSON: the documented 422 shape, in Chinese (ninja: 400, English).
        return api.create_response(
            request,
            {"detail": [{"field": None, "message": "请求体不是有效的 JSON"}]},
            status=422,
        )
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


@api.exception_handler(OverflowError)
def overflow(request, exc):
    # An id or number beyond what the database holds (e.g. a team member id above 2⁶³).
    return api.create_response(
        request,
        {"detail": [{"field": None, "message": "数值超出范围"}]},
        status=422,
    )


@api.exception_handler(DjangoValidationError)
def django_invalid(request, exc):
    # A rule of the model or service refused the input where the handler did not catch it
    # (e.g. a NUL character in a text field): the caller's input, 422 naming the field.
    return api.create_response(request, {"detail": validation_detail(exc)}, status=422)


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


def _choice_message(err, field: str) -> str:
    """A value outside a field's choices: the value given and the ones allowed."""
    given = err.get("input")
    expected = str(err.get("ctx", {}).get("expected", ""))
    allowed = "、".join(re.findall(r"'([^']*)'", expected))
    message = (
        f"字段「{field}」取值「{given}」无效"
        if given not in (None, "")
        else f"字段「{field}」取值无效"
    )
    return f"{message}，可选：{allowed}" if allowed else message


def _zh(err) -> str:
    kind = err.get("type", "")
    field = ".".join(str(p) for p in err.get("loc", [])[-1:])
    if kind == "missing" and field == VERSION_REQUIRED["field"]:
        return VERSION_REQUIRED["message"]  # why it is required, not only that it is
    messages = {
        "missing": f"缺少必填字段「{field}」",
        "int_parsing": f"字段「{field}」应为整数",
        "float_parsing": f"字段「{field}」应为数字",
        "date_from_datetime_parsing": f"字段「{field}」应为日期 YYYY-MM-DD",
        "date_parsing": f"字段「{field}」应为日期 YYYY-MM-DD",
        "literal_error": _choice_message(err, field),
        "string_type": f"字段「{field}」应为文本",
        "bool_parsing": f"字段「{field}」应为 true/false",
        "finite_number": f"字段「{field}」应为有限的数",
        "greater_than_equal": f"字段「{field}」不能小于 {err.get('ctx', {}).get('ge')}",
        "less_than_equal": f"字段「{field}」不能大于 {err.get('ctx', {}).get('le')}",
        "enum": _choice_message(err, field),
        "int_from_float": f"字段「{field}」应为整数",
        "date_from_datetime_inexact": f"字段「{field}」应为日期 YYYY-MM-DD",
        "datetime_parsing": f"字段「{field}」应为日期时间 YYYY-MM-DDTHH:MM:SS",
        "datetime_from_date_parsing": f"字段「{field}」应为日期时间 YYYY-MM-DDTHH:MM:SS",
        "list_type": f"字段「{field}」应为列表",
        "dict_type": f"字段「{field}」应为对象",
        "model_attributes_type": "请求体应为 JSON 对象",
        "int_type": f"字段「{field}」应为整数",
        "float_type": f"字段「{field}」应为数字",
        "decimal_parsing": f"字段「{field}」应为数字",
        "decimal_type": f"字段「{field}」应为数字",
        "string_too_long": f"字段「{field}」过长",
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
api.add_router("", inspections_router)
api.add_router("", land_router)
api.add_router("", agriculture_router)
api.add_router("", cadres_router)
api.add_router("", notices_router)
