from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from zhenwu.api import api

admin.site.site_header = "镇务 · 后台管理"
admin.site.site_title = "镇务后台"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("plan/", include("zhenwu.plan.urls")),
    path("investment/", include("zhenwu.investment.urls")),
    path("enterprises/", include("zhenwu.enterprises.urls")),
    path("projects/", include("zhenwu.projects.urls")),
    path("labor/", include("zhenwu.labor.urls")),
    path("agriculture/", include("zhenwu.agriculture.urls")),
    path("inspections/", include("zhenwu.inspections.urls")),
    path("land/", include("zhenwu.land.urls")),
    path("cadres/", include("zhenwu.cadres.urls")),
    path("notices/", include("zhenwu.notices.urls")),
    path("reports/", include("zhenwu.reports.urls")),
    path("", include("zhenwu.core.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)


def handler404(request, exception=None):
    """JSON under /api/ (the API documents `{"detail": ...}`), the page elsewhere."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse(
            {"detail": "未找到"}, status=404, json_dumps_params={"ensure_ascii": False}
        )
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)
