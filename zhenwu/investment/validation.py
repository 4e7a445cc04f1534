"""Record-level checks of an investment project (run by `Investment.clean()`, hence by every
door: forms, API, import, services). Messages name the field, in Chinese."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from zhenwu.core import asof
from zhenwu.core.idnumbers import validate_uscc
from zhenwu.investment.models import STAGE_DATE_FIELD, STAGE_ORDER, Nature, Stage


def field_label(name: str) -> str:
    from zhenwu.investment.models import Investment

    return str(Investment._meta.get_field(name).verbose_name)


def reached_stages(stage: str) -> tuple[str, ...]:
    """The live stages a project at `stage` has passed through (itself included). A terminated
    project has passed through those whose dates are set; callers handle that case."""
    if stage == Stage.TERMINATED:
        return ()
    return STAGE_ORDER[: STAGE_ORDER.index(stage) + 1]


def fill_skipped_dates(obj) -> list[str]:
    """The documented skipping rule: a project that reaches a stage has passed every earlier
    one; an earlier stage left without a date takes the date of the next known stage (it
    happened that day at the latest). Returns the filled field names."""
    if obj.stage == Stage.TERMINATED:
        known = [s for s in STAGE_ORDER if getattr(obj, STAGE_DATE_FIELD[s])]
        if not known:
            return []
        last = known[-1]
    else:
        last = obj.stage
    filled = []
    later = getattr(obj, STAGE_DATE_FIELD[last])
    if later is None:
        return filled
    for s in reversed(STAGE_ORDER[: STAGE_ORDER.index(last)]):
        name = STAGE_DATE_FIELD[s]
        value = getattr(obj, name)
        if value is None:
            setattr(obj, name, later)
            filled.append(name)
        else:
            later = value
    return filled


def check_investment(obj) -> None:
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    fill_skipped_dates(obj)
    if obj.stage == Stage.LEAD and obj.lead_on is None:
        obj.lead_on = asof.today()

    if obj.investor_uscc:
        result = validate_uscc(obj.investor_uscc)
        if result.valid:
            obj.investor_uscc = result.normalized
        else:
            add("investor_uscc", "投资方统一社会信用代码：" + "；".join(result.errors))

    if obj.industry_code:
        from zhenwu.enterprises.gb4754 import IndustryCodeError, parse_industry_code

        try:
            obj.industry_code = parse_industry_code(obj.industry_code).code
        except IndustryCodeError as exc:
            add("industry_code", f"行业代码「{obj.industry_code}」无效：{exc}")

    total, fixed = obj.planned_total_wan, obj.fixed_asset_wan
    if total is not None and fixed is not None and fixed > total:
        add("fixed_asset_wan", "其中固定资产投资不能大于计划总投资")
    if obj.nature == Nature.CAPITAL_INCREASE and total is None:
        add("planned_total_wan", "增资项目须填写本次增资额（计入计划总投资，只计增量）")
    if obj.original_id is not None:
        if obj.pk is not None and obj.original_id == obj.pk:
            add("original", "原项目不能是本项目自己")
        elif obj.original.town_id != obj.town_id:
            add("original", "原项目须是本镇的项目")
        if obj.nature != Nature.CAPITAL_INCREASE:
            add("original", "只有增资项目才需填写原项目")

    today = asof.today()
    for name in STAGE_DATE_FIELD.values():
        value = getattr(obj, name)
        if value is not None and value > today:
            add(name, f"{field_label(name)}不能晚于今天")

    if obj.stage in STAGE_ORDER:
        # The current stage's own date first: it is the one a clerk forgot.
        for s in reversed(reached_stages(obj.stage)):
            name = STAGE_DATE_FIELD[s]
            if getattr(obj, name) is None:
                label = Stage(obj.stage).label
                add(name, f"项目处于「{label}」阶段，须填写{field_label(name)}")
                break
        for s in STAGE_ORDER[STAGE_ORDER.index(obj.stage) + 1 :]:
            name = STAGE_DATE_FIELD[s]
            if getattr(obj, name) is not None:
                add(name, f"项目尚未到「{Stage(s).label}」阶段，不能填写{field_label(name)}")
        if obj.terminated_on is not None:
            add("terminated_on", "项目未终止，不能填写终止时间")
    else:  # terminated
        if obj.terminated_on is None:
            add("terminated_on", "终止的项目须填写终止时间")
        if not (obj.termination_reason or "").strip():
            add("termination_reason", "终止的项目须填写终止原因")

    # Dates never go backwards along the stages.
    previous = None
    for s in (*STAGE_ORDER, Stage.TERMINATED):
        name = STAGE_DATE_FIELD[s]
        value = getattr(obj, name)
        if value is None:
            continue
        if previous is not None and value < previous[1]:
            add(
                name,
                f"{field_label(name)}（{value}）不能早于{field_label(previous[0])}（{previous[1]}）",
            )
        previous = (name, value)

    if obj.signing_type and obj.signed_on is None:
        add("signing_type", "未签约的项目不能填写签约类型")
    if errors:
        raise ValidationError(errors)
