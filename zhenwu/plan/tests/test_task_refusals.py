"""Task actions refused for want of permission answer 403 (the task is visible, the action
is not theirs); a wrong state and a lost race answer 409 (issue 8)."""

from zhenwu.core.services import StaleEdit
from zhenwu.plan import services
from zhenwu.plan.tests.factories import assigned_task


def _task(world):
    return assigned_task(world, title="权限测试")


def test_not_the_assignee_is_403_not_409(world):
    task = _task(world)
    r = world.api("staff_nomodule").post(f"tasks/{task.pk}/sign")
    assert r.status_code == 403 and "只有承办人" in r.json()["detail"]
    assert world.api("staff").post(f"tasks/{task.pk}/sign").status_code == 200
    assert world.api("staff").post(f"tasks/{task.pk}/complete", {"note": "完成"}).status_code == 200
    r = world.api("staff_nomodule").post(f"tasks/{task.pk}/close")
    assert r.status_code == 403 and "只有交办人" in r.json()["detail"]
    # Out of scope stays 404; a wrong state stays 409.
    assert world.api("other_admin").post(f"tasks/{task.pk}/close").status_code == 404
    r = world.api("staff").post(f"tasks/{task.pk}/sign")
    assert r.status_code == 409


def test_lost_race_is_the_platform_stale_edit(world):
    task = _task(world)
    first = type(task).objects.get(pk=task.pk)
    services.task_sign(task, acting_user=world.users["staff"])
    try:
        services.task_sign(first, acting_user=world.users["admin"])
    except StaleEdit as exc:
        assert exc.conflict and "刚被他人处理" in exc.message
    else:  # pragma: no cover - the assertion below explains
        raise AssertionError("a lost race must raise StaleEdit")
