"""Targets evaluated as of a date: manual reports, indicators (and their failures), month-end
freezing, the catch-up rule on live status, and the board's constant query count."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhenwu.plan import indicators, rules, selectors, services
from zhenwu.plan.indicators import IndicatorError, register_indicator
from zhenwu.plan.models import MonthStatus
from zhenwu.plan.tests.factories import make_plan, make_target, report


@pytest.fixture
def fake_indicators():
    """Temporary indicators: one counting a shared list of dates, one failing, one raising."""
    events: list[date] = []
    saved = dict(indicators._registry)

    def count(ctx):
        return D(sum(1 for d in events if ctx.year_start <= d <= ctx.cutoff))

    register_indicator("test.count", "测试计数", unit="个")(count)

    def broken(ctx):
        raise ZeroDivisionError("division by zero")

    register_indicator("test.broken", "坏指标")(broken)

    def refused(ctx):
        raise IndicatorError("参数 category 不正确")

    register_indicator("test.refused", "拒绝指标")(refused)
    yield events
    indicators._registry.clear()
    indicators._registry.update(saved)


def state(target, as_of):
    plan = target.measure.theme.plan
    return {s.target.pk: s for s in selectors.evaluate_plan(plan, as_of)}[target.pk]


def test_manual_target_takes_latest_report_up_to_as_of(world):
    t = make_target(world.town, value=100)
    report(t, 20, date(2025, 3, 31))
    report(t, 55, date(2025, 6, 30))
    assert state(t, date(2025, 3, 30)).actual == 0
    assert state(t, date(2025, 4, 1)).actual == 20
    s = state(t, date(2025, 6, 30))
    assert s.actual == 55 and s.status == rules.GREEN
    assert s.progress == D("0.55")
    assert s.forecast == D(55) / (D(181) / 365)
    # After the year: the year's outcome, as the last report stood.
    assert state(t, date(2026, 3, 1)).status == rules.RED


def test_indicator_value_replays_as_of(world, fake_indicators):
    fake_indicators.extend([date(2025, 2, 1), date(2025, 5, 1), date(2025, 9, 1)])
    t = make_target(world.town, value=3, indicator_key="test.count")
    assert state(t, date(2025, 6, 30)).actual == 2
    assert state(t, date(2026, 1, 1)).actual == 3
    assert state(t, date(2026, 1, 1)).status == rules.GREEN


def test_indicator_errors_show_a_message_and_grey(world, fake_indicators):
    broken = make_target(world.town, name="坏", indicator_key="test.broken")
    refused = make_target(world.town, name="拒", indicator_key="test.refused")
    s = state(broken, date(2025, 6, 30))
    assert s.status == rules.NONE and s.actual is None
    assert "坏指标" in s.error and "division by zero" in s.error
    assert state(refused, date(2025, 6, 30)).error == "参数 category 不正确"
    # An indicator whose module is gone.
    broken.indicator_key = "gone.away"
    broken.save()
    assert "未注册" in state(broken, date(2025, 6, 30)).error


def test_board_with_failing_indicator_renders(world, fake_indicators):
    make_target(world.town, name="坏指标目标", indicator_key="test.broken")
    response = world.client("leader").get("/plan/board/?as_of=2025-06-30")
    assert response.status_code == 200
    html = response.content.decode()
    assert "坏指标目标" in html and "division by zero" in html
    assert 'data-status="none"' in html


def test_month_end_freezing_and_catch_up(world):
    t = make_target(world.town, value=120, curve="stepped")  # 10 a month
    report(t, 10, date(2025, 1, 31))  # Jan on curve → green
    report(t, 12, date(2025, 2, 28))  # Feb: 8 points behind → yellow
    report(t, 15, date(2025, 3, 31))  # Mar: 17.5 points behind → red
    report(t, 40, date(2025, 4, 30))  # Apr: gap made up (40 ≥ 40) → yellow, not green
    report(t, 52, date(2025, 5, 31))  # May: ahead, previous yellow → green
    plan = t.measure.theme.plan
    created = services.freeze_months(plan, upto=date(2025, 6, 15))
    assert created == 5
    frozen = dict(MonthStatus.objects.filter(target=t).values_list("month", "status"))
    assert frozen == {1: "green", 2: "yellow", 3: "red", 4: "yellow", 5: "green"}
    row = MonthStatus.objects.get(target=t, month=4)
    assert row.raw_status == "green" and row.actual == 40
    # Frozen months never change, even if a late report rewrites the past.
    report(t, 1, date(2025, 1, 15))
    assert services.freeze_months(plan, upto=date(2025, 6, 15)) == 0
    assert MonthStatus.objects.get(target=t, month=1).status == "green"
    # The month strip as of 15 June shows Jan–May frozen and June as the current month.
    s = state(t, date(2025, 6, 15))
    assert [c.status for c in s.months[:5]] == ["green", "yellow", "red", "yellow", "green"]
    assert s.months[5].current and s.months[6].status is None


def test_live_status_after_a_red_month_is_yellow_until_next_month(world):
    t = make_target(world.town, value=120, curve="stepped")
    report(t, 2, date(2025, 1, 31))  # 2 of an expected 10: 6.7 points behind
    plan = t.measure.theme.plan
    t.yellow_margin = D(5)  # … which is red with a 5-point margin
    t.save()
    services.freeze_months(plan, upto=date(2025, 2, 1))
    assert MonthStatus.objects.get(target=t, month=1).status == "red"
    report(t, 25, date(2025, 2, 10))  # ahead of February's 10 (and of 20 due at its end)
    s = state(t, date(2025, 2, 10))
    assert s.raw_status == "green" and s.status == "yellow"
    report(t, 5, date(2025, 2, 12))  # falls back: still behind → stays red (not yellow)
    assert state(t, date(2025, 2, 12)).status == "red"


def test_report_due_dates_follow_the_working_calendar(world):
    t = make_target(world.town, value=100)
    s = state(t, date(2025, 2, 10))
    # No report yet: January's report was due on its last working day (2025-01-26 is a 调休
    # Sunday workday, but 1/28–2/4 are Spring Festival holidays → 2025-01-27).
    assert s.report_due == date(2025, 1, 27) and s.report_overdue
    report(t, 5, date(2025, 1, 20))
    report(t, 9, date(2025, 2, 5))
    s = state(t, date(2025, 2, 10))
    assert s.report_due == date(2025, 3, 31) and not s.report_overdue


def test_target_zero_and_unconfirmed_calendar_year(world):
    t0 = make_target(world.town, name="零目标", value=0)
    s = state(t0, date(2025, 6, 30))
    assert s.status == rules.GREEN and s.progress == 1
    t27 = make_target(world.town, name="2027目标", value=10, year=2027)
    s = state(t27, date(2027, 3, 1))
    assert not s.calendar_confirmed
    html = world.client("leader").get("/plan/board/?as_of=2027-03-01").content.decode()
    assert "日历未确认" in html and "2027目标" in html


def test_board_query_count_does_not_grow_with_records(world, fake_indicators):
    plan = make_plan(world.town)
    for i in range(4):
        t = make_target(world.town, plan, name=f"手工{i}")
        report(t, i, date(2025, 1, 31))
    make_target(world.town, plan, name="计算", indicator_key="test.count", value=5)
    client = world.client("leader")
    url = "/plan/board/?as_of=2025-06-30"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for t in plan_targets(plan):
        for m in range(2, 13):
            if not t.indicator_key:
                report(t, m, date(2025, m, 1))
    fake_indicators.extend([date(2025, 3, 1)] * 50)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 30


def plan_targets(plan):
    return list(selectors.plan_targets(plan))


def test_board_get_writes_nothing_and_run_scheduled_freezes_once(world):
    """Nothing writes on a GET (issue 8): the board shows the colours freezing will store;
    `zhenwu run-scheduled` stores them, exactly once."""
    from django.core.management import call_command

    from zhenwu.core.models import ObjectChange

    last_year = date.today().year - 1
    t = make_target(world.town, value=12, year=last_year, curve="stepped")
    report(t, 6, date(last_year, 6, 30))
    client = world.client("leader")  # signing in writes (session, last login); the GET must not
    changes = ObjectChange.objects.count()
    with CaptureQueriesContext(connection) as seen:
        assert client.get("/plan/board/").status_code == 200
    writes = [
        q["sql"]
        for q in seen.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
    ]
    assert writes == []
    assert not MonthStatus.objects.exists() and ObjectChange.objects.count() == changes
    # The page already shows what will be frozen (Jan–May red from February, June yellow).
    pending = selectors.frozen_or_pending(t.measure.theme.plan, [t])[t.pk]
    assert (pending[5], pending[6], pending[12]) == ("red", "yellow", "red")

    call_command("run-scheduled", verbosity=0)
    frozen = dict(MonthStatus.objects.filter(target=t).values_list("month", "status"))
    assert sorted(frozen) == list(range(1, 13))
    assert frozen == pending
    assert (frozen[5], frozen[6], frozen[12]) == ("red", "yellow", "red")
    stamp = list(MonthStatus.objects.order_by("pk").values_list("pk", "status"))
    call_command("run-scheduled", verbosity=0)  # idempotent: nothing more, nothing changed
    assert list(MonthStatus.objects.order_by("pk").values_list("pk", "status")) == stamp
    # Replays never write either.
    MonthStatus.objects.all().delete()
    world.client("leader").get(f"/plan/board/?as_of={last_year}-08-01")
    assert not MonthStatus.objects.exists()


def test_run_scheduled_freezes_only_ended_months_of_the_given_day(world):
    from zhenwu.core import scheduler

    t = make_target(world.town, value=12, year=2025, curve="stepped")
    assert "plan.freeze_months" in [j.key for j in scheduler.jobs()]
    assert scheduler.run_due(date(2025, 4, 10))["plan.freeze_months"] == 3
    assert scheduler.run_due(date(2025, 4, 30))["plan.freeze_months"] == 0
    assert scheduler.run_due(date(2025, 5, 1))["plan.freeze_months"] == 1
    assert sorted(MonthStatus.objects.filter(target=t).values_list("month", flat=True)) == [
        1,
        2,
        3,
        4,
    ]
