"""The scheduling tool (exact shape of issue 4), the projects API and stored schedules."""

import pytest

from zhenwu.projects.models import Milestone, MilestoneDependency, Project, ProjectStatus
from zhenwu.projects.tests.factories import D, make_network, make_project

TOOL = "tools/schedule"


def T(key, duration, *preds):
    return {
        "key": key,
        "duration": duration,
        "predecessors": [
            {"key": p, "lag": 0} if isinstance(p, str) else {"key": p[0], "lag": p[1]}
            for p in preds
        ],
    }


def test_tool_requires_auth(world):
    response = world.api(None).post(TOOL, {"mode": "forward", "start": "2025-06-09", "tasks": []})
    assert response.status_code == 401


def test_tool_forward_exact_shape(world):
    body = {
        "mode": "forward",
        "start": "2025-06-09",
        "calendar": "cn-workdays",
        "tasks": [T("A", 3), T("B", 2, "A"), T("C", 1, ("A", 1))],
    }
    response = world.api("viewer").post(TOOL, body)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "project_start": "2025-06-09",
        "project_finish": "2025-06-13",
        "tasks": [
            {"key": "A", "early_start": "2025-06-09", "early_finish": "2025-06-11",
             "late_start": "2025-06-09", "late_finish": "2025-06-11", "total_float": 0,
             "critical": True},
            {"key": "B", "early_start": "2025-06-12", "early_finish": "2025-06-13",
             "late_start": "2025-06-12", "late_finish": "2025-06-13", "total_float": 0,
             "critical": True},
            {"key": "C", "early_start": "2025-06-13", "early_finish": "2025-06-13",
             "late_start": "2025-06-13", "late_finish": "2025-06-13", "total_float": 0,
             "critical": True},
        ],
    }  # fmt: skip


def test_tool_backward_over_national_day_with_make_up_days(world):
    body = {
        "mode": "backward",
        "deadline": "2025-10-12",  # Sunday; 10-11 (Saturday) is a 调休 working day
        "calendar": "cn-workdays",
        "tasks": [T("A", 2), T("B", 3, "A"), T("M", 0, "B")],
    }
    data = world.api("staff").post(TOOL, body).json()
    tasks = {t["key"]: t for t in data["tasks"]}
    assert data["project_finish"] == "2025-10-11"
    assert tasks["B"]["late_start"] == "2025-10-09" and tasks["B"]["late_finish"] == "2025-10-11"
    # A ends on 09-30 (10-01…10-08 off): two working days back from the holiday.
    assert (tasks["A"]["early_start"], tasks["A"]["early_finish"]) == ("2025-09-29", "2025-09-30")
    assert tasks["M"]["early_start"] == tasks["M"]["early_finish"] == "2025-10-11"
    assert data["project_start"] == "2025-09-29"


def test_tool_calendar_days(world):
    body = {"mode": "forward", "start": "2025-10-01", "calendar": "calendar-days",
            "tasks": [T("A", 3)]}  # fmt: skip
    data = world.api("staff").post(TOOL, body).json()
    assert data["tasks"][0]["early_finish"] == "2025-10-03"


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"mode": "forward", "start": "2025-06-09", "tasks": [T("A", 1, "X")]}, "「X」"),
        ({"mode": "forward", "start": "2025-06-09", "tasks": [T("A", 1, "B"), T("B", 1, "A")]}, "A → B → A"),
        ({"mode": "forward", "start": "2025-06-09", "tasks": [T("A", -1)]}, "「A」"),
        ({"mode": "forward", "start": "2025-06-09", "tasks": []}, "为空"),
        ({"mode": "forward", "start": "2025-13-01", "tasks": [T("A", 1)]}, "start"),
        ({"mode": "backward", "tasks": [T("A", 1)]}, "deadline"),
        ({"mode": "sideways", "start": "2025-06-09", "tasks": [T("A", 1)]}, "mode"),
        ({"mode": "forward", "start": "2025-06-09", "calendar": "lunar", "tasks": [T("A", 1)]}, "calendar"),
        ({"mode": "backward", "deadline": "2025-06-09", "calendar": {}, "tasks": []}, "calendar"),
        ({"mode": "forward", "start": "2025-06-09", "tasks": [{"key": "A", "duration": "x"}]}, "「A」"),
        ({"mode": "forward", "start": "2025-06-09", "tasks": [{"key": "A", "duration": 1, "predecessors": "B"}]}, "「A」"),
        ({"mode": "forward", "start": "2025-06-09"}, "tasks"),
    ],
)  # fmt: skip
def test_tool_errors_are_422_naming_the_task(world, body, needle):
    response = world.api("staff").post(TOOL, body)
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert isinstance(detail, str) and needle in detail


def test_tool_bad_json(world):
    api = world.api("staff")
    response = api.client.post(
        "/api/v1/tools/schedule", "{not json", content_type="application/json", **api.headers
    )
    assert response.status_code == 422 and "JSON" in response.json()["detail"]


def test_stored_schedule_same_shape_as_tool(world):
    project = make_project(world, village=world.villages[0], deadline=D("2025-10-12"))
    make_network(project, [("A", 2), ("B", 3), ("M", 0)], [("A", "B", 0), ("B", "M", 0)])
    api = world.api("leader")
    stored = api.get(f"projects/{project.pk}/schedule", as_of="2025-09-01").json()
    tool = api.post(TOOL, {
        "mode": "backward", "deadline": "2025-10-12", "calendar": "cn-workdays",
        "tasks": [T("A", 2), T("B", 3, "A"), T("M", 0, "B")],
    }).json()  # fmt: skip
    assert stored["project_start"] == tool["project_start"]
    assert stored["project_finish"] == tool["project_finish"]
    spec_keys = ["key", "early_start", "early_finish", "late_start", "late_finish",
                 "total_float", "critical"]  # fmt: skip
    assert [{k: t[k] for k in spec_keys} for t in stored["tasks"]] == tool["tasks"]
    assert stored["mode"] == "backward" and stored["days_short"] == 0
    assert stored["tasks"][0]["name"] == "A" and "forecast_finish" in stored["tasks"][0]


def test_stored_schedule_scoping_and_errors(world):
    own = make_project(world, village=world.villages[0], deadline=D("2025-10-12"))
    other = make_project(world, village=world.villages[1], deadline=D("2025-10-12"))
    foreign = make_project(world, town=world.other_town, deadline=D("2025-10-12"))
    api = world.api("village")
    assert api.get(f"projects/{own.pk}/schedule").status_code == 422  # no milestones yet
    assert "尚未设置节点" in api.get(f"projects/{own.pk}/schedule").json()["detail"]
    assert api.get(f"projects/{other.pk}/schedule").status_code == 404
    assert world.api("leader").get(f"projects/{foreign.pk}/schedule").status_code == 404


def test_projects_api_create_gate_and_patch(world):
    api = world.api("staff")
    response = api.post("projects", {
        "name": "API项目", "category": "key", "status": "building", "actual_start": "2025-03-01",
    })  # fmt: skip
    assert response.status_code == 422
    assert "专班成员" in str(response.json()["detail"])
    assert not Project.objects.filter(name="API项目").exists()
    staff = world.users["staff"]
    response = api.post("projects", {
        "name": "API项目", "category": "livelihood", "status": "building",
        "actual_start": "2025-03-01", "leader_id": world.users["leader"].pk,
        "team": [staff.pk], "plan_text": "方案", "village_id": world.villages[0].pk,
        "total_investment": 380.5, "deadline": "2025-09-30",
    })  # fmt: skip
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["category"] == "livelihood" and data["team"] == [staff.pk]
    assert data["status_label"] == "在建" and data["total_investment"] == 380.5
    pk = data["id"]
    response = api.patch(f"projects/{pk}", {"deadline": "2025-10-31", "version": data["version"]})
    assert response.status_code == 200 and response.json()["deadline"] == "2025-10-31"
    stale = api.patch(f"projects/{pk}", {"note": "x", "version": data["version"]})
    assert stale.status_code == 409
    bad = api.patch(
        f"projects/{pk}", {"village_id": world.other_village.pk, "version": data["version"] + 1}
    )
    assert bad.status_code == 422 and "village_id" in str(bad.json()["detail"])
    assert (
        world.api("leader").patch(f"projects/{pk}", {"note": "x", "version": 1}).status_code == 404
    )
    assert api.delete(f"projects/{pk}").status_code == 204
    assert not Project.objects.filter(pk=pk).exists()


def test_milestones_api_create_with_predecessors_and_cycle_refused(world):
    project = make_project(world, village=world.villages[0], deadline=D("2025-12-31"))
    api = world.api("staff")
    a = api.post(f"projects/{project.pk}/milestones", {"name": "设计", "duration": 10})
    assert a.status_code == 201, a.content
    b = api.post(f"projects/{project.pk}/milestones", {
        "name": "施工", "duration": 30, "predecessors": [{"key": "设计", "lag": 2}],
    })  # fmt: skip
    assert b.status_code == 201
    assert b.json()["predecessors"] == [{"id": a.json()["id"], "key": "设计", "lag": 2}]
    # unknown predecessor: nothing stored
    bad = api.post(f"projects/{project.pk}/milestones", {
        "name": "验收", "duration": 5, "predecessors": [{"key": "不存在"}],
    })  # fmt: skip
    assert bad.status_code == 422 and "不存在" in str(bad.json()["detail"])
    assert not Milestone.objects.filter(name="验收").exists()
    # cycle through PATCH: refused, links unchanged
    before = MilestoneDependency.objects.count()
    cyc = api.patch(
        f"projects/{project.pk}/milestones/{a.json()['id']}",
        {"predecessors": [{"key": "施工"}], "version": a.json()["version"]},
    )
    assert cyc.status_code == 422 and "循环" in str(cyc.json()["detail"])
    assert MilestoneDependency.objects.count() == before
    listing = api.get(f"projects/{project.pk}/milestones").json()
    assert listing["count"] == 2 and [m["name"] for m in listing["items"]] == ["设计", "施工"]
    assert (
        world.api("leader")
        .post(f"projects/{project.pk}/milestones", {"name": "x", "duration": 1})
        .status_code
        == 404
    )
    assert api.delete(f"projects/{project.pk}/milestones/{a.json()['id']}").status_code == 204
    sched = api.get(f"projects/{project.pk}/schedule").json()
    assert [t["key"] for t in sched["tasks"]] == ["施工"]


def test_projects_api_list_filter(world):
    make_project(world, status=ProjectStatus.PLANNING, name="谋划中")
    make_project(world, category="livelihood", name="民生")
    api = world.api("leader")
    names = {i["name"] for i in api.get("projects", category="livelihood").json()["items"]}
    assert names == {"民生"}


def test_tool_refuses_absurd_durations_quickly(world):
    body = {"mode": "forward", "start": "2025-06-09", "tasks": [T("巨型", 10**9)]}
    response = world.api("staff").post(TOOL, body)
    assert response.status_code == 422 and "「巨型」" in response.json()["detail"]
