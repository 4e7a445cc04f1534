"""人居环境整治: checklists, spots, rounds (暗访/明查/复查), findings and their rectification,
monthly ranking publications (issue 13, domain-rules §4).

- `Checklist` (评分细则, versioned by 版次) with `ChecklistSection`s and `ChecklistItem`s: points,
  deduction per occurrence, cap (扣完为止), zeroing items, photo required, rectification deadline
  in working days per problem type. It also carries the round rules (units per round, spots per
  unit, visits per month), the recurrence window and multiplier and the flag scheme.
- `Spot`: a named point of a village (settlement, ditch section, road, 房前屋后).
- `Round` (resource `inspections`): one round, its inspectors; secret until it starts.
- `Sheet`: a unit's score sheet in a round (the drawn spots, items not applicable, the score).
- `Finding` (resource `findings`): item × count at a spot, photos as attachments, GPS, time;
  it is also the unit's rectification order (deadline, responsible cadre, after-photo, 销号).
- `RankingPublication`: a month's ranking published (the 一月一评比 indicator counts them).
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhenwu.core import scoping
from zhenwu.core.base import TownScopedModel
from zhenwu.core.models import Role
from zhenwu.core.rectification import OPEN_STATUSES, Rectifiable, RectificationStatus  # noqa: F401


class RoundKind(models.TextChoices):
    UNANNOUNCED = "unannounced", _("暗访")
    ANNOUNCED = "announced", _("明查")
    REINSPECTION = "reinspection", _("复查")


class RoundStatus(models.TextChoices):
    DRAWN = "drawn", _("已抽签")
    CLOSED = "closed", _("已结束")


class SpotKind(models.TextChoices):
    SETTLEMENT = "settlement", _("集中居住区")
    DITCH = "ditch", _("主干沟渠")
    ROAD = "road", _("道路")
    YARD = "yard", _("房前屋后")


class FlagSchemeKind(models.TextChoices):
    FLAGS = "flags", _("流动红旗/黄旗")
    RED_BLACK = "red_black", _("红黑榜")


# The rectification order's states live in the shared flow (core.rectification).
FindingStatus = RectificationStatus


class Checklist(TownScopedModel):
    scope_module = "inspections"

    name = models.CharField(_("名称"), max_length=60)
    edition = models.PositiveSmallIntegerField(_("版次"), default=1)
    is_active = models.BooleanField(_("启用"), default=True)
    units_per_round = models.PositiveSmallIntegerField(_("每轮抽查村数"), default=3)
    spots_per_unit = models.PositiveSmallIntegerField(_("每村抽查点位数"), default=2)
    min_visits_per_month = models.PositiveSmallIntegerField(_("每村每月至少检查次数"), default=1)
    recurrence_window_days = models.PositiveSmallIntegerField(
        _("反弹认定期（天）"),
        default=60,
        help_text=_("销号后多少天内同一点位同类问题再次发现即为反弹"),
    )
    recurrence_multiplier = models.DecimalField(
        _("反弹扣分倍数"),
        max_digits=4,
        decimal_places=2,
        default=Decimal(2),
        validators=[MinValueValidator(Decimal(1))],
    )
    flag_scheme = models.CharField(
        _("评比方式"), max_length=12, choices=FlagSchemeKind.choices, default=FlagSchemeKind.FLAGS
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("评分细则")
        verbose_name_plural = _("评分细则")
        ordering = ["-is_active", "-edition", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "name", "edition"],
                condition=Q(is_deleted=False),
                name="inspections_checklist_unique_edition",
                violation_error_message="该评分细则的这一版次已存在。",
            )
        ]

    def __str__(self):
        return f"{self.name}（第{self.edition}版）"


class ChecklistSection(TownScopedModel):
    scope_module = "inspections"

    checklist = models.ForeignKey(
        Checklist, on_delete=models.CASCADE, related_name="sections", verbose_name=_("评分细则")
    )
    name = models.CharField(_("板块"), max_length=40)
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("评分板块")
        verbose_name_plural = _("评分板块")
        ordering = ["checklist", "order", "pk"]

    def __str__(self):
        return f"{self.name}（{self.points:g}分）"


class ChecklistItem(TownScopedModel):
    scope_module = "inspections"

    section = models.ForeignKey(
        ChecklistSection, on_delete=models.CASCADE, related_name="items", verbose_name=_("板块")
    )
    code = models.CharField(_("编码"), max_length=12)
    name = models.CharField(_("问题类型"), max_length=80)
    deduction = models.DecimalField(_("每处扣分"), max_digits=5, decimal_places=2)
    cap = models.DecimalField(
        _("最多扣分"), max_digits=5, decimal_places=2, help_text=_("扣完为止")
    )
    zeroes_section = models.BooleanField(_("发现即本板块不得分"), default=False)
    photo_required = models.BooleanField(_("必须拍照"), default=True)
    deadline_days = models.PositiveSmallIntegerField(
        _("整改时限（工作日）"), default=3, help_text=_("0 为立即整改（当日）")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["section__order", "order", "pk"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        if self.section_id and self.cap is not None and self.cap > self.section.points:
            raise ValidationError({"cap": "最多扣分不能超过板块分值。"})
        if self.deduction is not None and self.deduction <= 0:
            raise ValidationError({"deduction": "每处扣分必须大于0。"})


class Spot(TownScopedModel):
    village_path = "village"
    scope_module = "inspections"

    village = models.ForeignKey(
        "core.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("村（社区）")
    )
    name = models.CharField(_("点位"), max_length=60)
    kind = models.CharField(_("类型"), max_length=12, choices=SpotKind.choices)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("检查点位")
        verbose_name_plural = _("检查点位")
        ordering = ["village__order", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "village", "name"],
                condition=Q(is_deleted=False),
                name="inspections_spot_unique_name",
                violation_error_message="本村已有同名点位。",
            )
        ]

    def __str__(self):
        return self.name


def hidden_round_q(user) -> Q | None:
    """Rounds the user may not see yet: a round not started is secret to
    everyone but its inspectors, the inspections module's editors and administrators.
    None when the user sees every round of their scope."""
    if user is None or not user.is_authenticated or user.is_superuser:
        return None
    if user.role == Role.ADMIN or "inspections" in scoping.editable_modules(user):
        if user.role != Role.INSPECTOR:
            return None
        # An inspector sees the future rounds they are on.
        return Q(starts_at__gt=timezone.now()) & ~Q(inspectors=user)
    return Q(starts_at__gt=timezone.now())


def _gate_by_round(queryset, user, action, link):
    """`restrict()` by town and village, then hide what belongs to a round not started yet
    from those who may not see it (the secrecy of the draw; the change log follows)."""
    qs = scoping.restrict_rows(queryset, user, action)
    hidden = hidden_round_q(user)
    if hidden is None:
        return qs
    return qs.exclude(**{f"{link}__in": Round.all_objects.filter(hidden).values("pk")})


class Round(TownScopedModel):
    scope_module = "inspections"

    title = models.CharField(_("轮次"), max_length=60)
    kind = models.CharField(
        _("检查方式"), max_length=14, choices=RoundKind.choices, default=RoundKind.UNANNOUNCED
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_on = models.DateField(_("结束日期"))
    status = models.CharField(
        _("状态"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.DRAWN
    )
    checklist = models.ForeignKey(
        Checklist, on_delete=models.PROTECT, related_name="+", verbose_name=_("评分细则")
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("督查员")
    )
    note = models.TextField(_("备注"), blank=True)
    # 复查 only: the problems rectified (after-photo uploaded) in this period are revisited.
    revisit_from = models.DateField(_("复查起始日"), null=True, blank=True)
    revisit_to = models.DateField(_("复查截止日"), null=True, blank=True)

    class Meta:
        verbose_name = _("检查轮次")
        verbose_name_plural = _("检查轮次")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["town", "starts_at"])]

    def __str__(self):
        return self.title

    @classmethod
    def scope_gate(cls, queryset, user, action):
        return _gate_by_round(queryset, user, action, "pk")

    @property
    def started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def month(self):
        return timezone.localtime(self.starts_at).date().replace(day=1)

    def clean(self):
        if (
            self.starts_at
            and self.ends_on
            and self.ends_on < timezone.localtime(self.starts_at).date()
        ):
            raise ValidationError({"ends_on": "结束日期不能早于开始日期。"})
        if self.kind != RoundKind.REINSPECTION and (self.revisit_from or self.revisit_to):
            raise ValidationError({"revisit_from": "只有复查轮次有复查期间。"})
        if self.revisit_from and self.revisit_to and self.revisit_from > self.revisit_to:
            raise ValidationError({"revisit_to": "复查截止日不能早于起始日。"})


class Sheet(TownScopedModel):
    """A unit's score sheet in one round: the spots drawn, items not applicable, the score
    (kept up to date by the services whenever a finding changes)."""

    village_path = "village"
    scope_module = "inspections"

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="sheets", verbose_name=_("轮次")
    )
    village = models.ForeignKey(
        "core.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("村（社区）")
    )
    spot_ids = models.JSONField(_("抽中点位"), default=list, blank=True)
    not_applicable = models.JSONField(_("不适用项"), default=list, blank=True)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    rescaled = models.BooleanField(_("按适用项折算"), default=False)
    month = models.DateField(_("月份"), editable=False)
    # 复查: [{"finding": id, "outcome": "pending" | "fixed" | "still", "by": user id,
    #        "at": ISO time, "new_finding": id or null}] — see services.confirm_revisit.
    revisits = models.JSONField(_("复查问题"), default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")
        ordering = ["round", "village__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "village"],
                condition=Q(is_deleted=False),
                name="inspections_sheet_unique_village",
            )
        ]
        indexes = [models.Index(fields=["town", "month", "village"])]

    def __str__(self):
        return f"{self.round} · {self.village.name}"

    @classmethod
    def scope_gate(cls, queryset, user, action):
        return _gate_by_round(queryset, user, action, "round")

    def save(self, *args, **kwargs):
        if self.round_id:
            self.month = self.round.month
        super().save(*args, **kwargs)


class Finding(TownScopedModel, Rectifiable):
    """A problem found in a round; also the unit's rectification order — the order's fields
    and flow are the shared `core.rectification.Rectifiable`."""

    village_path = "village"
    scope_module = "inspections"
    personal_fields = ()

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="findings", verbose_name=_("轮次")
    )
    sheet = models.ForeignKey(
        Sheet, on_delete=models.PROTECT, related_name="findings", verbose_name=_("评分表")
    )
    village = models.ForeignKey(
        "core.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("村（社区）")
    )
    spot = models.ForeignKey(
        Spot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("点位"),
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("问题类型")
    )
    count = models.PositiveSmallIntegerField(
        _("处数"), default=1, validators=[MinValueValidator(1), MaxValueValidator(999)]
    )
    note = models.CharField(_("问题描述"), max_length=300, blank=True)
    deduction = models.DecimalField(
        _("扣分"), max_digits=6, decimal_places=2, default=Decimal(0), editable=False
    )
    found_at = models.DateTimeField(_("发现时间"))
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("督查员"),
    )
    client_key = models.CharField(_("提交编号"), max_length=64, blank=True, editable=False)
    flags = models.JSONField(_("提示"), default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("检查问题")
        verbose_name_plural = _("检查问题")
        ordering = ["-found_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "client_key"],
                condition=~Q(client_key=""),
                name="inspections_finding_unique_client_key",
            )
        ]
        indexes = [
            models.Index(fields=["town", "village", "status"]),
            models.Index(fields=["spot", "item"]),
        ]

    def __str__(self):
        return str(self.item) if self.item_id else "检查问题"

    @classmethod
    def scope_gate(cls, queryset, user, action):
        return _gate_by_round(queryset, user, action, "round")

    @property
    def found_on(self):
        return timezone.localtime(self.found_at).date()


class RankingPublication(TownScopedModel):
    scope_module = "inspections"

    month = models.DateField(_("月份"))
    published_at = models.DateTimeField(_("发布时间"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("评比发布")
        verbose_name_plural = _("评比发布")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "month"],
                condition=Q(is_deleted=False),
                name="inspections_publication_unique_month",
            )
        ]

    def __str__(self):
        return f"{self.month:%Y年%m月}评比"


def local_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(8, 0)))
