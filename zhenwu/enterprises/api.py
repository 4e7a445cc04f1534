"""API of the enterprise module (mounted at the API root): the classification tool
`POST /tools/classify-enterprise` (pure, stores nothing), `/enterprises` CRUD, the pool and
entry-status moves, `/monthly-figures` list."""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from zhenwu.core import scoping, timeline
from zhenwu.core.api_base import ErrorOut, Pagination, crud_router, get_scoped, validation_detail
from zhenwu.core.api_schemas import FiniteFloat, TimelineEventOut, model_schemas
from zhenwu.enterprises import classification as cls
from zhenwu.enterprises import selectors, services
from zhenwu.enterprises.gb4754 import IndustryCodeError, parse_industry_code
from zhenwu.enterprises.models import (
    Enterprise,
    EntryEvent,
    EntryStatus,
    MonthlyFigure,
    PoolSetting,
    ThresholdRule,
)

router = Router(tags=["企业培育"])

# --- classification tool --------------------------------------------------------------------

# The shape: a section letter followed by 2, 3 or 4 digits (after NFKC and upper-case).
_TOOL_CODE = re.compile(r"[A-T]\d{2,4}")


class ClassifyIn(Schema):
    industry_code: str
    revenue_wan: FiniteFloat | None = None
    qualification: Literal["general", "specialty", "labor"] | None = None
    has_development_activity: bool = True
    year: int | None = None


class ClassifyOut(Schema):
    above_scale: bool
    category: str | None
    threshold_wan: float | None


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


@router.post(
    "/tools/classify-enterprise",
    response={200: ClassifyOut, 422: ErrorOut},
    summary="四上企业判定（纯计算，不存储）",
)
def classify_enterprise(request, payload: ClassifyIn):
    """Whether a unit is 四上 under the rule table of the caller's town (the defaults of
    domain-rules §1.1 when it has none). Out of every scope → `above_scale: false,
    category: null`; malformed or non-existent code → 422."""
    raw = unicodedata.normalize("NFKC", payload.industry_code or "").strip().upper()
    if not _TOOL_CODE.fullmatch(raw):
        return Status(
            422,
            {
                "detail": [
                    {
                        "field": "industry_code",
                        "message": f"行业代码「{payload.industry_code}」格式不正确："
                        "应为门类字母（A–T）加 2–4 位数字，例如 C2922、F52",
                    }
                ]
            },
        )
    try:
        code = parse_industry_code(raw)
    except IndustryCodeError as exc:
        return Status(422, {"detail": [{"field": "industry_code", "message": str(exc)}]})
    if payload.revenue_wan is not None and payload.revenue_wan < 0:
        return Status(
            422,
            {"detail": [{"field": "revenue_wan", "message": "营业收入（revenue_wan）不能为负数"}]},
        )
    year = payload.year if payload.year is not None else timezone.localdate().year
    if not 1900 <= year <= 2200:
        return Status(422, {"detail": [{"field": "year", "message": f"年份 {year} 无效"}]})
    rules = selectors.rules_for(getattr(request.auth, "town", None))
    revenue = None if payload.revenue_wan is None else Decimal(repr(payload.revenue_wan))
    result = cls.classify(
        code,
        revenue,
        qualification=payload.qualification,
        has_development_activity=payload.has_development_activity,
        year=year,
        rules=rules,
    )
    return {
        "above_scale": result.above_scale,
        "category": result.category,
        "threshold_wan": _number(result.threshold_wan),
    }


# --- enterprises --------------------------------------------------------------------------


# The enterprise's surface is the model's (entry status and its dates are moved by
# `/entry-status`, so read-only); the first API's `village`/`cadre` are deprecated aliases.
EnterpriseOut, EnterpriseIn, EnterprisePatch = model_schemas(
    Enterprise, aliases={"village": "village_id", "cadre": "cadre_id"}
)


def _fk_data(request, data: dict, obj=None) -> dict:
    from zhenwu.core import people

    current_cadre = obj.cadre_id if obj is not None else None
    out = dict(data)
    if "village_id" in out:
        vid = out.pop("village_id")
        village = None
        if vid is not None:
            village = scoping.allowed_villages(request.auth).filter(pk=vid).first()
            if village is None:
                raise ValidationError({"village_id": f"村（社区）{vid} 不存在或不在您的管辖范围"})
        out["village"] = village
    if "cadre_id" in out:
        uid = out.pop("cadre_id")
        cadre = None
        if uid is not None:
            cadre = people.pick(request.auth, Enterprise, "cadre", uid, current=current_cadre)
        out["cadre"] = cadre
    return out


def _create(request, data):
    return services.create_enterprise(
        town=request.auth.town, data=_fk_data(request, data), acting_user=request.auth
    )


def _update(request, obj, data, version):
    return services.update_enterprise(
        obj, data=_fk_data(request, data, obj), acting_user=request.auth, expected_version=version
    )


class PoolItemOut(Schema):
    id: int
    name: str
    category: str | None
    threshold_wan: float | None
    ytd_wan: float
    annualised_wan: float | None
    last_year_wan: float | None
    gap_wan: float | None
    forecast_month: str | None = Field(None, description="YYYY-MM")
    cadre_id: int | None
    next_deadline: datetime.date | None
    checklist_done: int
    checklist_total: int
    entry_status: str


class PoolOut(Schema):
    as_of: datetime.date
    items: list[PoolItemOut]
    count: int


@router.get("/enterprises/pool", response={200: PoolOut, 422: ErrorOut}, summary="四上培育库")
def enterprise_pool(request, as_of: datetime.date | None = None):
    from zhenwu.core import asof

    as_of = as_of and asof.check(as_of)  # out of range → 422 (AsOfError, zhenwu/api.py)
    user = request.auth
    if user.town is None:
        return {"as_of": as_of or timezone.localdate(), "items": [], "count": 0}
    as_of = as_of or selectors.as_of_default(user.town, timezone.localdate())
    members = selectors.pool(
        scoping.restrict(Enterprise.objects.all(), user), user.town, as_of=as_of
    )

    def f(v):
        return None if v is None else float(v)

    items = [
        {
            "id": m.enterprise.pk,
            "name": m.enterprise.name,
            "category": m.category,
            "threshold_wan": f(m.threshold_wan),
            "ytd_wan": float(m.ytd_wan),
            "annualised_wan": f(m.annualised_wan),
            "last_year_wan": f(m.last_year_wan),
            "gap_wan": f(m.gap_wan),
            "forecast_month": f"{m.forecast[0]}-{m.forecast[1]:02d}" if m.forecast else None,
            "cadre_id": m.enterprise.cadre_id,
            "next_deadline": m.deadline,
            "checklist_done": m.checklist_done,
            "checklist_total": m.checklist_total,
            "entry_status": m.entry_status,
        }
        for m in members
    ]
    return {"as_of": as_of, "items": items, "count": len(items)}


class EntryStatusIn(Schema):
    to_status: Literal[
        "papers_ready", "submitted", "approved", "reporting", "withdrawn", "candidate"
    ]
    date: datetime.date | None = None
    note: str = ""


@router.post(
    "/enterprises/{int:pk}/entry-status",
    response={200: EnterpriseOut, 404: ErrorOut, 422: ErrorOut},
    summary="推进入库状态",
)
def enterprise_entry_status(request, pk: int, payload: EntryStatusIn):
    ent = get_scoped(Enterprise, request, pk, scoping.CHANGE)
    try:
        services.move_entry_status(
            ent,
            EntryStatus(payload.to_status),
            acting_user=request.auth,
            on=payload.date,
            note=payload.note,
        )
    except ValidationError as exc:
        return Status(422, {"detail": validation_detail(exc)})
    return Enterprise.objects.get(pk=pk)


@router.get(
    "/enterprises/{int:pk}/events",
    response=list[TimelineEventOut],
    summary="入库进程",
)
@paginate(Pagination)
def enterprise_events(request, pk: int):
    """The firm's entry timeline (入库进程), oldest first — the order its page shows."""
    ent = get_scoped(Enterprise, request, pk)
    return scoping.restrict(
        EntryEvent.objects.filter(enterprise=ent).select_related("actor"), request.auth
    ).order_by(*timeline.ORDERING)


router.add_router(
    "/enterprises",
    crud_router(
        Enterprise,
        out_schema=EnterpriseOut,
        in_schema=EnterpriseIn,
        patch_schema=EnterprisePatch,
        tags=["企业培育"],
        create=_create,
        update=_update,
        filters={
            "village": "village_id",
            "entry_status": "entry_status",
            "is_waterproofing": "is_waterproofing",
        },
    ),
)


MonthlyFigureOut = model_schemas(MonthlyFigure)[0]


router.add_router(
    "/monthly-figures",
    crud_router(
        MonthlyFigure,
        out_schema=MonthlyFigureOut,
        tags=["企业培育"],
        filters={"enterprise": "enterprise_id"},
    ),
)


# --- plain CRUD: the rule table and the pool settings (schemas derived from the models) ------

for _model, _path in ((ThresholdRule, "/rules"), (PoolSetting, "/pool-settings")):
    _out, _in, _patch = model_schemas(_model)
    router.add_router(
        _path,
        crud_router(_model, out_schema=_out, in_schema=_in, patch_schema=_patch, tags=["企业培育"]),
    )
