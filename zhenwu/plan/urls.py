from django.urls import path
from django.views.generic import RedirectView

from zhenwu.plan import views
from zhenwu.plan.resources import (
    measure_resource,
    plan_resource,
    report_resource,
    target_resource,
    task_resource,
    theme_resource,
)

app_name = "plan"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="plan:board", query_string=True), name="index"),
    path("board/", views.board, name="board"),
    path("bigscreen/", views.bigscreen, name="bigscreen"),
    path("my-tasks/", views.my_tasks, name="my_tasks"),
    path("targets/<int:pk>/records/", views.target_records, name="target_records"),
    path("tasks/<int:pk>/act/<slug:action>/", views.task_action, name="task_action"),
    path("targets/<int:pk>/report/", views.target_report, name="target_report"),
    path("plans/<int:pk>/copy/", views.plan_copy, name="plan_copy"),
]
for resource in (
    plan_resource,
    theme_resource,
    measure_resource,
    target_resource,
    report_resource,
    task_resource,
):
    urlpatterns += resource.urls()
