"""强特色 pages."""

from django.urls import path

from zhenwu.agriculture import views_bases as views
from zhenwu.agriculture.resources_bases import (
    base_resource,
    channel_resource,
    crop_resource,
    season_resource,
)

urlpatterns: list = [
    path("bases-dashboard/", views.DashboardView.as_view(), name="bases_dashboard"),
    *base_resource.urls(),
    *season_resource.urls(),
    *crop_resource.urls(),
    *channel_resource.urls(),
]
