"""The project timeline: one small function per domain event (Saleor's `order/events.py`).
Only services call these; each writes through `InvestmentEvent.record` (the shared timeline
shape, `core.timeline`); the detail page renders the rows newest first."""

from __future__ import annotations

from datetime import date

from zhenwu.investment.models import EventKind, Investment, InvestmentEvent, Stage


def _event(
    investment: Investment, kind: str, on_date: date, user, save: bool = True, **fields
) -> InvestmentEvent:
    # Unsaved (save=False): the ledger import writes its events in bulk (core.bulk).
    return InvestmentEvent.record(
        investment, kind, actor=user, on_date=on_date, save=save, **fields
    )


def investment_created(investment: Investment, *, user, on_date: date) -> InvestmentEvent:
    return _event(
        investment,
        EventKind.CREATED,
        on_date,
        user,
        to_stage=investment.stage,
        note=f"登记项目，当前阶段「{Stage(investment.stage).label}」",
    )


def investment_imported(
    investment: Investment, *, user, on_date: date, from_stage: str = "", save: bool = True
):
    moved = from_stage and from_stage != investment.stage
    message = (
        f"台账导入：阶段由「{Stage(from_stage).label}」变为「{Stage(investment.stage).label}」"
        if moved
        else f"台账导入，当前阶段「{Stage(investment.stage).label}」"
    )
    return _event(
        investment,
        EventKind.IMPORTED,
        on_date,
        user,
        save,
        from_stage=from_stage or "",
        to_stage=investment.stage,
        note=message,
    )


def stage_moved(
    investment: Investment, *, user, from_stage: str, on_date: date, skipped=()
) -> InvestmentEvent:
    message = f"由「{Stage(from_stage).label}」推进到「{Stage(investment.stage).label}」"
    if skipped:
        message += (
            "（跨过" + "、".join(f"「{Stage(s).label}」" for s in skipped) + "，日期记为同日）"
        )
    return _event(
        investment,
        EventKind.STAGE_MOVED,
        on_date,
        user,
        from_stage=from_stage,
        to_stage=investment.stage,
        note=message,
    )


def investment_terminated(
    investment: Investment, *, user, from_stage: str, on_date: date, reason: str
) -> InvestmentEvent:
    return _event(
        investment,
        EventKind.TERMINATED,
        on_date,
        user,
        from_stage=from_stage,
        to_stage=Stage.TERMINATED,
        note=f"项目终止：{reason}",
    )


def funds_recorded(investment: Investment, *, user, receipt) -> InvestmentEvent:
    text = f"{receipt.month:%Y年%m月}到位资金 {receipt.amount_wan} 万元"
    if receipt.out_of_province_wan:
        text += f"（其中省外资金 {receipt.out_of_province_wan} 万元）"
    return _event(investment, EventKind.FUNDS_RECORDED, receipt.month, user, note=text)


def followed_up(investment: Investment, *, user, follow_up) -> InvestmentEvent:
    text = follow_up.note
    if follow_up.next_on:
        text += f"（下次跟进：{follow_up.next_on}）"
    return _event(investment, EventKind.FOLLOWED_UP, follow_up.on_date, user, note=text)


def promoted_to_key_project(investment: Investment, *, user, on_date: date, project=None):
    """For the key-projects module: record that the project was promoted (`projects` app)."""
    text = f"转入重点项目「{project}」" if project is not None else "转入重点项目"
    return _event(investment, EventKind.PROMOTED, on_date, user, note=text)
