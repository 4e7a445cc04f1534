"""The projects clerk's work queue (issue 10.2): milestones due this week or overdue, and
projects whose weekly report is missing — on the clerk's home, not on others'."""

from datetime import timedelta

from django.utils import timezone

from zhenwu.projects.tests.factories import make_network, make_project


def test_clerk_queue_lists_milestones_due_this_week(world):
    today = timezone.localdate()
    soon = make_project(world, name="本周到期项目", deadline=today + timedelta(days=5))
    make_network(soon, [("竣工验收", 2)])
    later = make_project(world, name="明年项目", deadline=today + timedelta(days=300))
    make_network(later, [("设计", 5)])
    response = world.client("staff").get("/")
    queues = {s.key: s for s in response.context["queues"]}
    titles = [i.title for i in queues["milestones-queue"].items]
    assert titles == ["本周到期项目 · 竣工验收"]
    item = queues["milestones-queue"].items[0]
    assert item.due_soon and not item.overdue and item.url.endswith("/edit/")
    html = response.content.decode()
    assert "本周到期项目 · 竣工验收" in html and "明年项目" not in html
    # Not a clerk of projects: no such queue.
    response = world.client("staff_nomodule").get("/")
    assert "milestones-queue" not in [s.key for s in response.context["queues"]]
