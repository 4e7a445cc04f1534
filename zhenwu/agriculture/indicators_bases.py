"""Indicators the plan board binds the 强特色 targets to (see `zhenwu.plan.indicators`). Each
counts what had happened by `ctx.cutoff` within the plan year, in one aggregate query."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from zhenwu.agriculture import selectors_bases as selectors
from zhenwu.agriculture.models import Base, Season
from zhenwu.plan.indicators import IndicatorContext, register_indicator

CROPS_PARAM = {"crops": "作物（作物/产品名称的列表，如 羊肚菌、金蝉；默认全部）"}


def _crops(ctx: IndicatorContext) -> list[str]:
    value = ctx.param("crops")
    if not value:
        return []
    if isinstance(value, str):
        value = value.replace("，", "、").replace(",", "、").split("、")
    return [str(v).strip() for v in value if str(v).strip()]


def _seasons(ctx: IndicatorContext):
    seasons = Season.objects.filter(town=ctx.town)
    crops = _crops(ctx)
    if crops:
        seasons = seasons.filter(base__crop__name__in=crops)
    return seasons


def bases_qs(ctx: IndicatorContext):
    return selectors.bases_in_production(
        Base.objects.filter(town=ctx.town),
        Season.objects.filter(town=ctx.town),
        ctx.year_start,
        ctx.cutoff,
        crops=_crops(ctx),
    )


@register_indicator(
    "agriculture.base_area",
    "农业基地面积",
    unit="亩",
    records=bases_qs,
    params=CROPS_PARAM,
    description="计划年度内截至所选日期在产（有生产季已种植、且采收未在年度开始前结束）的"
    "农业基地面积之和，可按作物筛选；一个基地多茬只计一次基地面积。",
)
def base_area(ctx: IndicatorContext) -> Decimal:
    return bases_qs(ctx).aggregate(s=Sum("area_mu"))["s"] or Decimal(0)


def harvested_qs(ctx: IndicatorContext):
    return selectors.seasons_harvested(_seasons(ctx), ctx.year_start, ctx.cutoff)


@register_indicator(
    "agriculture.output_value",
    "农业基地产值",
    unit="万元",
    records=harvested_qs,
    params=CROPS_PARAM,
    description="计划年度内截至所选日期采收结束（未结束的以采收开始日期计）的生产季产值之和，"
    "可按作物筛选。",
)
def output_value(ctx: IndicatorContext) -> Decimal:
    return harvested_qs(ctx).aggregate(s=Sum("output_value"))["s"] or Decimal(0)


def growing_qs(ctx: IndicatorContext):
    return selectors.seasons_in_production(_seasons(ctx), ctx.year_start, ctx.cutoff)


@register_indicator(
    "agriculture.base_jobs",
    "农业基地带动就业",
    unit="人",
    records=growing_qs,
    params=CROPS_PARAM,
    description="计划年度内截至所选日期在产的生产季（含上年种植、本年采收的）登记的带动就业人数之和，"
    "可按作物筛选。",
)
def base_jobs(ctx: IndicatorContext) -> Decimal:
    return Decimal(growing_qs(ctx).aggregate(s=Sum("jobs_created"))["s"] or 0)
