"""The change log: every door (UI, API, import, admin, shell) leaves an entry with who, through
which door, before and after; secrets are fingerprinted; no-op saves leave nothing; the global
log (page and API) is scoped per user. And the recycle bin."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from openpyxl import Workbook

from zhenwu.core import services
from zhenwu.core.actor import Source, acting_as
from zhenwu.core.models import Department, ObjectChange, User, Village
from zhenwu.core.resources import VillageLedger
from zhenwu.core.testing import changes_of, make_user


def _last(obj) -> ObjectChange:
    return changes_of(obj).last()


def _xlsx(rows) -> io.BytesIO:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


# --- every door -----------------------------------------------------------------------------


def test_ui_create_update_delete_restore(world):
    admin = world.users["admin"]
    client = world.client("admin")
    client.post("/villages/add/", {"name": "新村", "kind": "village", "order": 9})
    village = Village.objects.get(name="新村")
    entry = _last(village)
    assert (entry.action, entry.source, entry.user) == ("create", "ui", admin)
    assert entry.before is None and entry.after["name"] == "新村"

    data = {"name": "新村", "kind": "village", "order": 9, "secretary": "李书记"}
    response = client.post(f"/villages/{village.pk}/edit/", {**data, "version": village.version})
    assert response.status_code == 302
    entry = _last(village)
    assert (entry.action, entry.source, entry.user_name) == ("update", "ui", admin.display_name)
    assert entry.changed_fields == ["secretary"]
    assert (entry.before["secretary"], entry.after["secretary"]) == ("", "李书记")

    client.post(f"/villages/{village.pk}/delete/")
    assert _last(village).action == "delete" and _last(village).source == "ui"
    ct = ContentType.objects.get_for_model(Village)
    client.post(reverse("core:recycle_restore", args=[ct.pk, village.pk]))
    entry = _last(village)
    assert (entry.action, entry.source, entry.user) == ("restore", "ui", admin)
    assert "is_deleted" in entry.changed_fields


def test_api_create_update_delete(world):
    api = world.api("admin")
    response = api.post("villages", {"name": "接口村"})
    assert response.status_code == 201, response.content
    village = Village.objects.get(name="接口村")
    assert (_last(village).action, _last(village).source) == ("create", "api")
    assert _last(village).user == world.users["admin"]

    response = api.patch(f"villages/{village.pk}", {"secretary": "王", "version": 1})
    assert response.status_code == 200, response.content
    entry = _last(village)
    assert (entry.action, entry.source, entry.changed_fields) == ("update", "api", ["secretary"])

    assert api.delete(f"villages/{village.pk}").status_code == 204
    entry = _last(village)
    assert (entry.action, entry.source, entry.user) == ("delete", "api", world.users["admin"])


def test_import_creates_and_updates_are_logged(world):
    admin = world.users["admin"]
    report = VillageLedger().run(
        _xlsx([["名称", "党支部书记"], ["村1", "赵书记"], ["导入村", "钱书记"]]),
        "v.xlsx",
        user=admin,
    )
    assert report.ok and (report.created, report.updated) == (1, 1)
    created = _last(Village.objects.get(name="导入村"))
    updated = _last(world.villages[0])
    assert (created.action, created.source, created.user) == ("create", "import", admin)
    assert (updated.action, updated.source, updated.user) == ("update", "import", admin)
    assert updated.changed_fields == ["secretary"]
    assert updated.after["secretary"] == "赵书记"


def test_admin_site_edits_are_logged_as_admin(world):
    root = User.objects.create_superuser("root", password="x", full_name="运维")
    client = world.client(None)
    client.force_login(root)
    village = world.villages[0]
    data = {
        "town": world.town.pk,
        "name": village.name,
        "kind": "village",
        "code": "",
        "order": village.order,
        "secretary": "后台改的",
        "population": "",
        "area_mu": "",
        "note": "",
    }
    response = client.post(f"/admin/core/village/{village.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    entry = _last(village)
    assert (entry.action, entry.source, entry.user) == ("update", "admin", root)
    assert entry.changed_fields == ["secretary"]


def test_shell_save_is_logged_as_shell(world):
    village = Village.objects.get(pk=world.villages[0].pk)
    village.secretary = "命令行"
    village.save()
    entry = _last(village)
    assert (entry.action, entry.source, entry.user) == ("update", "shell", None)
    assert entry.before["secretary"] == "" and entry.after["secretary"] == "命令行"


def test_hard_delete_is_logged_as_purge(world):
    comment = services.add_comment(world.villages[0], body="临时", acting_user=None)
    pk = comment.pk
    comment.delete()
    entry = ObjectChange.objects.filter(object_id=pk, action="purge").get()
    assert entry.before["body"] == "临时" and entry.after is None


def test_password_change_is_fingerprinted_not_logged_in_clear(world):
    user = User.objects.get(pk=world.users["staff"].pk)
    old_hash = user.password
    user.set_password("a-new-secret-pass")
    user.save()
    entry = _last(user)
    assert entry.changed_fields == ["password"]
    dump = json.dumps([entry.before, entry.after], ensure_ascii=False)
    assert old_hash not in dump and user.password not in dump
    assert "a-new-secret-pass" not in dump
    assert entry.before["password"].startswith("已设置·")
    assert entry.after["password"].startswith("已设置·")
    assert entry.before["password"] != entry.after["password"]


def test_no_op_save_logs_nothing(world):
    village = Village.objects.get(pk=world.villages[0].pk)
    before = ObjectChange.objects.count()
    village.save()
    village.save()
    assert ObjectChange.objects.count() == before


def test_second_save_logs_only_its_own_diff(world):
    village = Village.objects.get(pk=world.villages[0].pk)
    village.secretary = "甲"
    village.save()
    village.note = "乙"
    village.save()
    assert _last(village).changed_fields == ["note"]


def test_login_is_not_a_change(world):
    before = ObjectChange.objects.count()
    response = world.client(None).post(
        "/login/", {"username": "admin_t", "password": "test-pass-123"}
    )
    assert response.status_code == 302
    assert ObjectChange.objects.count() == before


def test_service_attributes_to_acting_user_within_a_door(world):
    with acting_as(None, Source.IMPORT):
        services.update_object(
            world.villages[0], data={"note": "x"}, acting_user=world.users["leader"]
        )
    entry = _last(world.villages[0])
    assert (entry.source, entry.user) == ("import", world.users["leader"])


# --- the global log is scoped ----------------------------------------------------------------


@pytest.fixture
def logged(world):
    """One change of each kind of scope: own village, another village, the town, another town."""
    with acting_as(world.users["admin"], Source.UI):
        for village, note in [(world.villages[0], "本村改动"), (world.villages[1], "邻村改动")]:
            services.update_object(village, data={"note": note}, acting_user=world.users["admin"])
        dept = Department.objects.get(name="综合专班")
        services.update_object(dept, data={"head": "镇级改动"}, acting_user=world.users["admin"])
    with acting_as(world.users["other_admin"], Source.UI):
        services.update_object(
            world.other_village, data={"note": "外镇改动"}, acting_user=world.users["other_admin"]
        )
    return world


LOGGED_NOTES = {"本村改动", "邻村改动", "镇级改动", "外镇改动"}


def _visible_notes(entries):
    """The fixture's own changes among the entries (a new town's setup rows — its threshold
    rules, which carry notes too — are logged as well)."""
    out = set()
    for e in entries:
        after = e["after"] if isinstance(e, dict) else e.after
        for key in ("note", "head"):
            if after and after.get(key) in LOGGED_NOTES:
                out.add(after[key])
    return out


ALL = {"本村改动", "邻村改动", "镇级改动", "外镇改动"}
EXPECTED_LOG = {
    "admin": ALL - {"外镇改动"},
    "leader": ALL - {"外镇改动"},
    # Villages are reference data every cadre reads (their pages included), so the entries
    # of a neighbour village are as visible as the village itself; village-scoped records
    # are held by test_changelog_visibility.py.
    "village": {"本村改动", "邻村改动", "镇级改动"},
    "other_admin": {"外镇改动"},
    "viewer": ALL,
}


@pytest.mark.parametrize("role", sorted(EXPECTED_LOG))
def test_global_log_page_is_scoped(logged, role):
    response = logged.client(role).get("/changelog/")
    assert response.status_code == 200
    assert _visible_notes(response.context["page"].object_list) == EXPECTED_LOG[role]


@pytest.mark.parametrize("role", sorted(EXPECTED_LOG))
def test_change_log_api_is_scoped(logged, role):
    response = logged.api(role).get("change-log", limit=100)
    assert response.status_code == 200
    assert _visible_notes(response.json()["items"]) == EXPECTED_LOG[role]


def test_change_log_api_filters_by_model_and_object(logged):
    village = logged.villages[0]
    items = (
        logged.api("admin").get("change-log", model="Village", object_id=village.pk).json()["items"]
    )
    assert items and all(i["object_id"] == village.pk and i["model"] == "village" for i in items)


def test_object_changelog_page_shows_the_diff(logged):
    village = logged.villages[0]
    response = logged.client("admin").get(f"/villages/{village.pk}/changelog/")
    assert response.status_code == 200
    assert "本村改动" in response.content.decode()


def test_global_log_filters_do_not_500(logged):
    client = logged.client("admin")
    for query in ("?action=update", "?source=ui", "?q=村", "?page=abc", "?action=nonsense"):
        assert client.get("/changelog/" + query).status_code == 200, query


# --- recycle bin ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader", "staff", "village", "viewer", "inspector"])
def test_recycle_bin_is_for_admins_only(world, role):
    village = world.villages[2]
    services.soft_delete(village, acting_user=world.users["admin"])
    client = world.client(role)
    assert client.get("/recycle-bin/").status_code == 404
    ct = ContentType.objects.get_for_model(Village)
    assert client.post(reverse("core:recycle_restore", args=[ct.pk, village.pk])).status_code == 404
    assert Village.all_objects.get(pk=village.pk).is_deleted


def test_recycle_bin_lists_own_town_deleted_records_only(world):
    services.soft_delete(world.villages[2], acting_user=world.users["admin"])
    services.soft_delete(world.other_village, acting_user=world.users["other_admin"])
    body = world.client("admin").get("/recycle-bin/").content.decode()
    assert world.villages[2].name in body and world.other_village.name not in body


def test_admin_cannot_restore_another_towns_record(world):
    services.soft_delete(world.other_village, acting_user=world.users["other_admin"])
    ct = ContentType.objects.get_for_model(Village)
    response = world.client("admin").post(
        reverse("core:recycle_restore", args=[ct.pk, world.other_village.pk])
    )
    assert response.status_code == 404
    assert Village.all_objects.get(pk=world.other_village.pk).is_deleted


def test_restore_colliding_with_a_live_name_is_refused_with_a_message(world):
    admin = world.users["admin"]
    old = world.villages[2]
    services.soft_delete(old, acting_user=admin)
    Village.objects.create(town=world.town, name=old.name, order=30)  # the name is taken again
    client = world.client("admin")
    ct = ContentType.objects.get_for_model(Village)
    response = client.post(reverse("core:recycle_restore", args=[ct.pk, old.pk]), follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("无法恢复" in m and old.name in m for m in messages), messages
    assert Village.all_objects.get(pk=old.pk).is_deleted
    assert _last(old).action == "delete"


def test_restore_of_a_non_town_model_is_404(world):
    ct = ContentType.objects.get_for_model(User)
    response = world.client("admin").post(
        reverse("core:recycle_restore", args=[ct.pk, world.users["leader"].pk])
    )
    assert response.status_code == 404


def test_make_user_helper_logs_creation(world):
    user = make_user("logged_user", "staff", world.town)
    assert _last(user).action == "create"


def test_amounts_are_logged_in_plain_notation():
    from decimal import Decimal

    from zhenwu.core.changelog import _jsonable

    assert _jsonable(Decimal("120.00")) == "120"
    assert _jsonable(Decimal("123.40")) == "123.4"
    assert _jsonable(Decimal("0.0015")) == "0.0015"
