"""The daily 督办 digest: what a town's groups are told each working morning, as markdown.

It reuses the modules' own rules and selectors — nothing is recomputed here:
- red targets: `plan.selectors.evaluate_plan` (the board's colours) for the town's plan of the
  year (the plan the board opens on, as `plan_for` picks it);
- 督办 tasks overdue and due soon: `plan.selectors.task_flag` (`plan.rules.due_soon`: within 3
  working days by the town's calendar);
- key-project milestones overdue: `projects.selectors.schedules_for`, a milestone whose latest
  allowed finish (倒排工期) has passed and that is not finished — the same rule as the 节点
  work queue on the clerks' home page.

The digest is town-wide (it goes to the town's group, not to one person) and names people by
their names only: no phone or ID number ever goes into a message.
Nothing to report → a short 「今日无逾期事项」 message, so a group can tell a quiet day from a
robot that stopped working.
"""

from __future__ import annotations

import datetime

from django.urls import reverse

from zhenwu.core import formats
from zhenwu.notices.services import Message

MAX_ITEMS = 10  # per section; the rest is counted ("另有 N 项")
MAX_CHARS = 3500  # WeCom's markdown content is at most 4096 bytes; DingTalk's is larger


def _plan_of(town, today):
    from zhenwu.plan.models import Plan

    qs = Plan.objects.filter(town=town)
    return (
        qs.filter(year=today.year).order_by("id").first()
        or qs.filter(year__lte=today.year).order_by("-year", "id").first()
    )


def red_targets(town, today) -> list[str]:
    from zhenwu.plan import rules, selectors

    plan = _plan_of(town, today)
    if plan is None:
        return []
    lines = []
    for state in selectors.evaluate_plan(plan, today):
        if state.status != rules.RED:
            continue
        t = state.target
        unit = t.unit or ""
        actual = "未填报" if state.actual is None else f"{formats.number(state.actual)}{unit}"
        lines.append(
            f"{t.name}：完成 {actual}，应达 {formats.number(state.expected)}{unit}"
            f"（目标 {formats.number(t.target_value)}{unit}）"
        )
    return lines


def _who(task) -> str:
    names = [str(x) for x in (task.assignee, task.assignee_department) if x is not None]
    return "、".join(names) or "未指定承办"


def tasks(town, today) -> tuple[list[str], list[str]]:
    from zhenwu.core.workcalendar import get_calendar
    from zhenwu.plan.models import OPEN_STATUSES, Task
    from zhenwu.plan.selectors import task_flag

    calendar = get_calendar(town.pk)
    qs = Task.objects.filter(town=town, status__in=OPEN_STATUSES).select_related(
        "assignee", "assignee_department"
    )
    overdue, soon = [], []
    for task in qs.order_by("deadline", "id"):
        flag = task_flag(task, today, calendar)
        line = f"{task.title}（{_who(task)}，时限 {formats.date_cell(task.deadline)}）"
        if flag.overdue:
            overdue.append(line)
        elif flag.due_soon:
            soon.append(line)
    return overdue, soon


def milestones_overdue(town, today) -> list[str]:
    from zhenwu.projects import selectors
    from zhenwu.projects.models import FINISHED_STATUSES, Project

    projects = Project.objects.filter(town=town).exclude(status__in=FINISHED_STATUSES)
    lines = []
    for ps in selectors.schedules_for(projects, as_of=today):
        for row in ps.rows:
            if not row.plan or not row.forecast or row.forecast.status == "finished":
                continue
            latest = row.plan.late_finish
            if latest < today:
                lines.append(
                    f"{ps.project.name} · {row.milestone.name}（最迟 {formats.date_cell(latest)} 完成）"
                )
    return lines


def _section(title: str, lines: list[str]) -> list[str]:
    if not lines:
        return []
    out = [f"**{title}（{len(lines)}）**", ""]
    out += [f"- {line}" for line in lines[:MAX_ITEMS]]
    if len(lines) > MAX_ITEMS:
        out.append(f"- 另有 {len(lines) - MAX_ITEMS} 项，请在系统中查看")
    out.append("")
    return out


def build(town, today: datetime.date, base_url: str = "") -> Message:
    overdue, soon = tasks(town, today)
    sections = [
        ("红灯指标", red_targets(town, today)),
        ("逾期督办事项", overdue),
        ("3 个工作日内到期的督办事项", soon),
        ("逾期的重点项目节点", milestones_overdue(town, today)),
    ]
    title = f"{town.name}每日督办提醒 {formats.date_short(today, today)}"
    lines = [f"### {title}", ""]
    if not any(items for _t, items in sections):
        lines += ["今日无逾期事项。", ""]
    for name, items in sections:
        lines += _section(name, items)
    text = "\n".join(lines).rstrip()
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS - 20].rsplit("\n", 1)[0] + "\n- ……（内容过长，已截断）"
    text += "\n\n> 来自镇务"
    if base_url:
        text += f" · [打开挂图作战]({base_url}{reverse('plan:board')})"
    return Message(title, text)
