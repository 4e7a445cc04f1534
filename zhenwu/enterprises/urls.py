from django.urls import path

from zhenwu.enterprises import views
from zhenwu.enterprises.resources import (
    enterprise_resource,
    monthly_figure_resource,
    pool_setting_resource,
    threshold_rule_resource,
)

app_name = "enterprises"

urlpatterns = [
    path("pool/", views.PoolView.as_view(), name="pool"),
    path(
        "enterprises/<int:pk>/entry-status/",
        views.EntryStatusView.as_view(),
        name="enterprise_entry_status",
    ),
    path(
        "checklist/<int:pk>/toggle/",
        views.ChecklistToggleView.as_view(),
        name="checklist_toggle",
    ),
    *enterprise_resource.urls(),
    *monthly_figure_resource.urls(),
    *threshold_rule_resource.urls(),
    *pool_setting_resource.urls(),
]
