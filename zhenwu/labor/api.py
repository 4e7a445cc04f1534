"""劳务品牌 API (mounted at /api/v1/): `workers`, `trainings` (sessions, with their trainees),
`placements`, `certificates`, and plain CRUD of `training-bases`, `courses`, `enrollments` and `exams`
(schemas derived from the models), every call through `restrict()`. Resident IDs and phones are
masked for users who may not see personal numbers."""
# No `from __future__ import annotations`: django-ninja reads the annotations at runtime.

from decimal import Decimal

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


def _viewer(context):
    request = context.get("request") if context else None
    return getattr(request, "auth", None)


# The worker's surface is the model's; the trade's name is computed, and the first API's
# input names (`village`, `trade`) still work as deprecated aliases of `village_id`/`trade_id`.
WorkerOut, WorkerIn, WorkerPatch = model_schemas(
    Worker,
    extra_out={"trade": (str | None, lambda obj: obj.trade.name if obj.trade_id else None, "工种")},
    aliases={"village": "village_id", "trade": "trade_id"},
)


def _worker_fks(request, data: dict) -> dict:
    out = dict(data)
    if "village_id" in out:
        vid = out.pop("village_id")
        village = None
        if vid is not None:
            village = scoping.allowed_villages(request.auth).filter(pk=vid).first()
            if village is None:
                raise ValidationError({"village_id": f"村（社区）{vid} 不存在或不在您的管辖范围"})
        out["village"] = village
    if "trade_id" in out:
        tid = out.pop("trade_id")
        trade = None
        if tid is not None:
            trade = Trade.objects.filter(pk=tid, is_active=True).first()
            if trade is None:
                raise ValidationError({"trade_id": f"工种 {tid} 不存在"})
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
    """One trainee of a session (an aggregate of the session's enrollments, not a surface)."""

    worker_id: int
    attendance: str
    hours_attended: Decimal | None


def _trainees(obj, context):
    return list(
        scoping.restrict(Enrollment.objects.filter(session=obj), _viewer(context))
        .order_by("pk")
        .values("worker_id", "attendance", "hours_attended")
    )


# A session's course and base are chosen when it is created, not moved afterwards.
TrainingOut, TrainingIn, TrainingPatch = model_schemas(
    TrainingSession,
    create_only=("course", "base"),
    extra_out={
        "course": (str, lambda obj: obj.course.name, "课程"),
        "trainees": (list[TraineeOut], _trainees, "学员"),
    },
)


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


# A placement belongs to its worker and employer from the start (PATCH edits the rest).
PlacementOut, PlacementIn, PlacementPatch = model_schemas(
    Placement, create_only=("worker", "enterprise")
)


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


CertificateOut = model_schemas(Certificate)[0]


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
