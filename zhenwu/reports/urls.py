from django.urls import path

from zhenwu.reports import views

app_name = "reports"

urlpatterns = [
    path("download/bulletin/", views.bulletin, name="bulletin"),
    path("download/dispatch/", views.dispatch, name="dispatch"),
]
