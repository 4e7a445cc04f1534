"""督办 workflow: one service per event, a state machine refusing invalid steps in Chinese,
the double close race, deactivated assignees, extensions — and the same through the API."""

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from zhenwu.core.models import Department
from zhenwu.core.services import StaleEdit
from zhenwu.core.testing import changes_of
from zhenwu.core.workcalendar import get_calendar
from zhenwu.plan import services
from zhenwu.plan.models import Task, TaskStatus
from zhenwu.plan.services import TaskError


@pytest.fixture
def dept(world):
    return Department.objects.get(town=world.town, name="综合专班")


def assign(world, dept, **kw):
    kw.setdefault("deadline", date.today() + timedelta(days=30))
    return services.task_assign(
        town=world.town,
        title=kw.pop("title", "清淤整治"),
        acting_user=world.users["leader"],
        assignee=kw.pop("assignee", world.users["staff"]),
        assignee_department=dept,
        **kw,
    )


def kinds(task):
    return list(task.events.values_list("kind", flat=True))


def test_full_lifecycle_and_timeline(world, dept):
    staff, leader = world.users["staff"], world.users["leader"]
    task = assign(world, dept)
    assert task.status == TaskStatus.ASSIGNED
    services.task_sign(task, acting_user=staff)
    services.task_report(task, note="已完成一半", acting_user=staff)
    assert task.status == TaskStatus.IN_PROGRESS
    services.task_complete(task, note="已全部完成", acting_user=staff)
    services.task_return(task, note="照片不清晰", acting_user=leader)
    assert task.status == TaskStatus.RETURNED and task.completed_at is None
    services.task_complete(task, note="已补充照片", acting_user=staff)
    services.task_close(task, acting_user=leader)
    task.refresh_from_db()
    assert task.status == TaskStatus.CLOSED and task.closed_at
    assert kinds(task) == ["assign", "sign", "report", "complete", "return", "complete", "close"]
    assert changes_of(task).last().after["status"] == "closed"


def test_invalid_transitions_are_refused_in_chinese(world, dept):
    staff, leader = world.users["staff"], world.users["leader"]
    task = assign(world, dept)
    with pytest.raises(TaskError, match="请先签收"):
        services.task_complete(task, note="x", acting_user=staff)
    with pytest.raises(TaskError, match="不能执行此操作"):
        services.task_close(task, acting_user=leader)
    with pytest.raises(TaskError, match="只有承办人"):
        services.task_sign(task, acting_user=world.users["village"])
    services.task_sign(task, acting_user=staff)
    with pytest.raises(TaskError, match="已签收"):
        services.task_sign(task, acting_user=staff)
    with pytest.raises(ValidationError):
        services.task_report(task, note="  ", acting_user=staff)
    services.task_complete(task, note="完成", acting_user=staff)
    with pytest.raises(TaskError, match="只有交办人"):
        services.task_close(task, acting_user=world.users["staff_nomodule"])
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED
    assert kinds(task) == ["assign", "sign", "complete"]


def test_two_people_closing_at_once_one_wins(world, dept):
    staff = world.users["staff"]
    task = assign(world, dept)
    services.task_sign(task, acting_user=staff)
    services.task_complete(task, note="完成", acting_user=staff)
    first = Task.objects.get(pk=task.pk)
    second = Task.objects.get(pk=task.pk)  # loaded before the first close
    services.task_close(first, acting_user=world.users["leader"])
    with pytest.raises(StaleEdit) as exc:  # the platform's one concurrency exception
        services.task_close(second, acting_user=world.users["admin"])
    assert exc.value.conflict and "已销号" in exc.value.message
    assert kinds(Task.objects.get(pk=task.pk)).count("close") == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_close_in_threads(world, dept):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is covered above and on PostgreSQL")
    staff = world.users["staff"]
    task = assign(world, dept)
    services.task_sign(task, acting_user=staff)
    services.task_complete(task, note="完成", acting_user=staff)
    results = []
    barrier = threading.Barrier(2)

    def close(user):
        t = Task.objects.get(pk=task.pk)
        barrier.wait()
        try:
            services.task_close(t, acting_user=user)
            results.append("ok")
        except StaleEdit:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=close, args=(world.users[w],)) for w in ("leader", "admin")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(results) == ["ok", "refused"]


def test_deactivated_assignee_is_refused(world, dept):
    staff = world.users["staff"]
    staff.is_active = False
    staff.save()
    before = Task.objects.count()
    with pytest.raises(ValidationError) as exc:
        assign(world, dept)
    assert "已停用" in str(exc.value) and "assignee" in exc.value.message_dict
    assert Task.objects.count() == before


def test_deadline_in_working_days(world, dept):
    task = assign(world, dept, deadline=None, workdays=3, assigned_on=date(2025, 9, 29))
    assert task.deadline == date(2025, 10, 10)  # National Day holidays skipped
    assert task.deadline == get_calendar().add_workdays(date(2025, 9, 29), 3)
    with pytest.raises(ValidationError):
        assign(world, dept, deadline=None, workdays=None)
    with pytest.raises(ValidationError):
        assign(world, dept, deadline=date(2020, 1, 1), assigned_on=date(2025, 1, 1))


def test_extension_request_and_decisions(world, dept):
    staff, leader = world.users["staff"], world.users["leader"]
    task = assign(world, dept, deadline=date(2025, 6, 30), assigned_on=date(2025, 1, 2))
    with pytest.raises(ValidationError):
        services.task_request_extension(
            task, new_deadline=date(2025, 6, 1), reason="下雨", acting_user=staff
        )
    with pytest.raises(ValidationError):
        services.task_request_extension(
            task, new_deadline=date(2025, 7, 30), reason="", acting_user=staff
        )
    services.task_request_extension(
        task, new_deadline=date(2025, 7, 30), reason="连续降雨", acting_user=staff
    )
    with pytest.raises(TaskError, match="待审批"):
        services.task_request_extension(
            task, new_deadline=date(2025, 8, 30), reason="再延", acting_user=staff
        )
    with pytest.raises(TaskError, match="只有交办人"):
        services.task_approve_extension(task, acting_user=world.users["staff_nomodule"])
    services.task_approve_extension(task, acting_user=leader)
    task.refresh_from_db()
    assert task.deadline == date(2025, 7, 30) and task.pending_extension_date is None
    services.task_request_extension(
        task, new_deadline=date(2025, 9, 30), reason="再次申请", acting_user=staff
    )
    services.task_reject_extension(task, acting_user=leader, note="不同意")
    task.refresh_from_db()
    assert task.deadline == date(2025, 7, 30) and task.pending_extension_date is None
    with pytest.raises(TaskError, match="没有待审批"):
        services.task_reject_extension(task, acting_user=leader)
    assert kinds(task)[-4:] == ["extend", "extend_ok", "extend", "extend_no"]


# --- the same through the API and the pages ------------------------------------------------


def test_api_transitions(world, dept):
    task = assign(world, dept)
    staff, leader = world.api("staff"), world.api("leader")
    r = staff.post(f"tasks/{task.pk}/complete", {"note": "x"})
    assert r.status_code == 409 and "请先签收" in r.json()["detail"]
    assert staff.post(f"tasks/{task.pk}/sign").status_code == 200
    r = staff.post(f"tasks/{task.pk}/report", {"note": ""})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "note"
    assert staff.post(f"tasks/{task.pk}/complete", {"note": "完成"}).json()["status"] == "completed"
    r = leader.post(f"tasks/{task.pk}/close", {"version": 1})
    assert r.status_code == 409  # stale version
    r = leader.post(f"tasks/{task.pk}/close")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    r = world.api("admin").post(f"tasks/{task.pk}/close")
    assert r.status_code == 409 and "已销号" in r.json()["detail"]
    detail = leader.get(f"tasks/{task.pk}").json()
    assert [e["kind"] for e in detail["events"]] == ["assign", "sign", "complete", "close"]
    assert world.api("other_admin").post(f"tasks/{task.pk}/close").status_code == 404
    r = staff.post(f"tasks/{task.pk}/extend", {"new_deadline": "2099-01-01", "reason": "x"})
    assert r.status_code == 409


def test_api_create_task(world, dept):
    api = world.api("staff")
    r = api.post(
        "tasks",
        {"title": "新任务", "assignee_department_id": dept.pk, "workdays": 5},
    )
    assert r.status_code == 201, r.content
    assert r.json()["deadline"] == get_calendar().add_workdays(date.today(), 5).isoformat()
    r = api.post("tasks", {"title": "无承办", "workdays": 5})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "assignee"
    staff = world.users["staff_nomodule"]
    staff.is_active = False
    staff.save()
    r = api.post("tasks", {"title": "停用", "assignee_id": staff.pk, "workdays": 5})
    assert r.status_code == 422 and "已停用" in r.json()["detail"][0]["message"]
    body = {"title": "x", "workdays": 1}
    assert world.api("village").post("tasks", body).status_code == 404
    assert world.api("leader").post("tasks", body).status_code == 422  # may assign; no assignee


def test_page_actions(world, dept):
    task = assign(world, dept)
    client = world.client("staff")
    page = client.get(f"/plan/tasks/{task.pk}/").content.decode()
    assert 'data-testid="task-sign"' in page and "办理时间线" in page
    r = client.post(f"/plan/tasks/{task.pk}/act/sign/", {"version": task.version})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.status == "signed"
    r = client.post(f"/plan/tasks/{task.pk}/act/close/", follow=True)
    assert "只有交办人" in r.content.decode()
    r = client.post(f"/plan/tasks/{task.pk}/act/complete/", {"note": ""}, follow=True)
    assert "请填写办结情况" in r.content.decode()
    assert world.client("other_admin").post(f"/plan/tasks/{task.pk}/act/sign/").status_code == 404
    assert client.get(f"/plan/tasks/{task.pk}/act/sign/").status_code == 405


def test_my_tasks_and_board_flags(world, dept):
    overdue = assign(
        world,
        dept,
        title="逾期任务",
        deadline=date.today() - timedelta(days=2),
        assigned_on=date.today() - timedelta(days=10),
    )
    soon = assign(
        world, dept, title="将到期任务", deadline=get_calendar().add_workdays(date.today(), 1)
    )
    html = world.client("staff").get("/plan/my-tasks/").content.decode()
    assert "逾期任务" in html and "已逾期" in html and "将到期任务" in html
    assert overdue.pk and soon.pk


def test_task_form_bad_input_names_the_field(world, dept):
    client = world.client("staff")
    before = Task.objects.count()
    r = client.post(
        "/plan/tasks/add/", {"title": "无时限", "source": "plan", "assignee_department": dept.pk}
    )
    assert r.status_code == 400 and "请填写办理时限" in str(r.context["form"].errors["deadline"])
    r = client.post("/plan/tasks/add/", {"title": "无承办", "source": "plan", "workdays": "3"})
    assert r.status_code == 400 and "承办" in str(r.context["form"].errors["assignee"])
    inactive = world.users["staff_nomodule"]
    inactive.is_active = False
    inactive.save()
    r = client.post(
        "/plan/tasks/add/",
        {"title": "停用", "source": "plan", "assignee": inactive.pk, "workdays": "3"},
    )
    assert r.status_code == 400  # a deactivated user is not even offered
    assert Task.objects.count() == before


def test_my_tasks_lists_reports_due_for_my_targets(world, dept):
    from zhenwu.plan.tests.factories import make_target

    year = date.today().year
    mine = make_target(world.town, name="我的手工指标", value=10, year=year)
    mine.department = dept
    mine.save()
    make_target(world.town, name="别人的指标", value=10, year=year)
    html = world.client("staff").get(f"/plan/my-tasks/?as_of={year}-06-15").content.decode()
    assert "我的手工指标" in html and "别人的指标" not in html
    assert "已逾期" in html  # January's report (due on its last working day) never came
