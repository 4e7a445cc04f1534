"""招商引资 API (mounted at /api/v1/): investments CRUD through `restrict()`, the stage move,
monthly funds received, follow-ups and the timeline. Errors are `{"detail": ...}`; validation
errors are 422 with Chinese messages naming the field."""
# No `from __future__ import annotations`: django-ninja reads the annotations at runtime.

from datetime import date as Date

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from zhenwu.core import scoping, timeline
from zhenwu.core.api_base import ErrorOut, Pagination, crud_router, validation_detail
from zhenwu.core.api_schemas import TimelineEventOut, model_schemas
from zhenwu.core.importing.parsers import CellError, parse_month
from zhenwu.core.models import Department
from zhenwu.core.services import StaleEdit
from zhenwu.investment import services
from zhenwu.investment.models import (
    FollowUp,
    FundsReceipt,
    Investment,
    InvestmentEvent,
    InvestmentSettings,
)
from zhenwu.investment.selectors import with_flags

router = Router(tags=["招商引资"])


def _above_100m(obj):
    from zhenwu.investment.rules import is_above_100m

    return is_above_100m(obj.planned_total_wan)


# The investment's surface is the model's; termination goes through `/stage` (read-only
# here), and the stage's label, the 亿元 flag, the size band and the warnings are computed.
InvestmentOut, InvestmentIn, InvestmentPatch = model_schemas(
    Investment,
    read_only=("terminated_on", "termination_reason"),
    extra_out={
        "stage_label": (str, lambda obj: obj.get_stage_display(), "阶段名称"),
        "above_100m": (bool, _above_100m, "亿元以上项目"),
        "size_band": (str | None, lambda obj: obj.size_band, "规模档次"),
        "flags": (list[str], lambda obj: [key for key, _, _ in obj.flags()], "提示"),
    },
)


TEXT_FIELDS = {
    f.name
    for f in Investment._meta.concrete_fields
    if f.get_internal_type() in ("CharField", "TextField")
}


def _resolve_relations(user, data: dict, current: dict | None = None) -> dict:
    """Turn `*_id` inputs into objects the user may use; anything else is a 422 naming it."""
    from zhenwu.core import people

    current = current or {}
    out = {}
    for name, value in data.items():
        if name in TEXT_FIELDS and value is None:
            value = ""  # null text means empty
        if not name.endswith("_id"):
            out[name] = value
            continue
        field = name.removesuffix("_id")
        if value is None:
            out[field] = None
            continue
        if field == "village":
            obj = scoping.allowed_villages(user).filter(pk=value).first()
            message = "找不到该村（社区），或不在您的管辖范围"
        elif field == "leader":
            obj = (
                people.eligible(user, people.LEADER, keep=current.get("leader"))
                .filter(pk=value)
                .first()
            )
            message = "找不到该包保领导（须为本镇在职的领导）"
        elif field == "department":
            obj = scoping.restrict(Department.objects.all(), user).filter(pk=value).first()
            message = "找不到该责任单位"
        elif field == "original":
            obj = scoping.restrict(Investment.objects.all(), user).filter(pk=value).first()
            message = "找不到原项目"
        else:
            raise ValidationError({name: "未知字段"})
        if obj is None:
            raise ValidationError({name: f"{message}（{value}）"})
        out[field] = obj
    return out


def _create(request, data):
    data = _resolve_relations(request.auth, data)
    return services.create_investment(town=request.auth.town, data=data, acting_user=request.auth)


def _update(request, obj, data, version):
    data = _resolve_relations(request.auth, data, {"leader": obj.leader_id})
    return services.update_investment(
        obj, data=data, acting_user=request.auth, expected_version=version
    )


router.add_router(
    "/investments",
    crud_router(
        Investment,
        out_schema=InvestmentOut,
        in_schema=InvestmentIn,
        patch_schema=InvestmentPatch,
        queryset=lambda: with_flags(
            Investment.objects.select_related("village", "leader")
        ).order_by("-signed_on", "-id"),
        tags=["招商引资"],
        create=_create,
        update=_update,
        filters={
            "stage": "stage",
            "year": "signed_on__year",
            "project_type": "project_type",
            "village": "village_id",
        },
    ),
)


def _changeable(request, pk) -> Investment:
    obj = scoping.restrict(Investment.objects.all(), request.auth, scoping.CHANGE).filter(pk=pk)
    obj = obj.first()
    if obj is None:
        raise Http404
    return obj


def _visible(request, pk) -> Investment:
    obj = scoping.restrict(Investment.objects.all(), request.auth).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


class StageIn(Schema):
    stage: str
    date: Date | None = None  # `Date`: this field name shadows the type in the class body
    reason: str | None = None
    version: int | None = None


@router.post(
    "/investments/{int:pk}/stage",
    response={200: InvestmentOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def move_stage(request, pk: int, payload: StageIn):
    """Move the project forward (or to 终止 with a reason). Backwards moves answer 422."""
    obj = _changeable(request, pk)
    try:
        return services.move_stage(
            obj,
            payload.stage,
            payload.date,
            request.auth,
            reason=payload.reason,
            expected_version=payload.version,
        )
    except StaleEdit as exc:
        return Status(409, {"detail": str(exc)})
    except ValidationError as exc:
        return Status(422, {"detail": validation_detail(exc)})


# One month's funds of an investment (its path names the investment); `month` is read as
# "2025-03" or "2025-03-01" by the ledgers' month parser, hence text on input.
FundsOut, FundsIn = model_schemas(FundsReceipt, read_only=("investment",), types={"month": str})[:2]


@router.get("/investments/{int:pk}/funds", response=list[FundsOut])
@paginate(Pagination)
def list_funds(request, pk: int):
    obj = _visible(request, pk)
    return scoping.restrict(FundsReceipt.objects.filter(investment=obj), request.auth).order_by(
        "month"
    )


@router.post("/investments/{int:pk}/funds", response={201: FundsOut, 404: ErrorOut, 422: ErrorOut})
def add_funds(request, pk: int, payload: FundsIn):
    """Record (or replace) one month's 到位资金. `month`: "2025-03" or "2025-03-01"."""
    obj = _changeable(request, pk)
    try:
        month = parse_month(payload.month)
    except CellError as exc:
        return Status(422, {"detail": [{"field": "month", "message": f"月份：{exc}"}]})
    if month is None:
        return Status(422, {"detail": [{"field": "month", "message": "月份不能为空"}]})
    try:
        receipt = services.record_funds(
            obj,
            month=month,
            amount_wan=payload.amount_wan,
            out_of_province_wan=payload.out_of_province_wan,
            note=payload.note or "",
            acting_user=request.auth,
        )
    except ValidationError as exc:
        return Status(422, {"detail": validation_detail(exc)})
    return Status(201, receipt)


FollowUpOut, FollowUpIn = model_schemas(FollowUp, read_only=("investment", "by"))[:2]


@router.get("/investments/{int:pk}/follow-ups", response=list[FollowUpOut])
@paginate(Pagination)
def list_follow_ups(request, pk: int):
    obj = _visible(request, pk)
    return scoping.restrict(FollowUp.objects.filter(investment=obj), request.auth)


@router.post(
    "/investments/{int:pk}/follow-ups",
    response={201: FollowUpOut, 404: ErrorOut, 422: ErrorOut},
)
def add_follow_up(request, pk: int, payload: FollowUpIn):
    obj = _changeable(request, pk)
    try:
        follow_up = services.add_follow_up(
            obj,
            on_date=payload.on_date,
            note=payload.note,
            next_on=payload.next_on,
            acting_user=request.auth,
        )
    except ValidationError as exc:
        return Status(422, {"detail": validation_detail(exc)})
    return Status(201, follow_up)


@router.get("/investments/{int:pk}/events", response=list[TimelineEventOut])
@paginate(Pagination)
def list_events(request, pk: int):
    """The project timeline (项目动态), newest first."""
    obj = _visible(request, pk)
    return (
        InvestmentEvent.objects.filter(investment=obj)
        .select_related("actor")
        .order_by(*timeline.NEWEST_FIRST)
    )


_out, _in, _patch = model_schemas(InvestmentSettings)
router.add_router(
    "/investment-settings",
    crud_router(
        InvestmentSettings, out_schema=_out, in_schema=_in, patch_schema=_patch, tags=["招商引资"]
    ),
)
