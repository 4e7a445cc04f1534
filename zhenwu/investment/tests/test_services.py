"""Stage moves, termination, funds and follow-ups through the services."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhenwu.core.services import StaleEdit
from zhenwu.core.testing import changes_of
from zhenwu.investment import services
from zhenwu.investment.models import EventKind, FundsReceipt, Investment, Stage
from zhenwu.investment.tests.factories import make_investment, valid_uscc

pytestmark = pytest.mark.django_db


def messages(exc):
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


def test_create_fills_skipped_stage_dates_and_records_event(world):
    inv = make_investment(
        world, world.villages[0], stage="started", started_on=date(2025, 4, 2), signed_on=None
    )
    assert (inv.lead_on, inv.negotiating_on, inv.signed_on) == (date(2025, 4, 2),) * 3
    event = inv.events.get()
    assert event.kind == EventKind.CREATED and event.to_stage == Stage.STARTED
    assert changes_of(inv).last().action == "create"


def test_lead_without_date_gets_today(world):
    inv = make_investment(world, stage="lead", signed_on=None)
    assert inv.lead_on == timezone.localdate()


def test_stage_date_required_for_current_stage(world):
    with pytest.raises(ValidationError) as exc:
        make_investment(world, stage="signed", signed_on=None)
    assert "签约时间" in messages(exc)
    assert not Investment.objects.exists()


def test_move_forward_records_event_and_change_log(world):
    inv = make_investment(world, signed_on=date(2025, 3, 1))
    moved = services.move_stage(inv, "started", date(2025, 5, 6), world.users["staff"])
    assert moved.stage == Stage.STARTED and moved.started_on == date(2025, 5, 6)
    event = moved.events.order_by("-id").first()
    assert (event.kind, event.from_stage, event.to_stage) == ("stage_moved", "signed", "started")
    assert event.actor == world.users["staff"]
    last = changes_of(moved).last()
    assert last.action == "update" and "stage" in last.changed_fields


def test_move_backwards_is_refused_with_a_clear_message(world):
    inv = make_investment(world, stage="started", started_on=date(2025, 4, 1))
    with pytest.raises(ValidationError) as exc:
        services.move_stage(inv, "signed", date(2025, 5, 1), world.users["staff"])
    assert "阶段不能倒退" in messages(exc) and "开工" in messages(exc)
    inv.refresh_from_db()
    assert inv.stage == Stage.STARTED and inv.events.count() == 1


def test_move_to_same_stage_is_refused(world):
    inv = make_investment(world)
    with pytest.raises(ValidationError) as exc:
        services.move_stage(inv, "signed", date(2025, 5, 1), world.users["staff"])
    assert "已处于" in messages(exc)


def test_skipping_forward_dates_skipped_stages_the_same_day(world):
    inv = make_investment(
        world, stage="negotiating", signed_on=None, negotiating_on=date(2025, 2, 1)
    )
    moved = services.move_stage(inv, "started", date(2025, 3, 9), world.users["staff"])
    assert moved.signed_on == moved.started_on == date(2025, 3, 9)
    assert "跨过「签约」" in moved.events.order_by("-id").first().note


def test_date_not_before_current_stage_and_not_in_future(world):
    inv = make_investment(world, signed_on=date(2025, 3, 1))
    with pytest.raises(ValidationError) as exc:
        services.move_stage(inv, "started", date(2025, 2, 28), world.users["staff"])
    assert "不能早于" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.move_stage(
            inv, "started", timezone.localdate() + timedelta(days=1), world.users["staff"]
        )
    assert "不能晚于今天" in messages(exc)
    # the same day as the current stage is fine
    assert (
        services.move_stage(inv, "started", date(2025, 3, 1), world.users["staff"]).stage
        == "started"
    )


def test_unknown_stage(world):
    inv = make_investment(world)
    with pytest.raises(ValidationError) as exc:
        services.move_stage(inv, "flying", None, world.users["staff"])
    assert "未知阶段" in messages(exc)


def test_termination_needs_reason_and_is_final(world):
    inv = make_investment(
        world, stage="negotiating", signed_on=None, negotiating_on=date(2025, 2, 1)
    )
    with pytest.raises(ValidationError) as exc:
        services.move_stage(inv, "terminated", date(2025, 3, 1), world.users["staff"], reason="  ")
    assert "终止原因" in messages(exc)
    done = services.move_stage(
        inv, "terminated", date(2025, 3, 1), world.users["staff"], reason="投资方撤资"
    )
    assert done.stage == Stage.TERMINATED and done.terminated_on == date(2025, 3, 1)
    assert done.termination_reason == "投资方撤资"
    assert done.events.order_by("-id").first().kind == EventKind.TERMINATED
    with pytest.raises(ValidationError) as exc:
        services.move_stage(done, "signed", date(2025, 4, 1), world.users["staff"])
    assert "已终止" in messages(exc)


def test_stale_version_is_refused(world):
    inv = make_investment(world)
    with pytest.raises(StaleEdit):
        services.move_stage(
            inv, "started", date(2025, 4, 1), world.users["staff"], expected_version=inv.version - 1
        )


def test_duplicate_code_in_town_refused_other_town_allowed(world):
    make_investment(world, code="ZS-1")
    with pytest.raises(ValidationError) as exc:
        make_investment(world, code="ZS-1")
    assert "项目编号「ZS-1」在本镇已存在" in messages(exc)
    assert Investment.objects.filter(code="ZS-1").count() == 1
    make_investment(world, town=world.other_town, code="ZS-1")
    assert Investment.objects.filter(code="ZS-1").count() == 2


def test_deleted_code_can_be_reused(world):
    from zhenwu.core.services import soft_delete

    inv = make_investment(world, code="ZS-9")
    soft_delete(inv, acting_user=world.users["admin"])
    assert make_investment(world, code="ZS-9").pk != inv.pk


@pytest.mark.parametrize(
    "fields, needle",
    [
        ({"planned_total_wan": Decimal(-1)}, "计划总投资（万元）不能为负数"),
        ({"fixed_asset_wan": Decimal(-5)}, "不能为负数"),
        ({"land_mu": Decimal(-2)}, "用地面积不能为负数"),
        ({"fixed_asset_wan": Decimal(6000)}, "不能大于计划总投资"),
        ({"industry_code": "C9999"}, "行业代码「C9999」无效"),
        ({"industry_code": "Z12"}, "行业代码「Z12」无效"),
        ({"investor_uscc": "91110108717743469A"}, "校验位错误"),
        (
            {"stage": "signed", "signed_on": date(2025, 3, 1), "started_on": date(2025, 4, 1)},
            "尚未到「开工」",
        ),
        ({"negotiating_on": date(2025, 5, 1)}, "不能早于在谈日期"),
        ({"nature": "capital_increase", "planned_total_wan": None}, "增资项目须填写本次增资额"),
    ],
)
def test_bad_values_are_refused_naming_the_field(world, fields, needle):
    with pytest.raises(ValidationError) as exc:
        make_investment(world, **fields)
    assert needle in messages(exc)
    assert not Investment.objects.exists()


def test_uscc_and_industry_code_are_normalised(world):
    code = valid_uscc(7)
    inv = make_investment(world, investor_uscc=code.lower(), industry_code="c2641")
    assert inv.investor_uscc == code and inv.industry_code == "C2641"


def test_capital_increase_links_original(world):
    original = make_investment(world)
    inc = make_investment(
        world, nature="capital_increase", planned_total_wan=Decimal(800), original=original
    )
    assert inc.original == original
    with pytest.raises(ValidationError) as exc:
        make_investment(world, nature="new", original=original)
    assert "只有增资项目" in messages(exc)


def test_update_cannot_change_stage(world):
    inv = make_investment(world)
    with pytest.raises(ValidationError) as exc:
        services.update_investment(inv, data={"stage": "started"}, acting_user=world.users["staff"])
    assert "推进阶段" in messages(exc)
    # correcting the date of a reached stage is fine
    fixed = services.update_investment(
        inv, data={"signed_on": date(2025, 3, 2)}, acting_user=world.users["staff"]
    )
    assert fixed.signed_on == date(2025, 3, 2)


def test_funds_one_entry_per_month_replaced(world):
    inv = make_investment(world, signed_on=date(2025, 1, 10))
    staff = world.users["staff"]
    services.record_funds(inv, month=date(2025, 3, 17), amount_wan=Decimal(100), acting_user=staff)
    services.record_funds(
        inv,
        month=date(2025, 3, 1),
        amount_wan=Decimal(120),
        out_of_province_wan=Decimal(20),
        acting_user=staff,
    )
    row = FundsReceipt.objects.get(investment=inv)
    assert row.month == date(2025, 3, 1) and row.amount_wan == 120 and row.out_of_province_wan == 20
    assert inv.events.filter(kind=EventKind.FUNDS_RECORDED).count() == 2


@pytest.mark.parametrize(
    "kwargs, needle",
    [
        ({"month": date(2025, 3, 1), "amount_wan": Decimal(-1)}, "实际到位资金不能为负数"),
        (
            {
                "month": date(2025, 3, 1),
                "amount_wan": Decimal(10),
                "out_of_province_wan": Decimal(11),
            },
            "省外资金不能大于",
        ),
        ({"month": date(2024, 12, 1), "amount_wan": Decimal(10)}, "不能早于签约月份"),
    ],
)
def test_bad_funds_refused(world, kwargs, needle):
    inv = make_investment(world, signed_on=date(2025, 1, 10))
    with pytest.raises(ValidationError) as exc:
        services.record_funds(inv, acting_user=world.users["staff"], **kwargs)
    assert needle in messages(exc)
    assert not FundsReceipt.objects.exists()


def test_funds_need_a_signing(world):
    inv = make_investment(
        world, stage="negotiating", signed_on=None, negotiating_on=date(2025, 1, 1)
    )
    with pytest.raises(ValidationError):
        services.record_funds(
            inv, month=date(2025, 3, 1), amount_wan=Decimal(1), acting_user=world.users["staff"]
        )


def test_follow_up(world):
    inv = make_investment(world)
    fu = services.add_follow_up(
        inv,
        on_date=date(2025, 4, 1),
        note="  上门走访 ",
        next_on=date(2025, 5, 1),
        acting_user=world.users["staff"],
    )
    assert fu.note == "上门走访" and fu.by == world.users["staff"]
    assert inv.events.filter(kind=EventKind.FOLLOWED_UP).exists()
    with pytest.raises(ValidationError):
        services.add_follow_up(
            inv, on_date=date(2025, 4, 1), note="", acting_user=world.users["staff"]
        )
    with pytest.raises(ValidationError) as exc:
        services.add_follow_up(
            inv,
            on_date=date(2025, 4, 1),
            note="x",
            next_on=date(2025, 3, 1),
            acting_user=world.users["staff"],
        )
    assert "下次跟进日期不能早于" in messages(exc)


def test_settings_default_and_override(world):
    from zhenwu.investment.models import InvestmentSettings

    assert services.settings_for(world.town).overdue_start_months == 6
    InvestmentSettings.objects.create(town=world.town, overdue_start_months=3, stale_days=10)
    assert services.settings_for(world.town).overdue_start_months == 3
    assert services.settings_for(world.other_town).stale_days == 30


def test_village_cadre_cannot_create_outside_their_village(world):
    cadre = world.users["village"]
    with pytest.raises(ValidationError) as exc:
        make_investment(world, user=cadre, village=None)
    assert "管辖范围" in messages(exc)
    with pytest.raises(ValidationError):
        make_investment(world, user=cadre, village=world.villages[1])
    assert not Investment.objects.exists()
    own = make_investment(world, user=cadre, village=world.villages[0])
    with pytest.raises(ValidationError):
        services.update_investment(own, data={"village": world.villages[1]}, acting_user=cadre)
    own.refresh_from_db()
    assert own.village == world.villages[0]
