from django.urls import path

from zhenwu.notices import views

app_name = "notices"

urlpatterns = [
    path("robots/", views.robot_list, name="robot_list"),
    path("robots/add/", views.robot_edit, name="robot_add"),
    path("robots/<int:pk>/", views.robot_detail, name="robot_detail"),
    path("robots/<int:pk>/edit/", views.robot_edit, name="robot_edit"),
    path("robots/<int:pk>/delete/", views.robot_delete, name="robot_delete"),
    path("robots/<int:pk>/test/", views.robot_test, name="robot_test"),
    path("deliveries/", views.delivery_list, name="delivery_list"),
]
