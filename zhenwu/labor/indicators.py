"""Indicators the plan board binds the 擦品牌 targets to (see `zhenwu.plan.indicators`). Each
counts what had happened by `ctx.cutoff` within the plan year, in one aggregate query."""

from __future__ import annotations

from decimal import Decimal

from zhenwu.labor import selectors
from zhenwu.labor.models import Certificate, Enrollment, Placement, TrainingBase, Worker
from zhenwu.plan.indicators import IndicatorContext, register_indicator


def training_qs(ctx: IndicatorContext):
    return selectors.attended_in(
        Enrollment.objects.filter(town=ctx.town), ctx.year_start, ctx.cutoff
    )


@register_indicator(
    "labor.training_person_times",
    "技能培训人次",
    unit="人次",
    records=training_qs,
    description="计划年度内结业的培训班中登记出勤（已参训）的学员人次，以结业日期计，截至所选日期。",
)
def training_person_times(ctx: IndicatorContext) -> Decimal:
    return Decimal(training_qs(ctx).count())


def certificates_qs(ctx: IndicatorContext):
    return selectors.certificates_in(
        Certificate.objects.filter(town=ctx.town), ctx.year_start, ctx.cutoff
    )


@register_indicator(
    "labor.certificates_issued",
    "取证人数（证书数）",
    unit="本",
    records=certificates_qs,
    description="计划年度内发证日期截至所选日期的职业技能等级证书、专项能力证书等的本数。",
)
def certificates_issued(ctx: IndicatorContext) -> Decimal:
    return Decimal(certificates_qs(ctx).count())


def placed_qs(ctx: IndicatorContext):
    placed = selectors.placements_in(
        Placement.objects.filter(town=ctx.town), ctx.year_start, ctx.cutoff
    ).values("worker_id")
    return Worker.objects.filter(town=ctx.town, pk__in=placed)


@register_indicator(
    "labor.workers_placed",
    "转移就业人数",
    unit="人",
    records=placed_qs,
    description="计划年度内截至所选日期新上岗（就业记录的上岗日期）的务工人员人数，一人多次只计一次。",
)
def workers_placed(ctx: IndicatorContext) -> Decimal:
    return Decimal(placed_qs(ctx).count())


def bases_qs(ctx: IndicatorContext):
    return selectors.bases_built(
        TrainingBase.objects.filter(town=ctx.town), ctx.year_start, ctx.cutoff
    )


@register_indicator(
    "labor.bases_built",
    "培训就业基地建成数",
    unit="个",
    records=bases_qs,
    description="计划年度内截至所选日期建成的培训就业基地：关联建设项目的以项目实际竣工日期计，否则以基地登记的建成日期计。",
)
def bases_built(ctx: IndicatorContext) -> Decimal:
    return Decimal(bases_qs(ctx).count())
