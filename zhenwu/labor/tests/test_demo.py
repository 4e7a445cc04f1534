"""The labour demo: idempotent, every record marked 示例, valid demo IDs of Shishou, a
realistic 2025 training figure, and the plan's 擦品牌 targets bound to its indicators."""

from datetime import date

from zhenwu.core.demo import build_platform
from zhenwu.core.idnumbers import validate_resident_id
from zhenwu.labor import demo
from zhenwu.labor.models import (
    Certificate,
    Enrollment,
    Placement,
    TrainingBase,
    TrainingSession,
    Worker,
)
from zhenwu.plan.indicators import IndicatorContext, get_indicator


def test_demo_builds_once_with_marked_valid_records(db):
    ctx = build_platform("demo-pass-123")
    demo.build(ctx)
    counts = [m.objects.count() for m in (Worker, Enrollment, Certificate, Placement)]
    assert counts[0] == 300 and all(n > 150 for n in counts[1:]), counts
    demo.build(ctx)  # idempotent
    assert [m.objects.count() for m in (Worker, Enrollment, Certificate, Placement)] == counts

    for w in Worker.objects.all():
        assert validate_resident_id(w.resident_id).valid and w.resident_id.startswith("421081")
        assert w.sex and w.birth_date and "示例" in w.note
    assert all("示例" in s.name for s in TrainingSession.objects.all())
    assert all("示例" in p.note for p in Placement.objects.all())
    assert all("示例" in c.issuer for c in Certificate.objects.all())
    assert not Placement.objects.filter(end_date__lt=models_start_date()).exists()

    ctx2025 = IndicatorContext(town=ctx.town, year=2025, as_of=date(2025, 12, 31))
    trained = get_indicator("labor.training_person_times").evaluate(ctx2025)
    assert 450 <= trained <= 700, trained  # the 600 target: a realistic figure
    june = IndicatorContext(town=ctx.town, year=2025, as_of=date(2025, 6, 30))
    assert 0 < get_indicator("labor.training_person_times").evaluate(june) < trained
    base = TrainingBase.objects.get()
    assert base.built_on == date(2025, 9, 20)
    assert get_indicator("labor.bases_built").evaluate(ctx2025) == 1
    assert get_indicator("labor.bases_built").evaluate(june) == 0


def models_start_date():
    from django.db.models import F

    return F("start_date")


def test_plan_demo_binds_the_brand_targets():
    from zhenwu.plan.demo import PLAN

    specs = {
        spec[0]: spec[3]
        for _, _, _, measures in PLAN
        for _, _, _, _, targets in measures
        for spec in targets
    }
    assert specs["防水工技能培训"] == "labor.training_person_times"
    assert specs["防水培训就业基地建成"] == "labor.bases_built"
    assert get_indicator(specs["防水工技能培训"]) is not None
    assert get_indicator(specs["防水培训就业基地建成"]) is not None


def test_demo_gives_the_office_a_queue_and_the_villages_renewals(db):
    """A session opens within the week, enrolling; 特种作业操作证 run out around today —
    some lapsed, some within the renewal window — so 人社's 工作台 and each 我的村 have work."""
    from datetime import timedelta

    from django.utils import timezone

    from zhenwu.core.homes import work_queues
    from zhenwu.core.models import User
    from zhenwu.labor.homes import RENEW_DAYS
    from zhenwu.labor.models import Attendance, CertificateKind

    ctx = build_platform("demo-pass-123")
    demo.build(ctx)
    today = timezone.localdate()
    upcoming = TrainingSession.objects.get(start_date__gt=today)
    assert upcoming.start_date <= today + timedelta(days=7)
    assert set(upcoming.enrollments.values_list("attendance", flat=True)) == {Attendance.ENROLLED}
    operation = Certificate.objects.filter(kind=CertificateKind.OPERATION)
    assert operation.filter(expires_on__lt=today).exists()
    assert operation.filter(expires_on__gte=today, expires_on__lte=today + timedelta(RENEW_DAYS))
    assert not operation.filter(issued_on__year__gte=2025).exists()  # no plan year moves
    renshe = User.objects.get(username="renshe")
    queue = next(q for q in work_queues(renshe, today) if q.key == "labor-queue")
    assert upcoming.name in [i.title for i in queue.items]
