from django.urls import path

from zhenwu.labor import views
from zhenwu.labor.resources import (
    base_resource,
    certificate_resource,
    course_resource,
    enrollment_resource,
    exam_resource,
    placement_resource,
    session_resource,
    worker_resource,
)

app_name = "labor"

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("trainings/<int:pk>/enroll/", views.EnrollView.as_view(), name="session_enroll"),
    path(
        "enrollments/<int:pk>/attendance/",
        views.AttendanceView.as_view(),
        name="enrollment_attendance",
    ),
    path("enrollments/<int:pk>/certify/", views.CertifyView.as_view(), name="enrollment_certify"),
    *worker_resource.urls(),
    *session_resource.urls(),
    *enrollment_resource.urls(),
    *exam_resource.urls(),
    *certificate_resource.urls(),
    *placement_resource.urls(),
    *course_resource.urls(),
    *base_resource.urls(),
]
