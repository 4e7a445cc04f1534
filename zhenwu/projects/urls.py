from django.urls import path

from zhenwu.core.views import generic as g
from zhenwu.projects import views
from zhenwu.projects.resources import (
    category_resource,
    milestone_resource,
    problem_resource,
    project_resource,
    weekly_resource,
)

app_name = "projects"

# Projects live at the root of /projects/ (the list is /projects/, a project /projects/<pk>/).
_r = {"resource": project_resource}
project_urls = [
    path("", views.ProjectListView.as_view(**_r), name="project_list"),
    path("add/", g.ObjectEditView.as_view(**_r), name="project_add"),
    path("export/", g.ObjectExportView.as_view(**_r), name="project_export"),
    path("import/", g.ObjectImportView.as_view(**_r), name="project_import"),
    path("template/", g.ObjectTemplateView.as_view(**_r), name="project_template"),
    path("<int:pk>/", views.ProjectDetailView.as_view(**_r), name="project_detail"),
    path("<int:pk>/edit/", g.ObjectEditView.as_view(**_r), name="project_edit"),
    path("<int:pk>/delete/", g.ObjectDeleteView.as_view(**_r), name="project_delete"),
    path("<int:pk>/changelog/", g.ObjectChangeLogView.as_view(**_r), name="project_changelog"),
]


def _with_project_add(resource):
    """The resource's pages, its add page knowing `?project=` (opened from a project)."""
    add = f"{resource.model_name}_add"
    patterns = [p for p in resource.urls() if p.name != add]
    view = views.ProjectChildAddView.as_view(resource=resource)
    return [*patterns, path(f"{resource.key}/add/", view, name=add)]


urlpatterns = [
    *project_urls,
    path("gantt/", views.wall_gantt, name="wall_gantt"),
    path("sanwei/", views.sanwei_page, name="sanwei"),
    path("<int:pk>/gantt/", views.project_gantt, name="project_gantt"),
    path("<int:pk>/baseline/", views.freeze_baseline, name="baseline_freeze"),
    path("<int:pk>/dependencies/add/", views.dependency_add, name="dependency_add"),
    path("dependencies/<int:pk>/delete/", views.dependency_delete, name="dependency_delete"),
    path("problems/<int:pk>/close/", views.problem_close, name="problem_close"),
    path("promote/<int:investment_pk>/", views.project_promote, name="project_promote"),
    *_with_project_add(milestone_resource),
    *_with_project_add(problem_resource),
    *_with_project_add(weekly_resource),
    *category_resource.urls(),
]
