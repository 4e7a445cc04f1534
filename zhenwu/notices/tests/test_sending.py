"""Sending through the services: every outcome a recorded Delivery, the 20-a-minute limit, and
the daily 督办 digest (working days, send time, once a day, content)."""

import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from zhenwu.core.actor import Source, acting_as
from zhenwu.notices import robots, services
from zhenwu.notices.models import Delivery, Purpose, Robot
from zhenwu.notices.tests.fakehost import FakeRobotHost, closed_port


@pytest.fixture
def host():
    h = FakeRobotHost()
    yield h
    h.close()


def make_robot(world, url, kind="dingtalk", **kw) -> Robot:
    data = {"kind": kind, "name": kw.pop("name", "工作群"), "url": url, **kw}
    return services.robot_create(town=world.town, data=data, acting_user=world.users["admin"])


def test_send_test_records_success_with_signature(world, host):
    robot = make_robot(world, host.url(), secret="SECtest")
    delivery = services.send_test(robot, acting_user=world.users["admin"])
    assert delivery.ok and delivery.errcode == 0 and delivery.http_status == 200
    assert delivery.purpose == Purpose.TEST
    sent = host.requests[-1]
    assert sent["body"]["msgtype"] == "markdown" and "title" in sent["body"]["markdown"]
    ts = int(sent["query"]["timestamp"])
    assert robots.sign("SECtest", ts) == robots.urllib.parse.quote_plus(sent["query"]["sign"])
    assert "已发送" in services.delivery_message(delivery)


def test_wecom_body_has_content_and_no_signature(world, host):
    robot = make_robot(world, host.url("wecom"), kind="wecom")
    assert services.send_test(robot).ok
    sent = host.requests[-1]
    assert set(sent["body"]["markdown"]) == {"content"}
    assert "sign" not in sent["query"]


@pytest.mark.parametrize("mode", ["errcode", "http500"])
def test_host_failures_are_recorded_not_raised(world, host, mode):
    host.mode = mode
    robot = make_robot(world, host.url())
    delivery = services.send_test(robot)
    assert not delivery.ok and delivery.pk
    assert "发送失败" in services.delivery_message(delivery)


def test_unreachable_host_is_recorded(world):
    url = f"http://127.0.0.1:{closed_port()}/robot/send?access_token=zzz"
    delivery = services.send_test(make_robot(world, url))
    assert not delivery.ok and delivery.attempted and "无法连接" in delivery.errmsg


def test_rate_limit_20_a_minute_then_refused(world, host):
    robot = make_robot(world, host.url())
    now = timezone.now()
    message = services.Message("t", "x")
    results = [
        services.send(robot, message, purpose=Purpose.TEST, now=now + timedelta(seconds=i))
        for i in range(20)
    ]
    assert all(d.ok for d in results) and len(host.requests) == 20
    refused = services.send(robot, message, purpose=Purpose.TEST, now=now + timedelta(seconds=20))
    assert not refused.ok and not refused.attempted
    assert "1 分钟内已发送 20 条" in refused.errmsg
    assert len(host.requests) == 20  # the 21st never left
    # A minute after the first, there is room again (the refused one does not count).
    later = services.send(robot, message, purpose=Purpose.TEST, now=now + timedelta(seconds=61))
    assert later.ok and len(host.requests) == 21


def test_rate_limit_is_per_robot(world, host):
    a = make_robot(world, host.url(), name="甲")
    b = make_robot(world, host.url(), name="乙")
    now = timezone.now()
    for _ in range(20):
        services.send(a, services.Message("t", "x"), purpose="test", now=now)
    assert services.send(b, services.Message("t", "x"), purpose="test", now=now).ok


# --- the daily digest -------------------------------------------------------------------------

WORKDAY = datetime.date(2025, 6, 30)  # a Monday
HOLIDAY = datetime.date(2025, 10, 1)  # 国庆


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def test_digest_on_a_working_day_after_the_send_time_once(world, host):
    robot = make_robot(world, host.url())
    assert services.send_due_digests(WORKDAY, now=_at(WORKDAY, 8, 29)) == 0
    assert services.send_due_digests(WORKDAY, now=_at(WORKDAY, 8, 30)) == 1
    assert services.send_due_digests(WORKDAY, now=_at(WORKDAY, 9, 0)) == 0  # once a day
    assert len(host.requests) == 1
    d = Delivery.objects.get(robot=robot, purpose=Purpose.DIGEST)
    assert d.on_date == WORKDAY and d.ok
    nxt = WORKDAY + timedelta(days=1)
    assert services.send_due_digests(nxt, now=_at(nxt, 10)) == 1


def test_digest_not_on_holidays_nor_for_another_day(world, host):
    make_robot(world, host.url())
    assert services.send_due_digests(HOLIDAY, now=_at(HOLIDAY, 10)) == 0
    assert services.send_due_digests(WORKDAY, now=_at(WORKDAY + timedelta(days=1), 10)) == 0
    assert host.requests == []


def test_digest_skips_disabled_and_unsubscribed_robots(world, host):
    make_robot(world, host.url(), name="停用", enabled=False)
    make_robot(world, host.url(), name="不订阅", daily_digest=False)
    later = make_robot(world, host.url(), name="晚点", send_time=datetime.time(17, 0))
    assert services.send_due_digests(WORKDAY, now=_at(WORKDAY, 12)) == 0
    assert services.send_due_digests(WORKDAY, now=_at(WORKDAY, 17)) == 1
    assert Delivery.objects.get().robot == later


def test_failed_digest_is_not_retried_the_same_day(world):
    url = f"http://127.0.0.1:{closed_port()}/robot/send?access_token=zzz"
    make_robot(world, url)
    assert services.send_due_digests(WORKDAY, now=_at(WORKDAY, 9)) == 1
    assert services.send_due_digests(WORKDAY, now=_at(WORKDAY, 9, 1)) == 0
    assert Delivery.objects.get().ok is False


def test_digest_with_nothing_to_report(world, host):
    make_robot(world, host.url())
    services.send_due_digests(WORKDAY, now=_at(WORKDAY, 9))
    text = host.requests[-1]["body"]["markdown"]["text"]
    assert "今日无逾期事项" in text


def test_digest_lists_overdue_and_due_soon_tasks_without_phone_numbers(world, host, settings):
    from zhenwu.plan.models import Task

    admin = world.users["admin"]
    admin.phone = "13912345678"
    admin.save()
    with acting_as(None, Source.SYSTEM):
        Task.objects.create(
            town=world.town, title="逾期的督办", deadline=WORKDAY - timedelta(days=3),
            assignee=admin, assigned_by=admin,
        )  # fmt: skip
        Task.objects.create(
            town=world.town, title="快到期的督办", deadline=WORKDAY + timedelta(days=2),
            assignee=admin, assigned_by=admin,
        )  # fmt: skip
        Task.objects.create(
            town=world.town, title="远期的督办", deadline=WORKDAY + timedelta(days=30),
            assignee=admin, assigned_by=admin,
        )  # fmt: skip
        Task.objects.create(
            town=world.other_town, title="别镇的督办", deadline=WORKDAY - timedelta(days=3),
            assigned_by=world.users["other_admin"], assignee=world.users["other_admin"],
        )  # fmt: skip
    settings.ZHENWU_BASE_URL = "https://zhenwu.example.gov.cn/"
    make_robot(world, host.url("wecom"), kind="wecom")
    assert services.send_due_digests(WORKDAY, now=_at(WORKDAY, 9)) == 1
    text = host.requests[-1]["body"]["markdown"]["content"]
    assert "逾期督办事项（1）" in text and "逾期的督办" in text
    assert "3 个工作日内到期的督办事项（1）" in text and "快到期的督办" in text
    assert "远期的督办" not in text and "别镇" not in text
    assert "admin_t" in text  # who
    assert "13912345678" not in text and "5678" not in text
    assert "今日无逾期事项" not in text
    assert "](https://zhenwu.example.gov.cn/plan/board/)" in text


def test_digest_job_is_registered():
    from zhenwu.core.scheduler import jobs

    assert "notices.daily_digest" in {j.key for j in jobs()}


def test_a_digest_that_fails_to_build_is_recorded_once_and_others_still_go(
    world, host, monkeypatch
):
    from zhenwu.notices import digest

    make_robot(world, host.url(), name="本镇")
    with acting_as(None, Source.SYSTEM):
        other = services.robot_create(
            town=world.other_town,
            data={"kind": "wecom", "name": "别镇群", "url": host.url("wecom")},
            acting_user=None,
        )
    real = digest.build

    def broken(town, today, base_url=""):
        if town == world.town:
            raise RuntimeError("bad data")
        return real(town, today, base_url)

    monkeypatch.setattr(digest, "build", broken)
    assert services.send_due_digests(WORKDAY, now=_at(WORKDAY, 9)) == 1
    assert len(host.requests) == 1 and Delivery.objects.get(robot=other).ok
    failed = Delivery.objects.get(robot__town=world.town)
    assert not failed.ok and "生成督办提醒时出错" in failed.errmsg
    assert services.send_due_digests(WORKDAY, now=_at(WORKDAY, 9, 5)) == 0
