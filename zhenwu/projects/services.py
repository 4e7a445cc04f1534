"""Writes of the projects module. Each is atomic, takes `acting_user`, validates with
`full_clean()` and goes through the platform services (change log, optimistic concurrency)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhenwu.core import services as core
from zhenwu.core.actor import current_actor
from zhenwu.core.bulk import bulk_save, new_record
from zhenwu.investment import events as investment_events
from zhenwu.projects import rules
from zhenwu.projects.models import (
    DEFAULT_CATEGORIES,
    FARMLAND_WORKS,
    STARTED_STATUSES,
    Baseline,
    FarmlandDetail,
    Milestone,
    MilestoneDependency,
    Problem,
    ProblemStatus,
    Project,
    ProjectCategory,
    ProjectStatus,
    WeeklyReport,
    monday_of,
)
from zhenwu.projects.scheduling import CalendarDays, ScheduleError, schedule_spec

FARMLAND_FIELDS = (
    "approval_no",
    "build_type",
    "area_mu",
    "water_saving_mu",
    "new_farmland_mu",
    "fiscal_funds",
    "central_funds",
    "provincial_funds",
    "local_funds",
    "social_funds",
    *(name for name, _short, _hint in FARMLAND_WORKS),
    "design_approval_no",
    "design_approved_on",
    "contractor",
    "supervisor",
    "completed_on",
    "county_checked_on",
    "accepted_on",
    "mapping_status",
    "mapped_on",
    "keeper",
    "has_sign_board",
)
# Text fields of the farmland detail: an empty form value is stored as "" (not NULL).
FARMLAND_TEXT_FIELDS = (
    "approval_no",
    *(name for name, _short, _hint in FARMLAND_WORKS),
    "design_approval_no",
    "contractor",
    "supervisor",
    "keeper",
)
# Farmland stage → the milestone of the same node in the project's schedule (the demo network
# and the usual 高标准农田 template name them so). Recording the stage finishes that milestone.
FARMLAND_STAGE_MILESTONES = (
    ("design_approved_on", "初步设计批复"),
    ("completed_on", "完工"),
    ("county_checked_on", "县级初验"),
    ("accepted_on", "竣工验收"),
)


def ensure_categories(town, acting_user=None) -> dict[str, ProjectCategory]:
    """The default categories of a town (重点项目 / 民生实事 / 高标准农田 / 其他), created once."""
    keys = [key for key, _label, _order in DEFAULT_CATEGORIES]
    out = {c.key: c for c in ProjectCategory.objects.filter(town=town, key__in=keys)}
    missing = [
        new_record(ProjectCategory, town=town, key=key, label=label, order=order)
        for key, label, order in DEFAULT_CATEGORIES
        if key not in out
    ]
    if missing:
        # The platform's bulk write (one insert, the change log in bulk), by the current door.
        written = bulk_save(
            ProjectCategory,
            create=missing,
            acting_user=acting_user,
            source=current_actor().source,
        )
        out.update((c.key, c) for c in written.created)
    return {key: out[key] for key in keys}


# --- projects ---------------------------------------------------------------------------------


def _check_construction_gate(project: Project, team) -> None:
    """一项目一领导一专班一方案: a project enters 在建 (or any later stage) only with a leader
    (包保领导), a team (专班) and a plan (方案)."""
    if project.status not in STARTED_STATUSES:
        return
    missing = rules.missing_for_construction(
        has_leader=project.leader_id is not None,
        has_team=bool(team),
        has_plan=bool((project.plan_text or "").strip()),
    )
    if missing:
        raise ValidationError(
            {
                "status": (
                    f"项目进入「{ProjectStatus(project.status).label}」前须落实"
                    f"一项目一领导一专班一方案，尚缺：{'、'.join(missing)}"
                )
            }
        )


def _save_farmland(project: Project, farmland: dict | None, acting_user) -> None:
    if farmland is None:
        # The project's own dates (实际开工) bound the farmland stages: re-check them.
        detail = FarmlandDetail.objects.filter(project=project).first()
        if detail is not None:
            detail.project = project
            detail.full_clean()
        return
    values = {k: farmland.get(k) for k in FARMLAND_FIELDS if k in farmland}
    if not any(v not in (None, "", False, "unmapped") for v in values.values()):
        return
    # Only the keys given are written (a partial API patch leaves the others alone); an empty
    # value of a text or choice field means "" or the field's default, never NULL.
    for name, empty in (("build_type", "new"), ("mapping_status", "unmapped")):
        if name in values:
            values[name] = values[name] or empty
    if "has_sign_board" in values:
        values["has_sign_board"] = bool(values["has_sign_board"])
    for name in FARMLAND_TEXT_FIELDS:
        if name in values:
            values[name] = values[name] or ""
    detail = FarmlandDetail.all_objects.filter(project=project).first()
    if detail is None:
        detail = core.create_object(
            FarmlandDetail, town=project.town, data={"project": project, **values},
            acting_user=acting_user,
        )  # fmt: skip
    else:
        detail.is_deleted = False
        detail = core.update_object(detail, data=values, acting_user=acting_user)
    _sync_farmland_milestones(project, detail, acting_user)


def _sync_farmland_milestones(project: Project, detail: FarmlandDetail, acting_user) -> None:
    """A recorded stage (初步设计批复, 开工, 完工, 县级初验, 竣工验收, 已入库) sets the actual finish
    of the project's milestone of the same name, through `milestone_update` (change log, 100 %).
    A stage cleared later leaves the milestone alone: its actual dates are then edited there."""
    stages = [(name, getattr(detail, field)) for field, name in FARMLAND_STAGE_MILESTONES]
    stages.append(("开工", project.actual_start))
    if detail.mapping_status == "stored":
        stages.append(("上图入库", detail.mapped_on))
    for name, day in stages:
        if day is None:
            continue
        m = Milestone.objects.filter(project=project, name=name).first()
        if m is None or m.actual_finish == day:
            continue
        data = {"actual_finish": day}
        if m.actual_start is None or m.actual_start > day:
            data["actual_start"] = day
        milestone_update(m, data=data, acting_user=acting_user)


@transaction.atomic
def project_create(
    *, town, data: dict, acting_user, team=None, farmland: dict | None = None
) -> Project:
    project = Project(town=town, **data)
    project.full_clean()
    _check_construction_gate(project, list(team or []))
    project = core.create_object(
        Project, town=town, data=data, acting_user=acting_user, m2m={"team": list(team or [])}
    )
    _save_farmland(project, farmland, acting_user)
    return project


@transaction.atomic
def project_update(
    project: Project,
    *,
    data: dict,
    acting_user,
    team=None,
    expected_version: int | None = None,
    farmland: dict | None = None,
) -> Project:
    for name, value in data.items():
        setattr(project, name, value)
    members = list(team) if team is not None else list(project.team.all())
    _check_construction_gate(project, members)
    m2m = {"team": members} if team is not None else None
    project = core.update_object(
        project, data=data, acting_user=acting_user, expected_version=expected_version, m2m=m2m
    )
    _save_farmland(project, farmland, acting_user)
    return project


@transaction.atomic
def promote_investment(investment, *, acting_user, category_key: str = "key") -> Project:
    """A started investment record becomes a key project without re-typing: name, village,
    leader, department and planned total are copied and the record is linked."""
    existing = Project.objects.filter(investment=investment).first()
    if existing is not None:
        raise ValidationError(f"该招商项目已转为重点项目「{existing}」")
    cats = ensure_categories(investment.town, acting_user)
    data = {
        "name": investment.name,
        "category": cats.get(category_key) or cats["key"],
        "village": investment.village,
        "leader": investment.leader,
        "department": investment.department,
        "total_investment": investment.planned_total_wan,
        "location": (investment.site or "")[:100],
        "status": ProjectStatus.PREPARING,
        "investment": investment,
        # A started investment has really started: the project keeps that date, and stays 前期
        # until its team and plan are in place (the 在建 gate).
        "planned_start": investment.planned_start_on or investment.started_on,
        "actual_start": investment.started_on,
        "approved_on": investment.signed_on,
    }
    if Project.objects.filter(town=investment.town, name=data["name"]).exists():
        raise ValidationError(f"本镇已有同名项目「{data['name']}」")
    project = project_create(town=investment.town, data=data, acting_user=acting_user)
    investment_events.promoted_to_key_project(
        investment, user=acting_user, on_date=timezone.localdate(), project=project
    )
    return project


# --- milestones and dependencies ---------------------------------------------------------------


def check_actual_dates(m: Milestone) -> None:
    today = timezone.localdate()
    errors = {}
    if m.actual_start and m.actual_start > today:
        errors["actual_start"] = "实际开始日期不能晚于今天"
    if m.actual_finish and m.actual_finish > today:
        errors["actual_finish"] = "实际完成日期不能晚于今天"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def milestone_create(*, project: Project, data: dict, acting_user) -> Milestone:
    data = {**data, "project": project}
    if data.get("actual_finish") and "percent_complete" not in data:
        data["percent_complete"] = 100
    m = Milestone(town=project.town, **data)
    check_actual_dates(m)
    return core.create_object(Milestone, town=project.town, data=data, acting_user=acting_user)


@transaction.atomic
def milestone_update(
    m: Milestone, *, data: dict, acting_user, expected_version: int | None = None
) -> Milestone:
    if "project" in data and data["project"] != m.project:
        raise ValidationError({"project": "节点不能移到其他项目"})
    for k, v in data.items():
        setattr(m, k, v)
    if m.actual_finish and m.percent_complete < 100:
        data["percent_complete"] = 100
    check_actual_dates(m)
    return core.update_object(
        m, data=data, acting_user=acting_user, expected_version=expected_version
    )


@transaction.atomic
def milestone_delete(m: Milestone, *, acting_user, expected_version: int | None = None):
    for d in MilestoneDependency.objects.filter(predecessor=m) | MilestoneDependency.objects.filter(
        successor=m
    ):
        core.soft_delete(d, acting_user=acting_user)
    return core.soft_delete(m, acting_user=acting_user, expected_version=expected_version)


def check_network(project: Project, extra_edge: tuple[Milestone, Milestone, int] | None = None):
    """Refuse a dependency graph the engine cannot schedule (a cycle names its milestones)."""
    milestones = list(Milestone.objects.filter(project=project))
    deps = [
        {"pred": d.predecessor.name, "succ": d.successor.name, "lag": d.lag}
        for d in MilestoneDependency.objects.filter(
            successor__project=project, successor__is_deleted=False, predecessor__is_deleted=False
        ).select_related("predecessor", "successor")
    ]
    if extra_edge is not None:
        p, s, lag = extra_edge
        deps.append({"pred": p.name, "succ": s.name, "lag": lag})
    preds = {}
    for d in deps:
        preds.setdefault(d["succ"], []).append({"key": d["pred"], "lag": d["lag"]})
    tasks = [
        {"key": m.name, "duration": m.duration, "predecessors": preds.get(m.name, [])}
        for m in milestones
    ]
    if not tasks:
        return
    try:
        schedule_spec(tasks, mode="forward", anchor=date(2000, 1, 3), calendar=CalendarDays())
    except ScheduleError as exc:
        raise ValidationError({"predecessor": f"无法保存：{exc.message}"}) from exc


@transaction.atomic
def dependency_add(
    *, predecessor: Milestone, successor: Milestone, lag: int = 0, acting_user
) -> MilestoneDependency:
    dep = MilestoneDependency(
        town=successor.town, predecessor=predecessor, successor=successor, lag=lag
    )
    dep.full_clean()
    check_network(successor.project, (predecessor, successor, lag))
    return core.create_object(
        MilestoneDependency,
        town=successor.town,
        data={"predecessor": predecessor, "successor": successor, "lag": lag},
        acting_user=acting_user,
    )


@transaction.atomic
def dependency_delete(dep: MilestoneDependency, *, acting_user):
    return core.soft_delete(dep, acting_user=acting_user)


# --- baseline -----------------------------------------------------------------------------------


@transaction.atomic
def freeze_baseline(project: Project, *, acting_user, name: str = "") -> Baseline:
    """Freeze the current plan (the network scheduled from the deadline, no actuals)."""
    from zhenwu.projects.selectors import project_schedule

    ps = project_schedule(project)
    if ps.plan is None:
        raise ValidationError(f"无法冻结基线：{ps.error}")
    today = timezone.localdate()
    data = {
        str(row.milestone.pk): {
            "name": row.milestone.name,
            "start": row.plan.late_start.isoformat()
            if ps.mode == "backward"
            else row.plan.early_start.isoformat(),
            "finish": row.plan.late_finish.isoformat()
            if ps.mode == "backward"
            else row.plan.early_finish.isoformat(),
        }
        for row in ps.rows
    }
    count = Baseline.objects.filter(project=project).count()
    return core.create_object(
        Baseline,
        town=project.town,
        data={
            "project": project,
            "name": name or f"基线{count + 1}（{today.isoformat()}）",
            "taken_on": today,
            "taken_by": acting_user,
            "project_start": ps.plan.project_start,
            "project_finish": ps.plan.project_finish,
            "data": data,
        },
        acting_user=acting_user,
    )


# --- weekly dispatch and problems ----------------------------------------------------------------


@transaction.atomic
def weekly_report_file(*, project: Project, data: dict, acting_user) -> WeeklyReport:
    data = {**data, "project": project, "reporter": data.get("reporter") or acting_user}
    data["week"] = monday_of(data["week"])
    report = core.create_object(WeeklyReport, town=project.town, data=data, acting_user=acting_user)
    _sync_completed_investment(project, acting_user)
    return report


def _sync_completed_investment(project: Project, acting_user) -> None:
    """The project's completed investment follows its latest weekly report that gives one."""
    latest = (
        WeeklyReport.objects.filter(project=project, investment_completed__isnull=False)
        .order_by("-week")
        .first()
    )
    if latest and latest.investment_completed != project.completed_investment:
        project.refresh_from_db()
        core.update_object(
            project,
            data={"completed_investment": latest.investment_completed},
            acting_user=acting_user,
        )


@transaction.atomic
def weekly_report_update(
    report: WeeklyReport, *, data: dict, acting_user, expected_version=None
) -> WeeklyReport:
    if data.get("week"):
        data["week"] = monday_of(data["week"])
    report = core.update_object(
        report, data=data, acting_user=acting_user, expected_version=expected_version
    )
    _sync_completed_investment(report.project, acting_user)
    return report


@transaction.atomic
def problem_close(
    problem: Problem, *, resolution: str, acting_user, closed_on: date | None = None,
    expected_version: int | None = None,
) -> Problem:  # fmt: skip
    """销号: close a problem with its resolution."""
    if problem.status == ProblemStatus.CLOSED:
        raise ValidationError("该问题已销号")
    return core.update_object(
        problem,
        data={
            "status": ProblemStatus.CLOSED,
            "resolution": (resolution or "").strip(),
            "closed_on": closed_on or timezone.localdate(),
        },
        acting_user=acting_user,
        expected_version=expected_version,
    )
