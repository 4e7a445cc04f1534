"""The demo part (order 40): firms, approvals short of the target, a pool with forecasts."""

import datetime

from zhenwu.core import demo
from zhenwu.core.actor import Source, acting_as
from zhenwu.core.idnumbers import validate_uscc
from zhenwu.enterprises import selectors
from zhenwu.enterprises.demo import build
from zhenwu.enterprises.models import Enterprise, MonthlyFigure
from zhenwu.plan.indicators import IndicatorContext, get_indicator


def test_demo_builds_a_realistic_2025(db):
    with acting_as(None, Source.SYSTEM):
        ctx = demo.build_platform("Demo-pass-1")
        build(ctx)
        build(ctx)  # idempotent
    town = ctx.town
    firms = Enterprise.objects.filter(town=town)
    assert 35 <= firms.count() <= 45
    assert all(validate_uscc(e.uscc).valid for e in firms)
    assert firms.filter(is_waterproofing=True).count() >= 8
    assert firms.filter(platform_joined_on__year=2025).count() >= 5
    assert firms.filter(industry_code__startswith="E").exclude(qualification="none").count() >= 3
    assert len({e.village_id for e in firms}) == 10
    assert MonthlyFigure.objects.filter(enterprise__town=town, month__year=2025).count() >= 400
    end = IndicatorContext(town=town, year=2025, as_of=datetime.date(2025, 12, 31))
    new = get_indicator("enterprises.new_above_scale_count").evaluate(end)
    assert new == 8  # target 10: a realistic shortfall
    june = IndicatorContext(town=town, year=2025, as_of=datetime.date(2025, 6, 30))
    assert 0 < get_indicator("enterprises.new_above_scale_count").evaluate(june) < new
    assert get_indicator("enterprises.platform_joined_count").evaluate(end) >= 5
    for as_of in (datetime.date(2025, 6, 30), datetime.date(2025, 12, 31)):
        pool = selectors.pool(firms, town, as_of=as_of)
        assert 7 <= len(pool) <= 14, [p.enterprise.name for p in pool]
        revenue_pool = [p for p in pool if p.threshold_wan]
        assert all(p.gap_wan is not None for p in revenue_pool)
        assert sum(1 for p in revenue_pool if p.forecast) >= 4
        assert any(0 < p.checklist_done < p.checklist_total for p in pool)


def test_demo_export_reimports_without_uscc_warnings(db):
    """Issue 10.11: the demo's own 统一社会信用代码 pass every check (GB 32100 and the GB 11714
    organisation code), so re-importing the demo's export warns nothing about them."""
    import io

    from zhenwu.core.idnumbers import demo_uscc
    from zhenwu.core.ledgers import export_bytes, get_ledger

    for n in range(0, 2000):
        result = validate_uscc(demo_uscc(n))
        assert result.valid and result.warnings == [], (n, result)
    with acting_as(None, Source.SYSTEM):
        ctx = demo.build_platform("Demo-pass-1")
        build(ctx)
    ledger = get_ledger("enterprises")()
    content, filename, _ = export_bytes(ledger, Enterprise.objects.all(), ctx.admin, "csv")
    report = ledger.run(io.BytesIO(content), filename, user=ctx.admin, dry_run=True)
    assert report.ok, report.errors
    codes = ("统一社会信用代码", "组织机构代码")
    assert not [w for w in report.warnings if any(c in f"{w.column}{w.message}" for c in codes)]
    assert report.created == 0
