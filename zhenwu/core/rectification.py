"""The one rectification flow (问题交办单 → 整改时限 → 整改后照片 → 验收销号, 退回, 逾期上报, 反弹),
shared by every module that records problems to be put right: the 人居环境 inspections'
`Finding` and the 守粮安 patrols' `PatrolFinding` (domain-rules §4 rectification loop, §6).

- `Rectifiable`: the abstract model with the order's fields (status, deadline, responsible,
  rectified_at, rectification_note, accepted_at/by, return_note, escalated, is_recurrence,
  recurrence_of). A concrete model inherits it; field names and options are those the
  inspections module always had, so inheriting it changes no schema.
- Pure rules: `rectification_deadline` (working days on the platform calendar) and
  `is_recurrence` (found again within a window after 销号).
- Services on any Rectifiable: `previous_accepted` / `detect_recurrence`, `submit`,
  `accept`, `send_back`, `escalate_overdue`, `open_q`. Each module wraps them with its own
  wording (who verifies) and its own extras (the inspections sheet's rescore).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    SUBMITTED = "submitted", _("已整改待验收")
    RETURNED = "returned", _("退回重改")
    ACCEPTED = "accepted", _("已销号")


OPEN_STATUSES = (
    RectificationStatus.OPEN,
    RectificationStatus.SUBMITTED,
    RectificationStatus.RETURNED,
)


class Rectifiable(models.Model):
    """A problem that is also a rectification order. Concrete models set what they need
    around it (village, what was found, when: `found_on`)."""

    is_recurrence = models.BooleanField(_("反弹"), default=False, editable=False)
    recurrence_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("反弹自"),
        editable=False,
    )
    # --- the rectification order (问题交办单)
    status = models.CharField(
        _("整改状态"),
        max_length=10,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
    )
    deadline = models.DateField(_("整改时限"), null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("责任人"),
    )
    rectified_at = models.DateTimeField(_("整改时间"), null=True, blank=True, editable=False)
    rectification_note = models.CharField(_("整改说明"), max_length=300, blank=True)
    accepted_at = models.DateTimeField(_("销号时间"), null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("验收人"),
        editable=False,
    )
    return_note = models.CharField(_("退回意见"), max_length=300, blank=True, editable=False)
    escalated = models.BooleanField(_("已逾期上报"), default=False, editable=False)

    class Meta:
        abstract = True

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status in OPEN_STATUSES and self.deadline is not None and self.deadline < today

    def on_time(self) -> bool | None:
        if self.status != RectificationStatus.ACCEPTED or self.deadline is None:
            return None
        done = self.rectified_at or self.accepted_at
        return timezone.localtime(done).date() <= self.deadline

    @property
    def may_be_rectified(self) -> bool:
        return self.status in (RectificationStatus.OPEN, RectificationStatus.RETURNED)


# --------------------------------------------------------------------------- rules


def rectification_deadline(found_on: date, working_days: int, calendar) -> date:
    """The deadline of a rectification order: `working_days` working days after the day of
    the finding on the platform's calendar (the day itself not counted); 0 = immediately, the
    same day if it is a working day, else the next working day."""
    if working_days < 0:
        raise ValueError("整改时限不能为负数")
    return calendar.add_workdays(found_on, working_days)


def is_recurrence(accepted_on: date | None, found_on: date, window_days: int) -> bool:
    """A problem of the same type at the same place found again within `window_days` after the
    earlier one was accepted (销号) is a recurrence (反弹). Found on the acceptance day counts."""
    if accepted_on is None:
        return False
    delta = (found_on - accepted_on).days
    return 0 <= delta <= window_days


def recurrence_weight(recurrence: bool, multiplier):
    """The weight a recurrence carries (the module's multiplier hook), 1 otherwise."""
    from decimal import Decimal

    return Decimal(multiplier) if recurrence else Decimal(1)


# --------------------------------------------------------------------------- services


def open_q() -> Q:
    return Q(status__in=OPEN_STATUSES)


def previous_accepted(queryset, *, before: datetime | date, found_field: str):
    """The latest accepted order of `queryset` (already narrowed to the same place and type)
    found before `before`."""
    return (
        queryset.filter(status=RectificationStatus.ACCEPTED, **{f"{found_field}__lt": before})
        .order_by("-accepted_at", "-pk")
        .first()
    )


def detect_recurrence(queryset, *, found_at, found_on: date, found_field: str, window_days: int):
    """(is_recurrence, the earlier order or None) for a problem found at `found_at` (the
    day `found_on`): the same place and type — `queryset` — accepted within the window."""
    previous = previous_accepted(queryset, before=found_at, found_field=found_field)
    if previous is None or previous.accepted_at is None:
        return False, None
    hit = is_recurrence(timezone.localtime(previous.accepted_at).date(), found_on, window_days)
    return hit, (previous if hit else None)


@transaction.atomic
def submit(
    order: Rectifiable,
    *,
    photo,
    acting_user,
    note: str = "",
    when: datetime | None = None,
    waiting_text: str = "整改照片已上传，正在等待验收。",
) -> Rectifiable:
    """The responsible village uploads the after-photo (an Attachment captioned 整改后)."""
    from zhenwu.core import services

    if order.status == RectificationStatus.ACCEPTED:
        raise ValidationError({"photo": "该问题已验收销号，不能再上传整改照片。"})
    if order.status == RectificationStatus.SUBMITTED:
        raise ValidationError({"photo": waiting_text})
    if photo is None:
        raise ValidationError({"photo": "请上传整改后的现场照片（与整改前同一位置）。"})
    order = services.update_object(
        order,
        data={
            "status": RectificationStatus.SUBMITTED,
            "rectified_at": when or timezone.now(),
            "rectification_note": note or "",
        },
        acting_user=acting_user,
    )
    services.add_attachment(order, uploaded=photo, acting_user=acting_user, caption="整改后")
    return order


def may_verify(user, model) -> bool:
    """Those who edit the module (never the village that did the work) accept or return."""
    from zhenwu.core import scoping
    from zhenwu.core.models import Role

    return (
        user is not None
        and user.is_authenticated
        and user.role != Role.VILLAGE
        and scoping.can_write_model(user, model)
    )


@transaction.atomic
def accept(
    order: Rectifiable,
    *,
    acting_user,
    when: datetime | None = None,
    who_text: str = "只有验收人员可以验收销号。",
    verifier: Callable | None = None,
) -> Rectifiable:
    from zhenwu.core import services

    allowed = verifier(acting_user) if verifier else may_verify(acting_user, type(order))
    if not allowed:
        raise ValidationError({"status": who_text})
    if order.status != RectificationStatus.SUBMITTED:
        raise ValidationError({"status": "只有已上传整改照片的问题才能验收销号。"})
    return services.update_object(
        order,
        data={
            "status": RectificationStatus.ACCEPTED,
            "accepted_at": when or timezone.now(),
            "accepted_by": acting_user,
            "return_note": "",
        },
        acting_user=acting_user,
    )


@transaction.atomic
def send_back(
    order: Rectifiable,
    *,
    note: str,
    acting_user,
    who_text: str = "只有验收人员可以退回整改。",
    verifier: Callable | None = None,
) -> Rectifiable:
    from zhenwu.core import services

    allowed = verifier(acting_user) if verifier else may_verify(acting_user, type(order))
    if not allowed:
        raise ValidationError({"status": who_text})
    if order.status != RectificationStatus.SUBMITTED:
        raise ValidationError({"status": "只有已上传整改照片的问题才能退回。"})
    if not (note or "").strip():
        raise ValidationError({"return_note": "请写明退回原因。"})
    return services.update_object(
        order,
        data={"status": RectificationStatus.RETURNED, "return_note": note.strip()},
        acting_user=acting_user,
    )


def escalate_overdue(model, today: date) -> int:
    """Mark a model's open orders past their deadline as escalated (shown to the leaders)."""
    from zhenwu.core import services

    n = 0
    for order in model.objects.filter(
        status__in=OPEN_STATUSES, deadline__lt=today, escalated=False
    ):
        order.escalated = True
        with services.attributed(None):
            order.save()
        n += 1
    return n
