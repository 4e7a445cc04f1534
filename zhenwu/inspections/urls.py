from django.urls import path

from zhenwu.inspections import views
from zhenwu.inspections.resources import finding_resource, round_resource, spot_resource

app_name = "inspections"

urlpatterns = [
    path("inspections/<int:pk>/capture/", views.CaptureView.as_view(), name="capture"),
    path("inspections/<int:pk>/close/", views.CloseRoundView.as_view(), name="close_round"),
    path("capture/", views.CaptureSubmitView.as_view(), name="capture_submit"),
    path("findings/<int:pk>/rectify/", views.RectifyView.as_view(), name="rectify"),
    path("findings/<int:pk>/verify/", views.VerifyView.as_view(), name="verify"),
    path(
        "sheets/<int:pk>/not-applicable/",
        views.NotApplicableView.as_view(),
        name="not_applicable",
    ),
    path("sheets/<int:pk>/revisit/", views.RevisitView.as_view(), name="revisit"),
    path("checklists/", views.ChecklistListView.as_view(), name="checklists"),
    path("checklists/<int:pk>/", views.ChecklistDetailView.as_view(), name="checklist"),
    path("rankings/", views.RankingView.as_view(), name="ranking"),
    path("rankings/publish/", views.PublishView.as_view(), name="publish"),
    *round_resource.urls(),
    *finding_resource.urls(),
    *spot_resource.urls(),
]
