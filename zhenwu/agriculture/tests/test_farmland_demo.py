"""The 守粮安 demo: plots in every village, chiefs at three levels, a year of patrols with
findings of the listed types rectified through the shared flow (accepted, overdue, waiting, one
recurrence); idempotent; Chinese names; the indicators computed from it."""

from datetime import date

from zhenwu.agriculture import demo_farmland as demo
from zhenwu.agriculture.models.farmland import ChiefLevel, FieldChief, Patrol, PatrolFinding, Plot
from zhenwu.core.demo import build_platform
from zhenwu.core.models import Attachment
from zhenwu.core.rectification import RectificationStatus as S
from zhenwu.plan.indicators import IndicatorContext, get_indicator


def test_demo_builds_once_with_a_year_of_patrols(db):
    ctx = build_platform("demo-pass-123")
    demo.build(ctx)
    counts = [m.objects.count() for m in (Plot, FieldChief, Patrol, PatrolFinding)]
    demo.build(ctx)  # idempotent
    assert [m.objects.count() for m in (Plot, FieldChief, Patrol, PatrolFinding)] == counts
    assert set(Plot.objects.values_list("village", flat=True)) == {v.pk for v in ctx.villages}
    levels = set(FieldChief.objects.values_list("level", flat=True))
    assert levels == {ChiefLevel.TOWN, ChiefLevel.VILLAGE, ChiefLevel.GRID}
    months = {
        d.month
        for d in Patrol.objects.filter(patrolled_on__year=ctx.year).dates("patrolled_on", "month")
    }
    assert months == set(range(1, 13))
    statuses = set(PatrolFinding.objects.values_list("status", flat=True))
    assert {S.ACCEPTED, S.SUBMITTED, S.OPEN, S.RETURNED} <= statuses
    assert PatrolFinding.objects.filter(is_recurrence=True).count() == 1
    assert PatrolFinding.objects.filter(escalated=True).exists()
    for name in Attachment.objects.values_list("name", flat=True):
        assert not any("a" <= ch.lower() <= "z" for ch in name.rsplit(".", 1)[0]), name
    year = IndicatorContext(town=ctx.town, year=ctx.year, as_of=date(ctx.year, 12, 31))
    done = get_indicator("agriculture.findings_rectified").evaluate(year)
    assert 5 <= done < PatrolFinding.objects.filter(found_on__year=ctx.year).count()
    rate = get_indicator("agriculture.findings_rectified_rate").evaluate(year)
    assert 0 < rate < 100
    cov = get_indicator("agriculture.patrol_coverage").evaluate(year)
    assert 50 <= cov <= 100
