"""The one timeline shape (core.timeline): writing an event (saved and unsaved), the headline
of each subclass, the one ordering, the shared page partial and the one API output."""

import datetime
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from zhenwu.core.bulk import bulk_save
from zhenwu.core.models import Department
from zhenwu.core.timeline import NEWEST_FIRST, ORDERING, TimelineEvent, local_date, move_headline
from zhenwu.enterprises import services as ent_services
from zhenwu.enterprises.models import (
    ChecklistItem,
    EntryEvent,
    EntryEventKind,
    EntryStatus,
    entry_event_kind,
)
from zhenwu.enterprises.tests.helpers import make_enterprise
from zhenwu.investment.models import EventKind, InvestmentEvent, Stage
from zhenwu.investment.tests.factories import make_investment
from zhenwu.plan import services as plan_services
from zhenwu.plan.models import TaskEvent, TaskEventKind
from zhenwu.plan.tests.factories import assigned_task

SHANGHAI = ZoneInfo("Asia/Shanghai")
EVENT_KEYS = {
    "id",
    "kind",
    "kind_label",
    "headline",
    "on_date",
    "recorded_at",
    "actor_id",
    "actor",
    "note",
    "details",
}


@pytest.fixture
def task(world):
    return assigned_task(world)


def approve(ent, user, on):
    for item in ChecklistItem.objects.filter(enterprise=ent):
        ent_services.set_checklist_item(item, done=True, acting_user=user, on=on - timedelta(30))
    ent_services.mark_papers_ready(ent, acting_user=user, on=on - timedelta(days=20))
    ent_services.submit_entry(ent, acting_user=user, on=on - timedelta(days=10))
    ent_services.approve_entry(ent, acting_user=user, on=on)


# --- the base ------------------------------------------------------------------------------


def test_every_timeline_inherits_the_base_and_its_order():
    for model in (TaskEvent, EntryEvent, InvestmentEvent):
        assert issubclass(model, TimelineEvent)
        assert model._meta.ordering == list(ORDERING)
        names = {f.name for f in model._meta.concrete_fields}
        assert {"town", "kind", "on_date", "recorded_at", "actor", "note"} <= names
        assert model.subject_field in names
        assert set(model.own_fields) <= names
        assert model._meta.get_field("actor").remote_field.on_delete.__name__ == "SET_NULL"
    assert tuple(f"-{f}" for f in ORDERING) == NEWEST_FIRST


def test_local_date_is_the_towns_calendar_day():
    late_utc = datetime.datetime(2025, 3, 5, 17, 30, tzinfo=datetime.UTC)  # 01:30 on the 6th
    assert local_date(late_utc) == date(2025, 3, 6)
    early_utc = datetime.datetime(2025, 3, 5, 15, 59, tzinfo=datetime.UTC)  # 23:59 on the 5th
    assert local_date(early_utc) == date(2025, 3, 5)
    assert local_date(datetime.datetime(2025, 3, 5, 23, 0)) == date(2025, 3, 5)  # naive: as is


def test_record_saves_with_defaults(world, task):
    before = timezone.now()
    event = TaskEvent.record(task, TaskEventKind.REPORT, actor=world.users["staff"], note="进展")
    assert event.pk is not None
    stored = TaskEvent.objects.get(pk=event.pk)
    assert stored.town_id == task.town_id and stored.task == task
    assert stored.on_date == timezone.now().astimezone(SHANGHAI).date()
    assert before <= stored.recorded_at <= timezone.now()
    assert stored.actor == world.users["staff"] and stored.note == "进展"
    assert stored.subject == task


def test_record_without_an_account_names_no_actor(world, task):
    from django.contrib.auth.models import AnonymousUser

    event = TaskEvent.record(task, TaskEventKind.REPORT, actor=AnonymousUser())
    assert event.actor_id is None and event.actor_name == ""
    assert TaskEvent.record(task, TaskEventKind.REPORT).actor_id is None


def test_record_unsaved_then_written_in_bulk(world):
    inv = make_investment(world)
    count = InvestmentEvent.objects.count()
    event = InvestmentEvent.record(
        inv,
        EventKind.IMPORTED,
        actor=world.users["admin"],
        on_date=date(2025, 4, 1),
        note="台账导入",
        save=False,
        to_stage=Stage.SIGNED,
    )
    assert event.pk is None and InvestmentEvent.objects.count() == count
    assert event.town_id == inv.town_id and event.recorded_at is not None
    bulk_save(InvestmentEvent, create=[event], acting_user=world.users["admin"])
    stored = InvestmentEvent.objects.get(investment=inv, kind=EventKind.IMPORTED)
    assert (stored.on_date, stored.note, stored.to_stage) == (
        date(2025, 4, 1),
        "台账导入",
        "signed",
    )
    assert stored.actor == world.users["admin"]


def test_unsaved_records_do_not_share_their_recorded_at_default(world):
    inv = make_investment(world)
    a = InvestmentEvent.record(inv, EventKind.IMPORTED, on_date=date(2025, 1, 1), save=False)
    b = InvestmentEvent.record(inv, EventKind.IMPORTED, on_date=date(2025, 1, 1), save=False)
    assert a.recorded_at <= b.recorded_at and a is not b


# --- headlines -----------------------------------------------------------------------------


def test_the_assignment_is_dated_by_the_tasks_assignment_date(world):
    dept = Department.objects.get(town=world.town, name="综合专班")
    task = plan_services.task_assign(
        town=world.town,
        title="补办",
        acting_user=world.users["leader"],
        assignee_department=dept,
        assigned_on=date(2025, 3, 3),
        deadline=date(2025, 4, 30),
    )
    assign = task.events.get()
    assert assign.on_date == date(2025, 3, 3)
    assert timezone.now() - assign.recorded_at < timedelta(minutes=10)  # written now


def test_headline_of_a_task_step_is_its_kind(world, task):
    event = task.events.get()
    assert event.kind == TaskEventKind.ASSIGN and event.headline == "交办"
    assert event.extra == f"时限 {task.deadline.isoformat()}"
    sign = TaskEvent.record(task, TaskEventKind.SIGN, actor=world.users["staff"])
    assert sign.headline == "签收" and sign.extra == ""


def test_headline_of_an_entry_step_is_the_move(world):
    ent = make_enterprise(world)
    approve(ent, world.users["admin"], date(2025, 5, 10))
    headlines = [e.headline for e in EntryEvent.objects.filter(enterprise=ent)]
    assert headlines == ["培育中 → 材料齐备", "材料齐备 → 已申报", "已申报 → 已入库"]
    assert move_headline("", "已入库") == "已入库"


def test_headline_of_an_investment_entry_is_its_kind(world):
    inv = make_investment(world)
    created = inv.events.get()
    assert created.headline == "登记项目" and "当前阶段「签约」" in created.note


def test_entry_event_kind_from_statuses():
    S = EntryStatus
    assert entry_event_kind(S.CANDIDATE, S.PAPERS_READY) == EntryEventKind.ADVANCE
    assert entry_event_kind(S.APPROVED, S.REPORTING) == EntryEventKind.ADVANCE
    assert entry_event_kind(S.APPROVED, S.WITHDRAWN) == EntryEventKind.WITHDRAW
    assert entry_event_kind(S.REPORTING, S.WITHDRAWN) == EntryEventKind.WITHDRAW
    assert entry_event_kind(S.WITHDRAWN, S.CANDIDATE) == EntryEventKind.RESTART


def test_the_entry_services_record_the_kind(world):
    user = world.users["admin"]
    ent = make_enterprise(world)
    approve(ent, user, date(2025, 5, 10))
    ent_services.move_entry_status(
        ent, EntryStatus.WITHDRAWN, acting_user=user, on=date(2025, 6, 1), note="停产"
    )
    ent_services.move_entry_status(
        ent, EntryStatus.CANDIDATE, acting_user=user, on=date(2025, 7, 1)
    )
    kinds = list(EntryEvent.objects.filter(enterprise=ent).values_list("kind", flat=True))
    assert kinds == ["advance", "advance", "advance", "withdraw", "restart"]


# --- ordering ------------------------------------------------------------------------------


def test_one_order_business_date_then_written_then_id(world):
    inv = make_investment(world)
    inv.events.all().delete()
    t0 = timezone.now()
    late = InvestmentEvent.record(inv, EventKind.FOLLOWED_UP, on_date=date(2025, 6, 1))
    early = InvestmentEvent.record(inv, EventKind.FOLLOWED_UP, on_date=date(2025, 2, 1))
    # same business date: the one written first comes first, whatever its id
    second = InvestmentEvent.record(
        inv, EventKind.FOLLOWED_UP, on_date=date(2025, 3, 1), recorded_at=t0 + timedelta(1)
    )
    first = InvestmentEvent.record(
        inv, EventKind.FOLLOWED_UP, on_date=date(2025, 3, 1), recorded_at=t0
    )
    # same date and same moment: by id
    tie_a = InvestmentEvent.record(inv, EventKind.FOLLOWED_UP, on_date=date(2025, 4, 1))
    tie_b = InvestmentEvent.record(
        inv, EventKind.FOLLOWED_UP, on_date=date(2025, 4, 1), recorded_at=tie_a.recorded_at
    )
    expected = [early.pk, first.pk, second.pk, tie_a.pk, tie_b.pk, late.pk]
    assert list(inv.events.values_list("pk", flat=True)) == expected
    newest = inv.events.order_by(*NEWEST_FIRST).values_list("pk", flat=True)
    assert list(newest) == expected[::-1]


# --- pages and API -------------------------------------------------------------------------


def test_the_three_pages_render_the_shared_partial(world, task):
    admin = world.client("admin")
    body = admin.get(task.get_absolute_url()).content.decode()
    assert 'data-testid="task-timeline"' in body and "zw-timeline" in body and "交办" in body
    ent = make_enterprise(world)
    approve(ent, world.users["admin"], date(2025, 5, 10))
    body = admin.get(ent.get_absolute_url()).content.decode()
    assert 'data-testid="entry-timeline"' in body and "已申报 → 已入库" in body
    inv = make_investment(world)
    body = admin.get(inv.get_absolute_url()).content.decode()
    assert 'data-testid="investment-timeline"' in body and "登记项目" in body
    fresh = make_enterprise(world)
    assert "尚无入库进程记录" in admin.get(fresh.get_absolute_url()).content.decode()


def test_one_api_shape_for_all_three(world, task):
    api = world.api("admin")
    task_events = api.get(f"tasks/{task.pk}").json()["events"]
    assert set(task_events[0]) == EVENT_KEYS
    assert task_events[0]["headline"] == "交办"
    assert task_events[0]["details"] == {"new_deadline": task.deadline.isoformat()}
    assert task_events[0]["actor"] == world.users["leader"].display_name

    inv = make_investment(world)
    items = api.get(f"investments/{inv.pk}/events").json()["items"]
    assert set(items[0]) == EVENT_KEYS
    assert items[0]["kind"] == "created" and items[0]["details"]["to_stage"] == "signed"

    ent = make_enterprise(world, world.villages[0])
    approve(ent, world.users["admin"], date(2025, 5, 10))
    page = api.get(f"enterprises/{ent.pk}/events").json()
    assert page["count"] == 3 and set(page["items"][0]) == EVENT_KEYS
    assert [e["headline"] for e in page["items"]][-1] == "已申报 → 已入库"
    assert page["items"][-1]["details"] == {"from_status": "submitted", "to_status": "approved"}
    assert page["items"][-1]["on_date"] == "2025-05-10"


def test_enterprise_events_follow_the_gate(world):
    ent = make_enterprise(world, world.villages[1])
    approve(ent, world.users["admin"], date(2025, 5, 10))
    assert world.api("village").get(f"enterprises/{ent.pk}/events").status_code == 404
    assert world.api("other_admin").get(f"enterprises/{ent.pk}/events").status_code == 404
    assert world.api("leader").get(f"enterprises/{ent.pk}/events").json()["count"] == 3
    own = make_enterprise(world, world.villages[0])
    assert world.api("village").get(f"enterprises/{own.pk}/events").json() == {
        "items": [],
        "count": 0,
    }
