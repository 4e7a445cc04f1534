from django import template

from zhenwu.core import scoping
from zhenwu.labor import selectors
from zhenwu.labor.models import Attendance, Certificate, Enrollment, Exam, Placement

register = template.Library()


@register.inclusion_tag("labor/partials/worker_panel.html", takes_context=True)
def worker_panel(context, worker):
    """Training history, certificates and placements on a worker's page."""
    request = context["request"]
    enrollments, certificates, placements = selectors.worker_history(worker, request.user)
    return {
        "object": worker,
        "enrollments": enrollments,
        "certificates": certificates,
        "placements": placements,
        "can_place": scoping.can_write_model(request.user, Placement)
        and scoping.can(request.user, scoping.CHANGE, worker),
        "can_certify": scoping.can_write_model(request.user, Certificate),
    }


@register.inclusion_tag("labor/partials/session_panel.html", takes_context=True)
def session_panel(context, session):
    """Trainees, attendance and certificates on a training session's page."""
    request = context["request"]
    user = request.user
    enrollments = list(
        scoping.restrict(
            Enrollment.objects.filter(session=session).select_related("worker", "worker__village"),
            user,
        ).order_by("pk")
    )
    certified = set(
        scoping.restrict(Exam.objects.filter(session=session), user).values_list(
            "certificates__worker_id", flat=True
        )
    )
    writable = set(
        scoping.restrict(
            Enrollment.objects.filter(session=session), user, scoping.CHANGE
        ).values_list("pk", flat=True)
    )
    for e in enrollments:
        e.can_change = e.pk in writable
        e.certified = e.worker_id in certified
    exams = list(scoping.restrict(Exam.objects.filter(session=session), user))
    attended = sum(1 for e in enrollments if e.attendance == Attendance.ATTENDED)
    return {
        "object": session,
        "enrollments": enrollments,
        "attended": attended,
        "exams": exams,
        "attendance_choices": Attendance.choices,
        "can_enroll": scoping.can_write_model(user, Enrollment),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
