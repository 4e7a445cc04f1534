"""The 强特色 demo: the seed's bases at their areas with a season each, idempotent, operators
marked 示例, and the plan's four base targets bound to the area indicator (live, not typed)."""

from datetime import date
from decimal import Decimal

from zhenwu.agriculture import demo_bases as demo
from zhenwu.agriculture.models import Base, Season
from zhenwu.core.demo import build_platform
from zhenwu.plan.indicators import IndicatorContext, get_indicator


def _build(today):
    ctx = build_platform("demo-pass-123")
    ctx.today = today
    demo.build(ctx)
    return ctx


def test_demo_builds_the_seed_bases_once(db):
    ctx = _build(date(2025, 12, 31))
    assert ctx.current_year is None
    areas = {b.name: b.area_mu for b in Base.objects.all()}
    assert areas == {
        "羊肚菌林下种植基地": 600,
        "金蝉林下养殖基地": 400,
        "火龙果基地": 300,
        "蔬菜基地（以管家铺、永福为中心）": 2000,
        "古夹垸娃娃菜基地": 1000,
    }
    veg = Base.objects.get(name__startswith="蔬菜基地")
    assert veg.village.name == "管家铺村"
    assert [v.name for v in veg.other_villages.all()] == ["永福村"]
    assert Base.objects.get(name="古夹垸娃娃菜基地").village.name == "古夹垸村"
    assert all(
        b.planting_mode == "林下立体种养"
        for b in Base.objects.filter(crop__name__in=["羊肚菌", "金蝉"])
    )
    assert all("示例" in (b.operator_name or b.note) for b in Base.objects.all())
    assert {s.base.name for s in Season.objects.all()} == set(areas)
    demo.build(ctx)  # idempotent
    assert Base.objects.count() == 5 and Season.objects.count() == 5

    area = get_indicator("agriculture.base_area")
    ctx2025 = IndicatorContext(town=ctx.town, year=2025, as_of=date(2025, 12, 31))
    for crops, target in (
        (["羊肚菌", "金蝉"], 1000), (["火龙果"], 300), (["蔬菜"], 2000), (["娃娃菜"], 1000),
    ):  # fmt: skip
        on = IndicatorContext(ctx.town, 2025, date(2025, 12, 31), params={"crops": crops})
        assert area.evaluate(on) == target, crops
    assert get_indicator("agriculture.output_value").evaluate(ctx2025) == Decimal(3070)
    assert get_indicator("agriculture.base_jobs").evaluate(ctx2025) == 355


def test_a_later_year_gets_a_season_under_way_and_nothing_in_the_future(db):
    ctx = _build(date(2026, 7, 1))
    assert ctx.current_year == 2026
    current = Season.objects.filter(year__gte=2025, label__startswith="2026")
    # planted by 1 July: all but the autumn 娃娃菜
    assert {s.base.name for s in current} == {
        "羊肚菌林下种植基地", "金蝉林下养殖基地", "火龙果基地", "蔬菜基地（以管家铺、永福为中心）",
    }  # fmt: skip
    assert not Season.objects.filter(harvest_end__gt=date(2026, 7, 1)).exists()
    assert not Season.objects.filter(harvest_start__gt=date(2026, 7, 1)).exists()
    fruit = current.get(base__name="火龙果基地")
    assert fruit.harvest_end is None and 0 < fruit.output_value < 270


def test_the_plan_binds_the_four_base_targets():
    from zhenwu.plan.demo import PLAN

    specs = {
        spec[0]: (spec[3], spec[4])
        for _, _, _, measures in PLAN
        for _, _, _, _, targets in measures
        for spec in targets
    }
    assert specs["羊肚菌、金蝉林下基地"] == ("agriculture.base_area", {"crops": ["羊肚菌", "金蝉"]})
    assert specs["火龙果基地"] == ("agriculture.base_area", {"crops": ["火龙果"]})
    assert specs["蔬菜基地（以管家铺、永福为中心）"] == (
        "agriculture.base_area",
        {"crops": ["蔬菜"]},
    )
    assert specs["古夹垸娃娃菜基地"] == ("agriculture.base_area", {"crops": ["娃娃菜"]})
    assert get_indicator("agriculture.base_area") is not None
