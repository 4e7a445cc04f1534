"""The migrations that gave the three timelines one shape keep their data: columns renamed, not
dropped; TaskEvent.on_date filled from its time in the town's zone; EntryEvent.kind from its
statuses and recorded_at from created_at."""

import datetime
from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from zhenwu.core.timeline import local_date
from zhenwu.enterprises.models import EntryEvent
from zhenwu.enterprises.tests.helpers import make_enterprise
from zhenwu.investment.models import InvestmentEvent
from zhenwu.investment.tests.factories import make_investment
from zhenwu.plan.models import TaskEvent
from zhenwu.plan.tests.factories import assigned_task

BEFORE = [
    ("plan", "0001_initial"),
    ("enterprises", "0002_cadre_name_without_account"),
    ("investment", "0003_leader_name_without_account"),
]
AFTER = [
    ("plan", "0002_taskevent_timeline"),
    ("enterprises", "0003_entryevent_timeline"),
    ("investment", "0004_investmentevent_timeline"),
]
UTC = datetime.UTC


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_timeline_migrations_keep_and_fill_the_data(world):
    task = assigned_task(world, deadline=date(2099, 1, 1))
    ent = make_enterprise(world)
    inv = make_investment(world)
    admin = world.users["admin"]
    try:
        old = _migrate(BEFORE)
        OldTask = old.get_model("plan", "TaskEvent")
        OldEntry = old.get_model("enterprises", "EntryEvent")
        OldInv = old.get_model("investment", "InvestmentEvent")
        assert "time" in {f.name for f in OldTask._meta.fields}
        # 17:30 UTC is 01:30 the next day in Asia/Shanghai; 03:00 UTC the same day.
        late = OldTask.objects.create(
            town_id=world.town.pk,
            task_id=task.pk,
            kind="report",
            time=datetime.datetime(2025, 3, 5, 17, 30, tzinfo=UTC),
            actor_id=admin.pk,
            note="夜里反馈",
        )
        day = OldTask.objects.create(
            town_id=world.town.pk,
            task_id=task.pk,
            kind="sign",
            time=datetime.datetime(2025, 3, 5, 3, 0, tzinfo=UTC),
        )
        stamp = datetime.datetime(2025, 2, 1, 8, 0, tzinfo=UTC)
        entries = {}
        for name, (frm, to) in {
            "advance": ("candidate", "papers_ready"),
            "withdraw": ("approved", "withdrawn"),
            "withdraw_reporting": ("reporting", "withdrawn"),
            "restart": ("withdrawn", "candidate"),
        }.items():
            entries[name] = OldEntry.objects.create(
                town_id=world.town.pk,
                enterprise_id=ent.pk,
                from_status=frm,
                to_status=to,
                date=date(2025, 2, 1),
                note=f"说明{name}",
                user_id=admin.pk,
                created_at=stamp,
            )
        deleted = OldEntry.objects.create(
            town_id=world.town.pk,
            enterprise_id=ent.pk,
            from_status="papers_ready",
            to_status="submitted",
            date=date(2025, 2, 2),
            created_at=stamp,
            is_deleted=True,
        )
        moved = OldInv.objects.create(
            town_id=world.town.pk,
            investment_id=inv.pk,
            kind="stage_moved",
            on_date=date(2025, 4, 1),
            from_stage="signed",
            to_stage="started",
            message="由「签约」推进到「开工」",
            user_id=admin.pk,
            created_at=stamp,
        )
    finally:
        _migrate(AFTER)

    late, day = TaskEvent.objects.get(pk=late.pk), TaskEvent.objects.get(pk=day.pk)
    assert late.on_date == date(2025, 3, 6) and day.on_date == date(2025, 3, 5)
    assert late.recorded_at == datetime.datetime(2025, 3, 5, 17, 30, tzinfo=UTC)
    assert late.actor == admin and late.note == "夜里反馈" and day.actor is None
    # the task's own event (written before going back) got its date too
    assign = task.events.get(kind="assign")
    assert assign.on_date == local_date(assign.recorded_at)

    kinds = {n: EntryEvent.all_objects.get(pk=e.pk) for n, e in entries.items()}
    assert {n: e.kind for n, e in kinds.items()} == {
        "advance": "advance",
        "withdraw": "withdraw",
        "withdraw_reporting": "withdraw",
        "restart": "restart",
    }
    adv = kinds["advance"]
    assert adv.on_date == date(2025, 2, 1) and adv.actor == admin and adv.note == "说明advance"
    assert adv.recorded_at == stamp
    gone = EntryEvent.all_objects.get(pk=deleted.pk)
    assert gone.kind == "advance" and gone.is_deleted and gone.recorded_at == stamp

    moved = InvestmentEvent.objects.get(pk=moved.pk)
    assert moved.note == "由「签约」推进到「开工」" and moved.actor == admin
    assert moved.recorded_at == stamp and moved.on_date == date(2025, 4, 1)
