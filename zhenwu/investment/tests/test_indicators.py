"""The indicators the plan board binds to: as-of replay, counting once, deleted rows."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhenwu.core.services import StillReferenced, soft_delete
from zhenwu.investment import services
from zhenwu.investment.tests.factories import make_investment
from zhenwu.plan.indicators import IndicatorContext, IndicatorError, get_indicator

pytestmark = pytest.mark.django_db

MID, END = date(2025, 6, 30), date(2025, 12, 31)
BIG_INDUSTRIAL = {"industrial": True, "min_investment_wan": 10000}


def value(world, key, as_of, town=None, **params):
    ctx = IndicatorContext(town=town or world.town, year=2025, as_of=as_of, params=params)
    return get_indicator(key).evaluate(ctx)


def records(world, key, as_of, **params):
    ctx = IndicatorContext(town=world.town, year=2025, as_of=as_of, params=params)
    return set(get_indicator(key).record_queryset(ctx).values_list("code", flat=True))


@pytest.fixture
def pipeline(world):
    """A small year: signings before and after mid-year, starts, an increase, a termination."""
    mk = make_investment
    items = {
        "s1": mk(world, code="S1", signed_on=date(2025, 2, 1), stage="started",
                 started_on=date(2025, 5, 1), planned_total_wan=Decimal(10000)),
        "s2": mk(world, code="S2", signed_on=date(2025, 6, 30), stage="started",
                 started_on=date(2025, 9, 1), planned_total_wan=Decimal("9999.99")),
        "s3": mk(world, code="S3", signed_on=date(2025, 7, 1)),
        "old": mk(world, code="OLD", signed_on=date(2024, 11, 5), stage="started",
                  started_on=date(2025, 3, 3), planned_total_wan=Decimal(20000)),
        "svc": mk(world, code="SVC", signed_on=date(2025, 1, 5), stage="started",
                  started_on=date(2025, 2, 1), planned_total_wan=Decimal(50000),
                  project_type="services"),
        "inc": mk(world, code="INC", nature="capital_increase", signed_on=date(2025, 3, 1),
                  stage="started", started_on=date(2025, 4, 1), planned_total_wan=Decimal(12000)),
        "term": mk(world, code="TERM", signed_on=date(2025, 4, 1)),
        "other": mk(world, town=world.other_town, code="X1", signed_on=date(2025, 3, 1)),
    }  # fmt: skip
    services.move_stage(
        items["term"], "terminated", date(2025, 8, 1), world.users["admin"], reason="撤资"
    )
    return items


def test_signed_count_replays_the_year(world, pipeline):
    # mid-year: S1, S2 (signed on 30 June counts), SVC, TERM (terminated only in August)
    assert value(world, "investment.signed_count", MID) == 4
    assert records(world, "investment.signed_count", MID) == {"S1", "S2", "SVC", "TERM"}
    # year end: + S3, − TERM; never OLD (2024), never INC (capital increase), never X1 (other town)
    assert value(world, "investment.signed_count", END) == 4
    assert records(world, "investment.signed_count", END) == {"S1", "S2", "S3", "SVC"}
    # as_of after the year still stops at 31 December
    assert value(world, "investment.signed_count", date(2026, 5, 1)) == 4


def test_started_count_with_params(world, pipeline):
    assert records(world, "investment.started_count", MID) == {"S1", "OLD", "SVC", "INC"}
    assert records(world, "investment.started_count", END) == {"S1", "S2", "OLD", "SVC", "INC"}
    # ≥1亿 industrial: exactly 10000 counts, 9999.99 does not, services do not;
    # the capital increase counts by its increase (12000) — it is a start, not a signing
    assert records(world, "investment.started_count", END, **BIG_INDUSTRIAL) == {"S1", "OLD", "INC"}
    assert value(world, "investment.started_count", MID, industrial="true") == 3
    assert value(world, "investment.started_count", END, min_investment_wan="20000") == 2


def test_new_signed_started_count(world, pipeline):
    assert records(world, "investment.new_signed_started_count", MID) == {"S1", "SVC"}
    assert records(world, "investment.new_signed_started_count", END) == {"S1", "S2", "SVC"}


def test_funds_received(world, pipeline):
    staff = world.users["admin"]
    services.record_funds(
        pipeline["s1"], month=date(2025, 3, 1), amount_wan=Decimal(100), acting_user=staff
    )
    services.record_funds(
        pipeline["s1"], month=date(2025, 6, 1), amount_wan=Decimal("50.5"), acting_user=staff
    )
    services.record_funds(
        pipeline["s1"], month=date(2025, 7, 1), amount_wan=Decimal(30), acting_user=staff
    )
    services.record_funds(
        pipeline["old"], month=date(2024, 12, 1), amount_wan=Decimal(999), acting_user=staff
    )
    services.record_funds(
        pipeline["other"],
        month=date(2025, 4, 1),
        amount_wan=Decimal(7),
        acting_user=world.users["other_admin"],
    )
    assert value(world, "investment.funds_received_wan", MID) == Decimal("150.5")
    assert value(world, "investment.funds_received_wan", END) == Decimal("180.5")
    assert records(world, "investment.funds_received_wan", END) == {"S1"}
    assert value(world, "investment.funds_received_wan", date(2025, 1, 31)) == 0


def test_by_stage_replays(world, pipeline):
    # On 30 June: S2 signed that day, TERM not yet terminated; S3 (first date 1 July) is in
    # no stage yet: its skipped stages share its signing date
    assert records(world, "investment.by_stage", MID, stage="signed") == {"S2", "TERM"}
    assert records(world, "investment.by_stage", MID, stage="started") == {
        "S1",
        "OLD",
        "SVC",
        "INC",
    }
    assert records(world, "investment.by_stage", END, stage="signed") == {"S3"}
    assert records(world, "investment.by_stage", END, stage="terminated") == {"TERM"}
    assert value(world, "investment.by_stage", END, stage="开工") == 5  # Chinese label accepted
    with pytest.raises(IndicatorError):
        value(world, "investment.by_stage", END)
    with pytest.raises(IndicatorError):
        value(world, "investment.by_stage", END, stage="nope")


def test_deleted_records_are_not_counted(world, pipeline):
    funds = services.record_funds(
        pipeline["s1"],
        month=date(2025, 3, 1),
        amount_wan=Decimal(100),
        acting_user=world.users["admin"],
    )
    # Funds received are financial records: the investment cannot be deleted while they stand
    # (services.soft_delete refuses, naming them); deleted first, neither is counted.
    with pytest.raises(StillReferenced):
        soft_delete(pipeline["s1"], acting_user=world.users["admin"])
    soft_delete(funds, acting_user=world.users["admin"])
    soft_delete(pipeline["s1"], acting_user=world.users["admin"])
    assert value(world, "investment.signed_count", END) == 3
    assert value(world, "investment.started_count", END, **BIG_INDUSTRIAL) == 2
    assert value(world, "investment.funds_received_wan", END) == 0


def test_bad_param_is_an_indicator_error(world, pipeline):
    with pytest.raises(IndicatorError):
        value(world, "investment.started_count", END, min_investment_wan="一亿")


@pytest.mark.parametrize(
    "key, params",
    [
        ("investment.signed_count", {}),
        ("investment.started_count", BIG_INDUSTRIAL),
        ("investment.new_signed_started_count", {}),
        ("investment.funds_received_wan", {}),
        ("investment.by_stage", {"stage": "signed"}),
    ],
)
def test_one_query_each(world, pipeline, key, params):
    with CaptureQueriesContext(connection) as ctx:
        value(world, key, END, **params)
    assert len(ctx) == 1
