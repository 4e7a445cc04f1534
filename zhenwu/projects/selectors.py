"""Reads of the projects module: a stored project's schedule (the same engine as the tool API),
the 三未 lists, missing weekly reports and open problems — each in a fixed number of queries,
whatever the number of projects."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from zhenwu.core import asof
from zhenwu.core.workcalendar import get_calendar
from zhenwu.projects import rules
from zhenwu.projects.models import (
    Baseline,
    Milestone,
    MilestoneDependency,
    Problem,
    ProblemStatus,
    Project,
    WeeklyReport,
)
from zhenwu.projects.scheduling import ScheduleError, ScheduleResult, schedule


def today() -> date:
    return asof.today()


# --- stored project scheduling --------------------------------------------------------------


@dataclass
class MilestoneRow:
    milestone: Milestone
    plan: object | None = None  # TaskSchedule of the plan (no actuals)
    forecast: object | None = None  # TaskSchedule of the re-forecast
    light: str = rules.NONE
    baseline_start: date | None = None
    baseline_finish: date | None = None
    actual_start: date | None = None  # as of the schedule's date
    actual_finish: date | None = None
    predecessors: list = field(default_factory=list)  # [(Milestone, lag, dependency)]

    @property
    def light_label(self) -> str:
        return rules.LIGHT_LABELS[self.light]

    @property
    def start(self) -> date | None:
        return self.forecast.early_start if self.forecast else None

    @property
    def finish(self) -> date | None:
        return self.forecast.early_finish if self.forecast else None

    critical: bool = False  # on the driving path of the forecast (see compute_schedule)
    late_start_passed: bool = False  # the plan's latest start has passed, not started
    slack: int = 0  # working days from the forecast finish to the latest allowed finish


@dataclass
class ProjectSchedule:
    project: Project
    as_of: date
    mode: str | None = None
    anchor: date | None = None
    rows: list[MilestoneRow] = field(default_factory=list)
    plan: ScheduleResult | None = None
    forecast: ScheduleResult | None = None
    error: str | None = None
    baseline: Baseline | None = None
    calendar_confirmed: bool = True

    @property
    def ok(self) -> bool:
        return self.error is None and self.forecast is not None

    @property
    def forecast_finish(self) -> date | None:
        return self.forecast.forecast_finish if self.forecast else None

    @property
    def days_short(self) -> int:
        return self.forecast.days_short if self.forecast else 0

    @property
    def deadline(self) -> date | None:
        return self.project.deadline

    @property
    def critical_names(self) -> list[str]:
        return [r.milestone.name for r in self.rows if r.critical]

    @property
    def finished(self) -> bool:
        return bool(self.rows) and all(r.actual_finish is not None for r in self.rows)

    @property
    def light(self) -> str:
        if not self.ok:
            return rules.NONE
        return rules.project_light(
            days_short=self.days_short,
            any_red=any(r.light == rules.RED for r in self.rows),
            any_yellow=any(r.light == rules.YELLOW for r in self.rows),
            finished=self.finished,
        )

    @property
    def light_label(self) -> str:
        return rules.LIGHT_LABELS[self.light]

    @property
    def span(self) -> tuple[date, date] | None:
        """First and last date to draw (plan, forecast and baseline together)."""
        days = []
        for r in self.rows:
            for t in (r.plan, r.forecast):
                if t is not None:
                    days += [t.early_start, t.early_finish, t.late_start, t.late_finish]
            days += [d for d in (r.baseline_start, r.baseline_finish) if d]
        if self.project.deadline:
            days.append(self.project.deadline)
        return (min(days), max(days)) if days else None


def _actuals_as_of(m: Milestone, as_of: date, cal) -> tuple[date | None, date | None, Decimal]:
    """A milestone's actual dates and percent complete as they stood at the end of `as_of`.
    Replaying an earlier day forgets what happened later; the percent complete of a task that
    was running then is estimated from the working days elapsed (capped at 95 %)."""
    start = m.actual_start if m.actual_start and m.actual_start <= as_of else None
    finish = m.actual_finish if start and m.actual_finish and m.actual_finish <= as_of else None
    pct = Decimal(m.percent_complete or 0)
    replay = as_of < today()
    if start and not finish and (replay or m.actual_finish):
        if m.duration:
            elapsed = cal.workdays_between(start, as_of + timedelta(days=1))
            pct = Decimal(min(95, math.floor(100 * elapsed / m.duration)))
        else:
            pct = Decimal(0)
    if not start:
        pct = Decimal(0)
    return start, finish, pct


def tasks_for(milestones, deps, *, as_of: date | None = None, cal=None) -> list[dict]:
    """Engine tasks for stored milestones; keys are the milestone names (unique per project),
    so the engine's messages (cycles, unknown predecessors) name milestones people know.
    With `as_of`, actual dates and percent complete as of that day are included."""
    preds = defaultdict(list)
    for d in deps:
        preds[d.successor_id].append({"key": d.predecessor.name, "lag": d.lag})
    tasks = []
    for m in milestones:
        task = {
            "key": m.name,
            "duration": m.duration,
            "predecessors": preds.get(m.pk, []),
            "calendar_days": m.calendar_days,
            "fixed_start": m.fixed_start,
        }
        if as_of is not None:
            start, finish, pct = _actuals_as_of(m, as_of, cal)
            task.update(actual_start=start, actual_finish=finish, percent_complete=pct)
        tasks.append(task)
    return tasks


def schedule_anchor(project: Project, milestones=()) -> tuple[str, date] | None:
    """Backward from the deadline (倒排工期) when there is one; else forward from the planned
    start (or the earliest fixed start)."""
    if project.deadline:
        return "backward", project.deadline
    starts = [project.planned_start] + [m.fixed_start for m in milestones]
    starts = [d for d in starts if d]
    if starts:
        return "forward", min(starts)
    return None


def compute_schedule(
    project: Project,
    milestones: list[Milestone],
    deps: list[MilestoneDependency],
    *,
    as_of: date | None = None,
    baseline: Baseline | None = None,
    cal=None,
) -> ProjectSchedule:
    """Plan (no actuals: the network from the deadline) and re-forecast as of `as_of`."""
    as_of = as_of or today()
    cal = cal or get_calendar(project.town_id)
    ps = ProjectSchedule(project=project, as_of=as_of, baseline=baseline)
    by_pk = {m.pk: m for m in milestones}
    pred_map = defaultdict(list)
    for d in deps:
        if d.successor_id in by_pk and d.predecessor_id in by_pk:
            pred_map[d.successor_id].append((by_pk[d.predecessor_id], d.lag, d))
    ps.rows = [MilestoneRow(milestone=m, predecessors=pred_map.get(m.pk, [])) for m in milestones]
    if not milestones:
        ps.error = "尚未设置节点"
        return ps
    anchor = schedule_anchor(project, milestones)
    if anchor is None:
        ps.error = "请填写项目的完成时限（倒排工期）或计划开工日期"
        return ps
    ps.mode, ps.anchor = anchor
    live_deps = [d for _, _, d in (x for v in pred_map.values() for x in v)]
    try:
        # The plan: the network alone, backward from the deadline (倒排工期) — its late dates
        # are the latest each milestone may start and finish.
        ps.plan = schedule(
            tasks_for(milestones, live_deps), mode=ps.mode, anchor=ps.anchor, calendar=cal
        )
        # The forecast: forward, honouring actual dates, nothing unstarted before `as_of`
        # nor before the project's planned start; measured against the deadline.
        start = project.planned_start or ps.plan.project_start
        started = [m.actual_start for m in milestones if m.actual_start and m.actual_start <= as_of]
        if started:  # once work has begun, the rest follows as soon as it can
            start = min(start, *started)
        ps.forecast = schedule(
            tasks_for(milestones, live_deps, as_of=as_of, cal=cal),
            mode="forward",
            anchor=start,
            calendar=cal,
            today=as_of,
            deadline=project.deadline,
        )
    except ScheduleError as exc:
        ps.error = exc.message
        ps.plan = ps.forecast = None
        return ps
    base = (baseline.data or {}) if baseline else {}
    one = timedelta(days=1)
    for row, p, f in zip(ps.rows, ps.plan.tasks, ps.forecast.tasks, strict=True):
        row.plan, row.forecast = p, f
        m = row.milestone
        row.actual_start, row.actual_finish, _ = _actuals_as_of(m, as_of, cal)
        b = base.get(str(m.pk))
        if b:
            row.baseline_start = date.fromisoformat(b["start"])
            row.baseline_finish = date.fromisoformat(b["finish"])
        row.late_start_passed = f.status == "not_started" and as_of > p.late_start
        # Working days between the forecast finish and the latest allowed finish.
        row.slack = cal.workdays_between(f.early_finish + one, p.late_finish + one)
        row.light = rules.milestone_light(
            status=f.status,
            late_start_passed=row.late_start_passed,
            total_float=row.slack,
            forecast_finish=f.early_finish,
            late_finish=p.late_finish,
            as_of=as_of,
        )
    # The critical path shown: the unfinished milestones driving the forecast finish (zero
    # float in the forecast network), plus any that cannot slip without missing the deadline.
    for row in ps.rows:
        f = row.forecast
        row.critical = f.status != "finished" and (f.critical or row.slack <= 0)
    span = ps.span
    if span:
        ps.calendar_confirmed = cal.is_confirmed(span[0]) and cal.is_confirmed(span[1])
    return ps


def latest_baselines(project_ids) -> dict[int, Baseline]:
    out: dict[int, Baseline] = {}
    for b in Baseline.objects.filter(project_id__in=project_ids).order_by(
        "project_id", "-taken_on", "-id"
    ):
        out.setdefault(b.project_id, b)
    return out


def network(project_ids):
    """(milestones by project id, dependencies by project id) in two queries."""
    milestones = defaultdict(list)
    for m in Milestone.objects.filter(project_id__in=project_ids).order_by(
        "project_id", "order", "id"
    ):
        milestones[m.project_id].append(m)
    deps = defaultdict(list)
    for d in MilestoneDependency.objects.filter(
        successor__project_id__in=project_ids,
        successor__is_deleted=False,
        predecessor__is_deleted=False,
    ).select_related("predecessor", "successor"):
        deps[d.successor.project_id].append(d)
    return milestones, deps


def project_schedule(project: Project, *, as_of: date | None = None) -> ProjectSchedule:
    ms, deps = network([project.pk])
    return compute_schedule(
        project,
        ms.get(project.pk, []),
        deps.get(project.pk, []),
        as_of=as_of,
        baseline=latest_baselines([project.pk]).get(project.pk),
    )


def schedules_for(projects, *, as_of: date | None = None) -> list[ProjectSchedule]:
    """Schedules of many projects in a fixed number of queries (the wall chart)."""
    projects = list(projects)
    ids = [p.pk for p in projects]
    ms, deps = network(ids)
    baselines = latest_baselines(ids)
    return [
        compute_schedule(
            p,
            ms.get(p.pk, []),
            deps.get(p.pk, []),
            as_of=as_of,
            baseline=baselines.get(p.pk),
            cal=get_calendar(p.town_id),  # each town's calendar (cached per town)
        )
        for p in projects
    ]


# --- 三未 --------------------------------------------------------------------------------------


def dates_of(p: Project) -> rules.ProjectDates:
    return rules.ProjectDates(
        approved_on=p.approved_on,
        planned_start=p.planned_start,
        planned_finish=p.planned_finish,
        actual_start=p.actual_start,
        building_since=p.building_since,
        actual_finish=p.actual_finish,
        deadline=p.deadline,
    )


def sanwei_q(kind: str, as_of: date, grace_days: int = rules.STARTED_NOT_BUILDING_DAYS) -> Q:
    """The same rule as `rules.sanwei` as a query (list filters, counts): one SQL condition."""
    not_finished = Q(actual_finish__isnull=True) | Q(actual_finish__gt=as_of)
    started = Q(actual_start__lte=as_of)
    overdue = Q(deadline__lt=as_of) | Q(deadline__isnull=True, planned_finish__lt=as_of)
    if kind == rules.APPROVED_NOT_STARTED:
        return (
            ~started
            & Q(approved_on__lte=as_of, planned_start__lt=as_of)
            & (Q(actual_start__isnull=True) | Q(actual_start__gt=as_of))
            & not_finished
        )
    if kind == rules.BUILDING_NOT_FINISHED:
        return started & not_finished & overdue
    if kind == rules.STARTED_NOT_BUILDING:
        return (
            started
            & not_finished
            & ~overdue
            & Q(actual_start__lte=as_of - timedelta(days=grace_days))
            & (Q(building_since__isnull=True) | Q(building_since__gt=as_of))
        )
    raise ValueError(kind)


def sanwei_lists(projects_qs, as_of: date) -> dict[str, list[Project]]:
    lists = {k: [] for k in rules.SANWEI_LABELS}
    for p in projects_qs:
        kind = rules.sanwei(dates_of(p), as_of)
        if kind:
            lists[kind].append(p)
    return lists


# --- 周调度 -------------------------------------------------------------------------------------


def missing_reports(projects_qs, as_of: date) -> dict[str, list[Project]]:
    """Projects under construction without a 周调度 report for last week / this week."""
    last, this = rules.due_weeks(as_of)
    projects = list(projects_qs)
    filed = set(
        WeeklyReport.objects.filter(
            project_id__in=[p.pk for p in projects], week__in=[last, this]
        ).values_list("project_id", "week")
    )
    out = {"last": [], "this": []}
    for p in projects:
        d = dates_of(p)
        if rules.needs_weekly_report(d, last) and (p.pk, last) not in filed:
            out["last"].append(p)
        if rules.needs_weekly_report(d, this) and (p.pk, this) not in filed:
            out["this"].append(p)
    return out


# --- 问题清单 -----------------------------------------------------------------------------------


def open_problems(town, *, as_of: date | None = None):
    """Problems not closed (销号) by `as_of` — what the plan board shows. Unscoped: the caller
    passes it through `scoping.restrict()` for the viewing user."""
    as_of = as_of or today()
    return (
        Problem.objects.filter(town=town, project__is_deleted=False, raised_on__lte=as_of)
        .filter(Q(status=ProblemStatus.OPEN) | Q(closed_on__gt=as_of))
        .select_related("project", "owner")
        .order_by("deadline", "id")
    )


def project_list_queryset():
    return Project.objects.select_related("category", "village", "leader", "department")
