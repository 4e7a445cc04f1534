"""The change log through the eyes of each reader (issue 8; issue 10 item 4):

- an entry is visible exactly when its record is — a town-level investment a village cadre
  cannot open has a log they cannot read, on any door; comments and attachments follow their
  parent; user accounts follow the user-management pages; soft-deleted records stay readable
  to whoever could read them; purged records' entries are the administrators';
- personal numbers are masked in the log as on the record (pages, /changelog/, the API's raw
  before/after and its display changes), for the User's phone too;
- values read as people write them: choice labels, 是/否, local times, long dates, names;
- only those who may change a record (and the leaders who approve) comment or attach to it;
- the number of queries does not grow with the entries shown.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhenwu.core import services
from zhenwu.core.models import Attachment, Comment, ObjectChange, Role, User, Village
from zhenwu.core.testing import make_user
from zhenwu.investment import services as investment_services
from zhenwu.investment.models import Investment
from zhenwu.investment.tests.factories import make_investment

# Readers without the permission to see personal numbers (village cadre, department staff,
# staff of another department, the leader, the city viewer) and one with it (admin).
MASKED = ["village", "staff", "staff_nomodule", "leader", "viewer"]


@pytest.fixture
def recs(world):
    admin = world.users["admin"]
    town_level = make_investment(
        world, None, name="镇级保密项目", contact_name="张联系", contact_phone="13900000001"
    )
    own = make_investment(world, world.villages[0], name="本村项目", contact_phone="13900000002")
    neighbour = make_investment(
        world, world.villages[1], name="邻村项目", contact_phone="13900000004"
    )
    own = investment_services.update_investment(
        Investment.objects.get(pk=own.pk),
        data={"contact_phone": "13900000003", "contact_name": "李本村"},
        acting_user=admin,
    )
    services.add_comment(town_level, body="镇级项目的评论", acting_user=admin)
    services.add_comment(neighbour, body="邻村项目的评论", acting_user=admin)
    services.add_comment(own, body="本村项目的评论", acting_user=admin)
    return {"town": town_level, "own": own, "neighbour": neighbour}


def _api_items(world, who, **params):
    response = world.api(who).get("change-log", limit=500, **params)
    assert response.status_code == 200, response.content
    return response.json()["items"]


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- an entry is visible exactly when its record is ----------------------------------------


def test_a_cadre_cannot_read_the_log_of_a_town_level_investment(world, recs):
    town_level = recs["town"]
    api = world.api("village")
    assert api.get(f"investments/{town_level.pk}").status_code == 404
    items = _api_items(world, "village", model="investment", object_id=town_level.pk)
    assert items == []
    page = _text(world.client("village").get("/changelog/"))
    assert "镇级保密项目" not in page and "张联系" not in page
    assert (
        world.client("village")
        .get(f"/investment/investments/{town_level.pk}/changelog/")
        .status_code
        == 404
    )


def test_a_cadre_reads_the_log_of_their_villages_records_only(world, recs):
    items = _api_items(world, "village", model="investment")
    assert {i["object_id"] for i in items} == {recs["own"].pk}
    page = _text(world.client("village").get("/changelog/"))
    assert "本村项目" in page and "邻村项目" not in page


@pytest.mark.parametrize("who", ["admin", "leader", "staff", "staff_nomodule", "viewer"])
def test_town_readers_read_every_investments_log(world, recs, who):
    items = _api_items(world, who, model="investment")
    assert {i["object_id"] for i in items} == {r.pk for r in recs.values()}


def test_another_towns_admin_reads_none_of_it(world, recs):
    assert _api_items(world, "other_admin", model="investment") == []
    assert _api_items(world, "other_admin", model="comment") == []


def _gate_subqueries(queryset) -> int:
    """How many models' visibility subqueries the gate put into the entries' query."""
    sql = str(queryset.query).replace('"', "")
    return sql.count("object_id IN (SELECT")


def test_entries_narrowed_to_a_model_get_that_models_gate_only(world, recs):
    """`ObjectChange.objects.about(...)` (the API's `model` filter) builds one subquery, not one
    per change-logged model — and for every reader it keeps exactly the entries the full gate
    keeps, the purged records' entries of the administrators included."""
    from zhenwu.core import scoping

    Investment.all_objects.get(pk=recs["neighbour"].pk).delete()  # purged: the admins' entries
    ct = ContentType.objects.get_for_model(Investment)
    village = world.users["village"]
    everything = scoping.restrict(ObjectChange.objects.all(), village)
    narrowed = scoping.restrict(ObjectChange.objects.about([ct]), village)
    assert _gate_subqueries(everything) > 10  # every change-logged model (and comments' parents)
    assert _gate_subqueries(narrowed) == 1
    for who, user in world.users.items():
        full = scoping.restrict(ObjectChange.objects.all(), user).filter(content_type=ct)
        assert set(scoping.restrict(ObjectChange.objects.about([ct]), user)) == set(full), who
        api = {i["id"] for i in _api_items(world, who, model="investment")}
        assert api == {e.pk for e in full}, who
    # Narrowing twice keeps the intersection; nothing matches an empty one.
    both = ObjectChange.objects.about([ct]).about([ct.pk])
    assert set(both) == set(ObjectChange.objects.filter(content_type=ct))
    comment = ContentType.objects.get_for_model(Comment)
    assert not ObjectChange.objects.about([ct]).about([comment]).exists()
    assert scoping.restrict(ObjectChange.objects.about([]), world.users["admin"]).count() == 0


def test_comment_entries_follow_their_parent(world, recs):
    bodies = {i["object_repr"] for i in _api_items(world, "village", model="comment")}
    assert bodies == {"本村项目的评论"}
    page = _text(world.client("village").get("/changelog/"))
    assert "镇级项目的评论" not in page and "邻村项目的评论" not in page
    everyone = {i["object_repr"] for i in _api_items(world, "staff", model="comment")}
    assert everyone == {"本村项目的评论", "邻村项目的评论", "镇级项目的评论"}


def test_attachment_entries_follow_their_parent(world, recs):
    upload = SimpleUploadedFile("合同.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    services.add_attachment(recs["town"], uploaded=upload, acting_user=world.users["admin"])
    assert _api_items(world, "village", model="attachment") == []
    assert [i["object_repr"] for i in _api_items(world, "leader", model="attachment")] == [
        "合同.pdf"
    ]


def test_a_comment_on_a_town_level_record_is_not_listed_to_a_cadre(world, recs):
    # The gate itself: comments (and attachments) are seen only with their parent.
    from zhenwu.core import scoping

    seen = scoping.restrict(Comment.objects.all(), world.users["village"])
    assert {c.body for c in seen} == {"本村项目的评论"}


def test_users_log_is_for_who_manages_accounts(world, recs):
    staff = User.objects.get(pk=world.users["staff"].pk)
    staff.phone = "13700000009"
    staff.save()
    for who in ("village", "staff_nomodule", "leader", "viewer"):
        items = _api_items(world, who, model="user")
        # Their own account's entries at most; nobody else's role and phone.
        assert {i["object_id"] for i in items} <= {world.users[who].pk}, who
        page = _text(world.client(who).get("/changelog/"))
        assert "137****0009" not in page and "13700000009" not in page, who
    admin_items = _api_items(world, "admin", model="user", object_id=staff.pk)
    assert admin_items and admin_items[0]["after"]["phone"] == "13700000009"
    # The other town's administrator does not manage this town's accounts.
    assert _api_items(world, "other_admin", model="user", object_id=staff.pk) == []


def test_soft_deleted_records_log_stays_with_who_could_read_it(world, recs):
    own = Investment.objects.get(pk=recs["own"].pk)
    services.soft_delete(own, acting_user=world.users["admin"])
    actions = {
        i["action"] for i in _api_items(world, "village", object_id=own.pk, model="investment")
    }
    assert {"create", "update", "delete"} <= actions
    neighbour = Investment.objects.get(pk=recs["neighbour"].pk)
    services.soft_delete(neighbour, acting_user=world.users["admin"])
    assert _api_items(world, "village", object_id=neighbour.pk, model="investment") == []


def test_purged_records_entries_are_for_administrators(world, recs):
    comment = Comment.objects.get(body="本村项目的评论")
    pk = comment.pk
    comment.delete()  # a hard delete: nothing is left to ask the gate about
    assert ObjectChange.objects.filter(object_id=pk, action="purge").exists()
    assert not [i for i in _api_items(world, "village", model="comment") if i["object_id"] == pk]
    assert [i for i in _api_items(world, "admin", model="comment") if i["object_id"] == pk]
    assert not [
        i for i in _api_items(world, "other_admin", model="comment") if i["object_id"] == pk
    ]


# --- personal numbers are masked through the log ---------------------------------------------


def _leaks(text: str) -> list[str]:
    return [n for n in ("13900000002", "13900000003", "13900000001") if n in text]


@pytest.mark.parametrize("who", MASKED)
def test_record_pages_log_masks_personal_numbers(world, recs, who):
    own = recs["own"]  # in the cadre's village, so every reader here may open it
    client = world.client(who)
    for url in (
        f"/investment/investments/{own.pk}/changelog/",
        f"/investment/investments/{own.pk}/",
    ):
        page = _text(client.get(url))
        assert not _leaks(page), (who, url)
    page = _text(client.get(f"/investment/investments/{own.pk}/changelog/"))
    assert "139****0002" in page and "139****0003" in page


@pytest.mark.parametrize("who", MASKED)
def test_global_log_page_masks_personal_numbers(world, recs, who):
    page = _text(world.client(who).get("/changelog/"))
    assert not _leaks(page)
    assert "139****0003" in page


@pytest.mark.parametrize("who", MASKED)
def test_change_log_api_masks_personal_numbers(world, recs, who):
    items = _api_items(world, who, model="investment")
    dump = json.dumps(items, ensure_ascii=False)
    assert not _leaks(dump)
    update = next(i for i in items if i["object_id"] == recs["own"].pk and i["action"] == "update")
    assert update["before"]["contact_phone"] == "139****0002"
    assert update["after"]["contact_phone"] == "139****0003"
    phone = next(c for c in update["changes"] if c["field"] == "contact_phone")
    assert (phone["label"], phone["before"], phone["after"]) == (
        "联系电话",
        "139****0002",
        "139****0003",
    )


def test_who_may_see_personal_numbers_reads_them_in_full(world, recs):
    items = _api_items(world, "admin", model="investment", object_id=recs["own"].pk)
    update = next(i for i in items if i["action"] == "update")
    assert update["after"]["contact_phone"] == "13900000003"
    page = _text(world.client("admin").get(f"/investment/investments/{recs['own'].pk}/changelog/"))
    assert "13900000003" in page


def test_an_administrator_without_the_permission_reads_them_masked(world, recs):
    plain_admin = make_user("admin_plain", Role.ADMIN, world.town)
    client = world.client(None)
    client.force_login(plain_admin)
    page = _text(client.get("/changelog/"))
    assert not _leaks(page) and "139****0003" in page


def test_user_phone_is_masked_in_the_log(world):
    plain_admin = make_user("admin_plain", Role.ADMIN, world.town)
    staff = User.objects.get(pk=world.users["staff"].pk)
    staff.phone = "13700000009"
    staff.save()
    client = world.client(None)
    client.force_login(plain_admin)
    page = _text(client.get("/changelog/"))
    assert "13700000009" not in page and "137****0009" in page
    api = world.api(None)
    from zhenwu.core.models import ApiToken

    api.headers["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(plain_admin)}"
    items = api.get("change-log", model="user", object_id=staff.pk).json()["items"]
    assert items and "13700000009" not in json.dumps(items)
    assert items[0]["after"]["phone"] == "137****0009"


def test_an_entry_read_on_its_own_is_masked(db):
    """`display_changes` without a presenting page masks (nobody in particular may see)."""
    entry = ObjectChange(
        content_type=ContentType.objects.get_for_model(Investment),
        object_id=1,
        action="update",
        source="ui",
        before={"contact_phone": "13900000002"},
        after={"contact_phone": "13900000003"},
        changed_fields=["contact_phone"],
    )
    (change,) = entry.display_changes
    assert (change.before, change.after) == ("139****0002", "139****0003")


# --- values as people read them --------------------------------------------------------------


def _changes(world, who, obj, action="update"):
    items = _api_items(world, who, model=obj._meta.model_name, object_id=obj.pk)
    entry = next(i for i in items if i["action"] == action)
    return {c["field"]: c for c in entry["changes"]}


def test_choice_labels_and_long_dates(world):
    inv = make_investment(
        world,
        world.villages[0],
        stage="negotiating",
        signed_on=None,
        negotiating_on=datetime.date(2025, 2, 1),
    )
    investment_services.move_stage(
        inv, "signed", datetime.date(2025, 3, 5), acting_user=world.users["admin"]
    )
    changes = _changes(world, "admin", inv)
    assert (changes["stage"]["before"], changes["stage"]["after"]) == ("在谈", "签约")
    assert changes["signed_on"]["after"] == "2025年3月5日"
    assert changes["signed_on"]["before"] == "—"
    page = _text(world.client("admin").get(f"/investment/investments/{inv.pk}/changelog/"))
    assert "在谈" in page and "签约" in page and "2025年3月5日" in page
    assert "negotiating" not in page
    page = _text(world.client("admin").get("/changelog/"))
    assert "在谈" in page and "negotiating" not in page


def test_booleans_and_local_datetimes(world):
    village = Village.objects.get(pk=world.villages[2].pk)
    services.update_object(village, data={"is_demo_name": True}, acting_user=world.users["admin"])
    changes = _changes(world, "admin", village)
    assert (changes["is_demo_name"]["before"], changes["is_demo_name"]["after"]) == ("否", "是")
    services.soft_delete(village, acting_user=world.users["admin"])
    changes = _changes(world, "admin", village, action="delete")
    deleted_at = Village.all_objects.get(pk=village.pk).deleted_at
    local = timezone.localtime(deleted_at)
    expected = f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    assert changes["deleted_at"]["after"] == expected
    assert changes["is_deleted"]["after"] == "是"
    page = _text(world.client("admin").get("/changelog/"))
    assert expected in page and "False" not in page and "+00:00" not in page


def test_foreign_keys_read_as_names(world):
    inv = make_investment(world, world.villages[0])
    investment_services.update_investment(
        Investment.objects.get(pk=inv.pk),
        data={"village": world.villages[1], "leader": world.users["leader"]},
        acting_user=world.users["admin"],
    )
    changes = _changes(world, "admin", inv)
    assert (changes["village_id"]["before"], changes["village_id"]["after"]) == ("村1", "村2")
    assert changes["village_id"]["label"] == "所在村（社区）"
    assert changes["leader_id"]["after"] == "leader_t"
    page = _text(world.client("admin").get(f"/investment/investments/{inv.pk}/changelog/"))
    assert "所在村（社区）：" in page.replace("\n", "") or "所在村（社区）" in page
    assert "村1" in page and "村2" in page


def test_a_related_record_the_reader_cannot_see_is_not_named(world):
    """A project pointing at a town-level investment: the cadre reads the project's log but
    not the name of the investment it refers to."""
    from zhenwu.core.changelog_read import HIDDEN, present

    secret = make_investment(world, None, name="镇级保密项目")
    entry = ObjectChange(
        content_type=ContentType.objects.get_for_model(Investment),
        object_id=123,
        action="update",
        source="ui",
        before={"original_id": None},
        after={"original_id": secret.pk},
        changed_fields=["original_id"],
    )
    (change,) = present([entry], world.users["village"])[0].display_changes
    assert change.after == HIDDEN
    (change,) = present([entry], world.users["leader"])[0].display_changes
    assert change.after == "镇级保密项目"


def test_formatting_edges():
    from zhenwu.core.changelog_read import EMPTY, _plain, long_date, long_datetime

    signed_on = Investment._meta.get_field("signed_on")
    stage = Investment._meta.get_field("stage")
    amount = Investment._meta.get_field("planned_total_wan")
    assert _plain(signed_on, None, {}) == EMPTY
    assert _plain(signed_on, "", {}) == EMPTY
    assert _plain(signed_on, "不是日期", {}) == "不是日期"
    assert _plain(stage, "unknown-stage", {}) == "unknown-stage"
    assert _plain(amount, "1200.5", {}) == "1,200.5"
    assert _plain(None, {"a": 1}, {}) == '{"a": 1}'
    assert long_date(datetime.date(2025, 3, 5)) == "2025年3月5日"
    utc = datetime.datetime(2026, 11, 29, 12, 18, 34, tzinfo=datetime.UTC)
    assert long_datetime(utc) == "2026年11月29日 20:18"  # Asia/Shanghai


def test_monthly_summary_still_reads_as_one_line(db):
    entry = ObjectChange(
        content_type=ContentType.objects.get_for_model(Investment),
        object_id=1,
        action="update",
        source="import",
        before={},
        after={"monthly_figures": {"2025-01": {"revenue": "1"}}},
        changed_fields=["monthly_figures"],
    )
    (change,) = entry.display_changes
    assert change.summary == "新增 1 个月的数据（2025-01）"


# --- comments and attachments: who may add to a record ---------------------------------------


def _comment(client, parent, body="一条意见"):
    ct = ContentType.objects.get_for_model(parent.__class__)
    return client.post("/comments/add/", {"ct": ct.pk, "oid": parent.pk, "body": body})


def _attach(client, parent):
    ct = ContentType.objects.get_for_model(parent.__class__)
    upload = SimpleUploadedFile("说明.txt", b"hello", content_type="text/plain")
    return client.post("/attachments/add/", {"ct": ct.pk, "oid": parent.pk, "file": upload})


@pytest.mark.parametrize("who", ["viewer", "staff_nomodule", "inspector"])
def test_read_only_roles_cannot_comment_or_attach(world, recs, who):
    own = recs["own"]
    client = world.client(who)
    assert client.get(f"/investment/investments/{own.pk}/").status_code == 200  # they may read it
    before = Comment.objects.count()
    assert _comment(client, own).status_code == 403
    assert _attach(client, own).status_code == 403
    assert Comment.objects.count() == before and not Attachment.objects.exists()
    page = _text(client.get(f"/investment/investments/{own.pk}/"))
    assert 'name="body"' not in page and 'name="file"' not in page


def test_a_cadre_comments_on_their_villages_record_not_on_a_town_level_one(world, recs):
    client = world.client("village")
    assert _comment(client, recs["own"], "本村已跟进").status_code == 302
    assert Comment.objects.filter(body="本村已跟进").exists()
    # The town-level record is out of their scope: missing, not forbidden.
    assert _comment(client, recs["town"], "x").status_code == 404
    assert _attach(client, recs["town"]).status_code == 404
    assert _comment(client, recs["neighbour"], "x").status_code == 404
    page = _text(client.get(f"/investment/investments/{recs['own'].pk}/"))
    assert 'name="body"' in page


@pytest.mark.parametrize("who", ["admin", "leader", "staff"])
def test_editors_and_leaders_comment(world, recs, who):
    response = _comment(world.client(who), recs["town"], f"{who}的意见")
    assert response.status_code == 302
    assert _attach(world.client(who), recs["town"]).status_code == 302
    assert Comment.objects.filter(body=f"{who}的意见").exists()


def test_another_towns_admin_gets_404(world, recs):
    assert _comment(world.client("other_admin"), recs["own"]).status_code == 404


# --- query counts ------------------------------------------------------------------------


def _count(fetch) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fetch()
        assert response.status_code == 200
    return len(ctx)


def _more(world, n):
    admin = world.users["admin"]
    for _ in range(n):
        inv = make_investment(
            world, world.villages[0], contact_phone="13900000008", leader=world.users["leader"]
        )
        investment_services.update_investment(
            Investment.objects.get(pk=inv.pk),
            data={"village": world.villages[1], "contact_phone": "13900000007"},
            acting_user=admin,
        )
        services.add_comment(inv, body="跟进", acting_user=admin)
        town_level = make_investment(world, None, department=None)
        services.soft_delete(town_level, acting_user=admin)


@pytest.mark.parametrize("who", ["admin", "village", "viewer", "staff"])
def test_change_log_queries_do_not_grow_with_entries(world, who):
    client = world.client(who)
    api = world.api(who)
    api.get("change-log")  # the token's first use is recorded once
    client.get("/changelog/")
    _more(world, 1)
    few_page = _count(lambda: client.get("/changelog/"))
    few_api = _count(lambda: api.get("change-log", limit=100))
    _more(world, 6)
    many_page = _count(lambda: client.get("/changelog/"))
    many_api = _count(lambda: api.get("change-log", limit=100))
    assert many_page == few_page and many_page <= 20, (few_page, many_page)
    assert many_api == few_api and many_api <= 12, (few_api, many_api)


def test_record_changelog_page_queries_do_not_grow(world):
    admin = world.users["admin"]
    inv = make_investment(world, world.villages[0])
    client = world.client("village")

    def update(i):
        investment_services.update_investment(
            Investment.objects.get(pk=inv.pk),
            data={
                "contact_phone": f"1390000001{i}",
                "leader": world.users[("leader", "admin")[i % 2]],
            },
            acting_user=admin,
        )

    client.get(f"/investment/investments/{inv.pk}/changelog/")  # caches content types once
    update(0)
    few = _count(lambda: client.get(f"/investment/investments/{inv.pk}/changelog/"))
    for i in range(1, 7):
        update(i)
    many = _count(lambda: client.get(f"/investment/investments/{inv.pk}/changelog/"))
    assert many == few


# --- the edit form is a door too ---------------------------------------------------------------


def _resubmit(form, **changes) -> dict:
    """The POST a browser would send for this unbound form, with `changes` applied."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    data.update(changes)
    return data


def test_edit_form_shows_a_masked_number_and_keeps_it_when_sent_back(world, recs):
    own = recs["own"]
    client = world.client("village")
    url = f"/investment/investments/{own.pk}/edit/"
    response = client.get(url)
    page = _text(response)
    assert "13900000003" not in page and "139****0003" in page
    data = _resubmit(response.context["form"], contact_name="王本村")
    assert data["contact_phone"] == "139****0003"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    own = Investment.objects.get(pk=own.pk)
    assert (own.contact_name, own.contact_phone) == ("王本村", "13900000003")
    # Typing a new number replaces it.
    response = client.get(url)
    data = _resubmit(response.context["form"], contact_phone="13600000006")
    assert client.post(url, data).status_code == 302
    assert Investment.objects.get(pk=own.pk).contact_phone == "13600000006"


def test_edit_form_shows_the_number_to_who_may_see_it(world, recs):
    response = world.client("admin").get(f"/investment/investments/{recs['own'].pk}/edit/")
    assert "13900000003" in _text(response)


def test_user_form_masks_the_phone_for_an_admin_without_the_permission(world):
    plain_admin = make_user("admin_plain", Role.ADMIN, world.town)
    staff = User.objects.get(pk=world.users["staff"].pk)
    staff.phone = "13700000009"
    staff.save()
    client = world.client(None)
    client.force_login(plain_admin)
    from django.urls import reverse

    url = reverse("core:user_edit", args=[staff.pk])
    response = client.get(url)
    page = _text(response)
    assert "13700000009" not in page and "137****0009" in page
    data = _resubmit(response.context["form"], title="科员")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    staff = User.objects.get(pk=staff.pk)
    assert (staff.title, staff.phone) == ("科员", "13700000009")


def test_one_reading_keeps_each_readers_conditions_apart(world, recs):
    """`one_reading()` reuses the visibility conditions built for a reader within a block (a
    page asks for the same models' conditions several times); two readers in one block — a
    cadre and a leader — still get their own answers, the same as outside any block."""
    from zhenwu.core import scoping
    from zhenwu.core.changelog_read import one_reading

    def seen(who):
        qs = ObjectChange.objects.all()
        return sorted(scoping.restrict(qs, world.users[who]).values_list("pk", flat=True))

    apart = {who: seen(who) for who in ("village", "leader", "village")}
    with one_reading():
        together = {who: seen(who) for who in ("village", "leader", "village")}
    assert together == apart
    assert apart["village"] != apart["leader"]  # two different answers: a real test
    comments = ContentType.objects.get_for_model(Comment)
    town_comment = Comment.objects.get(body="镇级项目的评论")
    hidden = ObjectChange.objects.get(content_type=comments, object_id=town_comment.pk).pk
    assert hidden in apart["leader"] and hidden not in apart["village"]
