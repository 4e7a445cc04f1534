from django.urls import path

from zhenwu.investment import views
from zhenwu.investment.resources import investment_resource, settings_resource

app_name = "investment"

_custom = {
    "investment_list": views.InvestmentListView,
    "investment_detail": views.InvestmentDetailView,
}


_settings_custom = {
    "investmentsettings_list": views.SettingsListView,
    "investmentsettings_add": views.SettingsAddView,
}


def _resource_urls(resource, custom):
    patterns = []
    for pattern in resource.urls():
        view_class = custom.get(pattern.name)
        if view_class is not None:
            pattern = path(
                str(pattern.pattern),
                view_class.as_view(resource=resource),
                name=pattern.name,
            )
        patterns.append(pattern)
    return patterns


urlpatterns = [
    *_resource_urls(investment_resource, _custom),
    *_resource_urls(settings_resource, _settings_custom),
    path("kanban/", views.kanban, name="kanban"),
    path("reminders/", views.reminders, name="reminders"),
    path("investments/<int:pk>/stage/", views.move_stage, name="investment_move"),
    path("investments/<int:pk>/funds/", views.add_funds, name="investment_funds_add"),
    path("investments/<int:pk>/follow-ups/", views.add_follow_up, name="investment_followup_add"),
]
