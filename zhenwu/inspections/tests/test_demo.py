"""The inspections demo: every week of the plan year and of the year under way, findings with
photos, rectifications, recurrences, published rankings, the next week's secret round; the
plan's 一周一暗访 / 一月一评比 targets count from it."""

from datetime import date, timedelta

from django.utils import timezone

from zhenwu.core.demo import build_platform
from zhenwu.core.models import Attachment
from zhenwu.inspections import demo, selectors
from zhenwu.inspections.models import (
    Finding,
    FindingStatus,
    RankingPublication,
    Round,
    RoundKind,
    Sheet,
)
from zhenwu.plan.indicators import IndicatorContext, get_indicator


def test_demo_holds_the_year_and_the_next_secret_round(db):
    ctx = build_platform("demo-pass-123")
    demo.build(ctx)
    counts = (Round.objects.count(), Finding.objects.count())
    demo.build(ctx)  # idempotent
    assert (Round.objects.count(), Finding.objects.count()) == counts

    weeks = {
        r.starts_at.date().isocalendar()[:2] for r in Round.objects.filter(starts_at__year=2025)
    }
    assert len(weeks) >= 52
    assert Finding.objects.filter(is_recurrence=True).exists()
    assert Finding.objects.filter(status=FindingStatus.ACCEPTED).count() > 100
    photos = Attachment.objects.filter(content_type__model="finding", is_photo=True)
    assert photos.filter(caption="整改前").count() == Finding.objects.count()
    assert photos.filter(caption="整改后").exists()
    assert RankingPublication.objects.filter(month__year=2025).count() == 12

    # 复查 at the end of each finished quarter of the plan year, each revisiting what was
    # rectified in its quarter; verdicts kept; a problem back at its spot is a 反弹 again
    reinspections = Round.objects.filter(kind=RoundKind.REINSPECTION, starts_at__year=2025)
    assert reinspections.count() == 4
    for rnd in reinspections:
        assert rnd.revisit_from.month in (1, 4, 7, 10) and rnd.revisit_to < rnd.starts_at.date()
    verdicts = [
        e["outcome"]
        for sheet in Sheet.objects.filter(round__in=reinspections)
        for e in sheet.revisits
    ]
    assert verdicts.count("fixed") > 10 and "still" in verdicts
    assert Finding.objects.filter(round__in=reinspections, is_recurrence=True).exists()

    future = Round.objects.filter(starts_at__gt=timezone.now())
    assert future.count() == 1 and future.get().sheets.exists()
    assert future.get().starts_at < timezone.now() + timedelta(days=8)

    june = selectors.monthly_ranking(ctx.town, date(2025, 6, 1))
    assert len(june) == 10 and all(r.score is not None for r in june[:5])

    ctx2025 = IndicatorContext(town=ctx.town, year=2025, as_of=date(2025, 12, 31))
    assert get_indicator("inspections.rounds_held").evaluate(ctx2025) >= 52
    assert get_indicator("inspections.rankings_published").evaluate(ctx2025) == 12
    mid = IndicatorContext(town=ctx.town, year=2025, as_of=date(2025, 6, 30))
    assert 20 <= get_indicator("inspections.rounds_held").evaluate(mid) <= 27
    rate = get_indicator("inspections.rectification_rate").evaluate(ctx2025)
    assert 80 <= rate <= 100
