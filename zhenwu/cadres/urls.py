from django.urls import path

from zhenwu.cadres import views

app_name = "cadres"

urlpatterns = [
    path("", views.cadre_list, name="cadre_list"),
    path("<int:pk>/", views.cadre_detail, name="cadre_detail"),
]
