"""The demo pipeline: the interview's named items, a realistic 2025 (targets 35/4/20 missed
at year end, about half-way at mid-year), valid USCCs, idempotent, every page renders."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from zhenwu.core import demo as core_demo
from zhenwu.core.actor import Source, acting_as
from zhenwu.core.idnumbers import validate_uscc
from zhenwu.investment import demo
from zhenwu.investment.models import FundsReceipt, Investment, Stage
from zhenwu.plan.indicators import IndicatorContext, get_indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx():
    with acting_as(None, Source.SYSTEM):
        ctx = core_demo.build_platform("demo-pass-1")
        with acting_as(ctx.admin, Source.SYSTEM):
            demo.build(ctx)
    return ctx


def value(ctx, key, as_of, **params):
    return get_indicator(key).evaluate(
        IndicatorContext(town=ctx.town, year=2025, as_of=as_of, params=params)
    )


def test_named_items_from_the_interview(ctx):
    zhongsheng = Investment.objects.get(name="中升建材新型涂料生产项目")
    assert zhongsheng.stage == Stage.STARTED and "盘活闲置资产" in zhongsheng.site
    assert Investment.objects.get(name="秦望环保炉渣综合利用项目").stage == Stage.SIGNED
    assert Investment.objects.get(name="江苏众犇环保设备项目").stage == Stage.SIGNED


def test_year_end_and_mid_year_pictures(ctx):
    end, mid = date(2025, 12, 31), date(2025, 6, 30)
    big = {"industrial": True, "min_investment_wan": 10000}
    assert value(ctx, "investment.signed_count", end) == 30  # target ≥ 35
    assert value(ctx, "investment.started_count", end, **big) == 3  # target ≥ 4
    assert value(ctx, "investment.new_signed_started_count", end) == 17  # target ≥ 20
    assert value(ctx, "investment.signed_count", mid) == 15
    assert value(ctx, "investment.started_count", mid, **big) == 2
    assert value(ctx, "investment.new_signed_started_count", mid) == 7
    assert (
        0
        < value(ctx, "investment.funds_received_wan", mid)
        < value(ctx, "investment.funds_received_wan", end)
    )
    assert value(ctx, "investment.by_stage", end, stage="negotiating") >= 3
    assert value(ctx, "investment.by_stage", end, stage="lead") >= 3
    assert value(ctx, "investment.by_stage", end, stage="terminated") == 1
    assert Investment.objects.filter(nature="capital_increase", original__isnull=False).count() == 1


def test_demo_values_marked_and_uscc_valid(ctx):
    for inv in Investment.objects.all():
        assert "演示数据" in inv.note
        if inv.investor_uscc:
            assert validate_uscc(inv.investor_uscc).valid
            assert inv.investor_uscc[2:8] == "421081"
    assert FundsReceipt.objects.filter(note="演示数据").count() > 50


def test_idempotent(ctx):
    counts = (Investment.objects.count(), FundsReceipt.objects.count())
    events = sum(i.events.count() for i in Investment.objects.all())
    with acting_as(ctx.admin, Source.SYSTEM):
        demo.build(ctx)
    assert (Investment.objects.count(), FundsReceipt.objects.count()) == counts
    assert sum(i.events.count() for i in Investment.objects.all()) == events


def test_every_page_renders_for_staff_and_a_village_cadre(ctx):
    for who in ("zhaoshang", "village1", "leader"):
        client = Client()
        client.force_login(ctx.users[who])
        for name in ("investment:investment_list", "investment:kanban", "investment:reminders"):
            assert client.get(reverse(name)).status_code == 200, (who, name)
        for inv in Investment.objects.all()[:50]:
            status = client.get(reverse("investment:investment_detail", args=[inv.pk])).status_code
            expected = 200 if who != "village1" or inv.village == ctx.villages[0] else 404
            assert status == expected, (who, inv)
