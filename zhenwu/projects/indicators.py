"""Indicators of the projects module the plan's targets bind to (see plan/indicators.py).
Each is one aggregate query, counted *as of* `ctx.cutoff` within the plan year."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, Q

from zhenwu.plan.indicators import IndicatorContext, IndicatorError, register_indicator
from zhenwu.projects.models import Project

CATEGORY_PARAM = {
    "category": "项目类别代码：key（重点项目）/ livelihood（民生实事）/ farmland（高标准农田）/ other；空为全部"
}


def _base(ctx: IndicatorContext):
    qs = Project.objects.filter(town=ctx.town)
    category = ctx.param("category")
    if category:
        if not isinstance(category, str) or len(category) > 30:
            raise IndicatorError("项目类别参数无效")
        qs = qs.filter(category__key=category)
    return qs


def completed_qs(ctx: IndicatorContext):
    """Completed (竣工) in the plan year by the cutoff: 实际竣工 within [1 Jan, cutoff]."""
    return _base(ctx).filter(actual_finish__gte=ctx.year_start, actual_finish__lte=ctx.cutoff)


def started_qs(ctx: IndicatorContext):
    """Started (开工) in the plan year by the cutoff: 实际开工 within [1 Jan, cutoff]."""
    return _base(ctx).filter(actual_start__gte=ctx.year_start, actual_start__lte=ctx.cutoff)


def _active(ctx: IndicatorContext):
    """Projects with a deadline in or after the plan year, started by the cutoff and not
    finished before the plan year began: the ones whose timeliness the year judges."""
    return _base(ctx).filter(
        Q(actual_finish__isnull=True) | Q(actual_finish__gte=ctx.year_start),
        actual_start__lte=ctx.cutoff,
        deadline__isnull=False,
        deadline__gte=ctx.year_start,
    )


def delayed_qs(ctx: IndicatorContext):
    """Delayed as of the cutoff: past the deadline without having finished by it, or finished
    after the deadline."""
    c = ctx.cutoff
    late_open = Q(deadline__lt=c) & (Q(actual_finish__isnull=True) | Q(actual_finish__gt=c))
    late_done = Q(actual_finish__lte=c) & Q(actual_finish__gt=F("deadline"))
    return _active(ctx).filter(late_open | late_done)


def on_schedule_qs(ctx: IndicatorContext):
    return _active(ctx).exclude(pk__in=delayed_qs(ctx).values("pk"))


@register_indicator(
    "projects.completed_count", "项目竣工数", unit="个", records=completed_qs,
    params=CATEGORY_PARAM, description="计划年度内截至统计日已竣工（实际竣工日期）的项目数",
)  # fmt: skip
def completed_count(ctx: IndicatorContext) -> Decimal:
    return Decimal(completed_qs(ctx).count())


@register_indicator(
    "projects.started_count", "项目开工数", unit="个", records=started_qs,
    params=CATEGORY_PARAM, description="计划年度内截至统计日已开工（实际开工日期）的项目数",
)  # fmt: skip
def started_count(ctx: IndicatorContext) -> Decimal:
    return Decimal(started_qs(ctx).count())


@register_indicator(
    "projects.on_schedule_count", "按期推进项目数", unit="个", records=on_schedule_qs,
    params=CATEGORY_PARAM, description="已开工、有完成时限的项目中，截至统计日未逾期的项目数",
)  # fmt: skip
def on_schedule_count(ctx: IndicatorContext) -> Decimal:
    return Decimal(on_schedule_qs(ctx).count())


@register_indicator(
    "projects.delayed_count", "逾期项目数", unit="个", records=delayed_qs,
    params=CATEGORY_PARAM, description="截至统计日已过完成时限仍未竣工、或晚于时限竣工的项目数",
)  # fmt: skip
def delayed_count(ctx: IndicatorContext) -> Decimal:
    return Decimal(delayed_qs(ctx).count())
