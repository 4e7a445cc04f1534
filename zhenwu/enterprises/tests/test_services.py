"""Entry status order, timeline events, approval dates and the indicators' as-of replay."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from zhenwu.core.testing import changes_of
from zhenwu.enterprises import services
from zhenwu.enterprises.models import ChecklistItem, EntryEvent
from zhenwu.enterprises.tests.helpers import add_figures, make_enterprise
from zhenwu.plan.indicators import IndicatorContext, get_indicator

D = datetime.date


def tick_all(ent, user):
    for item in ChecklistItem.objects.filter(enterprise=ent):
        services.set_checklist_item(item, done=True, acting_user=user, on=D(2025, 1, 2))


def approve(ent, user, on):
    tick_all(ent, user)
    services.mark_papers_ready(ent, acting_user=user, on=on - datetime.timedelta(days=20))
    services.submit_entry(ent, acting_user=user, on=on - datetime.timedelta(days=10))
    services.approve_entry(ent, acting_user=user, on=on)
    ent.refresh_from_db()
    return ent


def test_forward_path_writes_timeline_and_change_log(world):
    user = world.users["staff"]
    ent = make_enterprise(world)
    ent = approve(ent, user, D(2025, 5, 10))
    assert ent.entry_status == "approved" and ent.approved_on == D(2025, 5, 10)
    services.start_reporting(ent, acting_user=user, on=D(2025, 6, 1))
    ent.refresh_from_db()
    assert ent.entry_status == "reporting" and ent.approved_on == D(2025, 5, 10)
    steps = list(EntryEvent.objects.filter(enterprise=ent).values_list("to_status", flat=True))
    assert steps == ["papers_ready", "submitted", "approved", "reporting"]
    status_changes = [c for c in changes_of(ent) if "entry_status" in (c.changed_fields or [])]
    assert len(status_changes) == 4
    assert status_changes[-1].after["entry_status"] == "reporting"


def test_papers_ready_needs_complete_checklist(world):
    ent = make_enterprise(world)
    with pytest.raises(ValidationError) as exc:
        services.mark_papers_ready(ent, acting_user=world.users["staff"], on=D(2025, 3, 1))
    assert "营业执照" in str(exc.value)
    assert not EntryEvent.objects.exists()


@pytest.mark.parametrize(
    "first,then",
    [("submitted", None), ("candidate", None)],
)
def test_skipping_or_repeating_is_refused(world, first, then):
    ent = make_enterprise(world)
    with pytest.raises(ValidationError):
        services.move_entry_status(ent, first, acting_user=world.users["staff"], on=D(2025, 3, 1))
    ent.refresh_from_db()
    assert ent.entry_status == "candidate" and ent.version == 1


def test_backwards_is_refused_and_nothing_stored(world):
    user = world.users["staff"]
    ent = approve(make_enterprise(world), user, D(2025, 5, 10))
    version, events = ent.version, EntryEvent.objects.count()
    for back in ("submitted", "papers_ready"):
        with pytest.raises(ValidationError) as exc:
            services.move_entry_status(ent, back, acting_user=user, on=D(2025, 6, 1))
        assert "不能倒退" in str(exc.value)
    ent.refresh_from_db()
    assert ent.version == version and EntryEvent.objects.count() == events


def test_dates_must_not_go_back_or_into_the_future(world):
    user = world.users["staff"]
    ent = make_enterprise(world)
    tick_all(ent, user)
    services.mark_papers_ready(ent, acting_user=user, on=D(2025, 4, 1))
    with pytest.raises(ValidationError) as exc:
        services.submit_entry(ent, acting_user=user, on=D(2025, 3, 1))
    assert "早于" in str(exc.value)
    with pytest.raises(ValidationError):
        services.submit_entry(ent, acting_user=user, on=D(2999, 1, 1))


def test_withdraw_needs_reason_and_allows_recultivation(world):
    user = world.users["staff"]
    ent = approve(make_enterprise(world), user, D(2025, 5, 10))
    with pytest.raises(ValidationError):
        services.withdraw_entry(ent, acting_user=user, note="  ", on=D(2025, 9, 1))
    services.withdraw_entry(ent, acting_user=user, note="营收连续下滑（示例）", on=D(2025, 9, 1))
    ent.refresh_from_db()
    assert ent.entry_status == "withdrawn"
    with pytest.raises(ValidationError):
        services.submit_entry(ent, acting_user=user, on=D(2025, 10, 1))
    services.recultivate(ent, acting_user=user, on=D(2025, 10, 1))
    ent.refresh_from_db()
    assert ent.entry_status == "candidate" and ent.approved_on is None
    with pytest.raises(ValidationError):
        services.withdraw_entry(ent, acting_user=user, note="x", on=D(2025, 10, 2))


def ctx(world, as_of, year=2025):
    return IndicatorContext(town=world.town, year=year, as_of=as_of)


def test_new_above_scale_indicator_counts_approvals_of_the_year_as_of(world):
    user = world.users["staff"]
    ind = get_indicator("enterprises.new_above_scale_count")
    a = approve(make_enterprise(world), user, D(2025, 3, 15))
    b = approve(make_enterprise(world), user, D(2025, 8, 20))
    approve(make_enterprise(world), user, D(2024, 12, 20))  # last year's approval
    approve(make_enterprise(world, world.other_village), world.users["other_admin"], D(2025, 3, 1))
    assert ind.evaluate(ctx(world, D(2025, 12, 31))) == 2
    assert ind.evaluate(ctx(world, D(2025, 6, 30))) == 1
    assert ind.evaluate(ctx(world, D(2025, 3, 14))) == 0
    assert ind.evaluate(ctx(world, D(2026, 5, 1))) == 2  # cutoff = end of plan year
    # withdrawn later still counted as approved in the year (the approval happened)
    services.withdraw_entry(b, acting_user=user, note="示例", on=D(2025, 10, 1))
    assert ind.evaluate(ctx(world, D(2025, 12, 31))) == 2
    ids = set(ind.record_queryset(ctx(world, D(2025, 6, 30))).values_list("pk", flat=True))
    assert ids == {a.pk}


def test_platform_joined_indicator(world):
    ind = get_indicator("enterprises.platform_joined_count")
    make_enterprise(world, is_waterproofing=True, platform_joined_on=D(2025, 4, 1))
    make_enterprise(world, is_waterproofing=True, platform_joined_on=D(2025, 9, 1))
    make_enterprise(world, is_waterproofing=True)
    make_enterprise(world)
    assert ind.evaluate(ctx(world, D(2025, 12, 31))) == 2
    assert ind.evaluate(ctx(world, D(2025, 6, 30))) == 1


def test_pool_indicator_replays_status_as_of(world):
    user = world.users["staff"]
    ind = get_indicator("enterprises.pool_count")
    near = make_enterprise(world)
    add_figures(near, 2024, [150] * 12)  # 1800 = 90% of 2000
    add_figures(near, 2025, [170] * 12)
    far = make_enterprise(world)
    add_figures(far, 2024, [50] * 12)
    add_figures(far, 2025, [50] * 12)
    assert ind.evaluate(ctx(world, D(2025, 6, 30))) == 1
    approve(near, user, D(2025, 9, 1))
    assert ind.evaluate(ctx(world, D(2025, 6, 30))) == 1  # still in the pool in June
    assert ind.evaluate(ctx(world, D(2025, 12, 31))) == 0  # approved by then
    assert list(ind.record_queryset(ctx(world, D(2025, 6, 30)))) == [near]


def test_a_long_note_is_refused_whole_not_cut(world):
    """A step's note longer than the page allows was cut at 500 characters when it came through
    the API; now every door refuses it by name and stores nothing."""
    user = world.users["staff"]
    ent = make_enterprise(world)
    tick_all(ent, user)
    with pytest.raises(ValidationError) as exc:
        services.mark_papers_ready(ent, acting_user=user, on=D(2025, 3, 1), note="说" * 501)
    assert "最多 500 字" in str(exc.value) and "501" in str(exc.value)
    ent.refresh_from_db()
    assert ent.entry_status == "candidate" and not EntryEvent.objects.filter(enterprise=ent)
    event = services.mark_papers_ready(ent, acting_user=user, on=D(2025, 3, 1), note="说" * 500)
    assert event.note == "说" * 500
    item = ChecklistItem.objects.filter(enterprise=ent).first()
    with pytest.raises(ValidationError) as exc:
        services.set_checklist_item(item, done=True, acting_user=user, note="记" * 201)
    assert "note" in exc.value.message_dict
    item.refresh_from_db()
    assert item.note != "记" * 200
