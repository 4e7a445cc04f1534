"""Writes of the labour module. Each takes `acting_user`, is atomic, validates with
`full_clean()` and lands in the change log (model signals)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhenwu.core import services
from zhenwu.labor.models import (
    Attendance,
    Certificate,
    EmploymentStatus,
    Enrollment,
    Exam,
    Placement,
    TrainingSession,
    Worker,
)


@transaction.atomic
def worker_create(*, town, data: dict, acting_user) -> Worker:
    return services.create_object(Worker, town=town, data=data, acting_user=acting_user)


@transaction.atomic
def worker_update(worker: Worker, *, data: dict, acting_user, expected_version=None) -> Worker:
    return services.update_object(
        worker, data=data, acting_user=acting_user, expected_version=expected_version
    )


@transaction.atomic
def enroll(*, session: TrainingSession, worker: Worker, acting_user, note: str = "") -> Enrollment:
    """Add a trainee to a session (once; a withdrawn enrolment is restored)."""
    if worker.town_id != session.town_id:
        raise ValidationError({"worker": "学员与培训班不属于同一乡镇。"})
    old = Enrollment.all_objects.filter(session=session, worker=worker).first()
    if old is not None and not old.is_deleted:
        raise ValidationError({"worker": f"「{worker}」已在「{session}」中。"})
    if old is not None:
        services.restore(old, acting_user=acting_user)
        return old
    return services.create_object(
        Enrollment,
        town=session.town,
        data={"session": session, "worker": worker, "note": note},
        acting_user=acting_user,
    )


@transaction.atomic
def set_attendance(
    enrollment: Enrollment, *, attendance: str, acting_user, hours=None, expected_version=None
) -> Enrollment:
    if attendance not in Attendance.values:
        raise ValidationError({"attendance": f"未知的出勤状态「{attendance}」。"})
    if enrollment.session.start_date > timezone.localdate() and attendance != Attendance.ENROLLED:
        raise ValidationError({"attendance": "培训班尚未开班，不能登记出勤。"})
    data = {"attendance": attendance}
    if attendance == Attendance.ATTENDED:
        data["hours_attended"] = enrollment.session.hours if hours is None else hours
    elif attendance == Attendance.ABSENT:
        data["hours_attended"] = hours or 0
    return services.update_object(
        enrollment, data=data, acting_user=acting_user, expected_version=expected_version
    )


def _raise_skill(worker: Worker, level: str, acting_user) -> None:
    # "1" (高级技师) is the highest; a certificate never lowers the recorded level.
    if level and (not worker.skill_level or level < worker.skill_level):
        services.update_object(worker, data={"skill_level": level}, acting_user=acting_user)


@transaction.atomic
def certify(
    *,
    worker: Worker,
    data: dict,
    acting_user,
    exam: Exam | None = None,
) -> Certificate:
    """Record a certificate (from an exam of the base, or brought by the worker). The worker's
    skill level rises to the certificate's level when it is higher."""
    values = dict(data)
    if exam is not None:
        if (
            exam.session_id
            and not Enrollment.objects.filter(
                session_id=exam.session_id, worker=worker, attendance=Attendance.ATTENDED
            ).exists()
        ):
            raise ValidationError(
                {
                    "worker": f"「{worker}」未参加「{exam.session}」的培训（或未登记出勤），不能按本次考核发证。"
                }
            )
        values.setdefault("kind", exam.certificate_kind)
        values.setdefault("trade", exam.trade)
        values.setdefault("level", exam.level)
        values.setdefault("issuer", exam.issuer)
        values.setdefault("issued_on", exam.exam_date)
        if exam.valid_years and "expires_on" not in values:
            issued = values["issued_on"]
            try:
                values["expires_on"] = issued.replace(year=issued.year + exam.valid_years)
            except ValueError:  # 29 February
                values["expires_on"] = issued + datetime.timedelta(days=365 * exam.valid_years)
        values["exam"] = exam
    values["worker"] = worker
    cert = services.create_object(
        Certificate, town=worker.town, data=values, acting_user=acting_user
    )
    _raise_skill(worker, cert.level, acting_user)
    return cert


def _sync_worker(worker: Worker, acting_user) -> None:
    """The worker's current employer, place and income follow their current placement."""
    today = timezone.localdate()
    current = (
        Placement.objects.filter(worker=worker, start_date__lte=today)
        .exclude(end_date__lt=today)
        .order_by("-start_date", "-pk")
        .first()
    )
    if current is not None:
        data = {
            "employment_status": EmploymentStatus.EMPLOYED,
            "employer": current.employer_name[:100],
            "work_place": current.place,
            "destination": current.destination,
        }
        if current.wage_band:
            data["income_band"] = current.wage_band
    elif worker.employment_status == EmploymentStatus.EMPLOYED:
        data = {"employment_status": EmploymentStatus.SEEKING}
    else:
        return
    if any(getattr(worker, k) != v for k, v in data.items()):
        services.update_object(worker, data=data, acting_user=acting_user)


@transaction.atomic
def record_placement(*, worker: Worker, data: dict, acting_user) -> Placement:
    placement = services.create_object(
        Placement, town=worker.town, data={**data, "worker": worker}, acting_user=acting_user
    )
    _sync_worker(Worker.objects.get(pk=worker.pk), acting_user)
    return placement


@transaction.atomic
def update_placement(placement: Placement, *, data: dict, acting_user, expected_version=None):
    placement = services.update_object(
        placement, data=data, acting_user=acting_user, expected_version=expected_version
    )
    _sync_worker(Worker.objects.get(pk=placement.worker_id), acting_user)
    return placement
