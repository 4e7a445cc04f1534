"""Pool selection, forecasts, deadlines and the rule table (DB) — beyond the pure tests."""

import datetime
from decimal import Decimal

from zhenwu.enterprises import selectors
from zhenwu.enterprises.classification import DEFAULT_RULES
from zhenwu.enterprises.models import Enterprise, PoolSetting, ThresholdRule
from zhenwu.enterprises.tests.helpers import add_figures, make_enterprise

D = datetime.date


def statuses(world, as_of):
    return {
        s.enterprise.name: s
        for s in selectors.firm_statuses(
            Enterprise.objects.filter(town=world.town), world.town, as_of=as_of
        )
    }


def test_rules_seeded_at_town_creation_and_cached_with_invalidation(world):
    # Seeded when the town was created (issue 8: setup rows never come from a page view).
    assert ThresholdRule.objects.filter(town=world.town).count() == len(DEFAULT_RULES)
    rules = selectors.rules_for(world.town)
    assert len(rules) == len(DEFAULT_RULES)
    assert selectors.rules_for(world.town) is rules  # cached
    row = ThresholdRule.objects.get(town=world.town, category="retail")
    row.min_value_wan = Decimal("800")
    row.save()
    fresh = selectors.rules_for(world.town)
    assert fresh is not rules
    assert next(r for r in fresh if r.category == "retail").min_value_wan == 800


def test_rule_form_validates_scope_and_threshold(world):
    from django.urls import reverse

    client = world.client("admin")
    r = client.post(
        reverse("enterprises:thresholdrule_add"),
        {
            "category": "retail",
            "label": "限额以上零售业",
            "scope": "F52, Z99",
            "metric": "main_revenue",
            "min_value_wan": "500",
        },
    )
    assert r.status_code == 400 and "行业代码" in r.content.decode()
    r = client.post(
        reverse("enterprises:thresholdrule_add"),
        {
            "category": "construction",
            "label": "建筑业",
            "scope": "E",
            "metric": "qualification",
            "min_value_wan": "500",
        },
    )
    assert r.status_code == 400 and "不设收入门槛" in r.content.decode()
    # staff read the rules but may not change them
    assert world.client("staff").get(reverse("enterprises:thresholdrule_add")).status_code == 404


def test_pool_membership_gap_and_forecast(world):
    near = make_enterprise(world, name="近门槛")  # 2024: 1500 = 75%
    add_figures(near, 2024, [125] * 12)
    add_figures(near, 2025, [150, 150, 160, 170, 180, 190])
    fast = make_enterprise(world, name="今年跨线")  # 2024 low, 2025 annualised ≥ 2000
    add_figures(fast, 2024, [80] * 12)
    add_figures(fast, 2025, [200, 210, 220, 230, 240, 250])
    low = make_enterprise(world, name="远低于")  # 2024: 1200 = 60%
    add_figures(low, 2024, [100] * 12)
    add_figures(low, 2025, [100] * 6)
    shop = make_enterprise(world, name="零售店", industry_code="F5212")
    add_figures(shop, 2024, [30] * 12)  # 360 = 72% of 500
    make_enterprise(world, name="建筑总包", industry_code="E4790", qualification="general")
    make_enterprise(world, name="劳务公司", industry_code="E4790", qualification="labor")
    st = statuses(world, D(2025, 6, 30))
    assert st["近门槛"].in_pool and st["今年跨线"].in_pool and st["零售店"].in_pool
    assert not st["远低于"].in_pool and not st["劳务公司"].in_pool
    assert st["建筑总包"].in_pool and st["建筑总包"].threshold_wan is None
    n = st["近门槛"]
    assert n.ytd_wan == 1000 and n.gap_wan == 1000 and n.annualised_wan == 2000
    assert n.meets_annualised and not n.meets_last_year
    # trailing pace (170+180+190)/3 = 180 → 1000/180 → 6 more months → December
    assert n.forecast == (2025, 12)
    f = st["今年跨线"]
    assert f.forecast == (2025, 9)  # 1350 after June; pace 240 → +3 months
    assert st["零售店"].forecast is None and st["零售店"].gap_wan == 500
    # as of mid-month: only months that ended count
    mid = statuses(world, D(2025, 6, 15))["近门槛"]
    assert mid.last_month == 5 and mid.ytd_wan == 810
    # share is configurable
    PoolSetting.objects.create(town=world.town, pool_share=Decimal("0.55"))
    assert statuses(world, D(2025, 6, 30))["远低于"].in_pool


def test_forecast_rolls_into_next_year_or_gives_up():
    # 12 × 170 = 2040 ≥ 2000 → crossing within 2025
    assert selectors.forecast_crossing(
        [(m, Decimal(170)) for m in range(1, 13)], Decimal(2000), 2025
    ) == (2025, 12)
    # 12 × 160 = 1920: not this year; next year at 160/month needs 13 months → hopeless
    assert (
        selectors.forecast_crossing([(m, Decimal(160)) for m in range(1, 13)], Decimal(2000), 2025)
        is None
    )
    # last quarter accelerates to 250/month → next year in month 8
    series = [(m, Decimal(100)) for m in range(1, 10)] + [(m, Decimal(250)) for m in (10, 11, 12)]
    assert selectors.forecast_crossing(series, Decimal(2000), 2025) == (2026, 8)
    assert selectors.forecast_crossing([], Decimal(2000), 2025) is None


def test_main_revenue_preferred_then_revenue(world):
    ent = make_enterprise(world, name="主营")
    add_figures(ent, 2025, {1: 100})
    from zhenwu.enterprises.models import MonthlyFigure

    fig = MonthlyFigure.objects.get(enterprise=ent)
    fig.main_revenue = Decimal("60")
    fig.save()
    assert statuses(world, D(2025, 1, 31))["主营"].ytd_wan == 60  # industry: 主营业务收入
    svc = make_enterprise(world, name="服务", industry_code="L7212")
    add_figures(svc, 2025, {1: 100})
    fig = MonthlyFigure.objects.get(enterprise=svc)
    fig.main_revenue = Decimal("60")
    fig.save()
    assert statuses(world, D(2025, 1, 31))["服务"].ytd_wan == 100  # services: 营业收入


def test_next_entry_deadline_defaults():
    s = PoolSetting()
    assert selectors.next_entry_deadline("new", D(2025, 3, 5), s) == D(2025, 3, 20)
    assert selectors.next_entry_deadline("new", D(2025, 3, 20), s) == D(2025, 3, 20)
    assert selectors.next_entry_deadline("new", D(2025, 12, 21), s) == D(2026, 1, 20)
    assert selectors.next_entry_deadline("upgrade", D(2025, 6, 30), s) == D(2025, 11, 15)
    assert selectors.next_entry_deadline("upgrade", D(2025, 11, 16), s) == D(2025, 12, 26)
    assert selectors.next_entry_deadline("upgrade", D(2025, 12, 27), s) == D(2026, 11, 15)
    s.annual_batches = "10-20"
    assert selectors.next_entry_deadline("upgrade", D(2025, 6, 30), s) == D(2025, 10, 20)


def test_pool_setting_validation():
    from django.core.exceptions import ValidationError

    s = PoolSetting(annual_batches="13-40")
    try:
        s.clean()
    except ValidationError as exc:
        assert "月-日" in str(exc)
    else:
        raise AssertionError("bad batch date accepted")


def test_fast_forecast_agrees_with_the_pure_function():
    import random

    from zhenwu.enterprises.classification import forecast_crossing_month

    rnd = random.Random(7)
    for _ in range(2000):
        months = sorted(rnd.sample(range(1, 13), rnd.randint(1, 12)))
        series = [(m, Decimal(str(round(rnd.uniform(-20, 400), 1)))) for m in months]
        threshold = Decimal(rnd.choice([200, 500, 1000, 2000]))
        expected = forecast_crossing_month([(2025, m, a) for m, a in series], threshold, 2025)
        got = selectors.forecast_crossing(series, threshold, 2025)
        if expected is not None:
            assert got == (2025, expected), (series, threshold)
        else:
            assert got is None or got[0] == 2026, (series, threshold)


def test_one_pool_setting_per_town(world):
    from django.urls import reverse

    client = world.client("admin")
    data = {"pool_share": "0.8", "monthly_deadline_day": "20", "annual_batches": "10-20"}
    assert client.post(reverse("enterprises:poolsetting_add"), data).status_code == 302
    r = client.post(reverse("enterprises:poolsetting_add"), data)
    assert r.status_code == 400 and "已有培育库设置" in r.content.decode()
    assert selectors.pool_setting(world.town).pool_share == Decimal("0.8")
    assert world.client("staff").get(reverse("enterprises:poolsetting_add")).status_code == 404


def test_a_town_without_rules_reads_the_defaults_and_writes_nothing(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ThresholdRule.all_objects.filter(town=world.town).delete()
    with CaptureQueriesContext(connection) as ctx:
        rules = selectors.rules_for(world.town)
    assert rules == DEFAULT_RULES
    assert not any(q["sql"].startswith(("INSERT", "UPDATE")) for q in ctx.captured_queries)
    assert not ThresholdRule.all_objects.filter(town=world.town).exists()
