"""Indicators the plan board binds the 促宜居 targets to (一周一暗访, 一月一评比) and the
module's figures (average score, rectification rate). Each counts what had happened by
`ctx.cutoff` within the plan year — and never a round that has not started yet (the draw is
secret until then, whatever date the board is asked about)."""

from __future__ import annotations

from datetime import datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q
from django.utils import timezone

from zhenwu.inspections.models import (
    Finding,
    FindingStatus,
    RankingPublication,
    Round,
    RoundKind,
    Sheet,
)
from zhenwu.plan.indicators import IndicatorContext, register_indicator


def _until(ctx: IndicatorContext) -> datetime:
    end = timezone.make_aware(datetime.combine(ctx.cutoff, time.max))
    return min(end, timezone.now())


def _start(ctx: IndicatorContext) -> datetime:
    return timezone.make_aware(datetime.combine(ctx.year_start, time.min))


def rounds_qs(ctx: IndicatorContext):
    qs = Round.objects.filter(town=ctx.town, starts_at__gte=_start(ctx), starts_at__lte=_until(ctx))
    kind = ctx.param("kind", RoundKind.UNANNOUNCED)
    return qs.filter(kind=kind) if kind != "all" else qs


@register_indicator(
    "inspections.rounds_held",
    "暗访轮次",
    unit="次",
    records=rounds_qs,
    params={"kind": "检查方式（unannounced 暗访 / announced 明查 / reinspection 复查 / all 全部）"},
    description="计划年度内截至所选日期已开始的检查轮次（默认只计暗访）；尚未开始的抽签轮次不计。",
)
def rounds_held(ctx: IndicatorContext) -> Decimal:
    return Decimal(rounds_qs(ctx).count())


def publications_qs(ctx: IndicatorContext):
    return RankingPublication.objects.filter(
        town=ctx.town, month__year=ctx.year, published_at__lte=_until(ctx)
    )


@register_indicator(
    "inspections.rankings_published",
    "月度评比发布次数",
    unit="次",
    records=publications_qs,
    description="计划年度各月评比结果截至所选日期已发布的次数。",
)
def rankings_published(ctx: IndicatorContext) -> Decimal:
    return Decimal(publications_qs(ctx).count())


def sheets_qs(ctx: IndicatorContext):
    qs = Sheet.objects.filter(
        town=ctx.town,
        round__starts_at__gte=_start(ctx),
        round__starts_at__lte=_until(ctx),
        score__isnull=False,
    ).exclude(round__kind=RoundKind.REINSPECTION)  # a 复查 revisits, it does not score
    village = ctx.param("village")
    return qs.filter(village_id=village) if village else qs


@register_indicator(
    "inspections.average_score",
    "人居环境平均得分",
    unit="分",
    records=sheets_qs,
    params={"village": "村（社区）编号（留空为全镇）"},
    description="计划年度内截至所选日期各轮检查评分表得分（百分制）的平均值，全镇或一个村（社区）。",
)
def average_score(ctx: IndicatorContext) -> Decimal:
    avg = sheets_qs(ctx).aggregate(a=Avg("score"))["a"]
    return Decimal(avg or 0).quantize(Decimal("0.01"), ROUND_HALF_UP)


def due_qs(ctx: IndicatorContext):
    return Finding.objects.filter(
        town=ctx.town,
        round__starts_at__gte=_start(ctx),
        round__starts_at__lte=_until(ctx),
        deadline__lte=ctx.cutoff,
    )


@register_indicator(
    "inspections.rectification_rate",
    "问题整改销号率",
    unit="%",
    records=due_qs,
    description="计划年度内整改时限已到（截至所选日期）的问题中已验收销号的比例。",
)
def rectification_rate(ctx: IndicatorContext) -> Decimal:
    until = _until(ctx)
    agg = due_qs(ctx).aggregate(
        n=Count("pk"),
        done=Count("pk", filter=Q(status=FindingStatus.ACCEPTED, accepted_at__lte=until)),
    )
    if not agg["n"]:
        return Decimal(0)
    return (Decimal(agg["done"]) * 100 / agg["n"]).quantize(Decimal("0.1"), ROUND_HALF_UP)
