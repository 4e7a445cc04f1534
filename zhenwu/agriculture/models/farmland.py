"""守粮安: farmland plots, field chiefs (田长), patrols (巡田) and their findings, and the
high-standard farmland (高标准农田) project.

- `FarmlandSetting`: the town's patrol intervals per 田长 level, deadline overrides per problem
  type and the recurrence window (defaults in `rules_farmland`).
- `Plot` (图斑, resource `plots`): code, village, area in 亩, 永久基本农田, land type, location.
- `FieldChief` (田长, resource `field-chiefs`): a user at town, village or grid level and the
  villages (and, for a grid, the plots) they answer for.
- `Patrol` (巡田, resource `patrols`): patroller and level, date, village, plots covered, GPS
  track, photos (core attachments).
- `PatrolFinding` (resource `farmland-findings`): a problem of a listed type on a plot; a
  rectification order through the shared flow (`core.rectification.Rectifiable`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenwu.agriculture import rules_farmland as rules
from zhenwu.core import asof
from zhenwu.core.base import TownScopedModel
from zhenwu.core.rectification import Rectifiable

__all__ = [
    "ChiefLevel",
    "FarmlandSetting",
    "FieldChief",
    "LandType",
    "Patrol",
    "PatrolFinding",
    "Plot",
]


class ChiefLevel(models.TextChoices):
    TOWN = rules.TOWN, _("镇级田长")
    VILLAGE = rules.VILLAGE, _("村级田长")
    GRID = rules.GRID, _("网格田管员")


class LandType(models.TextChoices):
    PADDY = "paddy", _("水田")
    IRRIGATED = "irrigated", _("水浇地")
    DRY = "dry", _("旱地")


class FarmlandSetting(TownScopedModel):
    """The town's 田长制 rules (one per town; created with the defaults on first use)."""

    scope_module = "agriculture"

    grid_interval_days = models.PositiveSmallIntegerField(
        _("网格田管员巡田周期（天）"),
        default=rules.DEFAULT_INTERVALS[rules.GRID],
        validators=[MinValueValidator(1)],
    )
    village_interval_days = models.PositiveSmallIntegerField(
        _("村级田长巡田周期（天）"),
        default=rules.DEFAULT_INTERVALS[rules.VILLAGE],
        validators=[MinValueValidator(1)],
    )
    town_interval_days = models.PositiveSmallIntegerField(
        _("镇级田长巡田周期（天）"),
        default=rules.DEFAULT_INTERVALS[rules.TOWN],
        validators=[MinValueValidator(1)],
    )
    deadline_overrides = models.JSONField(
        _("整改时限调整（工作日）"),
        default=dict,
        blank=True,
        help_text=_('按问题类型编码调整整改时限，例如 {"FLH1": 15}'),
    )
    recurrence_window_days = models.PositiveSmallIntegerField(
        _("反弹认定期（天）"),
        default=365,
        help_text=_("销号后多少天内同一图斑同类问题再次发现即为反弹"),
    )

    class Meta:
        verbose_name = _("田长制设置")
        verbose_name_plural = _("田长制设置")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.town.name}田长制设置" if self.town_id else "田长制设置"

    @property
    def record_label(self) -> str:
        return str(self)

    record_label.fget.short_description = _("设置")

    def intervals(self) -> dict[str, int]:
        return {
            rules.GRID: self.grid_interval_days,
            rules.VILLAGE: self.village_interval_days,
            rules.TOWN: self.town_interval_days,
        }

    def clean(self):
        overrides = self.deadline_overrides or {}
        if not isinstance(overrides, dict):
            raise ValidationError({"deadline_overrides": "整改时限调整应为 {编码: 工作日}。"})
        for code, days in overrides.items():
            if code not in rules.BY_CODE:
                raise ValidationError({"deadline_overrides": f"未知的问题类型编码：{code}"})
            if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 365:
                raise ValidationError(
                    {"deadline_overrides": f"「{code}」的整改时限应为0～365的整数（工作日）。"}
                )


class Plot(TownScopedModel):
    village_path = "village"
    scope_module = "agriculture"

    code = models.CharField(_("图斑编号"), max_length=40)
    village = models.ForeignKey(
        "core.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("村（社区）")
    )
    name = models.CharField(_("小地名"), max_length=60, blank=True)
    area_mu = models.DecimalField(
        _("面积（亩）"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    is_permanent_basic = models.BooleanField(_("永久基本农田"), default=False)
    land_type = models.CharField(
        _("地类"), max_length=10, choices=LandType.choices, default=LandType.PADDY
    )
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    outline = models.JSONField(_("图斑范围（地理坐标）"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("耕地图斑")
        verbose_name_plural = _("耕地图斑")
        ordering = ["village__order", "code", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "code"],
                condition=Q(is_deleted=False),
                name="agriculture_plot_unique_code",
                violation_error_message="本镇已有该图斑编号。",
            )
        ]

    def __str__(self):
        return f"{self.code}{'（' + self.name + '）' if self.name else ''}"

    def clean(self):
        if self.lat is not None and not -90 <= self.lat <= 90:
            raise ValidationError({"lat": "纬度应在 -90～90 之间。"})
        if self.lng is not None and not -180 <= self.lng <= 180:
            raise ValidationError({"lng": "经度应在 -180～180 之间。"})
        if self.outline not in (None, "", {}) and (
            not isinstance(self.outline, dict) or "type" not in self.outline
        ):
            raise ValidationError(
                {"outline": "图斑范围应为地理坐标对象（GeoJSON 格式，含 type）。"}
            )


class FieldChief(TownScopedModel):
    """A 田长: the town level answers for every village, a village chief for theirs, a grid
    田管员 for the plots of their grid (or, none listed, their villages' plots)."""

    scope_module = "agriculture"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("账号")
    )
    level = models.CharField(_("层级"), max_length=10, choices=ChiefLevel.choices)
    villages = models.ManyToManyField(
        "core.Village", blank=True, related_name="+", verbose_name=_("负责村（社区）")
    )
    plots = models.ManyToManyField(
        Plot,
        blank=True,
        related_name="+",
        verbose_name=_("负责图斑"),
        help_text=_("网格田管员的网格；不填则为所负责村的全部图斑"),
    )
    grid = models.CharField(_("网格"), max_length=40, blank=True)
    is_active = models.BooleanField(_("在任"), default=True)

    class Meta:
        verbose_name = _("田长")
        verbose_name_plural = _("田长")
        ordering = ["level", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "user", "level"],
                condition=Q(is_deleted=False),
                name="agriculture_fieldchief_unique_user_level",
                violation_error_message="该账号已是这一层级的田长。",
            )
        ]

    def __str__(self):
        return str(self.user) if self.user_id else "田长"


class Patrol(TownScopedModel):
    village_path = "village"
    scope_module = "agriculture"

    patroller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("巡田人"),
    )
    level = models.CharField(_("层级"), max_length=10, choices=ChiefLevel.choices)
    patrolled_on = models.DateField(_("巡田日期"))
    village = models.ForeignKey(
        "core.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("村（社区）")
    )
    plots = models.ManyToManyField(Plot, related_name="patrols", verbose_name=_("巡查图斑"))
    gps_points = models.JSONField(_("GPS轨迹"), default=list, blank=True)
    note = models.CharField(_("巡田情况"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("巡田记录")
        verbose_name_plural = _("巡田记录")
        ordering = ["-patrolled_on", "-pk"]
        indexes = [models.Index(fields=["town", "patrolled_on"])]

    def __str__(self):
        from zhenwu.core import formats

        # As the list shows the date (the list's first column), so the record reads the same.
        return formats.date_cell(self.patrolled_on) if self.patrolled_on else "巡田记录"

    def clean(self):
        if self.patrolled_on and self.patrolled_on > asof.today():
            raise ValidationError({"patrolled_on": "巡田日期不能晚于今天。"})
        try:
            self.gps_points = rules.parse_gps_points(self.gps_points)
        except ValueError as exc:
            raise ValidationError({"gps_points": str(exc)}) from None


class PatrolFinding(TownScopedModel, Rectifiable):
    """A problem a patrol found on a plot; also its rectification order (shared flow)."""

    village_path = "village"
    scope_module = "agriculture"

    patrol = models.ForeignKey(
        Patrol, on_delete=models.PROTECT, related_name="findings", verbose_name=_("巡田记录")
    )
    plot = models.ForeignKey(
        Plot, on_delete=models.PROTECT, related_name="findings", verbose_name=_("图斑")
    )
    village = models.ForeignKey(
        "core.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("村（社区）")
    )
    category = models.CharField(_("问题类型"), max_length=8, choices=rules.CATEGORY_CHOICES)
    area_mu = models.DecimalField(
        _("涉及面积（亩）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    action = models.CharField(_("处置方式"), max_length=10, choices=rules.ACTIONS, default="report")
    note = models.CharField(_("问题描述"), max_length=300, blank=True)
    found_on = models.DateField(_("发现日期"))

    class Meta:
        verbose_name = _("耕地问题")
        verbose_name_plural = _("耕地问题")
        ordering = ["-found_on", "-pk"]
        indexes = [
            models.Index(fields=["town", "village", "status"]),
            models.Index(fields=["plot", "category"]),
        ]

    def __str__(self):
        return self.get_category_display() if self.category else "耕地问题"

    @property
    def group(self) -> str:
        c = rules.BY_CODE.get(self.category)
        return rules.GROUP_NAMES[c.group] if c else ""
