"""Who assigns 督办 tasks (issue 10.1): leaders and inspectors assign as themselves — through
the page and the API alike — and follow up as 交办人; the 我的待办 button counts what waits."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from zhenwu.core.models import Department
from zhenwu.plan import services
from zhenwu.plan.models import Task, TaskStatus


@pytest.fixture
def dept(world):
    return Department.objects.get(town=world.town, name="综合专班")


def _form(world, **kw):
    data = {
        "title": "主干沟渠清淤",
        "description": "本周内完成",
        "source": "meeting",
        "assignee": world.users["staff"].pk,
        "deadline": (date.today() + timedelta(days=10)).isoformat(),
    }
    data.update(kw)
    return data


@pytest.mark.parametrize("who", ["leader", "inspector", "admin", "staff"])
def test_assigners_assign_as_themselves_on_the_page(world, who):
    client = world.client(who)
    assert client.get("/plan/tasks/add/").status_code == 200
    response = client.post("/plan/tasks/add/", _form(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    task = Task.objects.get(title="主干沟渠清淤")
    assert task.assigned_by == world.users[who]
    assert task.events.get().actor == world.users[who]


@pytest.mark.parametrize("who", ["staff_nomodule", "village", "viewer"])
def test_others_cannot_assign_at_any_door(world, who):
    client = world.client(who)
    assert client.get("/plan/tasks/add/").status_code == 404
    assert client.post("/plan/tasks/add/", _form(world)).status_code == 404
    response = world.api(who).post(
        "tasks",
        {"title": "x", "assignee_id": world.users["staff"].pk, "deadline": "2099-01-01"},
    )
    assert response.status_code == 404
    assert not Task.objects.exists()


def test_the_service_refuses_non_assigners_and_other_towns(world, dept):
    kwargs = dict(title="x", assignee_department=dept, deadline=date.today() + timedelta(days=3))
    for who in ("staff_nomodule", "village", "viewer"):
        with pytest.raises(PermissionDenied):
            services.task_assign(town=world.town, acting_user=world.users[who], **kwargs)
    with pytest.raises(PermissionDenied):
        services.task_assign(town=world.other_town, acting_user=world.users["leader"], **kwargs)
    assert not Task.objects.exists()


def test_list_shows_the_add_button_to_leaders_only_among_readers(world):
    assert "/plan/tasks/add/" in world.client("leader").get("/plan/tasks/").content.decode()
    assert "/plan/tasks/add/" not in world.client("village").get("/plan/tasks/").content.decode()


def test_inspector_assigns_through_the_api_and_follows_up(world, dept):
    ducha, staff = world.users["inspector"], world.users["staff"]
    response = world.api("inspector").post(
        "tasks",
        {"title": "整改暗访发现的问题", "assignee_id": staff.pk, "workdays": 5},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["assigned_by"] == ducha.display_name
    task = Task.objects.get(pk=body["id"])
    services.task_sign(task, acting_user=staff)
    services.task_complete(task, note="已整改", acting_user=staff)
    # The inspector, as 交办人, returns it; then accepts it.
    assert (
        world.api("inspector").post(f"tasks/{task.pk}/return", {"note": "照片不全"}).status_code
        == 200
    )
    task.refresh_from_db()
    services.task_complete(task, note="已补照片", acting_user=staff)
    assert world.api("inspector").post(f"tasks/{task.pk}/close", {}).status_code == 200
    task.refresh_from_db()
    assert task.status == TaskStatus.CLOSED


def test_leader_sees_close_and_return_on_a_task_they_assigned(world):
    leader, staff = world.users["leader"], world.users["staff"]
    world.client("leader").post("/plan/tasks/add/", _form(world))
    task = Task.objects.get()
    services.task_sign(task, acting_user=staff)
    services.task_complete(task, note="完成", acting_user=staff)
    page = world.client("leader").get(f"/plan/tasks/{task.pk}/").content.decode()
    assert 'data-testid="task-close"' in page and 'data-testid="task-return"' in page
    assert leader.display_name in page


def test_todo_button_counts_tasks_to_do_and_decisions_waiting(world, dept):
    leader, staff = world.users["leader"], world.users["staff"]
    assert services.todo_count(staff) == 0
    t1 = services.task_assign(
        town=world.town, title="甲", acting_user=leader, assignee=staff, workdays=5
    )
    services.task_assign(
        town=world.town, title="乙", acting_user=leader, assignee=staff, workdays=5
    )
    assert services.todo_count(staff) == 2
    assert services.todo_count(leader) == 0
    services.task_sign(t1, acting_user=staff)
    services.task_complete(t1, note="完成", acting_user=staff)
    assert services.todo_count(staff) == 1
    assert services.todo_count(leader) == 1  # waiting for 销号
    page = world.client("staff").get("/plan/tasks/").content.decode()
    assert 'data-testid="todo-count"' in page
    count = page.split('data-testid="todo-count"')[1].split(">")[1].split("<")[0]
    assert count == "1"
    page = world.client("village").get("/plan/tasks/").content.decode()
    assert 'data-testid="topbar-link"' in page and 'data-testid="todo-count"' not in page
