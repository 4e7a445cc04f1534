"""The fields every module declares the same way: the village a record belongs to, the
responsible department, an account (a responsible person or the one who recorded something),
and the name kept for a person who has no account yet. One declaration each, so a new module
writes `village = village_field()` instead of eight lines that drift apart.

Labels are translated where they are declared: a caller passes `_("包保领导")` (gettext_lazy),
so makemessages finds the string beside the model; the factories pass the lazy label on and
compose with it lazily (`person_name_field`), never turning it into a `str` at import time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

VILLAGE_LABEL = _("所在村（社区）")


def village_field(
    label: str | Promise = VILLAGE_LABEL, *, related_name: str = "+"
) -> models.ForeignKey:
    """The village (社区) a record belongs to — the field the scoping gate reads for village
    cadres (`village_path`). Optional; a village in use cannot be deleted."""
    return models.ForeignKey(
        "core.Village",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=label,
    )


def department_field(label: str | Promise, *, related_name: str = "+") -> models.ForeignKey:
    """The responsible department (责任单位). Optional; a department in use cannot be deleted."""
    return models.ForeignKey(
        "core.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=label,
    )


def account_field(
    label: str | Promise, *, responsible: bool, related_name: str = "+"
) -> models.ForeignKey:
    """An optional user account. A *responsible* person (包保领导, 责任人, 承办人) keeps the
    account from being deleted while it is named (PROTECT: hand the work over first); the one
    who merely *recorded* something (操作人, 填报人, 跟进人) loses the link when the account goes
    (SET_NULL), and the change log still names them."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT if responsible else models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=label,
    )


def person_name_field(role: str | Promise) -> models.CharField:
    """The name of a `role` (包保领导, 包保干部 …) imported before they have an account;
    `core.people.link_named_records` links the record once an account of that name exists.
    `role` is a lazy label; label and help text are composed from it in the reader's language."""
    return models.CharField(
        format_lazy(_("{role}（姓名）"), role=role),
        max_length=30,
        blank=True,
        help_text=format_lazy(
            _("导入时尚无账号的{role}按姓名保存；开通同名账号后自动关联"), role=role
        ),
    )
