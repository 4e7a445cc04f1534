"""API of the plan (mounted at the API root): targets with their live figures as of a date,
progress reports, and the supervised tasks with their workflow transitions."""

from __future__ import annotations

import datetime
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from zhenwu.core import asof, people, scoping
from zhenwu.core.api_base import ErrorOut, Pagination, validation_detail
from zhenwu.core.api_base import crud_router as _crud
from zhenwu.core.api_schemas import TimelineEventOut, model_schemas
from zhenwu.core.services import StaleEdit
from zhenwu.plan import selectors, services
from zhenwu.plan.models import Measure, Plan, ProgressReport, Target, Task, Theme
from zhenwu.plan.views import run_task_action

router = Router(tags=["工作计划"])


class TargetOut(Schema):
    id: int
    plan_id: int
    plan_year: int
    theme: str
    measure: str
    name: str
    unit: str
    target_value: float
    comparison: str
    actual_value: float | None
    expected_value: float
    progress: float | None
    time_progress: float
    status: str
    forecast_value: float | None
    indicator: str | None
    error: str | None
    deadline: date
    as_of: date
    months: list[str | None]


def _f(value: Decimal | None, places=4):
    return None if value is None else round(float(value), places)


def target_out(s: selectors.TargetState, plan: Plan) -> dict:
    t = s.target
    return {
        "id": t.pk,
        "plan_id": plan.pk,
        "plan_year": plan.year,
        "theme": t.measure.theme.name,
        "measure": t.measure.name,
        "name": t.name,
        "unit": t.unit,
        "target_value": _f(t.target_value),
        "comparison": t.comparison,
        "actual_value": _f(s.actual),
        "expected_value": _f(s.expected),
        "progress": _f(s.progress),
        "time_progress": _f(s.share),
        "status": s.status,
        "forecast_value": _f(s.forecast),
        "indicator": t.indicator_key or None,
        "error": s.error or None,
        "deadline": s.deadline,
        "as_of": s.as_of,
        "months": [c.status if not c.current else None for c in s.months],
    }


def _states(request, plan_id=None, pk=None):
    as_of = asof.for_api(request)  # unreadable → 422 (AsOfError, zhenwu/api.py)
    plans = scoping.restrict(Plan.objects.all(), request.auth)
    if plan_id:
        plans = plans.filter(pk=plan_id)
    elif request.GET.get("year"):
        try:
            plans = plans.filter(year=int(request.GET["year"]))
        except ValueError:
            return None, {"detail": [{"field": "year", "message": "年度应为整数"}]}
    out = []
    targets = scoping.restrict(
        Target.objects.select_related(
            "town", "leader", "department", "measure", "measure__theme", "measure__theme__plan"
        ),
        request.auth,
    ).filter(measure__theme__plan__in=plans)
    if pk is not None:
        targets = targets.filter(pk=pk)
    by_plan: dict[int, list] = {}
    for t in targets.order_by(
        "measure__theme__plan_id", "measure__theme__order", "measure__order", "order", "id"
    ):
        by_plan.setdefault(t.measure.theme.plan_id, []).append(t)
    for targets_of_plan in by_plan.values():
        plan = targets_of_plan[0].measure.theme.plan
        for s in selectors.evaluate_plan(plan, as_of, targets_of_plan):
            out.append(target_out(s, plan))
    return out, None


@router.get("/targets", response={200: list[TargetOut], 422: ErrorOut})
@paginate(Pagination)
def list_targets(
    request, plan: int | None = None, year: int | None = None, status: str | None = None, **kwargs
):
    """Every target the user may see, evaluated as of `?as_of=YYYY-MM-DD` (default today)."""
    items, error = _states(request, plan_id=plan)
    if error:
        raise HttpError(422, error["detail"][0]["message"])
    if status:
        items = [i for i in items if i["status"] == status]
    return items


@router.get("/targets/{int:pk}", response={200: TargetOut, 404: ErrorOut, 422: ErrorOut})
def get_target(request, pk: int):
    items, error = _states(request, pk=pk)
    if error:
        return Status(422, error)
    if not items:
        return Status(404, {"detail": "未找到"})
    return items[0]


class ReportIn(Schema):
    value: Decimal
    date: datetime.date | None = None  # (the module's `date` would be shadowed by the field)
    note: str = ""


@router.post("/targets/{int:pk}/reports", response={201: TargetOut, 404: ErrorOut, 422: ErrorOut})
def report_target(request, pk: int, payload: ReportIn):
    """File a manual progress report (the cumulative value reached by `date`, default today);
    answers with the target as of that date."""
    target = (
        scoping.restrict(
            Target.objects.select_related("town", "measure__theme__plan"), request.auth
        )
        .filter(pk=pk)
        .first()
    )
    if target is None or not services.can_report(request.auth, target):
        return Status(404, {"detail": "未找到"})
    on = payload.date or selectors.today()
    try:
        services.report_progress(
            target, value=payload.value, on=on, note=payload.note, acting_user=request.auth
        )
    except ValidationError as exc:
        return Status(422, {"detail": validation_detail(exc)})
    plan = target.measure.theme.plan
    state = selectors.evaluate_plan(plan, on, [target])[0]
    return Status(201, target_out(state, plan))


# --- tasks ---------------------------------------------------------------------------------


def _task_flag(task: Task) -> selectors.TaskFlag:
    """Overdue / due soon as of the date the endpoint read the tasks on (`task.as_of`)."""
    flag = getattr(task, "_flag", None)
    if flag is None:
        flag = task._flag = selectors.task_flag(
            task, getattr(task, "as_of", None) or selectors.today()
        )
    return flag


TaskOut = model_schemas(
    Task,
    extra_out={
        "status_label": (str, lambda t: str(t.get_status_display()), "状态"),
        "assigned_by": (str, lambda t: t.assigned_by.display_name, "交办人姓名"),
        "assignee_department": (
            str | None,
            lambda t: t.assignee_department.name if t.assignee_department_id else None,
            "承办部门名称",
        ),
        "assignee": (
            str | None,
            lambda t: t.assignee.display_name if t.assignee_id else None,
            "承办人姓名",
        ),
        "overdue": (bool, lambda t: _task_flag(t).overdue, "是否已超期"),
        "due_soon": (bool, lambda t: _task_flag(t).due_soon, "是否临期"),
    },
)[0]


class TaskDetailOut(TaskOut):
    events: list[TimelineEventOut]

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.select_related("actor"))


class TaskIn(Schema):
    title: str
    description: str = ""
    source: str = "plan"
    source_note: str = ""
    target_id: int | None = None
    assignee_id: int | None = None
    assignee_department_id: int | None = None
    deadline: date | None = None
    workdays: int | None = None


class TaskActionIn(Schema):
    note: str = ""
    reason: str = ""
    new_deadline: date | None = None
    version: int | None = None


@router.get("/tasks", response=list[TaskOut])
@paginate(Pagination)
def list_tasks(request, status: str | None = None, mine: bool = False, **kwargs):
    qs = selectors.tasks_queryset(request.auth)
    if status:
        qs = qs.filter(status=status)
    if mine:
        todo, _ = selectors.my_tasks(request.auth, selectors.today())
        qs = qs.filter(pk__in=[t.pk for t, _ in todo])
    return qs.order_by("deadline", "id")


@router.get("/tasks/{int:pk}", response={200: TaskDetailOut, 404: ErrorOut})
def get_task(request, pk: int):
    task = selectors.tasks_queryset(request.auth).filter(pk=pk).first()
    if task is None:
        return Status(404, {"detail": "未找到"})
    return task


@router.post("/tasks", response={201: TaskOut, 404: ErrorOut, 422: ErrorOut})
def create_task(request, payload: TaskIn):
    from zhenwu.core.models import Department

    user = request.auth
    if not services.can_assign(user, user.town):
        return Status(404, {"detail": "未找到"})
    data = payload.dict()
    assignee = department = target = None
    if data["assignee_id"]:
        # Inactive people are found here so that the service can say they are deactivated.
        assignee = (
            people.eligible(user, keep=data["assignee_id"]).filter(pk=data["assignee_id"]).first()
        )
        if assignee is None:
            return Status(422, {"detail": [{"field": "assignee_id", "message": "找不到该承办人"}]})
    if data["assignee_department_id"]:
        department = (
            scoping.restrict(Department.objects.all(), user)
            .filter(pk=data["assignee_department_id"])
            .first()
        )
        if department is None:
            return Status(
                422,
                {"detail": [{"field": "assignee_department_id", "message": "找不到该承办部门"}]},
            )
    if data["target_id"]:
        target = scoping.restrict(Target.objects.all(), user).filter(pk=data["target_id"]).first()
        if target is None:
            return Status(422, {"detail": [{"field": "target_id", "message": "找不到该指标"}]})
    try:
        task = services.task_assign(
            town=user.town,
            title=data["title"],
            description=data["description"],
            source=data["source"],
            source_note=data["source_note"],
            target=target,
            assignee=assignee,
            assignee_department=department,
            deadline=data["deadline"],
            workdays=data["workdays"],
            acting_user=user,
        )
    except ValidationError as exc:
        return Status(422, {"detail": validation_detail(exc)})
    return Status(201, task)


def _action(request, pk: int, action: str, payload: TaskActionIn):
    task = selectors.tasks_queryset(request.auth).filter(pk=pk).first()
    if task is None:
        return Status(404, {"detail": "未找到"})
    data = payload.dict()
    if data.get("version") is not None and data["version"] != task.version:
        return Status(
            409,
            {
                "detail": f"该任务已被他人处理（当前状态：{task.get_status_display()}），请刷新后再操作"
            },
        )
    if data.get("new_deadline"):
        data["new_deadline"] = data["new_deadline"].isoformat()
    try:
        task = run_task_action(task, action, request.auth, data)
    except services.TaskForbidden as exc:
        return Status(403, {"detail": exc.message})
    except (services.TaskError, StaleEdit) as exc:
        return Status(409, {"detail": exc.message})
    except ValidationError as exc:
        return Status(422, {"detail": validation_detail(exc)})
    return task


ACTION_RESPONSES = {200: TaskOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _register(action: str):
    def handler(request, pk: int, payload: TaskActionIn = None):
        return _action(request, pk, action, payload or TaskActionIn())

    handler.__name__ = f"task_{action.replace('-', '_')}"
    router.post(
        f"/tasks/{{int:pk}}/{action}", response=ACTION_RESPONSES, operation_id=handler.__name__
    )(handler)


for _name in (
    "sign",
    "report",
    "complete",
    "close",
    "return",
    "extend",
    "approve-extension",
    "reject-extension",
):
    _register(_name)


# --- plain CRUD of the plan's structure (schemas derived from the models) -----------------

for _model, _path, _label in (
    (Plan, "/plans", "工作计划"),
    (Theme, "/themes", "工作计划"),
    (Measure, "/measures", "工作计划"),
):
    _out, _in, _patch = model_schemas(_model)
    router.add_router(
        _path,
        _crud(_model, out_schema=_out, in_schema=_in, patch_schema=_patch, tags=[_label]),
    )

# Reports are filed through POST /targets/{id}/reports (it checks who may report and
# re-evaluates the target); this lists and reads them.
_out, _, _ = model_schemas(ProgressReport)
router.add_router(
    "/reports",
    _crud(ProgressReport, out_schema=_out, tags=["工作计划"], filters={"target": "target_id"}),
)
