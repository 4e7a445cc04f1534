"""双征 API (mounted at /api/v1/): `land/campaigns` (+ `/{id}/schedule`, `/{id}/progress`),
`land/parcels`, `land/households` (+ `/{id}/advance`), `land/disputes`, `land/hearings`, `land/land-prices`,
`land/house-prices`; every call through `restrict()`, out of scope is 404. Resident IDs and
phones are masked for users who may not see personal numbers."""
# No `from __future__ import annotations`: django-ninja reads the annotations at runtime.

import datetime

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status

from zhenwu.core import asof, scoping
from zhenwu.core.api_base import ErrorOut, crud_router, resolve_relations, validation_detail
from zhenwu.core.api_schemas import model_schemas
from zhenwu.core.services import StaleEdit
from zhenwu.core.tables import mask, may_see_personal
from zhenwu.land import selectors, services
from zhenwu.land.models import (
    Campaign,
    Dispute,
    Hearing,
    Household,
    HousePrice,
    LandPriceZone,
    Parcel,
    SocialSecurityEntry,
)

TAGS = ["征地拆迁"]
router = Router(tags=TAGS)


def _viewer(context):
    request = context.get("request") if context else None
    return getattr(request, "auth", None)


def _masked(field, kind):
    def resolver(obj, context):
        value = getattr(obj, field)
        if value and not may_see_personal(_viewer(context)):
            return mask(value, kind)
        return value

    return staticmethod(resolver)


def _campaign_create(request, data):
    data = resolve_relations(request.auth, Campaign, data)
    return services.campaign_create(town=request.auth.town, data=data, acting_user=request.auth)


def _campaign_update(request, obj, data, version):
    """The same service as the form's edit: the statutory steps a campaign lacks are refilled."""
    data = resolve_relations(request.auth, Campaign, data, obj=obj)
    return services.campaign_update(
        obj, data=data, acting_user=request.auth, expected_version=version
    )


_c_out, _c_in, _c_patch = model_schemas(Campaign)
router.add_router(
    "/land/campaigns",
    crud_router(
        Campaign,
        out_schema=_c_out,
        in_schema=_c_in,
        patch_schema=_c_patch,
        tags=TAGS,
        create=_campaign_create,
        update=_campaign_update,
        filters={"project": "project_id", "investment": "investment_id"},
    ),
)

_p_out, _p_in, _p_patch = model_schemas(Parcel)
ParcelOut = type("ParcelOut", (_p_out,), {"resolve_contractor_id": _masked("contractor_id", "id")})
router.add_router(
    "/land/parcels",
    crud_router(
        Parcel,
        out_schema=ParcelOut,
        in_schema=_p_in,
        patch_schema=_p_patch,
        tags=TAGS,
        filters={
            "campaign": "campaign_id",
            "village": "village_id",
            "land_type": "land_type",
            "payment_status": "payment_status",
        },
    ),
)

_h_out, _h_in, _h_patch = model_schemas(Household)
HouseholdOut = type(
    "HouseholdOut",
    (_h_out,),
    {
        "__annotations__": {"open_dispute": bool},
        "open_dispute": False,
        "resolve_head_id": _masked("head_id", "id"),
        "resolve_phone": _masked("phone", "phone"),
        "resolve_open_dispute": staticmethod(lambda obj: bool(getattr(obj, "open_dispute", False))),
    },
)

router.add_router(
    "/land/households",
    crud_router(
        Household,
        out_schema=HouseholdOut,
        in_schema=_h_in,
        patch_schema=_h_patch,
        tags=TAGS,
        filters={"campaign": "campaign_id", "village": "village_id", "stage": "stage"},
    ),
)

for _model, _path, _filters in (
    (Dispute, "/land/disputes", {"household": "household_id", "status": "status"}),
    (Hearing, "/land/hearings", {"campaign": "campaign_id", "household": "household_id"}),
    (
        SocialSecurityEntry,
        "/land/social-security",
        {"campaign": "campaign_id", "household": "household_id", "status": "status"},
    ),
    (LandPriceZone, "/land/land-prices", {"zone_code": "zone_code"}),
    (HousePrice, "/land/house-prices", {"structure": "structure"}),
):
    _out, _in, _patch = model_schemas(_model)
    router.add_router(
        _path,
        crud_router(
            _model, out_schema=_out, in_schema=_in, patch_schema=_patch, tags=TAGS, filters=_filters
        ),
    )


class AdvanceIn(Schema):
    stage: str
    on: datetime.date
    version: int


@router.post(
    "/land/households/{int:pk}/advance",
    response={200: HouseholdOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    operation_id="household_advance",
)
def household_advance(request, pk: int, payload: AdvanceIn):
    """Move a household to its next stage (摸底 → 测绘评估 → 公示 → 签约 → 腾空 → 拆除 → 结算)."""
    h = (
        scoping.restrict(Household.objects.all(), request.auth, scoping.CHANGE)
        .filter(pk=pk)
        .first()
    )
    if h is None:
        return Status(404, {"detail": "未找到"})
    try:
        h = services.household_advance(
            h,
            stage=payload.stage,
            on=payload.on,
            acting_user=request.auth,
            expected_version=payload.version,
        )
    except StaleEdit as exc:
        return Status(409, {"detail": str(exc)})
    except ValidationError as exc:
        return Status(422, {"detail": validation_detail(exc)})
    return Household.objects.get(pk=h.pk)


class StepOut(Schema):
    key: str
    label: str
    duration: int
    calendar_days: bool
    legal_minimum: int
    late_start: datetime.date | None
    late_finish: datetime.date | None
    start: datetime.date | None
    finish: datetime.date | None
    critical: bool
    status: str


class ScheduleOut(Schema):
    handover_deadline: datetime.date
    latest_start: datetime.date | None
    forecast_finish: datetime.date | None
    days_short: int
    error: str
    steps: list[StepOut]


def _campaign(request, pk):
    return scoping.restrict(Campaign.objects.all(), request.auth).filter(pk=pk).first()


@router.get(
    "/land/campaigns/{int:pk}/schedule",
    response={200: ScheduleOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="campaign_schedule",
)
def campaign_schedule(request, pk: int, as_of: datetime.date | None = None):
    """The statutory steps scheduled backward from the 交地 deadline (working calendar)."""
    c = _campaign(request, pk)
    if c is None:
        return Status(404, {"detail": "未找到"})
    s = selectors.campaign_schedule(c, as_of=asof.parse(as_of))
    return {
        "handover_deadline": c.handover_deadline,
        "latest_start": s.plan_start,
        "forecast_finish": s.forecast_finish,
        "days_short": s.days_short,
        "error": s.error,
        "steps": [
            {
                "key": r.step.key,
                "label": r.label,
                "duration": r.step.duration,
                "calendar_days": r.calendar_days,
                "legal_minimum": r.floor,
                "late_start": r.late_start,
                "late_finish": r.late_finish,
                "start": r.start,
                "finish": r.finish,
                "critical": r.critical,
                "status": r.status,
            }
            for r in s.rows
        ],
    }


class ProgressOut(Schema):
    target_mu: float
    target_households: int
    area_mu: dict
    households: dict
    sign_rate: float | None
    vacate_rate: float | None
    committed_yuan: float
    paid_yuan: float
    working_days_left: int | None
    households_per_day_needed: float | None
    households_per_day_achieved: float | None


def _f(x):
    return None if x is None else float(x)


@router.get(
    "/land/campaigns/{int:pk}/progress",
    response={200: ProgressOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="campaign_progress",
)
def campaign_progress(request, pk: int, as_of: datetime.date | None = None):
    c = _campaign(request, pk)
    if c is None:
        return Status(404, {"detail": "未找到"})
    p = selectors.campaign_progress(c, as_of=asof.parse(as_of))
    return {
        "target_mu": float(p.target_mu),
        "target_households": p.target_households,
        "area_mu": {
            k: float(v) for k, v in p.parcels.items() if k not in ("committed", "money_paid")
        },
        "households": {
            k: v for k, v in p.households.items() if k not in ("committed", "money_paid")
        },
        "sign_rate": _f(p.sign_rate),
        "vacate_rate": _f(p.vacate_rate),
        "committed_yuan": float(p.committed),
        "paid_yuan": float(p.paid),
        "working_days_left": p.working_days_left,
        "households_per_day_needed": _f(p.rate_needed),
        "households_per_day_achieved": _f(p.rate_achieved),
    }
