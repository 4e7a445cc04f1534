"""Chat robots (钉钉 / 企业微信 group robots) that post to the groups township staff read, and the
log of every message sent to them.

Credentials: a robot's webhook URL carries its token (`access_token=` / `key=`) and a DingTalk
robot has a 加签 secret. Whoever holds them can post to the group, so neither is ever shown
back: pages and the API show the URL with the token masked (`robots.mask_url`) and only whether
a secret is set; the change log records both as a fingerprint (`changelog_secret_fields`, the
platform's mechanism for the password hash), so a change shows and the value does not.

Robots are the administrators' business: `scope_gate` gives other roles nothing (404 on every
door), and only a town's administrators (and superusers) write them.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhenwu.core.base import TownScopedModel
from zhenwu.notices import robots


def may_manage_robots(user) -> bool:
    """Town administrators (and superusers): the only ones who see or change robots."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "is_town_admin", False)
    )


def _admin_gate(queryset, user, action):
    from zhenwu.core import scoping

    if not may_manage_robots(user):
        return queryset.none()
    return scoping.restrict_rows(queryset, user, action)


class RobotKind(models.TextChoices):
    DINGTALK = robots.DINGTALK, _("钉钉")
    WECOM = robots.WECOM, _("企业微信")


class Robot(TownScopedModel):
    scope_module = "notices"
    changelog_secret_fields = ("url", "secret")

    kind = models.CharField(_("类型"), max_length=10, choices=RobotKind.choices)
    name = models.CharField(_("名称"), max_length=60, help_text=_("如「南口镇工作群」"))
    url = models.CharField(
        _("机器人地址"),
        max_length=500,
        help_text=_("群机器人设置里的 Webhook 地址，整段复制；保存后不再完整显示"),
    )
    secret = models.CharField(
        _("加签密钥"),
        max_length=200,
        blank=True,
        help_text=_("钉钉机器人安全设置选「加签」时以 SEC 开头的密钥；企业微信不填"),
    )
    enabled = models.BooleanField(_("启用"), default=True)
    daily_digest = models.BooleanField(
        _("推送每日督办提醒"),
        default=True,
        help_text=_("工作日到点推送红灯指标、逾期和临期督办事项、逾期项目节点"),
    )
    send_time = models.TimeField(
        _("推送时间"),
        default=datetime.time(8, 30),
        help_text=_("每个工作日（按本镇工作日历）到此时间后推送一次"),
    )

    class Meta:
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "name"],
                condition=Q(is_deleted=False),
                name="notices_robot_unique_name",
            )
        ]

    def __str__(self):
        return self.name

    @classmethod
    def scope_gate(cls, queryset, user, action):
        return _admin_gate(queryset, user, action)

    def get_absolute_url(self):
        return reverse("notices:robot_detail", args=[self.pk])

    @property
    def masked_url(self) -> str:
        return robots.mask_url(self.url)

    @property
    def has_secret(self) -> bool:
        return bool(self.secret)

    def clean(self):
        errors = {}
        if self.kind in robots.KINDS:
            message = robots.url_error(self.kind, self.url or "")
            if message:
                errors["url"] = message
            message = robots.secret_error(self.kind, self.secret or "")
            if message:
                errors["secret"] = message
        if errors:
            raise ValidationError(errors)


class Purpose(models.TextChoices):
    TEST = "test", _("测试消息")
    DIGEST = "digest", _("每日督办提醒")


class Delivery(models.Model):
    """One message to one robot, sent or refused: what the group was (or was not) told."""

    town = models.ForeignKey(
        "core.Town", on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇")
    )
    robot = models.ForeignKey(
        Robot, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("机器人")
    )
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now, db_index=True)
    purpose = models.CharField(_("用途"), max_length=10, choices=Purpose.choices)
    # The working day a digest was for: a second run that day sends nothing.
    on_date = models.DateField(_("推送日期"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=120)
    # False when refused before any request (the per-minute limit): not counted against it.
    attempted = models.BooleanField(_("已发出请求"), default=True)
    ok = models.BooleanField(_("成功"), default=False)
    http_status = models.PositiveSmallIntegerField(_("HTTP 状态"), null=True, blank=True)
    errcode = models.BigIntegerField(_("错误码"), null=True, blank=True)
    errmsg = models.CharField(_("说明"), max_length=300, blank=True)
    excerpt = models.CharField(_("消息摘要"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["robot", "sent_at"], name="notices_delivery_robot_time")]

    def __str__(self):
        return f"{self.robot} · {self.title}"

    @classmethod
    def scope_gate(cls, queryset, user, action):
        from zhenwu.core import scoping

        if action != scoping.VIEW:
            return queryset.none()  # the log is read-only through every door
        return _admin_gate(queryset, user, action)
