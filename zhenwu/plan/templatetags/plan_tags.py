"""Template helpers of the plan pages: a target's live state on its detail page, a task's
timeline and the workflow buttons its viewer may press."""

from __future__ import annotations

from django import template

from zhenwu.core import asof
from zhenwu.plan import rules, selectors, services
from zhenwu.plan.models import OPEN_STATUSES, TaskStatus

register = template.Library()


@register.simple_tag(takes_context=True)
def target_panel(context, target):
    request = context.get("request")
    as_of = asof.for_page(request)[0] if request else asof.today()
    year = target.measure.theme.plan.year
    reports = list(target.reports.select_related("reported_by").order_by("-date", "-id"))
    frozen = selectors.frozen_by_target([target], year).get(target.pk, {})
    state = selectors.evaluate(target, year, as_of, reports=reports, frozen=frozen)
    # Chart series: expected curve and actual value at each month end (frozen history where
    # there is one; manual reports otherwise), up to the as-of date.
    from zhenwu.plan.models import MonthStatus

    history = {
        m.month: m.actual
        for m in MonthStatus.objects.filter(target=target, year=year).only("month", "actual")
    }
    months, expected, actual = [], [], []
    for m in range(1, 13):
        end = rules.month_end(year, m)
        months.append(f"{m}月")
        expected.append(
            float(
                rules.expected_value(
                    target.target_value,
                    rules.expected_share(target.curve, year, end, target.curve_shares),
                )
            )
        )
        if end < as_of and m in history and history[m] is not None:
            actual.append(float(history[m]))
        elif as_of.year == year and as_of.month == m and state.actual is not None:
            actual.append(float(state.actual))
        elif end < as_of and not target.indicator_key:
            v, _, _ = selectors.compute_actual(target, year, end, reports)
            actual.append(float(v))
        else:
            actual.append(None)
    return {
        "state": state,
        "reports": reports[:20],
        "chart": {
            "months": months,
            "expected": expected,
            "actual": actual,
            "target": float(target.target_value),
            "unit": target.unit,
        },
        "can_report": services.can_report(context["user"], target),
    }


@register.simple_tag(takes_context=True)
def task_panel(context, task):
    user = context["user"]
    assignee = services.is_assignee(user, task)
    assigner = services.is_assigner(user, task)
    open_ = task.status in OPEN_STATUSES
    actions = []
    if assignee and task.status == TaskStatus.ASSIGNED:
        actions.append("sign")
    if assignee and task.status in (TaskStatus.SIGNED, TaskStatus.IN_PROGRESS, TaskStatus.RETURNED):
        actions += ["report", "complete"]
    if assignee and open_ and not task.pending_extension_date:
        actions.append("extend")
    if assigner and task.status == TaskStatus.COMPLETED:
        actions += ["close", "return"]
    if assigner and task.pending_extension_date:
        actions += ["approve-extension", "reject-extension"]
    as_of = selectors.today()
    return {
        "events": list(task.events.select_related("actor")),
        "actions": actions,
        "flag": selectors.task_flag(task, as_of),
    }


@register.filter
def status_label(status):
    return rules.STATUS_LABELS.get(status or "none", "")


@register.filter
def pct(value):
    """0.456 → 45.6（%）"""
    if value is None:
        return "—"
    return f"{float(value) * 100:.1f}".rstrip("0").rstrip(".")
