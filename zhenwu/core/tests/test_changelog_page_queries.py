"""The unfiltered change-log page (`/changelog/`) costs the same number of queries whether it
shows 10 or 50 entries, of one model or of many: visibility is one WHERE clause (one subquery
per change-logged model, `changelog_read.visible_entries`), and the names of the related records
the entries mention — of whatever models — are read in a fixed number of queries
(`changelog_read._related_names`), never one per related model."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from zhenwu.core import changelog
from zhenwu.core.actor import Source, acting_as
from zhenwu.core.tests.test_permission_matrix import _keys, factory_for

BUDGET = 12


def _records(world):
    """A record of every registered resource, in the cadre's village where it has one."""
    out = []
    with acting_as(world.users["admin"], Source.UI):
        for key in _keys():
            try:
                with transaction.atomic():
                    out.append(factory_for(key).make(world, world.villages[0]))
            except Exception:
                continue
    return out


def _fk_names(obj) -> list[str]:
    return [
        f.attname
        for f in obj._meta.concrete_fields
        if f.is_relation
        and f.many_to_one
        and f.name != "town"
        and getattr(obj, f.attname) is not None
    ]


def _log_updates(records, n, world):
    """`n` update entries naming the related records of the given records (of different
    models; taken round again if there are fewer than `n`)."""
    with acting_as(world.users["admin"], Source.UI):
        for i in range(n):
            obj = records[i % len(records)]
            values = changelog.snapshot_values(obj)
            changelog.record(obj, "update", values, values, _fk_names(obj))


def _count(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/changelog/")
        assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("who", ["admin", "leader", "village"])
def test_the_page_costs_the_same_at_10_and_50_entries_of_mixed_models(world, who):
    records = _records(world)
    models = {type(r) for r in records}
    assert len(models) >= 40
    records = [r for r in records if _fk_names(r)]
    client = world.client(who)
    client.get("/changelog/")  # the session and content types, once
    _log_updates(records[:10], 10, world)
    few = _count(client)
    _log_updates(records[10:], 40, world)
    many = _count(client)
    assert few == many and many <= BUDGET, (few, many)


# --- the names read from the log are the records' names, scoped as the records -------------


def _entry_naming(obj, field, value):
    from django.contrib.contenttypes.models import ContentType

    from zhenwu.core.models import ObjectChange

    return ObjectChange(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        action="update",
        source="ui",
        before={field: None},
        after={field: value},
        changed_fields=[field],
    )


def _named(world, who, entry) -> str:
    from zhenwu.core.changelog_read import present

    (change,) = present([entry], world.users[who] if who else None)[0].display_changes
    return change.after


def test_a_renamed_record_reads_by_its_current_name(world):
    from zhenwu.investment import services as investment_services
    from zhenwu.investment.models import Investment
    from zhenwu.investment.tests.factories import make_investment

    target = make_investment(world, world.villages[0], name="旧名项目")
    investment_services.update_investment(
        Investment.objects.get(pk=target.pk),
        data={"name": "新名项目"},
        acting_user=world.users["admin"],
    )
    entry = _entry_naming(make_investment(world, world.villages[0]), "original_id", target.pk)
    for who in ("admin", "leader", "village"):
        assert _named(world, who, entry) == "新名项目"
    assert _named(world, "other_admin", entry) == "（无权查看）"


def test_a_record_the_log_never_saw_is_read_from_its_table_and_still_scoped(world):
    from zhenwu.core.models import ObjectChange
    from zhenwu.investment.models import Investment
    from zhenwu.investment.tests.factories import make_investment

    target = make_investment(world, None, name="无记录的镇级项目")
    ObjectChange.objects.filter(object_id=target.pk, content_type__model="investment").delete()
    assert Investment.objects.filter(pk=target.pk).exists()
    entry = _entry_naming(make_investment(world, world.villages[0]), "original_id", target.pk)
    assert _named(world, "leader", entry) == "无记录的镇级项目"
    assert _named(world, "village", entry) == "（无权查看）"  # town-level: not the cadre's
    assert _named(world, None, entry) == "（无权查看）"


def test_a_purged_record_is_named_for_those_who_could_see_it(world):
    # Administrators, and whoever views every record of its model in the town (the leader)
    # could see it; a village cadre cannot be known to have, another town never.
    from zhenwu.investment.tests.factories import make_investment

    target = make_investment(world, world.villages[0], name="已彻底删除的项目")
    entry = _entry_naming(make_investment(world, world.villages[0]), "original_id", target.pk)
    with acting_as(world.users["admin"], Source.ADMIN):
        target.delete()
    for who in ("admin", "leader"):
        assert _named(world, who, entry) == "已彻底删除的项目"
    for who in ("village", "other_admin"):
        assert _named(world, who, entry) == "（无权查看）"
