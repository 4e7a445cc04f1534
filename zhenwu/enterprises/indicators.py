"""Indicators the plan board binds targets to (see `zhenwu.plan.indicators`). Each counts only
what had happened by `ctx.cutoff` (as-of replay) and runs a constant number of queries."""

from __future__ import annotations

from decimal import Decimal

from zhenwu.enterprises import selectors
from zhenwu.enterprises.models import Enterprise, EntryEvent, EntryStatus
from zhenwu.plan.indicators import IndicatorContext, register_indicator


def _approved_ids(ctx: IndicatorContext):
    # From the timeline, not the current status: a firm approved in March and withdrawn in
    # September still counted as new 四上 when replaying June.
    return EntryEvent.objects.filter(
        town=ctx.town,
        to_status=EntryStatus.APPROVED,
        on_date__gte=ctx.year_start,
        on_date__lte=ctx.cutoff,
        enterprise__is_deleted=False,
    ).values("enterprise_id")


def new_above_scale_qs(ctx: IndicatorContext):
    return Enterprise.objects.filter(town=ctx.town, pk__in=_approved_ids(ctx))


@register_indicator(
    "enterprises.new_above_scale_count",
    "新增四上企业数",
    unit="家",
    records=new_above_scale_qs,
    description="计划年度内获批入库（一套表单位名录）的企业数，以入库日期计，截至所选日期。",
)
def new_above_scale_count(ctx: IndicatorContext) -> Decimal:
    return Decimal(new_above_scale_qs(ctx).count())


def platform_joined_qs(ctx: IndicatorContext):
    return Enterprise.objects.filter(
        town=ctx.town, is_waterproofing=True, platform_joined_on__lte=ctx.cutoff
    )


@register_indicator(
    "enterprises.platform_joined_count",
    "加入省防水供应链平台企业数",
    unit="家",
    records=platform_joined_qs,
    description="防水企业中加入省防水产业供应链平台的家数（累计，截至所选日期）。",
)
def platform_joined_count(ctx: IndicatorContext) -> Decimal:
    return Decimal(platform_joined_qs(ctx).count())


def _pool_ids(ctx: IndicatorContext) -> list[int]:
    members = selectors.pool(
        Enterprise.objects.filter(town=ctx.town),
        ctx.town,
        as_of=ctx.cutoff,
    )
    return [m.enterprise.pk for m in members]


def pool_qs(ctx: IndicatorContext):
    return Enterprise.objects.filter(pk__in=_pool_ids(ctx))


@register_indicator(
    "enterprises.pool_count",
    "四上培育库企业数",
    unit="家",
    records=pool_qs,
    description="截至所选日期，按培育库规则（门槛的设定比例以上、尚未入库）计算的企业数。",
)
def pool_count(ctx: IndicatorContext) -> Decimal:
    return Decimal(len(_pool_ids(ctx)))
