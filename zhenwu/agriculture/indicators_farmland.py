"""Indicators of the farmland half (守粮安), for the plan board: patrol coverage, findings
rectified (销号) and their rate. Each counts what had happened by `ctx.cutoff` within the plan
year."""

from __future__ import annotations

from datetime import datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from zhenwu.agriculture import rules_farmland as rules
from zhenwu.agriculture import selectors_farmland as selectors
from zhenwu.agriculture import services_farmland as services
from zhenwu.agriculture.models.farmland import PatrolFinding
from zhenwu.core.rectification import RectificationStatus
from zhenwu.plan.indicators import IndicatorContext, register_indicator


def _end(ctx: IndicatorContext):
    return timezone.make_aware(datetime.combine(ctx.cutoff, time.max))


@register_indicator(
    "agriculture.patrol_coverage",
    "耕地巡田按期覆盖率",
    unit="%",
    description="截至所选日期，本镇图斑在村级田长巡田周期内（默认30天）被巡查过的比例。",
)
def patrol_coverage(ctx: IndicatorContext) -> Decimal:
    interval = rules.interval_days(rules.VILLAGE, services.setting_of(ctx.town).intervals())
    value = selectors.town_coverage(ctx.town, today=ctx.cutoff, interval=interval)
    return Decimal(str(value or 0))


def found_qs(ctx: IndicatorContext):
    return PatrolFinding.objects.filter(
        town=ctx.town, found_on__gte=ctx.year_start, found_on__lte=ctx.cutoff
    )


def rectified_qs(ctx: IndicatorContext):
    return found_qs(ctx).filter(status=RectificationStatus.ACCEPTED, accepted_at__lte=_end(ctx))


@register_indicator(
    "agriculture.findings_rectified",
    "耕地问题整改销号数",
    unit="个",
    records=rectified_qs,
    description="计划年度内巡田发现、截至所选日期已验收销号的耕地问题（非农化、非粮化、撂荒等）个数。",
)
def findings_rectified(ctx: IndicatorContext) -> Decimal:
    return Decimal(rectified_qs(ctx).count())


@register_indicator(
    "agriculture.findings_rectified_rate",
    "耕地问题整改销号率",
    unit="%",
    records=found_qs,
    description="计划年度内巡田发现的耕地问题中，截至所选日期已验收销号的比例（无问题时为100%）。",
)
def findings_rectified_rate(ctx: IndicatorContext) -> Decimal:
    found = found_qs(ctx).count()
    if not found:
        return Decimal(100)
    done = rectified_qs(ctx).count()
    return (Decimal(100) * done / found).quantize(Decimal("0.1"), ROUND_HALF_UP)
