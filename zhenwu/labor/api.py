"""劳务品牌 API (mounted at /api/v1/): `workers`, `trainings` (sessions, with their trainees),
`placements`, `certificates`, and plain CRUD of `training-bases`, `courses`, `enrollments` and `exams`
(schemas derived from the models), every call through `restrict()`. Resident IDs and phones are
masked for users who may not see personal numbers."""
# No `from __future__ import annotations`: django-ninja reads the annotations at runtime.

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Router, Schema

from zhenwu.core import scoping
from zhenwu.core.api_base import crud_router
from zhenwu.core.api_schemas import model_schemas
from zhenwu.labor import services
from zhenwu.labor.models import (
    Certificate,
    Course,
    Enrollment,
    Exam,
    Placement,
    Trade,
    TrainingBase,
    TrainingSession,
    Worker,
)

router = Router(tags=["劳务品牌"])

SKILL = Literal["", "5", "4", "3", "2", "1"]
DEST = Literal["", "town", "county", "province", "other_province", "abroad"]
BAND = Literal["", "lt3000", "3000_5000", "5000_8000", "8000_12000", "ge12000"]
STATUS = Literal["employed", "seeking", "self", "inactive"]


def _viewer(context):
    request = context.get("request") if context else None
    return getattr(request, "auth", None)


class WorkerOut(Schema):
    id: int
    name: str
    resident_id: str
    sex: str
    birth_date: datetime.date | None
    village_id: int | None
    phone: str
    trade_id: int | None
    trade: str | None
    skill_level: str
    employment_status: str
    employer: str
    work_place: str
    destination: str
    income_band: str
    note: str
    version: int

    @staticmethod
    def resolve_trade(obj):
        return obj.trade.name if obj.trade_id else None


class WorkerIn(Schema):
    name: str
    resident_id: str
    village: int | None = None
    phone: str = ""
    trade: int | None = None
    skill_level: SKILL = ""
    employment_status: STATUS = "seeking"
    employer: str = ""
    work_place: str = ""
    destination: DEST = ""
    income_band: BAND = ""
    note: str = ""


class WorkerPatch(Schema):
    version: int | None = None
    name: str | None = None
    resident_id: str | None = None
    village: int | None = None
    phone: str | None = None
    trade: int | None = None
    skill_level: SKILL | None = None
    employment_status: STATUS | None = None
    employer: str | None = None
    work_place: str | None = None
    destination: DEST | None = None
    income_band: BAND | None = None
    note: str | None = None


def _worker_fks(request, data: dict) -> dict:
    out = dict(data)
    if "village" in out:
        vid = out.pop("village")
        village = None
        if vid is not None:
            village = scoping.allowed_villages(request.auth).filter(pk=vid).first()
            if village is None:
                raise ValidationError({"village": f"村（社区）{vid} 不存在或不在您的管辖范围"})
        out["village"] = village
    if "trade" in out:
        tid = out.pop("trade")
        trade = None
        if tid is not None:
            trade = Trade.objects.filter(pk=tid, is_active=True).first()
            if trade is None:
                raise ValidationError({"trade": f"工种 {tid} 不存在"})
        out["trade"] = trade
    for k in ("resident_id", "phone"):
        if k in out and out[k] is None:
            out.pop(k)
    return out


def _create_worker(request, data):
    return services.worker_create(
        town=request.auth.town, data=_worker_fks(request, data), acting_user=request.auth
    )


def _update_worker(request, obj, data, version):
    return services.worker_update(
        obj, data=_worker_fks(request, data), acting_user=request.auth, expected_version=version
    )


router.add_router(
    "/workers",
    crud_router(
        Worker,
        out_schema=WorkerOut,
        in_schema=WorkerIn,
        patch_schema=WorkerPatch,
        queryset=lambda: Worker.objects.select_related("trade"),
        tags=["劳务品牌"],
        create=_create_worker,
        update=_update_worker,
        filters={
            "village": "village_id",
            "skill_level": "skill_level",
            "employment_status": "employment_status",
            "destination": "destination",
        },
    ),
)


class TraineeOut(Schema):
    worker_id: int
    attendance: str
    hours_attended: Decimal | None


class TrainingOut(Schema):
    id: int
    name: str
    course_id: int
    course: str
    base_id: int | None
    start_date: datetime.date
    end_date: datetime.date
    trainer: str
    hours: Decimal
    place: str
    capacity: int | None
    trainees: list[TraineeOut]
    version: int

    @staticmethod
    def resolve_course(obj):
        return obj.course.name

    @staticmethod
    def resolve_trainees(obj, context):
        user = _viewer(context)
        return list(
            scoping.restrict(Enrollment.objects.filter(session=obj), user)
            .order_by("pk")
            .values("worker_id", "attendance", "hours_attended")
        )


class TrainingIn(Schema):
    name: str
    course_id: int
    base_id: int | None = None
    start_date: datetime.date
    end_date: datetime.date
    trainer: str = ""
    hours: Decimal
    place: str = ""
    capacity: int | None = None
    note: str = ""


class TrainingPatch(Schema):
    version: int | None = None
    name: str | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    trainer: str | None = None
    hours: Decimal | None = None
    place: str | None = None
    capacity: int | None = None
    note: str | None = None


def _create_training(request, data):
    from zhenwu.core import services as core
    from zhenwu.labor.models import Course, TrainingBase

    user = request.auth
    course = scoping.restrict(Course.objects.all(), user).filter(pk=data.pop("course_id")).first()
    if course is None:
        raise ValidationError({"course_id": "课程不存在"})
    base_id = data.pop("base_id", None)
    base = None
    if base_id is not None:
        base = scoping.restrict(TrainingBase.objects.all(), user).filter(pk=base_id).first()
        if base is None:
            raise ValidationError({"base_id": "培训基地不存在"})
    return core.create_object(
        TrainingSession,
        town=user.town,
        data={**data, "course": course, "base": base},
        acting_user=user,
    )


router.add_router(
    "/trainings",
    crud_router(
        TrainingSession,
        out_schema=TrainingOut,
        in_schema=TrainingIn,
        patch_schema=TrainingPatch,
        queryset=lambda: TrainingSession.objects.select_related("course"),
        tags=["劳务品牌"],
        create=_create_training,
        filters={"course": "course_id", "base": "base_id"},
    ),
)


class PlacementOut(Schema):
    id: int
    worker_id: int
    enterprise_id: int | None
    employer: str
    project: str
    place: str
    destination: str
    start_date: datetime.date
    end_date: datetime.date | None
    wage_band: str
    note: str
    version: int


class PlacementIn(Schema):
    worker_id: int
    enterprise_id: int | None = None
    employer: str = ""
    project: str = ""
    place: str
    destination: Literal["town", "county", "province", "other_province", "abroad"]
    start_date: datetime.date
    end_date: datetime.date | None = None
    wage_band: BAND = ""
    note: str = ""


class PlacementPatch(Schema):
    version: int | None = None
    employer: str | None = None
    project: str | None = None
    place: str | None = None
    destination: Literal["town", "county", "province", "other_province", "abroad"] | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    wage_band: BAND | None = None
    note: str | None = None


def _create_placement(request, data):
    from zhenwu.enterprises.models import Enterprise

    user = request.auth
    worker = (
        scoping.restrict(Worker.objects.all(), user, scoping.CHANGE)
        .filter(pk=data.pop("worker_id"))
        .first()
    )
    if worker is None:
        raise ValidationError({"worker_id": "务工人员不存在或不在您的管辖范围"})
    eid = data.pop("enterprise_id", None)
    if eid is not None:
        ent = scoping.restrict(Enterprise.objects.all(), user).filter(pk=eid).first()
        if ent is None:
            raise ValidationError({"enterprise_id": f"企业 {eid} 不存在"})
        data["enterprise"] = ent
    return services.record_placement(worker=worker, data=data, acting_user=user)


def _update_placement(request, obj, data, version):
    return services.update_placement(
        obj, data=data, acting_user=request.auth, expected_version=version
    )


router.add_router(
    "/placements",
    crud_router(
        Placement,
        out_schema=PlacementOut,
        in_schema=PlacementIn,
        patch_schema=PlacementPatch,
        tags=["劳务品牌"],
        create=_create_placement,
        update=_update_placement,
        filters={"worker": "worker_id", "destination": "destination"},
    ),
)


class CertificateOut(Schema):
    id: int
    worker_id: int
    kind: str
    trade_id: int | None
    level: str
    number: str
    issuer: str
    issued_on: datetime.date
    expires_on: datetime.date | None
    exam_id: int | None
    version: int


router.add_router(
    "/certificates",
    crud_router(
        Certificate,
        out_schema=CertificateOut,
        tags=["劳务品牌"],
        filters={"worker": "worker_id"},
    ),
)


# --- plain CRUD of the rest (schemas derived from the models; the generic services check the
# related records against the user's scope) ------------------------------------------------

for _model, _path, _filters in (
    (TrainingBase, "/training-bases", None),
    (Course, "/courses", {"trade": "trade_id", "level": "level"}),
    (
        Enrollment,
        "/enrollments",
        {"session": "session_id", "worker": "worker_id", "attendance": "attendance"},
    ),
    (Exam, "/exams", {"session": "session_id", "level": "level"}),
):
    _out, _in, _patch = model_schemas(_model)
    router.add_router(
        _path,
        crud_router(
            _model,
            out_schema=_out,
            in_schema=_in,
            patch_schema=_patch,
            tags=["劳务品牌"],
            filters=_filters,
        ),
    )
