"""Indicators the plan board binds the 发展为要 targets to (see `zhenwu.plan.indicators`): 亩
acquired (parcels handed over) and 户 relocated (households vacated) within the plan year up to
`ctx.cutoff`, for the town or one campaign (`campaign` = its name). One aggregate query each."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from zhenwu.land.models import Household, Parcel
from zhenwu.plan.indicators import IndicatorContext, register_indicator

PARAMS = {"campaign": "征收任务名称（空：全镇）"}


def parcels_qs(ctx: IndicatorContext):
    qs = Parcel.objects.filter(
        town=ctx.town, handed_over_on__gte=ctx.year_start, handed_over_on__lte=ctx.cutoff
    )
    if ctx.param("campaign"):
        qs = qs.filter(campaign__name=ctx.param("campaign"))
    return qs


@register_indicator(
    "land.mu_acquired",
    "征地面积（已交地）",
    unit="亩",
    records=parcels_qs,
    params=PARAMS,
    description="计划年度内截至所选日期已交地的地块面积（亩），以地块的交地日期计。",
)
def mu_acquired(ctx: IndicatorContext) -> Decimal:
    total = parcels_qs(ctx).aggregate(s=Sum("area_mu"))["s"] or Decimal(0)
    return Decimal(total).quantize(Decimal("0.01"))


def households_qs(ctx: IndicatorContext):
    qs = Household.objects.filter(
        town=ctx.town, vacated_on__gte=ctx.year_start, vacated_on__lte=ctx.cutoff
    )
    if ctx.param("campaign"):
        qs = qs.filter(campaign__name=ctx.param("campaign"))
    return qs


@register_indicator(
    "land.households_relocated",
    "征迁户数（已腾空）",
    unit="户",
    records=households_qs,
    params=PARAMS,
    description="计划年度内截至所选日期已腾空交房的被征收户数，以腾空日期计。",
)
def households_relocated(ctx: IndicatorContext) -> Decimal:
    return Decimal(households_qs(ctx).count())
