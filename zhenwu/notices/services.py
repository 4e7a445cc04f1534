"""Robots' writes and their sending: the one path every door (pages, API, the scheduled job)
takes. Sending never raises and never shows an error page: every attempt — sent, refused by the
host, unreachable, or refused here by the per-minute limit — is a `Delivery` row."""

from __future__ import annotations

import datetime
import logging
import os
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhenwu.core import services as core_services
from zhenwu.notices import robots
from zhenwu.notices.models import Delivery, Purpose, Robot

WRITABLE = ("kind", "name", "url", "secret", "enabled", "daily_digest", "send_time")
RATE_WINDOW = datetime.timedelta(seconds=60)
TEST_TITLE = "镇务测试消息"
logger = logging.getLogger(__name__)


def _credentials(robot: Robot | None, data: dict) -> dict:
    """Credentials as the doors send them back: the masked URL a form or client shows is the
    stored one unchanged; an empty or missing secret keeps the stored secret (`clear_secret`
    removes it), so neither ever has to be shown to be kept."""
    data = {k: v for k, v in data.items() if k in WRITABLE or k == "clear_secret"}
    clear = bool(data.pop("clear_secret", False))
    if "url" in data:
        url = (data["url"] or "").strip()
        if robot is not None and (not url or url == robot.masked_url):
            data.pop("url")
        else:
            data["url"] = url
    if "secret" in data:
        secret = (data["secret"] or "").strip()
        if robot is not None and not secret:
            data.pop("secret")
        else:
            data["secret"] = secret
    if clear:
        data["secret"] = ""
    kind = data.get("kind", robot.kind if robot is not None else None)
    if robot is not None and kind == robots.WECOM and "secret" not in data:
        data["secret"] = ""  # a robot turned into a WeCom robot drops its DingTalk secret
    return data


@transaction.atomic
def robot_create(*, town, data: dict, acting_user) -> Robot:
    data = _credentials(None, data)
    return core_services.create_object(Robot, town=town, data=data, acting_user=acting_user)


@transaction.atomic
def robot_update(robot: Robot, *, data: dict, acting_user, expected_version=None) -> Robot:
    data = _credentials(robot, data)
    return core_services.update_object(
        robot, data=data, acting_user=acting_user, expected_version=expected_version
    )


# --- sending --------------------------------------------------------------------------------


@dataclass
class Message:
    title: str
    markdown: str  # the text (DingTalk's markdown.text; WeCom's markdown.content)


def sent_last_minute(robot: Robot, now: datetime.datetime) -> int:
    return Delivery.objects.filter(
        robot=robot, attempted=True, sent_at__gt=now - RATE_WINDOW, sent_at__lte=now
    ).count()


def send(
    robot: Robot,
    message: Message,
    *,
    purpose: str,
    on_date: datetime.date | None = None,
    now: datetime.datetime | None = None,
    timeout: float | None = None,
) -> Delivery:
    """Post `message` to `robot` and record the outcome. Never raises for what the network or
    the host does; refuses (recorded, not sent) a 21st message within 60 seconds."""
    now = now or timezone.now()
    record = Delivery(
        town_id=robot.town_id,
        robot=robot,
        sent_at=now,
        purpose=purpose,
        on_date=on_date,
        title=robots.excerpt(message.title, 120),
        excerpt=robots.excerpt(message.markdown, robots.EXCERPT_CHARS),
    )
    if sent_last_minute(robot, now) >= robots.PER_MINUTE:
        record.attempted = False
        record.errmsg = (
            f"未发送：该机器人 1 分钟内已发送 {robots.PER_MINUTE} 条消息"
            f"（{robots.KIND_NAMES.get(robot.kind, '')}每分钟最多 {robots.PER_MINUTE} 条），请稍后再试。"
        )
        record.save()
        return record
    body = robots.markdown_body(robot.kind, message.title, message.markdown)
    url = robots.signed_url(robot.url, robot.secret, int(now.timestamp() * 1000))
    answer = robots.post(url, body, timeout=timeout or robot_timeout())
    record.ok = answer.ok
    record.http_status = answer.http_status
    record.errcode = answer.errcode
    record.errmsg = answer.errmsg
    record.save()
    return record


def robot_timeout() -> float:
    return float(getattr(settings, "ZHENWU_ROBOT_TIMEOUT", robots.TIMEOUT_SECONDS))


def send_test(robot: Robot, *, acting_user=None) -> Delivery:
    who = getattr(acting_user, "display_name", None) or getattr(acting_user, "username", "")
    when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    lines = [
        f"### {TEST_TITLE}",
        f"这是「{robot.name}」的测试消息：收到即表示镇务可以向本群推送提醒。",
        "",
        f"> {when}" + (f" · {who}" if who else ""),
    ]
    return send(robot, Message(TEST_TITLE, "\n".join(lines)), purpose=Purpose.TEST)


def delivery_message(delivery: Delivery) -> str:
    """What a person is told after pressing 发送测试消息."""
    if delivery.ok:
        return f"已发送到「{delivery.robot}」，请在群里查看。"
    if not delivery.attempted:
        return delivery.errmsg
    detail = delivery.errmsg or "无说明"
    code = f"错误码 {delivery.errcode}：" if delivery.errcode is not None else ""
    return f"发送失败（{code}{detail}）。请检查地址、加签密钥、关键词或 IP 安全设置，以及代理。"


# --- the daily 督办 digest --------------------------------------------------------------------


def base_url() -> str:
    return (
        getattr(settings, "ZHENWU_BASE_URL", "") or os.environ.get("ZHENWU_BASE_URL", "")
    ).rstrip("/")


def send_due_digests(today: datetime.date, now: datetime.datetime | None = None) -> int:
    """The scheduled job (`zhenwu run-scheduled`): on a working day of each robot's town, at or
    after its send time, one digest per robot per day. A second run the same day sends nothing
    (it looks for the day's digest in the log); a run for another day than today sends nothing
    (a replay must not post old news to a group). A digest refused by the per-minute limit was
    not sent and is tried again on the next run. Returns the number of messages sent."""
    from zhenwu.core.workcalendar import get_calendar
    from zhenwu.notices import digest

    now = timezone.localtime(now or timezone.now())
    if today != now.date():
        return 0
    done = 0
    due = Robot.objects.filter(enabled=True, daily_digest=True, send_time__lte=now.time())
    messages: dict[int, Message] = {}
    for robot in due.select_related("town").order_by("town_id", "id"):
        if not get_calendar(robot.town_id).is_workday(today):
            continue
        already = Delivery.objects.filter(
            robot=robot, purpose=Purpose.DIGEST, on_date=today, attempted=True
        )
        if already.exists():
            continue
        if robot.town_id not in messages:
            messages[robot.town_id] = _build_digest(digest, robot.town, today)
        message = messages[robot.town_id]
        if message is None:
            # Recorded as the day's digest, so that a broken rule is not retried (and logged)
            # every minute; the job goes on with the other robots.
            Delivery.objects.create(
                town_id=robot.town_id,
                robot=robot,
                purpose=Purpose.DIGEST,
                on_date=today,
                title="每日督办提醒",
                errmsg="生成督办提醒时出错，未发送（详见服务器日志）。",
            )
            continue
        send(robot, message, purpose=Purpose.DIGEST, on_date=today)
        done += 1
    return done


def _build_digest(digest, town, today) -> Message | None:
    """The town's digest, or None when building it failed: one town's broken data must not stop
    the job after other robots were sent to. (The job runs outside one transaction — see its
    registration — so each robot's delivery is recorded as soon as it is known.)"""
    try:
        with transaction.atomic():
            return digest.build(town, today, base_url())
    except Exception:
        logger.exception("notices: building the digest of town %s failed", town.pk)
        return None
