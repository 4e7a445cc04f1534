from django.urls import path

from zhenwu.core import resources
from zhenwu.core.views import calendar, pages, search, users

app_name = "core"

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", pages.LoginView.as_view(), name="login"),
    path("logout/", pages.auth_views.LogoutView.as_view(), name="logout"),
    path("password/", pages.PasswordChangeView.as_view(), name="password_change"),
    path("changelog/", pages.changelog_list, name="changelog"),
    path("search/", search.search, name="search"),
    path("recycle-bin/", pages.recycle_bin, name="recycle_bin"),
    path("recycle-bin/<int:ct>/<int:pk>/restore/", pages.recycle_restore, name="recycle_restore"),
    path("attachments/add/", pages.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", pages.attachment_download, name="attachment_download"),
    path("comments/add/", pages.comment_add, name="comment_add"),
    path("users/", users.user_list, name="user_list"),
    path("users/add/", users.user_edit, name="user_add"),
    path("users/<int:pk>/", users.user_edit, name="user_edit"),
    path("calendar/", calendar.holiday_list, name="holiday_list"),
    path("calendar/<int:pk>/delete/", calendar.holiday_delete, name="holiday_delete"),
    *resources.village_resource.urls(),
    *resources.department_resource.urls(),
]
