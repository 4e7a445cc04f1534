from django.urls import path

from zhenwu.land import views
from zhenwu.land.resources import (
    campaign_resource,
    dispute_resource,
    hearing_resource,
    household_resource,
    houseprice_resource,
    landprice_resource,
    parcel_resource,
    social_security_resource,
)

app_name = "land"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("campaigns/<int:pk>/progress/", views.campaign_progress, name="campaign_progress"),
    path("campaigns/<int:pk>/board/", views.campaign_board, name="campaign_board"),
    path("campaigns/<int:pk>/map/", views.campaign_map, name="campaign_map"),
    path("campaigns/<int:pk>/map/data/", views.campaign_map_data, name="campaign_map_data"),
    path("campaigns/<int:pk>/map/upload/", views.map_upload, name="map_upload"),
    path("steps/<int:pk>/edit/", views.step_edit, name="step_edit"),
    path("households/<int:pk>/file/", views.household_file, name="household_file"),
    path("households/<int:pk>/advance/", views.household_advance, name="household_advance"),
    path("disputes/<int:pk>/contact/", views.dispute_contact, name="dispute_contact"),
    *campaign_resource.urls(),
    *parcel_resource.urls(),
    *household_resource.urls(),
    *dispute_resource.urls(),
    *hearing_resource.urls(),
    *social_security_resource.urls(),
    *landprice_resource.urls(),
    *houseprice_resource.urls(),
]
