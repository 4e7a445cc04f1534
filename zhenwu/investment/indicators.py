"""Indicators the plan board binds its investment targets to (keys are a stable interface).

Every value is *as of* `ctx.cutoff` (min(as_of, year end)), read from the stage dates, not the
current stage, so replaying the year gives what the town saw then:
- a signing counts when `signed_on` is in the plan year by the cutoff; a capital increase (增资)
  is not a new signing (counted once); a project terminated by the cutoff no longer counts;
- a start counts when `started_on` is in the plan year by the cutoff; thresholds compare the
  planned total, which for 增资 holds only the increase;
- funds received sum the monthly entries whose month began in the plan year by the cutoff;
- "by stage" is the stage each project was in on the cutoff day.
Deleted records never count (`objects` excludes them). One aggregate query each.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db.models import Q, Sum

from zhenwu.investment.models import (
    STAGE_DATE_FIELD,
    STAGE_ORDER,
    FundsReceipt,
    Investment,
    Nature,
    ProjectType,
    Stage,
)
from zhenwu.plan.indicators import IndicatorContext, IndicatorError, register_indicator


def _base(ctx: IndicatorContext):
    return Investment.objects.filter(town=ctx.town)


def _not_terminated_by(ctx: IndicatorContext) -> Q:
    return Q(terminated_on__isnull=True) | Q(terminated_on__gt=ctx.cutoff)


def signed_qs(ctx: IndicatorContext):
    return (
        _base(ctx)
        .filter(signed_on__gte=ctx.year_start, signed_on__lte=ctx.cutoff)
        .exclude(nature=Nature.CAPITAL_INCREASE)
        .filter(_not_terminated_by(ctx))
    )


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "是", "on")


def _number(ctx: IndicatorContext, name: str) -> Decimal | None:
    value = ctx.param(name)
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise IndicatorError(f"参数「{name}」应为数字，实为「{value}」") from None


def started_qs(ctx: IndicatorContext):
    qs = (
        _base(ctx)
        .filter(started_on__gte=ctx.year_start, started_on__lte=ctx.cutoff)
        .filter(_not_terminated_by(ctx))
    )
    if _bool(ctx.param("industrial", False)):
        qs = qs.filter(project_type=ProjectType.INDUSTRIAL)
    minimum = _number(ctx, "min_investment_wan")
    if minimum is not None:
        qs = qs.filter(planned_total_wan__gte=minimum)
    return qs


def new_signed_started_qs(ctx: IndicatorContext):
    return signed_qs(ctx).filter(started_on__gte=ctx.year_start, started_on__lte=ctx.cutoff)


def funds_qs(ctx: IndicatorContext):
    return FundsReceipt.objects.filter(
        town=ctx.town,
        investment__is_deleted=False,
        month__gte=ctx.year_start,
        month__lte=ctx.cutoff,
    )


def funds_investments_qs(ctx: IndicatorContext):
    return _base(ctx).filter(pk__in=funds_qs(ctx).values("investment"))


def stage_on(ctx: IndicatorContext, stage: str) -> Q:
    """The projects that were in `stage` on the cutoff day."""
    day = ctx.cutoff
    if stage == Stage.TERMINATED:
        return Q(terminated_on__lte=day)
    field = STAGE_DATE_FIELD[stage]
    cond = Q(**{f"{field}__lte": day}) & (Q(terminated_on__isnull=True) | Q(terminated_on__gt=day))
    index = STAGE_ORDER.index(stage)
    if index + 1 < len(STAGE_ORDER):
        following = STAGE_DATE_FIELD[STAGE_ORDER[index + 1]]
        cond &= Q(**{f"{following}__isnull": True}) | Q(**{f"{following}__gt": day})
    return cond


def by_stage_qs(ctx: IndicatorContext):
    stage = ctx.param("stage")
    if stage is None:
        raise IndicatorError(
            "参数「stage」必填：" + "、".join(f"{s.value}（{s.label}）" for s in Stage)
        )
    if stage not in Stage.values:
        label_map = {s.label: s.value for s in Stage}
        if stage in label_map:
            stage = label_map[stage]
        else:
            raise IndicatorError(f"未知阶段「{stage}」")
    return _base(ctx).filter(stage_on(ctx, stage))


@register_indicator(
    "investment.signed_count",
    "签约招商项目数",
    unit="个",
    records=signed_qs,
    description="计划年度内截至当日签约的项目（增资不计为新签约；截至当日已终止的不计）",
)
def signed_count(ctx: IndicatorContext) -> Decimal:
    return Decimal(signed_qs(ctx).count())


@register_indicator(
    "investment.started_count",
    "开工招商项目数",
    unit="个",
    records=started_qs,
    params={
        "industrial": "只计工业项目（true/false）",
        "min_investment_wan": "计划总投资下限（万元，含本数），如 10000 即亿元以上",
    },
    description="计划年度内截至当日开工的项目（增资项目按增资额比较门槛）",
)
def started_count(ctx: IndicatorContext) -> Decimal:
    return Decimal(started_qs(ctx).count())


@register_indicator(
    "investment.new_signed_started_count",
    "当年新签约项目开工数",
    unit="个",
    records=new_signed_started_qs,
    description="计划年度内签约、且在计划年度内截至当日开工的项目",
)
def new_signed_started_count(ctx: IndicatorContext) -> Decimal:
    return Decimal(new_signed_started_qs(ctx).count())


@register_indicator(
    "investment.funds_received_wan",
    "实际到位资金",
    unit="万元",
    records=funds_investments_qs,
    description="计划年度内截至当日各月登记的实际到位资金合计",
)
def funds_received_wan(ctx: IndicatorContext) -> Decimal:
    total = funds_qs(ctx).aggregate(total=Sum("amount_wan"))["total"]
    return total or Decimal(0)


@register_indicator(
    "investment.by_stage",
    "处于某阶段的招商项目数",
    unit="个",
    records=by_stage_qs,
    params={
        "stage": "阶段：lead/negotiating/signed/started/completed/producing/terminated 或中文名"
    },
    param_values={"stage": {str(v): str(lbl) for v, lbl in Stage.choices}},
    description="截至当日处于该阶段的项目数",
)
def by_stage(ctx: IndicatorContext) -> Decimal:
    return Decimal(by_stage_qs(ctx).count())
