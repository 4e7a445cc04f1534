"""The bulk write path (`core.bulk`) against Django's own single-record path as the oracle:
a record built by `new_record` equals one built by ``Model(...)``; rows inserted by
`insert_rows` read back exactly as the same record saved by ``save()``; the change-log entry
written in bulk equals the one the signal receivers write for one save; `RowCleaner` gives
the messages ``full_clean`` gives, also for fields left at their defaults."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from zhenwu.core.actor import Source, acting_as
from zhenwu.core.bulk import RowCleaner, bulk_save, insert_rows, new_record
from zhenwu.core.models import ObjectChange
from zhenwu.core.testing import World
from zhenwu.investment.models import Investment, InvestmentEvent

pytestmark = pytest.mark.django_db

FIELDS = {
    "code": "B-0001",
    "name": "批量项目",
    "project_type": "industrial",
    "nature": "new",
    "planned_total_wan": Decimal("1234.50"),
    "stage": "signed",
    "signed_on": datetime.date(2025, 3, 1),
    "lead_on": datetime.date(2025, 1, 5),
}


def _values(obj, exclude=("id", "created_at", "updated_at", "code", "name")):
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in exclude
    }


def test_new_record_equals_the_model_constructor(world: World):
    built = new_record(Investment, town_id=world.town.pk, village=world.villages[0], **FIELDS)
    plain = Investment(town_id=world.town.pk, village=world.villages[0], **FIELDS)
    assert _values(built) == _values(plain)
    assert built._state.adding and built.pk is None
    assert built.village is world.villages[0]  # the relation is cached, no query


def test_new_record_never_shares_a_mutable_default():
    a, b = new_record(ObjectChange), new_record(ObjectChange)
    a.changed_fields.append("name")
    assert b.changed_fields == []
    assert new_record(ObjectChange).changed_fields == []


def test_inserted_rows_read_back_as_a_saved_record(world: World):
    user = world.users["admin"]
    with acting_as(user, Source.IMPORT):
        saved = Investment(town=world.town, village=world.villages[0], **FIELDS)
        saved.save()
        bulk = new_record(
            Investment,
            town_id=world.town.pk,
            village=world.villages[0],
            **{**FIELDS, "code": "B-0002", "name": "批量项目二"},
        )
        insert_rows(Investment, [bulk])
    assert bulk.pk is not None and not bulk._state.adding
    one = Investment.objects.get(pk=saved.pk)
    two = Investment.objects.get(pk=bulk.pk)
    assert _values(one) == _values(two)
    # datetimes: stored in UTC, read back aware and equal to what was written
    assert abs(two.updated_at - timezone.now()) < datetime.timedelta(minutes=1)
    assert two.created_at == bulk.created_at


def test_bulk_change_log_equals_the_signal_receivers(world: World):
    user = world.users["admin"]
    with acting_as(user, Source.IMPORT):
        saved = Investment(town=world.town, village=world.villages[0], **FIELDS)
        saved.save()
    obj = new_record(
        Investment,
        town_id=world.town.pk,
        village=world.villages[0],
        **{**FIELDS, "code": "B-0003", "name": "批量项目三"},
    )
    bulk_save(Investment, create=[obj], acting_user=user, source=Source.IMPORT)
    entries = ObjectChange.objects.filter(content_type__model="investment", action="create")
    by_signal = entries.get(object_id=saved.pk)
    by_bulk = entries.get(object_id=obj.pk)
    for name in ("user_id", "user_name", "source", "content_type_id", "town_id", "village_id"):
        assert getattr(by_bulk, name) == getattr(by_signal, name), name
    assert by_bulk.object_repr == str(obj)
    skip = {"id", "code", "name", "created_at", "updated_at"}
    assert {k: v for k, v in by_bulk.after.items() if k not in skip} == {
        k: v for k, v in by_signal.after.items() if k not in skip
    }
    assert set(by_bulk.after) == set(by_signal.after)
    assert by_bulk.after["planned_total_wan"] == "1234.5"  # plain notation, as the receivers
    assert by_bulk.before is None and by_bulk.changed_fields == []


def test_bulk_update_logs_only_what_changed(world: World):
    user = world.users["admin"]
    obj = new_record(Investment, town_id=world.town.pk, village=world.villages[0], **FIELDS)
    bulk_save(Investment, create=[obj], acting_user=user)
    obj.name = "改名后的项目"
    bulk_save(Investment, update=[(obj, ["name"])], acting_user=user)
    entry = ObjectChange.objects.get(
        content_type__model="investment", object_id=obj.pk, action="update"
    )
    assert entry.changed_fields == ["name"]
    assert entry.before == {"name": "批量项目"} and entry.after == {"name": "改名后的项目"}
    assert Investment.objects.get(pk=obj.pk).version == 2


def test_row_cleaner_reports_defaults_as_full_clean_does(world: World):
    cleaner = RowCleaner(Investment, exclude=["town"])
    blank = new_record(Investment, town_id=world.town.pk)  # name, code … left at their defaults
    errors = cleaner.clean(blank)
    plain = Investment(town_id=world.town.pk)
    with pytest.raises(Exception) as exc:
        plain.full_clean(exclude=["town"], validate_unique=False, validate_constraints=False)
    expected = {k for k in exc.value.message_dict if k != "__all__"}
    assert expected <= set(errors)
    assert "name" in errors
    # a second record with the same defaults gets the same messages (cached, not skipped)
    assert cleaner.clean(new_record(Investment, town_id=world.town.pk)).keys() == errors.keys()


def test_row_cleaner_checks_a_value_the_row_set(world: World):
    cleaner = RowCleaner(Investment, exclude=["town"])
    obj = new_record(Investment, town_id=world.town.pk, village=world.villages[0], **FIELDS)
    assert cleaner.clean(obj) == {}
    obj.project_type = "no-such-type"
    assert "project_type" in cleaner.clean(obj)


def test_events_built_in_bulk_save_like_single_ones(world: World):
    from zhenwu.investment import events

    user = world.users["admin"]
    inv = new_record(Investment, town_id=world.town.pk, village=world.villages[0], **FIELDS)
    bulk_save(Investment, create=[inv], acting_user=user)
    event = events.investment_imported(
        inv, user=user, on_date=datetime.date(2025, 3, 1), save=False
    )
    bulk_save(InvestmentEvent, create=[event], acting_user=user)
    stored = InvestmentEvent.objects.get(pk=event.pk)
    assert stored.investment_id == inv.pk and stored.actor_id == user.pk
    assert stored.note == event.note and stored.on_date == datetime.date(2025, 3, 1)


def test_a_nul_in_a_cell_is_refused_by_the_parser_and_the_cleaner(world: World):
    from zhenwu.core.importing import parsers as p

    with pytest.raises(p.CellError, match="空字符"):
        p.parse_text("项目\x00名称")
    obj = new_record(Investment, town_id=world.town.pk, village=world.villages[0], **FIELDS)
    obj.name = "项目\x00名称"
    assert "空字符" in RowCleaner(Investment, exclude=["town"]).clean(obj)["name"][0]


def test_the_towns_today_is_the_local_date():
    from zhenwu.core import asof

    assert asof.today() == timezone.localdate()
