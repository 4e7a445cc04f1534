"""Optimistic concurrency: an edit based on a stale version is refused (409 / form error),
never silently overwrites; of two editors holding the same version exactly one wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from zhenwu.core import services
from zhenwu.core.models import Village
from zhenwu.core.testing import changes_of


def _edit_data(village, **over):
    data = {"name": village.name, "kind": village.kind, "order": village.order}
    data.update(over)
    return data


def test_ui_stale_edit_is_409_with_a_message_and_nothing_saved(world):
    village = world.villages[0]
    client = world.client("admin")
    first = client.post(
        f"/villages/{village.pk}/edit/", _edit_data(village, secretary="甲", version=1)
    )
    assert first.status_code == 302
    second = client.post(
        f"/villages/{village.pk}/edit/", _edit_data(village, secretary="乙", version=1)
    )
    assert second.status_code == 409
    assert "已被他人修改" in second.content.decode()
    village.refresh_from_db()
    assert (village.secretary, village.version) == ("甲", 2)


def test_stale_delete_is_refused(world):
    village = world.villages[0]
    services.update_object(village, data={"note": "x"}, acting_user=None)
    response = world.client("admin").post(f"/villages/{village.pk}/delete/", {"version": 1})
    assert response.status_code == 302
    assert Village.objects.filter(pk=village.pk).exists()


def test_same_stale_version_twice_exactly_one_wins(world):
    a = Village.objects.get(pk=world.villages[0].pk)
    b = Village.objects.get(pk=world.villages[0].pk)
    services.update_object(a, data={"note": "甲"}, acting_user=None, expected_version=1)
    with pytest.raises(services.StaleEdit) as exc:
        services.update_object(b, data={"note": "乙"}, acting_user=None, expected_version=1)
    assert "版本 1" in str(exc.value)
    fresh = Village.objects.get(pk=a.pk)
    assert (fresh.note, fresh.version) == ("甲", 2)
    assert [c.after["note"] for c in changes_of(fresh).filter(action="update")] == ["甲"]


def test_a_refused_update_leaves_the_instance_as_it_was(world):
    """The one write path refuses a stale version, a rule and the writer's scope; each time
    the caller's instance keeps its stored values (not the refused ones), and a stale edit
    tells it the stored version."""
    from django.core.exceptions import ValidationError

    from zhenwu.projects.tests.factories import make_project

    a = Village.objects.get(pk=world.villages[0].pk)
    b = Village.objects.get(pk=world.villages[0].pk)
    services.update_object(a, data={"note": "甲"}, acting_user=None, expected_version=1)
    with pytest.raises(services.StaleEdit):
        services.update_object(b, data={"note": "乙"}, acting_user=None, expected_version=1)
    assert (b.note, b.version) == ("", 2)

    with pytest.raises(ValidationError):
        services.update_object(a, data={"note": "乙", "kind": "bogus"}, acting_user=None)
    assert (a.note, a.kind, a.version) == ("甲", world.villages[0].kind, 2)

    project = make_project(world, world.villages[0])
    own = project.village
    with pytest.raises(ValidationError):  # a cadre may not move it out of their village
        services.update_object(
            project, data={"village": world.villages[1]}, acting_user=world.users["village"]
        )
    assert (project.village_id, project.village) == (own.pk, own)
    project.refresh_from_db()
    assert project.village_id == own.pk


def test_without_a_version_the_edit_applies_and_bumps(world):
    village = Village.objects.get(pk=world.villages[0].pk)
    services.update_object(village, data={"note": "x"}, acting_user=None)
    assert Village.objects.get(pk=village.pk).version == 2


@pytest.mark.django_db(transaction=True)
def test_two_threads_same_version_exactly_one_wins(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the sequential test covers it")
    pk = world.villages[0].pk
    barrier = threading.Barrier(2)
    outcomes = []

    def edit(note):
        try:
            obj = Village.objects.get(pk=pk)
            barrier.wait(timeout=10)
            services.update_object(obj, data={"note": note}, acting_user=None, expected_version=1)
            outcomes.append("won")
        except services.StaleEdit:
            outcomes.append("stale")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(n,)) for n in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["stale", "won"]
    fresh = Village.objects.get(pk=pk)
    assert fresh.version == 2 and fresh.note in ("甲", "乙")


def test_delete_with_a_version_loaded_before_an_edit_is_refused(world):
    stale = Village.objects.get(pk=world.villages[0].pk)
    services.update_object(
        Village.objects.get(pk=stale.pk), data={"note": "x"}, acting_user=None, expected_version=1
    )
    with pytest.raises(services.StaleEdit):
        services.soft_delete(stale, acting_user=None, expected_version=1)
    assert Village.objects.filter(pk=stale.pk).exists()


def test_delete_with_the_current_version_works_and_bumps_it(world):
    village = Village.objects.get(pk=world.villages[0].pk)
    services.soft_delete(village, acting_user=None, expected_version=1)
    gone = Village.all_objects.get(pk=village.pk)
    assert gone.is_deleted and gone.version == 2
