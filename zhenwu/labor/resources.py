"""Registered surfaces of the labour module (list, detail, forms, import/export, nav)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhenwu.core.registry import NavItem, Resource, register, register_nav
from zhenwu.labor.forms import (
    WORKER_FIELDS,
    CertificateForm,
    EnrollmentForm,
    PlacementForm,
    WorkerForm,
)
from zhenwu.labor.ledgers import WorkerLedger
from zhenwu.labor.models import (
    Certificate,
    Course,
    Enrollment,
    Exam,
    Placement,
    TrainingBase,
    TrainingSession,
    Worker,
)

worker_resource = register(
    Resource(
        model=Worker,
        key="workers",
        list_columns=[
            "name",
            "resident_id",
            "sex",
            "village",
            "phone",
            "trade",
            "skill_level",
            "employment_status",
            "destination",
        ],
        search_fields=["name", "resident_id", "employer", "work_place"],
        filter_fields=["village", "trade", "skill_level", "employment_status", "destination"],
        form_fields=WORKER_FIELDS,
        detail_fields=[
            "name",
            "resident_id",
            "sex",
            "birth_date",
            "age",
            "village",
            "phone",
            "trade",
            "skill_level",
            "employment_status",
            "employer",
            "work_place",
            "destination",
            "income_band",
            "note",
        ],
        select_related=["village", "trade"],
        personal_fields=("resident_id", "phone"),
        default_sort="name",
        ledger=WorkerLedger,
        form_class=WorkerForm,
        nav=NavItem("brand", _("务工人员"), "labor:worker_list", "person-badge", 41),
        detail_template="labor/partials/worker_detail.html",
        # A card says what the worker can do and where they work; the masked numbers stay
        # in the table and on the record.
        card_status="employment_status",
        card_fields=["trade", "skill_level", "destination", "village"],
    )
)

certificate_resource = register(
    Resource(
        model=Certificate,
        key="certificates",
        list_columns=[
            "record_label",
            "worker",
            "kind",
            "trade",
            "level",
            "issuer",
            "issued_on",
            "expires_on",
        ],
        search_fields=["number", "worker__name", "issuer"],
        filter_fields=["kind", "level", "trade"],
        form_fields=[
            "worker",
            "kind",
            "trade",
            "level",
            "number",
            "issuer",
            "issued_on",
            "expires_on",
            "exam",
        ],
        select_related=["worker", "worker__village", "trade"],
        default_sort="-issued_on",
        form_class=CertificateForm,
        nav=NavItem("brand", _("证书"), "labor:certificate_list", "award", 44),
        # Whose certificate, what it certifies and when it runs out (its number is on the
        # record; 「证书类型」 no longer repeats the title).
        card_title="worker",
        card_fields=["kind", "level", "trade", "expires_on"],
    )
)

base_resource = register(
    Resource(
        model=TrainingBase,
        key="training-bases",
        list_columns=["name", "address", "project", "built_on", "capacity"],
        search_fields=["name", "address"],
        form_fields=["name", "address", "project", "completed_on", "capacity", "note"],
        detail_fields=[
            "name",
            "address",
            "project",
            "completed_on",
            "built_on",
            "capacity",
            "note",
        ],
        select_related=["project"],
        default_sort="name",
        nav=NavItem("brand", _("培训就业基地"), "labor:trainingbase_list", "house-gear", 45),
    )
)

course_resource = register(
    Resource(
        model=Course,
        key="courses",
        list_columns=["name", "trade", "level", "hours"],
        search_fields=["name", "content"],
        filter_fields=["trade", "level"],
        form_fields=["name", "trade", "level", "hours", "content"],
        select_related=["trade"],
        default_sort="name",
        nav=NavItem("brand", _("培训课程"), "labor:course_list", "journal-text", 46),
    )
)

session_resource = register(
    Resource(
        model=TrainingSession,
        key="trainings",
        list_columns=[
            "name",
            "course",
            "base",
            "start_date",
            "end_date",
            "hours",
            "trainer",
            "place",
        ],
        search_fields=["name", "trainer", "place", "course__name"],
        filter_fields=["course", "base"],
        form_fields=[
            "name",
            "course",
            "base",
            "start_date",
            "end_date",
            "hours",
            "trainer",
            "place",
            "capacity",
            "note",
        ],
        select_related=["course", "base"],
        default_sort="-start_date",
        nav=NavItem("brand", _("培训班"), "labor:trainingsession_list", "easel", 42),
        detail_template="labor/partials/session_detail.html",
    )
)

enrollment_resource = register(
    Resource(
        model=Enrollment,
        key="enrollments",
        list_columns=["record_label", "session", "attendance", "hours_attended"],
        search_fields=["worker__name", "session__name"],
        filter_fields=["session", "attendance"],
        form_fields=["session", "worker", "attendance", "hours_attended", "note"],
        select_related=["worker", "worker__village", "session"],
        form_class=EnrollmentForm,
    )
)

exam_resource = register(
    Resource(
        model=Exam,
        key="exams",
        list_columns=[
            "name",
            "session",
            "exam_date",
            "trade",
            "level",
            "certificate_kind",
            "issuer",
        ],
        search_fields=["name", "issuer"],
        filter_fields=["session", "level"],
        form_fields=[
            "name",
            "session",
            "exam_date",
            "trade",
            "level",
            "certificate_kind",
            "issuer",
            "valid_years",
        ],
        select_related=["session", "trade"],
        default_sort="-exam_date",
        nav=NavItem("brand", _("考核发证"), "labor:exam_list", "clipboard-check", 43),
    )
)

placement_resource = register(
    Resource(
        model=Placement,
        key="placements",
        list_columns=[
            "record_label",
            "employer_name",
            "project",
            "place",
            "destination",
            "start_date",
            "end_date",
            "wage_band",
        ],
        search_fields=["worker__name", "employer", "project", "place"],
        filter_fields=["destination", "wage_band"],
        form_fields=PlacementForm.Meta.fields,
        select_related=["worker", "worker__village", "enterprise"],
        default_sort="-start_date",
        form_class=PlacementForm,
        nav=NavItem("brand", _("就业与劳务输出"), "labor:placement_list", "briefcase", 47),
    )
)

register_nav(NavItem("brand", _("劳务品牌看板"), "labor:dashboard", "bar-chart-line", 40))
