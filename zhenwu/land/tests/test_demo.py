"""The 双征 demo: the four completed campaigns (2108 亩, 202 户), one in progress with
households at every stage, disputes and points on the map over outlines marked 示例;
idempotent; the indicators of the 发展为要 targets computed from it."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum

from zhenwu.core.demo import build_platform
from zhenwu.core.idnumbers import validate_resident_id
from zhenwu.land import demo, rules, selectors
from zhenwu.land.models import (
    Campaign,
    Dispute,
    Hearing,
    Household,
    MapLayer,
    Parcel,
    SocialSecurityEntry,
)
from zhenwu.plan.indicators import IndicatorContext, get_indicator


def test_demo(db):
    from zhenwu.investment import demo as investment_demo
    from zhenwu.projects import demo as projects_demo

    ctx = build_platform("demo-pass-123")
    investment_demo.build(ctx)
    projects_demo.build(ctx)
    demo.build(ctx)
    counts = [m.objects.count() for m in (Campaign, Parcel, Household, Dispute)]
    demo.build(ctx)  # idempotent
    assert [m.objects.count() for m in (Campaign, Parcel, Household, Dispute)] == counts

    done = Campaign.objects.filter(handed_over_on__isnull=False)
    assert sorted(c.name for c in done) == sorted(n for n, *_ in demo.COMPLETED)
    assert Parcel.objects.filter(campaign__in=done).aggregate(s=Sum("area_mu"))["s"] == 2108
    assert Household.objects.filter(campaign__in=done).count() == 202
    assert not Household.objects.filter(campaign__in=done).exclude(stage="settle").exists()
    assert done.get(name="光大管道项目征收").project.name == "光大管道"

    current = Campaign.objects.get(name=demo.CURRENT)
    assert current.investment is not None  # and the investment lists it back
    assert current in current.investment.land_campaigns.all()
    stages = set(Household.objects.filter(campaign=current).values_list("stage", flat=True))
    assert stages == {"none", *rules.STAGE_KEYS}
    assert Household.objects.filter(campaign=current, open_dispute=True).count() >= 2
    assert Parcel.objects.filter(campaign=current, lon__isnull=False).count() == 45
    layer = MapLayer.objects.get()
    assert layer.is_sample and "示例" in layer.name
    for h in Household.objects.all()[:50]:
        assert validate_resident_id(h.head_id).valid
    # 听证 and 社保名单: two hearings held in 正锋's 方案公告 period; each head listed once
    zhengfeng = done.get(name=demo.COMPLETED[0][0])
    hearings = Hearing.objects.filter(campaign=zhengfeng)
    assert hearings.count() == 2 and not hearings.filter(held_on__isnull=True).exists()
    assert hearings.filter(household__isnull=True).count() == 1  # the collective's request
    for campaign, statuses in ((zhengfeng, {"insured"}), (current, {"pending", "published"})):
        entries = SocialSecurityEntry.objects.filter(campaign=campaign)
        assert entries.count() == Household.objects.filter(campaign=campaign).count()
        assert set(entries.values_list("status", flat=True)) == statuses
        assert not entries.filter(age_group="").exists()
    s = selectors.campaign_schedule(current, as_of=ctx.today)
    assert s.ok and s.rows[0].step.actual_start == current.start_date

    year = ctx.today.year
    ind = IndicatorContext(town=ctx.town, year=year, as_of=ctx.today)
    vacated = get_indicator("land.households_relocated").evaluate(ind)
    assert (
        vacated
        == Household.objects.filter(
            campaign=current, vacated_on__year=year, vacated_on__lte=ctx.today
        ).count()
    )
    mu = get_indicator("land.mu_acquired").evaluate(
        IndicatorContext(town=ctx.town, year=year, as_of=ctx.today + timedelta(days=1))
    )
    assert mu >= Decimal(0)
    assert (
        get_indicator("land.households_relocated").evaluate(
            IndicatorContext(town=ctx.town, year=2024, as_of=date(2024, 12, 31))
        )
        == Household.objects.filter(vacated_on__year=2024).count()
    )
