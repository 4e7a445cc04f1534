"""Writes of the 招商引资 ledger. Each takes `acting_user`, is atomic, validates with
`full_clean()` (through the core services) and records its event on the project timeline.

Stage rule (docs/investment.md): stages move forward only, one service (`move_stage`):
- no move backwards, no move out of 终止, no move to the current stage;
- skipping forward is allowed: the skipped stages get the same date as the target stage (a
  project that started had been signed by then at the latest) — unless they already have one;
- 终止 from any live stage, with a reason;
- the date is not in the future and not before the date of the current stage.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhenwu.core import scoping
from zhenwu.core import services as core
from zhenwu.core.actor import Source, acting_as
from zhenwu.investment import events
from zhenwu.investment.models import (
    STAGE_DATE_FIELD,
    STAGE_ORDER,
    FollowUp,
    FundsReceipt,
    Investment,
    InvestmentSettings,
    Stage,
)
from zhenwu.investment.rules import DEFAULT_OVERDUE_START_MONTHS, DEFAULT_STALE_DAYS
from zhenwu.investment.validation import fill_skipped_dates

STAGE_FIELDS = ("stage", *STAGE_DATE_FIELD.values(), "termination_reason")


def _check_code_free(town_id, code, exclude_pk=None, user=None):
    if not code:
        return
    clash = Investment.objects.filter(town_id=town_id, code=code.strip())
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    other = clash.first()
    if other is not None:
        raise ValidationError({"code": scoping.taken_message(user, "项目编号", code, other)})


@transaction.atomic
def create_investment(*, town, data: dict, acting_user) -> Investment:
    """Register a project at any stage; earlier stages without a date take the next date."""
    stage = data.get("stage", Stage.LEAD)
    if stage not in Stage.values:
        raise ValidationError({"stage": f"未知阶段「{stage}」"})
    _check_code_free(town.pk, data.get("code"), user=acting_user)
    obj = Investment(town=town, **data)
    fill_skipped_dates(obj)
    if obj.stage != Stage.TERMINATED and obj.stage_date is None and obj.stage == Stage.LEAD:
        obj.lead_on = timezone.localdate()
    obj.full_clean()
    core.check_write_scope(obj, acting_user)
    with core.attributed(acting_user):
        obj.save()
    events.investment_created(obj, user=acting_user, on_date=obj.stage_date or timezone.localdate())
    return obj


@transaction.atomic
def update_investment(
    obj: Investment, *, data: dict, acting_user, expected_version: int | None = None
) -> Investment:
    """Edit the record's facts. The stage itself moves only through `move_stage`; the dates
    of stages already reached may be corrected here."""
    data = dict(data)
    new_stage = data.pop("stage", obj.stage)
    if new_stage != obj.stage:
        raise ValidationError({"stage": "阶段请通过「推进阶段」变更（会检查顺序并记入项目动态）"})
    for s in STAGE_ORDER[STAGE_ORDER.index(obj.stage) + 1 :] if obj.stage in STAGE_ORDER else ():
        data.pop(STAGE_DATE_FIELD[s], None)
    if obj.stage != Stage.TERMINATED:
        data.pop("terminated_on", None)
        data.pop("termination_reason", None)
    _check_code_free(obj.town_id, data.get("code", obj.code), exclude_pk=obj.pk, user=acting_user)
    return core.update_object(
        obj, data=data, acting_user=acting_user, expected_version=expected_version
    )


def _stage_label(stage: str) -> str:
    return Stage(stage).label


@transaction.atomic
def move_stage(
    investment: Investment,
    to_stage: str,
    on_date: date | None,
    acting_user,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Investment:
    """Move the project to `to_stage` on `on_date` (default today) — the only way a stage
    changes. Raises ValidationError with a Chinese message naming the rule broken."""
    obj = Investment.objects.select_for_update().get(pk=investment.pk)
    if expected_version is not None and obj.version != expected_version:
        raise core.StaleEdit(obj, expected_version)
    today = timezone.localdate()
    on_date = on_date or today
    try:
        to_stage = Stage(to_stage)
    except ValueError:
        raise ValidationError({"stage": f"未知阶段「{to_stage}」"}) from None
    from_stage = obj.stage
    if from_stage == Stage.TERMINATED:
        raise ValidationError({"stage": "项目已终止，不能再变更阶段"})
    if to_stage == from_stage:
        raise ValidationError({"stage": f"项目已处于「{_stage_label(from_stage)}」阶段"})
    if on_date > today:
        raise ValidationError({"date": f"日期（{on_date}）不能晚于今天"})
    current_date = obj.stage_date
    if current_date is not None and on_date < current_date:
        raise ValidationError(
            {
                "date": f"日期（{on_date}）不能早于进入「{_stage_label(from_stage)}」阶段的日期"
                f"（{current_date}）"
            }
        )
    data: dict = {}
    skipped: list[str] = []
    if to_stage == Stage.TERMINATED:
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": "终止项目须填写终止原因"})
        data = {"stage": to_stage, "terminated_on": on_date, "termination_reason": reason}
    else:
        if STAGE_ORDER.index(to_stage) < STAGE_ORDER.index(from_stage):
            raise ValidationError(
                {
                    "stage": f"阶段不能倒退：项目已处于「{_stage_label(from_stage)}」，"
                    f"不能退回「{_stage_label(to_stage)}」"
                }
            )
        data = {"stage": to_stage, STAGE_DATE_FIELD[to_stage]: on_date}
        between = STAGE_ORDER[STAGE_ORDER.index(from_stage) + 1 : STAGE_ORDER.index(to_stage)]
        for s in between:
            name = STAGE_DATE_FIELD[s]
            if getattr(obj, name) is None:
                data[name] = on_date
                skipped.append(s)
    obj = core.update_object(obj, data=data, acting_user=acting_user)
    if to_stage == Stage.TERMINATED:
        events.investment_terminated(
            obj, user=acting_user, from_stage=from_stage, on_date=on_date, reason=reason
        )
    else:
        events.stage_moved(
            obj, user=acting_user, from_stage=from_stage, on_date=on_date, skipped=skipped
        )
    return obj


@transaction.atomic
def record_funds(
    investment: Investment,
    *,
    month: date,
    amount_wan: Decimal,
    acting_user,
    out_of_province_wan: Decimal | None = None,
    note: str = "",
) -> FundsReceipt:
    """到位资金 of one month; a second entry for the same month replaces the first."""
    month = month.replace(day=1)
    if investment.stage in (Stage.LEAD, Stage.NEGOTIATING):
        raise ValidationError({"month": "项目尚未签约，不能登记到位资金"})
    if investment.signed_on and month < investment.signed_on.replace(day=1):
        raise ValidationError(
            {"month": f"到位资金月份不能早于签约月份（{investment.signed_on:%Y年%m月}）"}
        )
    data = {
        "amount_wan": amount_wan,
        "out_of_province_wan": out_of_province_wan or Decimal(0),
        "note": note or "",
    }
    existing = FundsReceipt.objects.filter(investment=investment, month=month).first()
    if existing is not None:
        receipt = core.update_object(existing, data=data, acting_user=acting_user)
    else:
        receipt = core.create_object(
            FundsReceipt,
            town=investment.town,
            data={"investment": investment, "month": month, **data},
            acting_user=acting_user,
        )
    events.funds_recorded(investment, user=acting_user, receipt=receipt)
    return receipt


@transaction.atomic
def add_follow_up(
    investment: Investment,
    *,
    on_date: date,
    note: str,
    acting_user,
    next_on: date | None = None,
) -> FollowUp:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写跟进情况"})
    if investment.stage == Stage.TERMINATED:
        raise ValidationError({"note": "项目已终止，无需跟进"})
    follow_up = core.create_object(
        FollowUp,
        town=investment.town,
        data={
            "investment": investment,
            "on_date": on_date,
            "note": note,
            "next_on": next_on,
            "by": acting_user,
        },
        acting_user=acting_user,
    )
    events.followed_up(investment, user=acting_user, follow_up=follow_up)
    return follow_up


def settings_for(town) -> InvestmentSettings:
    """The town's thresholds (an unsaved default row when the town has none)."""
    row = InvestmentSettings.objects.filter(town=town).first() if town is not None else None
    return row or InvestmentSettings(
        town=town,
        overdue_start_months=DEFAULT_OVERDUE_START_MONTHS,
        stale_days=DEFAULT_STALE_DAYS,
    )


def settings_ensure(town) -> InvestmentSettings:
    """The town's settings row, created with the defaults on first use (one per town: a
    concurrent first use finds the row the other request created)."""
    row = InvestmentSettings.objects.filter(town=town).first()
    if row is not None:
        return row
    try:
        with transaction.atomic(), acting_as(None, Source.SYSTEM):
            return InvestmentSettings.objects.create(
                town=town,
                overdue_start_months=DEFAULT_OVERDUE_START_MONTHS,
                stale_days=DEFAULT_STALE_DAYS,
            )
    except IntegrityError:
        return InvestmentSettings.objects.get(town=town)
