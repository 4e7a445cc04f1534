"""Pages, API, menu and change log of the robots: administrators only (404 for everyone else),
and the credentials never shown back through any door."""

import pytest
from django.urls import reverse

from zhenwu.core.models import ObjectChange
from zhenwu.notices import services
from zhenwu.notices.models import Delivery, Robot
from zhenwu.notices.tests.fakehost import FakeRobotHost, closed_port

TOKEN = "0123456789abcdefTOKENdeadbeef"
SECRET = "SECsupersecretvalue42"
NON_ADMINS = ("leader", "staff", "staff_nomodule", "village", "inspector", "viewer")


@pytest.fixture
def host():
    h = FakeRobotHost()
    yield h
    h.close()


def _robot(world, town=None, url=None, **kw):
    town = town or world.town
    user = world.users["admin" if town == world.town else "other_admin"]
    data = {
        "kind": "dingtalk",
        "name": kw.pop("name", "镇工作群"),
        "url": url or f"http://127.0.0.1:{closed_port()}/robot/send?access_token={TOKEN}",
        "secret": SECRET,
        **kw,
    }
    return services.robot_create(town=town, data=data, acting_user=user)


def _no_credentials(text: str):
    assert TOKEN not in text and SECRET not in text


@pytest.mark.parametrize("role", NON_ADMINS)
def test_other_roles_get_404_everywhere(world, role):
    robot = _robot(world)
    client = world.client(role)
    for name, args in [
        ("robot_list", []),
        ("robot_add", []),
        ("robot_detail", [robot.pk]),
        ("robot_edit", [robot.pk]),
        ("delivery_list", []),
    ]:
        assert client.get(reverse(f"notices:{name}", args=args)).status_code == 404, name
    for name in ("robot_test", "robot_delete"):
        assert client.post(reverse(f"notices:{name}", args=[robot.pk])).status_code == 404
    api = world.api(role)
    assert api.get("robots").json()["items"] == []
    assert api.get(f"robots/{robot.pk}").status_code == 404
    assert api.post(f"robots/{robot.pk}/test").status_code == 404
    assert api.patch(f"robots/{robot.pk}", {"version": 1, "name": "x"}).status_code == 404
    assert api.delete(f"robots/{robot.pk}").status_code == 404
    body = {"kind": "wecom", "name": "x", "url": "https://q.example/send?key=k"}
    assert api.post("robots", body).status_code == 404
    log = api.get("change-log", model="robot", limit=100)
    assert log.status_code != 200 or log.json()["items"] == []
    assert Robot.objects.filter(name="x").count() == 0
    home = client.get("/", follow=True)
    assert home.status_code == 200 and 'href="/notices/robots/"' not in home.content.decode()


def test_other_towns_admin_sees_nothing_of_this_town(world):
    robot = _robot(world)
    client = world.client("other_admin")
    assert client.get(reverse("notices:robot_detail", args=[robot.pk])).status_code == 404
    assert world.api("other_admin").get(f"robots/{robot.pk}").status_code == 404
    assert world.api("other_admin").get("robots").json()["items"] == []


def test_admin_pages_never_show_the_credentials(world):
    robot = _robot(world)
    client = world.client("admin")
    listing = client.get(reverse("notices:robot_list"))
    assert listing.status_code == 200 and "镇工作群" in listing.content.decode()
    assert "access_token=********" in listing.content.decode()
    for name in ("robot_list", "robot_detail", "robot_edit"):
        args = [] if name == "robot_list" else [robot.pk]
        html = client.get(reverse(f"notices:{name}", args=args)).content.decode()
        _no_credentials(html)
    home = client.get("/", follow=True)  # the menu entry
    assert home.status_code == 200 and 'href="/notices/robots/"' in home.content.decode()


def test_edit_form_keeps_credentials_sent_back_masked(world):
    robot = _robot(world)
    client = world.client("admin")
    response = client.post(
        reverse("notices:robot_edit", args=[robot.pk]),
        {
            "kind": "dingtalk",
            "name": "改名的群",
            "url": robot.masked_url,
            "secret": "",
            "enabled": "on",
            "daily_digest": "on",
            "send_time": "09:00",
            "version": robot.version,
        },
    )
    assert response.status_code == 302, response.content.decode()
    robot.refresh_from_db()
    assert robot.name == "改名的群" and TOKEN in robot.url and robot.secret == SECRET
    assert str(robot.send_time) == "09:00:00"


def test_add_form_refuses_bad_url_with_a_chinese_message(world):
    client = world.client("admin")
    response = client.post(
        reverse("notices:robot_add"),
        {
            "kind": "wecom",
            "name": "错的",
            "url": "https://q.example/send?token=1",
            "send_time": "08:30",
        },
    )
    assert response.status_code == 400
    assert "机器人地址：企业微信机器人的地址须包含「key=…」" in response.content.decode()
    assert not Robot.objects.filter(name="错的").exists()


def test_change_log_fingerprints_the_credentials(world):
    robot = _robot(world)
    services.robot_update(
        robot,
        data={"url": robot.url.replace(TOKEN, TOKEN + "2"), "secret": SECRET + "2"},
        acting_user=world.users["admin"],
    )
    entries = ObjectChange.objects.filter(object_id=robot.pk, content_type__model="robot")
    assert entries.count() == 2
    for e in entries:
        import json

        _no_credentials(json.dumps([e.before, e.after], ensure_ascii=False))
    log = world.api("admin").get("change-log", model="robot", limit=100)
    assert log.status_code == 200 and len(log.json()["items"]) == 2
    _no_credentials(log.content.decode())
    page = world.client("admin").get(reverse("core:changelog"))
    _no_credentials(page.content.decode())


def test_api_create_list_patch_delete_secret_write_only(world):
    api = world.api("admin")
    body = {
        "kind": "dingtalk",
        "name": "接口建的群",
        "url": f"https://oapi.dingtalk.com/robot/send?access_token={TOKEN}",
        "secret": SECRET,
    }
    created = api.post("robots", body)
    assert created.status_code == 201, created.content
    out = created.json()
    assert out["url"] == "https://oapi.dingtalk.com/robot/send?access_token=********"
    assert out["has_secret"] is True and "secret" not in out
    assert out["send_time"] == "08:30" and out["enabled"] and out["daily_digest"]
    _no_credentials(created.content.decode())
    listed = api.get("robots")
    assert [i["name"] for i in listed.json()["items"]] == ["接口建的群"]
    _no_credentials(listed.content.decode())
    # PATCH with the masked URL as read keeps the stored one.
    patched = api.patch(
        f"robots/{out['id']}", {"version": out["version"], "url": out["url"], "enabled": False}
    )
    assert patched.status_code == 200, patched.content
    robot = Robot.objects.get(pk=out["id"])
    assert TOKEN in robot.url and robot.secret == SECRET and not robot.enabled
    # Clearing the secret.
    cleared = api.patch(
        f"robots/{out['id']}", {"version": patched.json()["version"], "clear_secret": True}
    )
    assert cleared.status_code == 200 and cleared.json()["has_secret"] is False
    assert api.delete(f"robots/{out['id']}").status_code == 204
    assert Robot.all_objects.get(pk=out["id"]).is_deleted


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "dingtalk", "name": "a", "url": "https://x.example/send?key=1"}, "url"),
        ({"kind": "wecom", "name": "b", "url": "https://x.example/send?key=1", "secret": "SEC1"}, "secret"),
        ({"kind": "dingtalk", "name": "c", "url": "https://x.example/s?access_token=1", "secret": "x"}, "secret"),
        ({"kind": "telegram", "name": "d", "url": "https://x.example/s?key=1"}, None),
    ],
)  # fmt: skip
def test_api_refuses_bad_credentials_with_422_naming_the_field(world, body, field):
    response = world.api("admin").post("robots", body)
    assert response.status_code == 422, response.content
    if field:
        assert any(d.get("field") == field for d in response.json()["detail"])


def test_api_test_endpoint_answers_ok_and_failure(world, host):
    api = world.api("admin")
    robot = _robot(world, url=host.url())
    answer = api.post(f"robots/{robot.pk}/test")
    assert answer.status_code == 200
    assert answer.json() == {"ok": True, "errcode": 0, "errmsg": "ok"}
    host.mode = "errcode"
    answer = api.post(f"robots/{robot.pk}/test").json()
    assert answer["ok"] is False and answer["errcode"] == 310000
    unreachable = _robot(world, name="连不上")
    answer = api.post(f"robots/{unreachable.pk}/test").json()
    assert answer["ok"] is False and answer["errcode"] is None and "无法连接" in answer["errmsg"]
    assert Delivery.objects.filter(robot__town=world.town).count() == 3


def test_test_button_shows_the_result_and_the_log(world, host):
    client = world.client("admin")
    robot = _robot(world, url=host.url())
    response = client.post(reverse("notices:robot_test", args=[robot.pk]), follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and "已发送到「镇工作群」" in html
    host.mode = "http500"
    html = client.post(reverse("notices:robot_test", args=[robot.pk]), follow=True).content.decode()
    assert "发送失败" in html and "HTTP 500" in html
    log = client.get(reverse("notices:delivery_list")).content.decode()
    assert log.count("测试消息 · 镇务测试消息") == 2
    _no_credentials(log)


def test_admin_deletes_and_the_recycle_bin_restores(world):
    robot = _robot(world)
    client = world.client("admin")
    assert client.post(reverse("notices:robot_delete", args=[robot.pk])).status_code == 302
    assert not Robot.objects.filter(pk=robot.pk).exists()
    bin_page = client.get(reverse("core:recycle_bin"))
    assert bin_page.status_code == 200 and "镇工作群" in bin_page.content.decode()
