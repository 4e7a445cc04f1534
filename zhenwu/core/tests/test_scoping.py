"""The scoping gate, table-driven: every role × action on a village-scoped record, a town-level
record and the villages themselves (scoping.py is the only place these rules live)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from zhenwu.core import scoping
from zhenwu.core.models import Attachment, Department, Role, User, Village
from zhenwu.core.testing import make_user

ACTIONS = scoping.ACTIONS
WRITES = (scoping.ADD, scoping.CHANGE, scoping.DELETE)


def _attachment(town, village, name):
    return Attachment.objects.create(
        town=town,
        village=village,
        content_type=ContentType.objects.get_for_model(Village),
        object_id=(village.pk if village else 0),
        file=f"attachments/{name}.txt",
        name=name,
        size=1,
        mime_type="text/plain",
    )


@pytest.fixture
def records(world, monkeypatch):
    """Attachments stand in for a village-scoped domain record of an editable module: core
    itself has none, so the test gives Attachment the "land" module for its duration, and
    switches off the gate through its parent (held by test_changelog_visibility.py) so that
    the rows are judged by their own town and village alone."""
    monkeypatch.setattr(Attachment, "scope_module", "land")
    monkeypatch.setattr(Attachment, "scope_gate", None)
    v0, v1 = world.villages[0], world.villages[1]
    return {
        "own": _attachment(world.town, v0, "own"),  # the cadre's village
        "next": _attachment(world.town, v1, "next"),  # another village of the town
        "town": _attachment(world.town, None, "town"),  # town-level (no village)
        "foreign": _attachment(world.other_town, world.other_village, "foreign"),
    }


ALL_TOWN = {"own", "next", "town"}
# role -> (what it sees, what it may add/change/delete) among the records above
VILLAGE_SCOPED = {
    "admin": (ALL_TOWN, ALL_TOWN),
    "leader": (ALL_TOWN, set()),
    "staff": (ALL_TOWN, ALL_TOWN),  # their department has the "land" module
    "staff_nomodule": (ALL_TOWN, set()),
    "village": ({"own", "town"}, {"own"}),
    "inspector": (ALL_TOWN, set()),
    "viewer": (ALL_TOWN | {"foreign"}, set()),
    "other_admin": ({"foreign"}, {"foreign"}),
    "other_staff": ({"foreign"}, {"foreign"}),
}


@pytest.mark.parametrize("role", sorted(VILLAGE_SCOPED))
@pytest.mark.parametrize("action", ACTIONS)
def test_village_scoped_record(world, records, role, action):
    seen, written = VILLAGE_SCOPED[role]
    expected = seen if action == scoping.VIEW else written
    got = scoping.restrict(Attachment.objects.all(), world.users[role], action)
    names = {a.name for a in got}
    assert names == expected, (role, action)
    for key, obj in records.items():
        assert scoping.can(world.users[role], action, obj) == (key in expected), (role, key)


# role -> (sees, writes) among {"town": 综合专班, "foreign": 外镇专班}
TOWN_LEVEL = {
    "admin": ({"town"}, {"town"}),
    "leader": ({"town"}, set()),
    "staff": ({"town"}, set()),  # departments belong to "core", which only admins edit
    "staff_nomodule": ({"town"}, set()),
    "village": ({"town"}, set()),
    "inspector": ({"town"}, set()),
    "viewer": ({"town", "foreign"}, set()),
    "other_admin": ({"foreign"}, {"foreign"}),
    "other_staff": ({"foreign"}, set()),
}


@pytest.mark.parametrize("role", sorted(TOWN_LEVEL))
@pytest.mark.parametrize("action", ACTIONS)
def test_town_level_record(world, role, action):
    names = {"综合专班": "town", "外镇专班": "foreign"}
    seen, written = TOWN_LEVEL[role]
    expected = seen if action == scoping.VIEW else written
    got = scoping.restrict(Department.objects.all(), world.users[role], action)
    assert {names[d.name] for d in got} == expected


@pytest.mark.parametrize("role", ["village", "leader", "staff", "inspector"])
def test_villages_are_reference_data_read_by_all_changed_by_none_but_admins(world, role):
    user = world.users[role]
    town_villages = set(world.villages)
    assert set(scoping.restrict(Village.objects.all(), user)) == town_villages
    for action in WRITES:
        assert not scoping.restrict(Village.objects.all(), user, action).exists(), action


def test_admin_changes_their_town_villages_only(world):
    admin = world.users["admin"]
    assert set(scoping.restrict(Village.objects.all(), admin, scoping.CHANGE)) == set(
        world.villages
    )


def test_viewer_reads_every_town_and_writes_nothing(world):
    viewer = world.users["viewer"]
    assert set(scoping.restrict(Village.objects.all(), viewer)) == {
        *world.villages,
        world.other_village,
    }
    for action in WRITES:
        assert not scoping.restrict(Village.objects.all(), viewer, action).exists()
    assert not scoping.can_write_model(viewer, Village)


def test_viewer_bound_to_a_town_reads_only_that_town(world):
    viewer = make_user("viewer_town", Role.VIEWER, world.other_town)
    assert list(scoping.restrict(Village.objects.all(), viewer)) == [world.other_village]


def test_superuser_sees_and_changes_every_town(world):
    root = User.objects.create_superuser("root", password="x")
    for action in ACTIONS:
        assert scoping.restrict(Village.objects.all(), root, action).count() == 4


@pytest.mark.parametrize("role", ["admin", "leader", "village", "viewer"])
def test_inactive_user_sees_nothing(world, role):
    user = world.users[role]
    user.is_active = False
    user.save()
    for action in ACTIONS:
        assert not scoping.restrict(Village.objects.all(), user, action).exists()
        assert not scoping.restrict(Department.objects.all(), user, action).exists()


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not scoping.restrict(Village.objects.all(), AnonymousUser()).exists()
    assert not scoping.restrict(Village.objects.all(), None).exists()


def test_user_without_town_sees_nothing_unless_viewer(world):
    lost = make_user("lost", Role.ADMIN, None)
    assert not scoping.restrict(Village.objects.all(), lost).exists()


def test_unknown_action_is_a_programming_error(world):
    with pytest.raises(ValueError):
        scoping.restrict(Village.objects.all(), world.users["admin"], "approve")


def test_soft_deleted_department_gives_no_modules(world):
    staff = world.users["staff"]
    dept = staff.departments.get()
    dept.is_deleted = True
    dept.save()
    staff = User.objects.get(pk=staff.pk)  # drop the per-request cache
    assert scoping.editable_modules(staff) == set()


def test_allowed_villages(world):
    assert list(scoping.allowed_villages(world.users["village"])) == [world.villages[0]]
    assert set(scoping.allowed_villages(world.users["staff"])) == set(world.villages)
    assert not scoping.allowed_villages(world.users["viewer"]).exists()
    assert set(scoping.allowed_villages(world.users["viewer"], scoping.VIEW)) == {
        *world.villages,
        world.other_village,
    }


def test_can_approve_is_for_leaders_and_admins(world):
    approvers = {r for r in world.users if scoping.can_approve(world.users[r])}
    assert approvers == {"admin", "leader", "other_admin"}
