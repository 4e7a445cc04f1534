from django.urls import path

from zhenwu.investment import views
from zhenwu.investment.resources import investment_resource

app_name = "investment"

_custom = {
    "investment_list": views.InvestmentListView,
    "investment_detail": views.InvestmentDetailView,
}


def _resource_urls():
    patterns = []
    for pattern in investment_resource.urls():
        view_class = _custom.get(pattern.name)
        if view_class is not None:
            pattern = path(
                str(pattern.pattern),
                view_class.as_view(resource=investment_resource),
                name=pattern.name,
            )
        patterns.append(pattern)
    return patterns


urlpatterns = [
    *_resource_urls(),
    path("kanban/", views.kanban, name="kanban"),
    path("reminders/", views.reminders, name="reminders"),
    path("investments/<int:pk>/stage/", views.move_stage, name="investment_move"),
    path("investments/<int:pk>/funds/", views.add_funds, name="investment_funds_add"),
    path("investments/<int:pk>/follow-ups/", views.add_follow_up, name="investment_followup_add"),
]
