"""The plan's part of the role homes: the user's 督办 to-dos (and decisions waiting)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext

from zhenwu.core.homes import HomeItem, HomeSection, register_todo
from zhenwu.plan import selectors


@register_todo("plan", "我的待办", order=10)
def my_todos(user, today):
    todo, waiting = selectors.my_tasks(user, today, limit=20)
    items = [
        HomeItem(
            title=task.title,
            url=reverse("plan:task_detail", args=[task.pk]),
            note=f"{task.get_status_display()} · "
            + gettext("时限 %(date)s") % {"date": f"{task.deadline:%Y-%m-%d}"},
            overdue=flag.overdue,
            due_soon=flag.due_soon,
            action="签收" if task.status == "assigned" else "办理",
        )
        for task, flag in todo
    ] + [
        HomeItem(
            title=task.title,
            url=reverse("plan:task_detail", args=[task.pk]),
            note=gettext("延期申请待审批")
            if task.pending_extension_date
            else gettext("已办结，待销号"),
            action="审批" if task.pending_extension_date else "销号",
        )
        for task in waiting
    ]
    return HomeSection(
        key="todos",
        label="我的待办",
        items=items,
        total=len(items),
        list_url=reverse("plan:my_tasks"),
        empty="没有待办事项",
    )
