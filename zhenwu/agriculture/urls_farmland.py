"""守粮安 pages."""

from django.urls import path

from zhenwu.agriculture import views_farmland as views
from zhenwu.agriculture.resources_farmland import (
    chief_resource,
    finding_resource,
    patrol_resource,
    plot_resource,
    setting_resource,
)

urlpatterns: list = [
    path("patrols/record/", views.RecordPatrolView.as_view(), name="patrol_record"),
    path("my-plots/", views.ChiefPlotsView.as_view(), name="my_plots"),
    path("field-chiefs/<int:pk>/plots/", views.ChiefPlotsView.as_view(), name="chief_plots"),
    path(
        "farmland-findings/<int:pk>/rectify/",
        views.RectifyView.as_view(),
        name="farmland_rectify",
    ),
    path(
        "farmland-findings/<int:pk>/verify/",
        views.VerifyView.as_view(),
        name="farmland_verify",
    ),
    *plot_resource.urls(),
    *chief_resource.urls(),
    *patrol_resource.urls(),
    *finding_resource.urls(),
    *setting_resource.urls(),
]
