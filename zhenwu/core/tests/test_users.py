"""User and scope management by administrators: field-level Chinese messages, Django's password
validators, 404 for everyone else, deactivation blocks sign-in, and a town administrator
manages only their town (never a superuser)."""

from __future__ import annotations

import re

import pytest

from zhenwu.core.models import Role, User
from zhenwu.core.testing import PASSWORD, make_user


def _data(world, **over):
    data = {
        "username": "cadre2",
        "full_name": "二村干部",
        "role": Role.VILLAGE,
        "villages": [world.villages[1].pk],
        "new_password": "Nankou-2025-village",
        "is_active": "on",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_creates_a_village_cadre(world):
    response = world.client("admin").post("/users/add/", _data(world))
    assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get(username="cadre2")
    assert (user.role, user.town, list(user.villages.all())) == (
        Role.VILLAGE,
        world.town,
        [world.villages[1]],
    )
    assert user.check_password("Nankou-2025-village")
    response = world.client(None).post(
        "/login/", {"username": "cadre2", "password": "Nankou-2025-village"}
    )
    assert response.status_code == 302


def test_village_cadre_without_a_village_is_a_field_error(world):
    response = world.client("admin").post("/users/add/", _data(world, villages=None))
    assert response.status_code == 400
    assert response.context["form"].errors["villages"] == ["村干部必须指定负责的村（社区）。"]
    assert not User.objects.filter(username="cadre2").exists()


def test_staff_without_a_department_is_a_field_error(world):
    response = world.client("admin").post(
        "/users/add/", _data(world, role=Role.STAFF, villages=None)
    )
    assert response.status_code == 400
    assert "departments" in response.context["form"].errors


def test_new_user_needs_a_password(world):
    response = world.client("admin").post("/users/add/", _data(world, new_password=None))
    assert response.context["form"].errors["new_password"] == ["新建用户必须设置初始密码。"]


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("12345678", "太常见"),
        ("abc", "密码太短，至少需要 8 个字符"),
        ("20252025202520", "只包含数字"),
    ],
)
def test_password_is_checked_by_djangos_validators_in_chinese(world, password, fragment):
    response = world.client("admin").post("/users/add/", _data(world, new_password=password))
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["new_password"])
    assert fragment in errors, errors
    assert not re.search("[A-Za-z]{4,}", errors), errors  # no untranslated English


def test_admin_cannot_assign_another_towns_village(world):
    response = world.client("admin").post(
        "/users/add/", _data(world, villages=[world.other_village.pk])
    )
    assert response.status_code == 400
    assert "villages" in response.context["form"].errors


def test_town_admin_cannot_move_a_user_to_another_town(world):
    response = world.client("admin").post("/users/add/", _data(world, town=world.other_town.pk))
    assert response.status_code == 302
    assert User.objects.get(username="cadre2").town == world.town


def test_editing_without_a_password_keeps_it(world):
    cadre = world.users["village"]
    data = _data(world, username=cadre.username, new_password="", villages=[world.villages[0].pk])
    response = world.client("admin").post(f"/users/{cadre.pk}/", data)
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert cadre.check_password(PASSWORD)


@pytest.mark.parametrize("who", ["leader", "staff", "village", "viewer", "inspector"])
def test_non_admins_get_404(world, who):
    client = world.client(who)
    assert client.get("/users/").status_code == 404
    assert client.get("/users/add/").status_code == 404
    assert client.post("/users/add/", _data(world)).status_code == 404
    assert client.get(f"/users/{world.users['leader'].pk}/").status_code == 404
    assert not User.objects.filter(username="cadre2").exists()


def test_admin_lists_only_their_town(world):
    response = world.client("admin").get("/users/")
    names = {u.username for u in response.context["page"].object_list}
    assert "leader_t" in names and "admin_o" not in names and "viewer_t" not in names
    assert world.client("admin").get(f"/users/{world.users['other_admin'].pk}/").status_code == 404


def test_town_admin_cannot_touch_a_superuser(world):
    root = User.objects.create_superuser("root", password="x", town=world.town)
    client = world.client("admin")
    assert client.get(f"/users/{root.pk}/").status_code == 404
    assert "root" not in {u.username for u in client.get("/users/").context["page"].object_list}


def test_admin_without_a_town_manages_nobody(world):
    stray = make_user("stray_admin", Role.ADMIN, None)
    client = world.client(None)
    client.force_login(stray)
    assert list(client.get("/users/").context["page"].object_list) == []
    assert client.get(f"/users/{world.users['viewer'].pk}/").status_code == 404


def test_deactivating_a_user_blocks_login(world):
    cadre = world.users["village"]
    data = _data(
        world, username=cadre.username, new_password="", villages=[world.villages[0].pk],
        is_active=None,
    )  # fmt: skip
    response = world.client("admin").post(f"/users/{cadre.pk}/", data)
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert not cadre.is_active
    response = world.client(None).post(
        "/login/", {"username": cadre.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_deactivated_users_open_session_is_refused(world):
    client = world.client("leader")
    assert client.get("/villages/").status_code == 200
    leader = world.users["leader"]
    leader.is_active = False
    leader.save()
    response = client.get("/villages/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_user_changes_are_logged_with_the_admin(world):
    world.client("admin").post("/users/add/", _data(world))
    from zhenwu.core.testing import changes_of

    entry = changes_of(User.objects.get(username="cadre2")).first()
    assert (entry.action, entry.source, entry.user) == ("create", "ui", world.users["admin"])
    assert "Nankou" not in str(entry.after)
