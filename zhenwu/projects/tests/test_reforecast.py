"""Issue 10.12: a milestone's actual start moved three weeks later. The re-forecast follows
the actual dates as docs/projects.md says — a running milestone's remaining work counts from
today, so the start alone does not move it, and the page says why; updating the percent or
the actual finish does. Editing a milestone returns to the project's schedule."""

from datetime import timedelta

from django.utils import timezone

from zhenwu.core.testing import _form_post_data
from zhenwu.projects import selectors
from zhenwu.projects.tests.factories import make_network, make_project


def _forecast(project):
    return selectors.project_schedule(project).forecast_finish


def test_moving_the_actual_start_is_explained_and_percent_moves_the_forecast(world):
    today = timezone.localdate()
    project = make_project(world, planned_start=today - timedelta(days=60))
    ms = make_network(
        project,
        [("施工", 40, {"actual_start": today - timedelta(days=45)}), ("验收", 5)],
        [("施工", "验收", 0)],
    )
    before = _forecast(project)
    client = world.client("staff")
    edit = f"/projects/milestones/{ms['施工'].pk}/edit/"
    data = _form_post_data(client.get(edit).context["form"])
    data["actual_start"] = (today - timedelta(days=24)).isoformat()  # three weeks later
    response = client.post(edit, data)
    # Back to the project's schedule, not the milestone's own page.
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.pk}/#network"
    ms["施工"].refresh_from_db()
    assert ms["施工"].actual_start == today - timedelta(days=24)
    assert _forecast(project) == before  # remaining work counts from today…
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-testid="forecast-why"' in page  # …and the page says so
    assert 'data-testid="forecast-rule"' in page and "只改实际开始日期不会改变预测" in page
    # Reporting progress re-forecasts.
    data = _form_post_data(client.get(edit).context["form"])
    data["percent_complete"] = "75"
    assert client.post(edit, data).status_code == 302
    assert _forecast(project) < before
