"""Reads of the plan: every target evaluated *as of* a date (actual from its indicator or its
latest manual report, expected from its curve, the light, the forecast, the month strip), the
weighted roll-ups and the board. The number of SQL queries depends on the plan (one or a few
per computed target), never on how many records the indicators count."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.html import format_html_join

from zhenwu.core import asof, scoping
from zhenwu.core.workcalendar import get_calendar
from zhenwu.plan import rules
from zhenwu.plan.indicators import IndicatorContext, IndicatorError, get_indicator
from zhenwu.plan.models import (
    OPEN_STATUSES,
    Frequency,
    Measure,
    MonthStatus,
    Plan,
    ProgressReport,
    Target,
    Task,
    Theme,
)


def today() -> date:
    return asof.today()


# --- one target --------------------------------------------------------------------------


@dataclass
class MonthCell:
    month: int
    status: str | None  # None: not frozen yet (future / current month)
    current: bool = False

    @property
    def label(self) -> str:
        return f"{self.month}月：" + (
            rules.STATUS_LABELS.get(self.status, "未到") if self.status else "未到"
        )

    @property
    def css(self) -> str:
        current = " month-current" if self.current else ""
        return f"month month-{self.status or 'empty'}{current}"


@dataclass
class TargetState:
    target: Target
    year: int
    as_of: date
    actual: Decimal | None
    expected: Decimal
    share: Decimal
    status: str
    raw_status: str
    deadline: date
    error: str = ""
    months: list[MonthCell] = field(default_factory=list)
    last_report: ProgressReport | None = None
    report_due: date | None = None
    report_overdue: bool = False
    calendar_confirmed: bool = True

    @property
    def indicator_key(self) -> str | None:
        return self.target.indicator_key or None

    @property
    def progress(self) -> Decimal | None:
        if self.actual is None:
            return None
        return rules.progress_ratio(self.actual, self.target.target_value, self.target.comparison)

    @property
    def time_progress(self) -> Decimal:
        return self.share

    @property
    def forecast(self) -> Decimal | None:
        if self.actual is None:
            return None
        return rules.forecast(self.actual, self.share)

    @property
    def month_strip(self):
        """The 12-month strip as HTML (built here: 12 cells × every target is the board's
        hottest template loop)."""
        return format_html_join(
            "",
            '<span class="{}" title="{}">{}</span>',
            ((c.css, c.label, c.month) for c in self.months),
        )

    @property
    def progress_pct(self) -> int:
        p = self.progress
        return 0 if p is None else max(0, min(100, int(p * 100)))

    @property
    def time_pct(self) -> int:
        return max(0, min(100, int(self.share * 100)))

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS[self.status]

    @property
    def child(self) -> rules.Child:
        return rules.Child(
            weight=self.target.weight,
            progress=self.progress or Decimal(0),
            time_progress=self.share,
            status=self.status,
            margin=self.target.yellow_margin,
        )


def indicator_context(target: Target, year: int, as_of: date) -> IndicatorContext:
    return IndicatorContext(
        town=target.town, year=year, as_of=as_of, params=dict(target.indicator_params or {})
    )


def compute_actual(target: Target, year: int, as_of: date, reports: list | None):
    """(value, error, last_report). Indicator errors never propagate: they become the message."""
    if target.indicator_key:
        indicator = get_indicator(target.indicator_key)
        if indicator is None:
            return None, f"计算指标「{target.indicator_key}」未注册（所属模块未安装）", None
        try:
            return indicator.evaluate(indicator_context(target, year, as_of)), "", None
        except IndicatorError as exc:
            return None, str(exc), None
    cutoff = min(as_of, date(year, 12, 31))
    last = None
    for report in reports or ():  # newest first
        if report.date <= cutoff:
            last = report
            break
    return (last.value if last else Decimal(0)), "", last


def period_end(d: date, frequency: str) -> date:
    if frequency == Frequency.WEEKLY:
        return d + timedelta(days=6 - d.weekday())
    if frequency == Frequency.QUARTERLY:
        return rules.month_end(d.year, ((d.month - 1) // 3 + 1) * 3)
    return rules.month_end(d.year, d.month)


def report_due_date(last: date | None, frequency: str, year: int, calendar) -> date | None:
    """The next manual report is due on the last working day of the first period (week, month
    or quarter) of the plan year that has no report yet; None once the year is covered."""
    start = (
        date(year, 1, 1)
        if last is None or last.year < year
        else period_end(last, frequency) + timedelta(days=1)
    )
    if start.year != year:
        return None
    return calendar.workday_on_or_before(period_end(start, frequency))


def evaluate(
    target: Target,
    year: int,
    as_of: date,
    *,
    reports: list | None = None,
    frozen: dict[int, str] | None = None,
    calendar=None,
) -> TargetState:
    calendar = calendar or get_calendar(target.town_id)
    actual, error, last = compute_actual(target, year, as_of, reports)
    share = rules.expected_share(target.curve, year, as_of, target.curve_shares)
    expected = rules.expected_value(target.target_value, share)
    deadline = target.deadline or date(year, 12, 31)
    frozen = frozen or {}
    prev_month = rules.last_frozen_month(year, as_of)
    previous = frozen.get(prev_month) if prev_month else None
    if actual is None:
        status = raw = rules.NONE
    else:
        raw = rules.raw_status(
            actual=actual,
            target=target.target_value,
            expected=expected,
            as_of=as_of,
            deadline=deadline,
            calendar=calendar,
            margin=target.yellow_margin,
            comparison=target.comparison,
        )
        status = rules.status_for(
            actual=actual,
            target=target.target_value,
            expected=expected,
            as_of=as_of,
            deadline=deadline,
            calendar=calendar,
            margin=target.yellow_margin,
            comparison=target.comparison,
            previous_frozen=previous,
        )
    months = []
    for m in range(1, 13):
        if rules.month_end(year, m) < as_of:
            months.append(MonthCell(m, frozen.get(m)))
        elif as_of.year == year and as_of.month == m:
            months.append(MonthCell(m, status, current=True))
        else:
            months.append(MonthCell(m, None))
    state = TargetState(
        target=target,
        year=year,
        as_of=as_of,
        actual=actual,
        expected=expected,
        share=share,
        status=status,
        raw_status=raw,
        deadline=deadline,
        error=error,
        months=months,
        last_report=last,
        calendar_confirmed=calendar.is_confirmed(date(year, 6, 30)),
    )
    if not target.indicator_key and as_of.year == year:
        state.report_due = report_due_date(
            last.date if last else None, target.report_frequency, year, calendar
        )
        state.report_overdue = bool(state.report_due and state.report_due < as_of)
    return state


# --- a plan ---------------------------------------------------------------------------------


def plan_targets(plan: Plan) -> QuerySet:
    return (
        Target.objects.filter(
            measure__theme__plan=plan, measure__is_deleted=False, measure__theme__is_deleted=False
        )
        .select_related("town", "leader", "department", "measure", "measure__theme")
        .order_by(
            "measure__theme__order",
            "measure__theme_id",
            "measure__order",
            "measure_id",
            "order",
            "id",
        )
    )


def reports_by_target(targets) -> dict[int, list]:
    """Every report of the manual targets, newest first (for freezing and charts)."""
    manual = [t.pk for t in targets if not t.indicator_key]
    out: dict[int, list] = defaultdict(list)
    if manual:
        for r in ProgressReport.objects.filter(target_id__in=manual).order_by("-date", "-id"):
            out[r.target_id].append(r)
    return out


def latest_reports(targets, cutoff: date) -> dict[int, list]:
    """Only the latest report up to `cutoff` per manual target — two queries however many
    reports there are (a correlated subquery picks each target's latest row)."""
    manual = [t.pk for t in targets if not t.indicator_key]
    if not manual:
        return {}
    latest = (
        ProgressReport.objects.filter(target_id=OuterRef("pk"), date__lte=cutoff)
        .order_by("-date", "-id")
        .values("pk")[:1]
    )
    ids = [
        pk
        for pk in Target.objects.filter(pk__in=manual)
        .annotate(last_id=Subquery(latest))
        .values_list("last_id", flat=True)
        if pk
    ]
    return {r.target_id: [r] for r in ProgressReport.objects.filter(pk__in=ids)}


def frozen_by_target(targets, year: int) -> dict[int, dict[int, str]]:
    out: dict[int, dict[int, str]] = defaultdict(dict)
    ids = [t.pk for t in targets]
    if ids:
        for target_id, month, status in MonthStatus.objects.filter(
            target_id__in=ids, year=year
        ).values_list("target_id", "month", "status"):
            out[target_id][month] = status
    return out


PENDING_CACHE_SECONDS = 60


def frozen_or_pending(plan: Plan, targets, upto: date | None = None) -> dict[int, dict[int, str]]:
    """Month colours by target: the frozen rows, plus — for months that have ended but that the
    scheduler has not frozen yet — the colours freezing will store (`services.months_missing`),
    computed and cached briefly, never written (nothing writes on a GET)."""
    from zhenwu.plan import services

    upto = upto or today()
    frozen = frozen_by_target(targets, plan.year)
    months = rules.months_to_freeze(plan.year, upto)
    if not months or all(m in frozen.get(t.pk, {}) for t in targets for m in months):
        return frozen
    stored = sum(len(v) for v in frozen.values())
    key = ":".join(
        str(x)
        for x in ("plan-pending", plan.pk, plan.created_at.timestamp(), upto, len(targets), stored)
    )
    pending = cache.get(key)
    if pending is None:
        pending = [
            (row.target_id, row.month, row.status)
            for row in services.months_missing(plan, upto, targets=targets, frozen=frozen)
        ]
        cache.set(key, pending, PENDING_CACHE_SECONDS)
    for target_id, month, status in pending:
        frozen[target_id].setdefault(month, status)
    return frozen


def evaluate_plan(plan: Plan, as_of: date, targets=None) -> list[TargetState]:
    targets = list(targets if targets is not None else plan_targets(plan))
    reports = latest_reports(targets, min(as_of, date(plan.year, 12, 31)))
    # Looking at today (or later), months that ended but are not frozen yet show the colours
    # freezing will store; a replay of an earlier date sees only what was frozen (as before).
    if as_of >= today():
        frozen = frozen_or_pending(plan, targets)
    else:
        frozen = frozen_by_target(targets, plan.year)
    calendar = get_calendar(plan.town_id)
    return [
        evaluate(
            t,
            plan.year,
            as_of,
            reports=reports.get(t.pk, []),
            frozen=frozen.get(t.pk, {}),
            calendar=calendar,
        )
        for t in targets
    ]


@dataclass
class Node:
    obj: Theme | Measure
    rollup: rules.RollUp
    children: list  # MeasureNodes or TargetStates

    @property
    def progress_pct(self) -> int:
        p = self.rollup.progress
        return 0 if p is None else int(p * 100)

    @property
    def time_pct(self) -> int:
        p = self.rollup.time_progress
        return 0 if p is None else int(p * 100)


def plan_tree(plan: Plan, states: list[TargetState]):
    """[(theme Node with measure Nodes with TargetStates)], plus the plan's roll-up."""
    themes = list(Theme.objects.filter(plan=plan).select_related("leader", "department"))
    measures = list(Measure.objects.filter(theme__plan=plan).select_related("leader", "department"))
    by_measure: dict[int, list] = defaultdict(list)
    for s in states:
        by_measure[s.target.measure_id].append(s)
    measures_by_theme: dict[int, list] = defaultdict(list)
    for m in measures:
        kids = by_measure.get(m.pk, [])
        measures_by_theme[m.theme_id].append(Node(m, rules.roll_up([k.child for k in kids]), kids))
    theme_nodes = []
    for t in themes:
        kids = measures_by_theme.get(t.pk, [])
        children = [
            rules.Child(
                weight=k.obj.weight,
                progress=k.rollup.progress or Decimal(0),
                time_progress=k.rollup.time_progress or Decimal(0),
                status=k.rollup.status,
                margin=_avg_margin(k.children),
            )
            for k in kids
        ]
        theme_nodes.append(Node(t, rules.roll_up(children), kids))
    plan_rollup = rules.roll_up(
        [
            rules.Child(
                weight=n.obj.weight,
                progress=n.rollup.progress or Decimal(0),
                time_progress=n.rollup.time_progress or Decimal(0),
                status=n.rollup.status,
            )
            for n in theme_nodes
        ]
    )
    return theme_nodes, plan_rollup


def _avg_margin(states) -> Decimal:
    if not states:
        return Decimal(10)
    return sum((s.target.yellow_margin for s in states), Decimal(0)) / len(states)


def plan_for(user, year: int | None = None, plan_id: int | None = None) -> Plan | None:
    qs = scoping.restrict(Plan.objects.all(), user)
    if plan_id:
        return qs.filter(pk=plan_id).first()
    if year:
        found = qs.filter(year=year).order_by("id").first()
        if found:
            return found
    return (
        qs.filter(year__lte=today().year).order_by("-year", "id").first()
        or qs.order_by("-year").first()
    )


# --- tasks ---------------------------------------------------------------------------------


@dataclass
class TaskFlag:
    overdue: bool
    due_soon: bool


def task_flag(task: Task, as_of: date, calendar=None) -> TaskFlag:
    if task.status not in OPEN_STATUSES:
        return TaskFlag(False, False)
    calendar = calendar or get_calendar(task.town_id)
    return TaskFlag(task.deadline < as_of, rules.due_soon(as_of, task.deadline, calendar))


def tasks_queryset(user) -> QuerySet:
    return scoping.restrict(
        Task.objects.select_related("assignee", "assignee_department", "assigned_by"), user
    )


def open_tasks_flagged(user, as_of: date, plan: Plan | None = None, limit: int = 50):
    """Open tasks with their flags: overdue ones first (oldest deadline first), then the next
    ones due (due-soon among them). Two queries of at most `limit` rows however many tasks."""
    qs = tasks_queryset(user).filter(status__in=OPEN_STATUSES)
    if plan is not None:
        qs = qs.filter(Q(plan=plan) | Q(plan__isnull=True))
    overdue = list(qs.filter(deadline__lt=as_of).order_by("deadline", "id")[:limit])
    upcoming = list(qs.filter(deadline__gte=as_of).order_by("deadline", "id")[:limit])
    calendar = get_calendar(getattr(user, "town_id", None))
    return [(t, task_flag(t, as_of, calendar)) for t in (overdue + upcoming)[:limit]]


def my_tasks_querysets(user):
    """(to do, waiting for my decision): open tasks assigned to the user or their departments;
    completed tasks and extension requests of tasks the user assigned."""
    qs = tasks_queryset(user)
    dept_ids = list(user.departments.values_list("pk", flat=True)) if user.is_authenticated else []
    todo = (
        qs.filter(status__in=OPEN_STATUSES)
        .filter(Q(assignee=user) | Q(assignee_department_id__in=dept_ids))
        .order_by("deadline", "id")
    )
    waiting = (
        qs.filter(assigned_by=user)
        .filter(Q(status="completed") | Q(pending_extension_date__isnull=False))
        .order_by("deadline", "id")
    )
    return todo, waiting


def my_tasks(user, as_of: date, limit: int | None = None):
    """A person's to-do list: open tasks assigned to them or their departments, and
    completed tasks / extension requests waiting for them as the assigner."""
    todo, waiting = my_tasks_querysets(user)
    if limit is not None:
        todo, waiting = todo[:limit], waiting[:limit]
    calendar = get_calendar(getattr(user, "town_id", None))
    return [(t, task_flag(t, as_of, calendar)) for t in todo], list(waiting)
