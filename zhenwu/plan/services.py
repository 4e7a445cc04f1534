"""Writes of the plan: progress reports, month-end freezing, copying a plan to a new year, and
the supervised-task (督办) workflow — one function per event (Saleor's habit), each atomic,
attributed to `acting_user`, refusing invalid transitions with a Chinese message."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zhenwu.core import scoping
from zhenwu.core.models import Role
from zhenwu.core.services import StaleEdit, add_attachment, attributed, create_object
from zhenwu.core.workcalendar import get_calendar
from zhenwu.plan import rules
from zhenwu.plan.models import (
    OPEN_STATUSES,
    MonthStatus,
    Plan,
    ProgressReport,
    Target,
    Task,
    TaskEvent,
    TaskEventKind,
    TaskStatus,
)


class TaskError(Exception):
    """A task transition that is not allowed in the task's state (HTTP 409). A lost race is
    the platform's `StaleEdit` (409 too); a person who may not act, `TaskForbidden` (403)."""

    conflict = False

    def __init__(self, message: str, *, conflict: bool = False):
        super().__init__(message)
        self.message = message


class TaskForbidden(TaskError):
    """The acting user may not take this action on the task (not its assignee/assigner)."""


# --- progress reports --------------------------------------------------------------------


def can_report(user, target: Target) -> bool:
    """Who files a manual target's progress: editors of the plan module, and — the town's
    practice — the target's own responsible department and 包保 leader, whatever their module.
    The target must be in the user's scope either way."""
    if target.indicator_key or not scoping.can(user, scoping.VIEW, target):
        return False
    if scoping.can_write_model(user, ProgressReport):
        return True
    if user.role not in ("staff", "leader") and not user.is_superuser:
        return False
    if target.leader_id and target.leader_id == user.pk:
        return True
    return bool(
        target.department_id
        and user.departments.filter(pk=target.department_id, is_deleted=False).exists()
    )


@transaction.atomic
def report_progress(
    target: Target, *, value, on: date | None = None, note: str = "", acting_user, evidence=None
) -> ProgressReport:
    """A manual progress report: the cumulative value reached by `on` (with optional evidence)."""
    if target.indicator_key:
        raise ValidationError({"value": "该指标由业务台账自动计算，不能手工填报进度"})
    if not can_report(acting_user, target):
        raise ValidationError({"target": "您不是该指标的责任部门或包保领导，不能填报进度"})
    report = create_object(
        ProgressReport,
        town=target.town,
        data={
            "target": target,
            "value": Decimal(str(value)),
            "date": on or timezone.localdate(),
            "note": note,
            "reported_by": acting_user,
        },
        acting_user=acting_user,
    )
    if evidence is not None:
        add_attachment(report, uploaded=evidence, acting_user=acting_user, caption="佐证材料")
    return report


# --- month-end freezing ------------------------------------------------------------------


def months_missing(plan: Plan, upto: date, *, targets=None, frozen=None) -> list[MonthStatus]:
    """The month rows that freezing would write now, unsaved: each target's colour for every
    month of the plan year that ended before `upto` and is not frozen yet, in month order so
    the catch-up rule sees the previous (frozen or just computed) month. Pure read: the board
    uses these values until the scheduler stores them, so both show the same colours."""
    from zhenwu.plan import selectors

    months = rules.months_to_freeze(plan.year, upto)
    if not months:
        return []
    targets = list(targets if targets is not None else selectors.plan_targets(plan))
    if frozen is None:
        frozen = selectors.frozen_by_target(targets, plan.year)
    if all(m in frozen.get(t.pk, {}) for t in targets for m in months):
        return []
    reports = selectors.reports_by_target(targets)
    calendar = get_calendar(plan.town_id)
    rows = []
    for target in targets:
        have = dict(frozen.get(target.pk, {}))
        for m in months:
            if m in have:
                continue
            end = rules.month_end(plan.year, m)
            state = selectors.evaluate(
                target,
                plan.year,
                end,
                reports=reports.get(target.pk, []),
                frozen=have,
                calendar=calendar,
            )
            have[m] = state.status
            rows.append(
                MonthStatus(
                    town_id=target.town_id,
                    target=target,
                    year=plan.year,
                    month=m,
                    status=state.status,
                    raw_status=state.raw_status,
                    actual=state.actual,
                    expected=rules.quantize(state.expected),
                )
            )
    return rows


@transaction.atomic
def freeze_months(plan: Plan, *, upto: date | None = None) -> int:
    """Freeze each target's colour for every month of the plan year that ended before `upto`
    (today by default) and is not frozen yet. A frozen month is never recomputed. Called by
    the scheduler (`zhenwu run-scheduled`, job `plan.freeze_months`) and the demo — never by a
    page view. Returns rows created (0 when everything is frozen already)."""
    rows = months_missing(plan, upto or timezone.localdate())
    MonthStatus.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def freeze_due_months(today: date | None = None) -> int:
    """The scheduled job: freeze the ended months of every plan of every town (idempotent)."""
    today = today or timezone.localdate()
    total = 0
    for plan in Plan.objects.filter(year__lte=today.year).order_by("town_id", "year", "id"):
        total += freeze_months(plan, upto=today)
    return total


# --- copying a plan ----------------------------------------------------------------------


@transaction.atomic
def copy_plan(
    plan: Plan, *, year: int, name: str | None = None, factor=Decimal(1), acting_user
) -> Plan:
    """A new year's plan with the same themes, measures and targets; every target value is
    multiplied by `factor` (e.g. 1.1 for +10%) and rounded; targets can then be edited one by
    one. Deadlines move to the same day of the new year; reports and history are not copied."""
    factor = Decimal(str(factor))
    if factor <= 0:
        raise ValidationError({"factor": "调整系数应大于0"})
    new = Plan(town=plan.town, year=year, name=name or plan.name, note=plan.note, copied_from=plan)
    new.full_clean()
    with attributed(acting_user):
        new.save()
        for theme in plan.themes.all():
            measures = list(theme.measures.all())
            theme.pk, theme.plan, theme.version = None, new, 1
            theme._state.adding = True
            theme.save()
            for measure in measures:
                targets = list(measure.targets.all())
                measure.pk, measure.theme, measure.version = None, theme, 1
                measure._state.adding = True
                measure.save()
                for target in targets:
                    target.pk, target.measure, target.version = None, measure, 1
                    target._state.adding = True
                    target.target_value = rules.quantize(
                        target.target_value * factor,
                        0 if target.target_value == target.target_value.to_integral() else 2,
                    )
                    if target.deadline:
                        target.deadline = _same_day(target.deadline, year)
                    target.is_demo = False
                    target.save()
    return new


def _same_day(d: date, year: int) -> date:
    try:
        return d.replace(year=year)
    except ValueError:  # 29 February
        return d.replace(year=year, day=28)


# --- supervised tasks (督办) ----------------------------------------------------------------


def _event(task, kind, user, note="", new_deadline=None, on_date=None) -> TaskEvent:
    """A step on the task's timeline, dated today unless the step has its own business date
    (the assignment: the task's 交办日期)."""
    return TaskEvent.record(
        task, kind, actor=user, note=note, new_deadline=new_deadline, on_date=on_date
    )


def can_assign(user, town=None) -> bool:
    """Who assigns 督办 tasks (交办), as themselves: the town's leaders (书记、镇长), its
    inspectors (督查), its administrators and the editors of the plan module (党政办). Staff of
    other departments and village cadres receive tasks; they do not assign them. The city
    viewer assigns nothing. With `town`, the task must be for the user's own town."""
    if not scoping._active(user):
        return False
    if town is not None and not user.is_superuser and user.town_id != getattr(town, "pk", town):
        return False
    if user.is_superuser:
        return True
    if user.town_id is None:
        return False
    if user.role in (Role.LEADER, Role.INSPECTOR):
        return True
    return scoping.can_write_model(user, Task)


def todo_count(user) -> int:
    """The number on the 我的待办 button: open tasks for the user (or their departments) and
    tasks waiting for their decision as assigner (completed → 销号/退办, extension requests)."""
    from zhenwu.plan import selectors

    todo, waiting = selectors.my_tasks_querysets(user)
    return todo.count() + waiting.count()


def is_assignee(user, task: Task) -> bool:
    if user.is_superuser or user.role == "admin":
        return True
    if task.assignee_id and task.assignee_id == user.pk:
        return True
    if task.assignee_department_id:
        return user.departments.filter(pk=task.assignee_department_id).exists()
    return False


def is_assigner(user, task: Task) -> bool:
    return task.assigned_by_id == user.pk or scoping.can_approve(user)


def _require(cond: bool, message: str):
    if not cond:
        raise TaskForbidden(message)


def _transition(task: Task, user, *, allowed, to: str | None, **fields) -> Task:
    """Move `task` to `to` only if it is still in the state and version it was loaded with —
    a conditional UPDATE, so of two people acting at once exactly one wins."""
    if task.status not in allowed:
        raise TaskError(
            f"任务当前状态为「{task.get_status_display()}」，不能执行此操作", conflict=False
        )
    won = Task.all_objects.filter(
        pk=task.pk, version=task.version, status=task.status, is_deleted=False
    ).update(version=F("version") + 1)
    if not won:
        current = Task.all_objects.get(pk=task.pk)
        raise StaleEdit(
            current,
            task.version,
            message=f"该任务刚被他人处理（当前状态：{current.get_status_display()}），请刷新后查看",
        )
    task.version += 1
    if to is not None:
        task.status = to
    for name, value in fields.items():
        setattr(task, name, value)
    with attributed(user):
        task.save()
    return task


def _check_active(user, label="承办人"):
    if user is not None and not user.is_active:
        raise ValidationError(
            {"assignee": f"{label}「{user.display_name}」的账号已停用，不能交办，请改派其他人员"}
        )


@transaction.atomic
def task_assign(
    *,
    town,
    title: str,
    acting_user,
    deadline: date | None = None,
    workdays: int | None = None,
    assignee=None,
    assignee_department=None,
    description: str = "",
    source: str = "plan",
    source_note: str = "",
    plan=None,
    target=None,
    assigned_on: date | None = None,
) -> Task:
    """交办: to a department and/or a person, with a deadline as a date or as N working days.
    The one who assigns (`acting_user`) is the task's 交办人: they follow it up and accept (销号)
    or return it."""
    if not can_assign(acting_user, town):
        raise PermissionDenied("您没有交办督办任务的权限")
    _check_active(assignee)
    if assignee is None and assignee_department is None:
        raise ValidationError({"assignee": "请选择承办部门或承办人"})
    start = assigned_on or timezone.localdate()
    if deadline is None:
        if not workdays or workdays < 1:
            raise ValidationError({"deadline": "请填写办理时限（日期或工作日天数）"})
        deadline = get_calendar(town).add_workdays(start, int(workdays))
    if deadline < start:
        raise ValidationError({"deadline": "办理时限不能早于交办日期"})
    task = create_object(
        Task,
        town=town,
        data=dict(
            title=title,
            description=description,
            source=source,
            source_note=source_note,
            plan=plan or (target.measure.theme.plan if target else None),
            target=target,
            assigned_by=acting_user,
            assignee=assignee,
            assignee_department=assignee_department,
            assigned_on=start,
            deadline=deadline,
        ),
        acting_user=acting_user,
    )
    who = "、".join(str(x) for x in (assignee_department, assignee) if x)
    _event(task, TaskEventKind.ASSIGN, acting_user, f"交办给{who}", deadline, on_date=start)
    return task


@transaction.atomic
def task_sign(task: Task, *, acting_user) -> Task:
    """签收: the assignee (or a member of the assigned department) acknowledges the task."""
    _require(is_assignee(acting_user, task), "只有承办人或承办部门人员可以签收")
    _transition(task, acting_user, allowed=(TaskStatus.ASSIGNED,), to=TaskStatus.SIGNED)
    _event(task, TaskEventKind.SIGN, acting_user)
    return task


@transaction.atomic
def task_report(task: Task, *, note: str, acting_user) -> Task:
    """反馈: a progress note; the task is then 办理中."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写进展情况"})
    _require(is_assignee(acting_user, task), "只有承办人或承办部门人员可以反馈进展")
    if task.status == TaskStatus.ASSIGNED:
        raise TaskError("请先签收任务，再反馈进展")
    _transition(
        task,
        acting_user,
        allowed=(TaskStatus.SIGNED, TaskStatus.IN_PROGRESS, TaskStatus.RETURNED),
        to=TaskStatus.IN_PROGRESS,
    )
    _event(task, TaskEventKind.REPORT, acting_user, note)
    return task


@transaction.atomic
def task_complete(task: Task, *, note: str, acting_user, evidence=None) -> Task:
    """办结: done, with evidence (a description, and a file where one exists)."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写办结情况（佐证说明）"})
    _require(is_assignee(acting_user, task), "只有承办人或承办部门人员可以办结")
    if task.status == TaskStatus.ASSIGNED:
        raise TaskError("请先签收任务，再办结")
    _transition(
        task,
        acting_user,
        allowed=(TaskStatus.SIGNED, TaskStatus.IN_PROGRESS, TaskStatus.RETURNED),
        to=TaskStatus.COMPLETED,
        completed_at=timezone.now(),
    )
    if evidence is not None:
        add_attachment(task, uploaded=evidence, acting_user=acting_user, caption="办结佐证")
    _event(task, TaskEventKind.COMPLETE, acting_user, note)
    return task


@transaction.atomic
def task_close(task: Task, *, acting_user, note: str = "") -> Task:
    """销号: the assigner accepts the completed task. Two closers at once: one wins."""
    _require(is_assigner(acting_user, task), "只有交办人或领导可以销号")
    _transition(
        task,
        acting_user,
        allowed=(TaskStatus.COMPLETED,),
        to=TaskStatus.CLOSED,
        closed_at=timezone.now(),
    )
    _event(task, TaskEventKind.CLOSE, acting_user, note)
    return task


@transaction.atomic
def task_return(task: Task, *, note: str, acting_user) -> Task:
    """退办: the assigner sends a completed task back for rework, saying why."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写退办理由"})
    _require(is_assigner(acting_user, task), "只有交办人或领导可以退办")
    _transition(
        task,
        acting_user,
        allowed=(TaskStatus.COMPLETED,),
        to=TaskStatus.RETURNED,
        completed_at=None,
    )
    _event(task, TaskEventKind.RETURN, acting_user, note)
    return task


@transaction.atomic
def task_request_extension(task: Task, *, new_deadline: date, reason: str, acting_user) -> Task:
    """延期申请: a reason and a new date, waiting for the assigner's decision."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写延期理由"})
    if new_deadline is None or new_deadline <= task.deadline:
        raise ValidationError(
            {"new_deadline": f"延期后的时限应晚于当前时限 {task.deadline:%Y-%m-%d}"}
        )
    _require(is_assignee(acting_user, task), "只有承办人或承办部门人员可以申请延期")
    if task.pending_extension_date:
        raise TaskError("已有待审批的延期申请，请等待交办人审批")
    _transition(
        task,
        acting_user,
        allowed=OPEN_STATUSES,
        to=None,
        pending_extension_date=new_deadline,
        pending_extension_reason=reason,
    )
    _event(task, TaskEventKind.EXTEND_REQUEST, acting_user, reason, new_deadline)
    return task


@transaction.atomic
def task_approve_extension(task: Task, *, acting_user, note: str = "") -> Task:
    _require(is_assigner(acting_user, task), "只有交办人或领导可以审批延期")
    if not task.pending_extension_date:
        raise TaskError("该任务没有待审批的延期申请")
    new = task.pending_extension_date
    _transition(
        task,
        acting_user,
        allowed=OPEN_STATUSES,
        to=None,
        deadline=new,
        pending_extension_date=None,
        pending_extension_reason="",
    )
    _event(task, TaskEventKind.EXTEND_APPROVE, acting_user, note, new)
    return task


@transaction.atomic
def task_reject_extension(task: Task, *, acting_user, note: str = "") -> Task:
    _require(is_assigner(acting_user, task), "只有交办人或领导可以审批延期")
    if not task.pending_extension_date:
        raise TaskError("该任务没有待审批的延期申请")
    _transition(
        task,
        acting_user,
        allowed=OPEN_STATUSES,
        to=None,
        pending_extension_date=None,
        pending_extension_reason="",
    )
    _event(task, TaskEventKind.EXTEND_REJECT, acting_user, note)
    return task
