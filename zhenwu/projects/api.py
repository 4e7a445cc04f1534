"""API of the projects module. Mounted at the API root: paths are declared in full.

- `POST /tools/schedule` — the scheduling tool (stores nothing; exact shape in issue 4).
- `/projects` — list/detail/create/patch/delete through the scoping gate.
- `/projects/{id}/milestones` — a project's milestones with their predecessors.
- `/projects/{id}/schedule` — the tool's shape, computed from the stored milestones.
"""

from __future__ import annotations

import json
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from zhenwu.core import people, scoping
from zhenwu.core import services as core_services
from zhenwu.core.api_base import ErrorOut, Pagination, crud_router, validation_detail
from zhenwu.core.api_schemas import model_schemas
from zhenwu.core.models import Department
from zhenwu.core.workcalendar import get_calendar
from zhenwu.projects import selectors, services
from zhenwu.projects.models import (
    FarmlandDetail,
    Milestone,
    MilestoneDependency,
    Problem,
    Project,
    ProjectCategory,
    WeeklyReport,
)
from zhenwu.projects.scheduling import CalendarDays, ScheduleError, schedule_spec

router = Router(tags=["重点项目"])

CALENDARS = {"cn-workdays": get_calendar, "calendar-days": CalendarDays}
MAX_DAYS = 100_000

SCHEDULE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["mode", "tasks"],
                    "properties": {
                        "mode": {"type": "string", "enum": ["backward", "forward"]},
                        "deadline": {"type": "string", "format": "date"},
                        "start": {"type": "string", "format": "date"},
                        "calendar": {"type": "string", "enum": list(CALENDARS)},
                        "tasks": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "key": {"type": "string"},
                                    "duration": {"type": "integer"},
                                    "predecessors": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "key": {"type": "string"},
                                                "lag": {"type": "integer"},
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                }
            }
        },
    }
}


class ScheduleTaskOut(Schema):
    key: str
    early_start: str
    early_finish: str
    late_start: str
    late_finish: str
    total_float: int
    critical: bool


class ScheduleOut(Schema):
    project_start: str
    project_finish: str
    tasks: list[ScheduleTaskOut]


def _unprocessable(message: str):
    return Status(422, {"detail": message})


@router.post(
    "/tools/schedule",
    response={200: ScheduleOut, 422: ErrorOut},
    tags=["工具"],
    openapi_extra=SCHEDULE_BODY,
)
def schedule_tool(request):
    """Critical-path scheduling (倒排工期 backward from `deadline`, or forward from `start`) on
    the Chinese working calendar (`cn-workdays`, State Council holidays and 调休) or on
    calendar days. Stores nothing. Errors answer 422 with a message naming the task."""
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return _unprocessable("请求体不是有效的 JSON")
    if not isinstance(body, dict):
        return _unprocessable("请求体应为 JSON 对象")
    mode = body.get("mode")
    if mode not in ("backward", "forward"):
        return _unprocessable(f"mode 取值无效：{mode!r}（应为 backward 或 forward）")
    cal_name = body.get("calendar", "cn-workdays")
    if not isinstance(cal_name, str) or cal_name not in CALENDARS:
        return _unprocessable(
            f"calendar 取值无效：{cal_name!r}（应为 cn-workdays 或 calendar-days）"
        )
    field = "deadline" if mode == "backward" else "start"
    raw = body.get(field)
    if not isinstance(raw, str):
        return _unprocessable(f"{field} 缺失或无效：{mode} 模式须提供 {field}（YYYY-MM-DD）")
    try:
        anchor = date.fromisoformat(raw)
        if len(raw) != 10:
            raise ValueError
    except ValueError:
        return _unprocessable(f"{field} 日期无效：{raw!r}（应为 YYYY-MM-DD）")
    tasks = body.get("tasks")
    if not isinstance(tasks, list):
        return _unprocessable("tasks 缺失或不是列表")
    for t in tasks:
        if isinstance(t, dict):
            preds = t.get("predecessors", [])
            if preds is not None and not isinstance(preds, list):
                return _unprocessable(f"任务「{t.get('key')}」的 predecessors 应为列表")
            # Beyond any real plan (≈ 400 years of working days): refuse before computing.
            numbers = [t.get("duration")] + [
                p.get("lag") for p in preds or () if isinstance(p, dict)
            ]
            if any(isinstance(n, int) and abs(n) > MAX_DAYS for n in numbers):
                return _unprocessable(
                    f"任务「{t.get('key')}」的工期或间隔过大（绝对值不能超过 {MAX_DAYS}）"
                )
    try:
        result = schedule_spec(tasks, mode=mode, anchor=anchor, calendar=CALENDARS[cal_name]())
    except ScheduleError as exc:
        return _unprocessable(exc.message)
    return result.to_dict()


# --- projects -----------------------------------------------------------------------------------


# 高标准农田 fields of a project (domain-rules §6; amounts in 万元, areas in 亩): the detail
# model's surface, nested in the project's input and output. 开工 is the project's actual start.
FarmlandOut, FarmlandFields = model_schemas(
    FarmlandDetail,
    read_only=("project",),
    extra_out={
        "started_on": (date | None, lambda obj: obj.project.actual_start, "开工日期"),
        "mapping_status_label": (str, lambda obj: obj.get_mapping_status_display(), "上图入库"),
        "per_mu_investment": (float | None, lambda obj: obj.per_mu_investment, "亩均投资"),
    },
)[:2]


def _farmland_of(obj):
    detail = getattr(obj, "farmland", None)
    return None if detail is None or detail.is_deleted else detail


# The project's surface is the model's. Its category is read and written by key (the
# category's id is returned too); the team is a list of user ids; the demo marker, the
# linked investment and the imported leader name are read-only here.
ProjectOut, ProjectIn, ProjectPatch = model_schemas(
    Project,
    read_only=("category", "investment", "leader_name", "is_demo"),
    extra_out={
        "category": (str, lambda obj: obj.category.key, "项目类别"),
        "category_label": (str, lambda obj: obj.category.label, "项目类别名称"),
        "status_label": (str, lambda obj: obj.get_status_display(), "状态名称"),
        "team": (list[int], lambda obj: [u.pk for u in obj.team.all()], "专班成员"),
        "farmland": (FarmlandOut | None, _farmland_of, "高标准农田"),
    },
    extra_in={
        "category": (str, "key", "项目类别（键，如 key）"),
        "team": (list[int] | None, None, "专班成员"),
        "farmland": (FarmlandFields | None, None, "高标准农田"),
    },
)


def _resolve(request, data: dict, obj=None):
    """Turn ids and keys into objects the caller may use; a bad one names its field."""
    from decimal import Decimal

    user = request.auth
    out = dict(data)
    team = out.pop("team", None)
    if "category" in out:
        services.ensure_categories(user.town, user)
        cat = (
            scoping.restrict(ProjectCategory.objects.all(), user)
            .filter(key=out["category"])
            .first()
        )
        if cat is None:
            raise ValidationError({"category": f"项目类别「{out['category']}」不存在"})
        out["category"] = cat
    if out.get("village_id") is not None:
        village = scoping.allowed_villages(user).filter(pk=out.pop("village_id")).first()
        if village is None:
            raise ValidationError({"village_id": "村（社区）不存在或不在您的管辖范围"})
        out["village"] = village
    elif "village_id" in out:
        out.pop("village_id")
        out["village"] = None
    if "leader_id" in out:
        try:
            out["leader"] = people.pick(
                user,
                Project,
                "leader",
                out.pop("leader_id"),
                current=getattr(obj, "leader_id", None),
            )
        except ValidationError as exc:
            raise ValidationError({"leader_id": exc.message_dict["leader"]}) from None
    if "department_id" in out:
        value = out.pop("department_id")
        dept = None
        if value is not None:
            dept = scoping.restrict(Department.objects.all(), user).filter(pk=value).first()
            if dept is None:
                raise ValidationError({"department_id": f"责任单位（id={value}）不存在"})
        out["department"] = dept
    members = None
    if team is not None:
        current = list(obj.team.values_list("pk", flat=True)) if obj is not None else None
        members = people.pick_many(user, Project, "team", team, current=current)
    for key in ("total_investment", "annual_investment", "completed_investment"):
        if out.get(key) is not None:
            out[key] = Decimal(str(out[key]))
    return out, members


def _farmland(data: dict) -> dict | None:
    """The nested `farmland` object of a project payload, amounts as Decimal."""
    from decimal import Decimal

    farmland = data.pop("farmland", None)
    if farmland is None:
        return None
    return {
        k: Decimal(str(v)) if isinstance(v, float) else v
        for k, v in farmland.items()
        if k in services.FARMLAND_FIELDS
    }


def _create_project(request, data):
    if not request.auth.town_id:
        raise ValidationError("您不属于任何乡镇，不能新建项目")
    farmland = _farmland(data)
    data, team = _resolve(request, data)
    return services.project_create(
        town=request.auth.town, data=data, team=team, farmland=farmland, acting_user=request.auth
    )


def _update_project(request, obj, data, version):
    farmland = _farmland(data)
    data, team = _resolve(request, data, obj)
    return services.project_update(
        obj, data=data, team=team, farmland=farmland, acting_user=request.auth,
        expected_version=version,
    )  # fmt: skip


projects_crud = crud_router(
    Project,
    out_schema=ProjectOut,
    in_schema=ProjectIn,
    patch_schema=ProjectPatch,
    queryset=lambda: Project.objects.select_related("category", "farmland").prefetch_related(
        "team"
    ),
    tags=["重点项目"],
    create=_create_project,
    update=_update_project,
    filters={"status": "status", "category": "category__key", "village": "village_id"},
)
router.add_router("/projects", projects_crud)


# --- milestones -----------------------------------------------------------------------------


class PredecessorIn(Schema):
    key: str | None = None  # the predecessor's name
    id: int | None = None
    lag: int = 0


class PredecessorOut(Schema):
    id: int
    key: str
    lag: int


def _predecessors(obj):
    return [
        {"id": d.predecessor_id, "key": d.predecessor.name, "lag": d.lag}
        for d in obj.predecessor_links.all()
        if not d.is_deleted and not d.predecessor.is_deleted
    ]


# A milestone's surface is the model's (created under its project); its predecessors are
# given and returned by milestone name or id with a lag.
MilestoneOut, MilestoneIn, MilestonePatch = model_schemas(
    Milestone,
    read_only=("project",),
    extra_out={"predecessors": (list[PredecessorOut], _predecessors, "前置节点")},
    extra_in={"predecessors": (list[PredecessorIn], [], "前置节点")},
)


def _project(request, pk, action=scoping.VIEW) -> Project:
    obj = scoping.restrict(Project.objects.all(), request.auth, action).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _milestones_qs(project):
    return Milestone.objects.filter(project=project).prefetch_related(
        "predecessor_links__predecessor"
    )


def _set_predecessors(milestone: Milestone, preds: list[dict], acting_user) -> None:
    """Replace a milestone's predecessors; a cycle or an unknown milestone refuses it all."""
    project = milestone.project
    by_name = {m.name: m for m in Milestone.objects.filter(project=project)}
    by_id = {m.pk: m for m in by_name.values()}
    wanted = {}
    for p in preds:
        target = by_id.get(p.get("id")) if p.get("id") is not None else by_name.get(p.get("key"))
        if target is None:
            ref = p.get("key") if p.get("key") is not None else p.get("id")
            raise ValidationError(
                {"predecessors": f"节点「{milestone.name}」的前置节点「{ref}」不存在"}
            )
        wanted[target.pk] = (target, int(p.get("lag") or 0))
    for dep in MilestoneDependency.objects.filter(successor=milestone):
        if dep.predecessor_id not in wanted:
            core_services.soft_delete(dep, acting_user=acting_user)
        else:
            target, lag = wanted.pop(dep.predecessor_id)
            if dep.lag != lag:
                core_services.update_object(dep, data={"lag": lag}, acting_user=acting_user)
    for target, lag in wanted.values():
        try:
            services.dependency_add(
                predecessor=target, successor=milestone, lag=lag, acting_user=acting_user
            )
        except ValidationError as exc:
            raise ValidationError({"predecessors": "；".join(exc.messages)}) from exc
    services.check_network(project)


@router.get("/projects/{int:pk}/milestones", response=list[MilestoneOut])
@paginate(Pagination)
def milestone_list(request, pk: int):
    return _milestones_qs(_project(request, pk))


@router.post(
    "/projects/{int:pk}/milestones",
    response={201: MilestoneOut, 404: ErrorOut, 422: ErrorOut},
)
def milestone_create(request, pk: int, payload: MilestoneIn):
    project = _project(request, pk, scoping.CHANGE)
    data = payload.dict(exclude_unset=True)  # unset: the model's defaults
    preds = data.pop("predecessors", None) or []
    try:
        with transaction.atomic():
            m = services.milestone_create(project=project, data=data, acting_user=request.auth)
            if preds:
                _set_predecessors(m, preds, request.auth)
    except ValidationError as exc:
        return Status(422, {"detail": validation_detail(exc)})
    return Status(201, _milestones_qs(project).get(pk=m.pk))


@router.patch(
    "/projects/{int:pk}/milestones/{int:mid}",
    response={200: MilestoneOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def milestone_update(request, pk: int, mid: int, payload: MilestonePatch):
    project = _project(request, pk, scoping.CHANGE)
    m = Milestone.objects.filter(project=project, pk=mid).first()
    if m is None:
        return Status(404, {"detail": "未找到"})
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    preds = data.pop("predecessors", None)
    try:
        with transaction.atomic():
            m = services.milestone_update(
                m, data=data, acting_user=request.auth, expected_version=version
            )
            if preds is not None:
                _set_predecessors(m, preds, request.auth)
    except core_services.StaleEdit as exc:
        return Status(409, {"detail": str(exc)})
    except ValidationError as exc:
        return Status(422, {"detail": validation_detail(exc)})
    return _milestones_qs(project).get(pk=m.pk)


@router.delete("/projects/{int:pk}/milestones/{int:mid}", response={204: None, 404: ErrorOut})
def milestone_delete(request, pk: int, mid: int):
    project = _project(request, pk, scoping.CHANGE)
    m = Milestone.objects.filter(project=project, pk=mid).first()
    if m is None:
        return Status(404, {"detail": "未找到"})
    services.milestone_delete(m, acting_user=request.auth)
    return Status(204, None)


@router.get("/projects/{int:pk}/schedule", response={200: dict, 404: ErrorOut, 422: ErrorOut})
def project_schedule(request, pk: int, as_of: date | None = None):
    """The tool's shape from the stored milestones: backward from the project's deadline (or
    forward from its planned start when it has none). Extra fields: `mode`, `deadline`,
    `forecast_finish` and `days_short` (re-forecast with actual dates as of `as_of`), and per
    task `id`, `name`, `forecast_start`, `forecast_finish`, `status`, `late_start_passed`."""
    from zhenwu.core import asof

    project = _project(request, pk)
    as_of = as_of and asof.check(as_of)  # out of range → 422 (AsOfError, zhenwu/api.py)
    ps = selectors.project_schedule(project, as_of=as_of)
    if not ps.ok:
        return Status(422, {"detail": f"项目「{project.name}」无法排期：{ps.error}"})
    out = ps.plan.to_dict()
    for task, row in zip(out["tasks"], ps.rows, strict=True):
        f = row.forecast
        task.update(
            id=row.milestone.pk,
            name=row.milestone.name,
            forecast_start=f.early_start.isoformat(),
            forecast_finish=f.early_finish.isoformat(),
            status=f.status,
            late_start_passed=row.late_start_passed,
            slack=row.slack,
        )
    out.update(
        mode=ps.mode,
        deadline=project.deadline.isoformat() if project.deadline else None,
        as_of=ps.as_of.isoformat(),
        forecast_finish=ps.forecast_finish.isoformat(),
        days_short=ps.days_short,
        calendar_confirmed=ps.calendar_confirmed,
    )
    return out


# --- plain CRUD: problems, weekly reports, categories (schemas derived from the models) ------


def _weekly_create(request, data):
    data = {**data, "reporter_id": request.auth.pk}
    return core_services.create_object(
        WeeklyReport, town=request.auth.town, data=data, acting_user=request.auth
    )


for _model, _path, _kw in (
    (Problem, "/problems", {"filters": {"project": "project_id", "status": "status"}}),
    (
        WeeklyReport,
        "/weekly-reports",
        {
            "filters": {"project": "project_id"},
            "create": _weekly_create,
            "read_only": ("reporter",),
        },
    ),
    (ProjectCategory, "/categories", {}),
):
    _out, _in, _patch = model_schemas(_model, read_only=_kw.pop("read_only", ()))
    router.add_router(
        _path,
        crud_router(
            _model, out_schema=_out, in_schema=_in, patch_schema=_patch, tags=["重点项目"], **_kw
        ),
    )

# Milestones are created and edited under their project (predecessors, network check);
# this lists and reads them across projects.
_out, _, _ = model_schemas(Milestone)
router.add_router(
    "/milestones",
    crud_router(Milestone, out_schema=_out, tags=["重点项目"], filters={"project": "project_id"}),
)
